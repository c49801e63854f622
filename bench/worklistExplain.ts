/**
 * `npx node bench/worklistExplain.ts`: the plan of the worklist query on PostgreSQL over a synthetic county-sized
 * table (docs/WORKLISTS.md). Creates a throw-away schema, migrates it, fills it with WORKLIST_CASES cases (default
 * 50000) spread over departments, states and the divisions of one province, each with a running clock, then prints
 * EXPLAIN (ANALYZE, BUFFERS) of a county officer's and a city officer's worklist. The rows are written directly
 * (a fixture, never a way to change real cases); the schema is dropped afterwards.
 *   WORKLIST_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/test
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import pg from 'pg'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { worklistQuery } from '../src/worklists/worklist.ts'
import type { Principal } from '../src/auth/principal.ts'

const url = process.env.WORKLIST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const n = Number(process.env.WORKLIST_CASES ?? 50000)
const schema = `wl_${randomBytes(4).toString('hex')}`
const admin = new pg.Client({ connectionString: url })
await admin.connect()
await admin.query(`create schema ${schema}`)
const handle = await openDatabase({ databaseUrl: url, poolSize: 2, pgOptions: `-c search_path=${schema}` })
try {
  await migrateToLatest(handle.db, schema)
  // Six counties of one city plus another city; five departments; the states of two procedures.
  await sql`
    insert into cases (id, procedure, machine_version, jurisdiction, policy_version, state, status, snapshot, version,
                       applicant, institution, department, assignee, assignee_role, claimed_at, concluded_at, created_at, updated_at)
    select gen_random_uuid(),
           (array['clinicFiling','elderCareFiling','twoCertificates'])[1 + i % 3], '1',
           (array['421202','421221','421222','421223','421224','421281','420102'])[1 + i % 7], 'x',
           (array['submitted','intakeCheck','accepted','review','completenessCheck','filed.supervised','setupReview','returned'])[1 + (i / 7) % 8],
           case when i % 11 = 0 then 'done' else 'active' end, '{}'::jsonb, 3, 'home-' || i, '{}'::jsonb,
           (array['health','civilAffairs','healthcareSecurity','marketRegulation','housingConstruction'])[1 + (i / 49) % 5],
           case when i % 5 = 0 and i % 11 <> 0 then 'officer-' || (i % 13) end,
           case when i % 5 = 0 and i % 11 <> 0 then 'officer' end,
           case when i % 5 = 0 and i % 11 <> 0 then now() end,
           case when i % 11 = 0 then now() end,
           now() - (i || ' minutes')::interval, now()
    from generate_series(1, ${n}) as i`.execute(handle.db)
  await sql`
    insert into clocks (case_id, name, kind, unit, amount, policy_key, source, status, started_on, pauses, extensions, restarts,
                        due_on, due_at, provisional, near_due_working_days, explanation, jurisdiction, department, procedure, updated_at)
    select id, 'decisionLimit', k.kind, 'workingDays', 10, 'x', 'x', case when status = 'done' then 'stopped' else 'running' end,
           current_date, '[]', '[]', '[]', current_date + (abs(hashtext(id::text)) % 40),
           (current_date + (abs(hashtext(id::text)) % 40))::timestamptz, false, 3, '{}', jurisdiction, department, procedure, now()
    from cases, (values ('statutory'), ('promised')) as k(kind)`.execute(handle.db)
  await sql`analyze`.execute(handle.db)
  const officer: Principal = { id: 'officer-1', role: 'officer', jurisdiction: '421202', department: 'health' }
  const cityOfficer: Principal = { id: 'officer-c', role: 'officer', jurisdiction: '421200', department: 'health' }
  for (const [title, who] of [['county officer (421202, health)', officer], ['city officer (421200, health)', cityOfficer]] as const) {
    const query = worklistQuery(who, { limit: 50 })!
    const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers, costs off, summary off) ${query}`.execute(handle.db)
    console.log(`-- ${title}, ${n} cases\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`)
  }
} finally {
  await handle.close()
  await admin.query(`drop schema ${schema} cascade`)
  await admin.end()
}
