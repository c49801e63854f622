/**
 * Acceptance: a local closure day added for next week moves every open deadline that crosses it, each recorded in
 * history; other counties and deadlines that do not cross it are untouched. Also: open days, city-level closures,
 * removal, and the admin route's errors (403, 409, 400, 404).
 */
import t from 'tap'
import { buildTestApp, type TestApp } from '../helpers/app.ts'
import { databaseName } from '../helpers/db.ts'
import { principals as p } from '../helpers/factories.ts'
import { admin, fileCase, intakeDue, recomputes, req } from './helpers.ts'

const overrides = (j: string) => `/v1/admin/calendars/${j}/overrides`

/** Thursday 2026-11-26: three filings with the 5-working-day intake limit due Thursday 2026-12-03. */
async function setUp(h: TestApp) {
  const a = await fileCase(h, '2026-11-26T10:00:00+08:00', '421202')
  const b = await fileCase(h, '2026-11-26T11:00:00+08:00', '421202')
  const other = await fileCase(h, '2026-11-26T11:30:00+08:00', '421221')
  h.clock.set('2026-11-26T16:00:00+08:00')
  return { a, b, other }
}

t.test(`a closure next week moves every open deadline of the county crossing it, each in its history (${databaseName})`, async (t) => {
  const h = await buildTestApp(t)
  const { a, b, other } = await setUp(h)
  for (const id of [a, b, other]) t.equal(await intakeDue(h, id), '2026-12-03', 'due Thursday 12-03 before')

  // Next week, Tuesday 2026-12-01: the service hall of 421202 is closed.
  const res = await req(h, admin, 'POST', overrides('421202'), { date: '2026-12-01', kind: 'closed', name: '服务大厅维修' })
  t.equal(res.statusCode, 201, res.body.slice(0, 300))
  const body = res.json()
  t.match(body.override, { jurisdiction: '421202', date: '2026-12-01', kind: 'closed', name: '服务大厅维修', createdBy: 'admin-1' })
  t.match(body.report, { casesExamined: 2, casesChanged: 2, casesUnchanged: 0, failures: [] })
  t.same(body.report.changes.map((c: { caseId: string }) => c.caseId).sort(), [a, b].sort(), 'both cases of the county')
  for (const change of body.report.changes) {
    t.match(change.clockChanges, [{ clock: 'intakeLimit', op: 'recomputed', dueBefore: '2026-12-03', dueAfter: '2026-12-04', provisional: false },
      { clock: 'intakeLimit', op: 'recomputed', dueBefore: '2026-12-03', dueAfter: '2026-12-04' }])
  }
  for (const id of [a, b]) {
    t.equal(await intakeDue(h, id), '2026-12-04', 'moved by one working day')
    t.equal(await intakeDue(h, id, 'promised'), '2026-12-04', 'the promised limit too')
    const events = await recomputes(h, id)
    t.equal(events.length, 1, 'one DEADLINES_RECOMPUTED event')
    t.match(events[0], { actorId: 'admin-1', payload: { reason: /local closure 2026-12-01 "服务大厅维修" of 421202 added by admin-1/ } })
    t.match(events[0]!.payload.clockChanges, [{ dueBefore: '2026-12-03', dueAfter: '2026-12-04' }, { dueBefore: '2026-12-03', dueAfter: '2026-12-04' }])
  }
  t.equal(await intakeDue(h, other), '2026-12-03', 'a case in another county is untouched')
  t.same(await recomputes(h, other), [], 'and has nothing in its history')

  const dueHere = (await req(h, null, 'GET', '/v1/calendars/421202/due-date?from=2026-11-26&workingDays=5')).json()
  t.match(dueHere, { due: '2026-12-04' })
  t.ok(dueHere.explanation.skipped.some((d: { date: string; reason: string; name: string }) => d.date === '2026-12-01' && d.reason === 'localClosure' && d.name === '服务大厅维修'))
  t.match((await req(h, null, 'GET', '/v1/calendars/421221/due-date?from=2026-11-26&workingDays=5')).json(), { due: '2026-12-03' }, 'the neighbour county keeps its calendar')
  const listing = (await req(h, null, 'GET', '/v1/calendars/421202/2026')).json()
  t.match(listing.daysOff.find((d: { date: string }) => d.date === '2026-12-01'), { reason: 'localClosure', name: '服务大厅维修', jurisdiction: '421202' })
  t.match(listing.overrides, [{ jurisdiction: '421202', date: '2026-12-01', kind: 'closed', effective: true }])

  // A closure after every open deadline changes nothing and examines nothing.
  const later = await req(h, admin, 'POST', overrides('421202'), { date: '2026-12-15', kind: 'closed', name: '停电' })
  t.equal(later.statusCode, 201)
  t.match(later.json().report, { casesExamined: 0, casesChanged: 0, casesUnchanged: 0, changes: [], failures: [] })
  // A closure on a Saturday inside the spans: examined, but no date moves, so no event.
  const saturday = await req(h, admin, 'POST', overrides('421202'), { date: '2026-11-28', kind: 'closed', name: '周六闭馆' })
  t.match(saturday.json().report, { casesExamined: 2, casesChanged: 0, casesUnchanged: 2 })
  for (const id of [a, b]) t.equal((await recomputes(h, id)).length, 1, 'still one recompute event')

  // Removing the closure moves the deadlines back, again recorded.
  const removed = await req(h, admin, 'DELETE', `${overrides('421202')}/2026-12-01`)
  t.equal(removed.statusCode, 200, removed.body.slice(0, 300))
  t.match(removed.json(), { override: { date: '2026-12-01', name: '服务大厅维修' }, report: { casesExamined: 2, casesChanged: 2 } })
  for (const id of [a, b]) {
    t.equal(await intakeDue(h, id), '2026-12-03')
    const events = await recomputes(h, id)
    t.equal(events.length, 2)
    t.match(events[1]!.payload.reason, /removed by admin-1/)
  }
})

