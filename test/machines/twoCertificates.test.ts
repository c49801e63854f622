/** The two-certificates machine alone: path rules, guards, pure transitions, no database. Every cited rule has a test here. */
import t from 'tap'
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate'
import { getShortestPaths } from '@xstate/graph'
import {
  decidePath, prepareTwoCertificates, twoCertificates, twoCertificatesMachine, twoCertificatesRules, type MedicalProfile, type TwoCertificatesInput,
} from '../../machines/twoCertificates.ts'
import type { CaseRequest, PolicyView, ProcedureEvent, Role } from '../../machines/types.ts'
import { loadPolicyDocuments } from '../../src/policy/store.ts'
import { policyValue, resolvePolicy } from '../../src/policy/resolve.ts'
import { stateKey } from '../../src/engine/snapshot.ts'
import { describeProcedure } from '../../src/procedures/describe.ts'
import { combinedApplication, model, twoStepApplication } from '../model/twoCertificates.model.ts'

const documents = loadPolicyDocuments()
const view = (jurisdiction: string, extra: Record<string, { value: unknown; source: string }> = {}): PolicyView => {
  const policy = resolvePolicy(documents, jurisdiction, '2026-03-02')
  return { version: policy.version, get: <T>(key: string) => (extra[key] as { value: T; source: string } | undefined) ?? policyValue<T>(policy, key) }
}

const CHECKLIST = [
  'registrationApplication', 'feasibilityStudy', 'siteReport', 'premisesProof', 'founderDocuments',
  'staffQualifications', 'equipmentList', 'rules', 'fireSafetyEvidence', 'medicalWasteContract',
]
const complete = CHECKLIST.map((item) => ({ item, documentRef: `doc-${item}` }))

function request(jurisdiction: string, medical: Partial<MedicalProfile> & Record<string, unknown>, materials = complete): CaseRequest {
  return {
    jurisdiction,
    institution: { name: '某养老院', kind: 'elderlyCareInstitution', medicalKind: 'clinic', medicalLevel: 1, ownership: 'domestic', ...medical },
    materials,
  }
}
const pathIn = (jurisdiction: string, medical: Partial<MedicalProfile>) => {
  const prepared = prepareTwoCertificates(request(jurisdiction, medical), view(jurisdiction))
  if (!prepared.ok) throw new Error(prepared.detail)
  return (prepared.input as TwoCertificatesInput).path
}

const NOW = Date.parse('2026-03-02T01:00:00.000Z')
const ev = (type: string, payload: Record<string, unknown> = {}, at = new Date(NOW).toISOString()): ProcedureEvent =>
  ({ type, payload, at, actor: { id: `${type.toLowerCase()}-actor`, role: 'officer' }, issued: { filingNumber: '421202-2026-00009' } })

function start(req: CaseRequest = request('421202', {}), policy = view(req.jurisdiction)): AnyMachineSnapshot {
  const prepared = prepareTwoCertificates(req, policy)
  if (!prepared.ok) throw new Error(prepared.detail)
  return initialTransition(twoCertificatesMachine, prepared.input as TwoCertificatesInput)[0] as AnyMachineSnapshot
}
const run = (s: AnyMachineSnapshot, ...events: ProcedureEvent[]) =>
  events.reduce((acc, e) => transition(twoCertificatesMachine, acc, e as never)[0] as AnyMachineSnapshot, s)
const at = (s: AnyMachineSnapshot) => stateKey(s.value)

const accepted = (req?: CaseRequest) => run(start(req), ev('BEGIN_INTAKE_CHECK'), ev('ACCEPT'))
const inspected = (passed: boolean) => run(accepted(), ev('START_PUBLICITY', { channel: '网站', workingDaysNeeded: 5 }), ev('PUBLICITY_PERIOD_ENDED', { clock: 'publicityPeriod', dueOn: '2026-03-09' }),
  ev('SCHEDULE_ONSITE_INSPECTION', { plannedOn: '2026-03-12', workingDaysNeeded: 2 }), ev('RECORD_ONSITE_RESULT', { passed, findings: passed ? '符合' : '不符合' }))
