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

/** An error response, documented with its real media type (application/problem+json). */
export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
})

export const ProblemRef = problemResponse('problem details (see `code`)')

/** The error responses every authenticated route may give. */
export const commonProblems = {
  400: problemResponse('invalid request: `errors` names each bad field'),
  401: problemResponse('missing or invalid bearer token'),
  403: problemResponse('the role may not do this'),
  404: problemResponse('no such resource visible to the caller'),
  413: problemResponse('body larger than the limit'),
  415: problemResponse('body is not application/json'),
  429: problemResponse('rate limited'),
  500: problemResponse('internal error; quote requestId'),
}
