/**
 * Counter exactness under concurrency (docs/SUPERVISION.md "How the counts stay exact"), PostgreSQL only: four
 * pools, each with its engine and timer worker, apply many events at once on different cases of the same groups
 * (accept, review, on-site check and correction that pause and resume the decision limit, withdraw, return, file),
 * while the timer workers mark clocks near due and overdue (and let intake limits pass), and stats readers fold the
 * deltas and read. Checked:
 * - in one REPEATABLE READ snapshot, taken again and again during the run: folded counts + unfolded deltas equal a
 *   brute-force count over the clocks of that snapshot, per (county, department, procedure, kind);
 * - at the end: the same, then after a last fold no delta is left and the folded counts alone equal the brute force
 *   (nothing lost, nothing folded twice); readStats equals the brute force per county and department; every concluded
 *   case has exactly one completion row, folded or not.
 * Skipped on PGlite (one connection: nothing would run at once). No timing thresholds.
 */
import t, { type Test } from 'tap'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.ts'
import { Engine, type EventInput } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { createPolicyStore } from '../../src/policy/store.ts'
import { DomainError } from '../../src/engine/errors.ts'
import { TimerWorker } from '../../src/timers/worker.ts'
import { foldSupervisionDeltas, readStats } from '../../src/supervision/queries.ts'
import type { Principal } from '../../src/auth/principal.ts'
import { freshDatabase, onlyWithServerPostgres } from '../helpers/db.ts'
import { clinicFilingApplication } from '../helpers/factories.ts'
import { concludedByHistory } from './concludedByHistory.ts'

const POOLS = 4
const COUNTIES = ['421202', '421221'] as const
const DEPARTMENTS = ['health', 'civilAffairs'] as const
/** Cases per (county, department) group; half filed a week earlier, so their intake limits pass during the run. */
const PER_GROUP = Number(process.env.SUPERVISION_CONCURRENCY_CASES ?? 16)

function staff(jurisdiction: string, department: string) {
  return {
    applicant: { id: `home-${jurisdiction}`, role: 'applicant', jurisdiction },
    clerk: { id: `clerk-${jurisdiction}`, role: 'clerk', jurisdiction, department: 'serviceCentre' },
    officer: { id: `officer-${jurisdiction}-${department}`, role: 'officer', jurisdiction, department },
  } satisfies Record<string, Principal>
}
type Staff = ReturnType<typeof staff>

/** Scripts that open, pause, resume and stop clocks; a step the case's state no longer allows is refused and skipped. */
const SCRIPTS: ((s: Staff) => [EventInput, Principal][])[] = [
  (s) => [[{ type: 'WITHDRAW', payload: { reason: '撤回' } }, s.applicant]],
  (s) => [[{ type: 'BEGIN_INTAKE_CHECK' }, s.clerk], [{ type: 'ACCEPT' }, s.clerk], [{ type: 'BEGIN_REVIEW' }, s.officer],
    [{ type: 'SCHEDULE_ONSITE_CHECK', payload: { plannedOn: '2026-03-10', workingDaysNeeded: 2 } }, s.officer],
    [{ type: 'RECORD_ONSITE_RESULT', payload: { passed: true, findings: '符合' } }, s.officer],
    [{ type: 'REQUEST_CORRECTION', payload: { items: [{ item: 'rules', reason: '制度不全' }] } }, s.officer]],
  (s) => [[{ type: 'BEGIN_INTAKE_CHECK' }, s.clerk], [{ type: 'ACCEPT' }, s.clerk], [{ type: 'BEGIN_REVIEW' }, s.officer],
    [{ type: 'FILE', payload: { scope: '内科' } }, s.officer]],
  (s) => [[{ type: 'BEGIN_INTAKE_CHECK' }, s.clerk], [{ type: 'ACCEPT' }, s.clerk], [{ type: 'WITHDRAW', payload: { reason: '撤回' } }, s.applicant]],
  (s) => [[{ type: 'BEGIN_INTAKE_CHECK' }, s.clerk], [{ type: 'ACCEPT' }, s.clerk], [{ type: 'BEGIN_REVIEW' }, s.officer], [{ type: 'REQUEST_CORRECTION', payload: { items: [{ item: 'rules', reason: '制度不全' }] } }, s.officer],
    [{ type: 'SUBMIT_CORRECTION', payload: { materials: [{ item: 'rules', documentRef: 'doc-rules-2' }] } }, s.applicant], [{ type: 'RETURN', payload: { reasons: ['不符合标准'] } }, s.officer]],
  (s) => [[{ type: 'BEGIN_INTAKE_CHECK' }, s.clerk]],
]

interface Cell { open: number; near_due: number; overdue: number }
const key = (r: { jurisdiction: string; department: string; procedure: string; kind: string }) => `${r.jurisdiction}/${r.department}/${r.procedure}/${r.kind}`

