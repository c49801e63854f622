/**
 * Two certificates in one (医疗机构设置审批与执业登记“两证合一”), and the two-step path for the kinds it excludes.
 *
 * Xianning: 「养老机构举办二级及以下医疗机构的（不含急救中心、急救站、临床检验中心、中外合资合作医疗机构、港澳台独资医疗机构），
 * 设置审批与执业登记“两证合一”」 (004_6104121fb84d74b0.txt L108, DOMAIN.md R2); Wenshan excludes only the first three and
 * sets no level bound (L220, L221, R2a); the Chongqing district excludes nothing (L194, R2b). National basis: the 2018
 * notice of 国家卫健委 and 国家中医药局 《关于进一步改革完善医疗机构、医师审批工作的通知》 (believed 国卫医发〔2018〕19号 [LAW?],
 * R2c): every kind except 三级医院、三级妇幼保健院、急救中心、急救站、临床检验中心、中外合资合作、港澳台独资 receives no
 * 设置医疗机构批准书, only the 执业许可证 at registration; the registration application is publicised (公示) and reviewed
 * under 医疗机构管理条例实施细则 第二十六条; no 验资证明 is required. The 2020 notice repeats the list.
 *
 * Which path a case takes is decided once, at submission, from the jurisdiction's policy (`twoCertificates.excludedKinds`,
 * `twoCertificates.maxLevel`) and pinned in the context with its rule and source:
 * - `combined`: one procedure: intake → 公示 → document review → on-site inspection → registration → certificate;
 * - `twoStep`: 设置审批 (医疗机构管理条例 第九条) → 设置医疗机构批准书 → 执业登记 (第十五条) → certificate.
 *
 * Intake follows 行政许可法 第三十二条 (accept, refuse with reasons, or ONE notice of everything missing; deemed
 * acceptance when the window lets the limit pass). Every time limit comes from the pinned policy (`twoCertificates.*`).
 * Pure data: no I/O, no timers, no clock; the only time the machine sees is the event's `at`, given by the engine.
 */
import { and, assign, not, setup } from 'xstate'
import { Type } from 'typebox'
import type { CaseRequest, ClockDefinition, EventSpec, PolicyView, Preparation, ProcedureDefinition, ProcedureEvent, RuleSpec, StateMeta } from './types.ts'
import { intakeRules, intakeEvents, materialsOffChecklist } from './intake.ts'
import { EmptyPayload, NoticeItem, Reasons, SubmittedMaterials, type SubmittedMaterial } from './schemas.ts'

/** A checklist item, from the jurisdiction's policy (materials are data, never literals here). */
export interface ChecklistItem {
  code: string
  title: string
  titleZh: string
}

/** Kinds of medical institution the procedure registers (the request's `institution.medicalKind`). */
export const MEDICAL_KINDS = [
  'hospital', 'maternalChildHealth', 'emergencyCentre', 'emergencyStation', 'clinicalLaboratoryCentre', 'nursingHome',
  'rehabilitationHospital', 'outpatientDepartment', 'clinic',
] as const
export type MedicalKind = (typeof MEDICAL_KINDS)[number]

/** Who owns the medical institution (the request's `institution.ownership`). */
export const OWNERSHIPS = ['domestic', 'sinoForeignJointVenture', 'hkMacaoTaiwanWhollyOwned'] as const
export type Ownership = (typeof OWNERSHIPS)[number]

/**
 * Kinds graded 一级/二级/三级 whose grade decides an exclusion code (三级医院 covers general and specialised hospitals,
 * so a rehabilitation hospital too; 三级妇幼保健院). Their level is required.
 */
const GRADED_KINDS: readonly MedicalKind[] = ['hospital', 'rehabilitationHospital', 'maternalChildHealth']

export interface MedicalProfile {
  medicalKind: MedicalKind
  medicalLevel: 1 | 2 | 3 | null
  ownership: Ownership
}

export type TwoCertificatesPath = 'combined' | 'twoStep'

/** The path decided at submission, with the rule that decided it and where that rule comes from. */
export interface PathDecision {
  path: TwoCertificatesPath
  rule: 'twoCertificatesApplies' | 'excludedKind' | 'aboveMaxLevel'
  reason: string
  /** The institution's codes in the vocabulary of `twoCertificates.excludedKinds` (e.g. tertiaryHospital). */
  kindCodes: string[]
  /** Those of its codes the jurisdiction excludes. */
  excludedAs: string[]
  excludedKinds: string[]
  maxLevel: number | null
  source: string
}

/** A time limit as pinned from the policy (never a literal here). */
export interface PinnedLimit {
  amount: number
  unit: 'workingDays' | 'days' | 'months'
  source: string
}

/** What a refused applicant may do, and by when: told with every refusal. */
export interface Remedy {
  kind: 'administrativeReconsideration' | 'administrativeLitigation'
  titleZh: string
  within: PinnedLimit
}

export interface TwoCertificatesInput {
  jurisdiction: string
  institution: Record<string, unknown>
  medical: MedicalProfile
  materials: SubmittedMaterial[]
  checklist: { items: ChecklistItem[]; source: string }
  path: PathDecision
  /** The publicity period in force at submission (公示), for the written notice. */
  publicityPeriod: PinnedLimit
  remedies: Remedy[]
}

interface Notice { items: { item: string; reason: string }[]; at: string }
interface Refusal { reasons: string[]; at: string; by: string; remedies: Remedy[] }

export interface TwoCertificatesContext {
  jurisdiction: string
  institution: Record<string, unknown>
  medical: MedicalProfile
  path: PathDecision
  checklist: { items: ChecklistItem[]; source: string }
  /** Latest document per checklist item. */
  materials: Record<string, SubmittedMaterial>
  publicityPeriod: PinnedLimit
  remedies: Remedy[]
  supplementNotice: Notice | null
  intakeRefusal: Refusal | null
  acceptedAt: string | null
  /** Set when acceptance came from the intake limit passing (行政许可法 第三十二条), not from the clerk. */
  deemedAccepted: boolean
  publicity: {
    startedAt: string
    channel: string
    noticeWorkingDays: number
    objections: { at: string; objection: string; by: string }[]
    endedAt: string | null
  } | null
  correctionNotice: Notice | null
  onsiteInspections: { at: string; passed: boolean; findings: string }[]
  setupApproval: { documentNumber: string; approvedAt: string; approvedBy: string; validUntil: string; beds: number | null } | null
  setupRefusal: Refusal | null
  registrationApplication: { at: string; items: string[] } | null
  registration: { registrationNumber: string; registeredAt: string; registeredBy: string; practiceScope: string; beds: number | null; institutionName: string } | null
  certificate: { registrationNumber: string; issuedAt: string; deliveryMethod: string } | null
  refusal: Refusal | null
  withdrawal: { at: string; reason: string | null } | null
  /** Clock name → first instant its statutory limit passed without the act it waits for. */
  overdue: Record<string, string>
}

