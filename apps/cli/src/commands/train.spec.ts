import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticImpressions } from '../../../../ml/src';
import { trainCommand } from './train';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  try {
    const code = await trainCommand(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('marquee train', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'train-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('trains on simulated data and writes the exported model', async () => {
    const out = join(dir, 'models', 'm.json');
    const r = await run(['--synthetic', '600', '--epochs', '2', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Training on 1800 rows from synthetic \(600 slates\)/);
    expect(r.stdout).toMatch(/Holdout 360 rows, .* AUC 0\.\d{4}, log loss 0\.\d{4}/);
    expect(r.stderr).toMatch(/Training .*100%/);
    const model = JSON.parse(readFileSync(out, 'utf8'));
    expect(model).toMatchObject({ format: 'marquee.reward-model.v1', training: { epochs: 2, options: { propensityWeighting: true } } });
  }, 60000);

  it('trains from a JSON Lines file, with --no-ipw', async () => {
    const file = join(dir, 'log.jsonl');
    writeFileSync(
      file,
      syntheticImpressions({ impressions: 300, seed: 'jsonl' })
        .rows.map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const out = join(dir, 'm.json');
    const r = await run(['--input', file, '--epochs', '1', '--no-ipw', '--out', out]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).training.options.propensityWeighting).toBe(false);
  }, 60000);

  it.each([
    [[], /Missing --out/],
    [['--out', 'm.json'], /Give exactly one of --input/],
    [['--synthetic', '5', '--out', 'm.json'], /--synthetic must be a whole number of slates, at least 10/],
    [['--input', '/nonexistent.jsonl', '--out', 'm.json'], /Cannot read --input \/nonexistent.jsonl \(ENOENT\)/],
    [['--synthetic', '100', '--backend', 'gpu', '--out', 'm.json'], /--backend must be tensorflow, wasm or cpu/],
  ])('exits 1 with one line for %j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('rejects invalid rows before training and writes nothing', async () => {
    const rows = syntheticImpressions({ impressions: 20, seed: 'bad' }).rows;
    rows[4] = { ...rows[4], propensity: 0 };
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    const out = join(dir, 'm.json');
    const r = await run(['--input', file, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^marquee train: Some training rows are invalid: row 5 has propensity 0/);
    expect(existsSync(out)).toBe(false);
  });
});
