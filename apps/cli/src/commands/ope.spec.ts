import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { opeCommand } from './ope';

// The Open Bandit Dataset sample (CC BY 4.0) is vendored in test/fixtures/obd; OBD_DATA_DIR overrides it.
const OBD = process.env.OBD_DATA_DIR ?? resolve(__dirname, '../../../../test/fixtures/obd');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  return { out, err, restore: () => (o.mockRestore(), e.mockRestore()) };
}

async function run(args: string[]) {
  const c = capture();
  try {
    const code = await opeCommand(args);
    return { code, stdout: c.out.join(''), stderr: c.err.join('') };
  } finally {
    c.restore();
  }
}

describe('marquee ope', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ope-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('evaluates `logged` on the random sample: prints the table and writes both files', async () => {
    const out = join(dir, 'out');
    const r = await run([
      '--obd',
      `${OBD}/random/men/men.csv`,
      '--items',
      `${OBD}/random/men/item_context.csv`,
      '--policy',
      'logged',
      '--out',
      out,
      '--bootstrap',
      '200',
    ]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^IPS\s+0\.006000\s+\[/m);
    expect(r.stdout).toMatch(/^on-policy CTR\s+0\.006000\s+\[/m);
    const est = JSON.parse(readFileSync(join(out, 'estimates.json'), 'utf8'));
    expect(est.estimates[0]).toMatchObject({ estimator: 'ips', value: 18 / 3000, n: 3000 });
    expect(est.onPolicy.value).toBe(18 / 3000);
    const lines = readFileSync(join(out, 'action_probs.csv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3001);
    expect(lines[0]).toBe('index,position,item_id,action_prob,pscore');
    // The logged policy's probability is the logged propensity, 1/34 on the random log.
    expect(lines.slice(1).every((l) => l.split(',')[3] === String(1 / 34))).toBe(true);
  });

  it('runs `marquee` end to end on the bts sample', async () => {
    const out = join(dir, 'bts');
    const r = await run([
      '--obd',
      `${OBD}/bts/men/men.csv`,
      '--items',
      `${OBD}/bts/men/item_context.csv`,
      '--policy=marquee',
      '--out',
      out,
      '--bootstrap',
      '200',
      '--mc-samples',
      '300',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Policy "marquee" on men.csv/);
    for (const name of ['IPS', 'SNIPS', 'DM', 'DR']) expect(r.stdout).toMatch(new RegExp(`^${name}\\s+-?\\d\\.\\d{6}\\s+\\[`, 'm'));
    const est = JSON.parse(readFileSync(join(out, 'estimates.json'), 'utf8'));
    expect(est.policy.monteCarlo.samples).toBe(300);
    expect(readFileSync(join(out, 'action_probs.csv'), 'utf8').trim().split('\n')).toHaveLength(3001);
  }, 60000);

  it('rejects a log with missing columns in one line, and writes nothing', async () => {
    const lines = readFileSync(`${OBD}/random/men/men.csv`, 'utf8').split('\n').slice(0, 30);
    const header = lines[0].split(',');
    const drop = header.indexOf('propensity_score');
    writeFileSync(
      join(dir, 'cut.csv'),
      lines
        .map((l) =>
          l
            .split(',')
            .filter((_, j) => j !== drop)
            .join(','),
        )
        .join('\n'),
    );
    const out = join(dir, 'never');
    const r = await run(['--obd', join(dir, 'cut.csv'), '--items', `${OBD}/random/men/item_context.csv`, '--policy', 'uniform', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^marquee ope: cut.csv is missing the column propensity_score\. An Open Bandit Dataset log needs .*\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [['--obd', 'x.csv'], /Missing --items, --policy, --out/],
    [
      ['--obd', `${OBD}/random/men/men.csv`, '--items', `${OBD}/random/men/item_context.csv`, '--policy', 'greedy', '--out', 'o'],
      /no policy named "greedy"\. Use one of: uniform, logged, marquee/,
    ],
    [
      ['--obd', `${OBD}/random/men/men.csv`, '--items', `${OBD}/random/men/item_context.csv`, '--policy', 'logged', '--out', 'o', '--from', '2030-01-01'],
      /No logged rows fall in the window/,
    ],
    [
      ['--obd', `${OBD}/random/men/men.csv`, '--items', `${OBD}/random/men/item_context.csv`, '--policy', 'logged', '--out', 'o', '--train-fraction', '1'],
      /--train-fraction must be a number between 0 and 1/,
    ],
    [['--obd', '/nonexistent.csv', '--items', 'i.csv', '--policy', 'logged', '--out', 'o'], /Cannot read --obd file \/nonexistent.csv/],
    [['--bogus'], /Unknown option --bogus/],
  ])('exits 1 with one line for %j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('prints usage for --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run marquee -- ope --obd/);
  });
});
