/**
 * Supervision (docs/SUPERVISION.md): overdue and near-due lists by index, and grouped counts that stay exact
 * without a scan of every case.
 *
 * - clocks gain the case's `department` and `procedure` (denormalised: fixed at filing, written by the engine with
 *   the clock), `near_due_at` (the instant the clock turns yellow on its calendar, computed by the engine) and
 *   `alert` ('none' | 'nearDue' | 'overdue': set only by the engine's CLOCK_NEAR_DUE / CLOCK_OVERDUE events, fired by
 *   durable timers), `was_overdue` (sticky: the clock was once marked red).
 * - Counts: a trigger on clocks appends a delta row (open, nearDue, overdue: each −1/0/+1) for every change of a
 *   clock's class, in the same transaction as the change. Appending takes no lock on a shared row, so concurrent
 *   events never wait on each other or deadlock on counters. `supervision_fold()` moves committed deltas into
 *   `supervision_counts` (one folder at a time, advisory lock); a read sums counts + the deltas not yet folded, so
 *   it is exact at every moment.
 * - Completions: the engine appends one row per concluded case (working days to completion, on time or not) to
 *   `supervision_completion_deltas`; folded into a histogram `supervision_completions` (count per working-days
 *   bucket per county, department, procedure, month), from which median and p90 are exact.
 * Runs on PostgreSQL 15 and PGlite.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('clocks').addColumn('department', 'text').execute()
  await db.schema.alterTable('clocks').addColumn('procedure', 'text').execute()
  await db.schema.alterTable('clocks').addColumn('near_due_at', 'timestamptz').execute()
  await db.schema.alterTable('clocks').addColumn('alert', 'text', (c) => c.notNull().defaultTo('none').check(sql`alert in ('none', 'nearDue', 'overdue')`)).execute()
  await db.schema.alterTable('clocks').addColumn('was_overdue', 'boolean', (c) => c.notNull().defaultTo(false)).execute()
  await sql`update clocks k set department = c.department, procedure = c.procedure from cases c where c.id = k.case_id`.execute(db)
  await sql`alter table clocks alter column department set not null, alter column procedure set not null`.execute(db)

  // The lists: running clocks in due order (overdue: due_at <= now, from the start; near-due: due_at > now, the
  // first rows after now, near_due_at <= now). The INCLUDE columns let the filters run on the index alone.
  await sql`create index clocks_supervision_due_idx on clocks (due_at, id)
    include (jurisdiction, department, procedure, kind, near_due_at) where status = 'running'`.execute(db)
  // A county's list (equality on the county), in due order.
  await sql`create index clocks_supervision_county_due_idx on clocks (jurisdiction, due_at, id)
    include (department, procedure, kind, near_due_at) where status = 'running'`.execute(db)

  await sql`create table supervision_counts (
    jurisdiction text not null, department text not null, procedure text not null, kind text not null,
    open bigint not null default 0, near_due bigint not null default 0, overdue bigint not null default 0,
    primary key (jurisdiction, department, procedure, kind))`.execute(db)
  await sql`create table supervision_count_deltas (
    id bigserial primary key,
    jurisdiction text not null, department text not null, procedure text not null, kind text not null,
    open integer not null, near_due integer not null, overdue integer not null)`.execute(db)
  await sql`create table supervision_completions (
    jurisdiction text not null, department text not null, procedure text not null, month text not null,
    working_days integer not null, concluded bigint not null default 0, on_time bigint not null default 0,
    primary key (jurisdiction, department, month, procedure, working_days))`.execute(db)
  await sql`create table supervision_completion_deltas (
    id bigserial primary key, case_id uuid not null unique references cases (id),
    jurisdiction text not null, department text not null, procedure text not null, month text not null,
    working_days integer not null, on_time boolean not null)`.execute(db)

  await sql`create function supervision_clock_delta() returns trigger language plpgsql as $$
    declare
      o_open int := 0; o_near int := 0; o_over int := 0;
      n_open int := 0; n_near int := 0; n_over int := 0;
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.status <> 'stopped' then
        o_open := 1;
        if old.status = 'running' and old.alert = 'nearDue' then o_near := 1; end if;
        if old.status = 'running' and old.alert = 'overdue' then o_over := 1; end if;
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.status <> 'stopped' then
        n_open := 1;
        if new.status = 'running' and new.alert = 'nearDue' then n_near := 1; end if;
        if new.status = 'running' and new.alert = 'overdue' then n_over := 1; end if;
      end if;
      if tg_op = 'UPDATE' and (old.jurisdiction, old.department, old.procedure, old.kind) is distinct from (new.jurisdiction, new.department, new.procedure, new.kind) then
        insert into supervision_count_deltas (jurisdiction, department, procedure, kind, open, near_due, overdue)
        values (old.jurisdiction, old.department, old.procedure, old.kind, -o_open, -o_near, -o_over);
        o_open := 0; o_near := 0; o_over := 0;
      end if;
      if n_open <> o_open or n_near <> o_near or n_over <> o_over then
        insert into supervision_count_deltas (jurisdiction, department, procedure, kind, open, near_due, overdue)
        values (coalesce(new.jurisdiction, old.jurisdiction), coalesce(new.department, old.department),
                coalesce(new.procedure, old.procedure), coalesce(new.kind, old.kind), n_open - o_open, n_near - o_near, n_over - o_over);
      end if;
      return null;
    end $$`.execute(db)
  await sql`create trigger clocks_supervision_delta after insert or update or delete on clocks
    for each row execute function supervision_clock_delta()`.execute(db)

  // Counts of the clocks already there (a fresh install has none).
  await sql`insert into supervision_counts (jurisdiction, department, procedure, kind, open, near_due, overdue)
    select jurisdiction, department, procedure, kind, count(*) filter (where status <> 'stopped'),
           count(*) filter (where status = 'running' and alert = 'nearDue'), count(*) filter (where status = 'running' and alert = 'overdue')
    from clocks group by 1, 2, 3, 4`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger clocks_supervision_delta on clocks`.execute(db)
  await sql`drop function supervision_clock_delta()`.execute(db)
  await sql`drop table supervision_completion_deltas`.execute(db)
  await sql`drop table supervision_completions`.execute(db)
  await sql`drop table supervision_count_deltas`.execute(db)
  await sql`drop table supervision_counts`.execute(db)
  await sql`drop index clocks_supervision_county_due_idx`.execute(db)
  await sql`drop index clocks_supervision_due_idx`.execute(db)
  for (const c of ['was_overdue', 'alert', 'near_due_at', 'procedure', 'department']) await db.schema.alterTable('clocks').dropColumn(c).execute()
}
