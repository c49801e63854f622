/**
 * Webhook signatures, the Standard Webhooks scheme (https://www.standardwebhooks.com/, "Signature scheme"):
 *   webhook-id: outbox-42
 *   webhook-timestamp: 1772413200            (Unix seconds of the attempt)
 *   webhook-signature: v1,<base64 HMAC-SHA256(key, `${id}.${timestamp}.${body}`)>
 * The secret is `whsec_` + base64 of the key bytes (24–64 random bytes), so a receiver can use any Standard Webhooks
 * library (`new Webhook(secret).verify(body, headers)`) or `verifyWebhookSignature` below. docs/WEBHOOKS.md.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const SECRET_PREFIX = 'whsec_'
/** The shape of a secret: whsec_ + base64 of 24 to 64 bytes (the column's check is the looser base64 shape). */
export const SECRET_PATTERN = '^whsec_[A-Za-z0-9+/]{32,88}={0,2}$'
/** How far a timestamp may be from the receiver's clock (Standard Webhooks' recommendation: 5 minutes). */
export const DEFAULT_TOLERANCE_SECONDS = 300

/** A new random secret (32 bytes). */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64')
}

function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new TypeError('a webhook secret starts with whsec_')
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')
  if (key.length < 24 || key.length > 64) throw new TypeError('a webhook secret holds 24 to 64 bytes (base64 after whsec_)')
  return key
}

/** Whether `secret` is a usable secret (whsec_ + base64 of 24..64 bytes). */
export function isValidWebhookSecret(secret: string): boolean {
  if (!new RegExp(SECRET_PATTERN).test(secret)) return false
  try {
    secretKey(secret)
    return true
  } catch {
    return false
  }
}

/** The value of the webhook-signature header for one attempt: `v1,<base64>`. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64')
  return `v1,${mac}`
}

/** Headers of one attempt (besides content-type). */
export function webhookHeaders(secret: string, id: string, at: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000)
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(secret, id, timestamp, body) }
}

export type VerifyResult =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: 'missing-headers' | 'bad-timestamp' | 'timestamp-out-of-tolerance' | 'bad-signature' }

type HeaderBag = Record<string, string | string[] | undefined> | Headers

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined
  const v = (headers as Record<string, string | string[] | undefined>)[name]
  return Array.isArray(v) ? v[0] : v
}

/**
 * For receivers: verifies one request. `body` is the raw body exactly as received (verify before parsing JSON);
 * `headers` a Node IncomingHttpHeaders (lower-case names) or a fetch Headers. Any of the space-separated `v1,`
 * signatures may match (a sender rotating secrets sends several). Compares in constant time.
 */
export function verifyWebhookSignature(options: {
  secret: string
  headers: HeaderBag
  body: string | Buffer
  /** The receiver's clock; default now. */
  now?: Date
  toleranceSeconds?: number
}): VerifyResult {
  const id = header(options.headers, 'webhook-id')
  const ts = header(options.headers, 'webhook-timestamp')
  const signatures = header(options.headers, 'webhook-signature')
  if (!id || !ts || !signatures) return { ok: false, reason: 'missing-headers' }
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'bad-timestamp' }
  const timestamp = Number(ts)
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000)
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { ok: false, reason: 'timestamp-out-of-tolerance' }
  const body = typeof options.body === 'string' ? options.body : options.body.toString('utf8')
  const expected = Buffer.from(signWebhook(options.secret, id, timestamp, body).slice(3), 'base64')
  for (const candidate of signatures.split(' ')) {
    const [version, value] = candidate.split(',', 2)
    if (version !== 'v1' || !value) continue
    const given = Buffer.from(value, 'base64')
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, id, timestamp }
  }
  return { ok: false, reason: 'bad-signature' }
}
