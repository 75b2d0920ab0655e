import { runSharedPriorExperiment, SharedPriorExperimentResult } from './shared-prior';

// Deterministic: the simulator, the training and every period-2 run are seeded. bench/results/shared-prior.json holds
// the same experiment over more seeds (npm run bench -- shared-prior).
describe('the reward model on simulator logs, and as the engine shared prior', () => {
  let r: SharedPriorExperimentResult;
  const auc: Record<number, number> = {};

  beforeAll(async () => {
    r = await runSharedPriorExperiment({ seed: 7 });
    auc[7] = r.metrics.holdout.auc;
    // The fit only (no later periods) on four other worlds.
    for (const seed of [11, 13, 17, 19]) auc[seed] = (await runSharedPriorExperiment({ seed, launchSeeds: [] })).metrics.holdout.auc;
  }, 900_000);

  // One world's AUC moves by up to ±0.03 with any change to the random path of the policy that logged it. Measured
  // when content tests moved to positions 2..5 (7 December 2026), worlds 7, 11, 13, 17, 19: 0.690, 0.638, 0.661,
  // 0.669, 0.643 before (mean 0.660) and 0.683, 0.612, 0.652, 0.669, 0.663 after (mean 0.656), with no change to the
  // model. So the promise is checked on the mean of five worlds, with a floor for each.
  it('trains on the logged impressions to a holdout AUC of at least 0.65 over five worlds (each at least 0.60)', () => {
    expect(r.trainingRows).toBeGreaterThan(10_000);
    expect(r.metrics.holdout.positives).toBeGreaterThan(100);
    const values = Object.values(auc);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const shown = Object.entries(auc)
      .map(([w, a]) => `world ${w}: ${a.toFixed(3)}`)
      .join(', ');
    if (!(values.length === 5 && mean >= 0.65 && Math.min(...values) >= 0.6))
      throw new Error(`holdout AUC ${shown}; mean ${mean.toFixed(3)} (needs ≥ 0.65 over five worlds, each ≥ 0.60)`);
    console.log(`reward model holdout AUC: ${shown}; mean ${mean.toFixed(3)}`);
  });

  it('shortens the time until the engine takes a side on a new item, against the structural prior', () => {
    expect(r.draws).toHaveLength(4);
    expect(r.structural.newItems).toBeGreaterThan(100);
    expect(r.withModelPrior.newItems).toBe(r.structural.newItems);
    expect(r.withModelPrior.meanHoursCensored).toBeLessThan(r.structural.meanHoursCensored);
    expect(r.timeToDecisionRatio).toBeLessThan(1);
    // Not an average carried by one lucky draw: most draws are shorter on their own.
    expect(r.draws.filter((d) => d.timeToDecisionRatio < 1).length).toBeGreaterThanOrEqual(3);
    // The content tests stay prior-neutral: the prior may not move how many of them decide.
    expect(Math.abs(r.withModelPrior.contentTestsDecided - r.structural.contentTestsDecided)).toBeLessThanOrEqual(4);
  });
});
