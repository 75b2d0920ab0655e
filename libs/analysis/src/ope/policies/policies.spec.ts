import { Rng } from '@marquee/platform-core';
import { isOpeInputError } from '../errors';
import type { BanditDataset, DatasetMeta, LoggedRow } from '../types';
import { createPolicy, LoggedPolicy, MarqueeEnginePolicy, MarqueeTsPolicy, policyNames, registerPolicy, UniformPolicy } from './index';

/** Three items, two slots, two user segments; item 2 converts at 50% for everyone, the others at 5%. Logged uniformly. */
function oneGoodItem(n: number, seed: string): BanditDataset {
  const rng = new Rng(seed);
  const meta: DatasetMeta = {
    actionIds: ['a', 'b', 'c'],
    actionFeatures: [
      [1, 0],
      [0, 1],
      [1, 0],
    ],
    actionFeatureNames: ['kind=x', 'kind=y'],
    contextFeatureNames: ['segment=0', 'segment=1'],
    positionLabels: [1, 2],
  };
  const rows: LoggedRow[] = Array.from({ length: n }, (_, i) => {
    const action = rng.int(3);
    const seg = rng.int(2);
    return {
      index: i,
      at: i,
      position: rng.int(2),
      action,
      pscore: 1 / 3,
      reward: rng.next() < (action === 2 ? 0.5 : 0.05) ? 1 : 0,
      context: seg ? [0, 1] : [1, 0],
    };
  });
  return { ...meta, rows };
}

describe('uniform and logged policies', () => {
  const ds = oneGoodItem(300, 'u');

  it('uniform gives every item 1/n at every position', () => {
    const p = new UniformPolicy().actionProbabilities(ds.rows.slice(0, 3), ds);
    expect(p.map((v) => Array.from(v))).toEqual([
      [1 / 3, 1 / 3, 1 / 3],
      [1 / 3, 1 / 3, 1 / 3],
      [1 / 3, 1 / 3, 1 / 3],
    ]);
  });

  it('logged gives the logged propensity to the logged item and spreads the rest by training frequency', () => {
    const policy = new LoggedPolicy();
    const train: LoggedRow[] = [0, 0, 0, 1].map((a, i) => ({ ...ds.rows[0], index: i, position: 0, action: a }));
    policy.fit(train, ds);
    const row = { ...ds.rows[0], position: 0, action: 2, pscore: 0.4 };
    const [p] = policy.actionProbabilities([row], ds);
    // Add-one counts at position 0: item 0 → 4, item 1 → 2, so the other 0.6 splits 4 : 2.
    expect(p[2]).toBe(0.4);
    expect(p[0]).toBeCloseTo(0.4, 12);
    expect(p[1]).toBeCloseTo(0.2, 12);
  });
});

describe('marquee: the placement engine itself', () => {
  it('learns from the training rows which item is good and puts it first, keeping its exploration', () => {
    const ds = oneGoodItem(3000, 'engine');
    const policy = new MarqueeEnginePolicy({ mcSamples: 2000, seed: 1 });
    policy.fit(ds.rows, ds);
    const rows = ds.rows.slice(0, 40);
    const probs = policy.actionProbabilities(rows, ds);
    for (const p of probs) expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    const first = probs.filter((_, i) => rows[i].position === 0);
    expect(first.length).toBeGreaterThan(5);
    for (const p of first) {
      expect(p[2]).toBeGreaterThan(0.8);
      // The engine's uniform floor still reaches the other items now and then.
      expect(p[0] + p[1]).toBeGreaterThan(0);
    }
    expect(policy.describe()).toMatchObject({ trainRows: 3000, users: 2, uniformRows: 3000 });
  });

  it('gives the same probabilities for the same seed, and refuses to answer before fit', () => {
    const ds = oneGoodItem(500, 'engine-seed');
    const run = (seed: string) => {
      const p = new MarqueeEnginePolicy({ mcSamples: 300, seed });
      p.fit(ds.rows, ds);
      return p.actionProbabilities(ds.rows.slice(0, 5), ds).map((x) => Array.from(x));
    };
    expect(run('s')).toEqual(run('s'));
    expect(() => new MarqueeEnginePolicy().actionProbabilities(ds.rows.slice(0, 1), ds)).toThrow(/before fit\(\)/);
  });
});

