/**
 * The per-request plan: eligibility and pins, the diversity caps, the random slots' pools and probabilities, the
 * user's projection and the pruning of candidates; everything deterministic that construct() then draws from.
 */
import { CandidatePool, resolveSlots } from '../candidates';
import { ITEM_LAYOUT } from '../features';
import { normCdf, normInv } from '../math';
import { EngineState, thompsonScaleOf } from '../model';
import type { DiversityRule, Slate, SlateLog, SlateRequest } from './types';
import * as workspaceModule from './workspace';
import type { PackedFeatures } from './workspace';

// Bound once: hot loops then make no global lookups (slow inside sandboxes such as Jest's; see platform-core's random.ts).
const { max, min, sqrt } = Math;
// Imports copied to module constants: compiled to CommonJS, every use of an import is a property getter on the
// exporting module, too slow for hot loops.
const BIAS = ITEM_LAYOUT.bias;
const NEG_INF = Number.NEGATIVE_INFINITY;
const POS_INF = Number.POSITIVE_INFINITY;
// Rates a history shift works within, so that a long history cannot make a score infinite.
const HISTORY_RATE_MIN = 0.0001;
const HISTORY_RATE_MAX = 0.9999;
const SQRT2 = Math.SQRT2;
const MAX_INT = Number.MAX_SAFE_INTEGER;
const F64 = Float64Array;
const I32 = Int32Array;
const { ws, packedFeatures, poolFactors, poolFactorNorms, poolOwnTerms, ANCHOR_SLACK, TOP_SLACK } = workspaceModule;

/**
 * Pruning width: a candidate is dropped when at least R other candidates beat it by PRUNE_SD standard deviations
 * of the score difference (see docs/placement-engine.md, "Pruning").
 */
const PRUNE_SD = 4.5;
const MAX_RANDOM_PER_SLOT = 0.9;

/**
 * Candidate retrieval: above this many personalisable candidates (eligible, not pinned, not in a test) the plan
 * scores only a shortlist of the RETRIEVAL_KEEP with the best optimistic score, the posterior mean (a dot product of
 * the user's projection and person vector with the item's features, own term and factors) plus RETRIEVAL_SPREAD
 * times an upper bound on the sd of its Thompson draw. Random and test slots still draw from every candidate.
 */
export const RETRIEVAL_ABOVE = 2_000;
export const RETRIEVAL_KEEP = 1_000;
const RETRIEVAL_SPREAD = 2;

/** Per-request plan: everything deterministic that construct() needs. */
export interface Plan {
  pool: CandidatePool;
  state: EngineState;
  n: number;
  positions: number;
  pinnedAt: Int32Array;
  pF: Float64Array;
  pT: Float64Array;
  blockN: number;
  capL: number;
  maxPerGroup: number;
  gStart: Int32Array | null;
  gIds: Int32Array | null;
  groups: number;
  pinGroupCount: Int32Array;
  plausible: number;
  personalizedCount: number;
  /** Personalisable candidates scored (the shortlist's size when retrieval applied). */
  retrieved: number;
  /** Whether the shortlist applied (more than RETRIEVAL_ABOVE personalisable candidates, retrieval not off). */
  shortlisted: boolean;
  topCap: number;
  openPositions: number;
  stride: number;
  anchorCount: number;
  keyOf: Int32Array | null;
  keyCount: number;
  /** Per-draw pruning on (pruning may still not bite when there are too few candidates). */
  prune: boolean;
  /** Factor dimension of the person's collaborative term (0: none), and the candidates' factors (pool order). */
  personK: number;
  factors: Float64Array | null;
}

export function floorVariant(k: number, blockN: number): number {
  return (k === 1 ? 1 : 0) | (k <= blockN ? 2 : 0);
}

export function heapPush(h: Float64Array, base: number, size: number, cap: number, v: number): number {
  // Min-heap of the `cap` largest values seen so far, stored at h[base .. base+cap).
  if (size < cap) {
    let i = size;
    h[base + i] = v;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[base + p] <= h[base + i]) break;
      const t = h[base + p];
      h[base + p] = h[base + i];
      h[base + i] = t;
      i = p;
    }
    return size + 1;
  }
  if (v <= h[base]) return size;
  h[base] = v;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < cap && h[base + l] < h[base + m]) m = l;
    if (r < cap && h[base + r] < h[base + m]) m = r;
    if (m === i) break;
    const t = h[base + m];
    h[base + m] = h[base + i];
    h[base + i] = t;
    i = m;
  }
  return size;
}

