/**
 * Stats reads (src/supervision/queries.ts, readStats) scan the completion histogram of a county or city for twelve
 * months: ~10,800 rows per county at 1,000,000 cases (docs/BENCHMARKS.md, Supervision). Through the primary key
 * they are fetched from the heap, where the fold's upserts scatter a county's rows over as many pages as rows
 * (EXPLAIN in docs/SUPERVISION.md: 1,647 heap pages for one county). The same key with the counts included lets both
 * the group-keys query and the histogram query run as index-only scans.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index supervision_completions_read_idx on supervision_completions (jurisdiction, department, month, procedure, working_days)
    include (concluded, on_time)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index supervision_completions_read_idx`.execute(db)
}
