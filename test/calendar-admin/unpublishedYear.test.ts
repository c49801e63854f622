/**
 * Acceptance: a case whose deadline reaches into an unpublished year shows provisional; loading that year's
 * calendar through the admin route recomputes it and records the change in the case's history.
 */
import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp } from '../helpers/app.ts'
import { databaseName } from '../helpers/db.ts'
import { principals as p } from '../helpers/factories.ts'
import type { Principal } from '../../src/auth/principal.ts'
import { admin, clockRows, fileCase, history, recomputes, req } from './helpers.ts'

/** A made-up 2027 notice: New Year 01-01..01-03, nothing else. */
const NOTICE_2027 = {
  source: '国办发明电〔2026〕测试号',
  holidays: { '2027-01-01': "New Year's Day,元旦,1", '2027-01-02': "New Year's Day,元旦,1", '2027-01-03': "New Year's Day,元旦,1" },
  workdays: {},
}

t.test(`a deadline reaching into 2027 is provisional until the 2027 arrangement is loaded, then recomputed in history (${databaseName})`, async (t) => {
  const h = await buildTestApp(t, { at: '2026-12-28T09:00:00+08:00' })
  // Filed Monday 2026-12-28: 12-29, 12-30, 12-31, then 2027 on weekdays only: 01-01 (Friday), 01-04.
  const id = await fileCase(h, '2026-12-28T09:00:00+08:00')
  // A case whose clocks end in 2026 is not touched by the 2027 load.
  const early = await fileCase(h, '2026-12-01T09:00:00+08:00')
  h.clock.set('2026-12-28T15:00:00+08:00')

  const before = await clockRows(h, id)
  t.match(before, [
    { name: 'intakeLimit', kind: 'promised', status: 'running', due: '2027-01-04', provisional: true },
    { name: 'intakeLimit', kind: 'statutory', status: 'running', due: '2027-01-04', provisional: true },
  ], 'running statutory and promised intake clocks, provisional')
  t.match(await clockRows(h, early), [{ due: '2026-12-08', provisional: false }, { due: '2026-12-08', provisional: false }])
  t.equal((await req(h, null, 'GET', '/v1/calendars/421202/2027')).json().published, false)

  const res = await req(h, admin, 'PUT', '/v1/admin/calendar-years/2027', NOTICE_2027)
  t.equal(res.statusCode, 200, res.body.slice(0, 400))
  const loaded = res.json()
  t.match(loaded, { year: 2027, source: '国办发明电〔2026〕测试号', replaced: null, holidays: 3, workdays: 0, loadedBy: 'admin-1' })
  t.match(loaded.report, { casesExamined: 1, casesChanged: 1, casesUnchanged: 0, failures: [] }, 'only the provisional case is examined')
  t.equal(loaded.report.changes[0].caseId, id)
  t.same(
    [...loaded.report.changes[0].clockChanges].sort((a: { kind: string }, b: { kind: string }) => a.kind.localeCompare(b.kind)),
    [
      { clock: 'intakeLimit', kind: 'promised', op: 'recomputed', dueBefore: '2027-01-04', dueAfter: '2027-01-05', provisional: false },
      { clock: 'intakeLimit', kind: 'statutory', op: 'recomputed', dueBefore: '2027-01-04', dueAfter: '2027-01-05', provisional: false },
    ],
    'New Year 01-01 is now a holiday: the fifth working day is 01-05, and final',
  )

  t.match(await clockRows(h, id), [
    { name: 'intakeLimit', kind: 'promised', status: 'running', due: '2027-01-05', provisional: false },
    { name: 'intakeLimit', kind: 'statutory', status: 'running', due: '2027-01-05', provisional: false },
  ], 'the clocks table holds the recomputed dates')

  const events = await history(h, id)
  const last = events.at(-1)!
  t.equal(last.type, 'DEADLINES_RECOMPUTED', 'the change is an event in the case history')
  t.equal(last.seq, loaded.report.changes[0].seq)
  t.match(last, { actorId: 'admin-1', actorRole: 'admin' })
  t.match(last.payload.reason, /official calendar 2027 loaded from 国办发明电〔2026〕测试号 by admin-1/)
  t.equal(last.payload.clockChanges.length, 2)
  t.same(await recomputes(h, early), [], 'the case ending in 2026 has no recompute event')

  const timers = await h.database.db.selectFrom('timers').select(['status', 'due_at']).where('case_id', '=', id).orderBy('id').execute()
  t.same(timers.map((x) => x.status), ['cancelled', 'pending'], 'the expiry timer is re-armed')
  t.equal(timers[1]!.due_at.toISOString(), '2027-01-05T16:00:00.000Z')

  const year = (await req(h, null, 'GET', '/v1/calendars/421202/2027')).json()
  t.match(year, { published: true, source: '国办发明电〔2026〕测试号', loadedBy: 'admin-1' })
  t.same(year.daysOff.map((d: { date: string; name: string }) => `${d.date} ${d.name}`), ['2027-01-01 元旦', '2027-01-02 元旦', '2027-01-03 元旦'])
  const dueNow = (await req(h, null, 'GET', '/v1/calendars/421202/due-date?from=2026-12-28&workingDays=5')).json()
  t.match(dueNow, { due: '2027-01-05', provisional: false }, 'the public due date follows the loaded year')

  // Reloading the same arrangement moves nothing and writes no event.
  const again = await req(h, admin, 'PUT', '/v1/admin/calendar-years/2027', NOTICE_2027)
  t.equal(again.statusCode, 200)
  t.match(again.json(), { replaced: 'loaded', report: { casesExamined: 1, casesChanged: 0, casesUnchanged: 1 } })
  t.equal((await recomputes(h, id)).length, 1, 'still one recompute event')
  const stored = await h.database.db.selectFrom('calendar_years').select(['year', 'source', 'loaded_by', sql<string>`arrangement::text`.as('arrangement')]).execute()
  t.equal(stored.length, 1, 'one row per year, replaced')
  t.match(JSON.parse(stored[0]!.arrangement), { holidays: NOTICE_2027.holidays, workdays: {}, inLieuDays: {} })
})

