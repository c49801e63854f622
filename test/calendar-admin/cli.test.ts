/**
 * `npm run calendar`: the commands on the suite's database (runCalendarCommand, as src/cli/calendar.ts runs them),
 * and the process refusing to open an embedded database another process holds.
 */
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildTestApp } from '../helpers/app.ts'
import { databaseName } from '../helpers/db.ts'
import { runCalendarCommand } from '../../src/calendarStore/cli.ts'
import type { Principal } from '../../src/auth/principal.ts'
import { fileCase, intakeDue, recomputes } from './helpers.ts'

const cliActor: Principal = { id: 'cli:tester', role: 'admin', jurisdiction: '000000' }

t.test(`calendar CLI commands: load-year, add-override, list, remove-override (${databaseName})`, async (t) => {
  const h = await buildTestApp(t, { at: '2026-12-28T09:00:00+08:00' })
  const id = await fileCase(h, '2026-12-28T09:00:00+08:00')
  const lines: string[] = []
  const run = (...argv: string[]) => runCalendarCommand(argv, { db: h.database.db, engine: h.engine, actor: cliActor, now: h.clock.now(), print: (l) => lines.push(l) })

  const dir = mkdtempSync(join(tmpdir(), 'calendar-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'notice-2027.json')
  writeFileSync(file, JSON.stringify({ holidays: { '2027-01-01': "New Year's Day,元旦,1" }, workdays: {}, inLieuDays: {} }))

  await t.rejects(run('load-year', '2027', file), { name: 'UsageError' }, '--source is required')
  await run('load-year', '2027', file, '--source', '国办发明电〔2026〕x号')
  t.match(lines.join('\n'), /loaded 2027 from 国办发明电〔2026〕x号: 1 day\(s\) off, 0 make-up working day\(s\)/)
  t.match(lines.join('\n'), /recompute: 1 case\(s\) examined, 1 changed, 0 unchanged, 0 failed/)
  t.match(lines.join('\n'), /intakeLimit\/statutory 2027-01-04 → 2027-01-05/)
  t.equal(await intakeDue(h, id), '2027-01-05')
  t.match((await recomputes(h, id))[0], { actorId: 'cli:tester', actorRole: 'admin' })

  lines.length = 0
  await run('add-override', '421202', '2026-12-30', 'closed', '服务大厅维修')
  t.match(lines, [/added closed 2026-12-30 "服务大厅维修" for 421202/, /1 case\(s\) examined, 1 changed/, /2027-01-05 → 2027-01-06/, /2027-01-05 → 2027-01-06/])
  t.equal(await intakeDue(h, id), '2027-01-06')

  lines.length = 0
  await run('list', '421202', '2026')
  t.ok(lines.some((l) => /off\s+2026-12-30\s+服务大厅维修 \[local 421202\]/.test(l)), 'the closure is listed')
  t.ok(lines.some((l) => /worked\s+2026-10-10\s+国庆节 \(调休\)/.test(l)), 'make-up days are listed')

  lines.length = 0
  await run('list', '421202', '2027', '--json')
  t.match(JSON.parse(lines.join('\n')), { year: 2027, published: true, source: '国办发明电〔2026〕x号' })

  lines.length = 0
  await run('remove-override', '421202', '2026-12-30')
  t.match(lines, [/removed closed 2026-12-30/, /1 changed/, /2027-01-06 → 2027-01-05/, /2027-01-06 → 2027-01-05/])

  await t.rejects(run('remove-override', '421202', '2026-12-30'), { code: 'calendar-override-not-found' })
  await t.rejects(run('add-override', '421202', '2026-12-31', 'shut', 'x'), { name: 'UsageError' })
  await t.rejects(run('add-override', '421202', '2026-12-31'), { name: 'UsageError' })
  await t.rejects(run('frobnicate'), { name: 'UsageError' })
  await t.rejects(run('list', '421202', '2026', '--bogus'), { name: 'UsageError' })
  await t.rejects(run('load-year', '2027', join(dir, 'missing.json'), '--source', 'x号x'), { name: 'UsageError' })
})

t.test('the CLI refuses an embedded database held by another process, and says why', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'calendar-cli-lock-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  // This test process is alive: its pid in the lock file stands for a running server.
  writeFileSync(join(dir, '.onewindow.lock'), `${process.pid}\n`)
  const env: NodeJS.ProcessEnv = { ...process.env, ONEWINDOW_DATA_DIR: dir }
  delete env.DATABASE_URL
  const entry = fileURLToPath(new URL('../../src/cli/calendar.ts', import.meta.url))
  const result = spawnSync(process.execPath, ['--no-warnings=ExperimentalWarning', entry, 'list', '421202', '2026'], { env, encoding: 'utf8' })
  t.equal(result.status, 3, 'exit status 3')
  t.match(result.stderr, new RegExp(`in use by process ${process.pid}`))
  t.match(result.stderr, /Is the onewindow server \(or worker\) running on this folder\?/)
  t.match(result.stderr, /PUT \/v1\/admin\/calendar-years\/\{year\}/, 'points to the admin API')

  const help = spawnSync(process.execPath, ['--no-warnings=ExperimentalWarning', entry, '--help'], { env, encoding: 'utf8' })
  t.equal(help.status, 0)
  t.match(help.stdout, /load-year <year> <file\.json> --source/)
})
