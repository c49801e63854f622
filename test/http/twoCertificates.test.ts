/**
 * Two certificates in one (两证合一) through the HTTP API, on the database the suite runs on (PGlite or PostgreSQL):
 * the combined path for an elderly home's clinic in Xianning, the two-step path for a clinical laboratory centre,
 * every refusal, the uncounted pauses, the head's extension, the timers' facts and withdrawal.
 */
import t, { type Test } from 'tap'
import { buildTestApp, send, type TestApp } from '../helpers/app.ts'
import { principals as p } from '../helpers/factories.ts'
import { SYSTEM_PRINCIPAL } from '../../src/auth/principal.ts'
import { loadWorkCalendar } from '../../src/calendarStore/load.ts'
import { workingDaysBetween } from '../../src/calendar/units.ts'
import type { PolicyDocument } from '../../src/policy/document.ts'

const CHECKLIST = [
  'registrationApplication', 'feasibilityStudy', 'siteReport', 'premisesProof', 'founderDocuments',
  'staffQualifications', 'equipmentList', 'rules', 'fireSafetyEvidence', 'medicalWasteContract',
] as const

const materials = (items: readonly string[] = CHECKLIST) => items.map((item) => ({ item, documentRef: `doc-${item}` }))

/** An elderly home in 咸安区 founding a level-1 clinic: two certificates in one. */
function clinicOfElderlyHome(overrides: { materials?: { item: string; documentRef: string }[] } = {}) {
  return {
    procedure: 'twoCertificates',
    jurisdiction: '421202',
    institution: {
      name: '咸安区福寿养老院',
      unifiedSocialCreditCode: '52421202MJH123456E',
      kind: 'elderlyCareInstitution' as const,
      adds: 'medicalInstitution' as const,
      medicalKind: 'clinic' as const,
      medicalLevel: 1,
      ownership: 'domestic' as const,
      unitName: '咸安区福寿养老院诊所',
      beds: 120,
    },
    materials: overrides.materials ?? materials(),
  }
}

/** A clinical laboratory centre: excluded nationally (R2c), so setup approval then practice registration. */
function laboratoryCentre() {
  return {
    procedure: 'twoCertificates',
    jurisdiction: '421202',
    institution: {
      name: '咸宁康源医学检验实验室有限公司',
      unifiedSocialCreditCode: '91421202MA4F12345P',
      kind: 'medicalInstitution' as const,
      medicalKind: 'clinicalLaboratoryCentre' as const,
      ownership: 'domestic' as const,
      unitName: '咸宁康源临床检验中心',
    },
    materials: materials(),
  }
}

type Res = { statusCode: number; body: string; json(): any }
type ClockView = { name: string; kind: string; status: string; dueOn: string | null; pauses: { kind: string; workingDays: number | null; noticeWorkingDays: number | null }[]; extensions: unknown[]; source: string }

async function file(h: TestApp, body: object = clinicOfElderlyHome()) {
  const res = await h.call(p.applicant, 'POST', '/v1/cases', body)
  if (res.statusCode !== 201) throw new Error(`create failed ${res.statusCode} ${res.body}`)
  return res.json() as { id: string; state: string; context: any }
}

function expectState(t: Test, res: Res, state: string) {
  t.equal(res.statusCode, 200, `${state}: ${res.statusCode === 200 ? 'ok' : res.body.slice(0, 400)}`)
  t.equal(res.json().state, state)
}

async function view(h: TestApp, id: string, as = p.officer) {
  return (await h.call(as, 'GET', `/v1/cases/${id}`)).json()
}
const clock = (v: { clocks: ClockView[] }, name: string) => v.clocks.find((c) => c.name === name && c.kind === 'statutory')!

async function history(h: TestApp, id: string) {
  return (await h.call(p.officer, 'GET', `/v1/cases/${id}/history`)).json().events as { type: string; statusCode: number | null; actorRole: string; payload: any }[]
}

async function accept(t: Test, h: TestApp, id: string, state: string) {
  expectState(t, await send(h, p.clerk, id, 'BEGIN_INTAKE_CHECK'), 'intakeCheck')
  expectState(t, await send(h, p.clerk, id, 'ACCEPT'), state)
}

/** The publicity period ends: the timer's event, sent as the system. */
function endPublicity(h: TestApp, id: string, dueOn: string) {
  return h.engine.apply(id, { type: 'PUBLICITY_PERIOD_ENDED', payload: { clock: 'publicityPeriod', dueOn } }, SYSTEM_PRINCIPAL)
}

