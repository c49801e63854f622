/**
 * Medical-insurance designation of a medical institution or of an elderly-care institution's internal medical unit
 * (医疗机构医疗保障定点, 医保定点).
 *
 * Law: 《医疗机构医疗保障定点管理暂行办法》 (国家医疗保障局令第2号, in force 2021-02-01, DOMAIN.md §4.4):
 * 第五条 [LAW✓] holders of a 执业许可证 or 中医诊所备案证 may apply, 「养老机构内设的医疗机构」 included;
 * 第六条 [LAW✓] 「正式运营至少3个月」, and an institution of 100 beds or more sets up an internal 医保 department;
 * the later articles [LAW?] (probably 第七至十一条): one-time notice of missing materials within 5 working days,
 * evaluation within 3 months of acceptance with supplement time excluded, pass → 公示, fail → rectify within
 * 3 months and re-evaluate, a second failure bars a new application for 1 year, agreement term generally 1 year,
 * designated institutions published.
 *
 * Seeds: 「正式运营3个月后即可提出定点申请，定点评估完成时限不得超过3个月时间，加强对协议签订和履行情况的监督检查」
 * (004_6104121fb84d74b0.txt L122 咸宁, L199 重庆; DOMAIN.md R7); Wenshan 「医疗机构正式成立后即可申请定点。
 * 医保经办机构应当在30个工作日内完成医疗保险定点协议签订及医保信息系统开通」 (L228, R7a: no wait, one limit from
 * application to system activation); the fund pays medical services only, 「不得用于支付生活照护等养老服务费用」
 * (L122, R7d). DOMAIN.md P4 is the state outline.
 *
 * Every limit comes from the jurisdiction's policy under `insuranceDesignation.*` (policies/000000.json, with
 * sources); the waiting period, bar and agreement term are pinned into the machine input by `prepare`. Pure data:
 * no I/O, no timers, no clock (dates come from `event.at`, the engine's instant).
 */
import { and, assign, setup } from 'xstate'
import { Type } from 'typebox'
import type { CaseRequest, ClockDefinition, EventSpec, PolicyView, Preparation, ProcedureDefinition, ProcedureEvent, ReminderParams, RuleSpec, StateMeta } from './types.ts'
import { intakeChecks, intakeEvents, materialsOffChecklist } from './intake.ts'
import { NoticeItem, Reasons, SubmittedMaterials, type SubmittedMaterial } from './schemas.ts'
import { addMonthsClamped, compareDates, isIsoDate, shanghaiDate } from '../src/calendar/shanghai.ts'
import { eligibilityDate } from '../src/calendar/units.ts'

/** A checklist item, from the jurisdiction's policy (`insuranceDesignation.materials`). */
export interface ChecklistItem {
  code: string
  title: string
  titleZh: string
}

/** A value pinned from the policy in force at submission, with its source. */
export interface Pinned<T> {
  value: T
  source: string
}

/**
 * How the applicant may challenge an adverse act, told with the act. National law, the same everywhere:
 * 行政复议法 第二十条 (within 60 days of knowing of the act) and 行政诉讼法 第四十六条 (within 6 months).
 * Text of the notice given to the applicant; no clock is computed from it.
 */
export interface Remedies {
  reconsideration: { text: string; source: string }
  litigation: { text: string; source: string }
}

export const REMEDIES: Remedies = {
  reconsideration: {
    text: '对本决定不服的，可以自知道该行政行为之日起六十日内依法申请行政复议',
    source: '行政复议法 第二十条',
  },
  litigation: {
    text: '也可以自知道或者应当知道作出行政行为之日起六个月内依法提起行政诉讼',
    source: '行政诉讼法 第四十六条',
  },
}

/**
 * 第六条 [LAW✓]: 「床位100张及以上的医疗机构应设内部医保管理部门」. A national threshold written in the regulation
 * itself (DOMAIN.md §2.10), not a time limit and not varied by jurisdiction; pinned into the case with its source.
 */
export const INSURANCE_DEPARTMENT_RULE = {
  minBeds: 100,
  source: '医疗机构医疗保障定点管理暂行办法 第六条 [LAW✓]: 100 beds or more → an internal 医保 department (DOMAIN.md §2.10)',
} as const

export interface InsuranceDesignationInput {
  jurisdiction: string
  institution: Record<string, unknown>
  materials: SubmittedMaterial[]
  checklist: { items: ChecklistItem[]; source: string }
  eligibility: { operationStartedOn: string; waitingMonths: number; eligibleFrom: string; source: string }
  barMonths: Pinned<number>
  agreementTermMonths: Pinned<number>
  renewalNoticeMonths: Pinned<number>
  departmentRule: { minBeds: number; source: string }
}

type Notice = { items: { item: string; reason: string }[]; at: string }

export interface InsuranceDesignationContext {
  jurisdiction: string
  institution: Record<string, unknown>
  checklist: { items: ChecklistItem[]; source: string }
  /** Latest document per checklist item (and per item of an evaluation supplement). */
  materials: Record<string, SubmittedMaterial>
  eligibility: InsuranceDesignationInput['eligibility']
  barMonths: Pinned<number>
  agreementTermMonths: Pinned<number>
  /** How long before the term ends renewal is due (policy insuranceDesignation.renewalNoticeMonths); absent on cases created before it was kept. */
  renewalNoticeMonths?: Pinned<number>
  departmentRule: { minBeds: number; source: string }
  /** The one-time notice at intake, once sent (一次性告知). */
  supplementNotice: Notice | null
  acceptedAt: string | null
  /** Set when acceptance came from the intake limit passing, not from the clerk. */
  deemedAccepted: boolean
  /** 1: the evaluation; 2: the re-evaluation after rectification. */
  round: 1 | 2
  onsiteEvaluations: { round: number; at: string; visitedOn: string; findings: string }[]
  evaluationSupplements: (Notice & { answeredAt: string | null })[]
  specialProcedures: { kind: string; at: string; workingDaysNeeded: number; reason: string; endedAt: string | null; findings: string | null }[]
  evaluations: { round: number; at: string; passed: boolean; findings: string[] }[]
  rectification: { orderedAt: string; items: string[]; submittedAt: string | null; report: string | null } | null
  publicity: { startedAt: string; channel: string; endedAt: string | null; objections: { at: string; objection: string; verified: boolean; findings: string }[] } | null
  agreement: {
    agreementNumber: string
    signedAt: string
    startsOn: string
    /** Last day of the term: the start day + `agreementTermMonths` (民法典 第二百零一、二百零二条). */
    agreementEndsOn: string
    termMonths: number
    source: string
    /** The day renewal falls due: agreementEndsOn less renewalNoticeMonths; the engine arms a reminder (RENEWAL_DUE) for it. */
    renewalDueOn?: string | null
    renewals: { at: string; previousEndsOn: string; agreementEndsOn: string }[]
  } | null
  activation: { startedAt: string; activatedOn: string | null } | null
  /** 定点编号 and publication. */
  designation: { designationNumber: string; designatedAt: string; activatedOn: string } | null
  renewalDueSince: string | null
  suspensions: { at: string; reasons: string[]; resumedAt: string | null; findings: string | null }[]
  supervision: {
    checks: { at: string; compliant: boolean; findings: string }[]
    /** R7d: claims for 生活照护 and other non-medical elderly care, which the fund may not pay. */
    nonMedicalClaims: { at: string; claimRef: string; service: string; amountYuan: number | null; findings: string; source: string }[]
  }
  /** An adverse end before designation: reasons and the remedies told with them. */
  refusal: { stage: 'intake' | 'publicity' | 'negotiation' | 'reEvaluation' | 'rectification'; at: string; reasons: string[]; remedies: Remedies } | null
  /** A second failed evaluation bars a new application until `barredUntil` (policy `insuranceDesignation.barMonths`). */
  bar: { decidedOn: string; months: number; barredUntil: string; source: string } | null
  termination: { at: string; reasons: string[]; remedies: Remedies } | null
  withdrawal: { at: string; reason: string | null } | null
  evaluationOverdueSince: string | null
  activationOverdueSince: string | null
}

