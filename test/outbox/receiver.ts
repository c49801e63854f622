/**
 * A department's webhook receiver for the tests: a real node:http server on 127.0.0.1 with an idempotent store keyed
 * by webhook-id, as docs/WEBHOOKS.md tells receivers to build it. Its behaviour is switched between passes:
 *  - ok: verify, store once (a second copy of an id is acknowledged and not stored again), 200;
 *  - fail: 500 without storing;
 *  - throttle: 429 with Retry-After: 30 (seconds) without storing;
 *  - storeThenHang: verify and store, then never answer (the sender times out, and will send the same id again);
 *  - hang: never answer, store nothing.
 * `down()` closes the port (connection refused) and `up()` listens on the same port again.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifyWebhookSignature, type VerifyResult } from '../../src/outbox/signature.ts'
import type { WebhookMessage } from '../../src/outbox/dispatcher.ts'

export type ReceiverMode = 'ok' | 'fail' | 'throttle' | 'storeThenHang' | 'hang'

export interface ReceivedRequest {
  path: string
  webhookId: string | undefined
  verified: VerifyResult
  body: string
}

export interface Receiver {
  url(path?: string): string
  mode: ReceiverMode
  /** The idempotent store: webhook-id → the message, stored at most once. */
  readonly store: Map<string, { path: string; message: WebhookMessage }>
  /** Every request that reached the receiver, in order (duplicates included). */
  readonly requests: ReceivedRequest[]
  /** How often each webhook-id was stored (must never exceed 1). */
  readonly storeCount: Map<string, number>
  down(): Promise<void>
  up(): Promise<void>
  close(): Promise<void>
}

export async function startReceiver(options: { secret: string | ((path: string) => string); now: () => Date }): Promise<Receiver> {
  let port = 0
  const hanging = new Set<http.ServerResponse>()
  const receiver = {
    mode: 'ok' as ReceiverMode,
    store: new Map<string, { path: string; message: WebhookMessage }>(),
    storeCount: new Map<string, number>(),
    requests: [] as ReceivedRequest[],
  }
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const path = req.url ?? '/'
      const secret = typeof options.secret === 'function' ? options.secret(path) : options.secret
      const verified = verifyWebhookSignature({ secret, headers: req.headers, body, now: options.now() })
      const webhookId = req.headers['webhook-id'] as string | undefined
      receiver.requests.push({ path, webhookId, verified, body })
      if (receiver.mode === 'throttle') {
        res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '30' }).end('slow down')
        return
      }
      if (receiver.mode === 'fail') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('receiver database unavailable')
        return
      }
      if (!verified.ok) {
        res.writeHead(401).end(verified.reason)
        return
      }
      if (receiver.mode === 'hang') {
        hanging.add(res)
        return
      }
      // Idempotent store: the first copy of an id is stored, later copies only acknowledged.
      if (!receiver.store.has(verified.id)) {
        receiver.store.set(verified.id, { path, message: JSON.parse(body) as WebhookMessage })
        receiver.storeCount.set(verified.id, (receiver.storeCount.get(verified.id) ?? 0) + 1)
      }
      if (receiver.mode === 'storeThenHang') {
        hanging.add(res)
        return
      }
      res.writeHead(204).end()
    })
  }
  let server = http.createServer(handler)
  const listen = (s: http.Server) => new Promise<void>((resolve, reject) => {
    s.once('error', reject)
    s.listen(port, '127.0.0.1', () => {
      port = (s.address() as AddressInfo).port
      resolve()
    })
  })
  const shut = async (s: http.Server) => {
    for (const res of hanging) res.destroy()
    hanging.clear()
    s.closeAllConnections()
    await new Promise<void>((resolve) => s.close(() => resolve()))
  }
  await listen(server)
  let open = true
  return Object.assign(receiver, {
    url: (path = '/hooks') => `http://127.0.0.1:${port}${path}`,
    down: async () => {
      if (!open) return
      open = false
      await shut(server)
    },
    up: async () => {
      if (open) return
      server = http.createServer(handler)
      await listen(server)
      open = true
    },
    close: async () => {
      if (!open) return
      open = false
      await shut(server)
    },
  })
}