type Args = { context: TwoCertificatesContext; event: ProcedureEvent }
const p = <T>(event: ProcedureEvent) => event.payload as T


/** The Asia/Shanghai calendar day of an engine instant (UTC+8 all year, no daylight saving). */
function shanghaiDayOf(at: string): string {
  return new Date(Date.parse(at) + 8 * 3_600_000).toISOString().slice(0, 10)
}

const R2 = '004_6104121fb84d74b0.txt L108 (咸宁: 养老机构举办二级及以下医疗机构的…设置审批与执业登记“两证合一”)'
const R2C = '国家卫健委、国家中医药局《关于进一步改革完善医疗机构、医师审批工作的通知》(2018, believed 国卫医发〔2018〕19号 [LAW?]; DOMAIN.md R2c)'
const NOTICE_SOURCE = '行政许可法 第三十二条'
const SETUP_SOURCE = '医疗机构管理条例 第九条 (设置审批, 设置医疗机构批准书) [LAW✓]; DOMAIN.md P2 two-step path'
const REGISTRATION_SOURCE = '医疗机构管理条例 第十五条 (执业登记, 执业许可证) [LAW✓]; 第十七条 pre-2022 (registration by the approving authority) [LAW✓]'
const INSPECTION_SOURCE = '医疗机构管理条例实施细则 第二十六条 [LAW✓] (on-site 消毒、隔离和无菌操作 test; refusal grounds); time not counted: 行政许可法 第四十五条'
const PUBLICITY_SOURCE = `${R2C}: the registration application is publicised (公示); pause of the decision limit: [DESIGN] 行政许可法 第四十五条 by analogy (公示 is not in its list; flagged for legal review)`
const REMEDY_SOURCE = '行政复议法 第二十条 (60 days) [LAW?]; 行政诉讼法 第四十六条 (6 months) [LAW?]; 行政许可法 第三十八条第二款 (不予行政许可 states reasons and the right to 复议/诉讼) [LAW✓]'

/** Named rules, each with its source; the guards below are these checks and nothing else. */
export const twoCertificatesRules = {
  /** The path pinned at submission (prepare) is the combined one. */
  combinedPath: {
    description: 'two certificates in one applies: the kind is not on the jurisdiction exclusion list and the level is within its bound (decided at submission)',
    source: `${R2}; 004_6104121fb84d74b0.txt L220-L221 (文山), L194 (重庆); ${R2C}; policy twoCertificates.excludedKinds, twoCertificates.maxLevel`,
    check: ({ context }: Args) => context.path.path === 'combined',
  },
  ...intakeRules({ checklist: 'policy twoCertificates.materials (no 验资证明, R2c)' }),
  publicityNoticeCoversPeriod: {
    description: 'the applicant is told in writing how long the publicity takes, at least the publicity period of the policy pinned on the case',
    source: `行政许可法 第四十五条 (the time needed is told in writing); period: policy twoCertificates.publicity; ${R2C}`,
    check: ({ context, event }: Args) =>
      context.publicityPeriod.unit !== 'workingDays' || p<{ workingDaysNeeded: number }>(event).workingDaysNeeded >= context.publicityPeriod.amount,
  },
  onsiteInspectionPassed: {
    description: 'the latest on-site inspection was passed (an institution failing the on-site test is not registered)',
    source: '医疗机构管理条例实施细则 第二十六条 [LAW✓]',
    check: ({ context }: Args) => context.onsiteInspections.at(-1)?.passed === true,
  },
  correctionNoticeNamesChecklistItems: {
    description: 'a correction after acceptance asks only for items of the checklist',
    source: '行政许可法 第三十一条 (不得要求提交与申请事项无关的材料)',
    check: ({ context, event }: Args) => {
      const known = new Set(context.checklist.items.map((i) => i.code))
      return p<{ items: { item: string }[] }>(event).items.every((i) => known.has(i.item))
    },
  },
  correctionAnswersNotice: {
    description: 'the corrected documents are for items named in the correction notice',
    source: '行政许可法 第三十一条; 第三十二条 (补正)',
    check: ({ context, event }: Args) => {
      const asked = new Set(context.correctionNotice?.items.map((i) => i.item) ?? [])
      return p<{ materials: SubmittedMaterial[] }>(event).materials.every((m) => asked.has(m.item))
    },
  },
  setupApprovalStillValid: {
    description: 'the registration is applied for while the 设置医疗机构批准书 is valid',
    source: '医疗机构管理条例实施细则 第十二条 (validity of the 设置医疗机构批准书) [LAW✓]',
    check: ({ context, event }: Args) => context.setupApproval !== null && shanghaiDayOf(event.at) <= context.setupApproval.validUntil,
  },
  registrationMaterialsOnChecklist: {
    description: 'the registration application brings documents for checklist items only',
    source: `${REGISTRATION_SOURCE}; 行政许可法 第三十一条; checklist: policy twoCertificates.materials`,
    check: ({ context, event }: Args) => {
      const known = new Set(context.checklist.items.map((i) => i.code))
      return p<{ materials: SubmittedMaterial[] }>(event).materials.every((m) => known.has(m.item))
    },
  },
} satisfies Record<string, RuleSpec<TwoCertificatesContext>>

const Findings = Type.String({ minLength: 2, maxLength: 4000 })
const IsoDay = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'date, YYYY-MM-DD (Asia/Shanghai)' })
const obj = (props: Parameters<typeof Type.Object>[0]) => Type.Object(props, { additionalProperties: false })
const Materials = Type.Array(SubmittedMaterials.items, { minItems: 1, maxItems: 100 })
const Expiry = obj({ clock: Type.String(), dueOn: IsoDay })

