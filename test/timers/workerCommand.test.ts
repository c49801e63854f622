/**
 * `npm run worker` (src/worker.ts) as a process: validated settings, refusal on an embedded database the HTTP
 * server holds, and a clean exit 0 on SIGTERM after it fired the due timers.
 */
import t from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { lockDataDir } from '../../src/db/dataDirLock.ts'
import { ConfigError } from '../../src/config.ts'
import { loadWorkerSettings } from '../../src/timers/config.ts'
import { freshDatabase, isOtherSchemaRace, onlyWithServerPostgres, serverUrl } from '../helpers/db.ts'
import { Engine } from '../../src/engine/engine.ts'
import { fixedClock } from '../../src/engine/clock.ts'
import { createPolicyStore } from '../../src/policy/store.ts'
import { clinicFilingApplication, principals } from '../helpers/factories.ts'

const WORKER = fileURLToPath(new URL('../../src/worker.ts', import.meta.url))

function startWorker(env: Record<string, string>) {
  const base = { ...process.env }
  delete base.DATABASE_URL
  delete base.ONEWINDOW_DATA_DIR
  const child = spawn(process.execPath, ['--no-warnings=ExperimentalWarning', WORKER], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...base, LOG_LEVEL: 'silent', ...env },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  const started = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => { if (stdout.includes('firing due timers')) resolve() })
    void exit.then(([code]) => reject(new Error(`worker exited (${code}) before starting: ${stderr}`)))
  })
  started.catch(() => {}) // awaited only by the tests that expect a start
  return { child, exit, started, output: () => ({ stdout, stderr }) }
}

t.test('the worker settings are validated, naming the variable', async (t) => {
  t.same(loadWorkerSettings({}), { concurrency: 1, batchSize: undefined, pollIntervalMs: 1000 })
  t.same(loadWorkerSettings({ ONEWINDOW_WORKER_CONCURRENCY: '4', ONEWINDOW_WORKER_BATCH_SIZE: '16', ONEWINDOW_WORKER_POLL_MS: '250' }),
    { concurrency: 4, batchSize: 16, pollIntervalMs: 250 })
  t.throws(() => loadWorkerSettings({ ONEWINDOW_WORKER_CONCURRENCY: 'two' }), { constructor: ConfigError, message: /ONEWINDOW_WORKER_CONCURRENCY must be a whole number/ })
  t.throws(() => loadWorkerSettings({ ONEWINDOW_WORKER_CONCURRENCY: '0' }), /ONEWINDOW_WORKER_CONCURRENCY must be from 1 to 32/)
  t.throws(() => loadWorkerSettings({ ONEWINDOW_WORKER_BATCH_SIZE: '64' }), /ONEWINDOW_WORKER_BATCH_SIZE must be from 1 to 63/)
})

t.test('a bad setting stops npm run worker with exit code 2 and the variable named', async (t) => {
  const w = startWorker({ ONEWINDOW_WORKER_CONCURRENCY: 'many', ONEWINDOW_DATA_DIR: mkdtempSync(join(tmpdir(), 'ow-worker-')) })
  const [code] = await w.exit
  t.equal(code, 2)
  t.match(w.output().stderr, /ONEWINDOW_WORKER_CONCURRENCY must be a whole number, got "many"/)
})

t.test('npm run worker refuses an embedded database the HTTP server holds, and says what to do instead', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ow-worker-'))
  const lock = lockDataDir(dir) // this test process plays the running server
  t.teardown(() => lock.release())
  const w = startWorker({ ONEWINDOW_DATA_DIR: dir })
  const [code] = await w.exit
  t.equal(code, 3)
  const { stderr } = w.output()
  t.match(stderr, new RegExp(`in use by process ${process.pid}`))
  t.match(stderr, /timers run inside the HTTP server \(ONEWINDOW_IN_PROCESS_WORKER=true/)
  t.match(stderr, /use PostgreSQL \(DATABASE_URL\)/)
})

t.test('on an embedded database no server holds, npm run worker runs one loop and exits 0 on SIGTERM', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ow-worker-'))
  const w = startWorker({ ONEWINDOW_DATA_DIR: dir, ONEWINDOW_WORKER_CONCURRENCY: '3' })
  t.teardown(() => { w.child.kill('SIGKILL') })
  await w.started
  t.match(w.output().stdout, /1 loop\(s\) firing due timers \(database: embedded PGlite/)
  w.child.kill('SIGTERM')
  const [code, signal] = await w.exit
  t.same({ code, signal }, { code: 0, signal: null })
})

t.test('npm run worker on PostgreSQL fires the due timers, then exits 0 on SIGTERM', onlyWithServerPostgres, async (t) => {
  const database = await freshDatabase(t)
  // Filed in March 2026 with the intake limit long past on the real clock the worker process uses.
  const engine = new Engine({ db: database.db, clock: fixedClock('2026-03-02T09:00:00+08:00'), policies: createPolicyStore() })
  for (let i = 0; i < 5; i++) await engine.create(clinicFilingApplication(), principals.applicant)
  const url = new URL(serverUrl!)
  url.searchParams.set('options', `-c search_path=${database.schema}`)
  // The worker migrates at start; a parallel test file dropping its schema then is the suite's known race
  // (test/helpers/db.ts), so only that early exit is retried.
  const env = { DATABASE_URL: url.toString(), ONEWINDOW_WORKER_CONCURRENCY: '2', ONEWINDOW_WORKER_POLL_MS: '50' }
  let w = startWorker(env)
  t.teardown(() => { w.child.kill('SIGKILL') })
  for (let attempt = 1; ; attempt++) {
    try {
      await w.started
      break
    } catch (err) {
      if (!isOtherSchemaRace(w.output().stderr, database.schema) || attempt >= 5) throw err
      w = startWorker(env)
    }
  }
  t.match(w.output().stdout, /2 loop\(s\) firing due timers \(database: PostgreSQL/)
  const deadline = Date.now() + 60_000
  for (;;) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from case_events where type = 'INTAKE_LIMIT_PASSED'`.execute(database.db)
    if (rows[0]!.n === 5) break
    if (Date.now() > deadline) throw new Error('the worker did not fire the five timers')
    await new Promise((r) => setTimeout(r, 100))
  }
  w.child.kill('SIGTERM')
  const [code, signal] = await w.exit
  t.same({ code, signal }, { code: 0, signal: null })
  const states = await database.db.selectFrom('cases').select('state').execute()
  t.same(states.map((s) => s.state), Array(5).fill('accepted'), 'all five deemed accepted')
})
