import { Rng } from '@marquee/platform-core';
import type { DatasetMeta, LoggedRow, Policy } from '../types';

// Module-scope aliases keep global lookups out of the hot loops (they are slow inside Jest's vm sandbox).
const exp = Math.exp;
const sqrt = Math.sqrt;
const log1p = Math.log1p;

export interface MarqueeTsOptions {
  /** Monte Carlo posterior draws used to estimate each action probability; default 1000. */
  mcSamples?: number;
  /** Uniform-random floor: this share of slates is uniformly random, as the engine's exploration floor; default 0.05. */
  explore?: number;
  /** Prior variance of the user × item-feature interaction weights; default 0.25. */
  interactionPriorVariance?: number;
  /** Prior variance of the per-item term; default 1. */
  itemPriorVariance?: number;
  /** Full-batch Adam iterations for the posterior mode; default 300. */
  iterations?: number;
  seed?: number | string;
}

const DEFAULTS: Required<MarqueeTsOptions> = {
  mcSamples: 1000,
  explore: 0.05,
  interactionPriorVariance: 0.25,
  itemPriorVariance: 1,
  iterations: 300,
  seed: 'marquee',
};

// The leading constant 1 lets the bilinear form carry main effects too.
function augmented(v: readonly number[]): { idx: Int32Array; val: Float64Array } {
  const idx = [0];
  const val = [1];
  v.forEach((x, j) => {
    if (x !== 0) {
      idx.push(j + 1);
      val.push(x);
    }
  });
  return { idx: Int32Array.from(idx), val: Float64Array.from(val) };
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + exp(-z));
  const e = exp(z);
  return e / (1 + e);
}

// A self-contained contextual Thompson-sampling baseline on the log's own features ('bayes-ts'); see README.md for the model.
export class MarqueeTsPolicy implements Policy {
  readonly name = 'bayes-ts';
  private readonly opts: typeof DEFAULTS;
  private du = 0;
  private di = 0;
  private nA = 0;
  private nPos = 0;
  private mean = new Float64Array(0);
  private precision = new Float64Array(0);
  // Per (sample, user dimension, item), so scoring a context is a few additions.
  private itemSide = new Float64Array(0);
  private affDraws = new Float64Array(0);
  private slotOrder: number[] = [];
  private cache = new Map<string, Float64Array>();
  private loggedSe: number[] = [];

  constructor(options: MarqueeTsOptions = {}) {
    this.opts = { ...DEFAULTS, ...options };
  }

  private wIndex(j: number, l: number): number {
    return j * (this.di + 1) + l;
  }
  private get bOffset(): number {
    return (this.du + 1) * (this.di + 1);
  }
  private get affIndex(): number {
    return this.bOffset + this.nA;
  }
  private get posOffset(): number {
    return this.affIndex + 1;
  }

