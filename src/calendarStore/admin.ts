/**
 * Calendar administration: a newly published State Council year, and local overrides (a local holiday, a day the
 * service hall is closed, an extra working day). Each operation commits its data change in its own transaction
 * first, then recomputes the affected cases one by one through the engine (see recompute.ts), so a failing case
 * never loses the calendar change; the report lists what moved and what failed.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { Engine } from '../engine/engine.ts'
import type { Principal } from '../auth/principal.ts'
import { isIsoDate, shanghaiDate, yearOf } from '../calendar/shanghai.ts'
import { parseYearArrangement } from '../calendar/yearArrangement.ts'
import type { YearArrangement } from '../calendar/types.ts'
import { officialYears } from './load.ts'
import { recomputeAffected, type RecomputeReport } from './recompute.ts'
import {
  arrangementInvalid, invalidCalendarRequest, overrideExists, overrideNotFound, requireCalendarAdmin, yearTooOld,
} from './errors.ts'
import type { FieldError } from '../engine/errors.ts'

export type { RecomputeReport } from './recompute.ts'

export const JURISDICTION = /^[0-9]{6}$/
/** The range the calendar_years table accepts. */
export const MIN_YEAR = 2000
export const MAX_YEAR = 2100
export const MAX_NAME_LENGTH = 200

export interface OverrideInput {
  jurisdiction: string
  date: string
  kind: 'closed' | 'open'
  name: string
}

export interface OverrideView extends OverrideInput {
  createdAt: string
  createdBy: string
}

export interface AdminOptions {
  /** "Now" for the records (and the current year for loadYear); give the engine's clock. Default: the system time. */
  now?: Date
}

export interface OverrideResult {
  override: OverrideView
  report: RecomputeReport
}

export interface YearLoadResult {
  year: number
  source: string
  /** What the loaded arrangement replaced: an earlier load, the year shipped with chinese-days, or nothing. */
  replaced: 'loaded' | 'shipped' | null
  holidays: number
  workdays: number
  loadedAt: string
  loadedBy: string
  report: RecomputeReport
}

function check(errors: FieldError[], ok: boolean, name: string, code: string, reason: string): void {
  if (!ok) errors.push({ name, code, reason })
}

function validateTarget(jurisdiction: string, date: string, errors: FieldError[]): void {
  check(errors, JURISDICTION.test(jurisdiction), '/jurisdiction', 'pattern', 'must be a six-digit GB/T 2260 code, e.g. 421202')
  check(errors, isIsoDate(date), '/date', 'format', `must be a real date written YYYY-MM-DD, got ${JSON.stringify(date)}`)
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '23505'
}

function overrideView(row: { jurisdiction: string; date: string; kind: 'closed' | 'open'; name: string; created_at: Date; created_by: string }): OverrideView {
  return { jurisdiction: row.jurisdiction, date: row.date, kind: row.kind, name: row.name, createdAt: row.created_at.toISOString(), createdBy: row.created_by }
}

const describeOverride = (o: OverrideInput) => `local ${o.kind === 'closed' ? 'closure' : 'working day'} ${o.date} "${o.name}" of ${o.jurisdiction}`

/**
 * Adds a local override for `jurisdiction` (it also applies to every division below it, unless a nearer division
 * has its own override on that date), then recomputes every open deadline of the subtree whose span crosses `date`.
 * Throws 400 invalid-request, 403 role-not-allowed, 409 calendar-override-exists (one override per jurisdiction and date).
 */
export async function addOverride(db: Kysely<Database>, engine: Engine, input: OverrideInput, actor: Principal, options: AdminOptions = {}): Promise<OverrideResult> {
  requireCalendarAdmin(actor, 'calendar override', { jurisdiction: input.jurisdiction })
  const errors: FieldError[] = []
  validateTarget(input.jurisdiction, input.date, errors)
  check(errors, input.kind === 'closed' || input.kind === 'open', '/kind', 'enum', 'must be closed or open')
  const name = typeof input.name === 'string' ? input.name.trim() : ''
  check(errors, name.length > 0 && name.length <= MAX_NAME_LENGTH, '/name', 'minLength', `must be 1 to ${MAX_NAME_LENGTH} characters (what the day is, e.g. 服务大厅维修)`)
  if (errors.length) throw invalidCalendarRequest(errors)
  const now = options.now ?? new Date()
  const values = { jurisdiction: input.jurisdiction, date: input.date, kind: input.kind, name, created_at: now, created_by: actor.id }
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('calendar_overrides').select(['kind', 'name'])
      .where('jurisdiction', '=', input.jurisdiction).where('date', '=', input.date).executeTakeFirst()
    if (existing) throw overrideExists(input.jurisdiction, input.date, existing)
    try {
      await trx.insertInto('calendar_overrides').values(values).execute()
    } catch (err) {
      // A concurrent insert of the same date won between our read and write.
      if (isUniqueViolation(err)) throw overrideExists(input.jurisdiction, input.date, { kind: '(concurrent)', name: '(concurrent)' })
      throw err
    }
  })
  const override = overrideView(values)
  const reason = `${describeOverride(override)} added by ${actor.id}`
  const report = await recomputeAffected(db, engine, { kind: 'date', jurisdiction: input.jurisdiction, date: input.date }, actor, reason)
  return { override, report }
}

