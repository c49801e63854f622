/** Runs the migrations in `migrations/` (Kysely Migrator), on PostgreSQL and PGlite alike. */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import { FileMigrationProvider, Migrator, type MigrationResultSet } from 'kysely/migration'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url))

export class MigrationError extends Error {}

/**
 * @param schema where Kysely keeps its migration bookkeeping. Give it when the tables live in a non-default
 * schema (set through search_path): Kysely looks for its tables across all schemas, so without it a second
 * schema in the same database would be taken as already migrated.
 */
export function createMigrator(db: Kysely<any>, schema?: string): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_DIR }),
    ...(schema ? { migrationTableSchema: schema } : {}),
  })
}

export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<MigrationResultSet> {
  const result = await createMigrator(db, schema).migrateToLatest()
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName
    throw new MigrationError(`migration ${failed ?? '(unknown)'} failed: ${String((result.error as Error).message ?? result.error)}`, {
      cause: result.error,
    })
  }
  return result
}
