/**
 * The webhook dispatcher: delivers each outbox row to the webhook endpoint of its case's department, signed
 * (src/outbox/signature.ts), retried with exponential backoff and jitter, dead-lettered after maxAttempts, and marked
 * unroutable when no endpoint covers it. docs/WEBHOOKS.md describes it for the departments' IT teams.
 *
 * A pass is two statements and no transaction, so no lock and no transaction is held while a request is on the wire
 * (on PGlite the one connection is shared with the HTTP API; a 10 s timeout must not stall it):
 *  1. the claim: one data-modifying statement takes due rows with FOR UPDATE SKIP LOCKED (two dispatchers never take
 *     the same row), looks up each row's endpoint, counts the attempt and leases the row (next_attempt_at = now +
 *     lease) so no other dispatcher takes it while the request is in flight; rows without an endpoint are marked
 *     unroutable in the same statement;
 *  2. the requests, in parallel, each with AbortSignal.timeout;
 *  3. the settlement: one statement records every attempt in outbox_deliveries and updates the rows: delivered, or
 *     the next attempt after the backoff, or dead-lettered. A failure is recorded only if the row is still at the
 *     attempt this pass claimed (a pass that outlived its lease cannot overwrite a newer attempt's result).
 * A dispatcher killed between 1 and 3 leaves leased rows: they are due again when the lease ends, and are sent again.
 *
 * Delivery is therefore at least once on the wire: a request that reached the receiver but whose answer was lost
 * (timeout, killed dispatcher) is sent again with the same `webhook-id`. Receivers store by webhook-id and ignore a
 * second copy: that makes it exactly once in the receiver's store.
 */
import { EventEmitter } from 'node:events'
import { PollingLoop } from '../polling/loop.ts'
import { performance } from 'node:perf_hooks'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { Clock } from '../engine/clock.ts'
import { webhookHeaders } from './signature.ts'
import { DISPATCHER_DEFAULTS } from './config.ts'

export interface DispatcherLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export interface DispatcherOptions {
  db: Kysely<Database>
  clock: Clock
  name?: string
  timeoutMs?: number
  maxAttempts?: number
  backoffBaseMs?: number
  backoffCapMs?: number
  batchSize?: number
  pollIntervalMs?: number
  /** [0, 1); the jitter's source. Default Math.random. */
  random?: () => number
  logger?: DispatcherLogger
  /** The HTTP client; default the global fetch. */
  fetch?: typeof fetch
  /**
   * The signal that ends a request that takes too long; default AbortSignal.timeout(timeoutMs). Tests inject one
   * they abort (with a TimeoutError) when they choose, as they inject the clock.
   */
  requestSignal?: (timeoutMs: number) => AbortSignal
}

/** The JSON body of every webhook request (docs/WEBHOOKS.md ## Payload). */
export interface WebhookMessage {
  /** Stable per outbox message, the same on every attempt; also the webhook-id header. */
  id: string
  topic: string
  caseId: string
  /** The history event of the case this message reports. */
  seq: number
  eventType: string
  occurredAt: string
  case: {
    procedure: string
    department: string
    jurisdiction: string
    parentId: string | null
    /** The case's state after that history event. */
    state: string
    /** The national 办件 status code of that history event, if it reports one. */
    statusCode: number | null
  }
}

export type AttemptOutcome = 'delivered' | 'rejected' | 'timeout' | 'error'

export interface AttemptReport {
  outboxId: string
  eventId: string
  attempt: number
  url: string
  outcome: AttemptOutcome
  status: number | null
  error: string | null
  /** Set when the message was dead-lettered by this attempt. */
  deadLettered: boolean
  /** When the next attempt is due (a failure that is not the last). */
  nextAttemptAt: Date | null
}

export interface PassReport {
  dispatcher: string
  at: Date
  /** Rows the claim took (sent + unroutable). */
  claimed: number
  attempts: AttemptReport[]
  unroutable: { outboxId: string; department: string; jurisdiction: string }[]
}

export interface DispatcherEvents {
  pass: [PassReport]
  idle: []
  failure: [unknown]
  stopped: []
}

interface ClaimedRow {
  id: string
  case_id: string
  seq: number
  topic: string
  attempts: number
  endpoint_id: string | null
  url: string | null
  secret: string | null
  procedure: string
  department: string
  jurisdiction: string
  parent_id: string | null
  event_type: string
  state_after: string
  status_code: number | null
  occurred_at: Date
}

/** The stable event id of an outbox row, sent as `id` and `webhook-id`. */
export const eventIdOf = (outboxId: string | number): string => `outbox-${outboxId}`

