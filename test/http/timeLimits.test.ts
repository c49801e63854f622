/**
 * Time limits as 行政许可法 counts them, through the API on the real 2026 calendar: receipt vs acceptance, the
 * decision clock, uncounted special procedures, supplement pause or restart by policy, head-approved extension
 * within the policy bound, statutory and promised limits, colours.
 */
import t from 'tap'
import { buildTestApp, send, type TestApp } from '../helpers/app.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'
import { SYSTEM_PRINCIPAL } from '../../src/auth/principal.ts'
import type { PolicyDocument } from '../../src/policy/document.ts'

type ClockView = { name: string; kind: string; status: string; dueOn: string | null; startedOn: string; remainingWorkingDays: number | null; colour: string | null; provisional: boolean; pauses: { workingDays: number | null; kind: string; noticeWorkingDays: number | null }[]; extensions: unknown[]; restarts: unknown[]; explanation: { summary: string; deadline: { skipped: { date: string; reason: string; name?: string }[]; worked: { date: string }[] } } | null; source: string }

async function clocks(h: TestApp, id: string, as = p.officer): Promise<ClockView[]> {
  return (await h.call(as, 'GET', `/v1/cases/${id}`)).json().clocks
}
const find = (cs: ClockView[], name: string, kind = 'statutory') => cs.find((c) => c.name === name && c.kind === kind)!

async function fileAt(h: TestApp, at: string) {
  h.clock.set(at)
  const res = await h.call(p.applicant, 'POST', '/v1/cases', clinicFilingApplication())
  return res.json() as { id: string }
}

async function acceptAt(h: TestApp, id: string, at: string) {
  h.clock.set(at)
  await send(h, p.clerk, id, 'BEGIN_INTAKE_CHECK')
  const res = await send(h, p.clerk, id, 'ACCEPT')
  if (res.statusCode !== 200) throw new Error(res.body)
}

t.test('receipt opens the 5-working-day intake limit, counted from the next day across National Day and its make-up Saturday', async (t) => {
  const h = await buildTestApp(t)
  const c = await fileAt(h, '2026-09-29T10:00:00+08:00')
  const intake = find(await clocks(h, c.id), 'intakeLimit')
  t.equal(intake.status, 'running')
  t.equal(intake.startedOn, '2026-09-29')
  // 09-30 (1), 国庆 10-01..10-07 skipped, 10-08 (2), 10-09 (3), Saturday 10-10 worked (4), 10-11 Sunday, 10-12 (5).
  t.equal(intake.dueOn, '2026-10-12')
  t.match(intake.source, /行政许可法 第三十二条/)
  t.ok(intake.explanation!.deadline.skipped.some((d) => d.date === '2026-10-01' && d.name === '国庆节'), 'National Day named as skipped')
  t.ok(intake.explanation!.deadline.worked.some((d) => d.date === '2026-10-10'), 'the make-up Saturday is counted')
  t.match(intake.explanation!.summary, /due 2026-10-12/)
  t.ok(find(await clocks(h, c.id), 'intakeLimit', 'promised'), 'the promised limit is tracked beside the statutory one')
  const timers = await h.database.db.selectFrom('timers').selectAll().where('case_id', '=', c.id).execute()
  t.equal(timers.length, 1)
  t.equal(timers[0]!.event_type, 'INTAKE_LIMIT_PASSED')
  t.equal(timers[0]!.due_at.toISOString(), '2026-10-12T16:00:00.000Z', 'due at the end of the last day, Asia/Shanghai')
})

t.test('a filing received on a holiday counts from the first day after it', async (t) => {
  const h = await buildTestApp(t)
  const c = await fileAt(h, '2026-10-03T11:00:00+08:00')
  // Counted from 10-04: holidays to 10-07, then 10-08, 10-09, 10-10 (Sat, worked), 10-12, 10-13.
  t.equal(find(await clocks(h, c.id), 'intakeLimit').dueOn, '2026-10-13')
})

