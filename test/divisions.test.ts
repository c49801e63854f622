import t from 'tap'
import { DIVISIONS } from '../src/divisions/data.ts'
import { childDivisions, divisionChain, findDivision, fullDivisionName } from '../src/divisions/index.ts'
import { inJurisdiction } from '../src/auth/principal.ts'
import { loadPolicyDocuments } from '../src/policy/store.ts'

t.test('every division code is six digits, unique, and its parent exists and contains it', async (t) => {
  const codes = new Set<string>()
  for (const d of DIVISIONS) {
    t.match(d.code, /^[0-9]{6}$/, d.code)
    t.notOk(codes.has(d.code), `${d.code} listed once`)
    codes.add(d.code)
    if (d.parent) {
      t.ok(findDivision(d.parent), `${d.code}'s parent ${d.parent} is listed`)
      t.ok(inJurisdiction(d.parent, d.code), `${d.code} lies in its parent ${d.parent}'s code subtree`)
    }
  }
})

t.test('every jurisdiction a shipped policy names is a known division', async (t) => {
  for (const doc of loadPolicyDocuments()) t.ok(findDivision(doc.jurisdiction), `${doc.jurisdiction} (${doc.name})`)
})

t.test('names and chains', async (t) => {
  t.equal(fullDivisionName('421202'), '湖北省咸宁市咸安区')
  t.equal(fullDivisionName('532600'), '云南省文山壮族苗族自治州')
  t.equal(fullDivisionName('500103'), '重庆市渝中区', 'the municipality 市辖区 level is left out of the name')
  t.equal(fullDivisionName('999999'), '999999', 'an unknown code is shown as itself')
  t.same(divisionChain('360781').map((d) => d.code), ['360781', '360700', '360000'])
  t.same(childDivisions('421200').map((d) => d.code), ['421202', '421221', '421222', '421223', '421224', '421281'])
})
