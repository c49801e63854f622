/**
 * Transport security (docs/SECURITY.md): security headers, CORS for the portal origin only, rate limits per
 * principal and per IP as problems with Retry-After, body size limit, and the settings read from the environment.
 */
import t from 'tap'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { buildTestApp } from '../helpers/app.ts'
import { principals as p } from '../helpers/factories.ts'
import { loadSecuritySettings, SECURITY_DEFAULTS } from '../../src/security/settings.ts'

const PORTAL = 'https://portal.example.gov.cn'

t.test('security headers on API answers; /docs has its own CSP and still loads', async (t) => {
  const h = await buildTestApp(t)
  const res = await h.call(null, 'GET', '/v1/procedures')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.match(res.headers['content-security-policy'], /default-src 'none'/)
  t.match(res.headers['content-security-policy'], /frame-ancestors 'none'/)
  t.equal(res.headers['referrer-policy'], 'no-referrer')
  t.ok(res.headers['strict-transport-security'], 'HSTS')
  t.ok(res.headers['x-frame-options'], 'X-Frame-Options')
  const problem = await h.call(null, 'GET', '/v1/cases')
  t.equal(problem.statusCode, 401)
  t.equal(problem.headers['x-content-type-options'], 'nosniff', 'errors carry the headers too')

  const docs = await h.app.inject({ method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-type'], /text\/html/)
  t.match(docs.headers['content-security-policy'], /script-src 'self'/)
  t.notMatch(docs.headers['content-security-policy'], /upgrade-insecure-requests/, 'works on plain-HTTP intranets')
  for (const asset of ['swagger-initializer.js', 'swagger-ui-bundle.js', 'swagger-ui.css']) {
    t.equal((await h.app.inject({ method: 'GET', url: `/docs/static/${asset}` })).statusCode, 200, asset)
  }
  t.equal((await h.app.inject({ method: 'GET', url: '/docs/json' })).statusCode, 200, 'the document the UI reads')
})

t.test('CORS: the configured portal origin only', async (t) => {
  const h = await buildTestApp(t, { app: { portalOrigins: [PORTAL] } })
  const allowed = await h.call(null, 'GET', '/v1/procedures', undefined, { origin: PORTAL })
  t.equal(allowed.headers['access-control-allow-origin'], PORTAL)
  t.match(allowed.headers['access-control-expose-headers'], /ETag/)
  t.notOk(allowed.headers['access-control-allow-credentials'], 'bearer tokens, no cookies')
  const refused = await h.call(null, 'GET', '/v1/procedures', undefined, { origin: 'https://evil.example.com' })
  t.equal(refused.headers['access-control-allow-origin'], undefined, 'another origin gets no CORS grant')

  const preflight = await h.app.inject({
    method: 'OPTIONS', url: '/v1/cases',
    headers: { origin: PORTAL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,if-match' },
  })
  t.equal(preflight.statusCode, 204)
  t.equal(preflight.headers['access-control-allow-origin'], PORTAL)
  t.match(preflight.headers['access-control-allow-methods'], /POST/)
  t.match(preflight.headers['access-control-allow-headers'], /If-Match/)
  const refusedPreflight = await h.app.inject({
    method: 'OPTIONS', url: '/v1/cases', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
  })
  t.equal(refusedPreflight.headers['access-control-allow-origin'], undefined)

  const none = await buildTestApp(t)
  const noOrigins = await none.call(null, 'GET', '/v1/procedures', undefined, { origin: PORTAL })
  t.equal(noOrigins.headers['access-control-allow-origin'], undefined, 'default: no origin is allowed')
})

t.test('rate limit per principal: two principals on one address are counted apart', async (t) => {
  const h = await buildTestApp(t, { app: { rateLimit: { perPrincipal: 3, perIp: 1000, windowMs: 60_000 } } })
  for (let i = 0; i < 3; i++) t.equal((await h.call(p.applicant, 'GET', '/v1/procedures')).statusCode, 200, `request ${i + 1}`)
  const limited = await h.call(p.applicant, 'GET', '/v1/procedures')
  t.equal(limited.statusCode, 429)
  t.match(limited.headers['content-type'], /^application\/problem\+json/)
  t.match(limited.json(), { code: 'rate-limited', status: 429, limit: 3, retryAfter: Number })
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After in seconds')
  t.equal((await h.call(p.clerk, 'GET', '/v1/procedures')).statusCode, 200, 'another principal from the same address is not limited')
  t.equal((await h.call(null, 'GET', '/v1/procedures')).statusCode, 200, 'nor an anonymous caller')
  t.equal((await h.call(p.applicant, 'POST', '/v1/cases', {})).statusCode, 429, 'the limit holds on every route, before the body is read')
})

t.test('rate limit per IP: every request from an address counts, whoever sends it', async (t) => {
  const h = await buildTestApp(t, { app: { rateLimit: { perPrincipal: 1000, perIp: 4, windowMs: 60_000 } } })
  const from = async (remoteAddress: string, token?: string) => h.app.inject({
    method: 'GET', url: '/v1/procedures', remoteAddress, headers: token ? { authorization: `Bearer ${token}` } : {},
  })
  const a = await h.token(p.applicant)
  const b = await h.token(p.clerk)
  t.same([
    (await from('10.0.0.1', a)).statusCode, (await from('10.0.0.1', b)).statusCode,
    (await from('10.0.0.1')).statusCode, (await from('10.0.0.1', 'garbage')).statusCode,
  ], [200, 200, 200, 401])
  const limited = await from('10.0.0.1', a)
  t.equal(limited.statusCode, 429)
  t.equal(limited.json().code, 'rate-limited')
  const garbage = await from('10.0.0.1', 'garbage')
  t.equal(garbage.statusCode, 429, 'limited before the token is even checked')
  t.equal((await from('10.0.0.2', a)).statusCode, 200, 'another address is not limited')
})

t.test('a body over the limit is a 413 problem', async (t) => {
  const h = await buildTestApp(t, { app: { bodyLimit: 2048 } })
  const res = await h.call(p.applicant, 'POST', '/v1/cases', { procedure: 'x'.repeat(4096) })
  t.equal(res.statusCode, 413)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.equal(res.json().code, 'payload-too-large')
})

t.test('HTTP the parser refuses (oversized headers, garbage) still answers a problem', async (t) => {
  const h = await buildTestApp(t)
  await h.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = h.app.server.address() as AddressInfo
  const raw = (text: string) => new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text))
    let answer = ''
    socket.on('data', (d) => { answer += d.toString() })
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
  })
  const big = await raw(`GET /v1/procedures HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
  t.match(big, /^HTTP\/1\.1 431 /)
  t.match(big, /content-type: application\/problem\+json/i)
  t.match(big, /"code":"headers-too-large"/)
  const garbage = await raw('NOT HTTP AT ALL\r\n\r\n')
  t.match(garbage, /^HTTP\/1\.1 400 /)
  t.match(garbage, /"code":"bad-request"/)
})

t.test('settings from the environment', async (t) => {
  t.same(loadSecuritySettings({}), SECURITY_DEFAULTS)
  t.same(loadSecuritySettings({ ONEWINDOW_PORTAL_ORIGINS: 'https://a.gov.cn, http://10.1.2.3:8080' }).portalOrigins, ['https://a.gov.cn', 'http://10.1.2.3:8080'])
  t.match(loadSecuritySettings({ ONEWINDOW_RATE_LIMIT_PER_PRINCIPAL: '50', ONEWINDOW_RATE_LIMIT_PER_IP: '5000' }).rateLimit, { perPrincipal: 50, perIp: 5000, windowMs: 60_000 })
  t.equal(loadSecuritySettings({ ONEWINDOW_RATE_LIMIT: 'false' }).rateLimit, false)
  t.equal(loadSecuritySettings({ ONEWINDOW_TRUST_PROXY: '1' }).trustProxy, 1)
  t.equal(loadSecuritySettings({ ONEWINDOW_TRUST_PROXY: '10.0.0.1' }).trustProxy, '10.0.0.1')
  t.throws(() => loadSecuritySettings({ ONEWINDOW_PORTAL_ORIGINS: 'https://a.gov.cn/' }), /no trailing slash/)
  t.throws(() => loadSecuritySettings({ ONEWINDOW_PORTAL_ORIGINS: '*' }), /ONEWINDOW_PORTAL_ORIGINS/)
  t.throws(() => loadSecuritySettings({ ONEWINDOW_RATE_LIMIT_PER_IP: '0' }), /ONEWINDOW_RATE_LIMIT_PER_IP/)
  t.throws(() => loadSecuritySettings({ ONEWINDOW_RATE_LIMIT: 'maybe' }), /ONEWINDOW_RATE_LIMIT/)
  t.throws(() => loadSecuritySettings({ ONEWINDOW_TRUST_PROXY: 'everyone' }), /ONEWINDOW_TRUST_PROXY/)
})
