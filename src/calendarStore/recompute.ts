/**
 * After a calendar change: find the cases whose open deadlines the change can affect and recompute each through the
 * engine (`Engine.recomputeDeadlines`, the one path), which records DEADLINES_RECOMPUTED with the clock changes in
 * that case's history. One case at a time, each in its own transaction: a failure on one case is reported and never
 * undoes the calendar change or the other cases.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { Engine } from '../engine/engine.ts'
import { DomainError } from '../engine/errors.ts'
import { jurisdictionPrefix, type Principal } from '../auth/principal.ts'
import type { ClockChange } from '../sla/plan.ts'

/** The cases to examine: every case with an open clock the change may move. */
export type AffectedSelection =
  /** A local override on `date` for `jurisdiction` and every division below it. */
  | { kind: 'date'; jurisdiction: string; date: string }
  /** An official year (re)loaded: provisional clocks, and open clocks whose span reaches into `year`. */
  | { kind: 'year'; year: number }

export interface CaseRecompute {
  caseId: string
  /** The county of the case. */
  jurisdiction: string
  /** The history event that records the change (DEADLINES_RECOMPUTED). */
  seq: number
  clockChanges: ClockChange[]
}

export interface RecomputeFailure {
  caseId: string
  jurisdiction: string
  code: string
  detail: string
}

export interface RecomputeReport {
  /** Cases with an open clock the change could affect. */
  casesExamined: number
  /** Cases whose deadlines moved (or became final), each recorded in the case's history. */
  casesChanged: number
  /** Examined cases where no date moved (the engine answered nothing-to-recompute). */
  casesUnchanged: number
  changes: CaseRecompute[]
  /** Cases the engine could not recompute: the calendar change stands; repair, then recompute again. */
  failures: RecomputeFailure[]
}

/**
 * The open clocks a selection covers, one row per case. A clock's span runs from its start to its due date; a paused
 * clock has no due date (it resumes later), so it is always in. `started_on <= date` is kept inclusive although the
 * start day itself is not counted: the engine decides, and answers nothing-to-recompute when nothing moves.
 */
export async function affectedCases(db: Kysely<Database>, selection: AffectedSelection): Promise<{ caseId: string; jurisdiction: string }[]> {
  let query = db.selectFrom('clocks')
    .innerJoin('cases', 'cases.id', 'clocks.case_id')
    .select(['clocks.case_id as caseId', 'cases.jurisdiction as jurisdiction'])
    .distinct()
    .where('clocks.status', '<>', 'stopped')
    .where('cases.status', '=', 'active')
  if (selection.kind === 'date') {
    const { date } = selection
    query = query
      .where('clocks.jurisdiction', 'like', `${jurisdictionPrefix(selection.jurisdiction)}%`)
      .where('clocks.started_on', '<=', date)
      .where((eb) => eb.or([eb('clocks.status', '=', 'paused'), eb('clocks.due_on', '>=', date)]))
  } else {
    const first = `${selection.year}-01-01`
    const last = `${selection.year}-12-31`
    query = query.where((eb) => eb.or([
      eb('clocks.provisional', '=', true),
      eb.and([eb('clocks.started_on', '<=', last), eb.or([eb('clocks.status', '=', 'paused'), eb('clocks.due_on', '>=', first)])]),
    ]))
  }
  return query.orderBy('clocks.case_id').execute()
}

/**
 * Recomputes each case through the engine. `nothing-to-recompute` counts as unchanged; a `stale-version` (a person's
 * event committed in between) is retried once; anything else is reported as a failure and the loop goes on.
 */
export async function recomputeCases(
  db: Kysely<Database>, engine: Engine, cases: readonly { caseId: string; jurisdiction: string }[], actor: Principal, reason: string,
): Promise<RecomputeReport> {
  const report: RecomputeReport = { casesExamined: cases.length, casesChanged: 0, casesUnchanged: 0, changes: [], failures: [] }
  for (const { caseId, jurisdiction } of cases) {
    for (let attempt = 1; ; attempt++) {
      try {
        const { row } = await engine.recomputeDeadlines(caseId, actor, reason)
        const event = await db.selectFrom('case_events').select(['payload']).where('case_id', '=', caseId).where('seq', '=', row.version).executeTakeFirst()
        const clockChanges = ((event?.payload as { clockChanges?: ClockChange[] } | undefined)?.clockChanges) ?? []
        report.casesChanged += 1
        report.changes.push({ caseId, jurisdiction, seq: row.version, clockChanges })
      } catch (err) {
        const code = err instanceof DomainError ? err.code : 'internal-error'
        if (code === 'nothing-to-recompute') report.casesUnchanged += 1
        else if (code === 'stale-version' && attempt < 2) continue
        else report.failures.push({ caseId, jurisdiction, code, detail: (err as Error).message })
      }
      break
    }
  }
  return report
}

/** {@link affectedCases} then {@link recomputeCases}. */
export async function recomputeAffected(
  db: Kysely<Database>, engine: Engine, selection: AffectedSelection, actor: Principal, reason: string,
): Promise<RecomputeReport> {
  return recomputeCases(db, engine, await affectedCases(db, selection), actor, reason)
}
