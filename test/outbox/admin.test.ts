/**
 * What an administrator sees and does: dead letters after N attempts and their redelivery through the API,
 * unroutable messages (no endpoint) and their release when an endpoint is configured, the most specific endpoint
 * winning, secrets never returned, and the jurisdiction and role checks.
 */
import t from 'tap'
import { databaseName } from '../helpers/db.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'
import { eventIdOf } from '../../src/outbox/dispatcher.ts'
import { secretFingerprint } from '../../src/outbox/admin.ts'
import { cityAdmin, healthReceiver, OTHER_SECRET, otherCityAdmin, outboxRows, provinceAdmin, SECRET, webhookSetup } from './helpers.ts'
import { startReceiver } from './receiver.ts'

t.test(`a message is dead-lettered after N failed attempts, listed for the admin, and redelivered on request (${databaseName})`, async (t) => {
  const h = await webhookSetup(t)
  const receiver = await healthReceiver(t, h)
  await h.acceptedCase()
  const [first, second] = await outboxRows(h.database.db)

  receiver.mode = 'fail'
  const d = h.dispatcher({ maxAttempts: 3 })
  for (let pass = 1; pass <= 3; pass++) {
    const attempts = await d.drain()
    t.equal(attempts.length, 2, `attempt ${pass} of both messages`)
    t.same(attempts.map((a) => a.deadLettered), [pass === 3, pass === 3], pass === 3 ? 'the third failure dead-letters' : 'retried later')
    h.clock.advance(60_000)
  }
  t.equal((await d.drain()).length, 0, 'a dead letter is not tried again')
  t.equal(receiver.requests.length, 6)

  const dead = await h.admin(cityAdmin, 'GET', '/v1/admin/outbox?status=dead&limit=1')
  t.equal(dead.statusCode, 200, dead.body)
  t.match(dead.json().items, [{ id: second!.id, eventId: eventIdOf(second!.id), status: 'dead', attempts: 3, lastStatus: 500, lastError: 'HTTP 500: receiver database unavailable', department: 'health', jurisdiction: '421202' }])
  const next = await h.admin(cityAdmin, 'GET', `/v1/admin/outbox?status=dead&limit=1&cursor=${dead.json().nextCursor}`)
  t.same(next.json().items.map((i: { id: string }) => i.id), [first!.id], 'keyset pagination, newest first')
  t.equal(next.json().nextCursor, null)
  t.same((await h.admin(cityAdmin, 'GET', '/v1/admin/outbox?status=pending')).json().items, [])
  t.same((await h.admin(otherCityAdmin, 'GET', '/v1/admin/outbox?status=dead')).json().items, [], 'another city\'s admin sees none of them')
  t.equal((await h.admin(cityAdmin, 'GET', '/v1/admin/outbox?cursor=bm9wZQ')).json().code, 'invalid-cursor')

  // Redelivery: only by an admin of the case's division, only of a dead or unroutable message.
  t.equal((await h.admin(otherCityAdmin, 'POST', `/v1/admin/outbox/${first!.id}/redeliver`)).json().code, 'outbox-message-not-found')
  const byOfficer = await h.admin(p.officer, 'POST', `/v1/admin/outbox/${first!.id}/redeliver`)
  t.equal(byOfficer.statusCode, 403)
  t.equal(byOfficer.json().code, 'role-not-allowed')
  t.equal((await h.admin(cityAdmin, 'POST', '/v1/admin/outbox/999999/redeliver')).statusCode, 404)

  h.clock.advance(3_600_000)
  const redelivered = await h.admin(cityAdmin, 'POST', `/v1/admin/outbox/${first!.id}/redeliver`)
  t.equal(redelivered.statusCode, 200, redelivered.body)
  t.match(redelivered.json(), {
    status: 'pending', attempts: 0, deadLetteredAt: null, redeliveries: 1, redeliveredBy: cityAdmin.id,
    redeliveredAt: h.clock.now().toISOString(), nextAttemptAt: h.clock.now().toISOString(),
  })
  const again = await h.admin(cityAdmin, 'POST', `/v1/admin/outbox/${first!.id}/redeliver`)
  t.equal(again.statusCode, 409)
  t.match(again.json(), { code: 'outbox-not-redeliverable', status: 409 })

  receiver.mode = 'ok'
  const attempts = await d.drain()
  t.match(attempts, [{ outboxId: first!.id, attempt: 1, outcome: 'delivered' }], 'only the redelivered message goes out')
  t.same([...receiver.store.keys()], [eventIdOf(first!.id)])
  t.ok(receiver.requests.every((r) => r.verified.ok))

  const view = (await h.admin(cityAdmin, 'GET', `/v1/admin/outbox/${first!.id}`)).json()
  t.match(view, { status: 'delivered', attempts: 1, redeliveries: 1, redeliveredBy: cityAdmin.id })
  t.same(view.deliveries.map((x: { attempt: number; outcome: string }) => [x.attempt, x.outcome]),
    [[1, 'rejected'], [2, 'rejected'], [3, 'rejected'], [1, 'delivered']], 'the log keeps the attempts before the redelivery')
  t.equal((await h.admin(cityAdmin, 'POST', `/v1/admin/outbox/${first!.id}/redeliver`)).json().code, 'outbox-not-redeliverable', 'a delivered message is not redelivered')
  t.equal((await h.admin(cityAdmin, 'GET', `/v1/admin/outbox/${second!.id}`)).json().status, 'dead', 'the other one stays dead until asked')
})

