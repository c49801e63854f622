/**
 * The internal-clinic filing through the HTTP API, on the database the suite runs on (PGlite or PostgreSQL).
 */
import t, { type Test } from 'tap'
import { buildTestApp, send, type TestApp } from '../helpers/app.ts'
import { clinicFilingApplication, materials, principals as p, CLINIC_CHECKLIST } from '../helpers/factories.ts'

async function file(h: TestApp, body = clinicFilingApplication()) {
  const res = await h.call(p.applicant, 'POST', '/v1/cases', body)
  if (res.statusCode !== 201) throw new Error(`create failed ${res.statusCode} ${res.body}`)
  return res.json() as { id: string; version: number; state: string }
}

async function expectState(t: Test, res: { statusCode: number; body: string; json(): any }, state: string) {
  t.equal(res.statusCode, 200, `${state}: ${res.body.slice(0, 300)}`)
  t.equal(res.json().state, state)
}

async function toFiled(h: TestApp, id: string, t: Test) {
  await expectState(t, await send(h, p.clerk, id, 'BEGIN_INTAKE_CHECK'), 'intakeCheck')
  await expectState(t, await send(h, p.clerk, id, 'ACCEPT'), 'accepted')
  await expectState(t, await send(h, p.officer, id, 'BEGIN_REVIEW'), 'review')
  await expectState(t, await send(h, p.officer, id, 'FILE', { scope: '内科、康复医学科' }), 'filed.supervised')
}

t.test('happy path: filed, numbered, then supervised; history is ordered, gapless and complete', async (t) => {
  const h = await buildTestApp(t)
  const created = await h.call(p.applicant, 'POST', '/v1/cases', clinicFilingApplication())
  t.equal(created.statusCode, 201)
  t.equal(created.headers.etag, '"1"')
  t.match(created.headers.location, /^\/v1\/cases\/[0-9a-f-]{36}$/)
  const c = created.json()
  t.equal(c.state, 'submitted')
  t.equal(c.stateLabel, '已接件')
  t.equal(c.policyVersion, '421200@2026-11-23.1+000000@2026-11-23.1', 'the policy in force is pinned on the case')
  t.same(c.allowedEvents.map((e: { type: string }) => e.type), ['WITHDRAW'], 'the applicant may only withdraw now')

  await toFiled(h, c.id, t)
  const filed = (await h.call(p.officer, 'GET', `/v1/cases/${c.id}`)).json()
  t.equal(filed.filingNumber, '421202-2026-00001', 'numbered per jurisdiction and year')
  t.equal(filed.context.filing.certificate.scope, '内科、康复医学科')
  t.equal(filed.version, 5)

  // A second filing in the same county and year takes the next number.
  const second = await file(h)
  await toFiled(h, second.id, t)
  t.equal((await h.call(p.officer, 'GET', `/v1/cases/${second.id}`)).json().filingNumber, '421202-2026-00002')

  await expectState(t, await send(h, p.supervisor, c.id, 'SCHEDULE_INSPECTION', { plannedOn: '2026-04-01' }), 'filed.inspectionScheduled')
  await expectState(t, await send(h, p.supervisor, c.id, 'RECORD_INSPECTION_PASSED', { findings: '合格' }), 'filed.supervised')

  const history = await h.call(p.applicant, 'GET', `/v1/cases/${c.id}/history`)
  t.equal(history.statusCode, 200)
  const events = history.json().events as { seq: number; type: string; stateBefore: string | null; stateAfter: string; actorId: string; statusCode: number | null }[]
  t.same(events.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7], 'gapless from 1')
  t.same(events.map((e) => e.type), ['SUBMIT', 'BEGIN_INTAKE_CHECK', 'ACCEPT', 'BEGIN_REVIEW', 'FILE', 'SCHEDULE_INSPECTION', 'RECORD_INSPECTION_PASSED'])
  for (let i = 1; i < events.length; i++) t.equal(events[i]!.stateBefore, events[i - 1]!.stateAfter, `event ${i + 1} starts where ${i} ended`)
  t.same(events.map((e) => e.actorId), ['home-1', 'clerk-1', 'clerk-1', 'officer-1', 'officer-1', 'supervisor-1', 'supervisor-1'], 'actors come from the tokens')
  t.same(events.map((e) => e.statusCode), [1, null, 3, 8, 11, null, null], '办件状态 codes: 已接件, 已受理, 部门开始办理, 办结（通过）')

  const outbox = await h.database.db.selectFrom('outbox').select(['seq', 'topic']).where('case_id', '=', c.id).orderBy('id').execute()
  t.same(outbox.map((o) => o.topic), ['clinicFiling.submitted', 'clinicFiling.accepted', 'clinicFiling.filed', 'clinicFiling.inspectionScheduled', 'clinicFiling.inspectionPassed'])
})