describe('bayes-ts (a Thompson-sampling baseline on the log features)', () => {
  it('learns which item is good and puts it in the best slot, keeping the exploration floor', () => {
    const ds = oneGoodItem(1500, 'learn');
    const policy = new MarqueeTsPolicy({ mcSamples: 500, explore: 0.06, seed: 1 });
    policy.fit(ds.rows, ds);
    const probs = policy.actionProbabilities(ds.rows.slice(0, 20), ds);
    for (const p of probs) {
      expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      for (const v of p) expect(v).toBeGreaterThanOrEqual(0.06 / 3 - 1e-12);
    }
    const slot = (policy.describe().slotOrder as number[])[0];
    const top = probs.find((_, i) => ds.rows[i].position === slot)!;
    expect(top[2]).toBeGreaterThan(0.9);
  });

  it('estimates probabilities within the stated Monte Carlo error', () => {
    // Little data, so the posterior is wide and the probabilities are far from 0 and 1.
    const ds = oneGoodItem(60, 'mc');
    const rows = ds.rows.slice(0, 4);
    const small = new MarqueeTsPolicy({ mcSamples: 1000, seed: 'a' });
    const large = new MarqueeTsPolicy({ mcSamples: 40000, seed: 'b' });
    small.fit(ds.rows, ds);
    large.fit(ds.rows, ds);
    const ps = small.actionProbabilities(rows, ds);
    const pl = large.actionProbabilities(rows, ds);
    const bound = (small.describe().monteCarlo as { maxStdError: number }).maxStdError;
    expect(bound).toBeCloseTo(0.95 / (2 * Math.sqrt(1000)), 12);
    let spread = 0;
    ps.forEach((p, i) =>
      p.forEach((v, a) => {
        // 4 standard errors of the 1,000-draw estimate, plus the (20× smaller) error of the reference.
        expect(Math.abs(v - pl[i][a])).toBeLessThan(4 * bound * 1.05);
        spread = Math.max(spread, Math.abs(v - 1 / 3));
      }),
    );
    expect(spread).toBeGreaterThan(0.05);
  });

  it('is reproducible from its seed', () => {
    const ds = oneGoodItem(200, 'seed');
    const run = (seed: string) => {
      const p = new MarqueeTsPolicy({ mcSamples: 200, seed });
      p.fit(ds.rows, ds);
      return p.actionProbabilities(ds.rows.slice(0, 5), ds).map((v) => Array.from(v));
    };
    expect(run('s')).toEqual(run('s'));
    expect(run('s')).not.toEqual(run('t'));
  });
});

describe('policy registry', () => {
  it('creates the built-in policies by name and rejects unknown names with the list', () => {
    expect(createPolicy('uniform').name).toBe('uniform');
    expect(createPolicy('logged').name).toBe('logged');
    expect(createPolicy('marquee').name).toBe('marquee');
    expect(createPolicy('bayes-ts').name).toBe('bayes-ts');
    try {
      createPolicy('greedy');
      throw new Error('expected an error');
    } catch (e) {
      expect(isOpeInputError(e) && e.reason).toBe('UNKNOWN_POLICY');
      expect((e as Error).message).toBe('There is no policy named "greedy". Use one of: uniform, logged, marquee, bayes-ts.');
    }
  });

  it('lets the engine register its own policy under a name', () => {
    registerPolicy('engine-test', () => new UniformPolicy());
    expect(policyNames()).toContain('engine-test');
    expect(createPolicy('engine-test')).toBeInstanceOf(UniformPolicy);
  });
});
