/**
 * The policy store of a running service: the documents shipped in `policies/` plus the versions an administrator
 * loaded into `policy_documents`. A loaded version of a jurisdiction takes over from its effectiveFrom (the latest
 * effectiveFrom not after the day wins; on the same day the version loaded last wins, and loaded beats shipped).
 * Versions are never overwritten: the table refuses UPDATE and DELETE, and (jurisdiction, version) is unique across
 * shipped and loaded documents. Every resolution reads the table, so all processes agree without a cache.
 */
import type { ColumnType, Generated, Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { jurisdictionChain, type PolicyDocument } from './document.ts'
import { resolvePolicy, type ResolvedPolicy } from './resolve.ts'
import { loadPolicyDocuments, type PolicyStore } from './store.ts'

/** Row of `policy_documents` (migrations/2026-11-23T02-00_policy_documents.ts). */
export interface PolicyDocumentsTable {
  id: Generated<string>
  jurisdiction: string
  version: string
  effective_from: string
  document: ColumnType<unknown, string, never>
  loaded_at: ColumnType<Date, Date, never>
  loaded_by: string
}

export type PolicyDb = Kysely<Database & { policy_documents: PolicyDocumentsTable }>

export function policyDb(db: Kysely<Database>): PolicyDb {
  return db.withTables<{ policy_documents: PolicyDocumentsTable }>()
}

export interface StoredVersion {
  document: PolicyDocument
  origin: 'shipped' | 'loaded'
  loadedAt: Date | null
  loadedBy: string | null
}

export interface DatabasePolicyStore extends PolicyStore {
  /** The shipped documents (and any a test adds in their place). */
  documents(): readonly PolicyDocument[]
  /** Shipped and loaded versions of the jurisdictions in a chain, shipped first, loaded in load order. */
  versionsFor(jurisdictions: readonly string[], within?: Kysely<Database>): Promise<StoredVersion[]>
  /** Like resolve, with where each contributing document came from. */
  resolveDetailed(jurisdiction: string, on: string, within?: Kysely<Database>): Promise<{ policy: ResolvedPolicy; versions: StoredVersion[] }>
}

export class DuplicatePolicyVersion extends Error {
  readonly code = 'policy-version-duplicate'
}

export function createDatabasePolicyStore(db: Kysely<Database>, shipped: PolicyDocument[] = loadPolicyDocuments()): DatabasePolicyStore {
  const seen = new Set<string>()
  for (const d of shipped) {
    const id = `${d.jurisdiction}@${d.version}`
    if (seen.has(id)) throw new DuplicatePolicyVersion(`two shipped policy documents are ${id}: a version is unique per jurisdiction`)
    seen.add(id)
  }
  const pdb = policyDb(db)

  async function versionsFor(jurisdictions: readonly string[], within?: Kysely<Database>): Promise<StoredVersion[]> {
    const wanted = new Set(jurisdictions)
    const rows = wanted.size === 0 ? [] : await (within ? policyDb(within) : pdb).selectFrom('policy_documents')
      .select(['document', 'loaded_at', 'loaded_by'])
      .where('jurisdiction', 'in', [...wanted])
      .orderBy('loaded_at').orderBy('id')
      .execute()
    return [
      ...shipped.filter((d) => wanted.has(d.jurisdiction)).map((d): StoredVersion => ({ document: d, origin: 'shipped', loadedAt: null, loadedBy: null })),
      ...rows.map((r): StoredVersion => ({ document: r.document as PolicyDocument, origin: 'loaded', loadedAt: r.loaded_at, loadedBy: r.loaded_by })),
    ]
  }

  async function resolveDetailed(jurisdiction: string, on: string, within?: Kysely<Database>) {
    const versions = await versionsFor(jurisdictionChain(jurisdiction), within)
    return { policy: resolvePolicy(versions.map((v) => v.document), jurisdiction, on), versions }
  }

  return {
    resolve: async (jurisdiction, on, within) => (await resolveDetailed(jurisdiction, on, within)).policy,
    resolveDetailed,
    versionsFor,
    documents: () => shipped,
  }
}
