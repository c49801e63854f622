/**
 * Settings of the timer worker, from the environment, validated like src/config.ts: a bad value stops the process
 * with a message naming the variable.
 */
import { boundedInteger } from '../envValues.ts'
import { MAX_BATCH_SIZE } from './worker.ts'

export interface WorkerSettings {
  /** Worker loops in this process (ONEWINDOW_WORKER_CONCURRENCY, 1..32, default 1). */
  concurrency: number
  /** Timers per transaction (ONEWINDOW_WORKER_BATCH_SIZE, 1..63); undefined: the worker's default for the database. */
  batchSize: number | undefined
  /** Pause after an empty poll (ONEWINDOW_WORKER_POLL_MS, 10..60000, default 1000). */
  pollIntervalMs: number
}

export function loadWorkerSettings(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  return {
    concurrency: boundedInteger('ONEWINDOW_WORKER_CONCURRENCY', env.ONEWINDOW_WORKER_CONCURRENCY, 1, 32) ?? 1,
    batchSize: boundedInteger('ONEWINDOW_WORKER_BATCH_SIZE', env.ONEWINDOW_WORKER_BATCH_SIZE, 1, MAX_BATCH_SIZE),
    pollIntervalMs: boundedInteger('ONEWINDOW_WORKER_POLL_MS', env.ONEWINDOW_WORKER_POLL_MS, 10, 60_000) ?? 1000,
  }
}