  fit(train: readonly LoggedRow[], meta: DatasetMeta): void {
    this.du = meta.contextFeatureNames.length;
    this.di = meta.actionFeatureNames.length;
    this.nA = meta.actionIds.length;
    this.nPos = meta.positionLabels.length;
    this.cache.clear();
    const nParams = this.posOffset + this.nPos;
    const items = meta.actionFeatures.map((v) => augmented(v));

    // Sparse design matrix, one row per logged impression.
    const starts = [0];
    const cols: number[] = [];
    const vals: number[] = [];
    for (const row of train) {
      const u = augmented(row.context);
      const v = items[row.action];
      for (let p = 0; p < u.idx.length; p++) {
        for (let q = 0; q < v.idx.length; q++) {
          if (u.idx[p] === 0 && v.idx[q] === 0) continue; // the intercept is the position term
          cols.push(this.wIndex(u.idx[p], v.idx[q]));
          vals.push(u.val[p] * v.val[q]);
        }
      }
      cols.push(this.bOffset + row.action);
      vals.push(1);
      const aff = row.actionContext?.[row.action] ?? 0;
      if (aff !== 0) {
        cols.push(this.affIndex);
        vals.push(log1p(aff > 0 ? aff : 0));
      }
      cols.push(this.posOffset + row.position);
      vals.push(1);
      starts.push(cols.length);
    }
    const col = Int32Array.from(cols);
    const val = Float64Array.from(vals);
    const y = Float64Array.from(train, (r) => (r.reward > 0 ? 1 : 0));

    const rate = train.length ? (y.reduce((s, v) => s + v, 0) + 0.5) / (train.length + 1) : 0.5;
    const priorMean = new Float64Array(nParams);
    const priorPrec = new Float64Array(nParams).fill(1 / this.opts.interactionPriorVariance);
    for (let a = 0; a < this.nA; a++) priorPrec[this.bOffset + a] = 1 / this.opts.itemPriorVariance;
    priorPrec[this.affIndex] = 1;
    for (let k = 0; k < this.nPos; k++) {
      priorMean[this.posOffset + k] = Math.log(rate / (1 - rate));
      priorPrec[this.posOffset + k] = 1 / 4;
    }

    // Posterior mode by full-batch Adam: the objective is convex, so plain first-order steps are enough.
    const theta = Float64Array.from(priorMean);
    const m = new Float64Array(nParams);
    const v2 = new Float64Array(nParams);
    const grad = new Float64Array(nParams);
    const lr = 0.05;
    const n = train.length;
    const prob = new Float64Array(n);
    const forward = () => {
      for (let i = 0; i < n; i++) {
        let z = 0;
        for (let p = starts[i]; p < starts[i + 1]; p++) z += theta[col[p]] * val[p];
        prob[i] = sigmoid(z);
      }
    };
    for (let it = 1; it <= this.opts.iterations; it++) {
      forward();
      for (let j = 0; j < nParams; j++) grad[j] = (theta[j] - priorMean[j]) * priorPrec[j];
      for (let i = 0; i < n; i++) {
        const e = prob[i] - y[i];
        for (let p = starts[i]; p < starts[i + 1]; p++) grad[col[p]] += e * val[p];
      }
      const c1 = 1 - Math.pow(0.9, it);
      const c2 = 1 - Math.pow(0.999, it);
      for (let j = 0; j < nParams; j++) {
        m[j] = 0.9 * m[j] + 0.1 * grad[j];
        v2[j] = 0.999 * v2[j] + 0.001 * grad[j] * grad[j];
        theta[j] -= (lr * m[j]) / c1 / (sqrt(v2[j] / c2) + 1e-8);
      }
    }
    forward();
    const precision = Float64Array.from(priorPrec);
    for (let i = 0; i < n; i++) {
      const h = prob[i] * (1 - prob[i]);
      for (let p = starts[i]; p < starts[i + 1]; p++) precision[col[p]] += h * val[p] * val[p];
    }
    this.mean = theta;
    this.precision = precision;
    this.slotOrder = Array.from({ length: this.nPos }, (_, k) => k).sort((a, b) => theta[this.posOffset + b] - theta[this.posOffset + a]);
    this.drawPosterior(items);
  }

  // One set of draws for all rows (common random numbers), so differences between rows are not Monte Carlo noise.
  private drawPosterior(items: { idx: Int32Array; val: Float64Array }[]): void {
    const S = this.opts.mcSamples;
    const rng = new Rng(this.opts.seed);
    const dU = this.du + 1;
    const nA = this.nA;
    this.itemSide = new Float64Array(S * dU * nA);
    this.affDraws = new Float64Array(S);
    const draw = new Float64Array(this.mean.length);
    for (let s = 0; s < S; s++) {
      for (let j = 0; j < draw.length; j++) draw[j] = this.mean[j] + rng.normal() / sqrt(this.precision[j]);
      for (let j = 0; j < dU; j++) {
        for (let a = 0; a < nA; a++) {
          const it = items[a];
          let z = j === 0 ? draw[this.bOffset + a] : 0;
          for (let q = 0; q < it.idx.length; q++) if (j !== 0 || it.idx[q] !== 0) z += draw[this.wIndex(j, it.idx[q])] * it.val[q];
          this.itemSide[(s * dU + j) * nA + a] = z;
        }
      }
      this.affDraws[s] = draw[this.affIndex];
    }
  }

