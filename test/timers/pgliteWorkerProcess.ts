/**
 * A worker PROCESS on an embedded (PGlite) data folder, for pgliteKill.test.ts (not a test itself). Files three cases,
 * then fires their timers and stops before the COMMIT of that batch, reporting {type:'holding', timers}; the parent
 * then SIGKILLs it. argv[2]: the data folder.
 */
import { openDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { createPolicyStore } from '../../src/policy/store.ts'
import { TimerWorker } from '../../src/timers/worker.ts'
import { clinicFilingApplication, principals } from '../helpers/factories.ts'

// Started by tap itself (`npx tap test/timers/` runs every file of the folder), not by a test: nothing to do.
if (!process.argv[2]) process.exit(0)
const database = await openDatabase({ dataDir: process.argv[2] })
await migrateToLatest(database.db)
const clock = fixedClock('2026-03-02T09:00:00+08:00')
const engine = new Engine({ db: database.db, clock, policies: createPolicyStore() })
for (let i = 0; i < 3; i++) await engine.create(clinicFilingApplication(), principals.applicant)
clock.set('2026-03-10T00:00:00+08:00')
const worker = new TimerWorker({
  db: database.db, engine, clock, pglite: true,
  beforeCommit: async (report) => {
    process.send?.({ type: 'holding', timers: report.fired.map((f) => f.timerId) })
    await new Promise(() => {}) // until SIGKILL
  },
})
await worker.runOnce()
