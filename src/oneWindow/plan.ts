/**
 * The one-time notice (一次性告知) a one window gives before anything is filed: every procedure an institution needs
 * (from `decide`, with its explanation), the department that handles each, the process steps (the machine's states,
 * in order, with their Chinese labels), the acceptance conditions, the materials (deduplicated across procedures,
 * each marked with who needs it), every time limit (statutory and promised, with sources) and the expected completion
 * date counted on the jurisdiction's working-day calendar from today.
 *
 * DOMAIN.md R5 (「一次性告知审批事项及流程、受理条件、材料清单、办理时限等内容」, 004_6104121fb84d74b0.txt L108), R5a (L221),
 * R6 (parallel approval, 003_75b745a2e5c2526d.txt L125), P5; 行政许可法 第三十条 (what is published), 第三十二条 (一次告知).
 *
 * Pure: the policy and the calendar arrive resolved and `today` is given; nothing is read or written. Exported for
 * reuse at intake (the one-window application pins the same plan).
 */
import { createHash } from 'node:crypto'
import { procedures } from '../../machines/index.ts'
import type { ProcedureDefinition } from '../../machines/types.ts'
import { describeProcedure } from '../procedures/describe.ts'
import { addMonths, addNaturalDays, addWorkingDays } from '../calendar/units.ts'
import { compareDates } from '../calendar/shanghai.ts'
import type { Deadline } from '../calendar/deadline.ts'
import type { IsoDate, WorkCalendar } from '../calendar/types.ts'
import { decide, oneWindowFor, type Decision, type DecisionPath, type Explanation, type InstitutionProfile, type OneWindowPlan, type ProcedureId } from '../policy/decide.ts'
import type { ResolvedPolicy } from '../policy/resolve.ts'
import type { Department, LimitValue, UnitKind } from '../policy/keys.ts'
import { fullDivisionName } from '../divisions/index.ts'

export interface PlanRequest {
  jurisdiction: string
  profile: InstitutionProfile
}

export interface Sourced { source: string }

export interface DepartmentView {
  code: Department
  nameZh: string
  name: string
  source: string
}

export interface ProcessStep {
  state: string
  labelZh: string
  description: string
  source: string | null
}

export interface Condition {
  textZh: string
  text: string
  source: string
}

export interface LimitView {
  /** The policy key base (`clinicFiling.decision`): `.statutory` / `.promised` in the policy. */
  key: string
  titleZh: string
  title: string
  statutory: (LimitValue & Sourced) | null
  promised: (LimitValue & Sourced) | null
  /** Who must act within it: the department, or the applicant (e.g. filing after first admitting residents). */
  bindsOn: 'department' | 'applicant'
  /** Whether it is counted in the expected completion date. */
  counted: boolean
}

export interface CalendarExplanation {
  from: IsoDate
  countedFrom: IsoDate
  due: IsoDate
  /** Weekend days passed over (counted, not listed). */
  weekendDaysSkipped: number
  /** Holidays and local closures passed over, by date. */
  holidaysSkipped: { date: IsoDate; name: string }[]
  /** 调休 make-up working days (and local open days) counted. */
  workedDays: { date: IsoDate; name: string }[]
  nominalDue?: IsoDate
  uncoveredYears: number[]
  rules: string[]
}

/** One limit of the happy path, counted from the previous stage's end. */
export interface Stage {
  key: string
  titleZh: string
  title: string
  /** The limit counted: the promised one where the jurisdiction publishes it (承诺时限), else the statutory one. */
  basis: 'promised' | 'statutory'
  amount: number
  unit: LimitValue['unit']
  source: string
  from: IsoDate
  due: IsoDate
  /** The same chain counted with the statutory limits only: the latest lawful day. */
  statutoryDue: IsoDate
  provisional: boolean
  explanation: CalendarExplanation
}

export interface Schedule {
  stages: Stage[]
  /** The last stage's end (promised limits where published), or null when no limit of the procedure is counted. */
  expectedBy: IsoDate | null
  statutoryBy: IsoDate | null
  provisional: boolean
  /** What the dates leave out (the applicant's own time, another authority's act, 第四十五条 periods). */
  notes: { textZh: string; text: string; source: string }[]
}

export interface PlanItem {
  /** Unique in the plan: the procedure id (a suffix when a procedure appears twice). */
  id: string
  procedure: ProcedureId
  path: DecisionPath | null
  titleZh: string
  title: string
  department: DepartmentView
  explain: Explanation[]
  steps: ProcessStep[]
  conditions: Condition[]
  limits: LimitView[]
  schedule: Schedule
  /** Material codes this item needs (details in `Plan.materials`). */
  materials: string[]
}

