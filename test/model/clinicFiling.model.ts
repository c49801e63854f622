/** Model of the internal-clinic filing for test/model/procedures.test.ts. */
import { clinicFilingApplication, materials, CLINIC_CHECKLIST } from '../helpers/factories.ts'
import type { ProcedureModel } from './fixtures.ts'

const day = '2026-04-01'

export const model: ProcedureModel = {
  procedure: 'clinicFiling',
  // Two items missing, so both the one-time notice and acceptance after resubmission are reachable.
  application: clinicFilingApplication({ materials: materials(CLINIC_CHECKLIST.slice(0, 8)) }),
  events: {
    BEGIN_INTAKE_CHECK: [{}],
    REQUEST_SUPPLEMENT: [{ items: [{ item: 'medicalWasteContract', reason: '缺少材料' }, { item: 'identityDocuments', reason: '缺少材料' }] }],
    RESUBMIT: [{ materials: [{ item: 'medicalWasteContract', documentRef: 'm2' }, { item: 'identityDocuments', documentRef: 'i2' }] }],
    ACCEPT: [{}],
    REFUSE_INTAKE: [{ reasons: ['不符合备案条件'] }],
    BEGIN_REVIEW: [{}],
    SCHEDULE_ONSITE_CHECK: [{ plannedOn: day, workingDaysNeeded: 2 }],
    RECORD_ONSITE_RESULT: [{ passed: true, findings: '符合' }],
    REQUEST_CORRECTION: [{ items: [{ item: 'rules', reason: '制度不全' }] }],
    SUBMIT_CORRECTION: [{ materials: [{ item: 'rules', documentRef: 'r2' }] }],
    EXTEND_DECISION_LIMIT: [{ workingDays: 2, reason: '需核实' }],
    FILE: [{ scope: '内科' }],
    RETURN: [{ reasons: ['不符合基本标准'] }],
    SCHEDULE_INSPECTION: [{ plannedOn: day }],
    RECORD_INSPECTION_PASSED: [{ findings: '合格' }],
    RECORD_INSPECTION_FAILED: [{ findings: ['不合格'], rectifyBy: '2026-05-01' }],
    CONFIRM_RECTIFIED: [{ findings: '已整改' }],
    REVOKE_FILING: [{ reasons: ['逾期未整改'] }],
    INTAKE_LIMIT_PASSED: [{ clock: 'intakeLimit', dueOn: day }],
    DECISION_LIMIT_PASSED: [{ clock: 'decisionLimit', dueOn: day }],
    WITHDRAW: [{ reason: '撤回' }],
  },
  contextKey: (c) => ({
    notice: c.supplementNotice !== null,
    complete: Object.keys(c.materials ?? {}).length,
    overdue: c.overdueSince !== null,
  }),
}

