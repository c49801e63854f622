/**
 * Elderly-care filing by a medical institution (医疗卫生机构开展养老服务 养老机构备案).
 *
 * Two ways in, chosen by the institution's profile (`elderCareVariant`):
 * - **changeRegistration** (variant A, R3): a medical institution founding an elderly-care institution. 「由原登记机关
 *   对其章程、宗旨、业务范围、经营范围等变更登记增加养老服务等内容后，县级以上民政部门做好养老机构备案工作」
 *   (004_6104121fb84d74b0.txt L108). Two acts by two authorities, recorded as two steps: the change of registration by
 *   the ORIGINAL authority (事业单位登记 / 民政 / 市场监管; usually outside this system: the officer records the amended
 *   certificate), then the filing with 民政 at county level or above.
 * - **reuseQualifications** (variant B, R4): a medical institution using its existing resources files directly,
 *   relying on the qualifications it already holds for 建设、消防、食品安全、卫生防疫 (000_0b3890313d310455.txt L12;
 *   004_6104121fb84d74b0.txt L108, L194). Which qualifications may be reused is the jurisdiction's policy: Wenshan
 *   omits 消防 (R4b, 004_6104121fb84d74b0.txt L220), so there the fire-safety evidence is a material instead.
 *
 * Both then pass the 民政 completeness check (养老机构管理办法, 民政部令第66号 [LAW✓]: complete materials → 备案回执;
 * incomplete → 「指导养老机构补正」, done here as ONE notice, 一次性告知, 行政许可法 第三十二条 by analogy), and the
 * zone-separation check 「分区管理，做到物理隔离、独立设置」 (R4c, 000_0b3890313d310455.txt L30) where the policy
 * requires it. After filing, a post-filing check [DESIGN] enrols the institution in the elderly-care 双随机、一公开
 * pool (000_0b3890313d310455.txt L29), with rectification and cancellation (DOMAIN.md R8b).
 *
 * A filing is not a licence (DOMAIN.md §4.1 note): there is no deemed filing when the limit passes, only a red mark
 * and escalation; no extension either (no law provides one for a 备案回执; see the clock below).
 * Pure data: no I/O, no timers, no clock; time limits come from the case's pinned policy.
 */
import { and, assign, not, setup } from 'xstate'
import { Type } from 'typebox'
import type { CaseRequest, ClockDefinition, EventSpec, PolicyView, Preparation, ProcedureDefinition, ProcedureEvent, RuleSpec, StateMeta } from './types.ts'
import { intakeChecks, materialsOffChecklist } from './intake.ts'
import { EmptyPayload, NoticeItem, Reasons, SubmittedMaterials, type SubmittedMaterial } from './schemas.ts'
import type { ChecklistItem } from './clinicFiling.ts'
import { INSPECTION_TEAM_SOURCE, InspectorIds, resultByDrawnInspector, scheduledTeam } from './inspectionTeam.ts'

/** The two ways a medical institution comes to elderly care (DOMAIN.md P3). */
export const ELDER_CARE_VARIANTS = ['changeRegistration', 'reuseQualifications'] as const
export type ElderCareVariant = (typeof ELDER_CARE_VARIANTS)[number]

/** The conditions R4 lets a medical institution meet with qualifications it already holds: 建设、消防、食品安全、卫生防疫. */
export const QUALIFICATIONS = ['construction', 'fireSafety', 'foodSafety', 'epidemicPrevention'] as const
export type Qualification = (typeof QUALIFICATIONS)[number]

/** The original registration authority of the institution (R3 「原登记机关」). */
export const REGISTRATION_AUTHORITIES = ['publicInstitutionRegistration', 'civilAffairs', 'marketRegulation'] as const
export type RegistrationAuthority = (typeof REGISTRATION_AUTHORITIES)[number]

/** A remedy told to the applicant with an adverse decision; the period comes from the policy (never a literal here). */
export interface Remedy {
  remedy: 'administrativeReconsideration' | 'administrativeLitigation'
  titleZh: string
  period: { amount: number; unit: string } | null
  source: string
}

type Pinned<T> = { value: T; source: string }

export interface ElderCareFilingInput {
  jurisdiction: string
  institution: Record<string, unknown>
  materials: SubmittedMaterial[]
  variant: Pinned<ElderCareVariant>
  /** Variant B: the qualifications the institution relies on, checked against the jurisdiction's list. */
  reusedQualifications: Pinned<Qualification[]> | null
  /** The checklist pinned from the policy in force at submission, with its sources. */
  checklist: { items: ChecklistItem[]; source: string }
  zoneSeparationRequired: Pinned<boolean>
  requiresSafetyAssurance: Pinned<boolean>
  filingAuthority: Pinned<string>
  remedies: Remedy[]
}

type NoticeLine = { item: string; reason: string }

