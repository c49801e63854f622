/** Reads of cases and their history. Never writes: every change goes through the engine. */
import { sql, type Kysely } from 'kysely'
import type { Database, CaseRow, CaseEventRow } from '../db/schema.ts'
import type { Principal } from '../auth/principal.ts'
import { caseListScope, enforceOnCase } from '../auth/authorize.ts'
import { caseNotFound, DomainError } from '../engine/errors.ts'

export async function readCase(db: Kysely<Database>, id: string, principal: Principal): Promise<CaseRow> {
  const row = await db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw caseNotFound(id)
  enforceOnCase(principal, 'case.read', id, row)
  return row
}

export async function readHistory(db: Kysely<Database>, id: string, principal: Principal): Promise<CaseEventRow[]> {
  await readCase(db, id, principal)
  return db.selectFrom('case_events').selectAll().where('case_id', '=', id).orderBy('seq').execute()
}

export interface CaseListFilter {
  state?: string | undefined
  procedure?: string | undefined
  cursor?: string | undefined
  limit: number
}

/** Opaque keyset cursor: the (created_at, id) of the last row returned. */
export function encodeCursor(row: Pick<CaseRow, 'created_at' | 'id'>): string {
  return Buffer.from(`${row.created_at.toISOString()}|${row.id}`, 'utf8').toString('base64url')
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  const createdAt = new Date(at ?? '')
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new DomainError('invalid-cursor', 400, 'Invalid cursor', 'cursor is not one this service issued; start again without it', {
      errors: [{ name: '/querystring/cursor', code: 'cursor', reason: 'is not a cursor issued by this service' }],
    })
  }
  return { createdAt, id }
}

/** Newest first, keyset-paginated on (created_at, id), scoped to what the principal may see. */
export async function listCases(db: Kysely<Database>, principal: Principal, filter: CaseListFilter) {
  let q = db.selectFrom('cases').selectAll()
  const scope = caseListScope(principal)
  if ('none' in scope) return { items: [], nextCursor: null }
  if ('applicant' in scope) q = q.where('applicant', '=', scope.applicant)
  else if (scope.prefix.length === 6) q = q.where('jurisdiction', '=', scope.prefix)
  else if (scope.prefix !== '') q = q.where('jurisdiction', 'like', `${scope.prefix}%`)
  if (filter.state) q = q.where('state', '=', filter.state)
  if (filter.procedure) q = q.where('procedure', '=', filter.procedure)
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor)
    q = q.where(sql<boolean>`(created_at, id) < (${c.createdAt}, ${c.id}::uuid)`)
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute()
  const page = rows.slice(0, filter.limit)
  const last = page.at(-1)
  return { items: page, nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null }
}
