/**
 * The supervision tests' brute force for "concluded", from the history and not from cases.concluded_at: a case
 * (alias `c`) concluded when it ended or took a 办结 event (办件状态 11–13), at the first such event or, without one,
 * at its last change.
 */
import { sql } from 'kysely'

const firstConcludingEvent = sql`(select min(e.at) from case_events e where e.case_id = c.id and e.status_code in (11, 12, 13))`

export const concludedByHistory = sql`(c.status = 'done' or ${firstConcludingEvent} is not null)`

export const concludedAtByHistory = sql`coalesce(${firstConcludingEvent}, c.updated_at)`
