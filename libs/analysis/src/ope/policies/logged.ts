import type { DatasetMeta, LoggedRow, Policy } from '../types';

// DM/DR also need π for the items not logged, which the log does not give: 1 − pscore is spread by training frequency.
export class LoggedPolicy implements Policy {
  readonly name = 'logged';
  private freq: Float64Array[] = [];

  fit(train: readonly LoggedRow[], meta: DatasetMeta): void {
    const nA = meta.actionIds.length;
    this.freq = meta.positionLabels.map(() => new Float64Array(nA).fill(1));
    for (const r of train) this.freq[r.position][r.action] += 1;
  }

  actionProbabilities(rows: readonly LoggedRow[], meta: DatasetMeta): Float64Array[] {
    const nA = meta.actionIds.length;
    return rows.map((r) => {
      const f = this.freq[r.position] ?? new Float64Array(nA).fill(1);
      let others = 0;
      for (let a = 0; a < nA; a++) if (a !== r.action) others += f[a];
      const out = new Float64Array(nA);
      const rest = 1 - r.pscore;
      for (let a = 0; a < nA; a++) out[a] = a === r.action ? r.pscore : others > 0 ? (rest * f[a]) / others : 0;
      return out;
    });
  }

  describe(): Record<string, unknown> {
    return {
      name: this.name,
      note: 'logged propensity for the logged item; other items share the rest by their training-part frequency at that position (DM/DR only)',
    };
  }
}
