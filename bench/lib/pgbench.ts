/**
 * Baseline (b): pgbench running the apply transaction as a custom script with `-M prepared`, on the same tables.
 * Throughput and latency are taken from pgbench's per-transaction log (`-l`), over the same kind of window as the
 * Node runs (after a warm-up), with CPU sampled at the window edges.
 */
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import type { Sample } from './stats.ts'
import { benchPgPids, cpuDelta, processCpuSeconds, sumCpuSeconds } from './system.ts'

export const PGBENCH = process.env.PGBENCH ?? '/usr/bin/pgbench'

export function pgbenchVersion(): string {
  try {
    return execFileSync(PGBENCH, ['--version'], { encoding: 'utf8' }).trim()
  } catch (err) {
    throw new Error(`pgbench not runnable at ${PGBENCH} (set PGBENCH): ${(err as Error).message}`)
  }
}

/**
 * The same transaction as baseline (a): lock and read the case row, versioned update, one history row, one outbox
 * row. Each client draws case numbers from its own slice of 1..N (bench_case_ids), so clients never contend.
 */
export const APPLY_SCRIPT = String.raw`\set n :client_id * :nper + random(1, :nper)
BEGIN;
SELECT c.* FROM cases c WHERE c.id = (SELECT case_id FROM bench_case_ids WHERE n = :n) FOR UPDATE \gset r_
UPDATE cases SET snapshot = CAST(:snap AS jsonb), state = :newstate, status = 'active', version = version + 1, updated_at = CAST(:ts AS timestamptz) WHERE id = CAST(:r_id AS uuid) AND version = CAST(:r_version AS integer);
INSERT INTO case_events (case_id, seq, type, payload, actor_id, actor_role, at, state_before, state_after, status_code) VALUES (CAST(:r_id AS uuid), CAST(:r_version AS integer) + 1, :evtype, CAST(:evpayload AS jsonb), :actor_id, :actor_role, CAST(:ts AS timestamptz), :r_state, :newstate, NULL);
INSERT INTO outbox (case_id, seq, topic, payload, created_at) VALUES (CAST(:r_id AS uuid), CAST(:r_version AS integer) + 1, :topic, jsonb_build_object('caseId', CAST(:r_id AS text)), CAST(:ts AS timestamptz));
END;
`

export interface PgbenchOptions {
  databaseUrl: string
  clients: number
  /** Cases 1..cases in bench_case_ids; each client uses its own slice of floor(cases / clients). */
  cases: number
  warmupSeconds: number
  seconds: number
  variables: Record<string, string>
  /** Connection to the bench database, used to find the backends whose CPU is counted. */
  admin: pg.Client
  label: string
}

const sleepUntil = (epochMs: number) => new Promise((r) => setTimeout(r, Math.max(0, epochMs - Date.now())))

export async function runPgbench(o: PgbenchOptions): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-pgbench-'))
  try {
    const script = join(dir, 'apply.sql')
    writeFileSync(script, APPLY_SCRIPT)
    const prefix = join(dir, 'txlog')
    const total = Math.ceil(o.warmupSeconds + o.seconds + 1)
    const vars = { ...o.variables, nper: String(Math.floor(o.cases / o.clients)) }
    const args = [
      '-n', '-M', 'prepared', '-c', String(o.clients), '-j', String(Math.min(2, o.clients)), '-T', String(total),
      '-f', script, '-l', `--log-prefix=${prefix}`,
      ...Object.entries(vars).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
      o.databaseUrl,
    ]
    const t0 = Date.now()
    const child = spawn(PGBENCH, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const exited = new Promise<number | null>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', (code) => resolve(code))
    })

    await sleepUntil(t0 + o.warmupSeconds * 1000)
    const pids = await benchPgPids(o.admin)
    const pgBefore = sumCpuSeconds(pids)
    const benchBefore = processCpuSeconds(child.pid!) ?? 0
    const w1 = Date.now()
    await sleepUntil(w1 + o.seconds * 1000)
    const pgAfter = sumCpuSeconds(pids)
    const benchAfter = processCpuSeconds(child.pid!) ?? benchBefore
    const w2 = Date.now()

    const code = await exited
    if (code !== 0) throw new Error(`pgbench exited with ${code}: ${stderr.trim()}\n${stdout.trim()}`)

    const latencies: number[] = []
    const done: number[] = []
    let errors = 0
    for (const f of readdirSync(dir).filter((f) => f.startsWith('txlog'))) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        if (!line) continue
        // client_id transaction_no time script_no time_epoch time_us
        const [, , time, , epoch, us] = line.split(' ')
        const at = Number(epoch) * 1000 + Number(us) / 1000
        if (at < w1 || at > w2) continue
        if (time === 'failed' || time === 'skipped') { errors++; continue }
        latencies.push(Number(time) / 1000)
        done.push(at - w1)
      }
    }
    const reported = /tps = ([0-9.]+)/.exec(stdout)?.[1]
    return {
      label: o.label, clients: o.clients, latencies, done, seconds: (w2 - w1) / 1000,
      cpu: { client: benchAfter - benchBefore, pg: cpuDelta(pgBefore, pgAfter) }, errors,
      note: reported ? `pgbench's own figure over its whole -T ${total} s: ${Number(reported).toFixed(0)} tps` : undefined,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