const lab = request('421202', { kind: 'medicalInstitution', medicalKind: 'clinicalLaboratoryCentre', medicalLevel: undefined })
const setupApproved = (validUntil = '2027-03-01') => run(accepted(lab), ev('BEGIN_SETUP_REVIEW'), ev('APPROVE_SETUP', { documentNumber: '卫医设〔2026〕1号', validUntil }))

t.test('under the national defaults each of the seven excluded kinds takes the two-step path, with the notice as its source (R2c)', async (t) => {
  const cases: [Partial<MedicalProfile>, string][] = [
    [{ medicalKind: 'hospital', medicalLevel: 3 }, 'tertiaryHospital'],
    [{ medicalKind: 'rehabilitationHospital', medicalLevel: 3 }, 'tertiaryHospital'],
    [{ medicalKind: 'maternalChildHealth', medicalLevel: 3 }, 'tertiaryMaternalChildHealth'],
    [{ medicalKind: 'emergencyCentre', medicalLevel: null }, 'emergencyCentre'],
    [{ medicalKind: 'emergencyStation', medicalLevel: null }, 'emergencyStation'],
    [{ medicalKind: 'clinicalLaboratoryCentre', medicalLevel: null }, 'clinicalLaboratoryCentre'],
    [{ ownership: 'sinoForeignJointVenture' }, 'sinoForeignJointVenture'],
    [{ ownership: 'hkMacaoTaiwanWhollyOwned' }, 'hkMacaoTaiwanWhollyOwned'],
  ]
  for (const [medical, code] of cases) {
    t.match(pathIn('440106', medical), { path: 'twoStep', rule: 'excludedKind', excludedAs: [code], source: /国卫医发〔2018〕19号/ }, `${code} is excluded`)
  }
  t.match(pathIn('440106', { medicalKind: 'hospital', medicalLevel: 2 }), { path: 'combined', rule: 'twoCertificatesApplies' }, 'a 二级 hospital takes two certificates in one')
  t.match(pathIn('440106', { medicalKind: 'maternalChildHealth', medicalLevel: 2 }), { path: 'combined' }, 'so does a 二级 妇幼保健院')
  t.match(pathIn('440106', { medicalKind: 'nursingHome', medicalLevel: 3 }), { path: 'twoStep', rule: 'aboveMaxLevel', source: /二级及以下/ },
    'an ungraded kind declared 三级 is above the level bound')
  t.match(pathIn('440106', { medicalKind: 'nursingHome', medicalLevel: null }), { path: 'combined' }, 'an ungraded 护理院 takes two certificates in one')
})

t.test('the exclusion list and the level bound are the jurisdiction’s data (DOMAIN.md §3 #2)', async (t) => {
  t.match(pathIn('421202', { medicalKind: 'hospital', medicalLevel: 3 }), { path: 'twoStep', rule: 'aboveMaxLevel', excludedAs: [], source: /004_6104121fb84d74b0\.txt L108/ },
    'Xianning names five kinds; its 二级及以下 keeps a 三级医院 out (L108)')
  t.match(pathIn('421202', { ownership: 'hkMacaoTaiwanWhollyOwned' }), { path: 'twoStep', excludedAs: ['hkMacaoTaiwanWhollyOwned'], source: /L108/ })
  t.match(pathIn('532621', { medicalKind: 'hospital', medicalLevel: 3 }), { path: 'combined', maxLevel: null }, 'Wenshan sets no level bound (L221)')
  t.match(pathIn('532621', { ownership: 'sinoForeignJointVenture' }), { path: 'combined' }, 'Wenshan does not exclude joint ventures (L220)')
  t.match(pathIn('532621', { medicalKind: 'emergencyStation', medicalLevel: null }), { path: 'twoStep', excludedAs: ['emergencyStation'], source: /L220/ })
  t.match(pathIn('500112', { medicalKind: 'emergencyCentre', medicalLevel: 2 }), { path: 'combined', excludedKinds: [] }, 'the Chongqing district names no exclusion (L194)')
  t.match(pathIn('500112', { medicalKind: 'hospital', medicalLevel: 3 }), { path: 'twoStep', rule: 'aboveMaxLevel', source: /L194/ })

  const direct = decidePath({ medicalKind: 'clinic', medicalLevel: 2, ownership: 'domestic' }, { value: [], source: 's1' }, { value: 1, source: 's2' })
  t.match(direct, { path: 'twoStep', rule: 'aboveMaxLevel', source: 's2', reason: /level 2 is above level 1/ }, 'the decision names its rule, reason and source')
  t.match(decidePath({ medicalKind: 'clinic', medicalLevel: null, ownership: 'domestic' }, { value: [], source: 's1' }, { value: 2, source: 's2' }), { path: 'combined', source: 's1; s2' })
})

