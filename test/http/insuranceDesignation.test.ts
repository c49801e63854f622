/**
 * The medical-insurance designation (医保定点) through the API, on the database the suite runs on
 * (PGlite or PostgreSQL), on the real 2026 calendar.
 */
import t, { type Test } from 'tap'
import { buildTestApp, send, type TestApp } from '../helpers/app.ts'
import { departmentStaff } from '../helpers/factories.ts'
import { SYSTEM_PRINCIPAL, type Principal } from '../../src/auth/principal.ts'
import type { PolicyDocument } from '../../src/policy/document.ts'
import { insuranceDesignationApplication, type InsuranceApplicationOptions } from '../model/insuranceDesignation.model.ts'
import { TimerWorker } from '../../src/timers/worker.ts'

/** 医保 handles the designation. */
const p = departmentStaff('healthcareSecurity')

type ClockView = {
  name: string; kind: string; status: string; dueOn: string | null; startedOn: string; amount: number; unit: string; source: string
  pauses: { workingDays: number | null; kind: string; noticeWorkingDays: number | null }[]; extensions: unknown[]; restarts: unknown[]
}
type Res = { statusCode: number; body: string; json(): any }

async function file(h: TestApp, options: InsuranceApplicationOptions = {}, as: Principal = p.applicant): Promise<{ id: string }> {
  const res = await h.call(as, 'POST', '/v1/cases', insuranceDesignationApplication(options))
  if (res.statusCode !== 201) throw new Error(`create failed ${res.statusCode} ${res.body}`)
  return res.json()
}

function expectState(t: Test, res: Res, state: string) {
  t.equal(res.statusCode, 200, `${state}: ${res.body.slice(0, 300)}`)
  t.equal(res.json().state, state)
}

async function view(h: TestApp, id: string, as: Principal = p.officer) {
  return (await h.call(as, 'GET', `/v1/cases/${id}`)).json()
}
const clock = (cs: ClockView[], name: string, kind = 'statutory') => cs.find((c) => c.name === name && c.kind === kind)
const system = (h: TestApp, id: string, type: string, payload: Record<string, unknown>) => h.engine.apply(id, { type, payload }, SYSTEM_PRINCIPAL)
const worker = (h: TestApp) => new TimerWorker({ db: h.database.db, engine: h.engine, clock: h.clock, pglite: h.database.kind === 'pglite', pollIntervalMs: 10 })

type Cast = Record<'clerk' | 'officer' | 'head' | 'applicant', Principal>
const xianning: Cast = { clerk: p.clerk, officer: p.officer, head: p.head, applicant: p.applicant }

async function toEvaluation(h: TestApp, id: string, t: Test, who: Cast = xianning) {
  expectState(t, await send(h, who.clerk, id, 'BEGIN_INTAKE_CHECK'), 'intake')
  expectState(t, await send(h, who.clerk, id, 'ACCEPT'), 'evaluation')
}

async function toPassed(h: TestApp, id: string, t: Test, who: Cast = xianning) {
  await toEvaluation(h, id, t, who)
  expectState(t, await send(h, who.officer, id, 'RECORD_ONSITE_EVALUATION', { visitedOn: '2026-03-20', findings: '医保管理制度、信息系统符合要求' }), 'evaluation')
  expectState(t, await send(h, who.officer, id, 'RECORD_EVALUATION_PASSED', { findings: '材料评估和现场评估均通过' }), 'passed')
}

async function passedToDesignated(h: TestApp, id: string, t: Test, who: Cast = xianning) {
  expectState(t, await send(h, who.officer, id, 'START_PUBLICITY', { channel: '市医疗保障局网站' }), 'publicity')
  t.equal((await system(h, id, 'PUBLICITY_PERIOD_PASSED', { clock: 'publicityPeriod', dueOn: '2026-03-09' })).row.state, 'negotiation')
  expectState(t, await send(h, who.head, id, 'SIGN_AGREEMENT', { agreementNumber: 'XN-YB-2026-001' }), 'agreementSigned')
  expectState(t, await send(h, who.officer, id, 'BEGIN_SYSTEM_ACTIVATION'), 'systemActivation')
  expectState(t, await send(h, who.officer, id, 'DESIGNATE', { activatedOn: '2026-03-20' }), 'designated.agreementActive')
}

