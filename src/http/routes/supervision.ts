/**
 * Supervision (docs/SUPERVISION.md): overdue and near-due running clocks in due order, and statistics per county and
 * department, for supervisors and admins within their division and below. JSON pages, or the whole list as CSV
 * (`?format=csv` or `Accept: text/csv`).
 */
import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import type { Clock } from '../../engine/clock.ts'
import { commonProblems } from '../schemas/problem.ts'
import { requirePrincipal } from '../plugins/authenticate.ts'
import { enforce } from '../../auth/authorize.ts'
import { DEPARTMENTS } from '../../policy/keys.ts'
import { shanghaiDate } from '../../calendar/shanghai.ts'
import { csvLine, foldSupervisionDeltas, readList, readStats, type ListKind, type SupervisionFilter } from '../../supervision/queries.ts'

const security = [{ bearer: [] }]
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()])

const filterProps = {
  jurisdiction: Type.Optional(Type.String({ pattern: '^[0-9]{6}$', description: 'a division in the caller\'s subtree (GB/T 2260); its subtree is listed. Default: the caller\'s division' })),
  department: Type.Optional(Type.Union(DEPARTMENTS.map((d) => Type.Literal(d)))),
  procedure: Type.Optional(Type.String({ pattern: '^[A-Za-z]{1,64}$' })),
  kind: Type.Optional(Type.Union([Type.Literal('statutory'), Type.Literal('promised')], { description: 'statutory (法定时限) or promised (承诺时限); default both' })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { description: 'csv: the whole list (cursor and limit ignored), UTF-8 with BOM, RFC 4180' })),
}

export const SupervisionListQuery = Type.Object(filterProps, { additionalProperties: false })
export const SupervisionStatsQuery = Type.Object({
  ...filterProps,
  from: Type.Optional(Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'first month of completion (YYYY-MM); default 11 months before this month' })),
  to: Type.Optional(Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'last month of completion (YYYY-MM); default this month (Beijing)' })),
}, { additionalProperties: false })

export const SupervisionItem = Type.Object({
  clockId: Type.String(),
  caseId: Type.String({ format: 'uuid' }),
  procedure: Type.String(),
  state: Type.String(),
  department: Type.String(),
  jurisdiction: Type.String(),
  clock: Type.String(),
  kind: Type.Union([Type.Literal('statutory'), Type.Literal('promised')]),
  dueOn: Nullable(Type.String()),
  dueAt: Type.String({ format: 'date-time', description: 'the clock is red from this instant' }),
  nearDueAt: Nullable(Type.String({ format: 'date-time', description: 'the clock is yellow from this instant' })),
  institutionName: Nullable(Type.String()),
})
export const SupervisionList = Type.Object({
  items: Type.Array(SupervisionItem),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as ?cursor= for the next page; null at the end' }),
})
const Num = Type.Union([Type.Number(), Type.Null()])
export const SupervisionStats = Type.Object({
  groups: Type.Array(Type.Object({
    jurisdiction: Type.String(),
    department: Type.String(),
    open: Type.Integer({ description: 'clocks running or paused' }),
    nearDue: Type.Integer(),
    overdue: Type.Integer(),
    months: Type.Array(Type.Object({
      month: Type.String(),
      concluded: Type.Integer(),
      onTime: Type.Integer(),
      onTimeRate: Num,
      medianWorkingDays: Num,
      p90WorkingDays: Num,
    })),
  })),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})

const csvProduces = { description: 'the list as CSV when ?format=csv or Accept: text/csv' }

function wantsCsv(request: FastifyRequest, format: string | undefined): boolean {
  if (format) return format === 'csv'
  return /\btext\/csv\b/.test(String(request.headers.accept ?? ''))
}

