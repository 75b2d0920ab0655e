/**
 * One draw of the whole construction: the random slots, then the Thompson sample that fills the rest best-first under
 * the diversity rule. The served slate is one draw; the propensity replays are more.
 */
import type { SeededRandom } from '../random';
import { gaussian } from '../math';
import * as planModule from './plan';
import type { Plan } from './plan';
import * as typesModule from './types';
import * as workspaceModule from './workspace';

// Bound once: hot loops then make no global lookups (slow inside sandboxes such as Jest's; see platform-core's random.ts).
const { floor, max } = Math;
// Imports copied to module constants: compiled to CommonJS, every use of an import is a property getter on the
// exporting module, too slow for hot loops.
const normal = gaussian;
const NEG_INF = Number.NEGATIVE_INFINITY;
const { R_NONE, R_PERS, R_TEST, R_EXPL, R_PIN } = typesModule;
const { floorVariant, heapPush } = planModule;
const { ws, packedFeatures } = workspaceModule;

/**
 * One draw of the whole construction into outItem/outReason (index = position). Allocates nothing.
 *
 * The random slots and the shared draws are separate functions so that V8's inlining budget for this one goes to
 * the scoring loop's normal draws (a draw returned from a call that is not inlined is a boxed number: garbage).
 */
export function construct(p: Plan, rng: SeededRandom, outItem: Int32Array, outReason: Uint8Array, touched: Int32Array): number {
  const placed = ws.placed;
  const groupCount = ws.groupCount;
  const { positions, blockN } = p;
  let nTouched = randomSlots(p, rng, outItem, outReason, touched);

  // Thompson sample of the plausible candidates' scores, keeping the best `topCap` in a min-heap so that the fill
  // below walks a short sorted prefix instead of rescanning every candidate for every position.
  sharedDraws(p, rng);
  const zNoise = ws.zNoise;
  const K = p.personK;
  const factors = p.factors;
  const pDelta = ws.pDelta;
  const { plaus, plMu, plSd, plWidth, score, topQ, topS, cmu } = ws;
  const pk = packedFeatures(p.pool);
  const plIdx = pk.idx;
  const plVal = pk.val;
  const topCap = p.topCap;
  const stride = p.stride;
  const R = p.openPositions;
  const keyOf = p.keyOf;
  const nq = p.plausible;
  // Conditional means given z: the shared part in chunks of four, then the person's products one by one (this
  // order of additions is part of the replayable policy: it sets the scores' last bits). Items a random slot took
  // are marked after the loop, so the loop itself has no branch.
  if (factors && K === 8) {
    // The default factor dimension, unrolled with δ in locals (the same additions in the same order).
    const d0 = pDelta[0];
    const d1 = pDelta[1];
    const d2 = pDelta[2];
    const d3 = pDelta[3];
    const d4 = pDelta[4];
    const d5 = pDelta[5];
    const d6 = pDelta[6];
    const d7 = pDelta[7];
    for (let q = 0; q < nq; q++) {
      const i = plaus[q];
      let m = plMu[q];
      for (let a = i * stride, end = a + stride; a < end; a += 4) {
        m += plVal[a] * zNoise[plIdx[a]] + plVal[a + 1] * zNoise[plIdx[a + 1]] + plVal[a + 2] * zNoise[plIdx[a + 2]] + plVal[a + 3] * zNoise[plIdx[a + 3]];
      }
      const o = i * 8;
      m += factors[o] * d0;
      m += factors[o + 1] * d1;
      m += factors[o + 2] * d2;
      m += factors[o + 3] * d3;
      m += factors[o + 4] * d4;
      m += factors[o + 5] * d5;
      m += factors[o + 6] * d6;
      m += factors[o + 7] * d7;
      cmu[q] = m;
    }
  } else {
    for (let q = 0; q < nq; q++) {
      const i = plaus[q];
      let m = plMu[q];
      for (let a = i * stride, end = a + stride; a < end; a += 4) {
        m += plVal[a] * zNoise[plIdx[a]] + plVal[a + 1] * zNoise[plIdx[a + 1]] + plVal[a + 2] * zNoise[plIdx[a + 2]] + plVal[a + 3] * zNoise[plIdx[a + 3]];
      }
      if (factors) for (let a = 0, o = i * K; a < K; a++) m += factors[o + a] * pDelta[a];
      cmu[q] = m;
    }
  }
  const qOf = ws.qOf;
  for (let t = 0; t < nTouched; t++) {
    const q = qOf[touched[t]];
    if (q >= 0) cmu[q] = NEG_INF;
  }
  // Per-draw pruning (see plan()): with lb = cmu − h and ub = cmu + h, an item is dropped when R unplaced
  // anchors have lb ≥ its ub (tau: the R-th best anchor lb). With a diversity rule that only keeps it out of the
  // positions after the diversity block (the block takes at most blockN of those R); it must also be kept out of
  // the block, which takes blockN unplaced items of its own diversity key (capped exactly when it is) with
  // lb ≥ its ub (the blockN-th best lb of its key).
  let tau = NEG_INF;
  const gHeap = ws.groupHeap;
  const gSize = ws.heapSize;
  const B = max(1, p.blockN);
  if (p.prune) {
    const anchors = ws.anchors;
    const vals = ws.anchorCmu;
    let nv = 0;
    for (let t = 0; t < p.anchorCount; t++) {
      const q = anchors[t];
      const m = cmu[q];
      if (m === NEG_INF) continue;
      const v = m - plWidth[q];
      let j = nv++;
      while (j > 0 && vals[j - 1] < v) {
        vals[j] = vals[j - 1];
        j--;
      }
      vals[j] = v;
    }
    if (nv >= R) tau = vals[R - 1];
    if (keyOf) {
      for (let t = 0; t < p.keyCount; t++) gSize[t] = 0;
      for (let q = 0; q < nq; q++) {
        const m = cmu[q];
        if (m === NEG_INF) continue;
        const key = keyOf[plaus[q]];
        const sz = gSize[key];
        const v = m - plWidth[q];
        if (sz < B || v > gHeap[key * B]) gSize[key] = heapPush(gHeap, key * B, sz, B, v);
      }
    }
  }
  let hs = 0;
  let scored = 0;
  for (let q = 0; q < nq; q++) {
    const m = cmu[q];
    if (m === NEG_INF) {
      score[q] = NEG_INF;
      continue;
    }
    const reach = m + plWidth[q];
    if (reach <= tau) {
      if (!keyOf) {
        score[q] = NEG_INF;
        continue;
      }
      const key = keyOf[plaus[q]];
      if (gSize[key] >= B && reach <= gHeap[key * B]) {
        score[q] = NEG_INF;
        continue;
      }
    }
    const s = m + plSd[q] * normal(rng);
    score[q] = s;
    scored++;
    if (hs < topCap) {
      let h = hs++;
      while (h > 0) {
        const up = (h - 1) >> 1;
        if (topS[up] <= s) break;
        topS[h] = topS[up];
        topQ[h] = topQ[up];
        h = up;
      }
      topS[h] = s;
      topQ[h] = q;
    } else if (s > topS[0]) {
      let h = 0;
      for (;;) {
        const l = 2 * h + 1;
        if (l >= hs) break;
        const r = l + 1;
        const mm = r < hs && topS[r] < topS[l] ? r : l;
        if (topS[mm] >= s) break;
        topS[h] = topS[mm];
        topQ[h] = topQ[mm];
        h = mm;
      }
      topS[h] = s;
      topQ[h] = q;
    }
  }
  // Heap to descending order (pop the minimum to the back).
  for (let end = hs - 1; end > 0; end--) {
    const ms = topS[0];
    const mq = topQ[0];
    const ls = topS[end];
    const lq = topQ[end];
    let h = 0;
    for (;;) {
      const l = 2 * h + 1;
      if (l >= end) break;
      const r = l + 1;
      const mm = r < end && topS[r] < topS[l] ? r : l;
      if (topS[mm] >= ls) break;
      topS[h] = topS[mm];
      topQ[h] = topQ[mm];
      h = mm;
    }
    topS[h] = ls;
    topQ[h] = lq;
    topS[end] = ms;
    topQ[end] = mq;
  }
  // topQ[0..hs) is now sorted by descending score. It is complete when it holds every scored item; pruned
  // items (score −∞) rank below all.
  const complete = hs === scored;
  for (let k = 1; k <= positions; k++) {
    if (outItem[k] >= 0) continue;
    const capped = k <= blockN && p.gStart !== null;
    let chosen = -1;
    let relaxed = -1;
    for (let t = 0; t < hs; t++) {
      const i = plaus[topQ[t]];
      if (placed[i]) continue;
      if (capped && violates(p, i, groupCount)) {
        if (relaxed < 0) relaxed = i;
        continue;
      }
      chosen = i;
      break;
    }
    if (chosen < 0 && !complete) {
      // The prefix ran out (diversity skipped too many): scan the rest, which ranks below every prefix item.
      let bestS = NEG_INF;
      let relaxedS = NEG_INF;
      let relaxedRest = -1;
      for (let q = 0; q < nq; q++) {
        const i = plaus[q];
        const s = score[q];
        if (placed[i] || s === NEG_INF || s > topS[hs - 1] || (s === topS[hs - 1] && inPrefix(topQ, hs, q))) continue;
        if (capped && violates(p, i, groupCount)) {
          if (relaxed < 0 && s > relaxedS) {
            relaxedS = s;
            relaxedRest = i;
          }
          continue;
        }
        if (s > bestS) {
          bestS = s;
          chosen = i;
        }
      }
      if (relaxed < 0) relaxed = relaxedRest;
    }
    // When the eligible set lacks variety the cap cannot be met; the best item is served rather than a gap.
    if (chosen < 0) chosen = relaxed;
    if (chosen < 0) chosen = leftover(p, k);
    if (chosen < 0) continue;
    placed[chosen] = 1;
    touched[nTouched++] = chosen;
    outItem[k] = chosen;
    outReason[k] = R_PERS;
    if (capped && p.gIds && p.gStart) for (let g = p.gStart[chosen]; g < p.gStart[chosen + 1]; g++) groupCount[p.gIds[g]]++;
  }
  for (let t = 0; t < nTouched; t++) placed[touched[t]] = 0;
  ws.lastHs = hs;
  ws.lastComplete = complete;
  ws.lastScored = scored;
  return nTouched;
}

