/**
 * The one-window combined application (一个窗口 / 并联审批, DOMAIN.md P5).
 *
 * An institution files once at the service centre (政务服务中心 / 行政审批局): the window checks the materials of every
 * procedure the decision names, sends ONE notice of everything missing across departments (行政许可法 第三十二条,
 * 5 working days, or the application is deemed accepted), accepts with a voucher, and routes one case per procedure
 * to its department in the same transaction, none waiting on another (R6, `003_75b745a2e5c2526d.txt` L125). The
 * departments' requests for more material are merged into one notice; the answer goes back to each department that
 * asked. When every department has decided, the window delivers the results together (统一送达, 第二十六条), or
 * reports which were refused. 医保定点 is not routed: it is a follow-up, reminded at its eligibility date (P5).
 *
 * Pure data: the engine creates the routed cases (`routeChildren`), forwards answers and withdrawals to them
 * (`forwardSupplement`, `forwardToChildren`) and arms the follow-up reminder (`scheduleReminder`); the machine never
 * does I/O or reads the time.
 */
import { and, assign, not, setup } from 'xstate'
import { Type } from 'typebox'
import type { CaseRequest, ClockDefinition, EventSpec, PolicyView, Preparation, ProcedureDefinition, ProcedureEvent, ReminderParams, RuleSpec, StateMeta } from './types.ts'
import { intakeChecks, intakeEvents } from './intake.ts'
import { EmptyPayload, Reasons, SubmittedMaterials, type SubmittedMaterial } from './schemas.ts'
import type { ChecklistItem } from './clinicFiling.ts'
import { decide, ProfileInvalid, type Decision, type Explanation, type InstitutionProfile } from '../src/policy/decide.ts'
import { PolicyValueMissing } from '../src/policy/resolve.ts'
import type { Department } from '../src/policy/keys.ts'
import { eligibilityDate } from '../src/calendar/units.ts'

/** A procedure of the application: routed to its department when the window accepts. */
export interface Route {
  procedure: string
  department: Department
  path: string | null
  /** The checklist items of this procedure (codes), pinned from its own policy. */
  items: string[]
  /** The request the routed case is filed with (materials are added from the application at routing). */
  institution: Record<string, unknown>
  explain: Explanation[]
}

export interface FollowUp {
  procedure: string
  department: Department
  explain: Explanation[]
  /** Months of formal operation before the institution may apply, with the source. */
  waitingMonths: { value: number; source: string } | null
}

export interface OneWindowInput {
  jurisdiction: string
  institution: Record<string, unknown>
  materials: SubmittedMaterial[]
  /** The deduplicated union of the routed procedures' checklists; each item says which procedures need it. */
  checklist: { items: (ChecklistItem & { neededBy: string[] })[]; source: string }
  routes: Route[]
  followUps: FollowUp[]
}

export interface RoutedChild {
  id: string
  procedure: string
  department: Department
  outcome: 'approved' | 'refused' | 'withdrawn' | null
  settledAt: string | null
  stateLabel: string | null
  reasons: string[]
}

/** A department's request for more material after acceptance, held until the window's merged notice. */
export interface DepartmentRequest {
  childId: string
  department: Department
  procedure: string
  items: { item: string; reason: string }[]
  at: string
  /** The merged notice that carried it (index into supplementNotices), or null while it waits for one. */
  notice: number | null
  answeredAt: string | null
}

export interface MergedNotice {
  at: string
  /** Each item once, with every department that asked for it and their reasons. */
  items: { item: string; reasons: string[]; departments: Department[] }[]
  answeredAt: string | null
}

export interface OneWindowContext {
  jurisdiction: string
  institution: Record<string, unknown>
  checklist: OneWindowInput['checklist']
  routes: Route[]
  followUps: FollowUp[]
  /** Latest document per checklist item: one reference shared by every routed case that needs the item. */
  materials: Record<string, SubmittedMaterial>
  supplementNotice: { items: { item: string; reason: string }[]; at: string } | null
  intakeRefusal: { reasons: string[]; at: string } | null
  acceptedAt: string | null
  deemedAccepted: boolean
  voucher: { number: string; at: string } | null
  children: RoutedChild[]
  departmentRequests: DepartmentRequest[]
  supplementNotices: MergedNotice[]
  delivery: { at: string; approved: string[]; refused: string[] } | null
  operationStartedOn: string | null
  followUp: { procedure: string; eligibleFrom: string; source: string; remindedAt: string | null } | null
  withdrawal: { at: string; reason: string | null } | null
  overdueSince: string | null
}

