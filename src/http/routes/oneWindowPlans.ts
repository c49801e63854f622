/**
 * POST /v1/one-window/plans — the one-time notice (一次性告知书) for an institution in a division, before anything is
 * filed: JSON (default), printable HTML or PDF, chosen by `?format=` or the Accept header; Chinese as the window
 * issues it, or English (`language: "en"`). Any authenticated role. Reads the policy and the calendar; writes nothing.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { systemClock, type Clock } from '../../engine/clock.ts'
import { shanghaiDate } from '../../calendar/shanghai.ts'
import { DomainError } from '../../engine/errors.ts'
import { requirePrincipal } from '../plugins/authenticate.ts'
import { createDatabasePolicyStore, type DatabasePolicyStore } from '../../policy/dbStore.ts'
import { policyNotFound } from '../../policy/admin.ts'
import { PATHS, PROCEDURES, ProfileInvalid, type InstitutionProfile } from '../../policy/decide.ts'
import { PolicyValueMissing } from '../../policy/resolve.ts'
import { DEPARTMENTS, LIMIT_UNITS } from '../../policy/keys.ts'
import { findDivision } from '../../divisions/index.ts'
import { planFor, PolicyNotInForce } from '../../oneWindow/load.ts'
import { renderNoticeHtml, renderNoticePdf, type Language } from '../../oneWindow/render.ts'
import { commonProblems, problemResponse } from '../schemas/problem.ts'
import { JurisdictionParam } from './calendars.ts'
import { Explanation, OneWindowView, Profile } from './policies.ts'

const security = [{ bearer: [] }]
const literals = (values: readonly string[], description?: string) => Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {})
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Day = Type.String({ description: 'YYYY-MM-DD (Asia/Shanghai)' })

const Department = Type.Object({
  code: literals(DEPARTMENTS), nameZh: Type.String(), name: Type.String(),
  source: Type.String({ description: 'the policy value that names it, or DOMAIN.md §2.12' }),
})
const Step = Type.Object({ state: Type.String({ description: 'machine state id' }), labelZh: Type.String(), description: Type.String(), source: Nullable(Type.String()) })
const Condition = Type.Object({ textZh: Type.String(), text: Type.String(), source: Type.String() })
const LimitAmount = Type.Object({ amount: Type.Integer(), unit: literals(LIMIT_UNITS), source: Type.String() })
const Limit = Type.Object({
  key: Type.String({ description: 'policy key base: <key>.statutory / <key>.promised' }),
  titleZh: Type.String(), title: Type.String(),
  statutory: Nullable(LimitAmount), promised: Nullable(LimitAmount),
  bindsOn: literals(['department', 'applicant']),
  counted: Type.Boolean({ description: 'counted in the expected completion date' }),
})
const CalendarExplanation = Type.Object({
  from: Day, countedFrom: Day, due: Day,
  weekendDaysSkipped: Type.Integer(),
  holidaysSkipped: Type.Array(Type.Object({ date: Day, name: Type.String() })),
  workedDays: Type.Array(Type.Object({ date: Day, name: Type.String() }), { description: '调休 make-up working days counted' }),
  nominalDue: Type.Optional(Day),
  uncoveredYears: Type.Array(Type.Integer()),
  rules: Type.Array(Type.String()),
})
const Stage = Type.Object({
  key: Type.String(), titleZh: Type.String(), title: Type.String(),
  basis: literals(['promised', 'statutory'], 'the promised limit (承诺时限) where published, else the statutory one'),
  amount: Type.Integer(), unit: literals(LIMIT_UNITS), source: Type.String(),
  from: Day, due: Day, statutoryDue: Day, provisional: Type.Boolean(), explanation: CalendarExplanation,
})
const Note = Type.Object({ textZh: Type.String(), text: Type.String(), source: Type.String() })
const Item = Type.Object({
  id: Type.String(), procedure: literals(PROCEDURES), path: Nullable(literals(PATHS)),
  titleZh: Type.String(), title: Type.String(), department: Department,
  explain: Type.Array(Explanation, { description: 'why the procedure applies (POST /v1/procedures/decide)' }),
  steps: Type.Array(Step, { description: 'the process: the machine\'s states on the usual path, in order' }),
  conditions: Type.Array(Condition, { description: 'acceptance conditions (受理条件)' }),
  limits: Type.Array(Limit),
  schedule: Type.Object({
    stages: Type.Array(Stage, { description: 'the limits counted one after another from today' }),
    expectedBy: Nullable(Day), statutoryBy: Nullable(Day), provisional: Type.Boolean(),
    notes: Type.Array(Note, { description: 'what the dates leave out' }),
  }),
  materials: Type.Array(Type.String(), { description: 'material codes (see materials)' }),
})
const FollowUp = Type.Object({
  id: Type.String(), procedure: literals(PROCEDURES), titleZh: Type.String(), title: Type.String(), department: Department,
  explain: Type.Array(Explanation), partOfApplication: Type.Literal(false),
  eligibleFrom: Nullable(Day), eligibilityZh: Type.String(), eligibility: Type.String(), eligibilitySource: Type.String(),
  steps: Type.Array(Step), conditions: Type.Array(Condition), limits: Type.Array(Limit), materials: Type.Array(Type.String()),
})
const Material = Type.Object({
  code: Type.String(), titleZh: Type.String(), title: Type.String(),
  neededBy: Type.Array(Type.String(), { description: 'ids of the items and follow-ups that need it: submitted once, shared' }),
  followUpOnly: Type.Boolean(), sources: Type.Array(Type.String()),
})
const Text = Type.Object({ textZh: Type.String(), text: Type.String(), source: Type.String() })
export const PlanView = Type.Object({
  reference: Type.String({ description: 'GZ-<jurisdiction>-<yyyymmdd>-<6 hex>: the same request on the same day under the same policy gives the same reference' }),
  issuedOn: Day,
  jurisdiction: Type.Object({ code: Type.String(), nameZh: Type.String() }),
  policyVersion: Type.String(),
  profile: Type.Unknown({ description: 'the institution profile as sent' }),
  window: Department,
  oneWindow: Nullable(OneWindowView),
  items: Type.Array(Item, { description: 'the procedures of the application, run in parallel' }),
  followUps: Type.Array(FollowUp, { description: 'applied for later, not part of this application (医保定点)' }),
  materials: Type.Array(Material, { description: 'deduplicated by code across items and follow-ups' }),
  expectedCompletion: Type.Object({
    expectedBy: Nullable(Day), statutoryBy: Nullable(Day), determinedBy: Nullable(Type.String()), provisional: Type.Boolean(),
    textZh: Type.String(), text: Type.String(), source: Type.String(),
  }),
  basis: Type.Array(Text),
})

const PlanBody = Type.Object({
  jurisdiction: JurisdictionParam,
  profile: Profile,
  language: Type.Optional(literals(['zh', 'en'], 'language of the HTML and PDF document (default zh); the JSON carries both')),
}, { additionalProperties: false })

const FORMATS = { json: 'application/json', html: 'text/html', pdf: 'application/pdf' } as const
type Format = keyof typeof FORMATS

/** The format asked for: `?format=` wins; else the Accept header by quality (JSON when absent or *\/*). */
function formatOf(request: FastifyRequest, query: Format | undefined): Format {
  if (query) return query
  const accept = request.headers.accept
  if (!accept) return 'json'
  const ranges = accept.split(',').map((part, i) => {
    const [type, ...params] = part.trim().toLowerCase().split(';').map((s) => s.trim())
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1')
    return { type: type ?? '', q: Number.isFinite(q) ? q : 0, i }
  }).filter((r) => r.q > 0).sort((a, b) => b.q - a.q || a.i - b.i)
  for (const r of ranges) {
    if (r.type === '*/*' || r.type === 'application/*' || r.type === 'application/json' || r.type === 'application/problem+json') return 'json'
    if (r.type === 'text/html' || r.type === 'text/*') return 'html'
    if (r.type === 'application/pdf') return 'pdf'
  }
  throw new DomainError('not-acceptable', 406, 'Not Acceptable', `the notice is available as ${Object.values(FORMATS).join(', ')}; Accept was ${JSON.stringify(accept)}`, { available: Object.values(FORMATS) })
}