t.test('the procedure applies only to a medical institution described well enough to decide its path', async (t) => {
  const no = (medical: Record<string, unknown>, detail: RegExp, why: string) =>
    t.match(prepareTwoCertificates(request('421202', medical), view('421202')), { ok: false, detail }, why)
  no({ kind: 'citizen' }, /elderly-care institution/, 'an institution of another kind')
  no({ adds: 'elderlyCare' }, /adds/, 'an institution adding elderly care files with civil affairs')
  no({ medicalKind: undefined }, /medicalKind/, 'no kind of medical institution')
  no({ medicalKind: 'spa' }, /medicalKind/, 'an unknown kind')
  no({ ownership: undefined }, /ownership/, 'no ownership: it decides an exclusion')
  no({ medicalKind: 'hospital', medicalLevel: undefined }, /medicalLevel is required/, 'a hospital without its grade')
  no({ medicalLevel: 4 }, /medicalLevel must be 1, 2 or 3/, 'a grade that does not exist')
  t.match(prepareTwoCertificates(request('421202', {}, [{ item: 'capitalVerification', documentRef: 'd' }]), view('421202')),
    { ok: false, detail: /capitalVerification/ }, 'no 验资证明 or other item outside the checklist (R2c; 行政许可法 第三十一条)')
  t.equal(prepareTwoCertificates(request('421202', { kind: 'medicalInstitution', medicalKind: 'outpatientDepartment', medicalLevel: undefined }), view('421202')).ok, true,
    'a medical institution registering a 门诊部 applies')
})

t.test('acceptance needs every checklist item and lands on the path pinned at submission; so does deemed acceptance', async (t) => {
  const incomplete = run(start(request('421202', {}, complete.slice(1))), ev('BEGIN_INTAKE_CHECK'))
  t.equal(at(run(incomplete, ev('ACCEPT'))), 'intakeCheck', 'hasAllRequiredMaterials')
  t.equal(at(accepted()), 'accepted.combined')
  t.equal(at(accepted(lab)), 'accepted.twoStep')
  const deemed = run(start(lab), ev('INTAKE_LIMIT_PASSED', { clock: 'intakeLimit', dueOn: '2026-03-09' }))
  t.equal(at(deemed), 'accepted.twoStep')
  t.equal(deemed.context.deemedAccepted, true)
  t.equal(at(run(start(), ev('BEGIN_INTAKE_CHECK'), ev('INTAKE_LIMIT_PASSED', { clock: 'intakeLimit', dueOn: '2026-03-09' }))), 'accepted.combined')
})

