/**
 * `npm run bench:timers`: the timer worker on PostgreSQL. Worker PROCESSES (1, 2, 4) drain a backlog of due timers,
 * against (a) a raw-SQL claim-and-apply loop and (b) graphile-worker 0.18 with one job per timer applying the same
 * event through the engine; then the burst after National Day 2026; then the batch-size sweep and the deadlock check
 * behind the worker's batch shape. Prints markdown for docs/BENCHMARKS.md (## Timers). Measures; judges nothing.
 *
 * Each run starts from a copy of a template database (CREATE DATABASE ... TEMPLATE), so every variant sees the same
 * rows. Fixture: BENCH_TIMERS_ENGINE_CASES clinic filings made through Engine.create, then copied by SQL (fresh ids,
 * the same rows the engine wrote) up to the wanted count; each has one pending intake timer.
 *
 * Environment:
 *   BENCH_ADMIN_URL            admin connection, default postgres://postgres@127.0.0.1:5432/postgres
 *   BENCH_TIMERS_N             due timers per matrix run (default 5000: 20,000 x 9 runs does not fit in 8 minutes here)
 *   BENCH_TIMERS_BURST_N       timers in the holiday burst (default 20000)
 *   BENCH_TIMERS_SWEEP_N       timers per batch-size run (default 2000)
 *   BENCH_TIMERS_WORKERS       worker process counts (default 1,2,4)
 *   BENCH_TIMERS_VARIANTS      default engine,raw,graphile
 *   BENCH_TIMERS_SECTIONS      default matrix,burst,sweep,deadlock
 *   BENCH_TIMERS_ENGINE_CASES  cases made through the engine before copying (default 250)
 *   BENCH_TIMERS_OUT           also write the markdown to this file
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { runMigrations } from 'graphile-worker'
import { openDatabase, type DatabaseHandle } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { Engine } from '../src/engine/engine.ts'
import { fixedClock } from '../src/engine/clock.ts'
import { createPolicyStore } from '../src/policy/store.ts'
import { SYSTEM_PRINCIPAL } from '../src/auth/principal.ts'
import { BATCH_SIZE_POSTGRES, dueOnOf } from '../src/timers/worker.ts'
import { applicant, newCaseInput } from './lib/fixtures.ts'
import { benchPgPids, cpuDelta, cpuModel, sumCpuSeconds } from './lib/system.ts'
import { percentile } from './lib/stats.ts'

const env = process.env
const num = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) ? Number(v) : d)
const ADMIN_URL = env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const N = num(env.BENCH_TIMERS_N, 5000)
const BURST_N = num(env.BENCH_TIMERS_BURST_N, 20000)
const SWEEP_N = num(env.BENCH_TIMERS_SWEEP_N, 2000)
const WORKERS = (env.BENCH_TIMERS_WORKERS ?? '1,2,4').split(',').map(Number)
const VARIANTS = (env.BENCH_TIMERS_VARIANTS ?? 'engine,raw,graphile').split(',') as Variant[]
const SECTIONS = new Set((env.BENCH_TIMERS_SECTIONS ?? 'matrix,burst,sweep,deadlock').split(','))
const ENGINE_CASES = num(env.BENCH_TIMERS_ENGINE_CASES, 250)
const CHILD = fileURLToPath(new URL('./lib/timersProcess.ts', import.meta.url))
const RUN_DB = 'onewindow_bench_timers'
const TEMPLATES = { matrix: 'onewindow_bench_timers_tpl', burst: 'onewindow_bench_timers_burst_tpl', sweep: 'onewindow_bench_timers_sweep_tpl' }
/** The matrix runs after every intake limit of its cases (filed 2–6 March 2026) has passed. */
const MATRIX_NOW = '2026-04-01T09:00:00+08:00'
/**
 * The burst: filings of Wednesday 2026-09-23 have 5 working days for intake: 24, 28, 29, 30 September and 8 October
 * (25–27 September is Mid-Autumn, 1–7 October National Day). All their timers fall due at the end of 2026-10-08.
 */
const BURST_FILED_ON = '2026-09-23'
const BURST_DUE_AT = '2026-10-09T00:00:00+08:00'

type Variant = 'engine' | 'raw' | 'graphile'

function urlOf(db: string): string {
  const u = new URL(ADMIN_URL)
  u.pathname = `/${db}`
  return u.toString()
}

