/** The medical-insurance designation machine alone: pure transitions, no database. Every cited rule has a test here. */
import t from 'tap'
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate'
import {
  insuranceDesignation, insuranceDesignationMachine, prepareInsuranceDesignation, REMEDIES, type InsuranceDesignationInput,
} from '../../machines/insuranceDesignation.ts'
import type { StateMeta } from '../../machines/types.ts'
import { loadPolicyDocuments } from '../../src/policy/store.ts'
import { policyValue, resolvePolicy } from '../../src/policy/resolve.ts'
import { stateKey } from '../../src/engine/snapshot.ts'
import { describeProcedure } from '../../src/procedures/describe.ts'
import { insuranceDesignationApplication, insuranceMaterials, INSURANCE_CHECKLIST } from '../model/insuranceDesignation.model.ts'

const documents = loadPolicyDocuments()
const view = (jurisdiction: string) => {
  const policy = resolvePolicy(documents, jurisdiction, '2026-03-02')
  return { version: policy.version, get: <T>(key: string) => policyValue<T>(policy, key) }
}
const AT = '2026-03-02T01:00:00.000Z'
const ev = (type: string, payload: Record<string, unknown> = {}, at = AT) =>
  ({ type, payload, at, actor: { id: 'x', role: 'officer' as const }, issued: { filingNumber: '421202-2026-00009' } })

function start(application = insuranceDesignationApplication()): AnyMachineSnapshot {
  const prepared = prepareInsuranceDesignation(application, view(application.jurisdiction), '2026-03-02')
  if (!prepared.ok) throw new Error(prepared.detail)
  return initialTransition(insuranceDesignationMachine, prepared.input as InsuranceDesignationInput)[0] as AnyMachineSnapshot
}

function run(s: AnyMachineSnapshot, ...events: ReturnType<typeof ev>[]): AnyMachineSnapshot {
  return events.reduce((acc, e) => transition(insuranceDesignationMachine, acc, e as never)[0] as AnyMachineSnapshot, s)
}

const onsite = ev('RECORD_ONSITE_EVALUATION', { visitedOn: '2026-03-20', findings: '现场评估符合' })
const toEvaluation = [ev('BEGIN_INTAKE_CHECK'), ev('ACCEPT')]
const failed = ev('RECORD_EVALUATION_FAILED', { reasons: ['医保管理制度不健全'], rectificationItems: ['完善医保管理制度'] })
const toNegotiation = [...toEvaluation, onsite, ev('RECORD_EVALUATION_PASSED', { findings: '通过' }), ev('START_PUBLICITY', { channel: '网站' }),
  ev('PUBLICITY_PERIOD_PASSED', { clock: 'publicityPeriod', dueOn: '2026-03-09' })]

t.test('only a medical institution or an elderly home’s internal medical unit may apply (第五条)', async (t) => {
  const prepare = (o: Parameters<typeof insuranceDesignationApplication>[0]) => prepareInsuranceDesignation(insuranceDesignationApplication(o), view('421202'), '2026-03-02')
  t.equal(prepare({}).ok, true, 'the internal 医务室 of an elderly home applies')
  t.equal(prepare({ kind: 'medicalInstitution', unitKind: null }).ok, true, 'a medical institution applies')
  t.match(prepare({ unitKind: null }), { ok: false, detail: /internal medical unit/, source: /第五条/ }, 'an elderly home without a medical unit does not')
  t.match(prepareInsuranceDesignation(insuranceDesignationApplication({ materials: [{ item: 'horoscope', documentRef: 'd' }] }), view('421202'), '2026-03-02'),
    { ok: false, detail: /horoscope/ }, 'materials outside the checklist are refused')
  const heilongjiang = (unitKind: string) => prepareInsuranceDesignation(insuranceDesignationApplication({ jurisdiction: '230102', unitKind }), view('230102'), '2026-03-02')
  t.equal(heilongjiang('medicalRoom').ok, true, 'Heilongjiang admits a 医务室 (R7b)')
  t.match(heilongjiang('nursingStation'), { ok: false, detail: /nursingStation/, source: /002_062b5e3d4777b463\.txt L43/ }, 'but not a 护理站: only 诊所、卫生室、医务室 (L43)')
  t.equal(prepare({ unitKind: 'nursingStation' }).ok, true, 'where no list is set, any internal medical unit holding a licence or filing applies (第五条)')
  const noStart = insuranceDesignationApplication()
  delete (noStart.institution as Record<string, unknown>).operationStartedOn
  t.match(prepareInsuranceDesignation(noStart, view('421202'), '2026-03-02'), { ok: false, detail: /operationStartedOn/, source: /第六条/ })
})

