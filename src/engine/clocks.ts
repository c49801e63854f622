/**
 * The engine's side of SLA clocks: read the clocks a snapshot declares, load and store clock rows, and keep each
 * statutory clock's expiry timer armed. Called only from the engine, inside the event's transaction.
 */
import { sql, type Transaction } from 'kysely'
import type { AnyMachineSnapshot } from 'xstate'
import type { ClockDeclaration, ProcedureDefinition, StateMeta } from '../../machines/types.ts'
import type { ClockRow, Database } from '../db/schema.ts'
import type { ClockState } from '../sla/types.ts'
import type { ClockChange } from '../sla/plan.ts'
import type { IsoDate, WorkCalendar } from '../calendar/types.ts'
import { describeDay } from '../calendar/dayInfo.ts'
import { addDays, startOfShanghaiDay } from '../calendar/shanghai.ts'

/** What the supervision columns of a clock row need besides the clock: the case's group and its calendar. */
export interface ClockOwner {
  jurisdiction: string
  department: string
  procedure: string
  cal: WorkCalendar
}

/**
 * The instant a running clock turns yellow (src/sla/compute.ts clockColour: remaining working days on today's
 * calendar ≤ nearDueWorkingDays): the start (Beijing) of the earliest day d with workingDaysBetween(cal, d, dueOn) ≤ n.
 * workingDaysBetween(d − 1, due) = workingDaysBetween(d, due) + (d is a working day ? 1 : 0), so walk back from dueOn.
 */
export function nearDueAt(cal: WorkCalendar, dueOn: IsoDate | null, nearDueWorkingDays: number): Date | null {
  if (!dueOn) return null
  let day = dueOn
  let counted = 0
  for (let i = 0; i < 1000; i++) {
    const inc = describeDay(cal, day).working ? 1 : 0
    if (counted + inc > nearDueWorkingDays) break
    counted += inc
    day = addDays(day, -1)
  }
  return startOfShanghaiDay(day)
}

/** Timer keys of the supervision alerts of one clock (one pending timer per key and case: timers_one_pending_per_clock). */
export const alertTimerName = (alert: 'nearDue' | 'overdue', clock: string, kind: string) => `${alert}:${clock}:${kind}`
export function parseAlertTimerName(name: unknown): { alert: 'nearDue' | 'overdue'; clock: string; kind: 'statutory' | 'promised' } | null {
  const m = typeof name === 'string' ? /^(nearDue|overdue):([A-Za-z0-9_]+):(statutory|promised)$/.exec(name) : null
  return m ? { alert: m[1] as 'nearDue' | 'overdue', clock: m[2]!, kind: m[3] as 'statutory' | 'promised' } : null
}
export const CLOCK_NEAR_DUE = 'CLOCK_NEAR_DUE'
export const CLOCK_OVERDUE = 'CLOCK_OVERDUE'

/** Clocks declared by every active state node (a parent's declaration holds in its children). */
export function declaredClocks(snapshot: AnyMachineSnapshot): ClockDeclaration[] {
  if (snapshot.status !== 'active') return []
  const out = new Map<string, ClockDeclaration>()
  for (const node of snapshot._nodes) for (const c of (node.meta as StateMeta | undefined)?.clocks ?? []) out.set(c.name, c)
  return [...out.values()]
}

export function sameDeclarations(a: readonly ClockDeclaration[], b: readonly ClockDeclaration[]): boolean {
  const key = (l: readonly ClockDeclaration[]) => JSON.stringify([...l].sort((x, y) => x.name.localeCompare(y.name)))
  return key(a) === key(b)
}

/**
 * A `date` column as 'YYYY-MM-DD'. node-postgres is told to leave dates as text (src/db/database.ts); PGlite
 * instances made by clone() parse them to a Date at UTC midnight, which this turns back into the same day.
 */
export function isoDay(value: string | Date | null): string | null {
  if (value === null) return null
  return typeof value === 'string' ? value : value.toISOString().slice(0, 10)
}

export function toClockState(row: ClockRow): ClockState {
  return {
    name: row.name, kind: row.kind, unit: row.unit, amount: row.amount, policyKey: row.policy_key, source: row.source,
    status: row.status, startedOn: isoDay(row.started_on)!, pausedOn: isoDay(row.paused_on),
    pauses: row.pauses as ClockState['pauses'], extensions: row.extensions as ClockState['extensions'], restarts: row.restarts as ClockState['restarts'],
    dueOn: isoDay(row.due_on), dueAt: row.due_at, remainingWorkingDays: row.remaining_working_days, provisional: row.provisional,
    nearDueWorkingDays: row.near_due_working_days, explanation: row.explanation as ClockState['explanation'],
  }
}

export async function loadClocks(trx: Transaction<Database>, caseId: string): Promise<ClockState[]> {
  const rows = await trx.selectFrom('clocks').selectAll().where('case_id', '=', caseId).execute()
  return rows.map(toClockState)
}