t.test('happy path: accepted, evaluated on site, published, agreement signed, system opened, designated with a 定点编号', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  const created = await view(h, c.id, p.applicant)
  t.equal(created.state, 'submitted')
  t.equal(created.stateLabel, '已接件')
  t.same(created.allowedEvents.map((e: { type: string }) => e.type), ['WITHDRAW'], 'the applicant may only withdraw now')
  t.equal(created.context.eligibility.eligibleFrom, '2026-02-01', 'operation from 2025-11-01 + 3 months')
  t.ok(clock(created.clocks, 'intakeLimit'), 'receipt opens the intake limit')
  t.notOk(clock(created.clocks, 'activationLimit'), 'Xianning sets no single end-to-end limit')

  await toEvaluation(h, c.id, t)
  const evaluating = await view(h, c.id)
  t.equal(clock(evaluating.clocks, 'intakeLimit')!.status, 'stopped')
  t.match(clock(evaluating.clocks, 'evaluationLimit'), { status: 'running', amount: 3, unit: 'months', startedOn: '2026-03-02', dueOn: '2026-06-02', source: /不得超过3个月/ })

  const early = await send(h, p.officer, c.id, 'RECORD_EVALUATION_PASSED', { findings: '通过' })
  t.equal(early.statusCode, 422, 'no pass without an on-site evaluation')
  t.match(early.json().rules, [{ name: 'onsiteEvaluationRecorded' }])
  await send(h, p.officer, c.id, 'RECORD_ONSITE_EVALUATION', { visitedOn: '2026-03-20', findings: '符合' })
  expectState(t, await send(h, p.officer, c.id, 'RECORD_EVALUATION_PASSED', { findings: '通过' }), 'passed')

  const publicity = await send(h, p.officer, c.id, 'START_PUBLICITY', { channel: '咸宁市医疗保障局网站' })
  expectState(t, publicity, 'publicity')
  t.match(clock(publicity.json().clocks, 'publicityPeriod'), { status: 'running', amount: 5, unit: 'workingDays', dueOn: '2026-03-09' })
  t.match(clock(publicity.json().clocks, 'evaluationLimit'), { status: 'stopped' })
  const timers = await h.database.db.selectFrom('timers').select(['clock_name', 'event_type']).where('case_id', '=', c.id).where('status', '=', 'pending').execute()
  t.same(timers, [{ clock_name: 'publicityPeriod', event_type: 'PUBLICITY_PERIOD_PASSED' }], 'the publicity period arms its expiry timer')
  const byOfficer = await send(h, p.officer, c.id, 'PUBLICITY_PERIOD_PASSED', { clock: 'publicityPeriod', dueOn: '2026-03-09' })
  t.equal(byOfficer.statusCode, 403, 'the end of publicity is a fact of time, sent by the system')

  h.clock.set('2026-03-10T09:00:00+08:00')
  t.equal((await system(h, c.id, 'PUBLICITY_PERIOD_PASSED', { clock: 'publicityPeriod', dueOn: '2026-03-09' })).row.state, 'negotiation')
  const signed = await send(h, p.head, c.id, 'SIGN_AGREEMENT', { agreementNumber: 'XN-YB-2026-001' })
  expectState(t, signed, 'agreementSigned')
  t.match(signed.json().context.agreement, { startsOn: '2026-03-10', agreementEndsOn: '2027-03-10', termMonths: 12, source: /generally 1 year/ })
  expectState(t, await send(h, p.officer, c.id, 'BEGIN_SYSTEM_ACTIVATION'), 'systemActivation')
  const designated = await send(h, p.officer, c.id, 'DESIGNATE', { activatedOn: '2026-03-12' })
  expectState(t, designated, 'designated.agreementActive')
  t.equal(designated.json().filingNumber, '421202-2026-00001', 'the 定点编号 is allocated in the transaction')
  t.match(designated.json().context.designation, { designationNumber: '421202-2026-00001', activatedOn: '2026-03-12' })

  const flagged = await send(h, p.supervisor, c.id, 'FLAG_NON_MEDICAL_CLAIM', { claimRef: 'JS-2026-0001', service: '生活照护', amountYuan: 1200, findings: '以康复治疗名义申报生活照护费用' })
  expectState(t, flagged, 'designated.agreementActive')
  t.match(flagged.json().context.supervision.nonMedicalClaims, [{ claimRef: 'JS-2026-0001', service: '生活照护', amountYuan: 1200, source: /不得用于支付生活照护/ }])

  const late = await send(h, p.applicant, c.id, 'WITHDRAW')
  t.equal(late.statusCode, 422, 'no withdrawal after designation')

  const events = (await h.call(p.officer, 'GET', `/v1/cases/${c.id}/history`)).json().events as { seq: number; type: string; statusCode: number | null; stateBefore: string | null; stateAfter: string }[]
  t.same(events.map((e) => e.type), ['SUBMIT', 'BEGIN_INTAKE_CHECK', 'ACCEPT', 'RECORD_ONSITE_EVALUATION', 'RECORD_EVALUATION_PASSED', 'START_PUBLICITY',
    'PUBLICITY_PERIOD_PASSED', 'SIGN_AGREEMENT', 'BEGIN_SYSTEM_ACTIVATION', 'DESIGNATE', 'FLAG_NON_MEDICAL_CLAIM'])
  t.same(events.map((e) => e.seq), events.map((_, i) => i + 1), 'gapless')
  for (let i = 1; i < events.length; i++) t.equal(events[i]!.stateBefore, events[i - 1]!.stateAfter, `event ${i + 1} starts where ${i} ended`)
  t.same(events.map((e) => e.statusCode), [1, null, 3, null, null, null, null, null, null, 11, null], '办件状态: 已接件, 已受理, 办结（通过）')
  const outbox = await h.database.db.selectFrom('outbox').select('topic').where('case_id', '=', c.id).orderBy('id').execute()
  t.same(outbox.map((o) => o.topic), ['insuranceDesignation.submitted', 'insuranceDesignation.accepted', 'insuranceDesignation.evaluationPassed',
    'insuranceDesignation.publicityStarted', 'insuranceDesignation.publicityEnded', 'insuranceDesignation.agreementSigned',
    'insuranceDesignation.designated', 'insuranceDesignation.nonMedicalClaimFlagged'])
})

