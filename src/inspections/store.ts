/**
 * Random inspections on the database: the roster, draws (read the pool, the roster and the conflicts, run the pure
 * draw, record it, schedule each inspection on its case through the engine, all in one transaction), and the
 * published results (一公开), read from the cases' histories.
 */
import { randomUUID } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { Engine } from '../engine/engine.ts'
import { DomainError, roleNotAllowed } from '../engine/errors.ts'
import { inJurisdiction, jurisdictionPrefix, type Principal } from '../auth/principal.ts'
import { shanghaiDate } from '../calendar/shanghai.ts'
import type { Department } from '../policy/keys.ts'
import { canonicalInputs, drawDigest, DRAW_ALGORITHM, newSeed, runDraw, verifyDraw, type DrawInputs, type DrawPair, type Verification } from './draw.ts'
import { poolOfDepartment, POOLS, type PoolKind } from './pools.ts'

/** The events that open and close an inspection on a case (machines/clinicFiling.ts, machines/elderCareFiling.ts). */
export const SCHEDULE = 'SCHEDULE_INSPECTION'
const RESULTS = ['RECORD_INSPECTION_PASSED', 'RECORD_INSPECTION_FAILED'] as const
const RECTIFICATION_ENDS = ['CONFIRM_RECTIFIED', 'REVOKE_FILING', 'CANCEL_FILING'] as const

const outsideJurisdiction = (scope: string, jurisdiction: string) =>
  new DomainError('jurisdiction-not-allowed', 403, 'Forbidden', `an official of ${scope} may act for ${scope} and the divisions below it, not for ${jurisdiction}`, { scope, jurisdiction })

const otherDepartment = (own: string | undefined, department: string) =>
  new DomainError('inspection-department-not-allowed', 403, 'Forbidden',
    `a supervisor of ${own ?? 'no department'} may not act for the ${department} department's inspections`, { department })

export const drawNotFound = (id: string) =>
  new DomainError('inspection-draw-not-found', 404, 'Inspection draw not found', `no inspection draw ${id} is visible to you`)

const noPool = (department: string) =>
  new DomainError('inspection-pool-unknown', 422, 'No inspection pool', `the ${department} department runs no 双随机 pool here; pools: ${Object.values(POOLS).map((p) => `${p.kind} (${p.department})`).join(', ')}`)

const badPeriod = (detail: string) => new DomainError('inspection-period-invalid', 422, 'Invalid inspection period', detail)

function whereInScope<QB extends { where: (...args: any[]) => QB }>(q: QB, column: string, scope: string): QB {
  const prefix = jurisdictionPrefix(scope)
  if (prefix === '') return q
  if (prefix.length === 6) return q.where(column, '=', prefix)
  return q.where(column, 'like', `${prefix}%`)
}

// --- roster -------------------------------------------------------------------------------------------------------

export interface InspectorInput {
  name: string
  jurisdiction: string
  department: Department
  active: boolean
}

export interface InspectorView extends InspectorInput {
  id: string
  createdBy: string
  createdAt: string
  updatedBy: string
  updatedAt: string
}

/** Supervisors manage their own department's roster; admins any department; both within their jurisdiction. */
function assertRosterManager(actor: Principal, department: string, jurisdiction: string): void {
  if (actor.role !== 'supervisor' && actor.role !== 'admin') throw roleNotAllowed('managing the inspector roster', actor.role, ['supervisor', 'admin'])
  if (actor.role === 'supervisor' && actor.department !== department) throw otherDepartment(actor.department, department)
  if (!inJurisdiction(actor.jurisdiction, jurisdiction)) throw outsideJurisdiction(actor.jurisdiction, jurisdiction)
}

export async function putInspector(db: Kysely<Database>, actor: Principal, id: string, input: InspectorInput, now: Date): Promise<{ view: InspectorView; created: boolean }> {
  assertRosterManager(actor, input.department, input.jurisdiction)
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('inspectors').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
    // Moving an inspector needs rights over where they are now as well as where they go.
    if (existing) assertRosterManager(actor, existing.department, existing.jurisdiction)
    const row = await trx.insertInto('inspectors')
      .values({ id, ...input, created_by: actor.id, created_at: now, updated_by: actor.id, updated_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ ...input, updated_by: actor.id, updated_at: now }))
      .returningAll().executeTakeFirstOrThrow()
    return { view: inspectorView(row), created: !existing }
  })
}

