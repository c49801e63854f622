/**
 * The timer worker in this process, on PGlite and on PostgreSQL: a due timer fires its event through the engine
 * exactly once, a timer whose case moved on is cancelled or discarded with the reason, and the history refuses a
 * second event for one timer.
 */
import t from 'tap'
import { once } from 'node:events'
import { sql } from 'kysely'
import { databaseName } from '../helpers/db.ts'
import { principals as p } from '../helpers/factories.ts'
import type { BatchReport } from '../../src/timers/worker.ts'
import { eventsForTimer, forcePendingTimer, historyOf, INTAKE_DUE_AT, INTAKE_DUE_ON, timerSetup, timersOf } from './helpers.ts'

t.test(`a filing left in submitted past its intake limit is deemed accepted when the worker runs after the due instant (${databaseName})`, async (t) => {
  const h = await timerSetup(t)
  const caseId = await h.fileCase()
  const [armed] = await timersOf(h.database.db, caseId)
  t.match(armed, { clock_name: 'intakeLimit', event_type: 'INTAKE_LIMIT_PASSED', status: 'pending', armed_seq: 1 })
  t.equal(armed!.due_at.toISOString(), new Date(INTAKE_DUE_AT).toISOString(), 'due at the end of the fifth working day')

  const worker = h.worker()
  h.clock.set(new Date(new Date(INTAKE_DUE_AT).getTime() - 1))
  t.equal(await worker.drain(), 0, 'one millisecond before the due instant nothing fires')
  t.equal((await h.database.db.selectFrom('cases').select('state').where('id', '=', caseId).executeTakeFirstOrThrow()).state, 'submitted')

  h.clock.set(INTAKE_DUE_AT)
  const reports: BatchReport[] = []
  worker.on('batch', (r) => reports.push(r))
  t.equal(await worker.drain(), 1, 'at the due instant the timer fires')
  t.match(reports[0], { claimed: 1, fired: [{ timerId: armed!.id, caseId, event: 'INTAKE_LIMIT_PASSED', seq: 2 }], discarded: [], failed: [] })

  const row = await h.database.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow()
  t.equal(row.state, 'accepted')
  t.equal(row.version, 2)
  const context = (row.snapshot as { context: { deemedAccepted: boolean; acceptedAt: string } }).context
  t.equal(context.deemedAccepted, true, 'accepted by operation of law, not by the clerk')
  t.equal(context.acceptedAt, new Date(INTAKE_DUE_AT).toISOString())

  const history = await historyOf(h.database.db, caseId)
  t.equal(history.length, 2)
  t.match(history[1], {
    seq: 2, type: 'INTAKE_LIMIT_PASSED', timer_id: armed!.id, status_code: 3, actor_id: 'system', actor_role: 'system',
    state_before: 'submitted', state_after: 'accepted', payload: { clock: 'intakeLimit', dueOn: INTAKE_DUE_ON },
  })

  const timers = await timersOf(h.database.db, caseId)
  t.match(timers[0], { id: armed!.id, status: 'fired', outcome: 'fired as event seq 2' })
  t.equal(timers[0]!.settled_at?.toISOString(), new Date(INTAKE_DUE_AT).toISOString())
  t.match(timers[1], { clock_name: 'decisionLimit', event_type: 'DECISION_LIMIT_PASSED', status: 'pending', armed_seq: 2 },
    'the deemed acceptance starts the decision limit and arms its timer')
  const outbox = await h.database.db.selectFrom('outbox').select(['seq', 'topic']).where('case_id', '=', caseId).where('seq', '=', 2).execute()
  t.same(outbox.map((o) => o.topic), ['clinicFiling.deemedAccepted'], 'the institution is told, through the outbox, in the same transaction')
})