type Args = { context: InsuranceDesignationContext; event: ProcedureEvent }
const p = <T>(event: ProcedureEvent) => event.payload as T
const dayOf = (event: ProcedureEvent) => shanghaiDate(new Date(event.at))


/** Named rules, each with its source; the guards below are these checks and nothing else. */
export const insuranceDesignationRules = {
  hasAllRequiredMaterials: {
    description: 'every item of the jurisdiction checklist (insuranceDesignation.materials) has a submitted document',
    source: '医疗机构医疗保障定点管理暂行办法 第七条起 [LAW?] (materials); 行政许可法 第三十二条第一款第（五）项 by analogy; checklist: policy insuranceDesignation.materials',
    check: intakeChecks.hasAllRequiredMaterials,
  },
  insuranceDepartmentWhereRequired: {
    description: 'an institution of 100 beds or more declares an internal 医保 department (hasInsuranceDepartment)',
    source: INSURANCE_DEPARTMENT_RULE.source,
    check: ({ context }: Args) => {
      const beds = Number(context.institution.beds ?? 0)
      return beds < context.departmentRule.minBeds || context.institution.hasInsuranceDepartment === true
    },
  },
  noticeCoversEveryMissingItem: {
    description: 'the notice names only checklist items and includes every item still missing',
    source: '医疗机构医疗保障定点管理暂行办法 [LAW?]: one-time notice of everything missing (DOMAIN.md §4.4); 行政许可法 第三十二条第一款第（四）项',
    check: intakeChecks.noticeCoversEveryMissingItem,
  },
  noNoticeSentYet: {
    description: 'no one-time supplement notice has been sent at intake yet',
    source: '行政许可法 第三十二条第一款第（四）项 (一次告知); DOMAIN.md §4.4',
    check: intakeChecks.noNoticeSentYet,
  },
  resubmissionAnswersNotice: {
    description: 'the resubmitted documents are for items named in the one-time notice',
    source: '行政许可法 第三十一条 (不得要求提交与申请事项无关的材料)',
    check: intakeChecks.resubmissionAnswersNotice,
  },
  evaluationSupplementAnswersRequest: {
    description: 'the documents supplied during evaluation answer the items of the open evaluation supplement request',
    source: '医疗机构医疗保障定点管理暂行办法 [LAW?]: supplement time during evaluation is excluded (DOMAIN.md §4.4); 行政许可法 第三十一条',
    check: ({ context, event }: Args) => {
      const open = context.evaluationSupplements.at(-1)
      const asked = new Set(open && open.answeredAt === null ? open.items.map((i) => i.item) : [])
      const sent = p<{ materials: SubmittedMaterial[] }>(event).materials
      return sent.length > 0 && sent.every((m) => asked.has(m.item))
    },
  },
  onsiteEvaluationRecorded: {
    description: 'an on-site evaluation of this round (evaluation or re-evaluation) is recorded before it is passed',
    source: 'DOMAIN.md P4 (evaluation = documents + on-site); 医疗机构医疗保障定点管理暂行办法 [LAW?] (现场评估)',
    check: ({ context }: Args) => context.onsiteEvaluations.some((o) => o.round === context.round),
  },
  renewalDueRecorded: {
    description: 'renewal fell due while the agreement was suspended: lifting the suspension leads to the renewal decision',
    source: '[DESIGN] a suspension does not stop the term running (policy insuranceDesignation.agreementTermMonths); the renewal the reminder announced is still to be decided',
    check: ({ context }: Args) => context.renewalDueSince !== null,
  },
  verifiedObjectionRecorded: {
    description: 'designation is refused during publicity only on an objection found verified',
    source: '[DESIGN] 公示 exists to hear objections (DOMAIN.md §4.4, P4); a refusal must rest on a verified finding',
    check: ({ context }: Args) => context.publicity?.objections.some((o) => o.verified) ?? false,
  },
} satisfies Record<string, RuleSpec<InsuranceDesignationContext>>

const Findings = Type.String({ minLength: 2, maxLength: 4000 })
const IsoDay = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'date, YYYY-MM-DD (Asia/Shanghai)' })
const obj = (props: Parameters<typeof Type.Object>[0]) => Type.Object(props, { additionalProperties: false })
const TimerPayload = obj({ clock: Type.String(), dueOn: IsoDay })

const LAW = '医疗机构医疗保障定点管理暂行办法 (国家医疗保障局令第2号)'
const SEED_R7 = '004_6104121fb84d74b0.txt L122 (咸宁), L199 (重庆)'
const SUPERVISION = `${SEED_R7}: 「加强对协议签订和履行情况的监督检查」; 医疗保障基金使用监督管理条例 (国务院令第735号) [LAW✓]`

