/**
 * Due dates of clocks, pure. The limit is counted from the act that started the clock (the day after it, 民法典
 * 第二百零一条); time spent in closed pauses and approved extensions is added in working days, so a pause of k
 * working days moves the due date by exactly k working days (行政许可法 第四十五条: special procedures are not counted).
 */
import { addMonths, addNaturalDays, addWorkingDays, workingDaysBetween } from '../calendar/units.ts'
import type { Deadline } from '../calendar/deadline.ts'
import type { IsoDate, WorkCalendar } from '../calendar/types.ts'
import type { ClockExplanation, ClockState } from './types.ts'

function baseDeadline(cal: WorkCalendar, clock: Pick<ClockState, 'unit' | 'amount' | 'startedOn'>, extraWorkingDays: number): Deadline {
  if (clock.unit === 'workingDays') return addWorkingDays(cal, clock.startedOn, clock.amount + extraWorkingDays)
  const base = clock.unit === 'days' ? addNaturalDays(cal, clock.startedOn, clock.amount) : addMonths(cal, clock.startedOn, clock.amount)
  if (extraWorkingDays === 0) return base
  // Pauses and extensions are counted in working days (第四十二条, 第四十五条), after the natural-day or month limit.
  const shifted = addWorkingDays(cal, base.due, extraWorkingDays)
  return {
    ...shifted,
    provisional: base.provisional || shifted.provisional,
    explanation: {
      ...base.explanation,
      skipped: [...base.explanation.skipped, ...shifted.explanation.skipped],
      worked: [...base.explanation.worked, ...shifted.explanation.worked],
      uncoveredYears: [...new Set([...base.explanation.uncoveredYears, ...shifted.explanation.uncoveredYears])].sort(),
      rules: [...base.explanation.rules, ...shifted.explanation.rules.filter((r) => !base.explanation.rules.includes(r))],
    },
  }
}

function summary(clock: ClockState, due: IsoDate, paused: number, extended: number, d: Deadline): string {
  const unit = clock.unit === 'workingDays' ? 'working days' : clock.unit === 'days' ? 'days' : 'months'
  const parts = [`${clock.amount} ${unit} from ${clock.startedOn} (counted from the next day)`]
  const holidays = [...new Set(d.explanation.skipped.filter((s) => s.reason === 'holiday' || s.reason === 'localClosure').map((s) => s.name ?? s.date))]
  if (holidays.length) parts.push(`skipped ${holidays.join(', ')}`)
  const weekends = d.explanation.skipped.filter((s) => s.reason === 'weekend').length
  if (weekends) parts.push(`skipped ${weekends} weekend day(s)`)
  if (d.explanation.worked.length) parts.push(`worked ${d.explanation.worked.map((w) => `${w.date} (${w.name})`).join(', ')}`)
  if (paused) parts.push(`paused ${paused} working day(s): ${clock.pauses.filter((p) => p.to).map((p) => `${p.from}..${p.to} ${p.reason}`).join('; ')}`)
  if (extended) parts.push(`extended ${extended} working day(s): ${clock.extensions.map((e) => `${e.workingDays} by ${e.approvedRole} ${e.approvedBy} on ${e.on} (${e.reason})`).join('; ')}`)
  if (d.provisional) parts.push(`provisional: the official arrangement of ${d.explanation.uncoveredYears.join(', ')} is not yet published, weekends only`)
  return `due ${due}: ${parts.join('; ')}`
}

/**
 * Fills in `dueOn`, `dueAt`, `provisional`, `remainingWorkingDays` and `explanation` for a running clock on
 * `today`. A paused clock keeps no due date (it is not counting) and freezes its remaining working days at the
 * pause; a stopped clock keeps what it had.
 */
export function computeClock(cal: WorkCalendar, clock: ClockState, today: IsoDate): ClockState {
  if (clock.status === 'stopped') return clock
  const paused = clock.pauses.reduce((n, p) => n + (p.workingDays ?? 0), 0)
  const extended = clock.extensions.reduce((n, e) => n + e.workingDays, 0)
  const d = baseDeadline(cal, clock, paused + extended)
  const explanation: ClockExplanation = {
    limit: { amount: clock.amount, unit: clock.unit, source: clock.source },
    startedOn: clock.startedOn,
    pausedWorkingDays: paused,
    extendedWorkingDays: extended,
    deadline: d.explanation,
    pauses: clock.pauses,
    extensions: clock.extensions,
    restarts: clock.restarts,
    summary: summary(clock, d.due, paused, extended, d),
  }
  if (clock.status === 'paused') {
    const from = clock.pausedOn ?? today
    return { ...clock, dueOn: null, dueAt: null, provisional: d.provisional, remainingWorkingDays: workingDaysBetween(cal, from, d.due), explanation }
  }
  return { ...clock, dueOn: d.due, dueAt: d.dueAt, provisional: d.provisional, remainingWorkingDays: workingDaysBetween(cal, today, d.due), explanation }
}

export type ClockColour = 'green' | 'yellow' | 'red'

/** Red once the due instant has passed; yellow within the near-due threshold; green otherwise. */
export function clockColour(clock: Pick<ClockState, 'status' | 'dueAt' | 'remainingWorkingDays' | 'nearDueWorkingDays'>, now: Date): ClockColour {
  if (clock.status === 'running' && clock.dueAt && now.getTime() >= clock.dueAt.getTime()) return 'red'
  const remaining = clock.remainingWorkingDays
  if (remaining !== null && remaining < 0) return 'red'
  if (remaining !== null && remaining <= clock.nearDueWorkingDays) return 'yellow'
  return 'green'
}
