/**
 * One timer-worker PROCESS for the multi-process tests (not a test itself: tap runs only *.test.ts).
 *
 * env: TEST_DATABASE_URL, TIMERS_SCHEMA (the test's schema, set as search_path), TIMERS_NOW (the fixed "now"),
 * TIMERS_BATCH (batch size), TIMERS_HOLD_AT_BATCH (optional: on that batch, report its timers and wait forever
 * before COMMIT, to be SIGKILLed mid-batch).
 * IPC to the parent: {type:'ready'} once connected; it then waits for {type:'go'}; {type:'holding', timers} when
 * holding; {type:'stopped', fired, discarded, batches} after SIGTERM, before exiting 0.
 */
import { openDatabase } from '../../src/db/database.ts'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { createPolicyStore } from '../../src/policy/store.ts'
import { TimerWorker } from '../../src/timers/worker.ts'

// Started by tap itself (`npx tap test/timers/` runs every file of the folder), not by a test: nothing to do.
if (!process.env.TIMERS_SCHEMA) process.exit(0)
const send = (m: object) => process.send?.(m)
const schema = process.env.TIMERS_SCHEMA
if (!process.env.TEST_DATABASE_URL || !schema || !process.env.TIMERS_NOW) throw new Error('TEST_DATABASE_URL, TIMERS_SCHEMA and TIMERS_NOW are required')
const holdAt = process.env.TIMERS_HOLD_AT_BATCH ? Number(process.env.TIMERS_HOLD_AT_BATCH) : undefined

const database = await openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL, poolSize: 2, pgOptions: `-c search_path=${schema}` })
const clock = fixedClock(process.env.TIMERS_NOW)
const engine = new Engine({ db: database.db, clock, policies: createPolicyStore() })
let batches = 0
let fired = 0
let discarded = 0
const worker = new TimerWorker({
  db: database.db, engine, clock, name: `child-${process.pid}`, pollIntervalMs: 20,
  batchSize: Number(process.env.TIMERS_BATCH ?? 32),
  beforeCommit: async (report) => {
    batches++
    if (batches === holdAt) {
      send({ type: 'holding', timers: report.fired.map((f) => f.timerId) })
      await new Promise(() => {}) // until SIGKILL
    }
  },
})
worker.on('batch', (r) => {
  fired += r.fired.length
  discarded += r.discarded.length
})
process.on('SIGTERM', () => {
  void (async () => {
    await worker.stop()
    await database.close()
    send({ type: 'stopped', fired, discarded, batches })
    process.exit(0)
  })()
})
await database.db.selectFrom('timers').select('id').limit(1).execute()
process.on('message', (m: { type?: string }) => {
  if (m?.type === 'go') worker.start()
})
send({ type: 'ready' })
