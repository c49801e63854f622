/**
 * What kind of day a date is on a {@link WorkCalendar}: the single source of truth for "is this a
 * 工作日" (《行政许可法》 第八十二条: periods 「以工作日计算，不含法定节假日」).
 *
 * Precedence: a local override, then the State Council arrangement of the date's year (holiday or
 * 调休 make-up working day), then the ordinary week (Saturday and Sunday off).
 */
import { holidayName } from './holidayLabel.ts';
import { addDays, assertIsoDate, compareDates, weekday, yearOf } from './shanghai.ts';
import type { IsoDate, WorkCalendar } from './types.ts';

export type DayReason = 'workday' | 'weekend' | 'holiday' | 'makeUpWorkday' | 'localClosure' | 'localOpen';

export interface DayInfo {
  readonly date: IsoDate;
  /** True when the organ works that day, so it counts as a 工作日. */
  readonly working: boolean;
  readonly reason: DayReason;
  /** Holiday name ("春节"), the holiday a make-up day belongs to, or the local override's name. */
  readonly name?: string;
  /**
   * False when the calendar has no arrangement for the date's year. Such a day is judged by the
   * weekday alone (no holidays are guessed), and any result depending on it is provisional.
   * Caveat: a year's notice may also re-arrange the last days of the previous December (in the data:
   * 2006-12-30/31, 2007-12-29..31, 2011-12-31, 2018-12-29..31, 2022-12-31, all for New Year), so
   * 29–31 December of a covered year can still change until the next year is published.
   */
  readonly covered: boolean;
}

/** Whether the calendar holds the official arrangement of `date`'s year. */
export function isCovered(cal: WorkCalendar, date: IsoDate): boolean {
  return cal.years.has(yearOf(date));
}

/**
 * The years of the days after `from` up to and including `to` (either order) that `cal` does not
 * cover: a count such as `workingDaysBetween` over that span is provisional when this is non-empty.
 */
export function uncoveredYearsBetween(cal: WorkCalendar, from: IsoDate, to: IsoDate): number[] {
  const [a, b] = compareDates(from, to) <= 0 ? [from, to] : [to, from];
  if (a === b) return [];
  const missing: number[] = [];
  for (let y = yearOf(addDays(a, 1)); y <= yearOf(b); y += 1) if (!cal.years.has(y)) missing.push(y);
  return missing;
}

/** Classifies `date` on `cal`; local overrides win over the official calendar. */
export function describeDay(cal: WorkCalendar, date: IsoDate): DayInfo {
  assertIsoDate(date);
  const year = cal.years.get(yearOf(date));
  const covered = year !== undefined;
  const override = cal.overrideIndex.get(date);
  if (override) {
    return override.kind === 'closed'
      ? { date, working: false, reason: 'localClosure', name: override.name, covered }
      : { date, working: true, reason: 'localOpen', name: override.name, covered };
  }
  if (year) {
    const holiday = Object.hasOwn(year.holidays, date) ? year.holidays[date] : undefined;
    if (holiday !== undefined) return { date, working: false, reason: 'holiday', name: holidayName(holiday), covered };
    const makeUp = Object.hasOwn(year.workdays, date) ? year.workdays[date] : undefined;
    if (makeUp !== undefined) return { date, working: true, reason: 'makeUpWorkday', name: holidayName(makeUp), covered };
  }
  const wd = weekday(date);
  if (wd === 0 || wd === 6) return { date, working: false, reason: 'weekend', covered };
  return { date, working: true, reason: 'workday', covered };
}

/** Shorthand for `describeDay(cal, date).working`. */
export function isWorkingDay(cal: WorkCalendar, date: IsoDate): boolean {
  return describeDay(cal, date).working;
}
