/** The case, principals and event cycle the benchmarks drive (clinicFiling, Xianning 咸安区 421202). */
import type { Principal } from '../../src/auth/principal.ts'
import type { EventInput, NewCaseInput } from '../../src/engine/engine.ts'

export const JURISDICTION = '421202'

export const CHECKLIST = [
  'filingForm', 'registrationCertificate', 'elderlyCareFilingReceipt', 'premisesProof', 'floorPlan',
  'staffQualifications', 'rules', 'equipmentList', 'medicalWasteContract', 'identityDocuments',
] as const

export const newCaseInput: NewCaseInput = {
  procedure: 'clinicFiling',
  jurisdiction: JURISDICTION,
  institution: { name: '测试养老院', unifiedSocialCreditCode: '52421202MJH123456E', kind: 'elderlyCareInstitution', unitKind: 'medicalRoom' },
  materials: CHECKLIST.map((item) => ({ item, documentRef: 'doc-x' })),
}

const principal = (id: string, role: Principal['role']): Principal => ({ id, role, jurisdiction: JURISDICTION })
export const applicant = principal('home-1', 'applicant')
export const clerk = principal('clerk-1', 'clerk')
export const officer = principal('officer-1', 'officer')
export const supervisor = principal('supervisor-1', 'supervisor')

/** From submitted to filed.supervised. */
export const TO_FILED: readonly { event: EventInput; actor: Principal }[] = [
  { event: { type: 'BEGIN_INTAKE_CHECK', payload: {} }, actor: clerk },
  { event: { type: 'ACCEPT', payload: {} }, actor: clerk },
  { event: { type: 'BEGIN_REVIEW', payload: {} }, actor: officer },
  { event: { type: 'FILE', payload: { scope: '内科' } }, actor: officer },
]

export const SUPERVISED = 'filed.supervised'
export const SCHEDULED = 'filed.inspectionScheduled'
export const SCHEDULE: EventInput = { type: 'SCHEDULE_INSPECTION', payload: { plannedOn: '2026-12-01' } }
export const PASSED: EventInput = { type: 'RECORD_INSPECTION_PASSED', payload: { findings: '合格' } }

/** The repeatable cycle: supervised → SCHEDULE_INSPECTION → inspectionScheduled → RECORD_INSPECTION_PASSED → supervised. */
export function nextEvent(state: string): EventInput {
  if (state === SUPERVISED) return SCHEDULE
  if (state === SCHEDULED) return PASSED
  throw new Error(`case in state ${state} is not in the inspection cycle`)
}