/**
 * The delay before attempt `attempt + 1` after attempt `attempt` failed: base·2^(attempt−1), at most cap, then
 * "equal jitter" (half fixed, half random) so receivers recovering from an outage are not hit by every sender at once.
 */
export function backoffDelayMs(attempt: number, base: number, cap: number, random: () => number = Math.random): number {
  const exp = Math.min(cap, base * 2 ** Math.min(attempt - 1, 40))
  return Math.round(exp / 2 + (exp / 2) * random())
}

/**
 * A receiver's Retry-After (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) as milliseconds from `now`; null when
 * absent or unreadable. Honoured on 429 and 503 only, the answers that mean "later", and never beyond `cap`, so a
 * receiver cannot park a message past the dispatcher's own longest backoff.
 */
export function retryAfterMs(status: number, header: string | null, now: Date, cap: number): number | null {
  if ((status !== 429 && status !== 503) || !header) return null
  const value = header.trim()
  let ms: number
  if (/^\d+$/.test(value)) ms = Number(value) * 1000
  else {
    const at = Date.parse(value)
    if (Number.isNaN(at)) return null
    ms = at - now.getTime()
  }
  return Math.min(cap, Math.max(0, ms))
}

/**
 * The endpoint of a case: its department's, the most specific active one whose division contains the case's
 * (county XXXXXX, then city XXXX00, then province XX0000, then national 000000; cf. inJurisdiction).
 */
const endpointLookup = (c: string) => sql`
  left join lateral (
    select w.id, w.url, w.secret from webhook_endpoints w
    where w.department = ${sql.ref(`${c}.department`)} and w.active
      and w.jurisdiction in (${sql.ref(`${c}.jurisdiction`)}, substr(${sql.ref(`${c}.jurisdiction`)}, 1, 4) || '00',
                             substr(${sql.ref(`${c}.jurisdiction`)}, 1, 2) || '0000', '000000')
    order by case w.jurisdiction when ${sql.ref(`${c}.jurisdiction`)} then 0
                                 when substr(${sql.ref(`${c}.jurisdiction`)}, 1, 4) || '00' then 1
                                 when substr(${sql.ref(`${c}.jurisdiction`)}, 1, 2) || '0000' then 2 else 3 end
    limit 1
  ) w on true`

export class WebhookDispatcher extends EventEmitter<DispatcherEvents> {
  readonly name: string
  readonly #db: Kysely<Database>
  readonly #clock: Clock
  readonly #timeoutMs: number
  readonly #maxAttempts: number
  readonly #base: number
  readonly #cap: number
  readonly #batchSize: number
  readonly #random: () => number
  readonly #logger: DispatcherLogger | undefined
  readonly #fetch: typeof fetch
  readonly #requestSignal: (timeoutMs: number) => AbortSignal
  readonly #polling: PollingLoop