  // Cached per distinct context: OBD has about 500 in 3,000 rows.
  private slateProbabilities(row: LoggedRow): Float64Array {
    const u = augmented(row.context);
    const aff = row.actionContext;
    const key = `${Array.from(u.idx).join(',')}|${Array.from(u.val).join(',')}|${aff ? aff.join(',') : ''}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const { nA, nPos } = this;
    const S = this.opts.mcSamples;
    const dU = this.du + 1;
    const counts = new Float64Array(nPos * nA);
    const score = new Float64Array(nA);
    const taken = new Uint8Array(nA);
    const logAff = aff ? Float64Array.from(aff, (x) => log1p(x > 0 ? x : 0)) : null;
    const filled = Math.min(nPos, nA);
    for (let s = 0; s < S; s++) {
      const base = s * dU * nA;
      for (let a = 0; a < nA; a++) score[a] = this.itemSide[base + a] + (logAff ? this.affDraws[s] * logAff[a] : 0);
      for (let p = 1; p < u.idx.length; p++) {
        const o = base + u.idx[p] * nA;
        const x = u.val[p];
        for (let a = 0; a < nA; a++) score[a] += x * this.itemSide[o + a];
      }
      taken.fill(0);
      for (let r = 0; r < filled; r++) {
        let best = -1;
        for (let a = 0; a < nA; a++) if (!taken[a] && (best < 0 || score[a] > score[best])) best = a;
        taken[best] = 1;
        counts[this.slotOrder[r] * nA + best] += 1;
      }
    }
    const eps = this.opts.explore;
    const out = new Float64Array(nPos * nA);
    for (let k = 0; k < nPos; k++) {
      // Positions beyond the catalogue size are never filled by a ranking; only the uniform part reaches them.
      const shown = k < filled ? S : 0;
      for (let a = 0; a < nA; a++) out[k * nA + a] = shown ? (1 - eps) * (counts[k * nA + a] / S) + eps / nA : 1 / nA;
    }
    this.cache.set(key, out);
    return out;
  }

  // Monte Carlo estimates from S shared posterior draws: unbiased, standard error (1 − ε)·√(p(1 − p)/S) ≤ (1 − ε)/(2√S).
  actionProbabilities(rows: readonly LoggedRow[], _meta?: DatasetMeta): Float64Array[] {
    const { nA } = this;
    const S = this.opts.mcSamples;
    const eps = this.opts.explore;
    this.loggedSe = [];
    return rows.map((row) => {
      const slate = this.slateProbabilities(row);
      const probs = slate.slice(row.position * nA, (row.position + 1) * nA);
      const pTs = (probs[row.action] - eps / nA) / (1 - eps || 1);
      this.loggedSe.push((1 - eps) * sqrt((pTs > 0 && pTs < 1 ? pTs * (1 - pTs) : 0) / S));
      return probs;
    });
  }

  describe(): Record<string, unknown> {
    const S = this.opts.mcSamples;
    const meanSe = this.loggedSe.length ? this.loggedSe.reduce((s, v) => s + v, 0) / this.loggedSe.length : null;
    return {
      name: this.name,
      model:
        'Bayesian logistic regression, diagonal Laplace posterior; features [1,user] ⊗ [1,item] + per-item term + log1p(affinity) + position (training only)',
      ...this.opts,
      slotOrder: this.slotOrder,
      monteCarlo: {
        samples: S,
        maxStdError: (1 - this.opts.explore) / (2 * Math.sqrt(S)),
        meanStdErrorOfLoggedItemProbability: meanSe,
        note: 'each probability is an unbiased Monte Carlo estimate from S posterior draws shared by all rows',
      },
    };
  }
}
