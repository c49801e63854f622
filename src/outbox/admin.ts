/**
 * Administration of webhook delivery (role admin, for the administrator's division and those below it):
 * configure a department's endpoint, list endpoints (never their secrets), read the outbox by delivery status,
 * and redeliver a dead-lettered or unroutable message. docs/WEBHOOKS.md.
 */
import { sql, type Kysely, type Selectable } from 'kysely'
import type { Database, OutboxTable, WebhookEndpointsTable } from '../db/schema.ts'
import { inJurisdiction, jurisdictionPrefix, type Principal } from '../auth/principal.ts'
import { DomainError, roleNotAllowed } from '../engine/errors.ts'
import type { Department } from '../policy/keys.ts'
import { createHash } from 'node:crypto'
import { generateWebhookSecret, isValidWebhookSecret } from './signature.ts'
import { eventIdOf } from './dispatcher.ts'

export const outsideWebhookJurisdiction = (scope: string, jurisdiction: string) =>
  new DomainError('jurisdiction-not-allowed', 403, 'Forbidden',
    `an administrator of ${scope} may manage the webhooks of ${scope} and the divisions below it, not of ${jurisdiction}`,
    { scope, jurisdiction })

export const webhookUrlInvalid = (url: string, reason: string) =>
  new DomainError('webhook-url-invalid', 422, 'Unprocessable Content', `the webhook URL ${JSON.stringify(url)} cannot be used: ${reason}`, { url })

export const webhookSecretInvalid = () =>
  new DomainError('invalid-request', 400, 'Bad Request', 'the request is invalid: /body/secret must be whsec_ followed by the base64 of 24 to 64 random bytes', {
    errors: [{ name: '/body/secret', code: 'pattern', reason: 'must be whsec_ followed by the base64 of 24 to 64 random bytes' }],
  })

export const outboxMessageNotFound = (id: string) =>
  new DomainError('outbox-message-not-found', 404, 'Not Found', `no outbox message ${id} of a case in your jurisdiction`, { id })

export const outboxNotRedeliverable = (id: string, status: OutboxStatus) =>
  new DomainError('outbox-not-redeliverable', 409, 'Conflict',
    `outbox message ${id} is ${status}: only a dead-lettered or unroutable message is redelivered (a pending one is still being tried)`,
    { id, deliveryStatus: status })

/** Webhook administration is for administrators whose division covers the target. */
export function requireWebhookAdmin(actor: Principal, jurisdiction: string | undefined, action: string): void {
  if (actor.role !== 'admin') throw roleNotAllowed(action, actor.role, ['admin'])
  if (jurisdiction !== undefined && !inJurisdiction(actor.jurisdiction, jurisdiction)) throw outsideWebhookJurisdiction(actor.jurisdiction, jurisdiction)
}

/** Only http(s), no credentials in the URL (they would show in lists and logs), no fragment. */
export function checkWebhookUrl(raw: string): void {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw webhookUrlInvalid(raw, 'it is not an absolute URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw webhookUrlInvalid(raw, 'only http and https are delivered to')
  if (url.username || url.password) throw webhookUrlInvalid(raw, 'credentials do not belong in the URL; the signature authenticates each request')
  if (url.hash) throw webhookUrlInvalid(raw, 'a fragment is never sent')
}

/** A secret's fingerprint for the admin's view: the first 12 hex digits of its SHA-256 (the secret itself is never shown). */
export function secretFingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12)
}

export interface EndpointView {
  id: string
  jurisdiction: string
  department: string
  url: string
  active: boolean
  secretFingerprint: string
  createdAt: string
  createdBy: string
  updatedAt: string
  updatedBy: string
}

function endpointView(row: Selectable<WebhookEndpointsTable>): EndpointView {
  return {
    id: String(row.id), jurisdiction: row.jurisdiction, department: row.department, url: row.url, active: row.active,
    secretFingerprint: secretFingerprint(row.secret),
    createdAt: row.created_at.toISOString(), createdBy: row.created_by, updatedAt: row.updated_at.toISOString(), updatedBy: row.updated_by,
  }
}

export interface ConfiguredEndpoint {
  endpoint: EndpointView
  created: boolean
  /** Only when the service generated the secret (none given for a new endpoint): shown this once, never again. */
  secret?: string
  /** Unroutable messages this endpoint now covers, released for delivery. */
  released: number
}

