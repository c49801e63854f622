/**
 * The departments of each division (DOMAIN.md §2.12): who handles which part of an integrated medical and
 * elderly-care filing. Six per division, each named as the division's own bureau is named: the division's name plus
 * the department's suffix for that level (咸安区卫生健康局, 咸宁市民政局, 湖北省民政厅). Where a division's bureau
 * carries another name (a merged bureau, 政务服务和大数据管理局 …), an entry in DEPARTMENT_NAME_OVERRIDES replaces
 * the generated one. Pure data and lookups.
 */
import { DEPARTMENTS, type Department } from '../policy/keys.ts'
import { divisionLevel, findDivision } from './index.ts'

type Level = 'province' | 'city' | 'county'

/**
 * Suffix of each department's name by level. 卫健 is a 委员会 at province and city level and a 局 in counties;
 * 民政 and 住建 are 厅 at province level; 医保 and 市场监管 are 局 at every level (2018 State Council reform,
 * 《深化党和国家机构改革方案》). Fire-safety design review and acceptance sit with 住建 since 2019
 * (《消防法》 第十一条、第十三条 as amended 2019; 中办发〔2018〕 consolidated fire inspections into 住建).
 */
export const DEPARTMENT_SUFFIX: Record<Department, Record<Level, string>> = {
  health: { province: '卫生健康委员会', city: '卫生健康委员会', county: '卫生健康局' },
  civilAffairs: { province: '民政厅', city: '民政局', county: '民政局' },
  healthcareSecurity: { province: '医疗保障局', city: '医疗保障局', county: '医疗保障局' },
  marketRegulation: { province: '市场监督管理局', city: '市场监督管理局', county: '市场监督管理局' },
  housingConstruction: { province: '住房和城乡建设厅', city: '住房和城乡建设局', county: '住房和城乡建设局' },
  serviceCentre: { province: '政务服务中心', city: '政务服务中心', county: '政务服务中心' },
}

/** Short Chinese names (卫健, 民政 …) as the window and the issue tracker speak of them. */
export const DEPARTMENT_SHORT_NAMES: Record<Department, string> = {
  health: '卫健', civilAffairs: '民政', healthcareSecurity: '医保', marketRegulation: '市场监管',
  housingConstruction: '住建/消防', serviceCentre: '政务服务中心',
}

/** `code:department` → the bureau's real name, where it is not the generated one. A deployment adds its own. */
export const DEPARTMENT_NAME_OVERRIDES: Readonly<Record<string, string>> = {
  // 文山州: the window is the state's 政务服务局 (policies/532600.json, oneWindow.window: 「州政务服务局（政务服务中心）」).
  '532600:serviceCentre': '文山壮族苗族自治州政务服务局',
}

export interface DepartmentRecord {
  jurisdiction: string
  department: Department
  nameZh: string
  shortNameZh: string
}

/** The name a division's own bureau goes by; undefined for an unknown division or the national scope. */
export function departmentName(jurisdiction: string, department: Department): string | undefined {
  const override = DEPARTMENT_NAME_OVERRIDES[`${jurisdiction}:${department}`]
  if (override) return override
  const division = findDivision(jurisdiction)
  const level = divisionLevel(jurisdiction)
  if (!division || level === 'national') return undefined
  // A municipality's 市辖区 level has no bureaus of its own name: the municipality's serve it.
  const name = division.name.endsWith('市辖区') ? division.name.slice(0, -3) : division.name
  return `${name}${DEPARTMENT_SUFFIX[department][level]}`
}

/** The six departments of a division, in DEPARTMENTS order; empty for an unknown division or 000000. */
export function departmentsOf(jurisdiction: string): DepartmentRecord[] {
  return DEPARTMENTS.flatMap((department) => {
    const nameZh = departmentName(jurisdiction, department)
    return nameZh ? [{ jurisdiction, department, nameZh, shortNameZh: DEPARTMENT_SHORT_NAMES[department] }] : []
  })
}

export function isDepartment(value: unknown): value is Department {
  return typeof value === 'string' && (DEPARTMENTS as readonly string[]).includes(value)
}
