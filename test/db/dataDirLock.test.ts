/** PGlite has no lock of its own: a second process on the same folder must be refused, not silently lose data. */
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lockDataDir } from '../../src/db/dataDirLock.ts'

const holder = `
  import { lockDataDir } from ${JSON.stringify(new URL('../../src/db/dataDirLock.ts', import.meta.url).href)}
  lockDataDir(process.argv[1]); console.log('locked'); setInterval(() => {}, 1000)
`

t.test('a second opener of the data folder is refused with a message naming the holder', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ow-lock-'))
  const child = spawn(process.execPath, ['--input-type=module', '-e', holder, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => { child.kill('SIGKILL') })
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
  t.throws(() => lockDataDir(dir), { code: 'data-dir-locked' })
  try { lockDataDir(dir) } catch (err) {
    t.match((err as Error).message, new RegExp(`in use by process ${child.pid}`))
    t.match((err as Error).message, /DATABASE_URL/, 'says what to do instead')
  }
  child.kill('SIGKILL')
  await new Promise((r) => child.once('exit', r))
  const lock = lockDataDir(dir)
  t.pass('a lock left by a killed process is taken over')
  lock.release()
  t.equal(existsSync(join(dir, '.onewindow.lock')), false, 'released on close')
})

t.test('a lock file naming a dead pid is stale and taken over', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ow-lock-'))
  writeFileSync(join(dir, '.onewindow.lock'), '999999999\n')
  const lock = lockDataDir(dir)
  t.ok(lock.path.endsWith('.onewindow.lock'))
  lock.release()
})
