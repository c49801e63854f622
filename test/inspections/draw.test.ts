/**
 * The pure draw (src/inspections/draw.ts): the same seed and inputs give the same sample and inspectors, whatever
 * order the inputs come in; a changed input or seed shows on verification; conflicts are never drawn; the known
 * answer pins algorithm onewindow-draw/1 (docs/INSPECTIONS.md gives the same vector for re-implementers).
 */
import t from 'tap'
import fc from 'fast-check'
import { canonicalInputs, drawDigest, DRAW_ALGORITHM, newSeed, pick, runDraw, uniform, verifyDraw, wordStream, type DrawInputs } from '../../src/inspections/draw.ts'
import { DomainError } from '../../src/engine/errors.ts'

const SEED = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'

/** Computed once with this implementation and pinned; docs/INSPECTIONS.md carries the same vector. */
const KNOWN = {
  words: [1658852397, 767760445, 566017796],
  result: [
    { caseId: '00000000-0000-4000-8000-000000000005', institutionKey: '52421205MJH12345X', inspectors: ['officer-5', 'officer-1'] },
    { caseId: '00000000-0000-4000-8000-000000000000', institutionKey: '52421200MJH12345X', inspectors: ['officer-2', 'officer-4'] },
    { caseId: '00000000-0000-4000-8000-000000000004', institutionKey: '52421204MJH12345X', inspectors: ['officer-5', 'officer-3'] },
  ],
  digest: 'c9ab30205ad63af52036b3062e084489ec72dd1b2ce70eacfe947d34e8eba4a3',
}

function inputs(over: Partial<DrawInputs> = {}): DrawInputs {
  return {
    algorithm: DRAW_ALGORITHM,
    seed: SEED,
    sampleSize: 3,
    inspectorsPerInstitution: 2,
    candidates: Array.from({ length: 8 }, (_, i) => ({
      caseId: `00000000-0000-4000-8000-00000000000${i}`,
      institutionKey: `5242120${i}MJH12345X`,
      conflicts: i % 2 === 0 ? ['officer-1'] : [],
    })),
    roster: ['officer-1', 'officer-2', 'officer-3', 'officer-4', 'officer-5'],
    ...over,
  }
}

t.test('known answer: the stream, and the draw of the vector in docs/INSPECTIONS.md', async (t) => {
  const next = wordStream(SEED, `${DRAW_ALGORITHM}:sample`)
  const words = [next(), next(), next()]
  t.same(words, KNOWN.words, 'first words of the sample stream')
  t.same(runDraw(inputs()), KNOWN.result, 'the sample and its inspectors')
  t.equal(drawDigest(inputs(), KNOWN.result), KNOWN.digest)
})

t.test('re-running from the recorded seed gives the same sample, whatever order the inputs were read in', async (t) => {
  await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 1, max: 8 }), async (bytes, k) => {
    const seed = Buffer.from(bytes).toString('hex')
    const base = inputs({ seed, sampleSize: k })
    const shuffled = { ...base, candidates: [...base.candidates].reverse(), roster: [...base.roster].reverse() }
    const a = runDraw(base)
    t.same(runDraw(shuffled), a)
    t.equal(a.length, k)
    t.equal(new Set(a.map((p) => p.caseId)).size, k, 'no institution twice')
  }), { numRuns: 50 })
})

t.test('a different seed gives (almost always) a different draw; a fresh seed is 256 bits of hex', async (t) => {
  t.match(newSeed(), /^[0-9a-f]{64}$/)
  t.not(newSeed(), newSeed())
  const draws = new Set(Array.from({ length: 20 }, () => JSON.stringify(runDraw(inputs({ seed: newSeed() })))))
  t.ok(draws.size > 1)
})

t.test('an inspector who handled the filing is never drawn for it', async (t) => {
  await fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
    const seed = Buffer.from(bytes).toString('hex')
    const given = inputs({ seed, sampleSize: 8, roster: ['officer-1', 'officer-2', 'officer-3'] })
    for (const pair of runDraw(given)) {
      const conflicts = given.candidates.find((c) => c.caseId === pair.caseId)!.conflicts
      for (const i of pair.inspectors) if (conflicts.includes(i)) return false
      if (new Set(pair.inspectors).size !== pair.inspectors.length) return false
    }
    return true
  }), { numRuns: 100 })
})

t.test('too small a pool or roster is a 422 naming the numbers', async (t) => {
  const pool = (() => { try { runDraw(inputs({ sampleSize: 9 })) } catch (e) { return e } })() as DomainError
  t.match(pool, { code: 'inspection-pool-too-small', status: 422, extensions: { poolSize: 8, sampleSize: 9 } })
  // officer-1 conflicts on the even cases: with a roster of two, only one remains there.
  const roster = (() => { try { runDraw(inputs({ sampleSize: 8, roster: ['officer-1', 'officer-2'] })) } catch (e) { return e } })() as DomainError
  t.match(roster, { code: 'inspection-roster-too-small', status: 422, extensions: { eligible: 1, inspectorsPerInstitution: 2, conflicts: 1 } })
})

t.test('verification: the record matches; a tampered seed, input or result does not', async (t) => {
  const given = canonicalInputs(inputs())
  const result = runDraw(given)
  const digest = drawDigest(given, result)
  t.match(verifyDraw({ inputs: given, result, digest }), { matches: true, resultMatches: true, digestMatches: true, reasons: [] })

  const sampled = result[0]!.caseId
  const withoutSampled = { ...given, candidates: given.candidates.filter((c) => c.caseId !== sampled) }
  const dropped = verifyDraw({ inputs: withoutSampled, result, digest })
  t.match(dropped, { matches: false, resultMatches: false, digestMatches: false })
  t.match(dropped.reasons.join(' '), /re-run draws/)

  const otherSeed = verifyDraw({ inputs: { ...given, seed: 'f'.repeat(64) }, result, digest })
  t.equal(otherSeed.matches, false)

  const withConflict = given.candidates.find((c) => c.conflicts.length > 0 && result.some((p) => p.caseId === c.caseId))!
  const hiddenConflict = { ...given, candidates: given.candidates.map((c) => (c === withConflict ? { ...c, conflicts: [] } : c)) }
  const hidden = verifyDraw({ inputs: hiddenConflict, result, digest })
  t.match(hidden, { matches: false, digestMatches: false }, 'a dropped conflict changes the digest')

  const swapped = result.map((p, i) => (i === 0 ? { ...p, inspectors: ['officer-9', ...p.inspectors.slice(1)] } : p))
  t.match(verifyDraw({ inputs: given, result: swapped, digest: drawDigest(given, swapped) }), { matches: false, resultMatches: false, digestMatches: true })
  t.match(verifyDraw({ inputs: { ...given, sampleSize: 99 }, result, digest }), { matches: false, resultMatches: false })
})

t.test('uniform() has no modulo bias by construction and covers its range', async (t) => {
  const next = wordStream(SEED, 'test')
  const seen = new Set<number>()
  const values = Array.from({ length: 2000 }, () => uniform(next, 7))
  t.ok(values.every((v) => Number.isInteger(v) && v >= 0 && v < 7), 'every value in [0, 7)')
  for (const v of values) seen.add(v)
  t.equal(seen.size, 7)
  t.throws(() => uniform(next, 0), RangeError)
  t.same(pick(['a'], 1, next), ['a'])
})

