/**
 * When a case concludes for the supervision statistics (migration 2026-11-23T13-00_case_conclusion): at its first 办结
 * event (办件状态 11–13), although a recorded filing lives on under supervision, or when it ends without one; once.
 * A case that ended has concluded: a database constraint.
 */
import t from 'tap'
import { sql } from 'kysely'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { createPolicyStore } from '../../src/policy/store.ts'
import { freshDatabase, databaseName } from '../helpers/db.ts'
import { clinicFilingApplication, principals } from '../helpers/factories.ts'

t.test(`a recorded filing concludes at FILE, once, and not again when it is later revoked (${databaseName})`, async (t) => {
  const database = await freshDatabase(t)
  const db = database.db
  const clock = fixedClock('2026-03-02T09:00:00+08:00')
  const engine = new Engine({ db, clock, policies: createPolicyStore() })
  const { row } = await engine.create(clinicFilingApplication(), principals.applicant)
  const deltas = () => db.selectFrom('supervision_completion_deltas').select(['month', 'working_days', 'on_time']).where('case_id', '=', row.id).execute()
  const concludedAt = async () => (await db.selectFrom('cases').select(['concluded_at', 'status']).where('id', '=', row.id).executeTakeFirstOrThrow())

  await engine.apply(row.id, { type: 'BEGIN_INTAKE_CHECK', payload: {} }, principals.clerk)
  await engine.apply(row.id, { type: 'ACCEPT', payload: {} }, principals.clerk)
  await engine.apply(row.id, { type: 'BEGIN_REVIEW', payload: {} }, principals.officer)
  t.same(await deltas(), [], 'not concluded while under review')
  t.equal((await concludedAt()).concluded_at, null)

  clock.set('2026-03-05T10:00:00+08:00')
  const filed = await engine.apply(row.id, { type: 'FILE', payload: { scope: '内科' } }, principals.officer)
  t.equal(filed.row.state, 'filed.supervised', 'the filing lives on under supervision')
  t.equal(filed.row.status, 'active')
  t.same((await concludedAt()).concluded_at?.toISOString(), new Date('2026-03-05T10:00:00+08:00').toISOString(), '办结 at FILE (办件状态 11)')
  t.same(await deltas(), [{ month: '2026-03', working_days: 3, on_time: true }], 'one completion: 3 working days after the filing day, on time')

  clock.set('2026-05-06T10:00:00+08:00')
  await engine.apply(row.id, { type: 'SCHEDULE_INSPECTION', payload: { plannedOn: '2026-05-08' } }, principals.supervisor)
  await engine.apply(row.id, { type: 'RECORD_INSPECTION_FAILED', payload: { findings: ['未配备执业医师'], rectifyBy: '2026-06-08' } }, principals.supervisor)
  const revoked = await engine.apply(row.id, { type: 'REVOKE_FILING', payload: { reasons: ['逾期未整改'] } }, principals.head)
  t.equal(revoked.row.status, 'done', 'revoked: the case ends')
  t.same(await deltas(), [{ month: '2026-03', working_days: 3, on_time: true }], 'still one completion: the revocation does not conclude it again')
  t.same((await concludedAt()).concluded_at?.toISOString(), new Date('2026-03-05T10:00:00+08:00').toISOString(), 'concluded_at is kept')
})

t.test(`a case that ends without a 办结 event concludes when it ends (${databaseName})`, async (t) => {
  const database = await freshDatabase(t)
  const engine = new Engine({ db: database.db, clock: fixedClock('2026-03-02T09:00:00+08:00'), policies: createPolicyStore() })
  const { row } = await engine.create(clinicFilingApplication(), principals.applicant)
  await engine.apply(row.id, { type: 'WITHDRAW', payload: { reason: '撤回' } }, principals.applicant)
  const after = await database.db.selectFrom('cases').select(['status', 'concluded_at']).where('id', '=', row.id).executeTakeFirstOrThrow()
  t.equal(after.status, 'done')
  t.ok(after.concluded_at, 'concluded at the withdrawal')
  t.equal((await database.db.selectFrom('supervision_completion_deltas').select('case_id').where('case_id', '=', row.id).execute()).length, 1)
})

t.test(`a case that ended without a conclusion is refused by the database (${databaseName})`, async (t) => {
  const database = await freshDatabase(t)
  const engine = new Engine({ db: database.db, clock: fixedClock('2026-03-02T09:00:00+08:00'), policies: createPolicyStore() })
  const { row } = await engine.create(clinicFilingApplication(), principals.applicant)
  await t.rejects(sql`update cases set status = 'done' where id = ${row.id}`.execute(database.db), { message: /cases_done_concluded/ })
})
