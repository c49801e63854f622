/**
 * A department's approval routed by a one-window application where no procedure of its own is modelled in detail
 * (the decision names it `ordinaryApproval`): e.g. the fire acceptance of premises whose fire-safety qualification
 * is not reused (DOMAIN.md R4b, 住建部令第51号), or an elderly-care 设立许可 under the regime before 2018-12-29 (R3a).
 * The department reviews and decides within the limit of 行政许可法 第四十二条第一款 (20 working days, +10 with the
 * head's approval; 第八十二条), may ask for corrections (the clock pauses as policy says) and may arrange an
 * inspection (第四十五条: not counted). Created only by a one-window application (P5), accepted by the window.
 * Pure data: no I/O, no timers, no clock.
 */
import { assign, setup } from 'xstate'
import { Type } from 'typebox'
import type { CaseRequest, ClockDefinition, EventSpec, PolicyView, Preparation, ProcedureDefinition, ProcedureEvent, StateMeta } from './types.ts'
import { intakeRules, intakeEvents, materialsOffChecklist } from './intake.ts'
import { EmptyPayload, NoticeItem, Reasons, SubmittedMaterials, type SubmittedMaterial } from './schemas.ts'
import type { ChecklistItem } from './clinicFiling.ts'

export interface DepartmentApprovalInput {
  jurisdiction: string
  institution: Record<string, unknown>
  materials: SubmittedMaterial[]
  checklist: { items: ChecklistItem[]; source: string }
  /** What is approved, as the decision explained it (e.g. the fire acceptance of the elderly-care premises). */
  subject: { text: string; rule: string; source: string }
}

export interface DepartmentApprovalContext {
  jurisdiction: string
  institution: Record<string, unknown>
  checklist: { items: ChecklistItem[]; source: string }
  subject: DepartmentApprovalInput['subject']
  materials: Record<string, SubmittedMaterial>
  supplementNotice: { items: { item: string; reason: string }[]; at: string } | null
  acceptedAt: string | null
  deemedAccepted: boolean
  correctionNotice: { items: { item: string; reason: string }[]; at: string } | null
  inspections: { at: string; passed: boolean | null; findings: string | null }[]
  decision: { approved: boolean; at: string; number: string | null; reasons: string[] } | null
  withdrawal: { at: string; reason: string | null } | null
  overdueSince: string | null
}

const p = <T>(event: ProcedureEvent) => event.payload as T
const obj = (props: Parameters<typeof Type.Object>[0]) => Type.Object(props, { additionalProperties: false })
const IsoDay = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'date, YYYY-MM-DD (Asia/Shanghai)' })

const LIMIT = '行政许可法 第四十二条第一款 [LAW✓] (二十日; 本行政机关负责人批准可延长十日); 第八十二条 (working days)'
const NOTICE = '行政许可法 第三十二条'

export const departmentApprovalRules = {
  ...intakeRules({ checklist: 'policy departmentApproval.materials' }),
  correctionAnswersNotice: {
    description: 'the corrected documents answer items of the correction notice',
    source: '行政许可法 第三十一条',
    check: ({ context, event }: { context: DepartmentApprovalContext; event: ProcedureEvent }) => {
      const asked = new Set(context.correctionNotice?.items.map((i) => i.item) ?? [])
      const sent = p<{ materials: { item: string }[] }>(event).materials
      return sent.length > 0 && sent.every((m) => asked.has(m.item))
    },
  },
}

