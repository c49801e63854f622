/**
 * The application's time limits: the window's 5 working days (deemed acceptance and routing when they pass,
 * 行政许可法 第三十二条), the joint limit where policy makes handling joint (第四十二条第二款, Linyi), and the 医保定点
 * follow-up reminder armed at the eligibility date (DOMAIN.md P5), each fired by the timer worker through the engine.
 */
import t from 'tap'
import { buildTestApp, send } from '../helpers/app.ts'
import { TimerWorker } from '../../src/timers/worker.ts'
import { materials, ok, people, step, view, wenshanHospital, xianningHome } from './helpers.ts'

const worker = (h: Awaited<ReturnType<typeof buildTestApp>>) =>
  new TimerWorker({ db: h.database.db, engine: h.engine, clock: h.clock, pglite: h.database.kind === 'pglite', pollIntervalMs: 10 })

t.test('the window lets 5 working days pass: deemed accepted from receipt, and every department routed', async (t) => {
  const h = await buildTestApp(t, { at: '2026-03-02T09:00:00+08:00' })
  const p = people('532601')
  const id = (await ok(t, await h.call(p.applicant, 'POST', '/v1/one-window/applications', wenshanHospital(['filingApplication'])), 'file')).id
  h.clock.set('2026-03-09T18:00:00+08:00')
  t.equal(await worker(h).drain(), 0, 'nothing is due on the last day itself')
  h.clock.set('2026-03-10T00:00:01+08:00')
  t.ok(await worker(h).drain() >= 1, 'the intake timer fires after the fifth working day ends')
  const v = await view(h, p.applicant, id)
  t.equal(v.state, 'routed')
  t.equal(v.deemedAccepted, true, 'recorded as a deemed acceptance')
  t.equal(v.statusCode, 3, '已受理')
  t.equal(v.departments.length, 2, 'routed to both departments although materials were missing')
  const fire = v.departments.find((d: any) => d.department === 'housingConstruction')
  t.equal(fire.state, 'accepted', 'the approval is deemed accepted as well')
  const history = (await h.call(p.applicant, 'GET', `/v1/cases/${fire.caseId}/history`)).json().events
  t.same(history.map((e: any) => [e.type, e.actorRole]), [['SUBMIT', 'system'], ['INTAKE_LIMIT_PASSED', 'system']], 'the routed case records the deemed acceptance as the system')
})

t.test('Linyi handles jointly: the application carries 45 working days, extended by at most 15', async (t) => {
  const h = await buildTestApp(t, { at: '2026-03-02T09:00:00+08:00' })
  const p = people('371302')
  const items = ['registrationApplication', 'feasibilityStudy', 'siteReport', 'premisesProof', 'founderDocuments', 'staffQualifications', 'equipmentList', 'rules', 'fireSafetyEvidence', 'medicalWasteContract']
  const filed = await h.call(p.applicant, 'POST', '/v1/one-window/applications', {
    jurisdiction: '371302',
    institution: { name: '兰山区康养中心', unifiedSocialCreditCode: '52371302MJH123456H', kind: 'elderlyCareInstitution', adds: 'medicalInstitution', medicalKind: 'nursingHome', medicalLevel: 1, ownership: 'domestic', beds: 120 },
    materials: materials(items),
  })
  const id = (await ok(t, filed, 'file')).id
  await step(t, h, p.windowClerk, id, 'BEGIN_INTAKE_CHECK')
  await step(t, h, p.windowClerk, id, 'ACCEPT')
  let v = await view(h, p.applicant, id)
  t.equal(v.limit.basis, 'joint')
  t.match(v.limit.source, /第四十二条第二款/)
  // 45 working days after Monday 2026-03-02: April has 清明 (04-04..06) and May 劳动节 (05-01..05, 05-09 worked).
  t.equal(v.limit.dueOn, '2026-05-08', 'counted on the working-day calendar from the day after acceptance')
  const tooLong = await send(h, p.windowHead, id, 'EXTEND_JOINT_LIMIT', { workingDays: 16, reason: '需多部门联合现场核查', approvedBy: '兰山区人民政府区长（批复〔2026〕3号）' })
  t.equal(tooLong.statusCode, 422, 'beyond the 15 days of 第四十二条第二款 is refused')
  await step(t, h, p.windowHead, id, 'EXTEND_JOINT_LIMIT', { workingDays: 15, reason: '需多部门联合现场核查', approvedBy: '兰山区人民政府区长（批复〔2026〕3号）' })
  v = await view(h, p.applicant, id)
  t.equal(v.limit.dueOn, '2026-05-28', 'extended by 15 working days (Saturday 2026-05-09 is a worked make-up day)')
})

t.test('after delivery, the operation start arms the 医保定点 reminder; the worker tells the applicant at the eligibility date', async (t) => {
  const h = await buildTestApp(t, { at: '2026-03-02T09:00:00+08:00' })
  const p = people('421202')
  const id = (await ok(t, await h.call(p.applicant, 'POST', '/v1/one-window/applications', xianningHome()), 'file')).id
  await step(t, h, p.windowClerk, id, 'BEGIN_INTAKE_CHECK')
  await step(t, h, p.windowClerk, id, 'ACCEPT')
  const clinic = (await view(h, p.applicant, id)).departments[0]
  t.equal(clinic.procedure, 'clinicFiling')
  t.equal(clinic.state, 'accepted')
  await step(t, h, p.healthOfficer, clinic.caseId, 'BEGIN_REVIEW')
  await step(t, h, p.healthOfficer, clinic.caseId, 'FILE', { scope: '内科、全科医疗' })
  t.equal((await view(h, p.applicant, id)).state, 'consolidating')
  const delivered = await step(t, h, p.windowClerk, id, 'DELIVER')
  t.equal(delivered.state, 'awaitingOperationStart', 'delivered (办结); the follow-up waits for the operation start')
  const future = await send(h, p.applicant, id, 'RECORD_OPERATION_START', { startedOn: '2026-04-01' })
  t.equal(future.statusCode, 422, 'an operation start in the future is refused')
  const started = await step(t, h, p.applicant, id, 'RECORD_OPERATION_START', { startedOn: '2026-03-02' })
  t.equal(started.context.followUp.eligibleFrom, '2026-06-02', '3 months of formal operation (医疗机构医疗保障定点管理暂行办法 第六条)')
  const timers = await h.database.db.selectFrom('timers').selectAll().where('case_id', '=', id).where('status', '=', 'pending').execute()
  t.equal(timers.length, 1, 'a durable reminder is armed')
  t.equal(timers[0]!.due_at.toISOString(), new Date('2026-06-02T00:00:00+08:00').toISOString())
  h.clock.set('2026-06-01T23:00:00+08:00')
  t.equal(await worker(h).drain(), 0, 'not before the day')
  h.clock.set('2026-06-02T08:00:00+08:00')
  t.equal(await worker(h).drain(), 1, 'fired once on the day')
  t.equal(await worker(h).drain(), 0, 'and never again')
  const v = await view(h, p.applicant, id)
  t.equal(v.state, 'followUpDue')
  t.equal(v.status, 'done')
  const outbox = await h.database.db.selectFrom('outbox').select('topic').where('case_id', '=', id).execute()
  t.ok(outbox.some((o) => o.topic === 'oneWindow.followUpEligible'), 'the applicant is told through the outbox')
})
