/**
 * `npm run calendar -- <command>`: load a newly published State Council year, add or remove a local override,
 * list a year. Acts as an admin principal named after the OS user (recorded in the calendar tables and in the
 * history of every case whose deadlines it moves). See docs/CALENDAR.md.
 */
import { userInfo } from 'node:os'
import { ConfigError, loadConfig } from '../config.ts'
import { openDatabase, type DatabaseHandle } from '../db/database.ts'
import { DataDirLockedError } from '../db/dataDirLock.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { Engine } from '../engine/engine.ts'
import { systemClock } from '../engine/clock.ts'
import { createPolicyStore } from '../policy/store.ts'
import type { Principal } from '../auth/principal.ts'
import { describeFailure, runCalendarCommand, UsageError, USAGE, wantsHelp } from '../calendarStore/cli.ts'

function osUser(): string {
  try {
    return userInfo().username || 'unknown'
  } catch {
    return process.env.USER ?? 'unknown'
  }
}

const argv = process.argv.slice(2)
if (wantsHelp(argv)) {
  console.log(USAGE)
  process.exit(argv.length === 0 ? 2 : 0)
}

let config
try {
  config = loadConfig()
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  console.error(`calendar: ${err.message}`)
  process.exit(2)
}

let database: DatabaseHandle
try {
  database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
} catch (err) {
  if (!(err instanceof DataDirLockedError)) throw err
  console.error(
    `calendar: ${err.message}\n` +
      'Is the onewindow server (or worker) running on this folder? The embedded database allows one process, so stop it first, ' +
      'or make the change through the admin API while it runs (PUT /v1/admin/calendar-years/{year}, ' +
      'POST /v1/admin/calendars/{jurisdiction}/overrides).',
  )
  process.exit(3)
}

const actor: Principal = { id: `cli:${osUser()}`, role: 'admin', jurisdiction: '000000' }
try {
  await migrateToLatest(database.db)
  const engine = new Engine({ db: database.db, clock: systemClock, policies: createPolicyStore() })
  await runCalendarCommand(argv, { db: database.db, engine, actor, now: systemClock.now(), print: (line) => console.log(line) })
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`calendar: ${err.message}\n\n${USAGE}`)
    process.exitCode = 2
  } else {
    console.error(`calendar: ${describeFailure(err)}`)
    process.exitCode = 1
  }
} finally {
  await database.close()
}
