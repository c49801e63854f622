/**
 * One worker PROCESS of bench/timers.ts, in one of three variants over the same database:
 *  - engine:   src/timers/worker.ts (claim + Engine.applyIn per timer, one transaction per batch);
 *  - raw:      a hand-written claim-and-apply loop: claim with SKIP LOCKED, select the case FOR UPDATE, versioned
 *              update of the case, insert the history row, mark the timer, one transaction per batch (pg, no Kysely);
 *  - graphile: graphile-worker 0.18, one job per timer, whose task applies the same event through the engine and marks
 *              the timer in one transaction.
 *
 * env: BENCH_URL, BENCH_VARIANT, BENCH_BATCH, BENCH_POLL_MS, BENCH_SIM_BASE (simulated "now" at BENCH wall base),
 * BENCH_DUE_AT (optional: the instant all timers fall due, for the burst), BENCH_SNAPSHOT (raw: the accepted snapshot).
 * IPC: → {type:'ready'}; ← {type:'go', wallBase}; on SIGTERM → {type:'stopped', lags, cpuSeconds} and exit 0.
 * A lag is the wall time from the instant the timer fell due (or the start, for a backlog) to its COMMIT, in ms.
 */
import pg from 'pg'
import { openDatabase } from '../../src/db/database.ts'
import { Engine } from '../../src/engine/engine.ts'
import type { Clock } from '../../src/engine/clock.ts'
import { createPolicyStore } from '../../src/policy/store.ts'
import { TimerWorker, dueOnOf } from '../../src/timers/worker.ts'
import { SYSTEM_PRINCIPAL } from '../../src/auth/principal.ts'

const url = process.env.BENCH_URL!
const variant = process.env.BENCH_VARIANT as 'engine' | 'raw' | 'graphile'
const batchSize = Number(process.env.BENCH_BATCH ?? 32)
const pollMs = Number(process.env.BENCH_POLL_MS ?? 1000)
const simBase = new Date(process.env.BENCH_SIM_BASE!).getTime()
const dueAt = process.env.BENCH_DUE_AT ? new Date(process.env.BENCH_DUE_AT).getTime() : undefined
const send = (m: object) => process.send?.(m)

let wallBase = Number.POSITIVE_INFINITY
/** Simulated time: BENCH_SIM_BASE at wallBase, then advancing with the wall clock. */
const clock: Clock = { now: () => new Date(simBase + (Date.now() - (Number.isFinite(wallBase) ? wallBase : Date.now()))) }
/** Wall instant from which a timer's lag counts. */
const lagFrom = () => wallBase + (dueAt === undefined ? 0 : Math.max(0, dueAt - simBase))
const lags: number[] = []
const committed = (n: number) => {
  const lag = Date.now() - lagFrom()
  for (let i = 0; i < n; i++) lags.push(lag)
}

let stop: () => Promise<void> = async () => {}
let start: () => void = () => {}