t.test('acceptance stops the intake clock and starts the decision clock; the intake timer is cancelled', async (t) => {
  const h = await buildTestApp(t)
  const c = await fileAt(h, '2026-03-02T09:00:00+08:00')
  await acceptAt(h, c.id, '2026-03-02T15:00:00+08:00')
  const cs = await clocks(h, c.id)
  t.equal(find(cs, 'intakeLimit').status, 'stopped')
  const decision = find(cs, 'decisionLimit')
  t.equal(decision.startedOn, '2026-03-02')
  t.equal(decision.dueOn, '2026-03-16', '10 working days: 03-03..03-06, 03-09..03-13, 03-16')
  t.match(decision.source, /10 working days/)
  const timers = await h.database.db.selectFrom('timers').select(['clock_name', 'status', 'outcome']).where('case_id', '=', c.id).orderBy('id').execute()
  t.match(timers, [{ clock_name: 'intakeLimit', status: 'cancelled', outcome: /stopped by ACCEPT/ }, { clock_name: 'decisionLimit', status: 'pending' }])
})

t.test('an uncounted on-site check (第四十五条) moves the deadline by exactly the working days paused', async (t) => {
  const h = await buildTestApp(t)
  const c = await fileAt(h, '2026-03-02T09:00:00+08:00')
  await acceptAt(h, c.id, '2026-03-02T10:00:00+08:00')
  h.clock.set('2026-03-03T10:00:00+08:00')
  await send(h, p.officer, c.id, 'BEGIN_REVIEW')
  h.clock.set('2026-03-04T10:00:00+08:00')
  const paused = await send(h, p.officer, c.id, 'SCHEDULE_ONSITE_CHECK', { plannedOn: '2026-03-06', workingDaysNeeded: 3 })
  t.equal(paused.statusCode, 200)
  const during = find(paused.json().clocks, 'decisionLimit')
  t.equal(during.status, 'paused')
  t.equal(during.dueOn, null, 'a paused clock has no due date')
  t.equal(during.pauses[0]!.noticeWorkingDays, 3, 'the written notice of how long is recorded')
  h.clock.set('2026-03-09T16:00:00+08:00')
  const resumed = await send(h, p.officer, c.id, 'RECORD_ONSITE_RESULT', { passed: true, findings: '符合基本标准' })
  const after = find(resumed.json().clocks, 'decisionLimit')
  t.equal(after.status, 'running')
  t.equal(after.pauses[0]!.workingDays, 3, '03-05, 03-06, 03-09 are not counted')
  t.equal(after.dueOn, '2026-03-19', '03-16 moved by 3 working days')
  t.match(after.explanation!.summary, /paused 3 working day/)
})

t.test('a pause across a holiday counts only the working days inside it', async (t) => {
  const h = await buildTestApp(t)
  const c = await fileAt(h, '2026-09-24T09:00:00+08:00')
  await acceptAt(h, c.id, '2026-09-24T10:00:00+08:00')
  const before = find(await clocks(h, c.id), 'decisionLimit').dueOn
  h.clock.set('2026-09-25T10:00:00+08:00')
  await send(h, p.officer, c.id, 'BEGIN_REVIEW')
  h.clock.set('2026-09-29T10:00:00+08:00')
  await send(h, p.officer, c.id, 'SCHEDULE_ONSITE_CHECK', { plannedOn: '2026-10-08', workingDaysNeeded: 5 })
  h.clock.set('2026-10-09T10:00:00+08:00')
  const after = find((await send(h, p.officer, c.id, 'RECORD_ONSITE_RESULT', { passed: true, findings: '符合' })).json().clocks, 'decisionLimit')
  t.equal(after.pauses[0]!.workingDays, 3, '09-30, 10-08, 10-09: the National Day holidays inside the pause are not working days')
  t.not(after.dueOn, before)
})

const restartPolicy: PolicyDocument = {
  jurisdiction: '421221', name: '嘉鱼县（测试：补正后重新计时）', version: 'test-1', effectiveFrom: '2020-01-01',
  values: {
    'clinicFiling.decision.afterSupplement': { value: 'restart', source: 'test policy: the decision limit restarts on resubmission (行政许可法 第三十二条 practice in some jurisdictions)' },
    'clinicFiling.decision.promised': { value: { amount: 5, unit: 'workingDays' }, source: 'test policy: promised 5 working days (承诺时限 ≤ 法定时限)' },
  },
}