export interface FollowUpView {
  id: string
  procedure: ProcedureId
  titleZh: string
  title: string
  department: DepartmentView
  explain: Explanation[]
  /** Not part of this application: applied for later. */
  partOfApplication: false
  /** The first day it may be applied for, when the start of formal operation is known. */
  eligibleFrom: IsoDate | null
  /** When eligibleFrom is unknown: the rule, e.g. 「正式运营3个月后」. */
  eligibilityZh: string
  eligibility: string
  eligibilitySource: string
  steps: ProcessStep[]
  conditions: Condition[]
  limits: LimitView[]
  materials: string[]
}

export interface PlanMaterial {
  code: string
  titleZh: string
  title: string
  /** Item and follow-up ids that need the document; it is submitted once and shared by reference. */
  neededBy: string[]
  /** Only a later follow-up needs it (not submitted with this application). */
  followUpOnly: boolean
  sources: string[]
}

export interface Plan {
  /** GZ-<jurisdiction>-<yyyymmdd>-<6 hex of the request hash>: the same request on the same day, under the same policy, gives the same reference. */
  reference: string
  issuedOn: IsoDate
  jurisdiction: { code: string; nameZh: string }
  policyVersion: string
  profile: InstitutionProfile
  window: DepartmentView
  oneWindow: OneWindowPlan | null
  items: PlanItem[]
  followUps: FollowUpView[]
  materials: PlanMaterial[]
  /** Procedures run in parallel (R6): the overall date is the latest of the items'. */
  expectedCompletion: {
    expectedBy: IsoDate | null
    statutoryBy: IsoDate | null
    /** The item whose date is the latest. */
    determinedBy: string | null
    provisional: boolean
    textZh: string
    text: string
    source: string
  }
  /** The legal basis printed in the footer. */
  basis: { textZh: string; text: string; source: string }[]
}

export class PlanNotPossible extends Error {
  readonly code = 'plan-not-possible'
}

const R5 = '004_6104121fb84d74b0.txt L108 (咸宁): 「一次性告知审批事项及流程、受理条件、材料清单、办理时限等内容」 (DOMAIN.md R5); L221 (文山, R5a)'
const R6 = '003_75b745a2e5c2526d.txt L125: 「对新办医养结合机构实行并联审批，不得将彼此审批事项互为审批前置条件」 (DOMAIN.md R6)'
const ART32 = '行政许可法 第三十二条第一款第（四）（五）项 (材料齐全、符合法定形式; 一次告知需要补正的全部内容)'
const ART45 = '行政许可法 第四十五条 (听证、检验、检测、鉴定、专家评审等所需时间不计算在期限内)'
const DEPARTMENTS_SOURCE = 'DOMAIN.md §2.12 (departments × procedures)'

const DEPARTMENT_NAMES: Record<Department, { nameZh: string; name: string }> = {
  health: { nameZh: '卫生健康部门', name: 'Health commission (卫生健康)' },
  civilAffairs: { nameZh: '民政部门', name: 'Civil affairs bureau (民政)' },
  healthcareSecurity: { nameZh: '医疗保障部门', name: 'Healthcare security bureau (医疗保障)' },
  marketRegulation: { nameZh: '市场监督管理部门', name: 'Market regulation bureau (市场监管)' },
  housingConstruction: { nameZh: '住房和城乡建设部门', name: 'Housing and construction bureau (住建)' },
  serviceCentre: { nameZh: '政务服务中心', name: 'Government service centre (政务服务中心)' },
}

const UNIT_ZH: Record<LimitValue['unit'], string> = { workingDays: '个工作日', days: '日', months: '个月' }
const UNIT_EN: Record<LimitValue['unit'], string> = { workingDays: 'working days', days: 'days', months: 'months' }
export const limitZh = (l: { amount: number; unit: LimitValue['unit'] }) => `${l.amount}${UNIT_ZH[l.unit]}`
export const limitEn = (l: { amount: number; unit: LimitValue['unit'] }) => `${l.amount} ${UNIT_EN[l.unit]}`

const UNIT_KIND_ZH: Record<UnitKind, string> = {
  clinic: '诊所', healthRoom: '卫生所（室）', medicalRoom: '医务室', nursingStation: '护理站', outpatientDepartment: '门诊部',
}

interface ChecklistItem { code: string; title: string; titleZh: string }

const cited = (policy: ResolvedPolicy, key: string) => {
  const v = policy.values[key]
  return v ? { value: v.value, source: `${v.source} [policy ${v.from}@${v.version}]` } : undefined
}

