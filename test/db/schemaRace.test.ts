/**
 * The test suite's one retried race (test/helpers/db.ts): a parallel test file dropping its schema while Kysely's
 * migrator introspects every schema. Only errors naming another test schema, or one of its tables, are retried; an
 * error about this test's own schema, or any other error, fails at once.
 */
import t from 'tap'
import { retryingSchemaRace } from '../helpers/db.ts'

const own = 't_aaaaaaaaaaaa'
const other = 't_099471896097'

function failingOnce(message: string) {
  let calls = 0
  return {
    step: async () => {
      calls += 1
      if (calls === 1) throw new Error(message)
      return 'migrated'
    },
    calls: () => calls,
  }
}

for (const message of [`schema "${other}" does not exist`, `relation "${other}.filing_number_counters" does not exist`]) {
  t.test(`retried: ${message}`, async (t) => {
    const run = failingOnce(message)
    t.equal(await retryingSchemaRace(own, run.step), 'migrated')
    t.equal(run.calls(), 2)
  })
}

for (const message of [`schema "${own}" does not exist`, `relation "${own}.cases" does not exist`, 'relation "cases" does not exist', 'syntax error at or near "selec"']) {
  t.test(`not retried: ${message}`, async (t) => {
    const run = failingOnce(message)
    await t.rejects(retryingSchemaRace(own, run.step), { message })
    t.equal(run.calls(), 1)
  })
}

t.test('a migration result carrying an error counts as a failure, and gives up after five tries', async (t) => {
  let calls = 0
  const step = async () => {
    calls += 1
    return { error: new Error(`relation "${other}.cases" does not exist`) }
  }
  await t.rejects(retryingSchemaRace(own, step), { message: /does not exist/ })
  t.equal(calls, 5)
})
