/**
 * The working calendar, public (no token): the portal shows the expected due date before filing, and anyone can
 * check which days a jurisdiction does not count (《行政许可法》 第八十二条: 「以工作日计算，不含法定节假日」).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { isIsoDate } from '../../calendar/shanghai.ts'
import type { DeadlineUnit } from '../../calendar/deadline.ts'
import { dueDate, yearListing } from '../../calendarStore/read.ts'
import { invalidCalendarRequest } from '../../calendarStore/errors.ts'
import type { FieldError } from '../../engine/errors.ts'
import { problemResponse } from '../schemas/problem.ts'

export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$'
export const IsoDay = (description: string) => Type.String({ pattern: DATE_PATTERN, format: 'date', description })
export const JurisdictionParam = Type.String({ pattern: '^[0-9]{6}$', description: 'GB/T 2260 code of the division, e.g. 421202 (county), 421200 (city)' })
export const YearParam = Type.Integer({ minimum: 2000, maximum: 2100, description: 'calendar year' })

const DayReason = Type.Union(['workday', 'weekend', 'holiday', 'makeUpWorkday', 'localClosure', 'localOpen'].map((r) => Type.Literal(r)))

const Explanation = Type.Object({
  unit: Type.Union([Type.Literal('workingDays'), Type.Literal('days'), Type.Literal('months')]),
  amount: Type.Integer(),
  from: Type.String({ description: 'the day of the act (not counted)' }),
  countedFrom: Type.String({ description: 'the first day counted' }),
  skipped: Type.Array(Type.Object({ date: Type.String(), reason: DayReason, name: Type.Optional(Type.String()) }), { description: 'days not counted: weekends, holidays (named), local closures' }),
  worked: Type.Array(Type.Object({ date: Type.String(), name: Type.String(), reason: DayReason }), { description: '调休 make-up days and local open days that were counted' }),
  uncoveredYears: Type.Array(Type.Integer(), { description: 'years without a published arrangement: days there were judged by weekday only' }),
  nominalDue: Type.Optional(Type.String({ description: 'the last day before 《民法典》 第二百零三条 moved it past a day off' })),
  rules: Type.Array(Type.String(), { description: 'the legal rules applied, in words' }),
})

const DueDateView = Type.Object({
  jurisdiction: Type.String(),
  from: Type.String(),
  unit: Type.Union([Type.Literal('workingDays'), Type.Literal('days'), Type.Literal('months')]),
  amount: Type.Integer(),
  due: Type.String({ description: 'the last day of the period (YYYY-MM-DD)' }),
  dueAt: Type.String({ format: 'date-time', description: 'the end of that day in Asia/Shanghai: an act before this instant is in time' }),
  provisional: Type.Boolean({ description: 'true when a day examined lies in a year whose State Council arrangement is not published yet: the date may still move' }),
  explanation: Explanation,
})

const DueDateQuery = Type.Object({
  from: IsoDay('the day of the act (receipt, acceptance …), not counted; YYYY-MM-DD in Asia/Shanghai'),
  workingDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: '工作日 (《行政许可法》 第八十二条)' })),
  days: Type.Optional(Type.Integer({ minimum: 0, maximum: 3660, description: '日 (natural days; a last day off moves to the next working day)' })),
  months: Type.Optional(Type.Integer({ minimum: 0, maximum: 120, description: '个月 (《民法典》 第二百零二条)' })),
}, { additionalProperties: false, description: 'give `from` and exactly one of workingDays, days, months' })

const ListedDay = Type.Object({
  date: Type.String(), reason: DayReason, name: Type.String(),
  jurisdiction: Type.Optional(Type.String({ description: 'the division whose local override decides the day' })),
})

const YearView = Type.Object({
  jurisdiction: Type.String(),
  year: Type.Integer(),
  published: Type.Boolean({ description: 'whether the State Council arrangement of the year is known (shipped or loaded)' }),
  source: Type.Union([Type.String(), Type.Null()], { description: '"chinese-days 1.5.7", or the notice given when an administrator loaded the year' }),
  loadedAt: Type.Union([Type.String(), Type.Null()]),
  loadedBy: Type.Union([Type.String(), Type.Null()]),
  daysOff: Type.Array(ListedDay, { description: 'official holidays (named) and local closures; ordinary weekends are not listed' }),
  workedDays: Type.Array(ListedDay, { description: '调休 make-up working days and local open days' }),
  overrides: Type.Array(Type.Object({
    jurisdiction: Type.String(), date: Type.String(), kind: Type.Union([Type.Literal('closed'), Type.Literal('open')]), name: Type.String(),
    createdAt: Type.String(), createdBy: Type.String(),
    effective: Type.Boolean({ description: 'false when a nearer division has its own override that day' }),
  }), { description: 'local overrides of this division and those above it' }),
  notes: Type.Array(Type.String()),
})

const UNITS: readonly DeadlineUnit[] = ['workingDays', 'days', 'months']

const calendarRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database> }> = async (app, { db }) => {
  app.get('/v1/calendars/:jurisdiction/due-date', {
    schema: {
      operationId: 'computeDueDate', tags: ['calendars'],
      summary: 'The expected due date of a period counted from a day, on the jurisdiction\'s calendar (no token needed)',
      params: Type.Object({ jurisdiction: JurisdictionParam }),
      querystring: DueDateQuery,
      response: { 200: DueDateView, 400: problemResponse('bad query: `errors` names each field (exactly one of workingDays, days, months)') },
    },
  }, async (request) => {
    const { jurisdiction } = request.params
    const q = request.query
    const errors: FieldError[] = []
    if (!isIsoDate(q.from)) errors.push({ name: '/querystring/from', code: 'format', reason: `must be a real date written YYYY-MM-DD, got ${JSON.stringify(q.from)}` })
    const given = UNITS.filter((u) => q[u] !== undefined)
    if (given.length === 0) errors.push({ name: '/querystring/workingDays', code: 'required', reason: 'give one of workingDays, days or months' })
    for (const u of given.slice(1)) errors.push({ name: `/querystring/${u}`, code: 'oneOf', reason: `give only one of workingDays, days or months (got ${given.join(' and ')})` })
    if (errors.length) throw invalidCalendarRequest(errors)
    const unit = given[0]!
    const amount = q[unit]!
    const d = await dueDate(db, jurisdiction, q.from, unit, amount)
    return {
      jurisdiction, from: q.from, unit, amount, due: d.due, dueAt: d.dueAt.toISOString(), provisional: d.provisional,
      explanation: { ...d.explanation, skipped: [...d.explanation.skipped], worked: [...d.explanation.worked], uncoveredYears: [...d.explanation.uncoveredYears], rules: [...d.explanation.rules] },
    }
  })

  app.get('/v1/calendars/:jurisdiction/:year', {
    schema: {
      operationId: 'getCalendarYear', tags: ['calendars'],
      summary: 'A year of the jurisdiction\'s calendar: holidays, 调休 make-up days, local closures and open days (no token needed)',
      params: Type.Object({ jurisdiction: JurisdictionParam, year: YearParam }),
      response: { 200: YearView, 400: problemResponse('bad jurisdiction or year: `errors` names the field') },
    },
  }, async (request) => yearListing(db, request.params.jurisdiction, request.params.year))
}
export default calendarRoutes
