/**
 * A jurisdiction's policy document: every value carries its source (seed file and locator, or law and article).
 * One document per jurisdiction (GB/T 2260 code) and version; unset values come from the parent jurisdiction,
 * then from the national default (000000).
 */
import { Type, type Static } from 'typebox'

export const PolicyValue = Type.Object(
  {
    value: Type.Unknown(),
    source: Type.String({ minLength: 3, description: 'seed file and locator, or law and article' }),
  },
  { additionalProperties: false },
)
export type PolicyValue = Static<typeof PolicyValue>

export const PolicyDocument = Type.Object(
  {
    jurisdiction: Type.String({ pattern: '^[0-9]{6}$' }),
    name: Type.String({ minLength: 1 }),
    version: Type.String({ minLength: 1 }),
    effectiveFrom: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    /** Where the effective date comes from (issue date, law in force, or why a date is only an estimate). */
    effectiveFromSource: Type.Optional(Type.String({ minLength: 3, description: 'where the effective date comes from; say low-confidence-date when it is an estimate' })),
    // additionalProperties false: a key that does not match the pattern is refused, never accepted unchecked.
    values: Type.Record(Type.String({ pattern: '^[a-zA-Z]+(\\.[a-zA-Z0-9]+)+$' }), PolicyValue, { additionalProperties: false }),
  },
  { additionalProperties: false },
)
export type PolicyDocument = Static<typeof PolicyDocument>

export const NATIONAL = '000000'

/** GB/T 2260 parents: county 421202 → city 421200 → province 420000 → national 000000. */
export function jurisdictionChain(code: string): string[] {
  const chain = [code]
  if (!code.endsWith('00')) chain.push(`${code.slice(0, 4)}00`)
  if (!code.endsWith('0000')) chain.push(`${code.slice(0, 2)}0000`)
  if (code !== NATIONAL) chain.push(NATIONAL)
  return [...new Set(chain)]
}
