/**
 * Clocks as the applicant, the officer and the supervisor all see them: the same due date and the same
 * explanation, with the working days remaining counted on today's calendar and a green/yellow/red colour.
 */
import type { Kysely } from 'kysely'
import type { Database, CaseRow } from '../db/schema.ts'
import type { ProcedureDefinition } from '../../machines/types.ts'
import type { WorkCalendar } from '../calendar/types.ts'
import { toClockState } from '../engine/clocks.ts'
import { definitionOf } from '../engine/engine.ts'
import { loadWorkCalendar } from '../calendarStore/load.ts'
import { shanghaiDate } from '../calendar/shanghai.ts'
import { workingDaysBetween } from '../calendar/units.ts'
import { clockColour } from '../sla/compute.ts'

type CaseKey = Pick<CaseRow, 'id' | 'procedure' | 'jurisdiction'>
type ClockRow = Awaited<ReturnType<typeof selectClocks>>[number]
/** One clock as every reader sees it. */
export type ClockView = ReturnType<typeof toClockView>

function selectClocks(db: Kysely<Database>, caseIds: string[]) {
  return db.selectFrom('clocks').selectAll().where('case_id', 'in', caseIds).orderBy('case_id').orderBy('id').execute()
}

export async function readClockViews(db: Kysely<Database>, row: CaseKey, now: Date) {
  return (await readClockViewsOfCases(db, [row], now)).get(row.id)!
}

/**
 * The clock views of several cases (a one-window application and its departments' cases) with one read of the
 * clocks and one calendar load per jurisdiction that has a running clock, in place of a read per case.
 */
export async function readClockViewsOfCases(db: Kysely<Database>, cases: CaseKey[], now: Date) {
  const views = new Map<string, ClockView[]>(cases.map((c) => [c.id, []]))
  if (cases.length === 0) return views
  const rows = await selectClocks(db, cases.map((c) => c.id))
  const byId = new Map(cases.map((c) => [c.id, c]))
  const running = new Set(rows.filter((r) => r.status === 'running').map((r) => byId.get(r.case_id)!.jurisdiction))
  const calendars = new Map(await Promise.all([...running].map(async (j) => [j, await loadWorkCalendar(db, j)] as const)))
  const today = shanghaiDate(now)
  for (const r of rows) {
    const owner = byId.get(r.case_id)!
    views.get(owner.id)!.push(toClockView(r, definitionOf(owner), calendars.get(owner.jurisdiction), today, now))
  }
  return views
}

function toClockView(r: ClockRow, def: ProcedureDefinition, cal: WorkCalendar | undefined, today: string, now: Date) {
  const c = toClockState(r)
  const remaining = c.status === 'running' && c.dueOn && cal ? workingDaysBetween(cal, today, c.dueOn) : c.remainingWorkingDays
  const clock = { ...c, remainingWorkingDays: remaining }
  const d = def.clocks[c.name]
  return {
    name: c.name,
    title: d?.title ?? c.name,
    titleZh: d?.titleZh ?? c.name,
    kind: c.kind,
    status: c.status,
    unit: c.unit,
    amount: c.amount,
    source: c.source,
    startedOn: c.startedOn,
    dueOn: c.dueOn,
    dueAt: c.dueAt ? c.dueAt.toISOString() : null,
    remainingWorkingDays: remaining,
    provisional: c.provisional,
    colour: c.status === 'stopped' ? null : clockColour(clock, now),
    pauses: c.pauses,
    extensions: c.extensions,
    restarts: c.restarts,
    explanation: c.explanation,
  }
}