/** Who may send each event, with the payload it carries and the source that makes it an act of this procedure. */
export const twoCertificatesEvents = {
  SUBMIT: {
    roles: ['applicant'],
    payload: obj({ materials: SubmittedMaterials }),
    description: 'the institution applies to register a medical institution (receipt, 已接件)',
    source: `${R2}; ${REGISTRATION_SOURCE}`,
    statusCode: 1,
  },
  ...intakeEvents({ check: NOTICE_SOURCE }),
  ACCEPT: {
    roles: ['clerk'],
    payload: EmptyPayload,
    description: 'the materials are complete: the application is accepted (受理) on the path pinned at submission, and a voucher issued',
    source: '行政许可法 第三十二条第一款第（五）项, 第二款 (voucher)',
    statusCode: 3,
  },
  REFUSE_INTAKE: {
    roles: ['clerk'],
    payload: obj({ reasons: Reasons }),
    description: 'the application is not accepted (不予受理), with reasons and the remedies',
    source: `行政许可法 第三十二条第一款第（一）（二）项, 第二款; remedies: ${REMEDY_SOURCE}`,
    statusCode: 5,
  },
  INTAKE_LIMIT_PASSED: {
    roles: ['system'],
    payload: Expiry,
    description: 'the window let the intake limit pass without a decision or notice: the application is deemed accepted from receipt',
    source: '行政许可法 第三十二条第一款第（四）项 (逾期不告知的，自收到申请材料之日起即为受理)',
    statusCode: 3,
  },
  START_PUBLICITY: {
    roles: ['officer'],
    payload: obj({
      channel: Type.String({ minLength: 2, maxLength: 500, description: 'where the application is publicised (e.g. the department website)' }),
      workingDaysNeeded: Type.Integer({ minimum: 1, maximum: 60, description: 'the written notice of how long the publicity takes' }),
    }),
    description: 'the registration application is publicised (公示); the decision limit pauses and the applicant is told in writing for how long',
    source: PUBLICITY_SOURCE,
    statusCode: 9,
  },
  RECORD_PUBLICITY_OBJECTION: {
    roles: ['officer'],
    payload: obj({ objection: Findings }),
    description: 'an objection received during the publicity is recorded for the review',
    source: PUBLICITY_SOURCE,
  },
  PUBLICITY_PERIOD_ENDED: {
    roles: ['system'],
    payload: Expiry,
    description: 'the publicity period has run: the document review starts and the decision limit runs again',
    source: `${PUBLICITY_SOURCE}; period: policy twoCertificates.publicity`,
    statusCode: 10,
  },
  SCHEDULE_ONSITE_INSPECTION: {
    roles: ['officer'],
    payload: obj({ plannedOn: IsoDay, workingDaysNeeded: Type.Integer({ minimum: 1, maximum: 60 }) }),
    description: 'an on-site inspection is arranged; the applicant is told in writing how long it takes (not counted)',
    source: INSPECTION_SOURCE,
    statusCode: 9,
  },
  RECORD_ONSITE_RESULT: {
    roles: ['officer'],
    payload: obj({ passed: Type.Boolean(), findings: Findings }),
    description: 'the officer records the on-site inspection; the limit runs again',
    source: INSPECTION_SOURCE,
    statusCode: 10,
  },
  REQUEST_CORRECTION: {
    roles: ['officer'],
    payload: obj({ items: Type.Array(NoticeItem, { minItems: 1, maxItems: 100 }) }),
    description: 'after acceptance, the officer asks for corrected or further material; the decision limit pauses or restarts as policy says',
    source: '行政许可法 第三十二条 (补正) applied after acceptance; policy twoCertificates.decision.afterSupplement',
    statusCode: 6,
  },
  SUBMIT_CORRECTION: {
    roles: ['applicant'],
    payload: obj({ materials: Materials }),
    description: 'the applicant supplies the corrections asked for after acceptance',
    source: '行政许可法 第三十二条 (补正)',
    statusCode: 7,
  },
  EXTEND_DECISION_LIMIT: {
    roles: ['head'],
    payload: obj({ workingDays: Type.Integer({ minimum: 1, maximum: 60 }), reason: Type.String({ minLength: 2, maxLength: 1000 }) }),
    description: 'the head of the department extends the decision limit, with a reason told to the applicant (延期), within the policy bound',
    source: '行政许可法 第四十二条第一款 (本行政机关负责人批准，可以延长十日，并应当将延长期限的理由告知申请人); bound: policy twoCertificates.decision.extension',
  },
  DECISION_LIMIT_PASSED: {
    roles: ['system'],
    payload: Expiry,
    description: 'the decision limit passed: the case is marked overdue and escalated to the head of the department and the supervisor',
    source: '医疗机构管理条例 第十九条 (pre-2022, 45 days) [LAW?]; 行政许可法 第四十二条',
  },
  BEGIN_SETUP_REVIEW: {
    roles: ['officer'],
    payload: EmptyPayload,
    description: 'the health department starts reviewing the setup application (设置审批, 部门开始办理)',
    source: SETUP_SOURCE,
    statusCode: 8,
  },
  APPROVE_SETUP: {
    roles: ['head'],
    payload: obj({
      documentNumber: Type.String({ minLength: 2, maxLength: 100, description: '文号 of the 设置医疗机构批准书' }),
      validUntil: IsoDay,
      beds: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    }),
    description: 'the setup is approved: the 设置医疗机构批准书 is issued, valid until a date (实施细则 第十二条)',
    source: `${SETUP_SOURCE}; validity: 医疗机构管理条例实施细则 第十二条 [LAW✓]`,
  },
  REFUSE_SETUP: {
    roles: ['head'],
    payload: obj({ reasons: Reasons }),
    description: 'the setup is refused (不予设置), with reasons and the remedies',
    source: `${SETUP_SOURCE}; remedies: ${REMEDY_SOURCE}`,
    statusCode: 13,
  },
  SETUP_APPROVAL_LIMIT_PASSED: {
    roles: ['system'],
    payload: Expiry,
    description: 'the setup decision limit passed: the case is marked overdue and escalated',
    source: '医疗机构管理条例 第十二条 / 实施细则 第十二条 (30 days) [LAW?]',
  },
  APPLY_FOR_REGISTRATION: {
    roles: ['applicant'],
    payload: obj({ materials: Materials }),
    description: 'holding the 设置医疗机构批准书, the applicant applies for practice registration (执业登记) with its materials',
    source: REGISTRATION_SOURCE,
  },
  BEGIN_REGISTRATION_REVIEW: {
    roles: ['officer'],
    payload: EmptyPayload,
    description: 'the health department starts reviewing the registration application (部门开始办理)',
    source: REGISTRATION_SOURCE,
    statusCode: 8,
  },
  REGISTRATION_LIMIT_PASSED: {
    roles: ['system'],
    payload: Expiry,
    description: 'the registration limit passed: the case is marked overdue and escalated',
    source: '医疗机构管理条例 第十九条 (pre-2022 numbering, 45 days) [LAW?]',
  },
  REGISTER: {
    roles: ['head'],
    payload: obj({
      practiceScope: Type.String({ minLength: 2, maxLength: 500, description: '诊疗科目' }),
      beds: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    }),
    description: 'the institution is registered (准予执业登记): a registration number (登记号) of the 执业许可证 is allocated (办结)',
    source: `${REGISTRATION_SOURCE}; ${R2C} (only the 执业许可证, at registration)`,
    statusCode: 11,
    allocates: 'filingNumber',
  },
  REFUSE: {
    roles: ['head'],
    payload: obj({ reasons: Reasons }),
    description: 'registration is refused (不予登记), with reasons and the remedies (办结不通过)',
    source: `医疗机构管理条例实施细则 第二十六条 (grounds) [LAW✓]; remedies: ${REMEDY_SOURCE}`,
    statusCode: 13,
  },
  ISSUE_CERTIFICATE: {
    roles: ['officer'],
    payload: obj({ deliveryMethod: Type.Union([Type.Literal('window'), Type.Literal('post'), Type.Literal('electronic')]) }),
    description: 'the 医疗机构执业许可证 is issued and delivered, carrying the registration number',
    source: '行政许可法 第四十四条 (颁发、送达 within 10 days of the decision); limit: policy twoCertificates.certificate',
  },
  CERTIFICATE_LIMIT_PASSED: {
    roles: ['system'],
    payload: Expiry,
    description: 'the certificate was not issued within its limit: the case is marked overdue and escalated',
    source: '行政许可法 第四十四条',
  },
  WITHDRAW: {
    roles: ['applicant'],
    payload: obj({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }),
    description: 'the applicant withdraws the application before a decision on it',
    source: 'DOMAIN.md P2 (withdrawn before a decision) [DESIGN]; 办件状态 14 撤回 of the national exchange',
    statusCode: 14,
  },
} satisfies Record<string, EventSpec>

