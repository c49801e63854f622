/**
 * Where the engine's apply time goes, measured without touching the engine:
 * - phases: wall time of the real engine.apply, with timers wrapped around what it calls (the machine's
 *   resolveState / transition / getPersistedSnapshot, JSON.stringify, pg's jsonb parser, Kysely's query compiler,
 *   and every pg round trip by statement kind). Sync timers are exclusive (a nested timer's time is its own).
 * - cpu: a V8 sampling profile (node:inspector) of the same loop, self time grouped by package and inclusive time
 *   of the functions that matter.
 */
import { Session } from 'node:inspector/promises'
import { writeFileSync } from 'node:fs'
import pg from 'pg'
import { DefaultQueryCompiler } from 'kysely'

type AnyFn = (...args: any[]) => any

function statementKind(text: string): string {
  const t = text.trim().toLowerCase()
  if (t.startsWith('with')) return /update cases/.test(t) ? 'WITH update cases + insert case_events + insert outbox' : 'WITH …'
  const word = t.split(/\s+/)[0] ?? ''
  if (word === 'select') return `SELECT ${/from "?(\w+)"?/.exec(t)?.[1] ?? ''}${/for update/.test(t) ? ' FOR UPDATE' : ''}`
  return word.toUpperCase()
}

export interface PhaseReport {
  ops: number
  totalMsPerOp: number
  /** name → { msPerOp, callsPerOp } */
  phases: Record<string, { msPerOp: number; callsPerOp: number }>
}

/**
 * Times `run` with the wrappers installed, then restores everything. `run` warms up, calls `measure()` to zero the
 * counters, performs operations and returns how many it did since then and how long they took.
 */
export async function profilePhases(machine: object, run: (measure: () => void) => Promise<{ ops: number; ms: number }>): Promise<PhaseReport> {
  const acc = new Map<string, { ms: number; calls: number }>()
  const add = (name: string, ms: number) => {
    const a = acc.get(name) ?? { ms: 0, calls: 0 }
    a.ms += ms
    a.calls += 1
    acc.set(name, a)
  }
  const stack: number[] = []
  const timeSync = (name: string, fn: AnyFn): AnyFn => function (this: unknown, ...args: unknown[]) {
    const t = performance.now()
    stack.push(0)
    try {
      return fn.apply(this, args)
    } finally {
      const dt = performance.now() - t
      const inner = stack.pop()!
      add(name, dt - inner)
      if (stack.length > 0) stack[stack.length - 1]! += dt
    }
  }
  const restores: (() => void)[] = []
  const patch = (obj: any, key: string, name: string) => {
    const own = Object.hasOwn(obj, key)
    const orig = obj[key] as AnyFn
    obj[key] = timeSync(name, orig)
    restores.push(() => { if (own) obj[key] = orig; else delete obj[key] })
  }
  const m = machine as Record<string, AnyFn>
  for (const [key, name] of [['resolveState', 'xstate resolveState (restore snapshot)'], ['transition', 'xstate machine.transition'],
    ['getPersistedSnapshot', 'xstate getPersistedSnapshot']] as const) {
    const orig = m[key]!.bind(machine)
    m[key] = timeSync(name, orig)
    restores.push(() => { delete m[key] })
  }
  patch(JSON, 'stringify', 'JSON.stringify')
  patch(DefaultQueryCompiler.prototype, 'compileQuery', 'Kysely compileQuery')
  const jsonb = pg.types.getTypeParser(3802 as never) as AnyFn
  pg.types.setTypeParser(3802 as never, timeSync('pg jsonb parse (JSON.parse, inside the round trips)', jsonb) as never)
  restores.push(() => pg.types.setTypeParser(3802 as never, jsonb as never))
  const query = pg.Client.prototype.query as AnyFn
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const t = performance.now()
    const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text ?? '')
    const kind = statementKind(text)
    const r = query.apply(this, args)
    if (r && typeof (r as Promise<unknown>).then === 'function') {
      return (r as Promise<unknown>).then((v) => { add(`round trip: ${kind}`, performance.now() - t); return v })
    }
    return r
  } as never
  restores.push(() => { pg.Client.prototype.query = query as never })
  try {
    const { ops, ms } = await run(() => acc.clear())
    const phases: PhaseReport['phases'] = {}
    for (const [name, a] of [...acc].sort((x, y) => y[1].ms - x[1].ms)) phases[name] = { msPerOp: a.ms / ops, callsPerOp: a.calls / ops }
    return { ops, totalMsPerOp: ms / ops, phases }
  } finally {
    for (const r of restores.reverse()) r()
  }
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface CpuReport {
  wallMs: number
  /** Share of all samples, by category (idle included), sorted. */
  selfByCategory: { category: string; ms: number; share: number }[]
  /** Inclusive time of key functions, as share of busy (non-idle) time. */
  inclusive: { name: string; ms: number; shareOfBusy: number }[]
  topSelf: { fn: string; ms: number; shareOfBusy: number }[]
  busyMs: number
}

