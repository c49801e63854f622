/** The elderly-care filing machine alone: pure transitions, no database. Every cited rule has a test here. */
import t from 'tap'
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate'
import {
  elderCareFiling, elderCareFilingMachine, prepareElderCareFiling, type ElderCareFilingContext, type ElderCareFilingInput,
} from '../../machines/elderCareFiling.ts'
import type { PolicyView, StateMeta } from '../../machines/types.ts'
import { loadPolicyDocuments } from '../../src/policy/store.ts'
import { policyValue, resolvePolicy } from '../../src/policy/resolve.ts'
import { stateKey } from '../../src/engine/snapshot.ts'
import { describeProcedure } from '../../src/procedures/describe.ts'
import { BASE_ITEMS, DIRECT_ITEMS, elderCareApplication, elderCareTestPolicies } from '../model/elderCareFiling.model.ts'

const documents = [...loadPolicyDocuments(), ...elderCareTestPolicies()]
const shippedOnly = loadPolicyDocuments()
const view = (jurisdiction: string, docs = documents): PolicyView => {
  const policy = resolvePolicy(docs, jurisdiction, '2026-03-02')
  return { version: policy.version, get: <T>(key: string) => policyValue<T>(policy, key) }
}
const ev = (type: string, payload: Record<string, unknown> = {}, at = '2026-03-02T01:00:00.000Z') =>
  ({ type, payload, at, actor: { id: 'x', role: 'officer' as const }, issued: { filingNumber: '421202-2026-00009' } })
type Ev = ReturnType<typeof ev>

function start(app = elderCareApplication(), jurisdiction = app.jurisdiction, docs = documents): AnyMachineSnapshot {
  const prepared = prepareElderCareFiling(app, view(jurisdiction, docs))
  if (!prepared.ok) throw new Error(prepared.detail)
  return initialTransition(elderCareFilingMachine, prepared.input as ElderCareFilingInput)[0] as AnyMachineSnapshot
}
const run = (s: AnyMachineSnapshot, ...events: Ev[]) => events.reduce((acc, e) => transition(elderCareFilingMachine, acc, e as never)[0] as AnyMachineSnapshot, s)
const actionsOf = (s: AnyMachineSnapshot, e: Ev) => transition(elderCareFilingMachine, s, e as never)[1] as { type: string; params?: { topic?: string } }[]
const topics = (s: AnyMachineSnapshot, e: Ev) => actionsOf(s, e).filter((a) => a.type === 'notify').map((a) => a.params?.topic)
const ctx = (s: AnyMachineSnapshot) => s.context as ElderCareFilingContext
const at = (s: AnyMachineSnapshot) => stateKey(s.value)

const amended = (o: Record<string, unknown> = {}) =>
  ev('RECORD_AMENDED_REGISTRATION', { authority: 'publicInstitutionRegistration', certificateNumber: '事证142120200012', issuedOn: '2026-02-27', documentRef: 'reg-new', ...o })
const zonePassed = ev('RECORD_ZONE_SEPARATION_CHECK', { passed: true, findings: '独立设置' })
const zoneFailed = ev('RECORD_ZONE_SEPARATION_CHECK', { passed: false, findings: '共用通道' })
const file = ev('FILE', { serviceScope: '失能老年人照护', elderCareBeds: 60 })

function toZoneCheck(s = start()) {
  return run(s, ev('BEGIN_COMPLETENESS_CHECK'), ev('CONFIRM_COMPLETE'))
}

