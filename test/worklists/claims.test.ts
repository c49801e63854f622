/**
 * Claim, release and reassignment through the HTTP API (PGlite or PostgreSQL): each is an event in the case's
 * history; a held case refuses other officers with 409 naming the holder; heads, the system and applicants are
 * not blocked; a claim lapses when the case stops waiting on the holder.
 */
import t from 'tap'
import { buildTestApp, send, type TestApp } from '../helpers/app.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'
import type { Principal } from '../../src/auth/principal.ts'

const officer2: Principal = { id: 'officer-2', role: 'officer', jurisdiction: '421202', department: 'health' }
const civilOfficer: Principal = { id: 'officer-ca', role: 'officer', jurisdiction: '421202', department: 'civilAffairs' }
const civilHead: Principal = { id: 'head-ca', role: 'head', jurisdiction: '421202', department: 'civilAffairs' }
const clerk2: Principal = { id: 'clerk-2', role: 'clerk', jurisdiction: '421202', department: 'serviceCentre' }

type Res = { statusCode: number; body: string; headers: Record<string, unknown>; json(): any }

async function file(h: TestApp): Promise<string> {
  const res = await h.call(p.applicant, 'POST', '/v1/cases', clinicFilingApplication())
  if (res.statusCode !== 201) throw new Error(`create failed ${res.statusCode} ${res.body}`)
  return res.json().id
}

async function accepted(h: TestApp): Promise<string> {
  const id = await file(h)
  for (const type of ['BEGIN_INTAKE_CHECK', 'ACCEPT']) {
    const res = await send(h, p.clerk, id, type)
    if (res.statusCode !== 200) throw new Error(`${type}: ${res.statusCode} ${res.body}`)
  }
  return id
}

const claim = (h: TestApp, as: Principal, id: string, body: object = { action: 'claim' }, headers: Record<string, string> = {}) =>
  h.call(as, 'POST', `/v1/cases/${id}/claim`, body, headers) as Promise<Res>

async function history(h: TestApp, id: string) {
  return (await h.call(p.officer, 'GET', `/v1/cases/${id}/history`)).json().events as { seq: number; type: string; actorId: string; stateBefore: string; stateAfter: string; payload: any }[]
}

t.test('claim: recorded in history, version bumped, state unchanged; another officer gets 409 naming the holder', async (t) => {
  const h = await buildTestApp(t)
  const id = await accepted(h)
  const res = await claim(h, p.officer, id, { action: 'claim', reason: '本人承办' })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  t.match(res.json(), { state: 'accepted', version: 4, assignee: 'officer-1', assigneeRole: 'officer', claimedAt: '2026-03-02T01:00:00.000Z' })
  t.equal(res.headers.etag, '"4"')
  const last = (await history(h, id)).at(-1)!
  t.match(last, { seq: 4, type: 'CASE_CLAIMED', actorId: 'officer-1', stateBefore: 'accepted', stateAfter: 'accepted' })
  t.same(last.payload, { holder: 'officer-1', holderRole: 'officer', previousHolder: null, reason: '本人承办' })

  const again = await claim(h, p.officer, id)
  t.equal(again.statusCode, 200, 'claiming what one holds changes nothing')
  t.equal(again.json().version, 4, 'no new history row')

  const other = await claim(h, officer2, id)
  t.equal(other.statusCode, 409)
  t.match(other.json(), { code: 'case-claimed', holder: 'officer-1', holderRole: 'officer', claimedAt: '2026-03-02T01:00:00.000Z' })
  t.match(other.json().detail, /held by officer-1/)

  const act = await send(h, officer2, id, 'BEGIN_REVIEW')
  t.equal(act.statusCode, 409, 'another officer may not act on the held case')
  t.match(act.json(), { code: 'case-claimed', holder: 'officer-1' })
  t.equal((await h.call(p.officer, 'GET', `/v1/cases/${id}`)).json().version, 4, 'nothing written')

  // The head signs and extends: never blocked by a claim.
  const extend = await send(h, p.head, id, 'EXTEND_DECISION_LIMIT', { workingDays: 5, reason: '需会同民政部门核实' })
  t.equal(extend.statusCode, 200, extend.body.slice(0, 300))
  t.equal(extend.json().assignee, 'officer-1', 'the holder keeps the case')
  // The applicant is never blocked either.
  const withdraw = await send(h, p.applicant, id, 'WITHDRAW', {})
  t.equal(withdraw.statusCode, 200, withdraw.body.slice(0, 300))
  t.match(withdraw.json(), { status: 'done', assignee: null }, 'a closed case is held by nobody')
  t.match((await history(h, id)).at(-1)!.payload, { claimLapsed: { previousHolder: 'officer-1' } })
})