const p = <T>(event: ProcedureEvent) => event.payload as T
const obj = (props: Parameters<typeof Type.Object>[0]) => Type.Object(props, { additionalProperties: false })
const IsoDay = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'date, YYYY-MM-DD (Asia/Shanghai)' })
type Ctx = { context: OneWindowContext; event: ProcedureEvent }

const ART26 = '行政许可法 第二十六条 (一个窗口 统一受理、统一送达)'
const R5 = '004_6104121fb84d74b0.txt L108 (R5: 一个窗口办理, 一次性告知)'
const R6 = '003_75b745a2e5c2526d.txt L125 (R6: 并联审批, 不得互为前置)'
const NOTICE = '行政许可法 第三十二条第一款第（四）项 (五日内一次告知, else deemed accepted)'
const JOINT = '行政许可法 第四十二条第二款 (统一办理、联合办理、集中办理: 45 days, +15 by the head of the same-level government)'

const openRequests = (c: OneWindowContext) => c.departmentRequests.filter((r) => r.notice === null)
const currentNotice = (c: OneWindowContext) => c.supplementNotices.find((n) => n.answeredAt === null) ?? null
const unsettled = (c: OneWindowContext) => c.children.filter((ch) => ch.outcome === null)

export const oneWindowRules = {
  hasAllRequiredMaterials: {
    description: 'every item the routed procedures need has a submitted document',
    source: '行政许可法 第三十二条第一款第（五）项; checklist: the union of each procedure\'s policy checklist (DOMAIN.md P5)',
    check: intakeChecks.hasAllRequiredMaterials,
  },
  noticeCoversEveryMissingItem: {
    description: 'the one notice names every item still missing for every department, and only checklist items',
    source: `${NOTICE}; ${R5}`,
    check: intakeChecks.noticeCoversEveryMissingItem,
  },
  noNoticeSentYet: {
    description: 'no one-time notice has been sent for this application yet',
    source: NOTICE,
    check: intakeChecks.noNoticeSentYet,
  },
  resubmissionAnswersNotice: {
    description: 'the resubmitted documents are for items named in the notice',
    source: '行政许可法 第三十一条',
    check: intakeChecks.resubmissionAnswersNotice,
  },
  knownUnsettledChild: {
    description: 'the report comes from a routed case of this application that had not decided yet',
    source: ART26,
    check: ({ context, event }: Ctx) => context.children.some((c) => c.id === p<{ childId: string }>(event).childId && c.outcome === null),
  },
  lastUnsettledChild: {
    description: 'the reporting case is the last routed case still undecided',
    source: ART26,
    check: ({ context, event }: Ctx) => {
      const open = unsettled(context)
      return open.length === 1 && open[0]!.id === p<{ childId: string }>(event).childId
    },
  },
  knownChild: {
    description: 'the request comes from a routed case of this application',
    source: ART26,
    check: ({ context, event }: Ctx) => context.children.some((c) => c.id === p<{ childId: string }>(event).childId),
  },
  hasOpenDepartmentRequests: {
    description: 'at least one department has asked for material that no notice has carried yet',
    source: `${NOTICE}; DOMAIN.md P5 (one supplement loop across departments)`,
    check: ({ context }: Ctx) => openRequests(context).length > 0,
  },
  answersEveryNoticeItem: {
    description: 'the answer supplies a document for every item of the merged notice, and nothing else',
    source: '行政许可法 第三十一条, 第三十二条',
    check: ({ context, event }: Ctx) => {
      const notice = currentNotice(context)
      if (!notice) return false
      const asked = new Set(notice.items.map((i) => i.item))
      const sent = new Set(p<{ materials: { item: string }[] }>(event).materials.map((m) => m.item))
      return [...sent].every((i) => asked.has(i)) && [...asked].every((i) => sent.has(i))
    },
  },
  everyChildApproved: {
    description: 'every department approved',
    source: ART26,
    check: ({ context }: Ctx) => context.children.length > 0 && context.children.every((c) => c.outcome === 'approved'),
  },
  someChildApproved: {
    description: 'at least one department approved',
    source: ART26,
    check: ({ context }: Ctx) => context.children.some((c) => c.outcome === 'approved'),
  },
  hasFollowUp: {
    description: 'a follow-up procedure (医保定点) is due once the institution operates',
    source: 'DOMAIN.md P5 (P4 is a follow-up at operation start + N months, not a routed case)',
    check: ({ context }: Ctx) => context.followUps.some((f) => f.waitingMonths !== null),
  },
  operationStartNotInFuture: {
    description: 'formal operation cannot start after the day it is recorded',
    source: '医疗机构医疗保障定点管理暂行办法 第六条 (正式运营) [LAW✓]',
    check: ({ event }: Ctx) => p<{ startedOn: string }>(event).startedOn <= shanghaiDay(event.at),
  },
} satisfies Record<string, RuleSpec<OneWindowContext>>

