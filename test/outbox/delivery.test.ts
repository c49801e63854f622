/**
 * Webhook delivery against a real HTTP receiver that fails, goes down, hangs past the timeout and recovers: every
 * message ends up exactly once in the receiver's idempotent store, every request's signature verifies, and the
 * attempt log tells the story. The dispatcher is driven pass by pass on the app's fixed clock (no sleeping out
 * backoffs); request timeouts are injected too and fired once the receiver holds the requests.
 */
import t from 'tap'
import { databaseName } from '../helpers/db.ts'
import { backoffDelayMs, eventIdOf, retryAfterMs } from '../../src/outbox/dispatcher.ts'
import { cityAdmin, healthReceiver, manualTimeouts, outboxRows, SECRET, until, webhookSetup } from './helpers.ts'
import { startReceiver } from './receiver.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'

t.test(`a receiver that fails, is down, hangs and recovers stores every message exactly once (${databaseName})`, async (t) => {
  const h = await webhookSetup(t)
  const receiver = await startReceiver({ secret: SECRET, now: () => h.clock.now() })
  t.teardown(() => receiver.close())

  const put = await h.admin(cityAdmin, 'PUT', '/v1/admin/webhooks/421200/health', { url: receiver.url(), secret: SECRET })
  t.equal(put.statusCode, 201, put.body)

  const cases = [await h.acceptedCase('421202'), await h.supplementCase('421221'), await h.acceptedCase('421221')]
  const messages = await outboxRows(h.database.db)
  t.equal(messages.length, 6, 'filed + accepted, filed + supplement requested, filed + accepted')
  t.same(messages.map((m) => m.topic), [
    'clinicFiling.submitted', 'clinicFiling.accepted', 'clinicFiling.submitted', 'clinicFiling.supplementRequested',
    'clinicFiling.submitted', 'clinicFiling.accepted',
  ])
  const ids = messages.map((m) => eventIdOf(m.id))

  const d = h.dispatcher({ batchSize: 4 })
  const advancePastBackoff = () => h.clock.advance(60_000)

  // (a) the receiver answers 500.
  receiver.mode = 'fail'
  let attempts = await d.drain()
  t.equal(attempts.length, 6, 'every message attempted once (two passes of 4 and 2)')
  t.ok(attempts.every((a) => a.outcome === 'rejected' && a.status === 500 && a.error === 'HTTP 500: receiver database unavailable'))
  t.ok(attempts.every((a) => a.nextAttemptAt?.getTime() === h.clock.now().getTime() + backoffDelayMs(1, 1000, 60_000, () => 0.5)),
    'the next attempt after base·2⁰ with half jitter')
  t.same((await d.runOnce()).claimed, 0, 'nothing is due again before its backoff ends')
  t.equal(receiver.store.size, 0)

  // The receiver is down: connection refused.
  await receiver.down()
  advancePastBackoff()
  attempts = await d.drain()
  t.equal(attempts.length, 6)
  // A new connection is refused; a kept-alive one from the last pass finds the other side closed.
  t.ok(attempts.every((a) => a.outcome === 'error' && a.status === null && /^request failed: (ECONNREFUSED|UND_ERR_SOCKET)/.test(a.error ?? '')),
    'the failed connection is recorded')
  await receiver.up()

  // (b) the receiver stores each message, then never answers: the dispatcher times out and will send it again.
  receiver.mode = 'storeThenHang'
  advancePastBackoff()
  const timeouts = manualTimeouts()
  const pass = h.dispatcher({ batchSize: 6, timeoutMs: 300, requestSignal: timeouts.signal }).runOnce()
  await until(() => receiver.store.size === 6)
  t.pass('the receiver stored all six, but answers none')
  timeouts.fire()
  attempts = (await pass).attempts
  t.equal(attempts.length, 6)
  t.ok(attempts.every((a) => a.outcome === 'timeout' && a.error === 'no answer within 300 ms'), 'the sender records timeouts')

  // (c) the receiver recovers: the same ids arrive again and are acknowledged without being stored twice.
  receiver.mode = 'ok'
  advancePastBackoff()
  attempts = await d.drain()
  t.equal(attempts.length, 6)
  t.ok(attempts.every((a) => a.outcome === 'delivered' && a.attempt === 4))
  t.equal((await d.runOnce()).claimed, 0, 'nothing left to send')

  t.same([...receiver.store.keys()].sort(), [...ids].sort(), 'every message is in the store')
  t.ok([...receiver.storeCount.values()].every((n) => n === 1), 'each exactly once')
  const sent = receiver.requests.filter((r) => r.webhookId)
  t.equal(sent.length, 6 * 3, 'on the wire: 500s, the hung attempts and the resends (the refused attempts never arrived)')
  t.ok(sent.every((r) => r.verified.ok), 'every signature verifies with the configured secret')
  for (const id of ids) t.equal(sent.filter((r) => r.webhookId === id).length, 3, `${id} was sent three times, stored once`)

  // The body: a stable id equal to webhook-id, the case and the history event it reports.
  const supplement = messages.find((m) => m.topic === 'clinicFiling.supplementRequested')!
  const stored = receiver.store.get(eventIdOf(supplement.id))!.message
  t.same(stored, {
    id: eventIdOf(supplement.id), topic: 'clinicFiling.supplementRequested', caseId: cases[1], seq: 3, eventType: 'REQUEST_SUPPLEMENT',
    occurredAt: new Date('2026-03-02T09:00:00+08:00').toISOString(),
    case: { procedure: 'clinicFiling', department: 'health', jurisdiction: '421221', parentId: null, state: 'supplementRequested', statusCode: stored.case.statusCode },
  })
  const accepted = receiver.store.get(eventIdOf(messages[1]!.id))!.message
  t.match(accepted, { topic: 'clinicFiling.accepted', seq: 3, eventType: 'ACCEPT', case: { state: 'accepted', jurisdiction: '421202' } })

  // The outbox and the attempt log.
  const rows = await outboxRows(h.database.db)
  t.ok(rows.every((r) => r.delivered_at && r.attempts === 4 && r.dead_lettered_at === null && r.last_error === null), 'all delivered after 4 attempts')
  const log = await h.database.db.selectFrom('outbox_deliveries').select(['outbox_id', 'attempt', 'outcome']).orderBy('id').execute()
  t.equal(log.length, 24)
  t.same(log.filter((l) => String(l.outbox_id) === rows[0]!.id).map((l) => [l.attempt, l.outcome]),
    [[1, 'rejected'], [2, 'error'], [3, 'timeout'], [4, 'delivered']])

  const view = await h.admin(cityAdmin, 'GET', `/v1/admin/outbox/${rows[0]!.id}`)
  t.equal(view.statusCode, 200, view.body)
  t.match(view.json(), { status: 'delivered', attempts: 4, lastStatus: 204, deliveries: [{ outcome: 'rejected', status: 500 }, { outcome: 'error' }, { outcome: 'timeout' }, { outcome: 'delivered', status: 204 }] })
})

