/**
 * Who records a 双随机 inspection's result: the inspectors the draw picked for that institution. The draw chooses
 * both the institution and its inspectors at random (随机抽取检查对象，随机选派执法检查人员); letting any other
 * officer record the result would undo the second half. A targeted inspection (scheduled without a draw) names no
 * team, and any officer or supervisor of the department records it, as before. Pure.
 */
import { Type } from 'typebox'
import type { ProcedureEvent } from './types.ts'

export const INSPECTION_TEAM_SOURCE =
  '国务院办公厅关于推广随机抽查规范事中事后监管的通知 (国办发〔2015〕58号) 「随机抽取检查对象，随机选派执法检查人员」 [LAW?]; ' +
  '000_0b3890313d310455.txt L29 (双随机、一公开); docs/INSPECTIONS.md'

/** The drawn inspectors, as the draw records them (principal ids of the roster). */
export const InspectorIds = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1, maxItems: 20, uniqueItems: true,
  description: 'the inspectors the 双随机 draw picked; only they may record the result',
})

export interface InspectionTeamContext {
  /** Set when an inspection is scheduled by a draw; cleared when its result is recorded. Absent in older snapshots. */
  inspectionTeam?: readonly string[] | null
}

/** The team named by a SCHEDULE_INSPECTION, or null for a targeted inspection. */
export const scheduledTeam = (event: ProcedureEvent): string[] | null =>
  (event.payload as { inspectors?: string[] }).inspectors ?? null

/** The result is recorded by one of the drawn inspectors, or the inspection was targeted (no team). */
export const resultByDrawnInspector = ({ context, event }: { context: InspectionTeamContext; event: ProcedureEvent }): boolean => {
  const team = context.inspectionTeam
  return !team || team.length === 0 || team.includes(event.actor.id)
}
