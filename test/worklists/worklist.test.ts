/**
 * Worklists through the HTTP API, on the database the suite runs on (PGlite or PostgreSQL): what waits on whom,
 * in which order, and who sees what (department, jurisdiction subtree, role).
 */
import t from 'tap'
import { buildTestApp, send, type TestApp } from '../helpers/app.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'
import { elderCareApplication, elderCareTestPolicies } from '../model/elderCareFiling.model.ts'
import type { Principal } from '../../src/auth/principal.ts'

type Item = { id: string; procedure: string; state: string; stateLabel: string; department: string; jurisdiction: string; assignee: string | null; dueOn: string | null; dueAt: string | null; colour: string | null; version: number }

const officer2: Principal = { id: 'officer-2', role: 'officer', jurisdiction: '421202', department: 'health' }
const cityOfficer: Principal = { id: 'officer-c', role: 'officer', jurisdiction: '421200', department: 'health' }
const civilClerk: Principal = { id: 'clerk-ca', role: 'clerk', jurisdiction: '421202', department: 'civilAffairs' }
const civilOfficer: Principal = { id: 'officer-ca', role: 'officer', jurisdiction: '421202', department: 'civilAffairs' }
const noDepartment: Principal = { id: 'officer-x', role: 'officer', jurisdiction: '421202' }

async function file(h: TestApp, body: object = clinicFilingApplication()): Promise<string> {
  const res = await h.call(p.applicant, 'POST', '/v1/cases', body)
  if (res.statusCode !== 201) throw new Error(`create failed ${res.statusCode} ${res.body}`)
  return res.json().id
}

async function ok(res: { statusCode: number; body: string }) {
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
  return res
}

/** A clinic filing accepted on `at` (decision limit: 10 working days from acceptance). */
async function accepted(h: TestApp, at: string, jurisdiction = '421202'): Promise<string> {
  h.clock.set(at)
  const id = await file(h, clinicFilingApplication({ jurisdiction }))
  const clerk = { ...p.clerk, jurisdiction }
  await ok(await send(h, clerk, id, 'BEGIN_INTAKE_CHECK'))
  await ok(await send(h, clerk, id, 'ACCEPT'))
  return id
}

async function worklist(h: TestApp, as: Principal, query = ''): Promise<Item[]> {
  const res = await h.call(as, 'GET', `/v1/worklist${query}`)
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json().items
}

t.test('contents and order: role, department, jurisdiction subtree; earliest due first, no running clock last', async (t) => {
  const h = await buildTestApp(t, { policies: elderCareTestPolicies() })
  const a = await accepted(h, '2026-03-02T10:00:00+08:00')
  const b = await accepted(h, '2026-03-04T10:00:00+08:00')
  const c = await accepted(h, '2026-03-03T10:00:00+08:00')
  const otherCounty = await accepted(h, '2026-03-05T11:00:00+08:00', '421221')
  // On-site check: the decision clock pauses, so no running deadline: last on the list.
  const paused = await accepted(h, '2026-03-02T11:00:00+08:00')
  await ok(await send(h, p.officer, paused, 'BEGIN_REVIEW'))
  await ok(await send(h, p.officer, paused, 'SCHEDULE_ONSITE_CHECK', { plannedOn: '2026-03-10', workingDaysNeeded: 3 }))
  h.clock.set('2026-03-05T09:00:00+08:00')
  const received = await file(h)
  const elder = await file(h, elderCareApplication())
  h.clock.set('2026-03-13T09:00:00+08:00')

  const mine = await worklist(h, p.officer)
  t.same(mine.map((i) => i.id), [a, c, b, paused], 'county health officer: accepted clinic filings of the county, earliest due first')
  t.match(mine[0], { procedure: 'clinicFiling', state: 'accepted', stateLabel: '已受理', department: 'health', jurisdiction: '421202', assignee: null, dueOn: '2026-03-16' })
  t.equal(mine[1]!.dueOn, '2026-03-17')
  t.equal(mine[2]!.dueOn, '2026-03-18')
  t.same([mine[3]!.state, mine[3]!.dueOn, mine[3]!.colour], ['onsiteCheck', null, null], 'paused clock: no due date, no colour')
  t.same(mine.slice(0, 3).map((i) => i.colour), ['yellow', 'yellow', 'yellow'], 'colours as on the case view (near due)')
  const view = (await h.call(p.officer, 'GET', `/v1/cases/${a}`)).json()
  t.equal(mine[0]!.colour, view.clocks.find((k: { status: string }) => k.status === 'running').colour, 'the same colour as the case view')

  t.same((await worklist(h, cityOfficer)).map((i) => i.id), [a, c, b, otherCounty, paused], 'city officer: the counties below too')
  t.same(await worklist(h, civilOfficer), [], 'civil affairs officer: no health cases')
  t.same(await worklist(h, noDepartment), [], 'an official without a department has no worklist')

  const window = await worklist(h, p.clerk)
  t.same(new Set(window.map((i) => i.id)), new Set([received, elder]), 'one-window clerk: every department\'s receipts')
  t.same((await worklist(h, civilClerk)).map((i) => i.id), [elder], 'civil affairs clerk: only their department')

  t.same((await worklist(h, p.officer, '?procedure=elderCareFiling')), [], 'filter by procedure')

  // Keyset pagination gives the same order, one at a time.
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const res = await h.call(cityOfficer, 'GET', `/v1/worklist?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
    t.equal(res.statusCode, 200)
    seen.push(...res.json().items.map((i: Item) => i.id))
    cursor = res.json().nextCursor
  } while (cursor)
  t.same(seen, [a, c, b, otherCounty, paused], 'pages follow the order, the undated ones at the end')
  const bad = await h.call(cityOfficer, 'GET', '/v1/worklist?cursor=bm9wZQ')
  t.equal(bad.json().code, 'invalid-cursor')

  for (const who of [p.applicant, p.supervisor]) {
    const res = await h.call(who, 'GET', '/v1/worklist')
    t.equal(res.statusCode, 403, `${who.role}: no worklist`)
    t.equal(res.json().code, 'role-not-allowed')
  }
})

t.test('claimed cases leave other officers\' worklists and stay on the holder\'s (mine=true)', async (t) => {
  const h = await buildTestApp(t)
  const a = await accepted(h, '2026-03-02T10:00:00+08:00')
  const b = await accepted(h, '2026-03-03T10:00:00+08:00')
  await ok(await h.call(p.officer, 'POST', `/v1/cases/${a}/claim`, { action: 'claim' }))
  t.same((await worklist(h, p.officer)).map((i) => [i.id, i.assignee]), [[a, 'officer-1'], [b, null]])
  t.same((await worklist(h, p.officer, '?mine=true')).map((i) => i.id), [a])
  t.same((await worklist(h, officer2)).map((i) => i.id), [b], 'held by another: not on my list')
  t.same(await worklist(h, officer2, '?mine=true'), [])
})
