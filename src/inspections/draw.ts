/**
 * The random draw of 双随机、一公开 (random inspected party, random inspector, results published; 国办发〔2015〕58号
 * [LAW?], DOMAIN.md §4.5), as a pure, deterministic function of recorded inputs and a seed.
 *
 * Anyone holding a draw's record (its seed and inputs) re-derives the same sample and the same inspectors with the
 * algorithm below; docs/INSPECTIONS.md states it precisely enough to re-implement it in another language.
 *
 * Algorithm `onewindow-draw/1`:
 * - **Random stream** for a label L: the concatenation of blocks SHA-256(seed ‖ UTF-8(L) ‖ 0x00 ‖ uint32be(i)) for
 *   i = 0, 1, 2, …, where `seed` is the 32 bytes of the recorded 64-hex-digit seed; read as big-endian uint32 words.
 * - **Uniform integer** in [0, n): take words w until w < 2^32 − (2^32 mod n) (rejection, no modulo bias); return
 *   w mod n.
 * - **Partial Fisher–Yates**: for i = 0 … k−1, j = i + uniform(len − i), swap a[i] and a[j]; the result is a[0 … k).
 * - **Sample**: the candidates sorted by case id (code-unit order), shuffled with the stream labelled
 *   `onewindow-draw/1:sample`, first `sampleSize` in draw order.
 * - **Inspectors**: for each sampled case, the roster ids sorted (code-unit order) minus that candidate's recorded
 *   conflicts, shuffled with the stream labelled `onewindow-draw/1:inspectors:<caseId>`, first
 *   `inspectorsPerInstitution`.
 *
 * No I/O, no clock: the seed is chosen by the caller (crypto.randomBytes at draw time, see `newSeed`).
 */
import { createHash, randomBytes } from 'node:crypto'
import { DomainError } from '../engine/errors.ts'

export const DRAW_ALGORITHM = 'onewindow-draw/1'

export interface DrawCandidate {
  caseId: string
  /** The institution's unified social credit code (an organisation's number, not personal data); '' if unknown. */
  institutionKey: string
  /** Roster ids excluded for this candidate: officials who acted on the institution's case (conflict of interest). */
  conflicts: string[]
}

/** Everything the draw depends on; recorded with the draw so anyone can re-run it. */
export interface DrawInputs {
  algorithm: string
  /** 64 lowercase hex digits (256 bits). */
  seed: string
  sampleSize: number
  inspectorsPerInstitution: number
  candidates: DrawCandidate[]
  /** Principal ids of the active inspectors of the department in scope. */
  roster: string[]
}

export interface DrawPair {
  caseId: string
  institutionKey: string
  inspectors: string[]
}

export const poolTooSmall = (pool: number, sampleSize: number) =>
  new DomainError('inspection-pool-too-small', 422, 'Inspection pool too small',
    `the pool holds ${pool} institution(s) but the sample asks for ${sampleSize}; draw fewer or widen the scope`,
    { poolSize: pool, sampleSize })

export const rosterTooSmall = (caseId: string, eligible: number, wanted: number, conflicts: number) =>
  new DomainError('inspection-roster-too-small', 422, 'Inspector roster too small',
    `for case ${caseId} only ${eligible} inspector(s) remain after excluding ${conflicts} with a conflict, but ${wanted} are needed; add inspectors to the roster or draw fewer per institution`,
    { caseId, eligible, inspectorsPerInstitution: wanted, conflicts })

const invalidInputs = (detail: string) => new DomainError('inspection-draw-invalid', 422, 'Invalid draw inputs', detail)

/** A fresh 256-bit seed from the operating system's CSPRNG. */
export function newSeed(): string {
  return randomBytes(32).toString('hex')
}

/** Code-unit order, the order JavaScript's default sort gives; stated so other languages reproduce it. */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** The counter-mode SHA-256 stream of uint32 words for one label. */
export function wordStream(seed: string, label: string): () => number {
  const seedBytes = Buffer.from(seed, 'hex')
  const labelBytes = Buffer.from(label, 'utf8')
  let counter = 0
  let block = Buffer.alloc(0)
  let offset = 0
  return () => {
    if (offset >= block.length) {
      const c = Buffer.alloc(4)
      c.writeUInt32BE(counter++)
      block = createHash('sha256').update(seedBytes).update(labelBytes).update(Buffer.from([0])).update(c).digest()
      offset = 0
    }
    const w = block.readUInt32BE(offset)
    offset += 4
    return w
  }
}

const TWO_32 = 2 ** 32

/** Uniform integer in [0, n) from the stream, by rejection sampling. */
export function uniform(next: () => number, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new RangeError(`uniform: n must be an integer in [1, 2^32], got ${n}`)
  const limit = TWO_32 - (TWO_32 % n)
  for (;;) {
    const w = next()
    if (w < limit) return w % n
  }
}

/** The first k of a partial Fisher–Yates shuffle of `items` (not modified). */
export function pick<T>(items: readonly T[], k: number, next: () => number): T[] {
  const a = [...items]
  for (let i = 0; i < k; i++) {
    const j = i + uniform(next, a.length - i)
    const tmp = a[i]!
    a[i] = a[j]!
    a[j] = tmp
  }
  return a.slice(0, k)
}