/**
 * The procedure's clocks. Limits live in the jurisdiction's policy under each policy key (never here);
 * national defaults are in policies/000000.json with their sources.
 */
export const twoCertificatesClocks = {
  intakeLimit: {
    name: 'intakeLimit',
    title: 'Intake decision limit',
    titleZh: '受理审查时限',
    policyKey: 'twoCertificates.intake',
    onExpiry: { event: 'INTAKE_LIMIT_PASSED', description: 'deemed accepted from receipt (行政许可法 第三十二条)' },
  },
  decisionLimit: {
    name: 'decisionLimit',
    title: 'Registration decision limit (two certificates in one)',
    titleZh: '两证合一审批时限',
    policyKey: 'twoCertificates.decision',
    onExpiry: { event: 'DECISION_LIMIT_PASSED', description: 'marked overdue and escalated to the head and the supervisor' },
    extension: { event: 'EXTEND_DECISION_LIMIT', description: 'by the head of the department, within the policy bound (行政许可法 第四十二条)' },
  },
  publicityPeriod: {
    name: 'publicityPeriod',
    title: 'Publicity period',
    titleZh: '公示期',
    policyKey: 'twoCertificates.publicity',
    onExpiry: { event: 'PUBLICITY_PERIOD_ENDED', description: 'the publicity ends and the document review starts' },
  },
  setupApprovalLimit: {
    name: 'setupApprovalLimit',
    title: 'Setup approval limit',
    titleZh: '设置审批时限',
    policyKey: 'twoCertificates.setupApproval',
    onExpiry: { event: 'SETUP_APPROVAL_LIMIT_PASSED', description: 'marked overdue and escalated' },
  },
  registrationLimit: {
    name: 'registrationLimit',
    title: 'Practice registration limit',
    titleZh: '执业登记时限',
    policyKey: 'twoCertificates.registration',
    onExpiry: { event: 'REGISTRATION_LIMIT_PASSED', description: 'marked overdue and escalated' },
  },
  certificateLimit: {
    name: 'certificateLimit',
    title: 'Certificate issue limit',
    titleZh: '发证时限',
    policyKey: 'twoCertificates.certificate',
    onExpiry: { event: 'CERTIFICATE_LIMIT_PASSED', description: 'marked overdue and escalated' },
  },
} satisfies Record<string, ClockDefinition>

const meta = (m: StateMeta) => m
const runs = (name: keyof typeof twoCertificatesClocks) => [{ name, mode: 'run' }] as const
const pausedFor = (name: keyof typeof twoCertificatesClocks, pauseKind: 'specialProcedure' | 'supplement') => [{ name, mode: 'pause', pauseKind }] as const
const notify = (topic: string) => ({ type: 'notify', params: { topic: `twoCertificates.${topic}` } }) as const
const overdue = (clock: keyof typeof twoCertificatesClocks) => [{ type: 'recordOverdue', params: { clock } }, notify(`${clock}Overdue`)] as const
const withdraw = { WITHDRAW: { target: '#twoCertificates.withdrawn', actions: 'recordWithdrawal' } } as const
const extendDecision = { EXTEND_DECISION_LIMIT: { actions: { type: 'extendClock', params: { clock: 'decisionLimit' } } } } as const

function refusal(event: ProcedureEvent, context: TwoCertificatesContext): Refusal {
  return { reasons: p<{ reasons: string[] }>(event).reasons, at: event.at, by: event.actor.id, remedies: context.remedies }
}

