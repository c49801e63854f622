/**
 * Supervision queries (docs/SUPERVISION.md): running clocks that are overdue or near due, in due order, keyset-paginated
 * over the indexes of migrations/2026-11-23T09-00_supervision.ts; and grouped statistics read from the counters the
 * engine keeps (trigger deltas folded into supervision_counts, completions into a histogram), never from a scan of
 * the cases. Read only; "now" is the caller's (the app's injected Clock).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database } from '../db/schema.ts'
import { codePrefix } from '../divisions/index.ts'
import { DomainError } from '../engine/errors.ts'
import { isoDay } from '../engine/clocks.ts'

export type ListKind = 'overdue' | 'nearDue'

export interface SupervisionFilter {
  /** Division whose subtree is listed; '000000' is everything. Already checked against the caller's scope. */
  jurisdiction: string
  department?: string | undefined
  procedure?: string | undefined
  kind?: 'statutory' | 'promised' | undefined
}

export interface ListItem {
  clockId: string
  caseId: string
  procedure: string
  state: string
  department: string
  jurisdiction: string
  clock: string
  kind: 'statutory' | 'promised'
  dueOn: string | null
  dueAt: string
  nearDueAt: string | null
  institutionName: string | null
}

export const invalidCursor = () => new DomainError('invalid-cursor', 400, 'Invalid cursor', 'cursor is not one this service issued; start again without it', {
  errors: [{ name: '/querystring/cursor', code: 'cursor', reason: 'is not a cursor issued by this service' }],
})

function encodeCursor(parts: string[]): string {
  return Buffer.from(parts.join('|'), 'utf8').toString('base64url')
}

