/**
 * Working-day arithmetic on China's official calendar (State Council holiday arrangements plus local
 * overrides), counted in Asia/Shanghai. Pure except `loadOfficialYears`, which reads the chinese-days
 * package's year files.
 *
 * Typical use:
 *   const cal = createWorkCalendar(loadOfficialYears(), localOverrides);
 *   const d = addWorkingDays(cal, shanghaiDate(acceptedAt), 20); // 《行政许可法》 第四十二条
 *   d.due, d.dueAt, d.provisional, d.explanation
 */
export type { IsoDate, LocalOverride, WorkCalendar, YearArrangement } from './types.ts';
export type { DayInfo, DayReason } from './dayInfo.ts';
export type { Deadline, DeadlineExplanation, DeadlineUnit, SkippedDay, WorkedDay } from './deadline.ts';
export type { HolidayLabel } from './holidayLabel.ts';

export {
  addDays,
  addMonthsClamped,
  assertIsoDate,
  compareDates,
  daysInMonth,
  endOfShanghaiDay,
  isIsoDate,
  shanghaiDate,
  startOfShanghaiDay,
  weekday,
  yearOf,
} from './shanghai.ts';
export { holidayName, parseHolidayLabel } from './holidayLabel.ts';
export { parseYearArrangement } from './yearArrangement.ts';
export { loadOfficialYears, officialYearsDir } from './officialData.ts';
export { createWorkCalendar, withOverrides, withYear } from './workCalendar.ts';
export { describeDay, isCovered, isWorkingDay, uncoveredYearsBetween } from './dayInfo.ts';
export { addMonths, addNaturalDays, addWorkingDays, eligibilityDate, workingDaysBetween } from './units.ts';
