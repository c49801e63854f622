/**
 * Internal medical unit filing of an elderly-care institution
 * (养老机构内部设置诊所、卫生所（室）、医务室、护理站 备案).
 *
 * A filing, not an approval: 「取消行政审批，实行备案管理」 (004_6104121fb84d74b0.txt L108, Xianning; the same four
 * kinds in the Chongqing district, L194/L292; Linyi adds 门诊部, 003_75b745a2e5c2526d.txt L127). National basis:
 * the 2017 国家卫生计生委 notice on internal medical units of elderly-care institutions (DOMAIN.md R1e): the county
 * health department records a complete filing and issues the certificate. The filing is then supervised
 * (事中事后监管; 双随机、一公开, 000_0b3890313d310455.txt L29), down to revocation (DOMAIN.md R8b).
 *
 * The window's intake follows 行政许可法 第三十二条 by analogy (DOMAIN.md §4.1 note): accept, refuse with reasons,
 * or send ONE notice of everything missing (一次性告知). Pure data: no I/O, no timers, no clock.
 */
import { and, assign, setup } from 'xstate'
import { Type } from 'typebox'
import type { CaseRequest, ClockDefinition, EventSpec, PolicyView, Preparation, ProcedureDefinition, ProcedureEvent, RuleSpec, StateMeta } from './types.ts'
import { intakeEvents, intakeRules, materialsOffChecklist } from './intake.ts'
import { EmptyPayload, NoticeItem, Reasons, SubmittedMaterials, type SubmittedMaterial } from './schemas.ts'
import { INSPECTION_TEAM_SOURCE, InspectorIds, resultByDrawnInspector, scheduledTeam } from './inspectionTeam.ts'

/** A checklist item, from the jurisdiction's policy (materials are data, never literals here). */
export interface ChecklistItem {
  code: string
  title: string
  titleZh: string
}

export interface ClinicFilingInput {
  jurisdiction: string
  institution: Record<string, unknown>
  materials: SubmittedMaterial[]
  /** The checklist pinned from the policy in force at submission, with its source. */
  checklist: { items: ChecklistItem[]; source: string }
}

export interface ClinicFilingContext {
  jurisdiction: string
  institution: Record<string, unknown>
  checklist: { items: ChecklistItem[]; source: string }
  /** Latest document per checklist item. */
  materials: Record<string, SubmittedMaterial>
  /** The one-time notice, once sent. */
  supplementNotice: { items: { item: string; reason: string }[]; at: string } | null
  intakeRefusal: { reasons: string[]; at: string } | null
  acceptedAt: string | null
  onsiteChecks: { at: string; passed: boolean; findings: string }[]
  filing: { filingNumber: string; filedAt: string; certificate: { scope: string; unitName: string } } | null
  returnReasons: string[] | null
  inspections: { at: string; event: string; detail: string }[]
  /** The inspectors a 双随机 draw picked for the open inspection (machines/inspectionTeam.ts). */
  inspectionTeam?: readonly string[] | null
  rectification: { orderedAt: string; findings: string[]; dueBy: string } | null
  revocation: { at: string; reasons: string[] } | null
  withdrawal: { at: string; reason: string | null } | null
  /** Set when acceptance came from the intake limit passing (行政许可法 第三十二条), not from the clerk. */
  deemedAccepted: boolean
  correctionNotice: { items: { item: string; reason: string }[]; at: string } | null
  overdueSince: string | null
}

const p = <T>(event: ProcedureEvent) => event.payload as T


/** Named rules, each with its source; the guards below are these checks and nothing else. */
export const clinicFilingRules = {
  ...intakeRules({ checklist: 'policy clinicFiling.materials' }),
  /** 双随机: the drawn inspectors record the result of a drawn inspection. */
  resultByDrawnInspector: {
    description: 'the result of a drawn inspection is recorded by one of the inspectors the draw picked',
    source: INSPECTION_TEAM_SOURCE,
    check: resultByDrawnInspector,
  },
} satisfies Record<string, RuleSpec<ClinicFilingContext>>

