/** Reading the audit log: newest first, keyset-paginated on id, scoped to the reader's subtree. Never writes. */
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { Principal } from '../auth/principal.ts'
import { codePrefix } from '../divisions/index.ts'
import { DomainError } from '../engine/errors.ts'

export interface AuditFilter {
  caseId?: string | undefined
  actorId?: string | undefined
  action?: string | undefined
  from?: string | undefined
  to?: string | undefined
  cursor?: string | undefined
  limit: number
}

const invalidCursor = () =>
  new DomainError('invalid-cursor', 400, 'Invalid cursor', 'cursor is not one this service issued; start again without it', {
    errors: [{ name: '/querystring/cursor', code: 'cursor', reason: 'is not a cursor issued by this service' }],
  })

export function encodeAuditCursor(id: string): string {
  return Buffer.from(`a${id}`, 'utf8').toString('base64url')
}

export function decodeAuditCursor(cursor: string): string {
  const m = /^a(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!m) throw invalidCursor()
  return m[1]!
}

/**
 * A row is in a reader's scope when the division it concerned (the case's, or an admin route's) lies in the reader's
 * subtree, or when an official of that subtree did it (their reads and refusals elsewhere included). An applicant's
 * rows count by the case, not by where the applicant is registered.
 */
export async function queryAudit(db: Kysely<Database>, reader: Principal, filter: AuditFilter) {
  let q = db.selectFrom('audit_log').selectAll()
  const prefix = reader.role === 'system' ? '' : codePrefix(reader.jurisdiction)
  if (prefix !== '') {
    const like = `${prefix}%`
    q = q.where(sql<boolean>`(resource_jurisdiction like ${like}
      or (actor_jurisdiction like ${like} and (actor_role <> 'applicant' or resource_jurisdiction is null)))`)
  }
  if (filter.caseId) q = q.where(sql<boolean>`(case_id = ${filter.caseId}::uuid or case_ids @> array[${filter.caseId}::uuid])`)
  if (filter.actorId) q = q.where('actor_id', '=', filter.actorId)
  if (filter.action) q = q.where('action', '=', filter.action)
  if (filter.from) q = q.where('at', '>=', new Date(filter.from))
  if (filter.to) q = q.where('at', '<', new Date(filter.to))
  if (filter.cursor) q = q.where(sql<boolean>`id < ${decodeAuditCursor(filter.cursor)}::bigint`)
  const rows = await q.orderBy('id', 'desc').limit(filter.limit + 1).execute()
  const page = rows.slice(0, filter.limit)
  const last = page.at(-1)
  return { items: page, nextCursor: rows.length > filter.limit && last ? encodeAuditCursor(String(last.id)) : null }
}
