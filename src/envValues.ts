/**
 * Reading one environment variable into a bounded whole number, shared by every settings loader (timers, webhooks,
 * security). A bad value stops the process at start with a message naming the variable, never later at run time.
 */
import { ConfigError } from './config.ts'

/** A whole number from `min` to `max`; undefined when unset or empty (the caller's default applies). */
export function boundedInteger(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined
  if (!/^\d+$/.test(raw)) throw new ConfigError(`invalid configuration: ${name} must be a whole number, got ${JSON.stringify(raw)}`)
  const n = Number(raw)
  if (n < min || n > max) throw new ConfigError(`invalid configuration: ${name} must be from ${min} to ${max}, got ${n}`)
  return n
}
