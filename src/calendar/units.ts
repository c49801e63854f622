/**
 * Periods in the three units the seed rules use: 工作日, 日 and 个月.
 *
 * Common rule (《民法典》 第二百零一条): 「按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算」.
 * So `from` is the day of the act (application received, acceptance, decision …) and is never counted.
 * Compute `from` with `shanghaiDate(instant)`; the returned `dueAt` is the end of the last day.
 */
import { buildDeadline, newTrace, record, type Deadline, type Trace } from './deadline.ts';
import { describeDay } from './dayInfo.ts';
import { addDays, addMonthsClamped, assertIsoDate, compareDates } from './shanghai.ts';
import type { IsoDate, WorkCalendar } from './types.ts';

const RULE_START = '《民法典》第二百零一条：开始的当日不计入，自下一日开始计算';
const RULE_WORKING_DAYS = '《行政许可法》第八十二条：期限以工作日计算，不含法定节假日；调休上班日计为工作日';
const RULE_MONTH_END = '《民法典》第二百零二条：到期月的对应日为期间的最后一日；没有对应日的，月末日为期间的最后一日';

function assertCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}

/**
 * 《民法典》 第二百零三条: 「期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日」.
 * 法定休假日 is read as every day off on the calendar: statutory holidays, the weekend rest days
 * (公休日) and local closures, while a 调休 make-up working day is not a day off (the rest days as
 * actually rearranged count). Returns the first working day on or after `last`.
 */
function rollPastDaysOff(cal: WorkCalendar, last: IsoDate, trace: Trace): IsoDate {
  let date = last;
  let day = describeDay(cal, date);
  while (!day.working) {
    record(trace, day, false);
    date = addDays(date, 1);
    day = describeDay(cal, date);
  }
  record(trace, day, true);
  if (date !== last) {
    const first = trace.skipped.find((s) => s.date === last);
    const why = first?.name ?? (first?.reason === 'weekend' ? '休息日' : '休假日');
    trace.rules.push(`《民法典》第二百零三条：最后一日 ${last}（${why}）为休假日，期间延至休假日结束的次日 ${date}`);
  }
  return date;
}

/**
 * `n` 工作日 after the act on `from` (《行政许可法》 第八十二条: 「以工作日计算，不含法定节假日」).
 * Counting starts the day after `from`; the first counted day is the next working day after it.
 * Weekends, holidays (listed by name) and local closures are skipped; 调休 make-up Saturdays and
 * Sundays, and local open days, count. `n` = 0 gives `due` = `from` (nothing counted, nothing examined).
 * The result is provisional when a counted or skipped day lies in a year `cal` does not cover.
 */
export function addWorkingDays(cal: WorkCalendar, from: IsoDate, n: number): Deadline {
  assertIsoDate(from);
  assertCount(n, 'working days');
  const trace = newTrace();
  trace.rules.push(RULE_WORKING_DAYS, RULE_START);
  let date = from;
  let countedFrom: IsoDate | undefined;
  for (let counted = 0; counted < n; ) {
    date = addDays(date, 1);
    const day = describeDay(cal, date);
    record(trace, day, day.working);
    if (day.working) {
      counted += 1;
      countedFrom ??= date;
    }
  }
  return buildDeadline({ unit: 'workingDays', amount: n, from, countedFrom: countedFrom ?? from, due: date }, trace);
}

/**
 * `n` 日 (natural days) after the act on `from`: the last day is `from` + n. If that day is a day
 * off, the period ends on the first working day after it (《民法典》 第二百零三条, see
 * `rollPastDaysOff`); `explanation.nominalDue` then keeps the unmoved day and `skipped` the days
 * crossed. `n` = 0 gives `due` = `from`, not moved. Only the last day (and the days it is moved across)
 * is examined, so only those decide `provisional`.
 */
export function addNaturalDays(cal: WorkCalendar, from: IsoDate, n: number): Deadline {
  assertIsoDate(from);
  assertCount(n, 'days');
  const trace = newTrace();
  if (n === 0) return buildDeadline({ unit: 'days', amount: 0, from, countedFrom: from, due: from }, trace);
  trace.rules.push(RULE_START);
  const nominal = addDays(from, n);
  const due = rollPastDaysOff(cal, nominal, trace);
  return buildDeadline({ unit: 'days', amount: n, from, countedFrom: addDays(from, 1), due, nominalDue: nominal }, trace);
}

/**
 * `n` 个月 after the act on `from`: the same day of the month n months later, or that month's last
 * day when it has none (《民法典》 第二百零二条): 2025-01-31 + 1 → 2025-02-28, 2024-01-31 + 1 → 2024-02-29.
 *
 * Decision: this is a period a party or organ must meet, so 《民法典》 第二百零三条 applies as for
 * {@link addNaturalDays}: a last day that is a day off moves to the next working day (e.g. a
 * 3-month evaluation accepted 2026-07-01 ends 2026-10-08, not on National Day). Use
 * {@link eligibilityDate} for "may apply after N months", which is not moved.
 * `n` = 0 gives `due` = `from`, not moved.
 */
export function addMonths(cal: WorkCalendar, from: IsoDate, n: number): Deadline {
  assertIsoDate(from);
  assertCount(n, 'months');
  const trace = newTrace();
  if (n === 0) return buildDeadline({ unit: 'months', amount: 0, from, countedFrom: from, due: from }, trace);
  trace.rules.push(RULE_START, RULE_MONTH_END);
  const nominal = addMonthsClamped(from, n);
  const due = rollPastDaysOff(cal, nominal, trace);
  return buildDeadline({ unit: 'months', amount: n, from, countedFrom: addDays(from, 1), due, nominalDue: nominal }, trace);
}

/**
 * The first day an applicant may apply under "N months after formal operation began"
 * (e.g. 医保定点: 「正式运营3个月后即可提出定点申请」; 《医疗机构医疗保障定点管理暂行办法》 第六条
 * 「正式运营至少3个月」): `operationStart` + N months, clamped to the month's end (《民法典》
 * 第二百零二条), so 2025-11-30 + 3 → 2026-02-28. Not moved off holidays (an entitlement is not a
 * deadline, and 第二百零三条 only extends periods). `months` = 0 gives `operationStart`.
 * Needs no calendar: it does not depend on which days are worked.
 */
export function eligibilityDate(operationStart: IsoDate, months: number): IsoDate {
  assertIsoDate(operationStart);
  assertCount(months, 'months');
  return addMonthsClamped(operationStart, months);
}

/**
 * The number of working days after `from` up to and including `to`, on `cal` (so
 * `workingDaysBetween(cal, from, addWorkingDays(cal, from, n).due) === n`). Used for "working days
 * remaining" and pause lengths. Antisymmetric: when `to` is before `from` the result is the negated
 * count from `to` to `from` (e.g. -3 = three working days overdue); equal dates give 0.
 * Days in uncovered years are judged by weekday only; check `uncoveredYearsBetween` if that matters.
 */
export function workingDaysBetween(cal: WorkCalendar, from: IsoDate, to: IsoDate): number {
  assertIsoDate(from);
  assertIsoDate(to);
  const order = compareDates(from, to);
  if (order > 0) return -workingDaysBetween(cal, to, from);
  let count = 0;
  for (let date = addDays(from, 1); compareDates(date, to) <= 0; date = addDays(date, 1)) {
    if (describeDay(cal, date).working) count += 1;
  }
  return count;
}
