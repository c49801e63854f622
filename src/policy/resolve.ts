/** Resolves the policy in force for a jurisdiction on a date: the nearest document up the chain wins per key. Pure. */
import { jurisdictionChain, type PolicyDocument } from './document.ts'

export interface ResolvedValue {
  value: unknown
  source: string
  /** Jurisdiction whose document supplied the value. */
  from: string
  version: string
  /** The same key in documents farther up the chain, shadowed by this one (nearest first): what a local rule departs from. */
  overridden?: { from: string; version: string; value: unknown; source: string }[]
}

/** A document that contributed to a resolution. */
export interface ResolvedDocument {
  jurisdiction: string
  version: string
  name: string
  effectiveFrom: string
  effectiveFromSource?: string | undefined
}

export interface ResolvedPolicy {
  jurisdiction: string
  /** Pinned on a case: the versions of every document that contributed, nearest first. */
  version: string
  values: Record<string, ResolvedValue>
  /** The documents in force that contributed, nearest first. */
  documents?: ResolvedDocument[]
}

export class PolicyValueMissing extends Error {
  readonly code = 'policy-value-missing'
}

/**
 * The version of one jurisdiction in force on `on`: the latest effectiveFrom not after it. Two versions with the same
 * effectiveFrom: the one later in `documents` wins (stores list shipped files first, then loaded versions in the
 * order they were loaded, so a version loaded later takes over from its date).
 */
export function documentInForce(documents: readonly PolicyDocument[], jurisdiction: string, on: string): PolicyDocument | undefined {
  let found: PolicyDocument | undefined
  for (const d of documents) {
    if (d.jurisdiction !== jurisdiction || d.effectiveFrom > on) continue
    if (!found || d.effectiveFrom >= found.effectiveFrom) found = d
  }
  return found
}

export function resolvePolicy(documents: readonly PolicyDocument[], jurisdiction: string, on: string): ResolvedPolicy {
  const values: Record<string, ResolvedValue> = {}
  const versions: string[] = []
  const used: ResolvedDocument[] = []
  for (const code of jurisdictionChain(jurisdiction)) {
    const doc = documentInForce(documents, code, on)
    if (!doc) continue
    versions.push(`${doc.jurisdiction}@${doc.version}`)
    used.push({ jurisdiction: doc.jurisdiction, version: doc.version, name: doc.name, effectiveFrom: doc.effectiveFrom, effectiveFromSource: doc.effectiveFromSource })
    for (const [key, v] of Object.entries(doc.values)) {
      const nearer = values[key]
      if (!nearer) values[key] = { value: v.value, source: v.source, from: doc.jurisdiction, version: doc.version }
      else (nearer.overridden ??= []).push({ from: doc.jurisdiction, version: doc.version, value: v.value, source: v.source })
    }
  }
  return { jurisdiction, version: versions.join('+'), values, documents: used }
}

export function policyValue<T>(policy: ResolvedPolicy, key: string): { value: T; source: string } {
  const v = policy.values[key]
  if (!v) throw new PolicyValueMissing(`policy ${policy.version} for ${policy.jurisdiction} has no value for ${key}`)
  return { value: v.value as T, source: `${v.source} [policy ${v.from}@${v.version}]` }
}
