/**
 * The timer worker: claims due timers and fires each as its expiry event through the engine, in the claim's own
 * transaction, so a timer's event, the case change, the outbox rows and the timer's `fired` mark commit together or
 * not at all. See docs/TIMERS.md for the failure modes.
 *
 * Exactly once rests on three things, each enough for its part:
 *  - the claim takes `status = 'pending'` rows with FOR UPDATE SKIP LOCKED, so two workers never hold one timer, and
 *    a worker that dies (even SIGKILL) leaves nothing behind: PostgreSQL rolls its transaction back and the timers
 *    are pending again for the next claim;
 *  - the event and the `fired` mark are in that same transaction: a committed event means a settled timer;
 *  - `case_events_timer_uq` (one history row per timer_id) refuses a second event even if all of the above failed.
 *
 * Batch shape (measured on PostgreSQL 15, 2 cores, see docs/BENCHMARKS.md ## Timers):
 *  - several timers per transaction: one commit (one WAL flush) serves the whole batch; BATCH_SIZE_POSTGRES below.
 *  - the claim also locks each timer's CASE row, case first (`FOR UPDATE OF c, t SKIP LOCKED`: PostgreSQL takes the
 *    row locks in that order, checked), and a batch fires at most one timer per case (a second one is left pending
 *    for the next batch). So a timer row is only ever locked by whoever holds its case (this claim, or the engine
 *    under its case lock), a worker never waits for a lock once it has claimed, and two workers cannot deadlock.
 *    (With `OF t, c` a worker that skips a locked case keeps the timer row it locked first, and the case holder's
 *    re-arm then waits on it: a cycle is possible.) With the naive claim (lock only the timer, let the engine lock
 *    the case when it applies), two workers over cases with two due timers each deadlocked: see
 *    DEADLOCK_MEASUREMENT.
 *  - one SAVEPOINT per timer, so a refusal (the case moved on) rolls back only that timer's attempt and the discard
 *    is recorded in the same commit. A savepoint that writes takes a subtransaction id, and PostgreSQL keeps 64 of
 *    them per backend before other sessions' snapshots slow down (subxid overflow): the batch stays below 64.
 */
