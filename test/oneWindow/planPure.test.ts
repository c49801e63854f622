/**
 * plan() without a database: the paths the HTTP tests do not reach (两证合一's two-step path, a promised limit), and
 * that every happy path names states its machine has. Today is Monday 2026-09-28 (国庆节 10-01..07, 10-10 worked).
 */
import t from 'tap'
import { loadPolicyDocuments } from '../../src/policy/store.ts'
import { resolvePolicy, type ResolvedPolicy } from '../../src/policy/resolve.ts'
import { createWorkCalendar, loadOfficialYears } from '../../src/calendar/index.ts'
import { plan } from '../../src/oneWindow/plan.ts'
import type { InstitutionProfile } from '../../src/policy/decide.ts'

const documents = loadPolicyDocuments()
const cal = createWorkCalendar(loadOfficialYears(), [])
const TODAY = '2026-09-28'
const run = (jurisdiction: string, profile: InstitutionProfile, policy: ResolvedPolicy = resolvePolicy(documents, jurisdiction, TODAY)) =>
  plan({ jurisdiction, profile }, policy, cal, TODAY)

t.test('an excluded kind takes the two-step path: setup approval, then registration', async (t) => {
  const p = run('421202', { founder: 'elderlyCareInstitution', adds: 'medicalInstitution', medicalKind: 'emergencyStation' })
  const item = p.items[0]!
  t.match(item, { procedure: 'twoCertificates', path: 'twoStep', titleZh: '医疗机构设置审批、执业登记' })
  t.same(item.steps.map((s) => s.state), ['submitted', 'intakeCheck', 'accepted.twoStep', 'setupReview', 'setupApproved', 'registrationApplied', 'registrationReview', 'registrationInspection', 'registered', 'certificateIssued'])
  t.same(item.schedule.stages.map((s) => [s.key, s.amount]), [['twoCertificates.intake', 5], ['twoCertificates.setupApproval', 30], ['twoCertificates.registration', 45], ['twoCertificates.certificate', 10]])
  t.ok(item.schedule.notes.some((n) => /不计入/.test(n.textZh)), 'the applicant\'s time between the steps is not counted')
})

t.test('a promised limit (承诺时限) is counted; the statutory chain gives the latest lawful date', async (t) => {
  const policy = resolvePolicy(documents, '421202', TODAY)
  policy.values['clinicFiling.decision.promised'] = { value: { amount: 5, unit: 'workingDays' }, source: 'test: 咸安区 承诺 5 个工作日', from: '421202', version: 'test' }
  const p = run('421202', { founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit', unitKind: 'clinic' }, policy)
  const decision = p.items[0]!.schedule.stages[1]!
  t.match(decision, { basis: 'promised', amount: 5, from: '2026-10-10', due: '2026-10-16', statutoryDue: '2026-10-23' })
  t.match(p.expectedCompletion, { expectedBy: '2026-10-16', statutoryBy: '2026-10-23' })
  t.match(p.items[0]!.limits[1], { promised: { amount: 5, source: /承诺/ }, statutory: { amount: 10 } })
})

t.test('the reference depends on the request, not on the order of its keys', async (t) => {
  const a = run('421202', { founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit', unitKind: 'clinic' })
  const b = run('421202', { unitKind: 'clinic', founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit' })
  const c = run('421202', { founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit', unitKind: 'nursingStation' })
  t.equal(a.reference, b.reference)
  t.not(a.reference, c.reference)
})