/** Inputs in their canonical, recorded form: candidates by case id, roster and conflicts sorted and deduplicated. */
export function canonicalInputs(inputs: DrawInputs): DrawInputs {
  const uniq = (xs: string[]) => [...new Set(xs)].sort(byCodeUnits)
  return {
    algorithm: inputs.algorithm,
    seed: inputs.seed,
    sampleSize: inputs.sampleSize,
    inspectorsPerInstitution: inputs.inspectorsPerInstitution,
    candidates: [...inputs.candidates]
      .map((c) => ({ caseId: c.caseId, institutionKey: c.institutionKey, conflicts: uniq(c.conflicts) }))
      .sort((a, b) => byCodeUnits(a.caseId, b.caseId)),
    roster: uniq(inputs.roster),
  }
}

/** Runs the draw. Throws inspection-pool-too-small / inspection-roster-too-small / inspection-draw-invalid (422). */
export function runDraw(given: DrawInputs): DrawPair[] {
  const inputs = canonicalInputs(given)
  if (inputs.algorithm !== DRAW_ALGORITHM) throw invalidInputs(`unknown algorithm ${JSON.stringify(inputs.algorithm)}; this service runs ${DRAW_ALGORITHM}`)
  if (!/^[0-9a-f]{64}$/.test(inputs.seed)) throw invalidInputs('the seed must be 64 lowercase hex digits (256 bits)')
  if (!Number.isInteger(inputs.sampleSize) || inputs.sampleSize < 1) throw invalidInputs('sampleSize must be a positive integer')
  if (!Number.isInteger(inputs.inspectorsPerInstitution) || inputs.inspectorsPerInstitution < 1) throw invalidInputs('inspectorsPerInstitution must be a positive integer')
  if (new Set(inputs.candidates.map((c) => c.caseId)).size !== inputs.candidates.length) throw invalidInputs('a case appears twice among the candidates')
  if (inputs.candidates.length < inputs.sampleSize) throw poolTooSmall(inputs.candidates.length, inputs.sampleSize)

  const sample = pick(inputs.candidates, inputs.sampleSize, wordStream(inputs.seed, `${DRAW_ALGORITHM}:sample`))
  return sample.map((c) => {
    const excluded = new Set(c.conflicts)
    const eligible = inputs.roster.filter((id) => !excluded.has(id))
    if (eligible.length < inputs.inspectorsPerInstitution) {
      throw rosterTooSmall(c.caseId, eligible.length, inputs.inspectorsPerInstitution, inputs.roster.length - eligible.length)
    }
    const inspectors = pick(eligible, inputs.inspectorsPerInstitution, wordStream(inputs.seed, `${DRAW_ALGORITHM}:inspectors:${c.caseId}`))
    return { caseId: c.caseId, institutionKey: c.institutionKey, inspectors }
  })
}

/** JSON with object keys sorted at every level and no whitespace: the text the digest is taken over. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => byCodeUnits(a, b))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** SHA-256 (hex) of the canonical JSON of { inputs, result }: published with the results, so a changed record shows. */
export function drawDigest(inputs: DrawInputs, result: DrawPair[]): string {
  return createHash('sha256').update(canonicalJson({ inputs: canonicalInputs(inputs), result })).digest('hex')
}

export interface Verification {
  matches: boolean
  /** The recorded digest equals the digest of the recorded inputs and result. */
  digestMatches: boolean
  /** The re-run gives the recorded sample and inspectors, in the same order. */
  resultMatches: boolean
  /** Why not, in words; empty when it matches. */
  reasons: string[]
  recomputed: DrawPair[] | null
}

/** Re-runs a recorded draw and compares it with what was recorded. Never throws for bad inputs: says why. */
export function verifyDraw(record: { inputs: DrawInputs; result: DrawPair[]; digest: string }): Verification {
  const reasons: string[] = []
  let recomputed: DrawPair[] | null = null
  try {
    recomputed = runDraw(record.inputs)
  } catch (err) {
    if (!(err instanceof DomainError)) throw err
    reasons.push(`the recorded inputs do not run: ${err.message}`)
  }
  const resultMatches = recomputed !== null && canonicalJson(recomputed) === canonicalJson(record.result)
  if (recomputed !== null && !resultMatches) {
    const recorded = record.result.map((p) => p.caseId)
    const again = recomputed.map((p) => p.caseId)
    reasons.push(canonicalJson(recorded) === canonicalJson(again)
      ? 'the re-run draws the same institutions but different inspectors'
      : `the re-run draws ${again.join(', ')} instead of ${recorded.join(', ')}`)
  }
  let digestMatches = false
  try {
    digestMatches = drawDigest(record.inputs, record.result) === record.digest
  } catch {
    digestMatches = false
  }
  if (!digestMatches) reasons.push('the recorded digest is not the digest of the recorded inputs and result')
  return { matches: resultMatches && digestMatches, digestMatches, resultMatches, reasons, recomputed }
}
