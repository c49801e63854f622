/** Loads and validates the shipped policy documents from `policies/`. */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { Value } from 'typebox/value'
import { PolicyDocument } from './document.ts'
import { resolvePolicy, type ResolvedPolicy } from './resolve.ts'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { limitBases, promisedExceedsStatutory, valueShapeErrors } from './keys.ts'
import { isIsoDate } from '../calendar/shanghai.ts'
import type { FieldError } from '../engine/errors.ts'

export const POLICIES_DIR = fileURLToPath(new URL('../../policies', import.meta.url))

export class PolicyDocumentInvalid extends Error {
  readonly code = 'policy-document-invalid'
}

/**
 * Everything wrong with a policy document, each named by its JSON pointer (after `prefix`, e.g. `/body`): the
 * schema (a source on every value), a real effective date, each known key's value shape (src/policy/keys.ts), and
 * 承诺时限 ≤ 法定时限 for every limit the document sets both of.
 */
export function policyDocumentErrors(raw: unknown, prefix = ''): FieldError[] {
  const schema = [...Value.Errors(PolicyDocument, raw)]
  if (schema.length > 0) {
    return schema.map((e) => {
      const missing = (e.params as { requiredProperties?: string[] })?.requiredProperties
      return { name: `${prefix}${e.instancePath}${missing?.length === 1 ? `/${missing[0]}` : ''}`, code: e.keyword, reason: e.message ?? 'is invalid' }
    })
  }
  const doc = raw as PolicyDocument
  const errors: FieldError[] = []
  if (!isIsoDate(doc.effectiveFrom)) errors.push({ name: `${prefix}/effectiveFrom`, code: 'format', reason: `must be a real date written YYYY-MM-DD, got ${doc.effectiveFrom}` })
  errors.push(...valueShapeErrors(doc, prefix))
  errors.push(...promisedExceedsStatutory(limitBases(doc), (k) => doc.values[k], prefix))
  return errors
}

export function validatePolicyDocument(raw: unknown, origin: string): PolicyDocument {
  const errors = policyDocumentErrors(raw)
  if (errors.length > 0) {
    const list = errors.slice(0, 5).map((e) => `${e.name || '/'} ${e.reason}`).join('; ')
    throw new PolicyDocumentInvalid(`policy document ${origin} is invalid: ${list}`)
  }
  return raw as PolicyDocument
}

export function loadPolicyDocuments(dir: string = POLICIES_DIR): PolicyDocument[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => validatePolicyDocument(JSON.parse(readFileSync(join(dir, f), 'utf8')), f))
}

/**
 * Where the engine gets the policy in force. Asynchronous so an implementation may read versions an administrator
 * loaded into the database; the file-backed store serves the shipped documents.
 */
export interface PolicyStore {
  /**
   * @param within the transaction to read in, when the caller holds one (PGlite has a single connection: a read
   * outside the caller's transaction would wait for it forever).
   */
  resolve(jurisdiction: string, on: string, within?: Kysely<Database>): Promise<ResolvedPolicy>
}

export function createPolicyStore(documents: PolicyDocument[] = loadPolicyDocuments()): PolicyStore & { documents(): readonly PolicyDocument[] } {
  return {
    resolve: async (jurisdiction, on) => resolvePolicy(documents, jurisdiction, on),
    documents: () => documents,
  }
}
