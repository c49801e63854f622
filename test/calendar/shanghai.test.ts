import t from 'tap';
import {
  addDays,
  addMonthsClamped,
  assertIsoDate,
  compareDates,
  endOfShanghaiDay,
  isIsoDate,
  shanghaiDate,
  startOfShanghaiDay,
  weekday,
} from '../../src/calendar/index.ts';

// Every expectation here is written as a UTC instant, so this file is correct in any process TZ.

t.test('shanghaiDate reads the date in UTC+8, not in the process time zone', async (t) => {
  const table: [string, string, string][] = [
    ['2026-09-29T23:30:00Z', '2026-09-30', 'a UTC 23:30 instant is 07:30 the next morning in Shanghai'],
    ['2026-09-30T15:30:00Z', '2026-09-30', '23:30 in Shanghai stays on its own Shanghai date'],
    ['2026-09-30T15:59:59.999Z', '2026-09-30', 'the last millisecond of a Shanghai day'],
    ['2026-09-30T16:00:00Z', '2026-10-01', 'Shanghai midnight starts the next day'],
    ['2026-12-31T16:00:00Z', '2027-01-01', 'the Shanghai new year begins at 16:00 UTC'],
    ['2024-02-28T16:00:00Z', '2024-02-29', 'a leap day'],
  ];
  for (const [instant, expected, why] of table) t.equal(shanghaiDate(new Date(instant)), expected, why);
});

t.test('shanghaiDate rejects an invalid Date', async (t) => {
  t.throws(() => shanghaiDate(new Date('nope')), RangeError);
});

t.test('a day ends at the next day 00:00 +08:00, which is 16:00 UTC of the same date', async (t) => {
  const end = endOfShanghaiDay('2026-10-13');
  t.equal(end.toISOString(), '2026-10-13T16:00:00.000Z');
  t.equal(shanghaiDate(new Date(end.getTime() - 1)), '2026-10-13', 'one millisecond before is still the due day');
  t.equal(shanghaiDate(end), '2026-10-14', 'the end instant itself belongs to the next day');
  t.equal(startOfShanghaiDay('2026-10-13').toISOString(), '2026-10-12T16:00:00.000Z');
});

t.test('addDays crosses months, years and leap days in both directions', async (t) => {
  const table: [string, number, string][] = [
    ['2026-09-30', 1, '2026-10-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-02-06', 0, '2026-02-06'],
    ['2024-01-01', 366, '2025-01-01'],
  ];
  for (const [date, n, expected] of table) t.equal(addDays(date, n), expected, `${date} ${n >= 0 ? '+' : ''}${n}`);
  t.throws(() => addDays('2026-01-01', 1.5), RangeError, 'a fractional day count is rejected');
});

t.test('weekday numbers Sunday 0 to Saturday 6', async (t) => {
  const table: [string, number][] = [
    ['2026-02-14', 6], // make-up Saturday
    ['2026-02-15', 0],
    ['2026-10-01', 4],
    ['2024-09-29', 0],
    ['2025-01-26', 0],
    ['1970-01-01', 4],
    ['1969-12-28', 0],
  ];
  for (const [date, expected] of table) t.equal(weekday(date), expected, date);
});

t.test('compareDates orders dates chronologically and sorts arrays', async (t) => {
  t.ok(compareDates('2026-02-14', '2026-02-15') < 0);
  t.ok(compareDates('2027-01-01', '2026-12-31') > 0);
  t.equal(compareDates('2026-10-01', '2026-10-01'), 0);
  t.same(['2026-10-01', '2024-02-29', '2025-12-31'].sort(compareDates), ['2024-02-29', '2025-12-31', '2026-10-01']);
});

t.test('addMonthsClamped keeps the day of month or falls back to the month end', async (t) => {
  const table: [string, number, string][] = [
    ['2025-01-31', 1, '2025-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2026-01-15', 3, '2026-04-15'],
    ['2025-11-30', 3, '2026-02-28'],
    ['2026-05-31', 1, '2026-06-30'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2026-03-31', -1, '2026-02-28'],
  ];
  for (const [date, n, expected] of table) t.equal(addMonthsClamped(date, n), expected, `${date} + ${n} months`);
});

t.test('only real YYYY-MM-DD dates are accepted', async (t) => {
  for (const good of ['2026-02-28', '2024-02-29', '2000-02-29']) t.ok(isIsoDate(good), good);
  for (const bad of ['2025-02-29', '1900-02-29', '2026-13-01', '2026-00-10', '2026-1-5', '2026-01-05T00:00', '', 20260105, null]) {
    t.notOk(isIsoDate(bad), JSON.stringify(bad));
  }
  t.throws(() => assertIsoDate('2026-02-30'), /not a valid 'YYYY-MM-DD' date: "2026-02-30"/);
  t.throws(() => weekday('2026/02/14'), RangeError);
});
