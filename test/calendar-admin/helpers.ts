/** Shared by the calendar administration tests (not a test file: tap runs *.test.ts only). */
import { sql } from 'kysely'
import type { LightMyRequestResponse } from 'fastify'
import type { TestApp } from '../helpers/app.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'
import type { Principal } from '../../src/auth/principal.ts'

export const admin = { id: 'admin-1', role: 'admin', jurisdiction: '000000' } satisfies Principal

/** inject() with any method, a bearer token for `as` (none when null) and a JSON body. */
export async function req(h: TestApp, as: Principal | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse> {
  const headers = as ? { authorization: `Bearer ${await h.token(as)}` } : {}
  return h.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) })
}

/** Files a clinic filing at the instant `at` (engine clock) in `jurisdiction`; returns its id. */
export async function fileCase(h: TestApp, at: string, jurisdiction = '421202'): Promise<string> {
  h.clock.set(at)
  const res = await h.call(p.applicant, 'POST', '/v1/cases', clinicFilingApplication({ jurisdiction }))
  if (res.statusCode !== 201) throw new Error(`filing failed: ${res.statusCode} ${res.body}`)
  return (res.json() as { id: string }).id
}

export interface ClockRowView { name: string; kind: string; status: string; due: string | null; provisional: boolean }

/** The case's clock rows, dates as text on both databases. */
export async function clockRows(h: TestApp, caseId: string): Promise<ClockRowView[]> {
  return h.database.db.selectFrom('clocks')
    .select(['name', 'kind', 'status', sql<string | null>`due_on::text`.as('due'), 'provisional'])
    .where('case_id', '=', caseId).orderBy('name').orderBy('kind').execute()
}

export async function intakeDue(h: TestApp, caseId: string, kind = 'statutory'): Promise<string | null> {
  return (await clockRows(h, caseId)).find((c) => c.name === 'intakeLimit' && c.kind === kind)?.due ?? null
}

export interface EventView { seq: number; type: string; actorId: string; actorRole: string; payload: Record<string, any> }

export async function history(h: TestApp, caseId: string): Promise<EventView[]> {
  const res = await h.call(admin, 'GET', `/v1/cases/${caseId}/history`)
  if (res.statusCode !== 200) throw new Error(`history failed: ${res.statusCode} ${res.body}`)
  return res.json().events
}

export const recomputes = async (h: TestApp, caseId: string) => (await history(h, caseId)).filter((e) => e.type === 'DEADLINES_RECOMPUTED')
