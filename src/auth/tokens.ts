/**
 * Bearer tokens: verified with the HS256 secret (ONEWINDOW_JWT_SECRET) or a real identity provider's JWKS
 * (ONEWINDOW_JWKS_URL). The claims name the subject, role, jurisdiction and department.
 */
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import type { Principal } from './principal.ts'

export const TokenClaims = Type.Object({
  sub: Type.String({ minLength: 1, maxLength: 200 }),
  role: Type.Union(
    [Type.Literal('applicant'), Type.Literal('clerk'), Type.Literal('officer'), Type.Literal('head'), Type.Literal('supervisor'), Type.Literal('admin')],
    { description: 'the system role is never issued in a token' },
  ),
  jurisdiction: Type.String({ pattern: '^[0-9]{6}$' }),
  department: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
})
export type TokenClaims = Static<typeof TokenClaims>

export class TokenError extends Error {}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>
}

export function createTokenVerifier(options: { secret?: string | undefined; jwksUrl?: string | undefined }): TokenVerifier {
  const key = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl))
    : new TextEncoder().encode(options.secret ?? '')
  return {
    async verify(token) {
      let payload: JWTPayload
      try {
        ;({ payload } = options.jwksUrl
          ? await jwtVerify(token, key as ReturnType<typeof createRemoteJWKSet>)
          : await jwtVerify(token, key as Uint8Array, { algorithms: ['HS256'] }))
      } catch (err) {
        throw new TokenError(`the bearer token is not valid: ${(err as Error).message}`)
      }
      const first = [...Value.Errors(TokenClaims, payload)][0]
      if (first) throw new TokenError(`the token's claims are incomplete: ${first.instancePath || 'claims'} ${first.message}`)
      const claims = payload as unknown as TokenClaims
      return { id: claims.sub, role: claims.role, jurisdiction: claims.jurisdiction, department: claims.department }
    },
  }
}

/** A development token (HS256). `expiresIn` like '8h'. */
export async function signDevelopmentToken(claims: TokenClaims, secret: string, expiresIn = '8h'): Promise<string> {
  const { sub, ...rest } = claims
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret))
}