export function plan(
  state: EngineState,
  pool: CandidatePool,
  req: SlateRequest,
  surface: SlateLog['surface'],
  testShare: number,
  ignoredPins: Slate['stats']['ignoredPins'],
): Plan {
  const n = pool.size;
  const dv = state.itemDim;
  const div = surface.diversity;
  const groups = div ? (div.by === 'kind' ? pool.kindGroupCount : pool.topicGroupCount) : 0;
  const keys = div ? (div.by === 'kind' ? pool.kindGroupCount : pool.topicSetCount) : 0;
  ws.ensure(n, dv, max(1, groups), max(1, keys), surface.slots);
  resolveSlots(pool, state);
  const { positions, pinnedAt } = eligibleAndPinned(pool, req, surface, ignoredPins);
  const { gStart, gIds, blockN, pinGroupCount, capL, maxPerGroup } = diversityCaps(pool, div, groups, positions, pinnedAt);
  fillRandomPools(pool);
  const { pF, pT } = slotProbabilities(surface, testShare, positions, pinnedAt, div, blockN, capL);
  const ts = projectUser(state, req);
  markHistory(pool, req);
  // R: the open positions, which set the pruning rule's count.
  let free2 = 0;
  for (let k = 1; k <= positions; k++) if (pinnedAt[k] < 0) free2++;
  const R = max(1, free2);
  const keyOf = div ? (div.by === 'kind' ? pool.kindGroup : pool.topicSet) : null;
  const moments = scoreMoments(state, pool, req, R, ts);
  const { personalizedCount, pk, factors, pkDim } = moments;
  const plausible = prunePerRequest(pool, req, R, keyOf, keys, moments);
  const retrieved = moments.personalizedCount;
  const anchorCount = drawWidths(plausible, R);

  return {
    pool,
    state,
    n,
    positions,
    pinnedAt,
    pF,
    pT,
    blockN,
    capL,
    maxPerGroup,
    gStart,
    gIds,
    groups,
    pinGroupCount,
    plausible,
    personalizedCount,
    retrieved,
    shortlisted: moments.shortlisted,
    topCap: min(plausible, R + TOP_SLACK),
    openPositions: R,
    stride: pk.stride,
    anchorCount,
    keyOf,
    keyCount: keys,
    prune: req.pruning !== false,
    personK: pkDim,
    factors,
  };
}

// Marks the request's history (SlateHistory) on the pool's candidates in ws.histE/histS, clearing the previous
// request's marks. Entries for items not in the pool, or with no (or no finite) exposure, are ignored.
function markHistory(pool: CandidatePool, req: SlateRequest): void {
  const { histE, histS, histList } = ws;
  for (let t = 0; t < ws.histCount; t++) {
    histE[histList[t]] = 0;
    histS[histList[t]] = 0;
    ws.histShift[histList[t]] = 0;
  }
  ws.histCount = 0;
  const h = req.history;
  if (!h || !(h.kappa > 0) || !Number.isFinite(h.kappa)) return;
  ws.histKappa = h.kappa;
  const count = min(h.itemIds.length, h.exposure.length, h.successes.length);
  for (let t = 0; t < count; t++) {
    const i = pool.index.get(h.itemIds[t]);
    const e = h.exposure[t];
    const s = h.successes[t];
    if (i === undefined || !(e > 0) || !Number.isFinite(e) || !(s >= 0) || !Number.isFinite(s) || histE[i] > 0) continue;
    histE[i] = e;
    histS[i] = s;
    histList[ws.histCount++] = i;
  }
}

/**
 * The score mean μ of an item the person has history with: the model's rate for them, r = Φ(μ/β), is a prior worth
 * κ examined impressions against their own e examined impressions and s successes, and the mean moves to the probit
 * of the posterior rate (s + κr)/(e + κ). Within [0.0001, 0.9999], so a long history cannot make it infinite.
 */
/**
 * The shift of each history item's score mean (ws.histShift; see SlateHistory). With μᵢ the model's mean for this
 * person (shared part, person term, own term) and rᵢ = Φ(μᵢ/β): the model's rates are first calibrated to the
 * person's own history, a = (Σs + κ)/(Σe·r + κ) over their history items among the personalisable candidates, so
 * that having been shown an item is neither a plus nor a minus in itself; then each item's rate becomes the
 * posterior mean (sᵢ + κ·a·rᵢ)/(eᵢ + κ), and its mean moves by the difference of the two in probit units.
 */
function historyShifts(state: EngineState, pool: CandidatePool, pk: PackedFeatures, factors: Float64Array | null, pkDim: number): void {
  const { histList, histE, histS, histShift, eligible, pinned, zMean, pMean } = ws;
  const { inTest, slot } = pool;
  const { idx: pIdx, val: pVal, bias: pBias } = pk;
  const pStride = pk.stride;
  const beta = state.config.probitNoise;
  const kappa = ws.histKappa;
  const rate = ws.histRate;
  let sumS = 0;
  let sumER = 0;
  for (let t = 0; t < ws.histCount; t++) {
    const i = histList[t];
    rate[t] = -1;
    if (!eligible[i] || pinned[i] || inTest[i]) continue;
    let m = pBias[i] * zMean[BIAS];
    for (let a = i * pStride, end = a + pStride; a < end; a++) m += pVal[a] * zMean[pIdx[a]];
    if (factors) for (let a = 0, o = i * pkDim; a < pkDim; a++) m += factors[o + a] * pMean[a];
    const sl = slot[i];
    m += sl >= 0 ? state.itemMean[sl] : 0;
    const r = normCdf(m / beta);
    rate[t] = r;
    sumS += histS[i];
    sumER += histE[i] * r;
  }
  const cal = (sumS + kappa) / (sumER + kappa);
  for (let t = 0; t < ws.histCount; t++) {
    const i = histList[t];
    if (rate[t] < 0) {
      histShift[i] = 0;
      continue;
    }
    const target = min(HISTORY_RATE_MAX, max(HISTORY_RATE_MIN, cal * rate[t]));
    const post = min(HISTORY_RATE_MAX, max(HISTORY_RATE_MIN, (histS[i] + kappa * target) / (histE[i] + kappa)));
    histShift[i] = beta * (normInv(post) - normInv(target));
  }
}

