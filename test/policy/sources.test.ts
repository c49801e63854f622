/** Law in code is cited: every policy value has a source, and every clock's limits exist in the national default. */
import t from 'tap'
import { loadPolicyDocuments, validatePolicyDocument } from '../../src/policy/store.ts'
import { resolvePolicy } from '../../src/policy/resolve.ts'
import { procedures } from '../../machines/index.ts'

const documents = loadPolicyDocuments()

t.test('every value of every shipped policy document carries a source that names a seed file or a law', async (t) => {
  t.ok(documents.length >= 4)
  for (const doc of documents) {
    for (const [key, v] of Object.entries(doc.values)) {
      t.match(v.source, /(\d{3}_[0-9a-f]{16}\.txt L\d+|法|条例|办法|通知|DOMAIN\.md|\[DESIGN\])/, `${doc.jurisdiction} ${key} cites its source`)
    }
  }
})

t.test('a value without a source is refused when a document is loaded', async (t) => {
  t.throws(() => validatePolicyDocument({ jurisdiction: '421200', name: 'x', version: '1', effectiveFrom: '2020-01-01', values: { 'clinicFiling.intake.statutory': { value: { amount: 5, unit: 'workingDays' } } } }, 'test'),
    { code: 'policy-document-invalid', message: /source/ })
})

t.test('every clock of every procedure has its statutory limit, with a source, in the national default', async (t) => {
  const national = resolvePolicy(documents, '000000', '2026-01-01')
  for (const def of Object.values(procedures)) {
    for (const clock of Object.values(def.clocks)) {
      // An optional clock runs only where a jurisdiction sets its limit (e.g. Wenshan's activation limit).
      if (clock.optional) continue
      const v = national.values[`${clock.policyKey}.statutory`]
      t.ok(v, `${def.id}.${clock.name} has ${clock.policyKey}.statutory`)
      t.match(v?.value, { amount: Number, unit: /^(workingDays|days|months)$/ })
      if (clock.extension) t.ok(national.values[`${clock.policyKey}.extension`], `${clock.name} has an extension bound`)
    }
  }
})

t.test('every event and every state of every procedure cites its source', async (t) => {
  for (const def of Object.values(procedures)) {
    for (const [type, e] of Object.entries(def.events)) t.ok(e.source.length > 5, `${def.id} ${type}`)
    for (const [name, r] of Object.entries(def.rules)) t.ok(r.source.length > 5, `${def.id} rule ${name}`)
  }
})
