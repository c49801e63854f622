/**
 * THE one path by which a case changes. Creating a case and applying an event both run here: load → transition
 * (XState's pure functions) → checks → one data-modifying statement that updates the case under an optimistic
 * version check and appends history and outbox rows; clocks, timers and filing numbers in the same transaction.
 * An event that needs nothing but that statement runs without BEGIN/COMMIT (the statement is atomic and the version
 * check covers the read); see `apply`.
 */
import { randomUUID } from 'node:crypto'
import { sql, type Kysely, type Transaction } from 'kysely'
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate'
import { Value } from 'typebox/value'
import { Compile } from 'typebox/compile'
import { findProcedure, procedures } from '../../machines/index.ts'
import { CONCLUDING_STATUS_CODES, type CaseRequest, type EventSpec, type ProcedureDefinition, type ProcedureEvent, type ReminderParams } from '../../machines/types.ts'
import type { Database, CaseRow } from '../db/schema.ts'
import type { Department } from '../policy/keys.ts'
import type { PolicyStore } from '../policy/store.ts'
import { policyValue } from '../policy/resolve.ts'
import type { Principal } from '../auth/principal.ts'
import { enforce, enforceOnCase } from '../auth/authorize.ts'
import type { Clock } from './clock.ts'
import {
  caseNotFound, DomainError, invalidPayload, invalidTransition, procedureNotApplicable, procedureNotFound, roleNotAllowed,
  ruleNotSatisfied, staleVersion, type FieldError,
} from './errors.ts'
import { allowedEvents, candidateEvents, rulesGuarding, stateKey } from './snapshot.ts'
import { shanghaiDate } from '../calendar/shanghai.ts'
import { loadWorkCalendar } from '../calendarStore/load.ts'
import { planClocks, type ClockChange, type PolicyLookup } from '../sla/plan.ts'
import type { ClockState } from '../sla/types.ts'
import {
  CLOCK_NEAR_DUE, CLOCK_OVERDUE, declaredClocks, loadClocks, parseAlertTimerName, rearmAlertTimers, rearmTimers, sameDeclarations, storeClocks,
} from './clocks.ts'
import { workingDaysBetween } from '../calendar/units.ts'
import {
  CHILD_ACTIONS, childrenToCreate, reportsToApplication, resubmitEventOf, supplementAnswers, undecidedChildren, type EngineAction,
} from './routing.ts'
import type { OneWindowContext } from '../../machines/oneWindow.ts'
import { SYSTEM_PRINCIPAL } from '../auth/principal.ts'
import { armReminder } from './reminders.ts'

/** Refused: a routed case's answer to a correction request goes through its one-window application (one loop). */
export const answerThroughApplication = (caseId: string, parentId: string) =>
  new DomainError('answer-through-application', 422, 'Answer through the one-window application',
    `case ${caseId} was routed by the one-window application ${parentId}: send the documents there (SUBMIT_SUPPLEMENT), which forwards them to every department that asked`,
    { applicationId: parentId })

/** Internal creation options: a case routed by a one-window application. */
interface RoutedCreation {
  id: string
  parent: CaseRow
}
import { applyClaim, claimLapses, refuseIfHeldByAnother, type ClaimRequest } from './claims.ts'

/**
 * Engine-level event: recompute every open clock of a case after a calendar change (a year published, a local
 * closure added). Not a transition of the procedure: the state stays, the history records the new dates.
 */
export const DEADLINES_RECOMPUTED = 'DEADLINES_RECOMPUTED'

export const clockAlertRefused = (caseId: string, type: string, why: string) =>
  new DomainError('clock-alert-refused', 422, 'Clock alert refused', `${type} for case ${caseId} changes nothing: ${why}`)

export const nothingToRecompute = (caseId: string) =>
  new DomainError('nothing-to-recompute', 422, 'No deadline changes', `no open deadline of case ${caseId} changes`)

export interface ApplyOptions {
  /** The timer that fires this event: recorded on the history row, unique, so a timer fires at most once. */
  timerId?: string
  /**
   * Set when a one-window application's event is carried out on its routed case (acceptance, an answer, a withdrawal):
   * the application's event authorised it, and the routed case does not report back to the application.
   */
  routedFrom?: string
}

