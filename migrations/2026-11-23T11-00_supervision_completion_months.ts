/**
 * Completion statistics in one row per county, department, procedure and month, the working-days histogram held as
 * an array (element i + 1 = cases concluded in i working days), and a rollup row over all procedures (procedure '*')
 * kept by the same fold, read when no procedure filter is given.
 *
 * Why: the histogram of migration 09 had one row per working-days value, ~10,800 rows per county and ~65,000 per city
 * over twelve months at 1,000,000 cases; reading and aggregating them kept stats reads at 27 ms (county) and 165 ms
 * (city) p50, over the 20 ms target of issue #8 (docs/BENCHMARKS.md, Supervision, before this change). Here a county's
 * twelve months are 72 rollup rows and a city's 432, whatever the spread of working days; median and p90 stay exact.
 *
 * The fold (src/supervision/queries.ts, foldSupervisionDeltas) adds each delta's histogram with
 * supervision_histogram_add; rows already folded are carried over below. Runs on PostgreSQL 15 and PGlite.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Element-wise sum of two histograms of any lengths (a missing element counts 0).
  await sql`create function supervision_histogram_add(a bigint[], b bigint[]) returns bigint[] language sql immutable as $$
    select coalesce(array_agg(coalesce(a[i], 0) + coalesce(b[i], 0) order by i), '{}'::bigint[])
    from generate_series(1, greatest(coalesce(cardinality(a), 0), coalesce(cardinality(b), 0))) i $$`.execute(db)
  await sql`create aggregate supervision_histogram_sum(bigint[]) (sfunc = supervision_histogram_add, stype = bigint[], initcond = '{}')`.execute(db)
  // The histogram of n cases concluded in `working_days` days: zeros, then n at position working_days + 1.
  await sql`create function supervision_histogram_of(working_days integer, n bigint) returns bigint[] language sql immutable as $$
    select array_fill(0::bigint, array[working_days]) || n $$`.execute(db)

  // A concluded case's working days are counted from filing to conclusion, never negative (engine.ts #completion).
  await sql`alter table supervision_completion_deltas add constraint supervision_completion_deltas_working_days_check check (working_days >= 0)`.execute(db)
  // '*' names the rollup row; no procedure may take it.
  await sql`alter table supervision_completion_deltas add constraint supervision_completion_deltas_procedure_check check (procedure <> '*')`.execute(db)

  await sql`create table supervision_completion_months (
    jurisdiction text not null, department text not null,
    procedure text not null, -- a procedure's name, or '*' for the rollup over all procedures
    month text not null check (month ~ '^[0-9]{4}-[0-9]{2}$'),
    concluded bigint not null check (concluded >= 0), on_time bigint not null check (on_time between 0 and concluded),
    histogram bigint[] not null,
    primary key (jurisdiction, department, procedure, month))`.execute(db)

  // Carry over what migration 09's histogram holds (empty on a fresh install).
  await sql`insert into supervision_completion_months (jurisdiction, department, procedure, month, concluded, on_time, histogram)
    select jurisdiction, department, procedure, month, sum(concluded), sum(on_time),
           supervision_histogram_sum(supervision_histogram_of(working_days, concluded))
    from (select jurisdiction, department, procedure, month, working_days, concluded, on_time from supervision_completions
          union all
          select jurisdiction, department, '*', month, working_days, concluded, on_time from supervision_completions) c
    group by 1, 2, 3, 4`.execute(db)
  await sql`drop table supervision_completions`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create table supervision_completions (
    jurisdiction text not null, department text not null, procedure text not null, month text not null,
    working_days integer not null, concluded bigint not null default 0, on_time bigint not null default 0,
    primary key (jurisdiction, department, month, procedure, working_days))`.execute(db)
  await sql`create index supervision_completions_read_idx on supervision_completions (jurisdiction, department, month, procedure, working_days)
    include (concluded, on_time)`.execute(db)
  // The per-value rows come back; on-time counts were kept per month only, so they return on the month's first value.
  await sql`insert into supervision_completions (jurisdiction, department, procedure, month, working_days, concluded, on_time)
    select m.jurisdiction, m.department, m.procedure, m.month, h.i - 1, h.n,
           case when h.i = (select min(j) from unnest(m.histogram) with ordinality u(v, j) where v > 0) then m.on_time else 0 end
    from supervision_completion_months m, unnest(m.histogram) with ordinality h(n, i)
    where m.procedure <> '*' and h.n > 0`.execute(db)
  await sql`drop table supervision_completion_months`.execute(db)
  await sql`alter table supervision_completion_deltas drop constraint supervision_completion_deltas_procedure_check`.execute(db)
  await sql`alter table supervision_completion_deltas drop constraint supervision_completion_deltas_working_days_check`.execute(db)
  await sql`drop function supervision_histogram_of(integer, bigint)`.execute(db)
  await sql`drop aggregate supervision_histogram_sum(bigint[])`.execute(db)
  await sql`drop function supervision_histogram_add(bigint[], bigint[])`.execute(db)
}
