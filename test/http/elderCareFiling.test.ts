/**
 * The elderly-care filing by a medical institution through the HTTP API, on the database the suite runs on
 * (PGlite or PostgreSQL): both variants, Wenshan's list without 消防 (R4b), zone separation (R4c), the one-time
 * notice, the post-filing check and supervision, the limit passing, withdrawal and abandonment.
 */
import t, { type Test } from 'tap'
import { buildTestApp, send, type TestApp } from '../helpers/app.ts'
import { departmentStaff } from '../helpers/factories.ts'
import { SYSTEM_PRINCIPAL, type Principal } from '../../src/auth/principal.ts'
import { DIRECT_ITEMS, elderCareApplication, elderCareTestPolicies } from '../model/elderCareFiling.model.ts'

/** 民政 handles the elderly-care filing. */
const p = departmentStaff('civilAffairs')

type Res = { statusCode: number; body: string; json(): any }
type ClockView = { name: string; kind: string; status: string; startedOn: string; dueOn: string | null; colour: string | null; restarts: unknown[]; pauses: { kind: string; workingDays: number | null; noticeWorkingDays: number | null }[] }

const build = (t: Test) => buildTestApp(t, { policies: elderCareTestPolicies() })

async function fileCase(h: TestApp, body: ReturnType<typeof elderCareApplication>, as: Principal = p.applicant) {
  const res = await h.call(as, 'POST', '/v1/cases', body)
  if (res.statusCode !== 201) throw new Error(`create failed ${res.statusCode} ${res.body}`)
  return res.json() as { id: string; state: string; stateLabel: string; clocks: ClockView[]; context: any }
}

function expectState(t: Test, res: Res, state: string) {
  t.equal(res.statusCode, 200, `${state}: ${res.body.slice(0, 300)}`)
  t.equal(res.json().state, state)
}

const statutory = (clocks: ClockView[]) => clocks.find((c) => c.name === 'completenessLimit' && c.kind === 'statutory')!
const codes = async (h: TestApp, id: string) =>
  (await h.call(p.officer, 'GET', `/v1/cases/${id}/history`)).json().events.map((e: { statusCode: number | null }) => e.statusCode)
const outbox = async (h: TestApp, id: string) =>
  (await h.database.db.selectFrom('outbox').select(['topic']).where('case_id', '=', id).orderBy('id').execute()).map((o) => o.topic)

const zonePassed = { passed: true, findings: '养老区独立设置，与医疗区物理隔离' }
const fileIt = { serviceScope: '失能、半失能老年人照护', elderCareBeds: 60 }

/** Variant B from receipt to the zone-separation check. */
async function toZoneCheck(t: Test, h: TestApp, id: string) {
  expectState(t, await send(h, p.clerk, id, 'BEGIN_COMPLETENESS_CHECK'), 'completenessCheck')
  expectState(t, await send(h, p.clerk, id, 'CONFIRM_COMPLETE'), 'zoneSeparationCheck')
}

async function toFiled(t: Test, h: TestApp, id: string) {
  await toZoneCheck(t, h, id)
  expectState(t, await send(h, p.officer, id, 'RECORD_ZONE_SEPARATION_CHECK', zonePassed), 'zoneSeparationCheck')
  expectState(t, await send(h, p.officer, id, 'FILE', fileIt), 'filed')
}