function monthShift(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const i = y * 12 + (m - 1) + n
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`
}

const supervisionRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database>; clock: Clock }> = async (app, { db, clock }) => {
  const scopeOf = (request: FastifyRequest, q: { jurisdiction?: string | undefined; department?: string | undefined; procedure?: string | undefined; kind?: 'statutory' | 'promised' | undefined }): SupervisionFilter => {
    const principal = requirePrincipal(request)
    const jurisdiction = q.jurisdiction ?? principal.jurisdiction
    enforce(principal, 'supervision.read', { jurisdiction })
    return { jurisdiction, department: q.department, procedure: q.procedure, kind: q.kind }
  }

  for (const [path, kind, operationId, summary] of [
    ['/v1/supervision/overdue', 'overdue', 'listOverdue', 'Running clocks past their due instant (red), earliest first'],
    ['/v1/supervision/near-due', 'nearDue', 'listNearDue', 'Running clocks within their near-due window (yellow), earliest first'],
  ] as const) {
    app.get(path, {
      config: { access: { action: 'supervision.read' }, audit: { action: 'supervision.read' } },
      schema: {
        operationId, tags: ['supervision'], security, summary, querystring: SupervisionListQuery,
        response: { 200: { ...SupervisionList, ...csvProduces }, ...commonProblems },
      },
    }, async (request, reply) => {
      const q = request.query
      const filter = scopeOf(request, q)
      const now = clock.now()
      if (wantsCsv(request, q.format)) {
        async function* rows() {
          yield '\uFEFF' + csvLine(['case_id', 'procedure', 'state', 'department', 'jurisdiction', 'clock', 'kind', 'due_on', 'due_at', 'near_due_at', 'institution_name'])
          let cursor: string | undefined
          do {
            const page = await readList(db, kind, filter, now, 1000, cursor)
            yield page.items.map((i) => csvLine([i.caseId, i.procedure, i.state, i.department, i.jurisdiction, i.clock, i.kind, i.dueOn, i.dueAt, i.nearDueAt, i.institutionName])).join('')
            cursor = page.nextCursor ?? undefined
          } while (cursor)
        }
        return reply.header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${kind === 'overdue' ? 'overdue' : 'near-due'}.csv"`)
          .send(Readable.from(rows()))
      }
      const page = await readList(db, kind, filter, now, q.limit ?? 50, q.cursor)
      request.auditCaseIds = [...new Set(page.items.map((i) => i.caseId))]
      return page
    })
  }

  app.get('/v1/supervision/stats', {
    config: { access: { action: 'supervision.read' }, audit: { action: 'supervision.read' } },
    schema: {
      operationId: 'getSupervisionStats', tags: ['supervision'], security,
      summary: 'Per county and department: open, near-due and overdue clocks; per month of completion: concluded, on-time rate, median and p90 working days',
      querystring: SupervisionStatsQuery,
      response: { 200: { ...SupervisionStats, ...csvProduces }, ...commonProblems },
    },
  }, async (request, reply) => {
    const q = request.query
    const filter = scopeOf(request, q)
    const month = shanghaiDate(clock.now()).slice(0, 7)
    const stats = { ...filter, from: q.from ?? monthShift(month, -11), to: q.to ?? month }
    // Keep the folded tables small; reads are exact either way (folded + unfolded deltas).
    await foldSupervisionDeltas(db)
    if (wantsCsv(request, q.format)) {
      async function* rows() {
        yield '\uFEFF' + csvLine(['jurisdiction', 'department', 'open', 'near_due', 'overdue', 'month', 'concluded', 'on_time', 'on_time_rate', 'median_working_days', 'p90_working_days'])
        let cursor: string | undefined
        do {
          const page = await readStats(db, stats, 500, cursor)
          for (const g of page.groups) {
            const months = g.months.length ? g.months : [null]
            yield months.map((m) => csvLine([g.jurisdiction, g.department, g.open, g.nearDue, g.overdue, m?.month ?? null, m?.concluded ?? null, m?.onTime ?? null,
              m?.onTimeRate ?? null, m?.medianWorkingDays ?? null, m?.p90WorkingDays ?? null])).join('')
          }
          cursor = page.nextCursor ?? undefined
        } while (cursor)
      }
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="supervision-stats.csv"')
        .send(Readable.from(rows()))
    }
    return readStats(db, stats, q.limit ?? 50, q.cursor)
  })
}
export default supervisionRoutes
