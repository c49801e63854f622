/**
 * Configuration from the environment, validated at start. One TypeBox schema is both the check and the type,
 * so a bad value stops the service with a message naming the variable (River's `mustValidate` habit).
 */
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

/** Used only when NODE_ENV is not `production`; the production service refuses to start without a real secret. */
export const DEVELOPMENT_JWT_SECRET = 'onewindow-development-secret-do-not-use-in-production'

export const ConfigSchema = Type.Object({
  /** TCP port the HTTP API listens on. Default 3000. */
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  /** Address to bind. Default 127.0.0.1 (put a reverse proxy in front for anything else). */
  host: Type.String({ minLength: 1 }),
  /** PostgreSQL connection string; when absent the embedded PGlite database in `dataDir` is used. */
  databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** Folder of the embedded PGlite database. Default `./data`. */
  dataDir: Type.String({ minLength: 1 }),
  /** HS256 secret for bearer tokens (at least 32 characters). */
  jwtSecret: Type.Optional(Type.String({ minLength: 32 })),
  /** JWKS URL of an identity provider; when set, tokens are verified against it instead of the secret. */
  jwksUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** pino level. Default `info`. */
  logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
  /** Run the timer and outbox worker inside the HTTP process. Default true. */
  inProcessWorker: Type.Boolean(),
  production: Type.Boolean(),
})
export type Config = Static<typeof ConfigSchema>

const ENV_NAMES: Record<string, string> = {
  port: 'PORT', host: 'HOST', databaseUrl: 'DATABASE_URL', dataDir: 'ONEWINDOW_DATA_DIR',
  jwtSecret: 'ONEWINDOW_JWT_SECRET', jwksUrl: 'ONEWINDOW_JWKS_URL', logLevel: 'LOG_LEVEL',
  inProcessWorker: 'ONEWINDOW_IN_PROCESS_WORKER',
}

export class ConfigError extends Error {}

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(raw)}`)
  return Number(raw)
}

function boolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback
  if (['1', 'true', 'yes'].includes(raw)) return true
  if (['0', 'false', 'no'].includes(raw)) return false
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`)
}

/** Reads and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production'
  const candidate: Record<string, unknown> = {
    port: integer('PORT', env.PORT, 3000),
    host: env.HOST || '127.0.0.1',
    dataDir: env.ONEWINDOW_DATA_DIR || './data',
    logLevel: env.LOG_LEVEL || 'info',
    inProcessWorker: boolean('ONEWINDOW_IN_PROCESS_WORKER', env.ONEWINDOW_IN_PROCESS_WORKER, true),
    production,
  }
  if (env.DATABASE_URL) candidate.databaseUrl = env.DATABASE_URL
  if (env.ONEWINDOW_JWKS_URL) candidate.jwksUrl = env.ONEWINDOW_JWKS_URL
  if (env.ONEWINDOW_JWT_SECRET) candidate.jwtSecret = env.ONEWINDOW_JWT_SECRET
  else if (!production && !env.ONEWINDOW_JWKS_URL) candidate.jwtSecret = DEVELOPMENT_JWT_SECRET
  const first = [...Value.Errors(ConfigSchema, candidate)][0]
  if (first) {
    const key = first.instancePath.replace(/^\//, '') || String(Object.values(first.params ?? {})[0] ?? '')
    const name = ENV_NAMES[key] ?? key
    throw new ConfigError(`invalid configuration: ${name} ${first.message} (got ${JSON.stringify(candidate[key])})`)
  }
  if (!candidate.jwtSecret && !candidate.jwksUrl) {
    throw new ConfigError('invalid configuration: set ONEWINDOW_JWT_SECRET (32+ characters) or ONEWINDOW_JWKS_URL when NODE_ENV=production')
  }
  return candidate as Config
}
