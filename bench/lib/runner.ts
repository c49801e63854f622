/**
 * Closed-loop load from this process: `clients` async loops, each awaiting one operation at a time. The first
 * `warmupSeconds` are not measured (JIT, prepared statements, pool connections); CPU is sampled at the window edges.
 */
import type pg from 'pg'
import type { Sample } from './stats.ts'
import { benchPgPids, cpuDelta, nodeCpuSeconds, sumCpuSeconds } from './system.ts'

export interface LoadOptions {
  label: string
  clients: number
  warmupSeconds: number
  seconds: number
  /** Connection to the bench database, used to find the backends whose CPU is counted. */
  admin: pg.Client
  /** One operation of client `client` (0-based). A throw counts as an error and ends the run. */
  op: (client: number) => Promise<void>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function runLoad(o: LoadOptions): Promise<Sample> {
  const latencies: number[] = []
  const done: number[] = []
  let start = 0
  let measuring = false
  let stop = false
  let failure: unknown
  const loop = async (client: number) => {
    while (!stop) {
      const t = performance.now()
      try {
        await o.op(client)
      } catch (err) {
        failure ??= err
        stop = true
        return
      }
      const end = performance.now()
      if (measuring && !stop) {
        latencies.push(end - t)
        done.push(end - start)
      }
    }
  }
  const loops = Array.from({ length: o.clients }, (_, i) => loop(i))
  await sleep(o.warmupSeconds * 1000)
  // Every pool connection is open by now: their backends are the ones that do the work.
  const pids = await benchPgPids(o.admin)
  const pgBefore = sumCpuSeconds(pids)
  const nodeBefore = nodeCpuSeconds()
  start = performance.now()
  measuring = true
  await sleep(o.seconds * 1000)
  measuring = false
  const end = performance.now()
  const nodeAfter = nodeCpuSeconds()
  const pgAfter = sumCpuSeconds(pids)
  stop = true
  await Promise.all(loops)
  if (failure) throw new Error(`${o.label}: ${(failure as Error).message ?? String(failure)}`, { cause: failure })
  // Operations that ended inside the window; a latency pushed after `end` cannot happen (measuring is false).
  return {
    label: o.label, clients: o.clients, latencies, done, seconds: (end - start) / 1000,
    cpu: { client: nodeAfter - nodeBefore, pg: cpuDelta(pgBefore, pgAfter) }, errors: 0,
  }
}
