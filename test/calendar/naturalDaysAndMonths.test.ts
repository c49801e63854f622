import t from 'tap';
import {
  addMonths,
  addNaturalDays,
  createWorkCalendar,
  eligibilityDate,
  loadOfficialYears,
} from '../../src/calendar/index.ts';

const cal = createWorkCalendar(loadOfficialYears());

// [from, n, due, nominal last day if it was moved (民法典 第二百零三条), days crossed, make-up day it ends on]
type Row = [string, number, string, string | undefined, string[], string[]];

t.test('addNaturalDays ends n days after the act and moves a last day that is a day off to the next working day', async (t) => {
  const table: Row[] = [
    ['2026-09-20', 10, '2026-09-30', undefined, [], []],
    // last day 10-04 is in the National Day block → first day after it
    ['2026-09-24', 10, '2026-10-08', '2026-10-04', ['2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'], []],
    // last day 02-15 is the first day of Spring Festival 2026 → 02-24
    ['2026-02-05', 10, '2026-02-24', '2026-02-15',
      ['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23'], []],
    // last day is an ordinary Saturday → Monday
    ['2026-03-02', 5, '2026-03-09', '2026-03-07', ['2026-03-07', '2026-03-08'], []],
    // last day is the make-up Saturday 2026-02-14: a working day, not moved
    ['2026-02-04', 10, '2026-02-14', undefined, [], ['2026-02-14']],
    // last day 2024-02-17 ends Spring Festival 2024; the next day is the make-up Sunday 2024-02-18
    ['2024-02-07', 10, '2024-02-18', '2024-02-17', ['2024-02-17'], ['2024-02-18']],
    // last day Saturday 2024-09-28; Sunday 09-29 is a National Day make-up working day
    ['2024-09-18', 10, '2024-09-29', '2024-09-28', ['2024-09-28'], ['2024-09-29']],
  ];
  for (const [from, n, due, nominal, skipped, worked] of table) {
    const d = addNaturalDays(cal, from, n);
    t.equal(d.due, due, `${from} + ${n} days`);
    t.equal(d.explanation.nominalDue, nominal, `${from}: nominal last day`);
    t.same(d.explanation.skipped.map((s) => s.date), skipped, `${from}: days crossed`);
    t.same(d.explanation.worked.map((w) => w.date), worked, `${from}: make-up day it ends on`);
    t.equal(d.explanation.countedFrom, addOne(from), `${from}: counting starts the next day`);
    t.equal(d.provisional, false);
  }
});

t.test('a moved natural-day deadline says so in its explanation', async (t) => {
  const d = addNaturalDays(cal, '2026-09-24', 10);
  t.same(d.explanation.skipped[0], { date: '2026-10-04', reason: 'holiday', name: '国庆节' });
  t.match(d.explanation.rules.at(-1), /第二百零三条：最后一日 2026-10-04（国庆节）为休假日，期间延至休假日结束的次日 2026-10-08/);
  t.equal(d.dueAt.toISOString(), '2026-10-08T16:00:00.000Z');
});

t.test('zero natural days is due on the day of the act, even a holiday', async (t) => {
  const d = addNaturalDays(cal, '2026-10-03', 0);
  t.equal(d.due, '2026-10-03');
  t.equal(d.explanation.nominalDue, undefined);
});

t.test('addMonths ends on the same day of the month, clamped to the month end, then moved off days off', async (t) => {
  const table: Row[] = [
    ['2025-01-31', 1, '2025-02-28', undefined, [], []],
    ['2024-01-31', 1, '2024-02-29', undefined, [], []],
    ['2024-08-31', 6, '2025-02-28', undefined, [], []],
    ['2026-03-31', 6, '2026-09-30', undefined, [], []],
    // clamped to 02-28, which is a make-up Saturday in 2026: a working day, not moved
    ['2025-11-30', 3, '2026-02-28', undefined, [], ['2026-02-28']],
    ['2026-01-31', 1, '2026-02-28', undefined, [], ['2026-02-28']],
    // 3-month evaluation from 07-01 would end on National Day → 10-08
    ['2026-07-01', 3, '2026-10-08', '2026-10-01',
      ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'], []],
    ['2026-01-15', 1, '2026-02-24', '2026-02-15',
      ['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23'], []],
  ];
  for (const [from, n, due, nominal, skipped, worked] of table) {
    const d = addMonths(cal, from, n);
    t.equal(d.due, due, `${from} + ${n} months`);
    t.equal(d.explanation.nominalDue, nominal, `${from}: nominal last day`);
    t.same(d.explanation.skipped.map((s) => s.date), skipped, `${from}: days crossed`);
    t.same(d.explanation.worked.map((w) => w.date), worked, `${from}: make-up day it ends on`);
    t.equal(d.explanation.unit, 'months');
  }
  t.equal(addMonths(cal, '2026-10-03', 0).due, '2026-10-03', 'zero months is the day of the act');
  t.match(addMonths(cal, '2025-01-31', 1).explanation.rules.join('\n'), /第二百零二条/);
});

t.test('eligibilityDate is operation start plus N months, clamped, and never moved off holidays', async (t) => {
  const table: [string, number, string][] = [
    ['2026-01-15', 3, '2026-04-15'],
    ['2025-11-30', 3, '2026-02-28'],
    ['2023-11-30', 3, '2024-02-29'],
    ['2026-07-01', 3, '2026-10-01'], // National Day: eligible that day, unlike addMonths
    ['2024-02-29', 12, '2025-02-28'],
    ['2026-05-31', 1, '2026-06-30'],
    ['2026-03-10', 0, '2026-03-10'],
  ];
  for (const [start, months, expected] of table) t.equal(eligibilityDate(start, months), expected, `${start} + ${months} months`);
  t.throws(() => eligibilityDate('2026-03-10', -1), RangeError);
});

function addOne(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
