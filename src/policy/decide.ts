/**
 * Which procedures an institution needs, decided from its profile and the policy in force, every step explained
 * with the rule and the source of the value that decided it. Pure: the policy arrives resolved, nothing is read.
 *
 * The four directions of DOMAIN.md §2:
 * - an elderly-care institution sets up an internal medical unit: filing (R1), a licence (R1c) or, for a unit the
 *   jurisdiction does not file, the medical-institution route below;
 * - an elderly-care (or medical) institution sets up a medical institution: 两证合一 in one procedure, or the two steps
 *   (设置审批, then 执业登记) when the kind is on the jurisdiction's exclusion list or above its level bound (R2);
 * - a medical institution adds elderly care: change of registration then filing (R3), a direct filing reusing its
 *   qualifications (R4), or the elderly-care licence of the regime before 2018-12-29 (R3a);
 * - a medical institution that results is eligible for 医保定点 after the waiting period: a follow-up, not a child of
 *   the one-window case (R7, DOMAIN.md P5).
 */
import type { FieldError } from '../engine/errors.ts'
import { eligibilityDate } from '../calendar/units.ts'
import { isIsoDate } from '../calendar/shanghai.ts'
import { PolicyValueMissing, type ResolvedPolicy } from './resolve.ts'
import type { Department, ExcludedKind, MedicalKind, Ownership, UnitKind } from './keys.ts'

export const PROCEDURES = ['clinicFiling', 'twoCertificates', 'elderCareFiling', 'insuranceDesignation', 'ordinaryApproval'] as const
export type ProcedureId = (typeof PROCEDURES)[number]
export const PATHS = ['combined', 'twoStep', 'changeRegistration', 'reuseQualifications'] as const
export type DecisionPath = (typeof PATHS)[number]

export interface InstitutionProfile {
  founder: 'elderlyCareInstitution' | 'medicalInstitution'
  adds: 'internalMedicalUnit' | 'medicalInstitution' | 'elderlyCare'
  unitKind?: UnitKind | undefined
  medicalKind?: MedicalKind | undefined
  medicalLevel?: 1 | 2 | 3 | undefined
  beds?: number | undefined
  ownership?: Ownership | undefined
  elderCareVariant?: 'changeRegistration' | 'reuseQualifications' | undefined
  /** Day formal operation began (YYYY-MM-DD): dates the 医保 eligibility of the follow-up. */
  operationStartedOn?: string | undefined
}

export interface Explanation {
  /** The rule of DOMAIN.md §2 (R1, R2, …; §2.10 for bed thresholds). */
  rule: string
  text: string
  /** The source of the policy value that decided, with the document it came from: `… [policy 421200@v]`. */
  source: string
  /** The policy key read. */
  key?: string
  /** Set when the step is a warning to read, not the decision itself (a conflict, a threshold "in principle"). */
  caution?: true
}

export interface Decision {
  procedure: ProcedureId
  path?: DecisionPath
  department: Department
  explain: Explanation[]
  /** Not part of the one-window case: applied for later (医保定点 after the waiting period). */
  followUp?: true
  /** First day the follow-up may be applied for (with operationStartedOn). */
  eligibleFrom?: string
}

export class ProfileInvalid extends Error {
  readonly code = 'invalid-request'
  readonly errors: FieldError[]
  constructor(errors: FieldError[]) {
    super(`the institution profile is invalid: ${errors.map((e) => `${e.name} ${e.reason}`).join('; ')}`)
    this.errors = errors
  }
}

