/**
 * Departments decide at the same moment on PostgreSQL, each through its own connection: both decisions commit, the
 * application records both (routed case first, then application: no lock cycle), and it moves to consolidation once.
 */
import t from 'tap'
import { Engine } from '../../src/engine/engine.ts'
import { createDatabasePolicyStore } from '../../src/policy/dbStore.ts'
import { loadPolicyDocuments } from '../../src/policy/store.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { freshDatabase, onlyWithServerPostgres } from '../helpers/db.ts'
import type { Principal } from '../../src/auth/principal.ts'
import { people, wenshanHospital } from './helpers.ts'

t.test('two departments decide at once, many times over', onlyWithServerPostgres, async (t) => {
  const database = await freshDatabase(t)
  const clock = fixedClock('2026-03-02T09:00:00+08:00')
  const engineOn = async () => {
    const handle = await database.connect!(4)
    return new Engine({ db: handle.db, clock, policies: createDatabasePolicyStore(handle.db, loadPolicyDocuments()) })
  }
  const [a, b] = [await engineOn(), await engineOn()]
  const p = people('532601')
  const apply = (engine: Engine, id: string, type: string, as: Principal, payload: Record<string, unknown> = {}) => engine.apply(id, { type, payload }, as)
  const rounds = 12
  for (let round = 0; round < rounds; round++) {
    const { row } = await a.create({ procedure: 'oneWindow', ...wenshanHospital() }, p.applicant)
    await apply(a, row.id, 'BEGIN_INTAKE_CHECK', p.windowClerk)
    const accepted = await apply(a, row.id, 'ACCEPT', p.windowClerk)
    const children = (accepted.snapshot.context as { children: { id: string; department: string }[] }).children
    const fire = children.find((c) => c.department === 'housingConstruction')!.id
    const civil = children.find((c) => c.department === 'civilAffairs')!.id
    await apply(a, fire, 'BEGIN_REVIEW', p.fireOfficer)
    await apply(a, civil, 'BEGIN_COMPLETENESS_CHECK', p.civilClerk)
    await apply(a, civil, 'CONFIRM_COMPLETE', p.civilClerk)
    await apply(a, civil, 'RECORD_ZONE_SEPARATION_CHECK', p.civilOfficer, { passed: true, findings: '分区隔离到位' })
    // The two decisions race; each locks its own case, then the application.
    const results = await Promise.allSettled([
      apply(a, fire, 'APPROVE', p.fireOfficer, { documentNumber: `验收${round}` }),
      apply(b, civil, 'FILE', p.civilOfficer, { serviceScope: '失能老年人照护', elderCareBeds: 40 }),
    ])
    t.same(results.map((r) => r.status), ['fulfilled', 'fulfilled'], `round ${round}: both decisions commit`)
    const parent = await database.db.selectFrom('cases').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow()
    t.equal(parent.state, 'consolidating', `round ${round}: the application saw both`)
    const settled = await database.db.selectFrom('case_events').select('type').where('case_id', '=', row.id).where('type', '=', 'CHILD_SETTLED').execute()
    t.equal(settled.length, 2, `round ${round}: one report per department`)
  }
})
