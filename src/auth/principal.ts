/** The authenticated caller. It comes from the verified token only, never from a request body. */
import type { Role } from '../../machines/types.ts'

export interface Principal {
  /** Subject of the token (the person, or the applicant institution's account). */
  id: string
  role: Role
  /** GB/T 2260 code of the principal's administrative division (000000 for national). */
  jurisdiction: string
  department?: string | undefined
}

/** The timer worker and CLI act as this principal: recorded in history, never issued as a token. */
export const SYSTEM_PRINCIPAL: Principal = { id: 'system', role: 'system', jurisdiction: '000000' }

/**
 * The code prefix shared by a division and every division below it (GB/T 2260: province XX0000 ⊃ city XXXX00 ⊃
 * county XXXXXX); '' for the national scope 000000.
 */
export function jurisdictionPrefix(scope: string): string {
  if (scope === '000000') return ''
  if (scope.endsWith('0000')) return scope.slice(0, 2)
  if (scope.endsWith('00')) return scope.slice(0, 4)
  return scope
}

/** Whether `code` lies in the subtree of `scope`. */
export function inJurisdiction(scope: string, code: string): boolean {
  return code.startsWith(jurisdictionPrefix(scope))
}

/**
 * Who may see a case. Applicants see their own; officials the cases of their division and those below it;
 * admins and the system everything. A case one may not see is answered as not found, so ids leak nothing.
 */
export function canSeeCase(principal: Principal, row: { applicant: string; jurisdiction: string }): boolean {
  switch (principal.role) {
    case 'applicant':
      return row.applicant === principal.id
    case 'admin':
    case 'system':
      return true
    default:
      return inJurisdiction(principal.jurisdiction, row.jurisdiction)
  }
}