export async function storeClocks(trx: Transaction<Database>, caseId: string, owner: ClockOwner, clocks: readonly ClockState[], now: Date): Promise<void> {
  if (clocks.length === 0) return
  const { jurisdiction, department, procedure } = owner
  const rows = clocks.map((c) => ({
    case_id: caseId, name: c.name, kind: c.kind, unit: c.unit, amount: c.amount, policy_key: c.policyKey, source: c.source,
    status: c.status, started_on: c.startedOn, paused_on: c.pausedOn, pauses: JSON.stringify(c.pauses),
    extensions: JSON.stringify(c.extensions), restarts: JSON.stringify(c.restarts), due_on: c.dueOn, due_at: c.dueAt,
    remaining_working_days: c.remainingWorkingDays, provisional: c.provisional, near_due_working_days: c.nearDueWorkingDays,
    explanation: JSON.stringify(c.explanation), jurisdiction, updated_at: now, department, procedure,
    near_due_at: c.status === 'running' ? nearDueAt(owner.cal, c.dueOn, c.nearDueWorkingDays) : null,
  }))
  await trx.insertInto('clocks').values(rows)
    .onConflict((oc) => oc.columns(['case_id', 'name', 'kind']).doUpdateSet((eb) => ({
      unit: eb.ref('excluded.unit'), amount: eb.ref('excluded.amount'), policy_key: eb.ref('excluded.policy_key'),
      source: eb.ref('excluded.source'), status: eb.ref('excluded.status'), started_on: eb.ref('excluded.started_on'),
      paused_on: eb.ref('excluded.paused_on'), pauses: eb.ref('excluded.pauses'), extensions: eb.ref('excluded.extensions'),
      restarts: eb.ref('excluded.restarts'), due_on: eb.ref('excluded.due_on'), due_at: eb.ref('excluded.due_at'),
      remaining_working_days: eb.ref('excluded.remaining_working_days'), provisional: eb.ref('excluded.provisional'),
      near_due_working_days: eb.ref('excluded.near_due_working_days'), explanation: eb.ref('excluded.explanation'),
      updated_at: eb.ref('excluded.updated_at'), near_due_at: eb.ref('excluded.near_due_at'),
      // A due instant that moves (paused, resumed, extended, recomputed, restarted) takes the alert back to none;
      // the re-armed timers mark it again when its moments come.
      alert: sql<'none' | 'nearDue' | 'overdue'>`case when clocks.due_at is distinct from excluded.due_at then 'none' else clocks.alert end`,
    })))
    .execute()
}

/**
 * Each statutory clock with an expiry event has at most one pending timer (a partial unique index says so).
 * When such a clock changes, its pending timer is cancelled (with the reason) and, if it still runs, a new one
 * is armed at its due instant.
 */
export async function rearmTimers(
  trx: Transaction<Database>, def: ProcedureDefinition, caseId: string, clocks: readonly ClockState[],
  changes: readonly ClockChange[], cause: { type: string; seq: number }, now: Date, options: { fresh?: boolean } = {},
): Promise<void> {
  for (const clock of clocks) {
    const expiry = def.clocks[clock.name]?.onExpiry
    if (clock.kind !== 'statutory' || !expiry) continue
    const change = changes.find((c) => c.clock === clock.name && c.kind === 'statutory')
    if (!change) continue
    if (!options.fresh) await trx.updateTable('timers')
      .set({ status: 'cancelled', settled_at: now, outcome: `clock ${change.op} by ${cause.type} (event ${cause.seq})` })
      .where('case_id', '=', caseId).where('clock_name', '=', clock.name).where('status', '=', 'pending')
      .execute()
    if (clock.status === 'running' && clock.dueAt) {
      await trx.insertInto('timers').values({
        case_id: caseId, clock_name: clock.name, event_type: expiry.event, due_at: clock.dueAt, status: 'pending',
        armed_at: now, armed_seq: cause.seq, settled_at: null, outcome: null,
      }).execute()
    }
  }
}

/**
 * Supervision alerts: each running clock (statutory and promised) has a timer for the instant it turns yellow
 * (CLOCK_NEAR_DUE) and one for the instant it turns red (CLOCK_OVERDUE). When the clock changes, both are
 * cancelled and armed again, in the event's transaction, like the expiry timer.
 */
export async function rearmAlertTimers(
  trx: Transaction<Database>, caseId: string, owner: ClockOwner, clocks: readonly ClockState[],
  changes: readonly ClockChange[], cause: { type: string; seq: number }, now: Date, options: { fresh?: boolean } = {},
): Promise<void> {
  for (const clock of clocks) {
    const change = changes.find((c) => c.clock === clock.name && c.kind === clock.kind)
    if (!change) continue
    const names = [alertTimerName('nearDue', clock.name, clock.kind), alertTimerName('overdue', clock.name, clock.kind)]
    if (!options.fresh) await trx.updateTable('timers')
      .set({ status: 'cancelled', settled_at: now, outcome: `clock ${change.op} by ${cause.type} (event ${cause.seq})` })
      .where('case_id', '=', caseId).where('clock_name', 'in', names).where('status', '=', 'pending')
      .execute()
    if (clock.status !== 'running' || !clock.dueAt) continue
    const yellow = nearDueAt(owner.cal, clock.dueOn, clock.nearDueWorkingDays)
    const rows = [
      ...(yellow && yellow.getTime() < clock.dueAt.getTime() ? [{ name: names[0]!, event: CLOCK_NEAR_DUE, at: yellow }] : []),
      { name: names[1]!, event: CLOCK_OVERDUE, at: clock.dueAt },
    ]
    await trx.insertInto('timers').values(rows.map((r) => ({
      case_id: caseId, clock_name: r.name, event_type: r.event, due_at: r.at, status: 'pending' as const,
      armed_at: now, armed_seq: cause.seq, settled_at: null, outcome: null,
    }))).execute()
  }
}
