/** Cases: file one, read one, list, read its history. Writes go through the engine only. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CaseIdParams, CaseList, CaseListQuery, CaseView, CreateCaseBody, HistoryView } from '../schemas/cases.ts'
import { commonProblems, problemResponse } from '../schemas/problem.ts'
import { requirePrincipal } from '../plugins/authenticate.ts'
import { etagOf, toCaseView, toEventView } from '../views.ts'
import { listCases, readCase, readHistory } from '../../cases/read.ts'
import type { Engine } from '../../engine/engine.ts'
import type { Clock } from '../../engine/clock.ts'
import { readClockViews } from '../../cases/clockViews.ts'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'

const security = [{ bearer: [] }]

const caseRoutes: FastifyPluginAsyncTypebox<{ engine: Engine; db: Kysely<Database>; clock: Clock }> = async (app, { engine, db, clock }) => {
  app.post('/v1/cases', {
    config: { access: { action: 'case.create' } },
    schema: {
      operationId: 'createCase', tags: ['cases'], security,
      summary: 'File an application (the receipt, 已接件); the applicant is the token subject',
      body: CreateCaseBody,
      response: { 201: CaseView, ...commonProblems, 422: problemResponse('the procedure does not apply to this institution here (source given)') },
    },
  }, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { row } = await engine.create(request.body, principal)
    const clocks = await readClockViews(db, row, clock.now())
    return reply.status(201).header('etag', etagOf(row.version)).header('location', `/v1/cases/${row.id}`).send(toCaseView(row, principal, clocks))
  })

  app.get('/v1/cases/:id', {
    config: { access: { action: 'case.read', caseParam: 'id' } },
    schema: {
      operationId: 'getCase', tags: ['cases'], security,
      summary: 'A case: its state, record, version (as ETag) and the events the caller may send now',
      params: CaseIdParams,
      response: { 200: CaseView, ...commonProblems },
    },
  }, async (request, reply) => {
    const principal = requirePrincipal(request)
    const row = await readCase(db, request.params.id, principal)
    return reply.header('etag', etagOf(row.version)).send(toCaseView(row, principal, await readClockViews(db, row, clock.now())))
  })

  app.get('/v1/cases/:id/history', {
    config: { access: { action: 'case.read', caseParam: 'id' } },
    schema: {
      operationId: 'getCaseHistory', tags: ['cases'], security,
      summary: 'Every event of the case, in order (append-only)',
      params: CaseIdParams,
      response: { 200: HistoryView, ...commonProblems },
    },
  }, async (request) => {
    const events = await readHistory(db, request.params.id, requirePrincipal(request))
    return { caseId: request.params.id, events: events.map(toEventView) }
  })

  app.get('/v1/cases', {
    config: { access: { action: 'case.list' }, audit: { action: 'case.list' } },
    schema: {
      operationId: 'listCases', tags: ['cases'], security,
      summary: 'Cases visible to the caller, newest first (keyset pagination)',
      querystring: CaseListQuery,
      response: { 200: CaseList, ...commonProblems },
    },
  }, async (request) => {
    const principal = requirePrincipal(request)
    const { state, procedure, cursor, limit } = request.query
    const page = await listCases(db, principal, { state, procedure, cursor, limit: limit ?? 50 })
    request.auditCaseIds = page.items.map((r) => r.id)
    return { items: page.items.map((r) => toCaseView(r, principal)), nextCursor: page.nextCursor }
  })
}
export default caseRoutes

