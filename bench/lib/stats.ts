/** Latency/throughput summaries for the benchmarks. Pure functions. */

/** One measured window of one variant. */
export interface Sample {
  label: string
  clients: number
  /** Latency of each operation that completed in the window, ms. */
  latencies: number[]
  /** Completion time of each of those operations, ms since the window opened. */
  done: number[]
  seconds: number
  /** CPU seconds in the window: of the client process (this Node process, or pgbench) and of PostgreSQL. */
  cpu: { client: number; pg: number }
  errors: number
  note?: string | undefined
}

export interface RunResult {
  label: string
  clients: number
  ops: number
  seconds: number
  /** ops per second over the measured windows. */
  throughput: number
  /** Throughput of each round (windows are interleaved with the other variants). */
  rounds: number[]
  /** Latencies in milliseconds. */
  p50: number
  p99: number
  mean: number
  /** Lowest and highest throughput over the whole seconds of the windows (noise indicator). */
  perSecondMin: number
  perSecondMax: number
  /** CPU milliseconds per operation: of the client process (Node or pgbench) and of PostgreSQL. */
  clientCpuMsPerOp: number
  pgCpuMsPerOp: number
  errors: number
  notes: string[]
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

function perSecond(s: Sample): number[] {
  const buckets = new Array<number>(Math.max(1, Math.floor(s.seconds + 1e-6))).fill(0)
  for (const t of s.done) {
    const b = Math.floor(t / 1000)
    if (b >= 0 && b < buckets.length) buckets[b]! += 1
  }
  return buckets
}

/** Pools the rounds of one variant: latencies together, throughput = all operations / all measured seconds. */
export function summarise(samples: readonly Sample[]): RunResult {
  const first = samples[0]
  if (!first) throw new Error('no samples')
  const all: number[] = []
  let seconds = 0
  let cpuClient = 0
  let cpuPg = 0
  let errors = 0
  const secs: number[] = []
  for (const s of samples) {
    for (const l of s.latencies) all.push(l)
    seconds += s.seconds
    cpuClient += s.cpu.client
    cpuPg += s.cpu.pg
    errors += s.errors
    secs.push(...perSecond(s))
  }
  const sorted = Float64Array.from(all).sort()
  const ops = all.length
  let sum = 0
  for (const l of all) sum += l
  return {
    label: first.label,
    clients: first.clients,
    ops,
    seconds,
    throughput: ops / seconds,
    rounds: samples.map((s) => s.latencies.length / s.seconds),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: ops ? sum / ops : Number.NaN,
    perSecondMin: Math.min(...secs),
    perSecondMax: Math.max(...secs),
    clientCpuMsPerOp: ops ? (cpuClient * 1000) / ops : Number.NaN,
    pgCpuMsPerOp: ops ? (cpuPg * 1000) / ops : Number.NaN,
    errors,
    notes: samples.flatMap((s) => (s.note ? [s.note] : [])),
  }
}

export const fmt = {
  n: (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a'),
  ms: (x: number) => (Number.isFinite(x) ? (x >= 10 ? x.toFixed(1) : x.toFixed(2)) : 'n/a'),
  ratio: (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : 'n/a'),
}