/** The Asia/Shanghai calendar day of an ISO instant (UTC+8, no daylight saving). */
function shanghaiDay(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10)
}

const ChildReport = obj({
  childId: Type.String({ format: 'uuid' }),
  outcome: Type.Union([Type.Literal('approved'), Type.Literal('refused'), Type.Literal('withdrawn')]),
  stateLabel: Type.String({ maxLength: 200 }),
  reasons: Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 50 }),
})

export const oneWindowEvents = {
  SUBMIT: {
    roles: ['applicant'],
    payload: obj({ materials: SubmittedMaterials }),
    description: 'the institution files one application at the window for every procedure it needs (已接件)',
    source: `${ART26}; ${R5}`,
    statusCode: 1,
  },
  ...intakeEvents({ check: `${NOTICE}; ${R5}`, notice: `${NOTICE}: one notice for every department's missing items` }),
  ACCEPT: {
    roles: ['clerk'],
    payload: EmptyPayload,
    description: 'the window accepts (受理) with a voucher and routes one case per procedure to its department, all at once',
    source: `行政许可法 第三十二条第二款 (voucher); ${ART26}; ${R6}`,
    statusCode: 3,
    allocates: ['filingNumber', 'childCases'],
  },
  REFUSE_INTAKE: {
    roles: ['clerk'],
    payload: obj({ reasons: Reasons }),
    description: 'the application is not accepted (不予受理), with reasons and a voucher',
    source: '行政许可法 第三十二条第一款第（一）（二）项, 第二款',
    statusCode: 5,
  },
  INTAKE_LIMIT_PASSED: {
    roles: ['system'],
    payload: obj({ clock: Type.String(), dueOn: IsoDay }),
    description: 'the window let 5 working days pass without accepting or notifying: deemed accepted from receipt, and routed',
    source: NOTICE,
    statusCode: 3,
    allocates: ['filingNumber', 'childCases'],
  },
  CHILD_SETTLED: {
    roles: ['system'],
    payload: ChildReport,
    description: 'a department decided its routed case (reported by the engine in the same transaction)',
    source: ART26,
  },
  DEPARTMENT_REQUESTED_SUPPLEMENT: {
    roles: ['system'],
    payload: obj({ childId: Type.String({ format: 'uuid' }), items: Type.Array(obj({ item: Type.String(), reason: Type.String() }), { minItems: 1, maxItems: 100 }) }),
    description: 'a department asked for more material (held for the window\'s merged notice)',
    source: 'DOMAIN.md P5 (one supplement loop across departments)',
  },
  ISSUE_SUPPLEMENT_NOTICE: {
    roles: ['clerk'],
    payload: EmptyPayload,
    description: 'the window sends one notice merging every department\'s open request (补正开始)',
    source: `${NOTICE}; DOMAIN.md P5`,
    statusCode: 6,
  },
  SUBMIT_SUPPLEMENT: {
    roles: ['applicant'],
    payload: obj({ materials: Type.Array(SubmittedMaterials.items, { minItems: 1, maxItems: 100 }) }),
    description: 'the applicant answers the merged notice once; each department that asked receives its items (补正结束)',
    source: '行政许可法 第三十二条; DOMAIN.md P5',
    statusCode: 7,
  },
  EXTEND_JOINT_LIMIT: {
    roles: ['head'],
    payload: obj({ workingDays: Type.Integer({ minimum: 1, maximum: 60 }), reason: Type.String({ minLength: 2, maxLength: 1000 }), approvedBy: Type.String({ minLength: 2, maxLength: 200, description: 'the head of the same-level government who approved, and the document' }) }),
    description: 'the joint limit is extended with the approval of the head of the same-level government, the reason told to the applicant',
    source: `${JOINT}; bound: policy oneWindow.joint.extension`,
  },
  JOINT_LIMIT_PASSED: {
    roles: ['system'],
    payload: obj({ clock: Type.String(), dueOn: IsoDay }),
    description: 'the joint limit passed: marked overdue and escalated',
    source: JOINT,
  },
  DELIVER: {
    roles: ['clerk'],
    payload: EmptyPayload,
    description: 'every department approved: the window delivers the results together (统一送达, 办结)',
    source: `${ART26}; 行政许可法 第四十四条`,
    statusCode: 11,
  },
  DELIVER_WITH_REFUSALS: {
    roles: ['clerk'],
    payload: EmptyPayload,
    description: 'some or all departments refused: the window delivers every result with each refusal\'s reasons and remedies',
    source: `${ART26}; 行政许可法 第三十八条第二款`,
    statusCode: 13,
  },
  RECORD_OPERATION_START: {
    roles: ['applicant', 'clerk'],
    payload: obj({ startedOn: IsoDay }),
    description: 'the institution records its formal operation start; the 医保定点 eligibility reminder is scheduled',
    source: '医疗机构医疗保障定点管理暂行办法 第六条 (正式运营至少3个月) [LAW✓]; DOMAIN.md P5',
  },
  FOLLOW_UP_ELIGIBLE: {
    roles: ['system'],
    payload: obj({ clock: Type.String(), dueOn: IsoDay }),
    description: 'the eligibility date is reached: the applicant is told it may now apply for 医保定点',
    source: '医疗机构医疗保障定点管理暂行办法 第六条 [LAW✓]; DOMAIN.md P5',
  },
  WITHDRAW: {
    roles: ['applicant'],
    payload: obj({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }),
    description: 'the applicant withdraws the whole application; every routed case still undecided is withdrawn with it',
    source: 'DOMAIN.md P5 [DESIGN]; 行政许可法 第三十二条',
    statusCode: 14,
  },
} satisfies Record<string, EventSpec>