t.test(`a city-level closure reaches every county below it; a local open day moves a deadline earlier (${databaseName})`, async (t) => {
  const h = await buildTestApp(t)
  const { a, b, other } = await setUp(h)
  const city = await req(h, admin, 'POST', overrides('421200'), { date: '2026-12-02', kind: 'closed', name: '市级临时闭馆' })
  t.equal(city.statusCode, 201)
  t.match(city.json().report, { casesExamined: 3, casesChanged: 3 })
  for (const id of [a, b, other]) t.equal(await intakeDue(h, id), '2026-12-04', `${id}: moved past 12-02`)

  // Saturday 2026-11-28 worked in 421221: its case counts it, so the fifth working day comes one day earlier.
  const open = await req(h, admin, 'POST', overrides('421221'), { date: '2026-11-28', kind: 'open', name: '周六加班受理' })
  t.equal(open.statusCode, 201)
  t.match(open.json().report, { casesExamined: 1, casesChanged: 1, changes: [{ caseId: other, clockChanges: [{ dueBefore: '2026-12-04', dueAfter: '2026-12-03' }, {}] }] })
  t.equal(await intakeDue(h, other), '2026-12-03')
  t.equal(await intakeDue(h, a), '2026-12-04', 'the other county does not work that Saturday')
  const listing = (await req(h, null, 'GET', '/v1/calendars/421221/2026')).json()
  t.match(listing.workedDays.find((d: { date: string }) => d.date === '2026-11-28'), { reason: 'localOpen', name: '周六加班受理', jurisdiction: '421221' })
  t.match(listing.daysOff.find((d: { date: string }) => d.date === '2026-12-02'), { reason: 'localClosure', jurisdiction: '421200' })

  // A county's own override wins over the city's on the same date.
  const own = await req(h, admin, 'POST', overrides('421202'), { date: '2026-12-02', kind: 'open', name: '本区照常办公' })
  t.equal(own.statusCode, 201, 'a different jurisdiction may override the same date')
  t.match(own.json().report, { casesExamined: 2, casesChanged: 2 })
  t.equal(await intakeDue(h, a), '2026-12-03', 'the county works on the city closure day')
  t.equal(await intakeDue(h, other), '2026-12-03', 'unchanged')
  const shadowed = (await req(h, null, 'GET', '/v1/calendars/421202/2026')).json().overrides
  t.match(shadowed, [{ jurisdiction: '421202', date: '2026-12-02', effective: true }, { jurisdiction: '421200', date: '2026-12-02', effective: false }])
})

