/**
 * Authorisation of routes, in one place: a route declares `config: { access: { action, caseParam?, jurisdictionParam? } }`
 * and this hook asks src/auth/authorize.ts before the request is validated, so a caller who may not act learns that
 * (404 for a case it may not see, 403 for an action it may not take), never what else is wrong with its request.
 * Routes without `access` decide themselves (public routes; administration modules call the same function).
 */
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { enforce, enforceOnCase, type Action } from '../../auth/authorize.ts'
import { caseNotFound } from '../../engine/errors.ts'
import { requirePrincipal } from './authenticate.ts'

export type AccessConfig =
  | { action: 'case.read' | 'case.event'; caseParam: string }
  | { action: Action; jurisdictionParam?: string; caseParam?: undefined }

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessConfig
  }
  interface FastifyRequest {
    /** The case the access check loaded (case-scoped routes): its division, for the audit row. */
    accessCase: { id: string; jurisdiction: string } | null
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export default fp(async function access(app: FastifyInstance, opts: { db: Kysely<Database> }) {
  app.decorateRequest('accessCase', null)
  app.addHook('preValidation', async (request) => {
    const access = request.routeOptions.config?.access
    if (!access) return
    const principal = requirePrincipal(request)
    const params = (request.params ?? {}) as Record<string, unknown>
    if (access.caseParam !== undefined) {
      const id = params[access.caseParam]
      // Not an id at all: validation answers 400, which says nothing about any case.
      if (typeof id !== 'string' || !UUID.test(id)) return
      const row = await opts.db.selectFrom('cases').select(['id', 'applicant', 'jurisdiction', 'department']).where('id', '=', id).executeTakeFirst()
      if (!row) throw caseNotFound(id)
      enforceOnCase(principal, access.action as 'case.read' | 'case.event', id, row)
      request.accessCase = { id, jurisdiction: row.jurisdiction }
      return
    }
    const jurisdiction = access.jurisdictionParam ? params[access.jurisdictionParam] : undefined
    enforce(principal, access.action, typeof jurisdiction === 'string' ? { jurisdiction } : undefined, `${request.method} ${request.routeOptions.url}`)
  })
}, { name: 'access' })
