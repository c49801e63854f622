/** Applications and principals used across tests. */
import type { Principal } from '../../src/auth/principal.ts'

export const CLINIC_CHECKLIST = [
  'filingForm', 'registrationCertificate', 'elderlyCareFilingReceipt', 'premisesProof', 'floorPlan',
  'staffQualifications', 'rules', 'equipmentList', 'medicalWasteContract', 'identityDocuments',
] as const

export function materials(items: readonly string[] = CLINIC_CHECKLIST) {
  return items.map((item) => ({ item, documentRef: `doc-${item}` }))
}

export function clinicFilingApplication(overrides: { jurisdiction?: string; materials?: { item: string; documentRef: string }[]; unitKind?: string } = {}) {
  return {
    procedure: 'clinicFiling',
    jurisdiction: overrides.jurisdiction ?? '421202',
    institution: {
      name: '咸安区福寿养老院',
      unifiedSocialCreditCode: '52421202MJH123456E',
      kind: 'elderlyCareInstitution' as const,
      unitKind: (overrides.unitKind ?? 'medicalRoom') as 'medicalRoom',
      unitName: '咸安区福寿养老院医务室',
      beds: 120,
      legalRepresentative: { name: '张三', idNumber: '421202197001011233', phone: '13800000000' },
    },
    materials: overrides.materials ?? materials(),
  }
}

export const principals = {
  applicant: { id: 'home-1', role: 'applicant', jurisdiction: '421202' },
  otherApplicant: { id: 'home-2', role: 'applicant', jurisdiction: '421202' },
  clerk: { id: 'clerk-1', role: 'clerk', jurisdiction: '421202', department: 'serviceCentre' },
  officer: { id: 'officer-1', role: 'officer', jurisdiction: '421202', department: 'health' },
  head: { id: 'head-1', role: 'head', jurisdiction: '421202', department: 'health' },
  supervisor: { id: 'supervisor-1', role: 'supervisor', jurisdiction: '421200', department: 'health' },
  otherCountyOfficer: { id: 'officer-9', role: 'officer', jurisdiction: '421221', department: 'health' },
  otherCityOfficer: { id: 'officer-8', role: 'officer', jurisdiction: '371302', department: 'health' },
} satisfies Record<string, Principal>

/**
 * The same staff in another department: officers, heads and supervisors act only on their own department's cases
 * (src/auth/authorize.ts), so a 民政 case is handled by `departmentStaff('civilAffairs')`. Ids stay the same.
 */
export function departmentStaff(department: string) {
  return {
    ...principals,
    officer: { ...principals.officer, department },
    head: { ...principals.head, department },
    supervisor: { ...principals.supervisor, department },
    otherCountyOfficer: { ...principals.otherCountyOfficer, department },
    otherCityOfficer: { ...principals.otherCityOfficer, department },
  } satisfies Record<string, Principal>
}
