/**
 * THE authorisation decision: one pure function over principal, action and resource. Route handlers (through the
 * access plugin, src/http/plugins/access.ts), the engine and the administration modules all ask it; nothing else
 * decides who may do what. The rules, as a table, are in docs/ACCESS.md; test/auth/matrix.test.ts checks them for
 * every route of the app.
 *
 * - Jurisdiction: a principal's scope is its own division and every division below it (GB/T 2260; isWithin).
 * - A case the principal may not see answers 404 `case-not-found` (never 403: ids leak nothing). A case it sees but
 *   may not act on answers 403 with a code saying why (`department-not-allowed`, `role-not-allowed`).
 * - Which events a role may send is declared per event in each machine and checked by the engine after this.
 */
import type { Principal } from './principal.ts'
import type { Role } from '../../machines/types.ts'
import { codePrefix, isWithin } from '../divisions/index.ts'
import { caseNotFound, DomainError, roleNotAllowed } from '../engine/errors.ts'

export const ACTIONS = [
  'case.create', 'case.list', 'case.read', 'case.event',
  'worklist.read', 'supervision.read', 'audit.read',
  'inspection.roster', 'inspection.draw', 'inspection.read',
  'admin.calendar', 'admin.calendarYear', 'admin.policy', 'admin.webhooks',
] as const
export type Action = (typeof ACTIONS)[number]

/** What a case-scoped decision needs of the case row. */
export interface CaseRef {
  applicant: string
  jurisdiction: string
  department: string
}

/** A case (case.read, case.event), or a division an administrative action targets. */
export type Resource = { case: CaseRef } | { jurisdiction: string }

export type Decision =
  | { allow: true }
  | { allow: false; status: 403 | 404; code: 'case-not-found' | 'department-not-allowed' | 'role-not-allowed' | 'jurisdiction-not-allowed'; reason: string; allowedRoles?: readonly Role[] }

const ALLOW: Decision = { allow: true }

/** Roles of the departments' own staff (the window and the bureaus); supervisors and admins are apart. */
export const OFFICIAL_ROLES = ['clerk', 'officer', 'head'] as const satisfies readonly Role[]

/** Who may use each action at all (before jurisdiction and department). `system` may do everything. */
export const ACTION_ROLES: Record<Action, readonly Role[]> = {
  'case.create': ['applicant'],
  'case.list': ['applicant', 'clerk', 'officer', 'head', 'supervisor', 'admin'],
  'case.read': ['applicant', 'clerk', 'officer', 'head', 'supervisor', 'admin'],
  'case.event': ['applicant', 'clerk', 'officer', 'head', 'supervisor', 'admin'],
  'worklist.read': ['clerk', 'officer', 'head', 'supervisor'],
  // Supervision (docs/SUPERVISION.md): supervisors and admins, their division and below.
  'supervision.read': ['supervisor', 'admin'],
  'audit.read': ['supervisor', 'admin'],
  // 双随机、一公开 (docs/INSPECTIONS.md): the roster is kept by supervisors and admins, a draw is a supervisor's act,
  // a draw's record is read by officials (its public result and verification need no token).
  'inspection.roster': ['supervisor', 'admin'],
  'inspection.draw': ['supervisor'],
  'inspection.read': ['clerk', 'officer', 'head', 'supervisor', 'admin'],
  'admin.calendar': ['admin'],
  'admin.calendarYear': ['admin'],
  'admin.policy': ['admin'],
  'admin.webhooks': ['admin'],
}

const deny = (status: 403 | 404, code: Extract<Decision, { allow: false }>['code'], reason: string, extra: { allowedRoles?: readonly Role[] } = {}): Decision =>
  ({ allow: false, status, code, reason, ...extra })

/** Whether the principal sees the case at all (the 404 line). */
function seesCase(p: Principal, c: CaseRef): boolean {
  if (p.role === 'system') return true
  if (p.role === 'applicant') return c.applicant === p.id
  // Officials, supervisors and admins: every department's cases in their subtree. Parallel approval needs each
  // bureau to see the others' parts of a one-window application; acting is narrower (actsOnCase).
  return isWithin(p.jurisdiction, c.jurisdiction)
}

