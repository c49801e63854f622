/** The procedures the service runs, read from the machines themselves (never a hand-kept copy). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { procedures, findProcedure } from '../../../machines/index.ts'
import { describeProcedure } from '../../procedures/describe.ts'
import { procedureNotFound } from '../../engine/errors.ts'
import { ProblemRef } from '../schemas/problem.ts'

const Obj = Type.Object({}, { additionalProperties: true })
const ProcedureView = Type.Object({
  id: Type.String(), version: Type.String(), title: Type.String(), titleZh: Type.String(), description: Type.String(),
  initialState: Type.String(), creationEvent: Type.String(),
  states: Type.Array(Type.Object({
    state: Type.String(), label: Type.String(), description: Type.String(), source: Type.Union([Type.String(), Type.Null()]),
    final: Type.Boolean(), waitingOn: Type.Array(Type.String()),
    clocks: Type.Array(Type.Object({ name: Type.String(), mode: Type.String(), pauseKind: Type.Union([Type.String(), Type.Null()]) })),
    transitions: Type.Array(Type.Object({ event: Type.String(), target: Type.String(), guards: Type.Array(Type.String()) })),
  })),
  events: Type.Array(Type.Object({
    type: Type.String(), roles: Type.Array(Type.String()), description: Type.String(), source: Type.String(),
    statusCode: Type.Union([Type.Integer(), Type.Null()]), payload: Obj,
  })),
  rules: Type.Array(Type.Object({ name: Type.String(), description: Type.String(), source: Type.String() })),
  clocks: Type.Array(Type.Object({
    name: Type.String(), title: Type.String(), titleZh: Type.String(), policyKey: Type.String({ description: 'limits: <policyKey>.statutory|promised in GET /v1/policies/{jurisdiction}' }),
    optional: Type.Boolean(),
    onExpiry: Type.Union([Type.Object({ event: Type.String(), description: Type.String() }), Type.Null()]),
    extension: Type.Union([Type.Object({ event: Type.String(), description: Type.String() }), Type.Null()]),
  })),
  mermaid: Type.String({ description: 'Mermaid stateDiagram-v2 generated from the machine' }),
})

const procedureRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/procedures', {
    schema: {
      operationId: 'listProcedures', tags: ['procedures'],
      summary: 'Every procedure with its states, events, roles and the sources they cite',
      response: { 200: Type.Object({ items: Type.Array(ProcedureView) }) },
    },
  }, async () => ({ items: Object.values(procedures).map(describeProcedure) }))

  app.get('/v1/procedures/:id', {
    schema: {
      operationId: 'getProcedure', tags: ['procedures'],
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
      response: { 200: ProcedureView, 404: ProblemRef },
    },
  }, async (request) => {
    const def = findProcedure(request.params.id)
    if (!def) throw procedureNotFound(request.params.id, Object.keys(procedures))
    return describeProcedure(def)
  })
}
export default procedureRoutes
