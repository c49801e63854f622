/** Several timer-worker loops over one database handle: what `npm run worker` and the in-process worker start. */
import type { DatabaseHandle } from '../db/database.ts'
import type { Engine } from '../engine/engine.ts'
import type { Clock } from '../engine/clock.ts'
import { TimerWorker, type TimerWorkerLogger } from './worker.ts'

export interface TimerWorkers {
  readonly workers: readonly TimerWorker[]
  /** Each loop finishes its batch in hand (it commits); resolves when all have stopped. */
  stop(): Promise<void>
}

export function startTimerWorkers(options: {
  database: Pick<DatabaseHandle, 'db' | 'kind'>
  engine: Engine
  clock: Clock
  concurrency?: number
  batchSize?: number | undefined
  pollIntervalMs?: number
  logger?: TimerWorkerLogger
  name?: string
}): TimerWorkers {
  // PGlite has one connection: a second loop would only queue behind the first.
  const n = options.database.kind === 'pglite' ? 1 : Math.max(1, options.concurrency ?? 1)
  const workers = Array.from({ length: n }, (_, i) => new TimerWorker({
    db: options.database.db,
    engine: options.engine,
    clock: options.clock,
    pglite: options.database.kind === 'pglite',
    name: `${options.name ?? `timers-${process.pid}`}-${i + 1}`,
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  }))
  for (const w of workers) w.start()
  return {
    workers,
    stop: async () => {
      await Promise.all(workers.map((w) => w.stop()))
    },
  }
}