const Findings = Type.String({ minLength: 2, maxLength: 4000 })
const IsoDay = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'date, YYYY-MM-DD (Asia/Shanghai)' })
const obj = (props: Parameters<typeof Type.Object>[0]) => Type.Object(props, { additionalProperties: false })

const NOTICE_SOURCE = '行政许可法 第三十二条 (by analogy for filings, DOMAIN.md §4.1 note)'
const SUPERVISION_SOURCE = '000_0b3890313d310455.txt L29 (双随机、一公开); DOMAIN.md R8b (事中事后监管)'
const WITHDRAW: EventSpec = {
  roles: ['applicant'],
  payload: obj({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }),
  description: 'the applicant withdraws the application before a decision',
  source: '行政许可法 第三十二条 (an application may be withdrawn before decision); DOMAIN.md P1',
  statusCode: 14,
}

/** Who may send each event, with the payload it carries and the source that makes it an act of this procedure. */
export const clinicFilingEvents = {
  SUBMIT: {
    roles: ['applicant'],
    payload: obj({ materials: SubmittedMaterials }),
    description: 'the institution files its internal medical unit (receipt, 已接件)',
    source: '004_6104121fb84d74b0.txt L108',
    statusCode: 1,
  },
  ...intakeEvents({ check: NOTICE_SOURCE }),
  ACCEPT: {
    roles: ['clerk'],
    payload: EmptyPayload,
    description: 'the materials are complete: the filing is accepted (受理) and a voucher issued',
    source: '行政许可法 第三十二条第一款第（五）项, 第二款 (voucher)',
    statusCode: 3,
  },
  REFUSE_INTAKE: {
    roles: ['clerk'],
    payload: obj({ reasons: Reasons }),
    description: 'the filing is not accepted (不予受理), with reasons',
    source: '行政许可法 第三十二条第一款第（一）（二）项, 第二款',
    statusCode: 5,
  },
  BEGIN_REVIEW: {
    roles: ['officer'],
    payload: EmptyPayload,
    description: 'the health department officer starts the review (部门开始办理)',
    source: 'DOMAIN.md R1e (county health department records the filing)',
    statusCode: 8,
  },
  SCHEDULE_ONSITE_CHECK: {
    roles: ['officer'],
    payload: obj({ plannedOn: IsoDay, workingDaysNeeded: Type.Integer({ minimum: 1, maximum: 60 }) }),
    description: 'an on-site check is arranged; the applicant is told in writing how long it takes',
    source: '行政许可法 第四十五条 (检验、检测、检疫、鉴定 time is not counted; told in writing)',
    statusCode: 9,
  },
  RECORD_ONSITE_RESULT: {
    roles: ['officer'],
    payload: obj({ passed: Type.Boolean(), findings: Findings }),
    description: 'the officer records the on-site check',
    source: '医疗机构管理条例实施细则 第二十六条 (on-site 消毒、隔离和无菌操作 checks)',
    statusCode: 10,
  },
  FILE: {
    roles: ['officer'],
    payload: obj({ scope: Type.String({ minLength: 2, maxLength: 500, description: '诊疗科目 / service scope' }) }),
    description: 'the filing is recorded: a filing number and certificate data are issued (办结)',
    source: 'DOMAIN.md R1e (certificate issued on a complete, compliant filing)',
    statusCode: 11,
    allocates: 'filingNumber',
  },
  RETURN: {
    roles: ['officer'],
    payload: obj({ reasons: Reasons }),
    description: 'the filing does not meet the standard and is returned with reasons (办结不通过)',
    source: '医疗机构管理条例实施细则 第二十六条 (grounds, e.g. 不符合《医疗机构基本标准》)',
    statusCode: 13,
  },
  SCHEDULE_INSPECTION: {
    roles: ['supervisor', 'officer'],
    payload: obj({ plannedOn: IsoDay, drawId: Type.Optional(Type.String({ maxLength: 100 })), inspectors: Type.Optional(InspectorIds) }),
    description: 'a supervision inspection is scheduled (双随机 draw, naming the draw and its inspectors, or targeted)',
    source: SUPERVISION_SOURCE,
  },
  RECORD_INSPECTION_PASSED: {
    roles: ['supervisor', 'officer'],
    payload: obj({ findings: Findings }),
    description: 'the inspection found the unit compliant',
    source: SUPERVISION_SOURCE,
  },
  RECORD_INSPECTION_FAILED: {
    roles: ['supervisor', 'officer'],
    payload: obj({ findings: Type.Array(Findings, { minItems: 1, maxItems: 50 }), rectifyBy: IsoDay }),
    description: 'the inspection found defects: rectification is ordered by a date',
    source: SUPERVISION_SOURCE,
  },
  CONFIRM_RECTIFIED: {
    roles: ['supervisor', 'officer'],
    payload: obj({ findings: Findings }),
    description: 'the rectification is verified',
    source: SUPERVISION_SOURCE,
  },
  REVOKE_FILING: {
    roles: ['head'],
    payload: obj({ reasons: Reasons }),
    description: 'the filing is revoked (撤销) after failed rectification, by the head of the department',
    source: 'DOMAIN.md R8b; 行政许可法 第六十九条 (撤销) by analogy',
    statusCode: 15,
  },
  REQUEST_CORRECTION: {
    roles: ['officer'],
    payload: obj({ items: Type.Array(NoticeItem, { minItems: 1, maxItems: 100 }) }),
    description: 'after acceptance, the officer asks for corrected or further material; the decision clock pauses or restarts as policy says',
    source: '行政许可法 第三十二条 (补正) applied after acceptance; policy clinicFiling.decision.afterSupplement',
    statusCode: 6,
  },
  SUBMIT_CORRECTION: {
    roles: ['applicant'],
    payload: obj({ materials: Type.Array(SubmittedMaterials.items, { minItems: 1, maxItems: 100 }) }),
    description: 'the applicant supplies the corrections asked for after acceptance',
    source: '行政许可法 第三十二条 (补正)',
    statusCode: 7,
  },
  EXTEND_DECISION_LIMIT: {
    roles: ['head'],
    payload: obj({ workingDays: Type.Integer({ minimum: 1, maximum: 60 }), reason: Type.String({ minLength: 2, maxLength: 1000 }) }),
    description: 'the head of the department extends the decision limit, with a reason told to the applicant (延期), within the policy bound',
    source: '行政许可法 第四十二条第一款 (本行政机关负责人批准，可以延长十日，并应当将延长期限的理由告知申请人); bound: policy clinicFiling.decision.extension',
  },
  INTAKE_LIMIT_PASSED: {
    roles: ['system'],
    payload: obj({ clock: Type.String(), dueOn: IsoDay }),
    description: 'the window let the intake limit pass without a decision or notice: the application is deemed accepted from receipt',
    source: '行政许可法 第三十二条第一款第（四）项 (逾期不告知的，自收到申请材料之日起即为受理)',
    statusCode: 3,
  },
  DECISION_LIMIT_PASSED: {
    roles: ['system'],
    payload: obj({ clock: Type.String(), dueOn: IsoDay }),
    description: 'the decision limit passed: the case is marked overdue and escalated to the head of the department and the supervisor',
    source: '行政许可法 第四十二条; DOMAIN.md R1e (10 working days)',
  },
  WITHDRAW,
} satisfies Record<string, EventSpec>

