/**
 * A worker PROCESS SIGKILLed in the middle of a batch, with two others at work: its batch is rolled back by
 * PostgreSQL and fired by the others, each timer exactly once. PostgreSQL only: PGlite has one connection.
 */
import t from 'tap'
import { sql } from 'kysely'
import { freshDatabase, onlyWithServerPostgres } from '../helpers/db.ts'
import { assertExactlyOnce, fileCases, message, OVERALL_TIMEOUT_MS, pendingOriginals, startChild, stopAll, TIMERS, untilAllSettled } from './processHelpers.ts'

// Filing 2,000 cases and draining them takes ~40 s on a quiet 2-core machine, minutes on a loaded one: a hang
// still fails, at six minutes instead of the suite's three.
t.setTimeout(360_000)

t.test(`a worker process SIGKILLed in the middle of a batch loses nothing and fires nothing twice (${TIMERS} timers, three processes)`, onlyWithServerPostgres, async (t) => {
  const database = await freshDatabase(t)
  const lastId = await fileCases(database, TIMERS)
  const victim = startChild(database.schema!, { TIMERS_HOLD_AT_BATCH: '2' })
  const others = [startChild(database.schema!), startChild(database.schema!)]
  t.teardown(() => { for (const c of [victim, ...others]) c.process.kill('SIGKILL') })
  await Promise.all([victim, ...others].map((c) => message(c, 'ready')))
  // The victim goes first and stops before the COMMIT of its second batch, holding its timers and their cases.
  victim.process.send({ type: 'go' })
  const holding = await message(victim, 'holding')
  const held = holding.timers as string[]
  t.ok(held.length > 0, `the victim holds a batch of ${held.length} fired-but-uncommitted timers`)
  const { rows: [seen] } = await sql<{ events: number; pending: number }>`
    select (select count(*)::int from case_events where timer_id = any(${held}::bigint[])) as events,
           (select count(*)::int from timers where id = any(${held}::bigint[]) and status = 'pending') as pending`.execute(database.db)
  t.same(seen, { events: 0, pending: held.length }, 'uncommitted: others see neither the events nor the fired marks')

  // The others start and skip the victim's locked rows; the victim is killed while they are at work.
  for (const c of others) c.process.send({ type: 'go' })
  const deadline = Date.now() + OVERALL_TIMEOUT_MS
  while ((await pendingOriginals(database.db, lastId)) > TIMERS - 200) {
    if (Date.now() > deadline) throw new Error('the other workers fired nothing')
    await new Promise((r) => setTimeout(r, 50))
  }
  victim.process.kill('SIGKILL')
  const [, signal] = await victim.exit
  t.equal(signal, 'SIGKILL')
  await untilAllSettled(database.db, lastId)
  await stopAll(t, others)
  await assertExactlyOnce(t, database.db, lastId)
  const { rows: [after] } = await sql<{ n: number }>`
    select count(*)::int as n from case_events where timer_id = any(${held}::bigint[])`.execute(database.db)
  t.equal(after!.n, held.length, "the killed worker's batch was fired by the others, once each")
})
