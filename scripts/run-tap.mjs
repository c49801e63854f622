// Runs the tap suite and ends with one plain line "N passed, N failed, N skipped" counted from tap's own
// summary comment ("# { total, pass, fail, skip, todo }"), keeping tap's exit code. With TAP_COUNTS_FILE set,
// the counts are also written there as JSON so .ci/run can add up the PGlite and PostgreSQL runs.
// (Not named test.*: tap would run such a file as a test.)
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'

const child = spawn('tap', ['--reporter=terse', ...process.argv.slice(2)], { stdio: ['inherit', 'pipe', 'inherit'], shell: false })
let tail = ''
child.stdout.on('data', (d) => {
  process.stdout.write(d)
  tail = (tail + d).slice(-8192)
})
child.on('close', (code) => {
  const m = [...tail.matchAll(/^# \{ total: (\d+)(.*)\}$/gm)].at(-1)
  const get = (k) => Number((m?.[2].match(new RegExp(`\\b${k}: (\\d+)`)) ?? [0, 0])[1])
  const counts = { passed: get('pass'), failed: get('fail') + (m ? 0 : 1), skipped: get('skip') + get('todo') }
  if (process.env.TAP_COUNTS_FILE) writeFileSync(process.env.TAP_COUNTS_FILE, JSON.stringify(counts))
  console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
  process.exit(code ?? 1)
})
