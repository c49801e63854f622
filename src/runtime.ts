/** Wires a running service: database (migrated), policy, engine and token verifier, from validated config. */
import type { Config } from './config.ts'
import { openDatabase, type DatabaseHandle } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import { Engine } from './engine/engine.ts'
import { systemClock, type Clock } from './engine/clock.ts'
import { createDatabasePolicyStore } from './policy/dbStore.ts'
import { createTokenVerifier, type TokenVerifier } from './auth/tokens.ts'

export interface Runtime {
  database: DatabaseHandle
  engine: Engine
  verifier: TokenVerifier
  clock: Clock
  close(): Promise<void>
}

export async function openRuntime(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'jwtSecret' | 'jwksUrl'>, clock: Clock = systemClock): Promise<Runtime> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    await migrateToLatest(database.db)
  } catch (err) {
    await database.close()
    throw err
  }
  // Shipped policy files plus the versions administrators loaded (policy_documents): a case pins what is in force.
  const engine = new Engine({ db: database.db, clock, policies: createDatabasePolicyStore(database.db), supervisionAlerts: true })
  const verifier = createTokenVerifier({ secret: config.jwtSecret, jwksUrl: config.jwksUrl })
  return { database, engine, verifier, clock, close: () => database.close() }
}
