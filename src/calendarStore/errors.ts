/** Errors of calendar administration, with stable codes (docs/ERRORS.md, docs/CALENDAR.md). */
import { DomainError, type FieldError } from '../engine/errors.ts'
import { enforce } from '../auth/authorize.ts'
import type { Principal } from '../auth/principal.ts'

/** 400 `invalid-request` naming each bad field, as the HTTP layer's own validation does. */
export const invalidCalendarRequest = (errors: FieldError[]) =>
  new DomainError('invalid-request', 400, 'Bad Request', `the request is invalid: ${errors.map((e) => `${e.name} ${e.reason}`).join('; ')}`, { errors })

export const overrideExists = (jurisdiction: string, date: string, existing: { kind: string; name: string }) =>
  new DomainError('calendar-override-exists', 409, 'Conflict',
    `${jurisdiction} already has a local override on ${date} (${existing.kind}, "${existing.name}"); remove it first to replace it`,
    { jurisdiction, date, existing })

export const overrideNotFound = (jurisdiction: string, date: string) =>
  new DomainError('calendar-override-not-found', 404, 'Not Found', `${jurisdiction} has no local override on ${date}`, { jurisdiction, date })

export const arrangementInvalid = (year: number, detail: string) =>
  new DomainError('calendar-arrangement-invalid', 422, 'Unprocessable Content', detail, { year })

export const yearTooOld = (year: number, currentYear: number) =>
  new DomainError('calendar-year-closed', 422, 'Unprocessable Content',
    `${year} is before ${currentYear - 1}: only the previous, current and later years may be (re)loaded, so deadlines long past are never rewritten`,
    { year, currentYear })

/**
 * Calendar administration is for administrators (and the system): a division's overrides for an administrator of it
 * or one above it; a State Council year (`'year'`) for a national administrator only. src/auth/authorize.ts decides;
 * anyone else gets 403 role-not-allowed or jurisdiction-not-allowed.
 */
export function requireCalendarAdmin(actor: Principal, action: string, target: { jurisdiction: string } | 'year'): void {
  if (target === 'year') enforce(actor, 'admin.calendarYear', undefined, action)
  else enforce(actor, 'admin.calendar', { jurisdiction: target.jurisdiction }, action)
}