t.test(`a message no endpoint covers is unroutable, visible, and released when an endpoint is configured (${databaseName})`, async (t) => {
  const h = await webhookSetup(t)
  const receiver = await startReceiver({ secret: SECRET, now: () => h.clock.now() })
  t.teardown(() => receiver.close())
  // An endpoint of another department, and one of health in another city: neither covers a health case in 421202.
  await h.admin(cityAdmin, 'PUT', '/v1/admin/webhooks/421200/civilAffairs', { url: receiver.url('/civil'), secret: SECRET })
  await h.admin(provinceAdmin, 'PUT', '/v1/admin/webhooks/420100/health', { url: receiver.url('/wuhan'), secret: SECRET })
  await h.acceptedCase('421202')
  const d = h.dispatcher()
  const report = await d.runOnce()
  t.equal(report.claimed, 2)
  t.equal(report.attempts.length, 0, 'nothing is sent')
  t.match(report.unroutable, [{ department: 'health', jurisdiction: '421202' }, { department: 'health', jurisdiction: '421202' }])
  t.equal((await d.drain()).length, 0, 'an unroutable message is not retried')
  t.equal(receiver.requests.length, 0)

  const list = await h.admin(cityAdmin, 'GET', '/v1/admin/outbox?status=unroutable')
  t.equal(list.statusCode, 200, list.body)
  t.match(list.json().items, [
    { status: 'unroutable', attempts: 0, lastError: 'no active webhook endpoint of health covers 421202' },
    { status: 'unroutable', attempts: 0 },
  ])

  // Configuring the county's health endpoint releases them.
  const put = await h.admin(cityAdmin, 'PUT', '/v1/admin/webhooks/421202/health', { url: receiver.url('/xianan'), secret: SECRET })
  t.equal(put.statusCode, 201, put.body)
  t.equal(put.json().released, 2)
  const attempts = await d.drain()
  t.equal(attempts.length, 2)
  t.ok(attempts.every((a) => a.outcome === 'delivered'))
  t.same(receiver.requests.map((r) => r.path), ['/xianan', '/xianan'])
  t.same((await h.admin(cityAdmin, 'GET', '/v1/admin/outbox?status=delivered')).json().items.length, 2)
  t.same((await h.admin(cityAdmin, 'GET', '/v1/admin/outbox?status=unroutable')).json().items, [])
})

t.test(`the most specific active endpoint of the case's department receives: county, then city, then province (${databaseName})`, async (t) => {
  const h = await webhookSetup(t)
  const secrets: Record<string, string> = { '/hubei': SECRET, '/xianning': OTHER_SECRET, '/xianan': SECRET }
  const receiver = await startReceiver({ secret: (path) => secrets[path]!, now: () => h.clock.now() })
  t.teardown(() => receiver.close())
  t.equal((await h.admin(provinceAdmin, 'PUT', '/v1/admin/webhooks/420000/health', { url: receiver.url('/hubei'), secret: SECRET })).statusCode, 201)
  t.equal((await h.admin(cityAdmin, 'PUT', '/v1/admin/webhooks/421200/health', { url: receiver.url('/xianning'), secret: OTHER_SECRET })).statusCode, 201)
  t.equal((await h.admin(cityAdmin, 'PUT', '/v1/admin/webhooks/421202/health', { url: receiver.url('/xianan'), secret: SECRET })).statusCode, 201)

  const xianan = await h.engine.create(clinicFilingApplication({ jurisdiction: '421202' }), p.applicant)
  const jiayu = await h.engine.create(clinicFilingApplication({ jurisdiction: '421221' }), p.applicant)
  await h.dispatcher().drain()
  const pathOf = (caseId: string) => [...receiver.store.values()].find((s) => s.message.caseId === caseId)?.path
  t.equal(pathOf(xianan.row.id), '/xianan', 'the county\'s own endpoint')
  t.equal(pathOf(jiayu.row.id), '/xianning', 'a county without one: its city\'s')
  t.ok(receiver.requests.every((r) => r.verified.ok), 'each signed with its endpoint\'s secret')

  // Turning the city's endpoint off hands its counties to the province.
  const off = await h.admin(cityAdmin, 'PUT', '/v1/admin/webhooks/421200/health', { url: receiver.url('/xianning'), active: false })
  t.equal(off.statusCode, 200, off.body)
  t.match(off.json(), { created: false, endpoint: { active: false, secretFingerprint: secretFingerprint(OTHER_SECRET) } })
  t.notOk('secret' in off.json(), 'an existing secret is kept and not returned')
  const later = await h.engine.create(clinicFilingApplication({ jurisdiction: '421221' }), p.applicant)
  await h.dispatcher().drain()
  t.equal(pathOf(later.row.id), '/hubei')
})

