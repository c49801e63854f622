/**
 * Settings of the webhook dispatcher, from the environment, validated like src/timers/config.ts: a bad value stops
 * the process with a message naming the variable. docs/WEBHOOKS.md lists them.
 */
import { ConfigError } from '../config.ts'
import { boundedInteger } from '../envValues.ts'

export interface DispatcherSettings {
  /** Deliver the outbox by webhook in the worker process (ONEWINDOW_WEBHOOKS, default true). */
  enabled: boolean
  /** Request timeout per attempt (ONEWINDOW_WEBHOOK_TIMEOUT_MS, 100..120000, default 10000). */
  timeoutMs: number
  /** Attempts before a message is dead-lettered (ONEWINDOW_WEBHOOK_MAX_ATTEMPTS, 1..100, default 10). */
  maxAttempts: number
  /** First retry delay (ONEWINDOW_WEBHOOK_BACKOFF_BASE_MS, 100..3600000, default 30000); doubles per attempt. */
  backoffBaseMs: number
  /** Longest retry delay (ONEWINDOW_WEBHOOK_BACKOFF_CAP_MS, 1000..86400000, default 21600000 = 6 h). */
  backoffCapMs: number
  /** Messages claimed and sent (in parallel) per pass (ONEWINDOW_WEBHOOK_BATCH_SIZE, 1..100, default 16). */
  batchSize: number
  /** Pause after an empty pass (ONEWINDOW_WEBHOOK_POLL_MS, 10..60000, default 1000). */
  pollIntervalMs: number
}

export const DISPATCHER_DEFAULTS: Omit<DispatcherSettings, 'enabled'> = {
  timeoutMs: 10_000, maxAttempts: 10, backoffBaseMs: 30_000, backoffCapMs: 6 * 3600_000, batchSize: 16, pollIntervalMs: 1000,
}

function flag(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback
  if (['1', 'true', 'yes'].includes(raw)) return true
  if (['0', 'false', 'no'].includes(raw)) return false
  throw new ConfigError(`invalid configuration: ${name} must be true or false, got ${JSON.stringify(raw)}`)
}

export function loadDispatcherSettings(env: NodeJS.ProcessEnv = process.env): DispatcherSettings {
  const d = DISPATCHER_DEFAULTS
  const settings: DispatcherSettings = {
    enabled: flag('ONEWINDOW_WEBHOOKS', env.ONEWINDOW_WEBHOOKS, true),
    timeoutMs: boundedInteger('ONEWINDOW_WEBHOOK_TIMEOUT_MS', env.ONEWINDOW_WEBHOOK_TIMEOUT_MS, 100, 120_000) ?? d.timeoutMs,
    maxAttempts: boundedInteger('ONEWINDOW_WEBHOOK_MAX_ATTEMPTS', env.ONEWINDOW_WEBHOOK_MAX_ATTEMPTS, 1, 100) ?? d.maxAttempts,
    backoffBaseMs: boundedInteger('ONEWINDOW_WEBHOOK_BACKOFF_BASE_MS', env.ONEWINDOW_WEBHOOK_BACKOFF_BASE_MS, 100, 3_600_000) ?? d.backoffBaseMs,
    backoffCapMs: boundedInteger('ONEWINDOW_WEBHOOK_BACKOFF_CAP_MS', env.ONEWINDOW_WEBHOOK_BACKOFF_CAP_MS, 1000, 86_400_000) ?? d.backoffCapMs,
    batchSize: boundedInteger('ONEWINDOW_WEBHOOK_BATCH_SIZE', env.ONEWINDOW_WEBHOOK_BATCH_SIZE, 1, 100) ?? d.batchSize,
    pollIntervalMs: boundedInteger('ONEWINDOW_WEBHOOK_POLL_MS', env.ONEWINDOW_WEBHOOK_POLL_MS, 10, 60_000) ?? d.pollIntervalMs,
  }
  if (settings.backoffCapMs < settings.backoffBaseMs) {
    throw new ConfigError(`invalid configuration: ONEWINDOW_WEBHOOK_BACKOFF_CAP_MS (${settings.backoffCapMs}) is below ONEWINDOW_WEBHOOK_BACKOFF_BASE_MS (${settings.backoffBaseMs})`)
  }
  return settings
}
