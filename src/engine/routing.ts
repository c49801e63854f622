/**
 * What a one-window application asks of the engine, read from the parent's actions and context (pure), and what a
 * routed case reports back to its application. The engine carries these out in the event's transaction.
 */
import type { AnyMachineSnapshot } from 'xstate'
import type { ProcedureDefinition, ProcedureEvent } from '../../machines/types.ts'
import type { OneWindowContext, Route } from '../../machines/oneWindow.ts'
import type { SubmittedMaterial } from '../../machines/schemas.ts'
import { stateOutcome, activeStateMeta } from './snapshot.ts'

export type EngineAction = { type: string; params?: unknown }

/** Actions the engine carries out on routed cases (they need a transaction and lock the routed cases first). */
export const CHILD_ACTIONS = new Set(['routeChildren', 'forwardSupplement', 'forwardToChildren'])

export interface ChildToCreate {
  id: string
  route: Route
  materials: SubmittedMaterial[]
}

/** The routed cases to create: one per route, with the application's documents for that procedure's items (shared by reference). */
export function childrenToCreate(context: OneWindowContext, childIds: readonly string[]): ChildToCreate[] {
  return context.routes.map((route, i) => ({
    id: childIds[i]!,
    route,
    materials: route.items.filter((item) => context.materials[item]).map((item) => context.materials[item]!),
  }))
}

/** For each department whose request the answer closes: the routed case and the documents answering its items. */
export function supplementAnswers(before: OneWindowContext, materials: readonly SubmittedMaterial[]): { childId: string; materials: SubmittedMaterial[] }[] {
  const notice = before.supplementNotices.findIndex((n) => n.answeredAt === null)
  if (notice < 0) return []
  const byChild = new Map<string, Set<string>>()
  for (const r of before.departmentRequests) {
    if (r.notice !== notice || r.answeredAt !== null) continue
    const items = byChild.get(r.childId) ?? new Set<string>()
    for (const i of r.items) items.add(i.item)
    byChild.set(r.childId, items)
  }
  return [...byChild.entries()].map(([childId, items]) => ({ childId, materials: materials.filter((m) => items.has(m.item)) }))
}

/** The application's routed cases still undecided. */
export function undecidedChildren(context: OneWindowContext): string[] {
  return context.children.filter((c) => c.outcome === null).map((c) => c.id)
}

/** The event that answers a correction request in a routed case's current state: status 7 (补正结束), sent by the applicant. */
export function resubmitEventOf(def: ProcedureDefinition, candidates: readonly string[]): string | undefined {
  return candidates.find((t) => def.events[t]?.statusCode === 7 && def.events[t]!.roles.includes('applicant'))
}

/** What a routed case tells its application about this event: its decision, or a request for more material. */
export function reportsToApplication(
  def: ProcedureDefinition, before: AnyMachineSnapshot, after: AnyMachineSnapshot, event: Pick<ProcedureEvent, 'type' | 'payload'>,
): { type: string; payload: Record<string, unknown> }[] {
  const reports: { type: string; payload: Record<string, unknown> }[] = []
  const outcome = stateOutcome(after)
  if (outcome && !stateOutcome(before)) {
    const reasons = Array.isArray(event.payload.reasons) ? (event.payload.reasons as unknown[]).filter((r): r is string => typeof r === 'string') : []
    reports.push({ type: 'CHILD_SETTLED', payload: { outcome, stateLabel: activeStateMeta(after)?.label ?? '', reasons } })
  } else if (def.events[event.type]?.statusCode === 6 && Array.isArray(event.payload.items)) {
    const items = (event.payload.items as { item?: unknown; reason?: unknown }[])
      .filter((i) => typeof i.item === 'string')
      .map((i) => ({ item: String(i.item), reason: String(i.reason ?? '') }))
    if (items.length > 0) reports.push({ type: 'DEPARTMENT_REQUESTED_SUPPLEMENT', payload: { items } })
  }
  return reports
}