/** Combined path up to document review, publicity from 03-03 (5 working days: due 03-10), ended on 03-11. */
async function toDocumentReview(t: Test, h: TestApp, id: string) {
  h.clock.set('2026-03-02T10:00:00+08:00')
  await accept(t, h, id, 'accepted.combined')
  h.clock.set('2026-03-03T10:00:00+08:00')
  expectState(t, await send(h, p.officer, id, 'START_PUBLICITY', { channel: '咸安区卫生健康局网站', workingDaysNeeded: 5 }), 'publicity')
  h.clock.set('2026-03-11T00:00:01+08:00')
  const { row } = await endPublicity(h, id, '2026-03-10')
  t.equal(row.state, 'documentReview')
}

t.test('an elderly home’s level-1 clinic in Xianning takes two certificates in one: publicity, inspection, registration, certificate', async (t) => {
  const h = await buildTestApp(t)
  const created = await h.call(p.applicant, 'POST', '/v1/cases', clinicOfElderlyHome())
  t.equal(created.statusCode, 201, created.body)
  const c = created.json()
  t.equal(c.state, 'submitted')
  t.equal(c.stateLabel, '已接件')
  t.match(c.context.path, { path: 'combined', rule: 'twoCertificatesApplies', kindCodes: [], excludedAs: [], maxLevel: 2, source: /004_6104121fb84d74b0\.txt L108/ },
    'the path is decided at submission from the pinned policy, with its rule and source')
  t.same(c.context.checklist.items.map((i: { code: string }) => i.code), [...CHECKLIST], 'the checklist is the policy’s, without 验资证明')

  await accept(t, h, c.id, 'accepted.combined')
  t.equal(clock(await view(h, c.id), 'decisionLimit').status, 'running', 'the decision limit runs from acceptance')

  const tooShort = await send(h, p.officer, c.id, 'START_PUBLICITY', { channel: '区卫健局网站', workingDaysNeeded: 3 })
  t.equal(tooShort.statusCode, 422, 'the written notice may not promise less than the publicity period')
  t.match(tooShort.json().rules, [{ name: 'publicityNoticeCoversPeriod', source: /第四十五条/ }])
  const publicity = await send(h, p.officer, c.id, 'START_PUBLICITY', { channel: '咸安区卫生健康局网站', workingDaysNeeded: 5 })
  expectState(t, publicity, 'publicity')
  t.equal(publicity.json().stateLabel, '公示中')
  t.match(clock(publicity.json(), 'publicityPeriod'), { status: 'running', source: /公示/ })
  t.equal(clock(publicity.json(), 'decisionLimit').status, 'paused')
  expectState(t, await send(h, p.officer, c.id, 'RECORD_PUBLICITY_OBJECTION', { objection: '邻居反映医疗废物暂存点距离住宅过近' }), 'publicity')
  const timer = await h.database.db.selectFrom('timers').select(['event_type', 'status']).where('case_id', '=', c.id).where('clock_name', '=', 'publicityPeriod').executeTakeFirstOrThrow()
  t.match(timer, { event_type: 'PUBLICITY_PERIOD_ENDED', status: 'pending' }, 'the end of the publicity is a timer’s fact')

  h.clock.set('2026-03-11T00:00:01+08:00')
  t.equal((await endPublicity(h, c.id, '2026-03-10')).row.state, 'documentReview')
  expectState(t, await send(h, p.officer, c.id, 'SCHEDULE_ONSITE_INSPECTION', { plannedOn: '2026-03-13', workingDaysNeeded: 2 }), 'onsiteInspection')
  expectState(t, await send(h, p.officer, c.id, 'RECORD_ONSITE_RESULT', { passed: true, findings: '消毒、隔离和无菌操作符合要求' }), 'documentReview')
  const byOfficer = await send(h, p.officer, c.id, 'REGISTER', { practiceScope: '全科医疗科' })
  t.equal(byOfficer.statusCode, 403, 'the head of the department signs the registration')
  const registered = await send(h, p.head, c.id, 'REGISTER', { practiceScope: '全科医疗科；康复医学科', beds: 0 })
  expectState(t, registered, 'registered')
  const r = registered.json()
  t.equal(r.filingNumber, '421202-2026-00001', 'the registration number (登记号) is allocated per county and year')
  t.match(r.context.registration, { registrationNumber: '421202-2026-00001', practiceScope: '全科医疗科；康复医学科', institutionName: '咸安区福寿养老院诊所', registeredBy: 'head-1' })
  t.equal(clock(r, 'decisionLimit').status, 'stopped')
  t.match(clock(r, 'certificateLimit'), { status: 'running', source: /第四十四条/ }, 'the certificate is due within its own limit after the decision')

  const issued = await send(h, p.officer, c.id, 'ISSUE_CERTIFICATE', { deliveryMethod: 'window' })
  expectState(t, issued, 'certificateIssued')
  t.equal(issued.json().status, 'done')
  t.match(issued.json().context.certificate, { registrationNumber: '421202-2026-00001', deliveryMethod: 'window' })
  t.equal(issued.json().context.setupApproval, null, 'no 设置医疗机构批准书 on this path')

  const events = await history(h, c.id)
  t.same(events.map((e) => e.type), ['SUBMIT', 'BEGIN_INTAKE_CHECK', 'ACCEPT', 'START_PUBLICITY', 'RECORD_PUBLICITY_OBJECTION', 'PUBLICITY_PERIOD_ENDED',
    'SCHEDULE_ONSITE_INSPECTION', 'RECORD_ONSITE_RESULT', 'REGISTER', 'ISSUE_CERTIFICATE'])
  t.same(events.map((e) => e.statusCode), [1, null, 3, 9, null, 10, 9, 10, 11, null], '办件状态: 已接件, 已受理, 特别程序 start/end twice, 办结（通过）')
  t.equal(events[5]!.actorRole, 'system')
  const outbox = await h.database.db.selectFrom('outbox').select(['topic']).where('case_id', '=', c.id).orderBy('id').execute()
  t.same(outbox.map((o) => o.topic), ['twoCertificates.submitted', 'twoCertificates.accepted', 'twoCertificates.publicityStarted', 'twoCertificates.publicityObjection',
    'twoCertificates.publicityEnded', 'twoCertificates.onsiteInspectionScheduled', 'twoCertificates.onsiteInspectionRecorded', 'twoCertificates.registered',
    'twoCertificates.certificateIssued'])
})

