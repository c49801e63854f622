/** Shared set-up of the webhook tests: the real app on a fresh database, a dispatcher on the app's clock, messages. */
import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import type { Kysely } from 'kysely'
import { buildTestApp, type TestApp } from '../helpers/app.ts'
import { CLINIC_CHECKLIST, clinicFilingApplication, materials, principals as p } from '../helpers/factories.ts'
import { WebhookDispatcher, type DispatcherOptions } from '../../src/outbox/dispatcher.ts'
import { startReceiver, type Receiver } from './receiver.ts'
import type { Database } from '../../src/db/schema.ts'
import type { Principal } from '../../src/auth/principal.ts'

/** 咸宁市 (city) administrator: its counties 咸安区 421202 and 嘉鱼县 421221 are below it. */
export const cityAdmin: Principal = { id: 'admin-xianning', role: 'admin', jurisdiction: '421200' }
export const provinceAdmin: Principal = { id: 'admin-hubei', role: 'admin', jurisdiction: '420000' }
export const otherCityAdmin: Principal = { id: 'admin-heze', role: 'admin', jurisdiction: '371300' }

/** Two Standard Webhooks secrets (whsec_ + base64 of 32 bytes). */
export const SECRET = 'whsec_' + Buffer.alloc(32, 7).toString('base64')
export const OTHER_SECRET = 'whsec_' + Buffer.alloc(32, 9).toString('base64')

export interface WebhookSetup extends TestApp {
  /** PUT/GET/POST with a bearer token for `as`. */
  admin(as: Principal, method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown): Promise<LightMyRequestResponse>
  dispatcher(options?: Partial<DispatcherOptions>, db?: Kysely<Database>): WebhookDispatcher
  /** Files a clinic filing in `jurisdiction` and takes it to accepted: 2 messages (submitted, accepted). */
  acceptedCase(jurisdiction?: string): Promise<string>
  /** Files a clinic filing with two items missing and sends the one-time notice: 2 messages (submitted, supplementRequested). */
  supplementCase(jurisdiction?: string): Promise<string>
}

export async function webhookSetup(t: Test): Promise<WebhookSetup> {
  const h = await buildTestApp(t)
  const officer = (jurisdiction: string) => ({ ...p.clerk, jurisdiction })
  return Object.assign(h, {
    async admin(as: Principal, method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown) {
      return h.app.inject({ method, url, headers: { authorization: `Bearer ${await h.token(as)}` }, ...(body === undefined ? {} : { payload: body as object }) })
    },
    dispatcher(options: Partial<DispatcherOptions> = {}, db: Kysely<Database> = h.database.db) {
      return new WebhookDispatcher({
        db, clock: h.clock, timeoutMs: 30_000, maxAttempts: 10, backoffBaseMs: 1000, backoffCapMs: 60_000, random: () => 0.5, ...options,
      })
    },
    async acceptedCase(jurisdiction = '421202') {
      const c = await h.engine.create(clinicFilingApplication({ jurisdiction }), p.applicant)
      await h.engine.apply(c.row.id, { type: 'BEGIN_INTAKE_CHECK' }, officer(jurisdiction))
      await h.engine.apply(c.row.id, { type: 'ACCEPT' }, officer(jurisdiction))
      return c.row.id
    },
    async supplementCase(jurisdiction = '421202') {
      const c = await h.engine.create(clinicFilingApplication({ jurisdiction, materials: materials(CLINIC_CHECKLIST.slice(0, 8)) }), p.applicant)
      await h.engine.apply(c.row.id, { type: 'BEGIN_INTAKE_CHECK' }, officer(jurisdiction))
      await h.engine.apply(c.row.id, { type: 'REQUEST_SUPPLEMENT', payload: { items: [
        { item: 'medicalWasteContract', reason: '缺少医疗废物处置协议' }, { item: 'identityDocuments', reason: '缺少法定代表人身份证明' },
      ] } }, officer(jurisdiction))
      return c.row.id
    },
  })
}

export async function outboxRows(db: Kysely<Database>) {
  const rows = await db.selectFrom('outbox').selectAll().orderBy('id').execute()
  return rows.map((r) => ({ ...r, id: String(r.id) }))
}

/**
 * Request timeouts the test fires when it chooses (the dispatcher's requestSignal): the timeout is injected like
 * the clock, so no test waits for a real one or depends on how fast the machine is.
 */
export function manualTimeouts() {
  const controllers = new Set<AbortController>()
  return {
    signal: () => {
      const c = new AbortController()
      controllers.add(c)
      return c.signal
    },
    fire: () => {
      for (const c of controllers) c.abort(new DOMException('the request timed out', 'TimeoutError'))
      controllers.clear()
    },
  }
}

/** Waits until `condition` holds (polling), e.g. until the receiver holds the requests of a pass. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5))
}

/** A receiver on the app's clock, closed at teardown, configured as the health department's endpoint of `division`. */
export async function healthReceiver(t: Test, h: WebhookSetup, division = '421202'): Promise<Receiver> {
  const receiver = await startReceiver({ secret: SECRET, now: () => h.clock.now() })
  t.teardown(() => receiver.close())
  await h.admin(cityAdmin, 'PUT', `/v1/admin/webhooks/${division}/health`, { url: receiver.url(), secret: SECRET })
  return receiver
}
