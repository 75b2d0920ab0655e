import type { RandomSource } from '@marquee/platform-core';
import type { DatasetMeta, LoggedRow, RewardModel } from './types';

export interface SmoothedMeanOptions {
  /** Pseudo-impressions pulling each (item, position) mean towards its prior; default 20. */
  cellStrength?: number;
  /** Pseudo-clicks pulling each item's lift towards 1; default 1. */
  liftStrength?: number;
}

// Context-free so it can be refitted on every bootstrap replicate; sparse cells borrow strength from their slot and item.
export class SmoothedMeanRewardModel implements RewardModel {
  readonly name = 'smoothed-mean';
  private readonly cellStrength: number;
  private readonly liftStrength: number;
  private nA = 0;
  private nPos = 0;
  private positions = new Int32Array(0);
  private actions = new Int32Array(0);
  private rewards = new Float64Array(0);
  private table: Float64Array[] = [];

  constructor(options: SmoothedMeanOptions = {}) {
    this.cellStrength = options.cellStrength ?? 20;
    this.liftStrength = options.liftStrength ?? 1;
  }

  fit(train: readonly LoggedRow[], meta: DatasetMeta): void {
    this.nA = meta.actionIds.length;
    this.nPos = meta.positionLabels.length;
    this.positions = Int32Array.from(train, (r) => r.position);
    this.actions = Int32Array.from(train, (r) => r.action);
    this.rewards = Float64Array.from(train, (r) => r.reward);
    this.table = this.fitIndices(null);
  }

  // idx is a bootstrap resample, or null for all rows.
  private fitIndices(idx: Int32Array | null): Float64Array[] {
    const { nA, nPos } = this;
    const n = idx ? idx.length : this.positions.length;
    const cn = new Float64Array(nA * nPos);
    const cr = new Float64Array(nA * nPos);
    let total = 0;
    for (let j = 0; j < n; j++) {
      const i = idx ? idx[j] : j;
      const c = this.positions[i] * nA + this.actions[i];
      cn[c] += 1;
      cr[c] += this.rewards[i];
      total += this.rewards[i];
    }
    const mean = n > 0 ? total / n : 0;
    const posRate = new Float64Array(nPos);
    for (let k = 0; k < nPos; k++) {
      let nk = 0;
      let rk = 0;
      for (let a = 0; a < nA; a++) {
        nk += cn[k * nA + a];
        rk += cr[k * nA + a];
      }
      posRate[k] = (rk + this.cellStrength * mean) / (nk + this.cellStrength);
    }
    const lift = new Float64Array(nA);
    for (let a = 0; a < nA; a++) {
      let expected = 0;
      let observed = 0;
      for (let k = 0; k < nPos; k++) {
        expected += cn[k * nA + a] * posRate[k];
        observed += cr[k * nA + a];
      }
      lift[a] = (observed + this.liftStrength) / (expected + this.liftStrength);
    }
    return Array.from({ length: nPos }, (_, k) => {
      const q = new Float64Array(nA);
      for (let a = 0; a < nA; a++) {
        const prior = posRate[k] * lift[a] < 1 ? posRate[k] * lift[a] : 1;
        const c = k * nA + a;
        q[a] = (cr[c] + this.cellStrength * prior) / (cn[c] + this.cellStrength);
      }
      return q;
    });
  }

  predict(_row: LoggedRow, position: number): Float64Array {
    return this.table[position];
  }

  resampled(rng: RandomSource): RewardModel {
    const n = this.positions.length;
    const idx = new Int32Array(n);
    for (let j = 0; j < n; j++) idx[j] = rng.int(n);
    const copy = Object.create(SmoothedMeanRewardModel.prototype) as SmoothedMeanRewardModel;
    Object.assign(copy, this, { table: this.fitIndices(idx) });
    return copy;
  }

  describe(): Record<string, unknown> {
    return { name: this.name, cellStrength: this.cellStrength, liftStrength: this.liftStrength, uses: 'item × position (no user context)' };
  }
}