function departmentView(policy: ResolvedPolicy, code: Department): DepartmentView {
  if (code === 'healthcareSecurity') {
    const a = cited(policy, 'insuranceDesignation.authority')
    const v = a?.value as { department?: string; nameZh?: string } | undefined
    if (a && v?.department === code && v.nameZh) return { code, nameZh: v.nameZh, name: DEPARTMENT_NAMES[code].name, source: a.source }
  }
  if (code === 'serviceCentre') {
    const w = cited(policy, 'oneWindow.window')
    const v = w?.value as { department?: string; nameZh?: string } | undefined
    if (w && v?.department === code && v.nameZh) return { code, nameZh: v.nameZh, name: DEPARTMENT_NAMES[code].name, source: w.source }
  }
  if (code === 'civilAffairs') {
    const a = cited(policy, 'elderCareFiling.filingAuthority')
    if (a?.value === 'countyCivilAffairsOrAbove') return { code, nameZh: '县级以上民政部门', name: 'Civil affairs bureau at county level or above', source: a.source }
  }
  return { code, ...DEPARTMENT_NAMES[code], source: DEPARTMENTS_SOURCE }
}

// ── Process steps: the happy path of each machine, by state id, in order ──────────────────────────────────────
const HAPPY_PATHS: Record<string, string[]> = {
  clinicFiling: ['submitted', 'intakeCheck', 'accepted', 'review', 'filed'],
  'twoCertificates.combined': ['submitted', 'intakeCheck', 'accepted.combined', 'publicity', 'documentReview', 'onsiteInspection', 'registered', 'certificateIssued'],
  'twoCertificates.twoStep': ['submitted', 'intakeCheck', 'accepted.twoStep', 'setupReview', 'setupApproved', 'registrationApplied', 'registrationReview', 'registrationInspection', 'registered', 'certificateIssued'],
  'elderCareFiling.changeRegistration': ['submitted', 'changeRegistrationPending', 'completenessCheck', 'zoneSeparationCheck', 'filed'],
  'elderCareFiling.reuseQualifications': ['submitted', 'completenessCheck', 'zoneSeparationCheck', 'filed'],
  insuranceDesignation: ['submitted', 'intake', 'evaluation', 'passed', 'publicity', 'negotiation', 'agreementSigned', 'systemActivation', 'designated'],
  departmentApproval: ['submitted', 'intakeCheck', 'accepted', 'review', 'approved'],
}

/** The limits counted one after another on the happy path, by clock name (the machine's ClockDefinition.policyKey). */
const STAGES: Record<string, string[]> = {
  clinicFiling: ['intakeLimit', 'decisionLimit'],
  // The decision limit runs from acceptance and pauses during the publicity (machine: publicity pauses decisionLimit).
  'twoCertificates.combined': ['intakeLimit', 'publicityPeriod', 'decisionLimit', 'certificateLimit'],
  'twoCertificates.twoStep': ['intakeLimit', 'setupApprovalLimit', 'registrationLimit', 'certificateLimit'],
  'elderCareFiling.changeRegistration': ['completenessLimit'],
  'elderCareFiling.reuseQualifications': ['completenessLimit'],
  insuranceDesignation: ['intakeLimit', 'evaluationLimit', 'publicityPeriod', 'activationLimit'],
  departmentApproval: ['intakeLimit', 'decisionLimit'],
}

const pathKey = (d: Decision) => (d.path && (d.procedure === 'twoCertificates' || d.procedure === 'elderCareFiling') ? `${d.procedure}.${d.path}` : d.procedure)

function stepsOf(def: ProcedureDefinition, key: string): ProcessStep[] {
  const states = describeProcedure(def).states
  return (HAPPY_PATHS[key] ?? []).map((id) => {
    const s = states.find((x) => x.state === id)
    if (!s) throw new Error(`machine ${def.id} has no state ${id} (src/oneWindow/plan.ts HAPPY_PATHS)`)
    return { state: s.state, labelZh: s.label, description: s.description, source: s.source }
  })
}

function limitOf(policy: ResolvedPolicy, key: string, kind: 'statutory' | 'promised'): (LimitValue & Sourced) | null {
  const c = cited(policy, `${key}.${kind}`)
  if (!c) return null
  const v = c.value as LimitValue
  return { amount: v.amount, unit: v.unit, source: c.source }
}