t.test(`override admin errors: 401, 403, 409 duplicate, 400 bad date or jurisdiction, 404 unknown (${databaseName})`, async (t) => {
  const h = await buildTestApp(t)
  const body = { date: '2026-12-01', kind: 'closed', name: '服务大厅维修' }

  t.equal((await req(h, null, 'POST', overrides('421202'), body)).statusCode, 401)
  for (const who of [p.clerk, p.officer, p.head, p.supervisor, p.applicant]) {
    const res = await req(h, who, 'POST', overrides('421202'), body)
    t.equal(res.statusCode, 403, `${who.role} may not add an override`)
    t.equal(res.json().code, 'role-not-allowed')
  }
  t.equal((await req(h, p.clerk, 'DELETE', `${overrides('421202')}/2026-12-01`)).statusCode, 403)
  t.equal((await req(h, p.clerk, 'POST', overrides('421202'), { date: 'bad' })).statusCode, 403, '403 comes before validation')

  t.equal((await req(h, admin, 'POST', overrides('421202'), body)).statusCode, 201)
  const dup = await req(h, admin, 'POST', overrides('421202'), { ...body, kind: 'open', name: '另一个' })
  t.equal(dup.statusCode, 409)
  t.match(dup.json(), { code: 'calendar-override-exists', jurisdiction: '421202', date: '2026-12-01', existing: { kind: 'closed', name: '服务大厅维修' } })
  t.equal(dup.headers['content-type'], 'application/problem+json; charset=utf-8')

  const bad: { url: string; body: unknown; field: string }[] = [
    { url: overrides('421202'), body: { ...body, date: '2026-02-30' }, field: '/body/date' },
    { url: overrides('421202'), body: { ...body, date: '2026-12-1' }, field: '/body/date' },
    { url: overrides('421202'), body: { ...body, kind: 'shut' }, field: '/body/kind' },
    { url: overrides('421202'), body: { ...body, name: '' }, field: '/body/name' },
    { url: overrides('421202'), body: { date: '2026-12-02', kind: 'closed' }, field: '/body/name' },
    { url: overrides('4212'), body, field: '/params/jurisdiction' },
  ]
  for (const b of bad) {
    const res = await req(h, admin, 'POST', b.url, b.body)
    t.equal(res.statusCode, 400, `${JSON.stringify(b.body)} → 400`)
    t.ok(res.json().errors.some((e: { name: string }) => e.name === b.field), `names ${b.field}`)
  }
  const badDelete = await req(h, admin, 'DELETE', `${overrides('421202')}/2026-13-01`)
  t.equal(badDelete.statusCode, 400)
  t.match(badDelete.json().errors, [{ name: '/params/date' }])

  const missing = await req(h, admin, 'DELETE', `${overrides('421202')}/2026-12-09`)
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().code, 'calendar-override-not-found')
  t.equal((await h.database.db.selectFrom('calendar_overrides').select('id').execute()).length, 1, 'only the first override is stored')
})

t.test(`a case that fails to recompute is reported; the closure and the other cases stand; recompute repairs it (${databaseName})`, async (t) => {
  const h = await buildTestApp(t)
  const { a, b } = await setUp(h)
  // Simulate a fault on one case only (its procedure can no longer be loaded).
  await h.database.db.updateTable('cases').set({ procedure: 'retiredProcedure' }).where('id', '=', b).execute()

  const res = await req(h, admin, 'POST', overrides('421202'), { date: '2026-12-01', kind: 'closed', name: '服务大厅维修' })
  t.equal(res.statusCode, 201, 'the calendar change is committed')
  const report = res.json().report
  t.match(report, { casesExamined: 2, casesChanged: 1, casesUnchanged: 0, changes: [{ caseId: a }] })
  t.match(report.failures, [{ caseId: b, jurisdiction: '421202', code: 'internal-error', detail: /unknown procedure retiredProcedure/ }])
  t.equal(await intakeDue(h, a), '2026-12-04', 'the healthy case moved')
  t.equal(await intakeDue(h, b), '2026-12-03', 'the failed case is as it was')
  t.equal((await h.database.db.selectFrom('calendar_overrides').select('id').execute()).length, 1, 'the closure is stored')

  await h.database.db.updateTable('cases').set({ procedure: 'clinicFiling' }).where('id', '=', b).execute()
  t.equal((await req(h, p.clerk, 'POST', '/v1/admin/calendars/421202/recompute', { date: '2026-12-01' })).statusCode, 403)
  const repair = await req(h, admin, 'POST', '/v1/admin/calendars/421202/recompute', { date: '2026-12-01' })
  t.equal(repair.statusCode, 200, repair.body.slice(0, 300))
  t.match(repair.json(), { casesExamined: 2, casesChanged: 1, casesUnchanged: 1, changes: [{ caseId: b }], failures: [] })
  t.equal(await intakeDue(h, b), '2026-12-04')
  t.match((await recomputes(h, b))[0]!.payload.reason, /deadlines crossing 2026-12-01 in 421202 recomputed by admin-1/)
})
