/**
 * Fuzzes every route the app serves (read from its own OpenAPI document, so routes added later are covered) with
 * random and malformed bodies, content types, headers, tokens, ids and query strings. Whatever a client sends,
 * the answer is never a 5xx, and every error is application/problem+json with a stable `code` (docs/ERRORS.md).
 *
 * Reproducible: a fixed seed and a bounded number of runs per route (issue #8 acceptance). To explore further
 * locally: FUZZ_SEED=<n> FUZZ_RUNS=<n> npx tap test/http/fuzz.test.ts.
 */
import t from 'tap'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp } from '../helpers/app.ts'
import { clinicFilingApplication, principals } from '../helpers/factories.ts'
import type { Principal } from '../../src/auth/principal.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 20261123)
const RUNS = Number(process.env.FUZZ_RUNS ?? 60)

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'PATCH'
interface Route { method: Method; path: string; pathParams: string[]; queryParams: string[] }

const people: Principal[] = [
  ...Object.values(principals),
  { id: 'admin-1', role: 'admin', jurisdiction: '421202' },
  { id: 'admin-city', role: 'admin', jurisdiction: '421200' },
]

/** Strings that have broken parsers before: unicode, control characters, encodings, injections, sheer length. */
const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', 'null', 'true', '[]', '{}', '__proto__', 'constructor', '../../etc/passwd',
    "' OR 1=1 --", '\u0000', '\uD800', '😀', '统一社会信用代码', '2026-02-30', '9999-99-99', '421202', '000000', '52421202MJH123456E',
    '11010519491231002X', '%', '%zz', '"1"', 'W/"1"', '*'),
  fc.integer({ min: 200, max: 5000 }).map((n) => 'x'.repeat(n)),
)

const idValue = (ids: string[]) => fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ids) },
  fc.uuid(),
  oddString,
  fc.constantFrom('00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF', '2026', '421202', 'clinicFiling', 'health'),
)

const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(oddString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
  fc.constant(clinicFilingApplication()),
  // A valid filing with one field replaced: reaches deeper than random JSON does.
  fc.tuple(fc.constantFrom('procedure', 'jurisdiction', 'institution', 'materials', 'extra'), fc.jsonValue({ maxDepth: 2 }))
    .map(([k, v]) => ({ ...clinicFilingApplication(), [k]: v })),
  fc.record({ type: fc.constantFrom('WITHDRAW', 'BEGIN_INTAKE_CHECK', 'ACCEPT', 'FILE', 'EXTEND', 'x'), payload: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ jurisdiction: fc.constantFrom('421202', '000000', 'x'), profile: fc.jsonValue({ maxDepth: 2 }) }),
)

