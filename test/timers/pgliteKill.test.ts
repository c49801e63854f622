/**
 * The embedded database: a worker process SIGKILLed in the middle of a batch leaves nothing of that batch once the
 * folder is opened again, and the next worker fires the timers once. (PostgreSQL: killedProcess.test.ts.)
 */
import t from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { openDatabase } from '../../src/db/database.ts'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { createPolicyStore } from '../../src/policy/store.ts'
import { TimerWorker } from '../../src/timers/worker.ts'
import { onServerPostgres } from '../helpers/db.ts'

const CHILD = fileURLToPath(new URL('./pgliteWorkerProcess.ts', import.meta.url))

t.test('a worker SIGKILLed mid-batch on the embedded database leaves nothing of the batch, and the next worker fires it once', {
  skip: onServerPostgres ? 'embedded database only: runs in the PGlite suite' : false,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ow-pglite-kill-'))
  const child = spawn(process.execPath, ['--no-warnings=ExperimentalWarning', CHILD, dir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  t.teardown(() => { child.kill('SIGKILL') })
  const exit = once(child, 'exit')
  const [holding] = (await Promise.race([once(child, 'message'), exit.then(([code]) => { throw new Error(`worker exited (${code})`) })])) as [{ timers: string[] }]
  t.equal(holding.timers.length, 3, 'the worker holds a batch of three fired, uncommitted timers')
  child.kill('SIGKILL')
  t.same((await exit)[1], 'SIGKILL')

  const database = await openDatabase({ dataDir: dir }) // the dead worker's lock is stale: taken over
  t.teardown(() => database.close())
  const { rows: [after] } = await sql<{ pending: number; events: number; submitted: number }>`
    select (select count(*)::int from timers where status = 'pending') as pending,
           (select count(*)::int from case_events where timer_id is not null) as events,
           (select count(*)::int from cases where state = 'submitted') as submitted`.execute(database.db)
  t.same(after, { pending: 3, events: 0, submitted: 3 }, 'the cases filed before are there; nothing of the killed batch is')

  const clock = fixedClock('2026-03-10T00:00:00+08:00')
  const worker = new TimerWorker({ db: database.db, engine: new Engine({ db: database.db, clock, policies: createPolicyStore() }), clock, pglite: true })
  t.equal(await worker.drain(), 3)
  const { rows: [fired] } = await sql<{ events: number; timers: number; accepted: number }>`
    select count(*)::int as events, count(distinct timer_id)::int as timers,
           (select count(*)::int from cases where state = 'accepted') as accepted
    from case_events where timer_id is not null`.execute(database.db)
  t.same(fired, { events: 3, timers: 3, accepted: 3 }, 'each timer fired once')
})