export interface ElderCareFilingContext {
  jurisdiction: string
  institution: Record<string, unknown>
  variant: Pinned<ElderCareVariant>
  reusedQualifications: Pinned<Qualification[]> | null
  checklist: { items: ChecklistItem[]; source: string }
  zoneSeparationRequired: Pinned<boolean>
  requiresSafetyAssurance: Pinned<boolean>
  filingAuthority: Pinned<string>
  remedies: Remedy[]
  /** Latest document per checklist item. */
  materials: Record<string, SubmittedMaterial>
  /** Variant A, step 1: the window sent the applicant to its original registration authority. */
  changeRegistration: { referredAt: string; authority: RegistrationAuthority } | null
  /** Variant A, step 1 done: the amended registration certificate as the officer recorded it. */
  amendedRegistration: {
    authority: RegistrationAuthority; certificateNumber: string; issuedOn: string; amendedScope: string | null; recordedAt: string; recordedBy: string
  } | null
  /** The one-time supplement notice of the completeness check (一次性告知), once sent. */
  supplementNotice: { items: NoticeLine[]; at: string } | null
  /** The guidance the applicant is answering now (completeness notice or zone-separation findings). */
  guidance: { kind: 'completeness' | 'zoneSeparation'; items: NoticeLine[]; findings: string[]; at: string } | null
  completeAt: string | null
  zoneChecks: { at: string; method: 'documents' | 'onSite'; passed: boolean; findings: string }[]
  /** Outcome of the zone-separation check since the materials were last confirmed complete. */
  zoneCheckOutcome: 'passed' | 'failed' | null
  siteInspection: { plannedOn: string; workingDaysNeeded: number; at: string } | null
  filing: {
    filingNumber: string; filedAt: string
    /** 备案回执 */
    receipt: { institutionName: string; serviceScope: string; elderCareBeds: number; authority: string }
  } | null
  refusal: { at: string; reasons: string[]; remedies: Remedy[] } | null
  inspections: { at: string; event: string; kind: 'postFilingCheck' | 'supervision'; detail: string }[]
  /** The inspectors a 双随机 draw picked for the open inspection (machines/inspectionTeam.ts). */
  inspectionTeam?: readonly string[] | null
  supervisionPoolEnteredAt: string | null
  rectification: { orderedAt: string; findings: string[]; dueBy: string } | null
  cancellation: { at: string; reasons: string[]; remedies: Remedy[] } | null
  withdrawal: { at: string; reason: string | null } | null
  abandonment: { at: string; reasons: string[] } | null
  overdueSince: string | null
}

type Args = { context: ElderCareFilingContext; event: ProcedureEvent }
const p = <T>(event: ProcedureEvent) => event.payload as T


/** The Asia/Shanghai calendar day of an event instant (UTC+8, no daylight saving). */
function shanghaiDay(at: string): string {
  return new Date(Date.parse(at) + 8 * 3_600_000).toISOString().slice(0, 10)
}

const R3 = '004_6104121fb84d74b0.txt L108 (R3: 「由原登记机关…变更登记增加养老服务等内容后，县级以上民政部门做好养老机构备案工作」)'
const R4 = '000_0b3890313d310455.txt L12; 004_6104121fb84d74b0.txt L108, L194 (R4: 直接进行登记备案)'
const R4C = '000_0b3890313d310455.txt L30 (R4c: 「分区管理，做到物理隔离、独立设置」)'
const GUIDANCE = '养老机构管理办法 (民政部令第66号) [LAW✓, article LAW?]: 「指导养老机构补正」; 行政许可法 第三十二条第一款第（四）项 by analogy (一次告知)'
const FILING = '养老机构管理办法 (民政部令第66号) [LAW✓, article LAW?]: complete materials → 备案回执; ' + R3
const SUPERVISION = '000_0b3890313d310455.txt L29 (医疗卫生机构开展养老服务纳入养老机构“双随机、一公开”监督抽查范围); DOMAIN.md R8b'
const POST_FILING = '[DESIGN] post-filing check (DOMAIN.md P3); 养老机构管理办法 on-site check of a filed institution [LAW?]'
const REMEDIES = '行政复议法 第二十条 (六十日); 行政诉讼法 第四十六条 (六个月)'

/** Named rules, each with its source; the guards below are these checks and nothing else. */
export const elderCareFilingRules = {
  isChangeRegistrationVariant: {
    description: 'the institution founds an elderly-care institution: the change of registration by the original authority comes first (variant A)',
    source: R3,
    check: ({ context }: Args) => context.variant.value === 'changeRegistration',
  },
  isDirectFilingVariant: {
    description: 'the institution files directly, reusing its existing qualifications (variant B)',
    source: R4,
    check: ({ context }: Args) => context.variant.value === 'reuseQualifications',
  },
  recordedByOriginalAuthority: {
    description: 'the amended certificate was issued by the original registration authority the applicant was referred to',
    source: R3,
    check: ({ context, event }: Args) => p<{ authority: string }>(event).authority === context.changeRegistration?.authority,
  },
  amendmentAlreadyIssued: {
    description: 'the amended registration certificate is dated on or before the day it is recorded',
    source: R3 + ' (the filing follows the change of registration: 「变更登记…后」)',
    check: ({ event }: Args) => p<{ issuedOn: string }>(event).issuedOn <= shanghaiDay(event.at),
  },
  changeRegistrationDone: {
    description: 'variant A: the amended registration is recorded before the filing is checked (the two steps in order)',
    source: R3,
    check: ({ context }: Args) => context.variant.value !== 'changeRegistration' || context.amendedRegistration !== null,
  },
  hasAllRequiredMaterials: {
    description: 'every item of the pinned checklist has a submitted document',
    source: '养老机构管理办法 (民政部令第66号) [LAW✓]: 备案申请书、登记证书、承诺书; checklist: policy elderCareFiling.materials (+ elderCareFiling.directMaterials for variant B)',
    check: intakeChecks.hasAllRequiredMaterials,
  },
  noNoticeSentYet: {
    description: 'no one-time supplement notice has been sent for this filing yet',
    source: '行政许可法 第三十二条第一款第（四）项 (一次告知) by analogy',
    check: intakeChecks.noNoticeSentYet,
  },
  noticeCoversEveryMissingItem: {
    description: 'the notice names only checklist items and includes every item still missing',
    source: '行政许可法 第三十二条第一款第（四）项 (一次告知需要补正的全部内容) by analogy; ' + GUIDANCE,
    check: intakeChecks.noticeCoversEveryMissingItem,
  },
  guidanceNamesChecklistItems: {
    description: 'the zone-separation guidance asks only for checklist items',
    source: '行政许可法 第三十一条 (不得要求提交与申请事项无关的材料) by analogy',
    check: ({ context, event }: Args) => {
      const known = new Set(context.checklist.items.map((i) => i.code))
      return p<{ items: { item: string }[] }>(event).items.every((i) => known.has(i.item))
    },
  },
  resubmissionAnswersGuidance: {
    description: 'the resubmitted documents are for items named in the guidance being answered',
    source: '行政许可法 第三十一条 (不得要求提交与申请事项无关的材料) by analogy; ' + GUIDANCE,
    check: ({ context, event }: Args) => {
      const asked = new Set(context.guidance?.items.map((i) => i.item) ?? [])
      const sent = p<{ materials: SubmittedMaterial[] }>(event).materials
      return sent.length > 0 && sent.every((m) => asked.has(m.item))
    },
  },
  zoneSeparationSatisfied: {
    description: 'zone separation is not required by the policy, or the latest check found it in place',
    source: R4C + '; policy elderCareFiling.zoneSeparationRequired',
    check: ({ context }: Args) => !context.zoneSeparationRequired.value || context.zoneCheckOutcome === 'passed',
  },
  zoneSeparationFailed: {
    description: 'the latest zone-separation check found the elderly-care area not separated from the medical area',
    source: R4C,
    check: ({ context }: Args) => context.zoneCheckOutcome === 'failed',
  },
  inSupervisionPool: {
    description: 'the institution is already in the elderly-care 双随机 pool',
    source: SUPERVISION,
    check: ({ context }: Args) => context.supervisionPoolEnteredAt !== null,
  },
  resultByDrawnInspector: {
    description: 'the result of a drawn inspection is recorded by one of the inspectors the draw picked',
    source: INSPECTION_TEAM_SOURCE,
    check: resultByDrawnInspector,
  },
} satisfies Record<string, RuleSpec<ElderCareFilingContext>>

