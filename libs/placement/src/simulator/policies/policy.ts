/**
 * The contract every simulated placement policy keeps, and the top-N ranking the non-engine policies share (the
 * simulator's loop is in simulate.ts).
 */
import { SlateReason } from '../../engine/slate';
import { SimItem, Visit } from '../world';

export interface ServedSlate {
  items: number[];
  reasons: (SlateReason | null)[];
}

/** A placement policy under simulation. `live` lists the item indices eligible at the time of the visit. */
export interface SimPolicy {
  readonly name: string;
  serve(visit: Visit, live: readonly number[], requestIndex: number): ServedSlate;
  observe(visit: Visit, slate: ServedSlate, successes: readonly boolean[]): void;
  launch?(item: SimItem, at: number): void;
  tick?(at: number): void;
}

export function topN(live: readonly number[], score: (i: number) => number, n: number): number[] {
  if (n < live.length / 4) return topK(live, score, n);
  return live
    .map((i) => ({ i, s: score(i) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, n)
    .map((x) => x.i);
}

// The same order as topN (score descending, then index ascending) by insertion into a short buffer.
function topK(live: readonly number[], score: (i: number) => number, n: number): number[] {
  const idx: number[] = [];
  const val: number[] = [];
  for (const i of live) {
    const v = score(i);
    const m = idx.length;
    if (m === n && (v < val[m - 1] || (v === val[m - 1] && i > idx[m - 1]))) continue;
    let j = m < n ? m : m - 1;
    if (m < n) {
      idx.push(i);
      val.push(v);
    }
    while (j > 0 && (val[j - 1] < v || (val[j - 1] === v && idx[j - 1] > i))) {
      idx[j] = idx[j - 1];
      val[j] = val[j - 1];
      j--;
    }
    idx[j] = i;
    val[j] = v;
  }
  return idx;
}