  constructor(options: DispatcherOptions) {
    super()
    const d = DISPATCHER_DEFAULTS
    this.name = options.name ?? `webhooks-${process.pid}`
    this.#db = options.db
    this.#clock = options.clock
    this.#timeoutMs = options.timeoutMs ?? d.timeoutMs
    this.#maxAttempts = options.maxAttempts ?? d.maxAttempts
    this.#base = options.backoffBaseMs ?? d.backoffBaseMs
    this.#cap = options.backoffCapMs ?? d.backoffCapMs
    this.#batchSize = options.batchSize ?? d.batchSize
    this.#polling = new PollingLoop({
      pass: async () => (await this.runOnce()).claimed,
      pollIntervalMs: options.pollIntervalMs ?? d.pollIntervalMs,
      onFailure: (err) => {
        this.#logger?.error({ err, dispatcher: this.name }, 'webhook pass failed')
        this.emit('failure', err)
      },
      onIdle: () => this.emit('idle'),
      onStopped: () => this.emit('stopped'),
    })
    this.#random = options.random ?? Math.random
    this.#logger = options.logger
    this.#fetch = options.fetch ?? globalThis.fetch
    this.#requestSignal = options.requestSignal ?? ((ms) => AbortSignal.timeout(ms))
    if (!Number.isInteger(this.#maxAttempts) || this.#maxAttempts < 1) throw new RangeError(`maxAttempts must be a whole number ≥ 1, got ${this.#maxAttempts}`)
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1) throw new RangeError(`batchSize must be a whole number ≥ 1, got ${this.#batchSize}`)
  }

  /**
   * How long a claimed row stays out of other dispatchers' reach: the request timeout twice over plus a minute for
   * the settlement. Only a dispatcher that dies (or stalls that long) lets a lease run out: then the row is sent again.
   */
  get leaseMs(): number {
    return this.#timeoutMs * 2 + 60_000
  }

  get running(): boolean {
    return this.#polling.running
  }

  start(): void {
    this.#polling.start()
  }

  /** Finishes the pass in hand (its requests end within the timeout and are settled), then resolves. */
  async stop(): Promise<void> {
    await this.#polling.stop()
  }

  /** Passes until one claims nothing due now. Returns the attempts made. */
  async drain(): Promise<AttemptReport[]> {
    const all: AttemptReport[] = []
    for (;;) {
      const report = await this.runOnce()
      all.push(...report.attempts)
      if (report.claimed === 0) return all
    }
  }

  /** One pass: claim, send in parallel, settle. */
  async runOnce(): Promise<PassReport> {
    const at = this.#clock.now()
    const report: PassReport = { dispatcher: this.name, at, claimed: 0, attempts: [], unroutable: [] }
    const leaseUntil = new Date(at.getTime() + this.leaseMs)
    const { rows } = await sql<ClaimedRow>`
      with due as (
        select o.id from outbox o
        where o.delivered_at is null and o.dead_lettered_at is null and o.unroutable_at is null
          and coalesce(o.next_attempt_at, o.created_at) <= ${at}
        order by coalesce(o.next_attempt_at, o.created_at), o.id
        limit ${this.#batchSize}
        for update skip locked
      ), target as (
        select o.id, w.id as endpoint_id, w.url, w.secret, c.department, c.jurisdiction
        from due join outbox o on o.id = due.id join cases c on c.id = o.case_id
        ${endpointLookup('c')}
      ), claimed as (
        update outbox o set
          attempts = o.attempts + case when t.endpoint_id is null then 0 else 1 end,
          next_attempt_at = case when t.endpoint_id is null then o.next_attempt_at else ${leaseUntil}::timestamptz end,
          last_attempt_at = case when t.endpoint_id is null then o.last_attempt_at else ${at}::timestamptz end,
          unroutable_at = case when t.endpoint_id is null then ${at}::timestamptz end,
          last_error = case when t.endpoint_id is null
            then 'no active webhook endpoint of ' || t.department || ' covers ' || t.jurisdiction else o.last_error end,
          endpoint_id = coalesce(t.endpoint_id, o.endpoint_id)
        from target t where o.id = t.id
        returning o.id, o.case_id, o.seq, o.topic, o.attempts
      )
      select cl.id::text as id, cl.case_id, cl.seq, cl.topic, cl.attempts, t.endpoint_id::text as endpoint_id, t.url, t.secret,
             c.procedure, c.department, c.jurisdiction, c.parent_id, e.type as event_type, e.state_after, e.status_code, e.at as occurred_at
      from claimed cl join target t on t.id = cl.id join cases c on c.id = cl.case_id
      join case_events e on e.case_id = cl.case_id and e.seq = cl.seq
      order by cl.id
    `.execute(this.#db)
    report.claimed = rows.length
    if (rows.length === 0) return report
    const sendable = rows.filter((r) => r.endpoint_id !== null)
    for (const r of rows) {
      if (r.endpoint_id === null) report.unroutable.push({ outboxId: r.id, department: r.department, jurisdiction: r.jurisdiction })
    }
    if (report.unroutable.length > 0) this.#logger?.warn({ dispatcher: this.name, unroutable: report.unroutable }, 'outbox messages without a webhook endpoint')

    const results = await Promise.all(sendable.map((r) => this.#send(r, at)))
    const settledAt = this.#clock.now()
    const settlements = results.map((res) => {
      const failed = res.outcome !== 'delivered'
      const dead = failed && res.attempt >= this.#maxAttempts
      // The receiver's Retry-After, when it asks for a longer pause than our backoff, wins (within the cap).
      const delay = Math.max(backoffDelayMs(res.attempt, this.#base, this.#cap, this.#random), res.retryAfterMs ?? 0)
      const next = failed && !dead ? new Date(settledAt.getTime() + delay) : null
      const { retryAfterMs: _asked, ...attempt } = res
      report.attempts.push({ ...attempt, deadLettered: dead, nextAttemptAt: next })
      return {
        id: res.outboxId, attempt: res.attempt, endpoint_id: res.endpointId, url: res.url, outcome: res.outcome, status: res.status,
        error: res.error, duration_ms: res.durationMs, dead, next_attempt_at: next?.toISOString() ?? null,
      }
    })
    if (settlements.length > 0) {
      await sql`
        with r as (
          select * from jsonb_to_recordset(${JSON.stringify(settlements)}::jsonb) as x(
            id bigint, attempt integer, endpoint_id bigint, url text, outcome text, status integer, error text, duration_ms integer,
            dead boolean, next_attempt_at timestamptz)
        ), log as (
          insert into outbox_deliveries (outbox_id, attempt, endpoint_id, url, worker, attempted_at, outcome, status, error, duration_ms)
          select r.id, r.attempt, r.endpoint_id, r.url, ${this.name}, ${at}::timestamptz, r.outcome, r.status, r.error, r.duration_ms from r
        )
        update outbox o set
          delivered_at = case when r.outcome = 'delivered' then ${settledAt}::timestamptz end,
          dead_lettered_at = case when r.outcome <> 'delivered' and r.dead then ${settledAt}::timestamptz end,
          unroutable_at = null,
          next_attempt_at = case when r.outcome <> 'delivered' and not r.dead then r.next_attempt_at else o.next_attempt_at end,
          last_status = r.status,
          last_error = r.error
        from r
        where o.id = r.id and o.delivered_at is null
          and (r.outcome = 'delivered' or (o.attempts = r.attempt and o.dead_lettered_at is null and o.unroutable_at is null))
      `.execute(this.#db)
    }
    const failures = report.attempts.filter((a) => a.outcome !== 'delivered')
    if (failures.length > 0) {
      this.#logger?.warn({ dispatcher: this.name, failures: failures.map((f) => ({ id: f.eventId, attempt: f.attempt, outcome: f.outcome, status: f.status, error: f.error, deadLettered: f.deadLettered })) }, 'webhook attempts failed')
    }
    this.emit('pass', report)
    return report
  }

  async #send(row: ClaimedRow, at: Date) {
    const eventId = eventIdOf(row.id)
    const message: WebhookMessage = {
      id: eventId, topic: row.topic, caseId: row.case_id, seq: row.seq, eventType: row.event_type,
      occurredAt: new Date(row.occurred_at).toISOString(),
      case: {
        procedure: row.procedure, department: row.department, jurisdiction: row.jurisdiction, parentId: row.parent_id,
        state: row.state_after, statusCode: row.status_code,
      },
    }
    const body = JSON.stringify(message)
    const base = { outboxId: row.id, eventId, attempt: row.attempts, url: row.url!, endpointId: row.endpoint_id!, retryAfterMs: null as number | null }
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    try {
      const res = await this.#fetch(row.url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'onewindow-webhooks/1', ...webhookHeaders(row.secret!, eventId, at, body) },
        body,
        redirect: 'manual',
        signal: this.#requestSignal(this.#timeoutMs),
      })
      if (res.status >= 200 && res.status < 300) {
        await res.body?.cancel().catch(() => {})
        return { ...base, outcome: 'delivered' as const, status: res.status, error: null, durationMs: elapsed() }
      }
      let text = ''
      try {
        text = (await res.text()).slice(0, 300)
      } catch {
        // the body is only for the admin's view of the error
      }
      const asked = retryAfterMs(res.status, res.headers.get('retry-after'), this.#clock.now(), this.#cap)
      return { ...base, outcome: 'rejected' as const, status: res.status, error: `HTTP ${res.status}${text ? `: ${text}` : ''}`, durationMs: elapsed(), retryAfterMs: asked }
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } }
      if (e?.name === 'TimeoutError') {
        return { ...base, outcome: 'timeout' as const, status: null, error: `no answer within ${this.#timeoutMs} ms`, durationMs: elapsed() }
      }
      const cause = e?.cause
      const detail = cause ? [cause.code, cause.message].filter(Boolean).join(' ') : (e?.message ?? String(err))
      return { ...base, outcome: 'error' as const, status: null, error: `request failed: ${detail}`.slice(0, 500), durationMs: elapsed() }
    }
  }
}

/** Dispatcher loops over one database handle (one on PGlite: it has one connection). */
export function startDispatchers(options: Omit<DispatcherOptions, 'name'> & { kind: 'postgres' | 'pglite'; concurrency?: number; name?: string }) {
  const n = options.kind === 'pglite' ? 1 : Math.max(1, options.concurrency ?? 1)
  const dispatchers = Array.from({ length: n }, (_, i) => new WebhookDispatcher({ ...options, name: `${options.name ?? `webhooks-${process.pid}`}-${i + 1}` }))
  for (const d of dispatchers) d.start()
  return { dispatchers, stop: async () => { await Promise.all(dispatchers.map((d) => d.stop())) } }
}
