/**
 * `npm run openapi` writes openapi/openapi.json from the routes; `npm run openapi:check` fails when the
 * committed file differs from what the routes produce (so the contract cannot drift from the code).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../app.ts'
import { openDatabase } from '../db/database.ts'
import { Engine } from '../engine/engine.ts'
import { systemClock } from '../engine/clock.ts'
import { createPolicyStore } from '../policy/store.ts'
import { createTokenVerifier } from '../auth/tokens.ts'
import { DEVELOPMENT_JWT_SECRET } from '../config.ts'

const target = fileURLToPath(new URL('../../openapi/openapi.json', import.meta.url))
const check = process.argv.includes('--check')

// The document depends on the routes only; an in-memory database that is never queried backs the app.
const database = await openDatabase({ dataDir: 'memory://' })
const engine = new Engine({ db: database.db, clock: systemClock, policies: createPolicyStore() })
const app = await buildApp({ database, engine, clock: systemClock, verifier: createTokenVerifier({ secret: DEVELOPMENT_JWT_SECRET }) })
await app.ready()
const document = `${JSON.stringify(app.swagger(), null, 2)}\n`
await app.close()
await database.close()

if (check) {
  let committed = ''
  try { committed = readFileSync(target, 'utf8') } catch { /* missing counts as stale */ }
  if (committed !== document) {
    console.error('openapi/openapi.json is stale: run `npm run openapi` and commit the result')
    process.exit(1)
  }
  console.log('openapi/openapi.json is up to date')
} else {
  writeFileSync(target, document)
  console.log(`wrote ${target}`)
}