export async function configureEndpoint(
  db: Kysely<Database>,
  input: { jurisdiction: string; department: Department; url: string; secret?: string | undefined; active?: boolean | undefined },
  actor: Principal,
  now: Date,
): Promise<ConfiguredEndpoint> {
  checkWebhookUrl(input.url)
  if (input.secret !== undefined && !isValidWebhookSecret(input.secret)) throw webhookSecretInvalid()
  const candidate = input.secret ?? generateWebhookSecret()
  const given = input.secret !== undefined
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<Selectable<WebhookEndpointsTable> & { inserted: boolean }>`
      insert into webhook_endpoints (jurisdiction, department, url, secret, active, created_at, created_by, updated_at, updated_by)
      values (${input.jurisdiction}, ${input.department}, ${input.url}, ${candidate}, ${input.active ?? true}, ${now}, ${actor.id}, ${now}, ${actor.id})
      on conflict (jurisdiction, department) do update set
        url = excluded.url,
        secret = case when ${given} then excluded.secret else webhook_endpoints.secret end,
        active = coalesce(${input.active ?? null}::boolean, webhook_endpoints.active),
        updated_at = excluded.updated_at, updated_by = excluded.updated_by
      returning *, (xmax = 0) as inserted
    `.execute(trx)
    const row = rows[0]!
    let released = 0
    if (row.active) {
      // Messages marked unroutable that this endpoint now covers go out again (their attempts start afresh).
      const prefix = jurisdictionPrefix(row.jurisdiction)
      const result = await sql`
        update outbox o set unroutable_at = null, next_attempt_at = ${now}, attempts = 0
        from cases c
        where c.id = o.case_id and o.unroutable_at is not null and c.department = ${row.department}
          and c.jurisdiction like ${`${prefix}%`}
      `.execute(trx)
      released = Number(result.numAffectedRows ?? 0n)
    }
    const { inserted, ...endpoint } = row
    return {
      endpoint: endpointView(endpoint), created: inserted, released,
      ...(inserted && !given ? { secret: row.secret } : {}),
    }
  })
}

/** The endpoints of the administrator's division and below, by division and department. */
export async function listEndpoints(db: Kysely<Database>, actor: Principal): Promise<EndpointView[]> {
  const rows = await db.selectFrom('webhook_endpoints').selectAll()
    .where('jurisdiction', 'like', `${jurisdictionPrefix(actor.jurisdiction)}%`)
    .orderBy('jurisdiction').orderBy('department').execute()
  return rows.map(endpointView)
}

export const OUTBOX_STATUSES = ['pending', 'delivered', 'dead', 'unroutable'] as const
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number]

type OutboxJoined = Selectable<OutboxTable> & { department: string; jurisdiction: string }

export interface OutboxMessageView {
  id: string
  eventId: string
  topic: string
  caseId: string
  seq: number
  department: string
  jurisdiction: string
  status: OutboxStatus
  attempts: number
  createdAt: string
  nextAttemptAt: string | null
  lastAttemptAt: string | null
  lastStatus: number | null
  lastError: string | null
  deliveredAt: string | null
  deadLetteredAt: string | null
  unroutableAt: string | null
  endpointId: string | null
  redeliveries: number
  redeliveredAt: string | null
  redeliveredBy: string | null
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)

function statusOf(row: Selectable<OutboxTable>): OutboxStatus {
  if (row.delivered_at) return 'delivered'
  if (row.dead_lettered_at) return 'dead'
  if (row.unroutable_at) return 'unroutable'
  return 'pending'
}

function messageView(row: OutboxJoined): OutboxMessageView {
  return {
    id: String(row.id), eventId: eventIdOf(row.id), topic: row.topic, caseId: row.case_id, seq: row.seq,
    department: row.department, jurisdiction: row.jurisdiction, status: statusOf(row), attempts: row.attempts,
    createdAt: iso(row.created_at)!, nextAttemptAt: row.delivered_at || row.dead_lettered_at || row.unroutable_at ? null : iso(row.next_attempt_at ?? row.created_at),
    lastAttemptAt: iso(row.last_attempt_at), lastStatus: row.last_status, lastError: row.last_error,
    deliveredAt: iso(row.delivered_at), deadLetteredAt: iso(row.dead_lettered_at), unroutableAt: iso(row.unroutable_at),
    endpointId: row.endpoint_id === null ? null : String(row.endpoint_id),
    redeliveries: row.redeliveries, redeliveredAt: iso(row.redelivered_at), redeliveredBy: row.redelivered_by,
  }
}