const Findings = Type.String({ minLength: 2, maxLength: 4000 })
const IsoDay = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'date, YYYY-MM-DD (Asia/Shanghai)' })
const obj = (props: Parameters<typeof Type.Object>[0]) => Type.Object(props, { additionalProperties: false })
const Authority = Type.Union(REGISTRATION_AUTHORITIES.map((a) => Type.Literal(a)), {
  description: '原登记机关: publicInstitutionRegistration 事业单位登记管理机关, civilAffairs 民政 (社会服务机构), marketRegulation 市场监管',
})
const ExpiryPayload = obj({ clock: Type.String(), dueOn: IsoDay })

/** Who may send each event, with the payload it carries and the source that makes it an act of this procedure. */
export const elderCareFilingEvents = {
  SUBMIT: {
    roles: ['applicant'],
    payload: obj({ materials: SubmittedMaterials }),
    description: 'the medical institution applies to file its elderly-care services (receipt, 已接件)',
    source: R3 + '; ' + R4,
    statusCode: 1,
  },
  REFER_FOR_CHANGE_REGISTRATION: {
    roles: ['clerk'],
    payload: obj({ authority: Authority }),
    description: 'variant A: the window tells the applicant that its original registration authority must first amend the registration to add elderly-care services',
    source: R3,
  },
  RECORD_AMENDED_REGISTRATION: {
    roles: ['officer'],
    payload: obj({
      authority: Authority,
      certificateNumber: Type.String({ minLength: 2, maxLength: 100 }),
      issuedOn: IsoDay,
      amendedScope: Type.Optional(Type.String({ minLength: 2, maxLength: 1000, description: '变更后的业务范围/经营范围 (adds 养老服务)' })),
      documentRef: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'the amended certificate, kept as the registrationCertificate material' })),
    }),
    description: 'variant A, step 1 done: the officer records the amended registration certificate (the change may have been made outside this system); the 民政 filing starts',
    source: R3,
    statusCode: 8,
  },
  BEGIN_COMPLETENESS_CHECK: {
    roles: ['clerk'],
    payload: EmptyPayload,
    description: 'variant B: 民政 starts checking the direct filing (部门开始办理)',
    source: R4 + '; ' + FILING,
    statusCode: 8,
  },
  REQUEST_SUPPLEMENT: {
    roles: ['clerk', 'officer'],
    payload: obj({ items: Type.Array(NoticeItem, { minItems: 1, maxItems: 100 }) }),
    description: 'one notice listing every missing or defective item at once (指导补正, 一次性告知)',
    source: GUIDANCE,
    statusCode: 6,
  },
  RESUBMIT: {
    roles: ['applicant'],
    payload: obj({ materials: Type.Array(SubmittedMaterials.items, { minItems: 1, maxItems: 100 }) }),
    description: 'the applicant supplies what the guidance asked for',
    source: GUIDANCE,
    statusCode: 7,
  },
  CONFIRM_COMPLETE: {
    roles: ['clerk', 'officer'],
    payload: EmptyPayload,
    description: 'the materials are complete; the zone-separation check follows',
    source: FILING,
    statusCode: 3,
  },
  RECORD_ZONE_SEPARATION_CHECK: {
    roles: ['officer'],
    payload: obj({ passed: Type.Boolean(), findings: Findings }),
    description: 'the officer records a documentary zone-separation check (floor plan, layout)',
    source: R4C,
  },
  SCHEDULE_SITE_INSPECTION: {
    roles: ['officer'],
    payload: obj({ plannedOn: IsoDay, workingDaysNeeded: Type.Integer({ minimum: 1, maximum: 60 }) }),
    description: 'an on-site check of the zone separation is arranged; the applicant is told in writing how long it takes (time not counted)',
    source: R4C + '; 行政许可法 第四十五条 by analogy (检验、检测 time is not counted; told in writing)',
    statusCode: 9,
  },
  RECORD_SITE_INSPECTION: {
    roles: ['officer'],
    payload: obj({ passed: Type.Boolean(), findings: Findings }),
    description: 'the officer records the on-site zone-separation check',
    source: R4C,
    statusCode: 10,
  },
  GUIDE_ZONE_SEPARATION: {
    roles: ['officer'],
    payload: obj({
      findings: Type.Array(Findings, { minItems: 1, maxItems: 50 }),
      items: Type.Array(NoticeItem, { minItems: 1, maxItems: 100 }),
    }),
    description: 'the zone separation failed: the applicant is guided to rectify and resubmit the named items, with the findings',
    source: R4C + '; ' + GUIDANCE,
    statusCode: 6,
  },
  REFUSE_FILING: {
    roles: ['head'],
    payload: obj({ reasons: Reasons }),
    description: 'the filing is refused on the failed zone separation, with reasons and the remedies (办结不通过)',
    source: R4C + '; remedies: ' + REMEDIES,
    statusCode: 13,
  },
  FILE: {
    roles: ['officer'],
    payload: obj({
      serviceScope: Type.String({ minLength: 2, maxLength: 500, description: '养老服务内容' }),
      elderCareBeds: Type.Integer({ minimum: 0, maximum: 100000, description: '养老床位数量' }),
    }),
    description: 'the filing is recorded and the 备案回执 issued with a filing number (办结)',
    source: FILING,
    statusCode: 11,
    allocates: 'filingNumber',
  },
  BEGIN_POST_FILING_CHECK: {
    roles: ['officer', 'supervisor'],
    payload: obj({ plannedOn: IsoDay }),
    description: 'the post-filing check of the filed institution is started',
    source: POST_FILING,
  },
  SCHEDULE_INSPECTION: {
    roles: ['supervisor', 'officer'],
    payload: obj({ plannedOn: IsoDay, drawId: Type.Optional(Type.String({ maxLength: 100 })), inspectors: Type.Optional(InspectorIds) }),
    description: 'a supervision inspection is scheduled (双随机 draw, naming the draw and its inspectors, or targeted)',
    source: SUPERVISION,
  },
  RECORD_INSPECTION_PASSED: {
    roles: ['supervisor', 'officer'],
    payload: obj({ findings: Findings }),
    description: 'the post-filing check or a 双随机 inspection found the institution compliant (after the post-filing check it enters the supervision pool)',
    source: POST_FILING + '; ' + SUPERVISION,
  },
  RECORD_INSPECTION_FAILED: {
    roles: ['supervisor', 'officer'],
    payload: obj({ findings: Type.Array(Findings, { minItems: 1, maxItems: 50 }), rectifyBy: IsoDay }),
    description: 'the post-filing check or an inspection found defects: rectification is ordered by a date',
    source: POST_FILING + '; ' + SUPERVISION,
  },
  CONFIRM_RECTIFIED: {
    roles: ['supervisor', 'officer'],
    payload: obj({ findings: Findings }),
    description: 'the rectification is verified; the institution is (or stays) under supervision',
    source: SUPERVISION,
  },
  CANCEL_FILING: {
    roles: ['head'],
    payload: obj({ reasons: Reasons }),
    description: 'the filing is cancelled after failed rectification, by the head of the department, with reasons and the remedies (撤销)',
    source: 'DOMAIN.md R8b; 行政许可法 第六十九条 (撤销) by analogy; remedies: ' + REMEDIES,
    statusCode: 15,
  },
  COMPLETENESS_LIMIT_PASSED: {
    roles: ['system'],
    payload: ExpiryPayload,
    description: 'the limit for issuing the 备案回执 or the guidance passed: the case is marked overdue and escalated (no deemed filing)',
    source: 'policy elderCareFiling.completeness [DESIGN, DOMAIN.md P3]; a filing is not a licence (DOMAIN.md §4.1 note)',
  },
  RECORD_ABANDONMENT: {
    roles: ['officer', 'clerk'],
    payload: obj({ reasons: Reasons }),
    description: 'the applicant gave up (the change of registration was dropped, or the guidance is not answered): the case is closed (已撤件)',
    source: 'DOMAIN.md P3 (abandoned if the applicant gives up) [DESIGN]',
    statusCode: 2,
  },
  WITHDRAW: {
    roles: ['applicant'],
    payload: obj({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }),
    description: 'the applicant withdraws the filing before it is recorded',
    source: '行政许可法 第三十二条 (an application may be withdrawn before decision) by analogy; DOMAIN.md P3',
    statusCode: 14,
  },
} satisfies Record<string, EventSpec>

