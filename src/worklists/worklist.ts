/**
 * The worklist of an official: active cases of their department, in their jurisdiction subtree, whose current state
 * waits on their role, unclaimed or held by them; earliest running deadline first (cases without one last), then id.
 * Read only: claims go through the engine (src/engine/claims.ts). docs/WORKLISTS.md shows the plan of the query.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { procedures } from '../../machines/index.ts'
import type { Role } from '../../machines/types.ts'
import type { Database, ClockRow } from '../db/schema.ts'
import { jurisdictionPrefix, type Principal } from '../auth/principal.ts'
import { DomainError } from '../engine/errors.ts'
import { CLAIM_ROLES, ONE_WINDOW_DEPARTMENT } from '../engine/claims.ts'
import { describeProcedure } from '../procedures/describe.ts'
import { toClockState } from '../engine/clocks.ts'
import { loadWorkCalendar } from '../calendarStore/load.ts'
import { shanghaiDate } from '../calendar/shanghai.ts'
import { workingDaysBetween } from '../calendar/units.ts'
import { clockColour } from '../sla/compute.ts'
import type { WorkCalendar } from '../calendar/types.ts'

/** Roles that have a worklist: those that hold cases. */
export const WORKLIST_ROLES: readonly Role[] = CLAIM_ROLES

interface WaitingStates {
  /** procedure → states (dotted keys) that wait on the role. */
  byProcedure: Map<string, string[]>
  /** (procedure, state) → the state's label. */
  labels: Map<string, string>
}

/** Derived once from the machines' state meta (`waitingOn`): which (procedure, state) pairs wait on each role. */
function deriveWaiting(): Map<Role, WaitingStates> {
  const out = new Map<Role, WaitingStates>()
  for (const def of Object.values(procedures)) {
    for (const s of describeProcedure(def).states) {
      for (const role of s.waitingOn as Role[]) {
        let w = out.get(role)
        if (!w) out.set(role, (w = { byProcedure: new Map(), labels: new Map() }))
        w.byProcedure.set(def.id, [...(w.byProcedure.get(def.id) ?? []), s.state])
        w.labels.set(`${def.id}|${s.state}`, s.label)
      }
    }
  }
  return out
}
const waiting = deriveWaiting()

/** The (procedure, state) pairs that wait on `role`. */
export function statesWaitingOn(role: Role): ReadonlyMap<string, readonly string[]> {
  return waiting.get(role)?.byProcedure ?? new Map()
}

export const noWorklist = (role: string) =>
  new DomainError('role-not-allowed', 403, 'Role has no worklist',
    `worklists are for ${WORKLIST_ROLES.join(', ')} (who hold cases), not for ${role}`, { allowedRoles: WORKLIST_ROLES })

export interface WorklistFilter {
  /** Only the cases the caller holds. */
  mine?: boolean | undefined
  procedure?: string | undefined
  cursor?: string | undefined
  limit: number
}

export interface WorklistItem {
  id: string
  procedure: string
  state: string
  stateLabel: string
  department: string
  jurisdiction: string
  version: number
  assignee: string | null
  assigneeRole: string | null
  claimedAt: string | null
  /** Earliest last day among the running clocks; null when no clock runs (such cases come last). */
  dueOn: string | null
  dueAt: string | null
  /** The worst colour among the running clocks (as on the case view); null when none runs. */
  colour: 'green' | 'yellow' | 'red' | null
  createdAt: string
}

const NO_DUE = 'none'

/** Opaque keyset cursor: the (earliest due, id) of the last item. */
function encodeCursor(dueAt: Date | null, id: string): string {
  return Buffer.from(`${dueAt ? dueAt.toISOString() : NO_DUE}|${id}`, 'utf8').toString('base64url')
}

function decodeCursor(cursor: string): { dueAt: Date | null; id: string } {
  const [due, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  const dueAt = due === NO_DUE ? null : new Date(due ?? '')
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || (dueAt && Number.isNaN(dueAt.getTime()))) {
    throw new DomainError('invalid-cursor', 400, 'Invalid cursor', 'cursor is not one this service issued; start again without it', {
      errors: [{ name: '/querystring/cursor', code: 'cursor', reason: 'is not a cursor issued by this service' }],
    })
  }
  return { dueAt, id }
}

/** Jurisdiction subtree as a range the worklist index can use (codes are six digits). */
function jurisdictionRange(scope: string): [string, string] | null {
  const prefix = jurisdictionPrefix(scope)
  if (prefix === '') return null
  return [prefix.padEnd(6, '0'), prefix.padEnd(6, '9')]
}

export interface WorklistRow {
  id: string
  procedure: string
  state: string
  department: string
  jurisdiction: string
  version: number
  assignee: string | null
  assignee_role: string | null
  claimed_at: Date | null
  created_at: Date
  due_at: Date | null
  due_on: string | Date | null
}

