/**
 * SLA clocks as data. A procedure declares its clocks once (name, policy key, what expiry does); its states
 * declare which clocks run or pause there. The engine keeps one row per clock and kind: the statutory limit
 * (法定时限) and the promised limit (承诺时限, published per jurisdiction, never longer).
 */
import type { IsoDate } from '../calendar/types.ts'
import type { DeadlineExplanation, DeadlineUnit } from '../calendar/deadline.ts'

export type ClockKind = 'statutory' | 'promised'
export const CLOCK_KINDS: readonly ClockKind[] = ['statutory', 'promised']

/** A time limit as policy states it: `{ amount, unit }`, e.g. 20 working days. */
export interface Limit {
  amount: number
  unit: DeadlineUnit
}

/** Why a clock stopped counting: 第四十五条 special procedures, or the applicant supplementing materials. */
export type PauseKind = 'specialProcedure' | 'supplement'

export interface Pause {
  kind: PauseKind
  from: IsoDate
  to: IsoDate | null
  /** The event that paused it and its words (reason, how long the applicant was told). */
  event: string
  reason: string
  /** Working days the applicant was told in writing the special procedure takes (第四十五条). */
  noticeWorkingDays: number | null
  /** Working days the pause lasted, counted after `from` up to and including `to`; set on resume. */
  workingDays: number | null
}

export interface Extension {
  workingDays: number
  reason: string
  approvedBy: string
  approvedRole: string
  on: IsoDate
  event: string
}

/** A restart: the clock begins again from a later act (e.g. resubmission under a restart policy). */
export interface Restart {
  on: IsoDate
  event: string
  reason: string
  previousStart: IsoDate
}

export interface ClockState {
  name: string
  kind: ClockKind
  unit: DeadlineUnit
  amount: number
  policyKey: string
  source: string
  status: 'running' | 'paused' | 'stopped'
  startedOn: IsoDate
  pausedOn: IsoDate | null
  pauses: Pause[]
  extensions: Extension[]
  restarts: Restart[]
  dueOn: IsoDate | null
  dueAt: Date | null
  remainingWorkingDays: number | null
  provisional: boolean
  nearDueWorkingDays: number
  explanation: ClockExplanation | null
}

/** How the due date was reached, in terms an applicant, officer and supervisor all read the same way. */
export interface ClockExplanation {
  limit: Limit & { source: string }
  startedOn: IsoDate
  /** Working days added for closed pauses and approved extensions. */
  pausedWorkingDays: number
  extendedWorkingDays: number
  deadline: DeadlineExplanation
  pauses: Pause[]
  extensions: Extension[]
  restarts: Restart[]
  summary: string
}
