/** Loads and validates the shipped policy documents from `policies/`. */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { Value } from 'typebox/value'
import { PolicyDocument } from './document.ts'
import { resolvePolicy, type ResolvedPolicy } from './resolve.ts'

export const POLICIES_DIR = fileURLToPath(new URL('../../policies', import.meta.url))

export class PolicyDocumentInvalid extends Error {
  readonly code = 'policy-document-invalid'
}

export function validatePolicyDocument(raw: unknown, origin: string): PolicyDocument {
  const errors = [...Value.Errors(PolicyDocument, raw)]
  if (errors.length > 0) {
    const list = errors.slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')
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
  resolve(jurisdiction: string, on: string): Promise<ResolvedPolicy>
}

export function createPolicyStore(documents: PolicyDocument[] = loadPolicyDocuments()): PolicyStore & { documents(): readonly PolicyDocument[] } {
  return {
    resolve: async (jurisdiction, on) => resolvePolicy(documents, jurisdiction, on),
    documents: () => documents,
  }
}