function clockLimits(policy: ResolvedPolicy, def: ProcedureDefinition, clockNames: string[], counted: boolean): LimitView[] {
  const out: LimitView[] = []
  for (const name of clockNames) {
    const c = def.clocks[name]
    if (!c) throw new Error(`procedure ${def.id} has no clock ${name}`)
    const statutory = limitOf(policy, c.policyKey, 'statutory')
    const promised = limitOf(policy, c.policyKey, 'promised')
    if (!statutory && !promised) continue
    out.push({ key: c.policyKey, titleZh: c.titleZh, title: c.title, statutory, promised, bindsOn: 'department', counted })
  }
  return out
}

function calendarExplanation(d: Deadline): CalendarExplanation {
  const e = d.explanation
  return {
    from: e.from, countedFrom: e.countedFrom, due: d.due,
    weekendDaysSkipped: e.skipped.filter((s) => s.reason === 'weekend').length,
    holidaysSkipped: e.skipped.filter((s) => s.reason !== 'weekend').map((s) => ({ date: s.date, name: s.name ?? (s.reason === 'localClosure' ? '本地休息日' : '节假日') })),
    workedDays: e.worked.map((w) => ({ date: w.date, name: w.name })),
    ...(e.nominalDue ? { nominalDue: e.nominalDue } : {}),
    uncoveredYears: [...e.uncoveredYears],
    rules: [...e.rules],
  }
}

/** A period on the working-day calendar in its own unit (working days, natural days, months). */
export function countPeriod(cal: WorkCalendar, from: IsoDate, limit: { amount: number; unit: LimitValue['unit'] }): Deadline {
  if (limit.unit === 'workingDays') return addWorkingDays(cal, from, limit.amount)
  if (limit.unit === 'days') return addNaturalDays(cal, from, limit.amount)
  return addMonths(cal, from, limit.amount)
}

function schedule(cal: WorkCalendar, today: IsoDate, limits: LimitView[], notes: Schedule['notes']): Schedule {
  const stages: Stage[] = []
  let from = today
  let statutoryFrom = today
  for (const l of limits.filter((x) => x.counted)) {
    const used = l.promised ?? l.statutory!
    const basis = l.promised ? 'promised' : 'statutory'
    const d = countPeriod(cal, from, used)
    const s = l.statutory ? countPeriod(cal, statutoryFrom, l.statutory) : d
    stages.push({
      key: l.key, titleZh: l.titleZh, title: l.title, basis, amount: used.amount, unit: used.unit,
      source: l.promised ? used.source : `${used.source} (no promised limit published: the statutory limit applies)`,
      from, due: d.due, statutoryDue: s.due, provisional: d.provisional || s.provisional, explanation: calendarExplanation(d),
    })
    from = d.due
    statutoryFrom = s.due
  }
  return {
    stages,
    expectedBy: stages.at(-1)?.due ?? null,
    statutoryBy: stages.at(-1)?.statutoryDue ?? null,
    provisional: stages.some((s) => s.provisional),
    notes,
  }
}

function resolveChecklist(policy: ResolvedPolicy, key: string): { items: ChecklistItem[]; source: string } | null {
  const c = cited(policy, key)
  return c && Array.isArray(c.value) ? { items: c.value as ChecklistItem[], source: c.source } : null
}

/** A material named only by its code (elderCareFiling.qualificationEvidence): its titles from any checklist that lists it. */
function itemByCode(policy: ResolvedPolicy, code: string): ChecklistItem {
  for (const [key, v] of Object.entries(policy.values)) {
    if (!/(\.materials|Materials)$/.test(key) || !Array.isArray(v.value)) continue
    const hit = (v.value as ChecklistItem[]).find((i) => i && i.code === code)
    if (hit) return hit
  }
  return { code, title: code, titleZh: code }
}

interface ItemBuild {
  conditions: Condition[]
  limits: LimitView[]
  notes: Schedule['notes']
  materials: { items: ChecklistItem[]; source: string }[]
  titleZh: string
  title: string
}

const materialsCondition = (key: string, source: string): Condition => ({
  textZh: '申请材料齐全、符合法定形式（见材料清单）', text: 'the materials of the list are complete and in the legal form', source: `${ART32}; checklist: policy ${key} (${source})`,
})

