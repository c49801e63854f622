import t from 'tap';
import {
  addNaturalDays,
  addWorkingDays,
  createWorkCalendar,
  describeDay,
  loadOfficialYears,
  withOverrides,
  type LocalOverride,
} from '../../src/calendar/index.ts';

const official = createWorkCalendar(loadOfficialYears());
const closure: LocalOverride = { date: '2026-03-10', kind: 'closed', name: '政务服务中心闭厅' };

t.test('a local closure day is skipped and moves a working-day deadline by one day', async (t) => {
  t.equal(addWorkingDays(official, '2026-03-06', 3).due, '2026-03-11', 'without the closure: Mon 09, Tue 10, Wed 11');
  const cal = withOverrides(official, [closure]);
  const d = addWorkingDays(cal, '2026-03-06', 3);
  t.equal(d.due, '2026-03-12');
  t.same(d.explanation.skipped, [
    { date: '2026-03-07', reason: 'weekend' },
    { date: '2026-03-08', reason: 'weekend' },
    { date: '2026-03-10', reason: 'localClosure', name: '政务服务中心闭厅' },
  ]);
});

t.test('a natural-day period ending on a local closure day ends the next working day', async (t) => {
  const d = addNaturalDays(withOverrides(official, [closure]), '2026-03-05', 5);
  t.equal(d.due, '2026-03-11');
  t.equal(d.explanation.nominalDue, '2026-03-10');
});

t.test('a local extra working day on a Saturday is counted and listed as worked', async (t) => {
  const cal = withOverrides(official, [{ date: '2026-03-07', kind: 'open', name: '周六延时服务' }]);
  const d = addWorkingDays(cal, '2026-03-06', 3);
  t.equal(d.due, '2026-03-10');
  t.same(d.explanation.worked, [{ date: '2026-03-07', name: '周六延时服务', reason: 'localOpen' }]);
});

t.test('local overrides win over the official holiday and make-up days', async (t) => {
  const cal = createWorkCalendar(loadOfficialYears(), [
    { date: '2026-02-14', kind: 'closed', name: '本地调整' },
    { date: '2026-10-02', kind: 'open', name: '国庆值班受理' },
  ]);
  t.same(describeDay(cal, '2026-02-14'), { date: '2026-02-14', working: false, reason: 'localClosure', name: '本地调整', covered: true });
  t.same(describeDay(cal, '2026-10-02'), { date: '2026-10-02', working: true, reason: 'localOpen', name: '国庆值班受理', covered: true });
  t.equal(addWorkingDays(cal, '2026-02-13', 1).due, '2026-02-24', 'the closed make-up Saturday no longer counts');
});

t.test('a local override in an uncovered year still applies but the day stays uncovered', async (t) => {
  const cal = withOverrides(official, [{ date: '2027-01-01', kind: 'closed', name: '元旦（本地预设）' }]);
  t.same(describeDay(cal, '2027-01-01'), { date: '2027-01-01', working: false, reason: 'localClosure', name: '元旦（本地预设）', covered: false });
  t.equal(addWorkingDays(cal, '2026-12-31', 1).provisional, true);
});

t.test('two overrides on the same date, a bad date, a bad kind or a missing name are rejected', async (t) => {
  t.throws(() => withOverrides(official, [closure, { date: '2026-03-10', kind: 'open', name: 'x' }]), /local overrides conflict on 2026-03-10/);
  t.throws(() => createWorkCalendar(new Map(), [{ date: '2026-02-30', kind: 'closed', name: 'x' }]), RangeError);
  t.throws(() => createWorkCalendar(new Map(), [{ date: '2026-03-10', kind: 'shut' as 'closed', name: 'x' }]), /kind must be 'closed' or 'open'/);
  t.throws(() => createWorkCalendar(new Map(), [{ date: '2026-03-10', kind: 'closed', name: ' ' }]), /a name is required/);
});

t.test('building a calendar copies its inputs, so later changes to them do not leak in', async (t) => {
  const overrides: LocalOverride[] = [closure];
  const years = loadOfficialYears();
  const cal = createWorkCalendar(years, overrides);
  overrides.push({ date: '2026-03-11', kind: 'closed', name: 'late' });
  years.delete(2026);
  t.equal(describeDay(cal, '2026-03-11').working, true);
  t.equal(describeDay(cal, '2026-10-01').covered, true);
});

t.test('a year map whose key differs from the arrangement year is rejected', async (t) => {
  const years = loadOfficialYears();
  t.throws(() => createWorkCalendar(new Map([[2027, years.get(2026)!]])), /calendar year 2027 holds the arrangement of 2026/);
});
