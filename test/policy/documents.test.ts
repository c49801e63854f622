/**
 * The shipped jurisdiction documents: each validates, every value carries a source that names a seed line or a
 * law, every seed line cited exists and lies in the part of the seed that speaks for that jurisdiction, versions are
 * unique, file names match contents, and 承诺时限 ≤ 法定时限 wherever a policy resolves. Pure: no database.
 */
import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadPolicyDocuments, policyDocumentErrors, POLICIES_DIR, validatePolicyDocument } from '../../src/policy/store.ts'
import { resolvePolicy } from '../../src/policy/resolve.ts'
import { limitBases, promisedExceedsStatutory } from '../../src/policy/keys.ts'
import type { PolicyDocument } from '../../src/policy/document.ts'

const documents = loadPolicyDocuments()
/** A source names a seed file and line, or a law, regulation, notice or measure, or says it is a design default. */
const SOURCE_PATTERN = /(\d{3}_[0-9a-f]{16}\.txt L\d+|法|条例|办法|通知|DOMAIN\.md|\[DESIGN\])/

/** Where each jurisdiction speaks in the compilation 004 (DOMAIN.md §1). */
const PARTS_OF_004: Record<string, [number, number][]> = {
  '421200': [[104, 127]], // 篇六 咸宁
  '500000': [[181, 209], [278, 307]], // 篇九 = 篇十三 重庆某区
  '532600': [[210, 235]], // 篇十 文山
}
/** Each other seed speaks for one jurisdiction. */
const SEED_OWNER: Record<string, string> = {
  '000_0b3890313d310455.txt': '210900', '001_c382390c0bcaf2fe.txt': '360781', '002_062b5e3d4777b463.txt': '230000', '003_75b745a2e5c2526d.txt': '371300',
}
const SEEDS_DIR = process.env.ONEWINDOW_SEEDS_DIR ?? '/work/shared/seeds'

t.test('every shipped jurisdiction document validates: schema, value shapes, limits', async (t) => {
  t.ok(documents.length >= 9, `${documents.length} documents`)
  for (const doc of documents) t.same(policyDocumentErrors(doc), [], `${doc.jurisdiction}@${doc.version} validates`)
  const expected = ['000000', '210900', '230000', '360781', '371300', '421200', '500000', '532600']
  t.same([...new Set(documents.map((d) => d.jurisdiction))].sort(), expected, 'the shipped jurisdictions')
})

t.test('every value of every shipped document has a source naming a seed line or a law', async (t) => {
  for (const doc of documents) {
    for (const [key, v] of Object.entries(doc.values)) t.match(v.source, SOURCE_PATTERN, `${doc.jurisdiction}@${doc.version} ${key}`)
    if (doc.jurisdiction !== '000000') t.match(doc.effectiveFromSource, SOURCE_PATTERN, `${doc.jurisdiction}@${doc.version}: the effective date is sourced`)
  }
})

t.test('dates taken from the rewritten compilation are flagged low-confidence-date', async (t) => {
  for (const doc of documents.filter((d) => d.jurisdiction in PARTS_OF_004)) {
    t.match(doc.effectiveFromSource, /low-confidence-date/, `${doc.jurisdiction}`)
    t.match(doc.name, /估计|未载/, `${doc.jurisdiction}: the name says the date or place is not certain`)
  }
})

t.test('superseded regimes are marked by their effective date and their name', async (t) => {
  const linyi = documents.filter((d) => d.jurisdiction === '371300').sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))
  t.match(linyi.map((d) => [d.effectiveFrom, d.values['elderCareFiling.regime']?.value]), [['2018-08-21', 'licence'], ['2018-12-29', 'filing']])
  t.match(linyi[0]!.name, /2018.*设立许可.*取代/)
  t.match(linyi[1]!.name, /2018-12-29.*取消/)
  const hlj = documents.find((d) => d.jurisdiction === '230000')!
  t.equal(hlj.effectiveFrom, '2015-11-04')
  t.match(hlj.name, /2015.*早于/)
  t.equal(resolvePolicy(documents, '371302', '2018-10-01').values['elderCareFiling.regime']!.value, 'licence', 'Linyi in October 2018: licence')
  t.equal(resolvePolicy(documents, '371302', '2019-01-02').values['elderCareFiling.regime']!.value, 'filing', 'Linyi in 2019: filing')
})