t.test('the filing applies to a medical institution, in one of the two variants (R3, R4)', async (t) => {
  const home = prepareElderCareFiling(elderCareApplication({ kind: 'elderlyCareInstitution' }), view('421202'))
  t.match(home, { ok: false, detail: /medical institution/, source: /004_6104121fb84d74b0\.txt L108/ })
  const noVariant = prepareElderCareFiling(elderCareApplication({ variant: 'somethingElse' }), view('421202'))
  t.match(noVariant, { ok: false, detail: /elderCareVariant must be one of changeRegistration, reuseQualifications/ })
  const mixed = prepareElderCareFiling(elderCareApplication({ variant: 'changeRegistration', reused: ['construction'] }), view('421202'))
  t.match(mixed, { ok: false, detail: /direct filing/ }, 'a new institution founded after a change of registration does not reuse qualifications')
  const unknown = prepareElderCareFiling(elderCareApplication({ reused: ['construction', 'parking'] }), view('421202'))
  t.match(unknown, { ok: false, detail: /parking/, source: /000_0b3890313d310455\.txt L12/ })
  const foreign = prepareElderCareFiling(elderCareApplication({ items: [...DIRECT_ITEMS, 'horoscope'] }), view('421202'))
  t.match(foreign, { ok: false, detail: /horoscope/, source: /第三十一条/ }, 'materials outside the checklist are refused')
})

t.test('under Linyi\'s 2018 licence regime the filing does not apply; from 2018-12-29 it does (R3a, §4.3)', async (t) => {
  const on = (day: string): PolicyView => {
    const policy = resolvePolicy(shippedOnly, '371302', day)
    return { version: policy.version, get: <T>(key: string) => policyValue<T>(policy, key) }
  }
  const before = prepareElderCareFiling(elderCareApplication({ jurisdiction: '371302' }), on('2018-10-01'))
  t.match(before, { ok: false, detail: /licence regime/, source: /003_75b745a2e5c2526d\.txt L79/ })
  t.equal(prepareElderCareFiling(elderCareApplication({ jurisdiction: '371302' }), on('2019-03-01')).ok, true)
})

t.test('Wenshan refuses a reused fire-safety qualification (R4b) while Xianning accepts it, each with its source', async (t) => {
  const wenshan = prepareElderCareFiling(elderCareApplication({ jurisdiction: '532621', reused: ['construction', 'fireSafety'] }), view('532621'))
  t.match(wenshan, { ok: false, detail: /fireSafety cannot be reused/, source: /004_6104121fb84d74b0\.txt L220/ })
  const xianning = prepareElderCareFiling(elderCareApplication({ reused: ['construction', 'fireSafety'] }), view('421202'))
  t.equal(xianning.ok, true)
  const input = (xianning as { input: ElderCareFilingInput }).input
  t.same(input.reusedQualifications?.value, ['construction', 'fireSafety'])
  t.match(input.reusedQualifications?.source, /L108|L12/, 'the list that allows it is cited on the case')
  const withoutFire = prepareElderCareFiling(elderCareApplication({ jurisdiction: '532621', reused: ['construction', 'foodSafety', 'epidemicPrevention'], items: [...DIRECT_ITEMS, 'fireSafetyEvidence'] }), view('532621'))
  t.equal(withoutFire.ok, true, 'without 消防 the Wenshan filing applies')
  const checklist = (withoutFire as { input: ElderCareFilingInput }).input.checklist
  t.ok(checklist.items.some((i) => i.code === 'fireSafetyEvidence'), 'and the fire-safety evidence becomes a checklist item')
  t.notOk(checklist.items.some((i) => i.code === 'constructionAcceptance'), 'a reused qualification needs no evidence of its own')
  t.match(checklist.source, /L220/)
})

t.test('the checklist is elderCareFiling.materials, plus directMaterials for the direct filing', async (t) => {
  const a = prepareElderCareFiling(elderCareApplication({ variant: 'changeRegistration' }), view('421202'))
  const b = prepareElderCareFiling(elderCareApplication(), view('421202'))
  t.same((a as { input: ElderCareFilingInput }).input.checklist.items.map((i) => i.code), [...BASE_ITEMS])
  t.same((b as { input: ElderCareFilingInput }).input.checklist.items.map((i) => i.code), [...DIRECT_ITEMS])
  t.match((b as { input: ElderCareFilingInput }).input.zoneSeparationRequired, { value: true, source: /000_0b3890313d310455\.txt L30/ })
})

