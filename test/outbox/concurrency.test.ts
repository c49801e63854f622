/**
 * Two dispatchers on two connection pools over one outbox (PostgreSQL): the claim's FOR UPDATE SKIP LOCKED and the
 * lease give each message to one of them, so nothing is sent twice by concurrent passes.
 */
import t from 'tap'
import { onlyWithServerPostgres } from '../helpers/db.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'
import { eventIdOf } from '../../src/outbox/dispatcher.ts'
import { cityAdmin, manualTimeouts, outboxRows, SECRET, until, webhookSetup } from './helpers.ts'
import { startReceiver } from './receiver.ts'

t.test('two dispatchers on separate pools never send one message twice', onlyWithServerPostgres, async (t) => {
  const h = await webhookSetup(t)
  const receiver = await startReceiver({ secret: SECRET, now: () => h.clock.now() })
  t.teardown(() => receiver.close())
  t.equal((await h.admin(cityAdmin, 'PUT', '/v1/admin/webhooks/421200/health', { url: receiver.url(), secret: SECRET })).statusCode, 201)
  for (let i = 0; i < 40; i++) await h.engine.create(clinicFilingApplication({ jurisdiction: i % 2 ? '421202' : '421221' }), p.applicant)
  const all = (await outboxRows(h.database.db)).map((r) => eventIdOf(r.id))
  t.equal(all.length, 40)

  const poolA = await h.database.connect!(2)
  const poolB = await h.database.connect!(2)

  // While A's batch is in flight (the receiver holds it), B claims: a different batch.
  receiver.mode = 'hang'
  const timeouts = manualTimeouts()
  const a = h.dispatcher({ name: 'a', batchSize: 5, requestSignal: timeouts.signal }, poolA.db)
  const b = h.dispatcher({ name: 'b', batchSize: 5, requestSignal: timeouts.signal }, poolB.db)
  const passA = a.runOnce()
  await until(() => receiver.requests.length === 5)
  const passB = b.runOnce()
  await until(() => receiver.requests.length === 10)
  timeouts.fire()
  const [ra, rb] = await Promise.all([passA, passB])
  const idsA = ra.attempts.map((x) => x.eventId)
  const idsB = rb.attempts.map((x) => x.eventId)
  t.equal(idsA.length, 5)
  t.equal(idsB.length, 5)
  t.same(idsA.filter((id) => idsB.includes(id)), [], 'the two batches are disjoint')

  // Both drain the rest concurrently, passes interleaving on two pools.
  receiver.mode = 'ok'
  h.clock.advance(3_600_000)
  const before = receiver.requests.length
  const [da, db] = await Promise.all([a.drain(), b.drain()])
  const sent = [...da, ...db].map((x) => x.eventId)
  t.equal(sent.length, 40, 'each message attempted once more in this phase')
  t.equal(new Set(sent).size, 40, 'by one dispatcher only')
  const onWire = receiver.requests.slice(before).map((r) => r.webhookId!)
  t.equal(onWire.length, 40)
  t.equal(new Set(onWire).size, 40, 'no message arrived twice')
  t.same([...receiver.store.keys()].sort(), [...all].sort(), 'every message is stored')
  t.ok([...receiver.storeCount.values()].every((n) => n === 1))
  t.ok(receiver.requests.every((r) => r.verified.ok))
  t.ok((await outboxRows(h.database.db)).every((r) => r.delivered_at !== null))
})
