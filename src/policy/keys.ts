/**
 * The shape of every policy value the engine reads, by key, so a document loaded at run time cannot carry a limit
 * the clocks cannot count or a kind the decision does not know. Keys not listed here are accepted with any JSON
 * value (a jurisdiction may record what its text says before any code reads it) and reported as warnings when the
 * national default does not know them either. Pure: no I/O.
 */
import { Type, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type { FieldError } from '../engine/errors.ts'
import type { PolicyDocument } from './document.ts'

/** Internal units an elderly-care institution may set up (DOMAIN.md §2.1, glossary). */
export const UNIT_KINDS = ['clinic', 'healthRoom', 'medicalRoom', 'nursingStation', 'outpatientDepartment'] as const
export type UnitKind = (typeof UNIT_KINDS)[number]

/** Kinds of medical institution a founder may set up (DOMAIN.md §2.2). */
export const MEDICAL_KINDS = [
  'hospital', 'maternalChildHealth', 'emergencyCentre', 'emergencyStation', 'clinicalLaboratoryCentre',
  'nursingHome', 'rehabilitationHospital', 'outpatientDepartment', 'clinic',
] as const
export type MedicalKind = (typeof MEDICAL_KINDS)[number]

/**
 * The entries of a 两证合一 exclusion list: the national notice names seven (R2c) — 三级医院、三级妇幼保健院、
 * 急救中心、急救站、临床检验中心、中外合资合作医疗机构、港澳台独资医疗机构.
 */
export const EXCLUDED_KINDS = [
  'tertiaryHospital', 'tertiaryMaternalChildHealth', 'emergencyCentre', 'emergencyStation', 'clinicalLaboratoryCentre',
  'sinoForeignJointVenture', 'hkMacaoTaiwanWhollyOwned',
] as const
export type ExcludedKind = (typeof EXCLUDED_KINDS)[number]

export const OWNERSHIPS = ['domestic', 'sinoForeignJointVenture', 'hkMacaoTaiwanWhollyOwned'] as const
export type Ownership = (typeof OWNERSHIPS)[number]

/** Qualifications a medical institution may reuse for a direct elderly-care filing (R4). */
export const REUSABLE_QUALIFICATIONS = ['construction', 'fireSafety', 'foodSafety', 'epidemicPrevention'] as const

/** The departments a decision names (DOMAIN.md §2.12). */
export const DEPARTMENTS = ['health', 'civilAffairs', 'healthcareSecurity', 'marketRegulation', 'housingConstruction', 'serviceCentre'] as const
export type Department = (typeof DEPARTMENTS)[number]

const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)))
const listOf = <T extends readonly string[]>(values: T) => Type.Array(literals(values), { uniqueItems: true })

export const LIMIT_UNITS = ['workingDays', 'days', 'months'] as const
export const Limit = Type.Object({ amount: Type.Integer({ minimum: 0, maximum: 3660 }), unit: literals(LIMIT_UNITS) }, { additionalProperties: false })
export interface LimitValue { amount: number; unit: (typeof LIMIT_UNITS)[number] }

const ChecklistItem = Type.Object({ code: Type.String({ minLength: 1 }), title: Type.String({ minLength: 1 }), titleZh: Type.String({ minLength: 1 }) })
const Authority = Type.Object({ department: literals(DEPARTMENTS), nameZh: Type.String({ minLength: 1 }) }, { additionalProperties: false })

/** Exact keys with their value schema. */
const EXACT: Record<string, TSchema> = {
  'clinicFiling.regime': literals(['filing', 'licence', 'approvalGreenChannel'] as const),
  'clinicFiling.filedUnitKinds': listOf(UNIT_KINDS),
  'twoCertificates.excludedKinds': listOf(EXCLUDED_KINDS),
  'twoCertificates.maxLevel': Type.Union([Type.Integer({ minimum: 1, maximum: 3 }), Type.Null()]),
  'elderCareFiling.regime': literals(['filing', 'licence'] as const),
  'elderCareFiling.reusableQualifications': listOf(REUSABLE_QUALIFICATIONS),
  'elderCareFiling.requiresSafetyAssurance': Type.Boolean(),
  'elderCareFiling.zoneSeparationRequired': Type.Boolean(),
  'elderCareFiling.filingAuthority': Type.String({ minLength: 1 }),
  'insuranceDesignation.waitingMonths': Type.Integer({ minimum: 0, maximum: 120 }),
  'insuranceDesignation.barMonths': Type.Integer({ minimum: 0, maximum: 120 }),
  'insuranceDesignation.agreementTermMonths': Type.Integer({ minimum: 1, maximum: 120 }),
  'insuranceDesignation.renewalNoticeMonths': Type.Integer({ minimum: 0, maximum: 11 }),
  'insuranceDesignation.authority': Authority,
  'sla.nearDueWorkingDays': Type.Integer({ minimum: 0, maximum: 60 }),
}