t.test('variant A: referral to the original authority, the amended certificate recorded, then the 民政 filing, numbered and supervised', async (t) => {
  const h = await build(t)
  const c = await fileCase(h, elderCareApplication({ variant: 'changeRegistration', items: ['filingApplication', 'commitmentLetter'] }))
  t.equal(c.state, 'submitted')
  t.equal(c.stateLabel, '已接件')
  t.match(statutory(c.clocks), { status: 'running', startedOn: '2026-03-02', dueOn: '2026-03-09' }, 'the window\'s limit runs from receipt')

  const direct = await send(h, p.clerk, c.id, 'BEGIN_COMPLETENESS_CHECK')
  t.equal(direct.statusCode, 422, 'variant A cannot skip the change of registration')
  t.match(direct.json(), { code: 'rule-not-satisfied', rules: [{ name: 'isDirectFilingVariant' }] })

  const referred = await send(h, p.clerk, c.id, 'REFER_FOR_CHANGE_REGISTRATION', { authority: 'publicInstitutionRegistration' })
  expectState(t, referred, 'changeRegistrationPending')
  t.equal(statutory(referred.json().clocks).status, 'stopped', 'no 民政 clock while another authority amends the registration (R3)')
  const pending = await h.database.db.selectFrom('timers').select(['status']).where('case_id', '=', c.id).where('status', '=', 'pending').execute()
  t.same(pending, [], 'and no expiry timer is armed')

  h.clock.set('2026-03-10T10:00:00+08:00')
  const wrongAuthority = await send(h, p.officer, c.id, 'RECORD_AMENDED_REGISTRATION', { authority: 'marketRegulation', certificateNumber: '91421202X', issuedOn: '2026-03-06' })
  t.equal(wrongAuthority.statusCode, 422, 'the amendment must come from the original authority')
  t.match(wrongAuthority.json().rules, [{ name: 'recordedByOriginalAuthority', source: /004_6104121fb84d74b0\.txt L108/ }, { name: 'amendmentAlreadyIssued' }])
  const recorded = await send(h, p.officer, c.id, 'RECORD_AMENDED_REGISTRATION', {
    authority: 'publicInstitutionRegistration', certificateNumber: '事证第142120200012号', issuedOn: '2026-03-06',
    amendedScope: '医疗服务；养老服务', documentRef: 'doc-amended-certificate',
  })
  expectState(t, recorded, 'completenessCheck')
  t.match(recorded.json().context.amendedRegistration, { authority: 'publicInstitutionRegistration', certificateNumber: '事证第142120200012号', recordedBy: 'officer-1' })
  const reopened = statutory(recorded.json().clocks)
  t.match(reopened, { status: 'running', startedOn: '2026-03-10', dueOn: '2026-03-17' }, 'the filing limit opens afresh from the recording')
  t.equal(reopened.restarts.length, 1)

  expectState(t, await send(h, p.clerk, c.id, 'CONFIRM_COMPLETE'), 'zoneSeparationCheck')
  expectState(t, await send(h, p.officer, c.id, 'RECORD_ZONE_SEPARATION_CHECK', zonePassed), 'zoneSeparationCheck')
  const filed = await send(h, p.officer, c.id, 'FILE', fileIt)
  expectState(t, filed, 'filed')
  t.equal(filed.json().filingNumber, '421202-2026-00001')
  t.match(filed.json().context.filing, { filingNumber: '421202-2026-00001', receipt: { institutionName: '咸安区第二人民医院', elderCareBeds: 60, authority: 'countyCivilAffairsOrAbove' } })
  t.equal(statutory(filed.json().clocks).status, 'stopped')
  t.same((await h.call(p.applicant, 'GET', `/v1/cases/${c.id}`)).json().allowedEvents, [], 'the applicant has nothing to do once filed')

  expectState(t, await send(h, p.officer, c.id, 'BEGIN_POST_FILING_CHECK', { plannedOn: '2026-04-01' }), 'postFilingCheck')
  const supervised = await send(h, p.supervisor, c.id, 'RECORD_INSPECTION_PASSED', { findings: '分区管理到位' })
  expectState(t, supervised, 'underSupervision')
  t.ok(supervised.json().context.supervisionPoolEnteredAt)

  t.same(await codes(h, c.id), [1, null, 8, 3, null, 11, null, null], '已接件, 部门开始办理 (step 2 begins), 已受理, 办结（通过）')
  const history = (await h.call(p.officer, 'GET', `/v1/cases/${c.id}/history`)).json().events
  t.same(history.map((e: { type: string }) => e.type), ['SUBMIT', 'REFER_FOR_CHANGE_REGISTRATION', 'RECORD_AMENDED_REGISTRATION', 'CONFIRM_COMPLETE',
    'RECORD_ZONE_SEPARATION_CHECK', 'FILE', 'BEGIN_POST_FILING_CHECK', 'RECORD_INSPECTION_PASSED'], 'the two steps are recorded in order')
  t.same(await outbox(h, c.id), ['elderCareFiling.submitted', 'elderCareFiling.referredForChangeRegistration', 'elderCareFiling.amendedRegistrationRecorded',
    'elderCareFiling.materialsComplete', 'elderCareFiling.filed', 'elderCareFiling.enteredSupervisionPool'])
})

