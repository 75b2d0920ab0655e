import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { isOpeInputError, OpeInputError } from './errors';
import { parseObd, readObd } from './obd';
import { createPolicy } from './policies';
import { runOpe } from './runner';
import { selectWindow, splitByTime } from './split';
import type { BanditDataset } from './types';

// The Open Bandit Dataset sample (CC BY 4.0) is vendored in test/fixtures/obd; OBD_DATA_DIR overrides it.
const OBD = process.env.OBD_DATA_DIR ?? resolve(__dirname, '../../../../test/fixtures/obd');
const paths = (campaign: 'random' | 'bts') => [`${OBD}/${campaign}/men/men.csv`, `${OBD}/${campaign}/men/item_context.csv`] as const;

const rawCache = new Map<string, { log: string; items: string }>();
function raw(campaign: 'random' | 'bts') {
  if (!rawCache.has(campaign)) {
    const [log, items] = paths(campaign);
    rawCache.set(campaign, { log: readFileSync(log, 'utf8'), items: readFileSync(items, 'utf8') });
  }
  return rawCache.get(campaign)!;
}

// Parsing 10,000 rows takes a second or two inside Jest's sandbox; each sample is parsed once per file.
const loaded = new Map<string, BanditDataset>();
function load(campaign: 'random' | 'bts'): BanditDataset {
  if (!loaded.has(campaign)) loaded.set(campaign, readObd(...paths(campaign)));
  return loaded.get(campaign)!;
}

/** Clicks and rows of the last (1 − f) of the file in time, read straight from the CSV without the loader. */
function evalPartCtr(campaign: 'random' | 'bts', trainFraction: number): { clicks: number; rows: number } {
  const lines = raw(campaign).log.trim().split('\n');
  const header = lines[0].split(',');
  const [ts, click] = [header.indexOf('timestamp'), header.indexOf('click')];
  const rows = lines.slice(1).map((l, i) => ({ cells: l.split(','), i }));
  rows.sort((a, b) => (a.cells[ts] < b.cells[ts] ? -1 : a.cells[ts] > b.cells[ts] ? 1 : a.i - b.i));
  const part = rows.slice(Math.floor(rows.length * trainFraction));
  return { clicks: part.reduce((s, r) => s + Number(r.cells[click]), 0), rows: part.length };
}

function thrown(f: () => unknown): OpeInputError {
  try {
    f();
  } catch (e) {
    if (isOpeInputError(e)) return e;
    throw e;
  }
  throw new Error('expected an OpeInputError');
}

/** Rewrites one data line of a CSV through `edit`, keeping the header. */
function editLine(csv: string, line: number, edit: (cells: string[], header: string[]) => void): string {
  const lines = csv.split('\n');
  const header = lines[0].split(',');
  const cells = lines[line - 1].split(',');
  edit(cells, header);
  lines[line - 1] = cells.join(',');
  return lines.join('\n');
}

describe('Open Bandit Dataset loader', () => {
  it.each(['random', 'bts'] as const)('reads the %s sample: 10,000 rows over 34 items and 3 positions, sorted by time', (campaign) => {
    const ds = load(campaign);
    expect(ds.rows).toHaveLength(10000);
    expect(ds.actionIds).toEqual(Array.from({ length: 34 }, (_, i) => String(i)));
    expect(ds.positionLabels).toEqual([1, 2, 3]);
    expect(ds.source).toBe('men.csv');
    for (let i = 1; i < ds.rows.length; i++) expect(ds.rows[i].at).toBeGreaterThanOrEqual(ds.rows[i - 1].at);
    // Four categorical user features, one-hot: exactly four ones per row.
    for (const r of ds.rows.slice(0, 50)) expect(r.context.reduce((s, v) => s + v, 0)).toBe(4);
    expect(ds.rows[0].actionContext).toHaveLength(34);
    expect(ds.actionFeatureNames[0]).toBe('item_feature_0');
    expect(ds.actionFeatures.every((f) => f.length === ds.actionFeatureNames.length)).toBe(true);
    expect(ds.rows.reduce((s, r) => s + r.reward, 0)).toBe(campaign === 'random' ? 46 : 69);
    if (campaign === 'random') expect(new Set(ds.rows.map((r) => r.pscore))).toEqual(new Set([1 / 34]));
  });

  it('keeps the file index of each row and parses OBD timestamps to the millisecond', () => {
    const ds = load('random');
    expect(ds.rows[0]).toMatchObject({ index: 0, at: Date.parse('2019-11-24T00:03:13.442Z'), action: 14, position: 2, reward: 0 });
  });

  it('label-encodes each item_context file on its own (the hashes differ between copies)', () => {
    const a = load('random');
    const b = load('bts');
    expect(a.actionFeatureNames).toEqual(b.actionFeatureNames);
    // The codes themselves differ (they follow each file's hash order), but items that share a category in one copy
    // share it in the other: relabelled by first appearance, the two encodings coincide.
    const canonical = (f: readonly (readonly number[])[]) => {
      const seen = new Map<string, number>();
      return f.map((v) =>
        v
          .slice(1)
          .map((x, j) => (x ? j : -1))
          .filter((j) => j >= 0)
          .map((j) => {
            if (!seen.has(String(j))) seen.set(String(j), seen.size);
            return seen.get(String(j));
          }),
      );
    };
    expect(canonical(a.actionFeatures)).toEqual(canonical(b.actionFeatures));
    expect(a.actionFeatures.map((f) => f[0])).toEqual(b.actionFeatures.map((f) => f[0]));
  });

  it('splits by time: the first 70% train, the rest evaluate, and an empty part is an error', () => {
    const ds = load('bts');
    const { train, evaluation } = splitByTime(ds.rows, 0.7);
    expect([train.length, evaluation.length]).toEqual([7000, 3000]);
    expect(train[train.length - 1].at).toBeLessThanOrEqual(evaluation[0].at);
    expect(thrown(() => splitByTime(ds.rows.slice(0, 1), 0.7)).reason).toBe('EMPTY_WINDOW');
    expect(thrown(() => splitByTime(ds.rows, 1)).reason).toBe('BAD_OPTION');
  });
});

