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
  /** Policy values pinned at submission, each `{ value, source }`. */
  policy_values: ColumnType<unknown, string | undefined, string>
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
  /** Set when a timer fired this event; unique, so a timer fires at most once. */
  timer_id: ColumnType<string | null, string | null | undefined, never>
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

/** One SLA clock of a case, statutory (法定时限) or promised (承诺时限). */
export interface ClocksTable {
  id: Generated<string>
  case_id: string
  name: string
  kind: 'statutory' | 'promised'
  unit: 'workingDays' | 'days' | 'months'
  amount: number
  policy_key: string
  source: string
  status: 'running' | 'paused' | 'stopped'
  started_on: string
  paused_on: string | null
  pauses: Json
  extensions: Json
  restarts: Json
  due_on: string | null
  due_at: Timestamp | null
  remaining_working_days: number | null
  provisional: boolean
  near_due_working_days: number
  explanation: Json
  jurisdiction: string
  updated_at: Timestamp
}

export interface TimersTable {
  id: Generated<string>
  case_id: string
  clock_name: string
  event_type: string
  due_at: Timestamp
  status: 'pending' | 'fired' | 'discarded' | 'cancelled'
  armed_at: Timestamp
  armed_seq: number
  settled_at: Timestamp | null
  outcome: string | null
}

export interface CalendarYearsTable {
  year: number
  arrangement: Json
  source: string
  loaded_at: Timestamp
  loaded_by: string
}

export interface CalendarOverridesTable {
  id: Generated<string>
  jurisdiction: string
  date: string
  kind: 'closed' | 'open'
  name: string
  created_at: Timestamp
  created_by: string
}

export interface Database {
  clocks: ClocksTable
  timers: TimersTable
  calendar_years: CalendarYearsTable
  calendar_overrides: CalendarOverridesTable
  cases: CasesTable
  case_events: CaseEventsTable
  outbox: OutboxTable
  filing_number_counters: FilingNumberCountersTable
}

export type CaseRow = Selectable<CasesTable>
export type CaseEventRow = Selectable<CaseEventsTable>
export type NewCaseEvent = Insertable<CaseEventsTable>
export type ClockRow = Selectable<ClocksTable>
export type TimerRow = Selectable<TimersTable>