t.test('an application before three months of formal operation is refused naming the date it may be made (R7, 第六条)', async (t) => {
  const early = prepareInsuranceDesignation(insuranceDesignationApplication({ operationStartedOn: '2026-03-01' }), view('421202'), '2026-04-15')
  t.match(early, { ok: false, detail: /^may apply from 2026-06-01 \(eligibleFrom 2026-06-01\)/, source: /L122/ })
  t.match(early, { detail: /formal operation began on 2026-03-01/ })
  t.equal(prepareInsuranceDesignation(insuranceDesignationApplication({ operationStartedOn: '2026-03-01' }), view('421202'), '2026-05-31').ok, false, 'the day before is still early')
  const onTheDay = prepareInsuranceDesignation(insuranceDesignationApplication({ operationStartedOn: '2026-03-01' }), view('421202'), '2026-06-01')
  t.equal(onTheDay.ok, true, 'the eligibility date itself is in time')
  const monthEnd = prepareInsuranceDesignation(insuranceDesignationApplication({ operationStartedOn: '2025-11-30' }), view('421202'), '2026-03-02')
  t.match(monthEnd, { ok: true, input: { eligibility: { eligibleFrom: '2026-02-28', waitingMonths: 3 } } }, 'a month without the day ends on its last day (民法典 第二百零二条)')
})

t.test('in Wenshan an institution may apply as soon as it operates (R7a, L228)', async (t) => {
  const wenshan = prepareInsuranceDesignation(insuranceDesignationApplication({ jurisdiction: '532621', operationStartedOn: '2026-03-02' }), view('532621'), '2026-03-02')
  t.match(wenshan, { ok: true, input: { eligibility: { waitingMonths: 0, eligibleFrom: '2026-03-02', source: /L228/ } } })
})

t.test('acceptance needs every checklist item and, from 100 beds, an internal 医保 department (第六条)', async (t) => {
  t.equal(stateKey(run(start(insuranceDesignationApplication({ materials: insuranceMaterials(INSURANCE_CHECKLIST.slice(1)) })), ...toEvaluation).value), 'intake', 'a missing item blocks acceptance')
  t.equal(stateKey(run(start(insuranceDesignationApplication({ beds: 120, hasInsuranceDepartment: false })), ...toEvaluation).value), 'intake', '120 beds without a department blocks it')
  t.equal(stateKey(run(start(insuranceDesignationApplication({ beds: 100, hasInsuranceDepartment: false })), ...toEvaluation).value), 'intake', 'exactly 100 beds needs one too')
  t.equal(stateKey(run(start(insuranceDesignationApplication({ beds: 99, hasInsuranceDepartment: false })), ...toEvaluation).value), 'evaluation', '99 beds need no department')
  const accepted = run(start(), ...toEvaluation)
  t.equal(stateKey(accepted.value), 'evaluation', '120 beds with a department is accepted')
  t.equal(accepted.context.acceptedAt, AT)
})

t.test('the one-time notice at intake names every missing item, only checklist items, once', async (t) => {
  const s = run(start(insuranceDesignationApplication({ materials: insuranceMaterials(INSURANCE_CHECKLIST.slice(2)) })), ev('BEGIN_INTAKE_CHECK'))
  t.equal(stateKey(run(s, ev('REQUEST_SUPPLEMENT', { items: [{ item: 'applicationForm', reason: '缺' }] })).value), 'intake', 'leaving out licenceOrFiling is refused')
  const full = ev('REQUEST_SUPPLEMENT', { items: [{ item: 'applicationForm', reason: '缺' }, { item: 'licenceOrFiling', reason: '缺' }] })
  const asked = run(s, full)
  t.equal(stateKey(asked.value), 'supplementRequested')
  t.equal(stateKey(run(asked, ev('RESUBMIT', { materials: [{ item: 'fundForecast', documentRef: 'x' }] })).value), 'supplementRequested', 'only items of the notice may be resubmitted')
  const back = run(asked, ev('RESUBMIT', { materials: [{ item: 'applicationForm', documentRef: 'a' }, { item: 'licenceOrFiling', documentRef: 'b' }] }))
  t.equal(stateKey(back.value), 'intake')
  t.equal(stateKey(run(back, full).value), 'intake', 'no second notice')
  t.equal(stateKey(run(back, ev('ACCEPT')).value), 'evaluation')
})

