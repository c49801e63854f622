/**
 * Policy versions through the API, on the database the suite runs on: the public resolved view, loading a version
 * (admin of the division or above; validated, never overwritten), the version list, and pinning — a case keeps the
 * policy in force when it was filed, a new version applies to new cases only. Also POST /v1/procedures/decide.
 */
import t from 'tap'
import { sql } from 'kysely'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, send, type TestApp } from '../helpers/app.ts'
import { clinicFilingApplication, materials, principals as p, CLINIC_CHECKLIST } from '../helpers/factories.ts'
import { loadPolicyDocuments } from '../../src/policy/store.ts'
import type { Principal } from '../../src/auth/principal.ts'
import type { PolicyDocument } from '../../src/policy/document.ts'

const admin = { id: 'admin-1', role: 'admin', jurisdiction: '000000' } satisfies Principal
const xianningAdmin = { id: 'admin-xn', role: 'admin', jurisdiction: '421200' } satisfies Principal
const linyiAdmin = { id: 'admin-ly', role: 'admin', jurisdiction: '371300' } satisfies Principal
const SOURCE_PATTERN = /(\d{3}_[0-9a-f]{16}\.txt L\d+|法|条例|办法|通知|DOMAIN\.md|\[DESIGN\])/

async function req(h: TestApp, as: Principal | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse> {
  const headers = as ? { authorization: `Bearer ${await h.token(as)}` } : {}
  return h.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) })
}

/** The shipped Xianning document, to be changed into a new version (a version is a whole document). */
function xianning(): PolicyDocument {
  return structuredClone(loadPolicyDocuments().find((d) => d.jurisdiction === '421200')!)
}

function newXianningVersion(version: string, effectiveFrom: string, change: (v: PolicyDocument['values']) => void) {
  const doc = xianning()
  change(doc.values)
  const { jurisdiction: _j, ...body } = { ...doc, version, effectiveFrom, name: `湖北省咸宁市（测试调整 ${version}）`, effectiveFromSource: '咸宁市卫健委 2026 年第 1 号通知 (test) [DESIGN]' }
  return body
}

async function file(h: TestApp, body = clinicFilingApplication()) {
  const res = await h.call(p.applicant, 'POST', '/v1/cases', body)
  if (res.statusCode !== 201) throw new Error(`create failed ${res.statusCode} ${res.body}`)
  return res.json() as { id: string; policyVersion: string; context: { checklist: { items: { code: string }[]; source: string } } }
}

async function accept(h: TestApp, id: string) {
  for (const type of ['BEGIN_INTAKE_CHECK', 'ACCEPT']) {
    const res = await send(h, p.clerk, id, type)
    if (res.statusCode !== 200) throw new Error(`${type} failed ${res.statusCode} ${res.body}`)
  }
}

async function decisionClock(h: TestApp, id: string) {
  const clocks = (await h.call(p.officer, 'GET', `/v1/cases/${id}`)).json().clocks as { name: string; kind: string; dueOn: string; source: string }[]
  return clocks.find((c) => c.name === 'decisionLimit' && c.kind === 'statutory')!
}

