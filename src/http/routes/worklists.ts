/**
 * Worklists: what waits on the caller, and claiming a case (one route for claim, release and reassign; the
 * action is in the body). Claims go through the engine and into the case's history. docs/WORKLISTS.md.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Kysely } from 'kysely'
import { CaseIdParams, CaseView, IfMatchHeaders } from '../schemas/cases.ts'
import { commonProblems, problemResponse } from '../schemas/problem.ts'
import { requirePrincipal } from '../plugins/authenticate.ts'
import { etagOf, toCaseView } from '../views.ts'
import { versionFromIfMatch } from './caseEvents.ts'
import type { Engine } from '../../engine/engine.ts'
import type { Clock } from '../../engine/clock.ts'
import type { Database } from '../../db/schema.ts'
import { readClockViews } from '../../cases/clockViews.ts'
import { readWorklist } from '../../worklists/worklist.ts'

const security = [{ bearer: [] }]

export const ClaimBody = Type.Object(
  {
    action: Type.Union([Type.Literal('claim'), Type.Literal('release'), Type.Literal('reassign')], {
      description: 'claim: take the case; release: give it back (holder, or a head of the department); reassign: a head names the new holder',
    }),
    to: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'reassign: id of the official who will hold the case' })),
    toRole: Type.Optional(Type.Union([Type.Literal('clerk'), Type.Literal('officer'), Type.Literal('head')], {
      description: 'reassign: the role in which they hold it (default: the current holder\'s role, else the first role the state waits on)',
    })),
    reason: Type.Optional(Type.String({ maxLength: 500, description: 'recorded in the case history' })),
  },
  { additionalProperties: false },
)

export const WorklistQuery = Type.Object(
  {
    mine: Type.Optional(Type.Boolean({ description: 'only the cases the caller holds' })),
    procedure: Type.Optional(Type.String({ maxLength: 64 })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
)

const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()])

export const WorklistItem = Type.Object({
  id: Type.String({ format: 'uuid' }),
  procedure: Type.String(),
  state: Type.String(),
  stateLabel: Type.String({ description: 'the state as the window names it' }),
  department: Type.String(),
  jurisdiction: Type.String(),
  version: Type.Integer({ description: 'the ETag to claim or act with' }),
  assignee: Nullable(Type.String({ description: 'the holder: null (unclaimed) or the caller' })),
  assigneeRole: Nullable(Type.String()),
  claimedAt: Nullable(Type.String({ format: 'date-time' })),
  dueOn: Nullable(Type.String({ description: 'earliest last day among the running clocks' })),
  dueAt: Nullable(Type.String({ format: 'date-time' })),
  colour: Type.Union([Type.Literal('green'), Type.Literal('yellow'), Type.Literal('red'), Type.Null()], {
    description: 'worst colour among the running clocks; null when no clock runs',
  }),
  createdAt: Type.String({ format: 'date-time' }),
})

export const Worklist = Type.Object({
  items: Type.Array(WorklistItem),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as ?cursor= for the next page; null at the end' }),
})

const worklistRoutes: FastifyPluginAsyncTypebox<{ engine: Engine; db: Kysely<Database>; clock: Clock }> = async (app, { engine, db, clock }) => {
  app.get('/v1/worklist', {
    config: { access: { action: 'worklist.read' } },
    schema: {
      operationId: 'getWorklist', tags: ['cases'], security,
      summary: 'Cases waiting on the caller\'s role in their department and jurisdiction, unclaimed or held by the caller; earliest deadline first',
      querystring: WorklistQuery,
      response: { 200: Worklist, ...commonProblems },
    },
  }, async (request) => {
    const principal = requirePrincipal(request)
    const { mine, procedure, cursor, limit } = request.query
    return readWorklist(db, principal, { mine, procedure, cursor, limit: limit ?? 50 }, clock.now())
  })

  app.post('/v1/cases/:id/claim', {
    config: { access: { action: 'case.read', caseParam: 'id' } },
    schema: {
      operationId: 'claimCase', tags: ['cases'], security,
      summary: 'Claim, release or reassign a case (recorded in its history); If-Match optional',
      params: CaseIdParams, headers: IfMatchHeaders, body: ClaimBody,
      response: {
        200: CaseView, ...commonProblems,
        409: problemResponse('case-claimed (held by another: `holder`), case-not-claimed, or stale-version'),
        412: problemResponse('If-Match is malformed'),
        422: problemResponse('the case is not waiting on the caller\'s role'),
      },
    },
  }, async (request, reply) => {
    const principal = requirePrincipal(request)
    const header = request.headers['if-match']
    const expected = header === undefined ? undefined : versionFromIfMatch(header)
    const { row } = await engine.claim(request.params.id, request.body, principal, expected)
    return reply.header('etag', etagOf(row.version)).send(toCaseView(row, principal, await readClockViews(db, row, clock.now())))
  })
}
export default worklistRoutes