function pinnedPolicy(row: Pick<CaseRow, 'policy_values'>): PolicyLookup {
  const values = (row.policy_values ?? {}) as Record<string, { value: unknown; source: string }>
  return (key) => values[key]
}

export interface EngineDeps {
  db: Kysely<Database>
  clock: Clock
  policies: PolicyStore
  /**
   * Arm the supervision alert timers (CLOCK_NEAR_DUE, CLOCK_OVERDUE; docs/SUPERVISION.md). On in the service
   * (src/runtime.ts, src/worker.ts); off by default so that a test or benchmark of other machinery sees only the
   * expiry timers it is about.
   */
  supervisionAlerts?: boolean
}

export interface EventInput {
  type: string
  /** Validated against the event's payload schema before use. */
  payload?: object | undefined
}

export interface NewCaseInput extends CaseRequest {
  procedure: string
  /** The department the case is routed to; default: the procedure's own. */
  department?: Department
  /** The one-window application that routes this case (created in the same transaction). */
  parentId?: string
}

export interface AppliedCase {
  row: CaseRow
  snapshot: AnyMachineSnapshot
  definition: ProcedureDefinition
}

interface OutboxRow { topic: string; payload: Record<string, unknown> }

/** Thrown inside a transaction-less attempt when the event needs more than one statement; carries the row read. */
class NeedsTransaction extends Error {
  readonly row: CaseRow
  constructor(row: CaseRow) {
    super('needs a transaction')
    this.row = row
  }
}

// Compiled payload checks, one per schema: a valid payload (the usual case) costs one compiled check, and the
// error list is built only when it fails.
const compiledPayloads = new WeakMap<object, ReturnType<typeof Compile>>()

function payloadErrors(def: ProcedureDefinition, type: string, payload: unknown): FieldError[] {
  const spec = def.events[type]
  if (!spec) return []
  let check = compiledPayloads.get(spec.payload)
  if (!check) {
    check = Compile(spec.payload)
    compiledPayloads.set(spec.payload, check)
  }
  if (check.Check(payload)) return []
  return [...Value.Errors(spec.payload, payload)].map((e) => ({
    name: `/payload${e.instancePath}`,
    code: e.keyword,
    reason: e.message ?? 'is invalid',
  }))
}

/** Custom `notify` actions returned by transition() become outbox rows (the action itself never runs). */
function outboxFromActions(def: ProcedureDefinition, caseId: string, actions: readonly { type: string; params?: unknown }[]): OutboxRow[] {
  return actions
    .filter((a) => a.type === 'notify')
    .map((a) => ({ topic: String((a.params as { topic?: string })?.topic ?? `${def.id}.changed`), payload: { caseId } }))
}

export function restoreSnapshot(def: ProcedureDefinition, row: Pick<CaseRow, 'snapshot'>): AnyMachineSnapshot {
  return def.machine.resolveState(row.snapshot as never) as AnyMachineSnapshot
}

export function definitionOf(row: Pick<CaseRow, 'procedure' | 'id'>): ProcedureDefinition {
  const def = findProcedure(row.procedure)
  if (!def) throw new Error(`case ${row.id} has unknown procedure ${row.procedure}`)
  return def
}

export class Engine {
  readonly #deps: EngineDeps
  constructor(deps: EngineDeps) {
    this.#deps = deps
  }

  /** Files a new case: the creation event is seq 1 of its history. */
  async create(input: NewCaseInput, actor: Principal): Promise<AppliedCase> {
    const def = findProcedure(input.procedure)
    if (!def) throw procedureNotFound(input.procedure, Object.keys(procedures))
    const spec = def.events[def.creationEvent]!
    enforce(actor, 'case.create', undefined, def.creationEvent)
    if (!spec.roles.includes(actor.role)) throw roleNotAllowed(def.creationEvent, actor.role, spec.roles)
    return this.#deps.db.transaction().execute((trx) => this.#createIn(trx, def, input, actor))
  }

