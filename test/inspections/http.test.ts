/**
 * Random inspections through the HTTP API on the database the suite runs on (PGlite or PostgreSQL): the roster,
 * the pools (an internal clinic in the medical pool, a hospital's elderly care in the elderly-care pool, DOMAIN.md
 * §2.8 R8), conflicts excluded, the draw reproducible and verifiable (and a tampered record caught), each
 * inspection an event on its case, and the published list without personal data.
 */
import t, { type Test } from 'tap'
import { sql } from 'kysely'
import { buildTestApp, send, type TestApp } from '../helpers/app.ts'
import { onlyWithServerPostgres } from '../helpers/db.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'
import { elderCareApplication, elderCareTestPolicies } from '../model/elderCareFiling.model.ts'
import { runDraw } from '../../src/inspections/draw.ts'
import type { Principal } from '../../src/auth/principal.ts'

const SEED = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'
const PERIOD = { from: '2026-04-01', to: '2026-06-30' }

const inspectorA: Principal = { id: 'inspector-a', role: 'officer', jurisdiction: '421202', department: 'health' }
const caSupervisor: Principal = { id: 'supervisor-ca', role: 'supervisor', jurisdiction: '421200', department: 'civilAffairs' }
const caOfficer: Principal = { id: 'ca-officer-1', role: 'officer', jurisdiction: '421202', department: 'civilAffairs' }

/** PUT with a bearer token (the shared helper sends GET and POST). */
async function put(h: TestApp, as: Principal, url: string, body: unknown) {
  return h.app.inject({ method: 'PUT', url, headers: { authorization: `Bearer ${await h.token(as)}` }, payload: body as object })
}

const build = (t: Test) => buildTestApp(t, { policies: elderCareTestPolicies() })

async function ok(t: Test, res: { statusCode: number; body: string }, status = 200) {
  t.equal(res.statusCode, status, res.body.slice(0, 400))
  return JSON.parse(res.body)
}

/** A clinic filing recorded by `officer` (so `officer` handled it: a conflict for its inspection). */
async function filedClinic(t: Test, h: TestApp, officer: Principal, name: string, uscc: string) {
  const app = clinicFilingApplication()
  const c = await ok(t, await h.call(p.applicant, 'POST', '/v1/cases', { ...app, institution: { ...app.institution, name, unifiedSocialCreditCode: uscc } }), 201)
  await ok(t, await send(h, p.clerk, c.id, 'BEGIN_INTAKE_CHECK'))
  await ok(t, await send(h, p.clerk, c.id, 'ACCEPT'))
  await ok(t, await send(h, officer, c.id, 'BEGIN_REVIEW'))
  const filed = await ok(t, await send(h, officer, c.id, 'FILE', { scope: '内科、康复医学科' }))
  t.equal(filed.state, 'filed.supervised')
  return c.id as string
}

/** A hospital's elderly-care filing with 民政, through the post-filing check into the elderly-care pool. */
async function supervisedElderCare(t: Test, h: TestApp) {
  const c = await ok(t, await h.call(p.applicant, 'POST', '/v1/cases', elderCareApplication()), 201)
  await ok(t, await send(h, p.clerk, c.id, 'BEGIN_COMPLETENESS_CHECK'))
  await ok(t, await send(h, p.clerk, c.id, 'CONFIRM_COMPLETE'))
  await ok(t, await send(h, caOfficer, c.id, 'RECORD_ZONE_SEPARATION_CHECK', { passed: true, findings: '养老区独立设置，与医疗区物理隔离' }))
  await ok(t, await send(h, caOfficer, c.id, 'FILE', { serviceScope: '失能老年人照护', elderCareBeds: 60 }))
  await ok(t, await send(h, caOfficer, c.id, 'BEGIN_POST_FILING_CHECK', { plannedOn: '2026-03-10' }))
  const passed = await ok(t, await send(h, caOfficer, c.id, 'RECORD_INSPECTION_PASSED', { findings: '备案后核查合格' }))
  t.equal(passed.state, 'underSupervision')
  return c.id as string
}