/**
 * The procedure's clock. The limit lives in the jurisdiction's policy (`elderCareFiling.completeness`), never here.
 * It runs while the case is with the window or 民政 (receipt, completeness check, zone-separation check), pauses for
 * an on-site check (第四十五条 by analogy), and stops while the applicant answers guidance (养老机构管理办法 sets no
 * time for 补正; the count starts afresh from the resubmission). It does NOT run while variant A waits for the
 * change of registration: that is another authority's act (R3 「由原登记机关…变更登记」), outside 民政's control,
 * so the limit opens afresh when the amended certificate is recorded. No extension event: no law provides one for
 * the 备案回执 (第四十二条 binds licences only, DOMAIN.md §4.1 note); a jurisdiction wanting one needs
 * `elderCareFiling.completeness.extension` in its policy and an EXTEND event here.
 */
export const elderCareFilingClocks = {
  completenessLimit: {
    name: 'completenessLimit',
    title: 'Filing receipt limit',
    titleZh: '备案回执办理时限',
    policyKey: 'elderCareFiling.completeness',
    onExpiry: { event: 'COMPLETENESS_LIMIT_PASSED', description: 'marked overdue (red) and escalated to the head and the supervisor; no deemed filing' },
  },
} satisfies Record<string, ClockDefinition>

const completenessRuns = [{ name: 'completenessLimit', mode: 'run' }] as const
const meta = (m: StateMeta) => m
const notify = (topic: string) => ({ type: 'notify', params: { topic } }) as const
const overdue = { actions: ['recordOverdue', notify('elderCareFiling.completenessOverdue')] } as const
const withdraw = { target: 'withdrawn', actions: ['recordWithdrawal', notify('elderCareFiling.withdrawn')] } as const
const abandon = { target: 'abandoned', actions: ['recordAbandonment', notify('elderCareFiling.abandoned')] } as const

