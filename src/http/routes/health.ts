/** Liveness with a database round trip: 200 when the database answers, 503 otherwise. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import type { DatabaseKind } from '../../db/database.ts'
import { ProblemRef } from '../schemas/problem.ts'
import { DomainError } from '../../engine/errors.ts'

const healthRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database>; kind: DatabaseKind }> = async (app, { db, kind }) => {
  app.get('/health', {
    schema: {
      operationId: 'health', tags: ['health'],
      response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }), 503: ProblemRef },
    },
  }, async () => {
    try {
      await sql`select 1`.execute(db)
    } catch (err) {
      throw new DomainError('database-unavailable', 503, 'Service Unavailable', `the database does not answer: ${(err as Error).message}`)
    }
    return { status: 'ok' as const, database: kind }
  })
}
export default healthRoutes