t.test('remedies come from the policy; without a policy value the article is still cited', async (t) => {
  const withPolicy = (prepareElderCareFiling(elderCareApplication(), view('421202')) as { input: ElderCareFilingInput }).input.remedies
  const national = (prepareElderCareFiling(elderCareApplication(), view('421202', shippedOnly)) as { input: ElderCareFilingInput }).input.remedies
  t.match(withPolicy, [{ remedy: 'administrativeReconsideration', period: { amount: 60, unit: 'days' }, source: /行政复议法 第二十条/ }, { remedy: 'administrativeLitigation', period: { amount: 6, unit: 'months' }, source: /行政诉讼法 第四十六条/ }])
  t.match(national, [{ source: /行政复议法 第二十条/ }, { source: /行政诉讼法 第四十六条/ }])
})

t.test('variant A: referral to the original authority, then the amended certificate recorded by the officer (R3)', async (t) => {
  const s = start(elderCareApplication({ variant: 'changeRegistration', items: ['filingApplication', 'commitmentLetter'] }))
  t.equal(at(run(s, ev('BEGIN_COMPLETENESS_CHECK'))), 'submitted', 'variant A cannot skip the change of registration (isDirectFilingVariant)')
  const referred = run(s, ev('REFER_FOR_CHANGE_REGISTRATION', { authority: 'publicInstitutionRegistration' }))
  t.equal(at(referred), 'changeRegistrationPending')
  t.equal(at(run(referred, amended({ authority: 'marketRegulation' }))), 'changeRegistrationPending', 'recorded by another authority than the original one: refused (recordedByOriginalAuthority)')
  t.equal(at(run(referred, amended({ issuedOn: '2026-03-03' }))), 'changeRegistrationPending', 'a certificate dated after today is refused (amendmentAlreadyIssued)')
  const today = run(referred, amended({ issuedOn: '2026-03-02' }, ), )
  t.equal(at(today), 'completenessCheck', 'issued today (Asia/Shanghai) is fine')
  const recorded = ctx(today)
  t.match(recorded.amendedRegistration, { authority: 'publicInstitutionRegistration', certificateNumber: '事证142120200012', recordedBy: 'x' })
  t.equal(recorded.materials.registrationCertificate?.documentRef, 'reg-new', 'the amended certificate is the registration-certificate material')
  t.equal(at(run(today, ev('CONFIRM_COMPLETE'))), 'zoneSeparationCheck')
})

t.test('variant B goes to the completeness check directly and cannot be referred', async (t) => {
  const s = start()
  t.equal(at(run(s, ev('REFER_FOR_CHANGE_REGISTRATION', { authority: 'civilAffairs' }))), 'submitted')
  t.equal(at(run(s, ev('BEGIN_COMPLETENESS_CHECK'))), 'completenessCheck')
})