  /**
   * Creates a case inside `trx`. A routed case (one-window acceptance) is filed for the application's applicant, in
   * the application's jurisdiction, under the id the acceptance allocated; the acceptance authorised it.
   */
  async #createIn(trx: Transaction<Database>, def: ProcedureDefinition, input: NewCaseInput, actor: Principal, routed?: RoutedCreation): Promise<AppliedCase> {
    const spec = def.events[def.creationEvent]!
    const now = this.#deps.clock.now()
    const today = shanghaiDate(now)
    const policy = await this.#deps.policies.resolve(input.jurisdiction, today, trx)
    const prepared = def.prepare(
      { jurisdiction: input.jurisdiction, institution: input.institution, materials: input.materials },
      { version: policy.version, get: (key) => policyValue(policy, key), resolved: policy },
      today,
    )
    if (!prepared.ok) throw procedureNotApplicable(def.id, prepared.detail, prepared.source)
    const [snapshot, actions] = initialTransition(def.machine, prepared.input as never)
    const id = routed?.id ?? randomUUID()
    const applicant = routed?.parent.applicant ?? actor.id
    const state = stateKey(snapshot.value)
    const outbox = [{ topic: `${def.id}.submitted`, payload: { caseId: id } }, ...outboxFromActions(def, id, actions)]
    const persisted = JSON.stringify(def.machine.getPersistedSnapshot(snapshot))
    const pinned = Object.fromEntries(Object.entries(policy.values).map(([k, v]) => [k, { value: v.value, source: `${v.source} [policy ${v.from}@${v.version}]` }]))
    {
      const declared = declaredClocks(snapshot)
      const plan = declared.length === 0
        ? { clocks: [], changes: [] as ClockChange[] }
        : planClocks({
            definitions: def.clocks, after: declared, existing: [], policy: (k) => pinned[k], cal: await loadWorkCalendar(trx, input.jurisdiction),
            today, event: { type: def.creationEvent, payload: {}, actorId: actor.id, actorRole: actor.role }, extend: [], recompute: false,
          })
      const eventPayload = JSON.stringify({
        materials: input.materials, ...(routed ? { routedFrom: routed.parent.id } : {}), ...(plan.changes.length ? { clockChanges: plan.changes } : {}),
      })
      const inserted = await sql<CaseRow>`
      with c as (
        insert into cases (id, procedure, machine_version, jurisdiction, policy_version, policy_values, state, status, snapshot, version,
                           applicant, institution, department, parent_id, created_at, updated_at)
        values (${id}, ${def.id}, ${def.version}, ${input.jurisdiction}, ${policy.version}, ${JSON.stringify(pinned)}::jsonb, ${state}, 'active',
                ${persisted}::jsonb, 1, ${applicant}, ${JSON.stringify(input.institution)}::jsonb, ${input.department ?? def.department},
                ${input.parentId ?? null}::uuid, ${now}, ${now})
        returning *
      ), e as (
        insert into case_events (case_id, seq, type, payload, actor_id, actor_role, at, state_before, state_after, status_code)
        select id, 1, ${def.creationEvent}, ${eventPayload}::jsonb, ${actor.id}, ${actor.role}, ${now}, null, ${state},
               ${spec.statusCode ?? null}::integer from c
        returning case_id
      ), o as (
        insert into outbox (case_id, seq, topic, payload, created_at)
        select e.case_id, 1, o.topic, o.payload, ${now}::timestamptz
        from e, jsonb_to_recordset(${JSON.stringify(outbox)}::jsonb) as o(topic text, payload jsonb)
      )
      select * from c
      `.execute(trx)
      const row = inserted.rows[0]!
      if (plan.clocks.length > 0) {
        const owner = { jurisdiction: input.jurisdiction, department: row.department, procedure: def.id, cal: await loadWorkCalendar(trx, input.jurisdiction) }
        await storeClocks(trx, id, owner, plan.clocks, now)
        // A new case has no timers to cancel: only arm.
        // Alert timers first: at the same instant the worker fires the lower id first, so a clock is marked red
        // before its expiry event (which may stop it) is applied.
        if (this.#deps.supervisionAlerts) await rearmAlertTimers(trx, id, owner, plan.clocks, plan.changes, { type: def.creationEvent, seq: 1 }, now, { fresh: true })
        await rearmTimers(trx, def, id, plan.clocks, plan.changes, { type: def.creationEvent, seq: 1 }, now, { fresh: true })
      }
      return { row, snapshot, definition: def }
    }
  }

