/** Row types of the tables, as Kysely sees them. Migrations are the truth; these follow them. */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'
import type { Department } from '../policy/keys.ts'

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
  /** The department that handles the case (DOMAIN.md §2.12); set at filing. */
  department: Department
  /** The one-window application that routed this case, if any. */
  parent_id: ColumnType<string | null, string | null | undefined, never>
  /** The official who holds the case (claimed or reassigned to them); set only by the engine (docs/WORKLISTS.md). */
  assignee: ColumnType<string | null, string | null | undefined, string | null>
  assignee_role: ColumnType<'clerk' | 'officer' | 'head' | null, string | null | undefined, string | null>
  claimed_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  /** When the case concluded (办结, or ended without one); set once by the engine. Constraint: a done case has it. */
  concluded_at: ColumnType<Date | null, Date | null | undefined, Date | null>
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
  /** Webhook delivery (docs/WEBHOOKS.md); null: due from created_at. */
  next_attempt_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  last_attempt_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  last_status: ColumnType<number | null, number | null | undefined, number | null>
  last_error: ColumnType<string | null, string | null | undefined, string | null>
  dead_lettered_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  unroutable_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  endpoint_id: ColumnType<string | null, string | null | undefined, string | null>
  redeliveries: Generated<number>
  redelivered_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  redelivered_by: ColumnType<string | null, string | null | undefined, string | null>
}

/** A department's webhook endpoint for a division and those below it (docs/WEBHOOKS.md). */
export interface WebhookEndpointsTable {
  id: Generated<string>
  jurisdiction: string
  department: Department
  url: string
  secret: string
  active: boolean
  created_at: Timestamp
  created_by: string
  updated_at: Timestamp
  updated_by: string
}

/** One delivery attempt of an outbox message; append-only. */
export interface OutboxDeliveriesTable {
  id: Generated<string>
  outbox_id: string
  attempt: number
  endpoint_id: string
  url: string
  worker: string
  attempted_at: Timestamp
  outcome: 'delivered' | 'rejected' | 'timeout' | 'error'
  status: number | null
  error: string | null
  duration_ms: number
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
  /** The case's department and procedure, denormalised for the supervision lists (migrations/2026-11-23T09-00_supervision.ts). */
  department: string
  procedure: string
  /** When the clock turns yellow on its calendar (clockColour); null when it does not run. */
  near_due_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  /** Set only by the engine's CLOCK_NEAR_DUE / CLOCK_OVERDUE events; back to 'none' when the due instant moves. */
  alert: ColumnType<'none' | 'nearDue' | 'overdue', 'none' | 'nearDue' | 'overdue' | undefined, 'none' | 'nearDue' | 'overdue'>
  was_overdue: ColumnType<boolean, boolean | undefined, boolean>
}

export interface SupervisionCountsTable {
  jurisdiction: string
  department: string
  procedure: string
  kind: string
  open: ColumnType<string, number, number>
  near_due: ColumnType<string, number, number>
  overdue: ColumnType<string, number, number>
}

export interface SupervisionCountDeltasTable {
  id: Generated<string>
  jurisdiction: string
  department: string
  procedure: string
  kind: string
  open: number
  near_due: number
  overdue: number
}

/** One month of completions of a county, department and procedure ('*': all procedures), migration 11. */
export interface SupervisionCompletionMonthsTable {
  jurisdiction: string
  department: string
  procedure: string
  month: string
  concluded: ColumnType<string, number, number>
  on_time: ColumnType<string, number, number>
  /** Element i + 1: cases concluded in i working days. */
  histogram: ColumnType<string[], string, string>
}

export interface SupervisionCompletionDeltasTable {
  id: Generated<string>
  case_id: string
  jurisdiction: string
  department: string
  procedure: string
  month: string
  working_days: number
  on_time: boolean
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

/** The 双随机 inspector roster (docs/INSPECTIONS.md). */
export interface InspectorsTable {
  id: string
  name: string
  jurisdiction: string
  department: Department
  active: boolean
  created_by: string
  created_at: Timestamp
  updated_by: string
  updated_at: Timestamp
}

/** A random inspection draw with its seed, exact inputs and result; append-only. */
export interface InspectionDrawsTable {
  id: string
  department: Department
  jurisdiction: string
  pool: 'medical' | 'elderCare'
  period_from: string
  period_to: string
  planned_on: string
  sample_size: number
  inspectors_per_institution: number
  seed: string
  algorithm: string
  inputs: Json
  result: Json
  digest: string
  drawn_by: string
  drawn_at: Timestamp
}

export interface InspectionDrawItemsTable {
  draw_id: string
  position: number
  case_id: string
  inspectors: Json
}

/** Append-only audit of reads by officials and of every write (migrations/2026-11-23T05-00_audit_log.ts). */
export interface AuditLogTable {
  id: Generated<string>
  at: Timestamp
  actor_id: string | null
  actor_role: string | null
  actor_jurisdiction: string | null
  actor_department: string | null
  action: string
  case_id: string | null
  case_ids: string[] | null
  resource_jurisdiction: string | null
  route: string
  method: string
  status: number
  ip: string | null
  request_id: string
  detail: ColumnType<unknown, string | undefined, never>
}

export interface Database {
  supervision_counts: SupervisionCountsTable
  supervision_count_deltas: SupervisionCountDeltasTable
  supervision_completion_months: SupervisionCompletionMonthsTable
  supervision_completion_deltas: SupervisionCompletionDeltasTable
  inspectors: InspectorsTable
  inspection_draws: InspectionDrawsTable
  inspection_draw_items: InspectionDrawItemsTable
  audit_log: AuditLogTable
  clocks: ClocksTable
  timers: TimersTable
  calendar_years: CalendarYearsTable
  calendar_overrides: CalendarOverridesTable
  cases: CasesTable
  case_events: CaseEventsTable
  outbox: OutboxTable
  webhook_endpoints: WebhookEndpointsTable
  outbox_deliveries: OutboxDeliveriesTable
  filing_number_counters: FilingNumberCountersTable
}

export type CaseRow = Selectable<CasesTable>
export type CaseEventRow = Selectable<CaseEventsTable>
export type NewCaseEvent = Insertable<CaseEventsTable>
export type ClockRow = Selectable<ClocksTable>
export type TimerRow = Selectable<TimersTable>
