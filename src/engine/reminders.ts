/**
 * Reminders: a machine's `scheduleReminder` action asks for a durable timer that fires `event` once, through the
 * engine like any clock's timer, at the start (Asia/Shanghai) of a day the machine keeps in its context: the 医保定点
 * eligibility date of a one-window application (machines/oneWindow.ts), the renewal notice day of a designation
 * agreement (machines/insuranceDesignation.ts). The machine stays pure: it names the day's place in its context, the
 * engine writes the timer in the event's transaction.
 */
import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import { startOfShanghaiDay } from '../calendar/shanghai.ts'
import type { ReminderParams } from '../../machines/types.ts'

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/

/** The day at `path` in the context, or null when there is none (e.g. a case created before the day was kept). */
export function reminderDay(context: unknown, path: string): string | null {
  let value: unknown = context
  for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
  return typeof value === 'string' && ISO_DAY.test(value) ? value : null
}

export async function armReminder(
  trx: Transaction<Database>, caseId: string, context: unknown, params: ReminderParams, cause: { type: string; seq: number }, now: Date,
): Promise<void> {
  await trx.updateTable('timers').set({ status: 'cancelled', settled_at: now, outcome: `replaced by ${cause.type} (event ${cause.seq})` })
    .where('case_id', '=', caseId).where('clock_name', '=', params.clock).where('status', '=', 'pending').execute()
  const day = reminderDay(context, params.on)
  if (!day) return
  await trx.insertInto('timers').values({
    case_id: caseId, clock_name: params.clock, event_type: params.event, due_at: startOfShanghaiDay(day), status: 'pending', armed_at: now, armed_seq: cause.seq,
  }).execute()
}
