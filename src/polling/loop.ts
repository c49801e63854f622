/**
 * The polling loop shared by the timer worker and the webhook dispatcher: run a pass; when it claimed nothing, or
 * failed, sleep for the poll interval (a failed pass was rolled back by its owner and is retried after the pause);
 * stop() finishes the pass in hand and wakes a sleeping loop at once. Its owner reports passes and failures through
 * the callbacks, so each keeps its own events and log wording.
 */
export interface PollingLoopOptions {
  /** One pass; returns how many items it claimed (0: nothing due, sleep before the next). */
  pass: () => Promise<number>
  pollIntervalMs: number
  onFailure: (err: unknown) => void
  onIdle: () => void
  onStopped: () => void
}

export class PollingLoop {
  readonly #options: PollingLoopOptions
  #loop: Promise<void> | undefined
  #stopping = false
  #wake: (() => void) | undefined

  constructor(options: PollingLoopOptions) {
    this.#options = options
  }

  get running(): boolean {
    return this.#loop !== undefined
  }

  start(): void {
    if (this.#loop) return
    this.#stopping = false
    this.#loop = this.#run().finally(() => {
      this.#loop = undefined
      this.#options.onStopped()
    })
  }

  /** Finishes the pass in hand, then resolves. Safe to call when not running. */
  async stop(): Promise<void> {
    this.#stopping = true
    this.#wake?.()
    await this.#loop
  }

  async #run(): Promise<void> {
    const { pass, pollIntervalMs, onFailure, onIdle } = this.#options
    while (!this.#stopping) {
      let claimed: number
      try {
        claimed = await pass()
      } catch (err) {
        onFailure(err)
        if (!this.#stopping) await this.#sleep(pollIntervalMs)
        continue
      }
      if (this.#stopping) break
      if (claimed === 0) {
        onIdle()
        await this.#sleep(pollIntervalMs)
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#wake = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.#wake = done
    })
  }
}