const UNIT_ZH: Record<UnitKind, string> = {
  clinic: '诊所', healthRoom: '卫生所（室）', medicalRoom: '医务室', nursingStation: '护理站', outpatientDepartment: '门诊部',
}
const MEDICAL_ZH: Record<MedicalKind, string> = {
  hospital: '医院', maternalChildHealth: '妇幼保健院', emergencyCentre: '急救中心', emergencyStation: '急救站',
  clinicalLaboratoryCentre: '临床检验中心', nursingHome: '护理院', rehabilitationHospital: '康复医院', outpatientDepartment: '门诊部', clinic: '诊所',
}
const EXCLUDED_ZH: Record<ExcludedKind, string> = {
  tertiaryHospital: '三级医院', tertiaryMaternalChildHealth: '三级妇幼保健院', emergencyCentre: '急救中心', emergencyStation: '急救站',
  clinicalLaboratoryCentre: '临床检验中心', sinoForeignJointVenture: '中外合资合作医疗机构', hkMacaoTaiwanWhollyOwned: '港澳台独资医疗机构',
}
const LEVEL_ZH = ['', '一级', '二级', '三级'] as const
const UNIT_TEXT: Record<string, string> = { workingDays: 'working days', days: 'days', months: 'months' }
const limitText = (l: { amount: number; unit: string }) => `${l.amount} ${UNIT_TEXT[l.unit] ?? l.unit}`

interface Cited<T> { value: T; source: string; key: string; from: string; overridden: { from: string; version: string; value: unknown; source: string }[] }

function cite<T>(policy: ResolvedPolicy, key: string): Cited<T> {
  const v = policy.values[key]
  if (!v) throw new PolicyValueMissing(`policy ${policy.version} for ${policy.jurisdiction} has no value for ${key}`)
  return { value: v.value as T, source: `${v.source} [policy ${v.from}@${v.version}]`, key, from: v.from, overridden: v.overridden ?? [] }
}
function maybe<T>(policy: ResolvedPolicy, key: string): Cited<T> | undefined {
  return policy.values[key] ? cite<T>(policy, key) : undefined
}
const step = (rule: string, text: string, c: Pick<Cited<unknown>, 'source' | 'key'>, caution = false): Explanation =>
  ({ rule, text, source: c.source, key: c.key, ...(caution ? { caution: true as const } : {}) })

/** Combinations and required fields the schema cannot express, each named by its JSON pointer under `prefix`. */
export function profileErrors(p: InstitutionProfile, prefix = '/profile'): FieldError[] {
  const errors: FieldError[] = []
  const err = (field: string, code: string, reason: string) => errors.push({ name: `${prefix}/${field}`, code, reason })
  if (p.founder === 'elderlyCareInstitution' && p.adds === 'elderlyCare') err('adds', 'combination', 'an elderly-care institution adds an internalMedicalUnit or a medicalInstitution, not elderlyCare')
  if (p.founder === 'medicalInstitution' && p.adds === 'internalMedicalUnit') err('adds', 'combination', 'internal medical units (R1) are set up by elderly-care institutions; a medical institution adds elderlyCare or a medicalInstitution')
  if (p.adds === 'internalMedicalUnit' && !p.unitKind) err('unitKind', 'required', 'give the kind of internal unit (clinic, healthRoom, medicalRoom, nursingStation, outpatientDepartment)')
  if (p.adds === 'medicalInstitution' && !p.medicalKind) err('medicalKind', 'required', 'give the kind of medical institution')
  if (p.adds !== 'elderlyCare' && p.elderCareVariant) err('elderCareVariant', 'combination', 'only for adds = elderlyCare')
  if (p.operationStartedOn !== undefined && !isIsoDate(p.operationStartedOn)) err('operationStartedOn', 'format', `must be a real date written YYYY-MM-DD, got ${p.operationStartedOn}`)
  if (p.beds !== undefined && (!Number.isInteger(p.beds) || p.beds < 0)) err('beds', 'minimum', 'must be a whole number of beds, 0 or more')
  return errors
}

/** The exclusion-list entries a planned medical institution falls under. */
function excludedKindsOf(p: InstitutionProfile, kind: MedicalKind | UnitKind): ExcludedKind[] {
  const out: ExcludedKind[] = []
  if ((kind === 'hospital' || kind === 'rehabilitationHospital') && p.medicalLevel === 3) out.push('tertiaryHospital')
  if (kind === 'maternalChildHealth' && p.medicalLevel === 3) out.push('tertiaryMaternalChildHealth')
  if (kind === 'emergencyCentre' || kind === 'emergencyStation' || kind === 'clinicalLaboratoryCentre') out.push(kind)
  if (p.ownership === 'sinoForeignJointVenture' || p.ownership === 'hkMacaoTaiwanWhollyOwned') out.push(p.ownership)
  return out
}

