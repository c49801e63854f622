/**
 * The commands of `npm run calendar`, on an open database (src/cli/calendar.ts opens it). Kept apart from the
 * process entry so the tests run them on both databases.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { Engine } from '../engine/engine.ts'
import type { Principal } from '../auth/principal.ts'
import { DomainError } from '../engine/errors.ts'
import { addOverride, loadYear, recomputeForDate, removeOverride } from './admin.ts'
import type { RecomputeReport } from './recompute.ts'
import { yearListing } from './read.ts'

export const USAGE = `usage: npm run calendar -- <command> …

  load-year <year> <file.json> --source "<notice>"   load (or reload) a year's State Council arrangement
                                                     (chinese-days year-file shape: {holidays, workdays, inLieuDays?})
  add-override <jurisdiction> <date> <closed|open> <name>
                                                     a local closure / holiday, or an extra working day
  remove-override <jurisdiction> <date>              remove a local override
  recompute <jurisdiction> <date>                    recompute open deadlines crossing a date (after failures)
  list <jurisdiction> <year>                         days off and worked days of a year

  --json    print the result as JSON

Uses DATABASE_URL, or the embedded database in ONEWINDOW_DATA_DIR (default ./data), which only one process may open:
stop the server first, or use the admin API (PUT /v1/admin/calendar-years/{year}, POST /v1/admin/calendars/{jurisdiction}/overrides).`

/** A mistake in the command line: printed with the usage, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export interface CommandContext {
  db: Kysely<Database>
  engine: Engine
  actor: Principal
  now?: Date
  /** Receives each output line. */
  print: (line: string) => void
}

function formatReport(report: RecomputeReport): string[] {
  const lines = [`recompute: ${report.casesExamined} case(s) examined, ${report.casesChanged} changed, ${report.casesUnchanged} unchanged, ${report.failures.length} failed`]
  for (const c of report.changes) {
    for (const ch of c.clockChanges) {
      lines.push(`  case ${c.caseId} (${c.jurisdiction}) event ${c.seq}: ${ch.clock}/${ch.kind} ${ch.dueBefore ?? '—'} → ${ch.dueAfter ?? '—'}${ch.provisional ? ' (provisional)' : ''}`)
    }
  }
  for (const f of report.failures) lines.push(`  FAILED case ${f.caseId} (${f.jurisdiction}): ${f.code}: ${f.detail}`)
  if (report.failures.length) lines.push('  the calendar change is saved; after fixing the cause run: npm run calendar -- recompute <jurisdiction> <date> (or reload the year)')
  return lines
}

function need(positionals: string[], count: number, shape: string): string[] {
  if (positionals.length !== count) throw new UsageError(`expected: ${shape} (got ${positionals.length} argument(s))`)
  return positionals
}

function year(text: string): number {
  if (!/^\d{4}$/.test(text)) throw new UsageError(`the year must have four digits, got ${JSON.stringify(text)}`)
  return Number(text)
}

/** Runs one command; throws UsageError for a bad command line and DomainError when the operation is refused. */
export async function runCalendarCommand(argv: readonly string[], ctx: CommandContext): Promise<void> {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv], allowPositionals: true, strict: true,
      options: { source: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const { values, positionals } = parsed
  const [command, ...args] = positionals
  const out = (result: unknown, lines: string[]) => {
    if (values.json) ctx.print(JSON.stringify(result, null, 2))
    else for (const l of lines) ctx.print(l)
  }
  const now = ctx.now ? { now: ctx.now } : {}
  switch (command) {
    case 'load-year': {
      const [y, file] = need(args, 2, 'load-year <year> <file.json> --source "<notice>"') as [string, string]
      if (!values.source) throw new UsageError('load-year needs --source "<notice>" (e.g. the State Council notice number)')
      let json: unknown
      try {
        json = JSON.parse(readFileSync(file, 'utf8'))
      } catch (err) {
        throw new UsageError(`cannot read ${file} as JSON: ${(err as Error).message}`)
      }
      const r = await loadYear(ctx.db, ctx.engine, year(y), json, values.source, ctx.actor, now)
      out(r, [
        `loaded ${r.year} from ${r.source}: ${r.holidays} day(s) off, ${r.workdays} make-up working day(s)${r.replaced ? ` (replaced the ${r.replaced} arrangement)` : ''}`,
        ...formatReport(r.report),
      ])
      return
    }
    case 'add-override': {
      const [jurisdiction, date, kind, name] = need(args, 4, 'add-override <jurisdiction> <date> <closed|open> <name>') as [string, string, string, string]
      if (kind !== 'closed' && kind !== 'open') throw new UsageError(`the kind must be closed or open, got ${JSON.stringify(kind)}`)
      const r = await addOverride(ctx.db, ctx.engine, { jurisdiction, date, kind, name }, ctx.actor, now)
      out(r, [`added ${r.override.kind} ${r.override.date} "${r.override.name}" for ${r.override.jurisdiction}`, ...formatReport(r.report)])
      return
    }
    case 'remove-override': {
      const [jurisdiction, date] = need(args, 2, 'remove-override <jurisdiction> <date>') as [string, string]
      const r = await removeOverride(ctx.db, ctx.engine, { jurisdiction, date }, ctx.actor, now)
      out(r, [`removed ${r.override.kind} ${r.override.date} "${r.override.name}" of ${r.override.jurisdiction}`, ...formatReport(r.report)])
      return
    }
    case 'recompute': {
      const [jurisdiction, date] = need(args, 2, 'recompute <jurisdiction> <date>') as [string, string]
      const r = await recomputeForDate(ctx.db, ctx.engine, { jurisdiction, date }, ctx.actor)
      out(r, formatReport(r))
      return
    }
    case 'list': {
      const [jurisdiction, y] = need(args, 2, 'list <jurisdiction> <year>') as [string, string]
      if (!/^[0-9]{6}$/.test(jurisdiction)) throw new UsageError(`the jurisdiction must be a six-digit code, got ${JSON.stringify(jurisdiction)}`)
      const r = await yearListing(ctx.db, jurisdiction, year(y))
      const lines = [`${r.jurisdiction} ${r.year}: ${r.published ? `published (${r.source})` : 'NOT PUBLISHED: weekends only, deadlines reaching it are provisional'}`]
      for (const d of r.daysOff) lines.push(`  off     ${d.date}  ${d.name}${d.jurisdiction ? ` [local ${d.jurisdiction}]` : ''}`)
      for (const d of r.workedDays) lines.push(`  worked  ${d.date}  ${d.name}${d.jurisdiction ? ` [local ${d.jurisdiction}]` : ' (调休)'}`)
      for (const o of r.overrides.filter((x) => !x.effective)) lines.push(`  (shadowed) ${o.date} ${o.kind} "${o.name}" of ${o.jurisdiction}`)
      for (const n of r.notes) lines.push(`  note: ${n}`)
      out(r, lines)
      return
    }
    case undefined:
      throw new UsageError('no command given')
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`)
  }
}

/** Whether the argument list asks only for help (answered without opening the database). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help'
}

/** `code: detail` for a refused operation, the message otherwise. */
export function describeFailure(err: unknown): string {
  if (err instanceof DomainError) {
    const errors = (err.extensions.errors as { name: string; reason: string }[] | undefined) ?? []
    return errors.length ? `${err.code}: ${errors.map((e) => `${e.name.replace(/^\//, '')} ${e.reason}`).join('; ')}` : `${err.code}: ${err.message}`
  }
  return (err as Error).message
}
