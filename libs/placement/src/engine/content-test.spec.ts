import { SeededRandom } from './random';
import {
  compareToControl,
  comparisonControl,
  CONTROL_LOOKBACK,
  CONTROL_MARK_EVERY,
  CONTROL_MARKS,
  ContentTest,
  ControlStats,
  controlBaseline,
  markControl,
  DEFAULT_DECISION_RULES,
  defaultQuota,
  evaluateContentTest,
  impressionRole,
  DEFAULT_TEST_MAX_POSITION,
  recordControlImpression,
  recordTestImpression,
  sequentialEvidence,
  startContentTest,
  testQueue,
  testSlotWeights,
  expectedTestImpressions,
  trafficQuota,
  windowControl,
} from './content-test';

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

describe('sequential decision rule (mSPRT)', () => {
  it('computes Λ and the confidence sequence from the closed form', () => {
    const t = { impressions: 400, exposure: 200, successes: 40 };
    const ev = sequentialEvidence(t, control);
    const rc = (2000 + 0.5) / 20_001;
    const rt = (40 + rc) / 201;
    const v = (rt * (1 - rt * 0.5)) / 200 + (rc * (1 - rc * 0.5)) / 20_000;
    const tau2 = (DEFAULT_DECISION_RULES.tauRelative * rc) ** 2;
    const lambda = Math.sqrt(v / (v + tau2)) * Math.exp(((rt - rc) ** 2 * tau2) / (2 * v * (v + tau2)));
    expect(ev.estimate).toBeCloseTo(rt - rc, 12);
    expect(ev.pValue).toBeCloseTo(Math.min(1, 1 / lambda), 10);
    const half = Math.sqrt(((v * (v + tau2)) / tau2) * (2 * Math.log(1 / DEFAULT_DECISION_RULES.alpha) + Math.log((v + tau2) / v)));
    expect(ev.upper - ev.estimate).toBeCloseTo(half, 10);
    // The interval excludes 0 exactly when the p-value is at or below α.
    expect(ev.lower > 0).toBe(ev.pValue <= DEFAULT_DECISION_RULES.alpha);
  });

  it('keeps its type I error at α however often it looks (null: equal rates, a look every 10 impressions)', () => {
    const rng = new SeededRandom(11);
    const runs = 600;
    let crossed = 0;
    for (let r = 0; r < runs; r++) {
      let t: ContentTest = startContentTest('x', 'home', T0, 1000, 7);
      let c = { impressions: 0, exposure: 0, successes: 0 };
      for (let i = 0; i < 1000 && t.status === 'RUNNING'; i++) {
        // Test and control at random positions 2..10, both with a 15% rate when looked at.
        const theta = 1 / (2 + rng.int(9)) ** 0.8;
        t = recordTestImpression(t, theta, rng.next() < theta * 0.15);
        for (let k = 0; k < 2; k++) {
          const tc = 1 / (2 + rng.int(9)) ** 0.8;
          c = recordControlImpression(c, tc, rng.next() < tc * 0.15);
        }
        if (i % 10 === 9) t = evaluateContentTest(t, c, T0 + DAY);
      }
      if (t.status === 'GRADUATED' || t.status === 'UNDERPERFORMING') crossed++;
    }
    // Always-valid: ≤ α (plus 3 binomial standard errors of Monte Carlo slack). On failure the figures say how far off.
    const a = DEFAULT_DECISION_RULES.alpha;
    const rate = crossed / runs;
    const limit = a + 3 * Math.sqrt((a * (1 - a)) / runs);
    expect({ crossed, runs, rate, limit, ok: rate <= limit }).toMatchObject({ ok: true });
  });

  it('decides a clearly better or clearly worse item early, and lets a close call run to its quota', () => {
    const run = (rate: number, seed: number) => {
      const rng = new SeededRandom(seed);
      let t: ContentTest = startContentTest('x', 'home', T0, 1500, 7);
      let c = { impressions: 0, exposure: 0, successes: 0 };
      for (let i = 0; i < 3000 && t.status === 'RUNNING'; i++) {
        const theta = 1 / (2 + rng.int(9)) ** 0.8;
        t = recordTestImpression(t, theta, rng.next() < theta * rate);
        for (let k = 0; k < 2; k++) {
          const tc = 1 / (2 + rng.int(9)) ** 0.8;
          c = recordControlImpression(c, tc, rng.next() < tc * 0.15);
        }
        if (i % 10 === 9) t = evaluateContentTest(t, c, T0 + DAY);
      }
      return t;
    };
    const good = run(0.4, 1);
    expect(good.status).toBe('GRADUATED');
    expect(good.decision?.reason).toBe('EARLY_STOP');
    expect(good.decision!.impressions).toBeLessThan(500);
    const bad = run(0.02, 2);
    expect(bad.status).toBe('UNDERPERFORMING');
    expect(bad.decision?.reason).toBe('EARLY_STOP');
    expect(bad.decision!.impressions).toBeLessThan(750);
    const close = run(0.16, 3);
    expect(close.status).toBe('INCONCLUSIVE');
    expect(close.decision?.reason).toBe('QUOTA_REACHED');
    expect(close.decision!.impressions).toBe(1500);
    expect(close.decision!.sequential!.alwaysValidP).toBeGreaterThan(DEFAULT_DECISION_RULES.alpha);
  });

  it('makes no decision below the minimum sample, and decides at max days', () => {
    // 0 successes in 40 impressions: not yet looked at.
    expect(evaluateContentTest(withData(1000, 40, 20, 0), control, T0 + DAY).status).toBe('RUNNING');
    const ended = evaluateContentTest(withData(5000, 800, 400, 44), control, T0 + 7 * DAY);
    expect(ended.status).toBe('INCONCLUSIVE');
    expect(ended.decision?.reason).toBe('MAX_DAYS');
    expect(ended.decision?.rule).toContain(`alpha ${DEFAULT_DECISION_RULES.alpha}`);
  });

  it('records the running minimum of the always-valid p-value', () => {
    const a = evaluateContentTest(withData(5000, 200, 100, 17), control, T0 + DAY);
    expect(a.status).toBe('RUNNING');
    const p1 = a.alwaysValidP!;
    expect(p1).toBeLessThan(1);
    const b = evaluateContentTest({ ...a, impressions: 260, exposure: 130, successes: 17 }, control, T0 + DAY);
    expect(b.status).toBe('RUNNING');
    expect(b.alwaysValidP).toBeLessThanOrEqual(p1);
  });
});

