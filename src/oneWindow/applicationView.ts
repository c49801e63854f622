/**
 * The applicant's view of a one-window application (DOMAIN.md P5): the window's own progress, then each department's
 * routed case with its state, the national 办件 status code of its last reported act, its clock colour and who it
 * waits on; the joint limit where policy makes the handling joint, else the latest deadline among the departments.
 */
import type { Kysely } from 'kysely'
import type { CaseRow, Database } from '../db/schema.ts'
import { definitionOf, restoreSnapshot } from '../engine/engine.ts'
import { activeStateMeta, stateOutcome } from '../engine/snapshot.ts'
import { readClockViewsOfCases, type ClockView } from '../cases/clockViews.ts'
import type { OneWindowContext } from '../../machines/oneWindow.ts'

type ClockViews = ClockView[]
const COLOUR_RANK = { green: 0, yellow: 1, red: 2 } as const

/** The worst colour of the running or paused clocks (red over yellow over green), null without any. */
function worstColour(clocks: ClockViews): 'green' | 'yellow' | 'red' | null {
  let worst: 'green' | 'yellow' | 'red' | null = null
  for (const c of clocks) if (c.colour && (worst === null || COLOUR_RANK[c.colour] > COLOUR_RANK[worst])) worst = c.colour
  return worst
}

/** The latest due day among the statutory clocks still open: what the parent shows when handling is not joint. */
function latestDue(clocks: ClockViews): string | null {
  return clocks.filter((c) => c.kind === 'statutory' && c.status !== 'stopped' && c.dueOn).map((c) => c.dueOn!).sort().at(-1) ?? null
}

async function lastStatusCodes(db: Kysely<Database>, ids: string[]): Promise<Map<string, { code: number; at: Date }>> {
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('case_events').select(['case_id', 'status_code', 'at', 'seq'])
    .where('case_id', 'in', ids).where('status_code', 'is not', null).orderBy('case_id').orderBy('seq').execute()
  const last = new Map<string, { code: number; at: Date }>()
  for (const r of rows) last.set(r.case_id, { code: r.status_code!, at: r.at })
  return last
}

export async function applicationView(db: Kysely<Database>, parent: CaseRow, now: Date) {
  const def = definitionOf(parent)
  const snapshot = restoreSnapshot(def, parent)
  const context = snapshot.context as OneWindowContext
  const children = await db.selectFrom('cases').selectAll().where('parent_id', '=', parent.id).orderBy('created_at').orderBy('id').execute()
  const codes = await lastStatusCodes(db, [parent.id, ...children.map((c) => c.id)])
  // One read of the clocks of the parent and every department's case.
  const clocksOf = await readClockViewsOfCases(db, [parent, ...children], now)
  const parentClocks = clocksOf.get(parent.id)!
  const departments = []
  for (const child of children) {
    const childDef = definitionOf(child)
    const childSnapshot = restoreSnapshot(childDef, child)
    const meta = activeStateMeta(childSnapshot)
    const clocks = clocksOf.get(child.id)!
    const reported = context.children.find((c) => c.id === child.id)
    const open = context.departmentRequests.filter((r) => r.childId === child.id && r.answeredAt === null)
    const code = codes.get(child.id)
    departments.push({
      caseId: child.id,
      procedure: child.procedure,
      procedureTitleZh: childDef.titleZh,
      department: child.department,
      state: child.state,
      stateLabel: meta?.label ?? child.state,
      status: child.status,
      outcome: stateOutcome(childSnapshot) ?? null,
      reasons: reported?.reasons ?? [],
      statusCode: code?.code ?? null,
      statusCodeAt: code ? code.at.toISOString() : null,
      waitingOn: open.length > 0 ? ['applicant'] : [...(meta?.waitingOn ?? [])],
      colour: worstColour(clocks),
      dueOn: latestDue(clocks),
      clocks,
    })
  }
  const joint = parentClocks.find((c) => c.name === 'jointLimit') ?? null
  const childDue = departments.map((d) => d.dueOn).filter((d): d is string => d !== null).sort().at(-1) ?? null
  const meta = activeStateMeta(snapshot)
  const parentCode = codes.get(parent.id)
  return {
    id: parent.id,
    version: parent.version,
    jurisdiction: parent.jurisdiction,
    state: parent.state,
    stateLabel: meta?.label ?? parent.state,
    status: parent.status,
    statusCode: parentCode?.code ?? null,
    waitingOn: [...(meta?.waitingOn ?? [])],
    acceptedAt: context.acceptedAt,
    deemedAccepted: context.deemedAccepted,
    voucher: context.voucher,
    checklist: context.checklist.items.map((i) => ({ ...i, submitted: Boolean(context.materials[i.code]) })),
    limit: joint
      ? { basis: 'joint' as const, dueOn: joint.dueOn, colour: joint.colour, source: joint.source }
      : { basis: 'latestDepartment' as const, dueOn: childDue, colour: worstColour(departments.flatMap((d) => d.clocks)), source: '行政许可法 第四十二条 (each department keeps its own limit; the application shows the latest)' },
    clocks: parentClocks,
    departments,
    openRequests: context.departmentRequests.filter((r) => r.notice === null && r.answeredAt === null),
    supplementNotices: context.supplementNotices,
    delivery: context.delivery,
    followUps: context.followUps.map((f) => ({ procedure: f.procedure, department: f.department, explain: f.explain })),
    followUp: context.followUp,
  }
}
