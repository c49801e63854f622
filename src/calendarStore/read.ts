/**
 * Reads of a jurisdiction's working calendar: the expected due date of a period (what the portal shows before
 * filing), and one year's days off and worked days with where each comes from. Never writes.
 */
import { createRequire } from 'node:module'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { addMonths, addNaturalDays, addWorkingDays } from '../calendar/units.ts'
import { describeDay, type DayReason } from '../calendar/dayInfo.ts'
import { addDays } from '../calendar/shanghai.ts'
import type { Deadline, DeadlineUnit } from '../calendar/deadline.ts'
import type { IsoDate } from '../calendar/types.ts'
import { jurisdictionChain } from '../policy/document.ts'
import { loadWorkCalendar, officialYears } from './load.ts'

let packageVersion: string | undefined
/** The installed chinese-days version, e.g. "1.5.7". */
export function chineseDaysVersion(): string {
  if (packageVersion === undefined) {
    const require = createRequire(import.meta.url)
    packageVersion = String((require('chinese-days/package.json') as { version: string }).version)
  }
  return packageVersion
}

/** The due date of `amount` `unit` counted from the act on `from`, on the calendar of `jurisdiction`. */
export async function dueDate(db: Kysely<Database>, jurisdiction: string, from: IsoDate, unit: DeadlineUnit, amount: number): Promise<Deadline> {
  const cal = await loadWorkCalendar(db, jurisdiction)
  if (unit === 'workingDays') return addWorkingDays(cal, from, amount)
  if (unit === 'days') return addNaturalDays(cal, from, amount)
  return addMonths(cal, from, amount)
}

export interface ListedDay {
  date: IsoDate
  reason: Extract<DayReason, 'holiday' | 'localClosure' | 'makeUpWorkday' | 'localOpen'>
  name: string
  /** The division whose override decides the day; absent for the official calendar. */
  jurisdiction?: string
}

export interface ListedOverride {
  jurisdiction: string
  date: IsoDate
  kind: 'closed' | 'open'
  name: string
  createdAt: string
  createdBy: string
  /** False when a nearer division has its own override on the same date. */
  effective: boolean
}

export interface YearListing {
  jurisdiction: string
  year: number
  /** Whether the official arrangement of the year is known (shipped with chinese-days or loaded by an administrator). */
  published: boolean
  /** Where the arrangement comes from: "chinese-days 1.5.7", or the source given when it was loaded; null if unpublished. */
  source: string | null
  loadedAt: string | null
  loadedBy: string | null
  /** Days off other than ordinary weekends: official holidays (with their names) and local closures. */
  daysOff: ListedDay[]
  /** Days worked although they are weekends or holidays: 调休 make-up days and local open days. */
  workedDays: ListedDay[]
  /** Every local override of the jurisdiction and the divisions above it in this year. */
  overrides: ListedOverride[]
  notes: string[]
}

/** One year of `jurisdiction`'s calendar, day by day, as deadlines are counted on it (describeDay decides). */
export async function yearListing(db: Kysely<Database>, jurisdiction: string, year: number): Promise<YearListing> {
  const chain = jurisdictionChain(jurisdiction)
  const [cal, loaded, rows] = await Promise.all([
    loadWorkCalendar(db, jurisdiction),
    db.selectFrom('calendar_years').select(['source', 'loaded_at', 'loaded_by']).where('year', '=', year).executeTakeFirst(),
    db.selectFrom('calendar_overrides')
      .select(['jurisdiction', sql<string>`date::text`.as('date'), 'kind', 'name', 'created_at', 'created_by'])
      .where('jurisdiction', 'in', chain)
      .where('date', '>=', `${year}-01-01`).where('date', '<=', `${year}-12-31`)
      .orderBy('date').execute(),
  ])
  // The nearest division wins on a date (as loadWorkCalendar decides).
  const winner = new Map<string, string>()
  for (const o of [...rows].sort((a, b) => chain.indexOf(b.jurisdiction) - chain.indexOf(a.jurisdiction))) winner.set(o.date, o.jurisdiction)
  const overrides: ListedOverride[] = rows
    .map((o) => ({
      jurisdiction: o.jurisdiction, date: o.date, kind: o.kind, name: o.name, createdAt: o.created_at.toISOString(),
      createdBy: o.created_by, effective: winner.get(o.date) === o.jurisdiction,
    }))
    .sort((a, b) => a.date.localeCompare(b.date) || chain.indexOf(a.jurisdiction) - chain.indexOf(b.jurisdiction))

  const daysOff: ListedDay[] = []
  const workedDays: ListedDay[] = []
  for (let date = `${year}-01-01`; date <= `${year}-12-31`; date = addDays(date, 1)) {
    const day = describeDay(cal, date)
    if (day.reason === 'workday' || day.reason === 'weekend') continue
    const entry: ListedDay = { date, reason: day.reason, name: day.name ?? '' }
    if (day.reason === 'localClosure' || day.reason === 'localOpen') entry.jurisdiction = winner.get(date) ?? jurisdiction
    ;(day.working ? workedDays : daysOff).push(entry)
  }

  const published = cal.years.has(year)
  const shipped = officialYears().has(year)
  const source = loaded ? loaded.source : shipped ? `chinese-days ${chineseDaysVersion()}` : null
  const notes: string[] = []
  if (!published) {
    notes.push(`the State Council arrangement of ${year} is not loaded: deadlines reaching into ${year} are counted on weekends only and marked provisional until it is loaded`)
  } else if (!cal.years.has(year + 1)) {
    notes.push(`29–31 December ${year} may still be re-arranged by the ${year + 1} notice; reload ${year} with it if it does`)
  }
  return {
    jurisdiction, year, published, source,
    loadedAt: loaded ? loaded.loaded_at.toISOString() : null, loadedBy: loaded ? loaded.loaded_by : null,
    daysOff, workedDays, overrides, notes,
  }
}