function buildClinicFiling(policy: ResolvedPolicy, def: ProcedureDefinition, decision: Decision, profile: InstitutionProfile): ItemBuild {
  const kinds = cited(policy, 'clinicFiling.filedUnitKinds')
  const list = resolveChecklist(policy, 'clinicFiling.materials')
  const kindZh = profile.unitKind ? UNIT_KIND_ZH[profile.unitKind] : ''
  return {
    titleZh: `养老机构内部设置${kindZh || '医疗机构'}备案`, title: `Filing of an internal ${profile.unitKind ?? 'medical unit'} of an elderly-care institution`,
    conditions: [
      { textZh: '申请人为已依法登记并在民政部门备案的养老机构', text: 'the applicant is a registered elderly-care institution that has filed with civil affairs', source: 'DOMAIN.md P1 preconditions [DESIGN]; 养老机构管理办法 (民政部令第66号) [LAW✓]' },
      ...(kinds ? [{
        textZh: `内设医疗机构属于本地实行备案管理的类别（${(kinds.value as UnitKind[]).map((k) => UNIT_KIND_ZH[k]).join('、')}）`,
        text: `the internal unit is of a kind filed here (${(kinds.value as string[]).join(', ')})`, source: kinds.source,
      }] : []),
      ...(list ? [materialsCondition('clinicFiling.materials', list.source)] : []),
    ],
    limits: clockLimits(policy, def, STAGES.clinicFiling!, true),
    notes: [{ textZh: '现场核查、补正所需时间不计算在办理时限内', text: 'on-site checks and supplements are not counted', source: `${ART45}; policy clinicFiling.decision.afterSupplement` }],
    materials: list ? [list] : [],
  }
}

function buildTwoCertificates(policy: ResolvedPolicy, def: ProcedureDefinition, decision: Decision): ItemBuild {
  const twoStep = decision.path === 'twoStep'
  const list = resolveChecklist(policy, 'twoCertificates.materials')
  const excluded = cited(policy, 'twoCertificates.excludedKinds')
  const maxLevel = cited(policy, 'twoCertificates.maxLevel')
  const conditions: Condition[] = twoStep
    ? [{ textZh: '属于“两证合一”排除范围（类别或级别）：先申请设置审批，取得《设置医疗机构批准书》后在有效期内申请执业登记', text: 'excluded from two certificates in one (kind or level): setup approval first, then practice registration while the approval is valid', source: `${excluded?.source ?? ''}; ${maxLevel?.source ?? ''}; 医疗机构管理条例 第九条、第十五条 [LAW✓]` }]
    : [{ textZh: `拟举办的医疗机构不在“两证合一”排除范围内${maxLevel?.value ? `，且为${['', '一', '二', '三'][maxLevel.value as number]}级及以下` : ''}：设置审批与执业登记一并办理，不再核发《设置医疗机构批准书》`, text: 'not excluded from two certificates in one: setup approval and practice registration in one procedure, no 设置医疗机构批准书', source: `${excluded?.source ?? ''}; ${maxLevel?.source ?? ''}` }]
  conditions.push({ textZh: '不需提交验资证明', text: 'no capital verification is required', source: '国家卫健委、国家中医药局 2018 通知 (DOMAIN.md R2c)' })
  if (list) conditions.push(materialsCondition('twoCertificates.materials', list.source))
  const key = twoStep ? 'twoCertificates.twoStep' : 'twoCertificates.combined'
  return {
    titleZh: twoStep ? '医疗机构设置审批、执业登记' : def.titleZh, title: twoStep ? 'Medical institution setup approval, then practice registration' : def.title,
    conditions,
    limits: clockLimits(policy, def, STAGES[key]!, true),
    notes: [
      { textZh: '现场审查所需时间不计算在办理时限内', text: 'the on-site inspection is not counted', source: ART45 },
      ...(twoStep ? [{ textZh: '取得批准书后申请人申请执业登记所用时间不计入', text: 'the applicant\'s time between the setup approval and the registration application is not counted', source: '医疗机构管理条例 第九条、第十五条 [LAW✓]' }] : []),
    ],
    materials: list ? [list] : [],
  }
}