t.test('a clinical laboratory centre takes the two-step path: setup approval, then practice registration and the certificate', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h, laboratoryCentre())
  t.match(c.context.path, { path: 'twoStep', rule: 'excludedKind', excludedAs: ['clinicalLaboratoryCentre'], source: /临床检验中心/ })
  await accept(t, h, c.id, 'accepted.twoStep')
  const accepted = await view(h, c.id)
  t.equal(accepted.stateLabel, '已受理（设置审批）')
  t.match(clock(accepted, 'setupApprovalLimit'), { status: 'running', source: /第十二条/ })
  t.notOk(clock(accepted, 'decisionLimit'), 'the combined decision limit never opens on this path')
  t.notOk(accepted.allowedEvents.some((e: { type: string }) => e.type === 'START_PUBLICITY'), 'no publicity on the two-step path')

  expectState(t, await send(h, p.officer, c.id, 'BEGIN_SETUP_REVIEW'), 'setupReview')
  const approved = await send(h, p.head, c.id, 'APPROVE_SETUP', { documentNumber: '咸安卫医设〔2026〕3号', validUntil: '2027-03-01' })
  expectState(t, approved, 'setupApproved')
  t.match(approved.json().context.setupApproval, { documentNumber: '咸安卫医设〔2026〕3号', validUntil: '2027-03-01', approvedBy: 'head-1' })
  t.equal(clock(approved.json(), 'setupApprovalLimit').status, 'stopped')
  t.equal(approved.json().filingNumber, null, 'the 批准书 is not the practice licence: no registration number yet')

  const offList = await send(h, p.applicant, c.id, 'APPLY_FOR_REGISTRATION', { materials: [{ item: 'capitalVerification', documentRef: 'doc-cap' }] })
  t.equal(offList.statusCode, 422, 'no material outside the checklist (no 验资证明)')
  t.match(offList.json().rules.map((r: { name: string }) => r.name), ['setupApprovalStillValid', 'registrationMaterialsOnChecklist'])
  const applied = await send(h, p.applicant, c.id, 'APPLY_FOR_REGISTRATION', { materials: [{ item: 'registrationApplication', documentRef: 'doc-reg-2' }, { item: 'staffQualifications', documentRef: 'doc-staff-2' }] })
  expectState(t, applied, 'registrationApplied')
  t.match(clock(applied.json(), 'registrationLimit'), { status: 'running', source: /第十九条/ })
  t.equal(applied.json().context.materials.registrationApplication.documentRef, 'doc-reg-2')

  expectState(t, await send(h, p.officer, c.id, 'BEGIN_REGISTRATION_REVIEW'), 'registrationReview')
  const inspecting = await send(h, p.officer, c.id, 'SCHEDULE_ONSITE_INSPECTION', { plannedOn: '2026-03-05', workingDaysNeeded: 2 })
  expectState(t, inspecting, 'registrationInspection')
  t.equal(clock(inspecting.json(), 'registrationLimit').status, 'paused')
  expectState(t, await send(h, p.officer, c.id, 'RECORD_ONSITE_RESULT', { passed: true, findings: '生物安全和质控符合要求' }), 'registrationReview')
  const registered = await send(h, p.head, c.id, 'REGISTER', { practiceScope: '医学检验科' })
  expectState(t, registered, 'registered')
  t.equal(registered.json().filingNumber, '421202-2026-00001')
  expectState(t, await send(h, p.officer, c.id, 'ISSUE_CERTIFICATE', { deliveryMethod: 'electronic' }), 'certificateIssued')

  const events = await history(h, c.id)
  t.same(events.map((e) => e.type), ['SUBMIT', 'BEGIN_INTAKE_CHECK', 'ACCEPT', 'BEGIN_SETUP_REVIEW', 'APPROVE_SETUP', 'APPLY_FOR_REGISTRATION',
    'BEGIN_REGISTRATION_REVIEW', 'SCHEDULE_ONSITE_INSPECTION', 'RECORD_ONSITE_RESULT', 'REGISTER', 'ISSUE_CERTIFICATE'])
  t.same(events.map((e) => e.statusCode), [1, null, 3, 8, null, null, 8, 9, 10, 11, null])
})