t.test('one-time notice: every missing item at once, resubmission, then acceptance', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h, clinicFilingApplication({ materials: materials(CLINIC_CHECKLIST.slice(0, 7)) }))
  await send(h, p.clerk, c.id, 'BEGIN_INTAKE_CHECK')

  const early = await send(h, p.clerk, c.id, 'ACCEPT')
  t.equal(early.statusCode, 422, 'incomplete materials cannot be accepted')
  t.equal(early.json().code, 'rule-not-satisfied')
  t.match(early.json().rules, [{ name: 'hasAllRequiredMaterials', source: /行政许可法 第三十二条/ }])

  const partial = await send(h, p.clerk, c.id, 'REQUEST_SUPPLEMENT', { items: [{ item: 'equipmentList', reason: '缺少设备清单' }] })
  t.equal(partial.statusCode, 422, 'a notice that leaves out a missing item is refused (一次告知全部内容)')
  t.match(partial.json().rules.map((r: { name: string }) => r.name), ['noNoticeSentYet', 'noticeCoversEveryMissingItem'])

  const notice = await send(h, p.clerk, c.id, 'REQUEST_SUPPLEMENT', {
    items: [
      { item: 'equipmentList', reason: '缺少设备清单' },
      { item: 'medicalWasteContract', reason: '缺少医疗废物处置协议' },
      { item: 'identityDocuments', reason: '缺少法定代表人身份证明' },
      { item: 'floorPlan', reason: '平面图未标明医疗区域' },
    ],
  })
  await expectState(t, notice, 'supplementRequested')
  t.equal(notice.json().context.supplementNotice.items.length, 4)

  const unrelated = await send(h, p.applicant, c.id, 'RESUBMIT', { materials: [{ item: 'rules', documentRef: 'doc-x' }] })
  t.equal(unrelated.statusCode, 422, 'resubmitted documents must answer the notice')

  const resubmitted = await send(h, p.applicant, c.id, 'RESUBMIT', {
    materials: ['equipmentList', 'medicalWasteContract', 'identityDocuments', 'floorPlan'].map((item) => ({ item, documentRef: `v2-${item}` })),
  })
  await expectState(t, resubmitted, 'intakeCheck')
  t.equal(resubmitted.json().context.materials.floorPlan.documentRef, 'v2-floorPlan', 'the newer document replaces the defective one')

  const again = await send(h, p.clerk, c.id, 'REQUEST_SUPPLEMENT', { items: [{ item: 'rules', reason: '制度不全' }] })
  t.equal(again.statusCode, 422, 'a second notice is refused: the notice is one-time')
  t.match(again.json().rules, [{ name: 'noNoticeSentYet' }])
  await expectState(t, await send(h, p.clerk, c.id, 'ACCEPT'), 'accepted')

  const codes = (await h.call(p.clerk, 'GET', `/v1/cases/${c.id}/history`)).json().events.map((e: { statusCode: number | null }) => e.statusCode)
  t.same(codes, [1, null, 6, 7, 3], '补正（开始）and 补正（结束） are reported')
})

t.test('refusal at intake ends the case with reasons', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await send(h, p.clerk, c.id, 'BEGIN_INTAKE_CHECK')
  const noReasons = await send(h, p.clerk, c.id, 'REFUSE_INTAKE', { reasons: [] })
  t.equal(noReasons.statusCode, 400, 'a refusal needs at least one reason')
  t.match(noReasons.json().errors, [{ name: '/payload/reasons' }])
  const refused = await send(h, p.clerk, c.id, 'REFUSE_INTAKE', { reasons: ['申请人不是已备案的养老机构'] })
  await expectState(t, refused, 'notAccepted')
  t.equal(refused.json().status, 'done')
  t.same(refused.json().allowedEvents, [])
  const after = await send(h, p.applicant, c.id, 'WITHDRAW')
  t.equal(after.statusCode, 422)
  t.same(after.json().allowedEvents, [], 'a closed case allows nothing')
})