describe('the OBD identity: IPS of `logged` on its own log is the on-policy click-through rate', () => {
  it.each(['random', 'bts'] as const)('holds exactly on the %s sample', async (campaign) => {
    const ds = load(campaign);
    const { report } = await runOpe(ds, createPolicy('logged'), { bootstrap: { B: 200 } });
    const ips = report.estimates.find((e) => e.estimator === 'ips')!;
    const snips = report.estimates.find((e) => e.estimator === 'snips')!;
    const truth = evalPartCtr(campaign, 0.7);
    expect(truth.rows).toBe(3000);
    expect(ips.value).toBe(truth.clicks / truth.rows);
    expect(ips.value).toBe(report.onPolicy.value);
    expect(snips.value).toBe(report.onPolicy.value);
    expect(ips.ess).toBe(3000);
    for (const p of ips.perPosition) expect(p.value).toBe(report.onPolicy.perPosition.find((q) => q.position === p.position)!.value);
  });
});

describe('bad OBD input gives a clear error and changes nothing', () => {
  const { items } = raw('random');
  // The first 40 rows are enough to exercise every check, and keep these tests fast.
  const log = raw('random').log.split('\n').slice(0, 41).join('\n');

  it('names every missing column of the log', () => {
    const lines = log.split('\n').map((l) => l.split(','));
    const drop = new Set([lines[0].indexOf('click'), lines[0].indexOf('propensity_score'), lines[0].indexOf('user-item_affinity_7')]);
    const cut = lines.map((cells) => cells.filter((_, j) => !drop.has(j)).join(',')).join('\n');
    const e = thrown(() => parseObd({ log: cut, items, logName: 'men.csv' }));
    expect(e.reason).toBe('MISSING_COLUMNS');
    expect(e.message).toMatch(/^men.csv is missing the columns click, propensity_score, user-item_affinity_7\./);
    expect(e.problems.map((p) => p.field)).toEqual(['click', 'propensity_score', 'user-item_affinity_7']);
  });

  it('names a missing column of the item context', () => {
    const cut = items
      .split('\n')
      .map((l) => l.split(',').slice(0, 4).join(','))
      .join('\n');
    const e = thrown(() => parseObd({ log, items: cut, itemsName: 'item_context.csv' }));
    expect(e.reason).toBe('MISSING_COLUMNS');
    expect(e.message).toMatch(/item_context.csv is missing the columns item_feature_2, item_feature_3/);
  });

  it.each([
    ['0', /row 4 \(line 6\) has propensity_score 0/],
    ['1.5', /row 4 \(line 6\) has propensity_score 1.5/],
    ['', /row 4 \(line 6\) has propensity_score \(empty\)/],
  ])('rejects propensity_score "%s" and names the row', (value, message) => {
    const bad = editLine(log, 6, (cells, header) => (cells[header.indexOf('propensity_score')] = value));
    const e = thrown(() => parseObd({ log: bad, items }));
    expect(e.reason).toBe('BAD_PROPENSITY');
    expect(e.message).toMatch(message);
    expect(e.problems).toEqual([expect.objectContaining({ row: 4 })]);
  });

  it('rejects items that are not in the item context, and malformed values', () => {
    const unknownItem = editLine(log, 3, (cells, header) => (cells[header.indexOf('item_id')] = '99'));
    expect(thrown(() => parseObd({ log: unknownItem, items })).message).toMatch(/row 1 \(line 3\) has item_id 99/);
    const badPos = editLine(log, 3, (cells, header) => (cells[header.indexOf('position')] = '0'));
    expect(thrown(() => parseObd({ log: badPos, items })).message).toMatch(/row 1 \(line 3\) has position "0"/);
  });

  it('rejects an empty log and an empty time window', () => {
    const headerOnly = log.split('\n')[0] + '\n';
    expect(thrown(() => parseObd({ log: headerOnly, items, logName: 'men.csv' })).message).toMatch(/men.csv has a header but no logged rows/);
    const e = thrown(() => selectWindow(load('random').rows, { from: Date.parse('2020-01-01T00:00:00Z') }));
    expect(e.reason).toBe('EMPTY_WINDOW');
    expect(e.message).toMatch(/The log covers 2019-11-24T00:03:13.442Z to 2019-11-30T23:58:59.642Z/);
  });

  it('rejects an unreadable file by path', () => {
    const e = thrown(() => readObd('/nonexistent/men.csv', paths('random')[1]));
    expect(e.reason).toBe('UNREADABLE_FILE');
    expect(e.message).toMatch(/Cannot read --obd file \/nonexistent\/men.csv \(ENOENT\)/);
  });
});
