/** `npm run docs` regenerates the generated pages in docs/; `npm run docs:check` fails when one is stale. */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { renderTimeLimits } from '../docs/timeLimits.ts'
import { renderProcedures } from '../docs/procedures.ts'
import { loadPolicyDocuments } from '../policy/store.ts'

const pages: Record<string, () => string> = {
  'TIME-LIMITS.md': () => renderTimeLimits(loadPolicyDocuments()),
  'PROCEDURES.md': () => renderProcedures(),
}
const check = process.argv.includes('--check')
let stale = 0
for (const [name, render] of Object.entries(pages)) {
  const path = fileURLToPath(new URL(`../../docs/${name}`, import.meta.url))
  const text = render()
  if (check) {
    let current = ''
    try { current = readFileSync(path, 'utf8') } catch { /* missing is stale */ }
    if (current !== text) {
      console.error(`docs/${name} is stale: run \`npm run docs\` and commit the result`)
      stale++
    }
  } else {
    writeFileSync(path, text)
    console.log(`wrote docs/${name}`)
  }
}
if (check && stale === 0) console.log('generated docs are up to date')
process.exit(stale > 0 ? 1 : 0)
