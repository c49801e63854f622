import t from 'tap';
import { loadOfficialYears, parseYearArrangement } from '../../src/calendar/index.ts';

t.test('the official years from chinese-days cover 2004 to 2026 and not 2027', async (t) => {
  const years = loadOfficialYears();
  const expected = Array.from({ length: 2026 - 2004 + 1 }, (_, i) => 2004 + i);
  t.same([...years.keys()], expected);
  t.notOk(years.has(2027), '2027 is not published in chinese-days 1.5.7');
  for (const [year, arrangement] of years) t.equal(arrangement.year, year, `${year} is keyed by its own year`);
});

t.test('the make-up working days of 2024, 2025 and 2026 are those of the State Council notices', async (t) => {
  const years = loadOfficialYears();
  const table: [number, string[]][] = [
    [2024, ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12']],
    [2025, ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']],
    [2026, ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']],
  ];
  for (const [year, workdays] of table) t.same(Object.keys(years.get(year)!.workdays).sort(), workdays, `${year}`);
});

t.test('the 2026 Spring Festival and National Day blocks are nine and seven days off', async (t) => {
  const holidays = loadOfficialYears().get(2026)!.holidays;
  const spring = Object.keys(holidays).filter((d) => holidays[d]!.startsWith('Spring Festival'));
  const national = Object.keys(holidays).filter((d) => holidays[d]!.startsWith('National Day'));
  t.same(spring, ['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23']);
  t.same(national, ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']);
  t.equal(holidays['2026-02-15'], 'Spring Festival,春节,4', 'labels keep the package form "English,中文,statutory days"');
});

t.test('the package also lists the 调休 days off in lieu, and they are all holidays', async (t) => {
  const y2026 = loadOfficialYears().get(2026)!;
  t.same(Object.keys(y2026.inLieuDays), ['2026-01-02', '2026-02-20', '2026-02-23', '2026-05-05', '2026-10-06', '2026-10-07']);
  for (const date of Object.keys(y2026.inLieuDays)) t.ok(date in y2026.holidays, `${date} is a holiday`);
});

t.test('parseYearArrangement accepts an admin file with holidays and workdays only', async (t) => {
  const a = parseYearArrangement(2027, {
    holidays: { '2027-01-01': "New Year's Day,元旦,1" },
    workdays: {},
  });
  t.same(a, { year: 2027, holidays: { '2027-01-01': "New Year's Day,元旦,1" }, workdays: {}, inLieuDays: {} });
});

t.test('parseYearArrangement rejects documents it cannot read unambiguously, saying why', async (t) => {
  const table: [string, number, unknown, RegExp][] = [
    ['a non-object', 2027, [], /expected an object .*got an array/],
    ['null', 2027, null, /got null/],
    ['a missing section', 2027, { holidays: {} }, /missing "workdays"/],
    ['an unknown key', 2027, { holidays: {}, workdays: {}, holiday: {} }, /unknown key "holiday"/],
    ['a section that is not an object', 2027, { holidays: [], workdays: {} }, /"holidays" must be an object/],
    ['a date outside the year', 2027, { holidays: { '2026-12-31': "New Year's Day,元旦,1" }, workdays: {} }, /"holidays" date 2026-12-31 is not in 2027/],
    ['an impossible date', 2027, { holidays: { '2027-02-30': 'x,y,1' }, workdays: {} }, /"holidays" key "2027-02-30" is not a valid/],
    ['a badly written date', 2027, { holidays: { '2027-1-1': 'x,y,1' }, workdays: {} }, /"2027-1-1" is not a valid/],
    ['a non-string label', 2027, { holidays: { '2027-01-01': 1 }, workdays: {} }, /must have a non-empty string label, got 1/],
    ['an empty label', 2027, { holidays: { '2027-01-01': ' ' }, workdays: {} }, /non-empty string label/],
    ['a day both off and worked', 2027, { holidays: { '2027-01-02': 'a,b,1' }, workdays: { '2027-01-02': 'a,b,1' } }, /2027-01-02 is both a holiday and a make-up working day/],
    ['a make-up day on a weekday', 2027, { holidays: {}, workdays: { '2027-01-04': 'a,b,1' } }, /make-up working day 2027-01-04 is not a Saturday or Sunday/],
    ['an in-lieu day that is not a holiday', 2027, { holidays: {}, workdays: {}, inLieuDays: { '2027-01-04': 'a,b,1' } }, /in-lieu day off 2027-01-04 is not listed/],
    ['a non-integer year', 2027.5, { holidays: {}, workdays: {} }, /year must be a four-digit integer/],
  ];
  for (const [what, year, json, message] of table) {
    t.throws(() => parseYearArrangement(year, json), message, what);
  }
});

t.test('parseYearArrangement reports every problem of a document at once', async (t) => {
  t.throws(
    () => parseYearArrangement(2027, { holidays: { '2026-01-01': 'a,b,1' }, workdays: { '2027-01-04': 'a,b,1' } }),
    /year arrangement 2027 is invalid: "holidays" date 2026-01-01 is not in 2027; make-up working day 2027-01-04 is not a Saturday or Sunday/,
  );
});