/** Folded counts + unfolded deltas, and the brute force over the clocks, read in one snapshot of `db`. */
async function bothCounts(db: Kysely<Database>): Promise<{ counted: Record<string, Cell>; truth: Record<string, Cell>; deltas: number }> {
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    const counted = await sql<{ jurisdiction: string; department: string; procedure: string; kind: string; open: number; near_due: number; overdue: number }>`
      select jurisdiction, department, procedure, kind, sum(open)::int as open, sum(near_due)::int as near_due, sum(overdue)::int as overdue from (
        select jurisdiction, department, procedure, kind, open, near_due, overdue from supervision_counts
        union all select jurisdiction, department, procedure, kind, open, near_due, overdue from supervision_count_deltas
      ) x group by 1, 2, 3, 4`.execute(trx)
    const truth = await sql<{ jurisdiction: string; department: string; procedure: string; kind: string; open: number; near_due: number; overdue: number }>`
      select jurisdiction, department, procedure, kind, count(*) filter (where status <> 'stopped')::int as open,
             count(*) filter (where status = 'running' and alert = 'nearDue')::int as near_due,
             count(*) filter (where status = 'running' and alert = 'overdue')::int as overdue
      from clocks group by 1, 2, 3, 4`.execute(trx)
    const deltas = await sql<{ n: number }>`select count(*)::int as n from supervision_count_deltas`.execute(trx)
    // A group whose clocks all stopped keeps a folded row of zeros: compare without the all-zero cells.
    const cells = (rows: Cell[]) => Object.fromEntries((rows as (Cell & { jurisdiction: string; department: string; procedure: string; kind: string })[])
      .filter((r) => r.open || r.near_due || r.overdue).map((r) => [key(r), { open: r.open, near_due: r.near_due, overdue: r.overdue }]))
    return { counted: cells(counted.rows), truth: cells(truth.rows), deltas: deltas.rows[0]!.n }
  })
}

async function completionCheck(t: Test, db: Kysely<Database>, label: string) {
  const done = await sql<{ jurisdiction: string; department: string; n: number }>`
    select jurisdiction, department, count(*)::int as n from cases c where ${concludedByHistory} group by 1, 2 order by 1, 2`.execute(db)
  const recorded = await sql<{ jurisdiction: string; department: string; n: number }>`
    select jurisdiction, department, sum(n)::int as n from (
      select jurisdiction, department, concluded as n from supervision_completion_months where procedure = '*'
      union all select jurisdiction, department, 1 from supervision_completion_deltas) x group by 1, 2 having sum(n) > 0 order by 1, 2`.execute(db)
  t.same(recorded.rows, done.rows, `${label}: concluded cases = completions folded + unfolded, per county and department`)
}

