/**
 * The combined application through the API (DOMAIN.md P5): one notice for every department's missing items,
 * acceptance routes every department at once in one transaction, one department's refusal holds nobody, the
 * departments' requests become one merged notice, and the application's result reflects every department.
 */
import t from 'tap'
import { buildTestApp, send } from '../helpers/app.ts'
import { materials, ok, people, step, view, wenshanHospital, WENSHAN_ITEMS } from './helpers.ts'

const p = people('532601')

t.test('Wenshan: a hospital adding elderly care is routed to civil affairs and housing-construction at once', async (t) => {
  const h = await buildTestApp(t, { at: '2026-03-02T09:00:00+08:00' })
  const missing = ['premisesProof', 'fireSafetyEvidence']
  const filed = await h.call(p.applicant, 'POST', '/v1/one-window/applications', wenshanHospital(WENSHAN_ITEMS.filter((i) => !missing.includes(i))))
  const app = await ok(t, filed, 'file the application')
  t.equal(app.state, 'submitted')
  t.equal(app.department, 'serviceCentre', 'the application is with the service centre')
  const id = app.id as string

  let v = await view(h, p.applicant, id)
  t.same(v.checklist.find((i: any) => i.code === 'registrationCertificate').neededBy, ['elderCareFiling', 'departmentApproval'],
    'a document both departments need is listed once, marked with both')
  t.equal(v.clocks.find((c: any) => c.name === 'intakeLimit').dueOn, '2026-03-09', 'the window has 5 working days (行政许可法 第三十二条)')

  await step(t, h, p.windowClerk, id, 'BEGIN_INTAKE_CHECK')
  const partial = await send(h, p.windowClerk, id, 'REQUEST_SUPPLEMENT', { items: [{ item: 'premisesProof', reason: '缺少房屋使用权证明' }] })
  t.equal(partial.statusCode, 422, 'a notice that leaves out one department\'s missing item is refused')
  t.equal(partial.json().code, 'rule-not-satisfied')
  await step(t, h, p.windowClerk, id, 'REQUEST_SUPPLEMENT', {
    items: [{ item: 'premisesProof', reason: '缺少房屋使用权证明' }, { item: 'fireSafetyEvidence', reason: '消防验收或备案证明未提交' }],
  })
  await step(t, h, p.applicant, id, 'RESUBMIT', { materials: materials(missing) })
  const accepted = await step(t, h, p.windowClerk, id, 'ACCEPT')
  t.equal(accepted.state, 'routed')

  v = await view(h, p.applicant, id)
  t.match(v.voucher.number, /^532601-2026-\d{5}$/, 'a voucher number is issued at acceptance')
  t.same(v.departments.map((d: any) => [d.procedure, d.department]).sort(), [['departmentApproval', 'housingConstruction'], ['elderCareFiling', 'civilAffairs']],
    'one routed case per department')
  const civil = v.departments.find((d: any) => d.department === 'civilAffairs')
  const fire = v.departments.find((d: any) => d.department === 'housingConstruction')
  t.equal(fire.state, 'accepted', 'the window\'s acceptance is the approval\'s acceptance (行政许可法 第二十六条)')
  t.equal(fire.statusCode, 3, 'reported as 已受理')
  t.equal(civil.state, 'submitted', 'the filing waits for civil affairs\' own completeness check')
  t.equal(v.limit.basis, 'latestDepartment', 'no joint handling in Wenshan: the application shows the latest department deadline')
  t.equal(v.limit.dueOn, fire.dueOn)
  for (const d of v.departments) {
    // The application reads every department's clocks at once; each must equal the case's own view.
    const own = (await h.call(p.applicant, 'GET', `/v1/cases/${d.caseId}`)).json()
    t.same(d.clocks, own.clocks, `${d.department}: the application shows the department case's own clocks`)
  }
  t.ok(fire.clocks.some((c: any) => c.status === 'running' && c.remainingWorkingDays !== null), 'a running clock counts its remaining working days')

  // Both children were created in the acceptance's transaction, with the shared documents by reference.
  const children = await h.database.db.selectFrom('cases').selectAll().where('parent_id', '=', id).execute()
  t.equal(children.length, 2)
  const history = await h.database.db.selectFrom('case_events').select(['case_id', 'at']).where('case_id', 'in', [id, ...children.map((c) => c.id)]).execute()
  t.equal(new Set(history.map((e) => e.at.toISOString())).size, 1, 'the acceptance and both routings carry one instant (one transaction)')
  const fireCase = children.find((c) => c.department === 'housingConstruction')!
  t.equal((fireCase.snapshot as any).context.materials.registrationCertificate.documentRef, 'doc-registrationCertificate', 'a shared document is passed by reference')

  // The departments work in parallel; both ask for more.
  await step(t, h, p.fireOfficer, fire.caseId, 'BEGIN_REVIEW')
  await step(t, h, p.fireOfficer, fire.caseId, 'REQUEST_CORRECTION', { items: [{ item: 'premisesProof', reason: '产权证明不清晰' }, { item: 'registrationCertificate', reason: '执业许可证副本已过期' }] })
  await step(t, h, p.civilClerk, civil.caseId, 'BEGIN_COMPLETENESS_CHECK')
  await step(t, h, p.civilClerk, civil.caseId, 'REQUEST_SUPPLEMENT', { items: [{ item: 'floorPlanZones', reason: '未标明养老区与医疗区分区' }, { item: 'registrationCertificate', reason: '需加盖公章' }] })
  v = await view(h, p.applicant, id)
  t.equal(v.openRequests.length, 2, 'both requests wait for one merged notice')

  const direct = await send(h, p.applicant, fire.caseId, 'SUBMIT_CORRECTION', { materials: materials(['premisesProof']) })
  t.equal(direct.statusCode, 422, 'an answer sent straight to a department is refused: one loop, through the window')
  t.equal(direct.json().code, 'answer-through-application')

  const notified = await step(t, h, p.windowClerk, id, 'ISSUE_SUPPLEMENT_NOTICE')
  t.equal(notified.state, 'supplementNotified')
  const notice = notified.context.supplementNotices[0]
  t.same(notice.items.map((i: any) => i.item).sort(), ['floorPlanZones', 'premisesProof', 'registrationCertificate'], 'one notice, each item once')
  const shared = notice.items.find((i: any) => i.item === 'registrationCertificate')
  t.same(shared.departments.sort(), ['civilAffairs', 'housingConstruction'], 'an item both asked for names both departments')
  t.same(shared.reasons.sort(), ['执业许可证副本已过期', '需加盖公章'].sort(), 'and both reasons')

  const incomplete = await send(h, p.applicant, id, 'SUBMIT_SUPPLEMENT', { materials: materials(['premisesProof']) })
  t.equal(incomplete.statusCode, 422, 'the answer must cover the whole notice')
  const answered = await step(t, h, p.applicant, id, 'SUBMIT_SUPPLEMENT', { materials: [
    { item: 'premisesProof', documentRef: 'doc-premisesProof-v2' }, { item: 'floorPlanZones', documentRef: 'doc-floorPlanZones-v2' },
    { item: 'registrationCertificate', documentRef: 'doc-registrationCertificate-v2' },
  ] })
  t.equal(answered.state, 'routed')
  const fireAfter = await h.database.db.selectFrom('cases').selectAll().where('id', '=', fire.caseId).executeTakeFirstOrThrow()
  const civilAfter = await h.database.db.selectFrom('cases').selectAll().where('id', '=', civil.caseId).executeTakeFirstOrThrow()
  t.equal(fireAfter.state, 'review', 'housing-construction got its answer and resumed')
  t.equal(civilAfter.state, 'completenessCheck', 'civil affairs got its answer')
  t.equal((fireAfter.snapshot as any).context.materials.premisesProof.documentRef, 'doc-premisesProof-v2')
  t.notOk((fireAfter.snapshot as any).context.materials.floorPlanZones, 'a department receives only what it asked for')
  t.equal((civilAfter.snapshot as any).context.materials.registrationCertificate.documentRef, 'doc-registrationCertificate-v2', 'a document both asked for reaches both')

  // Housing-construction refuses; civil affairs is not held and files.
  await step(t, h, p.fireOfficer, fire.caseId, 'REFUSE', { reasons: ['消防设施不符合《建筑设计防火规范》'] })
  v = await view(h, p.applicant, id)
  t.equal(v.state, 'routed', 'one refusal does not end the application while another department works')
  t.equal(v.departments.find((d: any) => d.caseId === fire.caseId).outcome, 'refused')
  await step(t, h, p.civilClerk, civil.caseId, 'CONFIRM_COMPLETE')
  await step(t, h, p.civilOfficer, civil.caseId, 'RECORD_ZONE_SEPARATION_CHECK', { passed: true, findings: '养老区独立设置，与医疗区物理隔离' })
  await step(t, h, p.civilOfficer, civil.caseId, 'FILE', { serviceScope: '失能、半失能老年人照护', elderCareBeds: 60 })

  v = await view(h, p.applicant, id)
  t.equal(v.state, 'consolidating', 'every department decided: the window consolidates')
  const all = await send(h, p.windowClerk, id, 'DELIVER')
  t.equal(all.statusCode, 422, 'not every department approved: DELIVER is refused, naming the rule')
  const done = await step(t, h, p.windowClerk, id, 'DELIVER_WITH_REFUSALS')
  t.equal(done.state, 'partiallyRefused')
  t.same(done.context.delivery.refused, [fire.caseId])
  t.same(done.context.children.find((c: any) => c.id === fire.caseId).reasons, ['消防设施不符合《建筑设计防火规范》'], 'each refusal keeps its reasons')

  const codes = (await h.call(p.applicant, 'GET', `/v1/cases/${id}/history`)).json().events.map((e: any) => e.statusCode).filter((c: any) => c !== null)
  t.same(codes, [1, 6, 7, 3, 6, 7, 13], 'the history reports 已接件, 补正开始/结束, 已受理, 补正开始/结束, 办结（不通过）')
})

