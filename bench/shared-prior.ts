/**
 * Not a speed benchmark: the reward model trained on simulator logs, used as the engine's shared prior, against the
 * structural prior, over several worlds. See libs/analysis/src/experiments/shared-prior.ts for the construction; the
 * unit test beside it checks seed 7.
 */
import { runSharedPriorExperiment, SharedPriorExperimentResult } from '../libs/analysis/src/experiments/shared-prior';
import { log, Machine, round, writeResult } from './lib/common';

export const SHARED_PRIOR_SEEDS = [7, 11, 13];

export async function benchSharedPrior(m: Machine, at: string): Promise<{ file: string; runs: SharedPriorExperimentResult[]; ratio: number }> {
  const runs: SharedPriorExperimentResult[] = [];
  for (const seed of SHARED_PRIOR_SEEDS) {
    const r = await runSharedPriorExperiment({ seed }, (msg) => log(`shared prior, world ${seed}: ${msg}`));
    log(
      `shared prior, world ${seed}: holdout AUC ${round(r.metrics.holdout.auc, 3)}, hours to the engine's decision ${round(r.structural.meanHoursCensored, 1)} → ${round(r.withModelPrior.meanHoursCensored, 1)} (× ${round(r.timeToDecisionRatio, 3)})`,
    );
    runs.push(r);
  }
  const sum = (f: (r: SharedPriorExperimentResult) => number) => runs.reduce((a, r) => a + f(r), 0);
  const ratio = sum((r) => r.withModelPrior.meanHoursCensored * r.withModelPrior.newItems) / sum((r) => r.structural.meanHoursCensored * r.structural.newItems);
  const file = writeResult('shared-prior', {
    benchmark: 'shared-prior',
    at,
    machine: m,
    what: 'Hours from a new item launching until the engine posterior first puts it above (P ≥ 0.9) or below (P ≥ 0.95) the established items, undecided items counted at the 120 h horizon; with the TF.js model trained on period-1 simulator logs as shared prior, against the structural prior. Content tests are prior-neutral and are not what is timed.',
    seeds: SHARED_PRIOR_SEEDS,
    pooled: {
      timeToDecisionRatio: round(ratio, 3),
      drawsShorter: runs.flatMap((r) => r.draws).filter((d) => d.timeToDecisionRatio < 1).length,
      draws: runs.flatMap((r) => r.draws).length,
      rightShareStructural: round(sum((r) => r.structural.right) / sum((r) => r.structural.decided), 3),
      rightShareWithModelPrior: round(sum((r) => r.withModelPrior.right) / sum((r) => r.withModelPrior.decided), 3),
      successRateRatio: round(sum((r) => r.withModelPrior.successRate) / sum((r) => r.structural.successRate), 4),
    },
    runs,
  });
  return { file, runs, ratio };
}