t.test('supervision counts stay exact under concurrent events, timer firings and folding stats reads', onlyWithServerPostgres, async (t) => {
  const database = await freshDatabase(t, { poolSize: 3 })
  const handles = [database, ...(await Promise.all(Array.from({ length: POOLS - 1 }, () => database.connect!(3))))]
  const clock = fixedClock('2026-02-25T09:00:00+08:00')
  const policies = createPolicyStore()
  const engines = handles.map((h) => new Engine({ db: h.db, clock, policies, supervisionAlerts: true }))
  const workers = handles.map((h, i) => new TimerWorker({ db: h.db, engine: engines[i]!, clock, pglite: false, pollIntervalMs: 10 }))

  // Seed: every group gets PER_GROUP cases, filed from all four pools at once; half on 25 February, half on 2 March.
  const groups = COUNTIES.flatMap((j) => DEPARTMENTS.map((d) => ({ jurisdiction: j, department: d })))
  const cases: { id: string; script: [EventInput, Principal][] }[] = []
  for (const filedAt of ['2026-02-25T09:00:00+08:00', '2026-03-02T09:00:00+08:00']) {
    clock.set(filedAt)
    const batch = groups.flatMap((g) => Array.from({ length: PER_GROUP / 2 }, (_, i) => ({ ...g, i })))
    const created = await Promise.all(batch.map(async (b, n) => {
      const s = staff(b.jurisdiction, b.department)
      const { row } = await engines[n % POOLS]!.create({ ...clinicFilingApplication({ jurisdiction: b.jurisdiction }), department: b.department }, s.applicant)
      return { id: row.id, script: SCRIPTS[(b.i + cases.length) % SCRIPTS.length]!(s) }
    }))
    cases.push(...created)
  }
  t.equal(cases.length, groups.length * PER_GROUP, 'seeded')

  // The run: 5 March, when the early filings' intake limits have passed (timers mark them red, then deem them
  // accepted) and the later ones are near due. Cases are dealt round-robin over the pools, so each group is
  // written from every pool at once.
  clock.set('2026-03-05T10:00:00+08:00')
  let running = true
  let applied = 0
  let refused = 0
  const refusals = new Map<string, number>()
  let folds = 0
  let snapshots = 0
  const mismatches: string[] = []
  // Concluded cases never un-conclude: each reader's total may only grow, even while other pools fold between its
  // statements (a read that missed deltas moved by a concurrent fold would shrink).
  const shrinks: string[] = []
  const statsErrors: unknown[] = []

  const appliers = engines.map(async (engine, p) => {
    const mine = cases.filter((_, i) => i % POOLS === p)
    // Interleave: step k of every case of this pool before step k + 1, four cases in flight per pool.
    const depth = Math.max(...mine.map((c) => c.script.length))
    for (let step = 0; step < depth; step++) {
      const todo = mine.filter((c) => c.script[step])
      for (let i = 0; i < todo.length; i += 4) {
        await Promise.all(todo.slice(i, i + 4).map(async (c) => {
          const [event, actor] = c.script[step]!
          try {
            await engine.apply(c.id, event, actor)
            applied++
          } catch (err) {
            if (!(err instanceof DomainError)) throw err
            refused++; refusals.set(`${event.type}:${err.code}`, (refusals.get(`${event.type}:${err.code}`) ?? 0) + 1)
          }
        }))
      }
    }
  })
  const timerLoops = workers.map(async (w) => {
    while (running) {
      await w.drain()
      await new Promise((r) => setTimeout(r, 5))
    }
  })
  const statsLoops = handles.map(async (h, p) => {
    let lastConcluded = 0
    while (running) {
      try {
        if (await foldSupervisionDeltas(h.db)) folds++
        const read = await readStats(h.db, { jurisdiction: '420000', from: '2026-01', to: '2026-12' }, 50)
        const concluded = read.groups.reduce((n, g) => n + g.months.reduce((m, x) => m + x.concluded, 0), 0)
        if (concluded < lastConcluded) shrinks.push(`pool ${p}: ${lastConcluded} → ${concluded}`)
        lastConcluded = concluded
        if (p === 0) {
          const { counted, truth } = await bothCounts(h.db)
          snapshots++
          if (JSON.stringify(sortKeys(counted)) !== JSON.stringify(sortKeys(truth))) mismatches.push(JSON.stringify({ counted, truth }))
        }
      } catch (err) {
        statsErrors.push(err)
      }
    }
  })
  await Promise.all(appliers)
  // Let the timer workers settle everything due at this instant, then stop the loops.
  await Promise.all(workers.map((w) => w.drain()))
  running = false
  await Promise.all([...timerLoops, ...statsLoops])
  await Promise.all(workers.map((w) => w.drain()))

  t.ok(applied > cases.length, `events applied concurrently: ${applied} (refused: ${refused}, ${JSON.stringify(Object.fromEntries(refusals))})`)
  t.ok(snapshots > 0 && folds > 0, `stats reads folded ${folds} times; ${snapshots} consistent snapshots compared during the run`)
  t.same(statsErrors.map(String), [], 'no stats read failed')
  t.same(mismatches, [], 'in every snapshot during the run: folded counts + unfolded deltas = brute force')
  t.same(shrinks, [], 'no stats read during the run lost concluded cases to a concurrent fold')

  const db = database.db
  const marks = await sql<{ alert: string; n: number }>`select alert, count(*)::int as n from clocks where status = 'running' group by 1 order by 1`.execute(db)
  t.ok(marks.rows.some((r) => r.alert === 'overdue') || (await sql<{ n: number }>`select count(*)::int as n from clocks where was_overdue`.execute(db)).rows[0]!.n > 0,
    'some clocks were marked overdue during the run')
  t.ok(marks.rows.some((r) => r.alert === 'nearDue'), 'some clocks are marked near due')

  const end = await bothCounts(db)
  t.same(end.counted, end.truth, 'at the end: folded counts + unfolded deltas = brute force')
  t.ok(await foldSupervisionDeltas(db), 'the last fold ran')
  const folded = await bothCounts(db)
  t.equal(folded.deltas, 0, 'no delta is left after the last fold')
  t.same(folded.counted, folded.truth, 'folded counts alone = brute force: no delta lost or folded twice')
  t.same(folded.counted, end.counted, 'folding changed no total')

  // Through the app's read: per county and department.
  const stats = await readStats(db, { jurisdiction: '420000', from: '2026-01', to: '2026-12' }, 500)
  const truthByGroup = await sql<{ jurisdiction: string; department: string; open: number; nearDue: number; overdue: number }>`
    select jurisdiction, department, count(*) filter (where status <> 'stopped')::int as open,
           count(*) filter (where status = 'running' and alert = 'nearDue')::int as "nearDue",
           count(*) filter (where status = 'running' and alert = 'overdue')::int as overdue
    from clocks group by 1, 2 order by 1, 2`.execute(db)
  t.same(stats.groups.map(({ jurisdiction, department, open, nearDue, overdue }) => ({ jurisdiction, department, open, nearDue, overdue })), truthByGroup.rows,
    'readStats = brute force per county and department')
  await completionCheck(t, db, 'at the end')
  const dup = await sql<{ n: number }>`select count(*)::int as n from (select case_id from supervision_completion_deltas group by 1 having count(*) > 1) x`.execute(db)
  t.equal(dup.rows[0]!.n, 0, 'one completion row per concluded case')
})

function sortKeys(o: Record<string, Cell>): [string, Cell][] {
  return Object.entries(o).sort(([a], [b]) => a.localeCompare(b))
}
