/**
 * The scheduled fold (src/supervision/folder.ts): it empties the delta tables without any stats read, keeps every
 * total, and stops cleanly; its setting is validated like every other. No timing threshold: the test waits until
 * the deltas are gone, however long the machine takes.
 */
import t from 'tap'
import { sql } from 'kysely'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { createPolicyStore } from '../../src/policy/store.ts'
import { ConfigError } from '../../src/config.ts'
import { loadFolderSettings, SupervisionFolder } from '../../src/supervision/folder.ts'
import { freshDatabase, databaseName } from '../helpers/db.ts'
import { clinicFilingApplication, principals } from '../helpers/factories.ts'

t.test('ONEWINDOW_SUPERVISION_FOLD_MS: default one minute, bounded, a bad value names the variable', async (t) => {
  t.same(loadFolderSettings({}), { intervalMs: 60_000 })
  t.same(loadFolderSettings({ ONEWINDOW_SUPERVISION_FOLD_MS: '5000' }), { intervalMs: 5000 })
  t.throws(() => loadFolderSettings({ ONEWINDOW_SUPERVISION_FOLD_MS: '10' }), new ConfigError('invalid configuration: ONEWINDOW_SUPERVISION_FOLD_MS must be from 1000 to 3600000, got 10'))
  t.throws(() => loadFolderSettings({ ONEWINDOW_SUPERVISION_FOLD_MS: 'often' }), /ONEWINDOW_SUPERVISION_FOLD_MS must be a whole number/)
})

t.test(`the scheduled fold empties the deltas with no stats read, and keeps every total (${databaseName})`, async (t) => {
  const database = await freshDatabase(t)
  const db = database.db
  const engine = new Engine({ db, clock: fixedClock('2026-03-02T09:00:00+08:00'), policies: createPolicyStore(), supervisionAlerts: true })
  const applicant = { ...principals.applicant, jurisdiction: '421202' }
  for (let i = 0; i < 6; i++) {
    const { row } = await engine.create(clinicFilingApplication({ jurisdiction: '421202' }), applicant)
    if (i % 2 === 0) await engine.apply(row.id, { type: 'WITHDRAW', payload: { reason: '撤回' } }, applicant)
  }
  const pending = async () => (await sql<{ n: number }>`select
    (select count(*) from supervision_count_deltas)::int + (select count(*) from supervision_completion_deltas)::int as n`.execute(db)).rows[0]!.n
  t.ok(await pending() > 0, 'filings and withdrawals left deltas')

  const folder = new SupervisionFolder({ db, intervalMs: 20 })
  folder.start()
  t.teardown(() => folder.stop())
  for (let i = 0; (await pending()) > 0; i++) {
    if (i > 3000) throw new Error('the folder never emptied the deltas')
    await new Promise((r) => setTimeout(r, 10))
  }
  await folder.stop()
  t.ok(folder.folds >= 1, `folded ${folder.folds} time(s)`)

  const counts = await sql<{ open: number }>`select coalesce(sum(open), 0)::int as open from supervision_counts`.execute(db)
  const open = await sql<{ n: number }>`select count(*)::int as n from clocks where status <> 'stopped'`.execute(db)
  t.equal(counts.rows[0]!.open, open.rows[0]!.n, 'open clocks counted once')
  const concluded = await sql<{ n: number }>`select coalesce(sum(concluded), 0)::int as n from supervision_completion_months where procedure = '*'`.execute(db)
  t.equal(concluded.rows[0]!.n, 3, 'the three withdrawn cases, each once')
  await folder.stop()
  t.pass('stopping twice is harmless')
})