export const oneWindowClocks = {
  intakeLimit: {
    name: 'intakeLimit', title: 'Window intake limit', titleZh: '窗口受理审查时限', policyKey: 'oneWindow.intake',
    onExpiry: { event: 'INTAKE_LIMIT_PASSED', description: 'deemed accepted from receipt and routed (行政许可法 第三十二条)' },
  },
  jointLimit: {
    name: 'jointLimit', title: 'Joint handling limit', titleZh: '联合办理时限', policyKey: 'oneWindow.joint', optional: true,
    onExpiry: { event: 'JOINT_LIMIT_PASSED', description: 'marked overdue and escalated' },
    extension: { event: 'EXTEND_JOINT_LIMIT', description: 'by the head of the same-level government (行政许可法 第四十二条第二款)' },
  },
} satisfies Record<string, ClockDefinition>

const meta = (m: StateMeta) => m
const notify = (topic: string) => ({ type: 'notify', params: { topic: `oneWindow.${topic}` } }) as const
const intakeClock = [{ name: 'intakeLimit', mode: 'run' }] as const
const jointRuns = [{ name: 'jointLimit', mode: 'run' }] as const
const route = (how: 'accept' | 'deemed') => ({ type: 'routeChildren', params: { how } }) as const
const withdrawBeforeRouting = { WITHDRAW: { target: '#oneWindow.withdrawn', actions: 'recordWithdrawal' } } as const

/** Events a routed application takes while the departments work, whether a merged notice is out or not. */
const whileRouted = {
  CHILD_SETTLED: [
    { target: '#oneWindow.consolidating', guard: and(['knownUnsettledChild', 'lastUnsettledChild']), actions: ['recordChildOutcome', notify('allDepartmentsDecided')] },
    { guard: 'knownUnsettledChild', actions: ['recordChildOutcome', notify('departmentDecided')] },
  ],
  DEPARTMENT_REQUESTED_SUPPLEMENT: { guard: 'knownChild', actions: ['recordDepartmentRequest', notify('departmentRequestedSupplement')] },
  EXTEND_JOINT_LIMIT: { actions: { type: 'extendClock', params: { clock: 'jointLimit' } } },
  JOINT_LIMIT_PASSED: { actions: ['recordOverdue', notify('jointLimitOverdue')] },
  WITHDRAW: { target: '#oneWindow.withdrawn', actions: ['recordWithdrawal', { type: 'forwardToChildren', params: { event: 'WITHDRAW' } }] },
} as const

const EMPTY_INPUT: OneWindowInput = { jurisdiction: '', institution: {}, materials: [], checklist: { items: [], source: '' }, routes: [], followUps: [] }

