import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import {
  addDays,
  createWorkCalendar,
  describeDay,
  loadOfficialYears,
  uncoveredYearsBetween,
  type DayInfo,
} from '../../src/calendar/index.ts';

const cal = createWorkCalendar(loadOfficialYears());

t.test('describeDay classifies days of the real 2024–2026 calendars', async (t) => {
  const table: [string, Omit<DayInfo, 'date' | 'covered'>][] = [
    ['2026-02-13', { working: true, reason: 'workday' }], // Friday before the make-up Saturday
    ['2026-02-14', { working: true, reason: 'makeUpWorkday', name: '春节' }], // Saturday worked
    ['2026-02-15', { working: false, reason: 'holiday', name: '春节' }], // Sunday, first day of the block
    ['2026-02-23', { working: false, reason: 'holiday', name: '春节' }], // Monday, last day of the block
    ['2026-02-24', { working: true, reason: 'workday' }],
    ['2026-02-28', { working: true, reason: 'makeUpWorkday', name: '春节' }],
    ['2026-03-07', { working: false, reason: 'weekend' }],
    ['2026-09-20', { working: true, reason: 'makeUpWorkday', name: '国庆节' }],
    ['2026-09-25', { working: false, reason: 'holiday', name: '中秋' }],
    ['2026-10-01', { working: false, reason: 'holiday', name: '国庆节' }],
    ['2026-10-10', { working: true, reason: 'makeUpWorkday', name: '国庆节' }],
    ['2026-10-11', { working: false, reason: 'weekend' }],
    ['2025-10-06', { working: false, reason: 'holiday', name: '中秋' }], // Mid-autumn inside National Day
    ['2024-02-18', { working: true, reason: 'makeUpWorkday', name: '春节' }],
    ['2024-06-10', { working: false, reason: 'holiday', name: '端午' }],
  ];
  for (const [date, expected] of table) t.same(describeDay(cal, date), { date, covered: true, ...expected }, date);
});

// chinese-days' own API is an independent oracle, but it parses 'YYYY-MM-DD' as UTC midnight and reads it
// back with local-time getters (its holiday table is built the same way), so it is only right in a process
// TZ at or east of UTC. It is therefore asked in a child process running in its home zone, Asia/Shanghai.
function chineseDaysWorkingDays(fromDate: string, toDate: string): string[] {
  const script = `
    import cd from 'chinese-days';
    const out = [];
    for (let t = Date.parse('${fromDate}T00:00:00Z'); t <= Date.parse('${toDate}T00:00:00Z'); t += 86400000) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (cd.isWorkday(date)) out.push(date);
    }
    console.log(JSON.stringify(out));`;
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'Asia/Shanghai' };
  delete env['NODE_OPTIONS'];
  const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, cwd: projectRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`chinese-days oracle failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

t.test('every day of 2024–2026 is a working day exactly when chinese-days says so', async (t) => {
  const ours: string[] = [];
  for (let date = '2024-01-01'; date <= '2026-12-31'; date = addDays(date, 1)) {
    if (describeDay(cal, date).working) ours.push(date);
  }
  const theirs = chineseDaysWorkingDays('2024-01-01', '2026-12-31');
  t.equal(theirs.length, ours.length, `${ours.length} working days in 2024–2026`);
  t.same(ours, theirs);
});

t.test('a day in a year without an arrangement is uncovered and only weekends are off', async (t) => {
  t.same(describeDay(cal, '2027-01-01'), { date: '2027-01-01', working: true, reason: 'workday', covered: false }, 'New Year 2027 is not guessed');
  t.same(describeDay(cal, '2027-10-01'), { date: '2027-10-01', working: true, reason: 'workday', covered: false }, 'National Day 2027 is not guessed');
  t.same(describeDay(cal, '2027-01-02'), { date: '2027-01-02', working: false, reason: 'weekend', covered: false });
});

t.test('uncoveredYearsBetween names the unpublished years after the start day', async (t) => {
  t.same(uncoveredYearsBetween(cal, '2026-12-30', '2027-01-04'), [2027]);
  t.same(uncoveredYearsBetween(cal, '2027-01-04', '2026-12-30'), [2027], 'either order');
  t.same(uncoveredYearsBetween(cal, '2026-12-31', '2026-12-31'), []);
  t.same(uncoveredYearsBetween(cal, '2025-06-01', '2026-12-31'), []);
});

t.test('describeDay rejects a malformed date instead of classifying it', async (t) => {
  t.throws(() => describeDay(cal, '2026-02-30'), RangeError);
});
