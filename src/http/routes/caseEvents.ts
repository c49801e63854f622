/** Sending an event to a case: the one write a person makes after filing. Requires If-Match with the case's ETag. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CaseIdParams, CaseView, EventBody, IfMatchHeaders } from '../schemas/cases.ts'
import { commonProblems, problemResponse } from '../schemas/problem.ts'
import { requirePrincipal } from '../plugins/authenticate.ts'
import { etagOf, toCaseView } from '../views.ts'
import { DomainError } from '../../engine/errors.ts'
import type { Engine } from '../../engine/engine.ts'
import type { Clock } from '../../engine/clock.ts'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { readClockViews } from '../../cases/clockViews.ts'

/** `"7"`, `7` or `W/"7"` → 7. Missing → 428; anything else → 412. */
export function versionFromIfMatch(header: string | undefined): number {
  if (header === undefined || header.trim() === '') {
    throw new DomainError('if-match-required', 428, 'Precondition Required',
      'send If-Match with the ETag of the case version you decided on (GET /v1/cases/{id} returns it)')
  }
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header)
  if (!m) {
    throw new DomainError('if-match-malformed', 412, 'Precondition Failed',
      `If-Match ${JSON.stringify(header)} is not an ETag of this service; expected a quoted version such as "3"`)
  }
  return Number(m[1])
}

const caseEventRoutes: FastifyPluginAsyncTypebox<{ engine: Engine; db: Kysely<Database>; clock: Clock }> = async (app, { engine, db, clock }) => {
  app.post('/v1/cases/:id/events', {
    config: { access: { action: 'case.event', caseParam: 'id' } },
    schema: {
      operationId: 'applyCaseEvent', tags: ['cases'], security: [{ bearer: [] }],
      summary: 'Send an event (e.g. ACCEPT, REQUEST_SUPPLEMENT, FILE); the actor is the token subject',
      params: CaseIdParams, headers: IfMatchHeaders, body: EventBody,
      response: { 200: CaseView, ...commonProblems, 409: problemResponse('stale version: reload and decide again'), 412: problemResponse('If-Match is malformed'), 422: problemResponse('event not allowed now (allowedEvents) or a rule refuses it (rules)'), 428: problemResponse('If-Match is required') },
    },
  }, async (request, reply) => {
    const principal = requirePrincipal(request)
    const expected = versionFromIfMatch(request.headers['if-match'])
    const { row } = await engine.apply(request.params.id, request.body, principal, expected)
    return reply.header('etag', etagOf(row.version)).send(toCaseView(row, principal, await readClockViews(db, row, clock.now())))
  })
}
export default caseEventRoutes
