/** Shapes rows into the API's views. */
import type { CaseRow, CaseEventRow } from '../db/schema.ts'
import type { Principal } from '../auth/principal.ts'
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
    filingNumber: row.filing_number,
    institution: row.institution as Record<string, unknown>,
    context: snapshot.context as Record<string, unknown>,
    allowedEvents: allowedEvents(def, snapshot, principal.role).map((e) => ({ ...e, roles: [...e.roles] })),
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