export const twoCertificatesMachine = setup({
  types: {} as { context: TwoCertificatesContext; events: ProcedureEvent; input: TwoCertificatesInput },
  guards: {
    combinedPath: twoCertificatesRules.combinedPath.check,
    hasAllRequiredMaterials: twoCertificatesRules.hasAllRequiredMaterials.check,
    noticeCoversEveryMissingItem: twoCertificatesRules.noticeCoversEveryMissingItem.check,
    noNoticeSentYet: twoCertificatesRules.noNoticeSentYet.check,
    resubmissionAnswersNotice: twoCertificatesRules.resubmissionAnswersNotice.check,
    publicityNoticeCoversPeriod: twoCertificatesRules.publicityNoticeCoversPeriod.check,
    onsiteInspectionPassed: twoCertificatesRules.onsiteInspectionPassed.check,
    correctionNoticeNamesChecklistItems: twoCertificatesRules.correctionNoticeNamesChecklistItems.check,
    correctionAnswersNotice: twoCertificatesRules.correctionAnswersNotice.check,
    setupApprovalStillValid: twoCertificatesRules.setupApprovalStillValid.check,
    registrationMaterialsOnChecklist: twoCertificatesRules.registrationMaterialsOnChecklist.check,
  },
  actions: {
    recordSupplementNotice: assign({
      supplementNotice: ({ event }) => ({ items: p<{ items: { item: string; reason: string }[] }>(event).items, at: event.at }),
    }),
    recordMaterials: assign({
      materials: ({ context, event }) => {
        const next = { ...context.materials }
        for (const m of p<{ materials: SubmittedMaterial[] }>(event).materials) next[m.item] = m
        return next
      },
    }),
    recordAcceptance: assign({ acceptedAt: ({ event }) => event.at }),
    recordDeemedAcceptance: assign({ acceptedAt: ({ event }) => event.at, deemedAccepted: true }),
    recordIntakeRefusal: assign({ intakeRefusal: ({ context, event }) => refusal(event, context) }),
    recordPublicityStart: assign({
      publicity: ({ event }) => {
        const { channel, workingDaysNeeded } = p<{ channel: string; workingDaysNeeded: number }>(event)
        return { startedAt: event.at, channel, noticeWorkingDays: workingDaysNeeded, objections: [], endedAt: null }
      },
    }),
    recordPublicityObjection: assign({
      publicity: ({ context, event }) => context.publicity && {
        ...context.publicity,
        objections: [...context.publicity.objections, { at: event.at, objection: p<{ objection: string }>(event).objection, by: event.actor.id }],
      },
    }),
    recordPublicityEnd: assign({ publicity: ({ context, event }) => context.publicity && { ...context.publicity, endedAt: event.at } }),
    recordOnsiteResult: assign({
      onsiteInspections: ({ context, event }) => [...context.onsiteInspections, { at: event.at, ...p<{ passed: boolean; findings: string }>(event) }],
    }),
    recordCorrectionNotice: assign({
      correctionNotice: ({ event }) => ({ items: p<{ items: { item: string; reason: string }[] }>(event).items, at: event.at }),
    }),
    recordSetupApproval: assign({
      setupApproval: ({ event }) => {
        const { documentNumber, validUntil, beds } = p<{ documentNumber: string; validUntil: string; beds?: number }>(event)
        return { documentNumber, validUntil, beds: beds ?? null, approvedAt: event.at, approvedBy: event.actor.id }
      },
    }),
    recordSetupRefusal: assign({ setupRefusal: ({ context, event }) => refusal(event, context) }),
    recordRegistrationApplication: assign({
      registrationApplication: ({ event }) => ({ at: event.at, items: p<{ materials: SubmittedMaterial[] }>(event).materials.map((m) => m.item) }),
    }),
    recordRegistration: assign({
      registration: ({ context, event }) => {
        const { practiceScope, beds } = p<{ practiceScope: string; beds?: number }>(event)
        return {
          registrationNumber: event.issued?.filingNumber ?? '',
          registeredAt: event.at,
          registeredBy: event.actor.id,
          practiceScope,
          beds: beds ?? null,
          institutionName: String(context.institution.unitName ?? context.institution.name ?? ''),
        }
      },
    }),
    recordRefusal: assign({ refusal: ({ context, event }) => refusal(event, context) }),
    recordCertificate: assign({
      certificate: ({ context, event }) => ({
        registrationNumber: context.registration?.registrationNumber ?? '',
        issuedAt: event.at,
        deliveryMethod: p<{ deliveryMethod: string }>(event).deliveryMethod,
      }),
    }),
    recordWithdrawal: assign({
      withdrawal: ({ event }) => ({ at: event.at, reason: p<{ reason?: string }>(event).reason ?? null }),
    }),
    recordOverdue: assign(({ context, event }, params: { clock: string }) => ({
      overdue: { ...context.overdue, [params.clock]: context.overdue[params.clock] ?? event.at },
    })),
    /** Asks the engine to extend the named clock by the event's working days (bounded by policy, checked there). */
    extendClock: (_: unknown, _params: { clock: string }) => {},
    /** Asks the engine to write an outbox row; the engine reads it from the returned actions. */
    notify: (_: unknown, _params: { topic: string }) => {},
  },
}).createMachine({
  id: 'twoCertificates',
  version: '1',
  initial: 'submitted',
  context: ({ input }) => ({
    jurisdiction: input.jurisdiction,
    institution: input.institution,
    medical: input.medical,
    path: input.path,
    checklist: input.checklist,
    materials: Object.fromEntries(input.materials.map((m) => [m.item, m])),
    publicityPeriod: input.publicityPeriod,
    remedies: input.remedies,
    supplementNotice: null,
    intakeRefusal: null,
    acceptedAt: null,
    deemedAccepted: false,
    publicity: null,
    correctionNotice: null,
    onsiteInspections: [],
    setupApproval: null,
    setupRefusal: null,
    registrationApplication: null,
    registration: null,
    certificate: null,
    refusal: null,
    withdrawal: null,
    overdue: {},
  }),
  states: {
    // ── Intake, shared by both paths (行政许可法 第三十二条) ──────────────────────────────────────────────
    submitted: {
      meta: meta({ label: '已接件', description: 'received at the window, not yet checked', source: NOTICE_SOURCE, waitingOn: ['clerk'], clocks: runs('intakeLimit') }),
      on: {
        BEGIN_INTAKE_CHECK: { target: 'intakeCheck' },
        INTAKE_LIMIT_PASSED: [
          { target: 'accepted.combined', guard: 'combinedPath', actions: ['recordDeemedAcceptance', notify('deemedAccepted')] },
          { target: 'accepted.twoStep', actions: ['recordDeemedAcceptance', notify('deemedAccepted')] },
        ],
        ...withdraw,
      },
    },
    intakeCheck: {
      meta: meta({ label: '受理审查', description: 'the window checks the materials against the checklist', source: NOTICE_SOURCE, waitingOn: ['clerk'], clocks: runs('intakeLimit') }),
      on: {
        ACCEPT: [
          { target: 'accepted.combined', guard: and(['hasAllRequiredMaterials', 'combinedPath']), actions: ['recordAcceptance', notify('accepted')] },
          { target: 'accepted.twoStep', guard: and(['hasAllRequiredMaterials', not('combinedPath')]), actions: ['recordAcceptance', notify('accepted')] },
        ],
        REQUEST_SUPPLEMENT: {
          target: 'supplementRequested',
          guard: and(['noNoticeSentYet', 'noticeCoversEveryMissingItem']),
          actions: ['recordSupplementNotice', notify('supplementRequested')],
        },
        REFUSE_INTAKE: { target: 'notAccepted', actions: ['recordIntakeRefusal', notify('notAccepted')] },
        INTAKE_LIMIT_PASSED: [
          { target: 'accepted.combined', guard: 'combinedPath', actions: ['recordDeemedAcceptance', notify('deemedAccepted')] },
          { target: 'accepted.twoStep', actions: ['recordDeemedAcceptance', notify('deemedAccepted')] },
        ],
        ...withdraw,
      },
    },
    supplementRequested: {
      meta: meta({ label: '补正中', description: 'waiting for the applicant to supply the items of the one-time notice', source: '行政许可法 第三十二条第一款第（四）项', waitingOn: ['applicant'] }),
      on: {
        RESUBMIT: { target: 'intakeCheck', guard: 'resubmissionAnswersNotice', actions: 'recordMaterials' },
        ...withdraw,
      },
    },
    accepted: {
      meta: meta({ label: '已受理', description: 'accepted on the path pinned at submission; the limit of that path runs from acceptance', source: '行政许可法 第三十二条第二款, 第四十二条 (counted from acceptance)' }),
      initial: 'combined',
      on: { ...withdraw },
      states: {
        combined: {
          meta: meta({
            label: '已受理（两证合一）', description: 'accepted for two certificates in one: waiting for the officer to publicise the application',
            source: `${R2}; ${R2C}`, waitingOn: ['officer'], clocks: runs('decisionLimit'),
          }),
          on: {
            START_PUBLICITY: { target: '#twoCertificates.publicity', guard: 'publicityNoticeCoversPeriod', actions: ['recordPublicityStart', notify('publicityStarted')] },
            ...extendDecision,
            DECISION_LIMIT_PASSED: { actions: overdue('decisionLimit') },
          },
        },
        twoStep: {
          meta: meta({
            label: '已受理（设置审批）', description: 'accepted for setup approval (an excluded kind or level): waiting for the officer to start the review',
            source: `${SETUP_SOURCE}; exclusions: ${R2C}`, waitingOn: ['officer'], clocks: runs('setupApprovalLimit'),
          }),
          on: {
            BEGIN_SETUP_REVIEW: { target: '#twoCertificates.setupReview' },
            SETUP_APPROVAL_LIMIT_PASSED: { actions: overdue('setupApprovalLimit') },
          },
        },
      },
    },
    notAccepted: {
      type: 'final',
      meta: meta({ outcome: 'refused', label: '不予受理', description: 'not accepted, with reasons, the remedies and a voucher', source: `行政许可法 第三十二条第二款; ${REMEDY_SOURCE}` }),
    },

    // ── Combined path: 公示 → document review ⇄ on-site inspection → registration ─────────────────────────
    publicity: {
      meta: meta({
        label: '公示中', description: 'the registration application is publicised; the decision limit is paused while the publicity period runs',
        source: PUBLICITY_SOURCE, waitingOn: ['officer'],
        clocks: [{ name: 'publicityPeriod', mode: 'run' }, { name: 'decisionLimit', mode: 'pause', pauseKind: 'specialProcedure' }],
      }),
      on: {
        RECORD_PUBLICITY_OBJECTION: { actions: ['recordPublicityObjection', notify('publicityObjection')] },
        PUBLICITY_PERIOD_ENDED: { target: 'documentReview', actions: ['recordPublicityEnd', notify('publicityEnded')] },
        ...extendDecision,
        ...withdraw,
      },
    },
    documentReview: {
      meta: meta({
        label: '书面审查', description: 'the officer reviews the materials and any objections, arranges the on-site inspection; the head decides',
        source: `${R2C}; ${INSPECTION_SOURCE}`, waitingOn: ['officer', 'head'], clocks: runs('decisionLimit'),
      }),
      on: {
        SCHEDULE_ONSITE_INSPECTION: { target: 'onsiteInspection', actions: notify('onsiteInspectionScheduled') },
        REQUEST_CORRECTION: {
          target: 'correctionRequested',
          guard: 'correctionNoticeNamesChecklistItems',
          actions: ['recordCorrectionNotice', notify('correctionRequested')],
        },
        REGISTER: { target: 'registered', guard: 'onsiteInspectionPassed', actions: ['recordRegistration', notify('registered')] },
        REFUSE: { target: 'refused', actions: ['recordRefusal', notify('refused')] },
        ...extendDecision,
        DECISION_LIMIT_PASSED: { actions: overdue('decisionLimit') },
        ...withdraw,
      },
    },
    onsiteInspection: {
      meta: meta({
        label: '现场审查', description: 'on-site inspection in progress (特别程序: time not counted)', source: INSPECTION_SOURCE, waitingOn: ['officer'],
        clocks: pausedFor('decisionLimit', 'specialProcedure'),
      }),
      on: {
        RECORD_ONSITE_RESULT: { target: 'documentReview', actions: ['recordOnsiteResult', notify('onsiteInspectionRecorded')] },
        ...extendDecision,
        ...withdraw,
      },
    },
    correctionRequested: {
      meta: meta({
        label: '补正中（受理后）', description: 'waiting for the applicant to correct material after acceptance', source: '行政许可法 第三十二条 (补正)', waitingOn: ['applicant'],
        clocks: pausedFor('decisionLimit', 'supplement'),
      }),
      on: {
        SUBMIT_CORRECTION: { target: 'documentReview', guard: 'correctionAnswersNotice', actions: ['recordMaterials', notify('correctionSubmitted')] },
        ...extendDecision,
        ...withdraw,
      },
    },

    // ── Two-step path: 设置审批 → 批准书 → 执业登记 ────────────────────────────────────────────────────────
    setupReview: {
      meta: meta({ label: '设置审批审查', description: 'the health department reviews the setup application', source: SETUP_SOURCE, waitingOn: ['officer', 'head'], clocks: runs('setupApprovalLimit') }),
      on: {
        APPROVE_SETUP: { target: 'setupApproved', actions: ['recordSetupApproval', notify('setupApproved')] },
        REFUSE_SETUP: { target: 'setupRefused', actions: ['recordSetupRefusal', notify('setupRefused')] },
        SETUP_APPROVAL_LIMIT_PASSED: { actions: overdue('setupApprovalLimit') },
        ...withdraw,
      },
    },
    setupApproved: {
      meta: meta({
        label: '已发设置医疗机构批准书', description: 'the 设置医疗机构批准书 is issued; waiting for the applicant to apply for practice registration while it is valid',
        source: `${SETUP_SOURCE}; 医疗机构管理条例实施细则 第十二条 (validity)`, waitingOn: ['applicant'],
      }),
      on: {
        APPLY_FOR_REGISTRATION: {
          target: 'registrationApplied',
          guard: and(['setupApprovalStillValid', 'registrationMaterialsOnChecklist']),
          actions: ['recordMaterials', 'recordRegistrationApplication', notify('registrationApplied')],
        },
        ...withdraw,
      },
    },
    setupRefused: {
      type: 'final',
      meta: meta({ outcome: 'refused', label: '不予设置', description: 'the setup is refused, with reasons and the remedies', source: `${SETUP_SOURCE}; ${REMEDY_SOURCE}` }),
    },
    registrationApplied: {
      meta: meta({
        label: '已申请执业登记', description: 'the registration application is in; the registration limit runs from it [DESIGN: the earlier of receipt and acceptance]',
        source: REGISTRATION_SOURCE, waitingOn: ['officer'], clocks: runs('registrationLimit'),
      }),
      on: {
        BEGIN_REGISTRATION_REVIEW: { target: 'registrationReview' },
        REGISTRATION_LIMIT_PASSED: { actions: overdue('registrationLimit') },
        ...withdraw,
      },
    },
    registrationReview: {
      meta: meta({
        label: '执业登记审查', description: 'the officer reviews the registration and arranges the on-site inspection; the head decides',
        source: `${REGISTRATION_SOURCE}; ${INSPECTION_SOURCE}`, waitingOn: ['officer', 'head'], clocks: runs('registrationLimit'),
      }),
      on: {
        SCHEDULE_ONSITE_INSPECTION: { target: 'registrationInspection', actions: notify('onsiteInspectionScheduled') },
        REGISTER: { target: 'registered', guard: 'onsiteInspectionPassed', actions: ['recordRegistration', notify('registered')] },
        REFUSE: { target: 'refused', actions: ['recordRefusal', notify('refused')] },
        REGISTRATION_LIMIT_PASSED: { actions: overdue('registrationLimit') },
        ...withdraw,
      },
    },
    registrationInspection: {
      meta: meta({
        label: '现场审查（执业登记）', description: 'on-site inspection for the registration (特别程序: time not counted)', source: INSPECTION_SOURCE, waitingOn: ['officer'],
        clocks: pausedFor('registrationLimit', 'specialProcedure'),
      }),
      on: {
        RECORD_ONSITE_RESULT: { target: 'registrationReview', actions: ['recordOnsiteResult', notify('onsiteInspectionRecorded')] },
        ...withdraw,
      },
    },

    // ── Decision, shared ──────────────────────────────────────────────────────────────────────────────────
    registered: {
      meta: meta({
        outcome: 'approved', label: '已登记（待发证）', description: 'registered: the 执业许可证 with its registration number is to be issued within the certificate limit',
        source: '行政许可法 第四十四条; ' + REGISTRATION_SOURCE, waitingOn: ['officer'], clocks: runs('certificateLimit'),
      }),
      on: {
        ISSUE_CERTIFICATE: { target: 'certificateIssued', actions: ['recordCertificate', notify('certificateIssued')] },
        CERTIFICATE_LIMIT_PASSED: { actions: overdue('certificateLimit') },
      },
    },
    certificateIssued: {
      type: 'final',
      meta: meta({ outcome: 'approved', label: '已发证', description: 'the 医疗机构执业许可证 is issued and delivered', source: `${REGISTRATION_SOURCE}; ${R2C}` }),
    },
    refused: {
      type: 'final',
      meta: meta({ outcome: 'refused', label: '不予登记', description: 'registration refused, with reasons and the remedies', source: `医疗机构管理条例实施细则 第二十六条; ${REMEDY_SOURCE}` }),
    },
    withdrawn: {
      type: 'final',
      meta: meta({ outcome: 'withdrawn', label: '已撤回', description: 'withdrawn by the applicant before a decision', source: 'DOMAIN.md P2 [DESIGN]' }),
    },
  },
})

