/**
 * Three worker PROCESSES on one PostgreSQL database drain the due timers: every timer fires exactly once, asserted
 * from the history (case_events.timer_id), never from timing. PostgreSQL only: PGlite has one connection.
 */
import t from 'tap'
import { freshDatabase, onlyWithServerPostgres } from '../helpers/db.ts'
import { assertExactlyOnce, fileCases, message, startChild, stopAll, TIMERS, untilAllSettled } from './processHelpers.ts'

// Filing 2,000 cases and draining them takes ~40 s on a quiet 2-core machine, minutes on a loaded one: a hang
// still fails, at six minutes instead of the suite's three.
t.setTimeout(360_000)

t.test(`three worker processes draining ${TIMERS} due timers fire every timer exactly once`, onlyWithServerPostgres, async (t) => {
  const database = await freshDatabase(t)
  const lastId = await fileCases(database, TIMERS)
  const children = [0, 1, 2].map(() => startChild(database.schema!))
  t.teardown(() => { for (const c of children) c.process.kill('SIGKILL') })
  await Promise.all(children.map((c) => message(c, 'ready')))
  for (const c of children) c.process.send({ type: 'go' })
  await untilAllSettled(database.db, lastId)
  await stopAll(t, children)
  await assertExactlyOnce(t, database.db, lastId)
})