function buildElderCareFiling(policy: ResolvedPolicy, def: ProcedureDefinition, decision: Decision): ItemBuild {
  const reuse = decision.path === 'reuseQualifications'
  const base = resolveChecklist(policy, 'elderCareFiling.materials')
  const materials = base ? [base] : []
  const conditions: Condition[] = []
  const notes: Schedule['notes'] = []
  const reusable = cited(policy, 'elderCareFiling.reusableQualifications')
  const QUAL_ZH: Record<string, string> = { construction: '建设', fireSafety: '消防', foodSafety: '食品安全', epidemicPrevention: '卫生防疫' }
  if (reuse) {
    const direct = resolveChecklist(policy, 'elderCareFiling.directMaterials')
    if (direct) materials.push(direct)
    const allowed = (reusable?.value as string[] | undefined) ?? []
    conditions.push({
      textZh: `利用现有资源提供养老服务，可依据已具备的${allowed.map((q) => QUAL_ZH[q] ?? q).join('、')}资质直接登记备案`,
      text: `direct filing reusing the institution's qualifications for ${allowed.join(', ')}`, source: reusable?.source ?? 'DOMAIN.md R4',
    })
    // A qualification the jurisdiction does not let the institution reuse is evidenced by its own document (R4b).
    const evidence = cited(policy, 'elderCareFiling.qualificationEvidence')
    if (evidence && evidence.value && typeof evidence.value === 'object') {
      const needed = Object.entries(evidence.value as Record<string, unknown>)
        .filter(([q]) => !allowed.includes(q))
        .map(([, v]) => (typeof v === 'string' ? itemByCode(policy, v) : (v as ChecklistItem)))
      if (needed.length > 0) materials.push({ items: needed, source: evidence.source })
    }
    const safety = cited(policy, 'elderCareFiling.requiresSafetyAssurance')
    if (safety?.value === true) conditions.push({ textZh: '在确保安全的前提下', text: 'only where safety is assured', source: safety.source })
  } else {
    conditions.push({
      textZh: '原登记机关已对章程、宗旨、业务范围等作变更登记，增加养老服务内容',
      text: 'the original registration authority has amended the charter and scope to add elderly care (变更登记)', source: '004_6104121fb84d74b0.txt L108 (DOMAIN.md R3)',
    })
    notes.push({ textZh: '原登记机关办理变更登记的时间不计入民政部门的备案时限', text: 'the time the original registration authority takes to amend the registration is not counted', source: '004_6104121fb84d74b0.txt L108 (DOMAIN.md R3)' })
  }
  const zones = cited(policy, 'elderCareFiling.zoneSeparationRequired')
  if (zones?.value === true) conditions.push({ textZh: '养老服务场所与医疗服务区域分区管理，做到物理隔离、独立设置', text: 'the elderly-care area is managed apart from the medical area: physically separated and independently set up', source: zones.source })
  if (base) conditions.push(materialsCondition('elderCareFiling.materials', materials.map((m) => m.source).join('; ')))
  const limits = clockLimits(policy, def, STAGES[`elderCareFiling.${decision.path ?? 'changeRegistration'}`]!, true)
  const applicant = limitOf(policy, 'elderCareFiling.applicantDeadline', 'statutory')
  if (applicant) {
    limits.push({
      key: 'elderCareFiling.applicantDeadline', titleZh: '申请人备案期限（收住老年人后）', title: 'Applicant files within (after first admitting residents)',
      statutory: applicant, promised: limitOf(policy, 'elderCareFiling.applicantDeadline', 'promised'), bindsOn: 'applicant', counted: false,
    })
  }
  return {
    titleZh: reuse ? '医疗卫生机构利用现有资源提供养老服务登记备案' : '养老机构备案（医疗卫生机构变更登记增加养老服务后）',
    title: reuse ? 'Direct elderly-care filing by a medical institution reusing its qualifications' : 'Elderly-care filing after the change of registration',
    conditions, limits, notes, materials,
  }
}

/** Chinese wording of the decision steps that become the conditions of an item without a machine. */
const CONDITION_ZH: Record<string, string> = {
  R4b: '本地直接登记备案不沿用消防资质：养老服务场所须依法另行办理建设工程消防验收或消防验收备案',
  R3a: '养老机构须申请设立许可（2018-12-29《老年人权益保障法》修改前的制度）',
  R1c: '内设医疗机构由卫生健康部门审批并核发《医疗机构执业许可证》',
  R1d: '内设医疗机构实行审批，开辟绿色通道',
}

/**
 * An approval the decision names without a procedure of its own: the one-window application routes it as a
 * department approval (machines/departmentApproval.ts), so its limits (行政许可法 第四十二条) and materials are
 * that procedure's, from the policy.
 */
function buildOrdinaryApproval(policy: ResolvedPolicy, decision: Decision): ItemBuild {
  const titles: Partial<Record<Department, [string, string]>> = {
    housingConstruction: ['建设工程消防验收或消防验收备案（养老服务场所）', 'Fire acceptance or acceptance filing of the elderly-care premises'],
    civilAffairs: ['养老机构设立许可', 'Elderly-care institution licence'],
    health: ['医疗机构执业许可（审批）', 'Medical institution licence (approval)'],
  }
  const [titleZh, title] = titles[decision.department] ?? ['行政审批', 'Approval']
  const def = procedures.departmentApproval!
  const list = resolveChecklist(policy, 'departmentApproval.materials')
  return {
    titleZh, title,
    conditions: [
      ...decision.explain.filter((e) => !e.caution).map((e) => ({ textZh: CONDITION_ZH[e.rule] ?? e.text, text: e.text, source: e.source })),
      ...(list ? [materialsCondition('departmentApproval.materials', list.source)] : []),
    ],
    limits: clockLimits(policy, def, STAGES.departmentApproval!, true),
    notes: [{ textZh: '检验、检测、鉴定及补正所需时间不计算在办理时限内', text: 'inspections, tests and supplements are not counted', source: `${ART45}; policy departmentApproval.decision.afterSupplement` }],
    materials: list ? [list] : [],
  }
}

