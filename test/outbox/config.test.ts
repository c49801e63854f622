/** The dispatcher's settings from the environment: defaults, bounds, and a message naming the variable. */
import t from 'tap'
import { DISPATCHER_DEFAULTS, loadDispatcherSettings } from '../../src/outbox/config.ts'
import { ConfigError } from '../../src/config.ts'

t.test('defaults, values and refusals', async (t) => {
  t.same(loadDispatcherSettings({}), { enabled: true, ...DISPATCHER_DEFAULTS })
  t.match(loadDispatcherSettings({ ONEWINDOW_WEBHOOKS: 'false', ONEWINDOW_WEBHOOK_MAX_ATTEMPTS: '5', ONEWINDOW_WEBHOOK_TIMEOUT_MS: '2000' }),
    { enabled: false, maxAttempts: 5, timeoutMs: 2000 })
  t.throws(() => loadDispatcherSettings({ ONEWINDOW_WEBHOOK_MAX_ATTEMPTS: '0' }), new ConfigError('invalid configuration: ONEWINDOW_WEBHOOK_MAX_ATTEMPTS must be from 1 to 100, got 0'))
  t.throws(() => loadDispatcherSettings({ ONEWINDOW_WEBHOOK_TIMEOUT_MS: '10s' }), /ONEWINDOW_WEBHOOK_TIMEOUT_MS must be a whole number/)
  t.throws(() => loadDispatcherSettings({ ONEWINDOW_WEBHOOKS: 'maybe' }), /ONEWINDOW_WEBHOOKS must be true or false/)
  t.throws(() => loadDispatcherSettings({ ONEWINDOW_WEBHOOK_BACKOFF_BASE_MS: '60000', ONEWINDOW_WEBHOOK_BACKOFF_CAP_MS: '1000' }), /is below ONEWINDOW_WEBHOOK_BACKOFF_BASE_MS/)
})
