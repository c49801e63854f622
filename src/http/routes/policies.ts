/**
 * Policy as the public and the administrators see it.
 * - GET /v1/policies/{jurisdiction}?at= (public: the portal shows the rules) — the policy resolved for a division on a
 *   day: every key with its value, source, the jurisdiction that supplied it and that document's version.
 * - PUT /v1/admin/policies/{jurisdiction} (admin of that division or above) — load a new version; never overwrites.
 * - GET /v1/admin/policies/{jurisdiction}/versions — every version, shipped and loaded.
 * - POST /v1/procedures/decide (public) — the procedures an institution needs there, each step with its source.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import { systemClock, type Clock } from '../../engine/clock.ts'
import { shanghaiDate, isIsoDate } from '../../calendar/shanghai.ts'
import { DomainError } from '../../engine/errors.ts'
import { requirePrincipal } from '../plugins/authenticate.ts'
import { jurisdictionChain, PolicyValue } from '../../policy/document.ts'
import { createDatabasePolicyStore, type DatabasePolicyStore } from '../../policy/dbStore.ts'
import { listVersions, loadPolicyVersion, policyNotFound, requirePolicyAdmin } from '../../policy/admin.ts'
import { decide, oneWindowFor, PATHS, PROCEDURES, ProfileInvalid, type InstitutionProfile } from '../../policy/decide.ts'
import { PolicyValueMissing } from '../../policy/resolve.ts'
import { DEPARTMENTS, MEDICAL_KINDS, OWNERSHIPS, UNIT_KINDS } from '../../policy/keys.ts'
import { commonProblems, problemResponse } from '../schemas/problem.ts'
import { IsoDay, JurisdictionParam } from './calendars.ts'

const security = [{ bearer: [] }]
const literals = (values: readonly string[], description?: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {})
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

const Origin = literals(['shipped', 'loaded'], 'shipped in policies/ with the release, or loaded by an administrator')

const ResolvedValueView = Type.Object({
  value: Type.Unknown(),
  source: Type.String({ description: 'seed file and line, or law and article' }),
  jurisdiction: Type.String({ description: 'the division whose document supplied the value' }),
  version: Type.String({ description: 'that document\'s version' }),
  overridden: Type.Optional(Type.Array(Type.Object({
    jurisdiction: Type.String(), version: Type.String(), value: Type.Unknown(), source: Type.String(),
  }), { description: 'the same key farther up the chain, which this value departs from (nearest first)' })),
})

const DocumentView = Type.Object({
  jurisdiction: Type.String(), version: Type.String(), name: Type.String(), effectiveFrom: Type.String(),
  effectiveFromSource: Nullable(Type.String()), origin: Origin, loadedAt: Nullable(Type.String()), loadedBy: Nullable(Type.String()),
})

const PolicyView = Type.Object({
  jurisdiction: Type.String(),
  at: Type.String({ description: 'the day resolved (YYYY-MM-DD, Asia/Shanghai)' }),
  version: Type.String({ description: 'what a case filed that day pins: every contributing document, nearest first (421200@v+000000@v)' }),
  chain: Type.Array(Type.String(), { description: 'GB/T 2260 chain searched: county → city → province → 000000' }),
  documents: Type.Array(DocumentView, { description: 'the documents in force that contributed, nearest first' }),
  values: Type.Record(Type.String(), ResolvedValueView, { description: 'every key in force, nearest document first' }),
})

const VersionBody = Type.Object({
  jurisdiction: Type.Optional(JurisdictionParam),
  name: Type.String({ minLength: 1, maxLength: 200, description: 'what the document is, e.g. 咸宁市 2027 年调整 (issuer, number)' }),
  version: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._-]+$', description: 'unique per jurisdiction, never reused, e.g. 2027-01-01.1' }),
  effectiveFrom: IsoDay('first day the version is in force; today or later'),
  effectiveFromSource: Type.Optional(Type.String({ minLength: 3, maxLength: 1000, description: 'where the date comes from (issue date, article)' })),
  values: Type.Record(Type.String({ pattern: '^[a-zA-Z]+(\\.[a-zA-Z0-9]+)+$' }), PolicyValue, {
    additionalProperties: false,
    description: 'the keys this division sets, each { value, source }; keys it leaves out are inherited from above',
  }),
}, { additionalProperties: false, description: 'a policy document (src/policy/document.ts); `jurisdiction` may be left out: the path names it' })

const LoadedView = Type.Object({
  jurisdiction: Type.String(), version: Type.String(), name: Type.String(), effectiveFrom: Type.String(),
  loadedAt: Type.String(), loadedBy: Type.String(),
  warnings: Type.Array(Type.String(), { description: 'keys nothing reads yet (check the spelling)' }),
  resolvedVersion: Type.String({ description: 'the version string new cases of this division will pin from effectiveFrom' }),
})

const VersionView = Type.Object({
  version: Type.String(), name: Type.String(), effectiveFrom: Type.String(), effectiveFromSource: Nullable(Type.String()),
  origin: Origin, loadedAt: Nullable(Type.String()), loadedBy: Nullable(Type.String()),
  inForce: Type.Boolean({ description: 'the version of this division in force today' }),
  supersededOn: Nullable(Type.String({ description: 'the day a later version took over' })),
  keys: Type.Array(Type.String()),
  document: Type.Unknown({ description: 'the document as stored' }),
})

export const Explanation = Type.Object({
  rule: Type.String({ description: 'DOMAIN.md §2 rule (R1 … R8, §2.10)' }),
  text: Type.String(),
  source: Type.String({ description: 'the source of the policy value that decided, with [policy jurisdiction@version]' }),
  key: Type.Optional(Type.String({ description: 'the policy key read' })),
  caution: Type.Optional(Type.Boolean({ description: 'a warning to read (a conflict, a threshold in principle), not the decision' })),
})

const DecisionView = Type.Object({
  procedure: literals(PROCEDURES),
  path: Type.Optional(literals(PATHS)),
  department: literals(DEPARTMENTS),
  explain: Type.Array(Explanation),
  followUp: Type.Optional(Type.Boolean({ description: 'applied for later, not part of the one-window case (医保定点)' })),
  eligibleFrom: Type.Optional(Type.String({ description: 'first day the follow-up may be applied for' })),
})

export const Profile = Type.Object({
  founder: literals(['elderlyCareInstitution', 'medicalInstitution']),
  adds: literals(['internalMedicalUnit', 'medicalInstitution', 'elderlyCare']),
  unitKind: Type.Optional(literals(UNIT_KINDS, 'with adds = internalMedicalUnit')),
  medicalKind: Type.Optional(literals(MEDICAL_KINDS, 'with adds = medicalInstitution')),
  medicalLevel: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)], { description: '一级/二级/三级' })),
  beds: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
  ownership: Type.Optional(literals(OWNERSHIPS)),
  elderCareVariant: Type.Optional(literals(['changeRegistration', 'reuseQualifications'], 'with adds = elderlyCare: R3 change of registration then filing, or R4 direct filing reusing qualifications')),
  operationStartedOn: Type.Optional(IsoDay('day formal operation began: dates the 医保 eligibility')),
}, { additionalProperties: false })

const DecideBody = Type.Object({
  jurisdiction: JurisdictionParam,
  at: Type.Optional(IsoDay('the day whose policy decides; default today (Asia/Shanghai)')),
  profile: Profile,
}, { additionalProperties: false })

export const OneWindowView = Type.Object({
  departments: Type.Array(Type.String()),
  required: Type.Boolean(),
  window: Nullable(Type.Object({ department: Type.String(), nameZh: Type.String() })),
  parallelApproval: Type.Boolean(),
  explain: Type.Array(Explanation),
})

const DecideView = Type.Object({
  jurisdiction: Type.String(),
  at: Type.String(),
  policyVersion: Type.String({ description: 'the policy the decision used (what a case filed that day pins)' }),
  decisions: Type.Array(DecisionView, { description: 'the procedures required, then follow-ups' }),
  oneWindow: Nullable(OneWindowView),
})

const badDate = (name: string, value: string) =>
  new DomainError('invalid-request', 400, 'Bad Request', `the request is invalid: ${name} must be a real date written YYYY-MM-DD`, {
    errors: [{ name, code: 'format', reason: `must be a real date written YYYY-MM-DD, got ${JSON.stringify(value)}` }],
  })

const adminProblems = { ...commonProblems, 403: problemResponse('only role admin, for its own division or one below it (role-not-allowed, jurisdiction-not-allowed)') }

export interface PolicyRouteOptions {
  db: Kysely<Database>
  clock?: Clock
  /** The store the engine uses; by default one over `db` and the shipped documents. */
  policies?: DatabasePolicyStore
}

