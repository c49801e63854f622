/**
 * Every error leaves as application/problem+json (RFC 9457) with a stable `code`. Validation failures name each
 * field; domain errors carry their extensions; anything unexpected is a 500 that logs the request id and never
 * shows a stack.
 */
import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError, type FieldError } from '../../engine/errors.ts'
import { formatProblem } from '../../validation/formats.ts'

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  409: 'Conflict', 412: 'Precondition Failed', 413: 'Payload Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 422: 'Unprocessable Content',
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
  FST_ERR_MAX_PARAM_LENGTH: 'uri-too-long',
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

/** The value at a JSON pointer in the validated part of the request (to say why a format failed). */
function valueAt(request: FastifyRequest, context: string, pointer: string): unknown {
  const parts: Record<string, unknown> = { body: request.body, querystring: request.query, params: request.params, headers: request.headers }
  let value = parts[context]
  for (const key of pointer.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

function validationErrors(err: FastifyError, request: FastifyRequest): FieldError[] {
  const context = err.validationContext ?? 'body'
  return (err.validation ?? []).map((v) => {
    const format = v.keyword === 'format' ? (v.params as { format?: string })?.format : undefined
    const why = format ? formatProblem(format, valueAt(request, context, v.instancePath)) : null
    const missing = (v.params as { missingProperty?: string })?.missingProperty
    const extra = (v.params as { additionalProperty?: string })?.additionalProperty
    const path = `/${context}${v.instancePath}${missing ? `/${missing}` : extra ? `/${extra}` : ''}`
    const allowed = (v.params as { allowedValues?: unknown[] })?.allowedValues
    return {
      name: path,
      code: v.keyword,
      reason: why ?? `${v.message ?? 'is invalid'}${allowed ? `: ${allowed.map(String).join(', ')}` : ''}`,
    }
  })
}

/**
 * Errors the router raises before any hook runs (a bad percent-escape, a path segment over maxParamLength):
 * Fastify's `frameworkErrors` option, so they leave as problems like the rest.
 */
export function frameworkErrorProblem(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const code = (err.code && FASTIFY_CODES[err.code]) ?? 'bad-request'
  const status = code === 'uri-too-long' ? 414 : 400
  const detail = code === 'uri-too-long' ? 'a path segment of the URL is too long' : 'the URL is not valid (check its percent-escapes)'
  return sendProblem(request, reply, status, code, detail)
}

export default fp(async function problems(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof DomainError) {
      return sendProblem(request, reply, err.status, err.code, err.message, err.extensions, err.title)
    }
    if (err.validation) {
      const errors = validationErrors(err, request)
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
