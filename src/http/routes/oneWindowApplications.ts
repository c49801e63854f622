/**
 * One-window combined applications (DOMAIN.md P5): file once for every procedure the institution needs, and follow
 * each department's progress. The application is a case (procedure `oneWindow`): the window's acts (BEGIN_INTAKE_CHECK,
 * REQUEST_SUPPLEMENT, ACCEPT, ISSUE_SUPPLEMENT_NOTICE, DELIVER, …) are sent to POST /v1/cases/{id}/events like any
 * other event, through the one engine path.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Kysely } from 'kysely'
import { CaseIdParams, CaseView, InstitutionProfile, Jurisdiction } from '../schemas/cases.ts'
import { SubmittedMaterials } from '../../../machines/schemas.ts'
import { commonProblems, problemResponse } from '../schemas/problem.ts'
import { requirePrincipal } from '../plugins/authenticate.ts'
import { etagOf, toCaseView } from '../views.ts'
import { readCase } from '../../cases/read.ts'
import { readClockViews } from '../../cases/clockViews.ts'
import { applicationView } from '../../oneWindow/applicationView.ts'
import { caseNotFound } from '../../engine/errors.ts'
import type { Engine } from '../../engine/engine.ts'
import type { Clock } from '../../engine/clock.ts'
import type { Database } from '../../db/schema.ts'

const security = [{ bearer: [] }]
const Obj = Type.Object({}, { additionalProperties: true })
const Colour = Type.Union([Type.Literal('green'), Type.Literal('yellow'), Type.Literal('red'), Type.Null()])

export const CreateApplicationBody = Type.Object({
  jurisdiction: Jurisdiction,
  institution: InstitutionProfile,
  materials: SubmittedMaterials,
}, { additionalProperties: false })

const DepartmentProgress = Type.Object({
  caseId: Type.String({ format: 'uuid' }),
  procedure: Type.String(),
  procedureTitleZh: Type.String(),
  department: Type.String(),
  state: Type.String(),
  stateLabel: Type.String(),
  status: Type.String(),
  outcome: Type.Union([Type.Literal('approved'), Type.Literal('refused'), Type.Literal('withdrawn'), Type.Null()]),
  reasons: Type.Array(Type.String()),
  statusCode: Type.Union([Type.Integer(), Type.Null()], { description: 'national 办件 status code of the last reported act' }),
  statusCodeAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  waitingOn: Type.Array(Type.String(), { description: 'who the department\'s case waits on now' }),
  colour: Colour,
  dueOn: Type.Union([Type.String(), Type.Null()], { description: 'latest open statutory due day of the department\'s case' }),
  clocks: Type.Array(Obj),
})

export const ApplicationView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  version: Type.Integer(),
  jurisdiction: Type.String(),
  state: Type.String(),
  stateLabel: Type.String(),
  status: Type.String(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  waitingOn: Type.Array(Type.String()),
  acceptedAt: Type.Union([Type.String(), Type.Null()]),
  deemedAccepted: Type.Boolean({ description: 'accepted because the window let the 5-working-day intake limit pass (行政许可法 第三十二条)' }),
  voucher: Type.Union([Type.Object({ number: Type.String(), at: Type.String() }), Type.Null()], { description: '受理凭证' }),
  checklist: Type.Array(Obj, { description: 'every item, which procedures need it, and whether it was submitted' }),
  limit: Type.Object({
    basis: Type.Union([Type.Literal('joint'), Type.Literal('latestDepartment')]),
    dueOn: Type.Union([Type.String(), Type.Null()]),
    colour: Colour,
    source: Type.String(),
  }, { description: 'the joint limit where policy makes the handling joint (第四十二条第二款), else the latest department deadline' }),
  clocks: Type.Array(Obj),
  departments: Type.Array(DepartmentProgress),
  openRequests: Type.Array(Obj, { description: 'department requests not yet carried by a merged notice' }),
  supplementNotices: Type.Array(Obj, { description: 'merged notices sent after acceptance' }),
  delivery: Type.Union([Obj, Type.Null()]),
  followUps: Type.Array(Obj),
  followUp: Type.Union([Obj, Type.Null()], { description: 'the 医保定点 reminder once operation started' }),
})

const oneWindowApplicationRoutes: FastifyPluginAsyncTypebox<{ engine: Engine; db: Kysely<Database>; clock: Clock }> = async (app, { engine, db, clock }) => {
  app.post('/v1/one-window/applications', {
    config: { access: { action: 'case.create' } },
    schema: {
      operationId: 'createOneWindowApplication', tags: ['one-window'], security,
      summary: 'File one application for every procedure the institution needs (已接件); the window checks it within 5 working days',
      body: CreateApplicationBody,
      response: { 201: CaseView, ...commonProblems, 422: problemResponse('no procedure applies, or one of them refuses this institution here (source given)') },
    },
  }, async (request, reply) => {
    const principal = requirePrincipal(request)
    const { row } = await engine.create({ procedure: 'oneWindow', ...request.body }, principal)
    return reply.status(201).header('etag', etagOf(row.version)).header('location', `/v1/one-window/applications/${row.id}`)
      .send(toCaseView(row, principal, await readClockViews(db, row, clock.now())))
  })

  app.get('/v1/one-window/applications/:id', {
    config: { access: { action: 'case.read', caseParam: 'id' } },
    schema: {
      operationId: 'getOneWindowApplication', tags: ['one-window'], security,
      summary: 'Each department\'s progress, clock colour and what waits on whom, with national 办件 status codes',
      params: CaseIdParams,
      response: { 200: ApplicationView, ...commonProblems },
    },
  }, async (request, reply) => {
    const principal = requirePrincipal(request)
    const row = await readCase(db, request.params.id, principal)
    if (row.procedure !== 'oneWindow') throw caseNotFound(request.params.id)
    return reply.header('etag', etagOf(row.version)).send(await applicationView(db, row, clock.now()))
  })
}
export default oneWindowApplicationRoutes