t.test('the holder acts; the claim lasts while the case waits on the holder or the applicant, and lapses after', async (t) => {
  const h = await buildTestApp(t)
  // The window clerk claims at receipt; a supplement request keeps the claim (the case comes back to the window).
  const id = await file(h)
  t.equal((await claim(h, p.clerk, id)).statusCode, 200)
  t.match((await send(h, clerk2, id, 'BEGIN_INTAKE_CHECK')).json(), { code: 'case-claimed', holder: 'clerk-1' })
  t.equal((await send(h, p.clerk, id, 'BEGIN_INTAKE_CHECK')).statusCode, 200)
  const accept = await send(h, p.clerk, id, 'ACCEPT')
  t.equal(accept.statusCode, 200)
  t.equal(accept.json().assignee, null, 'accepted waits on officers: the clerk\'s claim lapses')
  t.match((await history(h, id)).at(-1)!, { type: 'ACCEPT', payload: { claimLapsed: { previousHolder: 'clerk-1', reason: /no longer waits on clerk/ } } })

  t.equal((await claim(h, officer2, id)).statusCode, 200)
  t.equal((await send(h, officer2, id, 'BEGIN_REVIEW')).json().assignee, 'officer-2', 'review waits on officers: kept')
  const correction = await send(h, officer2, id, 'REQUEST_CORRECTION', { items: [{ item: 'floorPlan', reason: '平面图不清晰' }] })
  t.match(correction.json(), { state: 'correctionRequested', assignee: 'officer-2' }, 'waiting on the applicant: the holder keeps it for when it comes back')
  const corrected = await send(h, p.applicant, id, 'SUBMIT_CORRECTION', { materials: [{ item: 'floorPlan', documentRef: 'doc-floorPlan-2' }] })
  t.match(corrected.json(), { state: 'review', assignee: 'officer-2' }, 'the applicant is not blocked; the case is back with its holder')
  const filed = await send(h, officer2, id, 'FILE', { scope: '内科' })
  t.equal(filed.statusCode, 200, filed.body.slice(0, 300))
  t.match(filed.json(), { state: 'filed.supervised', assignee: null }, 'supervision waits on supervisors: the claim lapses')
})

t.test('release by the holder or a head; not by another officer; nothing to release → 409', async (t) => {
  const h = await buildTestApp(t)
  const id = await accepted(h)
  t.equal((await claim(h, p.officer, id)).statusCode, 200)
  const byOther = await claim(h, officer2, id, { action: 'release' })
  t.equal(byOther.statusCode, 409)
  t.match(byOther.json(), { code: 'case-claimed', holder: 'officer-1' })
  const released = await claim(h, p.officer, id, { action: 'release', reason: '转他人承办' })
  t.equal(released.statusCode, 200)
  t.match(released.json(), { assignee: null, assigneeRole: null, claimedAt: null })
  t.same((await history(h, id)).at(-1)!.payload, { holder: null, holderRole: null, previousHolder: 'officer-1', reason: '转他人承办' })
  const nothing = await claim(h, p.officer, id, { action: 'release' })
  t.equal(nothing.statusCode, 409)
  t.equal(nothing.json().code, 'case-not-claimed')

  t.equal((await claim(h, officer2, id)).statusCode, 200)
  t.equal((await claim(h, civilHead, id, { action: 'release' })).json().code, 'case-claimed', 'a head of another department may not release')
  const byHead = await claim(h, p.head, id, { action: 'release' })
  t.equal(byHead.statusCode, 200)
  t.equal(byHead.json().assignee, null)
  t.match((await history(h, id)).at(-1)!, { type: 'CASE_RELEASED', actorId: 'head-1', payload: { previousHolder: 'officer-2' } })
})