/** The follow-up (医保定点): listed so the applicant knows it, never part of this application. */
function buildFollowUp(policy: ResolvedPolicy, decision: Decision, profile: InstitutionProfile, id: string): FollowUpView {
  const def = procedures.insuranceDesignation!
  const waiting = cited(policy, 'insuranceDesignation.waitingMonths')
  const months = Number(waiting?.value ?? 0)
  const list = resolveChecklist(policy, 'insuranceDesignation.materials')
  const limits = clockLimits(policy, def, STAGES.insuranceDesignation!, false)
  return {
    id, procedure: decision.procedure, titleZh: def.titleZh, title: def.title,
    department: departmentView(policy, decision.department), explain: decision.explain,
    partOfApplication: false,
    eligibleFrom: decision.eligibleFrom ?? null,
    eligibilityZh: decision.eligibleFrom ? `自${decision.eligibleFrom}起可申请` : months === 0 ? '医疗机构正式成立后即可申请' : `正式运营${months}个月后可申请`,
    eligibility: decision.eligibleFrom ? `may apply from ${decision.eligibleFrom}` : months === 0 ? 'may apply once the medical institution is formally established' : `may apply after ${months} months of formal operation`,
    eligibilitySource: waiting?.source ?? 'DOMAIN.md R7',
    steps: stepsOf(def, 'insuranceDesignation'),
    conditions: [
      { textZh: '持有医疗机构执业许可证、中医诊所备案证或内设医疗机构备案凭证', text: 'holds a practice licence, a TCM clinic filing certificate or an internal-unit filing certificate', source: '医疗机构医疗保障定点管理暂行办法 第五条 [LAW✓]' },
      { textZh: months === 0 ? '正式成立' : `正式运营满${months}个月`, text: months === 0 ? 'formally established' : `${months} months of formal operation`, source: waiting?.source ?? '医疗机构医疗保障定点管理暂行办法 第六条 [LAW✓]' },
      ...(list ? [materialsCondition('insuranceDesignation.materials', list.source)] : []),
    ],
    limits,
    materials: list ? list.items.map((i) => i.code) : [],
  }
}

/** The reference: deterministic, so a second request for the same notice on the same day reprints the same number. */
export function planReference(jurisdiction: string, issuedOn: IsoDate, profile: InstitutionProfile, policyVersion: string): string {
  const canonical = JSON.stringify({ jurisdiction, issuedOn, policyVersion, profile: Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))) })
  const hash = createHash('sha256').update(canonical).digest('hex').slice(0, 6).toUpperCase()
  return `GZ-${jurisdiction}-${issuedOn.replaceAll('-', '')}-${hash}`
}

/**
 * The one-time notice for `request` under `policy` (resolved for the jurisdiction on `today`), counted on `cal`.
 * Throws ProfileInvalid (decide) for an impossible profile and PolicyValueMissing when the policy lacks a key.
 */
