/**
 * POST /v1/one-window/plans: the one-time notice before filing, checked against DOMAIN.md for the two plans of the
 * issue — an elderly home in Xianning adding a clinic (R1, R5, R7, P1, P4) and a medical institution in Wenshan adding
 * elderly care (R3, R4, R4b, R5a, P3) — with dates exactly on the working-day calendar across 国庆节 2026.
 *
 * Today is Monday 2026-09-28 (the app's fixed clock). 2026: 中秋 09-25..27, 国庆节 10-01..10-07 off, Saturday 10-10 a
 * make-up working day (国务院办公厅 2026 arrangement, shipped with chinese-days).
 */
import t from 'tap'
import { buildTestApp, type TestApp } from '../helpers/app.ts'
import { principals } from '../helpers/factories.ts'
import type { Plan } from '../../src/oneWindow/plan.ts'
import type { PolicyDocument } from '../../src/policy/document.ts'

const AT = '2026-09-28T09:00:00+08:00'
const XIANAN = '421202' // 咸宁市咸安区
const WENSHAN_CITY = '532601' // 文山州文山市

const elderlyHomeClinic = { founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit', unitKind: 'clinic' }
const medicalAddsCare = (elderCareVariant: string) => ({ founder: 'medicalInstitution', adds: 'elderlyCare', elderCareVariant })

async function planOf(h: TestApp, body: unknown, query = ''): Promise<Plan> {
  const res = await h.call(principals.applicant, 'POST', `/v1/one-window/plans${query}`, body)
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json() as Plan
}

t.test('an elderly home in Xianning adding a clinic: filing with the health department, 医保 as a follow-up', async (t) => {
  const h = await buildTestApp(t, { at: AT })
  const plan = await planOf(h, { jurisdiction: XIANAN, profile: elderlyHomeClinic })

  t.equal(plan.jurisdiction.nameZh, '湖北省咸宁市咸安区')
  t.equal(plan.issuedOn, '2026-09-28')
  t.match(plan.reference, /^GZ-421202-20260928-[0-9A-F]{6}$/)
  t.equal(plan.window.nameZh, '当地政务服务机构', 'R5: 「当地政务服务机构应当实行“一个窗口”办理」')
  t.match(plan.window.source, /L108/)

  // R1: internal clinic → filing (not approval) with the health department.
  t.same(plan.items.map((i) => [i.id, i.procedure, i.department.code, i.department.nameZh]), [['clinicFiling', 'clinicFiling', 'health', '卫生健康部门']])
  const filing = plan.items[0]!
  t.match(filing.explain[0], { rule: 'R1', source: /004_6104121fb84d74b0\.txt L108/ })
  t.same(filing.steps.map((s) => s.labelZh), ['已接件', '受理审查', '已受理', '审核', '已备案'], 'process from the machine, in order')
  t.ok(filing.conditions.some((c) => /诊所、卫生所（室）、医务室、护理站/.test(c.textZh) && /L108/.test(c.source)), 'filed kinds of Xianning')
  t.ok(filing.conditions.some((c) => /材料齐全/.test(c.textZh) && /第三十二条/.test(c.source)))

  // Limits: 行政许可法 第三十二条 5 working days; R1e 10 working days; no promised limit published.
  t.same(filing.limits.map((l) => [l.key, l.statutory?.amount, l.statutory?.unit, l.promised]), [
    ['clinicFiling.intake', 5, 'workingDays', null],
    ['clinicFiling.decision', 10, 'workingDays', null],
  ])
  t.match(filing.limits[0]!.statutory!.source, /第三十二条/)
  t.match(filing.limits[1]!.statutory!.source, /10 working days/)

  // Dates: 5 working days from Monday 2026-09-28 skip 国庆 10-01..07 and count Saturday 10-10 (调休): due 10-10;
  // then 10 working days: 10-12..16, 10-19..23 → 10-23.
  const [intake, decision] = filing.schedule.stages
  t.match(intake, { key: 'clinicFiling.intake', basis: 'statutory', from: '2026-09-28', due: '2026-10-10', statutoryDue: '2026-10-10', provisional: false })
  t.same(intake!.explanation.holidaysSkipped.map((d) => d.date), ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'])
  t.ok(intake!.explanation.holidaysSkipped.every((d) => d.name === '国庆节'))
  t.same(intake!.explanation.workedDays, [{ date: '2026-10-10', name: '国庆节' }], 'the make-up Saturday counts')
  t.ok(intake!.explanation.rules.some((r) => /第八十二条/.test(r)))
  t.match(decision, { key: 'clinicFiling.decision', from: '2026-10-10', due: '2026-10-23', statutoryDue: '2026-10-23' })
  t.equal(decision!.explanation.weekendDaysSkipped, 3, '10-11, 10-17, 10-18')
  t.match(plan.expectedCompletion, { expectedBy: '2026-10-23', statutoryBy: '2026-10-23', determinedBy: 'clinicFiling', provisional: false })
  t.match(plan.expectedCompletion.source, /L125/)

  // R7 / P4: 医保定点 is a follow-up, 3 months after formal operation, not part of the application.
  t.equal(plan.followUps.length, 1)
  const f = plan.followUps[0]!
  t.match(f, { procedure: 'insuranceDesignation', partOfApplication: false, eligibleFrom: null, eligibilityZh: '正式运营3个月后可申请' })
  t.equal(f.department.nameZh, '医疗保障经办机构（医保局）', 'authority name from policy')
  t.match(f.eligibilitySource, /L122/)
  t.same(f.limits.map((l) => [l.key, l.statutory?.amount, l.statutory?.unit, l.counted]), [
    ['insuranceDesignation.intake', 5, 'workingDays', false],
    ['insuranceDesignation.evaluation', 3, 'months', false],
    ['insuranceDesignation.publicity', 5, 'workingDays', false],
  ])

  // Materials: the filing's checklist (P1), then the follow-up's, each once, marked with who needs it.
  const codes = plan.materials.map((m) => m.code)
  t.equal(new Set(codes).size, codes.length, 'each document once')
  t.same(plan.materials.filter((m) => !m.followUpOnly).map((m) => m.code), [
    'filingForm', 'registrationCertificate', 'elderlyCareFilingReceipt', 'premisesProof', 'floorPlan', 'staffQualifications', 'rules',
    'equipmentList', 'medicalWasteContract', 'identityDocuments',
  ])
  t.ok(plan.materials.filter((m) => !m.followUpOnly).every((m) => m.neededBy.join() === 'clinicFiling'))
  t.ok(plan.materials.filter((m) => m.followUpOnly).every((m) => m.neededBy.join() === 'insuranceDesignation'))
  t.ok(plan.materials.some((m) => m.code === 'fundForecast' && m.followUpOnly))
  t.equal(filing.materials.length, 10)

  t.test('with the start of operation known, the follow-up is dated', async (t) => {
    const p = await planOf(h, { jurisdiction: XIANAN, profile: { ...elderlyHomeClinic, operationStartedOn: '2026-11-30' } })
    t.equal(p.followUps[0]!.eligibleFrom, '2027-02-28', '3 months, clamped to the month end (民法典 第二百零二条)')
    t.not(p.reference, plan.reference, 'a different request, a different reference')
  })

  t.test('the same request on the same day gives the same reference; the language does not change it', async (t) => {
    const again = await planOf(h, { jurisdiction: XIANAN, profile: { unitKind: 'clinic', adds: 'internalMedicalUnit', founder: 'elderlyCareInstitution' }, language: 'en' })
    t.equal(again.reference, plan.reference)
    h.clock.set('2026-09-29T09:00:00+08:00')
    const tomorrow = await planOf(h, { jurisdiction: XIANAN, profile: elderlyHomeClinic })
    t.match(tomorrow.reference, /^GZ-421202-20260929-/)
    h.clock.set(AT)
  })

  t.test('nothing is written', async (t) => {
    const cases = await h.database.db.selectFrom('cases').select('id').execute()
    t.equal(cases.length, 0)
  })
})

t.test('a medical institution in Wenshan adding elderly care by direct filing: 民政 filing, fire acceptance at 住建', async (t) => {
  const h = await buildTestApp(t, { at: AT })
  const plan = await planOf(h, { jurisdiction: WENSHAN_CITY, profile: medicalAddsCare('reuseQualifications') })

  t.equal(plan.jurisdiction.nameZh, '云南省文山壮族苗族自治州文山市')
  t.equal(plan.window.nameZh, '州政务服务局（政务服务中心）', 'R5a: 在政务服务中心实行“一个窗口”办理')
  t.equal(plan.oneWindow?.required, true, 'socially-run institutions use the one window (L221)')

  // R4: direct filing with 民政; R4b: Wenshan omits 消防, so fire acceptance is a separate item at 住建.
  t.same(plan.items.map((i) => [i.id, i.department.code, i.department.nameZh, i.path]), [
    ['elderCareFiling', 'civilAffairs', '县级以上民政部门', 'reuseQualifications'],
    ['ordinaryApproval', 'housingConstruction', '住房和城乡建设部门', null],
  ])
  const [filing, fire] = plan.items
  t.same(filing!.steps.map((s) => s.labelZh), ['已接件', '备案材料核对', '分区隔离核查', '已备案'])
  t.ok(filing!.conditions.some((c) => c.textZh === '利用现有资源提供养老服务，可依据已具备的建设、食品安全、卫生防疫资质直接登记备案' && /L220/.test(c.source)))
  t.ok(filing!.conditions.some((c) => /物理隔离/.test(c.textZh)), 'R4c zone separation')
  t.match(fire!.titleZh, /消防验收/)
  t.match(fire!.explain[0], { rule: 'R4b' })
  t.ok(fire!.conditions.some((c) => /另行办理建设工程消防验收/.test(c.textZh)))
  // Routed as a department approval: the window's 5 working days, then 20 (行政许可法 第三十二条, 第四十二条第一款).
  t.match(fire!.schedule.stages, [{ key: 'departmentApproval.intake', from: '2026-09-28', due: '2026-10-10' }, { key: 'departmentApproval.decision', from: '2026-10-10', due: '2026-11-06' }])
  t.same(fire!.steps.map((s) => s.labelZh), ['已接件', '受理审查', '已受理', '审查', '准予许可'])

  // Limits and dates: 5 working days for the 备案回执 [DESIGN]; the applicant's own 10 working days are listed, not counted.
  t.same(filing!.limits.map((l) => [l.key, l.statutory?.amount, l.bindsOn, l.counted]), [
    ['elderCareFiling.completeness', 5, 'department', true],
    ['elderCareFiling.applicantDeadline', 10, 'applicant', false],
  ])
  t.match(filing!.schedule.stages, [{ from: '2026-09-28', due: '2026-10-10' }])
  t.match(plan.expectedCompletion, { expectedBy: '2026-11-06', determinedBy: 'ordinaryApproval' })
  t.match(plan.expectedCompletion.textZh, /以最晚办结的“建设工程消防验收/, 'parallel items: the latest decides')

  // Materials (P3 variant B): base + direct, and the fire evidence because 消防 is not reused here; no evidence for
  // the qualifications Wenshan lets it reuse.
  t.same(plan.materials.map((m) => m.code), ['filingApplication', 'registrationCertificate', 'commitmentLetter', 'practiceLicence', 'floorPlanZones', 'fireSafetyEvidence',
    'applicationForm', 'premisesProof', 'identityDocuments'])
  t.equal(plan.materials.find((m) => m.code === 'fireSafetyEvidence')!.titleZh, '消防验收、备案或可沿用的资质证明')
  t.same(plan.materials.find((m) => m.code === 'registrationCertificate')!.neededBy, ['elderCareFiling', 'ordinaryApproval'], 'the registration certificate both need is listed once, with both')
  t.ok(plan.materials.filter((m) => m.code !== 'registrationCertificate').every((m) => m.neededBy.length === 1 && !m.followUpOnly))
  t.same(plan.followUps, [], 'an existing medical institution: no 医保 follow-up')

  t.test('Xianning reuses 消防: no fire item, no fire evidence', async (t) => {
    const x = await planOf(h, { jurisdiction: XIANAN, profile: medicalAddsCare('reuseQualifications') })
    t.same(x.items.map((i) => i.id), ['elderCareFiling'])
    t.notOk(x.materials.some((m) => m.code === 'fireSafetyEvidence'))
  })

  t.test('by change of registration (R3): the other authority\'s time is not counted', async (t) => {
    const p = await planOf(h, { jurisdiction: WENSHAN_CITY, profile: medicalAddsCare('changeRegistration') })
    t.same(p.items.map((i) => [i.id, i.path]), [['elderCareFiling', 'changeRegistration']])
    t.same(p.items[0]!.steps.map((s) => s.labelZh), ['已接件', '待原登记机关变更登记', '备案材料核对', '分区隔离核查', '已备案'])
    t.ok(p.items[0]!.schedule.notes.some((n) => /变更登记的时间不计入/.test(n.textZh)))
    t.same(p.materials.map((m) => m.code), ['filingApplication', 'registrationCertificate', 'commitmentLetter'])
  })

  t.test('a local closure of the division moves the date', async (t) => {
    await h.database.db.insertInto('calendar_overrides').values({ jurisdiction: '532600', date: '2026-10-09', kind: 'closed', name: '本地休息日（测试）', created_by: 'test', created_at: new Date(AT) }).execute()
    const p = await planOf(h, { jurisdiction: WENSHAN_CITY, profile: medicalAddsCare('reuseQualifications') })
    t.equal(p.items[0]!.schedule.stages[0]!.due, '2026-10-12', '10-09 closed: the fifth working day is Monday 10-12')
    t.ok(p.items[0]!.schedule.stages[0]!.explanation.holidaysSkipped.some((d) => d.date === '2026-10-09'))
  })
})

t.test('a document several procedures need appears once, with every procedure that needs it', async (t) => {
  // A county checklist for 医保定点 that also asks for the registration certificate the filing needs.
  const county: PolicyDocument = {
    jurisdiction: XIANAN, name: '咸安区（测试）', version: 'test.1', effectiveFrom: '2026-01-01',
    values: {
      'insuranceDesignation.materials': {
        value: [
          { code: 'applicationForm', title: 'Application form', titleZh: '定点医疗机构申请表' },
          { code: 'registrationCertificate', title: 'Registration certificate', titleZh: '营业执照或民办非企业单位登记证书' },
        ],
        source: 'test county checklist',
      },
    },
  }
  const h = await buildTestApp(t, { at: AT, policies: [county] })
  const plan = await planOf(h, { jurisdiction: XIANAN, profile: elderlyHomeClinic })
  const shared = plan.materials.filter((m) => m.code === 'registrationCertificate')
  t.equal(shared.length, 1)
  t.same(shared[0]!.neededBy, ['clinicFiling', 'insuranceDesignation'])
  t.equal(shared[0]!.followUpOnly, false, 'submitted now, reused later')
  t.equal(shared[0]!.sources.length, 2)
  t.same(plan.followUps[0]!.materials, ['applicationForm', 'registrationCertificate'])
  const html = (await h.call(principals.clerk, 'POST', '/v1/one-window/plans?format=html', { jurisdiction: XIANAN, profile: elderlyHomeClinic })).body
  t.match(html, /多个事项共用，提交一份/)
})

t.test('a medical institution set up by an elderly home: 两证合一 stages run one after another', async (t) => {
  const h = await buildTestApp(t, { at: AT })
  const plan = await planOf(h, { jurisdiction: XIANAN, profile: { founder: 'elderlyCareInstitution', adds: 'medicalInstitution', medicalKind: 'hospital', medicalLevel: 2 } })
  const item = plan.items[0]!
  t.match(item, { procedure: 'twoCertificates', path: 'combined', department: { code: 'health' } })
  t.same(item.schedule.stages.map((s) => [s.key, s.amount]), [
    ['twoCertificates.intake', 5], ['twoCertificates.publicity', 5], ['twoCertificates.decision', 45], ['twoCertificates.certificate', 10],
  ])
  item.schedule.stages.forEach((s, i) => { if (i > 0) t.equal(s.from, item.schedule.stages[i - 1]!.due, `${s.key} counts from the end of the stage before`) })
  t.equal(item.schedule.stages[0]!.due, '2026-10-10')
  t.equal(plan.expectedCompletion.expectedBy, item.schedule.stages.at(-1)!.due)
  t.ok(item.steps.some((s) => s.labelZh === '公示中'))
})

t.test('bad input is a 400 problem naming the field; no token is a 401; an unknown format a 406', async (t) => {
  const h = await buildTestApp(t, { at: AT })
  const post = (body: unknown, query = '', headers: Record<string, string> = {}) => h.call(principals.applicant, 'POST', `/v1/one-window/plans${query}`, body, headers)

  let res = await post({ jurisdiction: XIANAN, profile: { founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit' } })
  t.equal(res.statusCode, 400)
  t.match(res.headers['content-type'], /application\/problem\+json/)
  t.match(res.json(), { code: 'invalid-request', errors: [{ name: '/body/profile/unitKind', code: 'required' }] })

  res = await post({ jurisdiction: XIANAN, profile: { founder: 'hospital', adds: 'elderlyCare' } })
  t.equal(res.statusCode, 400)
  t.ok(res.json().errors.some((e: { name: string }) => e.name.startsWith('/body/profile/founder')))

  res = await post({ jurisdiction: '4212', profile: elderlyHomeClinic })
  t.equal(res.statusCode, 400)
  t.ok(res.json().errors.some((e: { name: string }) => e.name === '/body/jurisdiction'))

  res = await post({ jurisdiction: '999999', profile: elderlyHomeClinic })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 'invalid-request', errors: [{ name: '/body/jurisdiction', code: 'unknownDivision' }] })

  res = await post({ jurisdiction: XIANAN, profile: elderlyHomeClinic, language: 'fr' })
  t.equal(res.statusCode, 400)

  res = await post({ jurisdiction: XIANAN, profile: elderlyHomeClinic }, '?format=xml')
  t.equal(res.statusCode, 400)

  res = await post({ jurisdiction: XIANAN, profile: elderlyHomeClinic }, '', { accept: 'image/png' })
  t.equal(res.statusCode, 406)
  t.match(res.json(), { code: 'not-acceptable' })

  res = await h.call(null, 'POST', '/v1/one-window/plans', { jurisdiction: XIANAN, profile: elderlyHomeClinic })
  t.equal(res.statusCode, 401)
  t.match(res.json(), { code: 'unauthenticated' })
})

t.test('the HTML notice: print CSS, title, jurisdiction, reference, items, materials and dates', async (t) => {
  const h = await buildTestApp(t, { at: AT })
  const body = { jurisdiction: XIANAN, profile: elderlyHomeClinic }
  const json = await planOf(h, body)
  const res = await h.call(principals.clerk, 'POST', '/v1/one-window/plans', body, { accept: 'text/html' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  const html = res.body
  for (const s of [
    '<title>一次性告知书', '@page { size: A4', '湖北省咸宁市咸安区', json.reference, '养老机构内部设置诊所备案', '卫生健康部门',
    '已接件 → 受理审查 → 已受理 → 审核 → 已备案', '养老机构内部设置医疗机构备案表', '民政部门养老机构备案回执', '2026-10-10', '2026-10-23',
    '国庆节 2026-10-01–2026-10-07', '第三十二条', '医疗机构医疗保障定点申请', '正式运营3个月后可申请',
  ]) t.ok(html.includes(s), `contains ${s}`)

  const en = await h.call(principals.clerk, 'POST', '/v1/one-window/plans?format=html', { ...body, language: 'en' })
  t.match(en.body, /<html lang="en">/)
  t.match(en.body, /One-time notice \(一次性告知书\)/)
  t.match(en.body, /Expected completion of all items: 2026-10-23/)
  t.match(en.body, /Filing form \(养老机构内部设置医疗机构备案表\)/)

  const q = await h.call(principals.clerk, 'POST', '/v1/one-window/plans', body, { accept: 'application/pdf;q=0.5, text/html' })
  t.match(q.headers['content-type'], /^text\/html/, 'the higher quality wins')
})