/** Who may send each event, with the payload it carries and the source that makes it an act of this procedure. */
export const insuranceDesignationEvents = {
  SUBMIT: {
    roles: ['applicant'],
    payload: obj({ materials: SubmittedMaterials }),
    description: 'the institution applies for designation (receipt, 已接件)',
    source: `${LAW} 第五条、第六条 [LAW✓]; ${SEED_R7}; 004_6104121fb84d74b0.txt L228 (文山)`,
    statusCode: 1,
  },
  ...intakeEvents({
    check: `${LAW} [LAW?] (acceptance, DOMAIN.md §4.4)`,
    checkDescription: 'the window clerk of the 医保经办机构 starts checking the materials',
    notice: `${LAW} [LAW?]: one-time notice within 5 working days; 行政许可法 第三十二条第一款第（四）项`,
  }),
  ACCEPT: {
    roles: ['clerk'],
    payload: obj({}),
    description: 'the materials are complete and the 医保 department rule is met: the application is accepted and the evaluation begins',
    source: `${LAW} 第六条 [LAW✓] and [LAW?] (acceptance starts the 3-month evaluation)`,
    statusCode: 3,
  },
  REFUSE_INTAKE: {
    roles: ['clerk'],
    payload: obj({ reasons: Reasons }),
    description: 'the application is not accepted (不予受理), with reasons and remedies',
    source: `${LAW} 第五条、第六条 [LAW✓]; remedies: 行政复议法 第二十条, 行政诉讼法 第四十六条`,
    statusCode: 5,
  },
  INTAKE_LIMIT_PASSED: {
    roles: ['system'],
    payload: TimerPayload,
    description: 'the intake limit passed without a decision or notice: the application is deemed accepted and the evaluation begins',
    source: '行政许可法 第三十二条第一款第（四）项 (逾期不告知的，自收到申请材料之日起即为受理), by analogy; limit: policy insuranceDesignation.intake',
    statusCode: 3,
  },
  RECORD_ONSITE_EVALUATION: {
    roles: ['officer'],
    payload: obj({ visitedOn: IsoDay, findings: Findings }),
    description: 'the evaluation panel records its on-site evaluation (现场评估) of this round',
    source: `DOMAIN.md P4 (documents + on-site); ${LAW} [LAW?]`,
  },
  REQUEST_EVALUATION_SUPPLEMENT: {
    roles: ['officer'],
    payload: obj({ items: Type.Array(NoticeItem, { minItems: 1, maxItems: 100 }) }),
    description: 'during evaluation the panel asks for further material; the evaluation limit pauses (supplement time is excluded)',
    source: `${LAW} [LAW?]: evaluation ≤3 months, 「补充材料时间不计入」 (DOMAIN.md §4.4); policy insuranceDesignation.evaluation.afterSupplement`,
    statusCode: 6,
  },
  SUBMIT_EVALUATION_SUPPLEMENT: {
    roles: ['applicant'],
    payload: obj({ materials: Type.Array(SubmittedMaterials.items, { minItems: 1, maxItems: 100 }) }),
    description: 'the applicant supplies what the panel asked for; the evaluation limit resumes',
    source: `${LAW} [LAW?] (DOMAIN.md §4.4)`,
    statusCode: 7,
  },
  BEGIN_SPECIAL_PROCEDURE: {
    roles: ['officer'],
    payload: obj({
      kind: Type.Union(['expertReview', 'hearing', 'inspection', 'testing'].map((k) => Type.Literal(k)), { description: '专家评审, 听证, 检验, 检测' }),
      workingDaysNeeded: Type.Integer({ minimum: 1, maximum: 60, description: 'how long, as told to the applicant in writing' }),
      reason: Type.String({ minLength: 2, maxLength: 1000 }),
    }),
    description: 'a special procedure (expert review, hearing, inspection, testing) begins; the applicant is told in writing how long; the evaluation limit pauses',
    source: '行政许可法 第四十五条 (所需时间不计算在期限内，应当书面告知申请人), by analogy [DESIGN]',
    statusCode: 9,
  },
  END_SPECIAL_PROCEDURE: {
    roles: ['officer'],
    payload: obj({ findings: Findings }),
    description: 'the special procedure ends with its findings; the evaluation limit resumes',
    source: '行政许可法 第四十五条, by analogy [DESIGN]',
    statusCode: 10,
  },
  EXTEND_EVALUATION_LIMIT: {
    roles: ['head'],
    payload: obj({ workingDays: Type.Integer({ minimum: 1, maximum: 60 }), reason: Type.String({ minLength: 2, maxLength: 1000 }) }),
    description: 'the head of the agency extends the evaluation limit with a reason told to the applicant (延期), only within the policy bound',
    source: `bound: policy insuranceDesignation.evaluation.extension; none nationally (${SEED_R7}: 「定点评估完成时限不得超过3个月时间」), so the engine refuses it unless a jurisdiction sets a bound [DESIGN]`,
  },
  EVALUATION_LIMIT_PASSED: {
    roles: ['system'],
    payload: TimerPayload,
    description: 'the evaluation limit passed: the case is marked overdue and escalated to the head and the supervisor',
    source: `${SEED_R7}: 「定点评估完成时限不得超过3个月时间」; policy insuranceDesignation.evaluation`,
  },
  RECORD_EVALUATION_PASSED: {
    roles: ['officer'],
    payload: obj({ findings: Findings }),
    description: 'the evaluation is passed (documents and on-site)',
    source: `${LAW} [LAW?]: pass → 公示 (DOMAIN.md §4.4)`,
  },
  RECORD_EVALUATION_FAILED: {
    roles: ['officer'],
    payload: obj({ reasons: Reasons, rectificationItems: Type.Array(Findings, { minItems: 1, maxItems: 50 }) }),
    description: 'the evaluation is failed with reasons; the institution is told what to rectify within the rectification limit',
    source: `${LAW} [LAW?]: fail → rectify within 3 months, then re-evaluate (DOMAIN.md §4.4); policy insuranceDesignation.rectification`,
  },
  SUBMIT_RECTIFICATION: {
    roles: ['applicant'],
    payload: obj({ report: Findings, materials: Type.Optional(Type.Array(SubmittedMaterials.items, { maxItems: 100 })) }),
    description: 'the institution reports its rectification and asks for re-evaluation',
    source: `${LAW} [LAW?] (DOMAIN.md §4.4)`,
  },
  RECTIFICATION_LIMIT_PASSED: {
    roles: ['system'],
    payload: TimerPayload,
    description: 'the rectification limit passed without a rectification report: the application ends (no re-evaluation, no bar)',
    source: `${LAW} [LAW?] (rectify within 3 months); ending without a bar is [DESIGN]`,
    statusCode: 13,
  },
  RECORD_REEVALUATION_PASSED: {
    roles: ['officer'],
    payload: obj({ findings: Findings }),
    description: 'the re-evaluation after rectification is passed',
    source: `${LAW} [LAW?] (DOMAIN.md §4.4)`,
  },
  RECORD_REEVALUATION_FAILED: {
    roles: ['officer'],
    payload: obj({ reasons: Reasons }),
    description: 'the re-evaluation is failed: the institution is barred from applying again until barredUntil, told with reasons and remedies',
    source: `${LAW} [LAW?]: a second failure bars a new application for 1 year (DOMAIN.md §4.4); policy insuranceDesignation.barMonths`,
    statusCode: 13,
  },
  START_PUBLICITY: {
    roles: ['officer'],
    payload: obj({ channel: Type.String({ minLength: 2, maxLength: 500, description: 'where the list is published (website, notice board)' }) }),
    description: 'the evaluation result is published for the publicity period (公示)',
    source: `${LAW} [LAW?]: pass → 公示; period: policy insuranceDesignation.publicity`,
  },
  RECORD_PUBLICITY_OBJECTION: {
    roles: ['officer'],
    payload: obj({ objection: Findings, verified: Type.Boolean(), findings: Findings }),
    description: 'an objection received during publicity is recorded with the verification finding',
    source: '[DESIGN] 公示 exists to hear objections (DOMAIN.md P4)',
  },
  PUBLICITY_PERIOD_PASSED: {
    roles: ['system'],
    payload: TimerPayload,
    description: 'the publicity period ended: the agency negotiates the agreement',
    source: `${LAW} [LAW?]; period: policy insuranceDesignation.publicity`,
  },
  REFUSE_DESIGNATION: {
    roles: ['head'],
    payload: obj({ reasons: Reasons }),
    description: 'designation is refused (a verified objection during publicity, or negotiation failed), with reasons and remedies',
    source: `${LAW} [LAW?]; remedies: 行政复议法 第二十条, 行政诉讼法 第四十六条`,
    statusCode: 13,
  },
  SIGN_AGREEMENT: {
    roles: ['head'],
    payload: obj({ agreementNumber: Type.String({ minLength: 1, maxLength: 100 }) }),
    description: 'the 医保经办机构 and the institution sign the service agreement (协议); its term runs from the signing day',
    source: `${LAW} [LAW?]: agreement by the agency at prefecture level or above, term generally 1 year; 002_062b5e3d4777b463.txt L43 (服务范围、项目、服务质量、结算办法); policy insuranceDesignation.agreementTermMonths`,
  },
  BEGIN_SYSTEM_ACTIVATION: {
    roles: ['officer'],
    payload: obj({}),
    description: 'the 医保 information system connection is being opened for the institution',
    source: `004_6104121fb84d74b0.txt L228 (文山: 「医保信息系统开通」); ${LAW} 第六条 [LAW✓] (information system interfaced to 医保)`,
  },
  DESIGNATE: {
    roles: ['officer'],
    payload: obj({ activatedOn: IsoDay }),
    description: 'the system is open: the institution is designated, given its 定点编号 and published (办结)',
    source: `${LAW} [LAW?] (designated institutions are published); 004_6104121fb84d74b0.txt L228`,
    statusCode: 11,
    allocates: 'filingNumber',
  },
  ACTIVATION_LIMIT_PASSED: {
    roles: ['system'],
    payload: TimerPayload,
    description: 'the single limit from application to agreement and system activation passed: marked overdue and escalated',
    source: '004_6104121fb84d74b0.txt L228 (文山: 「应当在30个工作日内完成医疗保险定点协议签订及医保信息系统开通」); policy insuranceDesignation.endToEnd (only where set)',
  },
  RECORD_AGREEMENT_CHECK: {
    roles: ['supervisor', 'officer'],
    payload: obj({ compliant: Type.Boolean(), findings: Findings }),
    description: 'a check of how the agreement is performed is recorded',
    source: SUPERVISION,
  },
  FLAG_NON_MEDICAL_CLAIM: {
    roles: ['supervisor', 'officer'],
    payload: obj({
      claimRef: Type.String({ minLength: 1, maxLength: 200 }),
      service: Type.String({ minLength: 2, maxLength: 500, description: 'the service claimed, e.g. 生活照护' }),
      amountYuan: Type.Optional(Type.Number({ minimum: 0 })),
      findings: Findings,
    }),
    description: 'a claim to the fund for 生活照护 or other non-medical elderly care is flagged as a supervision finding',
    source: '004_6104121fb84d74b0.txt L122: 「不得用于支付生活照护等养老服务费用」 (DOMAIN.md R7d); 医疗保障基金使用监督管理条例 [LAW✓]',
  },
  RENEWAL_DUE: {
    roles: ['system'],
    payload: TimerPayload,
    description: 'the agreement term is ending: renewal is due (fired by the reminder armed at designation and at each renewal, renewalNoticeMonths before the term ends)',
    source: `${LAW} [LAW?] (term generally 1 year); policy insuranceDesignation.agreementTermMonths, insuranceDesignation.renewalNoticeMonths`,
  },
  RENEW: {
    roles: ['head'],
    payload: obj({ findings: Findings }),
    description: 'the agreement is renewed for another term, counted from the end of the current one',
    source: `${LAW} [LAW?]; policy insuranceDesignation.agreementTermMonths`,
  },
  SUSPEND: {
    roles: ['head'],
    payload: obj({ reasons: Reasons }),
    description: 'the agreement is suspended (中止), with reasons',
    source: `${SUPERVISION}; ${LAW} [LAW?] (中止协议)`,
  },
  RESUME: {
    roles: ['head'],
    payload: obj({ findings: Findings }),
    description: 'the suspension is lifted after the findings are dealt with',
    source: `${LAW} [LAW?]`,
  },
  TERMINATE: {
    roles: ['head'],
    payload: obj({ reasons: Reasons }),
    description: 'the agreement is terminated (解除协议), with reasons and remedies',
    source: `${SUPERVISION}; ${LAW} [LAW?] (解除协议); remedies: 行政复议法 第二十条, 行政诉讼法 第四十六条`,
    statusCode: 15,
  },
  WITHDRAW: {
    roles: ['applicant'],
    payload: obj({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }),
    description: 'the applicant withdraws the application before the agreement is signed',
    source: 'DOMAIN.md P4; withdrawal before the decision, 办件 status 14 撤回 [DESIGN: the regulation names no withdrawal, the one window allows it for every application]',
    statusCode: 14,
  },
} satisfies Record<string, EventSpec>