function category(n: ProfileNode): string {
  const { url, functionName } = n.callFrame
  if (!url) {
    if (functionName.startsWith('(')) return functionName // (idle) (program) (garbage collector) (root)
    if (/^(writev|writeBuffer|writeUtf8String|writeLatin1String|readStart|onStreamRead)$/.test(functionName)) return 'native socket I/O (syscalls)'
    return 'native/V8 builtins (JSON, RegExp, microtasks, ...)'
  }
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (mod) return mod[1]!
  if (url.startsWith('node:')) return 'node internals (net, streams, timers)'
  const own = /\/(src|machines|bench)\/(.*)$/.exec(url)
  if (own) return own[1] === 'bench' ? 'bench harness' : `onewindow ${own[1]}/${own[2]}`
  return url
}

/** Functions whose inclusive time is reported, matched on function name (+ url fragment). */
const INCLUSIVE: { name: string; fn: string; url?: string }[] = [
  { name: 'Engine.applyIn (everything synchronous of an apply)', fn: 'applyIn', url: '/src/engine/engine.ts' },
  { name: 'restoreSnapshot (machine.resolveState)', fn: 'restoreSnapshot', url: '/src/engine/engine.ts' },
  { name: 'xstate transition() (incl. inert actor creation)', fn: 'transition', url: 'xstate' },
  { name: 'xstate createInertActorScope / createActor', fn: 'createInertActorScope', url: 'xstate' },
  { name: 'xstate getPersistedSnapshot', fn: 'getPersistedSnapshot', url: 'xstate' },
  { name: 'payloadErrors (typebox Value.Errors)', fn: 'payloadErrors', url: '/src/engine/engine.ts' },
  { name: 'candidateEvents', fn: 'candidateEvents', url: '/src/engine/snapshot.ts' },
  { name: 'Kysely compileQuery', fn: 'compileQuery', url: 'kysely' },
  { name: 'pg: parse result rows (parseRow)', fn: 'parseRow', url: 'pg' },
  { name: 'pg-protocol: parse messages', fn: 'parse', url: 'pg-protocol' },
]

export function analyseCpuProfile(p: CpuProfile): CpuReport {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt)
  }
  const cats = new Map<string, number>()
  const fns = new Map<string, number>()
  let total = 0
  for (const n of p.nodes) {
    const ms = self.get(n.id) ?? 0
    total += ms
    const c = category(n)
    cats.set(c, (cats.get(c) ?? 0) + ms)
    if (!n.callFrame.functionName.startsWith('(')) {
      const key = `${n.callFrame.functionName || '(anonymous)'} ${c}`
      fns.set(key, (fns.get(key) ?? 0) + ms)
    }
  }
  const idle = cats.get('(idle)') ?? 0
  const busy = total - idle
  // Inclusive: total of subtrees rooted at a matching node, not counting a match nested in another match.
  const inclusive = INCLUSIVE.map((spec) => {
    const matches = (n: ProfileNode) => n.callFrame.functionName === spec.fn &&
      (spec.url === undefined || (spec.url === '' ? n.callFrame.url === '' : n.callFrame.url.includes(spec.url)))
    let ms = 0
    const walk = (id: number, inside: boolean): number => {
      const n = byId.get(id)!
      let sub = self.get(id) ?? 0
      const here = !inside && matches(n)
      for (const c of n.children ?? []) sub += walk(c, inside || here)
      if (here) ms += sub
      return sub
    }
    walk(p.nodes[0]!.id, false)
    return { name: spec.name, ms, shareOfBusy: ms / busy }
  })
  return {
    wallMs: (p.endTime - p.startTime) / 1000,
    busyMs: busy,
    selfByCategory: [...cats].map(([category, ms]) => ({ category, ms, share: ms / total })).sort((a, b) => b.ms - a.ms),
    inclusive,
    topSelf: [...fns].map(([fn, ms]) => ({ fn, ms, shareOfBusy: ms / busy })).sort((a, b) => b.ms - a.ms).slice(0, 15),
  }
}

/** Samples this process while `run` runs. `save` writes the raw .cpuprofile (open it in Chrome DevTools). */
export async function cpuProfile(run: () => Promise<void>, save?: string): Promise<CpuReport> {
  const session = new Session()
  session.connect()
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 200 })
    await session.post('Profiler.start')
    let profile: unknown
    try {
      await run()
    } finally {
      ({ profile } = await session.post('Profiler.stop'))
    }
    if (save) writeFileSync(save, JSON.stringify(profile))
    return analyseCpuProfile(profile as CpuProfile)
  } finally {
    session.disconnect()
  }
}
