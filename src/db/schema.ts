/** Row types of the tables, as Kysely sees them. Migrations are the truth; these follow them. */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

type Json = ColumnType<unknown, string, string>
type Timestamp = ColumnType<Date, Date, Date>

export interface CasesTable {
  id: string
  procedure: string
  machine_version: string
  jurisdiction: string
  policy_version: string
  state: string
  status: 'active' | 'done'
  snapshot: Json
  version: number
  applicant: string
  institution: Json
  filing_number: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface CaseEventsTable {
  case_id: string
  seq: number
  type: string
  payload: Json
  actor_id: string
  actor_role: string
  at: Timestamp
  state_before: string | null
  state_after: string
  status_code: number | null
}

export interface OutboxTable {
  id: Generated<string>
  case_id: string
  seq: number
  topic: string
  payload: Json
  created_at: Timestamp
  delivered_at: Timestamp | null
  attempts: Generated<number>
}

export interface FilingNumberCountersTable {
  jurisdiction: string
  year: number
  last_seq: number
}

export interface Database {
  cases: CasesTable
  case_events: CaseEventsTable
  outbox: OutboxTable
  filing_number_counters: FilingNumberCountersTable
}

export type CaseRow = Selectable<CasesTable>
export type CaseEventRow = Selectable<CaseEventsTable>
export type NewCaseEvent = Insertable<CaseEventsTable>
