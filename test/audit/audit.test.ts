/**
 * The audit log through the API: what is recorded (reads of cases by officials, every write, refusals too), what is
 * not (bodies, personal data, applicants' own reads), append-only, and GET /v1/audit scoped to the reader's subtree.
 */
import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp, send, type TestApp } from '../helpers/app.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'
import type { Principal } from '../../src/auth/principal.ts'

const rows = (h: TestApp) => h.database.db.selectFrom('audit_log').selectAll().orderBy('id').execute()
const cityAdmin = { id: 'admin-xn', role: 'admin', jurisdiction: '421200' } satisfies Principal
const linyiSupervisor = { id: 'supervisor-ly', role: 'supervisor', jurisdiction: '371300', department: 'health' } satisfies Principal

async function file(h: TestApp) {
  const res = await h.call(p.applicant, 'POST', '/v1/cases', clinicFilingApplication())
  return res.json().id as string
}

t.test('reads by officials and every write are recorded; applicants\' reads are not', async (t) => {
  const h = await buildTestApp(t)
  const id = await file(h)
  let log = await rows(h)
  t.equal(log.length, 1, 'the filing')
  t.match(log[0], { actor_id: 'home-1', actor_role: 'applicant', actor_jurisdiction: '421202', action: 'case.create', case_id: id, method: 'POST', route: '/v1/cases', status: 201, resource_jurisdiction: '421202' })

  await h.call(p.applicant, 'GET', `/v1/cases/${id}`)
  t.equal((await rows(h)).length, 1, 'an applicant reading its own case is not audited')

  const read = await h.call(p.officer, 'GET', `/v1/cases/${id}`, undefined, { 'x-request-id': 'req-audit-0001' })
  t.equal(read.statusCode, 200)
  await h.call(p.clerk, 'GET', `/v1/cases/${id}/history`)
  const accepted = await send(h, p.clerk, id, 'BEGIN_INTAKE_CHECK')
  t.equal(accepted.statusCode, 200)
  log = await rows(h)
  t.match(log.slice(1), [
    { actor_id: 'officer-1', actor_role: 'officer', actor_department: 'health', action: 'case.read', case_id: id, route: '/v1/cases/:id', method: 'GET', status: 200, request_id: 'req-audit-0001', ip: '127.0.0.1' },
    { actor_id: 'clerk-1', action: 'case.read', route: '/v1/cases/:id/history', status: 200 },
    { actor_id: 'clerk-1', action: 'case.read', route: '/v1/cases/:id', status: 200 }, // send() reads the ETag first
    { actor_id: 'clerk-1', action: 'case.event', route: '/v1/cases/:id/events', method: 'POST', status: 200, detail: { eventType: 'BEGIN_INTAKE_CHECK', operation: 'applyCaseEvent' } },
  ])
  t.equal(log.at(-1)!.at.toISOString(), h.clock.now().toISOString(), 'when: the service clock')

  const all = JSON.stringify(log)
  for (const personal of ['咸安区福寿养老院', '421202197001011233', '13800000000', '张三', 'doc-filingForm']) t.notOk(all.includes(personal), `no ${personal} in the log`)
})