export const oneWindowMachine = setup({
  types: {} as { context: OneWindowContext; events: ProcedureEvent; input: OneWindowInput },
  guards: {
    hasAllRequiredMaterials: oneWindowRules.hasAllRequiredMaterials.check,
    noticeCoversEveryMissingItem: oneWindowRules.noticeCoversEveryMissingItem.check,
    noNoticeSentYet: oneWindowRules.noNoticeSentYet.check,
    resubmissionAnswersNotice: oneWindowRules.resubmissionAnswersNotice.check,
    knownUnsettledChild: oneWindowRules.knownUnsettledChild.check,
    lastUnsettledChild: oneWindowRules.lastUnsettledChild.check,
    knownChild: oneWindowRules.knownChild.check,
    hasOpenDepartmentRequests: oneWindowRules.hasOpenDepartmentRequests.check,
    answersEveryNoticeItem: oneWindowRules.answersEveryNoticeItem.check,
    everyChildApproved: oneWindowRules.everyChildApproved.check,
    someChildApproved: oneWindowRules.someChildApproved.check,
    hasFollowUp: oneWindowRules.hasFollowUp.check,
    operationStartNotInFuture: oneWindowRules.operationStartNotInFuture.check,
  },
  actions: {
    recordSupplementNotice: assign({ supplementNotice: ({ event }) => ({ items: p<{ items: { item: string; reason: string }[] }>(event).items, at: event.at }) }),
    recordMaterials: assign({
      materials: ({ context, event }) => {
        const next = { ...context.materials }
        for (const m of p<{ materials: SubmittedMaterial[] }>(event).materials) next[m.item] = m
        return next
      },
    }),
    recordIntakeRefusal: assign({ intakeRefusal: ({ event }) => ({ reasons: p<{ reasons: string[] }>(event).reasons, at: event.at }) }),
    /** The voucher number and the routed cases' ids are allocated by the engine in the same transaction. */
    recordAcceptance: assign(({ context, event }) => ({
      acceptedAt: event.at,
      deemedAccepted: event.type === 'INTAKE_LIMIT_PASSED',
      voucher: { number: event.issued?.filingNumber ?? '', at: event.at },
      children: context.routes.map((r, i) => ({
        id: event.issued?.childCaseIds?.[i] ?? '', procedure: r.procedure, department: r.department,
        outcome: null, settledAt: null, stateLabel: null, reasons: [],
      })),
    })),
    recordChildOutcome: assign({
      children: ({ context, event }) => {
        const report = p<{ childId: string; outcome: RoutedChild['outcome']; stateLabel: string; reasons: string[] }>(event)
        return context.children.map((c) => (c.id === report.childId ? { ...c, outcome: report.outcome, stateLabel: report.stateLabel, reasons: report.reasons, settledAt: event.at } : c))
      },
      // A department that decided no longer waits for material.
      departmentRequests: ({ context, event }) => context.departmentRequests.map((r) =>
        r.childId === p<{ childId: string }>(event).childId && r.answeredAt === null && r.notice === null ? { ...r, answeredAt: event.at } : r),
    }),
    recordDepartmentRequest: assign({
      departmentRequests: ({ context, event }) => {
        const { childId, items } = p<{ childId: string; items: { item: string; reason: string }[] }>(event)
        const child = context.children.find((c) => c.id === childId)!
        return [...context.departmentRequests, { childId, department: child.department, procedure: child.procedure, items, at: event.at, notice: null, answeredAt: null }]
      },
    }),
    /** Every open request, merged: an item asked for by two departments appears once, with both. */
    recordMergedNotice: assign(({ context, event }) => {
      const index = context.supplementNotices.length
      const merged = new Map<string, { item: string; reasons: string[]; departments: Department[] }>()
      for (const r of openRequests(context)) {
        for (const i of r.items) {
          const entry = merged.get(i.item) ?? { item: i.item, reasons: [], departments: [] }
          if (!entry.reasons.includes(i.reason)) entry.reasons.push(i.reason)
          if (!entry.departments.includes(r.department)) entry.departments.push(r.department)
          merged.set(i.item, entry)
        }
      }
      return {
        supplementNotices: [...context.supplementNotices, { at: event.at, items: [...merged.values()], answeredAt: null }],
        departmentRequests: context.departmentRequests.map((r) => (r.notice === null ? { ...r, notice: index } : r)),
      }
    }),
    recordSupplementAnswer: assign(({ context, event }) => {
      const notice = currentNotice(context)
      const index = notice ? context.supplementNotices.indexOf(notice) : -1
      return {
        supplementNotices: context.supplementNotices.map((n, i) => (i === index ? { ...n, answeredAt: event.at } : n)),
        departmentRequests: context.departmentRequests.map((r) => (r.notice === index && r.answeredAt === null ? { ...r, answeredAt: event.at } : r)),
      }
    }),
    recordDelivery: assign({
      delivery: ({ context, event }) => ({
        at: event.at,
        approved: context.children.filter((c) => c.outcome === 'approved').map((c) => c.id),
        refused: context.children.filter((c) => c.outcome !== 'approved').map((c) => c.id),
      }),
    }),
    recordOperationStart: assign(({ context, event }) => {
      const startedOn = p<{ startedOn: string }>(event).startedOn
      const follow = context.followUps.find((f) => f.waitingMonths !== null)!
      return {
        operationStartedOn: startedOn,
        followUp: {
          procedure: follow.procedure,
          eligibleFrom: eligibilityDate(startedOn, follow.waitingMonths!.value),
          source: follow.waitingMonths!.source,
          remindedAt: null,
        },
      }
    }),
    recordReminder: assign({ followUp: ({ context, event }) => (context.followUp ? { ...context.followUp, remindedAt: event.at } : null) }),
    recordWithdrawal: assign({ withdrawal: ({ event }) => ({ at: event.at, reason: p<{ reason?: string }>(event).reason ?? null }) }),
    recordOverdue: assign({ overdueSince: ({ context, event }) => context.overdueSince ?? event.at }),
    // Requests to the engine, read from the returned actions (nothing runs here).
    extendClock: (_: unknown, _params: { clock: string }) => {},
    notify: (_: unknown, _params: { topic: string }) => {},
    routeChildren: (_: unknown, _params: { how: 'accept' | 'deemed' }) => {},
    forwardSupplement: () => {},
    forwardToChildren: (_: unknown, _params: { event: string }) => {},
    scheduleReminder: (_: unknown, _params: ReminderParams) => {},
  },
}).createMachine({
  id: 'oneWindow',
  version: '1',
  initial: 'submitted',
  context: ({ input = EMPTY_INPUT }) => ({
    jurisdiction: input.jurisdiction,
    institution: input.institution,
    checklist: input.checklist,
    routes: input.routes,
    followUps: input.followUps,
    materials: Object.fromEntries(input.materials.map((m) => [m.item, m])),
    supplementNotice: null,
    intakeRefusal: null,
    acceptedAt: null,
    deemedAccepted: false,
    voucher: null,
    children: [],
    departmentRequests: [],
    supplementNotices: [],
    delivery: null,
    operationStartedOn: null,
    followUp: null,
    withdrawal: null,
    overdueSince: null,
  }),
  states: {
    submitted: {
      meta: meta({ label: '已接件', description: 'received at the window, not yet checked', source: NOTICE, waitingOn: ['clerk'], clocks: intakeClock }),
      on: {
        BEGIN_INTAKE_CHECK: { target: 'intakeCheck' },
        INTAKE_LIMIT_PASSED: { target: 'routed', actions: ['recordAcceptance', route('deemed'), notify('deemedAccepted')] },
        ...withdrawBeforeRouting,
      },
    },
    intakeCheck: {
      meta: meta({ label: '受理审查', description: 'the window checks the materials of every procedure at once', source: `${NOTICE}; ${R5}`, waitingOn: ['clerk'], clocks: intakeClock }),
      on: {
        ACCEPT: { target: 'routed', guard: 'hasAllRequiredMaterials', actions: ['recordAcceptance', route('accept'), notify('accepted')] },
        REQUEST_SUPPLEMENT: {
          target: 'supplementRequested', guard: and(['noNoticeSentYet', 'noticeCoversEveryMissingItem']),
          actions: ['recordSupplementNotice', notify('supplementRequested')],
        },
        REFUSE_INTAKE: { target: 'notAccepted', actions: ['recordIntakeRefusal', notify('notAccepted')] },
        INTAKE_LIMIT_PASSED: { target: 'routed', actions: ['recordAcceptance', route('deemed'), notify('deemedAccepted')] },
        ...withdrawBeforeRouting,
      },
    },
    supplementRequested: {
      meta: meta({ label: '补正中', description: 'waiting for the applicant to supply every item of the one-time notice', source: NOTICE, waitingOn: ['applicant'] }),
      on: {
        RESUBMIT: { target: 'intakeCheck', guard: 'resubmissionAnswersNotice', actions: 'recordMaterials' },
        ...withdrawBeforeRouting,
      },
    },
    routed: {
      meta: meta({
        label: '并联办理中', description: 'accepted; every department works on its routed case at once, none waiting on another',
        source: `${ART26}; ${R6}`, waitingOn: ['clerk'], clocks: jointRuns,
      }),
      on: {
        ...whileRouted,
        ISSUE_SUPPLEMENT_NOTICE: { target: 'supplementNotified', guard: 'hasOpenDepartmentRequests', actions: ['recordMergedNotice', notify('mergedSupplementNotice')] },
      },
    },
    supplementNotified: {
      meta: meta({
        label: '补正中（受理后）', description: 'one merged notice of every department\'s request is with the applicant; the joint limit is paused',
        source: `${NOTICE}; DOMAIN.md P5`, waitingOn: ['applicant'],
        clocks: [{ name: 'jointLimit', mode: 'pause', pauseKind: 'supplement' }],
      }),
      on: {
        ...whileRouted,
        SUBMIT_SUPPLEMENT: {
          target: 'routed', guard: 'answersEveryNoticeItem',
          actions: ['recordMaterials', 'forwardSupplement', 'recordSupplementAnswer', notify('supplementAnswered')],
        },
      },
    },
    consolidating: {
      meta: meta({ label: '汇总待送达', description: 'every department has decided: the window delivers the results together', source: ART26, waitingOn: ['clerk'] }),
      on: {
        DELIVER: [
          { target: 'awaitingOperationStart', guard: and(['everyChildApproved', 'hasFollowUp']), actions: ['recordDelivery', notify('delivered')] },
          { target: 'delivered', guard: 'everyChildApproved', actions: ['recordDelivery', notify('delivered')] },
        ],
        DELIVER_WITH_REFUSALS: [
          { target: 'partiallyRefused', guard: and([not('everyChildApproved'), 'someChildApproved']), actions: ['recordDelivery', notify('partiallyRefused')] },
          { target: 'refused', guard: not('someChildApproved'), actions: ['recordDelivery', notify('refused')] },
        ],
      },
    },
    awaitingOperationStart: {
      meta: meta({
        label: '已办结（待正式运营）', description: 'delivered; the 医保定点 follow-up is reminded once formal operation starts',
        source: 'DOMAIN.md P5; 医疗机构医疗保障定点管理暂行办法 第六条', waitingOn: ['applicant'],
      }),
      on: {
        RECORD_OPERATION_START: {
          target: 'followUpScheduled', guard: 'operationStartNotInFuture',
          actions: ['recordOperationStart', { type: 'scheduleReminder', params: { clock: 'followUpEligibility', event: 'FOLLOW_UP_ELIGIBLE', on: 'followUp.eligibleFrom' } }, notify('followUpScheduled')],
        },
      },
    },
    followUpScheduled: {
      meta: meta({ label: '已办结（待医保定点申请期）', description: 'a durable reminder is armed for the eligibility date', source: 'DOMAIN.md P5' }),
      on: { FOLLOW_UP_ELIGIBLE: { target: 'followUpDue', actions: ['recordReminder', notify('followUpEligible')] } },
    },
    followUpDue: { type: 'final', meta: meta({ label: '已办结（可申请医保定点）', description: 'the applicant was told it may now apply for 医保定点', source: 'DOMAIN.md P5' }) },
    delivered: { type: 'final', meta: meta({ label: '已办结（统一送达）', description: 'every department approved; results delivered together', source: ART26 }) },
    partiallyRefused: { type: 'final', meta: meta({ label: '部分不予许可', description: 'some departments refused: each result with its reasons and remedies', source: `${ART26}; 行政许可法 第三十八条第二款` }) },
    refused: { type: 'final', meta: meta({ label: '不予许可', description: 'no department approved: each refusal with its reasons and remedies', source: '行政许可法 第三十八条第二款' }) },
    notAccepted: { type: 'final', meta: meta({ label: '不予受理', description: 'not accepted, with reasons and a voucher', source: '行政许可法 第三十二条第二款' }) },
    withdrawn: { type: 'final', meta: meta({ label: '已撤回', description: 'withdrawn by the applicant; undecided routed cases were withdrawn with it', source: 'DOMAIN.md P5 [DESIGN]' }) },
  },
})

