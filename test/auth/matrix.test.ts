/**
 * The authorisation matrix: every route of the app (read from its own OpenAPI document, so routes added later are
 * covered) × every role × own/other jurisdiction × own/other department, on the real app and database, against a
 * case of county 421202, department health. The expected outcome per route is stated here as a table, apart from
 * src/auth/authorize.ts; docs/ACCESS.md has the same rules in words.
 *
 * Requests carry no body: every access check runs before validation, so an allowed caller gets a 4xx about its
 * request (or a 2xx for a read) and nothing changes, while a refused one gets 404 (a case it may not see) or 403.
 */
import t from 'tap'
import { buildTestApp, send, type TestApp } from '../helpers/app.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'
import type { Principal } from '../../src/auth/principal.ts'

type Outcome = 'allow' | 'hidden' | 'forbidden' | 'unauthenticated' | 'public'
type Who = Principal & { label: string }
type Rule = (who: Who | null) => Outcome

const CASE_COUNTY = '421202'
const CASE_DEPARTMENT = 'health'
/** Jurisdictions of the principals: the case's county, another county of the same city, the city, the nation. */
const JURISDICTIONS = ['421202', '421221', '421200', '000000'] as const
/** Stated, not computed: which of those contain county 421202. */
const CONTAINS_CASE: Record<string, boolean> = { '421202': true, '421221': false, '421200': true, '000000': true }
const DEPARTMENTS = ['health', 'civilAffairs', 'serviceCentre'] as const
const STAFF_ROLES = ['clerk', 'officer', 'head', 'supervisor', 'admin'] as const

function everyone(): (Who | null)[] {
  const staff: Who[] = STAFF_ROLES.flatMap((role) => JURISDICTIONS.flatMap((jurisdiction) => DEPARTMENTS.map((department) => ({
    id: `${role}-${jurisdiction}-${department}`, role, jurisdiction, department, label: `${role}@${jurisdiction}/${department}`,
  }))))
  return [null, { ...p.applicant, label: 'applicant (own case)' }, { ...p.otherApplicant, label: 'applicant (another\'s case)' }, ...staff]
}

// ---- The rules, per route -------------------------------------------------------------------------------------

const authenticated = (rule: (w: Who) => Outcome): Rule => (w) => (w ? rule(w) : 'unauthenticated')

/** case.read: an applicant its own; staff any department's cases in their division and below. */
const caseRead: Rule = authenticated((w) => {
  if (w.role === 'applicant') return w.id === p.applicant.id ? 'allow' : 'hidden'
  return CONTAINS_CASE[w.jurisdiction] ? 'allow' : 'hidden'
})

/** case.event: visible as for reading; then clerks of the window or the case's department, officers/heads/supervisors of its department, admins (recompute only, the engine's rule). */
const caseEvent: Rule = (w) => {
  const read = caseRead(w)
  if (read !== 'allow' || !w) return read
  switch (w.role) {
    case 'applicant':
    case 'admin':
      return 'allow'
    case 'clerk':
      return w.department === 'serviceCentre' || w.department === CASE_DEPARTMENT ? 'allow' : 'forbidden'
    default:
      return w.department === CASE_DEPARTMENT ? 'allow' : 'forbidden'
  }
}

const roles = (...allowed: string[]): Rule => authenticated((w) => (allowed.includes(w.role) ? 'allow' : 'forbidden'))
/** Administration of division 421202 (the path's jurisdiction): an admin of it or above. */
const adminOfCaseCounty: Rule = authenticated((w) => (w.role === 'admin' && CONTAINS_CASE[w.jurisdiction] ? 'allow' : 'forbidden'))
const nationalAdmin: Rule = authenticated((w) => (w.role === 'admin' && w.jurisdiction === '000000' ? 'allow' : 'forbidden'))
const open: Rule = () => 'public'