async function roster(t: Test, h: TestApp, as: Principal, department: string, ids: string[]) {
  for (const id of ids) await ok(t, await put(h, as, `/v1/inspections/inspectors/${id}`, { name: `检查员${id}`, jurisdiction: '421202', department, active: true }), 201)
}

const officialsIn = async (h: TestApp, caseId: string) =>
  new Set((await h.database.db.selectFrom('case_events').select('actor_id').where('case_id', '=', caseId)
    .where('actor_role', 'not in', ['applicant', 'system']).execute()).map((r) => r.actor_id))

t.test('a medical-pool draw: reproducible, conflicts excluded, scheduled on each case, verifiable, published without personal data', async (t) => {
  const h = await build(t)
  const byOfficer = [await filedClinic(t, h, p.officer, '福寿养老院医务室', '52421202MJH000001B'), await filedClinic(t, h, p.officer, '康乐养老院护理站', '52421202MJH000002E')]
  const byInspectorA = [await filedClinic(t, h, inspectorA, '夕阳红养老院医务室', '52421202MJH000003H'), await filedClinic(t, h, inspectorA, '松鹤养老院诊所', '52421202MJH000004L')]
  const elder = await supervisedElderCare(t, h)
  // Not in a pool: a clinic filing still under review.
  const pending = await ok(t, await h.call(p.applicant, 'POST', '/v1/cases', clinicFilingApplication()), 201)

  await t.test('the roster: supervisors of the department (or admins) manage it', async (t) => {
    t.equal((await put(h, p.officer, '/v1/inspections/inspectors/x-1', { name: '某', jurisdiction: '421202', department: 'health' })).statusCode, 403)
    t.match(JSON.parse((await put(h, p.supervisor, '/v1/inspections/inspectors/x-1', { name: '某', jurisdiction: '421202', department: 'civilAffairs' })).body),
      { code: 'inspection-department-not-allowed' })
    t.match(JSON.parse((await put(h, p.supervisor, '/v1/inspections/inspectors/x-1', { name: '某', jurisdiction: '371302', department: 'health' })).body),
      { code: 'jurisdiction-not-allowed' })
    await roster(t, h, p.supervisor, 'health', ['officer-1', 'inspector-a'])
  })

  await t.test('too small a roster once conflicts are excluded: 422', async (t) => {
    const res = await h.call(p.supervisor, 'POST', '/v1/inspections/draws', { department: 'health', period: PERIOD, sampleSize: 4, seed: SEED })
    t.equal(res.statusCode, 422)
    t.match(res.json(), { code: 'inspection-roster-too-small', eligible: 1, inspectorsPerInstitution: 2 })
    t.equal((await h.database.db.selectFrom('inspection_draws').select('id').execute()).length, 0, 'nothing recorded')
  })

  await roster(t, h, p.supervisor, 'health', ['inspector-b', 'inspector-c'])
  await ok(t, await put(h, p.supervisor, '/v1/inspections/inspectors/inspector-c', { name: '检查员丙', jurisdiction: '421202', department: 'health', active: false }))
  await roster(t, h, p.supervisor, 'health', ['inspector-d'])

  await t.test('who may draw', async (t) => {
    t.equal((await h.call(p.officer, 'POST', '/v1/inspections/draws', { department: 'health', period: PERIOD, sampleSize: 1 })).statusCode, 403)
    t.match((await h.call(p.supervisor, 'POST', '/v1/inspections/draws', { department: 'civilAffairs', period: PERIOD, sampleSize: 1 })).json(), { code: 'inspection-department-not-allowed' })
    t.match((await h.call(p.supervisor, 'POST', '/v1/inspections/draws', { department: 'health', period: PERIOD, sampleSize: 5 })).json(), { code: 'inspection-pool-too-small', poolSize: 4 })
    t.match((await h.call(p.supervisor, 'POST', '/v1/inspections/draws', { department: 'health', period: { from: '2026-06-30', to: '2026-04-01' }, sampleSize: 1 })).json(), { code: 'inspection-period-invalid' })
  })

  const draw = await ok(t, await h.call(p.supervisor, 'POST', '/v1/inspections/draws', { department: 'health', period: PERIOD, sampleSize: 3, seed: SEED }), 201)

  await t.test('the pool is the filed internal clinics of the health department; the elder-care filing and the pending case are not in it', async (t) => {
    t.equal(draw.pool, 'medical')
    t.match(draw.poolSource, /000_0b3890313d310455\.txt L29/)
    t.same(draw.inputs.candidates.map((c: { caseId: string }) => c.caseId), [...byOfficer, ...byInspectorA].sort())
    t.notOk(draw.inputs.candidates.some((c: { caseId: string }) => c.caseId === elder || c.caseId === pending.id))
    t.same(draw.inputs.roster, ['inspector-a', 'inspector-b', 'inspector-d', 'officer-1'], 'active inspectors only, sorted')
    t.equal(draw.seed, SEED)
    t.equal(draw.result.length, 3)
  })

  await t.test('conflicts: who handled the filing is recorded and never drawn for it', async (t) => {
    for (const c of draw.inputs.candidates) t.same(c.conflicts, byOfficer.includes(c.caseId) ? ['officer-1'] : ['inspector-a'])
    for (const pair of draw.result) {
      const handled = await officialsIn(h, pair.caseId)
      t.equal(pair.inspectors.length, 2)
      t.notOk(pair.inspectors.some((i: string) => handled.has(i) && i !== p.supervisor.id), `${pair.inspectors} did not handle ${pair.caseId}`)
    }
  })

  await t.test('re-run from the recorded seed and inputs: the same sample; the verify endpoint agrees (no authentication needed)', async (t) => {
    t.same(runDraw(draw.inputs), draw.result)
    const read = await ok(t, await h.call(p.officer, 'GET', `/v1/inspections/draws/${draw.id}`))
    t.same(read, draw)
    t.same(runDraw(read.inputs), read.result)
    t.match(await ok(t, await h.call(null, 'POST', `/v1/inspections/draws/${draw.id}/verify`)), { matches: true, resultMatches: true, digestMatches: true, reasons: [], digest: draw.digest })
    t.equal((await h.call(p.applicant, 'GET', `/v1/inspections/draws/${draw.id}`)).statusCode, 403, 'applicants do not read draws (role-not-allowed)')
    t.equal((await h.call(p.otherCityOfficer, 'GET', `/v1/inspections/draws/${draw.id}`)).statusCode, 404)
  })

  await t.test('each drawn inspection is an event on the institution\'s case, naming the draw', async (t) => {
    for (const pair of draw.result) {
      const c = await ok(t, await h.call(p.officer, 'GET', `/v1/cases/${pair.caseId}`))
      t.equal(c.state, 'filed.inspectionScheduled')
      const events = (await ok(t, await h.call(p.officer, 'GET', `/v1/cases/${pair.caseId}/history`))).events
      t.match(events.at(-1), { type: 'SCHEDULE_INSPECTION', payload: { drawId: draw.id, plannedOn: PERIOD.from }, actorId: p.supervisor.id, actorRole: 'supervisor' })
    }
    const notDrawn = [...byOfficer, ...byInspectorA].filter((id) => !draw.result.some((r: { caseId: string }) => r.caseId === id))
    for (const id of notDrawn) t.equal((await ok(t, await h.call(p.officer, 'GET', `/v1/cases/${id}`))).state, 'filed.supervised')
  })

  await t.test('the record is append-only', async (t) => {
    await t.rejects(sql`update inspection_draws set seed = ${'0'.repeat(64)}`.execute(h.database.db), /append-only/)
    await t.rejects(sql`delete from inspection_draw_items`.execute(h.database.db), /append-only/)
  })

  const [first, second] = draw.result as { caseId: string; inspectors: string[] }[]
  const inspectorOf = (pair: { inspectors: string[] }): Principal => ({ id: pair.inspectors[0]!, role: 'officer', jurisdiction: '421202', department: 'health' })
  await t.test('only an inspector the draw picked records the result (随机选派执法检查人员); the refusal names the rule', async (t) => {
    const outsider: Principal = { id: 'officer-not-drawn', role: 'officer', jurisdiction: '421202', department: 'health' }
    t.notOk(first!.inspectors.includes(outsider.id))
    const refused = await send(h, outsider, first!.caseId, 'RECORD_INSPECTION_PASSED', { findings: '合格' })
    t.equal(refused.statusCode, 422)
    t.match(refused.headers['content-type'], /application\/problem\+json/)
    const body = refused.json()
    t.equal(body.code, 'rule-not-satisfied')
    t.match(body.rules, [{ name: 'resultByDrawnInspector', source: /国办发〔2015〕58号/ }])
    const supervisorTry = await send(h, p.supervisor, first!.caseId, 'RECORD_INSPECTION_FAILED', { findings: ['消防通道堵塞'], rectifyBy: '2026-05-15' })
    t.equal(supervisorTry.json().code, 'rule-not-satisfied', 'the supervisor who drew is not one of the inspectors either')
    t.equal((await ok(t, await h.call(p.officer, 'GET', `/v1/cases/${first!.caseId}`))).state, 'filed.inspectionScheduled', 'nothing recorded')
  })
  await ok(t, await send(h, inspectorOf(first!), first!.caseId, 'RECORD_INSPECTION_FAILED', { findings: ['医疗废物未分类（检查员记录）'], rectifyBy: '2026-05-15' }))
  h.clock.set('2026-05-12T10:00:00+08:00')
  await ok(t, await send(h, inspectorOf(first!), first!.caseId, 'CONFIRM_RECTIFIED', { findings: '已整改到位' }))
  await ok(t, await send(h, inspectorOf(second!), second!.caseId, 'RECORD_INSPECTION_PASSED', { findings: '合格' }))

  await t.test('published results: no authentication, results and rectification, no personal data, keyset pages', async (t) => {
    const all = await ok(t, await h.call(null, 'GET', `/v1/public/inspections?drawId=${draw.id}`))
    t.equal(all.items.length, 3)
    t.same(all.items.map((i: { result: string }) => i.result), ['failed', 'passed', 'scheduled'], 'in draw order')
    t.match(all.items[0], {
      drawId: draw.id, drawDigest: draw.digest, department: 'health', pool: 'medical', period: PERIOD, plannedOn: PERIOD.from, drawnOn: '2026-03-02',
      institution: { jurisdiction: '421202', unifiedSocialCreditCode: /^52421202MJH00000\d[0-9A-Z]$/ },
      result: 'failed', resultOn: '2026-03-02', rectification: 'rectified', rectificationOn: '2026-05-12',
    })
    t.match(all.items[1], { result: 'passed', rectification: null })
    t.match(all.items[2], { result: 'scheduled', resultOn: null, rectification: null })
    const text = JSON.stringify(all)
    for (const secret of ['张三', '421202197001011233', '13800000000', 'legalRepresentative', 'inspector-', 'officer-1', '医疗废物', 'findings']) {
      t.notOk(text.includes(secret), `no ${secret} in the published list`)
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { items: { institution: { unifiedSocialCreditCode: string } }[]; nextCursor: string | null } =
        await ok(t, await h.call(null, 'GET', `/v1/public/inspections?limit=1${cursor ? `&cursor=${cursor}` : ''}`))
      seen.push(...page.items.map((i) => i.institution.unifiedSocialCreditCode))
      cursor = page.nextCursor
    } while (cursor)
    t.same(seen, all.items.map((i: { institution: { unifiedSocialCreditCode: string } }) => i.institution.unifiedSocialCreditCode))
    t.equal((await h.call(null, 'GET', '/v1/public/inspections?cursor=bm9wZQ')).statusCode, 400)
  })

  await t.test('an institution with an open inspection is not drawn again; the next draw takes the rest', async (t) => {
    const next = await ok(t, await h.call(p.supervisor, 'POST', '/v1/inspections/draws', { department: 'health', period: { from: '2026-07-01', to: '2026-09-30' }, sampleSize: 3 }), 201)
    t.match(next.seed, /^[0-9a-f]{64}$/, 'a fresh seed when none is given')
    const open = (draw.result as { caseId: string }[])[2]!.caseId
    t.notOk(next.inputs.candidates.some((c: { caseId: string }) => c.caseId === open))
    t.equal(next.inputs.candidates.length, 3)
  })

  await t.test('a tampered record is caught by verification', async (t) => {
    const sampled = first!.caseId
    await sql`alter table inspection_draws disable trigger inspection_draws_no_update_delete`.execute(h.database.db)
    await sql`update inspection_draws set inputs = jsonb_set(inputs, '{candidates}',
      (select coalesce(jsonb_agg(c), '[]'::jsonb) from jsonb_array_elements(inputs->'candidates') c where c->>'caseId' <> ${sampled}))
      where id = ${draw.id}::uuid`.execute(h.database.db)
    await sql`alter table inspection_draws enable trigger inspection_draws_no_update_delete`.execute(h.database.db)
    const v = await ok(t, await h.call(null, 'POST', `/v1/inspections/draws/${draw.id}/verify`))
    t.match(v, { matches: false, resultMatches: false, digestMatches: false })
    t.match(v.reasons.join(' '), /re-run draws/)
  })
})

