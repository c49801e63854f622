/**
 * The official national calendar as shipped by the `chinese-days` package (State Council holiday
 * notices, one `dist/years/YYYY.json` per year; 2004–2026 in chinese-days 1.5.7). The only module of
 * the calendar that reads files. A year missing from the package (2027 in 1.5.7) is simply absent:
 * deadlines reaching it are marked provisional, never silently computed as weekends-only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { YearArrangement } from './types.ts';
import { parseYearArrangement } from './yearArrangement.ts';

export { parseYearArrangement } from './yearArrangement.ts';

const YEAR_FILE = /^(\d{4})\.json$/;

/** The directory holding chinese-days' year files. */
export function officialYearsDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('chinese-days/package.json')), 'dist', 'years');
}

/**
 * Reads and validates every `YYYY.json` year file of the installed chinese-days package, keyed by year.
 * Throws if a file is unreadable or fails {@link parseYearArrangement}.
 */
export function loadOfficialYears(): Map<number, YearArrangement> {
  const dir = officialYearsDir();
  const years = new Map<number, YearArrangement>();
  for (const file of readdirSync(dir).sort()) {
    const match = YEAR_FILE.exec(file);
    if (!match) continue;
    const year = Number(match[1]);
    const path = join(dir, file);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read official calendar ${path}: ${(error as Error).message}`, { cause: error });
    }
    years.set(year, parseYearArrangement(year, json));
  }
  return years;
}