t.test('a refusal at intake ends the case with reasons and the remedies', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await send(h, p.clerk, c.id, 'BEGIN_INTAKE_CHECK')
  t.equal((await send(h, p.clerk, c.id, 'REFUSE_INTAKE', { reasons: [] })).statusCode, 400, 'a refusal needs a reason')
  const refused = await send(h, p.clerk, c.id, 'REFUSE_INTAKE', { reasons: ['申请事项不属于本机关职权范围'] })
  expectState(t, refused, 'notAccepted')
  t.equal(refused.json().status, 'done')
  const refusal = refused.json().context.intakeRefusal
  t.same(refusal.reasons, ['申请事项不属于本机关职权范围'])
  t.match(refusal.remedies, [
    { kind: 'administrativeReconsideration', titleZh: '行政复议', within: { amount: 60, unit: 'days', source: /行政复议法.*第二十条/ } },
    { kind: 'administrativeLitigation', titleZh: '行政诉讼', within: { amount: 6, unit: 'months', source: /行政诉讼法 第四十六条/ } },
  ])
  t.equal((await history(h, c.id)).at(-1)!.statusCode, 5, '不予受理')
})

t.test('an institution failing the on-site inspection is not registered and is refused with reasons and the remedies', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await toDocumentReview(t, h, c.id)
  const early = await send(h, p.head, c.id, 'REGISTER', { practiceScope: '全科医疗科' })
  t.equal(early.statusCode, 422, 'no registration before an on-site inspection')
  t.match(early.json(), { code: 'rule-not-satisfied', rules: [{ name: 'onsiteInspectionPassed', source: /实施细则 第二十六条/ }] })
  await send(h, p.officer, c.id, 'SCHEDULE_ONSITE_INSPECTION', { plannedOn: '2026-03-13', workingDaysNeeded: 2 })
  expectState(t, await send(h, p.officer, c.id, 'RECORD_ONSITE_RESULT', { passed: false, findings: '无菌操作考核不合格' }), 'documentReview')
  t.equal((await send(h, p.head, c.id, 'REGISTER', { practiceScope: '全科医疗科' })).statusCode, 422, 'a failed inspection blocks registration')
  t.equal((await send(h, p.officer, c.id, 'REFUSE', { reasons: ['x'.repeat(3)] })).statusCode, 403, 'the head signs the refusal')
  const refused = await send(h, p.head, c.id, 'REFUSE', { reasons: ['现场审查消毒、隔离和无菌操作不合格（医疗机构管理条例实施细则第二十六条）'] })
  expectState(t, refused, 'refused')
  t.equal(refused.json().stateLabel, '不予登记')
  t.match(refused.json().context.refusal, { by: 'head-1', reasons: [/无菌操作不合格/], remedies: [{ titleZh: '行政复议' }, { titleZh: '行政诉讼' }] })
  t.equal(refused.json().filingNumber, null, 'no number for a refusal')
  t.equal((await history(h, c.id)).at(-1)!.statusCode, 13, '办结（不通过）')
})

