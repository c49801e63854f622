/** Configuration is validated at start; a bad value names its variable. */
import t from 'tap'
import { loadConfig, ConfigError, DEVELOPMENT_JWT_SECRET } from '../src/config.ts'

t.test('defaults for a development machine', async (t) => {
  const c = loadConfig({})
  t.match(c, { port: 3000, host: '127.0.0.1', dataDir: './data', logLevel: 'info', jwtSecret: DEVELOPMENT_JWT_SECRET, inProcessWorker: true })
  t.equal(c.databaseUrl, undefined, 'embedded PGlite by default')
})

t.test('bad values stop the service with the variable named', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), new ConfigError('PORT must be a whole number, got "eighty"'))
  t.throws(() => loadConfig({ PORT: '70000' }), /PORT/)
  t.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/)
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/)
  t.throws(() => loadConfig({ ONEWINDOW_JWT_SECRET: 'short' }), /ONEWINDOW_JWT_SECRET/)
  t.throws(() => loadConfig({ ONEWINDOW_IN_PROCESS_WORKER: 'maybe' }), /ONEWINDOW_IN_PROCESS_WORKER/)
})

t.test('production needs a real secret', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), /ONEWINDOW_JWT_SECRET/)
  const c = loadConfig({ NODE_ENV: 'production', ONEWINDOW_JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://u@h/db' })
  t.equal(c.production, true)
  t.equal(c.databaseUrl, 'postgres://u@h/db')
})