function psql(sql: string): string {
  const u = new URL(ADMIN_URL)
  return execFileSync('psql', ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), '-d', u.pathname.slice(1) || 'postgres',
    '-v', 'ON_ERROR_STOP=1', '-Atqc', sql], { encoding: 'utf8' }).trim()
}

function dropDatabase(name: string): void {
  psql(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`)
  psql(`drop database if exists ${name}`)
}

async function inParallel(n: number, count: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < count) await fn(next++)
  }))
}

const log = (msg: string) => console.error(`[bench:timers ${new Date().toISOString().slice(11, 19)}] ${msg}`)

// ---------------------------------------------------------------------------------------------------------------
// Fixture

async function columns(pool: pg.Pool, table: string): Promise<{ name: string; serial: boolean }[]> {
  const { rows } = await pool.query<{ column_name: string; column_default: string | null }>(
    `select column_name, column_default from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position`, [table])
  return rows.map((r) => ({ name: r.column_name, serial: (r.column_default ?? '').startsWith('nextval(') }))
}

/** Copies every case with its history, outbox, clocks and timers `copies - 1` times under fresh ids. */
async function copyCases(pool: pg.Pool, copies: number): Promise<void> {
  if (copies <= 1) return
  const c = await pool.connect()
  try {
    await c.query('begin')
    await c.query(`create temp table m on commit drop as select c.id as src, gen_random_uuid() as dst from cases c cross join generate_series(1, ${copies - 1})`)
    for (const table of ['cases', 'case_events', 'outbox', 'clocks', 'timers']) {
      const cols = (await columns(pool, table)).filter((col) => !col.serial)
      const key = table === 'cases' ? 'id' : 'case_id'
      const exprs = cols.map((col) => {
        if (col.name === key) return 'm.dst'
        if (table === 'outbox' && col.name === 'payload') return `jsonb_set(x.payload, '{caseId}', to_jsonb(m.dst::text))`
        return `x.${col.name}`
      })
      const order = table === 'timers' ? 'order by x.due_at, m.dst' : ''
      await c.query(`insert into ${table} (${cols.map((col) => col.name).join(', ')}) select ${exprs.join(', ')} from ${table} x join m on m.src = x.${key} ${order}`)
    }
    await c.query('commit')
  } catch (err) {
    await c.query('rollback')
    throw err
  } finally {
    c.release()
  }
}

interface Template { name: string; n: number; lastTimerId: string; acceptedSnapshot: string }

/** A template database with `n` clinic filings in `submitted`, each with one pending intake timer. */
async function buildTemplate(name: string, n: number, filedAt: (i: number) => string, graphile: boolean, dueAt?: string): Promise<Template> {
  const t0 = performance.now()
  dropDatabase(name)
  psql(`create database ${name}`)
  const h: DatabaseHandle = await openDatabase({ databaseUrl: urlOf(name), poolSize: 8 })
  try {
    await migrateToLatest(h.db)
    const k = Math.min(ENGINE_CASES, n)
    if (n % k !== 0) throw new Error(`the timer count ${n} must be a multiple of BENCH_TIMERS_ENGINE_CASES (${k})`)
    const policies = createPolicyStore()
    await inParallel(8, k, (i) => new Engine({ db: h.db, clock: fixedClock(filedAt(i)), policies }).create(newCaseInput, applicant))
    // The state the engine writes when the intake limit passes: the raw-SQL loop writes this snapshot.
    const sample = await h.db.selectFrom('cases').select('id').limit(1).executeTakeFirstOrThrow()
    let acceptedSnapshot = ''
    const rollback = new Error('rollback')
    await h.db.transaction().execute(async (trx) => {
      const engine = new Engine({ db: h.db, clock: fixedClock(MATRIX_NOW), policies })
      const applied = await engine.applyIn(trx, sample.id, { type: 'INTAKE_LIMIT_PASSED', payload: { clock: 'intakeLimit', dueOn: '2026-03-09' } }, SYSTEM_PRINCIPAL)
      acceptedSnapshot = JSON.stringify(applied.row.snapshot)
      throw rollback
    }).catch((err) => { if (err !== rollback) throw err })
    await copyCases(h.pool!, n / k)
    if (graphile) {
      await runMigrations({ connectionString: urlOf(name), logger: new (await import('graphile-worker')).Logger(() => () => {}) })
      // One job per timer, parked in 2100: a run moves run_at to its start instant.
      await h.pool!.query(`
        select graphile_worker.add_job('fire_timer',
          json_build_object('timerId', id::text, 'caseId', case_id, 'clock', clock_name, 'event', event_type, 'dueAt', due_at),
          run_at := '2100-01-01T00:00:00Z', max_attempts := 1)
        from timers where status = 'pending' order by due_at, id`)
    }
    const { rows: [r] } = await h.pool!.query<{ n: number; last: string }>(`select count(*)::int as n, max(id)::text as last from timers where status = 'pending'`)
    if (r!.n !== n) throw new Error(`template ${name}: expected ${n} pending timers, found ${r!.n}`)
    if (dueAt) {
      const { rows: [d] } = await h.pool!.query<{ other: number }>(`select count(*)::int as other from timers where due_at <> $1::timestamptz`, [dueAt])
      if (d!.other !== 0) throw new Error(`template ${name}: ${d!.other} timers are not due at ${dueAt}`)
    }
    await h.pool!.query('vacuum analyze')
    log(`template ${name}: ${n} due timers (${k} cases through the engine, copied ${n / k}x) in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    return { name, n, lastTimerId: r!.last, acceptedSnapshot }
  } finally {
    await h.close()
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One run: copy the template, start the worker processes, wait until every timer is settled, stop them.

interface Child { process: ChildProcess; messages: { type: string; [k: string]: unknown }[] }

function waitFor(child: Child, type: string): Promise<{ type: string; [k: string]: unknown }> {
  const seen = child.messages.find((m) => m.type === type)
  if (seen) return Promise.resolve(seen)
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string }) => { if (m?.type === type) { cleanup(); resolve(m) } }
    const onExit = (code: number | null) => { cleanup(); reject(new Error(`worker process exited (${code}) before '${type}'`)) }
    const cleanup = () => { child.process.off('message', onMessage); child.process.off('exit', onExit) }
    child.process.on('message', onMessage)
    child.process.once('exit', onExit)
  })
}