/** Whether a principal that sees the case may send events to it (events themselves are checked by the engine). */
function actsOnCase(p: Principal, c: CaseRef): Decision {
  switch (p.role) {
    case 'system':
    case 'applicant': // their own case (seesCase); which events is the machine's business
    case 'admin': // the engine admits only DEADLINES_RECOMPUTED from an admin
      return ALLOW
    case 'clerk':
      // The window (政务服务中心) takes in every department's applications; a bureau's own clerk only its own.
      if (p.department === 'serviceCentre' || p.department === c.department) return ALLOW
      return deny(403, 'department-not-allowed', `a clerk of ${p.department ?? 'no department'} may act on the intake of ${p.department ?? 'no department'} or, at the service centre, of every department; this case belongs to ${c.department}`)
    case 'officer':
    case 'head':
    case 'supervisor':
      if (p.department === c.department) return ALLOW
      return deny(403, 'department-not-allowed', `${p.role === 'officer' ? 'an' : 'a'} ${p.role} of ${p.department ?? 'no department'} may act only on cases of that department; this case belongs to ${c.department}`)
  }
}

/** The decision. Pure: no I/O. */
export function authorize(principal: Principal, action: Action, resource?: Resource): Decision {
  if (principal.role === 'system') return ALLOW
  const roles = ACTION_ROLES[action]
  const kase = resource && 'case' in resource ? resource.case : undefined

  if (action === 'case.read' || action === 'case.event') {
    if (!kase) throw new Error(`${action} needs a case`)
    if (!roles.includes(principal.role) || !seesCase(principal, kase)) return deny(404, 'case-not-found', 'no such case is visible to you')
    return action === 'case.read' ? ALLOW : actsOnCase(principal, kase)
  }
  if (!roles.includes(principal.role)) {
    return deny(403, 'role-not-allowed', `${action} is for ${roles.join(', ')}, not ${principal.role}`, { allowedRoles: roles })
  }
  const target = resource && 'jurisdiction' in resource ? resource.jurisdiction : undefined
  // A published year of the State Council calendar is national: only a national administrator loads it.
  if (action === 'admin.calendarYear' && principal.jurisdiction !== '000000') {
    return deny(403, 'jurisdiction-not-allowed', `the State Council calendar is national: only an administrator of 000000 loads a year, not one of ${principal.jurisdiction}`)
  }
  if (target !== undefined && !isWithin(principal.jurisdiction, target)) {
    return deny(403, 'jurisdiction-not-allowed', `a principal of ${principal.jurisdiction} may act for ${principal.jurisdiction} and the divisions below it, not for ${target}`)
  }
  return ALLOW
}

/** The decision as an error to throw, or nothing when allowed. `what` names the attempt in the message. */
export function enforce(principal: Principal, action: Action, resource?: Resource, what: string = action): void {
  const d = authorize(principal, action, resource)
  if (d.allow) return
  if (d.code === 'case-not-found') throw new DomainError('case-not-found', 404, 'Case not found', 'no such case is visible to you')
  if (d.code === 'role-not-allowed') throw roleNotAllowed(what, principal.role, d.allowedRoles ?? [])
  const scope = resource && 'jurisdiction' in resource ? { scope: principal.jurisdiction, jurisdiction: resource.jurisdiction } : {}
  const department = resource && 'case' in resource ? { department: principal.department ?? null, caseDepartment: resource.case.department } : {}
  throw new DomainError(d.code, 403, 'Forbidden', d.reason, { ...scope, ...department })
}

/** `enforce` for a case, naming the case in the 404 as the engine always has. */
export function enforceOnCase(principal: Principal, action: 'case.read' | 'case.event', caseId: string, row: CaseRef, what?: string): void {
  const d = authorize(principal, action, { case: row })
  if (!d.allow && d.code === 'case-not-found') throw caseNotFound(caseId)
  enforce(principal, action, { case: row }, what)
}

/**
 * Which cases a list may show the principal, as a filter for SQL: the applicant's own, a code prefix (the subtree;
 * '' is everything), or nothing. The prefix agrees with isWithin for every shipped division (test/divisions.test.ts).
 */
export type CaseScope = { applicant: string } | { prefix: string } | { none: true }

export function caseListScope(principal: Principal): CaseScope {
  if (principal.role === 'system') return { prefix: '' }
  if (!ACTION_ROLES['case.list'].includes(principal.role)) return { none: true }
  if (principal.role === 'applicant') return { applicant: principal.id }
  return { prefix: codePrefix(principal.jurisdiction) }
}