t.test('GET /v1/policies/{jurisdiction}: public, every key with value, source, supplying jurisdiction and version', async (t) => {
  const h = await buildTestApp(t)
  const res = await req(h, null, 'GET', '/v1/policies/421202')
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const body = res.json()
  t.match(body, { jurisdiction: '421202', at: '2026-03-02', version: '421200@2026-11-23.1+000000@2026-11-23.1', chain: ['421202', '421200', '420000', '000000'] })
  t.match(body.documents, [
    { jurisdiction: '421200', version: '2026-11-23.1', origin: 'shipped', effectiveFromSource: /low-confidence-date/, loadedAt: null },
    { jurisdiction: '000000', version: '2026-11-23.1', origin: 'shipped' },
  ])
  t.match(body.values['clinicFiling.filedUnitKinds'], { value: ['clinic', 'healthRoom', 'medicalRoom', 'nursingStation'], jurisdiction: '421200', version: '2026-11-23.1', source: /004_6104121fb84d74b0\.txt L108/ })
  t.match(body.values['twoCertificates.excludedKinds'], { jurisdiction: '421200', overridden: [{ jurisdiction: '000000', value: { length: 7 } }] }, 'what the local list departs from')
  t.match(body.values['clinicFiling.decision.statutory'], { value: { amount: 10, unit: 'workingDays' }, jurisdiction: '000000' })
  for (const [key, v] of Object.entries(body.values as Record<string, { source: string; jurisdiction: string; version: string }>)) {
    t.match(v, { source: SOURCE_PATTERN, jurisdiction: /^\d{6}$/, version: /./ }, key)
  }
  t.same(Object.keys(body.values), Object.keys(body.values).sort(), 'keys in order')

  const wenshan = (await req(h, null, 'GET', '/v1/policies/532601')).json()
  t.match(wenshan.values['twoCertificates.maxLevel'], { value: null, jurisdiction: '532600', source: /L221/ })
  t.match(wenshan.values['insuranceDesignation.endToEnd.statutory'], { value: { amount: 30, unit: 'workingDays' }, source: /L228/ })
})

t.test('GET ?at= resolves the version in force that day; a day before any document is 404; a bad day 400', async (t) => {
  const h = await buildTestApp(t)
  const in2018 = (await req(h, null, 'GET', '/v1/policies/371302?at=2018-10-01')).json()
  t.match(in2018, { version: '371300@2026-11-23.1+000000@2026-11-23.1', values: { 'elderCareFiling.regime': { value: 'licence', source: /003_75b745a2e5c2526d\.txt L79/ } } })
  const now = (await req(h, null, 'GET', '/v1/policies/371302')).json()
  t.match(now, { version: '371300@2026-11-23.2+000000@2026-11-23.1', values: { 'elderCareFiling.regime': { value: 'filing', source: /老年人权益保障法/ } } })
  const before = await req(h, null, 'GET', '/v1/policies/371302?at=2010-01-01')
  t.equal(before.statusCode, 404)
  t.equal(before.json().code, 'policy-not-found')
  const bad = await req(h, null, 'GET', '/v1/policies/371302?at=2026-02-30')
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { code: 'invalid-request', errors: [{ name: '/querystring/at' }] })
  t.equal((await req(h, null, 'GET', '/v1/policies/4212')).statusCode, 400, 'a jurisdiction is six digits')
})

t.test('PUT /v1/admin/policies/{jurisdiction}: admin of the division or above only, checked before the body', async (t) => {
  const h = await buildTestApp(t)
  const body = newXianningVersion('2026-03-02.1', '2026-03-02', () => {})
  t.equal((await req(h, null, 'PUT', '/v1/admin/policies/421200', body)).statusCode, 401)
  const officer = await req(h, p.officer, 'PUT', '/v1/admin/policies/421200', { nonsense: true })
  t.equal(officer.statusCode, 403)
  t.equal(officer.json().code, 'role-not-allowed')
  const other = await req(h, linyiAdmin, 'PUT', '/v1/admin/policies/421200', body)
  t.equal(other.statusCode, 403)
  t.match(other.json(), { code: 'jurisdiction-not-allowed', scope: '371300', jurisdiction: '421200' })
  t.equal((await req(h, linyiAdmin, 'GET', '/v1/admin/policies/421200/versions')).statusCode, 403)
  const own = await req(h, xianningAdmin, 'PUT', '/v1/admin/policies/421200', body)
  t.equal(own.statusCode, 201, own.body.slice(0, 300))
  t.match(own.json(), { jurisdiction: '421200', version: '2026-03-02.1', loadedBy: 'admin-xn', resolvedVersion: '421200@2026-03-02.1+000000@2026-11-23.1', warnings: [] })
})

