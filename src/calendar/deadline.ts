/**
 * The result of a period computation: the last day, the instant it ends, and an explanation a
 * case officer or applicant can check day by day (which holidays were skipped, which 调休 make-up
 * days were counted, which years were not yet published).
 */
import type { DayInfo, DayReason } from './dayInfo.ts';
import { endOfShanghaiDay, yearOf } from './shanghai.ts';
import type { IsoDate } from './types.ts';

/** 工作日 / 日 / 个月. */
export type DeadlineUnit = 'workingDays' | 'days' | 'months';

export interface SkippedDay {
  readonly date: IsoDate;
  readonly reason: DayReason;
  readonly name?: string;
}

/** A day counted as a working day although it is a weekend or holiday by default (调休 or local). */
export interface WorkedDay {
  readonly date: IsoDate;
  readonly name: string;
  readonly reason: 'makeUpWorkday' | 'localOpen';
}

export interface DeadlineExplanation {
  readonly unit: DeadlineUnit;
  readonly amount: number;
  /** The day of the act (not counted). */
  readonly from: IsoDate;
  /** The first day counted toward the period; equals `from` when amount is 0 (nothing is counted). */
  readonly countedFrom: IsoDate;
  /** Days passed over: non-working days inside a working-day count, or the days a last day was moved across. */
  readonly skipped: readonly SkippedDay[];
  /** Make-up (调休) or locally opened days that were counted or on which the period ends. */
  readonly worked: readonly WorkedDay[];
  /** Years examined for which the calendar has no official arrangement (sorted). */
  readonly uncoveredYears: readonly number[];
  /** The last day before 《民法典》 第二百零三条 moved it past a day off; absent when not moved. */
  readonly nominalDue?: IsoDate;
  /** The legal rules applied, in words. */
  readonly rules: readonly string[];
}

export interface Deadline {
  /** The last day of the period. */
  readonly due: IsoDate;
  /** The end of `due` in Asia/Shanghai (next day 00:00 +08:00): acts before this instant are in time. */
  readonly dueAt: Date;
  /** True if any day examined lies in a year the calendar does not cover; the date may still move. */
  readonly provisional: boolean;
  readonly explanation: DeadlineExplanation;
}

/** Mutable record of the days examined while computing one deadline. */
export interface Trace {
  readonly skipped: SkippedDay[];
  readonly worked: WorkedDay[];
  readonly uncovered: Set<number>;
  readonly rules: string[];
}

export function newTrace(): Trace {
  return { skipped: [], worked: [], uncovered: new Set(), rules: [] };
}

/** Records that `day` was examined and, if `counted` is false, that it was passed over. */
export function record(trace: Trace, day: DayInfo, counted: boolean): void {
  if (!day.covered) trace.uncovered.add(yearOf(day.date));
  if (!counted) {
    trace.skipped.push(day.name === undefined ? { date: day.date, reason: day.reason } : { date: day.date, reason: day.reason, name: day.name });
  } else if (day.reason === 'makeUpWorkday' || day.reason === 'localOpen') {
    trace.worked.push({ date: day.date, name: day.name ?? '', reason: day.reason });
  }
}

export interface DeadlineParts {
  readonly unit: DeadlineUnit;
  readonly amount: number;
  readonly from: IsoDate;
  readonly countedFrom: IsoDate;
  readonly due: IsoDate;
  readonly nominalDue?: IsoDate;
}

/** Assembles the {@link Deadline} from the computed days and the trace. */
export function buildDeadline(parts: DeadlineParts, trace: Trace): Deadline {
  const uncoveredYears = [...trace.uncovered].sort((a, b) => a - b);
  const explanation: DeadlineExplanation = {
    unit: parts.unit,
    amount: parts.amount,
    from: parts.from,
    countedFrom: parts.countedFrom,
    skipped: trace.skipped,
    worked: trace.worked,
    uncoveredYears,
    ...(parts.nominalDue !== undefined && parts.nominalDue !== parts.due ? { nominalDue: parts.nominalDue } : {}),
    rules: trace.rules,
  };
  return { due: parts.due, dueAt: endOfShanghaiDay(parts.due), provisional: uncoveredYears.length > 0, explanation };
}