t.test('the one-time notice lists every missing item, only checklist items, once', async (t) => {
  const s = run(start(request('421202', {}, complete.slice(2))), ev('BEGIN_INTAKE_CHECK'))
  t.equal(at(run(s, ev('REQUEST_SUPPLEMENT', { items: [{ item: 'registrationApplication', reason: '缺' }] }))), 'intakeCheck', 'leaving out feasibilityStudy is refused')
  const full = ev('REQUEST_SUPPLEMENT', { items: [{ item: 'registrationApplication', reason: '缺' }, { item: 'feasibilityStudy', reason: '缺' }] })
  const asked = run(s, full)
  t.equal(at(asked), 'supplementRequested')
  t.equal(at(run(asked, ev('RESUBMIT', { materials: [{ item: 'rules', documentRef: 'x' }] }))), 'supplementRequested', 'only items of the notice')
  const back = run(asked, ev('RESUBMIT', { materials: [{ item: 'registrationApplication', documentRef: 'a' }, { item: 'feasibilityStudy', documentRef: 'b' }] }))
  t.equal(at(back), 'intakeCheck')
  t.equal(at(run(back, full)), 'intakeCheck', 'no second notice')
  t.equal(at(run(back, ev('ACCEPT'))), 'accepted.combined')
})

t.test('the publicity notice tells at least the pinned publicity period, and objections are recorded for the review', async (t) => {
  const a = accepted()
  t.same(a.context.publicityPeriod, { amount: 5, unit: 'workingDays', source: a.context.publicityPeriod.source })
  t.equal(at(run(a, ev('START_PUBLICITY', { channel: '网站', workingDaysNeeded: 4 }))), 'accepted.combined', 'publicityNoticeCoversPeriod')
  const p = run(a, ev('START_PUBLICITY', { channel: '区卫健局网站', workingDaysNeeded: 7 }), ev('RECORD_PUBLICITY_OBJECTION', { objection: '噪声扰民' }))
  t.equal(at(p), 'publicity')
  t.match(p.context.publicity, { channel: '区卫健局网站', noticeWorkingDays: 7, objections: [{ objection: '噪声扰民' }], endedAt: null })
  const ended = run(p, ev('PUBLICITY_PERIOD_ENDED', { clock: 'publicityPeriod', dueOn: '2026-03-11' }))
  t.equal(at(ended), 'documentReview')
  t.ok(ended.context.publicity.endedAt)
})

t.test('registration needs a passed latest on-site inspection; the registration number goes on the certificate', async (t) => {
  t.equal(at(run(inspected(false), ev('REGISTER', { practiceScope: '全科' }))), 'documentReview', 'onsiteInspectionPassed (实施细则 第二十六条)')
  const reinspected = run(inspected(false), ev('SCHEDULE_ONSITE_INSPECTION', { plannedOn: '2026-03-20', workingDaysNeeded: 1 }), ev('RECORD_ONSITE_RESULT', { passed: true, findings: '整改后符合' }))
  const registered = run(reinspected, ev('REGISTER', { practiceScope: '全科医疗科' }))
  t.equal(at(registered), 'registered', 'a later passed inspection counts')
  t.match(registered.context.registration, { registrationNumber: '421202-2026-00009', practiceScope: '全科医疗科', beds: null })
  const issued = run(registered, ev('ISSUE_CERTIFICATE', { deliveryMethod: 'post' }))
  t.equal(issued.status, 'done')
  t.match(issued.context.certificate, { registrationNumber: '421202-2026-00009', deliveryMethod: 'post' })
})