// Resets the request's marks, applies its eligibility mask and places the pins that can be honoured; the others are
// reported rather than failing the request.
function eligibleAndPinned(
  pool: CandidatePool,
  req: SlateRequest,
  surface: SlateLog['surface'],
  ignoredPins: Slate['stats']['ignoredPins'],
): { positions: number; pinnedAt: Int32Array } {
  const n = pool.size;
  const { eligible, pinned, placed, blockExcl } = ws;
  let eligibleCount = n;
  pinned.fill(0, 0, n);
  placed.fill(0, 0, n);
  blockExcl.fill(0, 0, n);
  ws.qOf.fill(-1, 0, n);
  if (req.eligible) {
    const mask = req.eligible;
    eligibleCount = 0;
    for (let i = 0; i < n; i++) {
      const e = mask[i] ? 1 : 0;
      eligible[i] = e;
      eligibleCount += e;
    }
  } else eligible.fill(1, 0, n);
  const positions = min(surface.slots, eligibleCount);
  const pinnedAt = new I32(positions + 1).fill(-1);
  for (const pin of surface.pins) {
    const i = pool.index.get(pin.itemId);
    if (!(pin.position >= 1 && pin.position <= positions)) ignoredPins.push({ ...pin, why: `position is outside 1..${positions}` });
    else if (i === undefined || !eligible[i]) ignoredPins.push({ ...pin, why: 'item is not an eligible candidate for this request' });
    else if (pinned[i]) ignoredPins.push({ ...pin, why: 'item is already pinned at another position' });
    else if (pinnedAt[pin.position] >= 0) ignoredPins.push({ ...pin, why: 'another pin holds this position' });
    else {
      pinnedAt[pin.position] = i;
      pinned[i] = 1;
    }
  }
  return { positions, pinnedAt };
}

interface DiversityCaps {
  gStart: Int32Array | null;
  gIds: Int32Array | null;
  blockN: number;
  pinGroupCount: Int32Array;
  capL: number;
  maxPerGroup: number;
}

function diversityCaps(pool: CandidatePool, div: DiversityRule | null, groups: number, positions: number, pinnedAt: Int32Array): DiversityCaps {
  const n = pool.size;
  const blockExcl = ws.blockExcl;
  const gStart = div ? (div.by === 'kind' ? pool.kindStart : pool.topicStart) : null;
  const gIds = div ? (div.by === 'kind' ? pool.kindGroup : pool.topicGroup) : null;
  const blockN = div ? min(div.withinFirst, positions) : 0;
  const pinGroupCount = new I32(max(1, groups));
  let capL = MAX_INT;
  const maxPerGroup = div ? div.maxPerGroup : MAX_INT;
  if (div && gStart && gIds) {
    for (let k = 1; k <= blockN; k++) {
      const i = pinnedAt[k];
      if (i < 0) continue;
      for (let g = gStart[i]; g < gStart[i + 1]; g++) pinGroupCount[gIds[g]]++;
    }
    // Random slots in the first n may not push a group over its cap: groups the pins already fill are excluded
    // from those draws, and at most capL random slots fall in the first n, so no mix of draws can overflow.
    let maxPins = 0;
    for (let g = 0; g < groups; g++) if (pinGroupCount[g] < maxPerGroup && pinGroupCount[g] > maxPins) maxPins = pinGroupCount[g];
    capL = maxPerGroup - maxPins;
    for (let i = 0; i < n; i++) {
      for (let g = gStart[i]; g < gStart[i + 1]; g++) {
        if (pinGroupCount[gIds[g]] >= maxPerGroup) {
          blockExcl[i] = 1;
          break;
        }
      }
    }
  }
  return { gStart, gIds, blockN, pinGroupCount, capL, maxPerGroup };
}

// Pools for the random draws, one per position variant (position 1 excludes tests; the first n exclude groups
// the pins fill).
function fillRandomPools(pool: CandidatePool): void {
  const n = pool.size;
  const { eligible, pinned, blockExcl } = ws;
  const fs = ws.floorSize;
  fs.fill(0);
  ws.testSize.fill(0);
  ws.testTotal.fill(0);
  const [fp0, fp1, fp2, fp3] = ws.floorPool;
  let f0 = 0;
  let f1 = 0;
  let f2 = 0;
  let f3 = 0;
  const { inTest, testWeight } = pool;
  for (let i = 0; i < n; i++) {
    if (!eligible[i] || pinned[i]) continue;
    const t = inTest[i];
    const x = blockExcl[i];
    fp0[f0++] = i;
    if (!t) fp1[f1++] = i;
    if (!x) fp2[f2++] = i;
    if (!t && !x) fp3[f3++] = i;
    if (t && testWeight[i] > 0) {
      const w = testWeight[i];
      ws.testTotal[0] += w;
      ws.testPool[0][ws.testSize[0]] = i;
      ws.testCum[0][ws.testSize[0]++] = ws.testTotal[0];
      if (!x) {
        ws.testTotal[1] += w;
        ws.testPool[1][ws.testSize[1]] = i;
        ws.testCum[1][ws.testSize[1]++] = ws.testTotal[1];
      }
    }
  }
  fs[0] = f0;
  fs[1] = f1;
  fs[2] = f2;
  fs[3] = f3;
}

