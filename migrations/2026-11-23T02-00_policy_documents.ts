/**
 * Policy versions loaded by administrators (PUT /v1/admin/policies/{jurisdiction}), beside the documents shipped in
 * policies/. A version is never overwritten: (jurisdiction, version) is unique and the table refuses UPDATE, DELETE
 * and TRUNCATE, so the policy a case pinned can always be traced to the document it came from.
 * Frozen once landed. Runs on PostgreSQL 15 and PGlite.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('policy_documents')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('jurisdiction', 'text', (c) => c.notNull().check(sql`jurisdiction ~ '^[0-9]{6}$'`))
    .addColumn('version', 'text', (c) => c.notNull().check(sql`length(version) between 1 and 100`))
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('loaded_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('policy_documents_jurisdiction_version_uq', ['jurisdiction', 'version'])
    // The document is the one the row describes.
    .addCheckConstraint('policy_documents_document_matches', sql`document->>'jurisdiction' = jurisdiction and document->>'version' = version and (document->>'effectiveFrom')::date = effective_from`)
    .execute()
  await sql`create index policy_documents_jurisdiction_idx on policy_documents (jurisdiction, effective_from)`.execute(db)

  await sql`
    create function policy_documents_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'policy_documents keeps every version: % refused', tg_op using errcode = '55000';
    end $$`.execute(db)
  await sql`create trigger policy_documents_no_update_delete before update or delete on policy_documents
    for each row execute function policy_documents_append_only()`.execute(db)
  await sql`create trigger policy_documents_no_truncate before truncate on policy_documents
    for each statement execute function policy_documents_append_only()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('policy_documents').execute()
  await sql`drop function policy_documents_append_only()`.execute(db)
}
