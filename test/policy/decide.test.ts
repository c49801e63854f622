/**
 * decide(): which procedures an institution needs, as table tests across the shipped jurisdictions. Every answer is
 * checked with the rule and the seed locator (or law) that decided it. Pure: no database.
 */
import t from 'tap'
import { loadPolicyDocuments } from '../../src/policy/store.ts'
import { resolvePolicy } from '../../src/policy/resolve.ts'
import { decide, oneWindowFor, ProfileInvalid, type Decision, type InstitutionProfile } from '../../src/policy/decide.ts'

const documents = loadPolicyDocuments()
const TODAY = '2026-03-02'
const run = (jurisdiction: string, profile: InstitutionProfile, at = TODAY) => decide(profile, resolvePolicy(documents, jurisdiction, at))

/** Counties and cities under each shipped document. */
const XIANNING = '421202' // 咸安区
const WENSHAN = '532601' // 文山市
const CHONGQING = '500112' // 渝北区
const LINYI = '371302' // 兰山区
const FUXIN = '210902' // 海州区
const RUIJIN = '360781'
const HEILONGJIANG = '230102' // 哈尔滨市道里区
const BEIJING = '110101' // no shipped document: national defaults

const elderlyHomeUnit = (unitKind: InstitutionProfile['unitKind'], extra: Partial<InstitutionProfile> = {}): InstitutionProfile =>
  ({ founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit', unitKind, ...extra })
const elderlyHomeInstitution = (medicalKind: InstitutionProfile['medicalKind'], extra: Partial<InstitutionProfile> = {}): InstitutionProfile =>
  ({ founder: 'elderlyCareInstitution', adds: 'medicalInstitution', medicalKind, ...extra })
const medicalAddsCare = (elderCareVariant?: InstitutionProfile['elderCareVariant']): InstitutionProfile =>
  ({ founder: 'medicalInstitution', adds: 'elderlyCare', ...(elderCareVariant ? { elderCareVariant } : {}) })

interface Row {
  name: string
  jurisdiction: string
  at?: string
  profile: InstitutionProfile
  /** The first (main) decision. */
  expect: Pick<Decision, 'procedure' | 'department'> & { path?: Decision['path'] }
  /** Explanation steps that must be present: rule, and a pattern each for the source (and text). */
  because: { rule: string; source: RegExp; text?: RegExp; caution?: true }[]
}

const rows: Row[] = [
  {
    name: 'a clinic in an elderly home in Xianning is filed (R1)',
    jurisdiction: XIANNING, profile: elderlyHomeUnit('clinic'),
    expect: { procedure: 'clinicFiling', department: 'health' },
    because: [{ rule: 'R1', source: /004_6104121fb84d74b0\.txt L108/, text: /is filed, not approved/ }],
  },
  {
    name: 'a medical room in an elderly home in Chongqing is filed (R1, L194)',
    jurisdiction: CHONGQING, profile: elderlyHomeUnit('medicalRoom'),
    expect: { procedure: 'clinicFiling', department: 'health' },
    because: [{ rule: 'R1', source: /L194 and L292/ }],
  },
  {
    name: 'a nursing station where no local document speaks: the national filing rule (R1e)',
    jurisdiction: BEIJING, profile: elderlyHomeUnit('nursingStation'),
    expect: { procedure: 'clinicFiling', department: 'health' },
    because: [{ rule: 'R1', source: /取消行政审批实行备案管理的通知.*\[policy 000000@/ }],
  },
  {
    name: 'a 门诊部 in an elderly home in Linyi is filed (R1b, L127)',
    jurisdiction: LINYI, profile: elderlyHomeUnit('outpatientDepartment'),
    expect: { procedure: 'clinicFiling', department: 'health' },
    because: [{ rule: 'R1', source: /003_75b745a2e5c2526d\.txt L127/, text: /门诊部/ }],
  },
  {
    name: 'a 门诊部 in an elderly home in Xianning is not filed: two certificates in one',
    jurisdiction: XIANNING, profile: elderlyHomeUnit('outpatientDepartment'),
    expect: { procedure: 'twoCertificates', path: 'combined', department: 'health' },
    because: [
      { rule: 'R1', source: /004_6104121fb84d74b0\.txt L108/, text: /not among the kinds filed here/ },
      { rule: 'R2', source: /004_6104121fb84d74b0\.txt L108/, text: /not on the exclusion list/ },
    ],
  },
  {
    name: 'a 卫生所 in an elderly home in Linyi is not filed there (Linyi omits 卫生所): two certificates in one',
    jurisdiction: LINYI, profile: elderlyHomeUnit('healthRoom'),
    expect: { procedure: 'twoCertificates', path: 'combined', department: 'health' },
    because: [{ rule: 'R1', source: /003_75b745a2e5c2526d\.txt L127/, text: /not among the kinds filed here/ }],
  },
  {
    name: 'an internal clinic in Heilongjiang is licensed, not filed (R1c, L37)',
    jurisdiction: HEILONGJIANG, profile: elderlyHomeUnit('clinic'),
    expect: { procedure: 'ordinaryApproval', department: 'health' },
    because: [{ rule: 'R1c', source: /002_062b5e3d4777b463\.txt L37/, text: /执业许可证/ }],
  },
  {
    name: 'a clinical laboratory centre takes the two steps (excluded, R2) in Xianning',
    jurisdiction: XIANNING, profile: elderlyHomeInstitution('clinicalLaboratoryCentre', { medicalLevel: 2 }),
    expect: { procedure: 'twoCertificates', path: 'twoStep', department: 'health' },
    because: [{ rule: 'R2', source: /004_6104121fb84d74b0\.txt L108/, text: /excluded.*临床检验中心/ }],
  },
  {
    name: 'a clinical laboratory centre takes the two steps under the national list (R2c)',
    jurisdiction: BEIJING, profile: elderlyHomeInstitution('clinicalLaboratoryCentre'),
    expect: { procedure: 'twoCertificates', path: 'twoStep', department: 'health' },
    because: [{ rule: 'R2', source: /改革完善医疗机构、医师审批工作的通知/, text: /excluded/ }],
  },
  {
    name: 'a level-3 hospital in Wenshan takes 两证合一: no level bound for socially-run institutions (L221)',
    jurisdiction: WENSHAN, profile: elderlyHomeInstitution('hospital', { medicalLevel: 3 }),
    expect: { procedure: 'twoCertificates', path: 'combined', department: 'health' },
    because: [
      { rule: 'R2', source: /004_6104121fb84d74b0\.txt L221/, text: /no level bound/ },
      { rule: 'R2', source: /004_6104121fb84d74b0\.txt L220/, text: /not on the exclusion list/ },
      { rule: 'R2c', source: /三级医院/, text: /national list excludes 三级医院/, caution: true },
    ],
  },
  {
    name: 'a 急救站 in Wenshan takes the two steps (on its three-kind list, L220)',
    jurisdiction: WENSHAN, profile: elderlyHomeInstitution('emergencyStation'),
    expect: { procedure: 'twoCertificates', path: 'twoStep', department: 'health' },
    because: [{ rule: 'R2', source: /004_6104121fb84d74b0\.txt L220/, text: /急救站 on the list of 3/ }],
  },
  {
    name: 'a level-3 hospital in Xianning is above 二级及以下: two steps (L108)',
    jurisdiction: XIANNING, profile: elderlyHomeInstitution('hospital', { medicalLevel: 3 }),
    expect: { procedure: 'twoCertificates', path: 'twoStep', department: 'health' },
    because: [{ rule: 'R2', source: /004_6104121fb84d74b0\.txt L108/, text: /level 3 is above the bound/ }],
  },
  {
    name: 'a level-3 hospital in Chongqing is above 二级及以下: two steps (L194)',
    jurisdiction: CHONGQING, profile: elderlyHomeInstitution('hospital', { medicalLevel: 3 }),
    expect: { procedure: 'twoCertificates', path: 'twoStep', department: 'health' },
    because: [{ rule: 'R2', source: /004_6104121fb84d74b0\.txt L194/, text: /level 3 is above the bound/ }],
  },
  {
    name: 'a Sino-foreign joint-venture level-2 hospital in Xianning: two steps (excluded, L108)',
    jurisdiction: XIANNING, profile: elderlyHomeInstitution('hospital', { medicalLevel: 2, ownership: 'sinoForeignJointVenture' }),
    expect: { procedure: 'twoCertificates', path: 'twoStep', department: 'health' },
    because: [{ rule: 'R2', source: /004_6104121fb84d74b0\.txt L108/, text: /中外合资合作医疗机构 on the list of 5/ }],
  },
  {
    name: 'a Sino-foreign joint-venture level-2 hospital in Wenshan: combined (not on its three-kind list, L220)',
    jurisdiction: WENSHAN, profile: elderlyHomeInstitution('hospital', { medicalLevel: 2, ownership: 'sinoForeignJointVenture' }),
    expect: { procedure: 'twoCertificates', path: 'combined', department: 'health' },
    because: [
      { rule: 'R2', source: /004_6104121fb84d74b0\.txt L220/, text: /not on the exclusion list here \(急救中心、急救站、临床检验中心\)/ },
      { rule: 'R2c', source: /中外合资合作医疗机构/, text: /national list excludes 中外合资合作医疗机构/, caution: true },
    ],
  },
  {
    name: 'a Sino-foreign joint-venture level-2 hospital in Chongqing: combined (no list, L194)',
    jurisdiction: CHONGQING, profile: elderlyHomeInstitution('hospital', { medicalLevel: 2, ownership: 'sinoForeignJointVenture' }),
    expect: { procedure: 'twoCertificates', path: 'combined', department: 'health' },
    because: [
      { rule: 'R2', source: /004_6104121fb84d74b0\.txt L194.*names no exclusion list/, text: /no exclusion list here/ },
      { rule: 'R2', source: /004_6104121fb84d74b0\.txt L194/, text: /level 2 is within 「二级及以下」/ },
      { rule: 'R2c', source: /中外合资合作医疗机构/, text: /national list excludes 中外合资合作医疗机构/, caution: true },
    ],
  },
  {
    name: 'a Hong Kong-owned clinic under the national list: two steps',
    jurisdiction: BEIJING, profile: elderlyHomeInstitution('clinic', { ownership: 'hkMacaoTaiwanWhollyOwned' }),
    expect: { procedure: 'twoCertificates', path: 'twoStep', department: 'health' },
    because: [{ rule: 'R2', source: /改革完善医疗机构/, text: /港澳台独资医疗机构/ }],
  },
  {
    name: 'a medical institution adds elderly care in Xianning: change of registration, then filing with 县级以上民政 (R3, L108)',
    jurisdiction: XIANNING, profile: medicalAddsCare('changeRegistration'),
    expect: { procedure: 'elderCareFiling', path: 'changeRegistration', department: 'civilAffairs' },
    because: [{ rule: 'R3', source: /004_6104121fb84d74b0\.txt L108.*县级以上民政部门/, text: /变更登记.*县级以上民政部门/ }],
  },
  {
    name: 'a medical institution reuses its qualifications in Chongqing: filed directly with 民政 (R4, L194)',
    jurisdiction: CHONGQING, profile: medicalAddsCare('reuseQualifications'),
    expect: { procedure: 'elderCareFiling', path: 'reuseQualifications', department: 'civilAffairs' },
    because: [
      { rule: 'R4', source: /L194.*直接在民政部门进行登记备案/, text: /民政部门/ },
      { rule: 'R4', source: /L194.*建设、消防、食品安全、卫生防疫/, text: /construction, fireSafety, foodSafety, epidemicPrevention/ },
    ],
  },
  {
    name: 'a medical institution reuses its qualifications in Fuxin: only with safety assured, zones separated (R4, R4c)',
    jurisdiction: FUXIN, profile: medicalAddsCare('reuseQualifications'),
    expect: { procedure: 'elderCareFiling', path: 'reuseQualifications', department: 'civilAffairs' },
    because: [
      { rule: 'R4', source: /000_0b3890313d310455\.txt L12.*在确保安全的前提下/, text: /在确保安全的前提下/ },
      { rule: 'R4c', source: /000_0b3890313d310455\.txt L30/ },
    ],
  },
  {
    name: 'a medical institution adds elderly care in Linyi in 2018: an elderly-care licence (R3a, L79)',
    jurisdiction: LINYI, at: '2018-10-01', profile: medicalAddsCare('changeRegistration'),
    expect: { procedure: 'ordinaryApproval', department: 'civilAffairs' },
    because: [
      { rule: 'R3a', source: /003_75b745a2e5c2526d\.txt L79/, text: /设立许可/ },
      { rule: 'R3a', source: /003_75b745a2e5c2526d\.txt L125/, text: /优先审批/ },
    ],
  },
  {
    name: 'the same in Linyi today: the licence was abolished on 2018-12-29, so registration then filing',
    jurisdiction: LINYI, profile: medicalAddsCare('changeRegistration'),
    expect: { procedure: 'elderCareFiling', path: 'changeRegistration', department: 'civilAffairs' },
    because: [{ rule: 'R3', source: /老年人权益保障法.*2018-12-29.*\[policy 371300@2026-11-23\.2\]/ }],
  },
  {
    name: 'a medical institution adds elderly care in Ruijin: the annex\'s admission note (R3b, L203)',
    jurisdiction: RUIJIN, profile: medicalAddsCare(),
    expect: { procedure: 'elderCareFiling', path: 'changeRegistration', department: 'civilAffairs' },
    because: [{ rule: 'R3b', source: /001_c382390c0bcaf2fe\.txt L203/, text: /按照政策办理有关准入/ }],
  },
]

t.test('the procedures required, each with its rule and source, across jurisdictions', async (t) => {
  for (const row of rows) {
    t.test(row.name, async (t) => {
      const decisions = run(row.jurisdiction, row.profile, row.at)
      const main = decisions[0]!
      t.match(main, row.expect, `${row.expect.procedure}${row.expect.path ? ` (${row.expect.path})` : ''}`)
      if (!row.expect.path) t.notOk(main.path, 'no path')
      for (const b of row.because) {
        const hit = main.explain.find((e) => e.rule === b.rule && b.source.test(e.source) && (!b.text || b.text.test(e.text)))
        t.ok(hit, `explained by ${b.rule} with source ${b.source}${b.text ? ` and text ${b.text}` : ''}`)
        if (hit) t.equal(hit.caution === true, b.caution === true, `${b.rule} is ${b.caution ? '' : 'not '}a caution`)
      }
      for (const e of main.explain) t.match(e.source, /\[policy \d{6}@[\w.-]+\]/, `every step names the policy document: ${e.rule}`)
    })
  }
})

t.test('the Chongqing district plan states no exclusion list: it decides there, and the national seven are named as a caution', async (t) => {
  const policy = resolvePolicy(documents, CHONGQING, TODAY)
  t.same(policy.values['twoCertificates.excludedKinds']!.value, [])
  t.equal(policy.values['twoCertificates.excludedKinds']!.from, '500000')
  t.match(policy.values['twoCertificates.excludedKinds']!.overridden, [{ from: '000000', value: ['tertiaryHospital', 'tertiaryMaternalChildHealth', 'emergencyCentre', 'emergencyStation', 'clinicalLaboratoryCentre', 'sinoForeignJointVenture', 'hkMacaoTaiwanWhollyOwned'] }])
  const [lab] = run(CHONGQING, elderlyHomeInstitution('clinicalLaboratoryCentre'))
  t.equal(lab!.path, 'combined', 'a clinical laboratory centre takes 两证合一 in Chongqing as the plan reads')
  t.ok(lab!.explain.some((e) => e.rule === 'R2c' && e.caution && /临床检验中心/.test(e.text)), 'with the national exclusion as a caution')
})

t.test('a domestic level-2 hospital takes 两证合一 everywhere that has a rule; no conflict caution where nothing is shadowed', async (t) => {
  for (const j of [XIANNING, WENSHAN, CHONGQING, BEIJING, LINYI, FUXIN]) {
    const [main] = run(j, elderlyHomeInstitution('hospital', { medicalLevel: 2, ownership: 'domestic' }))
    t.equal(main!.path, 'combined', j)
    t.notOk(main!.explain.some((e) => e.rule === 'R2c'), `${j}: no conflict caution`)
  }
})

t.test('医保定点 is a follow-up, eligible from operation start + the waiting months', async (t) => {
  const xianning = run(XIANNING, elderlyHomeUnit('clinic', { operationStartedOn: '2026-01-31' }))
  t.equal(xianning.length, 2)
  const followUp = xianning[1]!
  t.match(followUp, { procedure: 'insuranceDesignation', department: 'healthcareSecurity', followUp: true, eligibleFrom: '2026-04-30' }, 'three months, clamped to the month end (民法典 第二百零二条)')
  t.ok(followUp.explain.some((e) => e.rule === 'R7' && /L122/.test(e.source) && /after 3 months/.test(e.text)), 'R7, L122')
  t.notOk(xianning[0]!.followUp, 'the filing itself is not a follow-up')

  const wenshan = run(WENSHAN, elderlyHomeInstitution('hospital', { medicalLevel: 2, operationStartedOn: '2026-03-02' }))[1]!
  t.equal(wenshan.eligibleFrom, '2026-03-02', 'Wenshan: as soon as formally established (L228)')
  t.ok(wenshan.explain.some((e) => e.rule === 'R7' && /L228/.test(e.source) && /no waiting period/.test(e.text)))
  t.ok(wenshan.explain.some((e) => e.rule === 'R7a' && /L228/.test(e.source) && /30 working days/.test(e.text)), '30 working days to agreement and activation')

  const noStart = run(CHONGQING, elderlyHomeUnit('clinic'))[1]!
  t.notOk(noStart.eligibleFrom, 'no date without operationStartedOn')
  t.ok(noStart.explain.some((e) => /L199/.test(e.source) && /after 3 months/.test(e.text)))

  const ruijin = run(RUIJIN, elderlyHomeUnit('clinic'))[1]!
  t.ok(ruijin.explain.some((e) => e.rule === 'R7' && /L107/.test(e.source) && /市医保局/.test(e.text)), 'Ruijin body: 市医保局 (L107)')
  t.ok(ruijin.explain.some((e) => e.rule === 'R7c' && e.caution && /L593/.test(e.source) && /人社局/.test(e.text)), 'the annex conflict is shown (L593)')

  const hlj = run(HEILONGJIANG, elderlyHomeUnit('medicalRoom'))[1]!
  t.ok(hlj.explain.some((e) => /L43/.test(e.source) && /人力资源和社会保障/.test(e.text)), 'Heilongjiang 2015: 人社 runs it')
  t.ok(hlj.explain.some((e) => e.rule === 'R7b' && /L43/.test(e.source) && !e.caution), 'an internal 医务室 is named (L43)')
  const station = run(HEILONGJIANG, elderlyHomeUnit('nursingStation'))[1]!
  t.ok(station.explain.some((e) => e.rule === 'R7b' && e.caution), 'a 护理站 is not named in L43')

  t.equal(run(XIANNING, medicalAddsCare('changeRegistration')).some((d) => d.procedure === 'insuranceDesignation'), false, 'adding elderly care brings no designation')
})

t.test('Wenshan does not let a medical institution reuse its fire qualification: a fire acceptance with 住建 beside the filing (R4b)', async (t) => {
  const decisions = run(WENSHAN, medicalAddsCare('reuseQualifications'))
  t.match(decisions.map((d) => [d.procedure, d.department]), [['elderCareFiling', 'civilAffairs'], ['ordinaryApproval', 'housingConstruction']])
  t.ok(decisions[1]!.explain.some((e) => e.rule === 'R4b' && /L220.*no 消防/.test(e.source)))
  t.equal(run(XIANNING, medicalAddsCare('reuseQualifications')).length, 1, 'Xianning reuses 消防 (L108): the filing alone')
  const plan = oneWindowFor(decisions, resolvePolicy(documents, WENSHAN, TODAY))!
  t.match(plan, { required: true, departments: ['civilAffairs', 'housingConstruction'], window: { department: 'serviceCentre', nameZh: /州政务服务局/ } })
  t.ok(plan.explain.some((e) => e.rule === 'R5' && /L221/.test(e.source)))
})

t.test('one window and parallel approval come from the policy, never assumed (R5, R6)', async (t) => {
  const xianningPolicy = resolvePolicy(documents, XIANNING, TODAY)
  const single = oneWindowFor(run(XIANNING, elderlyHomeUnit('clinic')), xianningPolicy)!
  t.equal(single.required, false, 'one department: no joint window needed')
  t.same(single.departments, ['health'], 'the follow-up is not counted')
  const two = oneWindowFor([...run(XIANNING, elderlyHomeUnit('clinic')), ...run(XIANNING, medicalAddsCare('changeRegistration'))], xianningPolicy)!
  t.equal(two.required, true, 'health and civil affairs of the same level: one window (L108)')
  t.ok(two.explain.some((e) => e.rule === 'R5' && /L108/.test(e.source) && /当地政务服务机构/.test(e.text)))
  const linyi = oneWindowFor(run(LINYI, elderlyHomeUnit('clinic')), resolvePolicy(documents, LINYI, TODAY))!
  t.equal(linyi.parallelApproval, true)
  t.ok(linyi.explain.some((e) => e.rule === 'R6' && /003_75b745a2e5c2526d\.txt L125/.test(e.source)))
  t.equal(oneWindowFor(run(BEIJING, elderlyHomeUnit('clinic')), resolvePolicy(documents, BEIJING, TODAY)), null, 'the national default says nothing: no plan assumed')
})

t.test('bed thresholds where the seeds give them (§2.10)', async (t) => {
  const small = run(LINYI, elderlyHomeInstitution('rehabilitationHospital', { beds: 150, medicalLevel: 1 }))[0]!
  t.ok(small.explain.some((e) => e.rule === '§2.10' && e.caution && /003_75b745a2e5c2526d\.txt L77/.test(e.source) && /150 beds is below 200.*原则上/.test(e.text)))
  t.equal(small.path, 'combined', 'a threshold "in principle" does not change the route')
  const big = run(HEILONGJIANG, elderlyHomeInstitution('hospital', { beds: 250, medicalLevel: 1 }))[0]!
  t.ok(big.explain.some((e) => e.rule === '§2.10' && !e.caution && /002_062b5e3d4777b463\.txt L37/.test(e.source) && /meets the threshold of 200/.test(e.text)))
  const room = run(LINYI, elderlyHomeUnit('medicalRoom', { beds: 80 }))[0]!
  t.notOk(room.explain.some((e) => e.rule === '§2.10'), 'a 医务室 is what small homes may set up: nothing to say')
  t.notOk(run(XIANNING, elderlyHomeInstitution('hospital', { beds: 20, medicalLevel: 1 }))[0]!.explain.some((e) => e.rule === '§2.10'), 'Xianning gives no threshold')
})

t.test('an impossible profile is refused with each field named; decide never changes the policy', async (t) => {
  const policy = resolvePolicy(documents, XIANNING, TODAY)
  const frozen = structuredClone(policy)
  t.throws(() => decide({ founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit' }, policy), { code: 'invalid-request', errors: [{ name: '/profile/unitKind' }] })
  try {
    decide({ founder: 'medicalInstitution', adds: 'internalMedicalUnit', elderCareVariant: 'reuseQualifications', operationStartedOn: '2026-02-30' }, policy)
    t.fail('should throw')
  } catch (err) {
    t.ok(err instanceof ProfileInvalid)
    t.match((err as ProfileInvalid).errors.map((e) => e.name).sort(), ['/profile/adds', '/profile/elderCareVariant', '/profile/operationStartedOn', '/profile/unitKind'])
  }
  t.throws(() => decide({ founder: 'elderlyCareInstitution', adds: 'elderlyCare' }, policy), { errors: [{ name: '/profile/adds' }] })
  t.throws(() => decide({ founder: 'elderlyCareInstitution', adds: 'medicalInstitution' }, policy), { errors: [{ name: '/profile/medicalKind' }] })
  for (const p of rows.map((r) => r.profile)) decide(p, policy)
  t.same(policy, frozen, 'the resolved policy is untouched')
})

t.test('a policy without a key the decision needs is named, not guessed', async (t) => {
  const policy = resolvePolicy(documents, XIANNING, TODAY)
  delete policy.values['twoCertificates.maxLevel']
  t.throws(() => decide(elderlyHomeInstitution('hospital', { medicalLevel: 2 }), policy), { code: 'policy-value-missing', message: /twoCertificates\.maxLevel/ })
})