t.test('refusals are recorded with their status and code, anonymous ones too; a list records what it showed', async (t) => {
  const h = await buildTestApp(t)
  const id = await file(h)
  const refused = await h.call(p.otherCountyOfficer, 'POST', `/v1/cases/${id}/events`, { type: 'BEGIN_REVIEW', payload: {} }, { 'if-match': '"1"' })
  t.equal(refused.statusCode, 404)
  const probe = await h.call(p.otherCountyOfficer, 'GET', `/v1/cases/${id}`)
  t.equal(probe.statusCode, 404)
  const anonymous = await h.call(null, 'POST', '/v1/cases', clinicFilingApplication())
  t.equal(anonymous.statusCode, 401)
  const listed = await h.call(p.supervisor, 'GET', '/v1/cases')
  t.equal(listed.statusCode, 200)
  const decided = await h.call(null, 'POST', '/v1/procedures/decide', { jurisdiction: '421202', profile: { founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit', unitKind: 'medicalRoom' } })
  t.equal(decided.statusCode, 200)
  await h.call(null, 'POST', '/v1/no-such-route', {})

  const log = (await rows(h)).slice(1)
  t.match(log, [
    { actor_id: 'officer-9', actor_jurisdiction: '421221', action: 'case.event', case_id: id, status: 404, detail: { code: 'case-not-found', eventType: 'BEGIN_REVIEW' }, resource_jurisdiction: '421202' },
    { actor_id: 'officer-9', action: 'case.read', case_id: id, status: 404, detail: { code: 'case-not-found' } },
    { actor_id: null, actor_role: null, action: 'case.create', status: 401, detail: { code: 'unauthenticated' } },
    { actor_id: 'supervisor-1', action: 'case.list', case_ids: [id], status: 200, detail: { count: 1 } },
  ])
  t.equal(log.length, 4, 'a public question sent by POST and a stray URL are not actions')
})

t.test('the log is append-only', async (t) => {
  const h = await buildTestApp(t)
  await file(h)
  await t.rejects(sql`update audit_log set status = 200`.execute(h.database.db), /append-only/)
  await t.rejects(sql`delete from audit_log`.execute(h.database.db), /append-only/)
  await t.rejects(sql`truncate audit_log`.execute(h.database.db), /append-only/)
  t.equal((await rows(h)).length, 1)
})

t.test('GET /v1/audit: supervisors and admins, their subtree only, filters and keyset pagination', async (t) => {
  const h = await buildTestApp(t)
  const id = await file(h)
  await h.call(p.officer, 'GET', `/v1/cases/${id}`)
  h.clock.set('2026-03-03T09:00:00+08:00')
  await send(h, p.clerk, id, 'BEGIN_INTAKE_CHECK')
  const linyiCase = (await h.call({ ...p.applicant, id: 'home-ly', jurisdiction: '371302' }, 'POST', '/v1/cases', clinicFilingApplication({ jurisdiction: '371302' }))).json().id
  t.ok(linyiCase)

  for (const who of [p.officer, p.clerk, p.head, p.applicant]) {
    const res = await h.call(who, 'GET', '/v1/audit')
    t.equal(res.statusCode, 403, `${who.role} may not read the audit log`)
    t.equal(res.json().code, 'role-not-allowed')
  }
  t.equal((await h.call(null, 'GET', '/v1/audit')).statusCode, 401)

  const xianning = (await h.call(p.supervisor, 'GET', '/v1/audit')).json()
  t.ok(xianning.items.length >= 5)
  t.ok(xianning.items.every((r: { resourceJurisdiction: string | null; actor: { jurisdiction: string } | null }) =>
    (r.resourceJurisdiction ?? r.actor?.jurisdiction ?? '').startsWith('4212')), 'only Xianning rows')
  t.notOk(xianning.items.some((r: { caseId: string | null }) => r.caseId === linyiCase), 'the Linyi filing is not shown')
  t.match(xianning.items[0], { actor: { id: 'head-1', role: 'head' }, action: 'audit.read', status: 403, detail: { code: 'role-not-allowed' } },
    'refused reads of the log are recorded, newest first')
  t.match((await h.call(p.supervisor, 'GET', '/v1/audit?limit=1')).json().items, [{ actor: { id: 'supervisor-1' }, action: 'audit.read', status: 200 }],
    'reading the log is itself recorded')

  const linyi = (await h.call(linyiSupervisor, 'GET', '/v1/audit')).json()
  t.ok(linyi.items.some((r: { caseId: string | null }) => r.caseId === linyiCase))
  t.notOk(linyi.items.some((r: { caseId: string | null }) => r.caseId === id), 'Linyi sees nothing of Xianning')
  const national = (await h.call({ id: 'admin-1', role: 'admin', jurisdiction: '000000' }, 'GET', '/v1/audit')).json()
  t.ok(national.items.some((r: { caseId: string | null }) => r.caseId === id) && national.items.some((r: { caseId: string | null }) => r.caseId === linyiCase))

  const byCase = (await h.call(cityAdmin, 'GET', `/v1/audit?caseId=${id}`)).json().items
  t.ok(byCase.length >= 4 && byCase.every((r: { caseId: string }) => r.caseId === id))
  const byActor = (await h.call(cityAdmin, 'GET', '/v1/audit?actorId=officer-1')).json().items
  t.match(byActor, [{ actor: { id: 'officer-1' }, action: 'audit.read', status: 403 }, { actor: { id: 'officer-1' }, action: 'case.read', caseId: id }])
  t.equal(byActor.length, 2)
  const events = (await h.call(cityAdmin, 'GET', '/v1/audit?action=case.event')).json().items
  t.match(events, [{ detail: { eventType: 'BEGIN_INTAKE_CHECK' } }])
  const firstDay = (await h.call(cityAdmin, 'GET', `/v1/audit?from=${encodeURIComponent('2026-03-02T00:00:00+08:00')}&to=${encodeURIComponent('2026-03-03T00:00:00+08:00')}`)).json().items
  t.ok(firstDay.length >= 2 && firstDay.every((r: { at: string }) => r.at < '2026-03-03'), 'from/to bound the time')

  const seen: string[] = []
  let cursor: string | null = null
  do {
    const page: { items: { id: string }[]; nextCursor: string | null } = (await h.call(cityAdmin, 'GET', `/v1/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json()
    t.ok(page.items.length <= 2)
    seen.push(...page.items.map((r) => r.id))
    cursor = page.nextCursor
  } while (cursor)
  t.equal(new Set(seen).size, seen.length, 'no row twice')
  t.same(seen, [...seen].sort((a, b) => Number(b) - Number(a)), 'newest first')
  t.equal((await h.call(cityAdmin, 'GET', '/v1/audit?cursor=nonsense')).json().code, 'invalid-cursor')
  t.equal((await h.call(cityAdmin, 'GET', '/v1/audit?caseId=42')).statusCode, 400)
})

t.test('a read that cannot be audited is not served; a write is answered as it happened', async (t) => {
  const h = await buildTestApp(t)
  const id = await file(h)
  await sql`create function refuse_audit() returns trigger language plpgsql as $$
    begin raise exception 'audit store unavailable'; end $$`.execute(h.database.db)
  await sql`create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()`.execute(h.database.db)
  const read = await h.call(p.officer, 'GET', `/v1/cases/${id}`)
  t.equal(read.statusCode, 503)
  t.equal(read.json().code, 'audit-unavailable')
  t.notOk(read.body.includes('咸安区福寿养老院'), 'the case is not in the answer')
  const write = await h.call(p.clerk, 'POST', `/v1/cases/${id}/events`, { type: 'BEGIN_INTAKE_CHECK', payload: {} }, { 'if-match': '"1"' })
  t.equal(write.statusCode, 200, 'the event happened and its history row records it')
  t.equal(write.json().state, 'intakeCheck')
})
