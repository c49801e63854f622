/** Divisions as a tree (isWithin) agree with the code prefixes SQL filters use; departments per division. */
import t from 'tap'
import { DIVISIONS } from '../../src/divisions/data.ts'
import { codePrefix, divisionLevel, isWithin } from '../../src/divisions/index.ts'
import { departmentName, departmentsOf } from '../../src/divisions/departments.ts'
import { authorize } from '../../src/auth/authorize.ts'

t.test('the parent chain and the code prefix give the same subtree for every shipped pair', async (t) => {
  let pairs = 0
  for (const scope of DIVISIONS) {
    for (const d of DIVISIONS) {
      pairs++
      const byPrefix = d.code.startsWith(codePrefix(scope.code))
      if (isWithin(scope.code, d.code) !== byPrefix) t.fail(`${scope.code} ⊇ ${d.code}: chain ${!byPrefix}, prefix ${byPrefix}`)
    }
  }
  t.pass(`${pairs} pairs agree`)
  t.ok(isWithin('421200', '421202') && isWithin('420000', '421202') && isWithin('000000', '421202') && isWithin('421202', '421202'))
  t.notOk(isWithin('421202', '421221'), 'a county does not contain its neighbour')
  t.notOk(isWithin('421202', '421200'), 'nor its city')
  t.ok(isWithin('500000', '500103'), 'a municipality contains its districts through 市辖区')
  t.ok(isWithin('532600', '532621'), 'an unknown code falls back to the prefix')
  t.notOk(isWithin('532601', '532621'))
})

t.test('levels and department names', async (t) => {
  t.equal(divisionLevel('420000'), 'province')
  t.equal(divisionLevel('421200'), 'city')
  t.equal(divisionLevel('421202'), 'county')
  t.equal(divisionLevel('500103'), 'county', '渝中区 sits under 市辖区')
  t.equal(departmentName('421202', 'health'), '咸安区卫生健康局')
  t.equal(departmentName('421200', 'civilAffairs'), '咸宁市民政局')
  t.equal(departmentName('420000', 'civilAffairs'), '湖北省民政厅')
  t.equal(departmentName('421221', 'healthcareSecurity'), '嘉鱼县医疗保障局')
  t.equal(departmentName('421202', 'housingConstruction'), '咸安区住房和城乡建设局')
  t.equal(departmentName('532600', 'serviceCentre'), '文山壮族苗族自治州政务服务局', 'an override')
  t.equal(departmentName('500100', 'marketRegulation'), '重庆市市场监督管理局', 'a municipality\'s 市辖区 is served by the municipality\'s bureaus')
  t.equal(departmentName('000000', 'health'), undefined)
  t.equal(departmentName('999999', 'health'), undefined)
  for (const d of DIVISIONS.filter((d) => d.code !== '000000')) t.equal(departmentsOf(d.code).length, 6, `${d.code} has six departments`)
})

t.test('authorize: the decisions the routes rely on', async (t) => {
  const kase = { case: { applicant: 'home-1', jurisdiction: '421202', department: 'health' } }
  const officer = { id: 'o', role: 'officer', jurisdiction: '421202', department: 'health' } as const
  t.same(authorize(officer, 'case.event', kase), { allow: true })
  t.match(authorize({ ...officer, jurisdiction: '421221' }, 'case.read', kase), { allow: false, status: 404, code: 'case-not-found' })
  t.match(authorize({ ...officer, department: 'civilAffairs' }, 'case.read', kase), { allow: true })
  t.match(authorize({ ...officer, department: 'civilAffairs' }, 'case.event', kase), { allow: false, status: 403, code: 'department-not-allowed' })
  t.match(authorize({ ...officer, role: 'clerk', department: 'serviceCentre' }, 'case.event', kase), { allow: true })
  t.match(authorize({ id: 'home-2', role: 'applicant', jurisdiction: '421202' }, 'case.read', kase), { allow: false, status: 404 })
  t.match(authorize({ id: 's', role: 'supervisor', jurisdiction: '421200' }, 'case.read', kase), { allow: true })
  t.match(authorize({ id: 'a', role: 'admin', jurisdiction: '421221' }, 'admin.policy', { jurisdiction: '421202' }), { allow: false, status: 403, code: 'jurisdiction-not-allowed' })
  t.match(authorize({ id: 'a', role: 'admin', jurisdiction: '421200' }, 'admin.calendarYear'), { allow: false, code: 'jurisdiction-not-allowed' })
  t.match(authorize({ id: 'a', role: 'admin', jurisdiction: '000000' }, 'admin.calendarYear'), { allow: true })
  t.match(authorize({ id: 'system', role: 'system', jurisdiction: '000000' }, 'case.event', kase), { allow: true })
})
