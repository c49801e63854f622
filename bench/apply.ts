/**
 * `npm run bench`: the engine's apply (and create, and the history read) on PostgreSQL, against the same
 * transaction written by hand through node-postgres (baseline a) and run by pgbench -M prepared (baseline b),
 * at several client counts, then a profile of where an apply's time goes. Prints markdown (docs/BENCHMARKS.md).
 *
 * Environment:
 *   BENCH_DATABASE_URL   database to use as is (tables are migrated, rows added, bench tables dropped after);
 *                        default: a throw-away `onewindow_bench` created and dropped through BENCH_ADMIN_URL
 *   BENCH_ADMIN_URL      admin connection, default postgres://postgres@127.0.0.1:5432/postgres
 *   BENCH_SECONDS        measured seconds of each apply variant (default 6); BENCH_SHORT_SECONDS for create/history (3)
 *   BENCH_ROUNDS         the measured seconds are split into this many interleaved windows per variant (default 2)
 *   BENCH_WARMUP         unmeasured seconds before each window (default 1)
 *   BENCH_CASES          prepared cases in the inspection cycle (default 2000)
 *   BENCH_CLIENTS        client counts for apply (default 1,4,16); create/history use BENCH_READ_CLIENTS (1,4)
 *   BENCH_JSON           write all results as JSON to this file
 *   BENCH_CPU_PROFILE    write the raw V8 .cpuprofile of the profiled run to this file
 *   PGBENCH              pgbench binary (default /usr/bin/pgbench)
 * No thresholds: this measures, it does not judge.
 */
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import pg from 'pg'
import { openDatabase, type DatabaseHandle } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { Engine } from '../src/engine/engine.ts'
import { systemClock } from '../src/engine/clock.ts'
import { createPolicyStore } from '../src/policy/store.ts'
import { readHistory } from '../src/cases/read.ts'
import { canSeeCase } from '../src/auth/principal.ts'
import { findProcedure } from '../machines/index.ts'
import {
  applicant, newCaseInput, nextEvent, SCHEDULE, SCHEDULED, supervisor, SUPERVISED, TO_FILED,
} from './lib/fixtures.ts'
import { runLoad } from './lib/runner.ts'
import { runPgbench, pgbenchVersion } from './lib/pgbench.ts'
import { machineInfo, nodeCpuSeconds, type MachineInfo } from './lib/system.ts'
import { fmt, summarise, type RunResult, type Sample } from './lib/stats.ts'
import { cpuProfile, profilePhases, type CpuReport, type PhaseReport } from './lib/profile.ts'
import { captureCase, caseTables, cloneCases, insertCaseRows } from './lib/rows.ts'

const env = process.env
const num = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) ? Number(v) : d)
const list = (v: string | undefined, d: number[]) => (v ? v.split(',').map(Number).filter((n) => n > 0) : d)
const ADMIN_URL = env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const OWN_DB = !env.BENCH_DATABASE_URL
const DB_NAME = 'onewindow_bench'
const DATABASE_URL = env.BENCH_DATABASE_URL ?? withDatabase(ADMIN_URL, DB_NAME)
const SECONDS = num(env.BENCH_SECONDS, 6)
const SHORT_SECONDS = num(env.BENCH_SHORT_SECONDS, 3)
const ROUNDS = Math.max(1, num(env.BENCH_ROUNDS, 2))
const WARMUP = num(env.BENCH_WARMUP, 1)
const CASES = num(env.BENCH_CASES, 2000)
const CLIENTS = list(env.BENCH_CLIENTS, [1, 4, 16])
const READ_CLIENTS = list(env.BENCH_READ_CLIENTS, [1, 4])
const POOL = Math.max(...CLIENTS, ...READ_CLIENTS, 8)

function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

const log = (...args: unknown[]) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args)
const def = findProcedure('clinicFiling')!

// ---------------------------------------------------------------- database lifecycle
let handle: DatabaseHandle | undefined
let admin: pg.Client | undefined
let cleaned = false

async function adminQuery(sqlText: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL })
  await c.connect()
  try {
    await c.query(sqlText)
  } finally {
    await c.end()
  }
}

