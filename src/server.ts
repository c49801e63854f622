/**
 * Process entry of `npm start`: validate configuration, open and migrate the database, serve the API.
 * SIGTERM/SIGINT close the server (in-flight requests finish) and then the database.
 */
import { loadConfig, ConfigError } from './config.ts'
import { createLogger } from './logging.ts'
import { openRuntime } from './runtime.ts'
import { buildApp } from './app.ts'
import { DataDirLockedError } from './db/dataDirLock.ts'
import { startTimerWorkers, type TimerWorkers } from './timers/pool.ts'
import { loadDispatcherSettings } from './outbox/config.ts'
import { startDispatchers } from './outbox/dispatcher.ts'
import { loadSecuritySettings } from './security/settings.ts'
import { loadFolderSettings, SupervisionFolder } from './supervision/folder.ts'

async function main(): Promise<void> {
  let config
  let webhooks
  let security
  let folding
  try {
    config = loadConfig()
    webhooks = loadDispatcherSettings()
    security = loadSecuritySettings()
    folding = loadFolderSettings()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`onewindow: ${err.message}`)
      process.exit(2)
    }
    throw err
  }
  const logger = createLogger(config.logLevel)
  let runtime
  try {
    runtime = await openRuntime(config)
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      console.error(`onewindow: ${err.message}`)
      process.exit(3)
    }
    throw err
  }
  const app = await buildApp({ database: runtime.database, engine: runtime.engine, clock: runtime.clock, verifier: runtime.verifier, logger, ...security })
  const address = await app.listen({ port: config.port, host: config.host })
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`
  logger.info({ address, database: runtime.database.kind }, 'listening')
  console.log(`onewindow listening on ${address} (database: ${where}; API docs at ${address}/docs)`)
  // Timers fire in this process unless ONEWINDOW_IN_PROCESS_WORKER=false (then run `npm run worker`, PostgreSQL only).
  const timers: TimerWorkers | undefined = config.inProcessWorker
    ? startTimerWorkers({ database: runtime.database, engine: runtime.engine, clock: runtime.clock, logger, name: 'in-process' })
    : undefined
  // The outbox goes out by webhook from the same in-process worker (docs/WEBHOOKS.md).
  const { enabled, ...dispatch } = webhooks
  const dispatchers = config.inProcessWorker && enabled
    ? startDispatchers({ db: runtime.database.db, kind: runtime.database.kind, clock: runtime.clock, logger, name: 'in-process-webhooks', ...dispatch })
    : undefined
  // The supervision counters are folded on a schedule by the same in-process worker (docs/SUPERVISION.md).
  const folder = config.inProcessWorker ? new SupervisionFolder({ db: runtime.database.db, intervalMs: folding.intervalMs, logger }) : undefined
  folder?.start()

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    logger.info({ signal }, 'shutting down')
    await app.close()
    await Promise.all([timers?.stop(), dispatchers?.stop(), folder?.stop()])
    await runtime.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}

main().catch((err) => {
  console.error('onewindow failed to start:', err)
  process.exit(1)
})