async function toCorrection(h: TestApp, c: { id: string }, who = p.officer) {
  await acceptAt(h, c.id, '2026-03-02T10:00:00+08:00')
  h.clock.set('2026-03-03T10:00:00+08:00')
  await send(h, who, c.id, 'BEGIN_REVIEW')
  h.clock.set('2026-03-04T10:00:00+08:00')
  const asked = await send(h, who, c.id, 'REQUEST_CORRECTION', { items: [{ item: 'staffQualifications', reason: '护士执业证书过期' }] })
  if (asked.statusCode !== 200) throw new Error(asked.body)
  t.equal(find(asked.json().clocks, 'decisionLimit').status, 'paused')
  h.clock.set('2026-03-10T10:00:00+08:00')
  return send(h, p.applicant, c.id, 'SUBMIT_CORRECTION', { materials: [{ item: 'staffQualifications', documentRef: 'doc-new' }] })
}

t.test('a supplement after acceptance pauses the decision clock under the national default', async (t) => {
  const h = await buildTestApp(t)
  const c = await fileAt(h, '2026-03-02T09:00:00+08:00')
  const res = await toCorrection(h, c)
  const d = find(res.json().clocks, 'decisionLimit')
  t.equal(d.startedOn, '2026-03-02', 'not restarted')
  t.equal(d.pauses[0]!.kind, 'supplement')
  t.equal(d.pauses[0]!.workingDays, 4, '03-05, 03-06, 03-09, 03-10')
  t.equal(d.dueOn, '2026-03-20', '03-16 + 4 working days')
})

t.test('where policy says restart, the decision clock starts again from the resubmission', async (t) => {
  const h = await buildTestApp(t, { policies: [restartPolicy] })
  h.clock.set('2026-03-02T09:00:00+08:00')
  const c = (await h.call({ ...p.applicant, jurisdiction: '421221' }, 'POST', '/v1/cases', clinicFilingApplication({ jurisdiction: '421221' }))).json()
  const officer = { ...p.officer, jurisdiction: '421221' }
  const clerk = { ...p.clerk, jurisdiction: '421221' }
  h.clock.set('2026-03-02T10:00:00+08:00')
  await send(h, clerk, c.id, 'BEGIN_INTAKE_CHECK')
  await send(h, clerk, c.id, 'ACCEPT')
  h.clock.set('2026-03-04T10:00:00+08:00')
  await send(h, officer, c.id, 'BEGIN_REVIEW')
  await send(h, officer, c.id, 'REQUEST_CORRECTION', { items: [{ item: 'rules', reason: '缺院感制度' }] })
  h.clock.set('2026-03-10T10:00:00+08:00')
  const res = await send(h, { ...p.applicant, jurisdiction: '421221' }, c.id, 'SUBMIT_CORRECTION', { materials: [{ item: 'rules', documentRef: 'doc-r2' }] })
  const d = find(res.json().clocks, 'decisionLimit')
  t.equal(d.startedOn, '2026-03-10', 'restarted on resubmission')
  t.equal(d.dueOn, '2026-03-24', '10 full working days from 03-10')
  t.equal(d.restarts.length, 1)
  const promised = find(res.json().clocks, 'decisionLimit', 'promised')
  t.equal(promised.dueOn, '2026-03-17', 'the promised limit (5) is shorter than the statutory one')
  const history = (await h.call(officer, 'GET', `/v1/cases/${c.id}/history`)).json().events
  t.match(history.at(-1).payload.clockChanges, [{ clock: 'decisionLimit', kind: 'statutory', op: 'restarted', dueAfter: '2026-03-24' }])
})