export const twoCertificates: ProcedureDefinition = {
  id: 'twoCertificates',
  // DOMAIN.md R2: the health department (卫生健康) approves and registers
  department: 'health',
  version: '1',
  title: 'Medical institution setup approval and practice registration: two certificates in one',
  titleZh: '医疗机构设置审批与执业登记“两证合一”',
  description: 'One procedure (公示, review, on-site inspection, registration, 执业许可证) for the kinds the jurisdiction does not exclude; '
    + 'excluded kinds take setup approval (设置医疗机构批准书) then practice registration. The path is decided at submission from policy.',
  machine: twoCertificatesMachine,
  events: twoCertificatesEvents,
  rules: twoCertificatesRules,
  clocks: twoCertificatesClocks,
  creationEvent: 'SUBMIT',
  // Routed by a one-window application: the window's acceptance is this procedure's acceptance (行政许可法 第二十六条).
  windowAcceptance: { accept: ['BEGIN_INTAKE_CHECK', 'ACCEPT'], deemed: ['INTAKE_LIMIT_PASSED'] },
  prepare: prepareTwoCertificates,
}

/**
 * The institution's codes in the vocabulary of `twoCertificates.excludedKinds`: 三级医院 (tertiaryHospital),
 * 三级妇幼保健院 (tertiaryMaternalChildHealth), 急救中心, 急救站, 临床检验中心, and the two foreign ownerships (R2c).
 */