t.test(`the decision limit passing marks an accepted case overdue and leaves it where it is (${databaseName})`, async (t) => {
  const h = await timerSetup(t)
  const caseId = await h.fileCase()
  await h.engine.apply(caseId, { type: 'BEGIN_INTAKE_CHECK' }, p.clerk)
  await h.engine.apply(caseId, { type: 'ACCEPT' }, p.clerk)
  const decision = (await timersOf(h.database.db, caseId)).find((x) => x.clock_name === 'decisionLimit' && x.status === 'pending')!
  h.clock.set(decision.due_at)
  t.equal(await h.worker().drain(), 1)
  const row = await h.database.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow()
  t.equal(row.state, 'accepted', 'still waiting on the officer')
  t.equal((row.snapshot as { context: { overdueSince: string } }).context.overdueSince, decision.due_at.toISOString())
  const last = (await historyOf(h.database.db, caseId)).at(-1)!
  t.match(last, { type: 'DECISION_LIMIT_PASSED', timer_id: decision.id, payload: { clock: 'decisionLimit' } })
  t.match((await timersOf(h.database.db, caseId)).find((x) => x.id === decision.id), { status: 'fired', outcome: `fired as event seq ${last.seq}` })
})

t.test(`a timer whose case moved on before the due date is cancelled by the engine and never fires (${databaseName})`, async (t) => {
  const h = await timerSetup(t)
  const caseId = await h.fileCase()
  h.clock.set('2026-03-04T10:00:00+08:00')
  await h.engine.apply(caseId, { type: 'BEGIN_INTAKE_CHECK' }, p.clerk)
  await h.engine.apply(caseId, { type: 'ACCEPT' }, p.clerk)
  const [intake] = await timersOf(h.database.db, caseId)
  t.match(intake, { clock_name: 'intakeLimit', status: 'cancelled', outcome: 'clock stopped by ACCEPT (event 3)' })

  h.clock.set('2026-03-11T09:00:00+08:00')
  t.equal(await h.worker().drain(), 0, 'nothing due: the only due timer was cancelled')
  const history = await historyOf(h.database.db, caseId)
  t.same(history.map((e) => e.type), ['SUBMIT', 'BEGIN_INTAKE_CHECK', 'ACCEPT'], 'no INTAKE_LIMIT_PASSED in the history')
  t.equal(await eventsForTimer(h.database.db, intake!.id), 0)
})

t.test(`a pending timer whose event no longer applies is discarded with the refusal recorded, and writes no history (${databaseName})`, async (t) => {
  const h = await timerSetup(t)
  const moved = await h.fileCase()
  const waiting = await h.fileCase()
  await h.engine.apply(moved, { type: 'BEGIN_INTAKE_CHECK' }, p.clerk)
  await h.engine.apply(moved, { type: 'ACCEPT' }, p.clerk)
  // As if armed by an older release that did not cancel it: the case is accepted, the intake limit no longer applies.
  const stale = await forcePendingTimer(h.database.db, moved, 'intakeLimit', 'INTAKE_LIMIT_PASSED', '2026-03-05T00:00:00+08:00')
  const versionBefore = (await h.database.db.selectFrom('cases').select('version').where('id', '=', moved).executeTakeFirstOrThrow()).version

  h.clock.set(INTAKE_DUE_AT)
  const worker = h.worker()
  const reports: BatchReport[] = []
  worker.on('batch', (r) => reports.push(r))
  t.equal(await worker.drain(), 2)
  t.equal(reports.length, 1, 'one batch settled both timers')
  t.equal(reports[0]!.fired.length, 1, 'the refusal did not undo the other timer of the batch')
  t.match(reports[0]!.discarded, [{ timerId: stale, caseId: moved, reason: /invalid-transition/ }])

  const timer = (await timersOf(h.database.db, moved)).find((x) => x.id === stale)!
  t.equal(timer.status, 'discarded')
  t.match(timer.outcome, /^refused by the engine: invalid-transition: INTAKE_LIMIT_PASSED is not accepted while the case is accepted/)
  t.equal(timer.settled_at?.toISOString(), new Date(INTAKE_DUE_AT).toISOString())
  t.equal(await eventsForTimer(h.database.db, stale), 0, 'no history event for the discarded timer')
  const after = await h.database.db.selectFrom('cases').select(['version', 'state']).where('id', '=', moved).executeTakeFirstOrThrow()
  t.same(after, { version: versionBefore, state: 'accepted' }, 'the case is untouched')
  t.equal((await h.database.db.selectFrom('cases').select('state').where('id', '=', waiting).executeTakeFirstOrThrow()).state, 'accepted')
  t.equal(await worker.drain(), 0, 'a discarded timer is settled: it is not claimed again')
})