// Slot-type probabilities: the floor spread over every unpinned position, tests over 2..testMaxPosition, so
// that the expected number of random slots is (floor + testShare) × positions.
function slotProbabilities(
  surface: SlateLog['surface'],
  testShare: number,
  positions: number,
  pinnedAt: Int32Array,
  div: DiversityRule | null,
  blockN: number,
  capL: number,
): { pF: Float64Array; pT: Float64Array } {
  const fs = ws.floorSize;
  const pF = new F64(positions + 1);
  const pT = new F64(positions + 1);
  let free = 0;
  let testFree = 0;
  const testLast = min(positions, surface.testMaxPosition);
  for (let k = 1; k <= positions; k++) {
    if (pinnedAt[k] >= 0) continue;
    free++;
    if (k >= 2 && k <= testLast) testFree++;
  }
  const hasTests = ws.testSize[0] > 0;
  const floorPer = free > 0 ? min(MAX_RANDOM_PER_SLOT, (surface.randomFloor * positions) / free) : 0;
  const testPer = hasTests && testFree > 0 ? (testShare * positions) / testFree : 0;
  for (let k = 1; k <= positions; k++) {
    if (pinnedAt[k] >= 0) continue;
    const fv = floorVariant(k, blockN);
    pF[k] = fs[fv] > 0 ? floorPer : 0;
    const tv = k <= blockN ? 1 : 0;
    pT[k] = k >= 2 && k <= testLast && ws.testSize[tv] > 0 ? min(testPer, MAX_RANDOM_PER_SLOT - pF[k]) : 0;
  }
  if (div && capL < blockN) {
    // The cap on random slots in the first n lowers their expected number; move the shortfall further down so
    // the expected spend still matches the budget.
    let dist = new F64(capL + 1);
    dist[0] = 1;
    let wantF = 0;
    let wantT = 0;
    let gotF = 0;
    let gotT = 0;
    for (let k = 1; k <= blockN; k++) {
      if (pinnedAt[k] >= 0) continue;
      wantF += pF[k];
      wantT += pT[k];
      const next = new F64(capL + 1);
      for (let c = 0; c <= capL; c++) {
        if (dist[c] === 0) continue;
        if (c === capL) {
          next[c] += dist[c];
          continue;
        }
        gotF += dist[c] * pF[k];
        gotT += dist[c] * pT[k];
        next[c + 1] += dist[c] * (pF[k] + pT[k]);
        next[c] += dist[c] * (1 - pF[k] - pT[k]);
      }
      dist = next;
    }
    let nbF = 0;
    let nbT = 0;
    for (let k = blockN + 1; k <= positions; k++) {
      if (pinnedAt[k] >= 0) continue;
      if (pF[k] > 0) nbF++;
      if (pT[k] > 0) nbT++;
    }
    for (let k = blockN + 1; k <= positions; k++) {
      if (pinnedAt[k] >= 0) continue;
      if (pF[k] > 0 && nbF > 0) pF[k] = min(MAX_RANDOM_PER_SLOT, pF[k] + (wantF - gotF) / nbF);
      if (pT[k] > 0 && nbT > 0) pT[k] = min(MAX_RANDOM_PER_SLOT - pF[k], pT[k] + (wantT - gotT) / nbT);
    }
  }
  return { pF, pT };
}

// Posterior of the shared part projected on this user: z = uᵀW has independent coordinates under the
// diagonal posterior, so it is sampled directly (dv normals instead of du·dv). Thompson sampling draws from the
// posterior with its spread scaled by `thompsonScale` (see ModelConfig).
// Returns the Thompson scale it applied.
function projectUser(state: EngineState, req: SlateRequest): number {
  const dv = state.itemDim;
  const du = state.userDim;
  const zMean = ws.zMean;
  const zSd = ws.zSd;
  for (let k = 0; k < dv; k++) {
    zMean[k] = 0;
    zSd[k] = 0;
  }
  for (let j = 0; j < du; j++) {
    const u = req.user[j];
    if (u === 0) continue;
    const row = j * dv;
    const u2 = u * u;
    for (let k = 0; k < dv; k++) {
      zMean[k] += u * state.wMean[row + k];
      zSd[k] += u2 * state.wVar[row + k];
    }
  }
  const ts = thompsonScaleOf(state);
  for (let k = 0; k < dv; k++) zSd[k] = ts * sqrt(zSd[k]);
  // Every item has the bias feature at 1, so its noise shifts all scores alike and cannot change a ranking:
  // leaving it out keeps the same slates and tightens the pruning bound.
  zSd[BIAS] = 0;
  return ts;
}