t.test('file names match the documents; a version is unique per jurisdiction', async (t) => {
  const seen = new Set<string>()
  for (const file of readdirSync(POLICIES_DIR).filter((f) => f.endsWith('.json'))) {
    const doc = JSON.parse(readFileSync(join(POLICIES_DIR, file), 'utf8')) as PolicyDocument
    const m = /^(\d{6})(?:-(\d{4}-\d{2}-\d{2}))?\.json$/.exec(file)
    t.ok(m, `${file} is <code>.json or <code>-<effectiveFrom>.json`)
    t.equal(doc.jurisdiction, m?.[1], `${file}: jurisdiction`)
    if (m?.[2]) t.equal(doc.effectiveFrom, m[2], `${file}: effectiveFrom`)
    const id = `${doc.jurisdiction}@${doc.version}`
    t.notOk(seen.has(id), `${id} once`)
    seen.add(id)
  }
})

t.test('every seed line cited exists and belongs to the jurisdiction that cites it', { skip: existsSync(SEEDS_DIR) ? false : `seed files not at ${SEEDS_DIR} (set ONEWINDOW_SEEDS_DIR)` }, async (t) => {
  const lines = new Map<string, string[]>()
  const seed = (file: string) => {
    if (!lines.has(file)) lines.set(file, readFileSync(join(SEEDS_DIR, file), 'utf8').split('\n'))
    return lines.get(file)!
  }
  for (const doc of documents) {
    const texts = [...Object.entries(doc.values).map(([k, v]) => [k, v.source] as const), ['effectiveFromSource', doc.effectiveFromSource ?? ''] as const]
    for (const [key, source] of texts) {
      // "004_….txt L194 (= L292)", "L99–L101", "L593 with L595": every Lnnn after a file name belongs to that file.
      for (const m of source.matchAll(/(\d{3}_[0-9a-f]{16}\.txt)((?:[^.\d]|\d(?!\d{2}_))*)/g)) {
        const file = m[1]!
        for (const l of m[2]!.matchAll(/L(\d+)/g)) {
          const n = Number(l[1])
          const text = seed(file)[n - 1]
          t.ok(text !== undefined && text.trim().length > 0, `${doc.jurisdiction} ${key}: ${file} L${n} is a line with text`)
          if (doc.jurisdiction === '000000') continue
          if (file === '004_6104121fb84d74b0.txt') {
            const parts = PARTS_OF_004[doc.jurisdiction]
            if (parts) t.ok(parts.some(([a, b]) => n >= a && n <= b), `${doc.jurisdiction} ${key}: 004 L${n} is in its own part`)
          } else if (SEED_OWNER[file] === doc.jurisdiction) {
            t.pass(`${doc.jurisdiction} ${key}: ${file} is its own seed`)
          }
        }
      }
    }
  }
})

t.test('quoted seed text is really on the cited line', { skip: existsSync(SEEDS_DIR) ? false : `seed files not at ${SEEDS_DIR}` }, async (t) => {
  // A quotation 「…」 right after "file Lnnn:" must appear on that line (spaces and ASCII/full-width brackets ignored).
  const norm = (s: string) => s.replace(/\s+/g, '').replace(/[（(]/g, '(').replace(/[）)]/g, ')').replace(/，/g, ',')
  let checked = 0
  for (const doc of documents) {
    for (const [key, v] of Object.entries(doc.values)) {
      const m = /^(\d{3}_[0-9a-f]{16}\.txt) L(\d+)(?: \([^)]*\))?: 「([^」]+)」/.exec(v.source)
      if (!m) continue
      const line = readFileSync(join(SEEDS_DIR, m[1]!), 'utf8').split('\n')[Number(m[2]) - 1] ?? ''
      const parts = m[3]!.split('…').filter((p) => p.length > 0)
      for (const part of parts) t.ok(norm(line).includes(norm(part)), `${doc.jurisdiction} ${key}: 「${part.slice(0, 20)}…」 on ${m[1]} L${m[2]}`)
      checked++
    }
  }
  t.ok(checked >= 20, `${checked} quotations checked`)
})

t.test('承诺时限 ≤ 法定时限 wherever a shipped policy resolves', async (t) => {
  const places = ['000000', '421202', '421200', '500112', '532601', '371302', '210902', '360781', '230102']
  for (const j of places) {
    for (const at of ['2018-10-01', '2026-03-02']) {
      const policy = resolvePolicy(documents, j, at)
      const bases = [...new Set(Object.keys(policy.values).filter((k) => /\.(statutory|promised)$/.test(k)).map((k) => k.replace(/\.(statutory|promised)$/, '')))]
      t.same(promisedExceedsStatutory(bases, (k) => policy.values[k]), [], `${j} on ${at}`)
    }
  }
})