async function cleanup(): Promise<void> {
  if (cleaned) return
  cleaned = true
  await handle?.close().catch(() => {})
  if (OWN_DB) {
    await admin?.end().catch(() => {})
    await adminQuery(`drop database if exists ${DB_NAME} with (force)`).catch((err) => log('could not drop the bench database:', err.message))
  } else {
    await admin?.query('drop table if exists bench_case_ids').catch(() => {})
    await admin?.end().catch(() => {})
  }
}

process.once('SIGINT', () => { void cleanup().finally(() => process.exit(130)) })
process.once('SIGTERM', () => { void cleanup().finally(() => process.exit(143)) })

/** Runs `n` tasks with at most `width` in flight. */
async function parallel(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await task(next++)
  }))
}

// ---------------------------------------------------------------- prepared cases
interface Cases { ids: string[]; versions: number[]; states: string[] }

/**
 * `clients` disjoint slices of the case indexes (client k owns i ≡ k mod clients), each walked round-robin, so
 * clients never contend for a case. (pgbench clients own contiguous blocks of bench_case_ids.n instead.)
 */
function slices(n: number, clients: number): { next(client: number): number } {
  const own = Array.from({ length: clients }, (_, k) => Array.from({ length: Math.ceil((n - k) / clients) }, (_, j) => k + j * clients))
  const pos = new Array<number>(clients).fill(0)
  return {
    next: (k) => {
      const mine = own[k]!
      const p = pos[k]!
      pos[k] = p + 1
      return mine[p % mine.length]!
    },
  }
}

async function reset(cases: Cases): Promise<void> {
  // Back to the snapshot each case had when filed (the inspection list grows per cycle), keeping versions; then
  // clean the dead tuples (autovacuum may be off) and start every run from a checkpoint.
  await admin!.query(`update cases c set snapshot = b.base_snapshot, state = b.base_state, status = 'active'
                        from bench_case_ids b where b.case_id = c.id`)
  await admin!.query('vacuum cases')
  await admin!.query('checkpoint')
  const { rows } = await admin!.query<{ n: number; version: number; state: string }>(
    'select b.n, c.version, c.state from bench_case_ids b join cases c on c.id = b.case_id order by b.n')
  for (const r of rows) {
    cases.versions[r.n - 1] = r.version
    cases.states[r.n - 1] = r.state
  }
}

async function snapshotBytes(): Promise<number> {
  const { rows } = await admin!.query<{ b: string }>(
    'select avg(octet_length(c.snapshot::text))::int as b from cases c join bench_case_ids b on b.case_id = c.id')
  return Number(rows[0]!.b)
}

// ---------------------------------------------------------------- baseline (a): the apply transaction by hand
const A_SQL = {
  select: 'select * from cases where id = $1 for update',
  update: `update cases set snapshot = $1::jsonb, state = $2, status = $3, version = version + 1, updated_at = $4
            where id = $5 and version = $6`,
  event: `insert into case_events (case_id, seq, type, payload, actor_id, actor_role, at, state_before, state_after, status_code)
          values ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10)`,
  outbox: 'insert into outbox (case_id, seq, topic, payload, created_at) values ($1, $2, $3, $4::jsonb, $5)',
}
const SCHEDULE_TOPIC = 'clinicFiling.inspectionScheduled'
const SCHEDULE_PAYLOAD = JSON.stringify(SCHEDULE.payload)

function baselineApply(pool: pg.Pool, snapshotText: string, named: boolean) {
  const q = (key: keyof typeof A_SQL, values: unknown[]) => (named ? { name: `bench-a-${key}`, text: A_SQL[key], values } : { text: A_SQL[key], values })
  return async (id: string) => {
    const client = await pool.connect()
    try {
      await client.query('begin')
      const now = new Date()
      const row = (await client.query<{ version: number; state: string }>(q('select', [id]))).rows[0]
      if (!row) throw new Error(`case ${id} not found`)
      const u = await client.query(q('update', [snapshotText, SCHEDULED, 'active', now, id, row.version]))
      if (u.rowCount !== 1) throw new Error(`case ${id}: stale version ${row.version}`)
      const seq = row.version + 1
      await client.query(q('event', [id, seq, SCHEDULE.type, SCHEDULE_PAYLOAD, supervisor.id, supervisor.role, now, row.state, SCHEDULED, null]))
      await client.query(q('outbox', [id, seq, SCHEDULE_TOPIC, JSON.stringify({ caseId: id }), now]))
      await client.query('commit')
    } catch (err) {
      await client.query('rollback').catch(() => {})
      throw err
    } finally {
      client.release()
    }
  }
}