t.test('variant B: a direct filing reusing the institution\'s qualifications, with an uncounted on-site zone check', async (t) => {
  const h = await build(t)
  const c = await fileCase(h, elderCareApplication())
  t.match(c.context.reusedQualifications, { value: ['construction', 'fireSafety', 'foodSafety', 'epidemicPrevention'] })
  t.same(c.context.checklist.items.map((i: { code: string }) => i.code), [...DIRECT_ITEMS], 'materials plus directMaterials')
  const refer = await send(h, p.clerk, c.id, 'REFER_FOR_CHANGE_REGISTRATION', { authority: 'civilAffairs' })
  t.equal(refer.statusCode, 422, 'a direct filing is not referred for a change of registration')
  await toZoneCheck(t, h, c.id)

  h.clock.set('2026-03-03T10:00:00+08:00')
  const site = await send(h, p.officer, c.id, 'SCHEDULE_SITE_INSPECTION', { plannedOn: '2026-03-05', workingDaysNeeded: 3 })
  expectState(t, site, 'zoneSiteInspection')
  t.match(statutory(site.json().clocks), { status: 'paused', dueOn: null, pauses: [{ kind: 'specialProcedure', noticeWorkingDays: 3 }] })
  h.clock.set('2026-03-06T16:00:00+08:00')
  const back = await send(h, p.officer, c.id, 'RECORD_SITE_INSPECTION', { passed: true, findings: '养老区设独立出入口' })
  expectState(t, back, 'zoneSeparationCheck')
  const resumed = statutory(back.json().clocks)
  t.equal(resumed.pauses[0]!.workingDays, 3, '03-04, 03-05, 03-06 are not counted')
  t.equal(resumed.dueOn, '2026-03-12', '03-09 moved by 3 working days')
  const filed = await send(h, p.officer, c.id, 'FILE', fileIt)
  expectState(t, filed, 'filed')
  t.match(filed.json().context.zoneChecks, [{ method: 'onSite', passed: true }])
  t.same(await codes(h, c.id), [1, 8, 3, 9, 10, 11], '特别程序（开始）and（结束） are reported')
})

t.test('Wenshan refuses a reused fire-safety qualification (R4b) while Xianning accepts it, each answer with its source', async (t) => {
  const h = await build(t)
  const wenshanApplicant = { ...p.applicant, jurisdiction: '532621' }
  const wenshan = await h.call(wenshanApplicant, 'POST', '/v1/cases', elderCareApplication({ jurisdiction: '532621', reused: ['construction', 'fireSafety'] }))
  t.equal(wenshan.statusCode, 422)
  t.match(wenshan.json(), { code: 'procedure-not-applicable', detail: /fireSafety cannot be reused/, source: /004_6104121fb84d74b0\.txt L220/ })

  const xianning = await h.call(p.applicant, 'POST', '/v1/cases', elderCareApplication({ reused: ['construction', 'fireSafety'] }))
  t.equal(xianning.statusCode, 201, 'Xianning lists 消防 among the reusable qualifications')
  t.match(xianning.json().context.reusedQualifications, { value: ['construction', 'fireSafety'], source: /L108|L12/ })

  const withoutFire = await h.call(wenshanApplicant, 'POST', '/v1/cases', elderCareApplication({ jurisdiction: '532621', reused: ['construction', 'foodSafety', 'epidemicPrevention'] }))
  t.equal(withoutFire.statusCode, 201, 'without 消防 the direct filing applies in Wenshan')
  const items = withoutFire.json().context.checklist.items.map((i: { code: string }) => i.code)
  t.ok(items.includes('fireSafetyEvidence'), 'the fire-safety evidence is then a material')
  const clerk = { ...p.clerk, jurisdiction: '532621' }
  await send(h, clerk, withoutFire.json().id, 'BEGIN_COMPLETENESS_CHECK')
  const incomplete = await send(h, clerk, withoutFire.json().id, 'CONFIRM_COMPLETE')
  t.equal(incomplete.statusCode, 422, 'and the filing is not complete without it')
  t.match(incomplete.json().rules, [{ name: 'changeRegistrationDone' }, { name: 'hasAllRequiredMaterials' }])
})

