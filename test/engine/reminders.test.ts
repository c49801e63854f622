/**
 * Where a reminder's day comes from (src/engine/reminders.ts): a dotted path in the case context to an ISO day. No day
 * there (a case created before the day was kept, a cleared value) means no reminder, never an invalid timer.
 */
import t from 'tap'
import { reminderDay } from '../../src/engine/reminders.ts'

t.test('the day at a dotted path in the context', async (t) => {
  const context = { agreement: { renewalDueOn: '2027-02-02', agreementEndsOn: '2027-03-02' }, followUp: { eligibleFrom: '2026-06-02' } }
  t.equal(reminderDay(context, 'agreement.renewalDueOn'), '2027-02-02')
  t.equal(reminderDay(context, 'followUp.eligibleFrom'), '2026-06-02')
})

t.test('no day, no reminder', async (t) => {
  t.equal(reminderDay({ agreement: null }, 'agreement.renewalDueOn'), null, 'no agreement yet')
  t.equal(reminderDay({ agreement: { agreementEndsOn: '2027-03-02' } }, 'agreement.renewalDueOn'), null, 'an agreement from before the notice period was kept')
  t.equal(reminderDay({ agreement: { renewalDueOn: null } }, 'agreement.renewalDueOn'), null)
  t.equal(reminderDay({ followUp: { eligibleFrom: '2026-06-02T00:00:00Z' } }, 'followUp.eligibleFrom'), null, 'only a plain day')
  t.equal(reminderDay({ followUp: { eligibleFrom: 20260602 } }, 'followUp.eligibleFrom'), null)
  t.equal(reminderDay(null, 'followUp.eligibleFrom'), null)
})
