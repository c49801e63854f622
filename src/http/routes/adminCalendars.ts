/**
 * Calendar administration (role admin only): load a newly published State Council year, add or remove a local
 * override. Each answers with the recompute report: the open deadlines that moved, each recorded in its case's
 * history as DEADLINES_RECOMPUTED, and any case that failed (the calendar change stands; see docs/CALENDAR.md).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import type { Engine } from '../../engine/engine.ts'
import { systemClock, type Clock } from '../../engine/clock.ts'
import { requirePrincipal } from '../plugins/authenticate.ts'
import { requireCalendarAdmin } from '../../calendarStore/errors.ts'
import { addOverride, loadYear, recomputeForDate, removeOverride } from '../../calendarStore/admin.ts'
import { commonProblems, problemResponse } from '../schemas/problem.ts'
import { IsoDay, JurisdictionParam, YearParam } from './calendars.ts'

const security = [{ bearer: [] }]

const ClockChange = Type.Object({
  clock: Type.String(), kind: Type.String(), op: Type.String(),
  dueBefore: Type.Union([Type.String(), Type.Null()]), dueAfter: Type.Union([Type.String(), Type.Null()]), provisional: Type.Boolean(),
})

export const RecomputeReport = Type.Object({
  casesExamined: Type.Integer({ description: 'cases with an open clock the change could affect' }),
  casesChanged: Type.Integer({ description: 'cases whose deadlines moved; each has a DEADLINES_RECOMPUTED event in its history' }),
  casesUnchanged: Type.Integer(),
  changes: Type.Array(Type.Object({ caseId: Type.String(), jurisdiction: Type.String(), seq: Type.Integer({ description: 'the history event' }), clockChanges: Type.Array(ClockChange) })),
  failures: Type.Array(Type.Object({ caseId: Type.String(), jurisdiction: Type.String(), code: Type.String(), detail: Type.String() }), {
    description: 'cases that could not be recomputed; the calendar change stands. Recompute them again with POST …/recompute',
  }),
})

const OverrideView = Type.Object({
  jurisdiction: Type.String(), date: Type.String(), kind: Type.Union([Type.Literal('closed'), Type.Literal('open')]), name: Type.String(),
  createdAt: Type.String(), createdBy: Type.String(),
})

const OverrideResult = Type.Object({ override: OverrideView, report: RecomputeReport })

const OverrideBody = Type.Object({
  date: IsoDay('the day (YYYY-MM-DD)'),
  kind: Type.Union([Type.Literal('closed'), Type.Literal('open')], { description: 'closed: a local holiday or closure day; open: an extra working day' }),
  name: Type.String({ minLength: 1, maxLength: 200, description: 'what the day is, e.g. 服务大厅维修' }),
}, { additionalProperties: false })

const Labels = Type.Record(Type.String(), Type.String(), { description: 'date → chinese-days label "English,中文,N"' })
const YearBody = Type.Object({
  source: Type.String({ minLength: 3, maxLength: 500, description: 'where the arrangement comes from, e.g. the State Council notice 国办发明电〔2026〕x号' }),
  holidays: Labels,
  workdays: Labels,
  inLieuDays: Type.Optional(Labels),
}, { additionalProperties: false, description: 'the year file of chinese-days (dist/years/YYYY.json) plus `source`' })

const YearResult = Type.Object({
  year: Type.Integer(), source: Type.String(),
  replaced: Type.Union([Type.Literal('loaded'), Type.Literal('shipped'), Type.Null()], { description: 'an earlier load, the year shipped with chinese-days, or nothing' }),
  holidays: Type.Integer(), workdays: Type.Integer(), loadedAt: Type.String(), loadedBy: Type.String(),
  report: RecomputeReport,
})

const adminProblems = { ...commonProblems, 403: problemResponse('only role admin, for its own division or one below it, manages calendars; a year only a national admin (role-not-allowed, jurisdiction-not-allowed)') }

const adminCalendarRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database>; engine: Engine; clock?: Clock }> = async (app, { db, engine, clock = systemClock }) => {
  // Before validation: a caller who may not manage calendars learns that, not what is wrong with the body.
  app.addHook('preValidation', async (request) => {
    const { jurisdiction } = request.params as { jurisdiction?: string }
    requireCalendarAdmin(requirePrincipal(request), `${request.method} ${request.routeOptions.url ?? request.url}`, jurisdiction === undefined ? 'year' : { jurisdiction })
  })

  app.post('/v1/admin/calendars/:jurisdiction/overrides', {
    schema: {
      operationId: 'addCalendarOverride', tags: ['admin'], security,
      summary: 'Add a local closure or open day for a division (and those below it); recompute the open deadlines crossing it',
      params: Type.Object({ jurisdiction: JurisdictionParam }),
      body: OverrideBody,
      response: { 201: OverrideResult, ...adminProblems, 409: problemResponse('the division already has an override on that date (calendar-override-exists)') },
    },
  }, async (request, reply) => {
    const result = await addOverride(db, engine, { jurisdiction: request.params.jurisdiction, ...request.body }, requirePrincipal(request), { now: clock.now() })
    return reply.status(201).send(result)
  })

  app.delete('/v1/admin/calendars/:jurisdiction/overrides/:date', {
    schema: {
      operationId: 'removeCalendarOverride', tags: ['admin'], security,
      summary: 'Remove a division\'s local override; recompute the open deadlines crossing that date',
      params: Type.Object({ jurisdiction: JurisdictionParam, date: IsoDay('the day of the override') }),
      response: { 200: OverrideResult, ...adminProblems },
    },
  }, async (request) => removeOverride(db, engine, request.params, requirePrincipal(request), { now: clock.now() }))

  app.post('/v1/admin/calendars/:jurisdiction/recompute', {
    schema: {
      operationId: 'recomputeCalendarDeadlines', tags: ['admin'], security,
      summary: 'Recompute the open deadlines of a division crossing a date (repair after failures in a report)',
      params: Type.Object({ jurisdiction: JurisdictionParam }),
      body: Type.Object({ date: IsoDay('the changed day') }, { additionalProperties: false }),
      response: { 200: RecomputeReport, ...adminProblems },
    },
  }, async (request) => recomputeForDate(db, engine, { jurisdiction: request.params.jurisdiction, date: request.body.date }, requirePrincipal(request)))

  app.put('/v1/admin/calendar-years/:year', {
    schema: {
      operationId: 'loadCalendarYear', tags: ['admin'], security,
      summary: 'Load (or reload) the State Council arrangement of a year; recompute provisional deadlines and those reaching into it',
      params: Type.Object({ year: YearParam }),
      body: YearBody,
      response: {
        200: YearResult, ...adminProblems,
        422: problemResponse('the arrangement is inconsistent (calendar-arrangement-invalid), or the year is closed (calendar-year-closed)'),
      },
    },
  }, async (request) => {
    const { source, ...arrangement } = request.body
    return loadYear(db, engine, request.params.year, arrangement, source, requirePrincipal(request), { now: clock.now() })
  })
}
export default adminCalendarRoutes