t.test('zone separation not in place: the filing is blocked, then refused by the head with reasons and remedies', async (t) => {
  const h = await build(t)
  const c = await fileCase(h, elderCareApplication())
  await toZoneCheck(t, h, c.id)
  const early = await send(h, p.officer, c.id, 'FILE', fileIt)
  t.equal(early.statusCode, 422, 'no filing before the zone separation is checked')
  t.match(early.json().rules, [{ name: 'zoneSeparationSatisfied', source: /000_0b3890313d310455\.txt L30/ }])
  expectState(t, await send(h, p.officer, c.id, 'RECORD_ZONE_SEPARATION_CHECK', { passed: false, findings: '养老床位设在住院病区内，未物理隔离' }), 'zoneSeparationCheck')
  t.equal((await send(h, p.officer, c.id, 'FILE', fileIt)).statusCode, 422, 'a failed check blocks the filing')
  const byOfficer = await send(h, p.officer, c.id, 'REFUSE_FILING', { reasons: ['未分区管理'] })
  t.equal(byOfficer.statusCode, 403, 'the head signs the refusal')
  t.equal((await send(h, p.head, c.id, 'REFUSE_FILING', { reasons: [] })).statusCode, 400, 'a refusal needs a reason')
  const refused = await send(h, p.head, c.id, 'REFUSE_FILING', { reasons: ['养老服务场所未与医疗服务区域实行分区管理、物理隔离'] })
  expectState(t, refused, 'refused')
  t.equal(refused.json().status, 'done')
  t.equal(refused.json().stateLabel, '不予备案')
  t.match(refused.json().context.refusal, {
    reasons: ['养老服务场所未与医疗服务区域实行分区管理、物理隔离'],
    remedies: [
      { remedy: 'administrativeReconsideration', titleZh: '行政复议', period: { amount: 60, unit: 'days' }, source: /行政复议法 第二十条/ },
      { remedy: 'administrativeLitigation', titleZh: '行政诉讼', period: { amount: 6, unit: 'months' }, source: /行政诉讼法 第四十六条/ },
    ],
  })
  t.equal((await codes(h, c.id)).at(-1), 13, '办结（不通过）')
  t.ok((await outbox(h, c.id)).includes('elderCareFiling.refused'))
})

t.test('supplement loop: one notice of everything missing, resubmission, then zone-separation guidance back to the applicant', async (t) => {
  const h = await build(t)
  const c = await fileCase(h, elderCareApplication({ items: ['filingApplication', 'registrationCertificate', 'commitmentLetter'] }))
  await send(h, p.clerk, c.id, 'BEGIN_COMPLETENESS_CHECK')
  const early = await send(h, p.clerk, c.id, 'CONFIRM_COMPLETE')
  t.equal(early.statusCode, 422)
  t.match(early.json().rules, [{ name: 'changeRegistrationDone' }, { name: 'hasAllRequiredMaterials' }])
  const partial = await send(h, p.clerk, c.id, 'REQUEST_SUPPLEMENT', { items: [{ item: 'practiceLicence', reason: '缺少执业许可证' }] })
  t.equal(partial.statusCode, 422, 'a notice that leaves out a missing item is refused (一次告知)')

  h.clock.set('2026-03-03T10:00:00+08:00')
  const notice = await send(h, p.clerk, c.id, 'REQUEST_SUPPLEMENT', {
    items: [{ item: 'practiceLicence', reason: '缺少执业许可证' }, { item: 'floorPlanZones', reason: '缺少分区平面图' }],
  })
  expectState(t, notice, 'supplementGuidance')
  t.equal(notice.json().stateLabel, '指导补正')
  t.equal(statutory(notice.json().clocks).status, 'stopped', 'the limit stops while the applicant supplements')
  t.equal((await send(h, p.applicant, c.id, 'RESUBMIT', { materials: [{ item: 'commitmentLetter', documentRef: 'x' }] })).statusCode, 422, 'documents must answer the guidance')

  h.clock.set('2026-03-05T10:00:00+08:00')
  const resubmitted = await send(h, p.applicant, c.id, 'RESUBMIT', {
    materials: [{ item: 'practiceLicence', documentRef: 'v2-licence' }, { item: 'floorPlanZones', documentRef: 'v2-plan' }],
  })
  expectState(t, resubmitted, 'completenessCheck')
  t.match(statutory(resubmitted.json().clocks), { status: 'running', startedOn: '2026-03-05', dueOn: '2026-03-12' }, 'counted afresh from the complete materials')
  const second = await send(h, p.clerk, c.id, 'REQUEST_SUPPLEMENT', { items: [{ item: 'commitmentLetter', reason: '承诺书未盖章' }] })
  t.equal(second.statusCode, 422, 'the notice is one-time')
  t.match(second.json().rules, [{ name: 'noNoticeSentYet' }])
  expectState(t, await send(h, p.clerk, c.id, 'CONFIRM_COMPLETE'), 'zoneSeparationCheck')

  await send(h, p.officer, c.id, 'RECORD_ZONE_SEPARATION_CHECK', { passed: false, findings: '平面图显示养老区与门诊共用通道' })
  const guided = await send(h, p.officer, c.id, 'GUIDE_ZONE_SEPARATION', {
    findings: ['养老区与门诊共用通道'], items: [{ item: 'floorPlanZones', reason: '按独立设置整改后重报分区平面图' }],
  })
  expectState(t, guided, 'supplementGuidance')
  t.match(guided.json().context.guidance, { kind: 'zoneSeparation', findings: ['养老区与门诊共用通道'] })
  expectState(t, await send(h, p.applicant, c.id, 'RESUBMIT', { materials: [{ item: 'floorPlanZones', documentRef: 'v3-plan' }] }), 'completenessCheck')
  expectState(t, await send(h, p.clerk, c.id, 'CONFIRM_COMPLETE'), 'zoneSeparationCheck')
  t.equal((await send(h, p.officer, c.id, 'FILE', fileIt)).statusCode, 422, 'the rectified layout is checked again before filing')
  await send(h, p.officer, c.id, 'RECORD_ZONE_SEPARATION_CHECK', zonePassed)
  const filed = await send(h, p.officer, c.id, 'FILE', fileIt)
  expectState(t, filed, 'filed')
  t.equal(filed.json().context.materials.floorPlanZones.documentRef, 'v3-plan', 'the newer document replaces the defective one')
  t.same(await codes(h, c.id), [1, 8, 6, 7, 3, null, 6, 7, 3, null, 11], '补正（开始）and 补正（结束） are reported each time')
})