export async function listInspectors(db: Kysely<Database>, actor: Principal, department: string | undefined): Promise<InspectorView[]> {
  if (actor.role !== 'supervisor' && actor.role !== 'admin') throw roleNotAllowed('reading the inspector roster', actor.role, ['supervisor', 'admin'])
  let q = whereInScope(db.selectFrom('inspectors').selectAll(), 'jurisdiction', actor.jurisdiction)
  const dep = actor.role === 'supervisor' ? actor.department : department
  if (actor.role === 'supervisor' && department && department !== actor.department) throw otherDepartment(actor.department, department)
  if (dep) q = q.where('department', '=', dep as Department)
  return (await q.orderBy('id').execute()).map(inspectorView)
}

function inspectorView(r: Database['inspectors'] extends infer T ? { [K in keyof T]: any } : never): InspectorView {
  return {
    id: r.id, name: r.name, jurisdiction: r.jurisdiction, department: r.department, active: r.active,
    createdBy: r.created_by, createdAt: new Date(r.created_at).toISOString(), updatedBy: r.updated_by, updatedAt: new Date(r.updated_at).toISOString(),
  }
}

// --- draws --------------------------------------------------------------------------------------------------------

export interface DrawRequest {
  department: Department
  /** The division whose cases and inspectors are drawn (own or below); default the supervisor's. */
  jurisdiction?: string | undefined
  period: { from: string; to: string }
  /** The day the inspections are planned for; default the first day of the period. */
  plannedOn?: string | undefined
  sampleSize: number
  inspectorsPerInstitution?: number | undefined
  /** 64 hex digits; default a fresh one from crypto.randomBytes. */
  seed?: string | undefined
}

export interface DrawRecord {
  id: string
  department: Department
  jurisdiction: string
  pool: PoolKind
  poolSource: string
  period: { from: string; to: string }
  plannedOn: string
  sampleSize: number
  inspectorsPerInstitution: number
  seed: string
  algorithm: string
  inputs: DrawInputs
  result: DrawPair[]
  digest: string
  drawnBy: string
  drawnAt: string
}

/** Inspectors drawn per institution unless the request says otherwise: two, so no inspector checks alone [DESIGN]. */
export const DEFAULT_INSPECTORS_PER_INSTITUTION = 2

/** The pool's candidates in scope: cases in a pool state with no inspection open (the last inspection event is not a scheduling). */
async function readCandidates(trx: Kysely<Database>, pool: PoolKind, department: Department, scope: string) {
  const out: { caseId: string; institutionKey: string }[] = []
  for (const member of POOLS[pool].members) {
    let q = trx.selectFrom('cases as c')
      .select(['c.id', sql<string | null>`c.institution->>'unifiedSocialCreditCode'`.as('key')])
      .where('c.department', '=', department)
      .where('c.procedure', '=', member.procedure)
      .where('c.state', 'in', member.states)
      .where(sql<boolean>`(select e.type from case_events e where e.case_id = c.id
          and e.type in (${sql.join([SCHEDULE, ...RESULTS, ...RECTIFICATION_ENDS])}) order by e.seq desc limit 1) is distinct from ${SCHEDULE}`)
    q = whereInScope(q, 'c.jurisdiction', scope)
    for (const r of await q.execute()) out.push({ caseId: r.id, institutionKey: r.key ?? '' })
  }
  return out
}

/** Who handled each candidate's case: distinct officials (not the applicant, not the system) in its history, on the roster. */
async function readConflicts(trx: Kysely<Database>, caseIds: string[], roster: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>()
  if (caseIds.length === 0 || roster.length === 0) return map
  const rows = await trx.selectFrom('case_events').select(['case_id', 'actor_id']).distinct()
    .where('case_id', 'in', caseIds).where('actor_id', 'in', roster).where('actor_role', 'not in', ['applicant', 'system'])
    .execute()
  for (const r of rows) map.set(r.case_id, [...(map.get(r.case_id) ?? []), r.actor_id])
  return map
}

