/**
 * Check characters of the two identifiers filings carry, so a mistyped code is refused at the door instead of
 * reaching an officer. Pure functions: no I/O, no clock.
 *
 * - 统一社会信用代码 (unified social credit code), GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》
 * - 公民身份号码 (resident identity number), GB 11643-1999 《公民身份号码》, check code per ISO 7064:1983 MOD 11-2
 */

/** GB 32100-2015 §4 and Table 2: the 31 code characters (no I, O, S, V, Z), in the order that gives their values 0…30. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'

/** GB 32100-2015 §5.2: the weight of position i (0-based) is 3^i mod 31. */
const USCC_WEIGHTS = Array.from({ length: 17 }, (_, i) => Number(3n ** BigInt(i) % 31n))

const USCC_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/

/**
 * The check character (position 18) for the first 17 characters of a unified social credit code, or null when they
 * are not of the code's alphabet. GB 32100-2015 §5.2: C18 = 31 − MOD(Σ Ci×Wi, 31), and 31 is written as 0.
 */
export function usccCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i]!)
    if (value < 0) return null
    sum += value * USCC_WEIGHTS[i]!
  }
  const check = 31 - (sum % 31)
  return USCC_ALPHABET[check === 31 ? 0 : check]!
}

/** Why a unified social credit code is not valid, or null when it is (GB 32100-2015). */
export function usccProblem(code: string): string | null {
  if (code.length !== 18) return `must be 18 characters (GB 32100-2015), got ${code.length}`
  if (!USCC_SHAPE.test(code)) {
    return 'must be 18 characters of 0-9 and A-Z without I, O, S, V, Z, with digits in positions 3-8 (GB 32100-2015)'
  }
  if (usccCheckCharacter(code.slice(0, 17)) !== code[17]) {
    return 'the check character (the 18th) does not match the first 17 characters (GB 32100-2015 §5.2)'
  }
  return null
}

export function isValidUscc(code: string): boolean {
  return typeof code === 'string' && usccProblem(code) === null
}

/** GB 11643-1999 §7.1 (ISO 7064 MOD 11-2): the weight of position i (0-based) is 2^(17−i) mod 11. */
const ID_WEIGHTS = Array.from({ length: 17 }, (_, i) => 2 ** (17 - i) % 11)
/** GB 11643-1999 §7.2: the check code for Σ mod 11 = 0…10; 10 is written as the Roman numeral X. */
const ID_CHECK = '10X98765432'

/** The check code for the first 17 digits of a resident identity number, or null when they are not 17 digits. */
export function residentIdCheckCharacter(first17: string): string | null {
  if (!/^[0-9]{17}$/.test(first17)) return null
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!
  return ID_CHECK[sum % 11]!
}

/**
 * A real calendar day (GB 11643-1999 §6.2: positions 7-14 are the birth date YYYYMMDD). From 1800 on: the
 * standard's own example, 440524188001010014, was born in 1880.
 */
function isBirthDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4))
  const month = Number(yyyymmdd.slice(4, 6))
  const day = Number(yyyymmdd.slice(6, 8))
  if (year < 1800 || month < 1 || month > 12 || day < 1) return false
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** Why a resident identity number is not valid, or null when it is (GB 11643-1999). */
export function residentIdProblem(id: string): string | null {
  if (id.length !== 18) return `must be 18 characters (GB 11643-1999), got ${id.length}`
  if (!/^[0-9]{17}[0-9X]$/.test(id)) return 'must be 17 digits and a check code 0-9 or X (GB 11643-1999)'
  if (!isBirthDate(id.slice(6, 14))) return 'positions 7-14 must be a real birth date YYYYMMDD (GB 11643-1999 §6.2)'
  if (residentIdCheckCharacter(id.slice(0, 17)) !== id[17]) {
    return 'the check code (the 18th character) does not match the first 17 digits (GB 11643-1999 §7)'
  }
  return null
}

export function isValidResidentId(id: string): boolean {
  return typeof id === 'string' && residentIdProblem(id) === null
}
