/** The engine's only source of time. Tests pin it; SQL receives it as a parameter, never calls now(). */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

export function fixedClock(at: string | Date): Clock & { set(at: string | Date): void; advance(ms: number): void } {
  let current = new Date(at)
  return {
    now: () => new Date(current),
    set: (next) => { current = new Date(next) },
    advance: (ms) => { current = new Date(current.getTime() + ms) },
  }
}
