import t from 'tap';
import {
  addNaturalDays,
  addWorkingDays,
  createWorkCalendar,
  describeDay,
  loadOfficialYears,
  parseYearArrangement,
  withYear,
} from '../../src/calendar/index.ts';

const official = createWorkCalendar(loadOfficialYears());

// A made-up 2027 arrangement as an admin would upload it (the real notice is not published yet):
// New Year 2027-01-01 (Friday) to 01-03, no make-up day.
const made2027 = `{"holidays": {
  "2027-01-01": "New Year's Day,元旦,1",
  "2027-01-02": "New Year's Day,元旦,1",
  "2027-01-03": "New Year's Day,元旦,1"
}, "workdays": {}}`;

t.test('a span reaching 2027 is provisional and counts only weekends as days off', async (t) => {
  const d = addWorkingDays(official, '2026-12-30', 3);
  t.equal(d.due, '2027-01-04', '12-31, Fri 2027-01-01 (not guessed as a holiday), Mon 01-04');
  t.equal(d.provisional, true);
  t.same(d.explanation.uncoveredYears, [2027]);
  t.same(d.explanation.skipped, [
    { date: '2027-01-02', reason: 'weekend' },
    { date: '2027-01-03', reason: 'weekend' },
  ]);
});

t.test('a span that stays inside 2026 is not provisional', async (t) => {
  const d = addWorkingDays(official, '2026-12-21', 5);
  t.equal(d.due, '2026-12-28');
  t.equal(d.provisional, false);
});

t.test('the same span becomes final once a 2027 arrangement is loaded with parseYearArrangement', async (t) => {
  const cal = withYear(official, parseYearArrangement(2027, JSON.parse(made2027)));
  const d = addWorkingDays(cal, '2026-12-30', 3);
  t.equal(d.due, '2027-01-05', '12-31, then 01-04 and 01-05 after the New Year holiday');
  t.equal(d.provisional, false);
  t.same(d.explanation.uncoveredYears, []);
  t.same(d.explanation.skipped.slice(0, 3), [
    { date: '2027-01-01', reason: 'holiday', name: '元旦' },
    { date: '2027-01-02', reason: 'holiday', name: '元旦' },
    { date: '2027-01-03', reason: 'holiday', name: '元旦' },
  ]);
  t.equal(describeDay(cal, '2027-01-01').covered, true);
  t.equal(describeDay(official, '2027-01-01').covered, false, 'the original calendar is unchanged');
});

t.test('a natural-day deadline is provisional only when its last day lies in an uncovered year', async (t) => {
  const before = addNaturalDays(official, '2026-12-22', 10);
  t.equal(before.due, '2027-01-01');
  t.equal(before.provisional, true);
  const after = addNaturalDays(withYear(official, parseYearArrangement(2027, JSON.parse(made2027))), '2026-12-22', 10);
  t.equal(after.due, '2027-01-04', 'moved past the New Year holiday');
  t.equal(after.provisional, false);
  t.equal(addNaturalDays(official, '2026-11-01', 30).provisional, false, 'ends 2026-12-01, nothing in 2027 examined');
});