/**
 * The procedure's clocks. Limits live in the jurisdiction's policy under each policy key (never here);
 * national defaults are in policies/000000.json with their sources.
 */
export const insuranceDesignationClocks = {
  intakeLimit: {
    name: 'intakeLimit',
    title: 'Intake decision limit',
    titleZh: '受理审查时限',
    policyKey: 'insuranceDesignation.intake',
    onExpiry: { event: 'INTAKE_LIMIT_PASSED', description: 'deemed accepted from receipt (行政许可法 第三十二条, by analogy); the evaluation begins' },
  },
  evaluationLimit: {
    name: 'evaluationLimit',
    title: 'Evaluation limit',
    titleZh: '定点评估时限',
    policyKey: 'insuranceDesignation.evaluation',
    onExpiry: { event: 'EVALUATION_LIMIT_PASSED', description: 'marked overdue and escalated to the head and the supervisor' },
    extension: { event: 'EXTEND_EVALUATION_LIMIT', description: 'by the head of the agency, only where the jurisdiction sets a bound (none nationally: 「不得超过3个月」)' },
  },
  rectificationLimit: {
    name: 'rectificationLimit',
    title: 'Rectification limit',
    titleZh: '整改期限',
    policyKey: 'insuranceDesignation.rectification',
    onExpiry: { event: 'RECTIFICATION_LIMIT_PASSED', description: 'no rectification reported: the application ends without re-evaluation' },
  },
  publicityPeriod: {
    name: 'publicityPeriod',
    title: 'Publicity period',
    titleZh: '公示期',
    policyKey: 'insuranceDesignation.publicity',
    onExpiry: { event: 'PUBLICITY_PERIOD_PASSED', description: 'the publicity ends: the agreement is negotiated' },
  },
  activationLimit: {
    name: 'activationLimit',
    title: 'Application to agreement and system activation',
    titleZh: '定点协议签订及医保信息系统开通时限',
    policyKey: 'insuranceDesignation.endToEnd',
    onExpiry: { event: 'ACTIVATION_LIMIT_PASSED', description: 'marked overdue and escalated to the head and the supervisor' },
    optional: true,
  },
} satisfies Record<string, ClockDefinition>

const activationRuns = { name: 'activationLimit', mode: 'run' } as const
const activationPausedForSupplement = { name: 'activationLimit', mode: 'pause', pauseKind: 'supplement' } as const
const intakeClocks = [{ name: 'intakeLimit', mode: 'run' }, activationRuns] as const
const evaluationClocks = [{ name: 'evaluationLimit', mode: 'run' }, activationRuns] as const
const activationOnly = [activationRuns] as const

const meta = (m: StateMeta) => m
const notify = (topic: string) => ({ type: 'notify', params: { topic: `insuranceDesignation.${topic}` } }) as const
/** Arms RENEWAL_DUE for the current term's renewal day (agreement.renewalDueOn), replacing the previous term's reminder. */
const renewalReminder = { type: 'scheduleReminder', params: { clock: 'agreementRenewal', event: 'RENEWAL_DUE', on: 'agreement.renewalDueOn' } } as const

/**
 * The day renewal falls due: `renewalNoticeMonths` (policy) before the term's last day, and not before the term
 * starts; null on a case created before the notice period was kept (no reminder is armed then).
 */