t.test('withdrawing the application withdraws every undecided routed case with it', async (t) => {
  const h = await buildTestApp(t)
  const id = (await ok(t, await h.call(p.applicant, 'POST', '/v1/one-window/applications', wenshanHospital()), 'file')).id
  await step(t, h, p.windowClerk, id, 'BEGIN_INTAKE_CHECK')
  await step(t, h, p.windowClerk, id, 'ACCEPT')
  const before = await view(h, p.applicant, id)
  const fire = before.departments.find((d: any) => d.department === 'housingConstruction')
  await step(t, h, p.fireOfficer, fire.caseId, 'BEGIN_REVIEW')
  await step(t, h, p.fireOfficer, fire.caseId, 'APPROVE', { documentNumber: '文住建消验〔2026〕1号' })
  const withdrawn = await step(t, h, p.applicant, id, 'WITHDRAW', { reason: '改变经营计划' })
  t.equal(withdrawn.state, 'withdrawn')
  const after = await view(h, p.applicant, id)
  t.equal(after.departments.find((d: any) => d.department === 'civilAffairs').state, 'withdrawn', 'the undecided filing is withdrawn too')
  t.equal(after.departments.find((d: any) => d.department === 'housingConstruction').state, 'approved', 'a decided approval stays decided')
})

t.test('an official of another county sees neither the application nor its routed cases', async (t) => {
  const h = await buildTestApp(t)
  const id = (await ok(t, await h.call(p.applicant, 'POST', '/v1/one-window/applications', wenshanHospital()), 'file')).id
  const other = { id: 'clerk-x', role: 'clerk' as const, jurisdiction: '532622', department: 'serviceCentre' }
  t.equal((await h.call(other, 'GET', `/v1/one-window/applications/${id}`)).statusCode, 404)
  t.equal((await h.call({ id: 'someone-else', role: 'applicant', jurisdiction: '532601' }, 'GET', `/v1/one-window/applications/${id}`)).statusCode, 404)
})
