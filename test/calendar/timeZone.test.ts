import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import t from 'tap';

// process.env.TZ cannot be changed reliably inside a running process, so the same tiny script is run in
// child processes under different TZ values and their outputs are compared.
const shanghaiUrl = pathToFileURL(new URL('../../src/calendar/shanghai.ts', import.meta.url).pathname).href;
const script = `
import { addDays, endOfShanghaiDay, shanghaiDate, weekday } from ${JSON.stringify(shanghaiUrl)};
const instants = ['2026-09-29T23:30:00Z', '2026-09-30T15:30:00Z', '2026-09-30T16:00:00Z', '2026-12-31T20:00:00Z'];
const naive = (d) => d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
console.log(JSON.stringify({
  shanghai: instants.map((i) => shanghaiDate(new Date(i))),
  ends: ['2026-10-13', '2027-01-01'].map((d) => endOfShanghaiDay(d).toISOString()),
  arithmetic: [addDays('2026-10-31', 1), weekday('2026-10-10')],
  naiveLocal: naive(new Date(instants[0])),
}));
`;

function runUnder(tz: string): { shanghai: string[]; ends: string[]; arithmetic: unknown[]; naiveLocal: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: tz };
  delete env['NODE_OPTIONS']; // keep tap's loader out of the child; Node 24 strips the types itself
  const result = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings', '--input-type=module', '-e', script],
    { env, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`child under TZ=${tz} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

t.test('the Shanghai date functions give identical answers under TZ=UTC, Asia/Shanghai and America/Los_Angeles', async (t) => {
  const utc = runUnder('UTC');
  const shanghai = runUnder('Asia/Shanghai');
  const losAngeles = runUnder('America/Los_Angeles');
  t.not(utc.naiveLocal, shanghai.naiveLocal, 'sanity: the child processes really run in different zones');
  const expected = {
    shanghai: ['2026-09-30', '2026-09-30', '2026-10-01', '2027-01-01'],
    ends: ['2026-10-13T16:00:00.000Z', '2027-01-01T16:00:00.000Z'],
    arithmetic: ['2026-11-01', 6],
  };
  for (const [zone, out] of [['UTC', utc], ['Asia/Shanghai', shanghai], ['America/Los_Angeles', losAngeles]] as const) {
    const { naiveLocal: _ignored, ...answers } = out;
    t.same(answers, expected, `TZ=${zone}`);
  }
});
