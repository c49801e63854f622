/**
 * What a transition does to a case's clocks, pure: open, pause, resume (or restart), stop, extend, recompute.
 * The states declare which clocks run or pause there; comparing the state before with the state after gives the
 * operations, so machines never do clock arithmetic and the engine applies the result in the event's transaction.
 */
import type { IsoDate, WorkCalendar } from '../calendar/types.ts'
import { workingDaysBetween } from '../calendar/units.ts'
import { computeClock } from './compute.ts'
import { CLOCK_KINDS, type ClockKind, type ClockState, type Limit } from './types.ts'
import type { ClockDeclaration, ClockDefinition } from '../../machines/types.ts'
import { DomainError } from '../engine/errors.ts'

export type { ClockDeclaration, ClockDefinition }

export type PolicyLookup = (key: string) => { value: unknown; source: string } | undefined

export interface ClockChange {
  clock: string
  kind: ClockKind
  op: 'opened' | 'paused' | 'resumed' | 'restarted' | 'stopped' | 'extended' | 'recomputed'
  dueBefore: IsoDate | null
  dueAfter: IsoDate | null
  provisional: boolean
}

export interface ClockPlanInput {
  definitions: Readonly<Record<string, ClockDefinition>>
  after: readonly ClockDeclaration[]
  existing: readonly ClockState[]
  policy: PolicyLookup
  cal: WorkCalendar
  today: IsoDate
  event: { type: string; payload: Record<string, unknown>; actorId: string; actorRole: string }
  /** Clocks an `extendClock` action of this transition extends, by `payload.workingDays` with `payload.reason`. */
  extend: readonly string[]
  /** Recompute every open clock (a calendar changed). */
  recompute: boolean
}

export const extensionExceedsPolicy = (clock: string, asked: number, granted: number, max: number, source: string) =>
  new DomainError('extension-exceeds-policy', 422, 'Extension exceeds the policy bound',
    `${clock} may be extended by at most ${max} working day(s) in all (${source}); ${granted} already granted, ${asked} asked`,
    { clock, asked, alreadyGranted: granted, maxWorkingDays: max, source })

export const clockNotOpen = (clock: string) =>
  new DomainError('clock-not-open', 422, 'Clock is not running', `${clock} is not running for this case, so it cannot be extended`, { clock })

export const policyMissing = (key: string) =>
  new DomainError('policy-value-missing', 500, 'Policy value missing', `the case's pinned policy has no value for ${key}`)

function limitOf(policy: PolicyLookup, key: string, kind: ClockKind): Limit & { source: string } {
  const own = policy(`${key}.${kind}`)
  const found = own ?? (kind === 'promised' ? policy(`${key}.statutory`) : undefined)
  if (!found) throw policyMissing(`${key}.${kind}`)
  const v = found.value as Limit
  const source = own ? found.source : `${found.source} (no promised limit published: the statutory limit applies)`
  return { amount: v.amount, unit: v.unit, source }
}

function nearDue(policy: PolicyLookup): number {
  return Number(policy('sla.nearDueWorkingDays')?.value ?? 3)
}

function reasonOf(payload: Record<string, unknown>, fallback: string): string {
  const r = payload.reason ?? payload.findings
  return typeof r === 'string' && r.length > 0 ? r : fallback
}

