/** Reading a procedure's snapshot: state key, allowed events, the rules that guard an event. Pure. */
import { getNextTransitions, type AnyMachineSnapshot, type StateValue } from 'xstate'
import type { ProcedureDefinition, Role, StateMeta } from '../../machines/types.ts'
import type { AllowedEvent } from './errors.ts'

/** 'filed.supervised' for `{ filed: 'supervised' }`. Parallel states are not used by our procedures. */
export function stateKey(value: StateValue): string {
  if (typeof value === 'string') return value
  const [k, v] = Object.entries(value)[0] ?? ['', '']
  return v === undefined ? k : `${k}.${stateKey(v as StateValue)}`
}

/** Event types with a transition from the active states, guards not evaluated. */
export function candidateEvents(snapshot: AnyMachineSnapshot): string[] {
  if (snapshot.status !== 'active') return []
  return [...new Set(snapshot._nodes.flatMap((n) => [...n.ownEvents]))].filter((t) => !t.startsWith('xstate.'))
}

export function allowedEvents(def: ProcedureDefinition, snapshot: AnyMachineSnapshot, role?: Role): AllowedEvent[] {
  return candidateEvents(snapshot)
    .map((type) => ({ type, spec: def.events[type] }))
    .filter((e): e is { type: string; spec: NonNullable<typeof e.spec> } => e.spec !== undefined)
    // Events only the system sends (timer expiries) are not offered to people.
    .filter((e) => (role === undefined ? e.spec.roles.some((r) => r !== 'system') : e.spec.roles.includes(role)))
    .map((e) => ({ type: e.type, roles: e.spec.roles, description: e.spec.description }))
}

function guardNames(guard: unknown): string[] {
  if (!guard) return []
  if (typeof guard === 'string') return [guard]
  const g = guard as { type?: string; guards?: unknown[] }
  if (Array.isArray(g.guards)) return g.guards.flatMap(guardNames)
  return typeof g.type === 'string' ? [g.type] : []
}

/** The named rules that guard `type` in this snapshot, with their descriptions and sources. */
export function rulesGuarding(def: ProcedureDefinition, snapshot: AnyMachineSnapshot, type: string) {
  const names = getNextTransitions(snapshot)
    .filter((t) => t.eventType === type)
    .flatMap((t) => guardNames(t.guard))
  return [...new Set(names)].map((name) => ({ name, ...(def.rules[name] ?? { description: name, source: 'unknown' }) }))
}

/** The meta of the deepest active state node (the one the case is in). */
export function activeStateMeta(snapshot: AnyMachineSnapshot): StateMeta | undefined {
  const nodes = snapshot._nodes.filter((n) => n.type === 'atomic' || n.type === 'final')
  return nodes.at(-1)?.meta as StateMeta | undefined
}

/** The decision a routed case's state stands for (StateMeta.outcome on any active node), if any. */
export function stateOutcome(snapshot: AnyMachineSnapshot): StateMeta['outcome'] | undefined {
  for (const node of snapshot._nodes) {
    const outcome = (node.meta as StateMeta | undefined)?.outcome
    if (outcome) return outcome
  }
  return undefined
}