export function plan(request: PlanRequest, policy: ResolvedPolicy, cal: WorkCalendar, today: IsoDate): Plan {
  const decisions = decide(request.profile, policy)
  const oneWindow = oneWindowFor(decisions, policy)
  const used = new Map<string, number>()
  const idFor = (p: string) => {
    const n = (used.get(p) ?? 0) + 1
    used.set(p, n)
    return n === 1 ? p : `${p}-${n}`
  }
  const items: PlanItem[] = []
  const followUps: FollowUpView[] = []
  const byCode = new Map<string, PlanMaterial>()
  const addMaterials = (id: string, lists: { items: ChecklistItem[]; source: string }[], followUp: boolean): string[] => {
    const codes: string[] = []
    for (const list of lists) {
      for (const m of list.items) {
        if (codes.includes(m.code)) continue
        codes.push(m.code)
        const existing = byCode.get(m.code)
        if (existing) {
          if (!existing.neededBy.includes(id)) existing.neededBy.push(id)
          if (!followUp) existing.followUpOnly = false
          if (!existing.sources.includes(list.source)) existing.sources.push(list.source)
        } else {
          byCode.set(m.code, { code: m.code, titleZh: m.titleZh, title: m.title, neededBy: [id], followUpOnly: followUp, sources: [list.source] })
        }
      }
    }
    return codes
  }

  for (const d of decisions.filter((x) => !x.followUp)) {
    const id = idFor(d.procedure)
    const def = procedures[d.procedure]
    let built: ItemBuild
    if (d.procedure === 'clinicFiling') built = buildClinicFiling(policy, def!, d, request.profile)
    else if (d.procedure === 'twoCertificates') built = buildTwoCertificates(policy, def!, d)
    else if (d.procedure === 'elderCareFiling') built = buildElderCareFiling(policy, def!, d)
    else built = buildOrdinaryApproval(policy, d)
    items.push({
      id, procedure: d.procedure, path: d.path ?? null, titleZh: built.titleZh, title: built.title,
      department: departmentView(policy, d.department), explain: d.explain,
      steps: d.procedure === 'ordinaryApproval' ? stepsOf(procedures.departmentApproval!, 'departmentApproval') : def ? stepsOf(def, pathKey(d)) : [],
      conditions: built.conditions, limits: built.limits,
      schedule: schedule(cal, today, built.limits, built.notes),
      materials: addMaterials(id, built.materials, false),
    })
  }
  for (const d of decisions.filter((x) => x.followUp)) {
    const id = idFor(d.procedure)
    const f = buildFollowUp(policy, d, request.profile, id)
    const list = resolveChecklist(policy, 'insuranceDesignation.materials')
    f.materials = addMaterials(id, list ? [list] : [], true)
    followUps.push(f)
  }

  // Parallel approval (R6): no item waits on another, so the whole is done when the latest item is.
  let latest: PlanItem | null = null
  for (const i of items) {
    if (i.schedule.expectedBy && (!latest || compareDates(i.schedule.expectedBy, latest.schedule.expectedBy!) > 0)) latest = i
  }
  const statutoryBy = items.map((i) => i.schedule.statutoryBy).filter((x): x is string => Boolean(x)).sort().at(-1) ?? null
  const counted = items.filter((i) => i.schedule.expectedBy)
  const expectedCompletion = {
    expectedBy: latest?.schedule.expectedBy ?? null,
    statutoryBy,
    determinedBy: latest?.id ?? null,
    provisional: items.some((i) => i.schedule.provisional),
    textZh: latest
      ? `各事项并联办理，互不为前置；自${today}申请计，预计于${latest.schedule.expectedBy}前全部办结（以最晚办结的“${latest.titleZh}”为准${counted.length < items.length ? '；未列明时限的事项未计入' : ''}）`
      : '各事项的办理时限未列入本地政策，无法计算预计办结日期',
    text: latest
      ? `the items run in parallel, none waiting on another; applying on ${today}, all are expected done by ${latest.schedule.expectedBy} (the latest item, ${latest.id}${counted.length < items.length ? '; items without a published limit are not counted' : ''})`
      : 'no limit of these items is in the policy: no expected date',
    source: `${R6}; 行政许可法 第八十二条 (working days)`,
  }

  const window = oneWindow?.window ? departmentView(policy, oneWindow.window.department) : departmentView(policy, 'serviceCentre')
  return {
    reference: planReference(request.jurisdiction, today, request.profile, policy.version),
    issuedOn: today,
    jurisdiction: { code: request.jurisdiction, nameZh: fullDivisionName(request.jurisdiction) },
    policyVersion: policy.version,
    profile: request.profile,
    window,
    oneWindow,
    items,
    followUps,
    materials: [...byCode.values()],
    expectedCompletion,
    basis: [
      { textZh: '《中华人民共和国行政许可法》第三十条（公示事项、依据、条件、数量、程序、期限及材料目录）', text: 'Administrative Licensing Law, Art. 30 (what is published)', source: '行政许可法 第三十条 [LAW✓]' },
      { textZh: '《中华人民共和国行政许可法》第三十二条（申请材料不齐全的，一次告知申请人需要补正的全部内容）', text: 'Administrative Licensing Law, Art. 32 (one-time notice of everything missing)', source: '行政许可法 第三十二条 [LAW✓]' },
      { textZh: '《中华人民共和国行政许可法》第八十二条（期限以工作日计算，不含法定节假日）', text: 'Administrative Licensing Law, Art. 82 (working days, holidays excluded)', source: '行政许可法 第八十二条 [LAW✓]' },
      { textZh: '医养结合机构审批登记“一个窗口”办理、一次性告知', text: 'one window and one-time notice for integrated institutions', source: R5 },
      { textZh: '并联审批，不得将彼此审批事项互为前置条件', text: 'parallel approval, no item a precondition of another', source: R6 },
    ],
  }
}