interface Moments {
  /** Anchors found (at most R), in ws.anchors. */
  na: number;
  personalizedCount: number;
  /** Whether only the shortlist in ws.retr was scored. */
  shortlisted: boolean;
  pk: PackedFeatures;
  factors: Float64Array | null;
  pkDim: number;
}

// Score moments per personalised candidate: mean, marginal variance (shared part + own term) and own variance.
function scoreMoments(state: EngineState, pool: CandidatePool, req: SlateRequest, R: number, ts: number): Moments {
  const n = pool.size;
  const { eligible, pinned } = ws;
  const { inTest } = pool;
  const zMean = ws.zMean;
  const zSd = ws.zSd;
  const { mu, varM, own, cvar } = ws;
  const { slot } = pool;
  const pk = packedFeatures(pool);
  const { idx: pIdx, val: pVal, bias: pBias } = pk;
  const pStride = pk.stride;
  const itemPriorVar = state.config.itemPriorVar * ts * ts;
  const itemScale = ts * ts;
  const zBias = zMean[BIAS];
  const withHistory = ws.histCount > 0;
  const histShift = ws.histShift;
  // The person's collaborative term c·qᵢᵀp with p ~ N(mean, L Lᵀ): adds qᵢᵀmean to the mean and |(ts·L)ᵀqᵢ|² to
  // the variance of the shared part (it is drawn once per construction, like z, so given the draw the items' scores
  // stay independent and the propensity conditioning below is unchanged).
  const person = req.person && state.collab && req.person.mean.length === state.collab.config.k ? req.person : null;
  const pkDim = person ? state.collab!.config.k : 0;
  const factors = person ? poolFactors(pool, state.collab!) : null;
  if (person) {
    if (ws.pMean.length < pkDim) {
      ws.pMean = new F64(pkDim);
      ws.pChol = new F64(pkDim * pkDim);
      ws.pDelta = new F64(pkDim);
    }
    const pts = state.collab!.config.thompsonScale;
    for (let a = 0; a < pkDim; a++) ws.pMean[a] = person.mean[a];
    for (let a = 0; a < pkDim * pkDim; a++) ws.pChol[a] = pts * person.chol[a];
  }
  const pMean = ws.pMean;
  const pChol = ws.pChol;
  // For pkDim 8: the person's mean and Cholesky factor in locals (read only by the unrolled branch below).
  const k8 = pkDim === 8;
  const pm0 = k8 ? pMean[0] : 0;
  const pm1 = k8 ? pMean[1] : 0;
  const pm2 = k8 ? pMean[2] : 0;
  const pm3 = k8 ? pMean[3] : 0;
  const pm4 = k8 ? pMean[4] : 0;
  const pm5 = k8 ? pMean[5] : 0;
  const pm6 = k8 ? pMean[6] : 0;
  const pm7 = k8 ? pMean[7] : 0;
  const l00 = k8 ? pChol[0] : 0;
  const l10 = k8 ? pChol[8] : 0;
  const l11 = k8 ? pChol[9] : 0;
  const l20 = k8 ? pChol[16] : 0;
  const l21 = k8 ? pChol[17] : 0;
  const l22 = k8 ? pChol[18] : 0;
  const l30 = k8 ? pChol[24] : 0;
  const l31 = k8 ? pChol[25] : 0;
  const l32 = k8 ? pChol[26] : 0;
  const l33 = k8 ? pChol[27] : 0;
  const l40 = k8 ? pChol[32] : 0;
  const l41 = k8 ? pChol[33] : 0;
  const l42 = k8 ? pChol[34] : 0;
  const l43 = k8 ? pChol[35] : 0;
  const l44 = k8 ? pChol[36] : 0;
  const l50 = k8 ? pChol[40] : 0;
  const l51 = k8 ? pChol[41] : 0;
  const l52 = k8 ? pChol[42] : 0;
  const l53 = k8 ? pChol[43] : 0;
  const l54 = k8 ? pChol[44] : 0;
  const l55 = k8 ? pChol[45] : 0;
  const l60 = k8 ? pChol[48] : 0;
  const l61 = k8 ? pChol[49] : 0;
  const l62 = k8 ? pChol[50] : 0;
  const l63 = k8 ? pChol[51] : 0;
  const l64 = k8 ? pChol[52] : 0;
  const l65 = k8 ? pChol[53] : 0;
  const l66 = k8 ? pChol[54] : 0;
  const l70 = k8 ? pChol[56] : 0;
  const l71 = k8 ? pChol[57] : 0;
  const l72 = k8 ? pChol[58] : 0;
  const l73 = k8 ? pChol[59] : 0;
  const l74 = k8 ? pChol[60] : 0;
  const l75 = k8 ? pChol[61] : 0;
  const l76 = k8 ? pChol[62] : 0;
  const l77 = k8 ? pChol[63] : 0;
  if (withHistory) historyShifts(state, pool, pk, factors, pkDim);
  const kept = req.retrieval !== false ? shortlist(state, pool, pk, factors, pkDim, ts, person !== null) : -1;
  const shortlisted = kept >= 0;
  // With a shortlist the loops below walk its candidates (ascending, the order of a full walk) instead of all n.
  const list = ws.retrList;
  const scan = shortlisted ? kept : n;
  // The R candidates with the best μ − c·√(2V) (a proxy for "beats many others"): their mean variance sets the
  // scale of the pruning bound below.
  const aIdx = ws.anchors;
  const aKey = ws.anchorKey;
  let na = 0;
  let personalizedCount = 0;
  for (let t = 0; t < scan; t++) {
    const i = shortlisted ? list[t] : t;
    if (!eligible[i] || pinned[i] || inTest[i]) continue;
    personalizedCount++;
    let m = pBias[i] * zBias;
    let v = 0;
    for (let a = i * pStride, end = a + pStride; a < end; a++) {
      const k = pIdx[a];
      const x = pVal[a];
      m += x * zMean[k];
      const sv = x * zSd[k];
      v += sv * sv;
    }
    let vc = 0;
    if (factors && pkDim === 8) {
      // The default factor dimension unrolled, with the same additions in the same order as the loops below.
      const o = i * 8;
      const f0 = factors[o + 0];
      const f1 = factors[o + 1];
      const f2 = factors[o + 2];
      const f3 = factors[o + 3];
      const f4 = factors[o + 4];
      const f5 = factors[o + 5];
      const f6 = factors[o + 6];
      const f7 = factors[o + 7];
      m += f0 * pm0;
      m += f1 * pm1;
      m += f2 * pm2;
      m += f3 * pm3;
      m += f4 * pm4;
      m += f5 * pm5;
      m += f6 * pm6;
      m += f7 * pm7;
      const t0 = 0 + l00 * f0 + l10 * f1 + l20 * f2 + l30 * f3 + l40 * f4 + l50 * f5 + l60 * f6 + l70 * f7;
      const t1 = 0 + l11 * f1 + l21 * f2 + l31 * f3 + l41 * f4 + l51 * f5 + l61 * f6 + l71 * f7;
      const t2 = 0 + l22 * f2 + l32 * f3 + l42 * f4 + l52 * f5 + l62 * f6 + l72 * f7;
      const t3 = 0 + l33 * f3 + l43 * f4 + l53 * f5 + l63 * f6 + l73 * f7;
      const t4 = 0 + l44 * f4 + l54 * f5 + l64 * f6 + l74 * f7;
      const t5 = 0 + l55 * f5 + l65 * f6 + l75 * f7;
      const t6 = 0 + l66 * f6 + l76 * f7;
      const t7 = 0 + l77 * f7;
      vc = 0 + t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3 + t4 * t4 + t5 * t5 + t6 * t6 + t7 * t7;
    } else if (factors) {
      const o = i * pkDim;
      for (let a = 0; a < pkDim; a++) m += factors[o + a] * pMean[a];
      // Var = |Lᵀq|² for the Cholesky factor L (lower triangular).
      for (let c = 0; c < pkDim; c++) {
        let t = 0;
        for (let a = c; a < pkDim; a++) t += pChol[a * pkDim + c] * factors[o + a];
        vc += t * t;
      }
    }
    cvar[i] = vc;
    const sl = slot[i];
    m += sl >= 0 ? state.itemMean[sl] : 0;
    if (withHistory) m += histShift[i];
    const o = sl >= 0 ? state.itemVar[sl] * itemScale : itemPriorVar;
    mu[i] = m;
    own[i] = o;
    varM[i] = v + o;
    const key = m - PRUNE_SD * (sqrt(2 * (v + o)) + sqrt(vc));
    if (na === R && key <= aKey[na - 1]) continue;
    let j = na < R ? na++ : na - 1;
    while (j > 0 && aKey[j - 1] < key) {
      aKey[j] = aKey[j - 1];
      aIdx[j] = aIdx[j - 1];
      j--;
    }
    aKey[j] = key;
    aIdx[j] = i;
  }
  return { na, personalizedCount, shortlisted, pk, factors, pkDim };
}

