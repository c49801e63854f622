/** Puts the verified principal on every request that carries a bearer token; routes call `requirePrincipal`. */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Principal } from '../../auth/principal.ts'
import { TokenError, type TokenVerifier } from '../../auth/tokens.ts'
import { DomainError } from '../../engine/errors.ts'

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
}

const unauthorized = (detail: string) => new DomainError('unauthenticated', 401, 'Unauthorized', detail)

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized('this route needs Authorization: Bearer <token>')
  return request.principal
}

export default fp(async function authenticate(app: FastifyInstance, opts: { verifier: TokenVerifier }) {
  app.decorateRequest('principal', null)
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization
    if (!header) return
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/.exec(header)
    if (!match) {
      reply.header('www-authenticate', 'Bearer')
      throw unauthorized('the Authorization header must be "Bearer <token>"')
    }
    try {
      request.principal = await opts.verifier.verify(match[1]!)
    } catch (err) {
      if (!(err instanceof TokenError)) throw err
      reply.header('www-authenticate', 'Bearer error="invalid_token"')
      throw unauthorized(err.message)
    }
  })
})
