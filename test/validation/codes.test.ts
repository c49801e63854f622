/**
 * Check characters of 统一社会信用代码 (GB 32100-2015) and 公民身份号码 (GB 11643-1999), on published samples and on
 * every single-character corruption of them (both check codes catch any one wrong character).
 */
import t from 'tap'
import {
  isValidResidentId, isValidUscc, residentIdCheckCharacter, residentIdProblem, usccCheckCharacter, usccProblem, USCC_ALPHABET,
} from '../../src/validation/codes.ts'

// Codes printed on public business licences and in the standard's worked examples.
const VALID_USCC = ['91350100M000100Y43', '91110000802100433B', '52421202MJH123456E', '12532601MB00000002', '91421202MA4F12345P']
// GB 11643-1999 Appendix example (born 1880) and the widely quoted 11010519491231002X (check code X = 10).
const VALID_IDS = ['11010519491231002X', '440524188001010014', '421202197001011233']

t.test('USCC: known codes are valid; the check character is recomputed', async (t) => {
  for (const code of VALID_USCC) {
    t.ok(isValidUscc(code), code)
    t.equal(usccCheckCharacter(code.slice(0, 17)), code[17], `${code} check character`)
  }
  t.equal(usccCheckCharacter('91350100M000100Y4'), '3')
  t.equal(usccCheckCharacter('9135010'), null, 'too short')
  t.equal(usccCheckCharacter('9135010OM00010OY4'), null, 'O is not of the alphabet')
})

t.test('USCC: a wrong check character, a wrong character anywhere, bad shape and length are refused with a reason', async (t) => {
  t.match(usccProblem('52421202MJH123456X'), /check character/)
  t.match(usccProblem('52421202MJH12345'), /18 characters/)
  t.match(usccProblem('52421202MJH12345IE'), /without I, O, S, V, Z/)
  t.match(usccProblem('5242120AMJH123456E'), /digits in positions 3-8/)
  t.match(usccProblem('52421202mjh123456e'), /without I/, 'lower case is not the code')
  t.notOk(isValidUscc(''))
  t.notOk(isValidUscc(42 as unknown as string), 'not a string')
  for (const code of VALID_USCC) {
    for (let i = 0; i < 18; i++) {
      for (const c of USCC_ALPHABET) {
        if (c === code[i] || (i >= 2 && i < 8 && !/[0-9]/.test(c))) continue
        const changed = code.slice(0, i) + c + code.slice(i + 1)
        if (isValidUscc(changed)) t.fail(`${changed} (position ${i + 1} changed) should be refused`)
      }
    }
  }
})

t.test('resident ID: known numbers are valid; X stands for 10', async (t) => {
  for (const id of VALID_IDS) {
    t.ok(isValidResidentId(id), id)
    t.equal(residentIdCheckCharacter(id.slice(0, 17)), id[17], `${id} check code`)
  }
  t.equal(residentIdCheckCharacter('1101051949123100X'), null, 'only digits before the check code')
})

t.test('resident ID: wrong check code, impossible birth date, bad shape are refused with a reason', async (t) => {
  t.match(residentIdProblem('110105194912310021'), /check code/)
  t.match(residentIdProblem('11010519491232002X'), /birth date/, '32 December')
  t.match(residentIdProblem('110105190002290025'), /birth date/, '1900 was not a leap year')
  t.equal(residentIdProblem('110105200002290027'.slice(0, 17) + residentIdCheckCharacter('11010520000229002')), null, '2000 was')
  t.match(residentIdProblem('11010519491231002x'), /check code 0-9 or X/, 'lower-case x')
  t.match(residentIdProblem('1101051949123100'), /18 characters/)
  t.notOk(isValidResidentId(null as unknown as string))
  for (const id of VALID_IDS) {
    for (let i = 0; i < 17; i++) {
      for (const d of '0123456789') {
        if (d === id[i]) continue
        const changed = id.slice(0, i) + d + id.slice(i + 1)
        if (isValidResidentId(changed)) t.fail(`${changed} (digit ${i + 1} changed) should be refused`)
      }
    }
  }
})
