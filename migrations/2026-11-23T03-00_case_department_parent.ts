/**
 * Which department handles a case, and the one-window case a routed case belongs to.
 * `department` is set by the engine at filing (the procedure's handling department, or the department the one-window
 * case routed it to) and drives worklists, supervision and webhook delivery. `parent_id` links a routed case to the
 * one-window application (一个窗口) that created it in the same transaction.
 * Frozen once landed. Runs on PostgreSQL 15 and PGlite.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').addColumn('department', 'text').execute()
  // Cases filed before this migration: the department that handles their procedure (DOMAIN.md §2.12).
  await sql`update cases set department = case procedure
      when 'elderCareFiling' then 'civilAffairs'
      when 'insuranceDesignation' then 'healthcareSecurity'
      else 'health' end`.execute(db)
  await sql`alter table cases alter column department set not null`.execute(db)
  await sql`alter table cases add constraint cases_department_known check (department in
      ('health', 'civilAffairs', 'healthcareSecurity', 'marketRegulation', 'housingConstruction', 'serviceCentre'))`.execute(db)
  await db.schema.alterTable('cases').addColumn('parent_id', 'uuid', (c) => c.references('cases.id')).execute()
  await sql`alter table cases add constraint cases_parent_not_self check (parent_id is null or parent_id <> id)`.execute(db)
  await sql`create index cases_parent_idx on cases (parent_id) where parent_id is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index cases_parent_idx`.execute(db)
  await db.schema.alterTable('cases').dropColumn('parent_id').execute()
  await db.schema.alterTable('cases').dropColumn('department').execute()
}
