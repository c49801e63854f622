/**
 * Loading a new policy version (role admin, within the administrator's jurisdiction). The document is checked as a
 * whole and every fault is named at once, so a county team fixes its file in one round:
 * the JSON Schema (a source on every value), each known key's value shape, 承诺时限 ≤ 法定时限 in the document and
 * in the policy it produces with the levels above, an effective date not in the past (the policy that was in force on
 * a past day never changes after the fact), and a version not used before (shipped or loaded).
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { Principal } from '../auth/principal.ts'
import { authorize, enforce } from '../auth/authorize.ts'
import { DomainError, roleNotAllowed, type FieldError } from '../engine/errors.ts'
import { jurisdictionChain, type PolicyDocument } from './document.ts'
import { resolvePolicy } from './resolve.ts'
import { policyDocumentErrors } from './store.ts'
import { isNamedKey, limitBases, promisedExceedsStatutory } from './keys.ts'
import { policyDb, type DatabasePolicyStore, type StoredVersion } from './dbStore.ts'

export const invalidPolicyDocument = (errors: FieldError[]) =>
  new DomainError('invalid-request', 400, 'Bad Request', `the policy document is invalid: ${errors.map((e) => `${e.name} ${e.reason}`).join('; ')}`, { errors })

export const policyVersionExists = (jurisdiction: string, version: string, origin: 'shipped' | 'loaded') =>
  new DomainError('policy-version-exists', 409, 'Conflict',
    `${jurisdiction} already has policy version ${JSON.stringify(version)} (${origin}); versions are never overwritten: load the change under a new version`,
    { jurisdiction, version, origin })

export const policyEffectiveInPast = (effectiveFrom: string, today: string) =>
  new DomainError('policy-effective-in-past', 422, 'Unprocessable Content',
    `effectiveFrom ${effectiveFrom} is before today (${today}, Asia/Shanghai): the policy in force on a past day is never rewritten; give today or a later day`,
    { effectiveFrom, today })

export const outsideJurisdiction = (scope: string, jurisdiction: string) =>
  new DomainError('jurisdiction-not-allowed', 403, 'Forbidden',
    `an administrator of ${scope} may manage the policy of ${scope} and the divisions below it, not of ${jurisdiction}`,
    { scope, jurisdiction })

export const policyNotFound = (jurisdiction: string, at: string) =>
  new DomainError('policy-not-found', 404, 'Not Found', `no policy document is in force for ${jurisdiction} or above it on ${at}`, { jurisdiction, at })

/** Policy administration is for administrators whose jurisdiction covers the target. */
export function requirePolicyAdmin(actor: Principal, jurisdiction: string, action: string): void {
  // src/auth/authorize.ts decides (admin of the division or one above it); the message stays this module's.
  const decision = authorize(actor, 'admin.policy', { jurisdiction })
  if (decision.allow) return
  if (decision.code === 'jurisdiction-not-allowed') throw outsideJurisdiction(actor.jurisdiction, jurisdiction)
  enforce(actor, 'admin.policy', { jurisdiction }, action)
}

export interface LoadedVersion {
  jurisdiction: string
  version: string
  name: string
  effectiveFrom: string
  loadedAt: string
  loadedBy: string
  /** Keys no shipped document knows and no schema describes: accepted, but nothing reads them yet (typos show here). */
  warnings: string[]
  /** The policy this version produces for its own jurisdiction on its effective date (what new cases there will pin). */
  resolvedVersion: string
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505'
}

/**
 * Validates and stores a new version. `raw` is the request body (jurisdiction optional: the path names it).
 * Throws invalid-request (400, every bad field), policy-effective-in-past (422), policy-version-exists (409).
 */
