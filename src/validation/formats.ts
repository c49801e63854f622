/**
 * TypeBox schemas for the identifiers filings carry, checked by ajv formats of the same name: the pattern alone
 * lets a mistyped code through, the check character does not. Every route schema that takes such a value uses
 * these, so validation, OpenAPI and types agree.
 */
import { Type } from 'typebox'
import { isValidResidentId, isValidUscc, residentIdProblem, usccProblem } from './codes.ts'

export const USCC_FORMAT = 'unified-social-credit-code'
export const RESIDENT_ID_FORMAT = 'resident-id-number'

/** The ajv formats (name → check), passed to Fastify's ajv as `customOptions.formats`. */
export const FORMATS: Record<string, (value: string) => boolean> = {
  [USCC_FORMAT]: isValidUscc,
  [RESIDENT_ID_FORMAT]: isValidResidentId,
}

/** Why a value fails one of our formats, in words; null for other formats or a valid value. */
export function formatProblem(format: string, value: unknown): string | null {
  if (typeof value !== 'string') return null
  if (format === USCC_FORMAT) return usccProblem(value)
  if (format === RESIDENT_ID_FORMAT) return residentIdProblem(value)
  return null
}

/** 统一社会信用代码 (GB 32100-2015): 18 characters of its alphabet, the last a check character over the first 17. */
export const UnifiedSocialCreditCode = Type.String({
  format: USCC_FORMAT,
  description: '统一社会信用代码 (GB 32100-2015): 18 characters of 0-9 A-H J-N P-R T U W-Y; the 18th is the check character',
  examples: ['52421202MJH123456E'],
})

/** 公民身份号码 (GB 11643-1999): 17 digits (with a real birth date) and a check code 0-9 or X. */
export const ResidentIdNumber = Type.String({
  format: RESIDENT_ID_FORMAT,
  description: '公民身份号码 (GB 11643-1999): 17 digits, positions 7-14 the birth date, then the check code 0-9 or X',
})
