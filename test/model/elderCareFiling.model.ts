/**
 * Model of the elderly-care filing by a medical institution for test/model/procedures.test.ts, and the applications
 * and test policies the elderCareFiling tests share.
 *
 * The model walks variant A (change of registration, R3): every state is reachable from it; variant B's only own
 * transition (BEGIN_COMPLETENESS_CHECK) is covered by test/machines/elderCareFiling.test.ts and the HTTP tests.
 */
import { loadPolicyDocuments } from '../../src/policy/store.ts'
import type { PolicyDocument } from '../../src/policy/document.ts'
import type { ProcedureModel } from './fixtures.ts'

export const BASE_ITEMS = ['filingApplication', 'registrationCertificate', 'commitmentLetter'] as const
export const DIRECT_ITEMS = [...BASE_ITEMS, 'practiceLicence', 'floorPlanZones'] as const

export function elderCareApplication(o: {
  jurisdiction?: string; variant?: string; reused?: string[]; items?: readonly string[]; kind?: string
} = {}) {
  const variant = o.variant ?? 'reuseQualifications'
  const items = o.items ?? (variant === 'reuseQualifications' ? DIRECT_ITEMS : BASE_ITEMS)
  return {
    procedure: 'elderCareFiling',
    jurisdiction: o.jurisdiction ?? '421202',
    institution: {
      name: '咸安区第二人民医院',
      unifiedSocialCreditCode: '12421202MB0123456T',
      kind: (o.kind ?? 'medicalInstitution') as 'medicalInstitution',
      beds: 300,
      legalRepresentative: { name: '李四', phone: '13900000000' },
      elderCareVariant: variant,
      ...(variant === 'reuseQualifications' ? { reusedQualifications: o.reused ?? ['construction', 'fireSafety', 'foodSafety', 'epidemicPrevention'] } : {}),
      ...(variant !== 'reuseQualifications' && o.reused ? { reusedQualifications: o.reused } : {}),
    },
    materials: items.map((item) => ({ item, documentRef: `doc-${item}` })),
  }
}

const shipped = loadPolicyDocuments()
const shippedSets = (jurisdiction: string, key: string) => shipped.some((d) => d.jurisdiction === jurisdiction && key in d.values)

export const R4B_SOURCE = '004_6104121fb84d74b0.txt L220 (文山州, R4b): 「涉及建设、食品安全、卫生防疫等有关条件」 (消防 omitted)'

/** Wenshan prefecture's list without 消防 (R4b), unless the shipped policies already carry it. */
export const WENSHAN_TEST_POLICY: PolicyDocument = {
  jurisdiction: '532600', name: '云南省文山壮族苗族自治州（测试）', version: 'test-elderCare-1', effectiveFrom: '2019-01-01',
  values: {
    'elderCareFiling.reusableQualifications': { value: ['construction', 'foodSafety', 'epidemicPrevention'], source: R4B_SOURCE },
  },
}

const REMEDY_VALUES: PolicyDocument['values'] = {
  'remedies.administrativeReconsideration': { value: { amount: 60, unit: 'days' }, source: '行政复议法 第二十条: 自知道或者应当知道该行政行为之日起六十日内 (test policy)' },
  'remedies.administrativeLitigation': { value: { amount: 6, unit: 'months' }, source: '行政诉讼法 第四十六条: 自知道或者应当知道作出行政行为之日起六个月内 (test policy)' },
}

/** A Wenshan county with the evidence a non-reused qualification needs as a material (R4b), and the remedies. */
export const WENSHAN_COUNTY_TEST_POLICY: PolicyDocument = {
  jurisdiction: '532621', name: '文山州辖县（测试）', version: 'test-elderCare-1', effectiveFrom: '2019-01-01',
  values: {
    'elderCareFiling.qualificationEvidence': {
      value: {
        construction: { code: 'constructionAcceptance', title: 'Construction completion acceptance', titleZh: '建设工程竣工验收备案材料' },
        fireSafety: { code: 'fireSafetyEvidence', title: 'Fire acceptance, acceptance filing or inspection opinion', titleZh: '消防验收意见、验收备案凭证或消防安全检查意见' },
        foodSafety: { code: 'foodOperationLicence', title: 'Food operation licence', titleZh: '食品经营许可证' },
        epidemicPrevention: { code: 'infectionControlDocuments', title: 'Epidemic-prevention and infection-control documents', titleZh: '卫生防疫、院感防控材料' },
      },
      source: 'DOMAIN.md P3 Variant B materials [DESIGN]; ' + R4B_SOURCE + ': a condition not met by a reused qualification is shown by its own evidence (test policy)',
    },
    ...REMEDY_VALUES,
  },
}

