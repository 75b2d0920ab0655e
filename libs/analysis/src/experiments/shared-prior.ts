/**
 * The reward model on the placement simulator's own logs, and what it buys as the engine's shared prior.
 *
 * 1. Period 1: the simulator runs Marquee on a world (`seed`) and logs every impression of every `propensityEvery`-th
 *    request with its logged user features and propensity: the rows a real deployment's impression log gives.
 * 2. The TF.js reward model trains on those rows with the product's defaults; its time-split holdout AUC is reported.
 * 3. Period 2: the same users and established catalogue, with new launches and visits (`launchSeed`). Marquee runs
 *    twice: from the engine's structural prior, and from the model's folded bilinear weights as its shared prior
 *    (exactly what a live model version gives the engine; see libs/analysis/src/models).
 * 4. For each new item, the time from its launch until the engine's own posterior first takes a side against the
 *    established items (P(better) ≥ 0.9 or P(worse) ≥ 0.95; see EngineBelief). Items that never get there count at the
 *    horizon (censored). The content tests themselves stay prior-neutral on purpose, so their decisions do not move.
 */
import { runSimulation, SimulationResult } from '../../../placement/src/simulator/simulate';
import { foldedBilinear, trainRewardModel } from '../../../../ml/src';
import type { ModelMetrics, TrainOptions } from '../../../../ml/src';

/** The model's logit scale against the engine's probit scale (logit ≈ 1.702 × probit), as the model lifecycle uses. */
const LOGIT_TO_PROBIT = 1 / 1.702;

export interface SharedPriorExperimentOptions {
  seed: number;
  users: number;
  days: number;
  /** Log training rows from every n-th request of period 1. */
  propensityEvery: number;
  /** Period-2 draws (new launches and visits), each run with and without the model prior; results are pooled. */
  launchSeeds: number[];
  train?: TrainOptions;
}

const DEFAULT_SHARED_PRIOR_EXPERIMENT: SharedPriorExperimentOptions = { seed: 7, users: 3000, days: 5, propensityEvery: 4, launchSeeds: [1, 2, 3, 4] };

interface DecisionTiming {
  newItems: number;
  /** Items whose engine posterior took a side within the horizon. */
  decided: number;
  /** Of those, how many took the side the simulator's truth is on. */
  right: number;
  /** Mean hours from launch to the engine's decision, undecided items counted at the horizon. */
  meanHoursCensored: number;
  /** Median hours and impressions to decision, over decided items. */
  medianHours: number | null;
  medianImpressions: number | null;
  /** Marquee's success rate over period 2. */
  successRate: number;
  /** The content tests' decisions, for contrast: they do not read the shared prior. */
  contentTestsDecided: number;
}

export interface SharedPriorExperimentResult {
  options: SharedPriorExperimentOptions;
  trainingRows: number;
  metrics: ModelMetrics;
  trainingSeconds: number;
  backend: string;
  /** Each period-2 draw. */
  draws: { launchSeed: number; structural: DecisionTiming; withModelPrior: DecisionTiming; timeToDecisionRatio: number }[];
  /** All draws' new items together. */
  structural: DecisionTiming;
  withModelPrior: DecisionTiming;
  /** withModelPrior.meanHoursCensored / structural.meanHoursCensored, pooled: below 1 means decisions come sooner. */
  timeToDecisionRatio: number;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timing(runs: SimulationResult[], horizonHours: number): DecisionTiming {
  const beliefs = runs.flatMap((r) => r.newItems.map((x) => x.engine)).filter((b): b is NonNullable<typeof b> => b !== undefined);
  const decided = beliefs.filter((b) => b.decision !== null && b.hours !== null);
  const marquee = runs.map((r) => r.policies.find((p) => p.name === 'marquee') ?? r.policies[0]);
  return {
    newItems: beliefs.length,
    decided: decided.length,
    right: decided.filter((b) => b.right).length,
    meanHoursCensored: beliefs.reduce((a, b) => a + (b.decision !== null && b.hours !== null ? b.hours : horizonHours), 0) / Math.max(1, beliefs.length),
    medianHours: median(decided.map((b) => b.hours as number)),
    medianImpressions: median(decided.map((b) => b.impressions as number)),
    successRate:
      marquee.reduce((a, p) => a + p.successes, 0) /
      Math.max(
        1,
        marquee.reduce((a, p) => a + p.impressions, 0),
      ),
    contentTestsDecided: runs.reduce((a, r) => a + r.newItems.filter((x) => x.status !== 'RUNNING').length, 0),
  };
}

export async function runSharedPriorExperiment(
  options: Partial<SharedPriorExperimentOptions> = {},
  log: (m: string) => void = () => undefined,
): Promise<SharedPriorExperimentResult> {
  const o = { ...DEFAULT_SHARED_PRIOR_EXPERIMENT, ...options };
  const base = { days: o.days, users: o.users, seed: o.seed, baselines: false, references: false };
  log(`period 1: simulating ${o.users} users for ${o.days} days (seed ${o.seed}) and logging training rows`);
  const p1 = runSimulation({ ...base, propensityEvery: o.propensityEvery, exportTrainingRows: true });
  const rows = p1.trainingRows ?? [];
  log(`training the reward model on ${rows.length} logged impressions`);
  const trained = await trainRewardModel(rows, { seed: o.seed, ...o.train });
  const prior = { version: `sim-${o.seed}`, mean: foldedBilinear(trained.model, 0, 0).map((w) => w * LOGIT_TO_PROBIT) };
  const horizon = o.days * 24;
  const runs = o.launchSeeds.map((launchSeed) => {
    const period2 = { ...base, launchSeed, propensityEvery: 0, trackBeliefs: true };
    log(`period 2, draw ${launchSeed}: new launches, from the structural prior and from the model as shared prior`);
    return { launchSeed, structural: runSimulation(period2), withModelPrior: runSimulation({ ...period2, sharedPrior: prior }) };
  });
  const draws = runs.map((d) => {
    const s = timing([d.structural], horizon);
    const m = timing([d.withModelPrior], horizon);
    return { launchSeed: d.launchSeed, structural: s, withModelPrior: m, timeToDecisionRatio: m.meanHoursCensored / s.meanHoursCensored };
  });
  const structural = timing(
    runs.map((d) => d.structural),
    horizon,
  );
  const withModelPrior = timing(
    runs.map((d) => d.withModelPrior),
    horizon,
  );
  return {
    options: o,
    trainingRows: rows.length,
    metrics: trained.metrics,
    trainingSeconds: trained.trainingMs / 1000,
    backend: trained.backend,
    draws,
    structural,
    withModelPrior,
    timeToDecisionRatio: withModelPrior.meanHoursCensored / structural.meanHoursCensored,
  };
}
