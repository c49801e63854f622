/**
 * Process entry of `npm run worker`: fires due timers, delivers the outbox by webhook (docs/WEBHOOKS.md; off with
 * ONEWINDOW_WEBHOOKS=false) and folds the supervision counters (docs/SUPERVISION.md), outside the HTTP server.
 * Validated configuration, the database (PostgreSQL via DATABASE_URL; PGlite only while no server holds its
 * folder), ONEWINDOW_WORKER_CONCURRENCY worker loops. SIGTERM/SIGINT: each loop finishes the batch in hand (it commits), the database closes, exit 0.
 * Exit codes: 2 bad configuration, 3 the embedded database is held by another process, 1 anything else.
 */
import { loadConfig, ConfigError } from './config.ts'
import { createLogger } from './logging.ts'
import { openDatabase, type DatabaseHandle } from './db/database.ts'
import { DataDirLockedError } from './db/dataDirLock.ts'
import { migrateToLatest } from './db/migrate.ts'
import { Engine } from './engine/engine.ts'
import { systemClock } from './engine/clock.ts'
import { createPolicyStore } from './policy/store.ts'
import { loadWorkerSettings } from './timers/config.ts'
import { startTimerWorkers } from './timers/pool.ts'
import { loadDispatcherSettings } from './outbox/config.ts'
import { startDispatchers } from './outbox/dispatcher.ts'
import { loadFolderSettings, SupervisionFolder } from './supervision/folder.ts'

async function main(): Promise<void> {
  let config
  let settings
  let webhooks
  let folding
  try {
    config = loadConfig()
    settings = loadWorkerSettings()
    webhooks = loadDispatcherSettings()
    folding = loadFolderSettings()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`onewindow worker: ${err.message}`)
      process.exit(2)
    }
    throw err
  }
  const logger = createLogger(config.logLevel)
  let database: DatabaseHandle
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: settings.concurrency + 2 })
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      console.error(
        `onewindow worker: ${err.message}\n` +
          'With the embedded database the timers run inside the HTTP server (ONEWINDOW_IN_PROCESS_WORKER=true, the default): ' +
          'a separate worker is not needed while the server runs. For separate worker processes use PostgreSQL (DATABASE_URL).',
      )
      process.exit(3)
    }
    throw err
  }
  try {
    await migrateToLatest(database.db)
  } catch (err) {
    await database.close()
    throw err
  }
  if (database.kind === 'pglite' && settings.concurrency > 1) {
    logger.warn({ concurrency: settings.concurrency }, 'embedded database: one worker loop only (PGlite has one connection)')
  }
  const engine = new Engine({ db: database.db, clock: systemClock, policies: createPolicyStore(), supervisionAlerts: true })
  const workers = startTimerWorkers({
    database, engine, clock: systemClock, concurrency: settings.concurrency, batchSize: settings.batchSize,
    pollIntervalMs: settings.pollIntervalMs, logger, name: `worker-${process.pid}`,
  })
  const { enabled, ...dispatch } = webhooks
  const dispatchers = enabled
    ? startDispatchers({ db: database.db, kind: database.kind, clock: systemClock, logger, name: `webhooks-${process.pid}`, ...dispatch })
    : undefined
  const folder = new SupervisionFolder({ db: database.db, intervalMs: folding.intervalMs, logger })
  folder.start()
  let fired = 0
  let discarded = 0
  for (const w of workers.workers) {
    w.on('batch', (r) => {
      fired += r.fired.length
      discarded += r.discarded.length
      logger.debug({ worker: r.worker, fired: r.fired.length, discarded: r.discarded.length, deferred: r.deferred }, 'timer batch')
    })
  }
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`
  logger.info({ loops: workers.workers.length, database: database.kind }, 'timer worker started')
  console.log(`onewindow worker: ${workers.workers.length} loop(s) firing due timers (database: ${where})`)

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    logger.info({ signal }, 'stopping: finishing the batches in hand')
    await Promise.all([workers.stop(), dispatchers?.stop(), folder.stop()])
    await database.close()
    logger.info({ fired, discarded }, 'timer worker stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}

main().catch((err) => {
  console.error('onewindow worker failed:', err)
  process.exit(1)
})