t.test('a refused setup ends the two-step case with reasons and the remedies', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h, laboratoryCentre())
  await accept(t, h, c.id, 'accepted.twoStep')
  await send(h, p.officer, c.id, 'BEGIN_SETUP_REVIEW')
  const refused = await send(h, p.head, c.id, 'REFUSE_SETUP', { reasons: ['不符合本地区医疗机构设置规划'] })
  expectState(t, refused, 'setupRefused')
  t.equal(refused.json().status, 'done')
  t.match(refused.json().context.setupRefusal, { reasons: ['不符合本地区医疗机构设置规划'], remedies: [{ within: { amount: 60 } }, { within: { amount: 6, unit: 'months' } }] })
  t.equal((await history(h, c.id)).at(-1)!.statusCode, 13)
})

t.test('the publicity pauses the decision limit: its deadline moves by exactly the working days paused', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  h.clock.set('2026-03-02T10:00:00+08:00')
  await accept(t, h, c.id, 'accepted.combined')
  const before = clock(await view(h, c.id), 'decisionLimit').dueOn!
  h.clock.set('2026-03-03T10:00:00+08:00')
  const started = await send(h, p.officer, c.id, 'START_PUBLICITY', { channel: '咸安区卫生健康局网站', workingDaysNeeded: 5 })
  t.equal(clock(started.json(), 'publicityPeriod').dueOn, '2026-03-10', '5 working days from 03-04')
  t.match(clock(started.json(), 'decisionLimit'), { status: 'paused', dueOn: null, pauses: [{ kind: 'specialProcedure', noticeWorkingDays: 5 }] })
  h.clock.set('2026-03-11T00:00:01+08:00')
  await endPublicity(h, c.id, '2026-03-10')
  const after = await view(h, c.id)
  const d = clock(after, 'decisionLimit')
  t.equal(d.status, 'running')
  t.equal(d.pauses[0]!.workingDays, 6, '03-04, 03-05, 03-06, 03-09, 03-10 and the day it ended, 03-11, are not counted')
  const cal = await loadWorkCalendar(h.database.db, '421202')
  t.equal(workingDaysBetween(cal, before, d.dueOn!), 6, `${before} moved by 6 working days to ${d.dueOn}`)
  t.equal(clock(after, 'publicityPeriod').status, 'stopped')
})

t.test('the on-site inspection pauses the decision limit: its deadline moves by exactly the working days paused', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await toDocumentReview(t, h, c.id)
  const before = clock(await view(h, c.id), 'decisionLimit').dueOn!
  h.clock.set('2026-03-12T10:00:00+08:00')
  await send(h, p.officer, c.id, 'SCHEDULE_ONSITE_INSPECTION', { plannedOn: '2026-03-16', workingDaysNeeded: 3 })
  h.clock.set('2026-03-17T16:00:00+08:00')
  const resumed = await send(h, p.officer, c.id, 'RECORD_ONSITE_RESULT', { passed: true, findings: '符合医疗机构基本标准' })
  const d = clock(resumed.json(), 'decisionLimit')
  t.equal(d.pauses[1]!.noticeWorkingDays, 3, 'the written notice of how long is recorded')
  t.equal(d.pauses[1]!.workingDays, 3, '03-13, 03-16, 03-17 are not counted')
  const cal = await loadWorkCalendar(h.database.db, '421202')
  t.equal(workingDaysBetween(cal, before, d.dueOn!), 3, `${before} moved by 3 working days to ${d.dueOn}`)
})

t.test('the registration limit of the two-step path pauses for its on-site inspection too', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h, laboratoryCentre())
  await accept(t, h, c.id, 'accepted.twoStep')
  await send(h, p.officer, c.id, 'BEGIN_SETUP_REVIEW')
  await send(h, p.head, c.id, 'APPROVE_SETUP', { documentNumber: '咸安卫医设〔2026〕4号', validUntil: '2027-03-01' })
  await send(h, p.applicant, c.id, 'APPLY_FOR_REGISTRATION', { materials: [{ item: 'registrationApplication', documentRef: 'r2' }] })
  await send(h, p.officer, c.id, 'BEGIN_REGISTRATION_REVIEW')
  const before = clock(await view(h, c.id), 'registrationLimit').dueOn!
  h.clock.set('2026-03-04T10:00:00+08:00')
  await send(h, p.officer, c.id, 'SCHEDULE_ONSITE_INSPECTION', { plannedOn: '2026-03-06', workingDaysNeeded: 3 })
  h.clock.set('2026-03-09T10:00:00+08:00')
  const d = clock((await send(h, p.officer, c.id, 'RECORD_ONSITE_RESULT', { passed: true, findings: '符合' })).json(), 'registrationLimit')
  t.equal(d.pauses[0]!.workingDays, 3, '03-05, 03-06, 03-09')
  t.equal(workingDaysBetween(await loadWorkCalendar(h.database.db, '421202'), before, d.dueOn!), 3)
})

