/**
 * Civil dates in Asia/Shanghai, independent of the server's time zone.
 *
 * Periods are counted in whole days (《民法典》 第二百零一条: the day of the act is not counted, counting
 * starts the next day) and a day is the day as lived in China. China has one time zone, UTC+8, without
 * daylight saving since 1991, so a fixed offset is exact for every date this system handles.
 *
 * Every function here works on UTC fields only (`Date.UTC`, `getUTC*`): a `Date`'s local-time getters
 * follow the process TZ and would move a 23:30 act to another day on a UTC server.
 */
import type { IsoDate } from './types.ts';

const OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Ymd {
  readonly y: number;
  readonly m: number; // 1..12
  readonly d: number; // 1..31
}

function parts(date: IsoDate): Ymd | undefined {
  const match = ISO_DATE.exec(date);
  if (!match) return undefined;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return { y, m, d };
}

function ymd(date: IsoDate): Ymd {
  const p = parts(date);
  if (!p) throw new RangeError(`not a valid 'YYYY-MM-DD' date: ${JSON.stringify(date)}`);
  return p;
}

function format(epochDay: number): IsoDate {
  const t = new Date(epochDay * DAY_MS);
  const y = String(t.getUTCFullYear()).padStart(4, '0');
  const m = String(t.getUTCMonth() + 1).padStart(2, '0');
  const d = String(t.getUTCDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Days since 1970-01-01 of a valid date. */
function epochDay(date: IsoDate): number {
  const { y, m, d } = ymd(date);
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d); // setUTCFullYear keeps years 0..99 literal, unlike Date.UTC
  return Math.round(t.getTime() / DAY_MS);
}

/** Number of days in month `m` (1..12) of year `y` (Gregorian). */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** True when `value` is a real calendar date written 'YYYY-MM-DD' ('2025-02-29' is not). */
export function isIsoDate(value: unknown): value is IsoDate {
  return typeof value === 'string' && parts(value) !== undefined;
}

/** Returns `value` unchanged, or throws a RangeError naming it if it is not a valid 'YYYY-MM-DD' date. */
export function assertIsoDate(value: unknown): IsoDate {
  if (!isIsoDate(value)) throw new RangeError(`not a valid 'YYYY-MM-DD' date: ${JSON.stringify(value)}`);
  return value;
}

/** The calendar year of a date ('2026-10-01' → 2026). */
export function yearOf(date: IsoDate): number {
  return ymd(date).y;
}

/** The Asia/Shanghai date on which `instant` falls, e.g. 2026-09-29T23:30Z → '2026-09-30'. */
export function shanghaiDate(instant: Date): IsoDate {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  return format(Math.floor((ms + OFFSET_MS) / DAY_MS));
}

/** The instant `date` begins in Asia/Shanghai (00:00 +08:00). */
export function startOfShanghaiDay(date: IsoDate): Date {
  return new Date(epochDay(date) * DAY_MS - OFFSET_MS);
}

/**
 * The instant `date` ends in Asia/Shanghai: the next day's 00:00 +08:00. A deadline falls due at the
 * end of its last day, so an act is in time when it happens strictly before this instant.
 */
export function endOfShanghaiDay(date: IsoDate): Date {
  return new Date((epochDay(date) + 1) * DAY_MS - OFFSET_MS);
}

/** `date` moved by `n` whole days (n may be negative). */
export function addDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`day count must be an integer, got ${n}`);
  return format(epochDay(date) + n);
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function weekday(date: IsoDate): number {
  return (((epochDay(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** Negative if a is before b, 0 if equal, positive if after (usable with Array.prototype.sort). */
export function compareDates(a: IsoDate, b: IsoDate): number {
  return epochDay(a) - epochDay(b);
}

/**
 * The same day of the month `n` months later, or the month's last day when it has no such day
 * (《民法典》 第二百零二条: 「没有对应日的，月末日为期间的最后一日」): 2025-01-31 + 1 → 2025-02-28,
 * 2024-01-31 + 1 → 2024-02-29. `n` may be negative.
 */
export function addMonthsClamped(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`month count must be an integer, got ${n}`);
  const { y, m, d } = ymd(date);
  const index = y * 12 + (m - 1) + n;
  const ty = Math.floor(index / 12);
  const tm = index - ty * 12 + 1;
  if (ty < 0 || ty > 9999) throw new RangeError(`date out of range: ${date} + ${n} months`);
  const td = Math.min(d, daysInMonth(ty, tm));
  return `${String(ty).padStart(4, '0')}-${String(tm).padStart(2, '0')}-${String(td).padStart(2, '0')}`;
}
