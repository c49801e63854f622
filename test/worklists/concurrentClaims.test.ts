/**
 * Two officers claim the same case at the same moment from two connections: exactly one holds it, the other is
 * told who does (409 case-claimed naming the winner), and history has one CASE_CLAIMED. Run many times, with and
 * without If-Match, because a race that passes once proves little.
 */
import t from 'tap'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { createPolicyStore } from '../../src/policy/store.ts'
import { DomainError } from '../../src/engine/errors.ts'
import type { Principal } from '../../src/auth/principal.ts'
import { freshDatabase, onlyWithServerPostgres } from '../helpers/db.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'

const ROUNDS = 30
const officer2: Principal = { id: 'officer-2', role: 'officer', jurisdiction: '421202', department: 'health' }

for (const mode of ['with If-Match (optimistic)', 'without If-Match (row locked)'] as const) {
  t.test(`two officers claim at once, ${mode}: one wins, the other gets case-claimed naming the winner`, onlyWithServerPostgres, async (t) => {
    const database = await freshDatabase(t, { poolSize: 2 })
    const other = await database.connect!(2)
    const clock = fixedClock('2026-03-02T09:00:00+08:00')
    const policies = createPolicyStore()
    const a = new Engine({ db: database.db, clock, policies })
    const b = new Engine({ db: other.db, clock, policies })
    const winners = new Map<string, number>()
    for (let round = 0; round < ROUNDS; round++) {
      const { row } = await a.create(clinicFilingApplication(), p.applicant)
      await a.apply(row.id, { type: 'BEGIN_INTAKE_CHECK' }, p.clerk, 1)
      await a.apply(row.id, { type: 'ACCEPT' }, p.clerk, 2)
      const version = mode.startsWith('with ') ? 3 : undefined
      const results = await Promise.allSettled([
        a.claim(row.id, { action: 'claim' }, p.officer, version),
        b.claim(row.id, { action: 'claim' }, officer2, version),
      ])
      const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.row.assignee] : []))
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
      t.equal(won.length, 1, `round ${round}: exactly one wins`)
      t.equal(lost.length, 1)
      const loser = lost[0] as DomainError
      t.ok(loser instanceof DomainError && loser.code === 'case-claimed', `round ${round}: the loser gets case-claimed (${loser.code})`)
      t.equal(loser.extensions.holder, won[0], `round ${round}: naming the winner`)
      const current = await database.db.selectFrom('cases').select(['assignee', 'version']).where('id', '=', row.id).executeTakeFirstOrThrow()
      t.same(current, { assignee: won[0], version: 4 })
      const claims = await database.db.selectFrom('case_events').select(['seq', 'actor_id']).where('case_id', '=', row.id).where('type', '=', 'CASE_CLAIMED').execute()
      t.same(claims, [{ seq: 4, actor_id: won[0] }], `round ${round}: one CASE_CLAIMED in history`)
      winners.set(won[0]!, (winners.get(won[0]!) ?? 0) + 1)
    }
    t.comment(`winners: ${JSON.stringify(Object.fromEntries(winners))}`)
  })
}
