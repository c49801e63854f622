/**
 * Transport security of the API (issue #8): CORS for the applicant portal's origins only, security headers, and
 * rate limits per client IP and per authenticated principal. Every refusal is application/problem+json.
 *
 * Order matters: CORS and helmet headers go on first so a browser can read even a 429; the IP limit runs before
 * the token is verified (a flood of garbage tokens costs no signature checks); the principal limit runs in
 * preParsing, after src/http/plugins/authenticate.ts has put the principal on the request.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import { DomainError } from '../../engine/errors.ts'
import type { RateLimitSettings } from '../../security/settings.ts'

export interface SecurityPluginOptions {
  portalOrigins: string[]
  rateLimit: RateLimitSettings | false
}

/**
 * The API answers JSON, PDF and (for the one-time notice) self-contained HTML with inline CSS: nothing may run
 * scripts, load from elsewhere or frame it. /docs (Swagger UI) sets its own CSP (src/app.ts).
 */
const API_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], imgSrc: ['data:'], fontSrc: ['data:'],
    frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"],
  },
}

/** Response headers a portal script may read: versions for If-Match, where a case was created, limits. */
const EXPOSED = ['ETag', 'Location', 'X-Request-Id', 'Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Reset', 'Content-Disposition']

type Limiter = ReturnType<FastifyInstance['createRateLimit']>

async function enforce(limiter: Limiter, request: FastifyRequest, reply: FastifyReply, what: string) {
  const result = await limiter(request)
  if (result.isAllowed || !result.isExceeded) return
  reply.header('retry-after', String(result.ttlInSeconds))
  reply.header('x-ratelimit-limit', String(result.max))
  reply.header('x-ratelimit-reset', String(result.ttlInSeconds))
  throw new DomainError('rate-limited', 429, 'Too Many Requests',
    `more than ${result.max} requests ${what} in ${Math.round(result.timeWindow / 1000)} s; retry after ${result.ttlInSeconds} s`,
    { limit: result.max, retryAfter: result.ttlInSeconds })
}

export default fp(async function security(app: FastifyInstance, opts: SecurityPluginOptions) {
  const allowed = new Set(opts.portalOrigins)
  await app.register(cors, {
    // Only the configured portal origins; any other origin gets no Access-Control-Allow-Origin and the browser refuses.
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'If-Match', 'X-Request-Id'],
    exposedHeaders: EXPOSED,
    credentials: false, // bearer tokens, never cookies
    maxAge: 600,
    // A malformed preflight gets the same empty answer as a refused one, not a text/plain 400.
    strictPreflight: false,
  })
  await app.register(helmet, {
    contentSecurityPolicy: API_CSP,
    // Tokens in URLs never leave via Referer; the API is not a page that needs cross-origin isolation.
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  })

  if (opts.rateLimit === false) return
  const { perIp, perPrincipal, windowMs } = opts.rateLimit
  await app.register(rateLimit, { global: false })
  // Separate stores per limiter; 10 000 keys each (least recently seen evicted first).
  const byIp = app.createRateLimit({ max: perIp, timeWindow: windowMs, cache: 10_000 } as Parameters<FastifyInstance['createRateLimit']>[0])
  const byPrincipal = app.createRateLimit({
    max: perPrincipal, timeWindow: windowMs, cache: 10_000, keyGenerator: (request: FastifyRequest) => `principal:${request.principal?.id}`,
  } as Parameters<FastifyInstance['createRateLimit']>[0])
  app.addHook('onRequest', async (request, reply) => enforce(byIp, request, reply, 'from this address'))
  app.addHook('preParsing', async (request, reply) => {
    if (request.principal) await enforce(byPrincipal, request, reply, 'for this principal')
  })
})
