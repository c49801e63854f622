/** Generated pages are current: docs/TIME-LIMITS.md is what the machines and policy say today. */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { renderTimeLimits } from '../../src/docs/timeLimits.ts'
import { loadPolicyDocuments } from '../../src/policy/store.ts'
import { renderProcedures } from '../../src/docs/procedures.ts'

t.test('docs/TIME-LIMITS.md matches the machines and the shipped policy (npm run docs)', async (t) => {
  const committed = readFileSync(new URL('../../docs/TIME-LIMITS.md', import.meta.url), 'utf8')
  const rendered = renderTimeLimits(loadPolicyDocuments())
  t.equal(committed, rendered)
  t.match(rendered, /`clinicFiling\.decision`/)
  t.match(rendered, /10 working days/)
})

t.test('docs/PROCEDURES.md matches the machines (npm run docs)', async (t) => {
  const committed = readFileSync(new URL('../../docs/PROCEDURES.md', import.meta.url), 'utf8')
  t.equal(committed, renderProcedures())
  t.match(committed, /stateDiagram-v2/)
})