export function exclusionCodes(m: MedicalProfile): string[] {
  const codes: string[] = []
  if ((m.medicalKind === 'hospital' || m.medicalKind === 'rehabilitationHospital') && m.medicalLevel === 3) codes.push('tertiaryHospital')
  if (m.medicalKind === 'maternalChildHealth' && m.medicalLevel === 3) codes.push('tertiaryMaternalChildHealth')
  if (m.medicalKind === 'emergencyCentre' || m.medicalKind === 'emergencyStation' || m.medicalKind === 'clinicalLaboratoryCentre') codes.push(m.medicalKind)
  if (m.ownership !== 'domestic') codes.push(m.ownership)
  return codes
}

/**
 * Decides the path from the jurisdiction's exclusion list and level bound (DOMAIN.md §3 #2: national 7 kinds and 二级及以下;
 * Xianning 5 and 二级及以下; Wenshan 3 and no level bound; Chongqing none and 二级及以下). Pure.
 */
export function decidePath(
  m: MedicalProfile,
  excludedKinds: { value: string[]; source: string },
  maxLevel: { value: number | null; source: string },
): PathDecision {
  const kindCodes = exclusionCodes(m)
  const excludedAs = kindCodes.filter((c) => excludedKinds.value.includes(c))
  const base = { kindCodes, excludedAs, excludedKinds: excludedKinds.value, maxLevel: maxLevel.value }
  if (excludedAs.length > 0) {
    return {
      ...base, path: 'twoStep', rule: 'excludedKind',
      reason: `the institution is ${excludedAs.join(', ')}, excluded from two certificates in one here: setup approval, then practice registration`,
      source: excludedKinds.source,
    }
  }
  if (maxLevel.value !== null && m.medicalLevel !== null && m.medicalLevel > maxLevel.value) {
    return {
      ...base, path: 'twoStep', rule: 'aboveMaxLevel',
      reason: `level ${m.medicalLevel} is above level ${maxLevel.value}, the highest two certificates in one covers here: setup approval, then practice registration`,
      source: maxLevel.source,
    }
  }
  return {
    ...base, path: 'combined', rule: 'twoCertificatesApplies',
    reason: `${m.medicalKind}${m.medicalLevel === null ? '' : ` level ${m.medicalLevel}`} (${m.ownership}) is neither excluded nor above the level bound: two certificates in one`,
    source: `${excludedKinds.source}; ${maxLevel.source}`,
  }
}

