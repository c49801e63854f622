/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database (taking its lock). */
import { loadConfig } from '../config.ts'
import { openDatabase } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'

const config = loadConfig()
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
try {
  const result = await migrateToLatest(database.db)
  const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? []
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date')
} catch (err) {
  console.error(`migrate: ${(err as Error).message}`)
  process.exitCode = 1
} finally {
  await database.close()
}