t.test('post-filing check failed: rectification, rectified into the supervision pool; a later failure ends in cancellation by the head', async (t) => {
  const h = await build(t)
  const c = await fileCase(h, elderCareApplication())
  await toFiled(t, h, c.id)
  await send(h, p.officer, c.id, 'BEGIN_POST_FILING_CHECK', { plannedOn: '2026-04-01' })
  const failed = await send(h, p.officer, c.id, 'RECORD_INSPECTION_FAILED', { findings: ['分区标识缺失'], rectifyBy: '2026-05-01' })
  expectState(t, failed, 'rectificationOrdered')
  t.match(failed.json().context.rectification, { findings: ['分区标识缺失'], dueBy: '2026-05-01' })
  t.equal(failed.json().context.supervisionPoolEnteredAt, null, 'not in the pool before the check is passed')
  const rectified = await send(h, p.supervisor, c.id, 'CONFIRM_RECTIFIED', { findings: '已整改' })
  expectState(t, rectified, 'underSupervision')
  t.ok(rectified.json().context.supervisionPoolEnteredAt)

  await send(h, p.supervisor, c.id, 'RECORD_INSPECTION_FAILED', { findings: ['消防通道堵塞'], rectifyBy: '2026-10-09' })
  t.equal((await send(h, p.officer, c.id, 'CANCEL_FILING', { reasons: ['逾期未整改'] })).statusCode, 403, 'cancellation is for the head')
  const cancelled = await send(h, p.head, c.id, 'CANCEL_FILING', { reasons: ['逾期未整改'] })
  expectState(t, cancelled, 'filingCancelled')
  t.equal(cancelled.json().status, 'done')
  t.match(cancelled.json().context.cancellation, { reasons: ['逾期未整改'], remedies: [{ remedy: 'administrativeReconsideration' }, { remedy: 'administrativeLitigation' }] })
  t.equal((await codes(h, c.id)).at(-1), 15, '撤销')
  const topics = await outbox(h, c.id)
  t.same(topics.slice(-5), ['elderCareFiling.rectificationOrdered', 'elderCareFiling.rectified', 'elderCareFiling.enteredSupervisionPool',
    'elderCareFiling.rectificationOrdered', 'elderCareFiling.filingCancelled'])
})

