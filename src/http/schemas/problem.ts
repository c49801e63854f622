/** RFC 9457 problem details, the body of every error. Extension members depend on the code (docs/ERRORS.md). */
import { Type } from 'typebox'

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'URI naming the problem kind: urn:onewindow:problem:<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String({ description: 'what was wrong, in words a person can act on' }),
    instance: Type.Optional(Type.String()),
    code: Type.String({ description: 'stable machine-readable code, e.g. invalid-transition, stale-version' }),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ name: Type.String({ description: 'JSON pointer of the field' }), code: Type.String(), reason: Type.String() })),
    ),
    allowedEvents: Type.Optional(
      Type.Array(Type.Object({ type: Type.String(), roles: Type.Array(Type.String()), description: Type.String() })),
    ),
  },
  { $id: 'Problem', additionalProperties: true, description: 'application/problem+json (RFC 9457)' },
)

export const ProblemRef = Type.Ref('Problem')

/** The error responses every authenticated route may give. */
export const commonProblems = {
  400: ProblemRef,
  401: ProblemRef,
  403: ProblemRef,
  404: ProblemRef,
  413: ProblemRef,
  415: ProblemRef,
  429: ProblemRef,
  500: ProblemRef,
}
