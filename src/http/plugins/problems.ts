/**
 * Every error leaves as application/problem+json (RFC 9457) with a stable `code`. Validation failures name each
 * field; domain errors carry their extensions; anything unexpected is a 500 that logs the request id and never
 * shows a stack.
 */
import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError, type FieldError } from '../../engine/errors.ts'

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  409: 'Conflict', 412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content',
  428: 'Precondition Required', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
}

/** Fastify's own error codes, mapped to ours. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
  FST_ERR_BAD_URL: 'bad-request',
  FST_ERR_ASYNC_CONSTRAINT: 'bad-request',
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
  title = TITLES[status] ?? 'Error',
) {
  return reply
    .status(status)
    .type('application/problem+json')
    .send({ type: `urn:onewindow:problem:${code}`, title, status, detail, instance: request.url, code, requestId: request.id, ...extensions })
}

function validationErrors(err: FastifyError): FieldError[] {
  const context = err.validationContext ?? 'body'
  return (err.validation ?? []).map((v) => {
    const missing = (v.params as { missingProperty?: string })?.missingProperty
    const extra = (v.params as { additionalProperty?: string })?.additionalProperty
    const path = `/${context}${v.instancePath}${missing ? `/${missing}` : extra ? `/${extra}` : ''}`
    const allowed = (v.params as { allowedValues?: unknown[] })?.allowedValues
    return {
      name: path,
      code: v.keyword,
      reason: `${v.message ?? 'is invalid'}${allowed ? `: ${allowed.map(String).join(', ')}` : ''}`,
    }
  })
}

export default fp(async function problems(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof DomainError) {
      return sendProblem(request, reply, err.status, err.code, err.message, err.extensions, err.title)
    }
    if (err.validation) {
      const errors = validationErrors(err)
      return sendProblem(request, reply, 400, 'invalid-request', `the request is invalid: ${errors.map((e) => `${e.name} ${e.reason}`).join('; ')}`, { errors })
    }
    const status = err.statusCode ?? 500
    if (status >= 400 && status < 500) {
      const code = (err.code && FASTIFY_CODES[err.code]) ?? (status === 429 ? 'rate-limited' : 'bad-request')
      return sendProblem(request, reply, status, code, err.message)
    }
    request.log.error({ err, reqId: request.id }, 'unhandled error')
    return sendProblem(request, reply, 500, 'internal-error', `an internal error occurred; quote request id ${request.id} to the service desk`)
  })
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, 404, 'route-not-found', `no route ${request.method} ${request.url.split('?')[0]}; see /docs for the API`),
  )
})
