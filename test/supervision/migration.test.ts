/**
 * Migration 11 (supervision_completion_months) carries the per-value histogram of migration 09 over exactly: per
 * procedure and in the rollup over all procedures, and back again on the way down (concluded counts per value; the
 * on-time count of a month, kept per month only, returns on its first value).
 */
import t from 'tap'
import { sql } from 'kysely'
import type { MigrationResultSet } from 'kysely/migration'
import { createMigrator } from '../../src/db/migrate.ts'
import { freshDatabase, databaseName, retryingSchemaRace } from '../helpers/db.ts'

t.test(`the completion histogram is carried over to months and back (${databaseName})`, async (t) => {
  const database = await freshDatabase(t)
  const db = database.db
  const migrator = createMigrator(db, database.schema)
  const before = '2026-11-23T10-00_supervision_completions_covering'
  // Each step retries the test suite's one known race (test/helpers/db.ts); a real migration error still fails.
  const step = (run: () => Promise<MigrationResultSet>) => retryingSchemaRace(database.schema, run)
  const down = await step(() => migrator.migrateTo(before))
  t.equal(down.error, undefined)
  t.ok(down.results?.some((r) => r.migrationName === '2026-11-23T11-00_supervision_completion_months' && r.direction === 'Down' && r.status === 'Success'), 'migration 11 went down')

  await sql`insert into supervision_completions (jurisdiction, department, procedure, month, working_days, concluded, on_time) values
    ('421202', 'health', 'clinicFiling', '2026-03', 2, 3, 3),
    ('421202', 'health', 'clinicFiling', '2026-03', 5, 1, 0),
    ('421202', 'health', 'twoCertificates', '2026-03', 0, 2, 1),
    ('421202', 'health', 'twoCertificates', '2026-04', 4, 1, 1)`.execute(db)

  const up = await step(() => migrator.migrateToLatest())
  t.equal(up.error, undefined)
  const months = await sql<{ procedure: string; month: string; concluded: string; on_time: string; histogram: string }>`
    select procedure, month, concluded::text, on_time::text, histogram::text from supervision_completion_months order by procedure, month`.execute(db)
  t.same(months.rows, [
    { procedure: '*', month: '2026-03', concluded: '6', on_time: '4', histogram: '{2,0,3,0,0,1}' },
    { procedure: '*', month: '2026-04', concluded: '1', on_time: '1', histogram: '{0,0,0,0,1}' },
    { procedure: 'clinicFiling', month: '2026-03', concluded: '4', on_time: '3', histogram: '{0,0,3,0,0,1}' },
    { procedure: 'twoCertificates', month: '2026-03', concluded: '2', on_time: '1', histogram: '{2}' },
    { procedure: 'twoCertificates', month: '2026-04', concluded: '1', on_time: '1', histogram: '{0,0,0,0,1}' },
  ])

  t.equal((await step(() => migrator.migrateTo(before))).error, undefined)
  const back = await sql<{ procedure: string; month: string; working_days: number; concluded: string; on_time: string }>`
    select procedure, month, working_days, concluded::text, on_time::text from supervision_completions order by procedure, month, working_days`.execute(db)
  t.same(back.rows, [
    { procedure: 'clinicFiling', month: '2026-03', working_days: 2, concluded: '3', on_time: '3' },
    { procedure: 'clinicFiling', month: '2026-03', working_days: 5, concluded: '1', on_time: '0' },
    { procedure: 'twoCertificates', month: '2026-03', working_days: 0, concluded: '2', on_time: '1' },
    { procedure: 'twoCertificates', month: '2026-04', working_days: 4, concluded: '1', on_time: '1' },
  ])
  t.equal((await step(() => migrator.migrateToLatest())).error, undefined, 'and up again')
})
