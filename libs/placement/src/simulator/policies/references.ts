/**
 * The oracle that spends Marquee's exploration budget (a reference bound), and the exploration slots it shares with
 * the Bayes ceiling in world-model.ts.
 */
import { DEFAULT_TEST_MAX_POSITION } from '../../engine/content-test';
import { crn, DAY_MS, successProbability, Visit, World } from '../world';
import { ServedSlate, SimPolicy, topN } from './policy';

// Bound once: no global lookups in the loops (slow inside Jest's sandbox).
const { floor } = Math;

/**
 * The same exploration spend as Marquee's budget, for the reference policies: at every position a uniform-random
 * live item with probability `floor`, and at positions 2..T (T = min(N, DEFAULT_TEST_MAX_POSITION), where the
 * engine puts content tests) an item launched in the last `maxTestDays` days with probability
 * (budget − floor)·N/(T − 1), drawn from their own common random numbers. A draw that repeats an item already shown
 * leaves the slot to the policy's ranking.
 */
export class ExplorationSlots {
  private recent: number[] = [];
  constructor(
    private world: World,
    private o: { slots: number; budget: number; floor: number; maxTestDays: number },
  ) {}

  fill(visit: Visit, live: readonly number[], requestIndex: number, ranked: readonly number[]): number[] {
    const { world, o } = this;
    const testLast = Math.min(o.slots, DEFAULT_TEST_MAX_POSITION);
    const testPer = testLast > 1 ? ((o.budget - o.floor) * o.slots) / (testLast - 1) : 0;
    const recent = this.recent;
    recent.length = 0;
    const since = visit.at - o.maxTestDays * DAY_MS;
    for (const i of live) if (world.items[i].isNew && world.items[i].launchedAt > since) recent.push(i);
    const items: number[] = [];
    const used = new Set<number>();
    let next = 0;
    for (let k = 0; k < o.slots && k < live.length; k++) {
      const u = crn(world.seed ^ 0x51ab1e, requestIndex, k, 11);
      let pick = -1;
      if (u < o.floor) pick = live[floor(crn(world.seed ^ 0x51ab1e, requestIndex, k, 12) * live.length)];
      else if (k >= 1 && k < testLast && u < o.floor + testPer && recent.length > 0)
        pick = recent[floor(crn(world.seed ^ 0x51ab1e, requestIndex, k, 13) * recent.length)];
      if (pick < 0 || used.has(pick)) {
        while (next < ranked.length && used.has(ranked[next])) next++;
        if (next >= ranked.length) break;
        pick = ranked[next];
      }
      used.add(pick);
      items.push(pick);
    }
    return items;
  }
}

/** Reference: the per-person oracle that also spends Marquee's exploration budget (see ExplorationSlots). */
export class BudgetedOraclePolicy implements SimPolicy {
  readonly name = 'oracle with the exploration budget';
  constructor(
    private world: World,
    private slots: number,
    private explore: ExplorationSlots,
  ) {}
  serve(v: Visit, live: readonly number[], requestIndex: number): ServedSlate {
    const u = this.world.users[v.user];
    const ranked = topN(live, (i) => successProbability(this.world, u, this.world.items[i], v.hour), this.slots + 10);
    const items = this.explore.fill(v, live, requestIndex, ranked);
    return { items, reasons: items.map(() => null) };
  }
  observe(): void {}
}