t.test('a correction after acceptance asks only for checklist items and is answered only with them', async (t) => {
  const review = run(accepted(), ev('START_PUBLICITY', { channel: '网站', workingDaysNeeded: 5 }), ev('PUBLICITY_PERIOD_ENDED', { clock: 'publicityPeriod', dueOn: '2026-03-09' }))
  t.equal(at(run(review, ev('REQUEST_CORRECTION', { items: [{ item: 'capitalVerification', reason: '验资' }] }))), 'documentReview', 'correctionNoticeNamesChecklistItems')
  const asked = run(review, ev('REQUEST_CORRECTION', { items: [{ item: 'staffQualifications', reason: '护士证过期' }] }))
  t.equal(at(asked), 'correctionRequested')
  t.equal(at(run(asked, ev('SUBMIT_CORRECTION', { materials: [{ item: 'rules', documentRef: 'r' }] }))), 'correctionRequested', 'correctionAnswersNotice')
  const back = run(asked, ev('SUBMIT_CORRECTION', { materials: [{ item: 'staffQualifications', documentRef: 's2' }] }))
  t.equal(at(back), 'documentReview')
  t.equal(back.context.materials.staffQualifications.documentRef, 's2')
})

t.test('the two-step path registers only while the 设置医疗机构批准书 is valid, with checklist items only', async (t) => {
  const approved = setupApproved('2026-06-30')
  t.match(approved.context.setupApproval, { documentNumber: '卫医设〔2026〕1号', validUntil: '2026-06-30' })
  const apply = (day: string, materials = [{ item: 'registrationApplication', documentRef: 'r2' }]) => run(approved, ev('APPLY_FOR_REGISTRATION', { materials }, day))
  t.equal(at(apply('2026-06-30T15:59:59.000Z')), 'registrationApplied', 'on the last day of validity (Asia/Shanghai)')
  t.equal(at(apply('2026-06-30T16:00:00.000Z')), 'setupApproved', 'setupApprovalStillValid: 07-01 in Shanghai is too late')
  t.equal(at(apply('2026-04-01T01:00:00.000Z', [{ item: 'capitalVerification', documentRef: 'c' }])), 'setupApproved', 'registrationMaterialsOnChecklist')
  const applied = apply('2026-04-01T01:00:00.000Z')
  t.same(applied.context.registrationApplication.items, ['registrationApplication'])
  const review = run(applied, ev('BEGIN_REGISTRATION_REVIEW'))
  t.equal(at(run(review, ev('REGISTER', { practiceScope: '医学检验科' }))), 'registrationReview', 'no registration without the on-site inspection')
  const done = run(review, ev('SCHEDULE_ONSITE_INSPECTION', { plannedOn: '2026-04-08', workingDaysNeeded: 2 }), ev('RECORD_ONSITE_RESULT', { passed: true, findings: '符合' }), ev('REGISTER', { practiceScope: '医学检验科' }))
  t.equal(at(done), 'registered')
})

t.test('every refusal carries its reasons and the remedies: from the policy when it sets them, else the statutes', async (t) => {
  const statute = run(accepted(lab), ev('BEGIN_SETUP_REVIEW'), ev('REFUSE_SETUP', { reasons: ['不符合设置规划'] }))
  t.equal(at(statute), 'setupRefused')
  t.match(statute.context.setupRefusal, {
    reasons: ['不符合设置规划'],
    remedies: [
      { kind: 'administrativeReconsideration', within: { amount: 60, unit: 'days', source: /行政复议法.*第二十条/ } },
      { kind: 'administrativeLitigation', within: { amount: 6, unit: 'months', source: /行政诉讼法 第四十六条/ } },
    ],
  })
  const policy = view('421202', { 'remedies.administrativeReconsideration': { value: { amount: 60, unit: 'days' }, source: 'test policy: 行政复议法 第二十条' } })
  const refused = run(start(request('421202', {}), policy), ev('BEGIN_INTAKE_CHECK'), ev('REFUSE_INTAKE', { reasons: ['不属于本机关职权'] }))
  t.equal(at(refused), 'notAccepted')
  t.match(refused.context.intakeRefusal.remedies, [{ within: { source: 'test policy: 行政复议法 第二十条' } }, { within: { source: /行政诉讼法/ } }])
  const afterInspection = run(inspected(false), ev('REFUSE', { reasons: ['现场审查不合格'] }))
  t.equal(at(afterInspection), 'refused')
  t.match(afterInspection.context.refusal, { reasons: ['现场审查不合格'], remedies: [{ titleZh: '行政复议' }, { titleZh: '行政诉讼' }] })
})

