/**
 * Security settings of the HTTP API, from the environment, validated like src/outbox/config.ts: a bad value stops
 * the service with a message naming the variable. docs/SECURITY.md lists them and how a county sets them.
 */
import { ConfigError } from '../config.ts'
import { boundedInteger } from '../envValues.ts'

export interface RateLimitSettings {
  /** Requests per window per authenticated principal (token `sub`) (ONEWINDOW_RATE_LIMIT_PER_PRINCIPAL, default 300). */
  perPrincipal: number
  /** Requests per window per client IP, authenticated or not (ONEWINDOW_RATE_LIMIT_PER_IP, default 600). */
  perIp: number
  /** Length of the window (ONEWINDOW_RATE_LIMIT_WINDOW_MS, default 60000 = one minute). */
  windowMs: number
}

export interface SecuritySettings {
  /** Browser origins of the applicant portal allowed by CORS (ONEWINDOW_PORTAL_ORIGINS, comma-separated; default none). */
  portalOrigins: string[]
  /** Rate limits; false turns them off (ONEWINDOW_RATE_LIMIT=false, for load tests only). */
  rateLimit: RateLimitSettings | false
  /**
   * Trust X-Forwarded-For from the reverse proxy (ONEWINDOW_TRUST_PROXY: false, true, a hop count or comma-separated
   * proxy addresses; default false). Without it every client behind the proxy shares the proxy's IP limit.
   */
  trustProxy: boolean | number | string
  /** Largest request body in bytes (ONEWINDOW_BODY_LIMIT, default 1 MiB: documents travel by reference). */
  bodyLimit: number
  /** Time for a client to send a whole request (ONEWINDOW_REQUEST_TIMEOUT_MS, default 30000). */
  requestTimeoutMs: number
}

export const RATE_LIMIT_DEFAULTS: RateLimitSettings = { perPrincipal: 300, perIp: 600, windowMs: 60_000 }
export const SECURITY_DEFAULTS: SecuritySettings = {
  portalOrigins: [], rateLimit: RATE_LIMIT_DEFAULTS, trustProxy: false, bodyLimit: 1024 * 1024, requestTimeoutMs: 30_000,
}

/** An origin is scheme://host[:port] exactly as a browser sends it: no path, no trailing slash, no wildcard. */
function origins(raw: string | undefined): string[] {
  if (!raw || raw.trim() === '') return []
  return raw.split(',').map((s) => s.trim()).filter(Boolean).map((origin) => {
    let url: URL
    try { url = new URL(origin) } catch { url = new URL('invalid:') }
    if (!/^https?:$/.test(url.protocol) || url.origin !== origin) {
      throw new ConfigError(`invalid configuration: ONEWINDOW_PORTAL_ORIGINS entries must be origins like https://portal.example.gov.cn (no path, no trailing slash), got ${JSON.stringify(origin)}`)
    }
    return origin
  })
}

function trustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined || raw === '' || ['0', 'false', 'no'].includes(raw)) return false
  if (['true', 'yes'].includes(raw)) return true
  if (/^\d+$/.test(raw)) return Number(raw)
  if (/^[0-9a-fA-F.:/, ]+$/.test(raw)) return raw
  throw new ConfigError(`invalid configuration: ONEWINDOW_TRUST_PROXY must be true, false, a hop count or proxy addresses, got ${JSON.stringify(raw)}`)
}

export function loadSecuritySettings(env: NodeJS.ProcessEnv = process.env): SecuritySettings {
  const d = RATE_LIMIT_DEFAULTS
  const enabled = env.ONEWINDOW_RATE_LIMIT
  if (enabled !== undefined && enabled !== '' && !['1', 'true', 'yes', '0', 'false', 'no'].includes(enabled)) {
    throw new ConfigError(`invalid configuration: ONEWINDOW_RATE_LIMIT must be true or false, got ${JSON.stringify(enabled)}`)
  }
  return {
    portalOrigins: origins(env.ONEWINDOW_PORTAL_ORIGINS),
    rateLimit: ['0', 'false', 'no'].includes(enabled ?? '') ? false : {
      perPrincipal: boundedInteger('ONEWINDOW_RATE_LIMIT_PER_PRINCIPAL', env.ONEWINDOW_RATE_LIMIT_PER_PRINCIPAL, 1, 1_000_000) ?? d.perPrincipal,
      perIp: boundedInteger('ONEWINDOW_RATE_LIMIT_PER_IP', env.ONEWINDOW_RATE_LIMIT_PER_IP, 1, 1_000_000) ?? d.perIp,
      windowMs: boundedInteger('ONEWINDOW_RATE_LIMIT_WINDOW_MS', env.ONEWINDOW_RATE_LIMIT_WINDOW_MS, 1000, 86_400_000) ?? d.windowMs,
    },
    trustProxy: trustProxy(env.ONEWINDOW_TRUST_PROXY),
    bodyLimit: boundedInteger('ONEWINDOW_BODY_LIMIT', env.ONEWINDOW_BODY_LIMIT, 1024, 64 * 1024 * 1024) ?? SECURITY_DEFAULTS.bodyLimit,
    requestTimeoutMs: boundedInteger('ONEWINDOW_REQUEST_TIMEOUT_MS', env.ONEWINDOW_REQUEST_TIMEOUT_MS, 1000, 600_000) ?? SECURITY_DEFAULTS.requestTimeoutMs,
  }
}
