// Bound once: hot loops then make no global lookups (slow inside sandboxes such as Jest's; see platform-core's random.ts).
const { exp, log, max, min, pow, sqrt } = Math;
/** Impressions and successes per position (index 0 = position 1) from uniform-floor slots on established items. */
export interface PositionCounts {
  impressions: number[];
  successes: number[];
}

/** Examination probabilities θ_k (θ_1 = 1) with uncertainty. */
export interface ExaminationEstimate {
  theta: number[];
  /** Standard error of log θ_k (0 at position 1, which is the reference). */
  logSe: number[];
  /** 95% interval. */
  lower: number[];
  upper: number[];
  /** Fitted power-law exponent: θ_k ≈ k^-eta, the shape deep positions shrink towards. */
  eta: number;
  /** Success rate when examined, implied by the fit. */
  rate: number;
  impressions: number;
}

export function emptyPositionCounts(positions: number): PositionCounts {
  return { impressions: new Array<number>(positions).fill(0), successes: new Array<number>(positions).fill(0) };
}

export function recordPosition(counts: PositionCounts, position: number, success: boolean): void {
  const k = position - 1;
  if (k < 0 || k >= counts.impressions.length) return;
  counts.impressions[k]++;
  if (success) counts.successes[k]++;
}

function logLik(counts: PositionCounts, eta: number): { ll: number; rate: number } {
  let s = 0;
  let e = 0;
  for (let k = 0; k < counts.impressions.length; k++) {
    s += counts.successes[k];
    e += counts.impressions[k] * pow(k + 1, -eta);
  }
  const rate = e > 0 ? min(0.999, max(1e-6, s / e)) : 0.1;
  let ll = 0;
  for (let k = 0; k < counts.impressions.length; k++) {
    const p = min(0.999999, rate * pow(k + 1, -eta));
    ll += counts.successes[k] * log(p) + (counts.impressions[k] - counts.successes[k]) * log(1 - p);
  }
  return { ll, rate };
}

/**
 * Estimates θ_k from randomised traffic. On uniform-floor slots the item is independent of the position, so the
 * success rate at k is θ_k·r. Steps: fit a power law θ_k = k^-η by maximum likelihood (robust with little data);
 * shrink each position's own rate towards that curve with `priorStrength` pseudo-impressions; force the curve to
 * be non-increasing (pool-adjacent-violators); divide by position 1. Standard errors are delta-method on log rates.
 */
export function estimateExamination(counts: PositionCounts, opts: { priorStrength?: number } = {}): ExaminationEstimate {
  const K = counts.impressions.length;
  if (K === 0 || counts.successes.length !== K) {
    throw new Error(
      `Position counts need the same, non-zero number of impressions and successes (got ${counts.impressions.length} and ${counts.successes.length}).`,
    );
  }
  const m = opts.priorStrength ?? 200;
  // Golden-section search for η on [0, 3]; the profile likelihood is unimodal in practice.
  let lo = 0;
  let hi = 3;
  const g = (sqrt(5) - 1) / 2;
  let x1 = hi - g * (hi - lo);
  let x2 = lo + g * (hi - lo);
  let f1 = logLik(counts, x1).ll;
  let f2 = logLik(counts, x2).ll;
  for (let it = 0; it < 60; it++) {
    if (f1 < f2) {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + g * (hi - lo);
      f2 = logLik(counts, x2).ll;
    } else {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - g * (hi - lo);
      f1 = logLik(counts, x1).ll;
    }
  }
  const total = counts.impressions.reduce((a, b) => a + b, 0);
  const eta = total > 0 ? (lo + hi) / 2 : 0.5;
  const { rate } = logLik(counts, eta);
  const rates = new Array<number>(K);
  const weights = new Array<number>(K);
  for (let k = 0; k < K; k++) {
    const prior = rate * pow(k + 1, -eta);
    rates[k] = (counts.successes[k] + m * prior) / (counts.impressions[k] + m);
    weights[k] = counts.impressions[k] + m;
  }
  // Pool adjacent violators for a non-increasing sequence.
  const blocks: { value: number; weight: number; size: number }[] = [];
  for (let k = 0; k < K; k++) {
    blocks.push({ value: rates[k], weight: weights[k], size: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2].value < blocks[blocks.length - 1].value) {
      const b = blocks.pop() as { value: number; weight: number; size: number };
      const a = blocks[blocks.length - 1];
      a.value = (a.value * a.weight + b.value * b.weight) / (a.weight + b.weight);
      a.weight += b.weight;
      a.size += b.size;
    }
  }
  const fitted: number[] = [];
  for (const b of blocks) for (let i = 0; i < b.size; i++) fitted.push(b.value);
  const top = max(1e-9, fitted[0]);
  const theta = fitted.map((r) => min(1, r / top));
  const varLog = (k: number) => (1 - fitted[k]) / max(1e-9, fitted[k] * weights[k]);
  const logSe = theta.map((_, k) => (k === 0 ? 0 : sqrt(varLog(k) + varLog(0))));
  return {
    theta,
    logSe,
    lower: theta.map((t, k) => t * exp(-1.96 * logSe[k])),
    upper: theta.map((t, k) => min(1, t * exp(1.96 * logSe[k]))),
    eta,
    rate: top,
    impressions: total,
  };
}
