/**
 * Claims: who holds a case on a worklist. A claim changes who may act on the case, so it is part of the engine:
 * each claim, release and reassignment is an engine-level event (CASE_CLAIMED, CASE_RELEASED, CASE_REASSIGNED)
 * that leaves the procedure's state as it is, bumps the version under the optimistic check, and appends a history
 * row `{holder, holderRole, previousHolder, reason}` in the same statement that writes the holder on the case.
 * The rules (docs/WORKLISTS.md):
 * - a clerk, officer or head may claim a case they can see (jurisdiction subtree) of their department (the
 *   serviceCentre's clerks: every department, the one window receives for all, DOMAIN.md §2.12) while its state
 *   waits on their role; a case held by someone else → 409 case-claimed naming the holder;
 * - the holder releases; a head of the department may release anyone's claim;
 * - a head of the department reassigns to a named official (a new holder, in a role the case waits on);
 * - while a case is held, clerks and officers other than the holder may not send it events (409 case-claimed);
 *   heads (they sign decisions and approve extensions, DOMAIN.md §5 Actors), supervisors (supervision is other
 *   work), admins, the system (timers) and applicants are never blocked by a claim;
 * - a claim lapses when a transition takes the case where it no longer waits on the holder's role (nor on the
 *   applicant, after whom the case comes back to the holder), or closes it; the history row of that event says so.
 */
import { sql, type Kysely } from 'kysely'
import type { AnyMachineSnapshot } from 'xstate'
import type { Role } from '../../machines/types.ts'
import type { CaseRow, Database } from '../db/schema.ts'
import { canSeeCase, type Principal } from '../auth/principal.ts'
import { caseNotFound, DomainError, invalidPayload, roleNotAllowed, staleVersion } from './errors.ts'
import { activeStateMeta } from './snapshot.ts'

export const CASE_CLAIMED = 'CASE_CLAIMED'
export const CASE_RELEASED = 'CASE_RELEASED'
export const CASE_REASSIGNED = 'CASE_REASSIGNED'
export const CLAIM_EVENTS: readonly string[] = [CASE_CLAIMED, CASE_RELEASED, CASE_REASSIGNED]

/** Roles that hold cases. */
export const CLAIM_ROLES = ['clerk', 'officer', 'head'] as const
export type ClaimRole = (typeof CLAIM_ROLES)[number]
const isClaimRole = (r: string): r is ClaimRole => (CLAIM_ROLES as readonly string[]).includes(r)

/** Roles a claim blocks when they are not the holder. */
const BLOCKED_BY_CLAIM: readonly Role[] = ['clerk', 'officer']

export type ClaimAction = 'claim' | 'release' | 'reassign'
export interface ClaimRequest {
  action: ClaimAction
  /** reassign: the official who will hold the case. */
  to?: string | undefined
  /** reassign: the role in which they hold it; default the holder's role, else the first official role the state waits on. */
  toRole?: ClaimRole | undefined
  reason?: string | undefined
}

/** The one window (政务服务中心) receives for every department (DOMAIN.md §2.12): its clerks work on all of them. */
export const ONE_WINDOW_DEPARTMENT = 'serviceCentre'

/** Whether the principal works on cases of `department`. */
export function worksInDepartment(principal: Principal, department: string): boolean {
  if (principal.department === department) return true
  return principal.role === 'clerk' && principal.department === ONE_WINDOW_DEPARTMENT
}

export const caseClaimed = (caseId: string, row: Pick<CaseRow, 'assignee' | 'assignee_role' | 'claimed_at'>) =>
  new DomainError('case-claimed', 409, 'Case held by another official',
    `case ${caseId} is held by ${row.assignee} (${row.assignee_role}); ask them to release it or a head to reassign it`,
    { holder: row.assignee, holderRole: row.assignee_role, claimedAt: row.claimed_at ? row.claimed_at.toISOString() : null })

export const caseNotClaimed = (caseId: string) =>
  new DomainError('case-not-claimed', 409, 'Case not held', `case ${caseId} is held by nobody; there is nothing to release`)

export const departmentMismatch = (caseId: string, department: string, yours: string | undefined) =>
  new DomainError('department-mismatch', 403, 'Case of another department',
    `case ${caseId} is handled by ${department}; you work for ${yours ?? 'no department'}`, { department })

export const notWaitingOnRole = (caseId: string, state: string, waitingOn: readonly string[], role: string) =>
  new DomainError('case-not-waiting-on-role', 422, 'Case not waiting on this role',
    `case ${caseId} is ${state}, waiting on ${waitingOn.join(', ') || 'nobody (closed)'}, not on ${role}`, { state, waitingOn })

/** Roles the case's current state waits on (none when closed). */
export function waitingOn(snapshot: AnyMachineSnapshot): readonly Role[] {
  if (snapshot.status !== 'active') return []
  return activeStateMeta(snapshot)?.waitingOn ?? []
}

/** Before a machine event: an official other than the holder is refused while the case is held. */
export function refuseIfHeldByAnother(row: CaseRow, actor: Principal): void {
  if (row.assignee && row.assignee !== actor.id && BLOCKED_BY_CLAIM.includes(actor.role)) throw caseClaimed(row.id, row)
}

