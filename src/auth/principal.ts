/** The authenticated caller. It comes from the verified token only, never from a request body. */
import type { Role } from '../../machines/types.ts'
import { codePrefix, isWithin } from '../divisions/index.ts'
import { authorize } from './authorize.ts'

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
 * county XXXXXX); '' for the national scope 000000. For SQL filters; decisions use `inJurisdiction`.
 */
export function jurisdictionPrefix(scope: string): string {
  return codePrefix(scope)
}

/** Whether `code` lies in the subtree of `scope` (the division data's parent chain; src/divisions). */
export function inJurisdiction(scope: string, code: string): boolean {
  return isWithin(scope, code)
}

/**
 * Whether the principal may see a case (src/auth/authorize.ts decides; this is its `case.read` answer). A case one
 * may not see is answered as not found, so ids leak nothing.
 */
export function canSeeCase(principal: Principal, row: { applicant: string; jurisdiction: string; department?: string }): boolean {
  return authorize(principal, 'case.read', { case: { department: '', ...row } }).allow
}
