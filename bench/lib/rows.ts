/**
 * Rows of one case across every table that holds them (cases, and each table with a case_id column), read from
 * the catalog so the bench follows the migrations: to copy prepared cases in SQL, and to insert "the same rows
 * the engine writes" by hand.
 */
import type pg from 'pg'

export interface Column { name: string; udt: string }
export interface CaseTable { table: string; columns: Column[] }

/** Insert order that satisfies the foreign keys known today; tables added later go last. */
const ORDER = ['cases', 'clocks', 'timers', 'case_events', 'outbox']

/** `cases` and every table with a `case_id`, with their columns minus generated ones (serial ids, identities). */
export async function caseTables(db: pg.Client): Promise<CaseTable[]> {
  const { rows } = await db.query<{ table_name: string; column_name: string; udt_name: string; column_default: string | null; is_identity: string }>(
    `select c.table_name, c.column_name, c.udt_name, c.column_default, c.is_identity
       from information_schema.columns c
      where c.table_schema = current_schema()
        and (c.table_name = 'cases' or c.table_name in (select table_name from information_schema.columns
                                                         where table_schema = current_schema() and column_name = 'case_id'))
        and c.table_name not like 'bench_%'
      order by c.table_name, c.ordinal_position`)
  const byTable = new Map<string, Column[]>()
  for (const r of rows) {
    if (r.is_identity === 'YES' || r.column_default?.startsWith('nextval(')) continue
    const cols = byTable.get(r.table_name) ?? []
    cols.push({ name: r.column_name, udt: r.udt_name })
    byTable.set(r.table_name, cols)
  }
  const rank = (t: string) => (ORDER.includes(t) ? ORDER.indexOf(t) : ORDER.length)
  return [...byTable].map(([table, columns]) => ({ table, columns })).sort((a, b) => rank(a.table) - rank(b.table) || a.table.localeCompare(b.table))
}

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`

/**
 * Copies `count` cases round-robin from `sources` (every row of each), with new case ids and, for filed cases, new
 * filing numbers continuing the sequence (in the row, the snapshot and the FILE event). Returns the new ids in order.
 */
export async function cloneCases(db: pg.Client, tables: CaseTable[], sources: string[], count: number): Promise<string[]> {
  const fired = await db.query(`select 1 from case_events where case_id = any($1::uuid[]) and timer_id is not null limit 1`, [sources])
    .catch(() => ({ rowCount: 0 }))
  if (fired.rowCount) throw new Error('cloneCases does not copy events fired by timers')
  await db.query('begin')
  try {
    await db.query(`create temp table clone_map on commit drop as
                      select g.n, gen_random_uuid() as id, s.id as src_id, s.filing_number as src_fn, null::text as fn
                        from generate_series(1, $1::int) g(n)
                        join (select id, filing_number, (row_number() over (order by id) - 1)::int as k from cases where id = any($2::uuid[])) s
                          on s.k = (g.n - 1) % $3::int`, [count, sources, sources.length])
    // <jurisdiction>-<year>-<5 digits>, continuing after the numbers the engine issued.
    await db.query(`update clone_map set fn = left(src_fn, 12) || lpad(($1::int + n)::text, 5, '0') where src_fn is not null`, [sources.length])
    // Text and JSON values that mention the source case or its filing number get the clone's.
    const swap = (expr: string, udt: string) => {
      const text = `replace(replace(${expr}::text, m.src_id::text, m.id::text), coalesce(m.src_fn, m.id::text), coalesce(m.fn, m.id::text))`
      return udt === 'jsonb' || udt === 'json' ? `(${text})::${udt}` : text
    }
    for (const t of tables) {
      const key = t.table === 'cases' ? 'id' : 'case_id'
      const exprs = t.columns.map((c) => {
        if (c.name === key) return 'm.id'
        if (t.table === 'cases' && c.name === 'filing_number') return 'm.fn'
        if (['jsonb', 'json', 'text'].includes(c.udt)) return swap(`s.${q(c.name)}`, c.udt)
        return `s.${q(c.name)}`
      })
      await db.query(`insert into ${q(t.table)} (${t.columns.map((c) => q(c.name)).join(', ')})
                      select ${exprs.join(', ')} from clone_map m join ${q(t.table)} s on s.${q(key)} = m.src_id order by m.n`)
    }
    const { rows } = await db.query<{ id: string }>('select id from clone_map order by n')
    await db.query('commit')
    return rows.map((r) => r.id)
  } catch (err) {
    await db.query('rollback').catch(() => {})
    throw err
  }
}

/** The rows of one case, ready to be inserted again under another id with named prepared statements. */
export interface CaseRows { caseId: string; tables: { table: string; columns: Column[]; rows: unknown[][] }[] }

export async function captureCase(db: pg.Client, tables: CaseTable[], caseId: string): Promise<CaseRows> {
  const out: CaseRows = { caseId, tables: [] }
  for (const t of tables) {
    const key = t.table === 'cases' ? 'id' : 'case_id'
    const { rows } = await db.query({
      text: `select ${t.columns.map((c) => q(c.name)).join(', ')} from ${q(t.table)} where ${q(key)} = $1`,
      values: [caseId], rowMode: 'array',
    })
    if (rows.length === 0) continue
    // jsonb comes back parsed: send it back as its JSON text.
    const values = rows.map((r: unknown[]) => r.map((v, i) => (['jsonb', 'json'].includes(t.columns[i]!.udt) ? JSON.stringify(v) : v)))
    out.tables.push({ table: t.table, columns: t.columns, rows: values })
  }
  return out
}

/** BEGIN; one INSERT per table (all its rows); COMMIT: the case's rows again, under `newId`. */
export async function insertCaseRows(client: pg.PoolClient, rows: CaseRows, newId: string): Promise<void> {
  await client.query('begin')
  try {
    for (const t of rows.tables) {
      const n = t.columns.length
      const tuples = t.rows.map((_, r) => `(${t.columns.map((c, i) => `$${r * n + i + 1}::${c.udt}`).join(', ')})`)
      const values = t.rows.flatMap((row) => row.map((v) =>
        v === rows.caseId ? newId : typeof v === 'string' && v.includes(rows.caseId) ? v.replaceAll(rows.caseId, newId) : v))
      await client.query({
        name: `bench-copy-${t.table}-${t.rows.length}`,
        text: `insert into ${q(t.table)} (${t.columns.map((c) => q(c.name)).join(', ')}) values ${tuples.join(', ')}`,
        values,
      })
    }
    await client.query('commit')
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw err
  }
}
