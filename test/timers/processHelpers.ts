/** Worker processes for the multi-process tests (threeProcesses, killedProcess): start, message, wait, assert. */
import type { Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { sql, type Kysely } from 'kysely'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { createPolicyStore } from '../../src/policy/store.ts'
import type { Database } from '../../src/db/schema.ts'
import { serverUrl, type TestDatabase } from '../helpers/db.ts'
import { clinicFilingApplication, principals } from '../helpers/factories.ts'

export const CHILD = fileURLToPath(new URL('./workerProcess.ts', import.meta.url))
export const TIMERS = 2000
/** After every intake limit of cases filed 2–6 March 2026 (the last ends with 13 March). */
export const NOW = '2026-04-01T09:00:00+08:00'
export const OVERALL_TIMEOUT_MS = 300_000

export interface Child { process: ChildProcess; messages: { type: string; [k: string]: unknown }[]; exit: Promise<[number | null, NodeJS.Signals | null]> }

export function startChild(schema: string, env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--no-warnings=ExperimentalWarning', CHILD], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, TEST_DATABASE_URL: serverUrl!, TIMERS_SCHEMA: schema, TIMERS_NOW: NOW, TIMERS_BATCH: '32', ...env },
  })
  const messages: Child['messages'] = []
  child.on('message', (m) => messages.push(m as Child['messages'][number]))
  return { process: child, messages, exit: once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]> }
}

export function message(child: Child, type: string): Promise<Child['messages'][number]> {
  const seen = child.messages.find((m) => m.type === type)
  if (seen) return Promise.resolve(seen)
  return new Promise((resolve, reject) => {
    const onMessage = (m: Child['messages'][number]) => {
      if (m?.type !== type) return
      child.process.off('exit', onExit)
      child.process.off('message', onMessage)
      resolve(m)
    }
    const onExit = (code: number | null) => {
      child.process.off('message', onMessage)
      reject(new Error(`worker process exited (${code}) before sending ${type}`))
    }
    child.process.on('message', onMessage)
    child.process.once('exit', onExit)
  })
}

/** Files `n` clinic filings through the engine over five days: each arms one intake timer. Returns the last timer id. */
export async function fileCases(database: TestDatabase, n: number): Promise<string> {
  const days = ['02', '03', '04', '05', '06']
  for (const [d, day] of days.entries()) {
    const engine = new Engine({ db: database.db, clock: fixedClock(`2026-03-${day}T09:00:00+08:00`), policies: createPolicyStore() })
    const share = Math.floor(n / days.length) + (d < n % days.length ? 1 : 0)
    let next = 0
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < share) {
        next++
        await engine.create(clinicFilingApplication(), principals.applicant)
      }
    }))
  }
  const { rows } = await sql<{ max: string; n: number }>`select max(id)::text as max, count(*)::int as n from timers`.execute(database.db)
  if (rows[0]!.n !== n) throw new Error(`expected ${n} timers, found ${rows[0]!.n}`)
  return rows[0]!.max
}

export async function pendingOriginals(db: Kysely<Database>, lastId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from timers where id <= ${lastId}::bigint and status = 'pending'`.execute(db)
  return rows[0]!.n
}

/** Polls the database until no original timer is pending; fails after OVERALL_TIMEOUT_MS (a hang, not a threshold). */
export async function untilAllSettled(db: Kysely<Database>, lastId: string): Promise<void> {
  const deadline = Date.now() + OVERALL_TIMEOUT_MS
  while ((await pendingOriginals(db, lastId)) > 0) {
    if (Date.now() > deadline) throw new Error(`timers still pending after ${OVERALL_TIMEOUT_MS} ms`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

export async function assertExactlyOnce(t: Test, db: Kysely<Database>, lastId: string): Promise<void> {
  const { rows: [events] } = await sql<{ n: number; timers: number; wrong: number }>`
    select count(*)::int as n, count(distinct timer_id)::int as timers,
           count(*) filter (where type <> 'INTAKE_LIMIT_PASSED' or seq <> 2)::int as wrong
    from case_events where timer_id is not null`.execute(db)
  t.equal(events!.n, TIMERS, `${TIMERS} history rows carry a timer id`)
  t.equal(events!.timers, TIMERS, `${TIMERS} distinct timers: none fired twice`)
  t.equal(events!.wrong, 0, 'each is the intake limit passing, as event 2 of its case')
  const { rows: [timers] } = await sql<{ fired: number; other: number; mismatched: number }>`
    select count(*) filter (where t.status = 'fired')::int as fired, count(*) filter (where t.status <> 'fired')::int as other,
           count(*) filter (where t.status = 'fired' and (e.timer_id is null or t.outcome <> 'fired as event seq ' || e.seq))::int as mismatched
    from timers t left join case_events e on e.timer_id = t.id
    where t.id <= ${lastId}::bigint`.execute(db)
  t.equal(timers!.fired, TIMERS, 'every timer is fired')
  t.equal(timers!.other, 0)
  t.equal(timers!.mismatched, 0, "each timer's outcome names its own history event")
  const { rows: [cases] } = await sql<{ accepted: number }>`
    select count(*) filter (where state = 'accepted' and version = 2)::int as accepted from cases`.execute(db)
  t.equal(cases!.accepted, TIMERS, 'every case is deemed accepted, at version 2')
}

export async function stopAll(t: Test, children: Child[]): Promise<void> {
  for (const c of children) c.process.kill('SIGTERM')
  for (const c of children) {
    const [code, signal] = await c.exit
    t.same({ code, signal }, { code: 0, signal: null }, 'SIGTERM: the worker finished its batch and exited 0')
  }
  t.comment(`timers fired per process: ${children.map((c) => c.messages.find((m) => m.type === 'stopped')?.fired ?? 0).join(', ')}`)
}