t.test(`a timer fires once however often the worker runs, and the history refuses a second event for it (${databaseName})`, async (t) => {
  const h = await timerSetup(t)
  const caseId = await h.fileCase()
  const [timer] = await timersOf(h.database.db, caseId)
  h.clock.set(INTAKE_DUE_AT)
  t.equal(await h.worker().drain(), 1)
  t.equal(await h.worker().drain(), 0, 'a second worker finds nothing')
  h.clock.advance(86_400_000)
  t.equal(await h.worker().drain(), 0, 'nor does a later run')
  t.equal(await eventsForTimer(h.database.db, timer!.id), 1)

  // The last line of defence: the unique index on case_events.timer_id.
  const error = await sql`
    insert into case_events (case_id, seq, type, payload, actor_id, actor_role, at, state_before, state_after, timer_id)
    values (${caseId}, 99, 'INTAKE_LIMIT_PASSED', '{}'::jsonb, 'system', 'system', ${new Date()}, 'accepted', 'accepted', ${timer!.id}::bigint)
  `.execute(h.database.db).then(() => undefined, (err: unknown) => err)
  t.match(error, { code: '23505' }, 'a second history row for the timer is a unique violation')
  t.match(String((error as Error).message), /case_events_timer_uq/)

  // Even a timer wrongly put back to pending (a lost mark, a hand edit) cannot fire twice.
  await h.database.db.updateTable('timers').set({ status: 'pending', settled_at: null, outcome: null }).where('id', '=', timer!.id).execute()
  const before = await h.database.db.selectFrom('cases').select(['version', 'state']).where('id', '=', caseId).executeTakeFirstOrThrow()
  // Here the engine refuses first (the case is no longer in submitted): discarded, nothing written. The next test
  // takes an event that is still valid, so that only the unique index stands in the way.
  const reports: BatchReport[] = []
  const worker = h.worker()
  worker.on('batch', (r) => reports.push(r))
  await worker.drain()
  t.equal(reports[0]!.fired.length, 0)
  t.equal(reports[0]!.discarded.length, 1)
  t.equal(await eventsForTimer(h.database.db, timer!.id), 1, 'still one event for the timer')
  t.same(await h.database.db.selectFrom('cases').select(['version', 'state']).where('id', '=', caseId).executeTakeFirstOrThrow(), before)
})

t.test(`a timer put back to pending after it fired is refused by the history's unique index, not fired again (${databaseName})`, async (t) => {
  const h = await timerSetup(t)
  const caseId = await h.fileCase()
  await h.engine.apply(caseId, { type: 'BEGIN_INTAKE_CHECK' }, p.clerk)
  await h.engine.apply(caseId, { type: 'ACCEPT' }, p.clerk)
  const decision = (await timersOf(h.database.db, caseId)).find((x) => x.clock_name === 'decisionLimit')!
  h.clock.set(decision.due_at)
  t.equal(await h.worker().drain(), 1)
  // DECISION_LIMIT_PASSED is still a valid event in `accepted`, so only the unique index stands in the way now.
  await h.database.db.updateTable('timers').set({ status: 'pending', settled_at: null, outcome: null }).where('id', '=', decision.id).execute()
  const before = await h.database.db.selectFrom('cases').select(['version', 'state']).where('id', '=', caseId).executeTakeFirstOrThrow()
  const reports: BatchReport[] = []
  const worker = h.worker()
  worker.on('batch', (r) => reports.push(r))
  t.equal(await worker.drain(), 1)
  t.match(reports[0]!.discarded, [{ timerId: decision.id, reason: /history already has an event for this timer/ }])
  t.equal(await eventsForTimer(h.database.db, decision.id), 1, 'still one event for the timer')
  t.same(await h.database.db.selectFrom('cases').select(['version', 'state']).where('id', '=', caseId).executeTakeFirstOrThrow(), before,
    'the attempt was rolled back to its savepoint')
  t.match((await timersOf(h.database.db, caseId)).find((x) => x.id === decision.id), { status: 'discarded' })
})

