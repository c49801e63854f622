/** Webhook signatures: the Standard Webhooks scheme, checked against the specification's published test vector. */
import t from 'tap'
import { generateWebhookSecret, isValidWebhookSecret, signWebhook, verifyWebhookSignature, webhookHeaders } from '../../src/outbox/signature.ts'

// The test vector of the Standard Webhooks specification (standard-webhooks/standard-webhooks, its libraries' tests).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
}
const at = new Date(VECTOR.timestamp * 1000)
const headers = (signature = VECTOR.signature, timestamp = String(VECTOR.timestamp)) =>
  ({ 'webhook-id': VECTOR.id, 'webhook-timestamp': timestamp, 'webhook-signature': signature })

t.test('signs exactly as the specification\'s test vector', async (t) => {
  t.equal(signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body), VECTOR.signature)
  t.same(webhookHeaders(VECTOR.secret, VECTOR.id, new Date(VECTOR.timestamp * 1000 + 999), VECTOR.body), headers(), 'the timestamp is whole seconds')
})

t.test('verifies, and refuses what was tampered with, signed with another secret, or too old', async (t) => {
  t.same(verifyWebhookSignature({ secret: VECTOR.secret, headers: headers(), body: VECTOR.body, now: at }), { ok: true, id: VECTOR.id, timestamp: VECTOR.timestamp })
  t.same(verifyWebhookSignature({ secret: VECTOR.secret, headers: new Headers(headers()), body: Buffer.from(VECTOR.body), now: at }).ok, true, 'fetch Headers and a Buffer body')
  t.same(verifyWebhookSignature({ secret: VECTOR.secret, headers: headers(), body: '{"test": 2432232315}', now: at }), { ok: false, reason: 'bad-signature' })
  t.same(verifyWebhookSignature({ secret: generateWebhookSecret(), headers: headers(), body: VECTOR.body, now: at }), { ok: false, reason: 'bad-signature' })
  t.same(verifyWebhookSignature({ secret: VECTOR.secret, headers: headers(undefined, String(VECTOR.timestamp + 1)), body: VECTOR.body, now: at }),
    { ok: false, reason: 'bad-signature' }, 'the timestamp is signed')
  t.same(verifyWebhookSignature({ secret: VECTOR.secret, headers: headers(), body: VECTOR.body, now: new Date(at.getTime() + 301_000) }),
    { ok: false, reason: 'timestamp-out-of-tolerance' }, 'a replay after five minutes is refused')
  t.same(verifyWebhookSignature({ secret: VECTOR.secret, headers: headers(), body: VECTOR.body, now: new Date(at.getTime() + 299_000) }).ok, true)
  t.same(verifyWebhookSignature({ secret: VECTOR.secret, headers: headers(undefined, 'yesterday'), body: VECTOR.body, now: at }), { ok: false, reason: 'bad-timestamp' })
  t.same(verifyWebhookSignature({ secret: VECTOR.secret, headers: { 'webhook-id': VECTOR.id }, body: VECTOR.body, now: at }), { ok: false, reason: 'missing-headers' })
  t.same(verifyWebhookSignature({ secret: VECTOR.secret, headers: headers(`v1,bm90IGl0 v2,abc ${VECTOR.signature}`), body: VECTOR.body, now: at }).ok, true,
    'any of several space-separated signatures may match (secret rotation)')
})

t.test('secrets: whsec_ + base64 of 24 to 64 bytes', async (t) => {
  const s = generateWebhookSecret()
  t.ok(isValidWebhookSecret(s))
  t.equal(Buffer.from(s.slice(6), 'base64').length, 32)
  t.ok(isValidWebhookSecret(VECTOR.secret), '24 bytes')
  t.notOk(isValidWebhookSecret('whsec_' + Buffer.alloc(16).toString('base64')), '16 bytes is too short')
  t.notOk(isValidWebhookSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), 'the prefix is required')
  t.notOk(isValidWebhookSecret('whsec_' + Buffer.alloc(65).toString('base64')), 'more than 64 bytes')
})
