/** A Mermaid state diagram generated from a procedure's machine (never drawn by hand, so it cannot drift). */
import type { AnyStateNode } from 'xstate'
import type { ProcedureDefinition, StateMeta } from '../../machines/types.ts'

const id = (node: AnyStateNode) => node.path.join('_') || 'root'

function render(node: AnyStateNode, indent: string, out: string[], edges: string[]): void {
  const children = Object.values(node.states) as AnyStateNode[]
  const initial = node.initial?.target?.[0] as AnyStateNode | undefined
  if (initial) out.push(`${indent}[*] --> ${id(initial)}`)
  for (const child of children) {
    const meta = child.meta as StateMeta | undefined
    out.push(`${indent}${id(child)} : ${child.key}${meta?.label ? ` ${meta.label}` : ''}`)
    if (Object.keys(child.states).length > 0) {
      out.push(`${indent}state ${id(child)} {`)
      render(child, `${indent}  `, out, edges)
      out.push(`${indent}}`)
    }
    if (child.type === 'final') out.push(`${indent}${id(child)} --> [*]`)
  }
  // Edges are drawn at the top level, where Mermaid allows them to leave a composite state.
  for (const child of children) {
    for (const t of [...child.transitions.values()].flat()) {
      const targets = (t.target ?? []) as AnyStateNode[]
      for (const target of targets) edges.push(`  ${id(child)} --> ${id(target)} : ${t.eventType}`)
      if (targets.length === 0) edges.push(`  ${id(child)} --> ${id(child)} : ${t.eventType}`)
    }
  }
}

export function mermaidDiagram(def: ProcedureDefinition): string {
  const out = ['stateDiagram-v2']
  const edges: string[] = []
  render(def.machine.root, '  ', out, edges)
  return [...out, ...edges].join('\n')
}
