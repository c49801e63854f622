/** Applications, principals and helpers of the one-window tests. */
import type { Test } from 'tap'
import type { Principal } from '../../src/auth/principal.ts'
import { send, type TestApp } from '../helpers/app.ts'

export const materials = (items: readonly string[]) => items.map((item) => ({ item, documentRef: `doc-${item}` }))

/** A hospital in Wenshan (文山市) providing elderly care with its existing qualifications; 消防 is not reusable there. */
export const WENSHAN_ITEMS = [
  'filingApplication', 'registrationCertificate', 'commitmentLetter', 'practiceLicence', 'floorPlanZones', 'fireSafetyEvidence',
  'applicationForm', 'premisesProof', 'identityDocuments',
] as const
export function wenshanHospital(items: readonly string[] = WENSHAN_ITEMS) {
  return {
    jurisdiction: '532601',
    institution: {
      name: '文山市第二人民医院', unifiedSocialCreditCode: '12532601MB00000002', kind: 'medicalInstitution' as const,
      adds: 'elderlyCare' as const, elderCareVariant: 'reuseQualifications' as const,
      reusedQualifications: ['construction' as const, 'foodSafety' as const, 'epidemicPrevention' as const], beds: 80,
    },
    materials: materials(items),
  }
}

/** An elderly home in Xianning (咸安区) setting up an internal clinic: one routed filing plus the 医保 follow-up. */
export const XIANNING_ITEMS = [
  'filingForm', 'registrationCertificate', 'elderlyCareFilingReceipt', 'premisesProof', 'floorPlan',
  'staffQualifications', 'rules', 'equipmentList', 'medicalWasteContract', 'identityDocuments',
] as const
export function xianningHome(items: readonly string[] = XIANNING_ITEMS) {
  return {
    jurisdiction: '421202',
    institution: {
      name: '咸安区福寿养老院', unifiedSocialCreditCode: '52421202MJH123456E', kind: 'elderlyCareInstitution' as const,
      adds: 'internalMedicalUnit' as const, unitKind: 'clinic' as const, unitName: '咸安区福寿养老院诊所', beds: 120,
    },
    materials: materials(items),
  }
}

export function people(jurisdiction: string) {
  return {
    applicant: { id: 'institution-1', role: 'applicant', jurisdiction },
    windowClerk: { id: 'window-clerk-1', role: 'clerk', jurisdiction, department: 'serviceCentre' },
    windowHead: { id: 'window-head-1', role: 'head', jurisdiction, department: 'serviceCentre' },
    civilClerk: { id: 'civil-clerk-1', role: 'clerk', jurisdiction, department: 'civilAffairs' },
    civilOfficer: { id: 'civil-officer-1', role: 'officer', jurisdiction, department: 'civilAffairs' },
    fireOfficer: { id: 'fire-officer-1', role: 'officer', jurisdiction, department: 'housingConstruction' },
    healthOfficer: { id: 'health-officer-1', role: 'officer', jurisdiction, department: 'health' },
  } satisfies Record<string, Principal>
}

export async function ok(t: Test, response: { statusCode: number; json(): any; body: string }, what: string) {
  if (response.statusCode >= 300) t.fail(`${what}: ${response.statusCode} ${response.body}`)
  return response.json()
}

export async function step(t: Test, h: TestApp, as: Principal, id: string, type: string, payload: Record<string, unknown> = {}) {
  const r = await send(h, as, id, type, payload)
  t.equal(r.statusCode, 200, `${type} by ${as.id}${r.statusCode === 200 ? '' : `: ${r.body}`}`)
  return r.json()
}

export async function view(h: TestApp, as: Principal, id: string) {
  return (await h.call(as, 'GET', `/v1/one-window/applications/${id}`)).json()
}
