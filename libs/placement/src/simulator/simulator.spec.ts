import { runSimulation, SimulationResult } from './simulate';

// The full run (14 days, 6,000 users) is `npm run simulate`; this is the same code on a 7-day, 4,000-user horizon.
describe('placement simulator, short horizon', () => {
  let r: SimulationResult;
  beforeAll(() => {
    r = runSimulation({ days: 7, users: 4000, seed: 7, propensityEvery: 100 });
  }, 120_000);

  it('beats editorial order by ≥ 1.3× and the true-popularity order by ≥ 1.05×', () => {
    expect(r.ratios.vsEditorial).toBeGreaterThanOrEqual(1.3);
    expect(r.ratios.vsPopularity).toBeGreaterThanOrEqual(1.05);
    expect(r.ratios.vsEpsilonGreedy).toBeGreaterThan(1);
    expect(r.ratios.vsGreedy).toBeGreaterThan(1);
  });

  it('stays below the per-person oracle, and within the measured distance of it', () => {
    // The 0.8× target is not met (see docs/placement-engine.md §9): this horizon measures 0.676, and the guard
    // catches regressions (it was 0.64 before Thompson sampling was deflated).
    expect(r.ratios.vsOracle).toBeLessThan(1);
    expect(r.ratios.vsOracle).toBeGreaterThanOrEqual(0.66);
  });

  it('stays below the reference bounds: the oracle with the same exploration, and a learner that knows the world', () => {
    expect(r.ratios.vsBudgetedOracle).toBeLessThan(1);
    expect(r.ratios.vsCeiling).toBeLessThan(1);
    // Spending the budget costs the oracle about 5%; knowing the world but not the users leaves the learner
    // well short of the oracle (0.78 on this horizon, 0.80 over 14 days).
    expect(r.ratios.vsOracle / r.ratios.vsBudgetedOracle).toBeGreaterThan(0.9);
    expect(r.ratios.ceilingVsOracle).toBeLessThan(0.85);
  });

  it('spends the exploration budget to ±1 pp every day', () => {
    for (const d of r.exploration.perDay) expect(Math.abs(d.share - r.options.budget)).toBeLessThanOrEqual(0.01);
    // The floor is its own 2%: tests take the rest.
    for (const d of r.exploration.perDay) expect(Math.abs(d.floorShare - r.options.floor)).toBeLessThanOrEqual(0.005);
  });

  it('graduates clearly good new items and not clearly bad ones', () => {
    const good = r.summary.clearlyGood;
    const bad = r.summary.clearlyBad;
    expect(good.count).toBeGreaterThanOrEqual(4);
    expect(bad.count).toBeGreaterThanOrEqual(4);
    // MISSED target (see docs/placement-engine.md, "Content tests: the sequential rule"): the always-valid rule at
    // quotas sized to this world's traffic per launch graduates 3 of 11 clearly good items on this horizon (the old
    // fixed-threshold rule graduated 10+); the rest end INCONCLUSIVE. This guards the measured figure.
    expect(good.graduated).toBeGreaterThanOrEqual(3);
    expect(bad.graduated).toBeLessThanOrEqual(Math.floor(0.05 * bad.count));
    // Measured 0.83 (was ≥ 0.9 with the old rule): a guard, not the target.
    expect(r.summary.rightShareOfDecisive).toBeGreaterThanOrEqual(0.8);
  });

  it('estimates the examination curve from the random floor', () => {
    for (const p of r.positionBias.slice(1)) expect(Math.abs(p.estimated - p.truth)).toBeLessThan(0.15);
  });

  it('logs propensities on sampled slates, mostly by Monte Carlo with a stated error', () => {
    expect(r.propensities.slates).toBeGreaterThan(100);
    expect(r.propensities.meanError).toBeGreaterThan(0);
    expect(r.propensities.meanError).toBeLessThan(0.05);
  });
});

describe('simulator determinism', () => {
  it('gives identical figures for the same seed', () => {
    const a = runSimulation({ days: 1, users: 300, seed: 3, propensityEvery: 0, references: false });
    const b = runSimulation({ days: 1, users: 300, seed: 3, propensityEvery: 0, references: false });
    expect(b.policies).toEqual(a.policies);
    expect(b.newItems).toEqual(a.newItems);
  });
});
