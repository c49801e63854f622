/** GET /v1/audit: the audit log for supervisors and administrators, scoped to their division and those below it. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { requirePrincipal } from '../plugins/authenticate.ts'
import { commonProblems, problemResponse } from '../schemas/problem.ts'
import { queryAudit } from '../../audit/query.ts'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

const AuditQuery = Type.Object({
  caseId: Type.Optional(Type.String({ format: 'uuid', description: 'rows about this case: reads, events, and lists that showed it' })),
  actorId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the token subject who acted' })),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'e.g. case.read, case.event, case.list, createCase, loadPolicyVersion' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'at or after this instant' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'before this instant' })),
  cursor: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
}, { additionalProperties: false })

const AuditEntry = Type.Object({
  id: Type.String({ description: 'increasing: the order rows were written' }),
  at: Type.String({ format: 'date-time' }),
  actor: Nullable(Type.Object({
    id: Type.String(), role: Type.String(), jurisdiction: Nullable(Type.String()), department: Nullable(Type.String()),
  }, { description: 'from the verified token; null for a request without a valid token' })),
  action: Type.String(),
  caseId: Nullable(Type.String()),
  caseIds: Nullable(Type.Array(Type.String(), { description: 'the cases a list showed' })),
  resourceJurisdiction: Nullable(Type.String({ description: 'the division the request concerned (the case\'s, or the admin route\'s)' })),
  route: Type.String(), method: Type.String(), status: Type.Integer(),
  ip: Nullable(Type.String()), requestId: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown(), { description: 'operationId, problem code, event type, list size: never a body' }),
})

const AuditPage = Type.Object({
  items: Type.Array(AuditEntry),
  nextCursor: Nullable(Type.String({ description: 'pass as ?cursor= for older rows; null at the end' })),
})

/** uuid[] arrives as an array, or as the text '{a,b}' where the driver has no parser for it. */
function uuidList(value: unknown): string[] | null {
  if (value === null || value === undefined) return null
  if (Array.isArray(value)) return value.map(String)
  const text = String(value).replace(/^\{|\}$/g, '')
  return text === '' ? [] : text.split(',')
}

const auditRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database> }> = async (app, { db }) => {
  app.get('/v1/audit', {
    config: { access: { action: 'audit.read' }, audit: { action: 'audit.read' } },
    schema: {
      operationId: 'listAudit', tags: ['audit'], security: [{ bearer: [] }],
      summary: 'The audit log (reads of cases by officials, every write), newest first, within the caller\'s division and below',
      querystring: AuditQuery,
      response: { 200: AuditPage, ...commonProblems, 403: problemResponse('only supervisors and administrators read the audit log (role-not-allowed)') },
    },
  }, async (request) => {
    const { limit, ...filter } = request.query
    const page = await queryAudit(db, requirePrincipal(request), { ...filter, limit: limit ?? 100 })
    return {
      items: page.items.map((r) => ({
        id: String(r.id), at: r.at.toISOString(),
        actor: r.actor_id && r.actor_role ? { id: r.actor_id, role: r.actor_role, jurisdiction: r.actor_jurisdiction, department: r.actor_department } : null,
        action: r.action, caseId: r.case_id, caseIds: uuidList(r.case_ids), resourceJurisdiction: r.resource_jurisdiction,
        route: r.route, method: r.method, status: r.status, ip: r.ip, requestId: r.request_id,
        detail: (r.detail ?? {}) as Record<string, unknown>,
      })),
      nextCursor: page.nextCursor,
    }
  })
}
export default auditRoutes
