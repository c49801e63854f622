/**
 * Random inspections (双随机、一公开; DOMAIN.md §2.8 R8, docs/INSPECTIONS.md).
 * - `inspectors`: the roster a draw picks inspectors from (one row per official, by principal id).
 * - `inspection_draws`: each draw with its seed, its exact inputs and its result, so anyone can re-run it; append-only.
 * - `inspection_draw_items`: the draw's pairs (case → inspectors), one row each, for the published list; append-only.
 * Inspections themselves are events on each institution's case (SCHEDULE_INSPECTION with the draw id, results), so
 * the case history stays the one record of what happened.
 * Frozen once landed. Runs on PostgreSQL 15 and PGlite.
 */
import { sql, type Kysely } from 'kysely'

const DEPARTMENT_CHECK = sql`in ('health', 'civilAffairs', 'healthcareSecurity', 'marketRegulation', 'housingConstruction', 'serviceCentre')`

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('inspectors')
    .addColumn('id', 'text', (c) => c.primaryKey().check(sql`length(id) between 1 and 200`))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 100`))
    .addColumn('jurisdiction', 'text', (c) => c.notNull().check(sql`jurisdiction ~ '^[0-9]{6}$'`))
    .addColumn('department', 'text', (c) => c.notNull().check(sql`department ${DEPARTMENT_CHECK}`))
    .addColumn('active', 'boolean', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await sql`create index inspectors_department_idx on inspectors (department, jurisdiction) where active`.execute(db)

  await db.schema
    .createTable('inspection_draws')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('department', 'text', (c) => c.notNull().check(sql`department ${DEPARTMENT_CHECK}`))
    .addColumn('jurisdiction', 'text', (c) => c.notNull().check(sql`jurisdiction ~ '^[0-9]{6}$'`))
    .addColumn('pool', 'text', (c) => c.notNull().check(sql`pool in ('medical', 'elderCare')`))
    .addColumn('period_from', 'date', (c) => c.notNull())
    .addColumn('period_to', 'date', (c) => c.notNull())
    .addColumn('planned_on', 'date', (c) => c.notNull())
    .addColumn('sample_size', 'integer', (c) => c.notNull().check(sql`sample_size >= 1`))
    .addColumn('inspectors_per_institution', 'integer', (c) => c.notNull().check(sql`inspectors_per_institution >= 1`))
    .addColumn('seed', 'text', (c) => c.notNull().check(sql`seed ~ '^[0-9a-f]{64}$'`))
    .addColumn('algorithm', 'text', (c) => c.notNull())
    // The exact inputs (canonical: candidates by case id with their conflicts, roster sorted) and the result.
    .addColumn('inputs', 'jsonb', (c) => c.notNull())
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull().check(sql`digest ~ '^[0-9a-f]{64}$'`))
    .addColumn('drawn_by', 'text', (c) => c.notNull())
    .addColumn('drawn_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('inspection_draws_period', sql`period_from <= period_to and planned_on between period_from and period_to`)
    .addCheckConstraint('inspection_draws_record_matches', sql`inputs->>'seed' = seed and inputs->>'algorithm' = algorithm
      and (inputs->>'sampleSize')::integer = sample_size and (inputs->>'inspectorsPerInstitution')::integer = inspectors_per_institution
      and jsonb_typeof(result) = 'array' and jsonb_array_length(result) = sample_size`)
    .execute()
  await sql`create index inspection_draws_drawn_idx on inspection_draws (drawn_at desc, id desc)`.execute(db)

  await db.schema
    .createTable('inspection_draw_items')
    .addColumn('draw_id', 'uuid', (c) => c.notNull().references('inspection_draws.id'))
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 0`))
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('inspectors', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(inspectors) = 'array' and jsonb_array_length(inspectors) >= 1`))
    .addPrimaryKeyConstraint('inspection_draw_items_pkey', ['draw_id', 'position'])
    .addUniqueConstraint('inspection_draw_items_case_uq', ['draw_id', 'case_id'])
    .execute()
  await sql`create index inspection_draw_items_case_idx on inspection_draw_items (case_id)`.execute(db)

  // Append-only: a draw is evidence; changing its record afterwards must be impossible, not merely detectable.
  await sql`
    create function inspection_draws_append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = '55000';
    end $$`.execute(db)
  for (const table of ['inspection_draws', 'inspection_draw_items']) {
    await sql`create trigger ${sql.raw(`${table}_no_update_delete`)} before update or delete on ${sql.table(table)}
      for each row execute function inspection_draws_append_only()`.execute(db)
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function inspection_draws_append_only()`.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inspection_draw_items').execute()
  await db.schema.dropTable('inspection_draws').execute()
  await sql`drop function inspection_draws_append_only()`.execute(db)
  await db.schema.dropTable('inspectors').execute()
}