import { EventEmitter } from 'node:events'
import { PollingLoop } from '../polling/loop.ts'
import { sql, type ControlledTransaction, type Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { Engine } from '../engine/engine.ts'
import type { Clock } from '../engine/clock.ts'
import { DomainError } from '../engine/errors.ts'
import { SYSTEM_PRINCIPAL } from '../auth/principal.ts'
import { shanghaiDate } from '../calendar/shanghai.ts'

/**
 * Timers per transaction on PostgreSQL. One worker process draining 2,000 due timers (bench/timers.ts, two runs on
 * 2026-11-23, 2 cores, PostgreSQL 15): batch 1: 101–110 timers/s, 8: 128–139/s, 32: 135–139/s, 63: 130–147/s.
 * One commit per timer costs a WAL flush each; past ~30 the gain is within the noise, and a batch only holds its
 * case locks longer (~240 ms at 32) and comes nearer the 64-subtransaction limit.
 */
export const BATCH_SIZE_POSTGRES = 32
/**
 * On PGlite the one connection is shared with the HTTP server, and a batch holds it for its whole transaction:
 * measured in memory (2026-11-23), batch 8 fires 8.6 ms/timer and holds the connection ~70 ms; batch 32 fires
 * 8.3 ms/timer but makes a request wait up to ~270 ms.
 */
export const BATCH_SIZE_PGLITE = 8
/** PostgreSQL's per-backend cache of subtransaction ids (PGPROC_MAX_CACHED_SUBXIDS); one savepoint per timer. */
export const MAX_BATCH_SIZE = 63

/**
 * Why the claim locks the case rows. Two worker processes, 2,000 cases with two due timers each (due instants
 * shuffled), batch 32, PostgreSQL 15 (bench/timers.ts "deadlock check", two runs on 2026-11-23): the naive claim
 * (timers only, the engine locks the case when it applies) met 10 and 6 deadlocks (pg_stat_database), each costing
 * deadlock_timeout (1 s) and a rolled-back batch, and settled 221 and 275 timers/s; the claim that also locks the
 * case rows met 0 and 0, and settled 502 and 515/s. docs/BENCHMARKS.md ## Timers has the tables.
 */
export const DEADLOCK_MEASUREMENT = { naive: { deadlocks: [10, 6], settledPerSecond: [221, 275] }, caseLocking: { deadlocks: [0, 0], settledPerSecond: [502, 515] } }

export interface TimerWorkerLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export interface TimerWorkerOptions {
  db: Kysely<Database>
  engine: Engine
  /** "Now" for the claim (`due_at <= now`) and for `settled_at`; the engine has its own (normally the same one). */
  clock: Clock
  /** Timers claimed per transaction (1..63). Default: BATCH_SIZE_POSTGRES, or BATCH_SIZE_PGLITE when `pglite`. */
  batchSize?: number
  /** Pause after a poll that found nothing due. Default 1000 ms. */
  pollIntervalMs?: number
  /** A timer whose firing failed unexpectedly (not a refusal) is left pending and retried after this. Default 60 s. */
  retryAfterMs?: number
  /** Choose the PGlite default batch size. */
  pglite?: boolean
  /** Name in logs and reports. */
  name?: string
  /**
   * Lock each claimed timer's case row in the claim (default true). `false` is the naive claim, kept only so that
   * bench/timers.ts can measure the deadlocks the default prevents.
   */
  lockCases?: boolean
  logger?: TimerWorkerLogger
  /**
   * Test seam: awaited after the batch's work and before its COMMIT. A test can stop or kill the worker here to see
   * what a crash mid-batch leaves (nothing).
   */
  beforeCommit?: (report: BatchReport) => Promise<void>
}

export interface FiredTimer { timerId: string; caseId: string; event: string; seq: number }
export interface SettledTimer { timerId: string; caseId: string; event: string; reason: string }

export interface BatchReport {
  worker: string
  /** The "now" of the batch. */
  at: Date
  /** Rows the claim locked. */
  claimed: number
  fired: FiredTimer[]
  /** Refused by the engine (the case moved on): settled as `discarded` with the refusal as outcome. */
  discarded: SettledTimer[]
  /** Failed unexpectedly: left pending, retried after retryAfterMs. */
  failed: SettledTimer[]
  /** A second timer of a case already in this batch: left pending for the next batch. */
  deferred: number
}

export interface TimerWorkerEvents {
  /** After each batch that claimed something, once it committed. */
  batch: [BatchReport]
  /** A poll found nothing due (the worker then waits pollIntervalMs). */
  idle: []
  /** A batch failed as a whole (connection lost, ...) and was rolled back; the loop goes on after pollIntervalMs. */
  failure: [unknown]
  /** The loop ended after stop(). */
  stopped: []
}

interface ClaimedTimer {
  id: string
  case_id: string
  clock_name: string
  event_type: string
  due_at: Date
}

interface Settlement { id: string; status: 'fired' | 'discarded' | 'pending'; outcome: string }

/** The last day of the period whose end is `dueAt` (the end of a Shanghai day: the next day 00:00 +08:00). */
export function dueOnOf(dueAt: Date): string {
  return shanghaiDate(new Date(dueAt.getTime() - 1))
}

function refusal(err: DomainError): string {
  return `refused by the engine: ${err.code}: ${err.message}`
}

/** A second history row for one timer: the unique index caught a timer that had already fired. */
function isTimerAlreadyFired(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown }
  return e?.code === '23505' && (e.constraint === 'case_events_timer_uq' || String(e.message ?? '').includes('case_events_timer_uq'))
}

export class TimerWorker extends EventEmitter<TimerWorkerEvents> {
  readonly name: string
  readonly #db: Kysely<Database>
  readonly #engine: Engine
  readonly #clock: Clock
  readonly #batchSize: number
  readonly #retryAfterMs: number
  readonly #logger: TimerWorkerLogger | undefined
  readonly #beforeCommit: TimerWorkerOptions['beforeCommit']
  readonly #lockCases: boolean
  /** Timers that failed unexpectedly, by id: not claimed again before the wall-clock instant (ms). */
  readonly #retryAfter = new Map<string, number>()
  readonly #polling: PollingLoop