export const departmentApprovalEvents = {
  SUBMIT: {
    roles: ['applicant'],
    payload: obj({ materials: SubmittedMaterials }),
    description: 'the application reaches the department (routed by the one window: 已接件)',
    source: '行政许可法 第二十六条 (一个窗口 统一受理); DOMAIN.md P5',
    statusCode: 1,
  },
  ...intakeEvents({ check: NOTICE }),
  ACCEPT: {
    roles: ['clerk'],
    payload: EmptyPayload,
    description: 'the materials are complete: accepted (受理) with a voucher',
    source: '行政许可法 第三十二条第一款第（五）项, 第二款',
    statusCode: 3,
  },
  REFUSE_INTAKE: {
    roles: ['clerk'],
    payload: obj({ reasons: Reasons }),
    description: 'not accepted (不予受理), with reasons',
    source: '行政许可法 第三十二条第一款第（一）（二）项, 第二款',
    statusCode: 5,
  },
  BEGIN_REVIEW: {
    roles: ['officer'],
    payload: EmptyPayload,
    description: 'the department starts its review (部门开始办理)',
    source: LIMIT,
    statusCode: 8,
  },
  REQUEST_CORRECTION: {
    roles: ['officer'],
    payload: obj({ items: Type.Array(NoticeItem, { minItems: 1, maxItems: 100 }) }),
    description: 'the department asks for corrected or further material; the one window merges it with other departments\' requests',
    source: '行政许可法 第三十二条 (补正) applied after acceptance; policy departmentApproval.decision.afterSupplement',
    statusCode: 6,
  },
  SUBMIT_CORRECTION: {
    roles: ['applicant'],
    payload: obj({ materials: Type.Array(SubmittedMaterials.items, { minItems: 1, maxItems: 100 }) }),
    description: 'the corrections reach the department',
    source: '行政许可法 第三十二条 (补正)',
    statusCode: 7,
  },
  SCHEDULE_INSPECTION: {
    roles: ['officer'],
    payload: obj({ plannedOn: IsoDay, workingDaysNeeded: Type.Integer({ minimum: 1, maximum: 60 }) }),
    description: 'an inspection (检验、检测、鉴定) is arranged; the time is not counted and the applicant is told in writing',
    source: '行政许可法 第四十五条',
    statusCode: 9,
  },
  RECORD_INSPECTION: {
    roles: ['officer'],
    payload: obj({ passed: Type.Boolean(), findings: Type.String({ minLength: 2, maxLength: 4000 }) }),
    description: 'the inspection result is recorded',
    source: '行政许可法 第四十五条',
    statusCode: 10,
  },
  APPROVE: {
    roles: ['head', 'officer'],
    payload: obj({ documentNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'number of the approval document (批准文号)' })) }),
    description: 'the department approves (准予许可)',
    source: '行政许可法 第三十八条第一款',
    statusCode: 11,
  },
  REFUSE: {
    roles: ['head', 'officer'],
    payload: obj({ reasons: Reasons }),
    description: 'the department refuses in writing, with reasons and the remedies (不予许可)',
    source: '行政许可法 第三十八条第二款',
    statusCode: 13,
  },
  EXTEND_DECISION_LIMIT: {
    roles: ['head'],
    payload: obj({ workingDays: Type.Integer({ minimum: 1, maximum: 60 }), reason: Type.String({ minLength: 2, maxLength: 1000 }) }),
    description: 'the head of the department extends the decision limit, with the reason told to the applicant',
    source: `${LIMIT}; bound: policy departmentApproval.decision.extension`,
  },
  INTAKE_LIMIT_PASSED: {
    roles: ['system'],
    payload: obj({ clock: Type.String(), dueOn: IsoDay }),
    description: 'the intake limit passed without a decision or notice: deemed accepted from receipt',
    source: '行政许可法 第三十二条第一款第（四）项',
    statusCode: 3,
  },
  DECISION_LIMIT_PASSED: {
    roles: ['system'],
    payload: obj({ clock: Type.String(), dueOn: IsoDay }),
    description: 'the decision limit passed: marked overdue and escalated',
    source: LIMIT,
  },
  WITHDRAW: {
    roles: ['applicant'],
    payload: obj({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }),
    description: 'the applicant withdraws before a decision',
    source: 'DOMAIN.md P5 [DESIGN]',
    statusCode: 14,
  },
} satisfies Record<string, EventSpec>

export const departmentApprovalClocks = {
  intakeLimit: {
    name: 'intakeLimit', title: 'Intake decision limit', titleZh: '受理审查时限', policyKey: 'departmentApproval.intake',
    onExpiry: { event: 'INTAKE_LIMIT_PASSED', description: 'deemed accepted from receipt (行政许可法 第三十二条)' },
  },
  decisionLimit: {
    name: 'decisionLimit', title: 'Decision limit', titleZh: '审批办理时限', policyKey: 'departmentApproval.decision',
    onExpiry: { event: 'DECISION_LIMIT_PASSED', description: 'marked overdue and escalated to the head and the supervisor' },
    extension: { event: 'EXTEND_DECISION_LIMIT', description: 'by the head of the department (行政许可法 第四十二条第一款)' },
  },
} satisfies Record<string, ClockDefinition>

const meta = (m: StateMeta) => m
const notify = (topic: string) => ({ type: 'notify', params: { topic: `departmentApproval.${topic}` } }) as const
const withdraw = { WITHDRAW: { target: '#departmentApproval.withdrawn', actions: 'recordWithdrawal' } } as const
const extend = { EXTEND_DECISION_LIMIT: { actions: { type: 'extendClock', params: { clock: 'decisionLimit' } } } } as const
const overdue = { DECISION_LIMIT_PASSED: { actions: ['recordOverdue', notify('decisionOverdue')] } } as const
const intakeClock = [{ name: 'intakeLimit', mode: 'run' }] as const
const decisionRuns = [{ name: 'decisionLimit', mode: 'run' }] as const
const deemed = { INTAKE_LIMIT_PASSED: { target: '#departmentApproval.accepted', actions: ['recordDeemedAcceptance', notify('deemedAccepted')] } } as const

