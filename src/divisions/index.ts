/** Lookups over the administrative divisions (src/divisions/data.ts). Pure. */
import { DIVISIONS, type DivisionRecord } from './data.ts'

const byCode = new Map(DIVISIONS.map((d) => [d.code, d]))

export type { DivisionRecord }

export function findDivision(code: string): DivisionRecord | undefined {
  return byCode.get(code)
}

/** The division and its parents, nearest first (county → city → province); empty for an unknown code. */
export function divisionChain(code: string): DivisionRecord[] {
  const chain: DivisionRecord[] = []
  for (let d = byCode.get(code); d; d = d.parent ? byCode.get(d.parent) : undefined) chain.push(d)
  return chain
}

/**
 * The name as a document addresses the division: province, city and county joined (湖北省咸宁市咸安区); a
 * municipality's 市辖区 level is left out. An unknown code answers with the code itself, never a guess.
 */
export function fullDivisionName(code: string): string {
  const chain = divisionChain(code)
  if (chain.length === 0) return code
  return chain.reverse().filter((d) => !d.name.endsWith('市辖区')).map((d) => d.name).join('')
}

/** Divisions directly below `code`. */
export function childDivisions(code: string): DivisionRecord[] {
  return DIVISIONS.filter((d) => d.parent === code)
}

/**
 * Whether `code` is `scope` or lies below it. For divisions in the data the parent chain decides; a code the data
 * does not know falls back to the GB/T 2260 code prefix (province XX0000 ⊃ city XXXX00 ⊃ county XXXXXX), which the
 * shipped data agrees with (test/divisions.test.ts checks both give the same answer for every shipped pair).
 * 000000 (national) contains every division.
 */
export function isWithin(scope: string, code: string): boolean {
  if (scope === '000000' || scope === code) return true
  if (byCode.has(scope) && byCode.has(code)) return divisionChain(code).some((d) => d.code === scope)
  return code.startsWith(codePrefix(scope))
}

/** The code prefix shared by a division and every division below it; '' for the national scope 000000. */
export function codePrefix(scope: string): string {
  if (scope === '000000') return ''
  if (scope.endsWith('0000')) return scope.slice(0, 2)
  if (scope.endsWith('00')) return scope.slice(0, 4)
  return scope
}

/** The division's level: national, province, city (地级) or county (县级). */
export function divisionLevel(code: string): 'national' | 'province' | 'city' | 'county' {
  if (code === '000000') return 'national'
  const known = byCode.get(code)
  if (known) {
    const depth = divisionChain(code).length
    return depth === 1 ? 'province' : depth === 2 ? 'city' : 'county'
  }
  return code.endsWith('0000') ? 'province' : code.endsWith('00') ? 'city' : 'county'
}
