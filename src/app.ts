/**
 * Builds the Fastify application from its plugins. Never listens: the server and the tests both call it.
 */
import { randomUUID } from 'node:crypto'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Logger } from 'pino'
import type { DatabaseHandle } from './db/database.ts'
import type { Engine } from './engine/engine.ts'
import type { Clock } from './engine/clock.ts'
import type { TokenVerifier } from './auth/tokens.ts'
import problems, { frameworkErrorProblem } from './http/plugins/problems.ts'
import authenticate from './http/plugins/authenticate.ts'
import access from './http/plugins/access.ts'
import audit from './http/plugins/audit.ts'
import auditRoutes from './http/routes/audit.ts'
import { Problem } from './http/schemas/problem.ts'
import caseRoutes from './http/routes/cases.ts'
import caseEventRoutes from './http/routes/caseEvents.ts'
import procedureRoutes from './http/routes/procedures.ts'
import healthRoutes from './http/routes/health.ts'
import calendarRoutes from './http/routes/calendars.ts'
import adminCalendarRoutes from './http/routes/adminCalendars.ts'
import policyRoutes from './http/routes/policies.ts'
import oneWindowApplicationRoutes from './http/routes/oneWindowApplications.ts'
import oneWindowPlanRoutes from './http/routes/oneWindowPlans.ts'
import worklistRoutes from './http/routes/worklists.ts'
import inspectionRoutes from './http/routes/inspections.ts'
import adminWebhookRoutes from './http/routes/adminWebhooks.ts'
import supervisionRoutes from './http/routes/supervision.ts'
import type { DatabasePolicyStore } from './policy/dbStore.ts'
import { FORMATS } from './validation/formats.ts'
import security from './http/plugins/security.ts'
import { clientErrorProblem } from './http/clientErrors.ts'
import { RATE_LIMIT_DEFAULTS, SECURITY_DEFAULTS, type RateLimitSettings } from './security/settings.ts'

export interface AppOptions {
  database: DatabaseHandle
  engine: Engine
  /** The same clock the engine uses: remaining days and colours are computed for "now" on it. */
  clock: Clock
  verifier: TokenVerifier
  /** A pino logger; omit for a silent app (tests). */
  logger?: Logger
  /** Largest accepted request body in bytes. Default 1 MiB: documents travel by reference, not inline. */
  bodyLimit?: number
  /** Browser origins of the applicant portal allowed by CORS; default none (docs/SECURITY.md). */
  portalOrigins?: string[]
  /** Rate limits per IP and per principal; default RATE_LIMIT_DEFAULTS, false for none (the tests' default). */
  rateLimit?: RateLimitSettings | false
  /** Fastify `trustProxy`: believe X-Forwarded-For from these proxies (needed for per-IP limits behind a proxy). */
  trustProxy?: boolean | number | string
  /** Time for a client to send a whole request, ms. Default 30 s. */
  requestTimeoutMs?: number
  /** The policy store the engine resolves with (shipped files plus loaded versions); default: one over the database. */
  policies?: DatabasePolicyStore
}

export const API_VERSION = '0.1.0'

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    // Fastify's two lines per request are replaced by our one line (onResponse hook below).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID()
    },
    bodyLimit: options.bodyLimit ?? SECURITY_DEFAULTS.bodyLimit,
    requestTimeout: options.requestTimeoutMs ?? SECURITY_DEFAULTS.requestTimeoutMs,
    // A hop count is accepted at run time (proxy-addr) though Fastify's types list only booleans and addresses.
    trustProxy: (options.trustProxy ?? false) as boolean | string,
    // Malformed HTTP, oversized headers and request timeouts are refused by Node before Fastify: answer them as problems too.
    clientErrorHandler: clientErrorProblem,
    frameworkErrors: frameworkErrorProblem,
    connectionTimeout: 60_000,
    return503OnClosing: true,
    // Our formats check the check characters of 统一社会信用代码 and 公民身份号码 (src/validation/formats.ts).
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true, formats: FORMATS } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  // JSON only: a text/plain body would otherwise reach validation as a string.
  app.removeContentTypeParser('text/plain')
  app.addSchema(Problem)
  await app.register(problems)
  await app.register(security, { portalOrigins: options.portalOrigins ?? [], rateLimit: options.rateLimit ?? RATE_LIMIT_DEFAULTS })

  // One log line per request, with its id; bodies are never logged.
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern, never the path or query: those can carry ids of persons (个人信息保护法 第五十一条).
    request.log.info(
      {
        method: request.method, route: request.routeOptions.url ?? '(no route)', statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime), role: request.principal?.role,
      },
      'request',
    )
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'onewindow',
        version: API_VERSION,
        description:
          'Approval engine for integrated medical and elderly-care institutions (医养结合机构): filings, one window, ' +
          'time limits on the working-day calendar. Every error is application/problem+json with a stable `code`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      tags: [{ name: 'cases' }, { name: 'procedures' }, { name: 'one-window' }, { name: 'health' }, { name: 'supervision' }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  })
  // Swagger UI loads its own scripts and styles: a CSP for /docs alone (no upgrade-insecure-requests: county
  // intranets often serve plain HTTP behind the proxy).
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: "default-src 'self'; base-uri 'self'; font-src 'self' data:; frame-ancestors 'self'; img-src 'self' data:; " +
      "object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; form-action 'self'",
  })
  await app.register(authenticate, { verifier: options.verifier })

  const { db, kind } = options.database
  await app.register(access, { db })
  await app.register(audit, { db, clock: options.clock })
  await app.register(healthRoutes, { db, kind })
  await app.register(procedureRoutes)
  await app.register(caseRoutes, { engine: options.engine, db, clock: options.clock })
  await app.register(caseEventRoutes, { engine: options.engine, db, clock: options.clock })
  await app.register(calendarRoutes, { db })
  await app.register(worklistRoutes, { engine: options.engine, db, clock: options.clock })
  await app.register(adminCalendarRoutes, { db, engine: options.engine, clock: options.clock })
  await app.register(inspectionRoutes, { db, engine: options.engine, clock: options.clock })
  await app.register(adminWebhookRoutes, { db, clock: options.clock })
  await app.register(auditRoutes, { db })
  await app.register(supervisionRoutes, { db, clock: options.clock })
  await app.register(policyRoutes, { db, clock: options.clock, ...(options.policies ? { policies: options.policies } : {}) })
  await app.register(oneWindowApplicationRoutes, { engine: options.engine, db, clock: options.clock })
  await app.register(oneWindowPlanRoutes, { db, clock: options.clock, ...(options.policies ? { policies: options.policies } : {}) })
  return app
}