  constructor(options: TimerWorkerOptions) {
    super()
    const batchSize = options.batchSize ?? (options.pglite ? BATCH_SIZE_PGLITE : BATCH_SIZE_POSTGRES)
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new RangeError(`batchSize must be a whole number from 1 to ${MAX_BATCH_SIZE}, got ${batchSize}`)
    }
    this.name = options.name ?? `timers-${process.pid}`
    this.#db = options.db
    this.#engine = options.engine
    this.#clock = options.clock
    this.#batchSize = batchSize
    this.#polling = new PollingLoop({
      pass: async () => (await this.runOnce()).claimed,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      onFailure: (err) => {
        this.#logger?.error({ err, worker: this.name }, 'timer batch failed and was rolled back')
        this.emit('failure', err)
      },
      onIdle: () => this.emit('idle'),
      onStopped: () => this.emit('stopped'),
    })
    this.#retryAfterMs = options.retryAfterMs ?? 60_000
    this.#logger = options.logger
    this.#beforeCommit = options.beforeCommit
    this.#lockCases = options.lockCases ?? true
  }

  get running(): boolean {
    return this.#polling.running
  }

  /** Starts the polling loop: drains while there is work, then polls every pollIntervalMs. */
  start(): void {
    this.#polling.start()
  }

  /** Finishes the batch in hand (it commits), then resolves. Safe to call when not running. */
  async stop(): Promise<void> {
    await this.#polling.stop()
  }

  /** Runs batches until one claims nothing. Returns the number of timers settled (fired + discarded). */
  async drain(): Promise<number> {
    let settled = 0
    for (;;) {
      const report = await this.runOnce()
      settled += report.fired.length + report.discarded.length
      if (report.claimed === 0) return settled
    }
  }

  #excluded(): string[] {
    const wall = Date.now()
    for (const [id, until] of this.#retryAfter) if (until <= wall) this.#retryAfter.delete(id)
    return [...this.#retryAfter.keys()]
  }

  /** One batch: claim, fire or discard each timer, settle them, commit. Emits `batch` when it claimed something. */
  async runOnce(): Promise<BatchReport> {
    const at = this.#clock.now()
    const report: BatchReport = { worker: this.name, at, claimed: 0, fired: [], discarded: [], failed: [], deferred: 0 }
    const excluded = this.#excluded()
    const trx = await this.#db.startTransaction().execute()
    try {
      const { rows } = await sql<ClaimedTimer>`
        select t.id::text as id, t.case_id, t.clock_name, t.event_type, t.due_at
        from cases c join timers t on t.case_id = c.id
        where t.status = 'pending' and t.due_at <= ${at}
          ${excluded.length > 0 ? sql`and not (t.id = any(${excluded}::bigint[]))` : sql``}
        order by t.due_at, t.id
        limit ${this.#batchSize}
        ${this.#lockCases ? sql`for update of c, t skip locked` : sql`for update of t skip locked`}
      `.execute(trx)
      report.claimed = rows.length
      if (rows.length === 0) {
        await trx.commit().execute()
        return report
      }
      const settlements: Settlement[] = []
      const cases = new Set<string>()
      for (const [index, timer] of rows.entries()) {
        if (cases.has(timer.case_id)) {
          report.deferred++
          continue
        }
        cases.add(timer.case_id)
        settlements.push(await this.#fire(trx, timer, index, report))
      }
      await sql`
        update timers t set status = x.status, outcome = x.outcome,
               settled_at = case when x.status = 'pending' then null else ${at}::timestamptz end
        from jsonb_to_recordset(${JSON.stringify(settlements)}::jsonb) as x(id bigint, status text, outcome text)
        where t.id = x.id
      `.execute(trx)
      await this.#beforeCommit?.(report)
      await trx.commit().execute()
    } catch (err) {
      await trx.rollback().execute().catch(() => {})
      throw err
    }
    for (const f of report.failed) this.#retryAfter.set(f.timerId, Date.now() + this.#retryAfterMs)
    if (report.discarded.length > 0 || report.failed.length > 0) {
      this.#logger?.warn({ worker: this.name, discarded: report.discarded, failed: report.failed }, 'timers not fired')
    }
    this.emit('batch', report)
    return report
  }

  async #fire(trx: ControlledTransaction<Database>, timer: ClaimedTimer, index: number, report: BatchReport): Promise<Settlement> {
    const base = { timerId: timer.id, caseId: timer.case_id, event: timer.event_type }
    const event = { type: timer.event_type, payload: { clock: timer.clock_name, dueOn: dueOnOf(timer.due_at) } }
    // One savepoint per timer, never released: a RELEASE would cost a round trip and free nothing (a subtransaction
    // that wrote keeps its id until COMMIT either way). Each nests in the previous one; a rollback to it undoes
    // only this timer's attempt.
    const name = `timer_${index}`
    const sp = await (trx as ControlledTransaction<Database, string[]>).savepoint(name as never).execute()
    try {
      const applied = await this.#engine.applyIn(sp, timer.case_id, event, SYSTEM_PRINCIPAL, undefined, { timerId: timer.id })
      report.fired.push({ ...base, seq: applied.row.version })
      return { id: timer.id, status: 'fired', outcome: `fired as event seq ${applied.row.version}` }
    } catch (err) {
      // If this fails too the connection is gone: the batch rolls back as a whole and nothing of it stays.
      await (sp as ControlledTransaction<Database, string[]>).rollbackToSavepoint(name as never).execute()
      if (err instanceof DomainError) {
        const reason = refusal(err)
        report.discarded.push({ ...base, reason })
        return { id: timer.id, status: 'discarded', outcome: reason }
      }
      if (isTimerAlreadyFired(err)) {
        const reason = 'not fired again: the history already has an event for this timer (case_events_timer_uq)'
        report.discarded.push({ ...base, reason })
        return { id: timer.id, status: 'discarded', outcome: reason }
      }
      const reason = `attempt at ${report.at.toISOString()} failed, left pending: ${(err as Error)?.message ?? String(err)}`
      report.failed.push({ ...base, reason })
      this.#logger?.error({ err, worker: this.name, timerId: timer.id, caseId: timer.case_id }, 'timer failed; left pending')
      return { id: timer.id, status: 'pending', outcome: reason }
    }
  }
}
