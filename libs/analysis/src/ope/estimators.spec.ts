import { dm, dr, effectiveSampleSize, estimate, importanceWeights, ips, OpeSample, snips } from './estimators';
import { isOpeInputError, OpeInputError } from './errors';

// Two items, two positions; every number below is worked out by hand in the comments.
const HAND: OpeSample[] = [
  { index: 10, position: 0, action: 0, reward: 1, pscore: 0.5, actionDist: [0.8, 0.2], rewardHat: [0.6, 0.2] }, // w = 1.6
  { index: 11, position: 0, action: 1, reward: 0, pscore: 0.5, actionDist: [0.8, 0.2], rewardHat: [0.6, 0.2] }, // w = 0.4
  { index: 12, position: 1, action: 1, reward: 1, pscore: 0.25, actionDist: [0.5, 0.5], rewardHat: [0.3, 0.4] }, // w = 2
  { index: 13, position: 1, action: 0, reward: 0, pscore: 0.75, actionDist: [0.5, 0.5], rewardHat: [0.3, 0.4] }, // w = 2/3
];

function thrown(f: () => unknown): OpeInputError {
  try {
    f();
  } catch (e) {
    if (isOpeInputError(e)) return e;
    throw e;
  }
  throw new Error('expected an OpeInputError');
}

describe('estimators on a hand-computed log', () => {
  it('computes importance weights and the Kish effective sample size', () => {
    expect(Array.from(importanceWeights(HAND))).toEqual([1.6, 0.4, 2, 0.5 / 0.75]);
    // (Σw)² / Σw² = (14/3)² / (2.56 + 0.16 + 4 + 4/9)
    expect(effectiveSampleSize(importanceWeights(HAND))).toBeCloseTo((14 / 3) ** 2 / (2.56 + 0.16 + 4 + 4 / 9), 12);
    expect(effectiveSampleSize([1, 1, 1, 1])).toBe(4);
    expect(effectiveSampleSize([5, 0, 0, 0])).toBe(1);
  });

  it('IPS = (1.6·1 + 2·1) / 4 = 0.9', () => {
    expect(ips(HAND)).toBeCloseTo(0.9, 12);
  });

  it('SNIPS = 3.6 / (14/3) = 0.771428…', () => {
    expect(snips(HAND)).toBeCloseTo(3.6 / (14 / 3), 12);
  });

  it('DM = mean of Σ_a π q̂ = (0.52 + 0.52 + 0.35 + 0.35) / 4 = 0.435', () => {
    expect(dm(HAND)).toBeCloseTo(0.435, 12);
  });

  it('DR = mean of DM term + w (r − q̂) = (1.16 + 0.44 + 1.55 + 0.15) / 4 = 0.825', () => {
    expect(dr(HAND)).toBeCloseTo(0.825, 12);
  });

  it('reports the same numbers overall and per position through estimate()', () => {
    const rep = estimate(HAND, { bootstrap: { B: 50, seed: 1 }, positionLabels: [1, 2] });
    const by = Object.fromEntries(rep.results.map((r) => [r.estimator, r]));
    expect(by.ips.value).toBeCloseTo(0.9, 12);
    expect(by.snips.value).toBeCloseTo(0.771428571, 8);
    expect(by.dm.value).toBeCloseTo(0.435, 12);
    expect(by.dr.value).toBeCloseTo(0.825, 12);
    expect(by.dm.ess).toBe(4);
    // Position 1: w = 1.6, 0.4 → IPS 0.8, SNIPS 1.6/2 = 0.8, DM 0.52, DR (1.16 + 0.44)/2 = 0.8, ESS 4/2.72.
    // Position 2: w = 2, 2/3 → IPS 1, SNIPS 2/(8/3) = 0.75, DM 0.35, DR (1.55 + 0.15)/2 = 0.85, ESS (8/3)²/(4 + 4/9) = 1.6.
    const at = (name: string, p: number) => by[name].perPosition.find((c) => c.position === p)!;
    expect([at('ips', 1).value, at('snips', 1).value, at('dm', 1).value, at('dr', 1).value, at('ips', 1).ess]).toEqual([
      0.8,
      0.8,
      0.52,
      expect.closeTo(0.8, 12),
      expect.closeTo(4 / 2.72, 12),
    ]);
    expect([at('ips', 2).value, at('snips', 2).value, at('dm', 2).value, at('dr', 2).value, at('ips', 2).ess]).toEqual([
      1,
      0.75,
      0.35,
      expect.closeTo(0.85, 12),
      expect.closeTo(1.6, 12),
    ]);
    expect(rep.onPolicy.value).toBe(0.5);
  });

  it('gives IPS = SNIPS = on-policy mean when the evaluated policy is the logging policy', () => {
    const same = HAND.map((s) => ({ ...s, actionDist: s.action === 0 ? [s.pscore, 1 - s.pscore] : [1 - s.pscore, s.pscore] }));
    expect(ips(same)).toBe(0.5);
    expect(snips(same)).toBe(0.5);
  });
});