const PROFILE_KEYS = ['adds', 'unitKind', 'medicalKind', 'medicalLevel', 'beds', 'ownership', 'elderCareVariant', 'operationStartedOn'] as const

/** The institution profile decide() reads, from the application's institution (founder = its kind). */
export function profileOf(institution: Record<string, unknown>): InstitutionProfile {
  const profile: Record<string, unknown> = { founder: institution.kind }
  for (const k of PROFILE_KEYS) if (institution[k] !== undefined) profile[k] = institution[k]
  return profile as unknown as InstitutionProfile
}

/** How a routed case of `procedure` is filed: what the procedure reads from the institution, from the decision. */
function routedInstitution(institution: Record<string, unknown>, d: Decision): Record<string, unknown> {
  if (d.procedure === 'elderCareFiling') return { ...institution, elderCareVariant: d.path }
  if (d.procedure === 'ordinaryApproval') {
    const first = d.explain[0]
    return { ...institution, approval: { text: first?.text ?? '', rule: first?.rule ?? '', source: first?.source ?? '' } }
  }
  return institution
}

/** The procedure a decision routes to: a modelled procedure, or a department approval (ordinaryApproval). */
const routedProcedure = (d: Decision) => (d.procedure === 'ordinaryApproval' ? 'departmentApproval' : d.procedure)

