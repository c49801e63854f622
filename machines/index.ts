/** The registry: the only list of procedures. procedure id → definition (machine, events, rules, version). */
import { clinicFiling } from './clinicFiling.ts'
import { twoCertificates } from './twoCertificates.ts'
import { insuranceDesignation } from './insuranceDesignation.ts'
import { elderCareFiling } from './elderCareFiling.ts'
import type { ProcedureDefinition } from './types.ts'

export const procedures: Readonly<Record<string, ProcedureDefinition>> = {
  [clinicFiling.id]: clinicFiling,
  [twoCertificates.id]: twoCertificates,
  [insuranceDesignation.id]: insuranceDesignation,
  [elderCareFiling.id]: elderCareFiling,
}

export function findProcedure(id: string): ProcedureDefinition | undefined {
  return Object.hasOwn(procedures, id) ? procedures[id] : undefined
}