t.test('an evaluation is passed only after an on-site evaluation of the same round', async (t) => {
  const evaluating = run(start(), ...toEvaluation)
  t.equal(stateKey(run(evaluating, ev('RECORD_EVALUATION_PASSED', { findings: '通过' })).value), 'evaluation', 'documents alone do not pass')
  t.equal(stateKey(run(evaluating, onsite, ev('RECORD_EVALUATION_PASSED', { findings: '通过' })).value), 'passed')
  const reEvaluating = run(evaluating, onsite, failed, ev('SUBMIT_RECTIFICATION', { report: '已整改' }))
  t.equal(stateKey(reEvaluating.value), 'reEvaluation')
  t.equal(reEvaluating.context.round, 2)
  t.equal(stateKey(run(reEvaluating, ev('RECORD_REEVALUATION_PASSED', { findings: '通过' })).value), 'reEvaluation', 'the first round’s visit does not count for the re-evaluation')
  t.equal(stateKey(run(reEvaluating, onsite, ev('RECORD_REEVALUATION_PASSED', { findings: '通过' })).value), 'passed')
})

t.test('an evaluation supplement must answer the open request', async (t) => {
  const asked = run(start(), ...toEvaluation, ev('REQUEST_EVALUATION_SUPPLEMENT', { items: [{ item: 'itDocuments', reason: '接口测试报告缺失' }] }))
  t.equal(stateKey(asked.value), 'evaluationSupplementRequested')
  t.equal(stateKey(run(asked, ev('SUBMIT_EVALUATION_SUPPLEMENT', { materials: [{ item: 'fundForecast', documentRef: 'x' }] })).value), 'evaluationSupplementRequested')
  const answered = run(asked, ev('SUBMIT_EVALUATION_SUPPLEMENT', { materials: [{ item: 'itDocuments', documentRef: 'it2' }] }))
  t.equal(stateKey(answered.value), 'evaluation')
  t.equal(answered.context.materials.itDocuments.documentRef, 'it2')
  t.not(answered.context.evaluationSupplements[0].answeredAt, null)
})

t.test('a second failed evaluation bars the institution for barMonths from the day of the decision, with remedies', async (t) => {
  const barred = run(start(), ...toEvaluation, failed, ev('SUBMIT_RECTIFICATION', { report: '已整改' }),
    ev('RECORD_REEVALUATION_FAILED', { reasons: ['整改后仍不符合'] }, '2026-08-31T16:30:00.000Z'))
  t.equal(stateKey(barred.value), 'barred')
  t.equal(barred.status, 'done')
  t.match(barred.context.bar, { decidedOn: '2026-09-01', months: 12, barredUntil: '2027-09-01', source: /barMonths|1 year/ }, 'the Shanghai day of the event, plus 12 months')
  t.same(barred.context.refusal.remedies, REMEDIES)
  t.match(barred.context.refusal.remedies, { reconsideration: { source: '行政复议法 第二十条' }, litigation: { source: '行政诉讼法 第四十六条' } })
  t.same(barred.context.evaluations.map((e: { passed: boolean; round: number }) => [e.round, e.passed]), [[1, false], [2, false]])
})

t.test('publicity: a refusal needs a verified objection; negotiation may be refused with reasons', async (t) => {
  const publicity = run(start(), ...toEvaluation, onsite, ev('RECORD_EVALUATION_PASSED', { findings: '通过' }), ev('START_PUBLICITY', { channel: '网站' }))
  t.equal(stateKey(publicity.value), 'publicity')
  const refuse = ev('REFUSE_DESIGNATION', { reasons: ['异议成立'] })
  t.equal(stateKey(run(publicity, refuse).value), 'publicity', 'no objection, no refusal')
  t.equal(stateKey(run(publicity, ev('RECORD_PUBLICITY_OBJECTION', { objection: '匿名举报', verified: false, findings: '不属实' }), refuse).value), 'publicity')
  const refused = run(publicity, ev('RECORD_PUBLICITY_OBJECTION', { objection: '虚构医师', verified: true, findings: '属实' }), refuse)
  t.equal(stateKey(refused.value), 'refused')
  t.match(refused.context.refusal, { stage: 'publicity', reasons: ['异议成立'], remedies: REMEDIES })
  const negotiationFailed = run(start(), ...toNegotiation, refuse)
  t.match(negotiationFailed.context.refusal, { stage: 'negotiation' })
})