const EMPTY_INPUT: DepartmentApprovalInput = { jurisdiction: '', institution: {}, materials: [], checklist: { items: [], source: '' }, subject: { text: '', rule: '', source: '' } }

export const departmentApprovalMachine = setup({
  types: {} as { context: DepartmentApprovalContext; events: ProcedureEvent; input: DepartmentApprovalInput },
  guards: {
    hasAllRequiredMaterials: departmentApprovalRules.hasAllRequiredMaterials.check,
    noticeCoversEveryMissingItem: departmentApprovalRules.noticeCoversEveryMissingItem.check,
    noNoticeSentYet: departmentApprovalRules.noNoticeSentYet.check,
    resubmissionAnswersNotice: departmentApprovalRules.resubmissionAnswersNotice.check,
    correctionAnswersNotice: departmentApprovalRules.correctionAnswersNotice.check,
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
    recordAcceptance: assign({ acceptedAt: ({ event }) => event.at }),
    recordDeemedAcceptance: assign({ acceptedAt: ({ event }) => event.at, deemedAccepted: true }),
    recordCorrectionNotice: assign({ correctionNotice: ({ event }) => ({ items: p<{ items: { item: string; reason: string }[] }>(event).items, at: event.at }) }),
    recordInspectionScheduled: assign({ inspections: ({ context, event }) => [...context.inspections, { at: event.at, passed: null, findings: null }] }),
    recordInspectionResult: assign({
      inspections: ({ context, event }) => [...context.inspections, { at: event.at, ...p<{ passed: boolean; findings: string }>(event) }],
    }),
    recordApproval: assign({ decision: ({ event }) => ({ approved: true, at: event.at, number: p<{ documentNumber?: string }>(event).documentNumber ?? null, reasons: [] }) }),
    recordRefusal: assign({ decision: ({ event }) => ({ approved: false, at: event.at, number: null, reasons: p<{ reasons: string[] }>(event).reasons }) }),
    recordWithdrawal: assign({ withdrawal: ({ event }) => ({ at: event.at, reason: p<{ reason?: string }>(event).reason ?? null }) }),
    recordOverdue: assign({ overdueSince: ({ context, event }) => context.overdueSince ?? event.at }),
    extendClock: (_: unknown, _params: { clock: string }) => {},
    notify: (_: unknown, _params: { topic: string }) => {},
  },
}).createMachine({
  id: 'departmentApproval',
  version: '1',
  initial: 'submitted',
  context: ({ input = EMPTY_INPUT }) => ({
    jurisdiction: input.jurisdiction,
    institution: input.institution,
    checklist: input.checklist,
    subject: input.subject,
    materials: Object.fromEntries(input.materials.map((m) => [m.item, m])),
    supplementNotice: null,
    acceptedAt: null,
    deemedAccepted: false,
    correctionNotice: null,
    inspections: [],
    decision: null,
    withdrawal: null,
    overdueSince: null,
  }),
  states: {
    submitted: {
      meta: meta({ label: '已接件', description: 'received, not yet checked', source: NOTICE, waitingOn: ['clerk'], clocks: intakeClock }),
      on: { BEGIN_INTAKE_CHECK: { target: 'intakeCheck' }, ...deemed, ...withdraw },
    },
    intakeCheck: {
      meta: meta({ label: '受理审查', description: 'the materials are checked against the checklist', source: NOTICE, waitingOn: ['clerk'], clocks: intakeClock }),
      on: {
        ACCEPT: { target: 'accepted', guard: 'hasAllRequiredMaterials', actions: ['recordAcceptance', notify('accepted')] },
        REQUEST_SUPPLEMENT: { target: 'supplementRequested', guard: 'noticeCoversEveryMissingItem', actions: ['recordSupplementNotice', notify('supplementRequested')] },
        REFUSE_INTAKE: { target: 'notAccepted', actions: notify('notAccepted') },
        ...deemed,
        ...withdraw,
      },
    },
    supplementRequested: {
      meta: meta({ label: '补正中', description: 'waiting for the applicant to supply the items of the one-time notice', source: NOTICE, waitingOn: ['applicant'] }),
      on: { RESUBMIT: { target: 'intakeCheck', guard: 'resubmissionAnswersNotice', actions: 'recordMaterials' }, ...withdraw },
    },
    accepted: {
      meta: meta({ label: '已受理', description: 'accepted; waiting for the department to start its review', source: LIMIT, waitingOn: ['officer'], clocks: decisionRuns }),
      on: { BEGIN_REVIEW: { target: 'review' }, ...extend, ...overdue, ...withdraw },
    },
    review: {
      meta: meta({ label: '审查', description: 'the department reviews and decides', source: LIMIT, waitingOn: ['officer', 'head'], clocks: decisionRuns }),
      on: {
        REQUEST_CORRECTION: { target: 'correctionRequested', actions: ['recordCorrectionNotice', notify('correctionRequested')] },
        SCHEDULE_INSPECTION: { target: 'inspection', actions: ['recordInspectionScheduled', notify('inspectionScheduled')] },
        APPROVE: { target: 'approved', actions: ['recordApproval', notify('approved')] },
        REFUSE: { target: 'refused', actions: ['recordRefusal', notify('refused')] },
        ...extend,
        ...overdue,
        ...withdraw,
      },
    },
    inspection: {
      meta: meta({
        label: '检验检测', description: 'inspection in progress (特别程序: time not counted)', source: '行政许可法 第四十五条', waitingOn: ['officer'],
        clocks: [{ name: 'decisionLimit', mode: 'pause', pauseKind: 'specialProcedure' }],
      }),
      on: { RECORD_INSPECTION: { target: 'review', actions: 'recordInspectionResult' }, ...extend, ...withdraw },
    },
    correctionRequested: {
      meta: meta({
        label: '补正中（受理后）', description: 'waiting for corrected material', source: '行政许可法 第三十二条 (补正)', waitingOn: ['applicant'],
        clocks: [{ name: 'decisionLimit', mode: 'pause', pauseKind: 'supplement' }],
      }),
      on: { SUBMIT_CORRECTION: { target: 'review', guard: 'correctionAnswersNotice', actions: 'recordMaterials' }, ...extend, ...withdraw },
    },
    approved: { type: 'final', meta: meta({ outcome: 'approved', label: '准予许可', description: 'approved', source: '行政许可法 第三十八条第一款' }) },
    refused: { type: 'final', meta: meta({ outcome: 'refused', label: '不予许可', description: 'refused in writing, with reasons and remedies', source: '行政许可法 第三十八条第二款' }) },
    notAccepted: { type: 'final', meta: meta({ outcome: 'refused', label: '不予受理', description: 'not accepted, with reasons', source: '行政许可法 第三十二条第二款' }) },
    withdrawn: { type: 'final', meta: meta({ outcome: 'withdrawn', label: '已撤回', description: 'withdrawn before a decision', source: 'DOMAIN.md P5 [DESIGN]' }) },
  },
})