t.test('the one-time notice lists every missing item, only checklist items, once; the resubmission answers it', async (t) => {
  const s = run(start(elderCareApplication({ items: ['filingApplication', 'registrationCertificate', 'commitmentLetter'] })), ev('BEGIN_COMPLETENESS_CHECK'))
  t.equal(at(run(s, ev('CONFIRM_COMPLETE'))), 'completenessCheck', 'incomplete materials are not confirmed (hasAllRequiredMaterials)')
  t.equal(at(run(s, ev('REQUEST_SUPPLEMENT', { items: [{ item: 'practiceLicence', reason: '缺' }] }))), 'completenessCheck', 'leaving out floorPlanZones is refused')
  const full = ev('REQUEST_SUPPLEMENT', { items: [{ item: 'practiceLicence', reason: '缺' }, { item: 'floorPlanZones', reason: '缺' }] })
  t.equal(at(run(s, ev('REQUEST_SUPPLEMENT', { items: [{ item: 'practiceLicence', reason: '缺' }, { item: 'floorPlanZones', reason: '缺' }, { item: 'tarot', reason: '缺' }] }))), 'completenessCheck', 'an item outside the checklist is refused')
  const asked = run(s, full)
  t.equal(at(asked), 'supplementGuidance')
  t.equal(ctx(asked).guidance?.kind, 'completeness')
  t.equal(at(run(asked, ev('RESUBMIT', { materials: [{ item: 'commitmentLetter', documentRef: 'x' }] }))), 'supplementGuidance', 'documents the notice did not ask for are refused')
  const back = run(asked, ev('RESUBMIT', { materials: [{ item: 'practiceLicence', documentRef: 'p' }, { item: 'floorPlanZones', documentRef: 'f' }] }))
  t.equal(at(back), 'completenessCheck')
  t.equal(ctx(back).guidance, null)
  t.equal(at(run(back, full)), 'completenessCheck', 'no second notice (noNoticeSentYet)')
  t.equal(at(run(back, ev('CONFIRM_COMPLETE'))), 'zoneSeparationCheck')
})

t.test('zone separation (R4c): no filing without a passed check; a failed one guides back or is refused with remedies', async (t) => {
  const z = toZoneCheck()
  t.equal(at(run(z, file)), 'zoneSeparationCheck', 'FILE before any check is refused (zoneSeparationSatisfied)')
  t.equal(at(run(z, ev('REFUSE_FILING', { reasons: ['x'] }))), 'zoneSeparationCheck', 'no refusal without a failed check (zoneSeparationFailed)')
  t.equal(at(run(z, ev('GUIDE_ZONE_SEPARATION', { findings: ['x'], items: [{ item: 'floorPlanZones', reason: 'y' }] }))), 'zoneSeparationCheck', 'no guidance without a failed check')
  const failed = run(z, zoneFailed)
  t.equal(ctx(failed).zoneCheckOutcome, 'failed')
  t.equal(at(run(failed, file)), 'zoneSeparationCheck', 'a failed check blocks the filing')
  t.equal(at(run(failed, ev('GUIDE_ZONE_SEPARATION', { findings: ['共用通道'], items: [{ item: 'selfie', reason: 'y' }] }))), 'zoneSeparationCheck', 'guidance names checklist items only')
  const guided = run(failed, ev('GUIDE_ZONE_SEPARATION', { findings: ['共用通道'], items: [{ item: 'floorPlanZones', reason: '重新分区' }] }))
  t.equal(at(guided), 'supplementGuidance')
  t.match(ctx(guided).guidance, { kind: 'zoneSeparation', findings: ['共用通道'] })
  const again = run(guided, ev('RESUBMIT', { materials: [{ item: 'floorPlanZones', documentRef: 'plan-2' }] }), ev('CONFIRM_COMPLETE'))
  t.equal(at(again), 'zoneSeparationCheck')
  t.equal(ctx(again).zoneCheckOutcome, null, 'the old result no longer counts after resubmission')
  const filed = run(again, zonePassed, file)
  t.equal(at(filed), 'filed')
  t.match(ctx(filed).filing, { filingNumber: '421202-2026-00009', receipt: { institutionName: '咸安区第二人民医院', elderCareBeds: 60, authority: 'countyCivilAffairsOrAbove' } })
  const refused = run(failed, ev('REFUSE_FILING', { reasons: ['未物理隔离'] }))
  t.equal(at(refused), 'refused')
  t.equal(refused.status, 'done')
  t.match(ctx(refused).refusal, { reasons: ['未物理隔离'], remedies: [{ remedy: 'administrativeReconsideration' }, { remedy: 'administrativeLitigation' }] })
})