t.test('an application before three months of formal operation answers 422 naming the date it may be made', async (t) => {
  const h = await buildTestApp(t, { at: '2026-04-15T10:00:00+08:00' })
  const res = await h.call(p.applicant, 'POST', '/v1/cases', insuranceDesignationApplication({ operationStartedOn: '2026-03-01' }))
  t.equal(res.statusCode, 422)
  const early = res.json()
  t.equal(early.code, 'procedure-not-applicable')
  t.equal(early.procedure, 'insuranceDesignation')
  t.match(early.detail, /^may apply from 2026-06-01 \(eligibleFrom 2026-06-01\): formal operation began on 2026-03-01/)
  t.match(early.source, /004_6104121fb84d74b0\.txt L122/, 'Xianning’s own rule: 「正式运营3个月后即可提出定点申请」')
  t.equal((await h.database.db.selectFrom('cases').select('id').execute()).length, 0, 'nothing is written')
  h.clock.set('2026-06-01T08:30:00+08:00')
  t.ok((await file(h, { operationStartedOn: '2026-03-01' })).id, 'on 2026-06-01 the same application is received')
})

t.test('from 100 beds the window accepts only with an internal 医保 department (第六条); the intake limit deems acceptance', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h, { beds: 150, hasInsuranceDepartment: false })
  await send(h, p.clerk, c.id, 'BEGIN_INTAKE_CHECK')
  const refused = await send(h, p.clerk, c.id, 'ACCEPT')
  t.equal(refused.statusCode, 422)
  t.equal(refused.json().code, 'rule-not-satisfied')
  t.match(refused.json().rules, [{ name: 'hasAllRequiredMaterials' }, { name: 'insuranceDepartmentWhereRequired', source: /第六条/ }])
  const notAccepted = await send(h, p.clerk, c.id, 'REFUSE_INTAKE', { reasons: ['床位150张，未设置内部医保管理部门'] })
  expectState(t, notAccepted, 'notAccepted')
  t.match(notAccepted.json().context.refusal, { stage: 'intake', remedies: { reconsideration: { source: '行政复议法 第二十条' }, litigation: { source: '行政诉讼法 第四十六条' } } })

  const small = await file(h, { beds: 60, hasInsuranceDepartment: false })
  h.clock.set('2026-03-10T00:00:01+08:00')
  t.equal((await system(h, small.id, 'INTAKE_LIMIT_PASSED', { clock: 'intakeLimit', dueOn: '2026-03-09' })).row.state, 'evaluation')
  const deemed = await view(h, small.id)
  t.equal(deemed.context.deemedAccepted, true)
  t.match(clock(deemed.clocks, 'evaluationLimit'), { status: 'running', startedOn: '2026-03-10' })
})

