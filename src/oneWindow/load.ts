/**
 * Reads what a plan needs: the policy in force for the jurisdiction today and its working-day calendar (official years,
 * years an administrator loaded, local overrides up the division chain). Reads only; the plan itself is pure.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { PolicyStore } from '../policy/store.ts'
import { loadWorkCalendar } from '../calendarStore/load.ts'
import type { IsoDate } from '../calendar/types.ts'
import { plan, type Plan, type PlanRequest } from './plan.ts'

export class PolicyNotInForce extends Error {
  readonly code = 'policy-not-found'
}

export async function loadPlanInputs(db: Kysely<Database>, policies: PolicyStore, jurisdiction: string, today: IsoDate) {
  const [policy, calendar] = await Promise.all([policies.resolve(jurisdiction, today), loadWorkCalendar(db, jurisdiction)])
  return { policy, calendar }
}

/** Resolves the inputs and builds the plan; throws PolicyNotInForce when no policy document is in force that day. */
export async function planFor(db: Kysely<Database>, policies: PolicyStore, request: PlanRequest, today: IsoDate): Promise<Plan> {
  const { policy, calendar } = await loadPlanInputs(db, policies, request.jurisdiction, today)
  if (!policy.documents?.length) throw new PolicyNotInForce(`no policy in force for ${request.jurisdiction} on ${today}`)
  return plan(request, policy, calendar, today)
}
