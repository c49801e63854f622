/**
 * Random inspections (双随机、一公开; DOMAIN.md §2.8 R8; docs/INSPECTIONS.md): the inspector roster, draws with
 * their verification, and the published results. Scheduling and results are events on each case, sent through the
 * engine (the draw schedules; results go through POST /v1/cases/{id}/events).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type TProperties } from 'typebox'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import type { Engine } from '../../engine/engine.ts'
import type { Clock } from '../../engine/clock.ts'
import { commonProblems, problemResponse } from '../schemas/problem.ts'
import { requirePrincipal } from '../plugins/authenticate.ts'
import { createDraw, listInspectors, listPublicInspections, putInspector, readDraw, verifyStoredDraw } from '../../inspections/store.ts'

const security = [{ bearer: [] }]
const tags = ['inspections']
const obj = <T extends TProperties>(props: T, description?: string) =>
  Type.Object(props, { additionalProperties: false, ...(description ? { description } : {}) })

const IsoDay = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date', description: 'date, YYYY-MM-DD (Asia/Shanghai)' })
const Division = Type.String({ pattern: '^[0-9]{6}$', description: 'GB/T 2260 code' })
const Department = Type.Union([
  Type.Literal('health'), Type.Literal('civilAffairs'), Type.Literal('healthcareSecurity'), Type.Literal('marketRegulation'),
  Type.Literal('housingConstruction'), Type.Literal('serviceCentre'),
], { description: 'department (DOMAIN.md §2.12)' })
const Pool = Type.Union([Type.Literal('medical'), Type.Literal('elderCare')], { description: 'the 双随机 pool (DOMAIN.md §2.8 R8)' })
const Seed = Type.String({ pattern: '^[0-9a-f]{64}$', description: '256-bit seed, 64 lowercase hex digits' })
const Digest = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the canonical JSON of { inputs, result } (docs/INSPECTIONS.md)' })
const DrawId = obj({ id: Type.String({ format: 'uuid' }) })
const InspectorId = obj({ id: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._@:-]+$', description: 'the official\'s principal id (token subject)' }) })

const InspectorBody = obj({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  jurisdiction: Division,
  department: Department,
  active: Type.Boolean({ default: true }),
})
const InspectorView = obj({
  id: Type.String(), name: Type.String(), jurisdiction: Type.String(), department: Department, active: Type.Boolean(),
  createdBy: Type.String(), createdAt: Type.String({ format: 'date-time' }), updatedBy: Type.String(), updatedAt: Type.String({ format: 'date-time' }),
}, 'an inspector on the roster')

const Candidate = obj({ caseId: Type.String(), institutionKey: Type.String(), conflicts: Type.Array(Type.String()) })
const Pair = obj({ caseId: Type.String(), institutionKey: Type.String(), inspectors: Type.Array(Type.String()) })
const DrawInputs = obj({
  algorithm: Type.String(), seed: Seed, sampleSize: Type.Integer(), inspectorsPerInstitution: Type.Integer(),
  candidates: Type.Array(Candidate, { description: 'the pool, sorted by case id, each with the roster ids excluded for a conflict' }),
  roster: Type.Array(Type.String(), { description: 'active inspector ids of the department in scope, sorted' }),
}, 'everything the draw depends on, in canonical form')

const DrawView = obj({
  id: Type.String({ format: 'uuid' }), department: Department, jurisdiction: Division, pool: Pool, poolSource: Type.String(),
  period: obj({ from: IsoDay, to: IsoDay }), plannedOn: IsoDay, sampleSize: Type.Integer(), inspectorsPerInstitution: Type.Integer(),
  seed: Seed, algorithm: Type.String(), inputs: DrawInputs, result: Type.Array(Pair, { description: 'the sample in draw order, each with its inspectors' }),
  digest: Digest, drawnBy: Type.String(), drawnAt: Type.String({ format: 'date-time' }),
}, 'a random inspection draw with its seed, inputs and result')

const DrawBody = obj({
  department: Department,
  jurisdiction: Type.Optional(Division),
  period: obj({ from: IsoDay, to: IsoDay }),
  plannedOn: Type.Optional(IsoDay),
  sampleSize: Type.Integer({ minimum: 1, maximum: 1000 }),
  inspectorsPerInstitution: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 2 })),
  seed: Type.Optional(Seed),
})

const VerificationView = obj({
  drawId: Type.String({ format: 'uuid' }), algorithm: Type.String(), digest: Digest,
  matches: Type.Boolean({ description: 'the re-run gives the recorded result and the digest is the recorded one' }),
  digestMatches: Type.Boolean(), resultMatches: Type.Boolean(),
  reasons: Type.Array(Type.String(), { description: 'why not, when it does not match' }),
})

const PublicInspection = obj({
  drawId: Type.String({ format: 'uuid' }), drawDigest: Digest, department: Department, pool: Pool,
  period: obj({ from: IsoDay, to: IsoDay }), plannedOn: IsoDay, drawnOn: IsoDay,
  institution: obj({ name: Type.String(), unifiedSocialCreditCode: Type.Union([Type.String(), Type.Null()]), jurisdiction: Division }, 'the organisation (no personal data)'),
  result: Type.Union([Type.Literal('scheduled'), Type.Literal('passed'), Type.Literal('failed')]),
  resultOn: Type.Union([IsoDay, Type.Null()]),
  rectification: Type.Union([Type.Literal('ordered'), Type.Literal('rectified'), Type.Literal('revoked'), Type.Null()]),
  rectificationOn: Type.Union([IsoDay, Type.Null()]),
}, 'a published inspection result (一公开): no inspector, no findings, no personal data')

const drawProblems = {
  ...commonProblems,
  403: problemResponse('only a supervisor of the department, for its own division or one below it'),
  409: problemResponse('a sampled case changed while the draw was recorded; draw again'),
  422: problemResponse('the pool or the roster is too small (inspection-pool-too-small, inspection-roster-too-small), the period is invalid, or the department runs no pool'),
}

export interface InspectionRouteOptions { db: Kysely<Database>; engine: Engine; clock: Clock }

const inspectionRoutes: FastifyPluginAsyncTypebox<InspectionRouteOptions> = async (app, { db, engine, clock }) => {
  app.put('/v1/inspections/inspectors/:id', {
    config: { access: { action: 'inspection.roster' } },
    schema: {
      operationId: 'putInspector', tags, security,
      summary: 'Add an official to the inspector roster, or change or deactivate one (supervisor of the department, or admin)',
      params: InspectorId, body: InspectorBody,
      response: { 200: InspectorView, 201: InspectorView, ...commonProblems },
    },
  }, async (request, reply) => {
    const { view, created } = await putInspector(db, requirePrincipal(request), request.params.id, request.body, clock.now())
    return reply.status(created ? 201 : 200).send(view)
  })

  app.get('/v1/inspections/inspectors', {
    config: { access: { action: 'inspection.roster' } },
    schema: {
      operationId: 'listInspectors', tags, security,
      summary: 'The inspector roster of the caller\'s division and below (supervisor: own department; admin: any)',
      querystring: obj({ department: Type.Optional(Department) }),
      response: { 200: obj({ items: Type.Array(InspectorView) }), ...commonProblems },
    },
  }, async (request) => ({ items: await listInspectors(db, requirePrincipal(request), request.query.department) }))

  app.post('/v1/inspections/draws', {
    config: { access: { action: 'inspection.draw' } },
    schema: {
      operationId: 'createInspectionDraw', tags, security,
      summary: 'Draw institutions from the department\'s 双随机 pool and inspectors from its roster (conflicts excluded); records the seed and inputs and schedules each inspection on its case',
      body: DrawBody,
      response: { 201: DrawView, ...drawProblems },
    },
  }, async (request, reply) => {
    const record = await createDraw(db, engine, requirePrincipal(request), request.body, clock.now())
    return reply.status(201).header('location', `/v1/inspections/draws/${record.id}`).send(record)
  })

  app.get('/v1/inspections/draws/:id', {
    config: { access: { action: 'inspection.read' } },
    schema: {
      operationId: 'getInspectionDraw', tags, security,
      summary: 'A draw with its seed, inputs and result (officials of its division, above or below, and admins)',
      params: DrawId,
      response: { 200: DrawView, ...commonProblems },
    },
  }, async (request) => readDraw(db, request.params.id, requirePrincipal(request)))

  app.post('/v1/inspections/draws/:id/verify', {
    schema: {
      operationId: 'verifyInspectionDraw', tags,
      summary: 'Re-run a recorded draw from its recorded seed and inputs and say whether it gives the recorded result (public, no authentication)',
      params: DrawId,
      response: { 200: VerificationView, 400: commonProblems[400], 404: commonProblems[404], 500: commonProblems[500] },
    },
  }, async (request) => verifyStoredDraw(db, request.params.id))

  app.get('/v1/public/inspections', {
    schema: {
      operationId: 'listPublicInspections', tags,
      summary: 'Published inspection results (一公开), newest draw first, keyset-paginated; no authentication, no personal data',
      querystring: obj({
        department: Type.Optional(Department),
        jurisdiction: Type.Optional(Division),
        drawId: Type.Optional(Type.String({ format: 'uuid' })),
        cursor: Type.Optional(Type.String({ maxLength: 200 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
      }),
      response: {
        200: obj({ items: Type.Array(PublicInspection), nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as ?cursor= for the next page; null at the end' }) }),
        400: commonProblems[400], 500: commonProblems[500],
      },
    },
  }, async (request) => {
    const { department, jurisdiction, drawId, cursor, limit } = request.query
    return listPublicInspections(db, { department, jurisdiction, drawId, cursor, limit: limit ?? 50 })
  })
}
export default inspectionRoutes