t.test(`configuring endpoints: validation, secrets never listed, generated secret shown once, jurisdiction checks (${databaseName})`, async (t) => {
  const h = await webhookSetup(t)
  const created = await h.admin(cityAdmin, 'PUT', '/v1/admin/webhooks/421202/civilAffairs', { url: 'https://minzheng.example.gov.cn/hooks/onewindow' })
  t.equal(created.statusCode, 201, created.body)
  const generated: string = created.json().secret
  t.match(generated, /^whsec_[A-Za-z0-9+/]{43}=$/, 'a generated 32-byte secret, returned this once')
  t.equal(created.json().endpoint.secretFingerprint, secretFingerprint(generated))
  t.match(created.json().endpoint, { jurisdiction: '421202', department: 'civilAffairs', active: true, createdBy: cityAdmin.id })

  const rotated = await h.admin(cityAdmin, 'PUT', '/v1/admin/webhooks/421202/civilAffairs', { url: 'https://minzheng.example.gov.cn/hooks/v2', secret: SECRET })
  t.equal(rotated.statusCode, 200)
  t.notOk('secret' in rotated.json(), 'a given secret is never echoed')
  t.match(rotated.json().endpoint, { url: 'https://minzheng.example.gov.cn/hooks/v2', secretFingerprint: secretFingerprint(SECRET), updatedBy: cityAdmin.id })

  await h.admin(provinceAdmin, 'PUT', '/v1/admin/webhooks/420000/health', { url: 'https://wjw.hubei.example/hooks', secret: SECRET })
  const listed = await h.admin(cityAdmin, 'GET', '/v1/admin/webhooks')
  t.equal(listed.statusCode, 200)
  t.same(listed.json().items.map((e: { jurisdiction: string }) => e.jurisdiction), ['421202'], 'the city admin sees its own division and below')
  t.notOk(listed.body.includes('whsec_'), 'no secret in the list')
  t.same((await h.admin(provinceAdmin, 'GET', '/v1/admin/webhooks')).json().items.map((e: { jurisdiction: string }) => e.jurisdiction), ['420000', '421202'])

  const bad = async (body: unknown, url = '/v1/admin/webhooks/421202/health') => (await h.admin(cityAdmin, 'PUT', url, body)).json()
  t.match(await bad({ url: 'ftp://x.example/hooks', secret: SECRET }), { status: 400, code: 'invalid-request', errors: [{ name: '/body/url' }] })
  t.match(await bad({ url: 'https://x.example/hooks', secret: 'plain-text-secret' }), { status: 400, code: 'invalid-request', errors: [{ name: '/body/secret' }] })
  t.match(await bad({ url: 'https://x.example/hooks', secret: 'whsec_' + Buffer.alloc(16).toString('base64') + 'AAAAAAAAAAAAAAAA' }), { status: 400, errors: [{ name: '/body/secret' }] },
    'the base64 must decode to 24–64 bytes')
  t.match(await bad({ url: 'https://user:pw@x.example/hooks', secret: SECRET }), { status: 422, code: 'webhook-url-invalid' })
  t.match(await bad({ url: 'https://x.example/hooks', secret: SECRET }, '/v1/admin/webhooks/421202/police'), { status: 400, code: 'invalid-request' })
  t.match(await bad({ url: 'https://x.example/hooks', secret: SECRET }, '/v1/admin/webhooks/371302/health'), { status: 403, code: 'jurisdiction-not-allowed' })
  t.match(await bad({ url: 'https://x.example/hooks', secret: SECRET }, '/v1/admin/webhooks/420000/health'), { status: 403, code: 'jurisdiction-not-allowed' },
    'a city admin cannot configure the province\'s endpoint')
  const officer = await h.admin(p.officer, 'PUT', '/v1/admin/webhooks/421202/health', { url: 'nonsense' })
  t.match(officer.json(), { status: 403, code: 'role-not-allowed' }, 'the role is checked before the body')
  t.equal((await h.admin(p.officer, 'GET', '/v1/admin/outbox')).statusCode, 403)
  t.equal((await h.call(null, 'GET', '/v1/admin/webhooks')).statusCode, 401)
})
