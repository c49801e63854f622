/**
 * Claims (worklists): who holds a case. `assignee` is the official who claimed it (or to whom a head reassigned
 * it), `assignee_role` the role in which they hold it, `claimed_at` when. All three are set and cleared together,
 * by the engine only, in the same statement that appends CASE_CLAIMED / CASE_RELEASED / CASE_REASSIGNED to the
 * case's history (docs/WORKLISTS.md).
 * Index for the worklist: active cases by department and state (the worklist asks for the (procedure, state)
 * pairs that wait on the caller's role, in one department, within a jurisdiction prefix), and the running clocks
 * of a case for its earliest due date.
 * Runs on PostgreSQL 15 and PGlite.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').addColumn('assignee', 'text').execute()
  await db.schema.alterTable('cases').addColumn('assignee_role', 'text').execute()
  await db.schema.alterTable('cases').addColumn('claimed_at', 'timestamptz').execute()
  await sql`alter table cases add constraint cases_claim_complete check (
      (assignee is null and assignee_role is null and claimed_at is null)
      or (assignee is not null and assignee <> '' and assignee_role in ('clerk', 'officer', 'head') and claimed_at is not null))`.execute(db)
  // A closed case is held by nobody.
  await sql`alter table cases add constraint cases_done_unclaimed check (status = 'active' or assignee is null)`.execute(db)
  await sql`create index cases_worklist_idx on cases (department, procedure, state, jurisdiction) where status = 'active'`.execute(db)
  await sql`create index cases_assignee_idx on cases (assignee) where assignee is not null`.execute(db)
  await sql`create index clocks_running_case_due_idx on clocks (case_id, due_at) where status = 'running'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index clocks_running_case_due_idx`.execute(db)
  await sql`drop index cases_assignee_idx`.execute(db)
  await sql`drop index cases_worklist_idx`.execute(db)
  await sql`alter table cases drop constraint cases_done_unclaimed`.execute(db)
  await sql`alter table cases drop constraint cases_claim_complete`.execute(db)
  await db.schema.alterTable('cases').dropColumn('claimed_at').execute()
  await db.schema.alterTable('cases').dropColumn('assignee_role').execute()
  await db.schema.alterTable('cases').dropColumn('assignee').execute()
}