/** After a transition: whether the holder's claim lapses (closed, or no longer waiting on them nor on the applicant). */
export function claimLapses(row: Pick<CaseRow, 'assignee' | 'assignee_role'>, next: AnyMachineSnapshot): boolean {
  if (!row.assignee) return false
  if (next.status !== 'active') return true
  const roles = waitingOn(next)
  return !roles.includes(row.assignee_role as Role) && !roles.includes('applicant')
}

interface ClaimChange {
  type: string
  assignee: string | null
  assigneeRole: ClaimRole | null
  payload: { holder: string | null; holderRole: ClaimRole | null; previousHolder: string | null; reason: string | null }
}

/** Decides a claim action on the row read; null when it changes nothing (claiming what one holds, reassigning to the holder). */
export function decideClaim(row: CaseRow, snapshot: AnyMachineSnapshot, actor: Principal, request: ClaimRequest): ClaimChange | null {
  const roles = waitingOn(snapshot)
  const reason = request.reason ?? null
  const sameDepartment = worksInDepartment(actor, row.department)
  switch (request.action) {
    case 'claim': {
      if (!isClaimRole(actor.role)) throw roleNotAllowed(CASE_CLAIMED, actor.role, CLAIM_ROLES)
      if (!sameDepartment) throw departmentMismatch(row.id, row.department, actor.department)
      if (!roles.includes(actor.role)) throw notWaitingOnRole(row.id, row.state, roles, actor.role)
      if (row.assignee === actor.id) return null
      if (row.assignee) throw caseClaimed(row.id, row)
      return { type: CASE_CLAIMED, assignee: actor.id, assigneeRole: actor.role,
        payload: { holder: actor.id, holderRole: actor.role, previousHolder: null, reason } }
    }
    case 'release': {
      if (!row.assignee) throw caseNotClaimed(row.id)
      const byHead = actor.role === 'head' && sameDepartment
      if (row.assignee !== actor.id && !byHead) throw caseClaimed(row.id, row)
      return { type: CASE_RELEASED, assignee: null, assigneeRole: null,
        payload: { holder: null, holderRole: null, previousHolder: row.assignee, reason } }
    }
    case 'reassign': {
      if (actor.role !== 'head') throw roleNotAllowed(CASE_REASSIGNED, actor.role, ['head'])
      if (!sameDepartment) throw departmentMismatch(row.id, row.department, actor.department)
      if (!request.to) throw invalidPayload(CASE_REASSIGNED, [{ name: '/body/to', code: 'required', reason: 'names the official who will hold the case' }])
      if (row.status !== 'active') throw notWaitingOnRole(row.id, row.state, [], 'anyone')
      const toRole = request.toRole ?? row.assignee_role ?? CLAIM_ROLES.find((r) => roles.includes(r)) ?? 'officer'
      if (row.assignee === request.to && row.assignee_role === toRole) return null
      return { type: CASE_REASSIGNED, assignee: request.to, assigneeRole: toRole,
        payload: { holder: request.to, holderRole: toRole, previousHolder: row.assignee, reason } }
    }
  }
}

/**
 * Applies a claim action: read (locked when no version is expected), decide, one statement that updates the
 * holder under the version check and appends the history row. Runs in the engine's transaction when it has one.
 */
export async function applyClaim(
  db: Kysely<Database>, caseId: string, request: ClaimRequest, actor: Principal, expectedVersion: number | undefined,
  now: Date, restore: (row: CaseRow) => AnyMachineSnapshot,
): Promise<CaseRow> {
  let query = db.selectFrom('cases').selectAll().where('id', '=', caseId)
  if (expectedVersion === undefined) query = query.forUpdate()
  const row = await query.executeTakeFirst()
  if (!row || !canSeeCase(actor, row)) throw caseNotFound(caseId)
  if (expectedVersion !== undefined && row.version !== expectedVersion) {
    // Someone else's claim is the reason to name, not the version the caller saw.
    if (request.action === 'claim' && row.assignee && row.assignee !== actor.id) throw caseClaimed(caseId, row)
    throw staleVersion(caseId, expectedVersion, row.version)
  }
  const change = decideClaim(row, restore(row), actor, request)
  if (!change) return row
  const seq = row.version + 1
  const claimedAt = change.assignee ? now : null
  const updated = await sql<CaseRow>`
    with u as (
      update cases set assignee = ${change.assignee}::text, assignee_role = ${change.assigneeRole}::text,
             claimed_at = ${claimedAt}::timestamptz, version = ${seq}, updated_at = ${now}
      where id = ${caseId} and version = ${row.version}
      returning *
    ), e as (
      insert into case_events (case_id, seq, type, payload, actor_id, actor_role, at, state_before, state_after, status_code)
      select id, version, ${change.type}, ${JSON.stringify(change.payload)}::jsonb, ${actor.id}, ${actor.role}, ${now},
             state, state, null from u
    )
    select * from u
  `.execute(db)
  const written = updated.rows[0]
  if (written) return written
  // A concurrent writer won between the read and the update: name the holder if that writer claimed the case.
  const current = await db.selectFrom('cases').select(['assignee', 'assignee_role', 'claimed_at', 'version']).where('id', '=', caseId).executeTakeFirst()
  if (request.action === 'claim' && current?.assignee && current.assignee !== actor.id) throw caseClaimed(caseId, current)
  throw staleVersion(caseId, row.version, current?.version)
}
