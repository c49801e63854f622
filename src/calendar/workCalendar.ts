/**
 * Building a {@link WorkCalendar}: the official years plus a jurisdiction's local overrides.
 * Calendars are immutable values; "adding" a year or overrides returns a new calendar.
 */
import { assertIsoDate } from './shanghai.ts';
import type { IsoDate, LocalOverride, WorkCalendar, YearArrangement } from './types.ts';

function indexOverrides(overrides: readonly LocalOverride[]): Map<IsoDate, LocalOverride> {
  const index = new Map<IsoDate, LocalOverride>();
  for (const o of overrides) {
    assertIsoDate(o.date);
    if (o.kind !== 'closed' && o.kind !== 'open') {
      throw new Error(`local override ${o.date}: kind must be 'closed' or 'open', got ${JSON.stringify(o.kind)}`);
    }
    if (typeof o.name !== 'string' || o.name.trim() === '') {
      throw new Error(`local override ${o.date}: a name is required`);
    }
    const previous = index.get(o.date);
    if (previous) {
      throw new Error(`local overrides conflict on ${o.date}: "${previous.name}" (${previous.kind}) and "${o.name}" (${o.kind})`);
    }
    index.set(o.date, o);
  }
  return index;
}

/**
 * A calendar from official years (e.g. `loadOfficialYears()`) and local overrides. Copies its inputs,
 * so later changes to the caller's Map or array do not leak in. Throws when a Map key differs from its
 * arrangement's `year`, an override date is invalid, or two overrides share a date.
 */
export function createWorkCalendar(
  years: ReadonlyMap<number, YearArrangement>,
  overrides: readonly LocalOverride[] = [],
): WorkCalendar {
  for (const [year, arrangement] of years) {
    if (arrangement.year !== year) {
      throw new Error(`calendar year ${year} holds the arrangement of ${arrangement.year}`);
    }
  }
  const copy = [...overrides];
  return { years: new Map(years), overrides: copy, overrideIndex: indexOverrides(copy) };
}

/** The same calendar with `arrangement` added, replacing any arrangement of the same year. */
export function withYear(cal: WorkCalendar, arrangement: YearArrangement): WorkCalendar {
  const years = new Map(cal.years);
  years.set(arrangement.year, arrangement);
  return createWorkCalendar(years, cal.overrides);
}

/** The same calendar with more local overrides (a date may carry only one override). */
export function withOverrides(cal: WorkCalendar, overrides: readonly LocalOverride[]): WorkCalendar {
  return createWorkCalendar(cal.years, [...cal.overrides, ...overrides]);
}