t.test('an elderly-care-pool draw: the hospital\'s elder-care filing with 民政, scheduled and passed on its case', async (t) => {
  const h = await build(t)
  await filedClinic(t, h, p.officer, '福寿养老院医务室', '52421202MJH000001B')
  const elder = await supervisedElderCare(t, h)
  await roster(t, h, caSupervisor, 'civilAffairs', ['ca-officer-1', 'ca-inspector-2', 'ca-inspector-3'])
  const draw = await ok(t, await h.call(caSupervisor, 'POST', '/v1/inspections/draws', { department: 'civilAffairs', period: PERIOD, sampleSize: 1, seed: SEED }), 201)
  t.equal(draw.pool, 'elderCare')
  t.match(draw.poolSource, /医疗卫生机构开展养老服务纳入养老机构/)
  t.same(draw.inputs.candidates, [{ caseId: elder, institutionKey: '12421202MB0123456T', conflicts: ['ca-officer-1'] }])
  t.same([...draw.result[0].inspectors].sort(), ['ca-inspector-2', 'ca-inspector-3'], 'the officer who filed it is excluded')
  const history = (await ok(t, await h.call(caOfficer, 'GET', `/v1/cases/${elder}/history`))).events
  t.match(history.at(-1), { type: 'SCHEDULE_INSPECTION', payload: { drawId: draw.id } })
  const inspector: Principal = { id: draw.result[0].inspectors[0], role: 'officer', jurisdiction: '421202', department: 'civilAffairs' }
  t.equal((await ok(t, await send(h, inspector, elder, 'RECORD_INSPECTION_PASSED', { findings: '合格' }))).state, 'underSupervision')
  const list = await ok(t, await h.call(null, 'GET', '/v1/public/inspections?department=civilAffairs'))
  t.match(list.items, [{ pool: 'elderCare', institution: { name: '咸安区第二人民医院', unifiedSocialCreditCode: '12421202MB0123456T' }, result: 'passed' }])
  t.notOk(JSON.stringify(list).includes('李四'))
  t.match(await ok(t, await h.call(null, 'POST', `/v1/inspections/draws/${draw.id}/verify`)), { matches: true })
})

t.test('two draws at once cannot both schedule the same institution (PostgreSQL, several connections)', onlyWithServerPostgres, async (t) => {
  const h = await build(t)
  const elder = await supervisedElderCare(t, h)
  await roster(t, h, caSupervisor, 'civilAffairs', ['ca-inspector-2', 'ca-inspector-3'])
  const other: Principal = { ...caSupervisor, id: 'supervisor-ca-2' }
  const body = { department: 'civilAffairs', period: PERIOD, sampleSize: 1, inspectorsPerInstitution: 1 }
  const results = await Promise.all([h.call(caSupervisor, 'POST', '/v1/inspections/draws', body), h.call(other, 'POST', '/v1/inspections/draws', body)])
  t.same(results.map((r) => r.statusCode).sort(), [201, 422], results.map((r) => r.body.slice(0, 200)).join(' | '))
  t.match(results.find((r) => r.statusCode === 422)!.json(), { code: 'inspection-pool-too-small', poolSize: 0 })
  const scheduled = await h.database.db.selectFrom('case_events').select('seq').where('case_id', '=', elder).where('type', '=', 'SCHEDULE_INSPECTION').execute()
  t.equal(scheduled.length, 1, 'scheduled once')
})
