/** The registry: the only list of procedures. procedure id → definition (machine, events, rules, version). */
import { clinicFiling } from './clinicFiling.ts'
import type { ProcedureDefinition } from './types.ts'

export const procedures: Readonly<Record<string, ProcedureDefinition>> = {
  [clinicFiling.id]: clinicFiling,
}

export function findProcedure(id: string): ProcedureDefinition | undefined {
  return Object.hasOwn(procedures, id) ? procedures[id] : undefined
}
