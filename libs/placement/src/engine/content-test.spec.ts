import { SeededRandom } from './random';
import { compareToControl, ContentTest, defaultQuota, evaluateContentTest, pacingWeight, startContentTest } from './content-test';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);

function withData(quota: number, impressions: number, exposure: number, successes: number): ContentTest {
  return { ...startContentTest('new-1', 'home', T0, quota, 7), impressions, exposure, successes };
}

// Control: established items on floor slots at test positions, 20,000 looks at a 10% debiased rate.
const control = { impressions: 40_000, exposure: 20_000, successes: 2_000 };

describe('default quota', () => {
  it('is sized for ±30% relative precision at 95%: n = (1.96/0.3)²·(1−p)/p', () => {
    expect(defaultQuota(0.05)).toBe(Math.ceil(((1.96 / 0.3) ** 2 * 0.95) / 0.05));
    expect(defaultQuota(0.05)).toBe(812);
    expect(defaultQuota(0.2, { precision: 0.1 })).toBe(Math.ceil(((1.96 / 0.1) ** 2 * 0.8) / 0.2));
    expect(defaultQuota(0.9)).toBe(100);
  });
});

describe('decision rule', () => {
  it('graduates a clearly better item at quota', () => {
    // 500 impressions seen 250 times with 40 successes: 16% vs 10%.
    const t = evaluateContentTest(withData(500, 500, 250, 40), control, T0 + DAY);
    expect(t.status).toBe('GRADUATED');
    expect(t.decision?.reason).toBe('QUOTA_REACHED');
    expect(t.decision?.probBeatsControl).toBeGreaterThanOrEqual(0.9);
  });

  it('marks a clearly worse item UNDERPERFORMING at quota', () => {
    const t = evaluateContentTest(withData(500, 500, 250, 12), control, T0 + DAY);
    expect(t.status).toBe('UNDERPERFORMING');
    expect(t.decision?.probWorse).toBeGreaterThanOrEqual(0.95);
  });

  it('is INCONCLUSIVE when neither threshold is reached', () => {
    const t = evaluateContentTest(withData(500, 500, 250, 26), control, T0 + DAY);
    expect(t.status).toBe('INCONCLUSIVE');
    expect(t.decision?.probBeatsControl).toBeLessThan(0.9);
    expect(t.decision?.probWorse).toBeLessThan(0.95);
  });

  it('decides at max days even below quota', () => {
    const running = evaluateContentTest(withData(5000, 800, 400, 64), control, T0 + 6 * DAY);
    expect(running.status).toBe('RUNNING');
    const ended = evaluateContentTest(withData(5000, 800, 400, 64), control, T0 + 7 * DAY);
    expect(ended.status).toBe('GRADUATED');
    expect(ended.decision?.reason).toBe('MAX_DAYS');
  });

  it('stops a clear loser early, but only after the minimum sample', () => {
    // 0 successes in 140 looks (280 impressions) against a 10% control: P(worse) is overwhelming...
    const tooEarly = evaluateContentTest(withData(1000, 280, 140, 0), control, T0 + DAY);
    expect(tooEarly.status).toBe('RUNNING');
    // ... and it stops once 300 impressions (and 30% of the quota) are in.
    const early = evaluateContentTest(withData(1000, 300, 150, 0), control, T0 + DAY);
    expect(early.status).toBe('UNDERPERFORMING');
    expect(early.decision?.reason).toBe('EARLY_STOP');
    // A merely-unlucky item is not stopped early.
    const unlucky = evaluateContentTest(withData(1000, 300, 150, 11), control, T0 + DAY);
    expect(unlucky.status).toBe('RUNNING');
  });

  it('compares position-debiased rates: the same successes over fewer looks is better', () => {
    const top = compareToControl({ successes: 30, exposure: 300 }, control);
    const deep = compareToControl({ successes: 30, exposure: 150 }, control);
    expect(top.testRate.mean).toBeLessThan(deep.testRate.mean);
    expect(deep.probBeatsControl).toBeGreaterThan(top.probBeatsControl);
  });

  it('computes P(beats control) like direct Beta sampling', () => {
    const cmp = compareToControl({ successes: 22, exposure: 180 }, { impressions: 4000, exposure: 2000, successes: 200 });
    const rng = new SeededRandom(5);
    const gamma = (shape: number): number => {
      // Marsaglia–Tsang for shape ≥ 1.
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        let x = 0;
        let v = 0;
        do {
          const u1 = Math.max(1e-12, rng.next());
          x = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.next());
          v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        const u = rng.next();
        if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
      }
    };
    const beta = (a: number, b: number) => {
      const x = gamma(a);
      return x / (x + gamma(b));
    };
    const prior = (1 - 201 / 2002) / (201 / 2002);
    let wins = 0;
    const n = 40_000;
    for (let i = 0; i < n; i++) if (beta(1 + 22, prior + 180 - 22) > beta(1 + 200, 1 + 1800)) wins++;
    expect(Math.abs(cmp.probBeatsControl - wins / n)).toBeLessThan(0.01);
  });
});

describe('pacing weight', () => {
  it('is the hourly pace that reaches the quota by the last day, and 0 once the quota is in', () => {
    const t = startContentTest('new-1', 'home', T0, 720, 5);
    expect(pacingWeight(t, T0)).toBeCloseTo(720 / 120, 6);
    const half = { ...t, impressions: 360 };
    expect(pacingWeight(half, T0 + 60 * 3_600_000)).toBeCloseTo(360 / 60, 6);
    expect(pacingWeight({ ...t, impressions: 720 }, T0)).toBe(0);
    expect(pacingWeight({ ...t, status: 'GRADUATED' }, T0)).toBe(0);
  });
});