// Candidate retrieval (see RETRIEVAL_ABOVE): marks in ws.retr the RETRIEVAL_KEEP personalisable candidates with the
// best optimistic score μ + RETRIEVAL_SPREAD·s̄. s̄ bounds the sd of the candidate's Thompson draw: the shared part's
// L1 form Σ x·sd(z_k) (≥ its √ form), plus the own term's sd, plus ‖L‖_F·‖qᵢ‖ (≥ |Lᵀqᵢ|, the person term's). Ties at
// the threshold are all kept, so the shortlist is a deterministic function of the state, the pool and the request,
// and a logged slate replays. Returns how many it kept (listed ascending in ws.retrList), or -1 (nothing marked)
// at most RETRIEVAL_ABOVE personalisable candidates.
function shortlist(
  state: EngineState,
  pool: CandidatePool,
  pk: PackedFeatures,
  factors: Float64Array | null,
  pkDim: number,
  ts: number,
  person: boolean,
): number {
  const n = pool.size;
  const { eligible, pinned, retr, lb } = ws;
  const { inTest } = pool;
  let count = 0;
  for (let i = 0; i < n; i++) if (eligible[i] && !pinned[i] && !inTest[i]) count++;
  if (count <= RETRIEVAL_ABOVE) return -1;
  const zMean = ws.zMean;
  const zSd = ws.zSd;
  const { idx: pIdx, val: pVal, bias: pBias } = pk;
  const pStride = pk.stride;
  const zBias = zMean[BIAS];
  const own = poolOwnTerms(pool, state, ts);
  const ownMean = own.mean;
  const ownSd = own.sd;
  const norms = factors && person ? poolFactorNorms(pool, state.collab!) : null;
  let lNorm = 0;
  if (norms) for (let a = 0; a < pkDim * pkDim; a++) lNorm += ws.pChol[a] * ws.pChol[a];
  lNorm = RETRIEVAL_SPREAD * sqrt(lNorm);
  const pMean = ws.pMean;
  const k8 = norms !== null && pkDim === 8;
  const pm0 = k8 ? pMean[0] : 0;
  const pm1 = k8 ? pMean[1] : 0;
  const pm2 = k8 ? pMean[2] : 0;
  const pm3 = k8 ? pMean[3] : 0;
  const pm4 = k8 ? pMean[4] : 0;
  const pm5 = k8 ? pMean[5] : 0;
  const pm6 = k8 ? pMean[6] : 0;
  const pm7 = k8 ? pMean[7] : 0;
  // The optimistic weights: z̄ + c·sd(z) per feature, so one pass gives μ + c·(L1 shared spread). Features are
  // non-negative for items from buildItemFeatures; otherwise |x|·sd is added separately.
  const up = ws.retrUp;
  for (let k = 0; k < up.length; k++) up[k] = zMean[k] + RETRIEVAL_SPREAD * zSd[k];
  const nonNeg = pk.nonNegative;
  if (ws.retrHeap.length < RETRIEVAL_KEEP) ws.retrHeap = new F64(RETRIEVAL_KEEP);
  const heap = ws.retrHeap;
  let hs = 0;
  // lb holds each candidate's key here; prunePerRequest overwrites it afterwards.
  for (let i = 0; i < n; i++) {
    retr[i] = 0;
    if (!eligible[i] || pinned[i] || inTest[i]) continue;
    let m = pBias[i] * zBias + ownMean[i] + RETRIEVAL_SPREAD * ownSd[i];
    if (nonNeg) {
      for (let a = i * pStride, end = a + pStride; a < end; a += 4) {
        m += pVal[a] * up[pIdx[a]] + pVal[a + 1] * up[pIdx[a + 1]] + pVal[a + 2] * up[pIdx[a + 2]] + pVal[a + 3] * up[pIdx[a + 3]];
      }
    } else {
      for (let a = i * pStride, end = a + pStride; a < end; a++) {
        const x = pVal[a];
        const kk = pIdx[a];
        m += x * zMean[kk] + RETRIEVAL_SPREAD * (x < 0 ? -x : x) * zSd[kk];
      }
    }
    if (k8) {
      const o = i * 8;
      m += factors![o] * pm0 + factors![o + 1] * pm1 + factors![o + 2] * pm2 + factors![o + 3] * pm3;
      m += factors![o + 4] * pm4 + factors![o + 5] * pm5 + factors![o + 6] * pm6 + factors![o + 7] * pm7;
      m += lNorm * norms![i];
    } else if (norms) {
      const o = i * pkDim;
      for (let a = 0; a < pkDim; a++) m += factors![o + a] * pMean[a];
      m += lNorm * norms[i];
    }
    // An item the person has history with is always kept: its history can move it past any bound on the model.
    if (ws.histE[i] > 0) m = POS_INF;
    lb[i] = m;
    if (hs < RETRIEVAL_KEEP || m > heap[0]) hs = heapPush(heap, 0, hs, RETRIEVAL_KEEP, m);
  }
  const threshold = heap[0];
  if (ws.retrList.length < n) ws.retrList = new I32(ws.cap);
  const list = ws.retrList;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (eligible[i] && !pinned[i] && !inTest[i] && lb[i] >= threshold) {
      retr[i] = 1;
      list[kept++] = i;
    }
  }
  return kept;
}

