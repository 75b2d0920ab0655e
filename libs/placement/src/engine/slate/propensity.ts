/**
 * Each entry's propensity: the exact probability of its random-slot part, plus the Rao-Blackwellised Monte Carlo
 * estimate of the Thompson fill's part over replays of the construction (see docs/placement-engine.md).
 */
import { mix32, normCdf } from '../math';
import { SeededRandom } from '../random';
import * as constructModule from './construct';
import * as planModule from './plan';
import type { Plan } from './plan';
import type { SlateEntry, SlateLog } from './types';
import * as typesModule from './types';
import * as workspaceModule from './workspace';

// Bound once: hot loops then make no global lookups (slow inside sandboxes such as Jest's; see platform-core's random.ts).
const { floor, max, min, sqrt } = Math;
// Imports copied to module constants: compiled to CommonJS, every use of an import is a property getter on the
// exporting module, too slow for hot loops.
const cdf = normCdf;
const NEG_INF = Number.NEGATIVE_INFINITY;
const POS_INF = Number.POSITIVE_INFINITY;
const F64 = Float64Array;
const I32 = Int32Array;
const U8 = Uint8Array;
const { R_NONE, R_PERS, R_TEST, R_EXPL, R_PIN } = typesModule;
const { construct, violates } = constructModule;
const { floorVariant } = planModule;
const { ws } = workspaceModule;

// Work cap for the Monte Carlo part: replays × plausible candidates scored.
const MAX_SCORED_PER_PROPENSITY = 3_000;
export const MIN_REPLAYS = 8;

// The two rows of exactRandomPart's dynamic programme, reused across calls (the engine is synchronous).
let dpRow = new F64(8);
let dpNext = new F64(8);

/** P(a floor draw at position j picks item i): 1 / its pool's size, 0 where i is not in that pool. */
function floorHit(j: number, blockN: number, inTest: boolean, excl: number): number {
  const v = floorVariant(j, blockN);
  if ((v & 1 && inTest) || (v & 2 && excl)) return 0;
  return ws.floorSize[v] > 0 ? 1 / ws.floorSize[v] : 0;
}

/** P(a test draw at position j picks item i): its pacing weight over the pool's total. */
function testHit(j: number, blockN: number, inTest: boolean, excl: number, w: number): number {
  if (!inTest || !(w > 0)) return 0;
  const v = j <= blockN ? 1 : 0;
  if (v && excl) return 0;
  return ws.testTotal[v] > 0 ? w / ws.testTotal[v] : 0;
}

/** P(item i drawn by a random slot at position k, and not drawn earlier), exactly, by a DP over the cap count. */
function exactRandomPart(p: Plan, i: number, k: number): number {
  const { pool, pF, pT, blockN, capL, pinnedAt } = p;
  const elig = ws.eligible[i] && !ws.pinned[i];
  if (!elig) return 0;
  const inTest = pool.inTest[i] === 1;
  const w = pool.testWeight[i];
  const excl = ws.blockExcl[i];
  const capped = capL < blockN;
  const L = capped ? capL : 0;
  if (dpRow.length < L + 1) {
    dpRow = new F64(L + 1);
    dpNext = new F64(L + 1);
  }
  // dist[c]: P(c random slots so far in the first n, and item i not drawn yet).
  let dist = dpRow;
  let next = dpNext;
  dist.fill(0, 0, L + 1);
  dist[0] = 1;
  for (let j = 1; j < k; j++) {
    if (pinnedAt[j] >= 0 || (pF[j] === 0 && pT[j] === 0)) continue;
    const f = pF[j];
    const t = pT[j];
    const miss = f * (1 - floorHit(j, blockN, inTest, excl)) + t * (1 - testHit(j, blockN, inTest, excl, w));
    if (!capped || j > blockN) {
      for (let c = 0; c <= L; c++) dist[c] *= miss + (1 - f - t);
      continue;
    }
    next.fill(0, 0, L + 1);
    for (let c = 0; c <= L; c++) {
      if (c === L) next[c] += dist[c];
      else {
        next[c + 1] += dist[c] * miss;
        next[c] += dist[c] * (1 - f - t);
      }
    }
    const swap = dist;
    dist = next;
    next = swap;
  }
  const hit = pF[k] * floorHit(k, blockN, inTest, excl) + pT[k] * testHit(k, blockN, inTest, excl, w);
  let total = 0;
  for (let c = 0; c <= L; c++) if (!(capped && k <= blockN && c === L)) total += dist[c];
  return total * hit;
}

