/**
 * Domain errors with stable codes. The HTTP layer maps each to application/problem+json (RFC 9457);
 * the codes are listed in docs/ERRORS.md and never change meaning.
 */
export interface FieldError {
  /** JSON pointer of the offending field, e.g. `/body/materials/0/item`. */
  name: string
  code: string
  reason: string
}

export interface AllowedEvent {
  type: string
  roles: readonly string[]
  description: string
}

export class DomainError extends Error {
  readonly code: string
  readonly status: number
  readonly title: string
  readonly extensions: Record<string, unknown>
  constructor(code: string, status: number, title: string, detail: string, extensions: Record<string, unknown> = {}) {
    super(detail)
    this.code = code
    this.status = status
    this.title = title
    this.extensions = extensions
  }
}

export const caseNotFound = (id: string) =>
  new DomainError('case-not-found', 404, 'Case not found', `no case ${id} is visible to you`)

export const procedureNotFound = (id: string, known: string[]) =>
  new DomainError('procedure-not-found', 404, 'Procedure not found', `no procedure ${JSON.stringify(id)}; known: ${known.join(', ')}`, { procedures: known })

export const staleVersion = (id: string, expected: number, actual: number | undefined) =>
  new DomainError(
    'stale-version',
    409,
    'Stale version',
    actual === undefined
      ? `case ${id} changed while this event was applied (expected version ${expected}); reload it and decide again`
      : `case ${id} is at version ${actual}, not ${expected}; reload it and decide again`,
    { expectedVersion: expected, ...(actual === undefined ? {} : { currentVersion: actual }) },
  )

export const invalidTransition = (type: string, state: string, allowedEvents: AllowedEvent[]) =>
  new DomainError(
    'invalid-transition',
    422,
    'Event not allowed in this state',
    `${type} is not accepted while the case is ${state}; allowed now: ${allowedEvents.map((e) => e.type).join(', ') || 'none (the case is closed)'}`,
    { state, allowedEvents },
  )

export const ruleNotSatisfied = (
  type: string,
  state: string,
  rules: { name: string; description: string; source: string }[],
  allowedEvents: AllowedEvent[],
) =>
  new DomainError(
    'rule-not-satisfied',
    422,
    'A rule of the procedure refuses this event',
    `${type} is refused in ${state}: ${rules.map((r) => `${r.name} (${r.description}; ${r.source})`).join('; ')}`,
    { state, rules, allowedEvents },
  )

export const roleNotAllowed = (type: string, role: string, roles: readonly string[]) =>
  new DomainError('role-not-allowed', 403, 'Role may not send this event', `${type} may be sent by ${roles.join(', ')}, not by ${role}`, {
    allowedRoles: roles,
  })

export const invalidPayload = (type: string, errors: FieldError[]) =>
  new DomainError('invalid-payload', 400, 'Invalid event payload', `the payload of ${type} is invalid: ${errors.map((e) => `${e.name} ${e.reason}`).join('; ')}`, {
    errors,
  })

export const procedureNotApplicable = (procedure: string, detail: string, source: string) =>
  new DomainError('procedure-not-applicable', 422, 'Procedure does not apply', detail, { procedure, source })