const RULES: Record<string, Rule> = {
  health: open, listProcedures: open, getProcedure: open, decideProcedures: open, getPolicy: open,
  computeDueDate: open, getCalendarYear: open,
  createCase: roles('applicant'),
  listCases: roles('applicant', 'clerk', 'officer', 'head', 'supervisor', 'admin'),
  getCase: caseRead,
  getCaseHistory: caseRead,
  applyCaseEvent: caseEvent,
  listAudit: roles('supervisor', 'admin'),
  // Supervision (docs/SUPERVISION.md): supervisors and admins, their own division by default.
  listOverdue: roles('supervisor', 'admin'),
  listNearDue: roles('supervisor', 'admin'),
  getSupervisionStats: roles('supervisor', 'admin'),
  addCalendarOverride: adminOfCaseCounty,
  removeCalendarOverride: adminOfCaseCounty,
  recomputeCalendarDeadlines: adminOfCaseCounty,
  loadCalendarYear: nationalAdmin,
  loadPolicyVersion: adminOfCaseCounty,
  listPolicyVersions: adminOfCaseCounty,
  // Worklists and claims (docs/WORKLISTS.md): a worklist is for the departments' staff; a claim needs the case in reach.
  getWorklist: roles('clerk', 'officer', 'head'),
  claimCase: caseRead,
  // One window (docs/ONE-WINDOW.md): an applicant files; an application is read like any case; any caller may plan.
  createOneWindowApplication: roles('applicant'),
  getOneWindowApplication: caseRead,
  planOneWindow: authenticated(() => 'allow'),
  // Webhook administration (docs/WEBHOOKS.md): administrators, within their division.
  configureWebhook: adminOfCaseCounty,
  listWebhooks: roles('admin'),
  listOutbox: roles('admin'),
  getOutboxMessage: roles('admin'),
  redeliverOutboxMessage: roles('admin'),
  // Random inspections (docs/INSPECTIONS.md): published results and verification are public.
  listPublicInspections: open,
  verifyInspectionDraw: open,
  listInspectors: roles('supervisor', 'admin'),
  putInspector: roles('supervisor', 'admin'),
  createInspectionDraw: roles('supervisor'),
  getInspectionDraw: roles('clerk', 'officer', 'head', 'supervisor', 'admin'),
  // (each route checks department and division further; the matrix's empty bodies stop at validation after access)
}

// ---- Routes from the OpenAPI document ---------------------------------------------------------------------------

interface Route { method: string; path: string; operationId: string; caseScoped: boolean; url: string }

type Operation = { operationId?: string; parameters?: { in: string; name: string; schema?: { format?: string; pattern?: string; type?: string } }[] }

function routesOf(doc: { paths: Record<string, Record<string, Operation>> }, caseId: string, applicationId: string): Route[] {
  const routes: Route[] = []
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      let caseScoped = false
      const url = path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
        const schema = op.parameters?.find((x) => x.in === 'path' && x.name === name)?.schema ?? {}
        if (schema.format === 'uuid' || /case/i.test(name)) {
          caseScoped = true
          return path.startsWith('/v1/one-window/applications/') ? applicationId : caseId
        }
        if (name === 'jurisdiction' || schema.pattern === '^[0-9]{6}$') return CASE_COUNTY
        if (name === 'date' || schema.format === 'date') return '2026-12-01'
        if (name === 'year' || schema.type === 'integer') return '2027'
        return 'x'
      })
      routes.push({ method: method.toUpperCase(), path, operationId: op.operationId ?? `${method.toUpperCase()} ${path}`, caseScoped, url })
    }
  }
  return routes
}

function classify(status: number, code: string | undefined): Outcome | 'error' {
  if (status >= 500) return 'error'
  if (status === 401) return 'unauthenticated'
  if (status === 404 && code === 'case-not-found') return 'hidden'
  if (status === 403) return 'forbidden'
  return 'allow'
}

async function seed(h: TestApp) {
  const own = await h.call(p.applicant, 'POST', '/v1/cases', clinicFilingApplication())
  const otherApplicant = { ...p.applicant, id: 'home-3', jurisdiction: '421221' }
  const other = await h.call(otherApplicant, 'POST', '/v1/cases', clinicFilingApplication({ jurisdiction: '421221' }))
  // A one-window application of the same applicant and county, for the application routes.
  const application = await h.call(p.applicant, 'POST', '/v1/one-window/applications', {
    jurisdiction: '421202', institution: { ...clinicFilingApplication().institution, adds: 'internalMedicalUnit', unitKind: 'clinic' }, materials: [],
  })
  return { caseA: own.json().id as string, caseB: other.json().id as string, application: application.json().id as string }
}

