/**
 * The 双随机 inspection pools (DOMAIN.md §2.8 R8): which cases a department's draw may sample.
 *
 * 「养老机构内设医疗卫生机构纳入医疗卫生机构“双随机、一公开”监督抽查范围，医疗卫生机构开展养老服务纳入养老机构“双随机、一公开”
 * 监督抽查范围」 (000_0b3890313d310455.txt L29): an elderly home's internal medical unit is inspected in the
 * MEDICAL pool (by 卫生健康), a medical institution's elderly care in the ELDERLY-CARE pool (by 民政); each side's
 * 行业监管 belongs to its department (R8a, same line).
 *
 * A case is in its pool while its filing is active and supervised, with no inspection already open: the state where
 * the procedure accepts SCHEDULE_INSPECTION. Not in a pool: filings not yet recorded, a filing awaiting its
 * post-filing check, an open inspection, an ordered rectification, a revoked or cancelled filing.
 */
import type { Department } from '../policy/keys.ts'

export const POOL_KINDS = ['medical', 'elderCare'] as const
export type PoolKind = (typeof POOL_KINDS)[number]

export interface PoolDefinition {
  kind: PoolKind
  department: Department
  titleZh: string
  /** The procedures whose cases enter the pool, each with the states in which a case is in it. */
  members: { procedure: string; states: string[]; what: string }[]
  source: string
}

const R8 = '000_0b3890313d310455.txt L29 (DOMAIN.md §2.8 R8, R8a)'

export const POOLS: Record<PoolKind, PoolDefinition> = {
  medical: {
    kind: 'medical',
    department: 'health',
    titleZh: '医疗卫生机构“双随机、一公开”监督抽查',
    members: [
      { procedure: 'clinicFiling', states: ['filed.supervised'], what: 'internal medical units of elderly-care institutions filed with 卫生健康 (养老机构内设医疗卫生机构)' },
    ],
    source: `${R8}: 「养老机构内设医疗卫生机构纳入医疗卫生机构“双随机、一公开”监督抽查范围」`,
  },
  elderCare: {
    kind: 'elderCare',
    department: 'civilAffairs',
    titleZh: '养老机构“双随机、一公开”监督抽查',
    members: [
      { procedure: 'elderCareFiling', states: ['underSupervision'], what: 'medical institutions\' elderly-care filings with 民政 after the post-filing check (医疗卫生机构开展养老服务)' },
    ],
    source: `${R8}: 「医疗卫生机构开展养老服务纳入养老机构“双随机、一公开”监督抽查范围」`,
  },
}

/** The pool a department draws from; undefined when the department runs no 双随机 pool here. */
export function poolOfDepartment(department: string): PoolDefinition | undefined {
  return Object.values(POOLS).find((p) => p.department === department)
}