t.test('withdrawal by the applicant before a decision, not after', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await send(h, p.clerk, c.id, 'BEGIN_INTAKE_CHECK')
  await send(h, p.clerk, c.id, 'ACCEPT')
  const clerkTries = await send(h, p.clerk, c.id, 'WITHDRAW')
  t.equal(clerkTries.statusCode, 403, 'only the applicant withdraws')
  t.equal(clerkTries.json().code, 'role-not-allowed')
  t.same(clerkTries.json().allowedRoles, ['applicant'])
  const withdrawn = await send(h, p.applicant, c.id, 'WITHDRAW', { reason: '改为申请两证合一' })
  await expectState(t, withdrawn, 'withdrawn')
  t.equal(withdrawn.json().context.withdrawal.reason, '改为申请两证合一')

  const filed = await file(h)
  await toFiled(h, filed.id, t)
  const late = await send(h, p.applicant, filed.id, 'WITHDRAW')
  t.equal(late.statusCode, 422, 'no withdrawal after the decision')
  t.equal(late.json().code, 'invalid-transition')
})

t.test('supervision: inspection failed → rectification → rectified; and → revoked by the head', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await toFiled(h, c.id, t)
  await send(h, p.supervisor, c.id, 'SCHEDULE_INSPECTION', { plannedOn: '2026-04-01', drawId: 'draw-1' })
  const failed = await send(h, p.supervisor, c.id, 'RECORD_INSPECTION_FAILED', { findings: ['医疗废物暂存不规范'], rectifyBy: '2026-05-01' })
  await expectState(t, failed, 'filed.rectificationOrdered')
  t.equal(failed.json().context.rectification.dueBy, '2026-05-01')
  await expectState(t, await send(h, p.officer, c.id, 'CONFIRM_RECTIFIED', { findings: '已整改' }), 'filed.supervised')

  await send(h, p.supervisor, c.id, 'SCHEDULE_INSPECTION', { plannedOn: '2026-09-01' })
  await send(h, p.supervisor, c.id, 'RECORD_INSPECTION_FAILED', { findings: ['无执业护士'], rectifyBy: '2026-10-09' })
  const byOfficer = await send(h, p.officer, c.id, 'REVOKE_FILING', { reasons: ['逾期未整改'] })
  t.equal(byOfficer.statusCode, 403, 'revocation is for the head of the department')
  const revoked = await send(h, p.head, c.id, 'REVOKE_FILING', { reasons: ['逾期未整改'] })
  await expectState(t, revoked, 'revoked')
  t.equal(revoked.json().status, 'done')
  const last = (await h.call(p.head, 'GET', `/v1/cases/${c.id}/history`)).json().events.at(-1)
  t.equal(last.statusCode, 15, '撤销')
})

t.test('a refused transition answers 422 naming the events allowed now', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  const res = await send(h, p.officer, c.id, 'FILE', { scope: '内科' })
  t.equal(res.statusCode, 422)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  const body = res.json()
  t.equal(body.code, 'invalid-transition')
  t.equal(body.type, 'urn:onewindow:problem:invalid-transition')
  t.equal(body.state, 'submitted')
  t.same(body.allowedEvents.map((e: { type: string }) => e.type).sort(), ['BEGIN_INTAKE_CHECK', 'WITHDRAW'])
  t.match(body.detail, /allowed now: BEGIN_INTAKE_CHECK, WITHDRAW/)
  const unknown = await send(h, p.clerk, c.id, 'MAKE_COFFEE')
  t.equal(unknown.statusCode, 422, 'an event the procedure does not know is refused the same way')
})

t.test('If-Match: stale answers 409, missing 428, malformed 412; nothing is written', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  const url = `/v1/cases/${c.id}/events`
  const ok = await h.call(p.clerk, 'POST', url, { type: 'BEGIN_INTAKE_CHECK' }, { 'if-match': '"1"' })
  t.equal(ok.statusCode, 200)
  t.equal(ok.headers.etag, '"2"')
  const stale = await h.call(p.clerk, 'POST', url, { type: 'ACCEPT' }, { 'if-match': '"1"' })
  t.equal(stale.statusCode, 409)
  t.equal(stale.json().code, 'stale-version')
  t.equal(stale.json().currentVersion, 2)
  const missing = await h.call(p.clerk, 'POST', url, { type: 'ACCEPT' })
  t.equal(missing.statusCode, 428)
  t.equal(missing.json().code, 'if-match-required')
  const malformed = await h.call(p.clerk, 'POST', url, { type: 'ACCEPT' }, { 'if-match': 'yesterday' })
  t.equal(malformed.statusCode, 412)
  t.equal(malformed.json().code, 'if-match-malformed')
  const weak = await h.call(p.clerk, 'POST', url, { type: 'ACCEPT' }, { 'if-match': 'W/"2"' })
  t.equal(weak.statusCode, 200, 'a weak ETag of the current version is accepted')
  const history = (await h.call(p.clerk, 'GET', `/v1/cases/${c.id}/history`)).json()
  t.same(history.events.map((e: { type: string }) => e.type), ['SUBMIT', 'BEGIN_INTAKE_CHECK', 'ACCEPT'])
})