export interface OneWindowPlanRouteOptions {
  db: Kysely<Database>
  clock?: Clock
  policies?: DatabasePolicyStore
}

const oneWindowPlanRoutes: FastifyPluginAsyncTypebox<OneWindowPlanRouteOptions> = async (app, { db, clock = systemClock, policies }) => {
  const store = policies ?? createDatabasePolicyStore(db)

  app.post('/v1/one-window/plans', {
    config: { audit: false },
    preValidation: async (request) => { requirePrincipal(request) },
    schema: {
      operationId: 'planOneWindow', tags: ['one-window'], security,
      summary: 'The one-time notice (一次性告知书) before filing: procedures, departments, process, conditions, deduplicated materials, limits and expected dates; nothing is created',
      description: 'Responds with JSON (default), a printable HTML document (A4 print CSS) or a PDF, chosen by `?format=json|html|pdf` or the Accept header. '
        + 'Dates are counted from today on the jurisdiction\'s working-day calendar (docs/ONE-TIME-NOTICE.md). Any authenticated role.',
      querystring: Type.Object({ format: Type.Optional(literals(Object.keys(FORMATS), 'overrides the Accept header')) }, { additionalProperties: false }),
      body: PlanBody,
      response: {
        200: {
          description: 'the notice',
          content: {
            'application/json': { schema: PlanView },
            'text/html': { schema: Type.String({ description: '一次性告知书, HTML with print CSS (A4)' }) },
            'application/pdf': { schema: Type.String({ format: 'binary', description: '一次性告知书, PDF (A4, Noto Sans SC embedded)' }) },
          },
        },
        ...commonProblems,
        400: problemResponse('invalid profile or jurisdiction: `errors` names each field'),
        404: problemResponse('no policy in force for the division today (policy-not-found)'),
        406: problemResponse('Accept names none of application/json, text/html, application/pdf (not-acceptable)'),
        422: problemResponse('the policy lacks a value the plan needs (policy-value-missing)'),
      },
    },
  }, async (request, reply) => {
    const format = formatOf(request, request.query.format as Format | undefined)
    const { jurisdiction, profile } = request.body
    const language: Language = request.body.language ?? 'zh'
    if (!findDivision(jurisdiction)) {
      throw new DomainError('invalid-request', 400, 'Bad Request', `the request is invalid: ${jurisdiction} is not a known division`, {
        errors: [{ name: '/body/jurisdiction', code: 'unknownDivision', reason: `${jurisdiction} is not a division this service knows (src/divisions/)` }],
      })
    }
    const today = shanghaiDate(clock.now())
    let result
    try {
      result = await planFor(db, store, { jurisdiction, profile: profile as InstitutionProfile }, today)
    } catch (err) {
      if (err instanceof ProfileInvalid) {
        throw new DomainError('invalid-request', 400, 'Bad Request', err.message, { errors: err.errors.map((e) => ({ ...e, name: `/body${e.name}` })) })
      }
      if (err instanceof PolicyNotInForce) throw policyNotFound(jurisdiction, today)
      if (err instanceof PolicyValueMissing) throw new DomainError('policy-value-missing', 422, 'Unprocessable Content', err.message, { jurisdiction, at: today })
      throw err
    }
    reply.header('vary', 'Accept')
    if (format === 'html') return reply.type('text/html; charset=utf-8').send(renderNoticeHtml(result, language))
    if (format === 'pdf') {
      const pdf = await renderNoticePdf(result, language)
      return reply.type('application/pdf').header('content-disposition', `inline; filename="${result.reference}.pdf"`).send(pdf)
    }
    return reply.type('application/json; charset=utf-8').send(result)
  })
}
export default oneWindowPlanRoutes