// Per-request pruning. Item i is dropped when R other items j each beat it by c standard deviations of the
// score difference s_j − s_i: it then reaches a personalised slot only if one of them scores below it, which
// has probability at most R·Φ(−c). Item features are non-negative, so the shared parts of two scores never
// covary negatively and sd(s_j − s_i) ≤ √(V_j + V_i); and √(a + b) ≤ (a + b)/(2t) + t/2 for any t > 0, so
// "j beats i" holds when lb_j ≥ ub_i with the separable half-widths h = c·(V/(2t) + t/4), i.e. lb = μ − h and
// ub = μ + h (equal to the √ bound when both variances are t²/2: t is set from the anchors' variances).
// Without the sign guarantee h = c·√V, the sum-of-sds bound. With a diversity rule the R items must also
// share i's diversity key (kind, or exact topic set), so that they are capped whenever i is.
// Returns the number of plausible candidates, listed in ws.plaus.
function prunePerRequest(pool: CandidatePool, req: SlateRequest, R: number, keyOf: Int32Array | null, keys: number, moments: Moments): number {
  const n = pool.size;
  const { eligible, pinned, mu, varM, own } = ws;
  const { inTest } = pool;
  const aIdx = ws.anchors;
  const { na, personalizedCount, pk, factors, shortlisted } = moments;
  const list = ws.retrList;
  const scan = shortlisted ? personalizedCount : n;
  const prune = req.pruning !== false && na >= R && personalizedCount > R;
  const { lb, ub, heap, groupHeap, heapSize } = ws;
  let tau = NEG_INF;
  if (prune) {
    let meanV = 0;
    for (let t = 0; t < na; t++) meanV += varM[aIdx[t]] / na;
    const tM = sqrt(2 * meanV);
    // The collaborative term's factors have either sign, so its part of two scores may covary negatively. By
    // Minkowski sd(Δshared + Δcollab) ≤ sd(Δshared) + σc_i + σc_j, so each item adds c·σc (its own collaborative sd)
    // to its half-width, and the rest of the bound is unchanged.
    const sep = pk.nonNegative && tM > 0;
    const cvar = ws.cvar;
    let hs = 0;
    if (keyOf) heapSize.fill(0, 0, keys);
    for (let t = 0; t < scan; t++) {
      const i = shortlisted ? list[t] : t;
      if (!eligible[i] || pinned[i] || inTest[i]) continue;
      const h = (sep ? PRUNE_SD * (varM[i] / (2 * tM) + tM / 4) : PRUNE_SD * sqrt(varM[i])) + (factors ? PRUNE_SD * sqrt(cvar[i]) : 0);
      const l = mu[i] - h;
      lb[i] = l;
      ub[i] = mu[i] + h;
      // heapPush ignores a value at or below a full heap's least; checked here to save the call.
      if (keyOf) {
        const key = keyOf[i];
        const sz = heapSize[key];
        if (sz < R || l > groupHeap[key * R]) heapSize[key] = heapPush(groupHeap, key * R, sz, R, l);
      } else if (hs < R || l > heap[0]) hs = heapPush(heap, 0, hs, R, l);
    }
    if (!keyOf && hs >= R) tau = heap[0];
  }
  let plausible = 0;
  const { qOf, plaus, plMu, plSd } = ws;
  for (let t = 0; t < scan; t++) {
    const i = shortlisted ? list[t] : t;
    if (!eligible[i] || pinned[i] || inTest[i]) continue;
    // An item among the R best lower bounds (of its key) has ub > lb ≥ the threshold, so it is never dropped:
    // the R items that drop another are always others.
    if (prune) {
      const u = ub[i];
      if (!keyOf) {
        if (u <= tau) continue;
      } else {
        const key = keyOf[i];
        if (heapSize[key] >= R && u <= groupHeap[key * R]) continue;
      }
    }
    qOf[i] = plausible;
    plaus[plausible] = i;
    plMu[plausible] = mu[i];
    plSd[plausible] = sqrt(own[i]);
    plausible++;
  }
  return plausible;
}

