/**
 * The audit log: every read of a case by an official and every state-changing request (refused ones too), who,
 * what, when, from where. Append-only like the history (a trigger refuses UPDATE, DELETE and TRUNCATE). Never a
 * request or response body, never personal data: ids, codes, the route and the status only (docs/ACCESS.md).
 * Runs on PostgreSQL 15 and PGlite.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    // Null for a request without a (valid) token: a refused anonymous write is still recorded.
    .addColumn('actor_id', 'text')
    .addColumn('actor_role', 'text')
    .addColumn('actor_jurisdiction', 'text')
    .addColumn('actor_department', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('case_id', 'uuid')
    // Cases a list showed (case.list): a read of each, found by case like case_id.
    .addColumn('case_ids', sql`uuid[]`)
    // The division the request concerned (the case's, or an admin route's :jurisdiction): scopes who may query it.
    .addColumn('resource_jurisdiction', 'text')
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addCheckConstraint('audit_log_status_http', sql`status between 100 and 599`)
    .addCheckConstraint('audit_log_method_known', sql`method in ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE')`)
    .addCheckConstraint('audit_log_actor_whole', sql`(actor_id is null) = (actor_role is null)`)
    .execute()

  await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % refused', tg_op using errcode = '55000';
    end $$`.execute(db)
  await sql`create trigger audit_log_no_update_delete before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db)
  await sql`create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only()`.execute(db)

  // Queries: by case (newest first), by actor, by time; keyset pagination runs on id.
  await sql`create index audit_log_case_idx on audit_log (case_id, id) where case_id is not null`.execute(db)
  await sql`create index audit_log_case_ids_idx on audit_log using gin (case_ids) where case_ids is not null`.execute(db)
  await sql`create index audit_log_actor_idx on audit_log (actor_id, id)`.execute(db)
  await sql`create index audit_log_at_idx on audit_log (at)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table audit_log`.execute(db)
  await sql`drop function audit_log_append_only()`.execute(db)
}
