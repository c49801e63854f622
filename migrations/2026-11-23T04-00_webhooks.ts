/**
 * Webhook delivery of the outbox to the departments' own systems (docs/WEBHOOKS.md).
 * - `webhook_endpoints`: one endpoint per (division, department); a case's messages go to the most specific active
 *   endpoint of its department whose division contains the case's (county, then city, then province, then national).
 * - delivery state on `outbox`: when the next attempt is due (null: as soon as created), the last attempt's result,
 *   and the two terminal states besides delivered: dead-lettered (N failed attempts) and unroutable (no endpoint).
 *   At most one of delivered / dead-lettered / unroutable is set. An administrator's redelivery is recorded on the row.
 * - `outbox_deliveries`: every attempt, append-only (what admins read when a department says "we never got it").
 * Frozen once landed. Runs on PostgreSQL 15 and PGlite.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('jurisdiction', 'text', (c) => c.notNull().check(sql`jurisdiction ~ '^[0-9]{6}$'`))
    .addColumn('department', 'text', (c) => c.notNull().check(sql`department in
      ('health', 'civilAffairs', 'healthcareSecurity', 'marketRegulation', 'housingConstruction', 'serviceCentre')`))
    .addColumn('url', 'text', (c) => c.notNull().check(sql`url ~ '^https?://' and length(url) <= 2000`))
    // The HMAC key in the Standard Webhooks form whsec_<base64>; stored as given (the signer needs it), never returned.
    .addColumn('secret', 'text', (c) => c.notNull().check(sql`secret ~ '^whsec_[A-Za-z0-9+/]+={0,2}$'`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('webhook_endpoints_division_department_uq', ['jurisdiction', 'department'])
    .execute()

  await db.schema.alterTable('outbox')
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('dead_lettered_at', 'timestamptz')
    .addColumn('unroutable_at', 'timestamptz')
    .addColumn('endpoint_id', 'bigint', (c) => c.references('webhook_endpoints.id'))
    .addColumn('redeliveries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('redelivered_at', 'timestamptz')
    .addColumn('redelivered_by', 'text')
    .execute()
  await sql`alter table outbox add constraint outbox_one_terminal_state
    check (num_nonnulls(delivered_at, dead_lettered_at, unroutable_at) <= 1)`.execute(db)
  await sql`alter table outbox add constraint outbox_attempts_nonnegative check (attempts >= 0)`.execute(db)
  // The dispatcher's claim: due rows in order of due time. A row never attempted is due from its creation.
  await sql`create index outbox_due_idx on outbox ((coalesce(next_attempt_at, created_at)), id)
    where delivered_at is null and dead_lettered_at is null and unroutable_at is null`.execute(db)
  // The admin lists of dead letters and unroutable messages (newest first).
  await sql`create index outbox_dead_idx on outbox (id) where dead_lettered_at is not null`.execute(db)
  await sql`create index outbox_unroutable_idx on outbox (id) where unroutable_at is not null`.execute(db)

  await db.schema
    .createTable('outbox_deliveries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('outbox_id', 'bigint', (c) => c.notNull().references('outbox.id'))
    .addColumn('attempt', 'integer', (c) => c.notNull().check(sql`attempt >= 1`))
    .addColumn('endpoint_id', 'bigint', (c) => c.notNull().references('webhook_endpoints.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('worker', 'text', (c) => c.notNull())
    .addColumn('attempted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('delivered', 'rejected', 'timeout', 'error')`))
    .addColumn('status', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute()
  await sql`create index outbox_deliveries_outbox_idx on outbox_deliveries (outbox_id, id)`.execute(db)
  await sql`
    create function outbox_deliveries_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'outbox_deliveries is append-only: % refused', tg_op using errcode = '55000';
    end $$`.execute(db)
  await sql`create trigger outbox_deliveries_no_update_delete before update or delete on outbox_deliveries
    for each row execute function outbox_deliveries_append_only()`.execute(db)
  await sql`create trigger outbox_deliveries_no_truncate before truncate on outbox_deliveries
    for each statement execute function outbox_deliveries_append_only()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox_deliveries').execute()
  await sql`drop function outbox_deliveries_append_only()`.execute(db)
  await sql`drop index outbox_unroutable_idx`.execute(db)
  await sql`drop index outbox_dead_idx`.execute(db)
  await sql`drop index outbox_due_idx`.execute(db)
  await sql`alter table outbox drop constraint outbox_attempts_nonnegative`.execute(db)
  await sql`alter table outbox drop constraint outbox_one_terminal_state`.execute(db)
  for (const column of ['redelivered_by', 'redelivered_at', 'redeliveries', 'endpoint_id', 'unroutable_at', 'dead_lettered_at',
    'last_error', 'last_status', 'last_attempt_at', 'next_attempt_at']) {
    await db.schema.alterTable('outbox').dropColumn(column).execute()
  }
  await db.schema.dropTable('webhook_endpoints').execute()
}