t.test('a document is refused naming the key: missing source, bad shape, promised above statutory, units that cannot compare', async (t) => {
  const base = { jurisdiction: '421221', name: '嘉鱼县（测试）', version: 't-1', effectiveFrom: '2027-01-01' }
  const refused = (values: Record<string, unknown>) => policyDocumentErrors({ ...base, values })
  t.match(refused({ 'clinicFiling.decision.statutory': { value: { amount: 5, unit: 'workingDays' } } }), [{ name: '/values/clinicFiling.decision.statutory/source', code: 'required' }])
  t.match(refused({ 'clinicFiling.decision.statutory': { value: { amount: 'ten', unit: 'weeks' }, source: '行政许可法 第四十二条' } }),
    [{ name: '/values/clinicFiling.decision.statutory/value/amount' }, { name: '/values/clinicFiling.decision.statutory/value/unit' }])
  t.match(refused({ 'clinicFiling.decision.statutory': { value: { amount: 10, unit: 'workingDays' }, source: '2017 通知' }, 'clinicFiling.decision.promised': { value: { amount: 12, unit: 'workingDays' }, source: '承诺 [DESIGN]' } }),
    [{ name: '/values/clinicFiling.decision.promised/value', code: 'promisedExceedsStatutory', reason: /clinicFiling\.decision\.promised \(12 workingDays\) exceeds clinicFiling\.decision\.statutory \(10 workingDays/ }])
  t.match(refused({ 'x.y.statutory': { value: { amount: 1, unit: 'months' }, source: '某办法' }, 'x.y.promised': { value: { amount: 20, unit: 'workingDays' }, source: '承诺 [DESIGN]' } }),
    [{ name: '/values/x.y.promised/value', code: 'unitMismatch' }])
  t.match(refused({ 'twoCertificates.excludedKinds': { value: ['tertiaryHospital', 'mobileClinic'], source: '某通知' } }), [{ name: '/values/twoCertificates.excludedKinds/value/1' }])
  t.match(refused({ 'twoCertificates.maxLevel': { value: 4, source: '某通知' } }), [{ name: '/values/twoCertificates.maxLevel/value' }])
  t.match(refused({ 'not a key': { value: 1, source: '某办法' } }), [{ name: '/values/not a key' }])
  t.same(refused({ 'clinicFiling.decision.promised': { value: { amount: 8, unit: 'workingDays' }, source: '承诺 [DESIGN]' } }), [], 'a promised limit alone is checked when resolved (the statutory one is inherited)')
  t.throws(() => validatePolicyDocument({ ...base, values: { 'twoCertificates.maxLevel': { value: 4, source: '某通知' } } }, 'test'), { code: 'policy-document-invalid', message: /twoCertificates\.maxLevel/ })
  t.match(policyDocumentErrors({ ...base, effectiveFrom: '2027-02-30', values: {} }), [{ name: '/effectiveFrom', code: 'format' }])
})

t.test('two versions of a jurisdiction: the later effectiveFrom wins from its day; on the same day the one listed later wins', async (t) => {
  const v = (version: string, effectiveFrom: string, amount: number): PolicyDocument => ({
    jurisdiction: '421221', name: '嘉鱼县（测试）', version, effectiveFrom,
    values: { 'clinicFiling.decision.statutory': { value: { amount, unit: 'workingDays' }, source: `test ${version} [DESIGN]` } },
  })
  const docs = [...documents, v('a', '2027-01-01', 8), v('b', '2027-06-01', 7), v('c', '2027-06-01', 6)]
  const at = (d: string) => resolvePolicy(docs, '421221', d).values['clinicFiling.decision.statutory']!
  t.match(at('2026-12-31'), { from: '000000', value: { amount: 10 } })
  t.match(at('2027-01-01'), { from: '421221', version: 'a', value: { amount: 8 } })
  t.match(at('2027-06-01'), { from: '421221', version: 'c', value: { amount: 6 } })
  t.equal(resolvePolicy(docs, '421221', '2027-06-01').version, '421221@c+421200@2026-11-23.1+000000@2026-11-23.1')
  t.same(limitBases(v('a', '2027-01-01', 8)), ['clinicFiling.decision'])
})