t.test('reassignment by a head of the department names the new holder', async (t) => {
  const h = await buildTestApp(t)
  const id = await accepted(h)
  t.equal((await claim(h, p.officer, id)).statusCode, 200)
  const byOfficer = await claim(h, p.officer, id, { action: 'reassign', to: 'officer-2' })
  t.equal(byOfficer.statusCode, 403)
  t.equal(byOfficer.json().code, 'role-not-allowed')
  t.equal((await claim(h, civilHead, id, { action: 'reassign', to: 'officer-2' })).json().code, 'department-mismatch')
  const noTarget = await claim(h, p.head, id, { action: 'reassign' })
  t.equal(noTarget.statusCode, 400)
  t.match(noTarget.json().errors, [{ name: '/body/to' }])

  const moved = await claim(h, p.head, id, { action: 'reassign', to: 'officer-2', reason: '工作调整' })
  t.equal(moved.statusCode, 200, moved.body.slice(0, 300))
  t.match(moved.json(), { assignee: 'officer-2', assigneeRole: 'officer' })
  t.same((await history(h, id)).at(-1)!.payload, { holder: 'officer-2', holderRole: 'officer', previousHolder: 'officer-1', reason: '工作调整' })
  t.match((await send(h, p.officer, id, 'BEGIN_REVIEW')).json(), { code: 'case-claimed', holder: 'officer-2' }, 'the former holder is now refused')
  t.equal((await send(h, officer2, id, 'BEGIN_REVIEW')).statusCode, 200, 'the new holder acts')
})

t.test('who may claim: role, department, the state waiting on the role; If-Match', async (t) => {
  const h = await buildTestApp(t)
  const id = await accepted(h)
  const clerk = await claim(h, p.clerk, id)
  t.equal(clerk.statusCode, 422, 'accepted waits on officers, not clerks')
  t.match(clerk.json(), { code: 'case-not-waiting-on-role', state: 'accepted', waitingOn: ['officer'] })
  t.match((await claim(h, civilOfficer, id)).json(), { code: 'department-mismatch', department: 'health' })
  t.equal((await claim(h, p.applicant, id)).json().code, 'role-not-allowed', 'applicants hold nothing')
  t.equal((await claim(h, p.supervisor, id)).json().code, 'role-not-allowed')
  const otherCounty = await claim(h, { ...p.officer, jurisdiction: '421221' }, id)
  t.equal(otherCounty.statusCode, 404, 'outside the jurisdiction subtree: not found')
  t.equal((await claim(h, p.officer, id, { action: 'steal' })).statusCode, 400)

  const stale = await claim(h, p.officer, id, { action: 'claim' }, { 'if-match': '"2"' })
  t.equal(stale.statusCode, 409)
  t.equal(stale.json().code, 'stale-version')
  t.equal((await claim(h, p.officer, id, { action: 'claim' }, { 'if-match': 'x' })).statusCode, 412)
  t.equal((await claim(h, p.officer, id, { action: 'claim' }, { 'if-match': '"3"' })).statusCode, 200)
  const late = await claim(h, officer2, id, { action: 'claim' }, { 'if-match': '"3"' })
  t.match(late.json(), { code: 'case-claimed', holder: 'officer-1' }, 'deciding on the version before the claim: told who holds it')
})