function decodeListCursor(cursor: string): { dueAt: Date; id: string } {
  const [due, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  const dueAt = new Date(due ?? '')
  if (!id || !/^[0-9]{1,19}$/.test(id) || Number.isNaN(dueAt.getTime())) throw invalidCursor()
  return { dueAt, id }
}

/** The subtree of a division as a range of six-digit codes (indexable), or null for the whole country. */
export function jurisdictionRange(scope: string): [string, string] | null {
  const prefix = codePrefix(scope)
  if (prefix === '') return null
  return [prefix.padEnd(6, '0'), prefix.padEnd(6, '9')]
}

function groupConditions(f: SupervisionFilter, alias: string, withKind = true): RawBuilder<unknown>[] {
  const col = (c: string) => sql.ref(`${alias}.${c}`)
  const out: RawBuilder<unknown>[] = []
  const range = jurisdictionRange(f.jurisdiction)
  if (range) {
    // A county is one code: equality lets the planner use the county index in due order.
    out.push(range[0] === range[1] ? sql`${col('jurisdiction')} = ${range[0]}` : sql`${col('jurisdiction')} between ${range[0]} and ${range[1]}`)
  }
  if (f.department) out.push(sql`${col('department')} = ${f.department}`)
  if (f.procedure) out.push(sql`${col('procedure')} = ${f.procedure}`)
  if (withKind && f.kind) out.push(sql`${col('kind')} = ${f.kind}`)
  return out
}

export interface ListRow {
  id: string
  case_id: string
  name: string
  kind: 'statutory' | 'promised'
  due_on: string | Date | null
  due_at: Date
  near_due_at: Date | null
  jurisdiction: string
  department: string
  procedure: string
  state: string
  institution_name: string | null
}

/**
 * One page of a list (exported so docs/SUPERVISION.md can show its plan). Overdue: running, due instant passed
 * (clockColour's red). Near due: running, not overdue, its near-due instant passed (clockColour's yellow).
 */
export function listQuery(kind: ListKind, f: SupervisionFilter, now: Date, limit: number, cursor?: string): RawBuilder<ListRow> {
  const conditions: RawBuilder<unknown>[] = [sql`k.status = 'running'`, ...groupConditions(f, 'k')]
  if (kind === 'overdue') conditions.push(sql`k.due_at <= ${now}`)
  else conditions.push(sql`k.due_at > ${now}`, sql`k.near_due_at <= ${now}`)
  if (cursor) {
    const c = decodeListCursor(cursor)
    conditions.push(sql`(k.due_at, k.id) > (${c.dueAt}::timestamptz, ${c.id}::bigint)`)
  }
  return sql<ListRow>`
    select k.id::text as id, k.case_id, k.name, k.kind, k.due_on, k.due_at, k.near_due_at, k.jurisdiction, k.department, k.procedure,
           c.state, c.institution->>'name' as institution_name
    from clocks k join cases c on c.id = k.case_id
    where ${sql.join(conditions, sql` and `)}
    order by k.due_at, k.id
    limit ${limit + 1}
  `
}

export async function readList(db: Kysely<Database>, kind: ListKind, f: SupervisionFilter, now: Date, limit: number, cursor?: string) {
  const result = await listQuery(kind, f, now, limit, cursor).execute(db)
  const page = result.rows.slice(0, limit)
  const items: ListItem[] = page.map((r) => ({
    clockId: r.id, caseId: r.case_id, procedure: r.procedure, state: r.state, department: r.department, jurisdiction: r.jurisdiction,
    clock: r.name, kind: r.kind, dueOn: isoDay(r.due_on), dueAt: new Date(r.due_at).toISOString(),
    nearDueAt: r.near_due_at ? new Date(r.near_due_at).toISOString() : null, institutionName: r.institution_name,
  }))
  const last = page.at(-1)
  return { items, nextCursor: result.rows.length > limit && last ? encodeCursor([new Date(last.due_at).toISOString(), last.id]) : null }
}

/**
 * Moves committed deltas into the folded tables, exactly: DELETE … RETURNING takes the rows it removes, a delta
 * committed meanwhile stays for the next fold, and readers sum folded + unfolded. One folder at a time (advisory
 * lock); a caller that does not get it skips (another is folding).
 *
 * One statement, so one round trip and its own transaction: the lock is taken first (a materialised CTE read by
 * both DELETEs as an InitPlan) and released at the end of the transaction (the statement's own under autocommit, as
 * every caller runs it); every data-modifying CTE runs exactly once whether or not the final SELECT reads it. Each
 * concluded case's completion delta becomes one count in its month's histogram, per procedure and in the rollup over
 * all procedures ('*'), so a stats read without a procedure filter reads one row per department and month.
 */
function foldStatement(): RawBuilder<{ ok: boolean }> {
  return sql<{ ok: boolean }>`
    with lock as materialized (select pg_try_advisory_xact_lock(727274) as ok),
    counted as (delete from supervision_count_deltas where (select ok from lock) returning *),
    counts as (
      insert into supervision_counts as s (jurisdiction, department, procedure, kind, open, near_due, overdue)
      select jurisdiction, department, procedure, kind, sum(open), sum(near_due), sum(overdue) from counted group by 1, 2, 3, 4 order by 1, 2, 3, 4
      on conflict (jurisdiction, department, procedure, kind) do update set
        open = s.open + excluded.open, near_due = s.near_due + excluded.near_due, overdue = s.overdue + excluded.overdue),
    concluded as (delete from supervision_completion_deltas where (select ok from lock) returning *),
    cells as (
      select jurisdiction, department, procedure, month, working_days, count(*) as n, count(*) filter (where on_time) as on_time
      from concluded group by 1, 2, 3, 4, 5),
    both_levels as (
      select jurisdiction, department, procedure, month, working_days, n, on_time from cells
      union all select jurisdiction, department, '*', month, working_days, sum(n)::bigint, sum(on_time)::bigint from cells group by 1, 2, 4, 5),
    months as (
      insert into supervision_completion_months as m (jurisdiction, department, procedure, month, concluded, on_time, histogram)
      select jurisdiction, department, procedure, month, sum(n)::bigint, sum(on_time)::bigint, supervision_histogram_sum(supervision_histogram_of(working_days, n))
      from both_levels group by 1, 2, 3, 4 order by 1, 2, 3, 4
      on conflict (jurisdiction, department, procedure, month) do update set
        concluded = m.concluded + excluded.concluded, on_time = m.on_time + excluded.on_time,
        histogram = supervision_histogram_add(m.histogram, excluded.histogram))
    select ok from lock
  `
}

export async function foldSupervisionDeltas(db: Kysely<Database>): Promise<boolean> {
  return (await foldStatement().execute(db)).rows[0]?.ok === true
}

export interface StatsFilter extends SupervisionFilter {
  /** Months of completion, 'YYYY-MM', inclusive. */
  from: string
  to: string
}

export interface MonthStats {
  month: string
  concluded: number
  onTime: number
  onTimeRate: number | null
  medianWorkingDays: number | null
  p90WorkingDays: number | null
}

export interface GroupStats {
  jurisdiction: string
  department: string
  open: number
  nearDue: number
  overdue: number
  months: MonthStats[]
}

function decodeStatsCursor(cursor: string): { jurisdiction: string; department: string } {
  const [jurisdiction, department] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  if (!jurisdiction || !/^[0-9]{6}$/.test(jurisdiction) || !department || !/^[A-Za-z]{1,40}$/.test(department)) throw invalidCursor()
  return { jurisdiction, department }
}

/** Nearest-rank percentile over a histogram sorted by value: the smallest value whose cumulative count reaches ⌈p·n⌉. */
export function percentile(histogram: readonly (readonly [number, number])[], p: number): number | null {
  const n = histogram.reduce((s, [, c]) => s + c, 0)
  if (n === 0) return null
  const rank = Math.max(1, Math.ceil(p * n))
  let cum = 0
  for (const [value, count] of histogram) {
    cum += count
    if (cum >= rank) return value
  }
  return histogram.at(-1)![0]
}

/**
 * Conditions on completion rows. Folded months: the procedure's own rows when the filter names one, else the rollup
 * over all procedures ('*'). Unfolded deltas carry real procedure names only.
 */
function completionConditions(f: StatsFilter, folded: boolean): RawBuilder<unknown>[] {
  const out = [...groupConditions(f, 's', false), sql`s.month between ${f.from} and ${f.to}`]
  if (folded && !f.procedure) out.push(sql`s.procedure = '*'`)
  return out
}

/** The group keys of one page, then their counts and completion histograms (the keys of this page only). */
export function statsKeysQuery(f: StatsFilter, limit: number, cursor?: string): RawBuilder<{ jurisdiction: string; department: string }> {
  const counts = groupConditions(f, 's')
  const where = (c: RawBuilder<unknown>[]) => (c.length ? sql`where ${sql.join(c, sql` and `)}` : sql``)
  const after = cursor ? (() => { const c = decodeStatsCursor(cursor); return sql`where (jurisdiction, department) > (${c.jurisdiction}, ${c.department})` })() : sql``
  return sql<{ jurisdiction: string; department: string }>`
    select jurisdiction, department from (
      select s.jurisdiction, s.department from supervision_counts s ${where(counts)}
      union all select s.jurisdiction, s.department from supervision_count_deltas s ${where(counts)}
      union all select s.jurisdiction, s.department from supervision_completion_months s ${where(completionConditions(f, true))}
      union all select s.jurisdiction, s.department from supervision_completion_deltas s ${where(completionConditions(f, false))}
    ) k ${after}
    group by jurisdiction, department order by jurisdiction, department limit ${limit + 1}
  `
}

/** A histogram as PostgreSQL prints a bigint[] ('{3,0,5}': element i + 1 counts i working days), read exactly. */
export function parseHistogram(text: string): number[] {
  const inner = text.replace(/^\{|\}$/g, '')
  return inner === '' ? [] : inner.split(',').map(Number)
}

interface MonthAccumulator { concluded: number; onTime: number; histogram: number[] }

function addToMonth(acc: MonthAccumulator, concluded: number, onTime: number, histogram: readonly number[]): void {
  acc.concluded += concluded
  acc.onTime += onTime
  histogram.forEach((n, i) => { acc.histogram[i] = (acc.histogram[i] ?? 0) + n })
}

export async function readStats(db: Kysely<Database>, f: StatsFilter, limit: number, cursor?: string): Promise<{ groups: GroupStats[]; nextCursor: string | null }> {
  const keys = (await statsKeysQuery(f, limit, cursor).execute(db)).rows
  const page = keys.slice(0, limit)
  if (page.length === 0) return { groups: [], nextCursor: null }
  // The page's groups as one key range: the keys query returned every group in (first, last) that the filters let
  // through, so the range with the same filters holds exactly this page (one index range, not one probe per group).
  const first = page[0]!
  const last = page.at(-1)!
  const inPage = sql`(s.jurisdiction, s.department) >= (${first.jurisdiction}, ${first.department}) and (s.jurisdiction, s.department) <= (${last.jurisdiction}, ${last.department})`
  const counts = [inPage, ...groupConditions(f, 's')]
  const countRows = (await sql<{ jurisdiction: string; department: string; open: string; near_due: string; overdue: string }>`
    select jurisdiction, department, sum(open)::text as open, sum(near_due)::text as near_due, sum(overdue)::text as overdue from (
      select s.jurisdiction, s.department, s.open, s.near_due, s.overdue from supervision_counts s where ${sql.join(counts, sql` and `)}
      union all select s.jurisdiction, s.department, s.open, s.near_due, s.overdue from supervision_count_deltas s where ${sql.join(counts, sql` and `)}
    ) x group by 1, 2
  `.execute(db)).rows
  // Folded months (one row per county, department and month for the rollup; per procedure when filtered) and the
  // deltas not yet folded, as histograms, in ONE statement: a fold committing between two reads would otherwise move
  // deltas from the second read's table into the first's after it was read, and they would be counted nowhere.
  const monthRows = (await sql<{ jurisdiction: string; department: string; month: string; concluded: string; on_time: string; histogram: string }>`
    select s.jurisdiction, s.department, s.month, s.concluded::text as concluded, s.on_time::text as on_time, s.histogram::text as histogram
    from supervision_completion_months s where ${sql.join([inPage, ...completionConditions(f, true)], sql` and `)}
    union all
    select s.jurisdiction, s.department, s.month, count(*)::text, count(*) filter (where s.on_time)::text,
           supervision_histogram_of(s.working_days, count(*))::text
    from supervision_completion_deltas s where ${sql.join([inPage, ...completionConditions(f, false)], sql` and `)}
    group by s.jurisdiction, s.department, s.month, s.working_days
  `.execute(db)).rows
  const months = new Map<string, Map<string, MonthAccumulator>>()
  const monthOf = (jurisdiction: string, department: string, month: string): MonthAccumulator => {
    const group = `${jurisdiction}|${department}`
    let byMonth = months.get(group)
    if (!byMonth) months.set(group, (byMonth = new Map()))
    let acc = byMonth.get(month)
    if (!acc) byMonth.set(month, (acc = { concluded: 0, onTime: 0, histogram: [] }))
    return acc
  }
  for (const r of monthRows) addToMonth(monthOf(r.jurisdiction, r.department, r.month), Number(r.concluded), Number(r.on_time), parseHistogram(r.histogram))
  const groups: GroupStats[] = page.map((k) => {
    const c = countRows.find((r) => r.jurisdiction === k.jurisdiction && r.department === k.department)
    const byMonth = months.get(`${k.jurisdiction}|${k.department}`) ?? new Map<string, MonthAccumulator>()
    const monthStats = [...byMonth.entries()].filter(([, m]) => m.concluded > 0).sort(([a], [b]) => a.localeCompare(b)).map(([month, m]) => {
      const h = m.histogram.flatMap((n, days) => (n > 0 ? [[days, n] as const] : []))
      return { month, concluded: m.concluded, onTime: m.onTime, onTimeRate: m.onTime / m.concluded, medianWorkingDays: percentile(h, 0.5), p90WorkingDays: percentile(h, 0.9) }
    })
    return { jurisdiction: k.jurisdiction, department: k.department, open: Number(c?.open ?? 0), nearDue: Number(c?.near_due ?? 0), overdue: Number(c?.overdue ?? 0), months: monthStats }
  })
  return { groups, nextCursor: keys.length > limit ? encodeCursor([last.jurisdiction, last.department]) : null }
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; lines end CRLF. */
export function csvLine(fields: readonly (string | number | null)[]): string {
  return fields.map((v) => {
    const s = v === null ? '' : String(v)
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }).join(',') + '\r\n'
}
