/**
 * Supervision lists and statistics against a brute-force computation over the raw rows, on a few hundred cases in
 * two counties and two departments, filed at different times, some withdrawn (concluded), both clock kinds; the
 * clock moved and the timers drained between looks. Escalation: CLOCK_OVERDUE is recorded once, with one outbox row
 * to the head and one to the supervisor; a second firing changes nothing. No timing thresholds.
 */
import t, { type Test } from 'tap'
import { sql } from 'kysely'
import { buildApp } from '../../src/app.ts'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { createDatabasePolicyStore } from '../../src/policy/dbStore.ts'
import { loadPolicyDocuments } from '../../src/policy/store.ts'
import { createTokenVerifier, signDevelopmentToken, type TokenClaims } from '../../src/auth/tokens.ts'
import { TimerWorker } from '../../src/timers/worker.ts'
import { loadWorkCalendar } from '../../src/calendarStore/load.ts'
import { shanghaiDate } from '../../src/calendar/shanghai.ts'
import { workingDaysBetween } from '../../src/calendar/units.ts'
import { clockColour } from '../../src/sla/compute.ts'
import { toClockState } from '../../src/engine/clocks.ts'
import { foldSupervisionDeltas, parseHistogram, percentile, readStats } from '../../src/supervision/queries.ts'
import type { Principal } from '../../src/auth/principal.ts'
import { freshDatabase, databaseName } from '../helpers/db.ts'
import { clinicFilingApplication, principals } from '../helpers/factories.ts'
import { concludedAtByHistory, concludedByHistory } from './concludedByHistory.ts'

const SECRET = 'test-secret-0123456789-0123456789-abcdef'
const COUNTIES = ['421202', '421221']
const DEPARTMENTS = ['health', 'civilAffairs'] as const
const N = Number(process.env.SUPERVISION_TEST_CASES ?? 160)

async function setup(t: Test) {
  const database = await freshDatabase(t)
  const clock = fixedClock('2026-03-02T09:00:00+08:00')
  const policies = createDatabasePolicyStore(database.db, loadPolicyDocuments())
  const engine = new Engine({ db: database.db, clock, policies, supervisionAlerts: true })
  const app = await buildApp({ database, engine, clock, policies, verifier: createTokenVerifier({ secret: SECRET }) })
  t.teardown(() => app.close())
  const worker = new TimerWorker({ db: database.db, engine, clock, pglite: database.kind === 'pglite', pollIntervalMs: 10 })
  const get = async (as: Principal | null, url: string, headers: Record<string, string> = {}) => {
    const auth = as ? { authorization: `Bearer ${await signDevelopmentToken({ sub: as.id, role: as.role as TokenClaims['role'], jurisdiction: as.jurisdiction, ...(as.department ? { department: as.department } : {}) }, SECRET)}` } : {}
    return app.inject({ method: 'GET', url, headers: { ...auth, ...headers } })
  }
  return { database, db: database.db, clock, engine, worker, get }
}
type Setup = Awaited<ReturnType<typeof setup>>

const supervisor: Principal = { id: 'sup-1', role: 'supervisor', jurisdiction: '421200', department: 'health' }

/**
 * Files N cases over two weeks of working hours across counties and departments; withdraws every fifth; records the
 * filing of every seventh (办结: it concludes, and lives on under supervision).
 */
async function seed(s: Setup) {
  for (let i = 0; i < N; i++) {
    s.clock.set(new Date(Date.parse('2026-03-02T09:00:00+08:00') + Math.floor((i * 14 * 86_400_000) / N)))
    const jurisdiction = COUNTIES[i % 2]!
    const department = DEPARTMENTS[Math.floor(i / 2) % 2]!
    const applicant = { ...principals.applicant, jurisdiction }
    const { row } = await s.engine.create({ ...clinicFilingApplication({ jurisdiction }), department }, applicant)
    if (i % 5 === 0) await s.engine.apply(row.id, { type: 'WITHDRAW', payload: { reason: '撤回' } }, applicant)
    else if (i % 7 === 0) {
      const clerk = { ...principals.clerk, jurisdiction }
      const officer = { ...principals.officer, jurisdiction, department }
      for (const [type, by, payload] of [['BEGIN_INTAKE_CHECK', clerk, {}], ['ACCEPT', clerk, {}], ['BEGIN_REVIEW', officer, {}], ['FILE', officer, { scope: '内科' }]] as const) {
        await s.engine.apply(row.id, { type, payload }, by)
      }
    }
  }
}

