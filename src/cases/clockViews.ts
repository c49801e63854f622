/**
 * Clocks as the applicant, the officer and the supervisor all see them: the same due date and the same
 * explanation, with the working days remaining counted on today's calendar and a green/yellow/red colour.
 */
import type { Kysely } from 'kysely'
import type { Database, CaseRow } from '../db/schema.ts'
import { toClockState } from '../engine/clocks.ts'
import { definitionOf } from '../engine/engine.ts'
import { loadWorkCalendar } from '../calendarStore/load.ts'
import { shanghaiDate } from '../calendar/shanghai.ts'
import { workingDaysBetween } from '../calendar/units.ts'
import { clockColour } from '../sla/compute.ts'

export async function readClockViews(db: Kysely<Database>, row: Pick<CaseRow, 'id' | 'procedure' | 'jurisdiction'>, now: Date) {
  const rows = await db.selectFrom('clocks').selectAll().where('case_id', '=', row.id).orderBy('id').execute()
  if (rows.length === 0) return []
  const def = definitionOf(row)
  const today = shanghaiDate(now)
  const cal = rows.some((r) => r.status === 'running') ? await loadWorkCalendar(db, row.jurisdiction) : undefined
  return rows.map((r) => {
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
  })
}