// ---------------------------------------------------------------- main
interface Results {
  machine: MachineInfo
  config: Record<string, unknown>
  prepSeconds: number
  snapshotBytes: { baseline: number; engineAfterRuns: Record<number, number>; filed: number }
  apply: RunResult[]
  create: RunResult[]
  history: RunResult[]
  historyEvents: number
  /** Rows one creation writes, per table. */
  createRows?: string
  phases?: PhaseReport
  cpu?: CpuReport
  cpuClients: number
  cpuOps?: number
  /** CPU time of this process during the profiled run (process.cpuUsage), ms. */
  cpuProcessMs?: number
}

async function main(): Promise<Results> {
  const started = performance.now()
  const pgbench = pgbenchVersion()
  if (OWN_DB) {
    await adminQuery(`drop database if exists ${DB_NAME} with (force)`)
    await adminQuery(`create database ${DB_NAME}`)
  }
  admin = new pg.Client({ connectionString: DATABASE_URL })
  await admin.connect()
  const machine = await machineInfo(admin, pgbench)
  log(`database ${new URL(DATABASE_URL).pathname.slice(1)}; ${machine.cpuModel}, ${machine.cores} cores, load ${machine.loadAverage}`)

  handle = await openDatabase({ databaseUrl: DATABASE_URL, poolSize: POOL })
  const pool = handle.pool!
  // Keep the connections between runs: their backends are the processes whose CPU is counted.
  ;(pool.options as { idleTimeoutMillis?: number }).idleTimeoutMillis = 0
  await migrateToLatest(handle.db)
  const engine = new Engine({ db: handle.db, clock: systemClock, policies: createPolicyStore() })

  // -- prepare CASES cases in filed.supervised: 40 through the engine, the rest copied from them in SQL
  //    (fresh ids and filing numbers; same snapshots, history and outbox rows), which takes a second instead of ~30.
  const prepStart = performance.now()
  const engineCases = Math.min(CASES, 40)
  const ids = new Array<string>(engineCases)
  await parallel(engineCases, 8, async (i) => {
    const c = await engine.create(newCaseInput, applicant)
    let version = c.row.version
    for (const step of TO_FILED) version = (await engine.apply(c.row.id, step.event, step.actor, version)).row.version
    ids[i] = c.row.id
  })
  const tables = await caseTables(admin)
  if (CASES > engineCases) ids.push(...await cloneCases(admin, tables, ids, CASES - engineCases))
  await admin.query(`drop table if exists bench_case_ids`)
  await admin.query(`create table bench_case_ids (n integer primary key, case_id uuid not null unique references cases (id),
                       base_snapshot jsonb not null, base_state text not null)`)
  await admin.query(`insert into bench_case_ids (n, case_id, base_snapshot, base_state)
                     select t.n, c.id, c.snapshot, c.state from unnest($1::uuid[]) with ordinality as t(id, n) join cases c on c.id = t.id`, [ids])
  await admin.query('vacuum analyze')
  const prepSeconds = (performance.now() - prepStart) / 1000
  log(`prepared ${CASES} filed cases (${engineCases} through the engine, the rest cloned) in ${prepSeconds.toFixed(1)} s`)

  const cases: Cases = { ids, versions: new Array<number>(CASES).fill(0), states: new Array<string>(CASES).fill(SUPERVISED) }
  await reset(cases)
  // The snapshot the baselines write: what the engine writes for SCHEDULE_INSPECTION on a freshly filed case.
  const sample = await engine.apply(ids[0]!, SCHEDULE, supervisor, cases.versions[0])
  const baselineSnapshot = JSON.stringify(sample.row.snapshot)
  await reset(cases)
  const filedBytes = await snapshotBytes()

  const results: Results = {
    machine, prepSeconds, cpuClients: 4,
    config: { seconds: SECONDS, shortSeconds: SHORT_SECONDS, rounds: ROUNDS, warmup: WARMUP, cases: CASES, clients: CLIENTS, readClients: READ_CLIENTS, pool: POOL, databaseUrl: DATABASE_URL.replace(/:[^:@/]*@/, ':***@') },
    snapshotBytes: { baseline: Buffer.byteLength(baselineSnapshot), engineAfterRuns: {}, filed: filedBytes },
    apply: [], create: [], history: [], historyEvents: 0,
  }

  const engineApply = (clients: number) => {
    const s = slices(CASES, clients)
    return async (k: number) => {
      const i = s.next(k)
      const r = await engine.apply(cases.ids[i]!, nextEvent(cases.states[i]!), supervisor, cases.versions[i])
      cases.versions[i] = r.row.version
      cases.states[i] = r.row.state
    }
  }
  const rawApply = (clients: number, named: boolean) => {
    const s = slices(CASES, clients)
    const apply = baselineApply(pool, baselineSnapshot, named)
    return (k: number) => apply(cases.ids[s.next(k)]!)
  }
  interface Variant { label: string; run(clients: number, seconds: number): Promise<Sample> }
  const nodeVariant = (label: string, op: (clients: number) => (k: number) => Promise<void>): Variant => ({
    label, run: (clients, seconds) => runLoad({ label, clients, warmupSeconds: WARMUP, seconds, admin: admin!, op: op(clients) }),
  })
  /**
   * Each client count: every variant in turn, `ROUNDS` times (interleaved, so drift and bursts of noise from
   * other work on the machine hit all variants alike), each window starting from reset cases when `fresh`.
   */
  const measure = async (variants: Variant[], clientCounts: number[], seconds: number, fresh: boolean, after?: (v: Variant, c: number) => Promise<void>) => {
    const out: RunResult[] = []
    for (const c of clientCounts) {
      const samples = new Map<string, Sample[]>(variants.map((v) => [v.label, []]))
      for (let round = 0; round < ROUNDS; round++) {
        for (const v of variants) {
          if (fresh) await reset(cases)
          const x = await v.run(c, seconds / ROUNDS)
          samples.get(v.label)!.push(x)
          if (after) await after(v, c)
          const one = summarise([x])
          log(`${v.label.padEnd(38)} c=${String(c).padStart(2)} round ${round + 1}: ${fmt.n(one.throughput).padStart(5)} ops/s  p50 ${fmt.ms(one.p50)} ms  p99 ${fmt.ms(one.p99)} ms`)
        }
      }
      for (const v of variants) out.push(summarise(samples.get(v.label)!))
    }
    return out
  }

  // Warm the JIT and the pool on both code paths before anything is measured.
  const warmEnd = performance.now() + 2000
  const warmEngine = engineApply(4)
  const warmRaw = rawApply(4, true)
  await Promise.all([0, 1, 2, 3].map(async (k) => { while (performance.now() < warmEnd) await (k < 2 ? warmEngine(k) : warmRaw(k)) }))

  // -- 1-3. apply: engine, (a) named and unnamed, (b) pgbench, interleaved per client count
  const pgbenchVars = {
    snap: baselineSnapshot, newstate: SCHEDULED, ts: new Date().toISOString(), evtype: SCHEDULE.type, evpayload: SCHEDULE_PAYLOAD,
    actor_id: supervisor.id, actor_role: supervisor.role, topic: SCHEDULE_TOPIC,
  }
  const engineBytes: Record<number, number[]> = {}
  results.apply = await measure([
    nodeVariant('engine.apply', engineApply),
    nodeVariant('(a) node-postgres, named', (c) => rawApply(c, true)),
    nodeVariant('(a) node-postgres, unnamed', (c) => rawApply(c, false)),
    {
      label: '(b) pgbench -M prepared',
      run: (clients, seconds) => runPgbench({
        label: '(b) pgbench -M prepared', databaseUrl: DATABASE_URL, clients, cases: CASES, warmupSeconds: WARMUP, seconds, admin: admin!, variables: pgbenchVars,
      }),
    },
  ], CLIENTS, SECONDS, true, async (v, c) => {
    if (v.label === 'engine.apply') (engineBytes[c] ??= []).push(await snapshotBytes())
  })
  for (const [c, b] of Object.entries(engineBytes)) results.snapshotBytes.engineAfterRuns[Number(c)] = Math.max(...b)

  // -- 4a. history read (before creation adds rows): readHistory vs the same two selects by hand
  await reset(cases)
  results.historyEvents = Number((await admin.query<{ n: string }>(
    'select (count(*)::float / count(distinct e.case_id))::int as n from case_events e join bench_case_ids b on b.case_id = e.case_id')).rows[0]!.n)
  results.history = await measure([
    nodeVariant('readHistory (src/cases/read.ts)', (c) => {
      const s = slices(CASES, c)
      return async (k) => { await readHistory(handle!.db, cases.ids[s.next(k)]!, supervisor) }
    }),
    nodeVariant('raw: the same 2 selects, named', (c) => {
      const s = slices(CASES, c)
      return async (k) => {
        const id = cases.ids[s.next(k)]!
        const row = (await pool.query({ name: 'bench-h-case', text: 'select * from cases where id = $1', values: [id] })).rows[0]
        if (!row || !canSeeCase(supervisor, row)) throw new Error(`case ${id} not visible`)
        await pool.query({ name: 'bench-h-events', text: 'select * from case_events where case_id = $1 order by seq', values: [id] })
      }
    }),
  ], READ_CLIENTS, SHORT_SECONDS, false)

  // -- 4b. creation: engine.create vs the same rows (every table holding rows of the case) inserted by hand
  const created = await engine.create(newCaseInput, applicant)
  const template = await captureCase(admin, tables, created.row.id)
  results.createRows = template.tables.map((t) => `${t.table} ${t.rows.length}`).join(', ')
  results.create = await measure([
    nodeVariant('engine.create', () => async () => { await engine.create(newCaseInput, applicant) }),
    nodeVariant('raw: BEGIN, same rows, COMMIT, named', () => async () => {
      const client = await pool.connect()
      try {
        await insertCaseRows(client, template, randomUUID())
      } finally {
        client.release()
      }
    }),
  ], READ_CLIENTS, SHORT_SECONDS, false)

  // -- 5. profile: phases of one client's applies, then a CPU profile at 4 clients
  await reset(cases)
  const PROFILE_SECONDS = Math.min(3, SECONDS)
  results.phases = await profilePhases(def.machine, async (measure) => {
    const op = engineApply(1)
    for (let w = performance.now() + 500; performance.now() < w;) await op(0) // warm the wrappers
    measure()
    const end = performance.now() + PROFILE_SECONDS * 1000
    let ops = 0
    const t = performance.now()
    while (performance.now() < end) { await op(0); ops++ }
    return { ops, ms: performance.now() - t }
  })
  await reset(cases)
  const cpuOp = engineApply(results.cpuClients)
  for (let w = performance.now() + 500; performance.now() < w;) await cpuOp(0)
  let cpuOps = 0
  const cpuBefore = nodeCpuSeconds()
  results.cpu = await cpuProfile(async () => {
    const end = performance.now() + PROFILE_SECONDS * 1000
    await Promise.all(Array.from({ length: results.cpuClients }, async (_, k) => { while (performance.now() < end) { await cpuOp(k); cpuOps++ } }))
  }, env.BENCH_CPU_PROFILE)
  results.cpuOps = cpuOps
  results.cpuProcessMs = (nodeCpuSeconds() - cpuBefore) * 1000

  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
  return results
}