export function fillPropensities(p: Plan, surface: SlateLog['surface'], seed: number, item: Int32Array, reason: Uint8Array, entries: SlateEntry[]): number {
  const N = p.positions;
  const pool = p.pool;
  // Items in a running test never reach personalised ranking unless leftovers are possible, so their
  // propensity is exact; everything else needs the Monte Carlo part for "put here by the Thompson fill".
  const leftoverPossible = p.personalizedCount < N;
  const need = new U8(N + 1);
  let anyNeed = false;
  for (let k = 1; k <= N; k++) {
    const i = item[k];
    if (i < 0 || reason[k] === R_PIN) continue;
    if (!pool.inTest[i] || leftoverPossible) {
      need[k] = 1;
      anyNeed = true;
    }
  }
  let replays = 0;
  const sum = new F64(N + 1);
  const sumSq = new F64(N + 1);
  // Each replay is Rao-Blackwellised: given everything but the served item's own noise, the fill (a sort, or
  // the greedy walk down the sorted list under a diversity rule) puts the item at k exactly when its score falls
  // in an interval bounded by other items' scores, whose probability is a difference of two normal CDFs.
  if (anyNeed) {
    const perReplay = max(1, p.plausible) + 2 * N;
    replays = max(MIN_REPLAYS, min(surface.propensityReplays, floor(MAX_SCORED_PER_PROPENSITY / perReplay)));
    const rng = new SeededRandom(mix32(seed, 0x70b5e11));
    const rItem = new I32(N + 1);
    const rReason = new U8(N + 1);
    const touched = new I32(N + 1);
    const sorted = p.gStart === null;
    for (let r = 0; r < replays; r++) {
      construct(p, rng, rItem, rReason, touched);
      if (sorted) prepareSorted(p, rItem, rReason);
      for (let k = 1; k <= N; k++) {
        if (!need[k]) continue;
        const v = sorted ? conditionalSorted(item[k], k, rItem, rReason) : conditionalAt(p, item[k], k, rItem, rReason);
        sum[k] += v;
        sumSq[k] += v * v;
      }
    }
  }
  for (const e of entries) {
    const k = e.position;
    if (reason[k] === R_PIN) continue;
    const exact = exactRandomPart(p, item[k], k);
    if (!need[k]) {
      e.propensity = exact;
      e.propensityError = 0;
      continue;
    }
    const mean = sum[k] / replays;
    const variance = max(0, sumSq[k] / replays - mean * mean) * (replays / (replays - 1));
    e.propensity = exact + mean;
    // The floor keeps a stated error above zero when every replay happened to agree.
    e.propensityError = max(sqrt(variance / replays), 1 / (4 * replays * replays));
  }
  return replays;
}

/**
 * P(item i is put at k by the Thompson fill | this replay's draws except i's own noise), or, in the rare replays
 * where the fill leaves the sorted prefix before k (a rescan, a relaxed diversity cap, a leftover), the 0/1
 * indicator of where it actually landed. Which of the two is used depends only on the other items, so the
 * average stays unbiased.
 *
 * The others-only fill (the same greedy walk with i left out) is simulated position by position; until i is
 * picked the real fill is identical to it. So i lands at k iff i may take k (its groups are not at their cap),
 * its score is above L_k (the others-only pick at k), and below L_j at every earlier fill position j it
 * could have taken: P = Φ((U − m)/σ) − Φ((L_k − m)/σ) with U = min of those L_j.
 */
