/** Model of the department approval a one-window application routes (machines/departmentApproval.ts). */
import type { ProcedureModel } from './fixtures.ts'

const day = '2026-04-01'

export const model: ProcedureModel = {
  procedure: 'departmentApproval',
  // Created by the engine for a one-window application; the model files it directly with what routing passes.
  application: {
    procedure: 'departmentApproval',
    jurisdiction: '532601',
    institution: {
      name: '文山市第二人民医院', unifiedSocialCreditCode: '12532601MB00000002', kind: 'medicalInstitution',
      approval: { text: 'fire acceptance of the elderly-care premises', rule: 'R4b', source: '住建部令第51号' },
    },
    // One item missing, so both the one-time notice and acceptance after resubmission are reachable.
    materials: ['applicationForm', 'registrationCertificate', 'premisesProof'].map((item) => ({ item, documentRef: `doc-${item}` })),
  },
  events: {
    BEGIN_INTAKE_CHECK: [{}],
    REQUEST_SUPPLEMENT: [{ items: [{ item: 'identityDocuments', reason: '缺少材料' }] }],
    RESUBMIT: [{ materials: [{ item: 'identityDocuments', documentRef: 'i2' }] }],
    ACCEPT: [{}],
    REFUSE_INTAKE: [{ reasons: ['不属于本部门职责'] }],
    BEGIN_REVIEW: [{}],
    REQUEST_CORRECTION: [{ items: [{ item: 'premisesProof', reason: '证明不清晰' }] }],
    SUBMIT_CORRECTION: [{ materials: [{ item: 'premisesProof', documentRef: 'p2' }] }],
    SCHEDULE_INSPECTION: [{ plannedOn: day, workingDaysNeeded: 3 }],
    RECORD_INSPECTION: [{ passed: true, findings: '消防设施完好' }],
    APPROVE: [{ documentNumber: '文住建消验〔2026〕1号' }],
    REFUSE: [{ reasons: ['消防设施不符合规范'] }],
    EXTEND_DECISION_LIMIT: [{ workingDays: 2, reason: '需补充检测' }],
    INTAKE_LIMIT_PASSED: [{ clock: 'intakeLimit', dueOn: day }],
    DECISION_LIMIT_PASSED: [{ clock: 'decisionLimit', dueOn: day }],
    WITHDRAW: [{ reason: '撤回' }],
  },
  contextKey: (c) => ({
    notice: c.supplementNotice !== null,
    complete: Object.keys(c.materials ?? {}).length,
    correction: c.correctionNotice !== null,
    overdue: c.overdueSince !== null,
  }),
}