// ---------------------------------------------------------------- report
function report(r: Results): string {
  const m = r.machine
  const out: string[] = []
  const row = (cells: (string | number)[]) => out.push(`| ${cells.join(' | ')} |`)
  out.push(`Run ${m.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB (${m.kernel}); ` +
    `Node ${m.node}; ${m.postgres}; ${m.pgbench}. Load average at start: ${m.loadAverage}.`)
  out.push(`PostgreSQL settings: ${Object.entries(m.pgSettings).map(([k, v]) => `${k}=${v}`).join(', ')}.`)
  out.push(`${r.config.cases} filed cases prepared in ${r.prepSeconds.toFixed(1)} s (40 through the engine, the rest copied from them in SQL with new ids and filing numbers); each run measures ${r.config.seconds} s ` +
    `(create/history ${r.config.shortSeconds} s) per variant, split into ${r.config.rounds} interleaved windows, each after ` +
    `${r.config.warmup} s of warm-up; apply windows start from reset cases after vacuum and checkpoint.`)
  out.push('')
  out.push('### Apply (SCHEDULE_INSPECTION / RECORD_INSPECTION_PASSED cycle)')
  out.push('')
  const get = (c: number, prefix: string) => r.apply.find((x) => x.clients === c && x.label.startsWith(prefix))
  row(['clients', 'engine ops/s', '(a) named ops/s', 'engine ÷ (a) named', '(a) unnamed ops/s', 'engine ÷ (a) unnamed', '(b) pgbench ops/s', 'engine ÷ (b)'])
  row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:'])
  for (const c of r.config.clients as number[]) {
    const e = get(c, 'engine'); const an = get(c, '(a) node-postgres, named'); const au = get(c, '(a) node-postgres, unnamed'); const b = get(c, '(b)')
    if (!e || !an || !au || !b) continue
    row([c, fmt.n(e.throughput), fmt.n(an.throughput), fmt.ratio(e.throughput / an.throughput), fmt.n(au.throughput),
      fmt.ratio(e.throughput / au.throughput), fmt.n(b.throughput), fmt.ratio(e.throughput / b.throughput)])
  }
  out.push('')
  row(['clients', 'variant', 'ops/s', 'per round', 'p50 ms', 'p99 ms', 'per second min–max', 'client CPU ms/op', 'PG CPU ms/op'])
  row(['---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:'])
  for (const x of r.apply) {
    row([x.clients, x.label, fmt.n(x.throughput), x.rounds.map((t) => fmt.n(t)).join(', '), fmt.ms(x.p50), fmt.ms(x.p99),
      `${x.perSecondMin}–${x.perSecondMax}`, fmt.ms(x.clientCpuMsPerOp), fmt.ms(x.pgCpuMsPerOp)])
  }
  out.push('')
  out.push(`Client CPU is this Node process (or pgbench); PG CPU is the bench database's backends plus the WAL writer, checkpointer ` +
    `and background writer. Snapshot written: baselines ${r.snapshotBytes.baseline} B of JSON each time; the engine's starts at ` +
    `${r.snapshotBytes.filed} B (filed case) and grows by one inspection entry (~90 B) per event (largest average at the end of a window: ` +
    `${Object.entries(r.snapshotBytes.engineAfterRuns).map(([c, b]) => `${b} B at ${c} client${c === '1' ? '' : 's'}`).join(', ')}).`)
  const own = r.apply.filter((x) => x.notes.length).map((x) => `${x.clients} client${x.clients === 1 ? '' : 's'}: ${x.notes.map((n) => /([0-9]+) tps/.exec(n)?.[1] ?? n).join(', ')}`)
  if (own.length) out.push(`pgbench figures come from its per-transaction log (\`-l\`) over the same kind of window as the Node runs; its own tps over each whole \`-T\` run, connections and warm-up included: ${own.join('; ')}.`)
  out.push('')
  out.push('CPU cost per apply (client + PostgreSQL, ms), the figure the noise on a shared 2-core machine disturbs least:')
  out.push('')
  row(['clients', 'engine', '(a) named', '(a) unnamed', '(b) pgbench', '(b) ÷ engine'])
  row(['---:', '---:', '---:', '---:', '---:', '---:'])
  for (const c of r.config.clients as number[]) {
    const cost = (x: RunResult | undefined) => (x ? x.clientCpuMsPerOp + x.pgCpuMsPerOp : Number.NaN)
    const e = cost(get(c, 'engine')); const b = cost(get(c, '(b)'))
    row([c, fmt.ms(e), fmt.ms(cost(get(c, '(a) node-postgres, named'))), fmt.ms(cost(get(c, '(a) node-postgres, unnamed'))), fmt.ms(b), fmt.ratio(b / e)])
  }
  out.push('')
  for (const [title, runs] of [[`Case creation (rows written: ${r.createRows ?? '?'})`, r.create], [`History read (${r.historyEvents} events per case on average)`, r.history]] as const) {
    out.push(`### ${title}`)
    out.push('')
    row(['clients', 'variant', 'ops/s', 'per round', 'p50 ms', 'p99 ms', 'client CPU ms/op', 'PG CPU ms/op', 'engine ÷ raw'])
    row(['---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:'])
    for (const c of r.config.readClients as number[]) {
      const cr = runs.filter((x) => x.clients === c)
      const first = cr[0]
      for (const x of cr) {
        row([c, x.label, fmt.n(x.throughput), x.rounds.map((t) => fmt.n(t)).join(', '), fmt.ms(x.p50), fmt.ms(x.p99),
          fmt.ms(x.clientCpuMsPerOp), fmt.ms(x.pgCpuMsPerOp), x === first || !first ? '' : fmt.ratio(first.throughput / x.throughput)])
      }
    }
    out.push('')
  }
  if (r.phases) {
    const p = r.phases
    out.push(`### Profile: phases of engine.apply, 1 client (${p.ops} applies, ${fmt.ms(p.totalMsPerOp)} ms each)`)
    out.push('')
    row(['phase', 'ms/op', 'calls/op', 'share of apply'])
    row(['---', '---:', '---:', '---:'])
    let measured = 0
    for (const [name, x] of Object.entries(p.phases)) {
      if (!name.startsWith('pg jsonb')) measured += x.msPerOp
      row([name, x.msPerOp.toFixed(3), x.callsPerOp.toFixed(1), `${((100 * x.msPerOp) / p.totalMsPerOp).toFixed(1)}%`])
    }
    const rest = p.totalMsPerOp - measured
    row(['everything else (engine checks, typebox, Kysely builders, pg protocol, promises)', rest.toFixed(3), '', `${((100 * rest) / p.totalMsPerOp).toFixed(1)}%`])
    out.push('')
    out.push('Round trips include sending, the server\'s work, and parsing the reply (the jsonb parse row is inside them).')
    out.push('')
  }
  if (r.cpu) {
    const c = r.cpu
    out.push(`### Profile: CPU of this process, engine.apply at ${r.cpuClients} clients`)
    out.push('')
    out.push(`${r.cpuOps} applies in ${fmt.n(c.wallMs)} ms sampled (${fmt.n(c.busyMs)} ms not idle); the process used ` +
      `${fmt.n(r.cpuProcessMs ?? Number.NaN)} ms of CPU, ${fmt.ms((r.cpuProcessMs ?? Number.NaN) / (r.cpuOps ?? Number.NaN))} ms per apply. ` +
      'V8 samples wall time on the main thread, so on a busy machine "not idle" includes time the thread was runnable but not running; read the shares, not the milliseconds.')
    out.push('')
    row(['self time by package', 'ms', 'share of samples'])
    row(['---', '---:', '---:'])
    for (const x of c.selfByCategory.filter((x) => x.share >= 0.005)) row([x.category, fmt.n(x.ms), `${(100 * x.share).toFixed(1)}%`])
    out.push('')
    row(['inclusive time of', 'ms', 'share of busy'])
    row(['---', '---:', '---:'])
    for (const x of c.inclusive) row([x.name, fmt.n(x.ms), `${(100 * x.shareOfBusy).toFixed(1)}%`])
    out.push('')
    row(['top self time', 'ms', 'share of busy'])
    row(['---', '---:', '---:'])
    for (const x of c.topSelf.slice(0, 12)) row([x.fn.replace(/\|/g, '\\|'), fmt.n(x.ms), `${(100 * x.shareOfBusy).toFixed(1)}%`])
    out.push('')
  }
  return out.join('\n')
}

try {
  const results = await main()
  if (env.BENCH_JSON) writeFileSync(env.BENCH_JSON, JSON.stringify(results, null, 2))
  console.log(report(results))
} catch (err) {
  process.exitCode = 1
  log('failed:', err)
} finally {
  await cleanup()
}
