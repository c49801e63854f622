/**
 * The working calendar of a jurisdiction as the database holds it: the official years shipped with chinese-days,
 * replaced or extended by years an administrator loaded (a newly published State Council notice), plus the local
 * overrides of the jurisdiction and of every division above it (the nearest division wins on a date).
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { createWorkCalendar } from '../calendar/workCalendar.ts'
import { loadOfficialYears } from '../calendar/officialData.ts'
import { parseYearArrangement } from '../calendar/yearArrangement.ts'
import type { LocalOverride, WorkCalendar, YearArrangement } from '../calendar/types.ts'
import { jurisdictionChain } from '../policy/document.ts'
import { isoDay } from '../engine/clocks.ts'

let official: Map<number, YearArrangement> | undefined
/** The shipped years, read once per process. */
export function officialYears(): Map<number, YearArrangement> {
  official ??= loadOfficialYears()
  return official
}

export async function loadWorkCalendar(db: Kysely<Database>, jurisdiction: string): Promise<WorkCalendar> {
  const chain = jurisdictionChain(jurisdiction)
  const [years, overrides] = await Promise.all([
    db.selectFrom('calendar_years').select(['year', 'arrangement']).execute(),
    db.selectFrom('calendar_overrides').select(['jurisdiction', 'date', 'kind', 'name']).where('jurisdiction', 'in', chain).execute(),
  ])
  const merged = new Map(officialYears())
  for (const row of years) merged.set(row.year, parseYearArrangement(row.year, row.arrangement))
  const byDate = new Map<string, LocalOverride & { rank: number }>()
  for (const o of overrides) {
    const rank = chain.indexOf(o.jurisdiction)
    const date = isoDay(o.date as string | Date)!
    const prev = byDate.get(date)
    if (!prev || rank < prev.rank) byDate.set(date, { date, kind: o.kind, name: o.name, rank })
  }
  return createWorkCalendar(merged, [...byDate.values()].map(({ rank: _rank, ...o }) => o))
}