t.test('a bad document is refused with 400 naming each bad field; nothing is stored', async (t) => {
  const h = await buildTestApp(t)
  const noSource = await req(h, admin, 'PUT', '/v1/admin/policies/421200', {
    name: 'x', version: 'v-1', effectiveFrom: '2026-03-02', values: { 'clinicFiling.decision.statutory': { value: { amount: 12, unit: 'workingDays' } } },
  })
  t.equal(noSource.statusCode, 400)
  t.match(noSource.json(), { code: 'invalid-request', errors: [{ name: '/body/values/clinicFiling.decision.statutory/source' }] })

  const many = await req(h, admin, 'PUT', '/v1/admin/policies/421200', {
    jurisdiction: '421221', name: 'x', version: 'v-1', effectiveFrom: '2026-03-02',
    values: {
      'clinicFiling.decision.statutory': { value: { amount: 'twelve', unit: 'workingDays' }, source: '某通知' },
      'twoCertificates.excludedKinds': { value: ['emergencyStation', 'spaceStation'], source: '某通知' },
      'twoCertificates.maxLevel': { value: 5, source: '某通知' },
    },
  })
  t.equal(many.statusCode, 400)
  const names = (many.json().errors as { name: string }[]).map((e) => e.name)
  for (const name of ['/body/jurisdiction', '/body/values/clinicFiling.decision.statutory/value/amount', '/body/values/twoCertificates.excludedKinds/value/1', '/body/values/twoCertificates.maxLevel/value']) {
    t.ok(names.includes(name), `names ${name}`)
  }

  const promised = await req(h, admin, 'PUT', '/v1/admin/policies/421200', newXianningVersion('v-2', '2026-03-02', (v) => {
    v['clinicFiling.decision.promised'] = { value: { amount: 12, unit: 'workingDays' }, source: '咸宁承诺时限 [DESIGN]' }
  }))
  t.equal(promised.statusCode, 400, 'a promised limit above the statutory one inherited from the national default')
  t.match(promised.json(), { code: 'invalid-request', errors: [{ name: '/body/values/clinicFiling.decision.promised/value', code: 'promisedExceedsStatutory', reason: /statutory \(10 workingDays/ }] })

  const past = await req(h, admin, 'PUT', '/v1/admin/policies/421200', newXianningVersion('v-3', '2026-03-01', () => {}))
  t.equal(past.statusCode, 422)
  t.match(past.json(), { code: 'policy-effective-in-past', today: '2026-03-02' })

  const shipped = await req(h, admin, 'PUT', '/v1/admin/policies/421200', newXianningVersion('2026-11-23.1', '2026-03-02', () => {}))
  t.equal(shipped.statusCode, 409, 'the shipped version string is taken')
  t.match(shipped.json(), { code: 'policy-version-exists', origin: 'shipped' })

  const badVersion = await req(h, admin, 'PUT', '/v1/admin/policies/421200', newXianningVersion('a+b', '2026-03-02', () => {}))
  t.equal(badVersion.statusCode, 400)
  t.match(badVersion.json(), { errors: [{ name: '/body/version' }] })

  const rows = await h.database.db.withTables<{ policy_documents: { id: string } }>().selectFrom('policy_documents').select('id').execute()
  t.equal(rows.length, 0, 'nothing stored')
})

t.test('versions are never overwritten: 409 for a version that exists, UPDATE and DELETE refused, history listed', async (t) => {
  const h = await buildTestApp(t)
  const first = newXianningVersion('2026-03-02.1', '2026-03-02', (v) => {
    v['clinicFiling.decision.promised'] = { value: { amount: 8, unit: 'workingDays' }, source: '咸宁市承诺时限 (test) [DESIGN]' }
  })
  t.equal((await req(h, admin, 'PUT', '/v1/admin/policies/421200', first)).statusCode, 201)
  const again = await req(h, admin, 'PUT', '/v1/admin/policies/421200', { ...first, name: 'changed' })
  t.equal(again.statusCode, 409)
  t.match(again.json(), { code: 'policy-version-exists', origin: 'loaded', version: '2026-03-02.1' })
  const later = newXianningVersion('2026-06-01.1', '2026-06-01', (v) => { delete v['oneWindow.online'] })
  const loadedLater = await req(h, admin, 'PUT', '/v1/admin/policies/421200', later)
  t.equal(loadedLater.statusCode, 201)

  await t.rejects(sql`update policy_documents set loaded_by = 'someone'`.execute(h.database.db), /keeps every version/)
  await t.rejects(sql`delete from policy_documents`.execute(h.database.db), /keeps every version/)

  const list = await req(h, admin, 'GET', '/v1/admin/policies/421200/versions')
  t.equal(list.statusCode, 200)
  const items = list.json().items as { version: string; origin: string; inForce: boolean; supersededOn: string | null; loadedBy: string | null; document: PolicyDocument }[]
  t.match(items.map((i) => [i.version, i.origin, i.inForce, i.supersededOn, i.loadedBy]), [
    ['2026-11-23.1', 'shipped', false, '2026-03-02', null],
    ['2026-03-02.1', 'loaded', true, '2026-06-01', 'admin-1'],
    ['2026-06-01.1', 'loaded', false, null, 'admin-1'],
  ])
  t.notOk('oneWindow.online' in items[2]!.document.values, 'each version is stored as loaded')

  const linyi = (await req(h, admin, 'GET', '/v1/admin/policies/371300/versions')).json().items
  t.match(linyi.map((i: { version: string; effectiveFrom: string; supersededOn: string | null; inForce: boolean }) => [i.version, i.effectiveFrom, i.supersededOn, i.inForce]),
    [['2026-11-23.1', '2018-08-21', '2018-12-29', false], ['2026-11-23.2', '2018-12-29', null, true]], 'the superseded Linyi regime is listed with the day it ended')

  // Every value of every shipped or loaded version has a source.
  const all = await h.policies.versionsFor(['000000', '421200', '371300', '230000', '500000', '532600', '210900', '360781'])
  t.ok(all.some((v) => v.origin === 'loaded'))
  for (const v of all) {
    for (const [key, value] of Object.entries(v.document.values)) t.match(value.source, SOURCE_PATTERN, `${v.origin} ${v.document.jurisdiction}@${v.document.version} ${key}`)
  }
})

t.test('a later version wins from its effective date only; before that day the old one resolves', async (t) => {
  const h = await buildTestApp(t)
  const body = newXianningVersion('2026-04-01.1', '2026-04-01', (v) => {
    v['clinicFiling.decision.statutory'] = { value: { amount: 15, unit: 'workingDays' }, source: '咸宁市 2026 年调整 (test) [DESIGN]' }
  })
  const res = await req(h, admin, 'PUT', '/v1/admin/policies/421200', body)
  t.equal(res.statusCode, 201)
  t.same(res.json().warnings, [], 'no warnings: a whole document with known keys')
  const today = (await req(h, null, 'GET', '/v1/policies/421202')).json()
  t.match(today.values['clinicFiling.decision.statutory'], { value: { amount: 10 }, jurisdiction: '000000' })
  const april = (await req(h, null, 'GET', '/v1/policies/421202?at=2026-04-01')).json()
  t.match(april.values['clinicFiling.decision.statutory'], { value: { amount: 15 }, jurisdiction: '421200', version: '2026-04-01.1' })
  t.match(april.documents[0], { version: '2026-04-01.1', origin: 'loaded', loadedBy: 'admin-1', loadedAt: '2026-03-02T01:00:00.000Z' })
  t.equal((await file(h)).policyVersion, '421200@2026-11-23.1+000000@2026-11-23.1', 'a case filed today pins the version in force today')
})

t.test('a case pins the version in force when it was filed; a new version applies to new cases only', async (t) => {
  const h = await buildTestApp(t)
  // Case 1, filed and accepted under the shipped policy: 10 working days to decide (R1e), ten checklist items.
  h.clock.set('2026-03-02T09:00:00+08:00')
  const first = await file(h)
  t.equal(first.policyVersion, '421200@2026-11-23.1+000000@2026-11-23.1')
  t.equal(first.context.checklist.items.length, 10)

  // Xianning loads a version effective today: 15 working days, and one more item on the checklist.
  h.clock.set('2026-03-02T10:00:00+08:00')
  const loaded = await req(h, xianningAdmin, 'PUT', '/v1/admin/policies/421200', newXianningVersion('2026-03-02.1', '2026-03-02', (v) => {
    v['clinicFiling.decision.statutory'] = { value: { amount: 15, unit: 'workingDays' }, source: '咸宁市卫健委 2026 年第 1 号通知: 备案办理时限 15 个工作日 (test) [DESIGN]' }
    v['clinicFiling.materials'] = {
      value: [...(loadPolicyDocuments().find((d) => d.jurisdiction === '000000')!.values['clinicFiling.materials']!.value as object[]),
        { code: 'fireSafetyCommitment', title: 'Fire-safety commitment', titleZh: '消防安全承诺书' }],
      source: '咸宁市卫健委 2026 年第 1 号通知: 增加消防安全承诺书 (test) [DESIGN]',
    }
  }))
  t.equal(loaded.statusCode, 201, loaded.body.slice(0, 400))

  // Case 2 is filed under the new version and may submit the new item; case 1 could not have.
  h.clock.set('2026-03-02T11:00:00+08:00')
  const second = await file(h, clinicFilingApplication({ materials: materials([...CLINIC_CHECKLIST, 'fireSafetyCommitment']) }))
  t.equal(second.policyVersion, '421200@2026-03-02.1+000000@2026-11-23.1', 'the new version is pinned')
  t.equal(second.context.checklist.items.length, 11)
  t.match(second.context.checklist.source, /增加消防安全承诺书/)
  const refused = await h.call(p.applicant, 'POST', '/v1/cases', clinicFilingApplication({ jurisdiction: '421202', materials: materials([...CLINIC_CHECKLIST, 'somethingElse']) }))
  t.equal(refused.statusCode, 422, 'an item on neither list is refused')

  // Both accepted the same day: each clock counts its own pinned limit.
  h.clock.set('2026-03-02T15:00:00+08:00')
  await accept(h, first.id)
  await accept(h, second.id)
  const one = await decisionClock(h, first.id)
  const two = await decisionClock(h, second.id)
  t.equal(one.dueOn, '2026-03-16', 'case 1 keeps 10 working days')
  t.match(one.source, /10 working days.*\[policy 000000@2026-11-23\.1\]/)
  t.equal(two.dueOn, '2026-03-23', 'case 2 has 15 working days: 03-03..06, 09..13, 16..20, 23')
  t.match(two.source, /15 个工作日.*\[policy 421200@2026-03-02\.1\]/)

  const view1 = (await h.call(p.officer, 'GET', `/v1/cases/${first.id}`)).json()
  t.equal(view1.policyVersion, '421200@2026-11-23.1+000000@2026-11-23.1', 'case 1 still shows the version it was filed under')
  t.equal(view1.context.checklist.items.length, 10)
  const pinned = await h.database.db.selectFrom('cases').select(['id', 'policy_values']).where('id', 'in', [first.id, second.id]).execute()
  const byId = Object.fromEntries(pinned.map((r) => [r.id, r.policy_values as Record<string, { value: { amount: number } }>]))
  t.equal(byId[first.id]!['clinicFiling.decision.statutory']!.value.amount, 10)
  t.equal(byId[second.id]!['clinicFiling.decision.statutory']!.value.amount, 15)
})

t.test('POST /v1/procedures/decide: public; the decisions with their sources and the one-window plan', async (t) => {
  const h = await buildTestApp(t)
  const res = await req(h, null, 'POST', '/v1/procedures/decide', {
    jurisdiction: '421202', profile: { founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit', unitKind: 'clinic', operationStartedOn: '2026-03-02' },
  })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  t.match(res.json(), {
    jurisdiction: '421202', at: '2026-03-02', policyVersion: '421200@2026-11-23.1+000000@2026-11-23.1',
    decisions: [
      { procedure: 'clinicFiling', department: 'health', explain: [{ rule: 'R1', source: /004_6104121fb84d74b0\.txt L108/ }] },
      { procedure: 'insuranceDesignation', followUp: true, eligibleFrom: '2026-06-02', explain: [{ rule: 'R7', source: /L122/ }] },
    ],
    oneWindow: { required: false, departments: ['health'] },
  })

  const jv = await req(h, null, 'POST', '/v1/procedures/decide', {
    jurisdiction: '500112', profile: { founder: 'elderlyCareInstitution', adds: 'medicalInstitution', medicalKind: 'hospital', medicalLevel: 2, ownership: 'sinoForeignJointVenture' },
  })
  t.match(jv.json(), { policyVersion: '500000@2026-11-23.1+000000@2026-11-23.1', decisions: [{ procedure: 'twoCertificates', path: 'combined', explain: [{ source: /L194/ }] }], oneWindow: null })

  const bad = await req(h, null, 'POST', '/v1/procedures/decide', { jurisdiction: '421202', profile: { founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit', unitKind: 'surgery' } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { code: 'invalid-request', errors: [{ name: /^\/body\/profile\/unitKind/ }] })
  const missing = await req(h, null, 'POST', '/v1/procedures/decide', { jurisdiction: '421202', profile: { founder: 'elderlyCareInstitution', adds: 'medicalInstitution' } })
  t.equal(missing.statusCode, 400)
  t.match(missing.json(), { code: 'invalid-request', errors: [{ name: '/body/profile/medicalKind', code: 'required' }] })

  // A loaded version changes the decision for days from its effective date.
  const loaded = await req(h, admin, 'PUT', '/v1/admin/policies/421200', newXianningVersion('2026-03-02.1', '2026-03-02', (v) => {
    v['clinicFiling.filedUnitKinds'] = { value: ['clinic', 'healthRoom', 'medicalRoom', 'nursingStation', 'outpatientDepartment'], source: '咸宁市 2026 年调整: 门诊部 备案 (test) [DESIGN]' }
  }))
  t.equal(loaded.statusCode, 201)
  const opd = await req(h, null, 'POST', '/v1/procedures/decide', { jurisdiction: '421202', profile: { founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit', unitKind: 'outpatientDepartment' } })
  t.match(opd.json(), { policyVersion: '421200@2026-03-02.1+000000@2026-11-23.1', decisions: [{ procedure: 'clinicFiling', explain: [{ source: /门诊部 备案 \(test\).*\[policy 421200@2026-03-02\.1\]/ }] }] })
  const before = await req(h, null, 'POST', '/v1/procedures/decide', { jurisdiction: '421202', at: '2026-03-01', profile: { founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit', unitKind: 'outpatientDepartment' } })
  t.match(before.json(), { decisions: [{ procedure: 'twoCertificates', path: 'combined' }] }, 'the day before, the shipped version decides')
})

t.test('a version that drops keys of the one it follows is warned about', async (t) => {
  const h = await buildTestApp(t)
  const res = await req(h, admin, 'PUT', '/v1/admin/policies/421200', newXianningVersion('2026-03-02.1', '2026-03-02', (v) => {
    delete v['twoCertificates.excludedKinds']
    v['clinicFiling.decison.statutory'] = { value: { amount: 9, unit: 'workingDays' }, source: '某通知 (typo test)' }
  }))
  t.equal(res.statusCode, 201)
  const warnings = res.json().warnings as string[]
  t.ok(warnings.some((w) => /twoCertificates\.excludedKinds.*no longer set.*000000/.test(w)), 'a dropped key falls back to the level above, and says which')
  t.ok(warnings.some((w) => /clinicFiling\.decison\.statutory: no shipped document has this key/.test(w)), 'a misspelt key is pointed out')
  const odd = await req(h, admin, 'PUT', '/v1/admin/policies/421221', { name: '嘉鱼县', version: 'x-1', effectiveFrom: '2026-03-02', values: { 'subsidy.newThing': { value: 1, source: '嘉鱼县某办法' } } })
  t.equal(odd.statusCode, 201)
  t.match(odd.json().warnings, [/subsidy\.newThing: no shipped document has this key/])
})