t.test(`year loads are validated and admin-only (${databaseName})`, async (t) => {
  const h = await buildTestApp(t, { at: '2026-12-28T09:00:00+08:00' })
  const put = (body: unknown, as: Principal = admin, year = '2027') => req(h, as, 'PUT', `/v1/admin/calendar-years/${year}`, body)

  const clerk = await put(NOTICE_2027, p.clerk)
  t.equal(clerk.statusCode, 403)
  t.match(clerk.json(), { code: 'role-not-allowed', allowedRoles: ['admin'] })
  t.equal((await put({ holidays: 'nonsense' }, p.clerk)).statusCode, 403, 'a non-admin learns 403 before any validation')
  t.equal((await req(h, null, 'PUT', '/v1/admin/calendar-years/2027', NOTICE_2027)).json().code, 'unauthenticated')

  const noSource = await put({ holidays: NOTICE_2027.holidays, workdays: {} })
  t.equal(noSource.statusCode, 400)
  t.ok(noSource.json().errors.some((e: { name: string }) => e.name === '/body/source'), 'names /body/source')

  const outside = await put({ ...NOTICE_2027, holidays: { ...NOTICE_2027.holidays, '2028-01-01': "New Year's Day,元旦,1" } })
  t.equal(outside.statusCode, 422)
  t.match(outside.json(), { code: 'calendar-arrangement-invalid', year: 2027, detail: /2028-01-01 is not in 2027/ })

  const weekdayMakeUp = await put({ ...NOTICE_2027, workdays: { '2027-01-06': "New Year's Day,元旦,1" } })
  t.match(weekdayMakeUp.json(), { code: 'calendar-arrangement-invalid', detail: /make-up working day 2027-01-06 is not a Saturday or Sunday/ })

  const old = await put({ ...NOTICE_2027, holidays: { '2020-01-01': "New Year's Day,元旦,1" } }, admin, '2020')
  t.equal(old.statusCode, 422)
  t.match(old.json(), { code: 'calendar-year-closed', year: 2020, currentYear: 2026 })

  t.equal((await put(NOTICE_2027, admin, '1999')).statusCode, 400, 'outside 2000–2100')
  t.equal((await h.database.db.selectFrom('calendar_years').select('year').execute()).length, 0, 'nothing stored by a refused load')
})
