/** The delivery log is append-only, and a message is in at most one terminal state, at the database level. */
import t from 'tap'
import { sql } from 'kysely'
import { databaseName } from '../helpers/db.ts'
import { cityAdmin, SECRET, webhookSetup } from './helpers.ts'
import { up, down } from '../../migrations/2026-11-23T04-00_webhooks.ts'

t.test(`outbox_deliveries refuses UPDATE, DELETE and TRUNCATE; outbox refuses two terminal states (${databaseName})`, async (t) => {
  const h = await webhookSetup(t)
  const db = h.database.db
  await h.admin(cityAdmin, 'PUT', '/v1/admin/webhooks/421202/health', { url: 'http://127.0.0.1:9/unreachable', secret: SECRET })
  await h.acceptedCase()
  const attempts = await h.dispatcher().runOnce()
  t.equal(attempts.attempts.length, 2)
  t.equal((await db.selectFrom('outbox_deliveries').selectAll().execute()).length, 2)
  await t.rejects(db.updateTable('outbox_deliveries').set({ outcome: 'delivered' }).execute(), { code: '55000', message: /append-only: UPDATE refused/ })
  await t.rejects(db.deleteFrom('outbox_deliveries').execute(), { code: '55000', message: /append-only: DELETE refused/ })
  await t.rejects(sql`truncate outbox_deliveries`.execute(db), { code: '55000', message: /append-only: TRUNCATE refused/ })
  const now = h.clock.now()
  await t.rejects(db.updateTable('outbox').set({ delivered_at: now, dead_lettered_at: now }).execute(), { code: '23514', message: /outbox_one_terminal_state/ })
  await t.rejects(sql`insert into webhook_endpoints (jurisdiction, department, url, secret, active, created_at, created_by, updated_at, updated_by)
    values ('421202', 'health', 'http://x.example', ${SECRET}, true, ${now}, 'x', ${now}, 'x')`.execute(db), { code: '23505' }, 'one endpoint per division and department')
})

t.test(`the migration goes down and up again (${databaseName})`, async (t) => {
  const h = await webhookSetup(t)
  await h.acceptedCase()
  await down(h.database.db)
  t.notOk((await h.database.db.selectFrom('outbox').selectAll().execute() as Record<string, unknown>[]).some((r) => 'next_attempt_at' in r))
  await up(h.database.db)
  t.equal((await h.database.db.selectFrom('outbox').selectAll().execute()).length, 2, 'the messages stay')
})