/**
 * The procedure's clocks. Limits live in the jurisdiction's policy under each policy key (never here);
 * national defaults are in policies/000000.json with their sources.
 */
export const clinicFilingClocks = {
  intakeLimit: {
    name: 'intakeLimit',
    title: 'Intake decision limit',
    titleZh: '受理审查时限',
    policyKey: 'clinicFiling.intake',
    onExpiry: { event: 'INTAKE_LIMIT_PASSED', description: 'deemed accepted from receipt (行政许可法 第三十二条)' },
  },
  decisionLimit: {
    name: 'decisionLimit',
    title: 'Filing decision limit',
    titleZh: '备案办理时限',
    policyKey: 'clinicFiling.decision',
    onExpiry: { event: 'DECISION_LIMIT_PASSED', description: 'marked overdue and escalated to the head and the supervisor' },
    extension: { event: 'EXTEND_DECISION_LIMIT', description: 'by the head of the department, within the policy bound (行政许可法 第四十二条)' },
  },
} satisfies Record<string, ClockDefinition>

const intakeClock = [{ name: 'intakeLimit', mode: 'run' }] as const
const decisionRuns = [{ name: 'decisionLimit', mode: 'run' }] as const

const meta = (m: StateMeta) => m
const EMPTY_INPUT: ClinicFilingInput = { jurisdiction: '', institution: {}, materials: [], checklist: { items: [], source: '' } }