export const elderCareFilingMachine = setup({
  types: {} as { context: ElderCareFilingContext; events: ProcedureEvent; input: ElderCareFilingInput },
  guards: {
    isChangeRegistrationVariant: elderCareFilingRules.isChangeRegistrationVariant.check,
    isDirectFilingVariant: elderCareFilingRules.isDirectFilingVariant.check,
    recordedByOriginalAuthority: elderCareFilingRules.recordedByOriginalAuthority.check,
    amendmentAlreadyIssued: elderCareFilingRules.amendmentAlreadyIssued.check,
    changeRegistrationDone: elderCareFilingRules.changeRegistrationDone.check,
    hasAllRequiredMaterials: elderCareFilingRules.hasAllRequiredMaterials.check,
    noNoticeSentYet: elderCareFilingRules.noNoticeSentYet.check,
    noticeCoversEveryMissingItem: elderCareFilingRules.noticeCoversEveryMissingItem.check,
    guidanceNamesChecklistItems: elderCareFilingRules.guidanceNamesChecklistItems.check,
    resubmissionAnswersGuidance: elderCareFilingRules.resubmissionAnswersGuidance.check,
    zoneSeparationSatisfied: elderCareFilingRules.zoneSeparationSatisfied.check,
    zoneSeparationFailed: elderCareFilingRules.zoneSeparationFailed.check,
    inSupervisionPool: elderCareFilingRules.inSupervisionPool.check,
    resultByDrawnInspector: elderCareFilingRules.resultByDrawnInspector.check,
  },
  actions: {
    recordReferral: assign({
      changeRegistration: ({ event }) => ({ referredAt: event.at, authority: p<{ authority: RegistrationAuthority }>(event).authority }),
    }),
    recordAmendedRegistration: assign(({ context, event }) => {
      const e = p<{ authority: RegistrationAuthority; certificateNumber: string; issuedOn: string; amendedScope?: string; documentRef?: string }>(event)
      const materials = e.documentRef
        ? { ...context.materials, registrationCertificate: { item: 'registrationCertificate', documentRef: e.documentRef, title: `登记证书 ${e.certificateNumber}` } }
        : context.materials
      return {
        materials,
        amendedRegistration: {
          authority: e.authority, certificateNumber: e.certificateNumber, issuedOn: e.issuedOn, amendedScope: e.amendedScope ?? null,
          recordedAt: event.at, recordedBy: event.actor.id,
        },
      }
    }),
    recordSupplementNotice: assign(({ event }) => {
      const items = p<{ items: NoticeLine[] }>(event).items
      return { supplementNotice: { items, at: event.at }, guidance: { kind: 'completeness' as const, items, findings: [], at: event.at } }
    }),
    recordZoneGuidance: assign({
      guidance: ({ event }) => {
        const { items, findings } = p<{ items: NoticeLine[]; findings: string[] }>(event)
        return { kind: 'zoneSeparation' as const, items, findings, at: event.at }
      },
    }),
    recordResubmission: assign({
      materials: ({ context, event }) => {
        const next = { ...context.materials }
        for (const m of p<{ materials: SubmittedMaterial[] }>(event).materials) next[m.item] = m
        return next
      },
      guidance: null,
    }),
    recordComplete: assign({ completeAt: ({ event }) => event.at, zoneCheckOutcome: null }),
    recordZoneCheck: assign(({ context, event }) => {
      const { passed, findings } = p<{ passed: boolean; findings: string }>(event)
      const method = event.type === 'RECORD_SITE_INSPECTION' ? 'onSite' as const : 'documents' as const
      return {
        zoneChecks: [...context.zoneChecks, { at: event.at, method, passed, findings }],
        zoneCheckOutcome: passed ? 'passed' as const : 'failed' as const,
      }
    }),
    recordSiteInspection: assign({
      siteInspection: ({ event }) => ({ ...p<{ plannedOn: string; workingDaysNeeded: number }>(event), at: event.at }),
    }),
    recordRefusal: assign({
      refusal: ({ context, event }) => ({ at: event.at, reasons: p<{ reasons: string[] }>(event).reasons, remedies: context.remedies }),
    }),
    recordFiling: assign({
      filing: ({ context, event }) => {
        const { serviceScope, elderCareBeds } = p<{ serviceScope: string; elderCareBeds: number }>(event)
        return {
          filingNumber: event.issued?.filingNumber ?? '',
          filedAt: event.at,
          receipt: { institutionName: String(context.institution.name ?? ''), serviceScope, elderCareBeds, authority: context.filingAuthority.value },
        }
      },
    }),
    recordPostFilingCheck: assign({
      inspections: ({ context, event }) => [...context.inspections, { at: event.at, event: event.type, kind: 'postFilingCheck' as const, detail: JSON.stringify(event.payload) }],
    }),
    recordInspection: assign({
      inspections: ({ context, event }) => [...context.inspections, { at: event.at, event: event.type, kind: 'supervision' as const, detail: JSON.stringify(event.payload) }],
      // A schedule names the team (or none, when targeted); a result closes the inspection and its team.
      inspectionTeam: ({ event }) => (event.type === 'SCHEDULE_INSPECTION' ? scheduledTeam(event) : null),
    }),
    enterSupervisionPool: assign({ supervisionPoolEnteredAt: ({ context, event }) => context.supervisionPoolEnteredAt ?? event.at }),
    recordRectificationOrder: assign({
      rectification: ({ event }) => {
        const { findings, rectifyBy } = p<{ findings: string[]; rectifyBy: string }>(event)
        return { orderedAt: event.at, findings, dueBy: rectifyBy }
      },
    }),
    recordCancellation: assign({
      cancellation: ({ context, event }) => ({ at: event.at, reasons: p<{ reasons: string[] }>(event).reasons, remedies: context.remedies }),
    }),
    recordWithdrawal: assign({ withdrawal: ({ event }) => ({ at: event.at, reason: p<{ reason?: string }>(event).reason ?? null }) }),
    recordAbandonment: assign({ abandonment: ({ event }) => ({ at: event.at, reasons: p<{ reasons: string[] }>(event).reasons }) }),
    recordOverdue: assign({ overdueSince: ({ context, event }) => context.overdueSince ?? event.at }),
    /** Asks the engine to write an outbox row; the engine reads it from the returned actions. */
    notify: (_: unknown, _params: { topic: string }) => {},
  },
}).createMachine({
  id: 'elderCareFiling',
  version: '1',
  initial: 'submitted',
  context: ({ input }) => ({
    jurisdiction: input.jurisdiction,
    institution: input.institution,
    variant: input.variant,
    reusedQualifications: input.reusedQualifications,
    checklist: input.checklist,
    zoneSeparationRequired: input.zoneSeparationRequired,
    requiresSafetyAssurance: input.requiresSafetyAssurance,
    filingAuthority: input.filingAuthority,
    remedies: input.remedies,
    materials: Object.fromEntries(input.materials.map((m) => [m.item, m])),
    changeRegistration: null,
    amendedRegistration: null,
    supplementNotice: null,
    guidance: null,
    completeAt: null,
    zoneChecks: [],
    zoneCheckOutcome: null,
    siteInspection: null,
    filing: null,
    refusal: null,
    inspections: [],
    inspectionTeam: null,
    supervisionPoolEnteredAt: null,
    rectification: null,
    cancellation: null,
    withdrawal: null,
    abandonment: null,
    overdueSince: null,
  }),
  states: {
    submitted: {
      meta: meta({
        label: '已接件', description: 'received at the window; variant A is referred to the original registration authority, variant B goes to the completeness check',
        source: R3 + '; ' + R4, waitingOn: ['clerk'], clocks: completenessRuns,
      }),
      on: {
        REFER_FOR_CHANGE_REGISTRATION: {
          target: 'changeRegistrationPending', guard: 'isChangeRegistrationVariant',
          actions: ['recordReferral', notify('elderCareFiling.referredForChangeRegistration')],
        },
        BEGIN_COMPLETENESS_CHECK: { target: 'completenessCheck', guard: 'isDirectFilingVariant' },
        COMPLETENESS_LIMIT_PASSED: overdue,
        WITHDRAW: withdraw,
      },
    },
    changeRegistrationPending: {
      meta: meta({
        label: '待原登记机关变更登记',
        description: 'variant A: waiting for the original registration authority to amend the registration (another authority\'s act: no 民政 clock runs)',
        source: R3, waitingOn: ['applicant', 'officer'],
      }),
      on: {
        RECORD_AMENDED_REGISTRATION: {
          target: 'completenessCheck', guard: and(['recordedByOriginalAuthority', 'amendmentAlreadyIssued']),
          actions: ['recordAmendedRegistration', notify('elderCareFiling.amendedRegistrationRecorded')],
        },
        RECORD_ABANDONMENT: abandon,
        WITHDRAW: withdraw,
      },
    },
    completenessCheck: {
      meta: meta({ label: '备案材料核对', description: '民政 checks the materials against the pinned checklist', source: FILING, waitingOn: ['clerk', 'officer'], clocks: completenessRuns }),
      on: {
        CONFIRM_COMPLETE: {
          target: 'zoneSeparationCheck', guard: and(['changeRegistrationDone', 'hasAllRequiredMaterials']),
          actions: ['recordComplete', notify('elderCareFiling.materialsComplete')],
        },
        REQUEST_SUPPLEMENT: {
          target: 'supplementGuidance', guard: and(['noNoticeSentYet', 'noticeCoversEveryMissingItem']),
          actions: ['recordSupplementNotice', notify('elderCareFiling.supplementGuidance')],
        },
        COMPLETENESS_LIMIT_PASSED: overdue,
        WITHDRAW: withdraw,
      },
    },
    supplementGuidance: {
      meta: meta({
        label: '指导补正', description: 'waiting for the applicant to answer the guidance (the one-time notice, or the zone-separation findings); the limit is stopped',
        source: GUIDANCE, waitingOn: ['applicant'],
      }),
      on: {
        RESUBMIT: { target: 'completenessCheck', guard: 'resubmissionAnswersGuidance', actions: 'recordResubmission' },
        RECORD_ABANDONMENT: abandon,
        WITHDRAW: withdraw,
      },
    },
    zoneSeparationCheck: {
      meta: meta({
        label: '分区隔离核查', description: 'the elderly-care area must be managed apart from the medical area: physically separated and independently set up',
        source: R4C, waitingOn: ['officer', 'head'], clocks: completenessRuns,
      }),
      on: {
        RECORD_ZONE_SEPARATION_CHECK: { actions: 'recordZoneCheck' },
        SCHEDULE_SITE_INSPECTION: { target: 'zoneSiteInspection', actions: ['recordSiteInspection', notify('elderCareFiling.siteInspectionScheduled')] },
        FILE: {
          target: 'filed', guard: 'zoneSeparationSatisfied',
          actions: ['recordFiling', notify('elderCareFiling.filed')],
        },
        GUIDE_ZONE_SEPARATION: {
          target: 'supplementGuidance', guard: and(['zoneSeparationFailed', 'guidanceNamesChecklistItems']),
          actions: ['recordZoneGuidance', notify('elderCareFiling.zoneSeparationGuidance')],
        },
        REFUSE_FILING: { target: 'refused', guard: 'zoneSeparationFailed', actions: ['recordRefusal', notify('elderCareFiling.refused')] },
        COMPLETENESS_LIMIT_PASSED: overdue,
        WITHDRAW: withdraw,
      },
    },
    zoneSiteInspection: {
      meta: meta({
        label: '现场核查', description: 'on-site check of the zone separation (特别程序: time not counted)',
        source: R4C + '; 行政许可法 第四十五条 by analogy', waitingOn: ['officer'],
        clocks: [{ name: 'completenessLimit', mode: 'pause', pauseKind: 'specialProcedure' }],
      }),
      on: {
        RECORD_SITE_INSPECTION: { target: 'zoneSeparationCheck', actions: 'recordZoneCheck' },
        WITHDRAW: withdraw,
      },
    },
    filed: {
      meta: meta({ outcome: 'approved', label: '已备案', description: 'filed: the 备案回执 is issued; the post-filing check is due', source: FILING, waitingOn: ['officer', 'supervisor'] }),
      on: {
        BEGIN_POST_FILING_CHECK: { target: 'postFilingCheck', actions: 'recordPostFilingCheck' },
      },
    },
    postFilingCheck: {
      meta: meta({ label: '备案后核查', description: 'the filed institution is checked; passing enrols it in the elderly-care 双随机 pool', source: POST_FILING, waitingOn: ['officer', 'supervisor'] }),
      on: {
        RECORD_INSPECTION_PASSED: {
          target: 'underSupervision',
          actions: ['recordPostFilingCheck', 'enterSupervisionPool', notify('elderCareFiling.enteredSupervisionPool')],
        },
        RECORD_INSPECTION_FAILED: {
          target: 'rectificationOrdered',
          actions: ['recordPostFilingCheck', 'recordRectificationOrder', notify('elderCareFiling.rectificationOrdered')],
        },
      },
    },
    underSupervision: {
      meta: meta({ label: '监管中', description: 'in the elderly-care 双随机、一公开 inspection pool', source: SUPERVISION, waitingOn: ['supervisor'] }),
      on: {
        SCHEDULE_INSPECTION: { actions: ['recordInspection', notify('elderCareFiling.inspectionScheduled')] },
        RECORD_INSPECTION_PASSED: { guard: 'resultByDrawnInspector', actions: ['recordInspection', notify('elderCareFiling.inspectionPassed')] },
        RECORD_INSPECTION_FAILED: {
          target: 'rectificationOrdered',
          guard: 'resultByDrawnInspector',
          actions: ['recordInspection', 'recordRectificationOrder', notify('elderCareFiling.rectificationOrdered')],
        },
      },
    },
    rectificationOrdered: {
      meta: meta({ label: '责令整改', description: 'rectification ordered; waiting for verification, or cancellation by the head', source: SUPERVISION, waitingOn: ['supervisor', 'officer', 'head'] }),
      on: {
        CONFIRM_RECTIFIED: [
          { target: 'underSupervision', guard: 'inSupervisionPool', actions: ['recordInspection', notify('elderCareFiling.rectified')] },
          {
            target: 'underSupervision', guard: not('inSupervisionPool'),
            actions: ['recordInspection', 'enterSupervisionPool', notify('elderCareFiling.rectified'), notify('elderCareFiling.enteredSupervisionPool')],
          },
        ],
        CANCEL_FILING: { target: 'filingCancelled', actions: ['recordCancellation', notify('elderCareFiling.filingCancelled')] },
      },
    },
    refused: { type: 'final', meta: meta({ outcome: 'refused', label: '不予备案', description: 'refused on the failed zone separation, with reasons and remedies', source: R4C + '; ' + REMEDIES }) },
    filingCancelled: { type: 'final', meta: meta({ label: '备案已撤销', description: 'the filing was cancelled after failed rectification, with reasons and remedies', source: 'DOMAIN.md R8b; ' + REMEDIES }) },
    withdrawn: { type: 'final', meta: meta({ outcome: 'withdrawn', label: '已撤回', description: 'withdrawn by the applicant before the filing was recorded', source: 'DOMAIN.md P3' }) },
    abandoned: { type: 'final', meta: meta({ outcome: 'withdrawn', label: '已放弃', description: 'closed: the applicant gave up', source: 'DOMAIN.md P3 [DESIGN]' }) },
  },
})