t.test('every route × role × jurisdiction × department answers as the rules say', async (t) => {
  const h = await buildTestApp(t)
  const { caseA, application } = await seed(h)
  t.equal((await h.call(p.applicant, 'GET', `/v1/cases/${caseA}`)).json().department, CASE_DEPARTMENT)
  t.match(application, /^[0-9a-f-]{36}$/, 'a one-window application is filed too')
  const routes = routesOf(h.app.swagger() as never, caseA, application)
  t.ok(routes.length >= 15, `${routes.length} routes found in the OpenAPI document`)
  const who = everyone()
  const tokens = new Map<string, string>()
  for (const w of who) if (w) tokens.set(w.label, await h.token(w))

  const unknown: string[] = []
  let checked = 0
  for (const route of routes) {
    const rule = RULES[route.operationId]
    if (!rule) unknown.push(`${route.method} ${route.path} (${route.operationId})`)
    const mismatches: string[] = []
    for (const w of who) {
      const res = await h.app.inject({ method: route.method as 'GET', url: route.url, headers: w ? { authorization: `Bearer ${tokens.get(w.label)}` } : {} })
      const code = res.headers['content-type']?.toString().includes('json') ? (res.json() as { code?: string }).code : undefined
      const got = classify(res.statusCode, code)
      checked++
      const label = w?.label ?? 'anonymous'
      if (!rule) {
        // No rule stated for this route: at least nobody outside the case's reach gets a 2xx on it.
        const outside = w && (w.role === 'applicant' ? w.id !== p.applicant.id : !CONTAINS_CASE[w.jurisdiction])
        if (route.caseScoped && (outside || !w) && res.statusCode < 300) mismatches.push(`${label}: ${res.statusCode} on a case outside its reach`)
        continue
      }
      const expected = rule(w)
      if (got === 'error') mismatches.push(`${label}: ${res.statusCode} ${code}`)
      else if (expected === 'public') {
        if (got === 'unauthenticated' || got === 'forbidden' || got === 'hidden') mismatches.push(`${label}: public route answered ${res.statusCode} ${code}`)
      } else if (expected !== got) mismatches.push(`${label}: expected ${expected}, got ${res.statusCode} ${code ?? ''}`)
    }
    t.same(mismatches, [], `${route.method} ${route.path}`)
  }
  t.ok(checked >= routes.length * who.length, `${checked} requests`)
  if (unknown.length) t.comment(`routes without an explicit rule in test/auth/matrix.test.ts (checked for jurisdiction isolation only):\n  ${unknown.join('\n  ')}`)
})

t.test('acceptance: an officer of county A neither sees nor acts on a case of county B; the city supervisor sees both', async (t) => {
  const h = await buildTestApp(t)
  const { caseA, caseB } = await seed(h)
  const officerA = p.officer // 421202, health
  t.equal((await h.call(officerA, 'GET', `/v1/cases/${caseA}`)).statusCode, 200, 'own county: seen')
  for (const url of [`/v1/cases/${caseB}`, `/v1/cases/${caseB}/history`]) {
    const res = await h.call(officerA, 'GET', url)
    t.equal(res.statusCode, 404, `GET ${url}`)
    t.equal(res.json().code, 'case-not-found')
  }
  const event = await h.call(officerA, 'POST', `/v1/cases/${caseB}/events`, { type: 'BEGIN_INTAKE_CHECK', payload: {} }, { 'if-match': '"1"' })
  t.equal(event.statusCode, 404, 'acting on the other county\'s case: 404, not 403')
  t.equal(event.json().code, 'case-not-found')
  t.notOk((await h.call(officerA, 'GET', '/v1/cases')).json().items.some((c: { id: string }) => c.id === caseB), 'not listed either')
  await t.rejects(h.engine.apply(caseB, { type: 'BEGIN_INTAKE_CHECK' }, { ...p.clerk }), { code: 'case-not-found' }, 'the engine refuses the same way')

  const supervisor = p.supervisor // 421200
  for (const id of [caseA, caseB]) t.equal((await h.call(supervisor, 'GET', `/v1/cases/${id}`)).statusCode, 200, `the city supervisor sees ${id}`)
  const listed = (await h.call(supervisor, 'GET', '/v1/cases')).json().items.map((c: { id: string }) => c.id)
  t.ok(listed.includes(caseA) && listed.includes(caseB), 'and lists both')
})

t.test('a case one sees but may not act on answers 403 with the reason', async (t) => {
  const h = await buildTestApp(t)
  const { caseA } = await seed(h)
  await send(h, p.clerk, caseA, 'BEGIN_INTAKE_CHECK')
  await send(h, p.clerk, caseA, 'ACCEPT')
  const civil = { ...p.officer, department: 'civilAffairs' }
  const seen = await h.call(civil, 'GET', `/v1/cases/${caseA}`)
  t.equal(seen.statusCode, 200, '民政 sees the 卫健 case of its county (parallel approval)')
  t.same(seen.json().allowedEvents, [], 'and is offered no event on it')
  t.ok((await h.call(p.officer, 'GET', `/v1/cases/${caseA}`)).json().allowedEvents.some((e: { type: string }) => e.type === 'BEGIN_REVIEW'), '卫健 is')
  const refused = await send(h, civil, caseA, 'BEGIN_REVIEW')
  t.equal(refused.statusCode, 403)
  t.match(refused.json(), { code: 'department-not-allowed', department: 'civilAffairs', caseDepartment: 'health' })
  const noDepartment = { id: 'officer-x', role: 'officer', jurisdiction: '421202' } satisfies Principal
  t.equal((await send(h, noDepartment, caseA, 'BEGIN_REVIEW')).json().code, 'department-not-allowed', 'a token without a department acts on no case')
  const wrongRole = await send(h, p.head, caseA, 'BEGIN_REVIEW')
  t.equal(wrongRole.statusCode, 403, 'own department, an event of another role')
  t.equal(wrongRole.json().code, 'role-not-allowed', 'the machine\'s own rule: BEGIN_REVIEW is an officer\'s')
})