export const clinicFilingMachine = setup({
  types: {} as { context: ClinicFilingContext; events: ProcedureEvent; input: ClinicFilingInput },
  guards: {
    hasAllRequiredMaterials: clinicFilingRules.hasAllRequiredMaterials.check,
    noticeCoversEveryMissingItem: clinicFilingRules.noticeCoversEveryMissingItem.check,
    noNoticeSentYet: clinicFilingRules.noNoticeSentYet.check,
    resubmissionAnswersNotice: clinicFilingRules.resubmissionAnswersNotice.check,
    resultByDrawnInspector: clinicFilingRules.resultByDrawnInspector.check,
  },
  actions: {
    recordSupplementNotice: assign({
      supplementNotice: ({ event }) => ({ items: p<{ items: { item: string; reason: string }[] }>(event).items, at: event.at }),
    }),
    recordResubmission: assign({
      materials: ({ context, event }) => {
        const next = { ...context.materials }
        for (const m of p<{ materials: SubmittedMaterial[] }>(event).materials) next[m.item] = m
        return next
      },
    }),
    recordAcceptance: assign({ acceptedAt: ({ event }) => event.at }),
    recordIntakeRefusal: assign({ intakeRefusal: ({ event }) => ({ reasons: p<{ reasons: string[] }>(event).reasons, at: event.at }) }),
    recordOnsiteResult: assign({
      onsiteChecks: ({ context, event }) => [
        ...context.onsiteChecks,
        { at: event.at, ...p<{ passed: boolean; findings: string }>(event) },
      ],
    }),
    recordFiling: assign({
      filing: ({ context, event }) => ({
        filingNumber: event.issued?.filingNumber ?? '',
        filedAt: event.at,
        certificate: {
          scope: p<{ scope: string }>(event).scope,
          unitName: String(context.institution.unitName ?? context.institution.name ?? ''),
        },
      }),
    }),
    recordReturn: assign({ returnReasons: ({ event }) => p<{ reasons: string[] }>(event).reasons }),
    recordInspection: assign({
      inspections: ({ context, event }) => [
        ...context.inspections,
        { at: event.at, event: event.type, detail: JSON.stringify(event.payload) },
      ],
      // A schedule names the team (or none, when targeted); a result closes the inspection and its team.
      inspectionTeam: ({ event }) => (event.type === 'SCHEDULE_INSPECTION' ? scheduledTeam(event) : null),
    }),
    recordRectificationOrder: assign({
      rectification: ({ event }) => {
        const { findings, rectifyBy } = p<{ findings: string[]; rectifyBy: string }>(event)
        return { orderedAt: event.at, findings, dueBy: rectifyBy }
      },
    }),
    recordRevocation: assign({ revocation: ({ event }) => ({ at: event.at, reasons: p<{ reasons: string[] }>(event).reasons }) }),
    recordWithdrawal: assign({
      withdrawal: ({ event }) => ({ at: event.at, reason: p<{ reason?: string }>(event).reason ?? null }),
    }),
    recordDeemedAcceptance: assign({ acceptedAt: ({ event }) => event.at, deemedAccepted: true }),
    recordCorrectionNotice: assign({
      correctionNotice: ({ event }) => ({ items: p<{ items: { item: string; reason: string }[] }>(event).items, at: event.at }),
    }),
    recordOverdue: assign({ overdueSince: ({ context, event }) => context.overdueSince ?? event.at }),
    /** Asks the engine to extend the named clock by the event's working days (bounded by policy, checked there). */
    extendClock: (_: unknown, _params: { clock: string }) => {},
    /** Asks the engine to write an outbox row; the engine reads it from the returned actions. */
    notify: (_: unknown, _params: { topic: string }) => {},
  },
}).createMachine({
  id: 'clinicFiling',
  version: '1',
  initial: 'submitted',
  // XState's pure transition() builds a throwaway actor without input; an empty input keeps that cheap (no throw).
  context: ({ input = EMPTY_INPUT }) => ({
    jurisdiction: input.jurisdiction,
    institution: input.institution,
    checklist: input.checklist,
    materials: Object.fromEntries(input.materials.map((m) => [m.item, m])),
    supplementNotice: null,
    intakeRefusal: null,
    acceptedAt: null,
    onsiteChecks: [],
    filing: null,
    returnReasons: null,
    inspections: [],
    inspectionTeam: null,
    rectification: null,
    revocation: null,
    withdrawal: null,
    deemedAccepted: false,
    correctionNotice: null,
    overdueSince: null,
  }),
  states: {
    submitted: {
      meta: meta({ label: '已接件', description: 'received at the window, not yet checked', source: '行政许可法 第三十二条', waitingOn: ['clerk'], clocks: intakeClock }),
      on: {
        BEGIN_INTAKE_CHECK: { target: 'intakeCheck' },
        INTAKE_LIMIT_PASSED: { target: 'accepted', actions: ['recordDeemedAcceptance', { type: 'notify', params: { topic: 'clinicFiling.deemedAccepted' } }] },
        WITHDRAW: { target: 'withdrawn', actions: 'recordWithdrawal' },
      },
    },
    intakeCheck: {
      meta: meta({ label: '受理审查', description: 'the window checks the materials against the checklist', source: NOTICE_SOURCE, waitingOn: ['clerk'], clocks: intakeClock }),
      on: {
        INTAKE_LIMIT_PASSED: { target: 'accepted', actions: ['recordDeemedAcceptance', { type: 'notify', params: { topic: 'clinicFiling.deemedAccepted' } }] },
        ACCEPT: {
          target: 'accepted',
          guard: 'hasAllRequiredMaterials',
          actions: ['recordAcceptance', { type: 'notify', params: { topic: 'clinicFiling.accepted' } }],
        },
        REQUEST_SUPPLEMENT: {
          target: 'supplementRequested',
          guard: and(['noNoticeSentYet', 'noticeCoversEveryMissingItem']),
          actions: ['recordSupplementNotice', { type: 'notify', params: { topic: 'clinicFiling.supplementRequested' } }],
        },
        REFUSE_INTAKE: {
          target: 'notAccepted',
          actions: ['recordIntakeRefusal', { type: 'notify', params: { topic: 'clinicFiling.notAccepted' } }],
        },
        WITHDRAW: { target: 'withdrawn', actions: 'recordWithdrawal' },
      },
    },
    supplementRequested: {
      meta: meta({ label: '补正中', description: 'waiting for the applicant to supply the items of the one-time notice', source: '行政许可法 第三十二条第一款第（四）项', waitingOn: ['applicant'] }),
      on: {
        RESUBMIT: { target: 'intakeCheck', guard: 'resubmissionAnswersNotice', actions: 'recordResubmission' },
        WITHDRAW: { target: 'withdrawn', actions: 'recordWithdrawal' },
      },
    },
    accepted: {
      meta: meta({ label: '已受理', description: 'accepted; waiting for the health department to start the review', source: 'DOMAIN.md R1e', waitingOn: ['officer'], clocks: decisionRuns }),
      on: {
        EXTEND_DECISION_LIMIT: { actions: { type: 'extendClock', params: { clock: 'decisionLimit' } } },
        DECISION_LIMIT_PASSED: { actions: ['recordOverdue', { type: 'notify', params: { topic: 'clinicFiling.decisionOverdue' } }] },
        BEGIN_REVIEW: { target: 'review' },
        WITHDRAW: { target: 'withdrawn', actions: 'recordWithdrawal' },
      },
    },
    review: {
      meta: meta({ label: '审核', description: 'the officer reviews the filing; an on-site check is optional', source: 'DOMAIN.md R1e', waitingOn: ['officer'], clocks: decisionRuns }),
      on: {
        EXTEND_DECISION_LIMIT: { actions: { type: 'extendClock', params: { clock: 'decisionLimit' } } },
        DECISION_LIMIT_PASSED: { actions: ['recordOverdue', { type: 'notify', params: { topic: 'clinicFiling.decisionOverdue' } }] },
        SCHEDULE_ONSITE_CHECK: { target: 'onsiteCheck' },
        REQUEST_CORRECTION: {
          target: 'correctionRequested',
          actions: ['recordCorrectionNotice', { type: 'notify', params: { topic: 'clinicFiling.correctionRequested' } }],
        },
        FILE: { target: 'filed', actions: ['recordFiling', { type: 'notify', params: { topic: 'clinicFiling.filed' } }] },
        RETURN: { target: 'returned', actions: ['recordReturn', { type: 'notify', params: { topic: 'clinicFiling.returned' } }] },
        WITHDRAW: { target: 'withdrawn', actions: 'recordWithdrawal' },
      },
    },
    onsiteCheck: {
      meta: meta({
        label: '现场核查', description: 'on-site check in progress (特别程序: time not counted)', source: '行政许可法 第四十五条', waitingOn: ['officer'],
        clocks: [{ name: 'decisionLimit', mode: 'pause', pauseKind: 'specialProcedure' }],
      }),
      on: {
        EXTEND_DECISION_LIMIT: { actions: { type: 'extendClock', params: { clock: 'decisionLimit' } } },

        RECORD_ONSITE_RESULT: { target: 'review', actions: 'recordOnsiteResult' },
        WITHDRAW: { target: 'withdrawn', actions: 'recordWithdrawal' },
      },
    },
    correctionRequested: {
      meta: meta({
        label: '补正中（受理后）', description: 'waiting for the applicant to correct material after acceptance', source: '行政许可法 第三十二条 (补正)', waitingOn: ['applicant'],
        clocks: [{ name: 'decisionLimit', mode: 'pause', pauseKind: 'supplement' }],
      }),
      on: {
        SUBMIT_CORRECTION: { target: 'review', actions: 'recordResubmission' },
        EXTEND_DECISION_LIMIT: { actions: { type: 'extendClock', params: { clock: 'decisionLimit' } } },
        WITHDRAW: { target: 'withdrawn', actions: 'recordWithdrawal' },
      },
    },
    filed: {
      meta: meta({ outcome: 'approved', label: '已备案', description: 'filed: the unit may operate and is under supervision (事中事后监管)', source: SUPERVISION_SOURCE }),
      initial: 'supervised',
      states: {
        supervised: {
          meta: meta({ label: '监管中', description: 'in the medical-side 双随机 inspection pool', source: SUPERVISION_SOURCE, waitingOn: ['supervisor'] }),
          on: {
            SCHEDULE_INSPECTION: {
              target: 'inspectionScheduled',
              actions: ['recordInspection', { type: 'notify', params: { topic: 'clinicFiling.inspectionScheduled' } }],
            },
          },
        },
        inspectionScheduled: {
          meta: meta({ label: '检查已安排', description: 'an inspection is scheduled', source: SUPERVISION_SOURCE, waitingOn: ['supervisor', 'officer'] }),
          on: {
            RECORD_INSPECTION_PASSED: {
              target: 'supervised',
              guard: 'resultByDrawnInspector',
              actions: ['recordInspection', { type: 'notify', params: { topic: 'clinicFiling.inspectionPassed' } }],
            },
            RECORD_INSPECTION_FAILED: {
              target: 'rectificationOrdered',
              guard: 'resultByDrawnInspector',
              actions: ['recordInspection', 'recordRectificationOrder', { type: 'notify', params: { topic: 'clinicFiling.rectificationOrdered' } }],
            },
          },
        },
        rectificationOrdered: {
          meta: meta({ label: '责令整改', description: 'rectification ordered; waiting for verification', source: SUPERVISION_SOURCE, waitingOn: ['supervisor', 'officer', 'head'] }),
          on: {
            CONFIRM_RECTIFIED: {
              target: 'supervised',
              actions: ['recordInspection', { type: 'notify', params: { topic: 'clinicFiling.rectified' } }],
            },
            REVOKE_FILING: { target: '#clinicFiling.revoked', actions: ['recordRevocation', { type: 'notify', params: { topic: 'clinicFiling.revoked' } }] },
          },
        },
      },
    },
    notAccepted: { type: 'final', meta: meta({ outcome: 'refused', label: '不予受理', description: 'not accepted, with reasons and a voucher', source: '行政许可法 第三十二条第二款' }) },
    returned: { type: 'final', meta: meta({ outcome: 'refused', label: '退回', description: 'returned: the filing does not meet the standard', source: '医疗机构管理条例实施细则 第二十六条' }) },
    revoked: { type: 'final', meta: meta({ label: '已撤销', description: 'the filing was revoked after supervision', source: 'DOMAIN.md R8b' }) },
    withdrawn: { type: 'final', meta: meta({ outcome: 'withdrawn', label: '已撤回', description: 'withdrawn by the applicant before a decision', source: 'DOMAIN.md P1' }) },
  },
})

