/** Machine description and CPU accounting (this process, pgbench, PostgreSQL processes) from /proc. Linux only. */
import { readFileSync } from 'node:fs'
import os from 'node:os'
import type pg from 'pg'

const CLK_TCK = 100 // USER_HZ on Linux

/** utime + stime (seconds) of a live process, or undefined when it is gone or unreadable. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // fields[0] is field 3 (state): utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK
  } catch {
    return undefined
  }
}

export function nodeCpuSeconds(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

/**
 * The PostgreSQL processes working for the benchmark: client backends of the bench database and the WAL writer,
 * checkpointer and background writer (shared by the whole server, but on an otherwise idle database theirs is our load).
 */
export async function benchPgPids(client: pg.Client | pg.Pool): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>(
    `select pid from pg_stat_activity
      where (datname = current_database() and backend_type = 'client backend')
         or backend_type in ('walwriter', 'checkpointer', 'background writer')`,
  )
  return rows.map((r) => r.pid)
}

/** CPU seconds summed over `pids`; a pid that disappeared counts 0 (callers take pids that live through the run). */
export function sumCpuSeconds(pids: readonly number[]): Map<number, number> {
  const m = new Map<number, number>()
  for (const pid of pids) {
    const s = processCpuSeconds(pid)
    if (s !== undefined) m.set(pid, s)
  }
  return m
}

/** Delta of two sumCpuSeconds samples, over pids present in both. */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0
  for (const [pid, s] of after) {
    const b = before.get(pid)
    if (b !== undefined) total += s - b
  }
  return total
}

export interface MachineInfo {
  date: string
  cpuModel: string
  cores: number
  memoryGiB: number
  kernel: string
  node: string
  postgres: string
  pgbench: string
  loadAverage: string
  pgSettings: Record<string, string>
}

export function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'))
    return line ? line.split(':').slice(1).join(':').trim() : os.cpus()[0]?.model ?? 'unknown'
  } catch {
    return os.cpus()[0]?.model ?? 'unknown'
  }
}

export async function machineInfo(client: pg.Client, pgbenchVersion: string): Promise<MachineInfo> {
  const version = (await client.query<{ v: string }>('select version() as v')).rows[0]!.v
  const settings = await client.query<{ name: string; setting: string; unit: string | null }>(
    `select name, setting, unit from pg_settings
      where name in ('shared_buffers', 'synchronous_commit', 'fsync', 'wal_sync_method', 'autovacuum', 'commit_delay', 'max_connections')
      order by name`,
  )
  return {
    date: new Date().toISOString(),
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: version.split(' on ')[0] ?? version,
    pgbench: pgbenchVersion,
    loadAverage: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    pgSettings: Object.fromEntries(settings.rows.map((r) => [r.name, r.unit ? `${r.setting} (${r.unit})` : r.setting])),
  }
}
