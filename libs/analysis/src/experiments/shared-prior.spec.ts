import { runSharedPriorExperiment, SharedPriorExperimentResult } from './shared-prior';

// Deterministic: the simulator, the training and every period-2 run are seeded. bench/results/shared-prior.json holds
// the same experiment over more seeds (npm run bench -- shared-prior).
describe('the reward model on simulator logs, and as the engine shared prior', () => {
  let r: SharedPriorExperimentResult;

  beforeAll(async () => {
    r = await runSharedPriorExperiment({ seed: 7 });
  }, 600_000);

  it('trains on the logged impressions to a holdout AUC of at least 0.65', () => {
    expect(r.trainingRows).toBeGreaterThan(10_000);
    expect(r.metrics.holdout.positives).toBeGreaterThan(100);
    expect(r.metrics.holdout.auc).toBeGreaterThanOrEqual(0.65);
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
