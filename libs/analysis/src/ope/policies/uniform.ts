import type { DatasetMeta, LoggedRow, Policy } from '../types';

export class UniformPolicy implements Policy {
  readonly name = 'uniform';

  fit(): void {
    // Nothing to learn.
  }

  actionProbabilities(rows: readonly LoggedRow[], meta: DatasetMeta): Float64Array[] {
    const nA = meta.actionIds.length;
    return rows.map(() => new Float64Array(nA).fill(1 / nA));
  }

  describe(): Record<string, unknown> {
    return { name: this.name };
  }
}
