/** Describes a procedure from its machine and declarations: states, transitions, events, roles, rules, sources. Pure. */
import type { AnyStateNode } from 'xstate'
import type { ProcedureDefinition, StateMeta } from '../../machines/types.ts'
import { mermaidDiagram } from './mermaid.ts'

export interface StateDescription {
  state: string
  label: string
  description: string
  source: string | null
  final: boolean
  waitingOn: string[]
  clocks: { name: string; mode: 'run' | 'pause'; pauseKind: string | null }[]
  transitions: { event: string; target: string; guards: string[] }[]
}

function pathOf(node: AnyStateNode): string {
  return node.path.join('.')
}

function guardNames(guard: unknown): string[] {
  if (!guard) return []
  if (typeof guard === 'string') return [guard]
  const g = guard as { type?: string; guards?: unknown[] }
  return Array.isArray(g.guards) ? g.guards.flatMap(guardNames) : typeof g.type === 'string' ? [g.type] : []
}

function walk(node: AnyStateNode, out: StateDescription[]): void {
  for (const child of Object.values(node.states) as AnyStateNode[]) {
    const meta = child.meta as StateMeta | undefined
    const transitions = [...child.transitions.values()].flat().map((t) => ({
      event: t.eventType,
      target: (t.target ?? []).map((n: AnyStateNode) => pathOf(n)).join(',') || pathOf(child),
      guards: guardNames(t.guard),
    }))
    out.push({
      state: pathOf(child),
      label: meta?.label ?? pathOf(child),
      description: meta?.description ?? '',
      source: meta?.source ?? null,
      final: child.type === 'final',
      waitingOn: [...(meta?.waitingOn ?? [])],
      clocks: (meta?.clocks ?? []).map((c) => ({ name: c.name, mode: c.mode, pauseKind: c.pauseKind ?? null })),
      transitions,
    })
    walk(child, out)
  }
}

export function describeProcedure(def: ProcedureDefinition) {
  const states: StateDescription[] = []
  walk(def.machine.root, states)
  return {
    id: def.id,
    version: def.version,
    title: def.title,
    titleZh: def.titleZh,
    description: def.description,
    initialState: String(def.machine.root.initial?.target?.[0]?.path.join('.') ?? ''),
    creationEvent: def.creationEvent,
    states,
    events: Object.entries(def.events).map(([type, e]) => ({
      type,
      roles: [...e.roles],
      description: e.description,
      source: e.source,
      statusCode: e.statusCode ?? null,
      payload: e.payload as unknown as Record<string, unknown>,
    })),
    rules: Object.entries(def.rules).map(([name, r]) => ({ name, description: r.description, source: r.source })),
    clocks: Object.values(def.clocks).map((c) => ({
      name: c.name, title: c.title, titleZh: c.titleZh, policyKey: c.policyKey, optional: c.optional ?? false,
      onExpiry: c.onExpiry ?? null, extension: c.extension ?? null,
    })),
    mermaid: mermaidDiagram(def),
  }
}