/** Removes the override of `jurisdiction` on `date`, then recomputes as {@link addOverride} does. 404 calendar-override-not-found. */
export async function removeOverride(
  db: Kysely<Database>, engine: Engine, target: { jurisdiction: string; date: string }, actor: Principal, _options: AdminOptions = {},
): Promise<OverrideResult> {
  requireCalendarAdmin(actor, 'calendar override', { jurisdiction: target.jurisdiction })
  const errors: FieldError[] = []
  validateTarget(target.jurisdiction, target.date, errors)
  if (errors.length) throw invalidCalendarRequest(errors)
  const removed = await db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom('calendar_overrides')
      .where('jurisdiction', '=', target.jurisdiction).where('date', '=', target.date)
      .returning(['jurisdiction', 'kind', 'name', 'created_at', 'created_by'])
      .executeTakeFirst()
    if (!row) throw overrideNotFound(target.jurisdiction, target.date)
    return row
  })
  const override = overrideView({ ...removed, date: target.date })
  const reason = `${describeOverride(override)} removed by ${actor.id}`
  const report = await recomputeAffected(db, engine, { kind: 'date', jurisdiction: target.jurisdiction, date: target.date }, actor, reason)
  return { override, report }
}

/**
 * Loads the official arrangement of `year` (chinese-days' `dist/years/YYYY.json` shape: `{holidays, workdays,
 * inLieuDays?}`), replacing an earlier load and, for a shipped year, the package's data. Then recomputes every open
 * clock that is provisional or whose span reaches into `year`.
 *
 * Decision: years before the previous year are refused (calendar-year-closed). The previous year stays loadable
 * because a notice may re-arrange the last days of December before it (2026-12-29..31 with the 2027 notice, see
 * dayInfo.ts), and a notice published late may only be loaded in January.
 */
export async function loadYear(
  db: Kysely<Database>, engine: Engine, year: number, json: unknown, source: string, actor: Principal, options: AdminOptions = {},
): Promise<YearLoadResult> {
  requireCalendarAdmin(actor, 'calendar year load', 'year')
  const errors: FieldError[] = []
  check(errors, Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR, '/year', 'range', `must be a year from ${MIN_YEAR} to ${MAX_YEAR}`)
  const trimmedSource = typeof source === 'string' ? source.trim() : ''
  check(errors, trimmedSource.length >= 3 && trimmedSource.length <= 500, '/source', 'minLength',
    'must name where the arrangement comes from (3 to 500 characters), e.g. the State Council notice number 国办发明电〔2026〕x号')
  if (errors.length) throw invalidCalendarRequest(errors)
  const now = options.now ?? new Date()
  const currentYear = yearOf(shanghaiDate(now))
  if (year < currentYear - 1) throw yearTooOld(year, currentYear)
  let arrangement: YearArrangement
  try {
    arrangement = parseYearArrangement(year, json)
  } catch (err) {
    throw arrangementInvalid(year, (err as Error).message)
  }
  const stored = { holidays: arrangement.holidays, workdays: arrangement.workdays, inLieuDays: arrangement.inLieuDays }
  const previous = await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('calendar_years').select(['year']).where('year', '=', year).forUpdate().executeTakeFirst()
    await trx.insertInto('calendar_years')
      .values({ year, arrangement: JSON.stringify(stored), source: trimmedSource, loaded_at: now, loaded_by: actor.id })
      .onConflict((oc) => oc.column('year').doUpdateSet({
        arrangement: (eb) => eb.ref('excluded.arrangement'), source: (eb) => eb.ref('excluded.source'),
        loaded_at: (eb) => eb.ref('excluded.loaded_at'), loaded_by: (eb) => eb.ref('excluded.loaded_by'),
      }))
      .execute()
    return before
  })
  const replaced = previous ? 'loaded' : officialYears().has(year) ? 'shipped' : null
  const reason = `official calendar ${year} loaded from ${trimmedSource} by ${actor.id}`
  const report = await recomputeAffected(db, engine, { kind: 'year', year }, actor, reason)
  return {
    year, source: trimmedSource, replaced,
    holidays: Object.keys(arrangement.holidays).length, workdays: Object.keys(arrangement.workdays).length,
    loadedAt: now.toISOString(), loadedBy: actor.id, report,
  }
}

/** Recomputes the open deadlines of `jurisdiction`'s subtree crossing `date`: the repair after reported failures. */
export async function recomputeForDate(
  db: Kysely<Database>, engine: Engine, target: { jurisdiction: string; date: string }, actor: Principal,
): Promise<RecomputeReport> {
  requireCalendarAdmin(actor, 'deadline recompute', { jurisdiction: target.jurisdiction })
  const errors: FieldError[] = []
  validateTarget(target.jurisdiction, target.date, errors)
  if (errors.length) throw invalidCalendarRequest(errors)
  return recomputeAffected(db, engine, { kind: 'date', ...target }, actor, `deadlines crossing ${target.date} in ${target.jurisdiction} recomputed by ${actor.id}`)
}

