import type { FieldProblem } from '@marquee/platform-core';
import { OpeInputError } from './errors';
import { RandomSource, Rng } from '@marquee/platform-core';
import { quantileSorted } from './stats';
import { ESTIMATORS, BootstrapOptions, EstimateCell, EstimatorName, EstimatorResult, Interval } from './types';

/**
 * One evaluation row as the estimators see it: the logged (position, action, reward, propensity), the evaluated
 * policy's distribution over items at that position, and, for DM/DR, the reward model's prediction for every item.
 */
export interface OpeSample {
  /** Source row id, used in error messages. */
  index?: number;
  position: number;
  action: number;
  reward: number;
  pscore: number;
  /** π_e(a | x, position) for every item a. */
  actionDist: ArrayLike<number>;
  /** q̂(x, a, position) for every item a; required by DM and DR. */
  rewardHat?: ArrayLike<number>;
}

export interface EstimateOptions {
  estimators?: readonly EstimatorName[];
  bootstrap?: BootstrapOptions;
  /** Labels of the slot indices for per-position results (default: the indices themselves). */
  positionLabels?: readonly number[];
  /**
   * Gives, per bootstrap replicate, q̂ refitted on a resample of the reward model's training rows (sample index → q̂
   * for every item), so that DM and DR intervals include the reward model's uncertainty. Without it q̂ is held fixed.
   */
  refitRewardHat?: (rng: RandomSource) => (sample: number) => ArrayLike<number>;
}

export interface EstimateReport {
  n: number;
  /** The logging policy's value on these rows (mean reward), with the same bootstrap. */
  onPolicy: EstimateCell & { perPosition: (EstimateCell & { position: number })[] };
  results: EstimatorResult[];
  bootstrap: { B: number; seed: number | string; level: number; method: 'percentile'; rewardModelRefit: boolean };
}

const PROB_TOLERANCE = 1e-6;
const MAX_NAMED_ROWS = 5;

function rowName(s: OpeSample, i: number): string {
  return s.index === undefined ? `sample ${i}` : `row ${s.index}`;
}

function reject(reason: 'BAD_PROPENSITY' | 'BAD_VALUE' | 'BAD_POLICY_OUTPUT', what: string, problems: FieldProblem[], fix: string): never {
  const named = problems
    .slice(0, MAX_NAMED_ROWS)
    .map((p) => p.message)
    .join('; ');
  const more = problems.length > MAX_NAMED_ROWS ? ` (and ${problems.length - MAX_NAMED_ROWS} more)` : '';
  throw new OpeInputError(reason, `${what}: ${named}${more}. ${fix}`, problems);
}

// Runs before any arithmetic, so a bad log fails loudly instead of producing a plausible number.
function validateSamples(samples: readonly OpeSample[], needRewardHat: boolean): void {
  if (samples.length === 0) {
    throw new OpeInputError(
      'EMPTY_WINDOW',
      'There are no logged rows to evaluate: the evaluation window is empty. Widen the window, or lower the training fraction.',
    );
  }
  const badP: FieldProblem[] = [];
  const badV: FieldProblem[] = [];
  const badPolicy: FieldProblem[] = [];
  samples.forEach((s, i) => {
    const row = s.index;
    if (!(s.pscore > 0 && s.pscore <= 1)) badP.push({ field: 'pscore', row, message: `${rowName(s, i)} has propensity ${s.pscore}` });
    if (!Number.isFinite(s.reward)) badV.push({ field: 'reward', row, message: `${rowName(s, i)} has reward ${s.reward}` });
    const n = s.actionDist.length;
    if (!Number.isInteger(s.action) || s.action < 0 || s.action >= n)
      badV.push({ field: 'action', row, message: `${rowName(s, i)} has item index ${s.action}, outside 0..${n - 1}` });
    if (!Number.isInteger(s.position) || s.position < 0) badV.push({ field: 'position', row, message: `${rowName(s, i)} has position index ${s.position}` });
    let sum = 0;
    let ok = true;
    for (let a = 0; a < n; a++) {
      const p = s.actionDist[a];
      if (!(p >= 0 && p <= 1 + PROB_TOLERANCE)) ok = false;
      sum += p;
    }
    if (!ok || Math.abs(sum - 1) > PROB_TOLERANCE)
      badPolicy.push({ field: 'actionDist', row, message: `${rowName(s, i)} has probabilities summing to ${sum}` });
    if (needRewardHat && (!s.rewardHat || s.rewardHat.length !== n))
      badPolicy.push({ field: 'rewardHat', row, message: `${rowName(s, i)} has no reward-model prediction for every item` });
  });
  if (badP.length)
    reject(
      'BAD_PROPENSITY',
      "Propensities must be in (0, 1], the logging policy's probability of the logged item at its position",
      badP,
      'Fix or drop these rows; a zero propensity means the row could not have been logged.',
    );
  if (badV.length) reject('BAD_VALUE', 'Some logged rows have invalid values', badV, 'Fix these rows.');
  if (badPolicy.length)
    reject(
      'BAD_POLICY_OUTPUT',
      'The evaluated policy or reward model gave an invalid distribution',
      badPolicy,
      'A policy must give a probability distribution over all items at each position.',
    );
}