t.test('a passed limit marks the case overdue once per clock and leaves it where it is', async (t) => {
  const once = run(accepted(lab), ev('SETUP_APPROVAL_LIMIT_PASSED', { clock: 'setupApprovalLimit', dueOn: '2026-04-14' }, '2026-04-14T16:00:01.000Z'))
  const twice = run(once, ev('SETUP_APPROVAL_LIMIT_PASSED', { clock: 'setupApprovalLimit', dueOn: '2026-04-14' }, '2026-04-20T01:00:00.000Z'))
  t.equal(at(twice), 'accepted.twoStep')
  t.same(twice.context.overdue, { setupApprovalLimit: '2026-04-14T16:00:01.000Z' })
  const cert = run(inspected(true), ev('REGISTER', { practiceScope: '全科' }), ev('CERTIFICATE_LIMIT_PASSED', { clock: 'certificateLimit', dueOn: '2026-05-01' }))
  t.equal(at(cert), 'registered')
  t.ok(cert.context.overdue.certificateLimit)
})

t.test('withdrawal is possible before a decision on either path and not after registration', async (t) => {
  for (const s of [start(), accepted(), inspected(true), setupApproved(), run(setupApproved(), ev('APPLY_FOR_REGISTRATION', { materials: [{ item: 'rules', documentRef: 'r' }] }))]) {
    t.equal(at(run(s, ev('WITHDRAW', { reason: '不再申请' }))), 'withdrawn', `from ${at(s)}`)
  }
  const registered = run(inspected(true), ev('REGISTER', { practiceScope: '全科' }))
  t.equal(at(run(registered, ev('WITHDRAW'))), 'registered')
})

t.test('both paths together reach every state, every non-final state has a way out, and every rule and event is used', async (t) => {
  const d = describeProcedure(twoCertificates)
  const events = Object.entries(model.events).flatMap(([type, variants]) => variants.map((payload) => ({
    type, payload, at: '2026-03-02T01:00:00.000Z', actor: { id: 'model', role: (twoCertificates.events[type]?.roles[0] ?? 'system') as Role }, issued: { filingNumber: 'MODEL-1' },
  })))
  const reached = new Set<string>()
  for (const application of [combinedApplication, twoStepApplication]) {
    const prepared = prepareTwoCertificates(application, view(application.jurisdiction))
    if (!prepared.ok) throw new Error(prepared.detail)
    const paths = getShortestPaths(twoCertificatesMachine, {
      input: prepared.input as never, events: events as never,
      serializeState: ((s: AnyMachineSnapshot) => JSON.stringify([stateKey(s.value), model.contextKey(s.context)])) as never,
    })
    for (const p of paths) reached.add(stateKey(p.state.value))
  }
  const leaves = d.states.filter((s) => !d.states.some((o) => o.state.startsWith(`${s.state}.`)))
  for (const s of leaves) {
    t.ok(reached.has(s.state), `${s.state} is reachable`)
    const ancestors = d.states.filter((o) => s.state === o.state || s.state.startsWith(`${o.state}.`))
    if (!s.final) t.ok(ancestors.some((a) => a.transitions.length > 0), `${s.state} has a way out`)
    t.ok(s.source, `${s.state} cites its source`)
  }
  for (const e of Object.keys(twoCertificates.events)) {
    if (e === twoCertificates.creationEvent) continue
    t.ok(d.states.some((s) => s.transitions.some((x) => x.event === e)), `${e} is used by some state`)
  }
  const guards = new Set(d.states.flatMap((s) => s.transitions.flatMap((x) => x.guards)))
  for (const [name, rule] of Object.entries(twoCertificatesRules)) {
    t.ok(guards.has(name), `${name} guards some transition`)
    t.ok(rule.source.length > 10, `${name} cites its source`)
  }
})