function describe(p: InstitutionProfile, kind: MedicalKind | UnitKind): string {
  const name = (MEDICAL_ZH as Record<string, string>)[kind] ?? (UNIT_ZH as Record<string, string>)[kind] ?? kind
  const level = p.medicalLevel ? `${LEVEL_ZH[p.medicalLevel]}` : ''
  const owner = p.ownership === 'sinoForeignJointVenture' ? '中外合资合作' : p.ownership === 'hkMacaoTaiwanWhollyOwned' ? '港澳台独资' : ''
  return `${owner}${level}${name} (${kind}${p.medicalLevel ? `, level ${p.medicalLevel}` : ''}${p.ownership && p.ownership !== 'domestic' ? `, ${p.ownership}` : ''})`
}

/** R2: 两证合一 in one procedure, or the two steps. */
function twoCertificates(policy: ResolvedPolicy, p: InstitutionProfile, kind: MedicalKind | UnitKind, lead: Explanation[]): Decision {
  const list = cite<ExcludedKind[]>(policy, 'twoCertificates.excludedKinds')
  const maxLevel = cite<number | null>(policy, 'twoCertificates.maxLevel')
  const what = describe(p, kind)
  const explain = [...lead]
  const hits = excludedKindsOf(p, kind).filter((k) => list.value.includes(k))
  if (hits.length > 0) {
    explain.push(step('R2', `${what} is excluded from 两证合一 here (${hits.map((h) => EXCLUDED_ZH[h]).join('、')} on the list of ${list.value.length}): setup approval (设置审批) first, then practice registration (执业登记)`, list))
  } else if (list.value.length === 0) {
    explain.push(step('R2', `no exclusion list here: ${what} takes 两证合一`, list))
  } else {
    explain.push(step('R2', `${what} is not on the exclusion list here (${list.value.map((k) => EXCLUDED_ZH[k]).join('、')})`, list))
  }
  let aboveBound = false
  if (maxLevel.value === null) {
    explain.push(step('R2', `no level bound on 两证合一 here${p.medicalLevel ? `: level ${p.medicalLevel} qualifies` : ''}`, maxLevel))
  } else if (p.medicalLevel !== undefined && p.medicalLevel > maxLevel.value) {
    aboveBound = true
    explain.push(step('R2', `level ${p.medicalLevel} is above the bound (${LEVEL_ZH[maxLevel.value]}及以下): setup approval first, then practice registration`, maxLevel))
  } else {
    explain.push(step('R2', `${p.medicalLevel ? `level ${p.medicalLevel}` : 'an institution without a grade'} is within 「${LEVEL_ZH[maxLevel.value]}及以下」`, maxLevel))
  }
  const path: DecisionPath = hits.length > 0 || aboveBound ? 'twoStep' : 'combined'
  // A local list shorter than one it shadows (the national seven) that lets this institution through: say what the
  // wider rule would have decided.
  const mine = excludedKindsOf(p, kind)
  for (const wider of path === 'combined' ? list.overridden : []) {
    const missed = mine.filter((k) => !list.value.includes(k) && Array.isArray(wider.value) && (wider.value as string[]).includes(k))
    if (missed.length > 0) {
      explain.push({
        rule: 'R2c',
        text: `the ${wider.from === '000000' ? 'national' : wider.from} list excludes ${missed.map((k) => EXCLUDED_ZH[k]).join('、')}, which the local list (${list.from}) does not: the local text decides here; confirm with the health commission (docs/POLICY.md, "conflicts")`,
        source: `${wider.source} [policy ${wider.from}@${wider.version}]`, key: list.key, caution: true,
      })
    }
  }
  return { procedure: 'twoCertificates', path, department: 'health', explain }
}