export function importanceWeights(samples: readonly OpeSample[]): Float64Array {
  const w = new Float64Array(samples.length);
  samples.forEach((s, i) => (w[i] = s.actionDist[s.action] / s.pscore));
  return w;
}

// Kish: n for equal weights, 1 when one weight dominates.
export function effectiveSampleSize(weights: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < weights.length; i++) {
    s += weights[i];
    s2 += weights[i] * weights[i];
  }
  return s2 > 0 ? (s * s) / s2 : 0;
}

function directTerm(s: OpeSample, q: ArrayLike<number>): number {
  let v = 0;
  for (let a = 0; a < s.actionDist.length; a++) v += s.actionDist[a] * q[a];
  return v;
}

// Unbiased whenever the logged propensities are right.
export function ips(samples: readonly OpeSample[]): number {
  validateSamples(samples, false);
  let sum = 0;
  samples.forEach((s) => (sum += (s.actionDist[s.action] / s.pscore) * s.reward));
  return sum / samples.length;
}

// Slightly biased but far less variable than IPS; NaN when every weight is 0, since then there is no information.
export function snips(samples: readonly OpeSample[]): number {
  validateSamples(samples, false);
  let swr = 0;
  let sw = 0;
  samples.forEach((s) => {
    const w = s.actionDist[s.action] / s.pscore;
    swr += w * s.reward;
    sw += w;
  });
  return sw > 0 ? swr / sw : Number.NaN;
}

// Only as good as q̂, but has no weights and so little variance.
export function dm(samples: readonly OpeSample[]): number {
  validateSamples(samples, true);
  let sum = 0;
  samples.forEach((s) => (sum += directTerm(s, s.rewardHat as ArrayLike<number>)));
  return sum / samples.length;
}

// Unbiased if either the propensities or q̂ are right.
export function dr(samples: readonly OpeSample[]): number {
  validateSamples(samples, true);
  let sum = 0;
  samples.forEach((s) => {
    const q = s.rewardHat as ArrayLike<number>;
    sum += directTerm(s, q) + (s.actionDist[s.action] / s.pscore) * (s.reward - q[s.action]);
  });
  return sum / samples.length;
}

// Undefined replicates (SNIPS with Σw = 0) are skipped rather than counted as 0.
function percentileInterval(values: Float64Array, level: number): Interval {
  const sorted = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
  const alpha = (1 - level) / 2;
  return { lower: quantileSorted(sorted, alpha), upper: quantileSorted(sorted, 1 - alpha), level };
}

// Per-slice sums from which every estimator follows, so one pass over a resample gives all of them.
const F_N = 0;
const F_W = 1;
const F_W2 = 2;
const F_WR = 3;
const F_DM = 4;
const F_DR = 5;
const F_R = 6;
const FIELDS = 7;

type Target = EstimatorName | 'onPolicy';
const TARGETS: readonly Target[] = ['onPolicy', ...ESTIMATORS];

function valueOf(t: Target, acc: Float64Array, o: number): number {
  const n = acc[o + F_N];
  if (n === 0) return Number.NaN;
  switch (t) {
    case 'onPolicy':
      return acc[o + F_R] / n;
    case 'ips':
      return acc[o + F_WR] / n;
    case 'snips':
      return acc[o + F_W] > 0 ? acc[o + F_WR] / acc[o + F_W] : Number.NaN;
    case 'dm':
      return acc[o + F_DM] / n;
    case 'dr':
      return acc[o + F_DR] / n;
  }
}

function essOf(t: Target, acc: Float64Array, o: number): number {
  if (t === 'onPolicy' || t === 'dm') return acc[o + F_N];
  return acc[o + F_W2] > 0 ? (acc[o + F_W] * acc[o + F_W]) / acc[o + F_W2] : 0;
}

