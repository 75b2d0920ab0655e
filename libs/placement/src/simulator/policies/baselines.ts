/** The baselines Marquee is measured against: editorial order, true popularity, ε-greedy and greedy, the per-person oracle. */
import { SeededRandom } from '../../engine/random';
import { SlateReason } from '../../engine/slate';
import { successProbability, Visit, World } from '../world';
import { ServedSlate, SimPolicy, topN } from './policy';

// Bound once: no global lookups in the loops (slow inside Jest's sandbox).
const { floor } = Math;

/** Editorial static order: an editor's judgement of quality, the same for everyone. */
export class EditorialPolicy implements SimPolicy {
  readonly name = 'editorial';
  constructor(
    private world: World,
    private slots: number,
  ) {}
  serve(_v: Visit, live: readonly number[]): ServedSlate {
    const items = topN(live, (i) => this.world.items[i].editorial, this.slots);
    return { items, reasons: items.map(() => null) };
  }
  observe(): void {}
}

/** Global popularity from the true rates: the best order any non-personalised policy can serve. */
export class PopularityPolicy implements SimPolicy {
  readonly name = 'popularity (true rates)';
  constructor(
    private world: World,
    private slots: number,
  ) {}
  serve(_v: Visit, live: readonly number[]): ServedSlate {
    const items = topN(live, (i) => this.world.items[i].trueRate, this.slots);
    return { items, reasons: items.map(() => null) };
  }
  observe(): void {}
}

/** Per-person oracle: each user's true success probabilities at that hour. */
export class OraclePolicy implements SimPolicy {
  readonly name = 'per-person oracle';
  constructor(
    private world: World,
    private slots: number,
  ) {}
  serve(v: Visit, live: readonly number[]): ServedSlate {
    const u = this.world.users[v.user];
    const items = topN(live, (i) => successProbability(this.world, u, this.world.items[i], v.hour), this.slots);
    return { items, reasons: items.map(() => null) };
  }
  observe(): void {}
}

/**
 * Context-free ε-greedy on each item's observed success rate (ε = 0 is plain greedy). Slots are re-ranked from
 * counts every simulated 10 minutes, as a batch system would.
 */
export class EpsilonGreedyPolicy implements SimPolicy {
  readonly name: string;
  private imp = new Float64Array(0);
  private succ = new Float64Array(0);
  private order: number[] = [];
  private orderAt = -1;
  private orderSize = -1;
  private rng: SeededRandom;
  constructor(
    private world: World,
    private slots: number,
    private epsilon: number,
    seed: number,
  ) {
    this.name = epsilon > 0 ? `epsilon-greedy (ε=${epsilon})` : 'greedy (no exploration)';
    this.imp = new Float64Array(world.items.length);
    this.succ = new Float64Array(world.items.length);
    this.rng = new SeededRandom(`eps:${seed}:${epsilon}`);
  }
  private rate(i: number): number {
    // Prior of one success in 12 impressions: a new item starts near a typical rate, as a team would set it.
    return (this.succ[i] + 1) / (this.imp[i] + 12);
  }
  serve(v: Visit, live: readonly number[]): ServedSlate {
    const bucket = floor(v.at / (10 * 60_000));
    if (bucket !== this.orderAt || live.length !== this.orderSize) {
      this.order = topN(live, (i) => this.rate(i), live.length);
      this.orderAt = bucket;
      this.orderSize = live.length;
    }
    const items: number[] = [];
    const used = new Set<number>();
    const reasons: (SlateReason | null)[] = [];
    let next = 0;
    for (let k = 0; k < this.slots && k < live.length; k++) {
      if (this.epsilon > 0 && this.rng.next() < this.epsilon) {
        let i = live[this.rng.int(live.length)];
        while (used.has(i)) i = live[this.rng.int(live.length)];
        items.push(i);
        used.add(i);
        reasons.push('EXPLORATION');
        continue;
      }
      while (used.has(this.order[next])) next++;
      items.push(this.order[next]);
      used.add(this.order[next]);
      reasons.push(null);
    }
    return { items, reasons };
  }
  observe(_v: Visit, slate: ServedSlate, successes: readonly boolean[]): void {
    slate.items.forEach((i, k) => {
      this.imp[i]++;
      if (successes[k]) this.succ[i]++;
    });
  }
}
