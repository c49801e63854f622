/**
 * The public calendar routes on the real 2026 calendar shipped with chinese-days: the due date the portal shows
 * before filing (working days, natural days, months), a year's days off and make-up days, and bad queries.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { databaseName } from '../helpers/db.ts'
import { req } from './helpers.ts'

const due = (j: string, q: string) => `/v1/calendars/${j}/due-date?${q}`

t.test(`due date: table checks on the 2026 calendar, no token needed (${databaseName})`, async (t) => {
  const h = await buildTestApp(t)
  const cases: { q: string; due: string; provisional?: boolean; why: string }[] = [
    { q: 'from=2026-09-30&workingDays=5', due: '2026-10-13', why: '10-01..07 国庆 skipped; 10-08, 10-09, Saturday 10-10 (调休), 10-12, 10-13' },
    { q: 'from=2026-02-13&workingDays=3', due: '2026-02-25', why: 'Saturday 02-14 worked (调休), 春节 02-15..23 skipped, 02-24, 02-25' },
    { q: 'from=2026-03-02&workingDays=0', due: '2026-03-02', why: 'nothing counted' },
    { q: 'from=2026-12-28&workingDays=5', due: '2027-01-04', provisional: true, why: '2027 is not published: weekends only, provisional' },
    { q: 'from=2026-09-28&days=5', due: '2026-10-08', why: 'last day 10-03 is a holiday: moved to the first working day after it' },
    { q: 'from=2026-07-01&months=3', due: '2026-10-08', why: '10-01 is National Day: moved to 10-08' },
    { q: 'from=2026-01-31&months=1', due: '2026-02-28', why: 'no 02-31: the month\'s last day, itself a 调休 working Saturday' },
  ]
  for (const c of cases) {
    const res = await req(h, null, 'GET', due('421202', c.q))
    t.equal(res.statusCode, 200, `${c.q}: ${res.body.slice(0, 200)}`)
    const body = res.json()
    t.equal(body.due, c.due, `${c.q} → ${c.due} (${c.why})`)
    t.equal(body.provisional, c.provisional ?? false, `${c.q}: provisional ${c.provisional ?? false}`)
  }

  const national = (await req(h, null, 'GET', due('421202', 'from=2026-09-30&workingDays=5'))).json()
  t.equal(national.dueAt, '2026-10-13T16:00:00.000Z', 'due at the end of the last day in Asia/Shanghai')
  t.match(national, { jurisdiction: '421202', from: '2026-09-30', unit: 'workingDays', amount: 5 })
  t.ok(national.explanation.skipped.some((d: { date: string; reason: string; name?: string }) => d.date === '2026-10-01' && d.reason === 'holiday' && d.name === '国庆节'), 'National Day is named')
  t.ok(national.explanation.worked.some((d: { date: string; reason: string }) => d.date === '2026-10-10' && d.reason === 'makeUpWorkday'), 'the make-up Saturday counted')
  t.match(national.explanation.rules, [/行政许可法》第八十二条/, /民法典》第二百零一条/])

  const provisional = (await req(h, null, 'GET', due('421202', 'from=2026-12-28&workingDays=5'))).json()
  t.same(provisional.explanation.uncoveredYears, [2027], 'the unpublished year is named')
  const days = (await req(h, null, 'GET', due('421202', 'from=2026-09-28&days=5'))).json()
  t.equal(days.explanation.nominalDue, '2026-10-03', 'the unmoved last day is kept')
})

t.test(`due date: bad queries are 400 naming the field (${databaseName})`, async (t) => {
  const h = await buildTestApp(t)
  const bad: { q: string; field: string; j?: string }[] = [
    { q: 'from=2026-09-30', field: '/querystring/workingDays' },
    { q: 'from=2026-09-30&workingDays=5&days=3', field: '/querystring/days' },
    { q: 'from=2026-09-30&months=1&days=3&workingDays=2', field: '/querystring/days' },
    { q: 'from=2026-02-30&workingDays=5', field: '/querystring/from' },
    { q: 'from=30.09.2026&workingDays=5', field: '/querystring/from' },
    { q: 'workingDays=5', field: '/querystring/from' },
    { q: 'from=2026-09-30&workingDays=-1', field: '/querystring/workingDays' },
    { q: 'from=2026-09-30&workingDays=five', field: '/querystring/workingDays' },
    { q: 'from=2026-09-30&workingDays=1.5', field: '/querystring/workingDays' },
    { q: 'from=2026-09-30&workingdays=5', field: '/querystring/workingdays' },
    { q: 'from=2026-09-30&workingDays=5', field: '/params/jurisdiction', j: '42120' },
  ]
  for (const b of bad) {
    const res = await req(h, null, 'GET', due(b.j ?? '421202', b.q))
    t.equal(res.statusCode, 400, `${b.j ?? ''} ${b.q} → 400`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    const body = res.json()
    t.equal(body.code, 'invalid-request')
    t.ok(body.errors.some((e: { name: string }) => e.name === b.field), `${b.q}: names ${b.field} (${JSON.stringify(body.errors)})`)
  }
})

t.test(`year listing: 2026 as published, 2027 not published (${databaseName})`, async (t) => {
  const h = await buildTestApp(t)
  const res = await req(h, null, 'GET', '/v1/calendars/421202/2026')
  t.equal(res.statusCode, 200, res.body.slice(0, 200))
  const y = res.json()
  t.match(y, { jurisdiction: '421202', year: 2026, published: true, source: 'chinese-days 1.5.7', loadedAt: null, loadedBy: null })
  t.equal(y.daysOff.length, 33, 'every holiday day of the 2026 notice (blocks include weekends inside them)')
  t.same(y.daysOff.filter((d: { date: string }) => d.date.startsWith('2026-10')).map((d: { date: string }) => d.date),
    ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'])
  t.match(y.daysOff.find((d: { date: string }) => d.date === '2026-02-17'), { reason: 'holiday', name: '春节' })
  t.same(y.workedDays.map((d: { date: string }) => d.date), ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'], 'the six 调休 make-up days')
  t.match(y.workedDays[5], { date: '2026-10-10', reason: 'makeUpWorkday', name: '国庆节' })
  t.notOk(y.daysOff.some((d: { date: string }) => d.date === '2026-03-07'), 'ordinary weekends are not listed')
  t.same(y.overrides, [])
  t.match(y.notes, [/29–31 December 2026 may still be re-arranged by the 2027 notice/])

  const next = (await req(h, null, 'GET', '/v1/calendars/421202/2027')).json()
  t.match(next, { year: 2027, published: false, source: null, daysOff: [], workedDays: [], overrides: [] })
  t.match(next.notes, [/not loaded: deadlines reaching into 2027 are counted on weekends only and marked provisional/])

  t.equal((await req(h, null, 'GET', '/v1/calendars/421202/1999')).statusCode, 400, 'a year outside 2000–2100')
  t.equal((await req(h, null, 'GET', '/v1/calendars/421202/20x6')).statusCode, 400, 'not a year')
  t.equal((await req(h, null, 'GET', '/v1/calendars/4212020/2026')).statusCode, 400, 'seven digits')
})