function renewalDueOn(context: InsuranceDesignationContext, startsOn: string, agreementEndsOn: string): string | null {
  if (!context.renewalNoticeMonths) return null
  const day = addMonthsClamped(agreementEndsOn, -context.renewalNoticeMonths.value)
  return day < startsOn ? startsOn : day
}
const withdraw = { WITHDRAW: { target: 'withdrawn', actions: 'recordWithdrawal' } } as const
const activationOverdue = { ACTIVATION_LIMIT_PASSED: { actions: ['recordActivationOverdue', notify('activationOverdue')] } } as const
const evaluationOverdue = { EVALUATION_LIMIT_PASSED: { actions: ['recordEvaluationOverdue', notify('evaluationOverdue')] } } as const
const extendEvaluation = { EXTEND_EVALUATION_LIMIT: { actions: { type: 'extendClock', params: { clock: 'evaluationLimit' } } } } as const

type Refusal = NonNullable<InsuranceDesignationContext['refusal']>
const refusal = (stage: Refusal['stage'], reasons: (e: ProcedureEvent) => string[]) =>
  ({ event }: { event: ProcedureEvent }): Refusal => ({ stage, at: event.at, reasons: reasons(event), remedies: REMEDIES })
const givenReasons = (e: ProcedureEvent) => p<{ reasons: string[] }>(e).reasons