interface RunOptions {
  label: string
  template: Template
  variant: Variant
  workers: number
  batch?: number
  pollMs: number
  simBase: string
  dueAt?: string
  extraEnv?: Record<string, string>
  /** SQL run on the copy before the workers start (the deadlock check adds timers). */
  prepare?: string
  /** Whether every timer must fire (default); the deadlock check's second timers are discarded or cancelled. */
  expectAllFired?: boolean
}

interface RunResult {
  label: string
  variant: Variant
  workers: number
  batch: number
  n: number
  seconds: number
  perSecond: number
  p50: number
  p99: number
  nodeCpuMsPerTimer: number
  pgCpuMsPerTimer: number
  fired: number
  discarded: number
  cancelled: number
  deadlocks: number
  loadBefore: string
  loadAfter: string
}

async function run(o: RunOptions): Promise<RunResult> {
  dropDatabase(RUN_DB)
  psql(`create database ${RUN_DB} template ${o.template.name}`)
  const admin = new pg.Client({ connectionString: urlOf(RUN_DB) })
  await admin.connect()
  try {
    if (o.prepare) await admin.query(o.prepare)
    const { rows: [target] } = await admin.query<{ n: number; last: string }>(`select count(*)::int as n, max(id)::text as last from timers where status = 'pending'`)
    const batch = o.batch ?? BATCH_SIZE_POSTGRES
    const children: Child[] = Array.from({ length: o.workers }, () => {
      const child = spawn(process.execPath, ['--no-warnings=ExperimentalWarning', CHILD], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: {
          ...process.env, BENCH_URL: urlOf(RUN_DB), BENCH_VARIANT: o.variant, BENCH_BATCH: String(batch), BENCH_POLL_MS: String(o.pollMs),
          BENCH_SIM_BASE: o.simBase, BENCH_SNAPSHOT: o.template.acceptedSnapshot, ...(o.dueAt ? { BENCH_DUE_AT: o.dueAt } : {}), ...o.extraEnv,
        },
      })
      const c: Child = { process: child, messages: [] }
      child.on('message', (m) => c.messages.push(m as Child['messages'][number]))
      return c
    })
    try {
      await Promise.all(children.map((c) => waitFor(c, 'ready')))
      const pids = await benchPgPids(admin)
      const { rows: [dl0] } = await admin.query<{ d: string }>(`select deadlocks::text as d from pg_stat_database where datname = current_database()`)
      const loadBefore = os.loadavg().slice(0, 1)[0]!.toFixed(2)
      const pgBefore = sumCpuSeconds(pids)
      const wallBase = Date.now() + 300
      if (o.variant === 'graphile') {
        const offset = o.dueAt ? new Date(o.dueAt).getTime() - new Date(o.simBase).getTime() : 0
        await admin.query(`update graphile_worker._private_jobs set run_at = to_timestamp($1::float8 / 1000)`, [wallBase + offset])
      }
      for (const c of children) c.process.send({ type: 'go', wallBase })
      const deadline = Date.now() + 900_000
      for (;;) {
        const { rows: [p] } = await admin.query<{ n: number }>(`select count(*)::int as n from timers where id <= $1::bigint and status = 'pending'`, [target!.last])
        if (p!.n === 0) break
        if (Date.now() > deadline) throw new Error(`${o.label}: ${p!.n} timers still pending after 15 minutes`)
        await new Promise((r) => setTimeout(r, 100))
      }
      const pgAfter = sumCpuSeconds(pids)
      const loadAfter = os.loadavg()[0]!.toFixed(2)
      for (const c of children) c.process.kill('SIGTERM')
      const stopped = await Promise.all(children.map((c) => waitFor(c, 'stopped')))
      await Promise.all(children.map((c) => (c.process.exitCode === null ? once(c.process, 'exit') : undefined)))
      const { rows: [dl1] } = await admin.query<{ d: string }>(`select deadlocks::text as d from pg_stat_database where datname = current_database()`)
      const { rows: [check] } = await admin.query<{ events: number; timers: number; fired: number; discarded: number; cancelled: number }>(`
        select (select count(*)::int from case_events where timer_id is not null) as events,
               (select count(distinct timer_id)::int from case_events where timer_id is not null) as timers,
               (select count(*)::int from timers where id <= $1::bigint and status = 'fired') as fired,
               (select count(*)::int from timers where id <= $1::bigint and status = 'discarded') as discarded,
               (select count(*)::int from timers where id <= $1::bigint and status = 'cancelled') as cancelled`, [target!.last])
      // Exactly once: one history row per fired timer and none for the others; every timer settled one way.
      if (check!.events !== check!.timers || check!.fired !== check!.events || check!.fired + check!.discarded + check!.cancelled !== target!.n) {
        throw new Error(`${o.label}: exactly-once check failed: ${JSON.stringify(check)} for ${target!.n} timers`)
      }
      if (o.expectAllFired !== false && check!.fired !== target!.n) throw new Error(`${o.label}: only ${check!.fired} of ${target!.n} fired`)
      const lags = Float64Array.from(stopped.flatMap((m) => m.lags as number[])).sort()
      const nodeCpu = stopped.reduce((s, m) => s + (m.cpuSeconds as number), 0)
      const settled = check!.fired + check!.discarded + check!.cancelled
      const seconds = lags.length ? lags[lags.length - 1]! / 1000 : Number.NaN
      const result: RunResult = {
        label: o.label, variant: o.variant, workers: o.workers, batch, n: settled, seconds,
        perSecond: check!.fired / seconds, p50: percentile(lags, 50), p99: percentile(lags, 99),
        nodeCpuMsPerTimer: (nodeCpu * 1000) / settled, pgCpuMsPerTimer: (cpuDelta(pgBefore, pgAfter) * 1000) / settled,
        fired: check!.fired, discarded: check!.discarded, cancelled: check!.cancelled, deadlocks: Number(dl1!.d) - Number(dl0!.d), loadBefore, loadAfter,
      }
      log(`${o.label}: ${result.perSecond.toFixed(0)}/s, p50 ${(result.p50 / 1000).toFixed(2)} s, p99 ${(result.p99 / 1000).toFixed(2)} s, ` +
        `${result.fired} fired, ${result.discarded} discarded, ${result.deadlocks} deadlocks, load ${loadBefore}→${loadAfter}`)
      return result
    } finally {
      for (const c of children) if (c.process.exitCode === null) c.process.kill('SIGKILL')
    }
  } finally {
    await admin.end()
  }
}