/** The worklist query (exported so docs/WORKLISTS.md can show its plan); null when the caller's list is empty by definition. */
export function worklistQuery(principal: Principal, filter: WorklistFilter): RawBuilder<WorklistRow> | null {
  const w = waiting.get(principal.role)
  // An official without a department has no worklist: nothing is routed to nobody.
  if (!w || !principal.department) return null
  const pairs = [...w.byProcedure].filter(([p]) => !filter.procedure || p === filter.procedure)
  if (pairs.length === 0) return null

  const conditions: RawBuilder<unknown>[] = [
    sql`c.status = 'active'`,
    // The pairs below decide; these two let the planner use one range of the worklist index (department, procedure, state, jurisdiction).
    sql`c.procedure in (${sql.join(pairs.map(([p]) => p))})`,
    sql`c.state in (${sql.join([...new Set(pairs.flatMap(([, states]) => states))])})`,
    sql`(${sql.join(pairs.map(([p, states]) => sql`(c.procedure = ${p} and c.state in (${sql.join(states)}))`), sql` or `)})`,
  ]
  // The one window's clerks receive for every department (DOMAIN.md §2.12).
  if (!(principal.role === 'clerk' && principal.department === ONE_WINDOW_DEPARTMENT)) conditions.push(sql`c.department = ${principal.department}`)
  const range = jurisdictionRange(principal.jurisdiction)
  if (range) conditions.push(sql`c.jurisdiction between ${range[0]} and ${range[1]}`)
  conditions.push(filter.mine ? sql`c.assignee = ${principal.id}` : sql`(c.assignee is null or c.assignee = ${principal.id})`)
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor)
    conditions.push(sql`(coalesce(d.due_at, 'infinity'::timestamptz), c.id) > (coalesce(${c.dueAt}::timestamptz, 'infinity'::timestamptz), ${c.id}::uuid)`)
  }
  return sql<WorklistRow>`
    select c.id, c.procedure, c.state, c.department, c.jurisdiction, c.version, c.assignee, c.assignee_role, c.claimed_at,
           c.created_at, d.due_at, d.due_on
    from cases c
    left join lateral (
      select k.due_at, k.due_on from clocks k where k.case_id = c.id and k.status = 'running' order by k.due_at limit 1
    ) d on true
    where ${sql.join(conditions, sql` and `)}
    order by coalesce(d.due_at, 'infinity'::timestamptz), c.id
    limit ${filter.limit + 1}
  `
}

export async function readWorklist(db: Kysely<Database>, principal: Principal, filter: WorklistFilter, now: Date) {
  if (!WORKLIST_ROLES.includes(principal.role)) throw noWorklist(principal.role)
  const query = worklistQuery(principal, filter)
  const w = waiting.get(principal.role)
  if (!query || !w) return { items: [] as WorklistItem[], nextCursor: null }
  const result = await query.execute(db)
  const page = result.rows.slice(0, filter.limit)
  const colours = await runningColours(db, page, now)
  const items: WorklistItem[] = page.map((r) => ({
    id: r.id,
    procedure: r.procedure,
    state: r.state,
    stateLabel: w.labels.get(`${r.procedure}|${r.state}`) ?? r.state,
    department: r.department,
    jurisdiction: r.jurisdiction,
    version: r.version,
    assignee: r.assignee,
    assigneeRole: r.assignee_role,
    claimedAt: r.claimed_at ? new Date(r.claimed_at).toISOString() : null,
    dueOn: isoDate(r.due_on),
    dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
    colour: colours.get(r.id) ?? null,
    createdAt: new Date(r.created_at).toISOString(),
  }))
  const last = page.at(-1)
  return { items, nextCursor: result.rows.length > filter.limit && last ? encodeCursor(last.due_at ? new Date(last.due_at) : null, last.id) : null }
}

function isoDate(d: string | Date | null): string | null {
  if (d === null) return null
  if (typeof d === 'string') return d.slice(0, 10)
  // A `date` column read as a Date is midnight UTC of that day.
  return d.toISOString().slice(0, 10)
}

const RANK = { green: 0, yellow: 1, red: 2 } as const

/**
 * The colour of each case's running clocks, worst first, computed as the case view computes it
 * (src/cases/clockViews.ts: remaining working days on today's calendar, then clockColour), batched for a page:
 * one query for the clocks and one calendar per jurisdiction.
 */
async function runningColours(db: Kysely<Database>, page: WorklistRow[], now: Date): Promise<Map<string, 'green' | 'yellow' | 'red'>> {
  const out = new Map<string, 'green' | 'yellow' | 'red'>()
  const withClock = page.filter((r) => r.due_at !== null)
  if (withClock.length === 0) return out
  const clocks: ClockRow[] = await db.selectFrom('clocks').selectAll()
    .where('case_id', 'in', withClock.map((r) => r.id)).where('status', '=', 'running').execute()
  const calendars = new Map<string, WorkCalendar>()
  for (const j of new Set(withClock.map((r) => r.jurisdiction))) calendars.set(j, await loadWorkCalendar(db, j))
  const jurisdictionOf = new Map(withClock.map((r) => [r.id, r.jurisdiction]))
  const today = shanghaiDate(now)
  for (const row of clocks) {
    const c = toClockState(row)
    const cal = calendars.get(jurisdictionOf.get(row.case_id)!)
    const remaining = c.dueOn && cal ? workingDaysBetween(cal, today, c.dueOn) : c.remainingWorkingDays
    const colour = clockColour({ ...c, remainingWorkingDays: remaining }, now)
    const prev = out.get(row.case_id)
    if (!prev || RANK[colour] > RANK[prev]) out.set(row.case_id, colour)
  }
  return out
}
