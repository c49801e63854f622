/**
 * `npm run token -- --role clerk --jurisdiction 421202 --department health --sub clerk-1`
 * Prints a development bearer token on its last line, signed with the secret the service uses
 * (ONEWINDOW_JWT_SECRET, or the development default outside production).
 */
import { parseArgs } from 'node:util'
import { Value } from 'typebox/value'
import { loadConfig } from '../config.ts'
import { signDevelopmentToken, TokenClaims } from '../auth/tokens.ts'

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    jurisdiction: { type: 'string' },
    department: { type: 'string' },
    sub: { type: 'string' },
    expires: { type: 'string', default: '8h' },
  },
  strict: true,
})
const config = loadConfig()
if (!config.jwtSecret) {
  console.error('token: no ONEWINDOW_JWT_SECRET is configured (tokens come from the identity provider in this setup)')
  process.exit(2)
}
const claims = {
  sub: values.sub ?? `${values.role ?? 'user'}-1`,
  role: values.role,
  jurisdiction: values.jurisdiction ?? '421202',
  ...(values.department ? { department: values.department } : {}),
}
const first = [...Value.Errors(TokenClaims, claims)][0]
if (first) {
  console.error(`token: ${first.instancePath.slice(1) || 'claims'} ${first.message} (roles: applicant, clerk, officer, head, supervisor, admin)`)
  process.exit(2)
}
console.log(await signDevelopmentToken(claims as TokenClaims, config.jwtSecret, values.expires))