export async function loadPolicyVersion(
  db: Kysely<Database>,
  store: DatabasePolicyStore,
  jurisdiction: string,
  raw: Record<string, unknown>,
  actor: Principal,
  context: { now: Date; today: string },
): Promise<LoadedVersion> {
  const errors: FieldError[] = []
  if (raw.jurisdiction !== undefined && raw.jurisdiction !== jurisdiction) {
    errors.push({ name: '/body/jurisdiction', code: 'const', reason: `must be the jurisdiction of the path (${jurisdiction}) or left out, got ${JSON.stringify(raw.jurisdiction)}` })
  }
  if (typeof raw.version === 'string' && !/^[A-Za-z0-9._-]{1,100}$/.test(raw.version)) {
    errors.push({ name: '/body/version', code: 'pattern', reason: 'letters, digits, dot, dash and underscore only (a case pins jurisdiction@version joined by +)' })
  }
  const candidate = { ...raw, jurisdiction }
  errors.push(...policyDocumentErrors(candidate, '/body'))
  if (errors.length > 0) throw invalidPolicyDocument(errors)
  const doc = candidate as PolicyDocument

  const existing = await store.versionsFor([jurisdiction])
  const same = existing.find((v) => v.document.version === doc.version)
  if (same) throw policyVersionExists(jurisdiction, doc.version, same.origin)
  if (doc.effectiveFrom < context.today) throw policyEffectiveInPast(doc.effectiveFrom, context.today)

  // The limits as they will be resolved with this version in force (a promised limit here against a statutory one
  // inherited from above, or a statutory limit here below a promised one it leaves in force).
  const chain = await store.versionsFor(jurisdictionChain(jurisdiction))
  const resolved = resolvePolicy([...chain.map((v) => v.document), doc], jurisdiction, doc.effectiveFrom)
  const limitErrors = promisedExceedsStatutory(limitBases(doc), (k) => resolved.values[k], '/body')
  if (limitErrors.length > 0) throw invalidPolicyDocument(limitErrors)

  // Warnings, not refusals: a division may record what its text says before code reads it.
  const known = new Set(store.documents().flatMap((d) => Object.keys(d.values)))
  const isKnown = (k: string) => known.has(k) || isNamedKey(k) || (k.endsWith('.promised') && known.has(k.replace(/promised$/, 'statutory')))
  const warnings = Object.keys(doc.values)
    .filter((k) => !isKnown(k))
    .map((k) => `${k}: no shipped document has this key and nothing reads it yet; check the spelling`)
  // A version is a whole document: keys the version it follows set and this one leaves out fall back to the level above.
  const previous = resolvePolicy(chain.map((v) => v.document), jurisdiction, doc.effectiveFrom).documents?.find((d) => d.jurisdiction === jurisdiction)
  const previousDoc = previous && chain.find((v) => v.document.jurisdiction === jurisdiction && v.document.version === previous.version)?.document
  for (const k of Object.keys(previousDoc?.values ?? {}).filter((k) => !(k in doc.values))) {
    const fallback = resolved.values[k]
    warnings.push(`${k}: set by ${jurisdiction}@${previousDoc!.version} but no longer set: ${fallback ? `falls back to ${fallback.from}@${fallback.version} (${JSON.stringify(fallback.value)})` : 'no level above sets it'}`)
  }

  try {
    await policyDb(db).insertInto('policy_documents').values({
      jurisdiction, version: doc.version, effective_from: doc.effectiveFrom, document: JSON.stringify(doc),
      loaded_at: context.now, loaded_by: actor.id,
    }).execute()
  } catch (err) {
    if (isUniqueViolation(err)) throw policyVersionExists(jurisdiction, doc.version, 'loaded')
    throw err
  }
  return {
    jurisdiction, version: doc.version, name: doc.name, effectiveFrom: doc.effectiveFrom,
    loadedAt: context.now.toISOString(), loadedBy: actor.id, warnings, resolvedVersion: resolved.version,
  }
}

export interface VersionListing {
  version: string
  name: string
  effectiveFrom: string
  effectiveFromSource: string | null
  origin: 'shipped' | 'loaded'
  loadedAt: string | null
  loadedBy: string | null
  /** In force on `today` for this jurisdiction (the version new cases there pin, with the levels above). */
  inForce: boolean
  /** A later version of the same jurisdiction took over on this day. */
  supersededOn: string | null
  keys: string[]
  document: PolicyDocument
}

/** Every version of one jurisdiction, shipped and loaded, oldest effective date first. */
export function listVersions(versions: readonly StoredVersion[], jurisdiction: string, today: string): VersionListing[] {
  const own = versions.filter((v) => v.document.jurisdiction === jurisdiction)
  const docs = own.map((v) => v.document)
  const inForce = resolvePolicy(docs, jurisdiction, today).documents?.find((d) => d.jurisdiction === jurisdiction)
  const order = own.map((v, i) => ({ v, i })).sort((a, b) => (a.v.document.effectiveFrom < b.v.document.effectiveFrom ? -1 : a.v.document.effectiveFrom > b.v.document.effectiveFrom ? 1 : a.i - b.i))
  return order.map(({ v }, k) => {
    const later = order.slice(k + 1).find((o) => o.v.document.effectiveFrom >= v.document.effectiveFrom)
    return {
      version: v.document.version,
      name: v.document.name,
      effectiveFrom: v.document.effectiveFrom,
      effectiveFromSource: v.document.effectiveFromSource ?? null,
      origin: v.origin,
      loadedAt: v.loadedAt?.toISOString() ?? null,
      loadedBy: v.loadedBy,
      inForce: inForce?.version === v.document.version,
      supersededOn: later?.v.document.effectiveFrom ?? null,
      keys: Object.keys(v.document.values).sort(),
      document: v.document,
    }
  })
}