/** Brute force over every running clock: its colour as the case view computes it (clockColour on today's calendar). */
async function bruteForce(s: Setup) {
  const now = s.clock.now()
  const rows = await s.db.selectFrom('clocks').selectAll().execute()
  const cals = new Map<string, Awaited<ReturnType<typeof loadWorkCalendar>>>()
  for (const j of COUNTIES) cals.set(j, await loadWorkCalendar(s.db, j))
  return rows.map((r) => {
    const c = toClockState(r)
    const remaining = c.status === 'running' && c.dueOn ? workingDaysBetween(cals.get(r.jurisdiction)!, shanghaiDate(now), c.dueOn) : c.remainingWorkingDays
    const colour = c.status === 'running' ? clockColour({ ...c, remainingWorkingDays: remaining }, now) : null
    return { ...r, id: String(r.id), colour }
  })
}

async function walk(s: Setup, path: string, query: string, limit: number) {
  const ids: string[] = []
  let cursor: string | null = null
  for (let pages = 0; pages < 1000; pages++) {
    const res = await s.get(supervisor, `${path}?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`)
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
    const body = res.json() as { items: { clockId: string }[]; nextCursor: string | null }
    ids.push(...body.items.map((i) => i.clockId))
    cursor = body.nextCursor
    if (!cursor) break
  }
  return ids
}

const FILTERS: { q: string; keep: (r: { jurisdiction: string; department: string; kind: string; procedure: string }) => boolean }[] = [
  { q: '', keep: () => true },
  { q: '&jurisdiction=421221', keep: (r) => r.jurisdiction === '421221' },
  { q: '&department=civilAffairs', keep: (r) => r.department === 'civilAffairs' },
  { q: '&kind=statutory', keep: (r) => r.kind === 'statutory' },
  { q: '&procedure=clinicFiling&jurisdiction=421202&kind=promised', keep: (r) => r.jurisdiction === '421202' && r.kind === 'promised' },
  { q: '&procedure=oneWindow', keep: () => false },
]

