/**
 * Each department's system hears of its own routed case, decisions and requests for material (DOMAIN.md P5 with
 * docs/WEBHOOKS.md): the one-window acceptance routes two cases, and each department's endpoint receives exactly the
 * messages of its case, signed, once; the service centre's endpoint receives the application's.
 */
import t from 'tap'
import { WebhookDispatcher } from '../../src/outbox/dispatcher.ts'
import { buildTestApp } from '../helpers/app.ts'
import { startReceiver } from '../outbox/receiver.ts'
import { SECRET } from '../outbox/helpers.ts'
import { ok, people, step, view, wenshanHospital } from './helpers.ts'

t.test('routed cases reach their own departments\' endpoints', async (t) => {
  const h = await buildTestApp(t)
  const receiver = await startReceiver({ secret: SECRET, now: () => h.clock.now() })
  t.teardown(() => receiver.close())
  const admin = { id: 'admin-wenshan', role: 'admin' as const, jurisdiction: '532600' }
  for (const department of ['serviceCentre', 'civilAffairs', 'housingConstruction']) {
    const configured = await h.app.inject({
      method: 'PUT', url: `/v1/admin/webhooks/532600/${department}`,
      headers: { authorization: `Bearer ${await h.token(admin)}` }, payload: { url: receiver.url(`/${department}`), secret: SECRET },
    })
    t.equal(configured.statusCode, 201, configured.body)
  }
  const p = people('532601')
  const id = (await ok(t, await h.call(p.applicant, 'POST', '/v1/one-window/applications', wenshanHospital()), 'file')).id
  await step(t, h, p.windowClerk, id, 'BEGIN_INTAKE_CHECK')
  await step(t, h, p.windowClerk, id, 'ACCEPT')
  const v = await view(h, p.applicant, id)
  const fire = v.departments.find((d: any) => d.department === 'housingConstruction')
  await step(t, h, p.fireOfficer, fire.caseId, 'BEGIN_REVIEW')
  await step(t, h, p.fireOfficer, fire.caseId, 'REQUEST_CORRECTION', { items: [{ item: 'premisesProof', reason: '证明不清晰' }] })

  const dispatcher = new WebhookDispatcher({ db: h.database.db, clock: h.clock, timeoutMs: 30_000, maxAttempts: 10, backoffBaseMs: 1000, backoffCapMs: 60_000, random: () => 0.5 })
  await dispatcher.drain()
  const byPath = (path: string) => [...receiver.store.values()].filter((m) => m.path === path).map((m) => m.message)
  t.ok(receiver.requests.every((r) => r.verified.ok), 'every request is signed and verifies')
  t.same([...receiver.storeCount.values()].filter((n) => n !== 1), [], 'each message stored once')
  const fireTopics = byPath('/housingConstruction').map((m) => m.topic)
  t.same(fireTopics, ['departmentApproval.submitted', 'departmentApproval.accepted', 'departmentApproval.correctionRequested'],
    'housing-construction hears of its routed case, its acceptance and its own request')
  t.ok(byPath('/housingConstruction').every((m) => m.caseId === fire.caseId))
  t.same(byPath('/civilAffairs').map((m) => m.topic), ['elderCareFiling.submitted'], 'civil affairs hears of its routed case')
  const centre = byPath('/serviceCentre').map((m) => m.topic)
  t.ok(centre.includes('oneWindow.accepted') && centre.includes('oneWindow.departmentRequestedSupplement'), 'the service centre hears of the application')
})