t.test('an extension needs the head, a reason, and stays within the policy bound', async (t) => {
  const h = await buildTestApp(t)
  const c = await fileAt(h, '2026-03-02T09:00:00+08:00')
  await acceptAt(h, c.id, '2026-03-02T10:00:00+08:00')
  const byOfficer = await send(h, p.officer, c.id, 'EXTEND_DECISION_LIMIT', { workingDays: 5, reason: '需补充核查' })
  t.equal(byOfficer.statusCode, 403, 'an officer cannot extend')
  t.same(byOfficer.json().allowedRoles, ['head'])
  const noReason = await send(h, p.head, c.id, 'EXTEND_DECISION_LIMIT', { workingDays: 5 })
  t.equal(noReason.statusCode, 400, 'a reason is required')
  const ok = await send(h, p.head, c.id, 'EXTEND_DECISION_LIMIT', { workingDays: 6, reason: '需会同民政部门核实' })
  t.equal(ok.statusCode, 200)
  const d = find(ok.json().clocks, 'decisionLimit')
  t.equal(d.dueOn, '2026-03-24', '03-16 + 6 working days')
  t.match(d.extensions, [{ workingDays: 6, approvedBy: 'head-1', approvedRole: 'head', reason: '需会同民政部门核实' }])
  t.match(d.explanation!.summary, /extended 6 working day\(s\): 6 by head head-1/)
  const over = await send(h, p.head, c.id, 'EXTEND_DECISION_LIMIT', { workingDays: 5, reason: '再延' })
  t.equal(over.statusCode, 422)
  t.match(over.json(), { code: 'extension-exceeds-policy', maxWorkingDays: 10, alreadyGranted: 6, asked: 5, source: /第四十二条/ })
  t.equal((await send(h, p.head, c.id, 'EXTEND_DECISION_LIMIT', { workingDays: 4, reason: '最后延期' })).statusCode, 200, 'up to the bound is allowed')
  const timer = await h.database.db.selectFrom('timers').select(['due_at']).where('case_id', '=', c.id).where('status', '=', 'pending').executeTakeFirstOrThrow()
  t.equal(timer.due_at.toISOString(), '2026-03-30T16:00:00.000Z', 'the expiry timer follows the extension (03-30)')
})

t.test('a missed intake limit is recorded as deemed acceptance (第三十二条), and the decision clock starts', async (t) => {
  const h = await buildTestApp(t)
  const c = await fileAt(h, '2026-03-02T09:00:00+08:00')
  h.clock.set('2026-03-10T00:00:01+08:00')
  const { row } = await h.engine.apply(c.id, { type: 'INTAKE_LIMIT_PASSED', payload: { clock: 'intakeLimit', dueOn: '2026-03-09' } }, SYSTEM_PRINCIPAL)
  t.equal(row.state, 'accepted')
  const view = (await h.call(p.officer, 'GET', `/v1/cases/${c.id}`)).json()
  t.equal(view.context.deemedAccepted, true)
  t.equal(find(view.clocks, 'decisionLimit').status, 'running')
  const last = (await h.call(p.officer, 'GET', `/v1/cases/${c.id}/history`)).json().events.at(-1)
  t.match(last, { type: 'INTAKE_LIMIT_PASSED', actorId: 'system', actorRole: 'system', statusCode: 3 })
  const fromClerk = await send(h, p.clerk, c.id, 'INTAKE_LIMIT_PASSED', { clock: 'intakeLimit', dueOn: '2026-03-09' })
  t.equal(fromClerk.statusCode, 422, 'people cannot send timer events')
})

t.test('colours: green, yellow within 3 working days, red once the due instant has passed', async (t) => {
  const h = await buildTestApp(t)
  const c = await fileAt(h, '2026-03-02T09:00:00+08:00')
  await acceptAt(h, c.id, '2026-03-02T10:00:00+08:00')
  const colour = async (at: string) => { h.clock.set(at); return find(await clocks(h, c.id), 'decisionLimit') }
  t.match(await colour('2026-03-03T10:00:00+08:00'), { colour: 'green', remainingWorkingDays: 9 })
  t.match(await colour('2026-03-11T10:00:00+08:00'), { colour: 'yellow', remainingWorkingDays: 3 })
  t.match(await colour('2026-03-16T23:59:00+08:00'), { colour: 'yellow', remainingWorkingDays: 0 })
  t.match(await colour('2026-03-17T00:00:00+08:00'), { colour: 'red', remainingWorkingDays: -1 })
})
