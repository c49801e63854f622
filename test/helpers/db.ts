/**
 * A fresh, migrated database per test: a throwaway schema on PostgreSQL when TEST_DATABASE_URL is set,
 * otherwise an in-memory PGlite. Never a mock. The schema is dropped at teardown unless the test failed
 * (then it is kept for inspection and its name printed).
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { PGlite } from '@electric-sql/pglite'
import type { Test } from 'tap'
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'

export const serverUrl = process.env.TEST_DATABASE_URL
export const onServerPostgres = Boolean(serverUrl)
export const databaseName = onServerPostgres ? 'postgres' : 'pglite'

export interface TestDatabase extends DatabaseHandle {
  /** The schema on PostgreSQL (for extra connections), undefined on PGlite. */
  schema?: string
  /** Opens another independent pool on the same schema (PostgreSQL only). */
  connect?(poolSize?: number): Promise<DatabaseHandle>
}

let template: Promise<PGlite> | undefined
function pgliteTemplate(): Promise<PGlite> {
  template ??= (async () => {
    const pglite = await PGlite.create('memory://')
    const handle = await openDatabase({ pglite })
    await migrateToLatest(handle.db)
    // Keep the instance open (the handle is not closed); close it when the test process ends.
    process.once('beforeExit', () => void pglite.close())
    return pglite
  })()
  return template
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/**
 * The test suite's one known race: Kysely's migrator introspects the tables of every schema, and when a parallel test
 * file drops its own schema at that moment PostgreSQL reports that other schema, or one of its tables (from
 * `pg_get_serial_sequence` in the introspection query), missing. True only for a message naming another test schema.
 */
export function isOtherSchemaRace(message: string, schema: string | undefined): boolean {
  const other = /(?:schema "(t_[0-9a-f]+)"|relation "(t_[0-9a-f]+)\.[a-z_]+") does not exist/.exec(message)
  const otherSchema = other?.[1] ?? other?.[2]
  return otherSchema !== undefined && otherSchema !== schema
}

/**
 * Runs a migration step, retrying only that race (up to five tries). An error naming this test's own schema, or
 * anything else, is thrown at once.
 */
export async function retryingSchemaRace<T>(schema: string | undefined, step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await step()
      const error = (result as { error?: unknown } | undefined)?.error
      if (error) throw error
      return result
    } catch (err) {
      if (!isOtherSchemaRace(String((err as Error).message), schema) || attempt >= 5) throw err
    }
  }
}

export async function freshDatabase(t: Test, options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (!serverUrl) {
    // Migrating a new PGlite costs seconds; cloning a migrated one costs ~0.4 s (ECOSYSTEM-NOTES §1.3).
    const template = await pgliteTemplate()
    const handle = await openDatabase({ pglite: await template.clone() })
    t.teardown(() => handle.close())
    return handle
  }
  const schema = `t_${randomBytes(6).toString('hex')}`
  await admin((c) => c.query(`create schema ${schema}`))
  const pgOptions = `-c search_path=${schema}`
  const open = (poolSize = options.poolSize ?? 10) => openDatabase({ databaseUrl: serverUrl, poolSize, pgOptions })
  const handle = await open()
  await retryingSchemaRace(schema, () => migrateToLatest(handle.db, schema))
  const extra: DatabaseHandle[] = []
  t.teardown(async () => {
    await handle.close()
    await Promise.all(extra.map((h) => h.close()))
    if (t.passing()) await admin((c) => c.query(`drop schema ${schema} cascade`))
    else t.comment(`kept schema ${schema} for inspection`)
  })
  return {
    ...handle,
    schema,
    connect: async (poolSize) => {
      const h = await open(poolSize)
      extra.push(h)
      return h
    },
  }
}

/**
 * Options for a test that needs several real connections: skipped on PGlite, which has exactly one
 * (SKIP LOCKED never skips there and concurrent transactions queue), with the reason in the report.
 */
export const onlyWithServerPostgres = {
  skip: onServerPostgres ? false : 'needs several connections to a PostgreSQL server: runs when TEST_DATABASE_URL is set (PGlite has one connection)',
}