t.test('roles: a role that may not send an event gets 403', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  const res = await send(h, p.applicant, c.id, 'BEGIN_INTAKE_CHECK')
  t.equal(res.statusCode, 403)
  t.match(res.json(), { code: 'role-not-allowed', allowedRoles: ['clerk'] })
  const officerFiles = await h.call(p.officer, 'POST', '/v1/cases', clinicFilingApplication())
  t.equal(officerFiles.statusCode, 403, 'an officer does not file applications')
})

t.test('visibility: an applicant sees only its own cases; other jurisdictions see nothing', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  for (const who of [p.otherApplicant, p.otherCountyOfficer, p.otherCityOfficer]) {
    const res = await h.call(who, 'GET', `/v1/cases/${c.id}`)
    t.equal(res.statusCode, 404, `${who.id} gets 404`)
    t.equal(res.json().code, 'case-not-found')
    t.equal((await h.call(who, 'GET', `/v1/cases/${c.id}/history`)).statusCode, 404)
    const act = await h.call(who, 'POST', `/v1/cases/${c.id}/events`, { type: 'WITHDRAW' }, { 'if-match': '"1"' })
    t.equal(act.statusCode, 404, `${who.id} cannot act either`)
  }
  t.equal((await h.call(p.supervisor, 'GET', `/v1/cases/${c.id}`)).statusCode, 200, 'the city supervisor sees the county case')
  const list = (await h.call(p.otherApplicant, 'GET', '/v1/cases')).json()
  t.same(list.items, [], "another applicant's list is empty")
})

