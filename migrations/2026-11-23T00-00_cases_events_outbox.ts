/**
 * The case store: cases, their append-only history, and the transactional outbox.
 * Frozen once landed: write a new migration for any change. Kysely<any> keeps it independent of today's types.
 * SQL here runs on PostgreSQL 15 and on PGlite (PostgreSQL 18): no uuidv7(), no json_value(), no extensions.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cases')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('procedure', 'text', (c) => c.notNull())
    .addColumn('machine_version', 'text', (c) => c.notNull())
    .addColumn('jurisdiction', 'text', (c) => c.notNull().check(sql`jurisdiction ~ '^[0-9]{6}$'`))
    .addColumn('policy_version', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'done')`))
    .addColumn('snapshot', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('applicant', 'text', (c) => c.notNull())
    .addColumn('institution', 'jsonb', (c) => c.notNull())
    .addColumn('filing_number', 'text', (c) => c.unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  // Keyset pagination of lists (newest first), by state and procedure, and per applicant.
  await db.schema.createIndex('cases_created_idx').on('cases').columns(['created_at desc', 'id desc']).execute()
  await db.schema.createIndex('cases_applicant_created_idx').on('cases').columns(['applicant', 'created_at desc', 'id desc']).execute()
  await db.schema.createIndex('cases_state_idx').on('cases').columns(['procedure', 'state']).execute()

  await db.schema
    .createTable('case_events')
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('seq', 'integer', (c) => c.notNull().check(sql`seq >= 1`))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('state_before', 'text')
    .addColumn('state_after', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addPrimaryKeyConstraint('case_events_pkey', ['case_id', 'seq'])
    .execute()

  // Append-only at the database level: history is evidence (行政许可法 第四十条 publicity of decisions; audit).
  await sql`
    create function case_events_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'case_events is append-only: % refused', tg_op using errcode = '55000';
    end $$`.execute(db)
  await sql`create trigger case_events_no_update_delete before update or delete on case_events
    for each row execute function case_events_append_only()`.execute(db)
  await sql`create trigger case_events_no_truncate before truncate on case_events
    for each statement execute function case_events_append_only()`.execute(db)

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addForeignKeyConstraint('outbox_event_fk', ['case_id', 'seq'], 'case_events', ['case_id', 'seq'])
    .execute()
  await sql`create index outbox_pending_idx on outbox (id) where delivered_at is null`.execute(db)

  // Filing numbers: one counter per jurisdiction and year, so numbers are unique and gapless per jurisdiction-year.
  await db.schema
    .createTable('filing_number_counters')
    .addColumn('jurisdiction', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('filing_number_counters_pkey', ['jurisdiction', 'year'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('filing_number_counters').execute()
  await db.schema.dropTable('outbox').execute()
  await db.schema.dropTable('case_events').execute()
  await sql`drop function case_events_append_only()`.execute(db)
  await db.schema.dropTable('cases').execute()
}