export const elderCareFiling: ProcedureDefinition = {
  id: 'elderCareFiling',
  // DOMAIN.md R3/R4: the civil-affairs department (民政) records the elder-care filing
  department: 'civilAffairs',
  version: '1',
  title: 'Elderly-care filing by a medical institution',
  titleZh: '医疗卫生机构开展养老服务备案',
  description:
    'A 民政 filing (备案) for a medical institution adding elderly care: after a change of registration by the original authority (variant A), or directly, reusing existing qualifications (variant B); zone separation checked; then supervised.',
  machine: elderCareFilingMachine,
  events: elderCareFilingEvents,
  rules: elderCareFilingRules,
  clocks: elderCareFilingClocks,
  creationEvent: 'SUBMIT',
  prepare: prepareElderCareFiling,
}

/** A policy value the national default may not carry yet: absent → undefined (the caller says what that means). */
function optional<T>(policy: PolicyView, key: string): { value: T; source: string } | undefined {
  try {
    return policy.get<T>(key)
  } catch {
    return undefined
  }
}

function remediesFrom(policy: PolicyView): Remedy[] {
  const one = (remedy: Remedy['remedy'], titleZh: string, article: string): Remedy => {
    const v = optional<{ amount: number; unit: string }>(policy, `remedies.${remedy}`)
    return v
      ? { remedy, titleZh, period: v.value, source: v.source }
      : { remedy, titleZh, period: null, source: `${article} (period not in the policy: remedies.${remedy})` }
  }
  return [
    one('administrativeReconsideration', '行政复议', '行政复议法 第二十条'),
    one('administrativeLitigation', '行政诉讼', '行政诉讼法 第四十六条'),
  ]
}