describe('test slots, quota and counting', () => {
  const t = (itemId: string, startedAt: number, impressions = 0, status: ContentTest['status'] = 'RUNNING') => ({
    itemId,
    startedAt,
    impressions,
    quota: 100,
    status,
  });

  it('serves the oldest running tests first, up to the concurrency, and moves the queue up as tests finish', () => {
    const tests = [t('e', 5), t('a', 1), t('c', 3), t('b', 1), t('d', 4), t('z', 0, 0, 'GRADUATED')];
    const w = testSlotWeights(tests, 3);
    expect([...w.entries()].filter(([, x]) => x > 0).map(([k]) => k)).toEqual(['a', 'b', 'c']);
    expect(w.get('d')).toBe(0);
    expect(w.has('z')).toBe(false);
    // "a" has its quota: "d" moves up.
    const w2 = testSlotWeights([...tests.slice(0, 1), t('a', 1, 100), ...tests.slice(2)], 3);
    expect([...w2.entries()].filter(([, x]) => x > 0).map(([k]) => k)).toEqual(['b', 'c', 'd']);
    expect(testQueue(tests).get('d')).toBe(3);
    // Spare slots (only 2 tests below quota, concurrency 3) go to the oldest test past its quota, up to 4× the quota.
    const w3 = testSlotWeights([t('a', 1, 150), t('b', 2, 10), t('c', 3, 400), t('d', 4, 20)], 3);
    expect(
      [...w3.entries()]
        .filter(([, x]) => x > 0)
        .map(([k]) => k)
        .sort(),
    ).toEqual(['a', 'b', 'd']);
  });

  it("gives up a test's slots once what it was served will fill its quota, before those impressions are counted", () => {
    const tests = [t('a', 1, 40), t('b', 2, 0), t('c', 3, 0), t('d', 4, 0)];
    const active = (w: Map<string, number>) => [...w.entries()].filter(([, x]) => x > 0).map(([k]) => k);
    // Without served counts the queue moves only on counted impressions: "a" (40 of 100) keeps its slot.
    expect(active(testSlotWeights(tests, 2))).toEqual(['a', 'b']);
    // "a" was served 110 slots, 40 of them settled and counted as 40 impressions: every placement is reported, so the
    // 70 unsettled ones make 110 ≥ 100 and "c" starts now instead of after the label window.
    const served = new Map([['a', { served: 110, settled: 40 }]]);
    expect(expectedTestImpressions(tests[0], served.get('a'))).toBe(110);
    expect(active(testSlotWeights(tests, 2, served))).toEqual(['b', 'c']);
    // A client that reports an impression for half of what it was shown: 80 settled became 40 impressions, so the
    // 30 unsettled placements are worth 15 and "a" (55 expected) keeps taking slots until it can really fill.
    const halfReported = new Map([['a', { served: 110, settled: 80 }]]);
    expect(expectedTestImpressions(tests[0], halfReported.get('a'))).toBe(55);
    expect(active(testSlotWeights(tests, 2, halfReported))).toEqual(['a', 'b']);
    // Nothing settled yet: every unsettled placement is expected to count, so the queue moves on what was served.
    expect(expectedTestImpressions({ impressions: 0 }, { served: 100, settled: 0 })).toBe(100);
    // A client that reports (almost) nothing still leaves the test its slots: at least 5% of placements count.
    expect(expectedTestImpressions({ impressions: 0 }, { served: 300, settled: 200 })).toBe(5);
  });

  it('runs a close call past its quota only while no other test waits for its slots', () => {
    const close = withData(500, 500, 250, 26);
    expect(evaluateContentTest(close, control, T0 + DAY, undefined, { belowQuota: 5 }).status).toBe('INCONCLUSIVE');
    expect(evaluateContentTest(close, control, T0 + DAY, undefined, { belowQuota: 1 }).status).toBe('RUNNING');
    expect(evaluateContentTest(withData(500, 2000, 1000, 104), control, T0 + DAY, undefined, { belowQuota: 1 }).status).toBe('INCONCLUSIVE');
  });

  it('sizes the quota from the impressions the surface supplies per launch, within the precision bounds', () => {
    // 15,000 served impressions × 8% test share over 10 launches = 120 impressions per launch.
    expect(trafficQuota({ successRate: 0.15, servedImpressions: 15_000, launches: 10, testShare: 0.08 })).toEqual({ quota: 120, perLaunch: 120 });
    // Scarce traffic: never below the minimum.
    expect(trafficQuota({ successRate: 0.15, servedImpressions: 5_000, launches: 10, testShare: 0.08 }).quota).toBe(100);
    // Plenty of traffic: never above the ±10% precision quota.
    expect(trafficQuota({ successRate: 0.15, servedImpressions: 10_000_000, launches: 10, testShare: 0.08 }).quota).toBe(
      defaultQuota(0.15, { precision: 0.1 }),
    );
    // Nothing measured yet: the ±30% precision quota.
    expect(trafficQuota({ successRate: 0.15, servedImpressions: 0, launches: 0, testShare: 0.08 })).toEqual({ quota: defaultQuota(0.15), perLaunch: null });
  });

  it('counts a test item only on its test slots and the control only on floor slots at test positions', () => {
    expect(impressionRole({ reason: 'CONTENT_TEST', position: 3, inTest: true })).toBe('TEST');
    expect(impressionRole({ reason: 'PERSONALIZED', position: 3, inTest: true })).toBeNull();
    expect(impressionRole({ reason: 'EXPLORATION', position: 2, inTest: false })).toBe('CONTROL');
    expect(impressionRole({ reason: 'EXPLORATION', position: 1, inTest: false })).toBeNull();
    expect(impressionRole({ reason: 'PERSONALIZED', position: 2, inTest: false })).toBeNull();
    // The control comes from the positions test slots use: 2..5 by default, or the surface's own last test position.
    expect(DEFAULT_TEST_MAX_POSITION).toBe(5);
    expect(impressionRole({ reason: 'EXPLORATION', position: 5, inTest: false })).toBe('CONTROL');
    expect(impressionRole({ reason: 'EXPLORATION', position: 6, inTest: false })).toBeNull();
    expect(impressionRole({ reason: 'EXPLORATION', position: 8, inTest: false }, 10)).toBe('CONTROL');
    expect(impressionRole({ reason: 'EXPLORATION', position: 4, inTest: false }, 3)).toBeNull();
    // A test item's impressions count wherever its test slot fell.
    expect(impressionRole({ reason: 'CONTENT_TEST', position: 9, inTest: true })).toBe('TEST');
  });

  it("takes the test's control from its own window", () => {
    expect(windowControl({ impressions: 500, exposure: 250, successes: 30 }, { impressions: 200, exposure: 90, successes: 10 })).toEqual({
      impressions: 300,
      exposure: 160,
      successes: 20,
    });
  });
});