t.test(`a message stays leased while its request is in flight: a second pass does not send it again (${databaseName})`, async (t) => {
  const h = await webhookSetup(t)
  const receiver = await healthReceiver(t, h)
  await h.acceptedCase()
  receiver.mode = 'hang'
  const timeouts = manualTimeouts()
  const first = h.dispatcher({ requestSignal: timeouts.signal }).runOnce()
  // While the first pass waits for the receiver, another pass (another dispatcher) finds nothing due.
  await until(() => receiver.requests.length === 2)
  const second = await h.dispatcher().runOnce()
  t.equal(second.claimed, 0, 'leased rows are not claimed again')
  timeouts.fire()
  const report = await first
  t.equal(report.attempts.length, 2)
  t.ok(report.attempts.every((a) => a.outcome === 'timeout'))
})

t.test('backoff: doubles from the base, capped, half of it jittered', async (t) => {
  t.equal(backoffDelayMs(1, 1000, 60_000, () => 0), 500)
  t.equal(backoffDelayMs(1, 1000, 60_000, () => 0.999999), 1000)
  t.equal(backoffDelayMs(3, 1000, 60_000, () => 0), 2000)
  t.equal(backoffDelayMs(10, 1000, 60_000, () => 1), 60_000, 'capped')
  t.equal(backoffDelayMs(200, 1000, 60_000, () => 0), 30_000, 'no overflow for large attempt numbers')
})

t.test('Retry-After: seconds or an HTTP-date, on 429 and 503 only, within the cap', async (t) => {
  const now = new Date('2026-03-02T01:00:00Z')
  t.equal(retryAfterMs(429, '30', now, 60_000), 30_000)
  t.equal(retryAfterMs(503, 'Mon, 02 Mar 2026 01:00:45 GMT', now, 60_000), 45_000)
  t.equal(retryAfterMs(503, 'Mon, 02 Mar 2026 00:59:00 GMT', now, 60_000), 0, 'a date in the past: no extra pause')
  t.equal(retryAfterMs(429, '86400', now, 60_000), 60_000, 'capped at the longest backoff')
  t.equal(retryAfterMs(500, '30', now, 60_000), null, 'other statuses: our own backoff')
  t.equal(retryAfterMs(429, null, now, 60_000), null)
  t.equal(retryAfterMs(429, 'soon', now, 60_000), null, 'unreadable: ignored')
})

t.test(`a receiver that answers 429 with Retry-After is not asked again before it said (${databaseName})`, async (t) => {
  const h = await webhookSetup(t)
  const receiver = await healthReceiver(t, h)
  await h.engine.create(clinicFilingApplication(), p.applicant)
  receiver.mode = 'throttle'
  const d = h.dispatcher()
  const [attempt] = (await d.runOnce()).attempts
  t.match(attempt, { outcome: 'rejected', status: 429 })
  t.equal(attempt!.nextAttemptAt!.getTime(), h.clock.now().getTime() + 30_000, 'the receiver\'s 30 s, longer than the first backoff')
  h.clock.advance(20_000)
  t.equal((await d.runOnce()).claimed, 0, 'not due before the receiver said')
  receiver.mode = 'ok'
  h.clock.advance(10_000)
  t.match((await d.runOnce()).attempts, [{ outcome: 'delivered', attempt: 2 }])
  t.equal(receiver.store.size, 1)
})

t.test(`the real request timeout (AbortSignal.timeout) ends a request the receiver never answers (${databaseName})`, async (t) => {
  const h = await webhookSetup(t)
  const receiver = await healthReceiver(t, h)
  await h.engine.create(clinicFilingApplication(), p.applicant)
  receiver.mode = 'hang'
  const report = await h.dispatcher({ timeoutMs: 100 }).runOnce()
  t.match(report.attempts, [{ outcome: 'timeout', error: 'no answer within 100 ms', attempt: 1, deadLettered: false }])
})