// ---------------------------------------------------------------------------------------------------------------

const s = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : 'n/a')
const r0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a')
const r2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a')

async function main(): Promise<void> {
  const started = performance.now()
  const out: string[] = []
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  const v = (await admin.query<{ v: string }>('select version() as v')).rows[0]!.v
  const settings = (await admin.query<{ name: string; setting: string }>(
    `select name, setting from pg_settings where name in ('shared_buffers', 'synchronous_commit', 'fsync', 'deadlock_timeout', 'max_connections') order by name`)).rows
  await admin.end()
  out.push(`Run ${new Date().toISOString().slice(0, 16)}Z on ${cpuModel()}, ${os.availableParallelism()} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `${os.type()} ${os.release()}, Node ${process.version}, ${v.split(' on ')[0]} (${settings.map((x) => `${x.name}=${x.setting}`).join(', ')}), ` +
    `load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}. Worker processes, PostgreSQL and this script share the cores.`)
  out.push('')

  const results: RunResult[] = []
  try {
    if (SECTIONS.has('matrix')) {
      const days = ['02', '03', '04', '05', '06']
      const tpl = await buildTemplate(TEMPLATES.matrix, N, (i) => `2026-03-${days[i % days.length]}T${String(9 + (i % 8)).padStart(2, '0')}:00:00+08:00`, VARIANTS.includes('graphile'))
      const matrix: RunResult[] = []
      for (const workers of WORKERS) {
        for (const variant of VARIANTS) {
          matrix.push(await run({ label: `${variant} x${workers}`, template: tpl, variant, workers, pollMs: 50, simBase: MATRIX_NOW }))
        }
      }
      results.push(...matrix)
      out.push(`### Draining a backlog of ${N.toLocaleString('en')} due timers`)
      out.push('')
      out.push(`Every timer is already due when the worker processes start (a worker that was down, or a clock that jumped). ` +
        `Lag: from that start to the COMMIT that fired the timer. Batch ${BATCH_SIZE_POSTGRES} for the engine worker and the raw loop; ` +
        `graphile-worker with concurrency 1 per process, localQueue.size ${BATCH_SIZE_POSTGRES}, completeJobBatchDelay 0. ` +
        `CPU: of the worker processes and of the PostgreSQL backends, per timer.`)
      out.push('')
      out.push('| processes | variant | timers/s | lag p50 (s) | lag p99 (s) | drain (s) | worker CPU ms/timer | PG CPU ms/timer | engine ÷ variant | load 1-min before→after |')
      out.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
      for (const m of matrix) {
        const engine = matrix.find((x) => x.variant === 'engine' && x.workers === m.workers)
        out.push(`| ${m.workers} | ${m.variant} | ${r0(m.perSecond)} | ${s(m.p50)} | ${s(m.p99)} | ${r2(m.seconds)} | ${r2(m.nodeCpuMsPerTimer)} | ${r2(m.pgCpuMsPerTimer)} | ` +
          `${engine ? `${r2(engine.perSecond / m.perSecond)}x` : 'n/a'} | ${m.loadBefore}→${m.loadAfter} |`)
      }
      out.push('')
    }

    if (SECTIONS.has('burst')) {
      const tpl = await buildTemplate(TEMPLATES.burst, BURST_N, (i) => `${BURST_FILED_ON}T${String(9 + (i % 8)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00+08:00`, false, BURST_DUE_AT)
      const workers = Math.max(...WORKERS)
      const simBase = new Date(new Date(BURST_DUE_AT).getTime() - 2000).toISOString()
      const burst = await run({ label: `burst engine x${workers}`, template: tpl, variant: 'engine', workers, pollMs: 1000, simBase, dueAt: BURST_DUE_AT })
      results.push(burst)
      out.push(`### The burst after National Day 2026: ${BURST_N.toLocaleString('en')} timers due at one instant`)
      out.push('')
      out.push(`${BURST_N.toLocaleString('en')} clinic filings of Wednesday ${BURST_FILED_ON}: their 5 working days for intake are 24, 28, 29, 30 September ` +
        `and 8 October (25–27 September is Mid-Autumn, 1–7 October National Day), so every intake timer falls due at the end of 2026-10-08, ` +
        `the first working day after the holiday (${BURST_DUE_AT}). ` +
        `${workers} engine worker processes with the production poll interval (1 s) start 2 s earlier on a clock that runs with the wall clock. ` +
        `Lag: from the due instant to the COMMIT that fired the timer (includes up to one poll interval).`)
      out.push('')
      out.push('| processes | timers | timers/s | lag p50 (s) | lag p99 (s) | last fired after (s) | worker CPU ms/timer | PG CPU ms/timer |')
      out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
      out.push(`| ${workers} | ${burst.fired} | ${r0(burst.perSecond)} | ${s(burst.p50)} | ${s(burst.p99)} | ${r2(burst.seconds)} | ${r2(burst.nodeCpuMsPerTimer)} | ${r2(burst.pgCpuMsPerTimer)} |`)
      out.push('')
    }

    let sweepTpl: Template | undefined
    if (SECTIONS.has('sweep') || SECTIONS.has('deadlock')) {
      sweepTpl = await buildTemplate(TEMPLATES.sweep, SWEEP_N, (i) => `2026-03-02T${String(9 + (i % 8)).padStart(2, '0')}:00:00+08:00`, false)
    }
    if (SECTIONS.has('sweep')) {
      const sweep: RunResult[] = []
      for (const batch of [1, 8, 32, 63]) {
        sweep.push(await run({ label: `sweep batch ${batch}`, template: sweepTpl!, variant: 'engine', workers: 1, batch, pollMs: 50, simBase: MATRIX_NOW }))
      }
      results.push(...sweep)
      out.push(`### Batch size (timers per transaction), one engine worker process, ${SWEEP_N.toLocaleString('en')} due timers`)
      out.push('')
      out.push('| batch | timers/s | drain (s) | worker CPU ms/timer | PG CPU ms/timer |')
      out.push('| ---: | ---: | ---: | ---: | ---: |')
      for (const x of sweep) out.push(`| ${x.batch} | ${r0(x.perSecond)} | ${r2(x.seconds)} | ${r2(x.nodeCpuMsPerTimer)} | ${r2(x.pgCpuMsPerTimer)} |`)
      out.push('')
    }
    if (SECTIONS.has('deadlock')) {
      // A second pending timer for every case (another clock name, so the one-pending-per-clock index allows it),
      // and every due instant shuffled, so that the two timers of a case land in different workers' batches.
      const prepare = `
        insert into timers (case_id, clock_name, event_type, due_at, status, armed_at, armed_seq)
          select case_id, 'intakeLimitShadow', event_type, due_at, 'pending', armed_at, armed_seq from timers where status = 'pending';
        update timers set due_at = timestamptz '2026-03-10 00:00:00+08' + random() * interval '1 hour' where status = 'pending';`
      const deadlock: RunResult[] = []
      for (const lockCases of [false, true]) {
        deadlock.push(await run({
          label: `deadlock check, ${lockCases ? 'case rows locked in the claim' : 'naive claim (timers only)'}`, template: sweepTpl!, variant: 'engine', workers: 2,
          pollMs: 50, simBase: MATRIX_NOW, prepare, extraEnv: { BENCH_LOCK_CASES: lockCases ? '1' : '0' }, expectAllFired: false,
        }))
      }
      results.push(...deadlock)
      out.push(`### Deadlock check: two engine worker processes, ${SWEEP_N.toLocaleString('en')} cases with two due timers each`)
      out.push('')
      out.push('Each case has its intake timer and a second one under another clock name; whichever fires first accepts the case, the other is then refused (discarded) or, for the intake timer, cancelled by the engine. Due instants shuffled.')
      out.push('')
      out.push('| claim | deadlocks (pg_stat_database) | timers settled/s | drain (s) | fired | discarded | cancelled by the engine |')
      out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
      for (const x of deadlock) out.push(`| ${x.label.replace('deadlock check, ', '')} | ${x.deadlocks} | ${r0(x.n / x.seconds)} | ${r2(x.seconds)} | ${x.fired} | ${x.discarded} | ${x.cancelled} |`)
      out.push('')
    }
  } finally {
    dropDatabase(RUN_DB)
    for (const name of Object.values(TEMPLATES)) dropDatabase(name)
  }
  out.push(`Whole run: ${((performance.now() - started) / 1000).toFixed(0)} s.`)
  const text = out.join('\n')
  console.log(text)
  if (env.BENCH_TIMERS_OUT) writeFileSync(env.BENCH_TIMERS_OUT, `${text}\n\n<!-- ${JSON.stringify(results)} -->\n`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
