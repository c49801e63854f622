/** Resolves the policy in force for a jurisdiction on a date: the nearest document up the chain wins per key. Pure. */
import { jurisdictionChain, type PolicyDocument } from './document.ts'

export interface ResolvedValue {
  value: unknown
  source: string
  /** Jurisdiction whose document supplied the value. */
  from: string
  version: string
}

export interface ResolvedPolicy {
  jurisdiction: string
  /** Pinned on a case: the versions of every document that contributed, nearest first. */
  version: string
  values: Record<string, ResolvedValue>
}

export class PolicyValueMissing extends Error {
  readonly code = 'policy-value-missing'
}

export function resolvePolicy(documents: readonly PolicyDocument[], jurisdiction: string, on: string): ResolvedPolicy {
  const values: Record<string, ResolvedValue> = {}
  const versions: string[] = []
  for (const code of jurisdictionChain(jurisdiction)) {
    // The version in force on `on`: the latest effectiveFrom not after it.
    const doc = documents
      .filter((d) => d.jurisdiction === code && d.effectiveFrom <= on)
      .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : a.effectiveFrom > b.effectiveFrom ? -1 : 0))[0]
    if (!doc) continue
    versions.push(`${doc.jurisdiction}@${doc.version}`)
    for (const [key, v] of Object.entries(doc.values)) {
      if (!(key in values)) values[key] = { value: v.value, source: v.source, from: doc.jurisdiction, version: doc.version }
    }
  }
  return { jurisdiction, version: versions.join('+'), values }
}

export function policyValue<T>(policy: ResolvedPolicy, key: string): { value: T; source: string } {
  const v = policy.values[key]
  if (!v) throw new PolicyValueMissing(`policy ${policy.version} for ${policy.jurisdiction} has no value for ${key}`)
  return { value: v.value as T, source: `${v.source} [policy ${v.from}@${v.version}]` }
}