async function checkAll(t: Test, s: Setup, label: string) {
  await s.worker.drain()
  const truth = await bruteForce(s)
  const order = (a: { due_at: Date | null; id: string }, b: { due_at: Date | null; id: string }) =>
    a.due_at!.getTime() - b.due_at!.getTime() || Number(a.id) - Number(b.id)
  for (const f of FILTERS) {
    for (const [path, colour] of [['/v1/supervision/overdue', 'red'], ['/v1/supervision/near-due', 'yellow']] as const) {
      const expected = truth.filter((r) => r.colour === colour && f.keep(r)).sort(order).map((r) => r.id)
      t.same(await walk(s, path, f.q, 7), expected, `${label}: ${path}${f.q} page-walk = brute force (${expected.length})`)
    }
  }
  // Counters: open = running or paused; near due / overdue as the lists (the timers have been drained).
  const stats = (await s.get(supervisor, '/v1/supervision/stats?limit=500&from=2026-01&to=2026-12')).json() as { groups: { jurisdiction: string; department: string; open: number; nearDue: number; overdue: number; months: { month: string; concluded: number; onTime: number; medianWorkingDays: number | null; p90WorkingDays: number | null }[] }[] }
  const cells = new Map(stats.groups.map((g) => [`${g.jurisdiction}/${g.department}`, g]))
  for (const j of COUNTIES) for (const d of DEPARTMENTS) {
    const mine = truth.filter((r) => r.jurisdiction === j && r.department === d)
    const g = cells.get(`${j}/${d}`)
    t.same({ open: g?.open ?? 0, nearDue: g?.nearDue ?? 0, overdue: g?.overdue ?? 0 }, {
      open: mine.filter((r) => r.status !== 'stopped').length,
      nearDue: mine.filter((r) => r.colour === 'yellow').length,
      overdue: mine.filter((r) => r.colour === 'red').length,
    }, `${label}: counts of ${j}/${d} = brute force`)
    // Completions: every concluded case (ended, or took a 办结 event: from the history), its working days from
    // filing to that moment, on time unless a statutory clock was red.
    const done = await sql<{ id: string; created_at: Date; concluded: Date }>`
      select c.id, c.created_at, ${concludedAtByHistory} as concluded
      from cases c where c.jurisdiction = ${j} and c.department = ${d} and ${concludedByHistory}`.execute(s.db)
    const cal = await loadWorkCalendar(s.db, j)
    const byMonth = new Map<string, number[]>()
    for (const c of done.rows) {
      const m = shanghaiDate(new Date(c.concluded)).slice(0, 7)
      byMonth.set(m, [...(byMonth.get(m) ?? []), workingDaysBetween(cal, shanghaiDate(new Date(c.created_at)), shanghaiDate(new Date(c.concluded)))])
    }
    const expected = [...byMonth].sort().map(([month, days]) => {
      const h = [...new Set(days)].sort((a, b) => a - b).map((v) => [v, days.filter((x) => x === v).length] as const)
      return { month, concluded: days.length, medianWorkingDays: percentile(h, 0.5), p90WorkingDays: percentile(h, 0.9) }
    })
    t.same((g?.months ?? []).map(({ month, concluded, medianWorkingDays, p90WorkingDays }) => ({ month, concluded, medianWorkingDays, p90WorkingDays })), expected, `${label}: completions of ${j}/${d}`)
  }
  // Page by page (one group a page, by cursor) = all at once.
  const walked: typeof stats.groups = []
  let statsCursor: string | null = null
  do {
    const res = await s.get(supervisor, `/v1/supervision/stats?limit=1&from=2026-01&to=2026-12${statsCursor ? `&cursor=${statsCursor}` : ''}`)
    const body = res.json() as typeof stats & { nextCursor: string | null }
    walked.push(...body.groups)
    statsCursor = body.nextCursor
  } while (statsCursor && walked.length <= stats.groups.length)
  t.same(walked, stats.groups, `${label}: stats walked one group a page = one page of all`)
  // A procedure filter reads the procedure's own rows instead of the rollup over all procedures: every case here is a
  // clinic filing, so its rows equal the rollup, and another procedure has nothing.
  const clinic = (await s.get(supervisor, '/v1/supervision/stats?limit=500&from=2026-01&to=2026-12&procedure=clinicFiling')).json() as typeof stats
  t.same(clinic.groups, stats.groups, `${label}: procedure=clinicFiling = all procedures`)
  const other = (await s.get(supervisor, '/v1/supervision/stats?limit=500&from=2026-01&to=2026-12&procedure=twoCertificates')).json() as typeof stats
  t.same(other.groups, [], `${label}: procedure=twoCertificates has no groups`)
}

t.test(`lists and statistics equal a brute-force count as time passes (${databaseName})`, async (t) => {
  const s = await setup(t)
  await seed(s)
  for (const at of ['2026-03-10T10:00:00+08:00', '2026-03-13T16:00:00+08:00', '2026-03-20T09:00:00+08:00', '2026-04-01T09:00:00+08:00']) {
    s.clock.set(at)
    await checkAll(t, s, at)
  }
})

t.test(`statistics read the same before and after a fold: unfolded deltas count as folded rows (${databaseName})`, async (t) => {
  const s = await setup(t)
  const f = { jurisdiction: '421200', from: '2026-01', to: '2026-12' }
  await seed(s)
  const pending = async () => Number((await sql<{ n: string }>`select count(*)::text as n from supervision_completion_deltas`.execute(s.db)).rows[0]!.n)
  t.ok(await pending() > 0, 'the withdrawals left completion deltas')
  const unfolded = await readStats(s.db, f, 500)
  t.ok(unfolded.groups.some((g) => g.months.length > 0), 'completions are read from the deltas alone')
  await foldSupervisionDeltas(s.db)
  t.equal(await pending(), 0, 'folded')
  t.same(await readStats(s.db, f, 500), unfolded, 'same statistics after the fold')
  // Half folded, half not: more withdrawals after the fold, read before and after the next one.
  const open = await s.db.selectFrom('cases').select(['id', 'jurisdiction']).where('concluded_at', 'is', null).limit(10).execute()
  for (const c of open) await s.engine.apply(c.id, { type: 'WITHDRAW', payload: { reason: '撤回' } }, { ...principals.applicant, jurisdiction: c.jurisdiction })
  t.equal(await pending(), open.length)
  const mixed = await readStats(s.db, f, 500)
  await foldSupervisionDeltas(s.db)
  t.same(await readStats(s.db, f, 500), mixed, 'folded rows plus deltas = the next fold')
  const rollup = await sql<{ n: string }>`select coalesce(sum(concluded), 0)::text as n from supervision_completion_months where procedure = '*'`.execute(s.db)
  const perProcedure = await sql<{ n: string }>`select coalesce(sum(concluded), 0)::text as n from supervision_completion_months where procedure <> '*'`.execute(s.db)
  const done = await sql<{ n: string }>`select count(*)::text as n from cases c where ${concludedByHistory}`.execute(s.db)
  t.equal(rollup.rows[0]!.n, done.rows[0]!.n, 'the rollup counts every concluded case once')
  t.equal(perProcedure.rows[0]!.n, done.rows[0]!.n, 'so do the per-procedure rows')
})

