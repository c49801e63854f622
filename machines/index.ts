/** The registry: the only list of procedures. procedure id → definition (machine, events, rules, version). */
import { clinicFiling } from './clinicFiling.ts'
import { twoCertificates } from './twoCertificates.ts'
import { insuranceDesignation } from './insuranceDesignation.ts'
import { elderCareFiling } from './elderCareFiling.ts'
import { departmentApproval } from './departmentApproval.ts'
import { createOneWindow } from './oneWindow.ts'
import type { ProcedureDefinition } from './types.ts'

/** The procedures a one-window application may route (DOMAIN.md P5); 医保定点 is a follow-up, never routed. */
const routable: Record<string, ProcedureDefinition> = {
  [clinicFiling.id]: clinicFiling,
  [twoCertificates.id]: twoCertificates,
  [elderCareFiling.id]: elderCareFiling,
  [departmentApproval.id]: departmentApproval,
}
const oneWindow = createOneWindow(routable)

export const procedures: Readonly<Record<string, ProcedureDefinition>> = {
  ...routable,
  [insuranceDesignation.id]: insuranceDesignation,
  [oneWindow.id]: oneWindow,
}

export function findProcedure(id: string): ProcedureDefinition | undefined {
  return Object.hasOwn(procedures, id) ? procedures[id] : undefined
}
