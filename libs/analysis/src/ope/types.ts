import type { RandomSource } from '@marquee/platform-core';

// The logged-bandit data shapes live in ml/ (a leaf that imports no lib but platform-core), which reads them too.
import type { BanditDataset, DatasetMeta, LoggedRow } from '../../../../ml/src/types';
export type { BanditDataset, DatasetMeta, LoggedRow };

/**
 * A policy under evaluation. The runner calls `fit` once with the training part of the log (earlier in time), then
 * `actionProbabilities` for the evaluation part. The placement engine's policy plugs in here through an adapter that
 * maps a `LoggedRow` to an engine request; a policy version that is already trained can make `fit` a no-op.
 */
export interface Policy {
  /** Short name used in reports and on the CLI (`uniform`, `logged`, `marquee`). */
  readonly name: string;
  fit(train: readonly LoggedRow[], meta: DatasetMeta): void | Promise<void>;
  /**
   * For each row, the policy's probability of every item at that row's position, given the row's context:
   * result[r][a] = π(a | x_r, position_r). Each vector must sum to 1. Policies must not read `reward`; only the
   * `logged` policy may read `pscore`.
   */
  actionProbabilities(rows: readonly LoggedRow[], meta: DatasetMeta): Float64Array[] | Promise<Float64Array[]>;
  /** Configuration and caveats worth recording with the estimates (e.g. Monte Carlo error). */
  describe?(): Record<string, unknown>;
}

/** q̂(x, a, position): the expected reward of each item at a slot for a context, used by DM and DR. */
export interface RewardModel {
  readonly name: string;
  fit(train: readonly LoggedRow[], meta: DatasetMeta): void;
  /** q̂ for every item at `position`, for the row's context. */
  predict(row: LoggedRow, position: number): Float64Array;
  /**
   * A copy refitted on a bootstrap resample of its training rows, so DM/DR intervals carry the model's own uncertainty.
   * Models too slow to refit B times leave it out, and their DM/DR intervals then treat q̂ as fixed.
   */
  resampled?(rng: RandomSource): RewardModel;
  describe?(): Record<string, unknown>;
}

export type EstimatorName = 'ips' | 'snips' | 'dm' | 'dr';

export const ESTIMATORS: readonly EstimatorName[] = ['ips', 'snips', 'dm', 'dr'];

/** A value with its bootstrap interval. */
export interface Interval {
  lower: number;
  upper: number;
  /** Nominal coverage, e.g. 0.95. */
  level: number;
}

/** One estimator's result on one slice of the evaluation rows (all of them, or one position). */
export interface EstimateCell {
  /** Estimated expected reward per logged slot (per row) under the evaluated policy. */
  value: number;
  ci: Interval;
  /** Kish effective sample size of the importance weights, (Σw)²/Σw²; for DM it is the row count. */
  ess: number;
  /** Rows in the slice. */
  n: number;
}

export interface EstimatorResult extends EstimateCell {
  estimator: EstimatorName;
  perPosition: (EstimateCell & { position: number })[];
}

export interface BootstrapOptions {
  /** Resamples; default 1000. */
  B?: number;
  /** Seed for the resampling PRNG; default 'ope'. Same seed, same interval. */
  seed?: number | string;
  /** Nominal coverage; default 0.95. */
  level?: number;
}