const rawBody = fc.oneof(
  { weight: 6, arbitrary: jsonBody.map((v) => JSON.stringify(v) ?? '') },
  fc.constantFrom('', '{', '{"a":', '[1,2', 'null', '"', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000', '\uFEFF{}'),
  oddString,
)

const contentType = fc.oneof({ weight: 5, arbitrary: fc.constant('application/json') }, fc.constantFrom(
  undefined, 'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'APPLICATION/JSON',
  'application/problem+json', 'text/plain', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/octet-stream', 'application/xml', '*/*', 'garbage', '',
))

/** Plausible query values, so some requests get past validation and reach the database. */
const queryValue = fc.oneof(
  oddString,
  fc.constantFrom('submitted', 'accepted', 'clinicFiling', 'elderCareFiling', '10', '1', '0', '1000', '2026-03-02', '2026',
    '421202', '421200', 'json', 'html', 'pdf', 'csv', 'health', 'civilAffairs', 'clerk', 'officer', 'true', 'false'),
)

function arbitraryRequest(route: Route, ids: string[], tokens: string[]) {
  const authorization = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...tokens).map((tk) => `Bearer ${tk}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: oddString.map((s) => `Bearer ${s}`) },
    { weight: 1, arbitrary: fc.constantFrom('Bearer', 'Basic dXNlcjpwYXNz', 'bearer x.y.z', 'Bearer a.b.c', `Bearer ${'A'.repeat(8000)}`, 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.') },
  )
  const ifMatch = fc.option(fc.oneof(fc.constantFrom('"1"', '"2"', '"0"', '"-1"', '"999999999999999999999"', 'W/"1"', '*', '1', '""', '"1", "2"'), oddString), { nil: undefined })
  const accept = fc.option(fc.constantFrom('application/json', 'text/html', 'application/pdf', 'text/csv', 'image/png', '*/*', 'application/*;q=0', 'garbage', ''), { nil: undefined })
  const pathValues = fc.tuple(...route.pathParams.map(() => fc.tuple(idValue(ids), fc.boolean())))
  const query = fc.dictionary(fc.oneof(fc.constantFrom(...route.queryParams, 'format', 'cursor', 'limit'), oddString), fc.oneof(queryValue, fc.array(queryValue, { maxLength: 3 })), { maxKeys: 4 })
  const method: fc.Arbitrary<Method> = fc.oneof({ weight: 8, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom<Method>('HEAD', 'OPTIONS', 'PATCH', 'DELETE', 'PUT') })
  return fc.record({
    method, pathValues, query, authorization, ifMatch, accept,
    contentType, body: fc.option(rawBody, { nil: undefined, freq: 3 }),
    requestId: fc.option(oddString, { nil: undefined }),
  })
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
/** encodeURIComponent, with lone surrogates sent as an invalid UTF-8 sequence instead of throwing. */
const enc = (s: string) => s.split(LONE_SURROGATE).map(encodeURIComponent).join('%ED%A0%80')

function urlOf(route: Route, pathValues: [string, boolean][], query: Record<string, string | string[]>): string {
  let path = route.path
  route.pathParams.forEach((name, i) => {
    const [value, raw] = pathValues[i]!
    // Mostly encoded as a client would; sometimes raw, to reach the router with odd bytes and bad percent-escapes.
    path = path.replace(`{${name}}`, raw ? value.replace(/[/?#\s]/g, '') : enc(value))
  })
  const qs = Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${enc(k)}=${enc(x)}`)).join('&')
  return qs ? `${path}?${qs}` : path
}

function problemOf(res: LightMyRequestResponse, method: Method): string | null {
  if (res.statusCode >= 500) return `status ${res.statusCode}`
  if (res.statusCode < 400) return null
  const type = String(res.headers['content-type'] ?? '')
  if (!type.startsWith('application/problem+json')) return `status ${res.statusCode} with content-type ${JSON.stringify(type)}`
  if (method === 'HEAD') return null
  try {
    const body = JSON.parse(res.body) as { code?: unknown; status?: unknown }
    if (typeof body.code !== 'string' || body.code === '') return `status ${res.statusCode} without a code`
    if (body.status !== res.statusCode) return `status ${res.statusCode} but body.status ${String(body.status)}`
  } catch {
    return `status ${res.statusCode} with a body that is not JSON`
  }
  return null
}

t.test('no route answers a 5xx or an error that is not a problem, whatever it is sent', async (t) => {
  const h = await buildTestApp(t)
  // A real case (and its one-window application id space) so some ids and If-Match values hit existing rows.
  const created = await h.call(principals.applicant, 'POST', '/v1/cases', clinicFilingApplication())
  t.equal(created.statusCode, 201)
  const ids = [created.json().id as string]
  const tokens = await Promise.all(people.map((p) => h.token(p)))

  await h.app.ready()
  const document = h.app.swagger() as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>> }
  const routes: Route[] = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => ({
      method: method.toUpperCase() as Method,
      path,
      pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
      queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    })))
  routes.push({ method: 'GET', path: '/v1/{anything}', pathParams: ['anything'], queryParams: [] })
  t.ok(routes.length >= 30, `${routes.length} routes enumerated from the app`)

  const failures: string[] = []
  let requests = 0
  const statuses = new Map<string, number>()
  for (const [i, route] of routes.entries()) {
    await fc.assert(
      fc.asyncProperty(arbitraryRequest(route, ids, tokens), async (r) => {
        const url = urlOf(route, r.pathValues, r.query)
        const headers: Record<string, string> = {}
        if (r.authorization !== undefined) headers.authorization = r.authorization
        if (r.ifMatch !== undefined) headers['if-match'] = r.ifMatch
        if (r.accept !== undefined) headers.accept = r.accept
        if (r.contentType !== undefined) headers['content-type'] = r.contentType
        if (r.requestId !== undefined) headers['x-request-id'] = r.requestId
        let res: LightMyRequestResponse
        try {
          res = await h.app.inject({ method: r.method, url, headers, ...(r.body === undefined ? {} : { payload: r.body }) })
        } catch (err) {
          // light-my-request refuses some header values a real client could not send either (e.g. control characters).
          if (err instanceof TypeError && /header|character/i.test(err.message)) return
          throw err
        }
        requests++
        const problem = problemOf(res, r.method)
        if (!problem && r.method !== 'HEAD') {
          const key = res.statusCode >= 400 ? `${res.statusCode} ${(res.json() as { code: string }).code}` : String(res.statusCode)
          statuses.set(key, (statuses.get(key) ?? 0) + 1)
        }
        if (problem && failures.length < 50) {
          failures.push(`${r.method} ${route.path} → ${problem}\n  url: ${url.slice(0, 300)}\n  headers: ${JSON.stringify(headers).slice(0, 300)}\n  body: ${JSON.stringify(r.body)?.slice(0, 300)}\n  answer: ${res.body.slice(0, 300)}`)
        }
      }),
      { seed: SEED + i, numRuns: RUNS, endOnFailure: true },
    )
  }
  t.comment(`answers: ${[...statuses].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ')}`)
  t.ok(requests >= routes.length * RUNS * 0.9, `${requests} requests sent`)
  t.same([...new Set(failures.map((f) => f.split('\n')[0]))], [], 'no 5xx, every error a problem with a code (summary)')
  t.same(failures, [], 'no 5xx, every error a problem with a code')
})