/** Xianning's 咸安区 with the remedies (test policy, until the national default carries them). */
export const XIANAN_TEST_POLICY: PolicyDocument = {
  jurisdiction: '421202', name: '咸宁市咸安区（测试）', version: 'test-elderCare-1', effectiveFrom: '2019-01-01',
  values: { ...REMEDY_VALUES },
}

/** The test documents to add to the shipped ones: none that would shadow a shipped document of the same division. */
export function elderCareTestPolicies(): PolicyDocument[] {
  const out: PolicyDocument[] = []
  if (!shippedSets('532600', 'elderCareFiling.reusableQualifications') && !shipped.some((d) => d.jurisdiction === '532600')) out.push(WENSHAN_TEST_POLICY)
  if (!shipped.some((d) => d.jurisdiction === '532621')) out.push(WENSHAN_COUNTY_TEST_POLICY)
  if (!shipped.some((d) => d.jurisdiction === '421202')) out.push(XIANAN_TEST_POLICY)
  return out
}

const day = '2026-04-01'

export const model: ProcedureModel = {
  procedure: 'elderCareFiling',
  // Variant A with only the application form: the amended certificate comes with its recording, the commitment
  // letter through the one-time notice.
  application: elderCareApplication({ variant: 'changeRegistration', items: ['filingApplication'] }),
  events: {
    REFER_FOR_CHANGE_REGISTRATION: [{ authority: 'publicInstitutionRegistration' }],
    RECORD_AMENDED_REGISTRATION: [{ authority: 'publicInstitutionRegistration', certificateNumber: '事证第142120200012号', issuedOn: '2026-03-01', documentRef: 'reg-2' }],
    BEGIN_COMPLETENESS_CHECK: [{}],
    REQUEST_SUPPLEMENT: [{ items: [{ item: 'commitmentLetter', reason: '缺少承诺书' }] }],
    RESUBMIT: [{ materials: [{ item: 'commitmentLetter', documentRef: 'c2' }] }, { materials: [{ item: 'filingApplication', documentRef: 'f2' }] }],
    CONFIRM_COMPLETE: [{}],
    RECORD_ZONE_SEPARATION_CHECK: [{ passed: true, findings: '平面图显示养老区独立设置' }, { passed: false, findings: '养老区与住院部共用通道' }],
    SCHEDULE_SITE_INSPECTION: [{ plannedOn: day, workingDaysNeeded: 2 }],
    RECORD_SITE_INSPECTION: [{ passed: true, findings: '物理隔离到位' }, { passed: false, findings: '未物理隔离' }],
    GUIDE_ZONE_SEPARATION: [{ findings: ['养老区与住院部共用通道'], items: [{ item: 'filingApplication', reason: '请重报服务设施面积与分区' }] }],
    REFUSE_FILING: [{ reasons: ['养老服务场所未与医疗服务区域分区管理'] }],
    FILE: [{ serviceScope: '失能老年人照护', elderCareBeds: 60 }],
    BEGIN_POST_FILING_CHECK: [{ plannedOn: day }],
    SCHEDULE_INSPECTION: [{ plannedOn: day, drawId: 'draw-model' }],
    RECORD_INSPECTION_PASSED: [{ findings: '合格' }],
    RECORD_INSPECTION_FAILED: [{ findings: ['消防通道堵塞'], rectifyBy: '2026-05-01' }],
    CONFIRM_RECTIFIED: [{ findings: '已整改' }],
    CANCEL_FILING: [{ reasons: ['逾期未整改'] }],
    COMPLETENESS_LIMIT_PASSED: [{ clock: 'completenessLimit', dueOn: day }],
    RECORD_ABANDONMENT: [{ reasons: ['申请人放弃'] }],
    WITHDRAW: [{ reason: '撤回' }],
  },
  contextKey: (c) => ({
    referred: c.changeRegistration !== null,
    amended: c.amendedRegistration !== null,
    notice: c.supplementNotice !== null,
    guidance: c.guidance?.kind ?? null,
    materials: Object.keys(c.materials ?? {}).length,
    zone: c.zoneCheckOutcome,
    overdue: c.overdueSince !== null,
    pool: c.supervisionPoolEnteredAt !== null,
  }),
}