t.test('bad input: 400 naming the field, 401, 404, 415, 413; never a 500', async (t) => {
  const h = await buildTestApp(t)
  const missingField = await h.call(p.applicant, 'POST', '/v1/cases', { ...clinicFilingApplication(), jurisdiction: undefined })
  t.equal(missingField.statusCode, 400)
  t.match(missingField.json(), { code: 'invalid-request', errors: [{ name: '/body/jurisdiction', code: 'required' }] })
  const body = clinicFilingApplication()
  const badCode = await h.call(p.applicant, 'POST', '/v1/cases', { ...body, institution: { ...body.institution, unifiedSocialCreditCode: 'abc', extra: 1 } })
  t.equal(badCode.statusCode, 400)
  const names = badCode.json().errors.map((e: { name: string }) => e.name)
  t.ok(names.includes('/body/institution/unifiedSocialCreditCode'), 'names the bad credit code')
  t.ok(names.includes('/body/institution/extra'), 'names the unknown property')
  const badPayload = await h.call(p.applicant, 'POST', '/v1/cases', clinicFilingApplication())
  const id = badPayload.json().id
  const wrongPayload = await send(h, p.clerk, id, 'BEGIN_INTAKE_CHECK', { surprise: true })
  t.equal(wrongPayload.statusCode, 400)
  t.match(wrongPayload.json(), { code: 'invalid-payload', errors: [{ name: '/payload' }] })
  t.equal((await h.call(p.applicant, 'POST', '/v1/cases', { ...body, procedure: 'noSuchThing' })).json().code, 'procedure-not-found')
  const notFiledKind = await h.call(p.applicant, 'POST', '/v1/cases', clinicFilingApplication({ unitKind: 'outpatientDepartment' }))
  t.equal(notFiledKind.statusCode, 422, 'a 门诊部 is not filed in Xianning')
  t.match(notFiledKind.json(), { code: 'procedure-not-applicable', source: /004_6104121fb84d74b0\.txt L108/ })
  const linyi = await h.call({ ...p.applicant, jurisdiction: '371302' }, 'POST', '/v1/cases', clinicFilingApplication({ jurisdiction: '371302', unitKind: 'outpatientDepartment' }))
  t.equal(linyi.statusCode, 201, 'but it is in Linyi (003_75b745a2e5c2526d.txt L127)')

  t.equal((await h.call(null, 'GET', `/v1/cases/${id}`)).statusCode, 401, 'no token')
  const forged = await h.app.inject({ method: 'GET', url: `/v1/cases/${id}`, headers: { authorization: 'Bearer abc.def.ghi' } })
  t.equal(forged.statusCode, 401)
  t.equal(forged.json().code, 'unauthenticated')
  t.equal((await h.call(p.clerk, 'GET', '/v1/cases/00000000-0000-4000-8000-000000000000')).statusCode, 404, 'unknown id')
  const notUuid = await h.call(p.clerk, 'GET', '/v1/cases/42')
  t.equal(notUuid.statusCode, 400)
  t.match(notUuid.json().errors, [{ name: '/params/id' }])
  const text = await h.app.inject({ method: 'POST', url: '/v1/cases', headers: { authorization: `Bearer ${await h.token(p.applicant)}`, 'content-type': 'text/plain' }, payload: 'hello' })
  t.equal(text.statusCode, 415)
  t.equal(text.json().code, 'unsupported-media-type')
  const broken = await h.app.inject({ method: 'POST', url: '/v1/cases', headers: { authorization: `Bearer ${await h.token(p.applicant)}`, 'content-type': 'application/json' }, payload: '{"procedure":' })
  t.equal(broken.statusCode, 400)
  t.equal(broken.json().code, 'malformed-json')
  const huge = await h.app.inject({ method: 'POST', url: '/v1/cases', headers: { authorization: `Bearer ${await h.token(p.applicant)}`, 'content-type': 'application/json' }, payload: JSON.stringify({ x: 'x'.repeat(1_100_000) }) })
  t.equal(huge.statusCode, 413)
  t.equal(huge.json().code, 'payload-too-large')
  const noRoute = await h.call(p.clerk, 'GET', '/v1/nothing-here')
  t.equal(noRoute.statusCode, 404)
  t.equal(noRoute.headers['content-type'], 'application/problem+json; charset=utf-8')
  const badCursor = await h.call(p.clerk, 'GET', '/v1/cases?cursor=zzz')
  t.equal(badCursor.statusCode, 400)
  t.equal(badCursor.json().code, 'invalid-cursor')
})

t.test('list: keyset pagination with filters', async (t) => {
  const h = await buildTestApp(t)
  const ids: string[] = []
  for (let i = 0; i < 5; i++) {
    ids.push((await file(h)).id)
    h.clock.advance(1000)
  }
  await send(h, p.clerk, ids[0]!, 'BEGIN_INTAKE_CHECK')
  const page1 = (await h.call(p.clerk, 'GET', '/v1/cases?limit=2')).json()
  t.same(page1.items.map((c: { id: string }) => c.id), [ids[4], ids[3]], 'newest first')
  const page2 = (await h.call(p.clerk, 'GET', `/v1/cases?limit=2&cursor=${page1.nextCursor}`)).json()
  const page3 = (await h.call(p.clerk, 'GET', `/v1/cases?limit=2&cursor=${page2.nextCursor}`)).json()
  t.same([...page2.items, ...page3.items].map((c: { id: string }) => c.id), [ids[2], ids[1], ids[0]])
  t.equal(page3.nextCursor, null)
  const byState = (await h.call(p.clerk, 'GET', '/v1/cases?state=intakeCheck&procedure=clinicFiling')).json()
  t.same(byState.items.map((c: { id: string }) => c.id), [ids[0]])
})

t.test('procedures and health describe themselves', async (t) => {
  const h = await buildTestApp(t)
  const procs = (await h.call(null, 'GET', '/v1/procedures')).json()
  const clinic = procs.items.find((x: { id: string }) => x.id === 'clinicFiling')
  t.ok(clinic)
  t.ok(clinic.states.some((s: { state: string }) => s.state === 'filed.rectificationOrdered'))
  t.same(clinic.events.find((e: { type: string }) => e.type === 'REVOKE_FILING').roles, ['head'])
  for (const e of clinic.events) t.ok(e.source.length > 3, `${e.type} cites its source`)
  for (const s of clinic.states) t.ok(s.source, `${s.state} cites its source`)
  const health = await h.call(null, 'GET', '/health')
  t.equal(health.statusCode, 200)
  t.ok(['pglite', 'postgres'].includes(health.json().database))
})
