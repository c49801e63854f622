/** Shapes rows into the API's views. */
import type { CaseRow, CaseEventRow } from '../db/schema.ts'
import type { Principal } from '../auth/principal.ts'
import { authorize } from '../auth/authorize.ts'
import { definitionOf, restoreSnapshot } from '../engine/engine.ts'
import { activeStateMeta, allowedEvents } from '../engine/snapshot.ts'
import type { CaseView } from './schemas/cases.ts'

export function toCaseView(row: CaseRow, principal: Principal, clocks?: CaseView['clocks']): CaseView {
  const def = definitionOf(row)
  const snapshot = restoreSnapshot(def, row)
  return {
    id: row.id,
    procedure: row.procedure,
    machineVersion: row.machine_version,
    jurisdiction: row.jurisdiction,
    policyVersion: row.policy_version,
    state: row.state,
    stateLabel: activeStateMeta(snapshot)?.label ?? row.state,
    status: row.status,
    version: row.version,
    applicant: row.applicant,
    department: row.department,
    parentId: row.parent_id,
    filingNumber: row.filing_number,
    assignee: row.assignee ?? null,
    assigneeRole: row.assignee_role ?? null,
    claimedAt: row.claimed_at ? row.claimed_at.toISOString() : null,
    institution: row.institution as Record<string, unknown>,
    context: snapshot.context as Record<string, unknown>,
    // Only events the caller may actually send: none on another department's case (src/auth/authorize.ts).
    allowedEvents: authorize(principal, 'case.event', { case: row }).allow
      ? allowedEvents(def, snapshot, principal.role).map((e) => ({ ...e, roles: [...e.roles] }))
      : [],
    ...(clocks ? { clocks } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

export function toEventView(e: CaseEventRow) {
  return {
    seq: e.seq,
    type: e.type,
    payload: e.payload as Record<string, unknown>,
    actorId: e.actor_id,
    actorRole: e.actor_role,
    at: e.at.toISOString(),
    stateBefore: e.state_before,
    stateAfter: e.state_after,
    statusCode: e.status_code,
  }
}

export const etagOf = (version: number) => `"${version}"`