/** §2.10: a bed threshold for setting up medical institutions, where the policy gives one. */
function bedThreshold(policy: ResolvedPolicy, p: InstitutionProfile, kind: MedicalKind | UnitKind): Explanation[] {
  const t = maybe<{ minBeds: number; below: string[]; atOrAbove?: unknown; inPrinciple?: boolean }>(policy, 'beds.medicalInstitutionThreshold')
  if (!t) return []
  const allowedBelow = Array.isArray(t.value.below) ? t.value.below : []
  if (allowedBelow.includes(kind)) return []
  if (p.beds === undefined) {
    return [step('§2.10', `homes of ${t.value.minBeds} beds or more may set up this kind of medical institution; smaller homes ${allowedBelow.join(', ')}${t.value.inPrinciple ? ' (in principle)' : ''}: give beds to check`, t, true)]
  }
  if (p.beds < t.value.minBeds) {
    return [step('§2.10', `${p.beds} beds is below ${t.value.minBeds}: the policy expects ${allowedBelow.join(', ')} in homes this size${t.value.inPrinciple ? ' (「原则上」: in principle, not a bar)' : ''}`, t, true)]
  }
  return [step('§2.10', `${p.beds} beds meets the threshold of ${t.value.minBeds}`, t)]
}

/** R7: 医保定点 after the waiting period, a follow-up. */
function insuranceFollowUp(policy: ResolvedPolicy, p: InstitutionProfile): Decision {
  const waiting = cite<number>(policy, 'insuranceDesignation.waitingMonths')
  const authority = cite<{ department: Department; nameZh: string }>(policy, 'insuranceDesignation.authority')
  const explain: Explanation[] = []
  const eligibleFrom = p.operationStartedOn && isIsoDate(p.operationStartedOn) ? eligibilityDate(p.operationStartedOn, waiting.value) : undefined
  explain.push(step('R7', waiting.value === 0
    ? `may apply for designation as soon as the institution is formally established (no waiting period)${eligibleFrom ? `: from ${eligibleFrom}` : ''}`
    : `may apply for designation after ${waiting.value} months of formal operation${eligibleFrom ? `: from ${eligibleFrom}` : ''}`, waiting))
  const endToEnd = maybe<{ amount: number; unit: string }>(policy, 'insuranceDesignation.endToEnd.statutory')
  const evaluation = maybe<{ amount: number; unit: string }>(policy, 'insuranceDesignation.evaluation.statutory')
  if (endToEnd) explain.push(step('R7a', `${limitText(endToEnd.value)} from application to the agreement and the 医保 system activation`, endToEnd))
  if (evaluation) explain.push(step('R7', `evaluation within ${limitText(evaluation.value)}`, evaluation))
  explain.push(step('R7', `handled by ${authority.value.nameZh}`, authority))
  const annex = maybe<{ nameZh?: string }>(policy, 'insuranceDesignation.authorityAnnex')
  if (annex) explain.push(step('R7c', `the same document's annex names ${annex.value.nameZh ?? JSON.stringify(annex.value)} instead: ask which office receives the application`, annex, true))
  const kinds = maybe<string[]>(policy, 'insuranceDesignation.internalUnitKinds')
  if (kinds && p.unitKind) {
    explain.push(kinds.value.includes(p.unitKind)
      ? step('R7b', `internal ${UNIT_ZH[p.unitKind]} units are named for designation on voluntary application`, kinds)
      : step('R7b', `internal ${UNIT_ZH[p.unitKind]} units are not among the kinds named for designation (${kinds.value.join(', ')})`, kinds, true))
  }
  const scope = maybe<string>(policy, 'insuranceDesignation.fundScope')
  if (scope) explain.push(step('R7d', 'the fund pays medical services only, never 生活照护 or other elderly-care fees', scope))
  return { procedure: 'insuranceDesignation', department: authority.value.department, explain, followUp: true, ...(eligibleFrom ? { eligibleFrom } : {}) }
}