t.test('the completeness limit passing marks the case red and escalates; there is no deemed filing', async (t) => {
  const h = await build(t)
  const c = await fileCase(h, elderCareApplication())
  await send(h, p.clerk, c.id, 'BEGIN_COMPLETENESS_CHECK')
  const timer = await h.database.db.selectFrom('timers').select(['event_type', 'due_at']).where('case_id', '=', c.id).where('status', '=', 'pending').executeTakeFirstOrThrow()
  t.equal(timer.event_type, 'COMPLETENESS_LIMIT_PASSED')
  t.equal(timer.due_at.toISOString(), '2026-03-09T16:00:00.000Z', 'due at the end of 03-09, Asia/Shanghai')

  h.clock.set('2026-03-10T00:00:01+08:00')
  const clerkTries = await send(h, p.clerk, c.id, 'COMPLETENESS_LIMIT_PASSED', { clock: 'completenessLimit', dueOn: '2026-03-09' })
  t.equal(clerkTries.statusCode, 403, 'people cannot send timer events')
  const { row } = await h.engine.apply(c.id, { type: 'COMPLETENESS_LIMIT_PASSED', payload: { clock: 'completenessLimit', dueOn: '2026-03-09' } }, SYSTEM_PRINCIPAL)
  t.equal(row.state, 'completenessCheck', 'still with 民政: a filing is never deemed made')
  const view = (await h.call(p.officer, 'GET', `/v1/cases/${c.id}`)).json()
  t.equal(view.context.overdueSince, '2026-03-09T16:00:01.000Z')
  t.equal(statutory(view.clocks).colour, 'red')
  t.notOk(view.allowedEvents.some((e: { type: string }) => e.type === 'COMPLETENESS_LIMIT_PASSED'), 'the timer event is not offered to people')
  t.ok((await outbox(h, c.id)).includes('elderCareFiling.completenessOverdue'), 'escalated through the outbox')
  const last = (await h.call(p.officer, 'GET', `/v1/cases/${c.id}/history`)).json().events.at(-1)
  t.match(last, { type: 'COMPLETENESS_LIMIT_PASSED', actorId: 'system', actorRole: 'system', statusCode: null })
})

t.test('withdrawal by the applicant before the filing, not after; abandonment is recorded by the officer', async (t) => {
  const h = await build(t)
  const a = await fileCase(h, elderCareApplication({ variant: 'changeRegistration' }))
  await send(h, p.clerk, a.id, 'REFER_FOR_CHANGE_REGISTRATION', { authority: 'civilAffairs' })
  const byClerk = await send(h, p.clerk, a.id, 'WITHDRAW')
  t.equal(byClerk.statusCode, 403, 'only the applicant withdraws')
  t.same(byClerk.json().allowedRoles, ['applicant'])
  const withdrawn = await send(h, p.applicant, a.id, 'WITHDRAW', { reason: '暂不开展养老服务' })
  expectState(t, withdrawn, 'withdrawn')
  t.equal(withdrawn.json().context.withdrawal.reason, '暂不开展养老服务')
  t.equal((await codes(h, a.id)).at(-1), 14, '撤回')

  const b = await fileCase(h, elderCareApplication({ variant: 'changeRegistration' }))
  await send(h, p.clerk, b.id, 'REFER_FOR_CHANGE_REGISTRATION', { authority: 'marketRegulation' })
  const abandoned = await send(h, p.officer, b.id, 'RECORD_ABANDONMENT', { reasons: ['原登记机关未予变更，申请人书面放弃'] })
  expectState(t, abandoned, 'abandoned')
  t.equal(abandoned.json().status, 'done')
  t.equal((await codes(h, b.id)).at(-1), 2)

  const filed = await fileCase(h, elderCareApplication())
  await toFiled(t, h, filed.id)
  const late = await send(h, p.applicant, filed.id, 'WITHDRAW')
  t.equal(late.statusCode, 422, 'no withdrawal after the filing')
  t.equal(late.json().code, 'invalid-transition')
})

t.test('the procedure describes itself: states, roles and sources', async (t) => {
  const h = await build(t)
  const procs = (await h.call(null, 'GET', '/v1/procedures')).json()
  const d = procs.items.find((x: { id: string }) => x.id === 'elderCareFiling')
  t.ok(d, 'listed')
  t.same(d.events.find((e: { type: string }) => e.type === 'CANCEL_FILING').roles, ['head'])
  t.same(d.events.find((e: { type: string }) => e.type === 'COMPLETENESS_LIMIT_PASSED').roles, ['system'])
  for (const e of d.events) t.ok(e.source.length > 5, `${e.type} cites its source`)
  for (const s of d.states) t.ok(s.source, `${s.state} cites its source`)
})