/** Keys by suffix (every procedure's limits and checklists). */
const SUFFIXES: [RegExp, TSchema][] = [
  [/\.(statutory|promised)$/, Limit],
  [/\.extension$/, Type.Object({ maxWorkingDays: Type.Integer({ minimum: 0, maximum: 60 }) }, { additionalProperties: false })],
  [/\.afterSupplement$/, literals(['pause', 'restart'] as const)],
  [/(\.materials|Materials)$/, Type.Array(ChecklistItem, { minItems: 1 })],
]

/** Whether the engine reads this exact key (its value schema is listed by name, not only by suffix). */
export function isNamedKey(key: string): boolean {
  return Object.hasOwn(EXACT, key)
}

/** The schema a key's value must match, or undefined when the key is free-form. */
export function valueSchemaOf(key: string): TSchema | undefined {
  return EXACT[key] ?? SUFFIXES.find(([re]) => re.test(key))?.[1]
}

const pointer = (key: string) => `/values/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`

/** Values whose shape does not match their key's schema, each named by its JSON pointer. */
export function valueShapeErrors(doc: PolicyDocument, prefix = ''): FieldError[] {
  const errors: FieldError[] = []
  for (const [key, v] of Object.entries(doc.values)) {
    const schema = valueSchemaOf(key)
    if (!schema) continue
    const found = [...Value.Errors(schema, v.value)]
    // Report the most specific error per path once (a union reports its branches, then anyOf).
    const seen = new Set<string>()
    for (const e of found) {
      const name = `${prefix}${pointer(key)}/value${e.instancePath}`
      if (seen.has(name)) continue
      seen.add(name)
      errors.push({ name, code: e.keyword, reason: `${key}: ${e.message ?? 'is invalid'}` })
    }
  }
  return errors
}

/** The base keys (`clinicFiling.decision`) that have a statutory or promised limit in the document. */
export function limitBases(doc: PolicyDocument): string[] {
  return [...new Set(Object.keys(doc.values).filter((k) => /\.(statutory|promised)$/.test(k)).map((k) => k.replace(/\.(statutory|promised)$/, '')))]
}

/**
 * 承诺时限 ≤ 法定时限 (PLATFORM-CONVENTIONS.md, "Time limits"): a promised limit never exceeds the statutory one. Both
 * are looked up with `lookup` (the document alone, or the policy resolved with it); limits in different units are
 * refused because no unit converts exactly into another across holidays.
 */
export function promisedExceedsStatutory(
  bases: readonly string[],
  lookup: (key: string) => { value: unknown; source: string } | undefined,
  prefix = '',
): FieldError[] {
  const errors: FieldError[] = []
  for (const base of bases) {
    const promised = lookup(`${base}.promised`)
    const statutory = lookup(`${base}.statutory`)
    if (!promised || !statutory) continue
    if (!Value.Check(Limit, promised.value) || !Value.Check(Limit, statutory.value)) continue
    const p = promised.value as LimitValue
    const s = statutory.value as LimitValue
    const name = `${prefix}${pointer(`${base}.promised`)}/value`
    if (p.unit !== s.unit) {
      errors.push({ name, code: 'unitMismatch', reason: `${base}.promised is in ${p.unit} but ${base}.statutory (${s.amount} ${s.unit}, ${statutory.source}) is in ${s.unit}: give the promised limit in the statutory unit so they can be compared` })
    } else if (p.amount > s.amount) {
      errors.push({ name, code: 'promisedExceedsStatutory', reason: `${base}.promised (${p.amount} ${p.unit}) exceeds ${base}.statutory (${s.amount} ${s.unit}, ${statutory.source}): a promised limit (承诺时限) may not be longer than the statutory one (法定时限)` })
    }
  }
  return errors
}