t.test('an evaluation supplement pauses the 3-month limit, which then moves by exactly the working days paused', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await toEvaluation(h, c.id, t)
  t.equal(clock((await view(h, c.id)).clocks, 'evaluationLimit')!.dueOn, '2026-06-02')
  h.clock.set('2026-03-10T10:00:00+08:00')
  const asked = await send(h, p.officer, c.id, 'REQUEST_EVALUATION_SUPPLEMENT', { items: [{ item: 'itDocuments', reason: '缺少医保接口联调测试报告' }] })
  expectState(t, asked, 'evaluationSupplementRequested')
  t.match(clock(asked.json().clocks, 'evaluationLimit'), { status: 'paused', dueOn: null })
  h.clock.set('2026-03-17T15:00:00+08:00')
  const answered = await send(h, p.applicant, c.id, 'SUBMIT_EVALUATION_SUPPLEMENT', { materials: [{ item: 'itDocuments', documentRef: 'it-v2' }] })
  expectState(t, answered, 'evaluation')
  const d = clock(answered.json().clocks, 'evaluationLimit')!
  t.equal(d.startedOn, '2026-03-02', 'supplement time is excluded, not restarted (insuranceDesignation.evaluation.afterSupplement = pause)')
  t.match(d.pauses, [{ kind: 'supplement', workingDays: 5 }], '03-11, 03-12, 03-13, 03-16, 03-17')
  t.equal(d.dueOn, '2026-06-09', '3 months to 06-02, then 5 working days: 06-03, 06-04, 06-05, 06-08, 06-09')
  const codes = (await h.call(p.officer, 'GET', `/v1/cases/${c.id}/history`)).json().events.map((e: { statusCode: number | null }) => e.statusCode)
  t.same(codes.slice(-2), [6, 7], '补正（开始） and 补正（结束）')

  h.clock.set('2026-03-18T10:00:00+08:00')
  const special = await send(h, p.officer, c.id, 'BEGIN_SPECIAL_PROCEDURE', { kind: 'expertReview', workingDaysNeeded: 3, reason: '组织专家评审信息系统' })
  expectState(t, special, 'evaluationSpecialProcedure')
  t.match(clock(special.json().clocks, 'evaluationLimit')!.pauses.at(-1), { kind: 'specialProcedure', noticeWorkingDays: 3 }, 'the written notice of how long is recorded')
  h.clock.set('2026-03-23T10:00:00+08:00')
  const back = await send(h, p.officer, c.id, 'END_SPECIAL_PROCEDURE', { findings: '专家评审通过' })
  t.equal(clock(back.json().clocks, 'evaluationLimit')!.dueOn, '2026-06-12', '03-19, 03-20, 03-23 not counted either: 06-09 + 3 working days')
})

t.test('the evaluation limit cannot be extended under the national policy; a jurisdiction that sets a bound lets the head extend it', async (t) => {
  const bounded: PolicyDocument = {
    jurisdiction: '421221', name: '嘉鱼县（测试：评估可延期）', version: 'test-1', effectiveFrom: '2020-01-01',
    values: { 'insuranceDesignation.evaluation.extension': { value: { maxWorkingDays: 10 }, source: 'test policy: the head may extend the evaluation by 10 working days' } },
  }
  const h = await buildTestApp(t, { policies: [bounded] })
  const c = await file(h)
  await toEvaluation(h, c.id, t)
  const national = await send(h, p.head, c.id, 'EXTEND_EVALUATION_LIMIT', { workingDays: 5, reason: '需补充现场评估' })
  t.equal(national.statusCode, 422)
  t.match(national.json(), { code: 'extension-exceeds-policy', maxWorkingDays: 0 })

  const jiayu: Cast = { clerk: { ...p.clerk, jurisdiction: '421221' }, officer: { ...p.officer, jurisdiction: '421221' }, head: { ...p.head, jurisdiction: '421221' }, applicant: { ...p.applicant, jurisdiction: '421221' } }
  const local = await file(h, { jurisdiction: '421221' }, jiayu.applicant)
  await toEvaluation(h, local.id, t, jiayu)
  t.equal((await send(h, jiayu.officer, local.id, 'EXTEND_EVALUATION_LIMIT', { workingDays: 5, reason: '需补充现场评估' })).statusCode, 403, 'only the head extends')
  const ok = await send(h, jiayu.head, local.id, 'EXTEND_EVALUATION_LIMIT', { workingDays: 5, reason: '需补充现场评估' })
  t.equal(ok.statusCode, 200)
  t.equal(ok.json().state, 'evaluation')
  t.match(clock(ok.json().clocks, 'evaluationLimit'), { dueOn: '2026-06-09', extensions: [{ workingDays: 5, approvedRole: 'head' }] })
})