  /**
   * Applies one event to one case. `expectedVersion` is the version the sender saw (If-Match); without it the
   * case row is locked (FOR UPDATE) so a system sender (timer, CLI) decides on the current version.
   */
  async apply(caseId: string, event: EventInput, actor: Principal, expectedVersion?: number): Promise<AppliedCase> {
    // With an expected version most events need no explicit transaction: the read is checked by the versioned
    // UPDATE, and the one data-modifying statement is atomic (2 round trips instead of 4; measured in
    // docs/BENCHMARKS.md). An event that must write more than that statement (a filing number, clocks, timers)
    // is redone in a transaction, reusing the row already read.
    let preloaded: CaseRow | undefined
    if (expectedVersion !== undefined && event.type !== DEADLINES_RECOMPUTED) {
      try {
        return await this.#apply(this.#deps.db, caseId, event, actor, expectedVersion, {})
      } catch (err) {
        if (!(err instanceof NeedsTransaction)) throw err
        preloaded = err.row
      }
    }
    return this.#deps.db.transaction().execute((trx) => this.#apply(trx, caseId, event, actor, expectedVersion, {}, preloaded))
  }

  /** Recomputes a case's open deadlines after a calendar change; records DEADLINES_RECOMPUTED, or throws nothing-to-recompute. */
  async recomputeDeadlines(caseId: string, actor: Principal, reason: string): Promise<AppliedCase> {
    return this.apply(caseId, { type: DEADLINES_RECOMPUTED, payload: { reason } }, actor)
  }