describe("a test's control window reaches back before its start", () => {
  function grow(c: ControlStats, n: number, at: number): ControlStats {
    for (let i = 0; i < n; i++) c = markControl(recordControlImpression(c, 0.5, i % 10 === 0), at);
    return c;
  }

  it('keeps a mark every CONTROL_MARK_EVERY control impressions, at most CONTROL_MARKS, none too old', () => {
    let c: ControlStats = { impressions: 0, exposure: 0, successes: 0 };
    c = grow(c, 1000, T0);
    expect(c.marks!.map((m) => m.impressions)).toEqual([1, 101, 201, 301, 401, 501, 601, 701, 801, 901]);
    expect(c.marks![3]).toEqual({ impressions: 301, exposure: 150.5, successes: 31, at: T0 });
    // Nothing to add or drop: the same object back (the learner calls it every fold).
    expect(markControl(c, T0)).toBe(c);
    c = grow(c, CONTROL_MARK_EVERY * (CONTROL_MARKS + 50), T0 + DAY);
    expect(c.marks!.length).toBe(CONTROL_MARKS);
    expect(c.marks![1].impressions - c.marks![0].impressions).toBe(CONTROL_MARK_EVERY);
    // A week and a day later every earlier mark is too old: only the new one is kept.
    const later = markControl(c, T0 + DAY + CONTROL_LOOKBACK.maxAgeMs + DAY);
    expect(later.marks).toEqual([{ impressions: c.impressions, exposure: c.exposure, successes: c.successes, at: T0 + DAY + CONTROL_LOOKBACK.maxAgeMs + DAY }]);
  });

  it('reaches back to the latest mark with enough control impressions since, and keeps the start for the sequential rule', () => {
    const marks = [0, 1000, 2000, 3000, 4000, 4500].map((n, i) => ({ impressions: n, exposure: n / 2, successes: n / 20, at: T0 + i * 3_600_000 }));
    const now = T0 + DAY;
    const c: ControlStats = { impressions: 5000, exposure: 2500, successes: 250, served: 90_000, marks };
    const at = { impressions: 5000, exposure: 2500, successes: 250, served: 90_000 };
    // Quota 100: at least CONTROL_LOOKBACK.minImpressions (2,000) since, so the mark at 3,000.
    expect(controlBaseline(c, now, 100)).toEqual({ ...at, lookback: { impressions: 3000, exposure: 1500, successes: 150 } });
    // Quota 500: 6 × 500 = 3,000 wanted, so the mark at 2,000.
    expect(controlBaseline(c, now, 500).lookback).toEqual({ impressions: 2000, exposure: 1000, successes: 100 });
    // More than the history holds: as far back as it goes.
    expect(controlBaseline(c, now, 10_000).lookback!.impressions).toBe(0);
    // No history yet: the window starts now.
    expect(controlBaseline({ impressions: 5000, exposure: 2500, successes: 250 }, now, 100).lookback!.impressions).toBe(5000);
    // Never further back than maxAgeMs: older marks are not used even if they are all there is.
    const old = { ...c, marks: marks.map((m) => ({ ...m, at: now - CONTROL_LOOKBACK.maxAgeMs - 1 })) };
    expect(controlBaseline(old, now, 100).lookback!.impressions).toBe(5000);
    // The test keeps the counters and the lookback, not the history.
    const t = startContentTest('x', 'home', now, 100, 7, controlBaseline(c, now, 100));
    expect(t.controlAtStart).toEqual({ ...at, lookback: { impressions: 3000, exposure: 1500, successes: 150 } });
    // Later: the sequential window is what accrued since the start, the comparison's since the lookback mark.
    const later: ControlStats = { impressions: 5600, exposure: 2800, successes: 280 };
    expect(windowControl(later, t.controlAtStart)).toEqual({ impressions: 600, exposure: 300, successes: 30 });
    expect(comparisonControl(later, t.controlAtStart)).toEqual({ impressions: 2600, exposure: 1300, successes: 130 });
    // Tests started before the lookback existed compare with their own window, as they did.
    expect(comparisonControl(later, at)).toEqual({ impressions: 600, exposure: 300, successes: 30 });
  });

  it('keeps the type I error at α with the lookback in place, and records the comparison on the decision', () => {
    const rng = new SeededRandom(29);
    const runs = 400;
    let crossed = 0;
    let comparisonSize = 0;
    const look = (c: ControlStats, at: number) => {
      const tc = 1 / (2 + rng.int(9)) ** 0.8;
      return markControl(recordControlImpression(c, tc, rng.next() < tc * 0.15), at);
    };
    let last: ContentTest | null = null;
    for (let r = 0; r < runs; r++) {
      // Null: the control's rate before and during the test, and the test item's, are all 15% when looked at.
      let c: ControlStats = { impressions: 0, exposure: 0, successes: 0 };
      for (let i = 0; i < 3000; i++) c = look(c, T0);
      let t: ContentTest = startContentTest('x', 'home', T0, 400, 7, controlBaseline(c, T0, 400));
      for (let i = 0; i < 400 && t.status === 'RUNNING'; i++) {
        const theta = 1 / (2 + rng.int(9)) ** 0.8;
        t = recordTestImpression(t, theta, rng.next() < theta * 0.15);
        c = look(look(c, T0 + 1000), T0 + 1000);
        if (i % 10 === 9) t = evaluateContentTest(t, windowControl(c, t.controlAtStart), T0 + DAY, undefined, null, comparisonControl(c, t.controlAtStart));
      }
      if (t.status === 'GRADUATED' || t.status === 'UNDERPERFORMING') crossed++;
      if (t.decision) comparisonSize += (t.decision.comparisonControl!.impressions - t.decision.control!.impressions) / runs;
      last = t;
    }
    const a = DEFAULT_DECISION_RULES.alpha;
    const rate = crossed / runs;
    const limit = a + 3 * Math.sqrt((a * (1 - a)) / runs);
    // The comparison reached 6 × 400 = 2,400 control impressions before the start, on average over the decisions.
    const figures = { crossed, runs, rate, limit, comparisonSize, decided: last?.status };
    expect({ ...figures, ok: rate <= limit && comparisonSize >= 2400 }).toEqual({ ...figures, ok: true });
  });
});

describe('debiased comparison', () => {
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
