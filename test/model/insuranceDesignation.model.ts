/**
 * Model of the medical-insurance designation (医保定点) for test/model/procedures.test.ts, and the application the
 * other insuranceDesignation tests start from.
 */
import type { ProcedureModel } from './fixtures.ts'

/** policies/000000.json insuranceDesignation.materials, in order. */
export const INSURANCE_CHECKLIST = [
  'applicationForm', 'licenceOrFiling', 'insuranceRules', 'itDocuments', 'fundForecast', 'physicianRoster', 'insuranceStaff',
] as const

export function insuranceMaterials(items: readonly string[] = INSURANCE_CHECKLIST) {
  return items.map((item) => ({ item, documentRef: `doc-${item}` }))
}

export interface InsuranceApplicationOptions {
  jurisdiction?: string
  operationStartedOn?: string
  beds?: number
  hasInsuranceDepartment?: boolean
  materials?: { item: string; documentRef: string }[]
  kind?: 'elderlyCareInstitution' | 'medicalInstitution'
  unitKind?: string | null
}

/** The internal 医务室 of a Xianning elderly home, in formal operation since 2025-11-01, 120 beds, with a 医保 department. */
export function insuranceDesignationApplication(o: InsuranceApplicationOptions = {}) {
  const unitKind = o.unitKind === undefined ? 'medicalRoom' : o.unitKind
  return {
    procedure: 'insuranceDesignation',
    jurisdiction: o.jurisdiction ?? '421202',
    institution: {
      name: '咸安区福寿养老院',
      unifiedSocialCreditCode: '52421202MJH123456E',
      kind: o.kind ?? 'elderlyCareInstitution',
      ...(unitKind === null ? {} : { unitKind, unitName: '咸安区福寿养老院医务室' }),
      beds: o.beds ?? 120,
      hasInsuranceDepartment: o.hasInsuranceDepartment ?? true,
      operationStartedOn: o.operationStartedOn ?? '2025-11-01',
    },
    materials: o.materials ?? insuranceMaterials(),
  }
}

const day = '2026-04-01'
const timer = (clock: string) => [{ clock, dueOn: day }]

export const model: ProcedureModel = {
  procedure: 'insuranceDesignation',
  // Two items missing, so both the one-time notice and acceptance after resubmission are reachable.
  application: insuranceDesignationApplication({ operationStartedOn: '2025-06-01', materials: insuranceMaterials(INSURANCE_CHECKLIST.slice(0, 5)) }),
  events: {
    BEGIN_INTAKE_CHECK: [{}],
    REQUEST_SUPPLEMENT: [{ items: [{ item: 'physicianRoster', reason: '缺少医师名册' }, { item: 'insuranceStaff', reason: '缺少医保人员名单' }] }],
    RESUBMIT: [{ materials: [{ item: 'physicianRoster', documentRef: 'p2' }, { item: 'insuranceStaff', documentRef: 's2' }] }],
    ACCEPT: [{}],
    REFUSE_INTAKE: [{ reasons: ['不属于定点申请范围'] }],
    INTAKE_LIMIT_PASSED: timer('intakeLimit'),
    RECORD_ONSITE_EVALUATION: [{ visitedOn: day, findings: '现场评估符合' }],
    REQUEST_EVALUATION_SUPPLEMENT: [{ items: [{ item: 'itDocuments', reason: '接口测试报告缺失' }] }],
    SUBMIT_EVALUATION_SUPPLEMENT: [{ materials: [{ item: 'itDocuments', documentRef: 'it2' }] }],
    BEGIN_SPECIAL_PROCEDURE: [{ kind: 'expertReview', workingDaysNeeded: 5, reason: '专家评审' }],
    END_SPECIAL_PROCEDURE: [{ findings: '专家评审通过' }],
    // The national policy sets no bound for extending the evaluation (「不得超过3个月」), so the engine refuses every
    // extension there; the HTTP test exercises it under a jurisdiction that sets a bound.
    EXTEND_EVALUATION_LIMIT: [],
    EVALUATION_LIMIT_PASSED: timer('evaluationLimit'),
    RECORD_EVALUATION_PASSED: [{ findings: '评估通过' }],
    RECORD_EVALUATION_FAILED: [{ reasons: ['医保管理制度不健全'], rectificationItems: ['完善医保管理制度'] }],
    SUBMIT_RECTIFICATION: [{ report: '已完善制度', materials: [{ item: 'insuranceRules', documentRef: 'r2' }] }],
    RECTIFICATION_LIMIT_PASSED: timer('rectificationLimit'),
    RECORD_REEVALUATION_PASSED: [{ findings: '重新评估通过' }],
    RECORD_REEVALUATION_FAILED: [{ reasons: ['整改后仍不符合'] }],
    START_PUBLICITY: [{ channel: '咸宁市医疗保障局网站' }],
    RECORD_PUBLICITY_OBJECTION: [{ objection: '举报虚构医师', verified: true, findings: '经核实属实' }],
    PUBLICITY_PERIOD_PASSED: timer('publicityPeriod'),
    REFUSE_DESIGNATION: [{ reasons: ['公示期间异议经核实成立'] }],
    SIGN_AGREEMENT: [{ agreementNumber: 'XN-2026-001' }],
    BEGIN_SYSTEM_ACTIVATION: [{}],
    DESIGNATE: [{ activatedOn: day }],
    ACTIVATION_LIMIT_PASSED: timer('activationLimit'),
    RECORD_AGREEMENT_CHECK: [{ compliant: true, findings: '协议履行正常' }],
    FLAG_NON_MEDICAL_CLAIM: [{ claimRef: 'CLM-1', service: '生活照护', amountYuan: 300, findings: '以医疗名义申报生活照护费用' }],
    RENEWAL_DUE: timer('agreementRenewal'),
    RENEW: [{ findings: '续签' }],
    SUSPEND: [{ reasons: ['违规申报生活照护费用'] }],
    RESUME: [{ findings: '已整改' }],
    TERMINATE: [{ reasons: ['拒不整改'] }],
    WITHDRAW: [{ reason: '撤回' }],
  },
  // Only the facts guards read, and only while they can still matter, so the graph stays small.
  contextKey: (c) => ({
    intake: c.acceptedAt === null ? { notice: c.supplementNotice !== null, complete: Object.keys(c.materials ?? {}).length } : null,
    onsite: (c.onsiteEvaluations as { round: number }[]).some((o) => o.round === c.round),
    objection: c.publicity !== null && c.publicity.endedAt === null && (c.publicity.objections as { verified: boolean }[]).some((o) => o.verified),
    renewalDue: c.renewalDueSince !== null,
  }),
}