export function planClocks(input: ClockPlanInput): { clocks: ClockState[]; changes: ClockChange[] } {
  const { cal, today, event, policy } = input
  const names = new Set([...input.after.map((d) => d.name), ...input.existing.filter((c) => c.status !== 'stopped').map((c) => c.name), ...input.extend])
  const out: ClockState[] = []
  const changes: ClockChange[] = []
  for (const name of names) {
    const def = input.definitions[name]
    if (!def) throw new Error(`clock ${name} is not defined by the procedure`)
    const declared = input.after.find((d) => d.name === name)
    for (const kind of CLOCK_KINDS) {
      const current = input.existing.find((c) => c.name === name && c.kind === kind)
      let next: ClockState | undefined
      let op: ClockChange['op'] | undefined
      const open = current && current.status !== 'stopped'
      if (!open && declared && def.optional && !policy(`${def.policyKey}.statutory`)) continue
      if (!open && declared) {
        const limit = limitOf(policy, def.policyKey, kind)
        next = {
          name, kind, unit: limit.unit, amount: limit.amount, policyKey: def.policyKey, source: limit.source,
          status: declared.mode === 'run' ? 'running' : 'paused', startedOn: today, pausedOn: declared.mode === 'pause' ? today : null,
          pauses: declared.mode === 'pause'
            ? [{ kind: declared.pauseKind ?? 'specialProcedure', from: today, to: null, event: event.type, reason: reasonOf(event.payload, event.type), noticeWorkingDays: null, workingDays: null }]
            : [],
          extensions: [],
          restarts: current ? [...current.restarts, { on: today, event: event.type, reason: 'opened again', previousStart: current.startedOn }] : [],
          dueOn: null, dueAt: null, remainingWorkingDays: null, provisional: false, nearDueWorkingDays: nearDue(policy), explanation: null,
        }
        op = 'opened'
      } else if (open && current) {
        if (!declared) {
          next = { ...current, status: 'stopped' }
          if (current.status === 'paused') next = closePause(cal, next, today)
          op = 'stopped'
        } else if (current.status === 'running' && declared.mode === 'pause') {
          const notice = typeof event.payload.workingDaysNeeded === 'number' ? event.payload.workingDaysNeeded : null
          next = {
            ...current, status: 'paused', pausedOn: today,
            pauses: [...current.pauses, { kind: declared.pauseKind ?? 'specialProcedure', from: today, to: null, event: event.type, reason: reasonOf(event.payload, event.type), noticeWorkingDays: notice, workingDays: null }],
          }
          op = 'paused'
        } else if (current.status === 'paused' && declared.mode === 'run') {
          const openPause = current.pauses.at(-1)
          const restart = openPause?.kind === 'supplement' && policy(`${def.policyKey}.afterSupplement`)?.value === 'restart'
          const resumed = closePause(cal, { ...current, status: 'running' }, today)
          if (restart) {
            next = {
              ...resumed, startedOn: today, pauses: [], extensions: [],
              restarts: [...current.restarts, { on: today, event: event.type, reason: `restarted after supplement (${policy(`${def.policyKey}.afterSupplement`)?.source})`, previousStart: current.startedOn }],
            }
            op = 'restarted'
          } else {
            next = resumed
            op = 'resumed'
          }
        }
      }
      if (input.extend.includes(name)) {
        const base = next ?? current
        if (!base || base.status === 'stopped') throw clockNotOpen(name)
        const asked = Number(event.payload.workingDays)
        const bound = policy(`${def.policyKey}.extension`)
        const max = Number((bound?.value as { maxWorkingDays?: number } | undefined)?.maxWorkingDays ?? 0)
        const granted = base.extensions.reduce((n, e) => n + e.workingDays, 0)
        if (granted + asked > max) throw extensionExceedsPolicy(name, asked, granted, max, bound?.source ?? 'no extension is provided for in the policy')
        next = {
          ...base,
          extensions: [...base.extensions, { workingDays: asked, reason: reasonOf(event.payload, 'extension'), approvedBy: event.actorId, approvedRole: event.actorRole, on: today, event: event.type }],
        }
        op = 'extended'
      }
      if (!next && input.recompute && current && current.status !== 'stopped') {
        next = current
        op = 'recomputed'
      }
      if (!next || !op) continue
      const computed = next.status === 'stopped' ? next : computeClock(cal, next, today)
      // A recompute is a change only when a date moves or the provisional mark changes. Remaining working days of
      // a running clock depend on today, so they are not compared; a paused clock has no date, only its remainder.
      if (op === 'recomputed' && current && computed.dueOn === current.dueOn && computed.provisional === current.provisional
        && (computed.status === 'running' || computed.remainingWorkingDays === current.remainingWorkingDays)) continue
      out.push(computed)
      changes.push({ clock: name, kind, op, dueBefore: current?.dueOn ?? null, dueAfter: computed.dueOn, provisional: computed.provisional })
    }
  }
  return { clocks: out, changes }
}

function closePause(cal: WorkCalendar, clock: ClockState, today: IsoDate): ClockState {
  const pauses = clock.pauses.map((p, i) =>
    i === clock.pauses.length - 1 && p.to === null ? { ...p, to: today, workingDays: Math.max(0, workingDaysBetween(cal, p.from, today)) } : p,
  )
  return { ...clock, pausedOn: null, pauses }
}