/** R3, R3a, R4: a medical institution adds elderly care. */
function elderCare(policy: ResolvedPolicy, p: InstitutionProfile): Decision[] {
  const regime = cite<'filing' | 'licence'>(policy, 'elderCareFiling.regime')
  const note = maybe<string>(policy, 'elderCareFiling.admissionNote')
  const noteStep = note ? [step('R3b', `local text: ${note.value}`, note)] : []
  if (regime.value === 'licence') {
    const priority = maybe<boolean>(policy, 'elderCareFiling.priorityApproval')
    return [{
      procedure: 'ordinaryApproval', department: 'civilAffairs',
      explain: [
        step('R3a', 'the elderly-care institution needs a 设立许可 (licence regime before the 2018-12-29 amendment of 老年人权益保障法)', regime),
        ...(priority?.value ? [step('R3a', 'a medical institution setting up elderly care that meets the requirements is approved first (优先审批)', priority)] : []),
        ...noteStep,
      ],
    }]
  }
  const variant = p.elderCareVariant ?? 'changeRegistration'
  const authority = cite<string>(policy, 'elderCareFiling.filingAuthority')
  const authorityText = authority.value === 'countyCivilAffairsOrAbove' ? '县级以上民政部门 (civil affairs at county level or above)' : authority.value === 'civilAffairs' ? '民政部门 (civil affairs)' : authority.value
  const explain: Explanation[] = [step('R3', 'elderly-care institutions register and then file (no licence)', regime)]
  const decisions: Decision[] = []
  if (variant === 'changeRegistration') {
    explain.push(step('R3', `${p.elderCareVariant ? '' : 'no variant given, so the general rule: '}the original registration authority amends the charter and scope to add elderly care (变更登记), then the filing is made with ${authorityText}`, authority))
  } else {
    const reusable = cite<string[]>(policy, 'elderCareFiling.reusableQualifications')
    explain.push(step('R4', `direct filing with ${authorityText}, reusing the institution's qualifications for ${reusable.value.join(', ')}`, reusable))
    explain.push(step('R4', `filed with ${authorityText}`, authority))
    const safety = maybe<boolean>(policy, 'elderCareFiling.requiresSafetyAssurance')
    if (safety?.value) explain.push(step('R4', 'only 「在确保安全的前提下」: the applicant declares that safety is assured for the reused qualifications', safety))
    const zones = maybe<boolean>(policy, 'elderCareFiling.zoneSeparationRequired')
    if (zones?.value) explain.push(step('R4c', 'the elderly-care area is separated from the medical area (分区管理、物理隔离、独立设置)', zones))
    if (!reusable.value.includes('fireSafety')) {
      decisions.push({
        procedure: 'ordinaryApproval', department: 'housingConstruction',
        explain: [step('R4b', '消防 is not among the qualifications reused here: the elderly-care premises need their own fire acceptance or acceptance filing (住建部令第51号, in force 2020-06-01)', reusable)],
      })
    }
  }
  explain.push(...noteStep)
  return [{ procedure: 'elderCareFiling', path: variant, department: 'civilAffairs', explain }, ...decisions]
}