/**
 * Builds the application from the decision of the policy in force: each procedure it names is prepared as its own
 * case would be (so an application that a department would refuse at filing is refused here, with its reason), and
 * the materials are checked against the union of their checklists.
 */
export function createOneWindowPrepare(definitions: Readonly<Record<string, ProcedureDefinition>>) {
  return function prepareOneWindow(request: CaseRequest, policy: PolicyView, today: string): Preparation {
    if (!policy.resolved) return { ok: false, detail: 'the one-window application needs the resolved policy', source: ART26 }
    if (request.institution.adds === undefined) {
      return { ok: false, detail: 'institution.adds is required: what the institution adds (internalMedicalUnit, medicalInstitution or elderlyCare) decides the procedures', source: R5 }
    }
    let decisions: Decision[]
    try {
      decisions = decide(profileOf(request.institution), policy.resolved)
    } catch (err) {
      if (err instanceof ProfileInvalid) return { ok: false, detail: err.message, source: 'DOMAIN.md §2 (the decision of procedures)' }
      if (err instanceof PolicyValueMissing) return { ok: false, detail: err.message, source: 'policy data' }
      throw err
    }
    const routes: Route[] = []
    const items = new Map<string, ChecklistItem & { neededBy: string[] }>()
    const sources: string[] = []
    for (const d of decisions.filter((x) => !x.followUp)) {
      const procedure = routedProcedure(d)
      const def = definitions[procedure]
      if (!def) return { ok: false, detail: `no procedure ${procedure} to route ${d.department}'s part to`, source: R6 }
      const institution = routedInstitution(request.institution, d)
      // Prepared without materials first, to learn the procedure's pinned checklist.
      const probe = def.prepare({ jurisdiction: request.jurisdiction, institution, materials: [] }, policy, today)
      if (!probe.ok) return { ok: false, detail: `${procedure} (${d.department}): ${probe.detail}`, source: probe.source }
      const checklist = (probe.input as { checklist?: { items: ChecklistItem[]; source: string } }).checklist
      if (!checklist) return { ok: false, detail: `${procedure} pins no checklist`, source: R5 }
      sources.push(`${procedure}: ${checklist.source}`)
      for (const item of checklist.items) {
        const entry = items.get(item.code) ?? { ...item, neededBy: [] }
        if (!entry.neededBy.includes(procedure)) entry.neededBy.push(procedure)
        items.set(item.code, entry)
      }
      routes.push({ procedure, department: d.department, path: d.path ?? null, items: checklist.items.map((i) => i.code), institution, explain: d.explain })
    }
    if (routes.length === 0) return { ok: false, detail: 'the decision routes no procedure for this institution here', source: R5 }
    const unknown = request.materials.filter((m) => !items.has(m.item)).map((m) => m.item)
    if (unknown.length > 0) {
      return { ok: false, detail: `materials ${unknown.join(', ')} are not on the checklist of any routed procedure; items: ${[...items.keys()].join(', ')}`, source: '行政许可法 第三十一条' }
    }
    const followUps: FollowUp[] = decisions.filter((x) => x.followUp).map((d) => {
      const months = policy.resolved!.values[`${d.procedure}.waitingMonths`]
      return {
        procedure: d.procedure, department: d.department, explain: d.explain,
        waitingMonths: months ? { value: months.value as number, source: `${months.source} [policy ${months.from}@${months.version}]` } : null,
      }
    })
    const input: OneWindowInput = {
      jurisdiction: request.jurisdiction,
      institution: request.institution,
      materials: request.materials,
      checklist: { items: [...items.values()], source: sources.join('; ') },
      routes,
      followUps,
    }
    return { ok: true, input }
  }
}

export function createOneWindow(definitions: Readonly<Record<string, ProcedureDefinition>>): ProcedureDefinition {
  return {
    id: 'oneWindow',
    // DOMAIN.md §2.12: 政务服务中心 / 政务服务局 / 行政审批局 runs the one window.
    department: 'serviceCentre',
    version: '1',
    title: 'One-window combined application',
    titleZh: '医养结合机构“一个窗口”并联审批',
    description: 'One application at the service centre: one notice, parallel routing to every department, one delivery of every result.',
    machine: oneWindowMachine,
    events: oneWindowEvents,
    rules: oneWindowRules,
    clocks: oneWindowClocks,
    creationEvent: 'SUBMIT',
    prepare: createOneWindowPrepare(definitions),
  }
}
