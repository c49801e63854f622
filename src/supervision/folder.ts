/**
 * Folds the supervision deltas on a schedule, wherever the timers run (`npm run worker`, or the server's in-process
 * worker). Reads are exact without it (they add the unfolded deltas, docs/SUPERVISION.md), and every stats read
 * folds first; the schedule keeps the delta tables small on a system where nobody reads statistics for weeks, so
 * no read inherits weeks of deltas to fold. A fold that finds another folder at work skips (advisory lock).
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { boundedInteger } from '../envValues.ts'
import { PollingLoop } from '../polling/loop.ts'
import { foldSupervisionDeltas } from './queries.ts'

export interface FolderLogger {
  warn(obj: object, msg?: string): void
}

export interface FolderSettings {
  /** Pause between folds (ONEWINDOW_SUPERVISION_FOLD_MS, 1000..3600000, default 60000). */
  intervalMs: number
}

export function loadFolderSettings(env: NodeJS.ProcessEnv = process.env): FolderSettings {
  return { intervalMs: boundedInteger('ONEWINDOW_SUPERVISION_FOLD_MS', env.ONEWINDOW_SUPERVISION_FOLD_MS, 1000, 3_600_000) ?? 60_000 }
}

export class SupervisionFolder {
  readonly #loop: PollingLoop
  #folds = 0

  constructor(options: { db: Kysely<Database>; intervalMs: number; logger?: FolderLogger }) {
    this.#loop = new PollingLoop({
      pass: async () => {
        if (await foldSupervisionDeltas(options.db)) this.#folds++
        return 0 // always pause: one fold per interval
      },
      pollIntervalMs: options.intervalMs,
      // A failed fold changed nothing (one statement); the next interval tries again.
      onFailure: (err) => options.logger?.warn({ err }, 'supervision fold failed'),
      onIdle: () => {},
      onStopped: () => {},
    })
  }

  /** Folds that ran (not skipped because another folder held the lock). */
  get folds(): number {
    return this.#folds
  }

  start(): void {
    this.#loop.start()
  }

  /** Finishes a fold in hand, then resolves. */
  stop(): Promise<void> {
    return this.#loop.stop()
  }
}