export const clinicFiling: ProcedureDefinition = {
  id: 'clinicFiling',
  // DOMAIN.md R1e: the county health department (卫生健康) records the filing
  department: 'health',
  version: '1',
  title: 'Internal medical unit filing of an elderly-care institution',
  titleZh: '养老机构内部设置诊所、卫生所（室）、医务室、护理站备案',
  description: 'A filing (备案), not an approval: checked at the window, recorded by the county health department, then supervised.',
  machine: clinicFilingMachine,
  events: clinicFilingEvents,
  rules: clinicFilingRules,
  clocks: clinicFilingClocks,
  creationEvent: 'SUBMIT',
  // Routed by a one-window application: the window's acceptance is this filing's acceptance (行政许可法 第二十六条).
  windowAcceptance: { accept: ['BEGIN_INTAKE_CHECK', 'ACCEPT'], deemed: ['INTAKE_LIMIT_PASSED'] },
  prepare: prepareClinicFiling,
}

/**
 * The filing applies to an elderly-care institution's internal unit of a kind the jurisdiction files rather than
 * approves (DOMAIN.md §3 #1: Xianning four kinds, Linyi adds 门诊部, Heilongjiang licenses instead).
 */
export function prepareClinicFiling(request: CaseRequest, policy: PolicyView): Preparation {
  if (request.institution.kind !== 'elderlyCareInstitution') {
    return {
      ok: false,
      detail: 'the internal-unit filing is for an elderly-care institution (养老机构) setting up a medical unit',
      source: '004_6104121fb84d74b0.txt L108 (「养老机构申请内部设置…」)',
    }
  }
  const kinds = policy.get<string[]>('clinicFiling.filedUnitKinds')
  const unitKind = String(request.institution.unitKind ?? '')
  if (!kinds.value.includes(unitKind)) {
    return {
      ok: false,
      detail: `a unit of kind ${JSON.stringify(unitKind)} is not filed in ${request.jurisdiction}; filed kinds there: ${kinds.value.join(', ') || 'none (approval or licence applies)'}`,
      source: kinds.source,
    }
  }
  const checklist = policy.get<ChecklistItem[]>('clinicFiling.materials')
  const offList = materialsOffChecklist(request.materials, checklist.value, checklist.source)
  if (offList) return offList
  const input: ClinicFilingInput = {
    jurisdiction: request.jurisdiction,
    institution: request.institution,
    materials: request.materials,
    checklist: { items: checklist.value, source: checklist.source },
  }
  return { ok: true, input }
}
