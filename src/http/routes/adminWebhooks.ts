/**
 * Webhook administration (role admin, for the administrator's own division and those below it; docs/WEBHOOKS.md):
 * - PUT  /v1/admin/webhooks/{jurisdiction}/{department} — configure a department's endpoint (URL, secret, active)
 * - GET  /v1/admin/webhooks — the endpoints, with a fingerprint of each secret (never the secret)
 * - GET  /v1/admin/outbox?status=dead|pending|unroutable|delivered — messages, newest first (keyset pagination)
 * - GET  /v1/admin/outbox/{id} — one message with every delivery attempt
 * - POST /v1/admin/outbox/{id}/redeliver — a dead-lettered or unroutable message goes out again
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { systemClock, type Clock } from '../../engine/clock.ts'
import { requirePrincipal } from '../plugins/authenticate.ts'
import { commonProblems, problemResponse } from '../schemas/problem.ts'
import { JurisdictionParam } from './calendars.ts'
import { DEPARTMENTS } from '../../policy/keys.ts'
import { SECRET_PATTERN } from '../../outbox/signature.ts'
import {
  configureEndpoint, getOutboxMessage, listEndpoints, listOutbox, OUTBOX_STATUSES, redeliver, requireWebhookAdmin,
} from '../../outbox/admin.ts'

const security = [{ bearer: [] }]
const literals = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {})

const Department = literals(DEPARTMENTS, 'the department whose system receives the messages')
const OutboxId = Type.String({ pattern: '^[0-9]{1,18}$', description: 'the outbox message id (the number in its event id outbox-<id>)' })
const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()])

const EndpointView = Type.Object({
  id: Type.String(), jurisdiction: Type.String(), department: Type.String(), url: Type.String(), active: Type.Boolean(),
  secretFingerprint: Type.String({ description: 'first 12 hex digits of the SHA-256 of the secret: compare with the receiver\'s copy; the secret itself is never returned' }),
  createdAt: Type.String(), createdBy: Type.String(), updatedAt: Type.String(), updatedBy: Type.String(),
})

const EndpointBody = Type.Object({
  url: Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://', description: 'where messages are POSTed (https in production)' }),
  secret: Type.Optional(Type.String({
    pattern: SECRET_PATTERN,
    description: 'whsec_ + base64 of 24–64 random bytes (Standard Webhooks). Left out: a new endpoint gets a generated one (returned once), an existing one keeps its secret',
  })),
  active: Type.Optional(Type.Boolean({ description: 'false: no delivery to this endpoint (the next level up, if any, receives; else messages are unroutable). Default: true for a new endpoint, unchanged otherwise' })),
}, { additionalProperties: false })

const ConfiguredView = Type.Object({
  endpoint: EndpointView,
  created: Type.Boolean(),
  secret: Type.Optional(Type.String({ description: 'only when the service generated the secret: store it now, it is never shown again' })),
  released: Type.Integer({ description: 'unroutable messages this endpoint now covers, released for delivery' }),
})

const Status = literals(OUTBOX_STATUSES, 'pending: still being tried; delivered; dead: dead-lettered after the last attempt; unroutable: no endpoint covers it')

const MessageView = Type.Object({
  id: Type.String(), eventId: Type.String({ description: 'the webhook-id the receiver sees' }), topic: Type.String(),
  caseId: Type.String(), seq: Type.Integer(), department: Type.String(), jurisdiction: Type.String(), status: Status,
  attempts: Type.Integer({ description: 'attempts since the message was created or last redelivered' }),
  createdAt: Type.String(), nextAttemptAt: Nullable(Type.String()), lastAttemptAt: Nullable(Type.String()),
  lastStatus: Nullable(Type.Integer()), lastError: Nullable(Type.String()),
  deliveredAt: Nullable(Type.String()), deadLetteredAt: Nullable(Type.String()), unroutableAt: Nullable(Type.String()),
  endpointId: Nullable(Type.String()), redeliveries: Type.Integer(), redeliveredAt: Nullable(Type.String()), redeliveredBy: Nullable(Type.String()),
})

const DeliveryView = Type.Object({
  attempt: Type.Integer(), attemptedAt: Type.String(), url: Type.String(), worker: Type.String(),
  outcome: literals(['delivered', 'rejected', 'timeout', 'error'] as const), status: Nullable(Type.Integer()), error: Nullable(Type.String()),
  durationMs: Type.Integer(),
})

const adminProblems = { ...commonProblems, 403: problemResponse('only role admin, for its own division or one below it (role-not-allowed, jurisdiction-not-allowed)') }

const adminWebhookRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database>; clock?: Clock }> = async (app, { db, clock = systemClock }) => {
  // Before validation: a caller who may not administer webhooks learns that, not what is wrong with the body.
  app.addHook('preValidation', async (request) => {
    const params = request.params as { jurisdiction?: string }
    requireWebhookAdmin(requirePrincipal(request), params.jurisdiction, `${request.method} ${request.routeOptions.url ?? request.url}`)
  })

  app.put('/v1/admin/webhooks/:jurisdiction/:department', {
    schema: {
      operationId: 'configureWebhook', tags: ['admin'], security,
      summary: 'Configure the webhook endpoint of a department for a division and those below it; releases its unroutable messages',
      params: Type.Object({ jurisdiction: JurisdictionParam, department: Department }),
      body: EndpointBody,
      response: { 200: ConfiguredView, 201: ConfiguredView, ...adminProblems, 422: problemResponse('the URL cannot be used (webhook-url-invalid)') },
    },
  }, async (request, reply) => {
    const result = await configureEndpoint(db, { ...request.params, ...request.body }, requirePrincipal(request), clock.now())
    request.log.info({ endpoint: result.endpoint.id, jurisdiction: result.endpoint.jurisdiction, department: result.endpoint.department, released: result.released }, 'webhook endpoint configured')
    return reply.status(result.created ? 201 : 200).send(result)
  })

  app.get('/v1/admin/webhooks', {
    schema: {
      operationId: 'listWebhooks', tags: ['admin'], security,
      summary: 'The webhook endpoints of your division and those below it (secrets are never returned)',
      response: { 200: Type.Object({ items: Type.Array(EndpointView) }), ...adminProblems },
    },
  }, async (request) => ({ items: await listEndpoints(db, requirePrincipal(request)) }))

  app.get('/v1/admin/outbox', {
    schema: {
      operationId: 'listOutbox', tags: ['admin'], security,
      summary: 'Outbox messages of cases in your division and below by delivery status, newest first (keyset pagination)',
      querystring: Type.Object({
        status: Type.Optional(Status),
        department: Type.Optional(Department),
        cursor: Type.Optional(Type.String({ maxLength: 200 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(MessageView), nextCursor: Nullable(Type.String()) }), ...adminProblems },
    },
  }, async (request) => {
    const { status, department, cursor, limit } = request.query
    return listOutbox(db, requirePrincipal(request), { status: status ?? 'dead', department, cursor, limit: limit ?? 50 })
  })

  app.get('/v1/admin/outbox/:id', {
    schema: {
      operationId: 'getOutboxMessage', tags: ['admin'], security,
      summary: 'One outbox message with every delivery attempt',
      params: Type.Object({ id: OutboxId }),
      response: { 200: Type.Intersect([MessageView, Type.Object({ deliveries: Type.Array(DeliveryView) })]), ...adminProblems,
        404: problemResponse('no such message of a case in your division (outbox-message-not-found)') },
    },
  }, async (request) => getOutboxMessage(db, requirePrincipal(request), request.params.id))

  app.post('/v1/admin/outbox/:id/redeliver', {
    schema: {
      operationId: 'redeliverOutboxMessage', tags: ['admin'], security,
      summary: 'Send a dead-lettered or unroutable message again (attempts start afresh; who and when are recorded)',
      params: Type.Object({ id: OutboxId }),
      response: {
        200: MessageView, ...adminProblems,
        404: problemResponse('no such message of a case in your division (outbox-message-not-found)'),
        409: problemResponse('the message is pending or delivered (outbox-not-redeliverable)'),
      },
    },
  }, async (request) => {
    const principal = requirePrincipal(request)
    const message = await redeliver(db, principal, request.params.id, clock.now())
    request.log.info({ outboxId: message.id, by: principal.id }, 'outbox message redelivered')
    return message
  })
}
export default adminWebhookRoutes