const policyRoutes: FastifyPluginAsyncTypebox<PolicyRouteOptions> = async (app, { db, clock = systemClock, policies }) => {
  const store = policies ?? createDatabasePolicyStore(db)
  const today = () => shanghaiDate(clock.now())

  app.get('/v1/policies/:jurisdiction', {
    schema: {
      operationId: 'getPolicy', tags: ['policies'],
      summary: 'The policy in force for a division on a day: every key with its value, source, supplying jurisdiction and version (no token needed)',
      params: Type.Object({ jurisdiction: JurisdictionParam }),
      querystring: Type.Object({ at: Type.Optional(IsoDay('the day; default today (Asia/Shanghai)')) }, { additionalProperties: false }),
      response: { 200: PolicyView, 400: problemResponse('bad jurisdiction or date'), 404: problemResponse('no policy document in force that day (policy-not-found)') },
    },
  }, async (request) => {
    const { jurisdiction } = request.params
    const at = request.query.at ?? today()
    if (!isIsoDate(at)) throw badDate('/querystring/at', at)
    const { policy, versions } = await store.resolveDetailed(jurisdiction, at)
    if (!policy.documents?.length) throw policyNotFound(jurisdiction, at)
    const origin = (j: string, v: string) => versions.filter((s) => s.document.jurisdiction === j && s.document.version === v).at(-1)
    return {
      jurisdiction, at, version: policy.version,
      chain: jurisdictionChain(jurisdiction),
      documents: policy.documents.map((d) => {
        const o = origin(d.jurisdiction, d.version)
        return {
          jurisdiction: d.jurisdiction, version: d.version, name: d.name, effectiveFrom: d.effectiveFrom, effectiveFromSource: d.effectiveFromSource ?? null,
          origin: o?.origin ?? 'shipped', loadedAt: o?.loadedAt?.toISOString() ?? null, loadedBy: o?.loadedBy ?? null,
        }
      }),
      values: Object.fromEntries(Object.entries(policy.values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, {
        value: v.value, source: v.source, jurisdiction: v.from, version: v.version,
        ...(v.overridden ? { overridden: v.overridden.map((o) => ({ jurisdiction: o.from, version: o.version, value: o.value, source: o.source })) } : {}),
      }])),
    }
  })

  app.post('/v1/procedures/decide', {
    // A public question sent by POST: it changes nothing, so it is not audited.
    config: { audit: false },
    schema: {
      operationId: 'decideProcedures', tags: ['procedures'],
      summary: 'The procedures an institution needs in a division, each with the rule and source that decided it (no token needed)',
      body: DecideBody,
      response: {
        200: DecideView,
        400: problemResponse('invalid profile: `errors` names each field'),
        404: problemResponse('no policy in force that day (policy-not-found)'),
      },
    },
  }, async (request) => {
    const { jurisdiction, profile } = request.body
    const at = request.body.at ?? today()
    if (!isIsoDate(at)) throw badDate('/body/at', at)
    const policy = await store.resolve(jurisdiction, at)
    if (!policy.documents?.length) throw policyNotFound(jurisdiction, at)
    try {
      const decisions = decide(profile as InstitutionProfile, policy)
      return { jurisdiction, at, policyVersion: policy.version, decisions, oneWindow: oneWindowFor(decisions, policy) }
    } catch (err) {
      if (err instanceof ProfileInvalid) {
        throw new DomainError('invalid-request', 400, 'Bad Request', err.message, { errors: err.errors.map((e) => ({ ...e, name: `/body${e.name}` })) })
      }
      if (err instanceof PolicyValueMissing) throw new DomainError('policy-value-missing', 422, 'Unprocessable Content', err.message, { jurisdiction, at })
      throw err
    }
  })

  // Administration: role admin, for the administrator's own division or one below it. Checked before validation.
  const adminRoutes: FastifyPluginAsyncTypebox = async (admin) => {
    admin.addHook('preValidation', async (request) => {
      const params = request.params as { jurisdiction?: string }
      requirePolicyAdmin(requirePrincipal(request), params.jurisdiction ?? '', `${request.method} ${request.routeOptions.url ?? request.url}`)
    })

    admin.put('/v1/admin/policies/:jurisdiction', {
      schema: {
        operationId: 'loadPolicyVersion', tags: ['admin'], security,
        summary: 'Load a new policy version for a division (history kept: a version is never overwritten); new cases pin it from its effectiveFrom',
        params: Type.Object({ jurisdiction: JurisdictionParam }),
        body: VersionBody,
        response: {
          201: LoadedView, ...adminProblems,
          400: problemResponse('the document is invalid: `errors` names each bad field (a value without source, a bad limit, promised > statutory …)'),
          409: problemResponse('the division already has this version (policy-version-exists)'),
          422: problemResponse('effectiveFrom is before today (policy-effective-in-past)'),
        },
      },
    }, async (request, reply) => {
      const loaded = await loadPolicyVersion(db, store, request.params.jurisdiction, request.body as Record<string, unknown>, requirePrincipal(request), {
        now: clock.now(), today: today(),
      })
      return reply.status(201).send(loaded)
    })

    admin.get('/v1/admin/policies/:jurisdiction/versions', {
      schema: {
        operationId: 'listPolicyVersions', tags: ['admin'], security,
        summary: 'Every policy version of a division, shipped and loaded, oldest effective date first',
        params: Type.Object({ jurisdiction: JurisdictionParam }),
        response: { 200: Type.Object({ jurisdiction: Type.String(), today: Type.String(), items: Type.Array(VersionView) }), ...adminProblems },
      },
    }, async (request) => {
      const { jurisdiction } = request.params
      const versions = await store.versionsFor([jurisdiction])
      return { jurisdiction, today: today(), items: listVersions(versions, jurisdiction, today()) }
    })
  }
  await app.register(adminRoutes)
}
export default policyRoutes
