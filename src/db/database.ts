/**
 * Opens the database: PostgreSQL through `pg` when a URL is given, otherwise embedded PGlite in a folder,
 * through Kysely's own PGliteDialect (kysely 0.29). Kysely serialises PGlite's single connection with its
 * connection mutex, so concurrent transactions queue instead of interleaving.
 */
import { PGlite, type PGliteInterface } from '@electric-sql/pglite'
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './schema.ts'
import { lockDataDir, type DataDirLock } from './dataDirLock.ts'

// `date` columns stay 'YYYY-MM-DD' strings: a JS Date would shift them to local midnight of the server's zone.
pg.types.setTypeParser(1082, (v: string) => v)

export type DatabaseKind = 'postgres' | 'pglite'

/**
 * A pg client that prepares each distinct parameterised statement once per connection (a named statement), so
 * PostgreSQL parses and plans the engine's statements once instead of on every call: measured here it cut server
 * CPU per apply from about 1.4 to 0.8 ms (docs/BENCHMARKS.md). Kysely sends the same text for the same query shape;
 * the number of names per connection is bounded, past which statements run unnamed as before.
 */
const MAX_NAMED_STATEMENTS = 256
class NamedStatementClient extends pg.Client {
  readonly #names = new Map<string, string>()
  override query(config: unknown, values?: unknown, callback?: unknown): never {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && typeof callback !== 'function') {
      let name = this.#names.get(config)
      if (name === undefined && this.#names.size < MAX_NAMED_STATEMENTS) {
        name = `ow_${this.#names.size}`
        this.#names.set(config, name)
      }
      if (name !== undefined) return (super.query as (c: unknown) => never)({ name, text: config, values })
    }
    return (super.query as (...a: unknown[]) => never)(config, values, callback)
  }
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>
  readonly kind: DatabaseKind
  /** The pg pool on PostgreSQL (used by benchmarks and the worker's raw claims); undefined on PGlite. */
  readonly pool?: pg.Pool
  close(): Promise<void>
}

export interface OpenOptions {
  /** An already-open PGlite instance (tests clone a migrated template); the handle closes it. */
  pglite?: PGliteInterface
  databaseUrl?: string | undefined
  /** PGlite folder, or 'memory://' for a throwaway in-memory database (tests). */
  dataDir?: string | undefined
  /** Pool size on PostgreSQL. Default 10. */
  poolSize?: number
  /** Extra libpq options, e.g. `-c search_path=t_123` for a per-test schema. */
  pgOptions?: string
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      Client: NamedStatementClient as unknown as typeof pg.Client,
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(options.pgOptions ? { options: options.pgOptions } : {}),
    })
    // An idle client that loses its server must not crash the process; the next query reports the error.
    pool.on('error', () => {})
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    return { db, kind: 'postgres', pool, close: () => db.destroy() }
  }
  if (options.pglite) {
    const pglite = options.pglite
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) })
    return { db, kind: 'pglite', close: async () => { await db.destroy(); if (!pglite.closed) await pglite.close() } }
  }
  const dataDir = options.dataDir ?? './data'
  const inMemory = dataDir.startsWith('memory://')
  const lock: DataDirLock | undefined = inMemory ? undefined : lockDataDir(dataDir)
  try {
    // Same value types as node-postgres: `date` stays 'YYYY-MM-DD' text.
    const pglite = await PGlite.create(dataDir, { parsers: { 1082: (v: string) => v } })
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) })
    return {
      db,
      kind: 'pglite',
      close: async () => {
        await db.destroy()
        if (!pglite.closed) await pglite.close()
        lock?.release()
      },
    }
  } catch (err) {
    lock?.release()
    throw err
  }
}