export async function createDraw(db: Kysely<Database>, engine: Engine, actor: Principal, request: DrawRequest, now: Date): Promise<DrawRecord> {
  if (actor.role !== 'supervisor') throw roleNotAllowed('drawing inspections', actor.role, ['supervisor'])
  if (actor.department !== request.department) throw otherDepartment(actor.department, request.department)
  const scope = request.jurisdiction ?? actor.jurisdiction
  if (!inJurisdiction(actor.jurisdiction, scope)) throw outsideJurisdiction(actor.jurisdiction, scope)
  const pool = poolOfDepartment(request.department)
  if (!pool) throw noPool(request.department)
  const { from, to } = request.period
  if (from > to) throw badPeriod(`the period ends (${to}) before it starts (${from})`)
  const plannedOn = request.plannedOn ?? from
  if (plannedOn < from || plannedOn > to) throw badPeriod(`plannedOn ${plannedOn} is outside the period ${from} … ${to}`)

  const id = randomUUID()
  return db.transaction().execute(async (trx) => {
    // Draws of one department run one at a time, so two concurrent draws cannot both schedule the same institution
    // (the second reads the pool after the first commits; READ COMMITTED takes a new snapshot per statement).
    await sql`select pg_advisory_xact_lock(hashtext(${`onewindow.inspection-draw.${request.department}`}))`.execute(trx)
    const candidates = await readCandidates(trx, pool.kind, request.department, scope)
    const roster = (await whereInScope(
      trx.selectFrom('inspectors').select('id').where('active', '=', true).where('department', '=', request.department), 'jurisdiction', scope,
    ).execute()).map((r) => r.id)
    const conflicts = await readConflicts(trx, candidates.map((c) => c.caseId), roster)
    const inputs = canonicalInputs({
      algorithm: DRAW_ALGORITHM,
      seed: request.seed ?? newSeed(),
      sampleSize: request.sampleSize,
      inspectorsPerInstitution: request.inspectorsPerInstitution ?? DEFAULT_INSPECTORS_PER_INSTITUTION,
      candidates: candidates.map((c) => ({ ...c, conflicts: conflicts.get(c.caseId) ?? [] })),
      roster,
    })
    const result = runDraw(inputs)
    const digest = drawDigest(inputs, result)
    await trx.insertInto('inspection_draws').values({
      id, department: request.department, jurisdiction: scope, pool: pool.kind, period_from: from, period_to: to, planned_on: plannedOn,
      sample_size: inputs.sampleSize, inspectors_per_institution: inputs.inspectorsPerInstitution, seed: inputs.seed, algorithm: inputs.algorithm,
      inputs: JSON.stringify(inputs), result: JSON.stringify(result), digest, drawn_by: actor.id, drawn_at: now,
    }).execute()
    if (result.length > 0) {
      await trx.insertInto('inspection_draw_items')
        .values(result.map((p, position) => ({ draw_id: id, position, case_id: p.caseId, inspectors: JSON.stringify(p.inspectors) })))
        .execute()
    }
    // Each inspection is an event on the institution's case, through the one engine path (docs/ARCHITECTURE.md).
    for (const p of result) {
      await engine.applyIn(trx as Transaction<Database>, p.caseId, { type: SCHEDULE, payload: { plannedOn, drawId: id, inspectors: p.inspectors } }, actor)
    }
    return {
      id, department: request.department, jurisdiction: scope, pool: pool.kind, poolSource: pool.source, period: { from, to }, plannedOn,
      sampleSize: inputs.sampleSize, inspectorsPerInstitution: inputs.inspectorsPerInstitution, seed: inputs.seed, algorithm: inputs.algorithm,
      inputs, result, digest, drawnBy: actor.id, drawnAt: now.toISOString(),
    }
  })
}