/** The slot types and random draws of one construction (pins included); returns how many items it placed. */
function randomSlots(p: Plan, rng: SeededRandom, outItem: Int32Array, outReason: Uint8Array, touched: Int32Array): number {
  const { positions, pinnedAt, pF, pT, blockN, capL } = p;
  const placed = ws.placed;
  let nTouched = 0;
  const groupCount = ws.groupCount;
  if (p.gStart) for (let g = 0; g < p.groups; g++) groupCount[g] = p.pinGroupCount[g];
  let c = 0;
  for (let k = 1; k <= positions; k++) {
    const pin = pinnedAt[k];
    if (pin >= 0) {
      outItem[k] = pin;
      outReason[k] = R_PIN;
      continue;
    }
    outItem[k] = -1;
    outReason[k] = R_NONE;
    const u = rng.next();
    const inBlock = k <= blockN;
    if (inBlock && c >= capL) continue;
    let chosen = -1;
    let reason = R_NONE;
    if (u < pF[k]) {
      const v = floorVariant(k, blockN);
      chosen = ws.floorPool[v][floor(rng.next() * ws.floorSize[v])];
      reason = R_EXPL;
    } else if (u < pF[k] + pT[k]) {
      const v = inBlock ? 1 : 0;
      const cum = ws.testCum[v];
      const target = rng.next() * ws.testTotal[v];
      let lo = 0;
      let hi = ws.testSize[v] - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid] > target) hi = mid;
        else lo = mid + 1;
      }
      chosen = ws.testPool[v][lo];
      reason = R_TEST;
    } else continue;
    if (inBlock) c++;
    // A draw that repeats an item already placed leaves the slot to personalised ranking.
    if (placed[chosen]) continue;
    placed[chosen] = 1;
    touched[nTouched++] = chosen;
    outItem[k] = chosen;
    outReason[k] = reason;
    if (k <= blockN && p.gStart && p.gIds) for (let g = p.gStart[chosen]; g < p.gStart[chosen + 1]; g++) groupCount[p.gIds[g]]++;
  }
  if (p.gStart) for (let g = 0; g < p.groups; g++) ws.groupStart[g] = groupCount[g];
  return nTouched;
}