/** Routed only: the request names what is approved (`institution.approval`), from the decision that named it. */
export function prepareDepartmentApproval(request: CaseRequest, policy: PolicyView): Preparation {
  const subject = request.institution.approval as DepartmentApprovalInput['subject'] | undefined
  if (!subject || typeof subject.text !== 'string') {
    return {
      ok: false,
      detail: 'a department approval is filed through a one-window application (POST /v1/one-window/applications), which names what is approved',
      source: '行政许可法 第二十六条; DOMAIN.md P5',
    }
  }
  const checklist = policy.get<ChecklistItem[]>('departmentApproval.materials')
  const offList = materialsOffChecklist(request.materials, checklist.value, checklist.source)
  if (offList) return offList
  const input: DepartmentApprovalInput = {
    jurisdiction: request.jurisdiction,
    institution: request.institution,
    materials: request.materials,
    checklist: { items: checklist.value, source: checklist.source },
    subject,
  }
  return { ok: true, input }
}

export const departmentApproval: ProcedureDefinition = {
  id: 'departmentApproval',
  // The department is the one the decision names (住建 for fire acceptance, 民政 for a 设立许可): set when routed.
  department: 'serviceCentre',
  version: '1',
  title: 'Department approval routed by the one window',
  titleZh: '并联审批部门办理事项',
  description: 'An approval a department decides within the limit of 行政许可法 第四十二条, routed by a one-window application.',
  machine: departmentApprovalMachine,
  events: departmentApprovalEvents,
  rules: departmentApprovalRules,
  clocks: departmentApprovalClocks,
  creationEvent: 'SUBMIT',
  windowAcceptance: { accept: ['BEGIN_INTAKE_CHECK', 'ACCEPT'], deemed: ['INTAKE_LIMIT_PASSED'] },
  prepare: prepareDepartmentApproval,
}