type DrawRow = Database['inspection_draws'] extends infer T ? { [K in keyof T]: any } : never

function drawRecord(r: DrawRow): DrawRecord {
  const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T
  return {
    id: r.id, department: r.department, jurisdiction: r.jurisdiction, pool: r.pool, poolSource: POOLS[r.pool as PoolKind].source,
    period: { from: r.period_from, to: r.period_to }, plannedOn: r.planned_on,
    sampleSize: r.sample_size, inspectorsPerInstitution: r.inspectors_per_institution, seed: r.seed, algorithm: r.algorithm,
    inputs: json<DrawInputs>(r.inputs), result: json<DrawPair[]>(r.result), digest: r.digest,
    drawnBy: r.drawn_by, drawnAt: new Date(r.drawn_at).toISOString(),
  }
}

async function readDrawRow(db: Kysely<Database>, id: string): Promise<DrawRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined
  return db.selectFrom('inspection_draws').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Officials of the draw's division or above, and admins, read the full record (with inspector ids). */
export async function readDraw(db: Kysely<Database>, id: string, actor: Principal): Promise<DrawRecord> {
  const row = await readDrawRow(db, id)
  const visible = row && (actor.role === 'admin' || (actor.role !== 'applicant' && actor.role !== 'system' && (inJurisdiction(actor.jurisdiction, row.jurisdiction) || inJurisdiction(row.jurisdiction, actor.jurisdiction))))
  if (!row || !visible) throw drawNotFound(id)
  return drawRecord(row)
}

export interface VerificationView extends Omit<Verification, 'recomputed'> {
  drawId: string
  algorithm: string
  digest: string
}

/** Re-runs a recorded draw from its recorded seed and inputs; public (says match or not, no personal data). */
export async function verifyStoredDraw(db: Kysely<Database>, id: string): Promise<VerificationView> {
  const row = await readDrawRow(db, id)
  if (!row) throw drawNotFound(id)
  const record = drawRecord(row)
  const { recomputed: _recomputed, ...v } = verifyDraw(record)
  // The columns must say what the recorded inputs say (the table's check constraint holds this too).
  if (record.inputs.seed !== record.seed || record.inputs.sampleSize !== record.sampleSize) {
    v.matches = false
    v.reasons.push('the recorded seed or sample size differs from the recorded inputs')
  }
  return { drawId: id, algorithm: record.algorithm, digest: record.digest, ...v }
}

// --- published results (一公开) -------------------------------------------------------------------------------------

export interface PublicInspection {
  drawId: string
  drawDigest: string
  department: Department
  pool: PoolKind
  period: { from: string; to: string }
  plannedOn: string
  drawnOn: string
  institution: { name: string; unifiedSocialCreditCode: string | null; jurisdiction: string }
  result: 'scheduled' | 'passed' | 'failed'
  resultOn: string | null
  rectification: 'ordered' | 'rectified' | 'revoked' | null
  rectificationOn: string | null
}

export function encodePublicCursor(r: { drawnAt: Date; drawId: string; position: number }): string {
  return Buffer.from(`${r.drawnAt.toISOString()}|${r.drawId}|${r.position}`, 'utf8').toString('base64url')
}

function decodePublicCursor(cursor: string): { drawnAt: Date; drawId: string; position: number } {
  const [at, drawId, pos] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  const drawnAt = new Date(at ?? '')
  const position = Number(pos)
  if (!drawId || !/^[0-9a-f-]{36}$/.test(drawId) || Number.isNaN(drawnAt.getTime()) || !Number.isInteger(position) || position < 0) {
    throw new DomainError('invalid-cursor', 400, 'Invalid cursor', 'cursor is not one this service issued; start again without it', {
      errors: [{ name: '/querystring/cursor', code: 'cursor', reason: 'is not a cursor issued by this service' }],
    })
  }
  return { drawnAt, drawId, position }
}

/**
 * Published results, newest draw first, then in draw order; keyset-paginated. Only what 一公开 publishes about an
 * organisation: its name and unified social credit code, the department, the period, the dates and the outcome. Never
 * the inspectors, findings (free text), the legal representative or any other personal data.
 */
