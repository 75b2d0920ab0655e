import { Rng } from '@marquee/platform-core';
import type { BanditDataset, DatasetMeta, LoggedRow, Policy } from './types';

export interface SyntheticWorldOptions {
  nContexts?: number;
  nActions?: number;
  nPositions?: number;
  /** When false the reward depends on (item, position) only, so a context-free reward model is well specified. */
  contextDependentReward?: boolean;
  /** Share of uniform randomness in the logging policy; default 0.2. */
  loggingFloor?: number;
  seed?: number | string;
}

// Small enough that every policy's true value has a closed form, for coverage tests.
export class SyntheticBanditWorld {
  readonly nContexts: number;
  readonly nActions: number;
  readonly nPositions: number;
  readonly meta: DatasetMeta;
  private readonly mu: Float64Array;
  private readonly logging: Float64Array;

  constructor(options: SyntheticWorldOptions = {}) {
    this.nContexts = options.nContexts ?? 5;
    this.nActions = options.nActions ?? 4;
    this.nPositions = options.nPositions ?? 2;
    const floor = options.loggingFloor ?? 0.2;
    const rng = new Rng(options.seed ?? 'synthetic-world');
    const { nContexts: C, nActions: A, nPositions: K } = this;
    const itemRate = Array.from({ length: A }, () => 0.1 + 0.4 * rng.next());
    const posFactor = Array.from({ length: K }, (_, k) => 1 / (1 + 0.5 * k));
    this.mu = new Float64Array(C * A * K);
    this.logging = new Float64Array(C * A * K);
    for (let x = 0; x < C; x++) {
      for (let k = 0; k < K; k++) {
        const pref = Array.from({ length: A }, () => Math.exp(1.5 * rng.normal()));
        const z = pref.reduce((s, v) => s + v, 0);
        for (let a = 0; a < A; a++) {
          const lift = options.contextDependentReward === false ? 1 : 0.5 + rng.next();
          this.mu[this.at(x, a, k)] = Math.min(0.95, itemRate[a] * posFactor[k] * lift);
          this.logging[this.at(x, a, k)] = (1 - floor) * (pref[a] / z) + floor / A;
        }
      }
    }
    this.meta = {
      actionIds: Array.from({ length: A }, (_, a) => `item-${a}`),
      actionFeatures: Array.from({ length: A }, () => []),
      actionFeatureNames: [],
      contextFeatureNames: Array.from({ length: C }, (_, x) => `context=${x}`),
      positionLabels: Array.from({ length: K }, (_, k) => k + 1),
      source: 'synthetic',
    };
  }

  private at(x: number, a: number, k: number): number {
    return (x * this.nPositions + k) * this.nActions + a;
  }

  contextOf(row: LoggedRow): number {
    return row.context.indexOf(1);
  }

  sample(n: number, seed: number | string): BanditDataset {
    const rng = new Rng(seed);
    const { nContexts: C, nActions: A, nPositions: K } = this;
    const rows: LoggedRow[] = [];
    for (let i = 0; i < n; i++) {
      const x = rng.int(C);
      const k = rng.int(K);
      let u = rng.next();
      let a = 0;
      for (; a < A - 1; a++) {
        u -= this.logging[this.at(x, a, k)];
        if (u < 0) break;
      }
      const context = new Array<number>(C).fill(0);
      context[x] = 1;
      rows.push({
        index: i,
        at: i * 1000,
        position: k,
        action: a,
        reward: rng.next() < this.mu[this.at(x, a, k)] ? 1 : 0,
        pscore: this.logging[this.at(x, a, k)],
        context,
      });
    }
    return { ...this.meta, rows };
  }

  value(pi: (x: number, k: number) => ArrayLike<number>): number {
    let v = 0;
    for (let x = 0; x < this.nContexts; x++) {
      for (let k = 0; k < this.nPositions; k++) {
        const p = pi(x, k);
        for (let a = 0; a < this.nActions; a++) v += p[a] * this.mu[this.at(x, a, k)];
      }
    }
    return v / (this.nContexts * this.nPositions);
  }

  // Deliberately unlike the logging policy, so the weights are not all near 1.
  targetPolicy(name = 'target'): Policy & { dist(x: number, k: number): Float64Array } {
    const A = this.nActions;
    const dist = (x: number, k: number) => {
      const p = new Float64Array(A).fill(0.3 / A);
      p[(x + k) % A] += 0.7;
      return p;
    };
    return {
      name,
      dist,
      fit: () => undefined,
      actionProbabilities: (rows: readonly LoggedRow[]) => rows.map((r) => dist(this.contextOf(r), r.position)),
    };
  }
}