t.test(`a timer whose firing fails unexpectedly stays pending with the error noted, and is retried later (${databaseName})`, async (t) => {
  const h = await timerSetup(t)
  const broken = await h.fileCase()
  const fine = await h.fileCase()
  const [brokenTimer] = await timersOf(h.database.db, broken)
  // A case whose procedure this release does not know: the engine throws a plain Error, not a refusal.
  await h.database.db.updateTable('cases').set({ procedure: 'retiredProcedure' }).where('id', '=', broken).execute()
  h.clock.set(INTAKE_DUE_AT)
  const worker = h.worker({ retryAfterMs: 60_000 })
  const reports: BatchReport[] = []
  worker.on('batch', (r) => reports.push(r))
  t.equal(await worker.drain(), 1, 'the other timer fired; the drain ends although one timer is still pending')
  t.match(reports[0]!.failed, [{ timerId: brokenTimer!.id, reason: /unknown procedure retiredProcedure/ }])
  t.match((await timersOf(h.database.db, broken))[0], { status: 'pending', settled_at: null, outcome: /failed, left pending: .*unknown procedure/ })
  t.equal((await h.database.db.selectFrom('cases').select('state').where('id', '=', fine).executeTakeFirstOrThrow()).state, 'accepted')

  await h.database.db.updateTable('cases').set({ procedure: 'clinicFiling' }).where('id', '=', broken).execute()
  t.equal(await worker.drain(), 0, 'this worker waits retryAfterMs before trying it again')
  t.equal(await h.worker({ retryAfterMs: 0 }).drain(), 1, 'once repaired, the next attempt fires it')
  t.match((await timersOf(h.database.db, broken))[0], { status: 'fired', outcome: 'fired as event seq 2' })
})

t.test(`the loop drains due timers as the clock reaches them, and stop() lets the batch in hand commit (${databaseName})`, async (t) => {
  const h = await timerSetup(t)
  const ids = [await h.fileCase(), await h.fileCase(), await h.fileCase()]
  let stopRequested: Promise<void> | undefined
  let batches = 0
  const worker = h.worker({
    batchSize: 2,
    // Stop in the middle of the second batch: it must still commit, and no third batch may start.
    beforeCommit: async () => {
      if (++batches === 2) stopRequested = worker.stop()
    },
  })
  const idle = once(worker, 'idle')
  worker.start()
  t.ok(worker.running)
  await idle
  t.equal(batches, 0, 'nothing was due yet')

  const fired: string[] = []
  worker.on('batch', (r) => fired.push(...r.fired.map((f) => f.caseId)))
  h.clock.set(INTAKE_DUE_AT)
  await once(worker, 'stopped')
  await stopRequested
  t.equal(worker.running, false)
  t.equal(fired.length, 3, 'the first batch fired two timers, the second (stopped mid-batch) fired the third and committed')
  t.same([...fired].sort(), [...ids].sort())
  for (const id of ids) t.equal((await h.database.db.selectFrom('cases').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state, 'accepted')
  await worker.stop()
  t.pass('stop() on a stopped worker resolves')
})