function encodeOutboxCursor(id: string): string {
  return Buffer.from(`outbox|${id}`, 'utf8').toString('base64url')
}

function decodeOutboxCursor(cursor: string): string {
  const m = /^outbox\|(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!m) {
    throw new DomainError('invalid-cursor', 400, 'Invalid cursor', 'cursor is not one this service issued; start again without it', {
      errors: [{ name: '/querystring/cursor', code: 'cursor', reason: 'is not a cursor issued by this service' }],
    })
  }
  return m[1]!
}

function visibleOutbox(db: Kysely<Database>, actor: Principal) {
  return db.selectFrom('outbox as o').innerJoin('cases as c', 'c.id', 'o.case_id')
    .selectAll('o').select(['c.department', 'c.jurisdiction'])
    .where('c.jurisdiction', 'like', `${jurisdictionPrefix(actor.jurisdiction)}%`)
}

/** Messages of cases in the administrator's division and below, newest first, keyset-paginated on id. */
export async function listOutbox(
  db: Kysely<Database>, actor: Principal,
  filter: { status: OutboxStatus; department?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<{ items: OutboxMessageView[]; nextCursor: string | null }> {
  let q = visibleOutbox(db, actor)
  switch (filter.status) {
    case 'dead': q = q.where('o.dead_lettered_at', 'is not', null); break
    case 'unroutable': q = q.where('o.unroutable_at', 'is not', null); break
    case 'delivered': q = q.where('o.delivered_at', 'is not', null); break
    case 'pending': q = q.where('o.delivered_at', 'is', null).where('o.dead_lettered_at', 'is', null).where('o.unroutable_at', 'is', null); break
  }
  if (filter.department) q = q.where('c.department', '=', filter.department as Department)
  if (filter.cursor) q = q.where('o.id', '<', decodeOutboxCursor(filter.cursor))
  const rows = (await q.orderBy('o.id', 'desc').limit(filter.limit + 1).execute()) as OutboxJoined[]
  const page = rows.slice(0, filter.limit)
  const last = page.at(-1)
  return { items: page.map(messageView), nextCursor: rows.length > filter.limit && last ? encodeOutboxCursor(String(last.id)) : null }
}

export interface DeliveryAttemptView {
  attempt: number
  attemptedAt: string
  url: string
  worker: string
  outcome: string
  status: number | null
  error: string | null
  durationMs: number
}

/** One message with every delivery attempt. */
export async function getOutboxMessage(db: Kysely<Database>, actor: Principal, id: string): Promise<OutboxMessageView & { deliveries: DeliveryAttemptView[] }> {
  const row = (await visibleOutbox(db, actor).where('o.id', '=', id).executeTakeFirst()) as OutboxJoined | undefined
  if (!row) throw outboxMessageNotFound(id)
  const attempts = await db.selectFrom('outbox_deliveries').selectAll().where('outbox_id', '=', id).orderBy('id').execute()
  return {
    ...messageView(row),
    deliveries: attempts.map((a) => ({
      attempt: a.attempt, attemptedAt: a.attempted_at.toISOString(), url: a.url, worker: a.worker, outcome: a.outcome,
      status: a.status, error: a.error, durationMs: a.duration_ms,
    })),
  }
}

/**
 * Makes a dead-lettered or unroutable message due now, its attempts counted afresh; the row records who asked and
 * when (redelivered_by, redelivered_at, redeliveries), and the attempt log keeps every earlier attempt.
 */
export async function redeliver(db: Kysely<Database>, actor: Principal, id: string, now: Date): Promise<OutboxMessageView> {
  const current = (await visibleOutbox(db, actor).where('o.id', '=', id).executeTakeFirst()) as OutboxJoined | undefined
  if (!current) throw outboxMessageNotFound(id)
  const updated = await db.updateTable('outbox')
    .set({
      dead_lettered_at: null, unroutable_at: null, attempts: 0, next_attempt_at: now,
      redeliveries: sql`redeliveries + 1`, redelivered_at: now, redelivered_by: actor.id,
    })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('dead_lettered_at', 'is not', null), eb('unroutable_at', 'is not', null)]))
    .returningAll()
    .executeTakeFirst()
  if (!updated) {
    const again = (await visibleOutbox(db, actor).where('o.id', '=', id).executeTakeFirst()) as OutboxJoined
    throw outboxNotRedeliverable(id, statusOf(again))
  }
  return messageView({ ...updated, department: current.department, jurisdiction: current.jurisdiction })
}