if (variant === 'engine') {
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 })
  const engine = new Engine({ db: database.db, clock, policies: createPolicyStore() })
  const worker = new TimerWorker({ db: database.db, engine, clock, batchSize, pollIntervalMs: pollMs, name: `bench-${process.pid}`,
    lockCases: process.env.BENCH_LOCK_CASES !== '0' })
  worker.on('batch', (r) => committed(r.fired.length))
  await database.db.selectFrom('timers').select('id').limit(1).execute()
  start = () => worker.start()
  stop = async () => { await worker.stop(); await database.close() }
} else if (variant === 'raw') {
  const snapshot = process.env.BENCH_SNAPSHOT!
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  await pool.query('select 1')
  let stopping = false
  let loop: Promise<void> | undefined
  const batch = async (): Promise<number> => {
    const c = await pool.connect()
    try {
      const now = clock.now()
      await c.query('begin')
      const { rows } = await c.query<{ id: string; case_id: string; clock_name: string; event_type: string; due_at: Date }>(
        `select id::text as id, case_id, clock_name, event_type, due_at from timers
          where status = 'pending' and due_at <= $1 order by due_at, id limit $2 for update skip locked`, [now, batchSize])
      for (const t of rows) {
        const { rows: [k] } = await c.query<{ version: number; state: string }>('select * from cases where id = $1 for update', [t.case_id])
        const seq = k!.version + 1
        const updated = await c.query(
          `update cases set snapshot = $2::jsonb, state = 'accepted', status = 'active', version = $3, updated_at = $4
            where id = $1 and version = $5`, [t.case_id, snapshot, seq, now, k!.version])
        if (updated.rowCount !== 1) throw new Error('version check failed')
        await c.query(
          `insert into case_events (case_id, seq, type, payload, actor_id, actor_role, at, state_before, state_after, status_code, timer_id)
           values ($1, $2, $3, $4::jsonb, 'system', 'system', $5, $6, 'accepted', 3, $7::bigint)`,
          [t.case_id, seq, t.event_type, JSON.stringify({ clock: t.clock_name, dueOn: dueOnOf(t.due_at) }), now, k!.state, t.id])
        await c.query(`update timers set status = 'fired', settled_at = $2, outcome = $3 where id = $1::bigint`, [t.id, now, `fired as event seq ${seq}`])
      }
      await c.query('commit')
      committed(rows.length)
      return rows.length
    } catch (err) {
      await c.query('rollback').catch(() => {})
      throw err
    } finally {
      c.release()
    }
  }
  start = () => {
    loop = (async () => {
      while (!stopping) {
        if ((await batch()) === 0 && !stopping) await new Promise((r) => setTimeout(r, pollMs))
      }
    })()
  }
  stop = async () => { stopping = true; await loop; await pool.end() }
} else {
  const { run, Logger } = await import('graphile-worker')
  const database = await openDatabase({ databaseUrl: url, poolSize: 2 })
  const engine = new Engine({ db: database.db, clock, policies: createPolicyStore() })
  await database.db.selectFrom('timers').select('id').limit(1).execute()
  // Started now, before 'go': its jobs are parked at run_at 2100 until the parent moves them to the start instant,
  // so its start-up (connections, LISTEN, migrations check) is outside the measurement, as the others' is.
  const runner = await run({
    connectionString: url,
    concurrency: 1,
    maxPoolSize: 3,
    noHandleSignals: true,
    pollInterval: pollMs,
    logger: new Logger(() => () => {}),
    // Its documented throughput settings: fetch and lock a batch of jobs at a time, complete them in batches.
    preset: { worker: { localQueue: { size: batchSize }, completeJobBatchDelay: 0 } },
    taskList: {
      fire_timer: async (payload) => {
        const p = payload as { timerId: string; caseId: string; clock: string; event: string; dueAt: string }
        await database.db.transaction().execute(async (trx) => {
          const applied = await engine.applyIn(trx, p.caseId, { type: p.event, payload: { clock: p.clock, dueOn: dueOnOf(new Date(p.dueAt)) } },
            SYSTEM_PRINCIPAL, undefined, { timerId: p.timerId })
          await trx.updateTable('timers').set({ status: 'fired', settled_at: clock.now(), outcome: `fired as event seq ${applied.row.version}` })
            .where('id', '=', p.timerId).execute()
        })
        committed(1)
      },
    },
  })
  start = () => {}
  stop = async () => {
    await runner.stop()
    await database.close()
  }
}

process.on('message', (m: { type?: string; wallBase?: number }) => {
  if (m?.type !== 'go') return
  wallBase = m.wallBase!
  setTimeout(start, Math.max(0, wallBase - Date.now()))
})
process.on('SIGTERM', () => {
  void (async () => {
    await stop()
    const u = process.cpuUsage()
    send({ type: 'stopped', lags, cpuSeconds: (u.user + u.system) / 1e6 })
    process.exit(0)
  })()
})
send({ type: 'ready' })