// The policy is held fixed across replicates: the question is the value of this fitted policy.
export function estimate(samples: readonly OpeSample[], options: EstimateOptions = {}): EstimateReport {
  const wanted = options.estimators ?? ESTIMATORS;
  const needHat = wanted.includes('dm') || wanted.includes('dr');
  validateSamples(samples, needHat);
  const B = options.bootstrap?.B ?? 1000;
  const seed = options.bootstrap?.seed ?? 'ope';
  const level = options.bootstrap?.level ?? 0.95;
  if (!Number.isInteger(B) || B < 10)
    throw new OpeInputError('BAD_OPTION', `The bootstrap needs at least 10 resamples; got ${B}. Use B ≥ 200 for a usable 95% interval.`);
  if (!(level > 0 && level < 1)) throw new OpeInputError('BAD_OPTION', `The interval level must be between 0 and 1; got ${level}.`);

  const n = samples.length;
  let nPos = 0;
  for (const s of samples) nPos = Math.max(nPos, s.position + 1);
  const labels = options.positionLabels ?? Array.from({ length: nPos }, (_, k) => k);
  const pos = Int32Array.from(samples, (s) => s.position);
  const w = importanceWeights(samples);
  const r = Float64Array.from(samples, (s) => s.reward);
  const dmT = new Float64Array(n);
  const drT = new Float64Array(n);
  if (needHat) {
    samples.forEach((s, i) => {
      const q = s.rewardHat as ArrayLike<number>;
      dmT[i] = directTerm(s, q);
      drT[i] = dmT[i] + w[i] * (s.reward - q[s.action]);
    });
  }

  const slices = nPos + 1; // one per position, then the total
  const acc = new Float64Array(slices * FIELDS);
  const add = (i: number, d: number, q: number) => {
    const o = pos[i] * FIELDS;
    acc[o + F_N] += 1;
    acc[o + F_W] += w[i];
    acc[o + F_W2] += w[i] * w[i];
    acc[o + F_WR] += w[i] * r[i];
    acc[o + F_DM] += d;
    acc[o + F_DR] += q;
    acc[o + F_R] += r[i];
  };
  const total = () => {
    const o = nPos * FIELDS;
    for (let f = 0; f < FIELDS; f++) {
      let v = 0;
      for (let k = 0; k < nPos; k++) v += acc[k * FIELDS + f];
      acc[o + f] = v;
    }
  };

  for (let i = 0; i < n; i++) add(i, dmT[i], drT[i]);
  total();
  const point = Float64Array.from(acc);

  const boot = TARGETS.map(() => Array.from({ length: slices }, () => new Float64Array(B)));
  const rng = new Rng(seed);
  for (let b = 0; b < B; b++) {
    acc.fill(0);
    const hat = needHat && options.refitRewardHat ? options.refitRewardHat(rng) : null;
    for (let j = 0; j < n; j++) {
      const i = rng.int(n);
      if (hat) {
        const s = samples[i];
        const q = hat(i);
        const d = directTerm(s, q);
        add(i, d, d + w[i] * (s.reward - q[s.action]));
      } else add(i, dmT[i], drT[i]);
    }
    total();
    TARGETS.forEach((t, ti) => {
      for (let k = 0; k < slices; k++) boot[ti][k][b] = valueOf(t, acc, k * FIELDS);
    });
  }

  const cell = (ti: number, k: number): EstimateCell => ({
    value: valueOf(TARGETS[ti], point, k * FIELDS),
    ci: percentileInterval(boot[ti][k], level),
    ess: essOf(TARGETS[ti], point, k * FIELDS),
    n: point[k * FIELDS + F_N],
  });
  const perPosition = (ti: number) => Array.from({ length: nPos }, (_, k) => ({ position: labels[k] ?? k, ...cell(ti, k) })).filter((c) => c.n > 0);

  const results: EstimatorResult[] = [];
  TARGETS.forEach((t, ti) => {
    if (t === 'onPolicy' || !wanted.includes(t)) return;
    results.push({ estimator: t, ...cell(ti, nPos), perPosition: perPosition(ti) });
  });
  return {
    n,
    onPolicy: { ...cell(0, nPos), perPosition: perPosition(0) },
    results,
    bootstrap: { B, seed, level, method: 'percentile', rewardModelRefit: Boolean(needHat && options.refitRewardHat) },
  };
}