/**
 * The filing applies to a medical institution (医疗卫生机构) adding elderly care, by one of two variants; for the direct
 * filing, the qualifications it reuses must be on the jurisdiction's list (DOMAIN.md §3 #3: Wenshan omits 消防), and
 * those it does not reuse become materials where the policy names the evidence (`elderCareFiling.qualificationEvidence`).
 */
/** Checklist titles of the evidence for a qualification that is not reused (DOMAIN.md P3 variant B [DESIGN]). */
const EVIDENCE_TITLES: Record<Qualification, { title: string; titleZh: string }> = {
  construction: { title: 'Construction completion acceptance', titleZh: '建设工程竣工验收证明' },
  fireSafety: { title: 'Fire acceptance or acceptance filing of the elderly-care premises', titleZh: '消防验收或备案证明' },
  foodSafety: { title: 'Food operation licence', titleZh: '食品经营许可证' },
  epidemicPrevention: { title: 'Infection-control and epidemic-prevention documents', titleZh: '卫生防疫（院感防控）材料' },
}

function evidenceItem(q: Qualification, named: ChecklistItem | string | undefined): ChecklistItem | undefined {
  if (named === undefined) return undefined
  return typeof named === 'string' ? { code: named, ...EVIDENCE_TITLES[q] } : named
}

