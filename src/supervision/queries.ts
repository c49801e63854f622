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
 */
export async function foldSupervisionDeltas(db: Kysely<Database>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const got = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(727274) as ok`.execute(trx)
    if (!got.rows[0]?.ok) return false
    await sql`
      with d as (delete from supervision_count_deltas returning *)
      insert into supervision_counts (jurisdiction, department, procedure, kind, open, near_due, overdue)
      select jurisdiction, department, procedure, kind, sum(open), sum(near_due), sum(overdue) from d group by 1, 2, 3, 4 order by 1, 2, 3, 4
      on conflict (jurisdiction, department, procedure, kind) do update set open = supervision_counts.open + excluded.open,
        near_due = supervision_counts.near_due + excluded.near_due, overdue = supervision_counts.overdue + excluded.overdue
    `.execute(trx)
    await sql`
      with d as (delete from supervision_completion_deltas returning *)
      insert into supervision_completions (jurisdiction, department, procedure, month, working_days, concluded, on_time)
      select jurisdiction, department, procedure, month, working_days, count(*), count(*) filter (where on_time) from d
      group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
      on conflict (jurisdiction, department, month, procedure, working_days) do update set
        concluded = supervision_completions.concluded + excluded.concluded, on_time = supervision_completions.on_time + excluded.on_time
    `.execute(trx)
    return true
  })
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

/** The group keys of one page, then their counts and completion histograms (the keys of this page only). */
export function statsKeysQuery(f: StatsFilter, limit: number, cursor?: string): RawBuilder<{ jurisdiction: string; department: string }> {
  const counts = groupConditions(f, 's')
  const completions = [...groupConditions(f, 's', false), sql`s.month between ${f.from} and ${f.to}`]
  const where = (c: RawBuilder<unknown>[]) => (c.length ? sql`where ${sql.join(c, sql` and `)}` : sql``)
  const after = cursor ? (() => { const c = decodeStatsCursor(cursor); return sql`where (jurisdiction, department) > (${c.jurisdiction}, ${c.department})` })() : sql``
  return sql<{ jurisdiction: string; department: string }>`
    select jurisdiction, department from (
      select s.jurisdiction, s.department from supervision_counts s ${where(counts)}
      union all select s.jurisdiction, s.department from supervision_count_deltas s ${where(counts)}
      union all select s.jurisdiction, s.department from supervision_completions s ${where(completions)}
      union all select s.jurisdiction, s.department from supervision_completion_deltas s ${where(completions)}
    ) k ${after}
    group by jurisdiction, department order by jurisdiction, department limit ${limit + 1}
  `
}

export async function readStats(db: Kysely<Database>, f: StatsFilter, limit: number, cursor?: string): Promise<{ groups: GroupStats[]; nextCursor: string | null }> {
  const keys = (await statsKeysQuery(f, limit, cursor).execute(db)).rows
  const page = keys.slice(0, limit)
  if (page.length === 0) return { groups: [], nextCursor: null }
  const inPage = sql`(s.jurisdiction, s.department) in (${sql.join(page.map((k) => sql`(${k.jurisdiction}, ${k.department})`))})`
  const counts = [inPage, ...groupConditions(f, 's')]
  const completions = [inPage, ...groupConditions(f, 's', false), sql`s.month between ${f.from} and ${f.to}`]
  const countRows = (await sql<{ jurisdiction: string; department: string; open: string; near_due: string; overdue: string }>`
    select jurisdiction, department, sum(open)::text as open, sum(near_due)::text as near_due, sum(overdue)::text as overdue from (
      select s.jurisdiction, s.department, s.open, s.near_due, s.overdue from supervision_counts s where ${sql.join(counts, sql` and `)}
      union all select s.jurisdiction, s.department, s.open, s.near_due, s.overdue from supervision_count_deltas s where ${sql.join(counts, sql` and `)}
    ) x group by 1, 2
  `.execute(db)).rows
  const histRows = (await sql<{ jurisdiction: string; department: string; month: string; working_days: number; concluded: string; on_time: string }>`
    select jurisdiction, department, month, working_days, sum(concluded)::text as concluded, sum(on_time)::text as on_time from (
      select s.jurisdiction, s.department, s.month, s.working_days, s.concluded, s.on_time from supervision_completions s where ${sql.join(completions, sql` and `)}
      union all select s.jurisdiction, s.department, s.month, s.working_days, 1, case when s.on_time then 1 else 0 end
      from supervision_completion_deltas s where ${sql.join(completions, sql` and `)}
    ) x group by 1, 2, 3, 4 order by 1, 2, 3, 4
  `.execute(db)).rows
  const groups: GroupStats[] = page.map((k) => {
    const c = countRows.find((r) => r.jurisdiction === k.jurisdiction && r.department === k.department)
    const mine = histRows.filter((r) => r.jurisdiction === k.jurisdiction && r.department === k.department)
    const months = [...new Set(mine.map((r) => r.month))].sort().map((month) => {
      const h = mine.filter((r) => r.month === month).map((r) => [Number(r.working_days), Number(r.concluded)] as const)
      const concluded = h.reduce((s, [, n]) => s + n, 0)
      const onTime = mine.filter((r) => r.month === month).reduce((s, r) => s + Number(r.on_time), 0)
      return { month, concluded, onTime, onTimeRate: concluded ? onTime / concluded : null, medianWorkingDays: percentile(h, 0.5), p90WorkingDays: percentile(h, 0.9) }
    })
    return { jurisdiction: k.jurisdiction, department: k.department, open: Number(c?.open ?? 0), nearDue: Number(c?.near_due ?? 0), overdue: Number(c?.overdue ?? 0), months }
  })
  const last = page.at(-1)!
  return { groups, nextCursor: keys.length > limit ? encodeCursor([last.jurisdiction, last.department]) : null }
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; lines end CRLF. */
export function csvLine(fields: readonly (string | number | null)[]): string {
  return fields.map((v) => {
    const s = v === null ? '' : String(v)
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }).join(',') + '\r\n'
}
