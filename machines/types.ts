/**
 * What every procedure declares as data beside its XState machine: who may send each event, the event's payload
 * schema, the national case status code it reports, and the named rules (guards) with their legal source.
 * Pure types and schemas only: nothing here does I/O.
 */
import type { TSchema } from 'typebox'
import type { AnyStateMachine } from 'xstate'
import type { Department } from '../src/policy/keys.ts'
import type { ResolvedPolicy } from '../src/policy/resolve.ts'

/** Roles carried in the bearer token. */
export const ROLES = ['applicant', 'clerk', 'officer', 'head', 'supervisor', 'admin', 'system'] as const
export type Role = (typeof ROLES)[number]

/**
 * 办件状态 codes of the national exchange (PLATFORM-CONVENTIONS.md, "办件 status codes"):
 * 1 已接件 · 2 已撤件 · 3 已受理 · 4 不受理 · 5 不予受理 · 6 补正（开始） · 7 补正（结束） · 8 部门开始办理 ·
 * 9 特别程序（开始） · 10 特别程序（结束） · 11 办结（通过） · 12 办结（容缺通过） · 13 办结（不通过） · 14 撤回 · 15 撤销
 */
export type CaseStatusCode = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15

/** 办结（通过）, 办结（容缺通过）, 办结（不通过）: the event carrying one concludes the case (its 办结), even when it lives on under supervision. */
export const CONCLUDING_STATUS_CODES: ReadonlySet<CaseStatusCode> = new Set([11, 12, 13])

/** Where a rule comes from: a seed file and locator, or a law and article. */
export type Source = string

/**
 * Something the engine must allocate inside the transaction before the machine sees the event: a number from the
 * jurisdiction's gapless counter, or the ids of the cases a one-window acceptance routes (created in the same
 * transaction).
 */
export type Allocation = 'filingNumber' | 'childCases'

export interface EventSpec {
  /** Roles that may send the event; the engine refuses others with 403. */
  roles: readonly Role[]
  /** JSON Schema (TypeBox) of the payload the sender supplies. */
  payload: TSchema
  description: string
  source: Source
  /** National 办件 status code this event reports, when it reports one. */
  statusCode?: CaseStatusCode
  allocates?: Allocation | readonly Allocation[]
}

export interface RuleSpec<TContext> {
  description: string
  source: Source
  check: (args: { context: TContext; event: ProcedureEvent }) => boolean
}

/**
 * A clock declared by a state: this limit runs here, or is paused here (and why). Kept as data so the engine
 * opens, pauses, resumes and stops clocks in the event's transaction, and machines stay pure. A clock that a
 * state does not declare is stopped when the case enters that state.
 */
export interface ClockDeclaration {
  name: string
  mode: 'run' | 'pause'
  /** 第四十五条 special procedure (not counted), or the applicant supplementing after acceptance. */
  pauseKind?: 'specialProcedure' | 'supplement'
}

/** A clock of the procedure, declared once: its policy key and what its expiry does. */
export interface ClockDefinition {
  name: string
  title: string
  titleZh: string
  /** `<key>.statutory`, `<key>.promised`, `<key>.extension`, `<key>.afterSupplement` in the jurisdiction's policy. */
  policyKey: string
  /** The event the durable timer sends when the statutory limit passes; absent: expiry is only a red mark. */
  onExpiry?: { event: string; description: string }
  /** The event that extends it (declares an `extendClock` action), with the article that allows it. */
  extension?: { event: string; description: string }
  /**
   * Runs only where the jurisdiction's policy sets `<key>.statutory` (e.g. Wenshan's single 30-working-day limit
   * from application to system activation, 004_6104121fb84d74b0.txt L228); elsewhere it is never opened.
   */
  optional?: boolean
}

/**
 * The params of a machine's `scheduleReminder` action: the engine (src/engine/reminders.ts) arms a durable timer that
 * fires `event` (role `system`, payload `{ clock, dueOn }`) at the start of the day found at `on` in the context after
 * the event. A reminder of the same name replaces a pending one; no day there cancels it.
 */
export interface ReminderParams {
  clock: string
  event: string
  /** A dotted path in the context to an ISO day, e.g. `followUp.eligibleFrom`. */
  on: string
}

export interface StateMeta {
  /** Chinese name of the state as the window uses it. */
  label: string
  description: string
  source?: Source
  /** Who the case waits on here (used by worklists). */
  waitingOn?: readonly Role[]
  clocks?: readonly ClockDeclaration[]
  /**
   * The department's decision this state stands for, when the case was routed by a one-window application: the
   * first time a routed case enters a state with an outcome, the engine reports it to the application (CHILD_SETTLED).
   */
  outcome?: 'approved' | 'refused' | 'withdrawn'
}

/** The event the machine receives: the sender's payload plus what the engine adds from the server side. */
export interface ProcedureEvent {
  type: string
  payload: Record<string, unknown>
  /** ISO instant of the event, from the engine's clock (machines never read the time themselves). */
  at: string
  actor: { id: string; role: Role }
  /** Values the engine allocated in the transaction (a filing number, the ids of routed cases). */
  issued?: { filingNumber?: string; childCaseIds?: string[] }
}

export interface ProcedureDefinition {
  id: string
  version: string
  title: string
  /** Chinese title as published on the service list (事项名称). */
  titleZh: string
  description: string
  /** The department that handles the procedure where nothing routes it elsewhere (DOMAIN.md §2.12). */
  department: Department
  machine: AnyStateMachine
  events: Readonly<Record<string, EventSpec>>
  rules: Readonly<Record<string, { description: string; source: Source }>>
  /** The procedure's clocks (time limits), by name. */
  clocks: Readonly<Record<string, ClockDefinition>>
  /** The event recorded as seq 1 when a case is created. */
  creationEvent: string
  /**
   * What the one window's acceptance stands for when it routes a case of this procedure (行政许可法 第二十六条: one
   * organ receives and accepts for all): the events the engine applies to the new case right after creating it, as
   * the clerk who accepted (`accept`) or as the system when the application was deemed accepted (`deemed`). Absent:
   * the department takes the routed case in from its first state (a filing with its own completeness check).
   */
  windowAcceptance?: { accept: readonly string[]; deemed: readonly string[] }
  /**
   * Checks that the procedure applies to this institution under the jurisdiction's policy, and builds the machine's
   * input (pinning what the case needs from the policy). Pure: the policy arrives resolved, and `today` is the
   * Asia/Shanghai date of the engine's clock (e.g. for eligibility dates), never read by the machine itself.
   */
  prepare(request: CaseRequest, policy: PolicyView, today: string): Preparation
}

/** The policy in force, as a machine's preparation sees it (values with their sources). */
export interface PolicyView {
  version: string
  get<T>(key: string): { value: T; source: string }
  /** The whole resolved policy, for a procedure that decides other procedures (the one-window application). */
  resolved?: ResolvedPolicy
}

export interface CaseRequest {
  jurisdiction: string
  institution: Record<string, unknown>
  materials: { item: string; documentRef: string; title?: string }[]
}

export type Preparation = { ok: true; input: unknown } | { ok: false; detail: string; source: string }
