/**
 * Time limits: SLA clocks per case, durable timers that fire their expiry events exactly once, and the calendar
 * data an administrator loads (published years beyond the shipped package, local closures and extra working days).
 * Frozen once landed.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // The policy values pinned at submission (each with its source): a case keeps the limits it was filed under.
  await db.schema.alterTable('cases').addColumn('policy_values', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`)).execute()

  await db.schema
    .createTable('clocks')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('statutory', 'promised')`))
    .addColumn('unit', 'text', (c) => c.notNull().check(sql`unit in ('workingDays', 'days', 'months')`))
    .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount >= 0`))
    .addColumn('policy_key', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'paused', 'stopped')`))
    .addColumn('started_on', 'date', (c) => c.notNull())
    .addColumn('paused_on', 'date')
    .addColumn('pauses', 'jsonb', (c) => c.notNull())
    .addColumn('extensions', 'jsonb', (c) => c.notNull())
    .addColumn('restarts', 'jsonb', (c) => c.notNull())
    .addColumn('due_on', 'date')
    .addColumn('due_at', 'timestamptz')
    .addColumn('remaining_working_days', 'integer')
    .addColumn('provisional', 'boolean', (c) => c.notNull())
    .addColumn('near_due_working_days', 'integer', (c) => c.notNull())
    .addColumn('explanation', 'jsonb', (c) => c.notNull())
    .addColumn('jurisdiction', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('clocks_case_name_kind_uq', ['case_id', 'name', 'kind'])
    // A running clock has a due date; a paused one has none until it resumes.
    .addCheckConstraint('clocks_running_has_due', sql`status <> 'running' or (due_on is not null and due_at is not null)`)
    .execute()
  await sql`create index clocks_open_due_idx on clocks (due_at) where status = 'running'`.execute(db)
  await sql`create index clocks_open_jurisdiction_idx on clocks (jurisdiction) where status <> 'stopped'`.execute(db)

  await db.schema
    .createTable('timers')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('clock_name', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'fired', 'discarded', 'cancelled')`))
    .addColumn('armed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('armed_seq', 'integer', (c) => c.notNull())
    .addColumn('settled_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .execute()
  await sql`create index timers_pending_due_idx on timers (due_at, id) where status = 'pending'`.execute(db)
  // At most one pending timer per clock of a case: re-arming cancels the old one in the same transaction.
  await sql`create unique index timers_one_pending_per_clock on timers (case_id, clock_name) where status = 'pending'`.execute(db)

  // The real exactly-once guarantee: one history event per timer.
  await db.schema.alterTable('case_events').addColumn('timer_id', 'bigint', (c) => c.references('timers.id')).execute()
  await sql`create unique index case_events_timer_uq on case_events (timer_id) where timer_id is not null`.execute(db)

  await db.schema
    .createTable('calendar_years')
    .addColumn('year', 'integer', (c) => c.primaryKey().check(sql`year between 2000 and 2100`))
    .addColumn('arrangement', 'jsonb', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('loaded_by', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('calendar_overrides')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('jurisdiction', 'text', (c) => c.notNull().check(sql`jurisdiction ~ '^[0-9]{6}$'`))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('closed', 'open')`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('calendar_overrides_jurisdiction_date_uq', ['jurisdiction', 'date'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar_overrides').execute()
  await db.schema.dropTable('calendar_years').execute()
  await sql`drop index case_events_timer_uq`.execute(db)
  await db.schema.alterTable('case_events').dropColumn('timer_id').execute()
  await db.schema.dropTable('timers').execute()
  await db.schema.dropTable('clocks').execute()
  await db.schema.alterTable('cases').dropColumn('policy_values').execute()
}
