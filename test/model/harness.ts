/**
 * Model-based tests for a procedure: the machine's graph is walked with concrete events (@xstate/graph); every
 * state must be reachable and every non-final state must have a way out; every transition is then replayed
 * through the engine on the real database, checking the state after each step and that history is complete.
 * Every clock with an expiry event must accept that event in each state where the clock runs.
 * Each procedure calls `modelTests(model)` from its own test file, so procedures run in parallel.
 */
import t from 'tap'
import { getShortestPaths } from '@xstate/graph'
import { transition, type AnyMachineSnapshot } from 'xstate'
import { procedures } from '../../machines/index.ts'
import type { ProcedureEvent, Role } from '../../machines/types.ts'
import { describeProcedure } from '../../src/procedures/describe.ts'
import { stateKey } from '../../src/engine/snapshot.ts'
import { createPolicyStore, loadPolicyDocuments } from '../../src/policy/store.ts'
import { policyValue, resolvePolicy } from '../../src/policy/resolve.ts'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { SYSTEM_PRINCIPAL, type Principal } from '../../src/auth/principal.ts'
import { freshDatabase, databaseName } from '../helpers/db.ts'
import type { ProcedureModel } from './fixtures.ts'

const AT = '2026-03-02T01:00:00.000Z'
const TODAY = '2026-03-02'

function concreteEvents(model: ProcedureModel): ProcedureEvent[] {
  const def = procedures[model.procedure]!
  return Object.entries(model.events).flatMap(([type, variants]) =>
    variants.map((payload) => ({ type, payload, at: AT, actor: { id: 'model', role: (def.events[type]?.roles[0] ?? 'system') as Role }, issued: { filingNumber: 'MODEL-1' } })),
  )
}

/** Applications whose path is decided at submission each walk their own graph; a state need be reachable from one. */
const applicationsOf = (model: ProcedureModel) => model.applications ?? [model.application]

function pathsFor(model: ProcedureModel, application: ProcedureModel['application']) {
  const def = procedures[model.procedure]!
  const policy = resolvePolicy(loadPolicyDocuments(), application.jurisdiction, TODAY)
  const prepared = def.prepare(application, { version: policy.version, get: (k) => policyValue(policy, k) }, TODAY)
  if (!prepared.ok) throw new Error(prepared.detail)
  const serializeState = (s: AnyMachineSnapshot) => JSON.stringify([stateKey(s.value), model.contextKey(s.context)])
  return getShortestPaths(def.machine, { input: prepared.input as never, events: concreteEvents(model) as never, serializeState: serializeState as never })
}

/** The case's own staff: the window's clerks, the handling department's officers, heads and supervisors. */
const official = (role: Role, jurisdiction: string, department?: string): Principal =>
  role === 'system' ? SYSTEM_PRINCIPAL : { id: `${role}-model`, role, jurisdiction, department: role === 'clerk' ? 'serviceCentre' : department }

export function modelTests(model: ProcedureModel): void {
  const def = procedures[model.procedure]!
  const description = describeProcedure(def)

  t.test(`${def.id}: the model gives a concrete payload for every event`, async (t) => {
    t.same(Object.keys(model.events).sort(), Object.keys(def.events).filter((e) => e !== def.creationEvent).sort())
  })

  t.test(`${def.id}: every state is reachable and every non-final state has a way out`, async (t) => {
    const reached = new Set(applicationsOf(model).flatMap((a) => pathsFor(model, a)).map((p) => stateKey(p.state.value)))
    const leaves = description.states.filter((s) => !description.states.some((o) => o.state.startsWith(`${s.state}.`)))
    for (const s of leaves) {
      t.ok(reached.has(s.state), `${s.state} is reachable`)
      if (!s.final) {
        const ancestors = description.states.filter((o) => s.state === o.state || s.state.startsWith(`${o.state}.`))
        t.ok(ancestors.some((a) => a.transitions.length > 0), `${s.state} has a way out`)
      }
    }
  })

  t.test(`${def.id}: every clock expiry is handled in every state where its clock runs`, async (t) => {
    for (const clock of Object.values(def.clocks)) {
      if (!clock.onExpiry) continue
      for (const s of description.states) {
        if (!s.clocks.some((c) => c.name === clock.name && c.mode === 'run')) continue
        const ancestors = description.states.filter((o) => s.state === o.state || s.state.startsWith(`${o.state}.`))
        t.ok(ancestors.some((a) => a.transitions.some((x) => x.event === clock.onExpiry!.event)), `${s.state} handles ${clock.onExpiry.event}`)
      }
    }
  })

  t.test(`${def.id}: every transition of the model replays through the engine on ${databaseName} with history intact`, async (t) => {
    const { db } = await freshDatabase(t)
    const engine = new Engine({ db, clock: fixedClock('2026-03-02T09:00:00+08:00'), policies: createPolicyStore() })
    const events = concreteEvents(model)
    let replayed = 0
    for (const application of applicationsOf(model)) {
      // The shortest path to each vertex covers every vertex; extending it by each event accepted there covers
      // every transition out of it.
      for (const path of pathsFor(model, application)) {
        for (const extra of [undefined, ...events]) {
          const steps = path.steps.slice(1).map((s) => s.event as unknown as ProcedureEvent)
          if (extra) {
            if (!(path.state as AnyMachineSnapshot).can(extra as never)) continue
            steps.push(extra)
          }
          const applicant = official('applicant', application.jurisdiction)
          const { row } = await engine.create(application, applicant)
          let version = row.version
          for (const step of steps) {
            const role = (def.events[step.type]?.roles[0] ?? 'system') as Role
            const actor = role === 'applicant' ? applicant : official(role, application.jurisdiction, row.department)
            version = (await engine.apply(row.id, { type: step.type, payload: step.payload }, actor, role === 'system' ? undefined : version)).row.version
          }
          const history = await db.selectFrom('case_events').select(['seq', 'type', 'state_after']).where('case_id', '=', row.id).orderBy('seq').execute()
          const target = extra ? transition(def.machine, path.state as AnyMachineSnapshot, extra as never)[0] : path.state
          const expected = stateKey(target.value)
          t.equal(history.at(-1)!.state_after, expected, `${steps.map((s) => s.type).join(' → ') || def.creationEvent} reaches ${expected}`)
          t.same(history.map((e) => e.seq), Array.from({ length: steps.length + 1 }, (_, i) => i + 1), 'history is gapless')
          t.same(history.map((e) => e.type), [def.creationEvent, ...steps.map((s) => s.type)], 'history is complete')
          replayed++
        }
      }
    }
    t.ok(replayed > 0, `${replayed} walks replayed`)
  })
}
