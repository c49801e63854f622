/** Shared set-up of the timer tests: an engine and a worker on one fixed clock, and readers of timers and history. */
import type { Test } from 'tap'
import { sql, type Kysely } from 'kysely'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { createPolicyStore } from '../../src/policy/store.ts'
import { TimerWorker, type TimerWorkerOptions } from '../../src/timers/worker.ts'
import type { Database } from '../../src/db/schema.ts'
import { freshDatabase, type TestDatabase } from '../helpers/db.ts'
import { clinicFilingApplication, principals } from '../helpers/factories.ts'

/** Monday 2026-03-02 09:00 in Shanghai: the intake limit (5 working days) ends with Monday 2026-03-09. */
export const FILED_AT = '2026-03-02T09:00:00+08:00'
export const INTAKE_DUE_ON = '2026-03-09'
/** The end of 2026-03-09 in Shanghai, the instant the intake timer is due. */
export const INTAKE_DUE_AT = '2026-03-10T00:00:00+08:00'

export interface TimerSetup {
  database: TestDatabase
  engine: Engine
  clock: ReturnType<typeof fixedClock>
  worker(options?: Partial<TimerWorkerOptions>): TimerWorker
  fileCase(): Promise<string>
}

export async function timerSetup(t: Test, options: { poolSize?: number } = {}): Promise<TimerSetup> {
  const database = await freshDatabase(t, options)
  const clock = fixedClock(FILED_AT)
  const engine = new Engine({ db: database.db, clock, policies: createPolicyStore() })
  return {
    database, engine, clock,
    worker: (o = {}) => new TimerWorker({ db: database.db, engine, clock, pglite: database.kind === 'pglite', pollIntervalMs: 10, ...o }),
    fileCase: async () => (await engine.create(clinicFilingApplication(), principals.applicant)).row.id,
  }
}

export async function timersOf(db: Kysely<Database>, caseId: string) {
  const rows = await db.selectFrom('timers').selectAll().where('case_id', '=', caseId).orderBy('id').execute()
  return rows.map((r) => ({ ...r, id: String(r.id) }))
}

export async function historyOf(db: Kysely<Database>, caseId: string) {
  const rows = await db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute()
  return rows.map((r) => ({ ...r, timer_id: r.timer_id === null ? null : String(r.timer_id) }))
}

export async function eventsForTimer(db: Kysely<Database>, timerId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from case_events where timer_id = ${timerId}::bigint`.execute(db)
  return rows[0]!.n
}

/** Inserts a pending timer row directly, as if an older version had armed it (for timers whose event no longer applies). */
export async function forcePendingTimer(db: Kysely<Database>, caseId: string, clockName: string, eventType: string, dueAt: string): Promise<string> {
  const row = await db.insertInto('timers').values({
    case_id: caseId, clock_name: clockName, event_type: eventType, due_at: new Date(dueAt), status: 'pending',
    armed_at: new Date(FILED_AT), armed_seq: 1, settled_at: null, outcome: null,
  }).returning('id').executeTakeFirstOrThrow()
  return String(row.id)
}