t.test('a correction after acceptance pauses the decision limit by default, and restarts it where the policy says so', async (t) => {
  const restart: PolicyDocument = {
    jurisdiction: '421221', name: '嘉鱼县（测试：补正后重新计时）', version: 'test-1', effectiveFrom: '2020-01-01',
    values: { 'twoCertificates.decision.afterSupplement': { value: 'restart', source: 'test policy: the decision limit restarts on the corrected materials' } },
  }
  const h = await buildTestApp(t, { policies: [restart] })
  const correct = async (jurisdiction: string) => {
    const who = <P extends { jurisdiction: string }>(x: P) => ({ ...x, jurisdiction })
    h.clock.set('2026-03-02T09:00:00+08:00')
    const c = (await h.call(who(p.applicant), 'POST', '/v1/cases', { ...clinicOfElderlyHome(), jurisdiction })).json()
    await send(h, who(p.clerk), c.id, 'BEGIN_INTAKE_CHECK')
    await send(h, who(p.clerk), c.id, 'ACCEPT')
    await send(h, who(p.officer), c.id, 'START_PUBLICITY', { channel: '县卫健局网站', workingDaysNeeded: 5 })
    h.clock.set('2026-03-10T00:00:01+08:00')
    await endPublicity(h, c.id, '2026-03-09')
    const before = clock(await view(h, c.id, who(p.officer)), 'decisionLimit').dueOn!
    h.clock.set('2026-03-11T10:00:00+08:00')
    const offList = await send(h, who(p.officer), c.id, 'REQUEST_CORRECTION', { items: [{ item: 'capitalVerification', reason: '验资证明' }] })
    t.equal(offList.statusCode, 422, 'no 验资证明 or other item outside the checklist (R2c)')
    const asked = await send(h, who(p.officer), c.id, 'REQUEST_CORRECTION', { items: [{ item: 'staffQualifications', reason: '护士执业证书过期' }] })
    expectState(t, asked, 'correctionRequested')
    t.match(clock(asked.json(), 'decisionLimit'), { status: 'paused', pauses: [{ kind: 'specialProcedure' }, { kind: 'supplement' }] })
    h.clock.set('2026-03-16T10:00:00+08:00')
    const back = await send(h, who(p.applicant), c.id, 'SUBMIT_CORRECTION', { materials: [{ item: 'staffQualifications', documentRef: 'doc-staff-2' }] })
    expectState(t, back, 'documentReview')
    return { before, after: clock(back.json(), 'decisionLimit') as ClockView & { startedOn: string; restarts: unknown[] } }
  }
  const paused = await correct('421202')
  t.equal(paused.after.pauses[1]!.workingDays, 3, '03-12, 03-13, 03-16 are not counted')
  t.equal(workingDaysBetween(await loadWorkCalendar(h.database.db, '421202'), paused.before, paused.after.dueOn!), 3, 'national default: pause')
  const restarted = await correct('421221')
  t.equal(restarted.after.startedOn, '2026-03-16', 'restarted on the corrected materials')
  t.equal(restarted.after.restarts.length, 1)
})

t.test('the decision limit is extended only by the head, with a reason, within the policy bound', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await accept(t, h, c.id, 'accepted.combined')
  const before = clock(await view(h, c.id), 'decisionLimit').dueOn!
  const byOfficer = await send(h, p.officer, c.id, 'EXTEND_DECISION_LIMIT', { workingDays: 5, reason: '需会同民政部门核实' })
  t.equal(byOfficer.statusCode, 403, 'an officer cannot extend')
  t.match(byOfficer.json(), { code: 'role-not-allowed', allowedRoles: ['head'] })
  t.equal((await send(h, p.head, c.id, 'EXTEND_DECISION_LIMIT', { workingDays: 5 })).statusCode, 400, 'a reason is required')
  const ok = await send(h, p.head, c.id, 'EXTEND_DECISION_LIMIT', { workingDays: 6, reason: '需会同民政部门核实' })
  t.equal(ok.statusCode, 200)
  t.equal(ok.json().state, 'accepted.combined', 'an extension does not move the case')
  const d = clock(ok.json(), 'decisionLimit')
  t.match(d.extensions, [{ workingDays: 6, approvedBy: 'head-1', approvedRole: 'head', reason: '需会同民政部门核实' }])
  t.equal(workingDaysBetween(await loadWorkCalendar(h.database.db, '421202'), before, d.dueOn!), 6)
  const over = await send(h, p.head, c.id, 'EXTEND_DECISION_LIMIT', { workingDays: 5, reason: '再延' })
  t.equal(over.statusCode, 422, 'past the bound')
  t.match(over.json(), { code: 'extension-exceeds-policy', clock: 'decisionLimit', maxWorkingDays: 10, alreadyGranted: 6, asked: 5, source: /第四十二条/ })
  t.equal((await send(h, p.head, c.id, 'EXTEND_DECISION_LIMIT', { workingDays: 4, reason: '最后延期' })).statusCode, 200, 'up to the bound is allowed')
})