describe('bootstrap intervals', () => {
  const coin = (n: number): OpeSample[] =>
    Array.from({ length: n }, (_, i) => ({ index: i, position: 0, action: 0, reward: i % 2, pscore: 1, actionDist: [1], rewardHat: [0.5] }));

  it('matches the normal interval for a mean of 400 fair coin flips (0.5 ± 1.96·0.025)', () => {
    const rep = estimate(coin(400), { bootstrap: { B: 2000, seed: 'coin' }, estimators: ['ips'] });
    expect(rep.results[0].ci.lower).toBeCloseTo(0.451, 1.7);
    expect(rep.results[0].ci.upper).toBeCloseTo(0.549, 1.7);
    expect(rep.results[0].ci.level).toBe(0.95);
  });

  it('is a single point when every row is identical, and is reproducible from its seed', () => {
    const flat = Array.from({ length: 30 }, () => ({ ...HAND[0] }));
    const rep = estimate(flat, { bootstrap: { B: 100, seed: 3 } });
    for (const r of rep.results) expect([r.ci.lower, r.ci.upper]).toEqual([r.value, r.value]);
    const a = estimate(HAND, { bootstrap: { B: 100, seed: 'x' } });
    const b = estimate(HAND, { bootstrap: { B: 100, seed: 'x' } });
    const c = estimate(coin(50), { bootstrap: { B: 100, seed: 'y' } });
    const d = estimate(coin(50), { bootstrap: { B: 100, seed: 'z' } });
    expect(a.results).toEqual(b.results);
    expect(c.results[0].ci).not.toEqual(d.results[0].ci);
  });

  it('widens DM/DR intervals when the reward model is refitted per replicate', () => {
    const rows = coin(200);
    const fixed = estimate(rows, { bootstrap: { B: 300, seed: 1 }, estimators: ['dm'] });
    const refit = estimate(rows, {
      bootstrap: { B: 300, seed: 1 },
      estimators: ['dm'],
      refitRewardHat: (rng) => {
        const q = [0.4 + 0.2 * rng.next()];
        return () => q;
      },
    });
    expect(fixed.results[0].ci.upper - fixed.results[0].ci.lower).toBe(0);
    expect(refit.results[0].ci.upper - refit.results[0].ci.lower).toBeGreaterThan(0.1);
    expect(refit.bootstrap.rewardModelRefit).toBe(true);
  });
});

describe('bad input', () => {
  it('rejects a zero propensity and names the row, without touching the input', () => {
    const bad = HAND.map((s) => ({ ...s }));
    bad[2] = { ...bad[2], pscore: 0 };
    const before = JSON.stringify(bad);
    const e = thrown(() => estimate(bad));
    expect(e.reason).toBe('BAD_PROPENSITY');
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.message).toMatch(/row 12 has propensity 0/);
    expect(e.message).toMatch(/Fix or drop these rows/);
    expect(e.problems).toEqual([expect.objectContaining({ row: 12, field: 'pscore' })]);
    expect(JSON.stringify(bad)).toBe(before);
  });

  it('rejects propensities above 1 or not a number', () => {
    const e = thrown(() =>
      ips([
        { ...HAND[0], pscore: 1.5 },
        { ...HAND[1], pscore: Number.NaN },
      ]),
    );
    expect(e.reason).toBe('BAD_PROPENSITY');
    expect(e.message).toMatch(/row 10 has propensity 1.5; row 11 has propensity NaN/);
  });

  it('rejects an empty window', () => {
    const e = thrown(() => estimate([]));
    expect(e.reason).toBe('EMPTY_WINDOW');
    expect(e.message).toMatch(/evaluation window is empty/);
  });

  it('rejects a policy whose probabilities do not sum to 1, and DM without a reward model', () => {
    expect(thrown(() => ips([{ ...HAND[0], actionDist: [0.5, 0.2] }])).reason).toBe('BAD_POLICY_OUTPUT');
    expect(thrown(() => dm([{ ...HAND[0], rewardHat: undefined }])).message).toMatch(/no reward-model prediction/);
    expect(thrown(() => estimate(HAND, { bootstrap: { B: 5 } })).reason).toBe('BAD_OPTION');
  });
});
