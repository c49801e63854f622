/** History is evidence: the database itself refuses to change or delete it. */
import t from 'tap'
import { sql } from 'kysely'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { createPolicyStore } from '../../src/policy/store.ts'
import { freshDatabase, databaseName } from '../helpers/db.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'

t.test(`case_events refuses UPDATE, DELETE and TRUNCATE at the database level (${databaseName})`, async (t) => {
  const { db } = await freshDatabase(t)
  const engine = new Engine({ db, clock: fixedClock('2026-03-02T09:00:00+08:00'), policies: createPolicyStore() })
  const { row } = await engine.create(clinicFilingApplication(), p.applicant)
  await t.rejects(db.updateTable('case_events').set({ type: 'FORGED' }).where('case_id', '=', row.id).execute(), { code: '55000', message: /append-only: UPDATE refused/ })
  await t.rejects(db.deleteFrom('case_events').where('case_id', '=', row.id).execute(), { code: '55000', message: /append-only: DELETE refused/ })
  await t.rejects(sql`truncate case_events cascade`.execute(db), { code: '55000', message: /append-only: TRUNCATE refused/ })
  const events = await db.selectFrom('case_events').selectAll().where('case_id', '=', row.id).execute()
  t.equal(events.length, 1)
  t.equal(events[0]!.type, 'SUBMIT', 'the original event is intact')
})

t.test('the same seq cannot be written twice for a case', async (t) => {
  const { db } = await freshDatabase(t)
  const engine = new Engine({ db, clock: fixedClock('2026-03-02T09:00:00+08:00'), policies: createPolicyStore() })
  const { row } = await engine.create(clinicFilingApplication(), p.applicant)
  await t.rejects(
    db.insertInto('case_events').values({
      case_id: row.id, seq: 1, type: 'X', payload: '{}', actor_id: 'x', actor_role: 'admin', at: new Date(), state_before: null, state_after: 'submitted', status_code: null,
    }).execute(),
    { code: '23505' },
  )
})