export const insuranceDesignationMachine = setup({
  types: {} as { context: InsuranceDesignationContext; events: ProcedureEvent; input: InsuranceDesignationInput },
  guards: {
    hasAllRequiredMaterials: insuranceDesignationRules.hasAllRequiredMaterials.check,
    insuranceDepartmentWhereRequired: insuranceDesignationRules.insuranceDepartmentWhereRequired.check,
    noticeCoversEveryMissingItem: insuranceDesignationRules.noticeCoversEveryMissingItem.check,
    noNoticeSentYet: insuranceDesignationRules.noNoticeSentYet.check,
    resubmissionAnswersNotice: insuranceDesignationRules.resubmissionAnswersNotice.check,
    evaluationSupplementAnswersRequest: insuranceDesignationRules.evaluationSupplementAnswersRequest.check,
    onsiteEvaluationRecorded: insuranceDesignationRules.onsiteEvaluationRecorded.check,
    verifiedObjectionRecorded: insuranceDesignationRules.verifiedObjectionRecorded.check,
    renewalDueRecorded: insuranceDesignationRules.renewalDueRecorded.check,
  },
  actions: {
    recordSupplementNotice: assign({
      supplementNotice: ({ event }) => ({ items: p<{ items: Notice['items'] }>(event).items, at: event.at }),
    }),
    recordMaterials: assign({
      materials: ({ context, event }) => {
        const next = { ...context.materials }
        for (const m of p<{ materials?: SubmittedMaterial[] }>(event).materials ?? []) next[m.item] = m
        return next
      },
    }),
    recordAcceptance: assign({ acceptedAt: ({ event }) => event.at }),
    recordDeemedAcceptance: assign({ acceptedAt: ({ event }) => event.at, deemedAccepted: true }),
    recordIntakeRefusal: assign({ refusal: refusal('intake', givenReasons) }),
    recordOnsiteEvaluation: assign({
      onsiteEvaluations: ({ context, event }) => [
        ...context.onsiteEvaluations,
        { round: context.round, at: event.at, ...p<{ visitedOn: string; findings: string }>(event) },
      ],
    }),
    recordEvaluationSupplementRequest: assign({
      evaluationSupplements: ({ context, event }) => [
        ...context.evaluationSupplements,
        { items: p<{ items: Notice['items'] }>(event).items, at: event.at, answeredAt: null },
      ],
    }),
    recordEvaluationSupplementAnswer: assign({
      evaluationSupplements: ({ context, event }) =>
        context.evaluationSupplements.map((s, i, all) => (i === all.length - 1 ? { ...s, answeredAt: event.at } : s)),
    }),
    recordSpecialProcedureStart: assign({
      specialProcedures: ({ context, event }) => [
        ...context.specialProcedures,
        { ...p<{ kind: string; workingDaysNeeded: number; reason: string }>(event), at: event.at, endedAt: null, findings: null },
      ],
    }),
    recordSpecialProcedureEnd: assign({
      specialProcedures: ({ context, event }) =>
        context.specialProcedures.map((s, i, all) => (i === all.length - 1 ? { ...s, endedAt: event.at, findings: p<{ findings: string }>(event).findings } : s)),
    }),
    recordEvaluationPassed: assign({
      evaluations: ({ context, event }) => [...context.evaluations, { round: context.round, at: event.at, passed: true, findings: [p<{ findings: string }>(event).findings] }],
    }),
    recordEvaluationFailed: assign({
      evaluations: ({ context, event }) => [...context.evaluations, { round: context.round, at: event.at, passed: false, findings: givenReasons(event) }],
      rectification: ({ event }) => ({ orderedAt: event.at, items: p<{ rectificationItems: string[] }>(event).rectificationItems, submittedAt: null, report: null }),
    }),
    recordRectification: assign({
      rectification: ({ context, event }) => context.rectification && { ...context.rectification, submittedAt: event.at, report: p<{ report: string }>(event).report },
      round: 2 as const,
    }),
    recordRectificationLapsed: assign({
      refusal: refusal('rectification', (e) => [`the rectification limit passed on ${p<{ dueOn: string }>(e).dueOn} without a rectification report`]),
    }),
    recordBar: assign({
      evaluations: ({ context, event }) => [...context.evaluations, { round: context.round, at: event.at, passed: false, findings: givenReasons(event) }],
      refusal: refusal('reEvaluation', givenReasons),
      bar: ({ context, event }) => ({
        decidedOn: dayOf(event),
        months: context.barMonths.value,
        barredUntil: addMonthsClamped(dayOf(event), context.barMonths.value),
        source: context.barMonths.source,
      }),
    }),
    recordPublicityStart: assign({
      publicity: ({ event }) => ({ startedAt: event.at, channel: p<{ channel: string }>(event).channel, endedAt: null, objections: [] }),
    }),
    recordObjection: assign({
      publicity: ({ context, event }) => context.publicity && {
        ...context.publicity,
        objections: [...context.publicity.objections, { at: event.at, ...p<{ objection: string; verified: boolean; findings: string }>(event) }],
      },
    }),
    recordPublicityEnd: assign({ publicity: ({ context, event }) => context.publicity && { ...context.publicity, endedAt: event.at } }),
    recordPublicityRefusal: assign({ refusal: refusal('publicity', givenReasons) }),
    recordNegotiationRefusal: assign({ refusal: refusal('negotiation', givenReasons) }),
    recordAgreement: assign({
      agreement: ({ context, event }) => {
        const agreementEndsOn = addMonthsClamped(dayOf(event), context.agreementTermMonths.value)
        return {
          agreementNumber: p<{ agreementNumber: string }>(event).agreementNumber,
          signedAt: event.at,
          startsOn: dayOf(event),
          agreementEndsOn,
          termMonths: context.agreementTermMonths.value,
          source: context.agreementTermMonths.source,
          renewalDueOn: renewalDueOn(context, dayOf(event), agreementEndsOn),
          renewals: [],
        }
      },
    }),
    recordActivationStart: assign({ activation: ({ event }) => ({ startedAt: event.at, activatedOn: null }) }),
    recordDesignation: assign({
      activation: ({ context, event }) => ({ startedAt: context.activation?.startedAt ?? event.at, activatedOn: p<{ activatedOn: string }>(event).activatedOn }),
      designation: ({ event }) => ({
        designationNumber: event.issued?.filingNumber ?? '',
        designatedAt: event.at,
        activatedOn: p<{ activatedOn: string }>(event).activatedOn,
      }),
    }),
    recordAgreementCheck: assign({
      supervision: ({ context, event }) => ({
        ...context.supervision,
        checks: [...context.supervision.checks, { at: event.at, ...p<{ compliant: boolean; findings: string }>(event) }],
      }),
    }),
    recordNonMedicalClaim: assign({
      supervision: ({ context, event }) => {
        const { claimRef, service, amountYuan, findings } = p<{ claimRef: string; service: string; amountYuan?: number; findings: string }>(event)
        return {
          ...context.supervision,
          nonMedicalClaims: [...context.supervision.nonMedicalClaims, {
            at: event.at, claimRef, service, amountYuan: amountYuan ?? null, findings,
            source: '004_6104121fb84d74b0.txt L122: 「不得用于支付生活照护等养老服务费用」',
          }],
        }
      },
    }),
    recordRenewalDue: assign({ renewalDueSince: ({ event }) => event.at }),
    recordRenewal: assign({
      agreement: ({ context, event }) => {
        if (!context.agreement) return null
        const previousEndsOn = context.agreement.agreementEndsOn
        const agreementEndsOn = addMonthsClamped(previousEndsOn, context.agreementTermMonths.value)
        return {
          ...context.agreement,
          agreementEndsOn,
          renewalDueOn: renewalDueOn(context, previousEndsOn, agreementEndsOn),
          renewals: [...context.agreement.renewals, { at: event.at, previousEndsOn, agreementEndsOn }],
        }
      },
      renewalDueSince: null,
    }),
    recordSuspension: assign({
      suspensions: ({ context, event }) => [...context.suspensions, { at: event.at, reasons: givenReasons(event), resumedAt: null, findings: null }],
    }),
    recordResumption: assign({
      suspensions: ({ context, event }) =>
        context.suspensions.map((s, i, all) => (i === all.length - 1 ? { ...s, resumedAt: event.at, findings: p<{ findings: string }>(event).findings } : s)),
    }),
    recordTermination: assign({ termination: ({ event }) => ({ at: event.at, reasons: givenReasons(event), remedies: REMEDIES }) }),
    recordWithdrawal: assign({ withdrawal: ({ event }) => ({ at: event.at, reason: p<{ reason?: string }>(event).reason ?? null }) }),
    recordEvaluationOverdue: assign({ evaluationOverdueSince: ({ context, event }) => context.evaluationOverdueSince ?? event.at }),
    recordActivationOverdue: assign({ activationOverdueSince: ({ context, event }) => context.activationOverdueSince ?? event.at }),
    /** Asks the engine to extend the named clock by the event's working days (bounded by policy, checked there). */
    extendClock: (_: unknown, _params: { clock: string }) => {},
    /** Asks the engine to write an outbox row; the engine reads it from the returned actions. */
    notify: (_: unknown, _params: { topic: string }) => {},
    /** Asks the engine to arm a durable reminder (src/engine/reminders.ts). */
    scheduleReminder: (_: unknown, _params: ReminderParams) => {},
  },
}).createMachine({
  id: 'insuranceDesignation',
  version: '1',
  initial: 'submitted',
  context: ({ input }) => ({
    jurisdiction: input.jurisdiction,
    institution: input.institution,
    checklist: input.checklist,
    materials: Object.fromEntries(input.materials.map((m) => [m.item, m])),
    eligibility: input.eligibility,
    barMonths: input.barMonths,
    agreementTermMonths: input.agreementTermMonths,
    renewalNoticeMonths: input.renewalNoticeMonths,
    departmentRule: input.departmentRule,
    supplementNotice: null,
    acceptedAt: null,
    deemedAccepted: false,
    round: 1,
    onsiteEvaluations: [],
    evaluationSupplements: [],
    specialProcedures: [],
    evaluations: [],
    rectification: null,
    publicity: null,
    agreement: null,
    activation: null,
    designation: null,
    renewalDueSince: null,
    suspensions: [],
    supervision: { checks: [], nonMedicalClaims: [] },
    refusal: null,
    bar: null,
    termination: null,
    withdrawal: null,
    evaluationOverdueSince: null,
    activationOverdueSince: null,
  }),
  states: {
    submitted: {
      meta: meta({ label: '已接件', description: 'received by the 医保经办机构, not yet checked', source: `${LAW} [LAW?] (immediate acceptance or one-time notice)`, waitingOn: ['clerk'], clocks: intakeClocks }),
      on: {
        BEGIN_INTAKE_CHECK: { target: 'intake' },
        INTAKE_LIMIT_PASSED: { target: 'evaluation', actions: ['recordDeemedAcceptance', notify('deemedAccepted')] },
        ...activationOverdue,
        ...withdraw,
      },
    },
    intake: {
      meta: meta({ label: '受理审查', description: 'the window checks the materials and the 医保 department rule', source: `${LAW} 第六条 [LAW✓] and [LAW?] (acceptance)`, waitingOn: ['clerk'], clocks: intakeClocks }),
      on: {
        ACCEPT: {
          target: 'evaluation',
          guard: and(['hasAllRequiredMaterials', 'insuranceDepartmentWhereRequired']),
          actions: ['recordAcceptance', notify('accepted')],
        },
        REQUEST_SUPPLEMENT: {
          target: 'supplementRequested',
          guard: and(['noNoticeSentYet', 'noticeCoversEveryMissingItem']),
          actions: ['recordSupplementNotice', notify('supplementRequested')],
        },
        REFUSE_INTAKE: { target: 'notAccepted', actions: ['recordIntakeRefusal', notify('notAccepted')] },
        INTAKE_LIMIT_PASSED: { target: 'evaluation', actions: ['recordDeemedAcceptance', notify('deemedAccepted')] },
        ...activationOverdue,
        ...withdraw,
      },
    },
    supplementRequested: {
      meta: meta({
        label: '补正中', description: 'waiting for the applicant to supply the items of the one-time notice', source: '行政许可法 第三十二条第一款第（四）项', waitingOn: ['applicant'],
        clocks: [activationPausedForSupplement],
      }),
      on: {
        RESUBMIT: { target: 'intake', guard: 'resubmissionAnswersNotice', actions: 'recordMaterials' },
        ...withdraw,
      },
    },
    evaluation: {
      meta: meta({
        label: '定点评估', description: 'the panel evaluates the documents and on site, within the evaluation limit', source: `${SEED_R7}: 「定点评估完成时限不得超过3个月时间」; ${LAW} [LAW?]`,
        waitingOn: ['officer'], clocks: evaluationClocks,
      }),
      on: {
        RECORD_ONSITE_EVALUATION: { actions: 'recordOnsiteEvaluation' },
        REQUEST_EVALUATION_SUPPLEMENT: { target: 'evaluationSupplementRequested', actions: ['recordEvaluationSupplementRequest', notify('evaluationSupplementRequested')] },
        BEGIN_SPECIAL_PROCEDURE: { target: 'evaluationSpecialProcedure', actions: ['recordSpecialProcedureStart', notify('specialProcedureStarted')] },
        RECORD_EVALUATION_PASSED: { target: 'passed', guard: 'onsiteEvaluationRecorded', actions: ['recordEvaluationPassed', notify('evaluationPassed')] },
        RECORD_EVALUATION_FAILED: { target: 'rectification', actions: ['recordEvaluationFailed', notify('rectificationOrdered')] },
        ...extendEvaluation,
        ...evaluationOverdue,
        ...activationOverdue,
        ...withdraw,
      },
    },
    evaluationSupplementRequested: {
      meta: meta({
        label: '评估补充材料', description: 'waiting for material the panel asked for; supplement time is not counted', source: `${LAW} [LAW?]: supplement time excluded (DOMAIN.md §4.4)`,
        waitingOn: ['applicant'],
        clocks: [{ name: 'evaluationLimit', mode: 'pause', pauseKind: 'supplement' }, activationPausedForSupplement],
      }),
      on: {
        SUBMIT_EVALUATION_SUPPLEMENT: { target: 'evaluation', guard: 'evaluationSupplementAnswersRequest', actions: ['recordMaterials', 'recordEvaluationSupplementAnswer'] },
        ...extendEvaluation,
        ...withdraw,
      },
    },
    evaluationSpecialProcedure: {
      meta: meta({
        label: '特别程序', description: 'expert review, hearing, inspection or testing; its time is not counted (the applicant was told how long)', source: '行政许可法 第四十五条, by analogy [DESIGN]',
        waitingOn: ['officer'],
        clocks: [{ name: 'evaluationLimit', mode: 'pause', pauseKind: 'specialProcedure' }, { name: 'activationLimit', mode: 'pause', pauseKind: 'specialProcedure' }],
      }),
      on: {
        END_SPECIAL_PROCEDURE: { target: 'evaluation', actions: ['recordSpecialProcedureEnd', notify('specialProcedureEnded')] },
        ...extendEvaluation,
        ...withdraw,
      },
    },
    rectification: {
      meta: meta({
        label: '限期整改', description: 'the evaluation failed: the institution rectifies within the rectification limit, then asks for re-evaluation', source: `${LAW} [LAW?] (DOMAIN.md §4.4)`,
        waitingOn: ['applicant'],
        clocks: [{ name: 'rectificationLimit', mode: 'run' }, activationPausedForSupplement],
      }),
      on: {
        SUBMIT_RECTIFICATION: { target: 'reEvaluation', actions: ['recordRectification', 'recordMaterials', notify('rectificationSubmitted')] },
        RECTIFICATION_LIMIT_PASSED: { target: 'rectificationLapsed', actions: ['recordRectificationLapsed', notify('rectificationLapsed')] },
        ...withdraw,
      },
    },
    reEvaluation: {
      meta: meta({
        label: '重新评估', description: 'the rectified institution is evaluated again (documents and on site); a second failure bars it', source: `${LAW} [LAW?] (DOMAIN.md §4.4); the evaluation limit applies again [DESIGN]`,
        waitingOn: ['officer'], clocks: evaluationClocks,
      }),
      on: {
        RECORD_ONSITE_EVALUATION: { actions: 'recordOnsiteEvaluation' },
        RECORD_REEVALUATION_PASSED: { target: 'passed', guard: 'onsiteEvaluationRecorded', actions: ['recordEvaluationPassed', notify('evaluationPassed')] },
        RECORD_REEVALUATION_FAILED: { target: 'barred', actions: ['recordBar', notify('barred')] },
        ...extendEvaluation,
        ...evaluationOverdue,
        ...activationOverdue,
        ...withdraw,
      },
    },
    passed: {
      meta: meta({ label: '评估通过', description: 'evaluation passed; waiting for the result to be published (公示)', source: `${LAW} [LAW?]: pass → 公示`, waitingOn: ['officer'], clocks: activationOnly }),
      on: {
        START_PUBLICITY: { target: 'publicity', actions: ['recordPublicityStart', notify('publicityStarted')] },
        ...activationOverdue,
        ...withdraw,
      },
    },
    publicity: {
      meta: meta({
        label: '公示中', description: 'the result is published for the publicity period; objections are verified', source: `${LAW} [LAW?]; period: policy insuranceDesignation.publicity [DESIGN]`,
        waitingOn: ['officer'], clocks: [{ name: 'publicityPeriod', mode: 'run' }, activationRuns],
      }),
      on: {
        RECORD_PUBLICITY_OBJECTION: { actions: 'recordObjection' },
        PUBLICITY_PERIOD_PASSED: { target: 'negotiation', actions: ['recordPublicityEnd', notify('publicityEnded')] },
        REFUSE_DESIGNATION: { target: 'refused', guard: 'verifiedObjectionRecorded', actions: ['recordPublicityRefusal', notify('refused')] },
        ...activationOverdue,
        ...withdraw,
      },
    },
    negotiation: {
      meta: meta({ label: '协商谈判', description: 'the agency and the institution negotiate the service agreement', source: `${LAW} [LAW?]; 002_062b5e3d4777b463.txt L43`, waitingOn: ['head'], clocks: activationOnly }),
      on: {
        SIGN_AGREEMENT: { target: 'agreementSigned', actions: ['recordAgreement', notify('agreementSigned')] },
        REFUSE_DESIGNATION: { target: 'refused', actions: ['recordNegotiationRefusal', notify('refused')] },
        ...activationOverdue,
        ...withdraw,
      },
    },
    agreementSigned: {
      meta: meta({ label: '协议已签订', description: 'the agreement is signed; the 医保 information system is to be opened', source: '004_6104121fb84d74b0.txt L228', waitingOn: ['officer'], clocks: activationOnly }),
      on: {
        BEGIN_SYSTEM_ACTIVATION: { target: 'systemActivation', actions: 'recordActivationStart' },
        ...activationOverdue,
      },
    },
    systemActivation: {
      meta: meta({ label: '系统开通', description: 'the 医保 information system connection is being opened', source: '004_6104121fb84d74b0.txt L228 (「医保信息系统开通」)', waitingOn: ['officer'], clocks: activationOnly }),
      on: {
        DESIGNATE: { target: 'designated', actions: ['recordDesignation', renewalReminder, notify('designated')] },
        ...activationOverdue,
      },
    },
    designated: {
      meta: meta({ label: '已定点', description: 'designated and published; the agreement is performed under supervision', source: SUPERVISION }),
      initial: 'agreementActive',
      on: {
        RECORD_AGREEMENT_CHECK: { actions: ['recordAgreementCheck', notify('agreementChecked')] },
        FLAG_NON_MEDICAL_CLAIM: { actions: ['recordNonMedicalClaim', notify('nonMedicalClaimFlagged')] },
        TERMINATE: { target: '#insuranceDesignation.terminated', actions: ['recordTermination', notify('terminated')] },
      },
      states: {
        agreementActive: {
          meta: meta({ label: '协议履行中', description: 'the agreement is in force until agreementEndsOn', source: `${LAW} [LAW?] (term generally 1 year); ${SUPERVISION}`, waitingOn: ['supervisor'] }),
          on: {
            RENEWAL_DUE: { target: 'renewalDue', actions: ['recordRenewalDue', notify('renewalDue')] },
            SUSPEND: { target: 'suspended', actions: ['recordSuspension', notify('suspended')] },
          },
        },
        renewalDue: {
          meta: meta({ label: '待续签', description: 'the term is ending: the agreement is renewed or ends', source: `${LAW} [LAW?]`, waitingOn: ['head'] }),
          on: {
            RENEW: { target: 'agreementActive', actions: ['recordRenewal', renewalReminder, notify('renewed')] },
            SUSPEND: { target: 'suspended', actions: ['recordSuspension', notify('suspended')] },
          },
        },
        suspended: {
          meta: meta({ label: '协议中止', description: 'the agreement is suspended pending the findings', source: `${LAW} [LAW?] (中止协议)`, waitingOn: ['head'] }),
          on: {
            // The term runs on while suspended: a renewal falling due is recorded, and decided once the suspension lifts.
            RENEWAL_DUE: { actions: ['recordRenewalDue', notify('renewalDue')] },
            RESUME: [
              { target: 'renewalDue', guard: 'renewalDueRecorded', actions: ['recordResumption', notify('resumed')] },
              { target: 'agreementActive', actions: ['recordResumption', notify('resumed')] },
            ],
          },
        },
      },
    },
    notAccepted: { type: 'final', meta: meta({ label: '不予受理', description: 'not accepted, with reasons and remedies', source: `${LAW} 第五条、第六条; 行政复议法 第二十条; 行政诉讼法 第四十六条` }) },
    refused: { type: 'final', meta: meta({ label: '不予定点', description: 'designation refused, with reasons and remedies', source: `${LAW} [LAW?]; 行政复议法 第二十条; 行政诉讼法 第四十六条` }) },
    barred: { type: 'final', meta: meta({ label: '不予定点（限期内不得申请）', description: 'a second failed evaluation: no new application until barredUntil', source: `${LAW} [LAW?] (1-year bar); policy insuranceDesignation.barMonths` }) },
    rectificationLapsed: { type: 'final', meta: meta({ label: '整改逾期终止', description: 'the rectification limit passed without a report: the application ended', source: `${LAW} [LAW?]; ending without a bar is [DESIGN]` }) },
    terminated: { type: 'final', meta: meta({ label: '协议解除', description: 'the agreement was terminated, with reasons and remedies', source: `${SUPERVISION}; 行政复议法 第二十条; 行政诉讼法 第四十六条` }) },
    withdrawn: { type: 'final', meta: meta({ label: '已撤回', description: 'withdrawn by the applicant before the agreement was signed', source: 'DOMAIN.md P4' }) },
  },
})

