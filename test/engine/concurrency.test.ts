/**
 * Two senders, two connections, one case, the same version: exactly one wins, the other gets stale-version,
 * and history has no gap. Run many times, because a race that passes once proves little.
 */
import t from 'tap'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { createPolicyStore } from '../../src/policy/store.ts'
import { DomainError } from '../../src/engine/errors.ts'
import { freshDatabase, onlyWithServerPostgres } from '../helpers/db.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'

const ROUNDS = 40

t.test('two concurrent applies on one case from two connections: exactly one wins, history has no gap', onlyWithServerPostgres, async (t) => {
  const database = await freshDatabase(t, { poolSize: 2 })
  const other = await database.connect!(2)
  const clock = fixedClock('2026-03-02T09:00:00+08:00')
  const policies = createPolicyStore()
  const a = new Engine({ db: database.db, clock, policies })
  const b = new Engine({ db: other.db, clock, policies })

  let wins = 0
  let conflicts = 0
  for (let round = 0; round < ROUNDS; round++) {
    const { row } = await a.create(clinicFilingApplication(), p.applicant)
    // Both decide on version 1: the clerk starts the check while the applicant withdraws.
    const results = await Promise.allSettled([
      a.apply(row.id, { type: 'BEGIN_INTAKE_CHECK' }, p.clerk, 1),
      b.apply(row.id, { type: 'WITHDRAW', payload: {} }, p.applicant, 1),
    ])
    const fulfilled = results.filter((r) => r.status === 'fulfilled')
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    t.equal(fulfilled.length, 1, `round ${round}: exactly one wins`)
    t.equal(rejected.length, 1)
    t.ok(rejected[0]!.reason instanceof DomainError && rejected[0]!.reason.code === 'stale-version', `round ${round}: the loser gets stale-version`)
    const history = await database.db.selectFrom('case_events').select(['seq', 'type']).where('case_id', '=', row.id).orderBy('seq').execute()
    t.same(history.map((e) => e.seq), [1, 2], `round ${round}: history 1, 2 without gap`)
    const current = await database.db.selectFrom('cases').select(['version', 'state']).where('id', '=', row.id).executeTakeFirstOrThrow()
    t.equal(current.version, 2)
    t.equal(current.state, history[1]!.type === 'WITHDRAW' ? 'withdrawn' : 'intakeCheck', 'the state is the winner’s')
    wins += fulfilled.length
    conflicts += rejected.length
  }
  t.equal(wins, ROUNDS)
  t.equal(conflicts, ROUNDS)
})

t.test('many senders on one case without If-Match (system path): all serialise, none lost, no gap', onlyWithServerPostgres, async (t) => {
  const database = await freshDatabase(t, { poolSize: 4 })
  const other = await database.connect!(4)
  const clock = fixedClock('2026-03-02T09:00:00+08:00')
  const a = new Engine({ db: database.db, clock, policies: createPolicyStore() })
  const b = new Engine({ db: other.db, clock, policies: createPolicyStore() })
  const { row } = await a.create(clinicFilingApplication(), p.applicant)
  for (const [type, who] of [['BEGIN_INTAKE_CHECK', p.clerk], ['ACCEPT', p.clerk], ['BEGIN_REVIEW', p.officer]] as const) {
    await a.apply(row.id, { type }, who)
  }
  await a.apply(row.id, { type: 'FILE', payload: { scope: '内科' } }, p.officer)
  // Without an expected version the row is locked FOR UPDATE, so both engines queue instead of conflicting;
  // each SCHEDULE/RECORD pair is valid only in order, so a lost or reordered write would show as a refusal.
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) =>
      (i % 2 === 0 ? a : b).apply(row.id, { type: 'SCHEDULE_INSPECTION', payload: { plannedOn: '2026-04-01' } }, p.supervisor),
    ),
  )
  const ok = results.filter((r) => r.status === 'fulfilled').length
  t.equal(ok, 1, 'only one schedule is valid from supervised')
  for (const r of results) if (r.status === 'rejected') t.equal((r.reason as DomainError).code, 'invalid-transition', 'the others see the new state, not a stale one')
  const seqs = (await database.db.selectFrom('case_events').select('seq').where('case_id', '=', row.id).orderBy('seq').execute()).map((e) => e.seq)
  t.same(seqs, [1, 2, 3, 4, 5, 6])
})
