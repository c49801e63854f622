/**
 * When a case concluded (办结), kept once on the case. A case concludes at its first 办结 event (办件状态 11 办结（通过）,
 * 12 办结（容缺通过）, 13 办结（不通过）: PLATFORM-CONVENTIONS.md, "办件 status codes") or, failing one, when it ends (不予受理,
 * 撤回, 撤销 …). A filing or a designation concludes when it is recorded, although the case lives on under supervision;
 * before this column the supervision statistics counted only cases that ended, so approved filings were missing from
 * the completions and the on-time rate. The engine sets it in the concluding event's statement and writes the
 * completion row then, once (docs/SUPERVISION.md).
 *
 * Backfill: the first 办结 event in the history, else the last change of a case that ended. Completion rows are not
 * written for cases concluded before this migration: the statistics of past months stay as they were recorded.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table cases add column concluded_at timestamptz`.execute(db)
  await sql`update cases c set concluded_at = coalesce(
      (select min(e.at) from case_events e where e.case_id = c.id and e.status_code in (11, 12, 13)),
      case when c.status = 'done' then c.updated_at end)`.execute(db)
  // A case that ended has concluded.
  await sql`alter table cases add constraint cases_done_concluded check (status <> 'done' or concluded_at is not null)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table cases drop constraint cases_done_concluded`.execute(db)
  await sql`alter table cases drop column concluded_at`.execute(db)
}