t.test('an on-site zone check pauses the limit (第四十五条) and its result decides the same way', async (t) => {
  const site = run(toZoneCheck(), ev('SCHEDULE_SITE_INSPECTION', { plannedOn: '2026-03-05', workingDaysNeeded: 2 }))
  t.equal(at(site), 'zoneSiteInspection')
  const back = run(site, ev('RECORD_SITE_INSPECTION', { passed: true, findings: '物理隔离到位' }))
  t.equal(at(back), 'zoneSeparationCheck')
  t.match(ctx(back).zoneChecks, [{ method: 'onSite', passed: true }])
  t.equal(at(run(back, file)), 'filed')
})

t.test('where the policy does not require zone separation, the filing needs no check', async (t) => {
  const relaxed = [...documents, { jurisdiction: '421221', name: '测试', version: 't', effectiveFrom: '2019-01-01', values: { 'elderCareFiling.zoneSeparationRequired': { value: false, source: 'test policy [DESIGN]' } } }]
  const s = start(elderCareApplication({ jurisdiction: '421221' }), '421221', relaxed)
  t.equal(at(run(s, ev('BEGIN_COMPLETENESS_CHECK'), ev('CONFIRM_COMPLETE'), file)), 'filed')
})

t.test('after filing: the post-filing check enrols the institution in the 双随机 pool, or orders rectification', async (t) => {
  const filed = run(toZoneCheck(), zonePassed, file)
  const checking = run(filed, ev('BEGIN_POST_FILING_CHECK', { plannedOn: '2026-04-01' }))
  t.equal(at(checking), 'postFilingCheck')
  const passed = ev('RECORD_INSPECTION_PASSED', { findings: '合格' })
  t.same(topics(checking, passed), ['elderCareFiling.enteredSupervisionPool'])
  const supervised = run(checking, passed)
  t.equal(at(supervised), 'underSupervision')
  t.ok(ctx(supervised).supervisionPoolEnteredAt)
  t.equal(at(run(supervised, passed)), 'underSupervision', 'a passed inspection keeps it there')

  const failed = ev('RECORD_INSPECTION_FAILED', { findings: ['分区标识缺失'], rectifyBy: '2026-05-01' })
  const ordered = run(checking, failed)
  t.equal(at(ordered), 'rectificationOrdered')
  t.equal(ctx(ordered).supervisionPoolEnteredAt, null)
  const rectified = ev('CONFIRM_RECTIFIED', { findings: '已整改' })
  t.same(topics(ordered, rectified), ['elderCareFiling.rectified', 'elderCareFiling.enteredSupervisionPool'], 'rectified after the post-filing check: it enters the pool then')
  const later = run(ordered, rectified, failed)
  t.same(topics(later, rectified), ['elderCareFiling.rectified'], 'already in the pool: no second entry')
  const cancelled = run(later, ev('CANCEL_FILING', { reasons: ['逾期未整改'] }))
  t.equal(at(cancelled), 'filingCancelled')
  t.match(ctx(cancelled).cancellation, { reasons: ['逾期未整改'], remedies: [{ remedy: 'administrativeReconsideration' }, { remedy: 'administrativeLitigation' }] })
})

t.test('under supervision, a drawn inspection is recorded by its drawn inspectors only', async (t) => {
  const supervised = run(toZoneCheck(), zonePassed, file, ev('BEGIN_POST_FILING_CHECK', { plannedOn: '2026-04-01' }), ev('RECORD_INSPECTION_PASSED', { findings: '合格' }))
  t.equal(at(supervised), 'underSupervision')
  const drawn = run(supervised, ev('SCHEDULE_INSPECTION', { plannedOn: '2026-06-01', drawId: 'd1', inspectors: ['insp-a'] }))
  const by = (id: string, e: Ev) => ({ ...e, actor: { id, role: 'officer' as const } })
  const result = ev('RECORD_INSPECTION_FAILED', { findings: ['消防通道堵塞'], rectifyBy: '2026-07-01' })
  t.equal(at(run(drawn, by('not-drawn', result))), 'underSupervision', 'refused: not a drawn inspector')
  t.equal(at(run(drawn, by('insp-a', result))), 'rectificationOrdered')
  t.equal(ctx(run(drawn, by('insp-a', ev('RECORD_INSPECTION_PASSED', { findings: '合格' })))).inspectionTeam, null, 'the team closes with the result')
})