t.test('the agreement runs agreementTermMonths from signing and renews from its end; the designation number is recorded', async (t) => {
  const designated = run(start(), ...toNegotiation, ev('SIGN_AGREEMENT', { agreementNumber: 'XN-1' }, '2026-03-30T02:00:00.000Z'),
    ev('BEGIN_SYSTEM_ACTIVATION'), ev('DESIGNATE', { activatedOn: '2026-04-02' }))
  t.equal(stateKey(designated.value), 'designated.agreementActive')
  t.match(designated.context.agreement, { agreementNumber: 'XN-1', startsOn: '2026-03-30', agreementEndsOn: '2027-03-30', termMonths: 12, renewalDueOn: '2027-02-28' },
    'renewal falls due renewalNoticeMonths (1) before the term ends, clamped to the month\'s last day')
  t.match(designated.context.designation, { designationNumber: '421202-2026-00009', activatedOn: '2026-04-02' })
  const renewalDue = ev('RENEWAL_DUE', { clock: 'agreementRenewal', dueOn: '2027-02-28' })
  const renewed = run(designated, renewalDue, ev('RENEW', { findings: '履约良好' }))
  t.equal(stateKey(renewed.value), 'designated.agreementActive')
  t.equal(renewed.context.agreement.agreementEndsOn, '2028-03-30')
  t.equal(renewed.context.agreement.renewalDueOn, '2028-02-29', 'the next term\'s renewal day (a leap year)')
  t.match(renewed.context.agreement.renewals, [{ previousEndsOn: '2027-03-30', agreementEndsOn: '2028-03-30' }])
  const flagged = run(designated, ev('FLAG_NON_MEDICAL_CLAIM', { claimRef: 'C-1', service: '生活照护', findings: '申报生活照护费用' }))
  t.equal(stateKey(flagged.value), 'designated.agreementActive', 'a flag is a finding, not a transition')
  t.match(flagged.context.supervision.nonMedicalClaims, [{ claimRef: 'C-1', service: '生活照护', amountYuan: null, source: /L122/ }])
  const suspended = run(designated, ev('SUSPEND', { reasons: ['违规'] }))
  t.equal(stateKey(suspended.value), 'designated.suspended')
  t.equal(stateKey(run(suspended, ev('RESUME', { findings: '已整改' })).value), 'designated.agreementActive')
  const dueWhileSuspended = run(suspended, renewalDue)
  t.equal(stateKey(dueWhileSuspended.value), 'designated.suspended', 'the term runs on while suspended: renewal falling due is recorded')
  t.ok(dueWhileSuspended.context.renewalDueSince)
  t.equal(stateKey(run(dueWhileSuspended, ev('RESUME', { findings: '已整改' })).value), 'designated.renewalDue', 'and decided once the suspension lifts (renewalDueRecorded)')
  const terminated = run(suspended, ev('TERMINATE', { reasons: ['拒不整改'] }))
  t.equal(stateKey(terminated.value), 'terminated')
  t.same(terminated.context.termination.remedies, REMEDIES)
  t.equal(stateKey(run(designated, ev('WITHDRAW')).value), 'designated.agreementActive', 'no withdrawal after designation')
})

t.test('the single Wenshan limit is declared from submission through system activation, and nowhere after', async (t) => {
  const declares = (path: string) => ((insuranceDesignationMachine.getStateNodeById(`insuranceDesignation.${path}`).meta as StateMeta | undefined)?.clocks ?? [])
    .find((c) => c.name === 'activationLimit')
  for (const s of ['submitted', 'intake', 'evaluation', 'reEvaluation', 'passed', 'publicity', 'negotiation', 'agreementSigned', 'systemActivation']) {
    t.equal(declares(s)?.mode, 'run', `runs in ${s}`)
  }
  for (const s of ['supplementRequested', 'evaluationSupplementRequested', 'rectification']) t.match(declares(s), { mode: 'pause', pauseKind: 'supplement' }, `paused in ${s}`)
  t.match(declares('evaluationSpecialProcedure'), { mode: 'pause', pauseKind: 'specialProcedure' })
  for (const s of ['designated', 'designated.agreementActive', 'barred', 'withdrawn']) t.equal(declares(s), undefined, `not declared in ${s}`)
  t.equal(insuranceDesignation.clocks.activationLimit!.optional, true, 'opens only where the policy sets insuranceDesignation.endToEnd.statutory')
})

t.test('every state is reachable, every non-final state has a way out, every event is used, everything cites a source', async (t) => {
  const d = describeProcedure(insuranceDesignation)
  const targets = new Set(d.states.flatMap((s) => s.transitions.map((x) => x.target)))
  for (const s of d.states) {
    t.ok(s.source, `${s.state} cites its source`)
    if (s.state === d.initialState || s.state === 'designated' || s.state === 'designated.agreementActive') continue
    t.ok(targets.has(s.state), `${s.state} is reachable`)
    if (!s.final && !s.state.startsWith('designated')) t.ok(s.transitions.length > 0, `${s.state} has a way out`)
  }
  for (const e of Object.keys(insuranceDesignation.events)) {
    if (e === insuranceDesignation.creationEvent) continue
    t.ok(d.states.some((s) => s.transitions.some((x) => x.event === e)), `${e} is used by some state`)
    t.ok(insuranceDesignation.events[e]!.source.length > 3, `${e} cites its source`)
  }
  for (const r of d.rules) t.ok(r.source.length > 3, `rule ${r.name} cites its source`)
})