t.test('a missed intake limit is deemed acceptance on the path pinned at submission', async (t) => {
  const h = await buildTestApp(t)
  const combined = await file(h)
  const twoStep = await file(h, laboratoryCentre())
  h.clock.set('2026-03-10T00:00:01+08:00')
  const payload = { clock: 'intakeLimit', dueOn: '2026-03-09' }
  t.equal((await h.engine.apply(combined.id, { type: 'INTAKE_LIMIT_PASSED', payload }, SYSTEM_PRINCIPAL)).row.state, 'accepted.combined')
  t.equal((await h.engine.apply(twoStep.id, { type: 'INTAKE_LIMIT_PASSED', payload }, SYSTEM_PRINCIPAL)).row.state, 'accepted.twoStep')
  const v = await view(h, combined.id)
  t.equal(v.context.deemedAccepted, true)
  t.equal(clock(v, 'intakeLimit').status, 'stopped')
  t.equal(clock(v, 'decisionLimit').status, 'running')
  t.equal(clock(await view(h, twoStep.id), 'setupApprovalLimit').status, 'running')
  t.match((await history(h, combined.id)).at(-1), { type: 'INTAKE_LIMIT_PASSED', actorRole: 'system', statusCode: 3 })
})

t.test('a passed decision limit marks the case overdue and escalates it; people cannot send the timer’s fact', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await accept(t, h, c.id, 'accepted.combined')
  const timer = await h.database.db.selectFrom('timers').select(['event_type']).where('case_id', '=', c.id).where('status', '=', 'pending').executeTakeFirstOrThrow()
  t.equal(timer.event_type, 'DECISION_LIMIT_PASSED')
  const payload = { clock: 'decisionLimit', dueOn: '2026-05-08' }
  const byClerk = await send(h, p.clerk, c.id, 'DECISION_LIMIT_PASSED', payload)
  t.equal(byClerk.statusCode, 403, 'only the system reports a passed limit')
  h.clock.set('2026-05-09T00:00:01+08:00')
  const { row } = await h.engine.apply(c.id, { type: 'DECISION_LIMIT_PASSED', payload }, SYSTEM_PRINCIPAL)
  t.equal(row.state, 'accepted.combined', 'the case stays where it is')
  t.same((await view(h, c.id)).context.overdue, { decisionLimit: '2026-05-08T16:00:01.000Z' })
  const outbox = await h.database.db.selectFrom('outbox').select(['topic']).where('case_id', '=', c.id).orderBy('id').execute()
  t.equal(outbox.at(-1)!.topic, 'twoCertificates.decisionLimitOverdue')
  h.clock.set('2026-05-11T09:00:00+08:00')
  await h.engine.apply(c.id, { type: 'DECISION_LIMIT_PASSED', payload }, SYSTEM_PRINCIPAL)
  t.same((await view(h, c.id)).context.overdue, { decisionLimit: '2026-05-08T16:00:01.000Z' }, 'overdue since the first time')
})

