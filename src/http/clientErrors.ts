/**
 * Errors Node's HTTP parser raises before a request reaches Fastify (malformed HTTP, headers too large, a client
 * too slow to send its request): answered as application/problem+json like every other error, then closed.
 */
import type { Socket } from 'node:net'

const ANSWERS: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers-too-large', 'Request Header Fields Too Large', 'the request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request-timeout', 'Request Timeout', 'the request was not received in time'],
}

export function clientErrorProblem(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return void socket.destroy(err)
  const [status, code, title, detail] = ANSWERS[err.code ?? ''] ?? [400, 'bad-request', 'Bad Request', 'the request is not valid HTTP']
  const body = JSON.stringify({ type: `urn:onewindow:problem:${code}`, title, status, detail, code })
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  )
}