t.test(`a histogram is summed element by element in SQL, and read back exactly; deltas keep to their constraints (${databaseName})`, async (t) => {
  const s = await setup(t)
  const r = await sql<{ sum: string; of: string; agg: string }>`select
    supervision_histogram_add('{1,2}'::bigint[], '{0,0,5}'::bigint[])::text as sum,
    supervision_histogram_of(3, 7)::text as of,
    (select supervision_histogram_sum(supervision_histogram_of(d, 1)) from unnest(array[0, 2, 2, 5]) d)::text as agg`.execute(s.db)
  t.same(r.rows[0], { sum: '{1,2,5}', of: '{0,0,0,7}', agg: '{1,0,2,0,0,1}' })
  t.same(parseHistogram('{1,0,2}'), [1, 0, 2])
  t.same(parseHistogram('{}'), [])
  // '*' names the rollup row: a delta may not take it; nor may it count negative working days.
  const { row } = await s.engine.create(clinicFilingApplication({ jurisdiction: '421202' }), { ...principals.applicant, jurisdiction: '421202' })
  const delta = { case_id: row.id, jurisdiction: '421202', department: 'health', procedure: 'clinicFiling', month: '2026-03', working_days: 3, on_time: true }
  await t.rejects(s.db.insertInto('supervision_completion_deltas').values({ ...delta, procedure: '*' }).execute(), /supervision_completion_deltas_procedure_check/)
  await t.rejects(s.db.insertInto('supervision_completion_deltas').values({ ...delta, working_days: -1 }).execute(), /supervision_completion_deltas_working_days_check/)
})

t.test(`percentile is nearest-rank over the histogram`, async (t) => {
  t.equal(percentile([[1, 1], [2, 1], [3, 1], [4, 1]], 0.5), 2)
  t.equal(percentile([[1, 9], [10, 1]], 0.9), 1)
  t.equal(percentile([[1, 8], [10, 2]], 0.9), 10)
  t.equal(percentile([], 0.5), null)
})

t.test(`a clock going red is recorded once and escalated to the head and the supervisor; a second firing does nothing (${databaseName})`, async (t) => {
  const s = await setup(t)
  const { row } = await s.engine.create(clinicFilingApplication(), principals.applicant)
  s.clock.set('2026-03-10T00:00:00+08:00')
  await s.worker.drain()
  const events = await s.db.selectFrom('case_events').select(['type', 'payload', 'timer_id']).where('case_id', '=', row.id).where('type', '=', 'CLOCK_OVERDUE').execute()
  t.same(events.map((e) => (e.payload as { kind: string }).kind).sort(), ['promised', 'statutory'], 'one CLOCK_OVERDUE per clock kind')
  const outbox = await s.db.selectFrom('outbox').select(['topic', 'payload']).where('case_id', '=', row.id).where('topic', '=', 'supervision.overdue').execute()
  t.same(outbox.map((o) => `${(o.payload as { kind: string }).kind}/${(o.payload as { notify: string }).notify}`).sort(),
    ['promised/head', 'promised/supervisor', 'statutory/head', 'statutory/supervisor'], 'head and supervisor told once per clock')
  // Fire the same timer again: put it back to pending by hand, then a fresh timer for the same clock.
  const fired = await s.db.selectFrom('timers').select(['id', 'clock_name']).where('case_id', '=', row.id).where('event_type', '=', 'CLOCK_OVERDUE').where('status', '=', 'fired').execute()
  await s.db.updateTable('timers').set({ status: 'pending', settled_at: null }).where('id', '=', fired[0]!.id).execute()
  await s.db.insertInto('timers').values({ case_id: row.id, clock_name: fired[1]!.clock_name, event_type: 'CLOCK_OVERDUE', due_at: new Date('2026-03-09T16:00:00Z'), status: 'pending', armed_at: s.clock.now(), armed_seq: 1 }).execute()
  await s.worker.drain()
  const after = await s.db.selectFrom('timers').select(['status']).where('case_id', '=', row.id).where('event_type', '=', 'CLOCK_OVERDUE').where('status', '=', 'discarded').execute()
  t.equal(after.length, 2, 'both duplicates discarded')
  t.equal((await s.db.selectFrom('case_events').select('seq').where('case_id', '=', row.id).where('type', '=', 'CLOCK_OVERDUE').execute()).length, 2, 'still one CLOCK_OVERDUE per clock')
  t.equal((await s.db.selectFrom('outbox').select('id').where('case_id', '=', row.id).where('topic', '=', 'supervision.overdue').execute()).length, 4, 'no further messages')
})

