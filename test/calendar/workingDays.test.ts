import t from 'tap';
import {
  addDays,
  addWorkingDays,
  createWorkCalendar,
  loadOfficialYears,
  shanghaiDate,
  workingDaysBetween,
} from '../../src/calendar/index.ts';

const cal = createWorkCalendar(loadOfficialYears());

// Each row was worked out by hand from node_modules/chinese-days/dist/years/{2024,2025,2026}.json:
// [from (day of the act), n working days, due, first counted day, make-up days counted, days skipped].
type Row = [string, number, string, string, string[], string[]];
const table: Row[] = [
  // 20 working days (行政许可法 第四十二条) across Spring Festival 2026: make-up Sat 02-14 and 02-28 count,
  // 02-15..02-23 and the weekends are skipped.
  ['2026-02-06', 20, '2026-03-12', '2026-02-09', ['2026-02-14', '2026-02-28'],
    ['2026-02-07', '2026-02-08', '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20',
      '2026-02-21', '2026-02-22', '2026-02-23', '2026-03-01', '2026-03-07', '2026-03-08']],
  // 10 working days (备案 → 执业许可证) across Mid-autumn and National Day 2026, make-up Sun 09-20 counted first.
  ['2026-09-18', 10, '2026-10-09', '2026-09-20', ['2026-09-20'],
    ['2026-09-19', '2026-09-25', '2026-09-26', '2026-09-27', '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04',
      '2026-10-05', '2026-10-06', '2026-10-07']],
  // The act happens on a holiday (2026-10-03): counting starts after the block; make-up Sat 10-10 counts.
  ['2026-10-03', 5, '2026-10-13', '2026-10-08', ['2026-10-10'],
    ['2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07', '2026-10-11']],
  // The act happens on the first day of Spring Festival 2026.
  ['2026-02-15', 1, '2026-02-24', '2026-02-24', [],
    ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23']],
  // Spring Festival 2024 (02-10..02-17), make-up Sun 02-18.
  ['2024-02-08', 5, '2024-02-21', '2024-02-09', ['2024-02-18'],
    ['2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13', '2024-02-14', '2024-02-15', '2024-02-16', '2024-02-17']],
  // National Day 2024, make-up Sun 09-29.
  ['2024-09-27', 3, '2024-10-08', '2024-09-29', ['2024-09-29'],
    ['2024-09-28', '2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-05', '2024-10-06', '2024-10-07']],
  // Spring Festival 2025 (01-28..02-04), make-up Sun 01-26.
  ['2025-01-24', 5, '2025-02-07', '2025-01-26', ['2025-01-26'],
    ['2025-01-25', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02', '2025-02-03', '2025-02-04']],
  // National Day + Mid-autumn 2025 (10-01..10-08), make-up Sun 09-28.
  ['2025-09-26', 5, '2025-10-10', '2025-09-28', ['2025-09-28'],
    ['2025-09-27', '2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08']],
  // Across the year boundary into New Year 2026, make-up Sun 2026-01-04.
  ['2025-12-30', 3, '2026-01-05', '2025-12-31', ['2026-01-04'], ['2026-01-01', '2026-01-02', '2026-01-03']],
  // Labour Day 2026 (05-01..05-05), make-up Sat 05-09 (行政许可法 第三十二条 five-day notice).
  ['2026-04-30', 5, '2026-05-11', '2026-05-06', ['2026-05-09'],
    ['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05', '2026-05-10']],
  // An ordinary week: Friday + 1 working day is Monday.
  ['2026-03-13', 1, '2026-03-16', '2026-03-16', [], ['2026-03-14', '2026-03-15']],
];

t.test('addWorkingDays counts 工作日 on the real 2024–2026 calendars, skipping holidays and counting 调休 make-up days', async (t) => {
  for (const [from, n, due, countedFrom, worked, skipped] of table) {
    const d = addWorkingDays(cal, from, n);
    t.equal(d.due, due, `${from} + ${n} working days`);
    t.equal(d.explanation.countedFrom, countedFrom, `${from}: first counted day`);
    t.same(d.explanation.worked.map((w) => w.date), worked, `${from}: make-up days counted`);
    t.same(d.explanation.skipped.map((s) => s.date), skipped, `${from}: days skipped`);
    t.equal(d.provisional, false, `${from}: fully covered`);
    t.equal(workingDaysBetween(cal, from, due), n, `${from}: workingDaysBetween agrees`);
  }
});

t.test('the explanation names the holidays skipped and the make-up days worked', async (t) => {
  const d = addWorkingDays(cal, '2026-09-18', 10);
  t.same(d.explanation.skipped.slice(0, 4), [
    { date: '2026-09-19', reason: 'weekend' },
    { date: '2026-09-25', reason: 'holiday', name: '中秋' },
    { date: '2026-09-26', reason: 'holiday', name: '中秋' },
    { date: '2026-09-27', reason: 'holiday', name: '中秋' },
  ]);
  t.same(d.explanation.skipped[4], { date: '2026-10-01', reason: 'holiday', name: '国庆节' });
  t.same(d.explanation.worked, [{ date: '2026-09-20', name: '国庆节', reason: 'makeUpWorkday' }]);
  t.match(d.explanation, { unit: 'workingDays', amount: 10, from: '2026-09-18', uncoveredYears: [] });
  t.match(d.explanation.rules.join('\n'), /行政许可法》第八十二条/);
  t.match(d.explanation.rules.join('\n'), /民法典》第二百零一条/);
});

t.test('a deadline falls due at the end of its last day in Shanghai', async (t) => {
  const d = addWorkingDays(cal, '2026-02-06', 20);
  t.equal(d.dueAt.toISOString(), '2026-03-12T16:00:00.000Z');
});

t.test('an act at 07:30 Shanghai time, still the previous day in UTC, counts from the Shanghai date', async (t) => {
  const act = new Date('2026-09-29T23:30:00Z'); // 2026-09-30 07:30 in Shanghai
  t.equal(addWorkingDays(cal, shanghaiDate(act), 1).due, '2026-10-08', 'the next working day after 09-30 is after National Day');
  t.equal(addWorkingDays(cal, '2026-09-29', 1).due, '2026-09-30', 'reading the UTC date would wrongly give 09-30');
});

t.test('an act at 23:30 Shanghai time stays on that Shanghai day', async (t) => {
  const act = new Date('2026-09-29T15:30:00Z'); // 2026-09-29 23:30 in Shanghai
  t.equal(shanghaiDate(act), '2026-09-29');
  t.equal(addWorkingDays(cal, shanghaiDate(act), 1).due, '2026-09-30');
});

t.test('zero working days is due on the day of the act itself', async (t) => {
  const d = addWorkingDays(cal, '2026-10-03', 0);
  t.equal(d.due, '2026-10-03');
  t.equal(d.explanation.countedFrom, '2026-10-03');
  t.same(d.explanation.skipped, []);
  t.equal(d.provisional, false);
});

t.test('a negative or fractional number of working days is rejected', async (t) => {
  t.throws(() => addWorkingDays(cal, '2026-10-03', -1), RangeError);
  t.throws(() => addWorkingDays(cal, '2026-10-03', 2.5), RangeError);
  t.throws(() => addWorkingDays(cal, '2026-10-32', 1), RangeError);
});

t.test('workingDaysBetween counts the working days after the first date up to and including the second', async (t) => {
  const table: [string, string, number][] = [
    ['2026-09-30', '2026-10-08', 1], // the whole National Day block is worth nothing
    ['2026-10-01', '2026-10-07', 0],
    ['2026-10-07', '2026-10-07', 0],
    ['2026-02-13', '2026-02-14', 1], // make-up Saturday
    ['2026-02-14', '2026-02-28', 5], // 02-24..02-27 and make-up 02-28
    ['2026-03-12', '2026-02-06', -20], // reversed: 20 working days overdue
    ['2025-12-31', '2026-01-05', 2], // 01-04 make-up Sunday and 01-05
  ];
  for (const [from, to, expected] of table) t.equal(workingDaysBetween(cal, from, to), expected, `${from} → ${to}`);
});

t.test('workingDaysBetween inverts addWorkingDays on every start day of 2026', async (t) => {
  const bad: string[] = [];
  for (let from = '2026-01-01'; from <= '2026-12-31'; from = addDays(from, 1)) {
    for (const n of [1, 5, 10, 20, 45]) {
      const due = addWorkingDays(cal, from, n).due;
      if (workingDaysBetween(cal, from, due) !== n) bad.push(`${from}+${n}`);
      if (workingDaysBetween(cal, from, addDays(due, -1)) !== n - 1) bad.push(`${from}+${n} (day before due)`);
    }
  }
  t.same(bad, []);
});
