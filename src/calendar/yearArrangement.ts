/**
 * Validation of one year's State Council holiday arrangement, in chinese-days' `dist/years/YYYY.json`
 * shape. This is the door through which a newly published year (the notice normally appears in
 * November or December, long before a package release) enters the system, so it rejects anything
 * it cannot read unambiguously instead of guessing.
 */
import { isIsoDate, weekday, yearOf } from './shanghai.ts';
import type { IsoDate, YearArrangement } from './types.ts';

const SECTIONS = ['holidays', 'workdays', 'inLieuDays'] as const;
type Section = (typeof SECTIONS)[number];
const REQUIRED: readonly Section[] = ['holidays', 'workdays'];
const MAX_REPORTED = 10;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readSection(
  year: number,
  section: Section,
  value: unknown,
  problems: string[],
): Record<IsoDate, string> {
  const out: Record<IsoDate, string> = {};
  if (value === undefined) return out;
  if (!isPlainObject(value)) {
    problems.push(`"${section}" must be an object of date → label, got ${Array.isArray(value) ? 'an array' : typeof value}`);
    return out;
  }
  for (const [date, label] of Object.entries(value)) {
    if (!isIsoDate(date)) {
      problems.push(`"${section}" key ${JSON.stringify(date)} is not a valid 'YYYY-MM-DD' date`);
    } else if (yearOf(date) !== year) {
      problems.push(`"${section}" date ${date} is not in ${year}`);
    } else if (typeof label !== 'string' || label.trim() === '') {
      problems.push(`"${section}" ${date} must have a non-empty string label, got ${JSON.stringify(label)}`);
    } else {
      out[date] = label;
    }
  }
  return out;
}

/**
 * Checks a parsed JSON document against the chinese-days year shape and returns it as a
 * {@link YearArrangement}. Requires `holidays` and `workdays`; accepts `inLieuDays` (defaults to {}).
 * Throws an Error listing the problems when: the document is not an object, a section is missing or is
 * not an object, a key is unknown, a date is invalid or outside `year`, a label is not a non-empty
 * string, a date is both a holiday and a make-up working day, a make-up working day is not a Saturday
 * or Sunday, or an in-lieu day off is not among the holidays.
 */
export function parseYearArrangement(year: number, json: unknown): YearArrangement {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new Error(`year arrangement: year must be a four-digit integer, got ${JSON.stringify(year)}`);
  }
  if (!isPlainObject(json)) {
    throw new Error(`year arrangement ${year}: expected an object {"holidays": {...}, "workdays": {...}}, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`);
  }
  const problems: string[] = [];
  for (const key of Object.keys(json)) {
    if (!(SECTIONS as readonly string[]).includes(key)) problems.push(`unknown key "${key}" (expected ${SECTIONS.join(', ')})`);
  }
  for (const key of REQUIRED) {
    if (json[key] === undefined) problems.push(`missing "${key}"`);
  }
  const holidays = readSection(year, 'holidays', json['holidays'], problems);
  const workdays = readSection(year, 'workdays', json['workdays'], problems);
  const inLieuDays = readSection(year, 'inLieuDays', json['inLieuDays'], problems);
  for (const date of Object.keys(workdays)) {
    if (Object.hasOwn(holidays, date)) problems.push(`${date} is both a holiday and a make-up working day`);
    const wd = weekday(date);
    if (wd !== 0 && wd !== 6) problems.push(`make-up working day ${date} is not a Saturday or Sunday`);
  }
  for (const date of Object.keys(inLieuDays)) {
    if (!Object.hasOwn(holidays, date)) problems.push(`in-lieu day off ${date} is not listed in "holidays"`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_REPORTED);
    const more = problems.length > MAX_REPORTED ? `; and ${problems.length - MAX_REPORTED} more` : '';
    throw new Error(`year arrangement ${year} is invalid: ${shown.join('; ')}${more}`);
  }
  return { year, holidays, workdays, inLieuDays };
}
