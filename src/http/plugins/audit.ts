/**
 * The audit log, written in one place: every state-changing request (POST, PUT, PATCH, DELETE) by anyone, refused
 * ones included, and every read of a case by an official (clerk, officer, head, supervisor, admin), get one row in
 * audit_log: who (from the token), what (action, route, case), when, from where (ip, request id), and the outcome
 * (status, problem code). Never a body, never personal data.
 *
 * What a route records: `config: { audit: { action, caseParam? } }`, or `audit: false` for a public query sent by
 * POST; otherwise it is derived: writes by their `access` action or operationId, GETs under /v1/cases/:id as
 * case.read. A list of cases records the ids it showed (the route sets `request.auditCaseIds`).
 *
 * The row is written in onSend, before the body leaves. A read whose row cannot be written is not served (503
 * audit-unavailable). A write whose row cannot be written has already happened (its history row is the evidence of
 * the change): it is answered as it happened and the failure is logged at error level (docs/ACCESS.md).
 */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import type { Clock } from '../../engine/clock.ts'
import { DomainError } from '../../engine/errors.ts'
import { UUID } from './access.ts'

export interface AuditConfig {
  action: string
  caseParam?: string
}

declare module 'fastify' {
  interface FastifyContextConfig {
    audit?: AuditConfig | false
  }
  interface FastifyRequest {
    /** Case ids a list showed, recorded as reads of each. */
    auditCaseIds: string[] | null
    auditWritten: boolean
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const READER_ROLES = new Set(['clerk', 'officer', 'head', 'supervisor', 'admin', 'system'])
const EVENT_TYPE = /^[A-Z][A-Z0-9_]{0,63}$/
const CASE_LOCATION = /^\/v1\/cases\/([0-9a-f-]{36})$/i

/** What the request records, or null when it records nothing. */
export function auditSpec(request: FastifyRequest): AuditConfig | null {
  const url = request.routeOptions.url
  if (!url) return null // no route matched: a stray URL is not an action
  const config = request.routeOptions.config
  if (config?.audit === false) return null
  if (config?.audit) return config.audit
  const access = config?.access
  const operationId = (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId
  const caseParam = access?.caseParam ?? (url.startsWith('/v1/cases/:id') ? 'id' : undefined)
  if (WRITES.has(request.method)) return { action: access?.action ?? operationId ?? `${request.method} ${url}`, ...(caseParam ? { caseParam } : {}) }
  if (caseParam) return { action: access?.action ?? 'case.read', caseParam }
  return null
}

function problemCode(reply: FastifyReply, payload: unknown): string | undefined {
  if (reply.statusCode < 400 || typeof payload !== 'string') return undefined
  if (!String(reply.getHeader('content-type') ?? '').includes('json')) return undefined
  try {
    const code = (JSON.parse(payload) as { code?: unknown }).code
    return typeof code === 'string' && code.length <= 100 ? code : undefined
  } catch {
    return undefined
  }
}

export default fp(async function audit(app: FastifyInstance, opts: { db: Kysely<Database>; clock: Clock }) {
  app.decorateRequest('auditCaseIds', null)
  app.decorateRequest('auditWritten', false)

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.auditWritten) return payload
    const spec = auditSpec(request)
    if (!spec) return payload
    const principal = request.principal
    const write = WRITES.has(request.method)
    if (!write && (!principal || !READER_ROLES.has(principal.role))) return payload
    request.auditWritten = true

    const params = (request.params ?? {}) as Record<string, unknown>
    let caseId: unknown = spec.caseParam ? params[spec.caseParam] : undefined
    if (caseId === undefined) caseId = CASE_LOCATION.exec(String(reply.getHeader('location') ?? ''))?.[1]
    const id = typeof caseId === 'string' && UUID.test(caseId) ? caseId.toLowerCase() : null
    const listed = request.auditCaseIds?.filter((c) => UUID.test(c)) ?? null
    const targetJurisdiction = typeof params.jurisdiction === 'string' && /^[0-9]{6}$/.test(params.jurisdiction) ? params.jurisdiction : null
    const body = request.body as { type?: unknown } | undefined
    const code = problemCode(reply, payload)
    const detail = {
      operation: (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId,
      ...(code ? { code } : {}),
      ...(write && body && typeof body.type === 'string' && EVENT_TYPE.test(body.type) ? { eventType: body.type } : {}),
      ...(listed ? { count: listed.length } : {}),
    }
    try {
      await sql`
        insert into audit_log (at, actor_id, actor_role, actor_jurisdiction, actor_department, action, case_id, case_ids,
                               resource_jurisdiction, route, method, status, ip, request_id, detail)
        values (${opts.clock.now()}, ${principal?.id ?? null}, ${principal?.role ?? null}, ${principal?.jurisdiction ?? null},
                ${principal?.department ?? null}, ${spec.action}, ${id}::uuid, ${listed ? `{${listed.join(',')}}` : null}::uuid[],
                coalesce(${targetJurisdiction}::text, ${request.accessCase?.jurisdiction ?? null}::text,
                         (select jurisdiction from cases where id = ${id}::uuid)),
                ${request.routeOptions.url}, ${request.method}, ${reply.statusCode}, ${request.ip ?? null}, ${request.id},
                ${JSON.stringify(detail)}::jsonb)
      `.execute(opts.db)
    } catch (err) {
      request.log.error({ err, reqId: request.id, action: spec.action, caseId: id }, 'audit row not written')
      if (!write) {
        throw new DomainError('audit-unavailable', 503, 'Service Unavailable',
          `this read could not be recorded in the audit log, so it is not served; try again, or quote request id ${request.id} to the service desk`)
      }
    }
    return payload
  })
}, { name: 'audit' })