export function prepareElderCareFiling(request: CaseRequest, policy: PolicyView): Preparation {
  const { institution } = request
  if (institution.kind !== 'medicalInstitution') {
    return {
      ok: false,
      detail: 'the elderly-care filing of this procedure is for a medical institution (医疗卫生机构) adding elderly care; an elderly-care institution registers and files as such',
      source: R3 + '; ' + R4,
    }
  }
  // Before the 2018-12-29 amendment of 老年人权益保障法 an elderly-care institution needed a 设立许可 (Linyi 2018, R3a).
  const regime = optional<string>(policy, 'elderCareFiling.regime')
  if (regime && regime.value !== 'filing') {
    return {
      ok: false,
      detail: `in ${request.jurisdiction} elderly care by a medical institution is under the ${regime.value} regime on this date, not a filing (养老机构设立许可 instead)`,
      source: regime.source,
    }
  }
  const variant = institution.elderCareVariant
  if (!ELDER_CARE_VARIANTS.includes(variant as ElderCareVariant)) {
    return {
      ok: false,
      detail: `elderCareVariant must be one of ${ELDER_CARE_VARIANTS.join(', ')} (changeRegistration: founding an elderly-care institution, R3; reuseQualifications: direct filing, R4); got ${JSON.stringify(variant ?? null)}`,
      source: R3 + '; ' + R4,
    }
  }
  const declared = Array.isArray(institution.reusedQualifications) ? (institution.reusedQualifications as unknown[]) : []
  let reused: Pinned<Qualification[]> | null = null
  if (variant === 'changeRegistration' && declared.length > 0) {
    return {
      ok: false,
      detail: 'reused qualifications belong to the direct filing (reuseQualifications); a new elderly-care institution founded after a change of registration files its own',
      source: R4,
    }
  }
  const baseChecklist = policy.get<ChecklistItem[]>('elderCareFiling.materials')
  let items = [...baseChecklist.value]
  const sources = [baseChecklist.source]
  if (variant === 'reuseQualifications') {
    const unknown = declared.filter((q) => !QUALIFICATIONS.includes(q as Qualification))
    if (unknown.length > 0) {
      return { ok: false, detail: `unknown qualifications ${JSON.stringify(unknown)}; R4 names ${QUALIFICATIONS.join(', ')}`, source: R4 }
    }
    const allowed = policy.get<Qualification[]>('elderCareFiling.reusableQualifications')
    const refused = declared.filter((q) => !allowed.value.includes(q as Qualification))
    if (refused.length > 0) {
      return {
        ok: false,
        detail: `in ${request.jurisdiction} the qualification(s) ${refused.join(', ')} cannot be reused for a direct filing (reusable there: ${allowed.value.join(', ') || 'none'}); submit the evidence as a material instead`,
        source: allowed.source,
      }
    }
    reused = { value: [...new Set(declared as Qualification[])], source: allowed.source }
    const direct = policy.get<ChecklistItem[]>('elderCareFiling.directMaterials')
    items = [...items, ...direct.value]
    sources.push(direct.source)
    // Conditions not met by a reused qualification need their own evidence, where the policy names it (R4b).
    // The policy names each evidence by its item code (a full item is accepted too); titles are those of EVIDENCE_TITLES.
    const evidence = optional<Partial<Record<Qualification, ChecklistItem | string>>>(policy, 'elderCareFiling.qualificationEvidence')
    if (evidence) {
      const needed = QUALIFICATIONS.filter((q) => !reused!.value.includes(q)).map((q) => evidenceItem(q, evidence.value[q])).filter((i): i is ChecklistItem => Boolean(i))
      items = [...items, ...needed.filter((i) => !items.some((x) => x.code === i.code))]
      if (needed.length > 0) sources.push(evidence.source)
    }
  }
  const offList = materialsOffChecklist(request.materials, items, `${sources.join('; ')}; 行政许可法 第三十一条 by analogy`)
  if (offList) return offList
  const variantSource = variant === 'changeRegistration' ? R3 : R4
  const input: ElderCareFilingInput = {
    jurisdiction: request.jurisdiction,
    institution,
    materials: request.materials,
    variant: { value: variant as ElderCareVariant, source: variantSource },
    reusedQualifications: reused,
    checklist: { items, source: sources.join('; ') },
    zoneSeparationRequired: policy.get<boolean>('elderCareFiling.zoneSeparationRequired'),
    requiresSafetyAssurance: policy.get<boolean>('elderCareFiling.requiresSafetyAssurance'),
    filingAuthority: policy.get<string>('elderCareFiling.filingAuthority'),
    remedies: remediesFrom(policy),
  }
  return { ok: true, input }
}