  /**
   * Claims, releases or reassigns a case (CASE_CLAIMED, CASE_RELEASED, CASE_REASSIGNED: engine-level, the state
   * stays; src/engine/claims.ts). With an expected version: one statement under the version check; without: the
   * row is locked, so concurrent claims queue and the later ones see the holder.
   */
  async claim(caseId: string, request: ClaimRequest, actor: Principal, expectedVersion?: number): Promise<AppliedCase> {
    const now = this.#deps.clock.now()
    const restore = (r: CaseRow) => restoreSnapshot(definitionOf(r), r)
    const row = expectedVersion !== undefined
      ? await applyClaim(this.#deps.db, caseId, request, actor, expectedVersion, now, restore)
      : await this.#deps.db.transaction().execute((trx) => applyClaim(trx, caseId, request, actor, undefined, now, restore))
    return { row, snapshot: restore(row), definition: definitionOf(row) }
  }

  /** The same as apply, inside a transaction the caller owns (the timer worker claims and applies in one). */
  async applyIn(trx: Transaction<Database>, caseId: string, event: EventInput, actor: Principal, expectedVersion?: number, options: ApplyOptions = {}): Promise<AppliedCase> {
    return this.#apply(trx, caseId, event, actor, expectedVersion, options)
  }

  async #apply(
    db: Kysely<Database>, caseId: string, event: EventInput, actor: Principal, expectedVersion: number | undefined,
    options: ApplyOptions, preloaded?: CaseRow,
  ): Promise<AppliedCase> {
    const inTransaction = (row: CaseRow): Transaction<Database> => {
      if (!db.isTransaction) throw new NeedsTransaction(row)
      return db as Transaction<Database>
    }
    let query = db.selectFrom('cases').selectAll().where('id', '=', caseId)
    if (expectedVersion === undefined) query = query.forUpdate()
    const row = preloaded ?? (await query.executeTakeFirst())
    if (!row) throw caseNotFound(caseId)
    // A routed case's event carried out for its one-window application was authorised by the application's event.
    if (!options.routedFrom) enforceOnCase(actor, 'case.event', caseId, row, event.type)
    if (expectedVersion !== undefined && row.version !== expectedVersion) throw staleVersion(caseId, expectedVersion, row.version)
    const version = row.version
    const def = definitionOf(row)
    const snapshot = restoreSnapshot(def, row)
    const alertEvent = event.type === CLOCK_NEAR_DUE || event.type === CLOCK_OVERDUE
    if (alertEvent && actor.role !== 'system') throw roleNotAllowed(event.type, actor.role, ['system'])
    const recompute = event.type === DEADLINES_RECOMPUTED
    if (recompute && actor.role !== 'system' && actor.role !== 'admin') throw roleNotAllowed(event.type, actor.role, ['system', 'admin'])
    const spec: Pick<EventSpec, 'roles' | 'statusCode' | 'allocates'> | undefined = recompute
      ? { roles: ['system', 'admin'] } : alertEvent ? { roles: ['system'] } : def.events[event.type]
    if (!spec || (!recompute && !alertEvent && !candidateEvents(snapshot).includes(event.type))) {
      throw invalidTransition(event.type, row.state, allowedEvents(def, snapshot))
    }
    if (!spec.roles.includes(actor.role)) throw roleNotAllowed(event.type, actor.role, spec.roles)
    refuseIfHeldByAnother(row, actor)
    const payload = (event.payload ?? {}) as Record<string, unknown>
    const errors = recompute || alertEvent ? [] : payloadErrors(def, event.type, payload)
    if (errors.length > 0) throw invalidPayload(event.type, errors)
    if (row.parent_id && !options.routedFrom && actor.role === 'applicant' && spec.statusCode === 7) throw answerThroughApplication(caseId, row.parent_id)

    const now = this.#deps.clock.now()
    const issued: ProcedureEvent['issued'] = {}
    const allocates = [spec.allocates ?? []].flat()
    if (allocates.includes('filingNumber')) issued.filingNumber = await this.#allocateFilingNumber(inTransaction(row), row.jurisdiction, now)
    if (allocates.includes('childCases')) {
      inTransaction(row)
      issued.childCaseIds = ((snapshot.context as Partial<OneWindowContext>).routes ?? []).map(() => randomUUID())
    }
    const machineEvent: ProcedureEvent = { type: event.type, payload, at: now.toISOString(), actor: { id: actor.id, role: actor.role }, issued }
    // A clock turning yellow or red (supervision, docs/SUPERVISION.md): checked against the clock row, recorded, and
    // for red the head of the department and the supervisor are told through the outbox.
    const alert = alertEvent ? await this.#clockAlert(inTransaction(row), row, event.type, payload, now) : undefined
    const [next, actions]: [AnyMachineSnapshot, readonly { type: string; params?: unknown }[]] = recompute || alertEvent
      ? [snapshot, []]
      : (transition(def.machine, snapshot, machineEvent as never) as [AnyMachineSnapshot, { type: string; params?: unknown }[]])
    // XState returns the same snapshot when no transition was taken (guard false); a targetless transition whose
    // only actions are for the engine (extendClock) also returns it, but with those actions.
    if (next === snapshot && actions.length === 0 && !recompute && !alertEvent) {
      throw ruleNotSatisfied(event.type, row.state, rulesGuarding(def, snapshot, event.type), allowedEvents(def, snapshot))
    }
    const state = stateKey(next.value)
    const status = next.status === 'done' ? 'done' : 'active'
    const seq = version + 1
    const outbox = [...outboxFromActions(def, caseId, actions), ...(alert?.outbox ?? [])]
    const lapse = claimLapses(row, next)

    // A one-window application acting on its routed cases locks them first (routed case before application, the
    // order a routed case reporting back takes), so the two never wait on each other in a cycle.
    const childActions = (actions as readonly EngineAction[]).filter((a) => CHILD_ACTIONS.has(a.type))
    if (childActions.length > 0) {
      const trx = inTransaction(row)
      await sql`select id from cases where parent_id = ${caseId} order by id for update`.execute(trx)
    }
    const reminders = (actions as readonly EngineAction[]).filter((a) => a.type === 'scheduleReminder').map((a) => a.params as ReminderParams)
    if (reminders.length > 0) inTransaction(row)
    // A routed case reports its decision or its request for material to the application in the same transaction.
    const reports = row.parent_id && !options.routedFrom && !recompute && !alertEvent ? reportsToApplication(def, snapshot, next, { type: event.type, payload }) : []
    if (reports.length > 0) inTransaction(row)

    // Clocks: only when the declared clocks change, a clock is extended, or a calendar changed.
    const extend = actions.filter((a) => a.type === 'extendClock').map((a) => String((a.params as { clock?: string })?.clock))
    const before = declaredClocks(snapshot)
    const after = declaredClocks(next)
    let plan: { clocks: ClockState[]; changes: ClockChange[] } = { clocks: [], changes: [] }
    const clocksChange = recompute || extend.length > 0 || !sameDeclarations(before, after)
    if (clocksChange) {
      const trx = inTransaction(row)
      plan = planClocks({
        definitions: def.clocks, after, existing: await loadClocks(trx, caseId), policy: pinnedPolicy(row),
        cal: await loadWorkCalendar(trx, row.jurisdiction), today: shanghaiDate(now),
        event: { type: event.type, payload, actorId: actor.id, actorRole: actor.role }, extend, recompute,
      })
      if (recompute && plan.changes.length === 0) throw nothingToRecompute(caseId)
    }
    // A case that concludes (办结, or ends without one), once: its working days to completion and whether its
    // statutory clocks held, for the supervision statistics (read before the clocks are stopped below).
    const concludes = row.concluded_at === null && (status === 'done' || (spec.statusCode !== undefined && CONCLUDING_STATUS_CODES.has(spec.statusCode)))
    const concluded = concludes ? await this.#completion(inTransaction(row), row, now) : undefined
    const recordedPayload = {
      ...payload,
      ...(alert ? alert.payload : {}),
      ...(issued.filingNumber ? { filingNumber: issued.filingNumber } : {}),
      ...(plan.changes.length ? { clockChanges: plan.changes } : {}),
      ...(lapse ? { claimLapsed: { previousHolder: row.assignee, reason: `the case no longer waits on ${row.assignee_role}` } } : {}),
    }
    const persisted = def.machine.getPersistedSnapshot(next)
    // One statement: the versioned UPDATE gates the history and outbox inserts (no row updated → nothing inserted).
    const result = await sql<{ version: number }>`
      with u as (
        update cases set snapshot = ${JSON.stringify(persisted)}::jsonb, state = ${state},
               status = ${status}, version = ${seq}, updated_at = ${now},
               filing_number = coalesce(${issued.filingNumber ?? null}::text, filing_number),
               assignee = case when ${lapse}::boolean then null else assignee end,
               assignee_role = case when ${lapse}::boolean then null else assignee_role end,
               claimed_at = case when ${lapse}::boolean then null else claimed_at end,
               concluded_at = case when ${concludes}::boolean then ${now}::timestamptz else concluded_at end
        where id = ${caseId} and version = ${version}
        returning id, version
      ), e as (
        insert into case_events (case_id, seq, type, payload, actor_id, actor_role, at, state_before, state_after, status_code, timer_id)
        select id, version, ${event.type}, ${JSON.stringify(recordedPayload)}::jsonb, ${actor.id}, ${actor.role}, ${now},
               ${row.state}, ${state}, ${spec.statusCode ?? null}::integer, ${options.timerId ?? null}::bigint from u
        returning case_id, seq
      ), o as (
        insert into outbox (case_id, seq, topic, payload, created_at)
        select e.case_id, e.seq, x.topic, x.payload, ${now}::timestamptz
        from e, jsonb_to_recordset(${JSON.stringify(outbox)}::jsonb) as x(topic text, payload jsonb)
      )
      select version from u
    `.execute(db)
    if (result.rows.length === 0) throw staleVersion(caseId, version, undefined)
    if (plan.clocks.length > 0) {
      const trx = inTransaction(row)
      const owner = { jurisdiction: row.jurisdiction, department: row.department, procedure: row.procedure, cal: await loadWorkCalendar(trx, row.jurisdiction) }
      await storeClocks(trx, caseId, owner, plan.clocks, now)
      if (this.#deps.supervisionAlerts) await rearmAlertTimers(trx, caseId, owner, plan.clocks, plan.changes, { type: event.type, seq }, now)
      await rearmTimers(trx, def, caseId, plan.clocks, plan.changes, { type: event.type, seq }, now)
    }
    if (alert) {
      await inTransaction(row).updateTable('clocks').set({ alert: alert.mark, ...(alert.mark === 'overdue' ? { was_overdue: true } : {}) })
        .where('id', '=', alert.clockId).execute()
    }
    if (concluded) {
      await inTransaction(row).insertInto('supervision_completion_deltas').values({
        case_id: caseId, jurisdiction: row.jurisdiction, department: row.department, procedure: row.procedure, ...concluded,
      }).execute()
    }
    for (const reminder of reminders) await armReminder(inTransaction(row), caseId, next.context, reminder, { type: event.type, seq }, now)
    if (childActions.length > 0) {
      await this.#carryOutForApplication(inTransaction(row), row, snapshot, next, childActions, machineEvent, actor, seq, now)
    }
    for (const report of reports) {
      await this.#reportToApplication(inTransaction(row), row.parent_id!, { ...report, payload: { childId: caseId, ...report.payload } })
    }
    const updated: CaseRow = { ...row, snapshot: persisted, state, status, version: seq, updated_at: now,
      filing_number: issued.filingNumber ?? row.filing_number, ...(lapse ? { assignee: null, assignee_role: null, claimed_at: null } : {}) }
    return { row: updated, snapshot: next, definition: def }
  }

  /**
   * What a one-window application's event asks of its routed cases, in its transaction: create them (accepted by the
   * window, or deemed accepted), forward the answer to each department that asked, or withdraw the undecided ones.
   */
  async #carryOutForApplication(
    trx: Transaction<Database>, row: CaseRow, before: AnyMachineSnapshot, after: AnyMachineSnapshot, actions: readonly EngineAction[],
    event: ProcedureEvent, actor: Principal, seq: number, now: Date,
  ): Promise<void> {
    const context = after.context as OneWindowContext
    const routedFrom = row.id
    for (const action of actions) {
      if (action.type === 'routeChildren') {
        const how = (action.params as { how: 'accept' | 'deemed' }).how
        for (const child of childrenToCreate(context, event.issued?.childCaseIds ?? [])) {
          const def = findProcedure(child.route.procedure)!
          await this.#createIn(trx, def, {
            procedure: def.id, jurisdiction: row.jurisdiction, institution: child.route.institution, materials: child.materials,
            department: child.route.department, parentId: row.id,
          }, actor, { id: child.id, parent: row })
          // The window's acceptance stands for the routed procedure's own (行政许可法 第二十六条).
          const steps = how === 'accept' ? def.windowAcceptance?.accept : def.windowAcceptance?.deemed
          for (const type of steps ?? []) {
            const sender = how === 'accept' ? actor : SYSTEM_PRINCIPAL
            const payload = how === 'deemed' ? { clock: 'intakeLimit', dueOn: shanghaiDate(now) } : {}
            await this.#apply(trx, child.id, { type, payload }, sender, undefined, { routedFrom })
          }
        }
      } else if (action.type === 'forwardSupplement') {
        const sent = (event.payload as { materials: { item: string; documentRef: string; title?: string }[] }).materials
        for (const answer of supplementAnswers(before.context as OneWindowContext, sent)) {
          const child = await trx.selectFrom('cases').selectAll().where('id', '=', answer.childId).executeTakeFirstOrThrow()
          const def = definitionOf(child)
          const type = resubmitEventOf(def, candidateEvents(restoreSnapshot(def, child)))
          // A department that decided meanwhile no longer waits for the answer.
          if (!type || answer.materials.length === 0) continue
          await this.#apply(trx, answer.childId, { type, payload: { materials: answer.materials } }, actor, undefined, { routedFrom })
        }
      } else if (action.type === 'forwardToChildren') {
        const type = (action.params as { event: string }).event
        for (const childId of undecidedChildren(before.context as OneWindowContext)) {
          const child = await trx.selectFrom('cases').selectAll().where('id', '=', childId).executeTakeFirstOrThrow()
          if (!candidateEvents(restoreSnapshot(definitionOf(child), child)).includes(type)) continue
          await this.#apply(trx, childId, { type, payload: event.payload }, actor, undefined, { routedFrom })
        }
      }
    }
  }

  /** A routed case's decision or request, reported to its application; an application that no longer takes it ignores it. */
  async #reportToApplication(trx: Transaction<Database>, applicationId: string, report: { type: string; payload: Record<string, unknown> }): Promise<void> {
    try {
      await this.#apply(trx, applicationId, report, SYSTEM_PRINCIPAL, undefined, {})
    } catch (err) {
      // Checks come before any write: a refused report changes nothing (e.g. the application was withdrawn meanwhile).
      if (err instanceof DomainError && (err.code === 'invalid-transition' || err.code === 'rule-not-satisfied')) return
      throw err
    }
  }

  /**
   * CLOCK_NEAR_DUE / CLOCK_OVERDUE (fired by the clock's alert timer, payload.clock = `<alert>:<clock>:<kind>`): the
   * clock must run, its moment must have come, and it must not carry that mark already (a second firing changes
   * nothing: refused, so the worker discards it). Red tells the department's head and the supervisor (outbox).
   */
  async #clockAlert(trx: Transaction<Database>, row: CaseRow, type: string, payload: Record<string, unknown>, now: Date) {
    const key = parseAlertTimerName(payload.clock)
    const mark = type === CLOCK_OVERDUE ? 'overdue' as const : 'nearDue' as const
    if (!key || key.alert !== mark) throw clockAlertRefused(row.id, type, `payload.clock must be "${mark}:<clock>:<kind>"`)
    const clock = await trx.selectFrom('clocks').select(['id', 'status', 'due_on', 'due_at', 'near_due_at', 'alert'])
      .where('case_id', '=', row.id).where('name', '=', key.clock).where('kind', '=', key.kind).forUpdate().executeTakeFirst()
    if (!clock || clock.status !== 'running' || !clock.due_at) throw clockAlertRefused(row.id, type, `${key.clock} (${key.kind}) is not running`)
    const moment = mark === 'overdue' ? clock.due_at : clock.near_due_at
    if (!moment || now.getTime() < new Date(moment).getTime()) throw clockAlertRefused(row.id, type, `${key.clock} (${key.kind}) is not ${mark} yet`)
    if (clock.alert === mark || (mark === 'nearDue' && clock.alert === 'overdue')) {
      throw clockAlertRefused(row.id, type, `${key.clock} (${key.kind}) is already marked ${clock.alert}`)
    }
    const dueAt = new Date(clock.due_at).toISOString()
    const dueOn = typeof clock.due_on === 'string' ? clock.due_on : (clock.due_on as unknown as Date | null)?.toISOString().slice(0, 10) ?? null
    const base = { caseId: row.id, clock: key.clock, kind: key.kind, dueOn, dueAt, department: row.department, jurisdiction: row.jurisdiction, procedure: row.procedure }
    // Escalation (行政许可法 第四十二条 supervision of time limits; DOMAIN.md §5): the head of the case's department and
    // the supervisor of its division, one message each.
    const outbox: OutboxRow[] = mark === 'overdue'
      ? [{ topic: 'supervision.overdue', payload: { ...base, notify: 'head' } }, { topic: 'supervision.overdue', payload: { ...base, notify: 'supervisor' } }]
      : []
    return { mark, clockId: clock.id, outbox, payload: { clock: key.clock, kind: key.kind, dueOn, dueAt, ...(mark === 'overdue' ? { escalatedTo: ['head', 'supervisor'] } : {}) } }
  }

  /** Working days from filing to conclusion (after the filing day up to and including today) and whether every statutory clock held. */
  async #completion(trx: Transaction<Database>, row: CaseRow, now: Date): Promise<{ month: string; working_days: number; on_time: boolean }> {
    const cal = await loadWorkCalendar(trx, row.jurisdiction)
    const today = shanghaiDate(now)
    const late = await trx.selectFrom('clocks').select('id').where('case_id', '=', row.id).where('kind', '=', 'statutory')
      .where((eb) => eb.or([eb('was_overdue', '=', true), eb.and([eb('status', '=', 'running'), eb('due_at', '<=', now)])]))
      .limit(1).executeTakeFirst()
    return { month: today.slice(0, 7), working_days: Math.max(0, workingDaysBetween(cal, shanghaiDate(new Date(row.created_at)), today)), on_time: !late }
  }

  /** Filing numbers are unique and gapless per jurisdiction and year (Asia/Shanghai), allocated in the event's transaction. */
  async #allocateFilingNumber(trx: Transaction<Database>, jurisdiction: string, now: Date): Promise<string> {
    const year = Number(shanghaiDate(now).slice(0, 4))
    const { last_seq } = await trx
      .insertInto('filing_number_counters')
      .values({ jurisdiction, year, last_seq: 1 })
      .onConflict((oc) => oc.columns(['jurisdiction', 'year']).doUpdateSet({ last_seq: sql`filing_number_counters.last_seq + 1` }))
      .returning('last_seq')
      .executeTakeFirstOrThrow()
    return `${jurisdiction}-${year}-${String(last_seq).padStart(5, '0')}`
  }
}