export async function listPublicInspections(db: Kysely<Database>, filter: { department?: string | undefined; jurisdiction?: string | undefined; drawId?: string | undefined; cursor?: string | undefined; limit: number }) {
  const c = filter.cursor ? decodePublicCursor(filter.cursor) : undefined
  const prefix = filter.jurisdiction ? jurisdictionPrefix(filter.jurisdiction) : ''
  const rows = await sql<{
    draw_id: string; digest: string; department: Department; pool: PoolKind; period_from: string; period_to: string; planned_on: string; drawn_at: Date
    position: number; jurisdiction: string; name: string | null; uscc: string | null
    result_type: string | null; result_at: Date | null; rect_type: string | null; rect_at: Date | null
  }>`
    select d.id as draw_id, d.digest, d.department, d.pool, d.period_from, d.period_to, d.planned_on, d.drawn_at, i.position,
           c.jurisdiction, c.institution->>'name' as name, c.institution->>'unifiedSocialCreditCode' as uscc,
           r.type as result_type, r.at as result_at, x.type as rect_type, x.at as rect_at
    from inspection_draw_items i
    join inspection_draws d on d.id = i.draw_id
    join cases c on c.id = i.case_id
    left join lateral (select e.seq from case_events e where e.case_id = i.case_id and e.type = ${SCHEDULE}
                       and e.payload->>'drawId' = d.id::text order by e.seq limit 1) s on true
    left join lateral (select e.type, e.at, e.seq from case_events e where e.case_id = i.case_id and e.seq > s.seq
                       and e.type in (${sql.join([...RESULTS])}) order by e.seq limit 1) r on true
    left join lateral (select e.type, e.at from case_events e where e.case_id = i.case_id and r.type = 'RECORD_INSPECTION_FAILED'
                       and e.seq > r.seq and e.type in (${sql.join([...RECTIFICATION_ENDS])}) order by e.seq limit 1) x on true
    where true
      ${filter.department ? sql`and d.department = ${filter.department}` : sql``}
      ${filter.drawId ? sql`and d.id = ${filter.drawId}::uuid` : sql``}
      ${prefix ? sql`and c.jurisdiction like ${`${prefix}%`}` : sql``}
      ${c ? sql`and ((d.drawn_at, d.id) < (${c.drawnAt}, ${c.drawId}::uuid) or ((d.drawn_at, d.id) = (${c.drawnAt}, ${c.drawId}::uuid) and i.position > ${c.position}))` : sql``}
    order by d.drawn_at desc, d.id desc, i.position asc
    limit ${filter.limit + 1}
  `.execute(db)
  const page = rows.rows.slice(0, filter.limit)
  const day = (d: Date | null) => (d ? shanghaiDate(new Date(d)) : null)
  const items: PublicInspection[] = page.map((r) => ({
    drawId: r.draw_id,
    drawDigest: r.digest,
    department: r.department,
    pool: r.pool,
    period: { from: r.period_from, to: r.period_to },
    plannedOn: r.planned_on,
    drawnOn: shanghaiDate(new Date(r.drawn_at)),
    institution: { name: r.name ?? '', unifiedSocialCreditCode: r.uscc, jurisdiction: r.jurisdiction },
    result: r.result_type === 'RECORD_INSPECTION_PASSED' ? 'passed' : r.result_type === 'RECORD_INSPECTION_FAILED' ? 'failed' : 'scheduled',
    resultOn: day(r.result_at),
    rectification: r.result_type !== 'RECORD_INSPECTION_FAILED' ? null : r.rect_type === 'CONFIRM_RECTIFIED' ? 'rectified' : r.rect_type ? 'revoked' : 'ordered',
    rectificationOn: day(r.rect_at),
  }))
  const last = page.at(-1)
  return {
    items,
    nextCursor: rows.rows.length > filter.limit && last ? encodePublicCursor({ drawnAt: new Date(last.drawn_at), drawId: last.draw_id, position: last.position }) : null,
  }
}
