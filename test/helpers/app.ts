/** The real application on a fresh database, with tokens signed by the same secret it verifies. */
import type { Test } from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp, type AppOptions } from '../../src/app.ts'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { loadPolicyDocuments } from '../../src/policy/store.ts'
import { createDatabasePolicyStore, type DatabasePolicyStore } from '../../src/policy/dbStore.ts'
import type { PolicyDocument } from '../../src/policy/document.ts'
import { createTokenVerifier, signDevelopmentToken, type TokenClaims } from '../../src/auth/tokens.ts'
import type { Principal } from '../../src/auth/principal.ts'
import { freshDatabase, type TestDatabase } from './db.ts'

export const TEST_SECRET = 'test-secret-0123456789-0123456789-abcdef'

export interface TestApp {
  app: FastifyInstance
  database: TestDatabase
  engine: Engine
  /** Shipped documents (plus `policies`) and the versions loaded into the test database. */
  policies: DatabasePolicyStore
  clock: ReturnType<typeof fixedClock>
  token(p: Principal): Promise<string>
  /** inject() with a bearer token for `as` and a JSON body. */
  call(as: Principal | null, method: 'GET' | 'POST', url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>
}

/** Extra options of the app itself; rate limits are off unless a test sets `app.rateLimit`. */
type AppExtras = Partial<Pick<AppOptions, 'rateLimit' | 'portalOrigins' | 'bodyLimit' | 'logger' | 'trustProxy'>>

export async function buildTestApp(t: Test, options: { at?: string; policies?: PolicyDocument[]; app?: AppExtras } = {}): Promise<TestApp> {
  const database = await freshDatabase(t)
  const clock = fixedClock(options.at ?? '2026-03-02T09:00:00+08:00')
  const policies = createDatabasePolicyStore(database.db, [...loadPolicyDocuments(), ...(options.policies ?? [])])
  const engine = new Engine({ db: database.db, clock, policies })
  const app = await buildApp({ rateLimit: false, ...options.app, database, engine, clock, policies, verifier: createTokenVerifier({ secret: TEST_SECRET }) })
  t.teardown(() => app.close())
  const token = (p: Principal) =>
    signDevelopmentToken({ sub: p.id, role: p.role as TokenClaims['role'], jurisdiction: p.jurisdiction, ...(p.department ? { department: p.department } : {}) }, TEST_SECRET)
  return {
    app, database, engine, policies, clock, token,
    async call(as, method, url, body, headers = {}) {
      const auth = as ? { authorization: `Bearer ${await token(as)}` } : {}
      return app.inject({ method, url, headers: { ...auth, ...headers }, ...(body === undefined ? {} : { payload: body as object }) })
    },
  }
}

/** Sends an event with the current version as If-Match; returns the response. */
export async function send(h: TestApp, as: Principal, caseId: string, type: string, payload: Record<string, unknown> = {}) {
  const current = await h.call(as, 'GET', `/v1/cases/${caseId}`)
  const etag = current.headers.etag as string | undefined
  return h.call(as, 'POST', `/v1/cases/${caseId}/events`, { type, payload }, etag ? { 'if-match': etag } : {})
}