function conditionalAt(p: Plan, i: number, k: number, rItem: Int32Array, rReason: Uint8Array): number {
  const rk = rReason[k];
  if (rk !== R_PERS && rk !== R_NONE) return 0;
  const indicator = rItem[k] === i && rk === R_PERS ? 1 : 0;
  const q = ws.qOf[i];
  // Not plausible for this request: only a leftover can place it.
  if (q < 0) return indicator;
  const N = p.positions;
  const st = ws.nextStamp();
  const stamp = ws.stamp;
  for (let j = 1; j <= N; j++) {
    const r = rReason[j];
    if (r === R_EXPL || r === R_TEST) {
      // Placed by a random slot in this replay: the fill never sees it.
      if (rItem[j] === i) return 0;
      stamp[rItem[j]] = st;
    }
  }
  const { topQ, score, plaus } = ws;
  const hs = ws.lastHs;
  let qPos = -1;
  for (let t = 0; t < hs; t++) {
    if (topQ[t] === q) {
      qPos = t;
      break;
    }
  }
  // The others' sorted prefix: when the prefix is not complete, its last other item might have been pushed out
  // by i, so only the first hs − 1 others count (the same whatever i's own score).
  const limit = ws.lastComplete ? hs : hs - 1;
  const capped = p.gStart !== null;
  const counts = ws.groupTmp;
  const gStart = p.gStart;
  const gIds = p.gIds;
  if (capped) for (let g = 0; g < p.groups; g++) counts[g] = ws.groupStart[g];
  const m = ws.cmu[q];
  const sd = ws.plSd[q];
  const pruned = score[q] === NEG_INF;
  let upper = POS_INF;
  let ptr = 0;
  for (let j = 1; j <= N; j++) {
    const r = rReason[j];
    if (r !== R_PERS && r !== R_NONE) continue;
    const cappedJ = capped && j <= p.blockN;
    while (ptr < hs && (topQ[ptr] === q || stamp[plaus[topQ[ptr]]] === st)) ptr++;
    let c = -1;
    for (let t = ptr; t < hs; t++) {
      const x = topQ[t];
      if (x === q) continue;
      if (t - (qPos >= 0 && qPos < t ? 1 : 0) >= limit) break;
      const it = plaus[x];
      if (stamp[it] === st || (cappedJ && violates(p, it, counts))) continue;
      c = x;
      break;
    }
    if (c < 0) return indicator;
    const lower = score[c];
    const mayTake = !cappedJ || !violates(p, i, counts);
    if (j === k) {
      if (pruned || !mayTake || upper <= lower) return 0;
      return (upper === POS_INF ? 1 : cdf((upper - m) / sd)) - cdf((lower - m) / sd);
    }
    if (mayTake && lower < upper) upper = lower;
    const ci = plaus[c];
    stamp[ci] = st;
    if (cappedJ && gStart && gIds) for (let g = gStart[ci]; g < gStart[ci + 1]; g++) counts[gIds[g]]++;
  }
  return indicator;
}

/**
 * Without a diversity rule the others-only fill is just the sorted prefix, less the items random slots took,
 * handed out in order to the fill positions. prepareSorted() lays that out once per replay; conditionalSorted()
 * then reads L_k and U (the others' scores just below and above i's slot) in constant time. Same result as
 * conditionalAt().
 */
function prepareSorted(p: Plan, rItem: Int32Array, rReason: Uint8Array): void {
  const N = p.positions;
  const st = ws.nextStamp();
  const { stamp, topQ, plaus, ord, ordT, ordPos, fillIndex } = ws;
  let nf = 0;
  for (let j = 1; j <= N; j++) {
    const r = rReason[j];
    if (r === R_EXPL || r === R_TEST) stamp[rItem[j]] = st;
    fillIndex[j] = r === R_PERS || r === R_NONE ? nf++ : -1;
  }
  let no = 0;
  const hs = ws.lastHs;
  for (let t = 0; t < hs; t++) {
    const q = topQ[t];
    if (stamp[plaus[q]] === st) continue;
    ord[no] = q;
    ordT[no] = t;
    ordPos[q] = no;
    no++;
  }
  ws.ordCount = no;
  ws.ordStamp = st;
}

function conditionalSorted(i: number, k: number, rItem: Int32Array, rReason: Uint8Array): number {
  const rk = rReason[k];
  if (rk !== R_PERS && rk !== R_NONE) return 0;
  const indicator = rItem[k] === i && rk === R_PERS ? 1 : 0;
  const q = ws.qOf[i];
  if (q < 0) return indicator;
  const st = ws.ordStamp;
  // Placed by a random slot in this replay: the fill never sees it.
  if (ws.stamp[i] === st) return 0;
  const { ord, ordT, score, topQ } = ws;
  const hs = ws.lastHs;
  let no = ws.ordCount;
  // i's place in the sorted list, if it is there (ordPos is valid only for entries of this replay's list).
  const pos = ws.ordPos[q];
  const ri = pos < no && ord[pos] === q ? pos : -1;
  // As in conditionalAt: with an incomplete prefix that does not hold i, its last item does not count.
  if (ri < 0 && !ws.lastComplete && no > 0 && ordT[no - 1] === hs - 1 && topQ[hs - 1] !== q) no--;
  const others = ri >= 0 ? no - 1 : no;
  const f = ws.fillIndex[k];
  if (f >= others) return indicator;
  if (score[q] === NEG_INF) return 0;
  const lower = score[ord[ri >= 0 && f >= ri ? f + 1 : f]];
  const upper = f === 0 ? POS_INF : score[ord[ri >= 0 && f - 1 >= ri ? f : f - 1]];
  const m = ws.cmu[q];
  const sd = ws.plSd[q];
  return (upper === POS_INF ? 1 : cdf((upper - m) / sd)) - cdf((lower - m) / sd);
}