t.test('a failed evaluation orders rectification; the re-evaluation may pass', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await toEvaluation(h, c.id, t)
  h.clock.set('2026-03-20T10:00:00+08:00')
  const failed = await send(h, p.officer, c.id, 'RECORD_EVALUATION_FAILED', { reasons: ['医保管理制度不健全'], rectificationItems: ['完善医保管理制度', '明确医保专职人员'] })
  expectState(t, failed, 'rectification')
  t.match(clock(failed.json().clocks, 'rectificationLimit'), { status: 'running', amount: 3, unit: 'months', startedOn: '2026-03-20', dueOn: '2026-06-22' }, '06-20 is a Saturday')
  t.equal(clock(failed.json().clocks, 'evaluationLimit')!.status, 'stopped')
  t.match(failed.json().context.rectification, { items: ['完善医保管理制度', '明确医保专职人员'], submittedAt: null })
  h.clock.set('2026-05-06T10:00:00+08:00')
  const rectified = await send(h, p.applicant, c.id, 'SUBMIT_RECTIFICATION', { report: '已修订医保管理制度并配备专职人员', materials: [{ item: 'insuranceRules', documentRef: 'rules-v2' }] })
  expectState(t, rectified, 'reEvaluation')
  t.equal(rectified.json().context.materials.insuranceRules.documentRef, 'rules-v2')
  t.match(clock(rectified.json().clocks, 'evaluationLimit'), { status: 'running', startedOn: '2026-05-06', dueOn: '2026-08-06' }, 'the re-evaluation has its own evaluation limit')
  t.equal(clock(rectified.json().clocks, 'rectificationLimit')!.status, 'stopped')
  const noVisit = await send(h, p.officer, c.id, 'RECORD_REEVALUATION_PASSED', { findings: '通过' })
  t.equal(noVisit.statusCode, 422, 'the re-evaluation needs its own on-site visit')
  await send(h, p.officer, c.id, 'RECORD_ONSITE_EVALUATION', { visitedOn: '2026-05-12', findings: '整改到位' })
  expectState(t, await send(h, p.officer, c.id, 'RECORD_REEVALUATION_PASSED', { findings: '重新评估通过' }), 'passed')
})

t.test('a second failure bars a new application until barredUntil, with reasons and remedies', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await toEvaluation(h, c.id, t)
  await send(h, p.officer, c.id, 'RECORD_EVALUATION_FAILED', { reasons: ['信息系统未对接'], rectificationItems: ['完成医保信息系统对接'] })
  await send(h, p.applicant, c.id, 'SUBMIT_RECTIFICATION', { report: '已对接' })
  h.clock.set('2026-05-29T16:00:00+08:00')
  const barred = await send(h, p.officer, c.id, 'RECORD_REEVALUATION_FAILED', { reasons: ['整改后信息系统仍未通过联调'] })
  expectState(t, barred, 'barred')
  t.equal(barred.json().status, 'done')
  t.match(barred.json().context.bar, { decidedOn: '2026-05-29', months: 12, barredUntil: '2027-05-29', source: /insuranceDesignation|1 year/ })
  t.match(barred.json().context.refusal, { stage: 'reEvaluation', reasons: ['整改后信息系统仍未通过联调'], remedies: { reconsideration: { text: /六十日/ }, litigation: { text: /六个月/ } } })
  t.same(barred.json().allowedEvents, [])
  const last = (await h.call(p.officer, 'GET', `/v1/cases/${c.id}/history`)).json().events.at(-1)
  t.equal(last.statusCode, 13, '办结（不通过）')
  t.same((await view(h, c.id)).clocks.filter((x: ClockView) => x.status !== 'stopped'), [], 'every clock is stopped')
})

