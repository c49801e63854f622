/**
 * Concrete events for model-based tests: for each procedure, an application that applies, the payloads each
 * event is tried with, and which context facts decide guards (so the state graph stays finite).
 */

export interface ProcedureModel {
  procedure: string
  /** The body of POST /v1/cases. */
  application: { procedure: string; jurisdiction: string; institution: Record<string, unknown>; materials: { item: string; documentRef: string }[] }
  /** Several applications when the path is decided at submission (e.g. two-certificates combined vs two-step). */
  applications?: ProcedureModel['application'][]
  /** Payload variants per event type; every event of the procedure must appear. */
  events: Record<string, Record<string, unknown>[]>
  /** Context facts that decide guards: states with the same value and key are the same vertex. */
  contextKey(context: Record<string, any>): unknown
}