// Per-draw pruning: once z is drawn the scores are independent with only the items' own sds σ, so the same
// rule applies to conditional means with h = c·(σ²/(2t) + t/4) (stored in plWidth), t from the anchors: the
// R + slack plausible items with the best μ − c·√2·σ. See construct() for the thresholds.
// Returns the number of anchors (ws.anchors).
function drawWidths(plausible: number, R: number): number {
  const { plMu, plSd, plWidth } = ws;
  const aIdx = ws.anchors;
  const aKey = ws.anchorKey;
  let na = 0;
  const anchorCount = min(plausible, R + ANCHOR_SLACK);
  for (let q = 0; q < plausible; q++) {
    const key = plMu[q] - PRUNE_SD * SQRT2 * plSd[q];
    if (na === anchorCount && key <= aKey[na - 1]) continue;
    let j = na < anchorCount ? na++ : na - 1;
    while (j > 0 && aKey[j - 1] < key) {
      aKey[j] = aKey[j - 1];
      aIdx[j] = aIdx[j - 1];
      j--;
    }
    aKey[j] = key;
    aIdx[j] = q;
  }
  let meanOwn = 0;
  for (let t = 0; t < na; t++) meanOwn += (plSd[aIdx[t]] * plSd[aIdx[t]]) / max(1, na);
  const tD = sqrt(2 * meanOwn);
  if (tD > 0) {
    const twoT = 2 * tD;
    const quarterT = tD / 4;
    for (let q = 0; q < plausible; q++) {
      const sd = plSd[q];
      plWidth[q] = PRUNE_SD * ((sd * sd) / twoT + quarterT);
    }
  } else for (let q = 0; q < plausible; q++) plWidth[q] = PRUNE_SD * plSd[q];
  return na;
}