t.test('after designation: renewal when the term ends, suspension and resumption, termination with remedies', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await toPassed(h, c.id, t)
  await passedToDesignated(h, c.id, t)
  t.match((await view(h, c.id)).context.agreement, { agreementEndsOn: '2027-03-02', renewalDueOn: '2027-02-02' })
  t.equal((await send(h, p.head, c.id, 'RENEW', { findings: '履约良好' })).statusCode, 422, 'no renewal before it is due')
  // Designation armed a durable reminder for the renewal day (policy insuranceDesignation.renewalNoticeMonths: 1).
  const reminders = () => h.database.db.selectFrom('timers').select(['due_at', 'status', 'event_type']).where('case_id', '=', c.id)
    .where('clock_name', '=', 'agreementRenewal').orderBy('id').execute()
  t.same((await reminders()).map((r) => [r.event_type, r.status, r.due_at.toISOString()]), [['RENEWAL_DUE', 'pending', new Date('2027-02-02T00:00:00+08:00').toISOString()]])

  h.clock.set('2027-02-01T23:00:00+08:00')
  t.equal(await worker(h).drain(), 0, 'not before the renewal day')
  h.clock.set('2027-02-02T08:00:00+08:00')
  t.equal(await worker(h).drain(), 1, 'fired on the renewal day, through the engine')
  expectState(t, await h.call(p.head, 'GET', `/v1/cases/${c.id}`), 'designated.renewalDue')
  const renewed = await send(h, p.head, c.id, 'RENEW', { findings: '年度考核合格，续签' })
  expectState(t, renewed, 'designated.agreementActive')
  t.match(renewed.json().context.agreement, { agreementEndsOn: '2028-03-02', renewalDueOn: '2028-02-02', renewals: [{ previousEndsOn: '2027-03-02', agreementEndsOn: '2028-03-02' }] })
  t.same((await reminders()).map((r) => [r.status, r.due_at.toISOString()]), [
    ['fired', new Date('2027-02-02T00:00:00+08:00').toISOString()],
    ['pending', new Date('2028-02-02T00:00:00+08:00').toISOString()],
  ], 'the renewal armed the next term\'s reminder')

  const check = await send(h, p.supervisor, c.id, 'RECORD_AGREEMENT_CHECK', { compliant: false, findings: '串换项目申报' })
  expectState(t, check, 'designated.agreementActive')
  t.equal((await send(h, p.officer, c.id, 'SUSPEND', { reasons: ['串换项目'] })).statusCode, 403, 'the head suspends')
  expectState(t, await send(h, p.head, c.id, 'SUSPEND', { reasons: ['串换项目申报医保基金'] }), 'designated.suspended')
  expectState(t, await send(h, p.head, c.id, 'RESUME', { findings: '已退回违规费用并整改' }), 'designated.agreementActive')
  await send(h, p.head, c.id, 'SUSPEND', { reasons: ['再次违规'] })
  const terminated = await send(h, p.head, c.id, 'TERMINATE', { reasons: ['拒不整改，解除协议'] })
  expectState(t, terminated, 'terminated')
  t.equal(terminated.json().status, 'done')
  t.match(terminated.json().context.termination, { reasons: ['拒不整改，解除协议'], remedies: { reconsideration: { source: '行政复议法 第二十条' } } })
  t.match(terminated.json().context.suspensions, [{ resumedAt: /^2027/ }, { resumedAt: null }])
  const codes = (await h.call(p.head, 'GET', `/v1/cases/${c.id}/history`)).json().events.map((e: { statusCode: number | null }) => e.statusCode)
  t.equal(codes.at(-1), 15, '撤销')
})

t.test('withdrawal by the applicant before the agreement is signed, not after', async (t) => {
  const h = await buildTestApp(t)
  const c = await file(h)
  await toEvaluation(h, c.id, t)
  const byClerk = await send(h, p.clerk, c.id, 'WITHDRAW')
  t.equal(byClerk.statusCode, 403)
  t.same(byClerk.json().allowedRoles, ['applicant'])
  const withdrawn = await send(h, p.applicant, c.id, 'WITHDRAW', { reason: '暂缓申请定点' })
  expectState(t, withdrawn, 'withdrawn')
  t.equal(withdrawn.json().context.withdrawal.reason, '暂缓申请定点')
  t.equal((await h.call(p.officer, 'GET', `/v1/cases/${c.id}/history`)).json().events.at(-1).statusCode, 14, '撤回')

  const signed = await file(h)
  await toPassed(h, signed.id, t)
  await send(h, p.officer, signed.id, 'START_PUBLICITY', { channel: '网站' })
  await system(h, signed.id, 'PUBLICITY_PERIOD_PASSED', { clock: 'publicityPeriod', dueOn: '2026-03-09' })
  await send(h, p.head, signed.id, 'SIGN_AGREEMENT', { agreementNumber: 'XN-2' })
  const late = await send(h, p.applicant, signed.id, 'WITHDRAW')
  t.equal(late.statusCode, 422)
  t.equal(late.json().code, 'invalid-transition')
})