t.test(`authorisation, validation and CSV (${databaseName})`, async (t) => {
  const s = await setup(t)
  const { row } = await s.engine.create(clinicFilingApplication(), principals.applicant)
  s.clock.set('2026-03-10T00:00:00+08:00')
  await s.worker.drain()
  t.equal((await s.get(null, '/v1/supervision/overdue')).statusCode, 401)
  t.equal((await s.get(principals.applicant, '/v1/supervision/overdue')).statusCode, 403)
  t.equal((await s.get(principals.head, '/v1/supervision/overdue')).statusCode, 403)
  const other = await s.get(supervisor, '/v1/supervision/overdue?jurisdiction=371302')
  t.match({ status: other.statusCode, code: other.json().code }, { status: 403, code: 'jurisdiction-not-allowed' })
  const countySupervisor = { ...supervisor, jurisdiction: '421221' }
  t.same((await s.get(countySupervisor, '/v1/supervision/overdue')).json().items, [], 'another county sees nothing of 421202')
  for (const bad of ['limit=0', 'limit=501', 'kind=soon', 'jurisdiction=42', 'cursor=bm9wZQ', 'department=police', 'format=xml', 'extra=1']) {
    const res = await s.get(supervisor, `/v1/supervision/overdue?${bad}`)
    t.equal(res.statusCode, 400, `${bad} → 400`)
    t.match(res.headers['content-type'], /application\/problem\+json/)
  }
  t.equal((await s.get(supervisor, '/v1/supervision/stats?from=2026-13')).statusCode, 400)
  // The intake clocks went red and the deemed acceptance started the decision limit: yellow from its near-due day.
  s.clock.set('2026-03-20T10:00:00+08:00')
  await s.worker.drain()
  const json = (await s.get(supervisor, '/v1/supervision/near-due')).json() as { items: unknown[] }
  t.equal(json.items.length, 2, 'both kinds of the decision limit are near due')
  const csv = await s.get(supervisor, '/v1/supervision/near-due?format=csv')
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.ok(csv.body.startsWith('\uFEFFcase_id,procedure,'), 'BOM and header row')
  const lines = csv.body.trimEnd().split('\r\n')
  t.equal(lines.length, 3, 'header + both clocks')
  t.ok(lines[1]!.startsWith(row.id))
  t.match(lines[1], /,"?咸安区福寿养老院"?$/, 'institution name last')
  const viaAccept = await s.get(supervisor, '/v1/supervision/near-due', { accept: 'text/csv' })
  t.match(viaAccept.headers['content-type'], /^text\/csv/)
  const stats = await s.get(supervisor, '/v1/supervision/stats?format=csv')
  t.match(stats.body, /^\uFEFFjurisdiction,department,open,/)
  const audit = await s.db.selectFrom('audit_log').select(['action', 'case_ids']).where('action', '=', 'supervision.read').execute()
  t.ok(audit.some((a) => a.case_ids?.includes(row.id)), 'the list read is audited with the case ids shown')
})
