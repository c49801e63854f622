/**
 * Model of two certificates in one for test/model/procedures.test.ts.
 *
 * The path (combined or two-step) is pinned at submission, so one application walks one path: `model` is an elderly
 * home's level-1 clinic in Xianning (combined) and `twoStepApplication` a clinical laboratory centre (excluded
 * nationally, R2c). `applications` lists both for a harness that explores every path decided at submission.
 */
import type { ProcedureModel } from './fixtures.ts'

const CHECKLIST = [
  'registrationApplication', 'feasibilityStudy', 'siteReport', 'premisesProof', 'founderDocuments',
  'staffQualifications', 'equipmentList', 'rules', 'fireSafetyEvidence', 'medicalWasteContract',
]
// Two items missing, so both the one-time notice and acceptance after resubmission are reachable.
const submitted = CHECKLIST.slice(0, 8).map((item) => ({ item, documentRef: `doc-${item}` }))
const day = '2026-04-01'

const institution = {
  name: '咸安区福寿养老院',
  unifiedSocialCreditCode: '52421202MJH123456E',
  kind: 'elderlyCareInstitution',
  adds: 'medicalInstitution',
  medicalKind: 'clinic',
  medicalLevel: 1,
  ownership: 'domestic',
  unitName: '咸安区福寿养老院诊所',
}

export const combinedApplication: ProcedureModel['application'] = { procedure: 'twoCertificates', jurisdiction: '421202', institution, materials: submitted }

export const twoStepApplication: ProcedureModel['application'] = {
  procedure: 'twoCertificates',
  jurisdiction: '421202',
  institution: { ...institution, name: '咸宁康源医学检验实验室有限公司', unifiedSocialCreditCode: '91421202MA4F12345P', kind: 'medicalInstitution', medicalKind: 'clinicalLaboratoryCentre', medicalLevel: undefined, unitName: '咸宁康源临床检验中心' },
  materials: submitted,
}

const expiry = (clock: string) => [{ clock, dueOn: day }]

export const model: ProcedureModel & { applications: ProcedureModel['application'][] } = {
  procedure: 'twoCertificates',
  application: combinedApplication,
  applications: [combinedApplication, twoStepApplication],
  events: {
    BEGIN_INTAKE_CHECK: [{}],
    REQUEST_SUPPLEMENT: [{ items: [{ item: 'fireSafetyEvidence', reason: '缺少消防验收或备案材料' }, { item: 'medicalWasteContract', reason: '缺少医疗废物处置协议' }] }],
    RESUBMIT: [{ materials: [{ item: 'fireSafetyEvidence', documentRef: 'f2' }, { item: 'medicalWasteContract', documentRef: 'm2' }] }],
    ACCEPT: [{}],
    REFUSE_INTAKE: [{ reasons: ['不属于本机关职权范围'] }],
    INTAKE_LIMIT_PASSED: expiry('intakeLimit'),
    START_PUBLICITY: [{ channel: '区卫健局网站', workingDaysNeeded: 5 }],
    RECORD_PUBLICITY_OBJECTION: [{ objection: '有异议' }],
    PUBLICITY_PERIOD_ENDED: expiry('publicityPeriod'),
    SCHEDULE_ONSITE_INSPECTION: [{ plannedOn: day, workingDaysNeeded: 2 }],
    RECORD_ONSITE_RESULT: [{ passed: true, findings: '符合' }, { passed: false, findings: '不符合' }],
    REQUEST_CORRECTION: [{ items: [{ item: 'rules', reason: '制度不全' }] }],
    SUBMIT_CORRECTION: [{ materials: [{ item: 'rules', documentRef: 'r2' }] }],
    EXTEND_DECISION_LIMIT: [{ workingDays: 2, reason: '需核实' }],
    DECISION_LIMIT_PASSED: expiry('decisionLimit'),
    BEGIN_SETUP_REVIEW: [{}],
    APPROVE_SETUP: [{ documentNumber: '咸安卫医设〔2026〕1号', validUntil: '2027-03-01' }],
    REFUSE_SETUP: [{ reasons: ['不符合设置规划'] }],
    SETUP_APPROVAL_LIMIT_PASSED: expiry('setupApprovalLimit'),
    APPLY_FOR_REGISTRATION: [{ materials: [{ item: 'registrationApplication', documentRef: 'reg2' }] }],
    BEGIN_REGISTRATION_REVIEW: [{}],
    REGISTRATION_LIMIT_PASSED: expiry('registrationLimit'),
    REGISTER: [{ practiceScope: '全科医疗科' }],
    REFUSE: [{ reasons: ['现场审查不合格'] }],
    ISSUE_CERTIFICATE: [{ deliveryMethod: 'window' }],
    CERTIFICATE_LIMIT_PASSED: expiry('certificateLimit'),
    WITHDRAW: [{ reason: '撤回' }],
  },
  // Only what guards read: notice and completeness before acceptance, the latest inspection after it.
  contextKey: (c) => ({
    notice: c.acceptedAt === null ? c.supplementNotice !== null : null,
    complete: c.acceptedAt === null ? Object.keys(c.materials ?? {}).length : null,
    inspectionPassed: c.onsiteInspections?.at(-1)?.passed === true,
  }),
}