t.test('the limit passing marks the case overdue and escalates, without a deemed filing', async (t) => {
  const s = run(start(), ev('BEGIN_COMPLETENESS_CHECK'))
  const expiry = ev('COMPLETENESS_LIMIT_PASSED', { clock: 'completenessLimit', dueOn: '2026-03-09' }, '2026-03-10T01:00:00.000Z')
  t.same(topics(s, expiry), ['elderCareFiling.completenessOverdue'])
  const late = run(s, expiry)
  t.equal(at(late), 'completenessCheck')
  t.equal(ctx(late).overdueSince, '2026-03-10T01:00:00.000Z')
  t.equal(ctx(run(late, { ...expiry, at: '2026-03-11T01:00:00.000Z' })).overdueSince, '2026-03-10T01:00:00.000Z', 'the first expiry is kept')
})

t.test('withdrawal before filing and abandonment while waiting on the applicant end the case', async (t) => {
  const a = start(elderCareApplication({ variant: 'changeRegistration' }))
  const waiting = run(a, ev('REFER_FOR_CHANGE_REGISTRATION', { authority: 'civilAffairs' }))
  t.match(ctx(run(waiting, ev('WITHDRAW', { reason: '不再开展养老服务' }))).withdrawal, { reason: '不再开展养老服务' })
  t.equal(at(run(waiting, ev('RECORD_ABANDONMENT', { reasons: ['原登记机关未予变更，申请人放弃'] }))), 'abandoned')
  const filed = run(toZoneCheck(), zonePassed, file)
  t.equal(at(run(filed, ev('WITHDRAW'))), 'filed', 'no withdrawal after the filing')
})

t.test('clocks: the limit runs with the window and 民政, pauses on site, stops for guidance and for the other authority', async (t) => {
  const clocksOf = (state: string) => ((elderCareFilingMachine.getStateNodeById(`elderCareFiling.${state}`).meta as StateMeta | undefined)?.clocks ?? []).map((c) => `${c.name}:${c.mode}`)
  t.same(clocksOf('submitted'), ['completenessLimit:run'])
  t.same(clocksOf('completenessCheck'), ['completenessLimit:run'])
  t.same(clocksOf('zoneSeparationCheck'), ['completenessLimit:run'])
  t.same(clocksOf('zoneSiteInspection'), ['completenessLimit:pause'])
  t.same(clocksOf('changeRegistrationPending'), [], 'the change of registration is another authority\'s act (R3)')
  t.same(clocksOf('supplementGuidance'), [])
  t.same(clocksOf('filed'), [])
  t.equal(elderCareFiling.clocks.completenessLimit?.policyKey, 'elderCareFiling.completeness')
})

t.test('every state cites its source, is reachable and (unless final) has a way out; every event is used', async (t) => {
  const d = describeProcedure(elderCareFiling)
  const targets = new Set(d.states.flatMap((s) => s.transitions.map((x) => x.target)))
  for (const s of d.states) {
    t.ok(s.source, `${s.state} cites its source`)
    if (s.state !== d.initialState) t.ok(targets.has(s.state), `${s.state} is reachable`)
    if (!s.final) t.ok(s.transitions.length > 0, `${s.state} has a way out`)
  }
  for (const e of Object.keys(elderCareFiling.events)) {
    if (e === elderCareFiling.creationEvent) continue
    t.ok(d.states.some((s) => s.transitions.some((x) => x.event === e)), `${e} is used by some state`)
  }
  for (const r of d.rules) t.ok(r.source.length > 5, `rule ${r.name} cites its source`)
})