/**
 * A policy value that only some jurisdictions set (e.g. Heilongjiang's list of internal units admitted, R7b,
 * 002_062b5e3d4777b463.txt L43); undefined where neither the jurisdiction nor the national default sets it.
 */
function whereSet<T>(policy: PolicyView, key: string): { value: T; source: string } | undefined {
  try {
    return policy.get<T>(key)
  } catch (e) {
    if ((e as { code?: unknown }).code === 'policy-value-missing') return undefined
    throw e
  }
}

/**
 * Applies to a medical institution, or to an elderly-care institution's internal medical unit, holding a licence or
 * filing certificate (第五条), once formal operation has lasted the jurisdiction's waiting period (第六条; 0 months in
 * Wenshan). `today` is the Asia/Shanghai date of the engine's clock; before the eligibility date the application is
 * refused naming that date.
 */
export function prepareInsuranceDesignation(request: CaseRequest, policy: PolicyView, today: string): Preparation {
  const { institution } = request
  const isMedical = institution.kind === 'medicalInstitution'
  const isInternalUnit = institution.kind === 'elderlyCareInstitution' && typeof institution.unitKind === 'string' && institution.unitKind.length > 0
  if (!isMedical && !isInternalUnit) {
    return {
      ok: false,
      detail: 'designation is for a medical institution, or the internal medical unit (unitKind) of an elderly-care institution, holding a practice licence or filing certificate',
      source: `${LAW} 第五条 [LAW✓] (「养老机构内设的医疗机构」 included); 002_062b5e3d4777b463.txt L43`,
    }
  }
  const unitKinds = whereSet<string[]>(policy, 'insuranceDesignation.internalUnitKinds')
  if (isInternalUnit && unitKinds && !unitKinds.value.includes(String(institution.unitKind))) {
    return {
      ok: false,
      detail: `an internal unit of kind ${JSON.stringify(institution.unitKind)} is not admitted to designation in ${request.jurisdiction}; admitted kinds: ${unitKinds.value.join(', ')}`,
      source: unitKinds.source,
    }
  }
  const operationStartedOn = institution.operationStartedOn
  if (!isIsoDate(operationStartedOn)) {
    return {
      ok: false,
      detail: 'the institution profile must give operationStartedOn (YYYY-MM-DD), the day formal operation (正式运营) began',
      source: `${LAW} 第六条 [LAW✓] (「正式运营至少3个月」)`,
    }
  }
  const waiting = policy.get<number>('insuranceDesignation.waitingMonths')
  const eligibleFrom = eligibilityDate(operationStartedOn, waiting.value)
  if (compareDates(today, eligibleFrom) < 0) {
    return {
      ok: false,
      detail: `may apply from ${eligibleFrom} (eligibleFrom ${eligibleFrom}): formal operation began on ${operationStartedOn} and designation may be applied for ${waiting.value} month(s) after it; today is ${today}`,
      source: waiting.source,
    }
  }
  const checklist = policy.get<ChecklistItem[]>('insuranceDesignation.materials')
  const offList = materialsOffChecklist(request.materials, checklist.value, checklist.source)
  if (offList) return offList
  const input: InsuranceDesignationInput = {
    jurisdiction: request.jurisdiction,
    institution,
    materials: request.materials,
    checklist: { items: checklist.value, source: checklist.source },
    eligibility: { operationStartedOn, waitingMonths: waiting.value, eligibleFrom, source: waiting.source },
    barMonths: policy.get<number>('insuranceDesignation.barMonths'),
    agreementTermMonths: policy.get<number>('insuranceDesignation.agreementTermMonths'),
    renewalNoticeMonths: policy.get<number>('insuranceDesignation.renewalNoticeMonths'),
    departmentRule: { ...INSURANCE_DEPARTMENT_RULE },
  }
  return { ok: true, input }
}

export const insuranceDesignation: ProcedureDefinition = {
  id: 'insuranceDesignation',
  // DOMAIN.md R7: the healthcare-security bureau (医保) designates
  department: 'healthcareSecurity',
  version: '1',
  title: 'Medical-insurance designation of a medical institution',
  titleZh: '医疗机构医疗保障定点申请',
  description:
    'Designation by the 医保经办机构: intake with one-time notice, evaluation (documents + on-site) within the evaluation limit, '
    + 'publicity, agreement, system activation and publication; rectification and re-evaluation after a failure, a bar after a second; '
    + 'then the agreement is performed under supervision (renewal, suspension, termination, non-medical claims flagged).',
  machine: insuranceDesignationMachine,
  events: insuranceDesignationEvents,
  rules: insuranceDesignationRules,
  clocks: insuranceDesignationClocks,
  creationEvent: 'SUBMIT',
  prepare: prepareInsuranceDesignation,
}