t.test('Wenshan: accepted the day operation begins, and one 30-working-day limit runs from application to system activation', async (t) => {
  const h = await buildTestApp(t)
  const wenshan: Cast = {
    applicant: { id: 'ws-1', role: 'applicant', jurisdiction: '532621' }, clerk: { id: 'ws-clerk', role: 'clerk', jurisdiction: '532621', department: 'serviceCentre' },
    officer: { id: 'ws-officer', role: 'officer', jurisdiction: '532621', department: 'healthcareSecurity' },
    head: { id: 'ws-head', role: 'head', jurisdiction: '532621', department: 'healthcareSecurity' },
  }
  const c = await file(h, { jurisdiction: '532621', operationStartedOn: '2026-03-02' }, wenshan.applicant)
  const created = await view(h, c.id, wenshan.officer)
  t.match(created.context.eligibility, { waitingMonths: 0, eligibleFrom: '2026-03-02', source: /L228/ })
  const activation = clock(created.clocks, 'activationLimit')!
  t.match(activation, { status: 'running', amount: 30, unit: 'workingDays', startedOn: '2026-03-02', source: /L228/ })
  t.equal(activation.dueOn, '2026-04-14', '30 working days from 03-03, skipping 清明 04-04..04-06')
  const timers = await h.database.db.selectFrom('timers').select(['clock_name', 'event_type']).where('case_id', '=', c.id).where('status', '=', 'pending').orderBy('clock_name').execute()
  t.same(timers, [{ clock_name: 'activationLimit', event_type: 'ACTIVATION_LIMIT_PASSED' }, { clock_name: 'intakeLimit', event_type: 'INTAKE_LIMIT_PASSED' }])

  await toPassed(h, c.id, t, wenshan)
  t.match(clock((await view(h, c.id, wenshan.officer)).clocks, 'activationLimit'), { status: 'running', dueOn: '2026-04-14' }, 'still the same limit in evaluation')
  h.clock.set('2026-04-15T00:00:01+08:00')
  t.equal((await system(h, c.id, 'ACTIVATION_LIMIT_PASSED', { clock: 'activationLimit', dueOn: '2026-04-14' })).row.state, 'passed', 'expiry escalates, the case stays')
  t.equal((await view(h, c.id, wenshan.officer)).context.activationOverdueSince, '2026-04-14T16:00:01.000Z')
  await passedToDesignated(h, c.id, t, wenshan)
  t.match(clock((await view(h, c.id, wenshan.officer)).clocks, 'activationLimit'), { status: 'stopped' }, 'designation stops it')
})

t.test('in Wenshan the intake supplement pauses the single limit', async (t) => {
  const h = await buildTestApp(t)
  const applicant: Principal = { id: 'ws-2', role: 'applicant', jurisdiction: '532621' }
  const clerk: Principal = { id: 'ws-clerk', role: 'clerk', jurisdiction: '532621', department: 'serviceCentre' }
  const c = await file(h, { jurisdiction: '532621', operationStartedOn: '2026-01-15', materials: insuranceDesignationApplication().materials.slice(0, 6) }, applicant)
  await send(h, clerk, c.id, 'BEGIN_INTAKE_CHECK')
  await send(h, clerk, c.id, 'REQUEST_SUPPLEMENT', { items: [{ item: 'insuranceStaff', reason: '缺少医保专（兼）职人员名单' }] })
  h.clock.set('2026-03-06T10:00:00+08:00')
  const back = await send(h, applicant, c.id, 'RESUBMIT', { materials: [{ item: 'insuranceStaff', documentRef: 'staff' }] })
  expectState(t, back, 'intake')
  const a = clock(back.json().clocks, 'activationLimit')!
  t.match(a.pauses, [{ kind: 'supplement', workingDays: 4 }], '03-03..03-06')
  t.equal(a.dueOn, '2026-04-20', '04-14 + 4 working days')
})