/** The remedies told with a refusal: from the policy when it carries them, else the national statutes. */
const REMEDY_KEYS = {
  administrativeReconsideration: { key: 'remedies.administrativeReconsideration', titleZh: '行政复议' },
  administrativeLitigation: { key: 'remedies.administrativeLitigation', titleZh: '行政诉讼' },
} as const

/**
 * National-law periods, used only until the national policy carries `remedies.*` (they are statute, not a limit a
 * jurisdiction sets; no clock runs on them here).
 */
const STATUTORY_REMEDY_PERIODS: Record<keyof typeof REMEDY_KEYS, PinnedLimit> = {
  administrativeReconsideration: { amount: 60, unit: 'days', source: '行政复议法 (2023) 第二十条: 自知道或者应当知道该行政行为之日起六十日内提出行政复议申请 [LAW?]' },
  administrativeLitigation: { amount: 6, unit: 'months', source: '行政诉讼法 第四十六条: 应当自知道或者应当知道作出行政行为之日起六个月内提出 [LAW?]' },
}

function remediesFrom(policy: PolicyView): Remedy[] {
  return (Object.keys(REMEDY_KEYS) as (keyof typeof REMEDY_KEYS)[]).map((kind) => {
    let within = STATUTORY_REMEDY_PERIODS[kind]
    try {
      const v = policy.get<{ amount: number; unit: PinnedLimit['unit'] }>(REMEDY_KEYS[kind].key)
      within = { amount: v.value.amount, unit: v.value.unit, source: v.source }
    } catch {
      // The policy does not carry it yet: the statute applies.
    }
    return { kind, titleZh: REMEDY_KEYS[kind].titleZh, within }
  })
}

const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T => typeof v === 'string' && (list as readonly string[]).includes(v)

/**
 * Applies to an institution (an elderly-care institution founding a medical institution, or a medical institution)
 * registering a medical institution of a known kind; decides and pins the path, the checklist, the publicity period
 * and the remedies from the policy in force.
 */
export function prepareTwoCertificates(request: CaseRequest, policy: PolicyView): Preparation {
  const i = request.institution
  if (i.kind !== 'elderlyCareInstitution' && i.kind !== 'medicalInstitution') {
    return { ok: false, detail: 'two certificates in one is for an elderly-care institution founding a medical institution, or a medical institution', source: R2 }
  }
  if (i.adds !== undefined && i.adds !== 'medicalInstitution') {
    return {
      ok: false,
      detail: `institution.adds is ${JSON.stringify(i.adds)}: two certificates in one registers a medical institution (an internal unit is filed, elderly care is filed with civil affairs)`,
      source: `${R2}; 004_6104121fb84d74b0.txt L108 (internal units filed; 医疗卫生机构举办养老机构 filed with 民政)`,
    }
  }
  if (!oneOf(MEDICAL_KINDS, i.medicalKind)) {
    return { ok: false, detail: `institution.medicalKind must name the medical institution registered, one of: ${MEDICAL_KINDS.join(', ')}`, source: `${REGISTRATION_SOURCE}; ${R2C}` }
  }
  if (!oneOf(OWNERSHIPS, i.ownership)) {
    return { ok: false, detail: `institution.ownership decides an exclusion and must be one of: ${OWNERSHIPS.join(', ')}`, source: R2C }
  }
  const level = i.medicalLevel ?? null
  if (level !== null && level !== 1 && level !== 2 && level !== 3) {
    return { ok: false, detail: 'institution.medicalLevel must be 1, 2 or 3 (一级、二级、三级)', source: R2C }
  }
  if (level === null && GRADED_KINDS.includes(i.medicalKind)) {
    return { ok: false, detail: `institution.medicalLevel is required for a ${i.medicalKind}: its grade decides the path (三级医院、三级妇幼保健院 are excluded)`, source: R2C }
  }
  const checklist = policy.get<ChecklistItem[]>('twoCertificates.materials')
  const offList = materialsOffChecklist(request.materials, checklist.value, checklist.source)
  if (offList) return offList
  const medical: MedicalProfile = { medicalKind: i.medicalKind, medicalLevel: level, ownership: i.ownership }
  const path = decidePath(medical, policy.get<string[]>('twoCertificates.excludedKinds'), policy.get<number | null>('twoCertificates.maxLevel'))
  const publicity = policy.get<{ amount: number; unit: PinnedLimit['unit'] }>('twoCertificates.publicity.statutory')
  const input: TwoCertificatesInput = {
    jurisdiction: request.jurisdiction,
    institution: request.institution,
    medical,
    materials: request.materials,
    checklist: { items: checklist.value, source: checklist.source },
    path,
    publicityPeriod: { amount: publicity.value.amount, unit: publicity.value.unit, source: publicity.source },
    remedies: remediesFrom(policy),
  }
  return { ok: true, input }
}
