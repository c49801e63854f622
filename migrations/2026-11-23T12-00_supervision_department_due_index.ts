/**
 * A department's list of one procedure in due order (supervision filters `department` + `procedure`, with or without
 * `kind`). Through clocks_supervision_due_idx the list reads every running clock in due order and keeps 1 in 36 (six
 * departments × six procedures at the benchmark's spread): ~1,800 index entries for a page of 50 overdue clocks, and
 * that rises as departments and procedures are added. Here the two equalities lead, so the page is the first 50
 * entries. docs/SUPERVISION.md, Indexes; EXPLAIN in the same page.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index clocks_supervision_department_due_idx on clocks (department, procedure, due_at, id)
    include (jurisdiction, kind, near_due_at) where status = 'running'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index clocks_supervision_department_due_idx`.execute(db)
}