/** R1: an elderly-care institution's internal medical unit. */
function internalUnit(policy: ResolvedPolicy, p: InstitutionProfile, unitKind: UnitKind): Decision {
  const regime = cite<'filing' | 'licence' | 'approvalGreenChannel'>(policy, 'clinicFiling.regime')
  const filed = cite<UnitKind[]>(policy, 'clinicFiling.filedUnitKinds')
  const beds = bedThreshold(policy, p, unitKind)
  if (regime.value === 'licence') {
    return {
      procedure: 'ordinaryApproval', department: 'health',
      explain: [step('R1c', `internal medical units are admitted by the health department, which issues the 医疗机构执业许可证 (licence, not filing): the ${UNIT_ZH[unitKind]} is approved`, regime), ...beds],
    }
  }
  if (regime.value === 'approvalGreenChannel') {
    return {
      procedure: 'ordinaryApproval', department: 'health',
      explain: [step('R1d', `internal units keep approval, with a green channel (绿色通道): the ${UNIT_ZH[unitKind]} is approved`, regime), ...beds],
    }
  }
  if (filed.value.includes(unitKind)) {
    return {
      procedure: 'clinicFiling', department: 'health',
      explain: [step('R1', `an internal ${UNIT_ZH[unitKind]} (${unitKind}) is filed, not approved (filed kinds here: ${filed.value.map((k) => UNIT_ZH[k]).join('、')})`, filed), ...beds],
    }
  }
  const lead = step('R1', `an internal ${UNIT_ZH[unitKind]} (${unitKind}) is not among the kinds filed here (${filed.value.map((k) => UNIT_ZH[k]).join('、') || 'none'}): it is set up as a medical institution`, filed)
  return twoCertificates(policy, p, unitKind, [lead, ...beds])
}

/**
 * The procedures an institution needs under `policy` (the policy resolved for its jurisdiction on the day), in
 * order: the main procedure(s), then follow-ups. Throws ProfileInvalid for an impossible profile and
 * PolicyValueMissing when the policy lacks a key the decision needs.
 */
export function decide(profile: InstitutionProfile, policy: ResolvedPolicy): Decision[] {
  const errors = profileErrors(profile)
  if (errors.length > 0) throw new ProfileInvalid(errors)
  if (profile.adds === 'elderlyCare') return elderCare(policy, profile)
  let main: Decision
  if (profile.adds === 'internalMedicalUnit') {
    main = internalUnit(policy, profile, profile.unitKind!)
  } else {
    const kind = profile.medicalKind!
    main = twoCertificates(policy, profile, kind, profile.founder === 'elderlyCareInstitution' ? bedThreshold(policy, profile, kind) : [])
  }
  return [main, insuranceFollowUp(policy, profile)]
}

export interface OneWindowPlan {
  /** Departments of the main procedures (follow-ups excluded). */
  departments: Department[]
  /** Whether the policy requires one window for this plan (same-level departments involved). */
  required: boolean
  window: { department: Department; nameZh: string } | null
  parallelApproval: boolean
  explain: Explanation[]
}

/**
 * R5/R6: whether the departments involved are served through one window, and in parallel. Null when the policy says
 * nothing about either (no rule is assumed where the policy is silent, R6a).
 */
export function oneWindowFor(decisions: readonly Decision[], policy: ResolvedPolicy): OneWindowPlan | null {
  const required = maybe<boolean>(policy, 'oneWindow.required')
  const parallel = maybe<boolean>(policy, 'oneWindow.parallelApproval')
  if (!required && !parallel) return null
  const departments = [...new Set(decisions.filter((d) => !d.followUp).map((d) => d.department))]
  const window = maybe<{ department: Department; nameZh: string }>(policy, 'oneWindow.window')
  const scope = maybe<string>(policy, 'oneWindow.scope')
  const notice = maybe<string[]>(policy, 'oneWindow.oneTimeNotice')
  const explain: Explanation[] = []
  const applies = Boolean(required?.value) && (departments.length > 1 || scope?.value === 'socialInstitutions')
  if (required) {
    explain.push(step('R5', applies
      ? `one window${window ? ` at ${window.value.nameZh}` : ''} for ${departments.join(', ')}${scope?.value === 'socialInstitutions' ? ' (socially-run institutions)' : ''}`
      : `one window is required when departments of the same level are involved; this plan involves ${departments.join(', ') || 'none'}`, required))
  }
  if (notice) explain.push(step('R5', `one-time notice of ${notice.value.join(', ')}`, notice))
  if (parallel?.value) explain.push(step('R6', 'parallel approval: no procedure waits on another department\'s decision (不得互为前置)', parallel))
  return { departments, required: applies, window: window?.value ?? null, parallelApproval: Boolean(parallel?.value), explain }
}