t.test('the applicant withdraws before a decision, not after it', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await accept(t, h, c.id, 'accepted.combined')
  await send(h, p.officer, c.id, 'START_PUBLICITY', { channel: '咸安区卫生健康局网站', workingDaysNeeded: 5 })
  const byClerk = await send(h, p.clerk, c.id, 'WITHDRAW')
  t.equal(byClerk.statusCode, 403, 'only the applicant withdraws')
  const withdrawn = await send(h, p.applicant, c.id, 'WITHDRAW', { reason: '改址重新申请' })
  expectState(t, withdrawn, 'withdrawn')
  t.equal(withdrawn.json().context.withdrawal.reason, '改址重新申请')
  t.equal((await history(h, c.id)).at(-1)!.statusCode, 14, '撤回')
  const pending = await h.database.db.selectFrom('timers').select(['clock_name']).where('case_id', '=', c.id).where('status', '=', 'pending').execute()
  t.same(pending, [], 'no timer is left armed')

  const lab = await file(h, laboratoryCentre())
  await accept(t, h, lab.id, 'accepted.twoStep')
  await send(h, p.officer, lab.id, 'BEGIN_SETUP_REVIEW')
  await send(h, p.head, lab.id, 'APPROVE_SETUP', { documentNumber: '咸安卫医设〔2026〕5号', validUntil: '2027-03-01' })
  expectState(t, await send(h, p.applicant, lab.id, 'WITHDRAW'), 'withdrawn')

  const done = await file(h)
  await toDocumentReview(t, h, done.id)
  await send(h, p.officer, done.id, 'SCHEDULE_ONSITE_INSPECTION', { plannedOn: '2026-03-13', workingDaysNeeded: 2 })
  await send(h, p.officer, done.id, 'RECORD_ONSITE_RESULT', { passed: true, findings: '符合' })
  await send(h, p.head, done.id, 'REGISTER', { practiceScope: '全科医疗科' })
  const late = await send(h, p.applicant, done.id, 'WITHDRAW')
  t.equal(late.statusCode, 422, 'no withdrawal after the registration decision')
  t.equal(late.json().code, 'invalid-transition')
})

t.test('the procedure does not apply without what decides the path, and names the field', async (t) => {
  const h = await buildTestApp(t)
  const base = clinicOfElderlyHome()
  const noOwnership = await h.call(p.applicant, 'POST', '/v1/cases', { ...base, institution: { ...base.institution, ownership: undefined } })
  t.equal(noOwnership.statusCode, 422)
  t.match(noOwnership.json(), { code: 'procedure-not-applicable', detail: /ownership/ })
  const hospital = await h.call(p.applicant, 'POST', '/v1/cases', { ...base, institution: { ...base.institution, medicalKind: 'hospital', medicalLevel: undefined } })
  t.match(hospital.json(), { code: 'procedure-not-applicable', detail: /medicalLevel is required/ })
  const internal = await h.call(p.applicant, 'POST', '/v1/cases', { ...base, institution: { ...base.institution, adds: 'internalMedicalUnit' } })
  t.match(internal.json(), { code: 'procedure-not-applicable', detail: /filed/ }, 'an internal unit is filed, not registered here')
  const tertiary = { ...base, institution: { ...base.institution, kind: 'medicalInstitution', medicalKind: 'hospital', medicalLevel: 3 } }
  t.match((await file(h, tertiary)).context.path, { path: 'twoStep', rule: 'aboveMaxLevel', excludedAs: [], source: /L108/ },
    'in Xianning a 三级医院 is kept out by the level bound (二级及以下), its list naming five kinds')
  const elsewhere = await h.call({ ...p.applicant, jurisdiction: '440106' }, 'POST', '/v1/cases', { ...tertiary, jurisdiction: '440106' })
  t.match(elsewhere.json().context.path, { path: 'twoStep', rule: 'excludedKind', excludedAs: ['tertiaryHospital'], source: /三级医院/ },
    'under the national defaults it is on the exclusion list (R2c)')
  const jointVenture = await file(h, { ...base, institution: { ...base.institution, ownership: 'sinoForeignJointVenture' } })
  t.match(jointVenture.context.path, { path: 'twoStep', excludedAs: ['sinoForeignJointVenture'] })
})

t.test('the procedure describes itself with a source for every state and event', async (t) => {
  const h = await buildTestApp(t)
  const d = (await h.call(null, 'GET', '/v1/procedures/twoCertificates')).json()
  t.equal(d.titleZh, '医疗机构设置审批与执业登记“两证合一”')
  for (const s of d.states) t.ok(s.source, `${s.state} cites its source`)
  for (const e of d.events) t.ok(e.source.length > 3, `${e.type} cites its source`)
  t.same(d.events.filter((e: { roles: string[] }) => e.roles.includes('system')).map((e: { type: string }) => e.type).sort(),
    ['CERTIFICATE_LIMIT_PASSED', 'DECISION_LIMIT_PASSED', 'INTAKE_LIMIT_PASSED', 'PUBLICITY_PERIOD_ENDED', 'REGISTRATION_LIMIT_PASSED', 'SETUP_APPROVAL_LIMIT_PASSED'])
})