/** One draw of the shared part projected on the user (ws.zNoise) and of the person's vector around its mean (ws.pDelta). */
function sharedDraws(p: Plan, rng: SeededRandom): void {
  const dv = p.state.itemDim;
  const zNoise = ws.zNoise;
  const zSd = ws.zSd;
  for (let k = 0; k < dv; k++) zNoise[k] = zSd[k] * normal(rng);
  const K = p.personK;
  const pDelta = ws.pDelta;
  if (K > 0) {
    // δ = L·ε, the draw of the person's vector around its mean (its mean is already in plMu).
    for (let a = 0; a < K; a++) pDelta[a] = 0;
    for (let c = 0; c < K; c++) {
      const e = normal(rng);
      for (let a = c; a < K; a++) pDelta[a] += ws.pChol[a * K + c] * e;
    }
  }
}

function inPrefix(topQ: Int32Array, hs: number, q: number): boolean {
  for (let t = 0; t < hs; t++) if (topQ[t] === q) return true;
  return false;
}

export function violates(p: Plan, i: number, counts: Int32Array): boolean {
  const gStart = p.gStart as Int32Array;
  const gIds = p.gIds as Int32Array;
  for (let g = gStart[i]; g < gStart[i + 1]; g++) if (counts[gIds[g]] >= p.maxPerGroup) return true;
  return false;
}

// Only reached when fewer personalised candidates than open positions remain (e.g. most items are in tests):
// the first unplaced eligible item in pool order, never a test item at position 1.
function leftover(p: Plan, k: number): number {
  const { pool } = p;
  for (let i = 0; i < p.n; i++) {
    if (!ws.eligible[i] || ws.pinned[i] || ws.placed[i]) continue;
    if (k === 1 && pool.inTest[i]) continue;
    return i;
  }
  return -1;
}
