import { SeededRandom } from './random';
import { CandidatePool, resolveSlots } from './candidates';
import { ITEM_LAYOUT, ITEM_MAX_NNZ } from './features';
import { EngineState, policyVersion, thompsonScaleOf } from './model';
import { gaussian, mix32, normCdf } from './math';
import { CollabModel, PersonPosterior, itemFactor } from './collab';
import { ItemFeatures } from './features';

// Bound once: hot loops then make no global lookups (slow inside sandboxes such as Jest's; see random.ts).
const { floor, max, min, round, sqrt } = Math;
// Imports copied to module constants: compiled to CommonJS, every use of an import is a property getter on the
// exporting module, too slow for hot loops.
const NNZ = ITEM_MAX_NNZ;
const normal = gaussian;
const cdf = normCdf;
const BIAS = ITEM_LAYOUT.bias;
const NEG_INF = Number.NEGATIVE_INFINITY;
const SQRT2 = Math.SQRT2;
const POS_INF = Number.POSITIVE_INFINITY;
const MAX_INT = Number.MAX_SAFE_INTEGER;
const F64 = Float64Array;
const I32 = Int32Array;
const U8 = Uint8Array;

/** Why an item is at its position. FALLBACK is the serving layer's, never the engine's. */
export type SlateReason = 'PERSONALIZED' | 'CONTENT_TEST' | 'EXPLORATION' | 'PINNED';

/** At most maxPerGroup items of one kind (or topic) within the first withinFirst positions. */
export interface DiversityRule {
  by: 'kind' | 'topic';
  maxPerGroup: number;
  withinFirst: number;
}

/** A surface's placement settings, as the engine needs them. */
export interface SurfacePolicy {
  slots: number;
  /** Share of served slots that content tests and the random floor may use together. Default 0.10. */
  explorationBudget?: number;
  /** Share of served slots filled uniformly at random among eligible items. Default 0.02. */
  randomFloor?: number;
  pins?: readonly { itemId: string; position: number }[];
  diversity?: DiversityRule | null;
  /** Content-test slots are drawn among positions 2..testMaxPosition (positions further down are rarely seen). */
  testMaxPosition?: number;
  /** Monte Carlo replays for the propensities that cannot be computed exactly. Default 32. */
  propensityReplays?: number;
}

/** Everything one request adds to the state and the candidate pool. */
export interface SlateRequest {
  surface: SurfacePolicy;
  /** User features (buildUserFeatures). */
  user: Float32Array;
  /** 32-bit seed; with the same state, pool and request the slate is identical. */
  seed: number;
  /** Expected share of slots for content tests, from the budget controller. Default budget − floor. */
  testShare?: number;
  /** Optional per-candidate eligibility (1 = eligible) for request-specific rules; default all eligible. */
  eligible?: Uint8Array | null;
  /** Skip the propensity computation (only for callers that never log, such as previews). Default true. */
  propensities?: boolean;
  /**
   * false builds the slate without pruning (plain Thompson sampling over every candidate; slower). For checking
   * that pruning stays within its stated bound; the log records it so the slate still replays. Default true.
   */
  pruning?: boolean;
  /**
   * The person's collaborative posterior (personPosterior), in probit units; null or absent for a person the model
   * has not learned yet, who gets the shared model plus context.
   */
  person?: PersonPosterior | null;
}

export interface SlateEntry {
  itemId: string;
  /** 1-based. */
  position: number;
  reason: SlateReason;
  /** Probability that this policy puts this item at this position for this request. */
  propensity: number;
  /** Standard error of the propensity's Monte Carlo part; 0 when it is exact. */
  propensityError: number;
}

/** What to store with a slate so that replaySlate can rebuild it exactly. */
export interface SlateLog {
  v: 1;
  policyVersion: string;
  stateRevision: number;
  seed: number;
  surface: Required<Omit<SurfacePolicy, 'pins' | 'diversity'>> & { pins: { itemId: string; position: number }[]; diversity: DiversityRule | null };
  testShare: number;
  user: number[];
  candidates: { count: number; eligible: number; fingerprint: string };
  /** Present (false) only for slates built with pruning switched off. */
  pruning?: false;
  /** The person's collaborative posterior the slate was drawn with (probit units), when there was one. */
  person?: { mean: number[]; chol: number[] };
  entries: SlateEntry[];
}

export interface Slate {
  policyVersion: string;
  stateRevision: number;
  seed: number;
  entries: SlateEntry[];
  log: SlateLog;
  stats: {
    explorationSlots: number;
    testSlots: number;
    floorSlots: number;
    plausible: number;
    /** Candidates whose score was drawn in the served construction (the rest were pruned for that draw). */
    scored: number;
    replays: number;
    ignoredPins: { itemId: string; position: number; why: string }[];
  };
}

const R_NONE = 0;
const R_PERS = 1;
const R_TEST = 2;
const R_EXPL = 3;
const R_PIN = 4;
const REASONS: SlateReason[] = ['PERSONALIZED', 'PERSONALIZED', 'CONTENT_TEST', 'EXPLORATION', 'PINNED'];

/**
 * Pruning width: a candidate is dropped when at least R other candidates beat it by PRUNE_SD standard deviations
 * of the score difference (see docs/placement-engine.md, "Pruning").
 */
export const PRUNE_SD = 4.5;
const MAX_RANDOM_PER_SLOT = 0.9;
// Work cap for the Monte Carlo part: replays × plausible candidates scored.
const MAX_SCORED_PER_PROPENSITY = 3_000;
const MIN_REPLAYS = 8;
// Extra anchors beyond the open positions, so that a random slot taking one rarely disables pruning.
const ANCHOR_SLACK = 4;
// Extra sorted candidates kept beyond the open positions, so diversity skips rarely force a full rescan.
const TOP_SLACK = 12;

// Scratch buffers reused across requests: the engine is synchronous, so one set per process is safe, and the
// hot loops then allocate nothing per candidate.
class Workspace {
  cap = 0;
  eligible = new U8(0);
  pinned = new U8(0);
  placed = new U8(0);
  blockExcl = new U8(0);
  lb = new F64(0);
  ub = new F64(0);
  mu = new F64(0);
  varM = new F64(0);
  own = new F64(0);
  /** Variance of the person's collaborative term per candidate (0 without a person). */
  cvar = new F64(0);
  plaus = new I32(0);
  plMu = new F64(0);
  plSd = new F64(0);
  plWidth = new F64(0);
  score = new F64(0);
  cmu = new F64(0);
  qOf = new I32(0);
  stamp = new I32(0);
  stampNow = 0;
  ord = new I32(0);
  ordT = new I32(0);
  ordPos = new I32(0);
  ordCount = 0;
  ordStamp = 0;
  fillIndex = new I32(0);
  lastHs = 0;
  lastScored = 0;
  lastComplete = true;
  topQ = new I32(0);
  topS = new F64(0);
  anchors = new I32(0);
  anchorKey = new F64(0);
  anchorCmu = new F64(0);
  floorPool = [new I32(0), new I32(0), new I32(0), new I32(0)];
  floorSize = new I32(4);
  testPool = [new I32(0), new I32(0)];
  testCum = [new F64(0), new F64(0)];
  testSize = new I32(2);
  testTotal = new F64(2);
  heap = new F64(0);
  groupHeap = new F64(0);
  heapSize = new I32(0);
  groupCount = new I32(0);
  groupStart = new I32(0);
  groupTmp = new I32(0);
  zMean = new F64(0);
  zSd = new F64(0);
  zNoise = new F64(0);
  pMean = new F64(0);
  pChol = new F64(0);
  pDelta = new F64(0);

  ensure(n: number, dv: number, groups: number, keys: number, slots: number): void {
    if (n > this.cap) {
      const c = max(n, this.cap * 2, 64);
      this.cap = c;
      this.eligible = new U8(c);
      this.pinned = new U8(c);
      this.placed = new U8(c);
      this.blockExcl = new U8(c);
      this.lb = new F64(c);
      this.ub = new F64(c);
      this.mu = new F64(c);
      this.varM = new F64(c);
      this.own = new F64(c);
      this.cvar = new F64(c);
      this.plaus = new I32(c);
      this.plMu = new F64(c);
      this.plSd = new F64(c);
      this.plWidth = new F64(c);
      this.score = new F64(c);
      this.cmu = new F64(c);
      this.qOf = new I32(c);
      this.stamp = new I32(c);
      this.stampNow = 0;
      this.ordPos = new I32(c);
      this.floorPool = [new I32(c), new I32(c), new I32(c), new I32(c)];
      this.testPool = [new I32(c), new I32(c)];
      this.testCum = [new F64(c), new F64(c)];
    }
    if (this.zMean.length < dv) {
      this.zMean = new F64(dv);
      this.zSd = new F64(dv);
      this.zNoise = new F64(dv);
    }
    if (this.fillIndex.length < slots + 1) this.fillIndex = new I32(slots + 1);
    if (this.anchors.length < slots + ANCHOR_SLACK) {
      this.anchors = new I32(slots + ANCHOR_SLACK);
      this.anchorKey = new F64(slots + ANCHOR_SLACK);
      this.anchorCmu = new F64(slots + ANCHOR_SLACK);
    }
    if (this.topQ.length < slots + TOP_SLACK) {
      this.topQ = new I32(slots + TOP_SLACK);
      this.topS = new F64(slots + TOP_SLACK);
      this.ord = new I32(slots + TOP_SLACK);
      this.ordT = new I32(slots + TOP_SLACK);
    }
    if (this.heap.length < slots) this.heap = new F64(slots);
    if (this.groupHeap.length < keys * slots) this.groupHeap = new F64(keys * slots);
    if (this.heapSize.length < keys) this.heapSize = new I32(keys);
    if (this.groupCount.length < groups) {
      this.groupCount = new I32(groups);
      this.groupStart = new I32(groups);
      this.groupTmp = new I32(groups);
    }
  }

  /** A fresh mark for `stamp` (a placed-set that needs no clearing). */
  nextStamp(): number {
    if (this.stampNow >= 0x7ffffff0) {
      this.stamp.fill(0);
      this.stampNow = 0;
    }
    return ++this.stampNow;
  }
}

const ws = new Workspace();

/** Per-request plan: everything deterministic that construct() needs. */
interface Plan {
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

function floorVariant(k: number, blockN: number): number {
  return (k === 1 ? 1 : 0) | (k <= blockN ? 2 : 0);
}

function heapPush(h: Float64Array, base: number, size: number, cap: number, v: number): number {
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

function normalizeSurface(s: SurfacePolicy): SlateLog['surface'] {
  const slots = floor(s.slots);
  if (!(slots >= 1 && slots <= 100)) throw new Error(`Surface slot count ${s.slots} is outside 1..100; fix the surface's slot count.`);
  const explorationBudget = s.explorationBudget ?? 0.1;
  const randomFloor = s.randomFloor ?? 0.02;
  if (!(randomFloor >= 0 && explorationBudget >= randomFloor && explorationBudget <= 0.5)) {
    throw new Error(`Exploration budget ${explorationBudget} and random floor ${randomFloor} must satisfy 0 ≤ floor ≤ budget ≤ 0.5; fix the surface settings.`);
  }
  const d = s.diversity ?? null;
  if (d && !(d.maxPerGroup >= 1 && d.withinFirst >= 1)) {
    throw new Error(`Diversity rule needs maxPerGroup ≥ 1 and withinFirst ≥ 1, got ${d.maxPerGroup} and ${d.withinFirst}; fix the surface's diversity rule.`);
  }
  return {
    slots,
    explorationBudget,
    randomFloor,
    pins: (s.pins ?? []).map((p) => ({ itemId: p.itemId, position: p.position })),
    diversity: d ? { by: d.by, maxPerGroup: floor(d.maxPerGroup), withinFirst: floor(d.withinFirst) } : null,
    testMaxPosition: max(2, floor(s.testMaxPosition ?? 10)),
    propensityReplays: max(MIN_REPLAYS, floor(s.propensityReplays ?? 32)),
  };
}

function plan(state: EngineState, pool: CandidatePool, req: SlateRequest, surface: SlateLog['surface'], testShare: number, ignoredPins: Slate['stats']['ignoredPins']): Plan {
  const n = pool.size;
  const dv = state.itemDim;
  const div = surface.diversity;
  const groups = div ? (div.by === 'kind' ? pool.kindGroupCount : pool.topicGroupCount) : 0;
  const keys = div ? (div.by === 'kind' ? pool.kindGroupCount : pool.topicSetCount) : 0;
  ws.ensure(n, dv, max(1, groups), max(1, keys), surface.slots);
  resolveSlots(pool, state);
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

  // Pools for the random draws, one per position variant (position 1 excludes tests; the first n exclude groups
  // the pins fill).
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

  // Slot-type probabilities: the floor spread over every unpinned position, tests over 2..testMaxPosition, so
  // that the expected number of random slots is (floor + testShare) × positions.
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

  // Posterior of the shared part projected on this user: z = uᵀW has independent coordinates under the
  // diagonal posterior, so it is sampled directly (dv normals instead of du·dv). Thompson sampling draws from the
  // posterior with its spread scaled by `thompsonScale` (see ModelConfig).
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

  // Score moments per personalised candidate: mean, marginal variance (shared part + own term) and own variance.
  let free2 = 0;
  for (let k = 1; k <= positions; k++) if (pinnedAt[k] < 0) free2++;
  const R = max(1, free2);
  const { mu, varM, own } = ws;
  const keyOf = div ? (div.by === 'kind' ? pool.kindGroup : pool.topicSet) : null;
  const { slot } = pool;
  const pk = packedFeatures(pool);
  const { idx: pIdx, val: pVal, bias: pBias } = pk;
  const pStride = pk.stride;
  const itemPriorVar = state.config.itemPriorVar * ts * ts;
  const itemScale = ts * ts;
  const zBias = zMean[BIAS];
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
  // The R candidates with the best μ − c·√(2V) (a proxy for "beats many others"): their mean variance sets the
  // scale of the pruning bound below.
  const aIdx = ws.anchors;
  const aKey = ws.anchorKey;
  let na = 0;
  let personalizedCount = 0;
  for (let i = 0; i < n; i++) {
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
    if (factors) {
      const o = i * pkDim;
      for (let a = 0; a < pkDim; a++) m += factors[o + a] * pMean[a];
      // Var = |Lᵀq|² for the Cholesky factor L (lower triangular).
      for (let c = 0; c < pkDim; c++) {
        let t = 0;
        for (let a = c; a < pkDim; a++) t += pChol[a * pkDim + c] * factors[o + a];
        vc += t * t;
      }
    }
    ws.cvar[i] = vc;
    const sl = slot[i];
    m += sl >= 0 ? state.itemMean[sl] : 0;
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

  // Per-request pruning. Item i is dropped when R other items j each beat it by c standard deviations of the
  // score difference s_j − s_i: it then reaches a personalised slot only if one of them scores below it, which
  // has probability at most R·Φ(−c). Item features are non-negative, so the shared parts of two scores never
  // covary negatively and sd(s_j − s_i) ≤ √(V_j + V_i); and √(a + b) ≤ (a + b)/(2t) + t/2 for any t > 0, so
  // "j beats i" holds when lb_j ≥ ub_i with the separable half-widths h = c·(V/(2t) + t/4), i.e. lb = μ − h and
  // ub = μ + h (equal to the √ bound when both variances are t²/2: t is set from the anchors' variances).
  // Without the sign guarantee h = c·√V, the sum-of-sds bound. With a diversity rule the R items must also
  // share i's diversity key (kind, or exact topic set), so that they are capped whenever i is.
  const prune = req.pruning !== false && na >= R && personalizedCount > R;
  const { lb, groupHeap, heapSize } = ws;
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
    for (let i = 0; i < n; i++) {
      if (!eligible[i] || pinned[i] || inTest[i]) continue;
      const h = (sep ? PRUNE_SD * (varM[i] / (2 * tM) + tM / 4) : PRUNE_SD * sqrt(varM[i])) + (factors ? PRUNE_SD * sqrt(cvar[i]) : 0);
      lb[i] = mu[i] - h;
      ws.ub[i] = mu[i] + h;
      if (keyOf) {
        const key = keyOf[i];
        heapSize[key] = heapPush(groupHeap, key * R, heapSize[key], R, lb[i]);
      } else hs = heapPush(ws.heap, 0, hs, R, lb[i]);
    }
    if (!keyOf && hs >= R) tau = ws.heap[0];
  }
  let plausible = 0;
  const qOf = ws.qOf;
  for (let i = 0; i < n; i++) {
    if (!eligible[i] || pinned[i] || inTest[i]) continue;
    // An item among the R best lower bounds (of its key) has ub > lb ≥ the threshold, so it is never dropped:
    // the R items that drop another are always others.
    if (prune) {
      const ub = ws.ub[i];
      if (!keyOf) {
        if (ub <= tau) continue;
      } else {
        const key = keyOf[i];
        if (heapSize[key] >= R && ub <= groupHeap[key * R]) continue;
      }
    }
    qOf[i] = plausible;
    ws.plaus[plausible] = i;
    ws.plMu[plausible] = mu[i];
    ws.plSd[plausible] = sqrt(own[i]);
    plausible++;
  }

  // Per-draw pruning: once z is drawn the scores are independent with only the items' own sds σ, so the same
  // rule applies to conditional means with h = c·(σ²/(2t) + t/4) (stored in plWidth), t from the anchors: the
  // R + slack plausible items with the best μ − c·√2·σ. See construct() for the thresholds.
  const anchorCount = min(plausible, R + ANCHOR_SLACK);
  na = 0;
  for (let q = 0; q < plausible; q++) {
    const key = ws.plMu[q] - PRUNE_SD * SQRT2 * ws.plSd[q];
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
  for (let t = 0; t < na; t++) meanOwn += (ws.plSd[aIdx[t]] * ws.plSd[aIdx[t]]) / max(1, na);
  const tD = sqrt(2 * meanOwn);
  for (let q = 0; q < plausible; q++) {
    const sd = ws.plSd[q];
    ws.plWidth[q] = tD > 0 ? PRUNE_SD * ((sd * sd) / (2 * tD) + tD / 4) : PRUNE_SD * sd;
  }

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
    topCap: min(plausible, R + TOP_SLACK),
    openPositions: R,
    stride: pStride,
    anchorCount: na,
    keyOf,
    keyCount: keys,
    prune: req.pruning !== false,
    personK: pkDim,
    factors,
  };
}

/** Each candidate's collaborative factors (fitted, or its content projection), in pool order; cached per model. */
const poolFactorCache = new WeakMap<CandidatePool, { model: CollabModel; factors: Float64Array }>();
export function poolFactors(pool: CandidatePool, model: CollabModel): Float64Array {
  const hit = poolFactorCache.get(pool);
  if (hit && hit.model === model) return hit.factors;
  const k = model.config.k;
  const out = new F64(max(1, pool.size) * k);
  const q = new F64(k);
  for (let i = 0; i < pool.size; i++) {
    const nnz = pool.nnz[i];
    const f: ItemFeatures = {
      itemId: pool.itemIds[i],
      kind: pool.kind[i],
      topics: [],
      topicBuckets: new U8(0),
      topicWeights: new Float32Array(0),
      idx: pool.fIdx.subarray(i * NNZ, i * NNZ + nnz),
      val: pool.fVal.subarray(i * NNZ, i * NNZ + nnz),
    };
    itemFactor(model, f, q);
    out.set(q, i * k);
  }
  poolFactorCache.set(pool, { model, factors: out });
  return out;
}

/** A pool's item features without the bias, packed at a fixed stride for the hot loops (built once per pool). */
interface PackedFeatures {
  stride: number;
  idx: Uint8Array;
  val: Float64Array;
  /** Each item's bias feature (1 for items from buildItemFeatures). */
  bias: Float64Array;
  /** Every feature value ≥ 0 (true of buildItemFeatures): the pruning bound relies on it. */
  nonNegative: boolean;
}
const packedPools = new WeakMap<CandidatePool, PackedFeatures>();

function packedFeatures(pool: CandidatePool): PackedFeatures {
  const cached = packedPools.get(pool);
  if (cached) return cached;
  const { fIdx, fVal, nnz } = pool;
  const n = pool.size;
  let stride = 1;
  let nonNegative = true;
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let a = 0; a < nnz[i]; a++) {
      if (fIdx[i * NNZ + a] !== BIAS) c++;
      if (fVal[i * NNZ + a] < 0) nonNegative = false;
    }
    if (c > stride) stride = c;
  }
  // A multiple of 4, so the hot loops can be unrolled by four.
  stride = (stride + 3) & ~3;
  const idx = new U8(max(1, n) * stride);
  const val = new F64(max(1, n) * stride);
  const bias = new F64(n);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let a = 0; a < nnz[i]; a++) {
      const k = fIdx[i * NNZ + a];
      if (k === BIAS) {
        bias[i] += fVal[i * NNZ + a];
        continue;
      }
      idx[i * stride + c] = k;
      val[i * stride + c] = fVal[i * NNZ + a];
      c++;
    }
    // Padding reads the bias coordinate with weight 0.
    for (; c < stride; c++) idx[i * stride + c] = BIAS;
  }
  const packed = { stride, idx, val, bias, nonNegative };
  packedPools.set(pool, packed);
  return packed;
}

/** One draw of the whole construction into outItem/outReason (index = position). Allocates nothing. */
function construct(p: Plan, rng: SeededRandom, outItem: Int32Array, outReason: Uint8Array, touched: Int32Array): number {
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

  // Thompson sample of the plausible candidates' scores, keeping the best `topCap` in a min-heap so that the fill
  // below walks a short sorted prefix instead of rescanning every candidate for every position.
  const dv = p.state.itemDim;
  const zNoise = ws.zNoise;
  const zSd = ws.zSd;
  for (let k = 0; k < dv; k++) zNoise[k] = zSd[k] * normal(rng);
  const K = p.personK;
  const factors = p.factors;
  const pDelta = ws.pDelta;
  if (K > 0) {
    // δ = L·ε, the draw of the person's vector around its mean (its mean is already in plMu).
    for (let a = 0; a < K; a++) pDelta[a] = 0;
    for (let c = 0; c < K; c++) {
      const e = normal(rng);
      for (let a = c; a < K; a++) pDelta[a] += ws.pChol[a * K + c] * e;
    }
  }
  const { plaus, plMu, plSd, plWidth, score, topQ, topS, cmu } = ws;
  const pk = packedFeatures(p.pool);
  const plIdx = pk.idx;
  const plVal = pk.val;
  const topCap = p.topCap;
  const stride = p.stride;
  const R = p.openPositions;
  const keyOf = p.keyOf;
  const nq = p.plausible;
  // Conditional means given z.
  for (let q = 0; q < nq; q++) {
    const i = plaus[q];
    if (placed[i]) {
      cmu[q] = NEG_INF;
      continue;
    }
    let m = plMu[q];
    for (let a = i * stride, end = a + stride; a < end; a += 4) {
      m += plVal[a] * zNoise[plIdx[a]] + plVal[a + 1] * zNoise[plIdx[a + 1]] + plVal[a + 2] * zNoise[plIdx[a + 2]] + plVal[a + 3] * zNoise[plIdx[a + 3]];
    }
    if (factors) for (let a = 0, o = i * K; a < K; a++) m += factors[o + a] * pDelta[a];
    cmu[q] = m;
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

function inPrefix(topQ: Int32Array, hs: number, q: number): boolean {
  for (let t = 0; t < hs; t++) if (topQ[t] === q) return true;
  return false;
}

function violates(p: Plan, i: number, counts: Int32Array): boolean {
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

/** P(item i drawn by a random slot at position k, and not drawn earlier), exactly, by a DP over the cap count. */
function exactRandomPart(p: Plan, i: number, k: number): number {
  const { pool, pF, pT, blockN, capL, pinnedAt } = p;
  const elig = ws.eligible[i] && !ws.pinned[i];
  if (!elig) return 0;
  const inTest = pool.inTest[i] === 1;
  const w = pool.testWeight[i];
  const qF = (j: number): number => {
    const v = floorVariant(j, blockN);
    if ((v & 1 && inTest) || (v & 2 && ws.blockExcl[i])) return 0;
    return ws.floorSize[v] > 0 ? 1 / ws.floorSize[v] : 0;
  };
  const qT = (j: number): number => {
    if (!inTest || !(w > 0)) return 0;
    const v = j <= blockN ? 1 : 0;
    if (v && ws.blockExcl[i]) return 0;
    return ws.testTotal[v] > 0 ? w / ws.testTotal[v] : 0;
  };
  const capped = capL < blockN;
  const L = capped ? capL : 0;
  // dist[c]: P(c random slots so far in the first n, and item i not drawn yet).
  let dist = new F64(L + 1);
  dist[0] = 1;
  for (let j = 1; j < k; j++) {
    if (pinnedAt[j] >= 0 || (pF[j] === 0 && pT[j] === 0)) continue;
    const f = pF[j];
    const t = pT[j];
    const miss = f * (1 - qF(j)) + t * (1 - qT(j));
    if (!capped || j > blockN) {
      for (let c = 0; c <= L; c++) dist[c] *= miss + (1 - f - t);
      continue;
    }
    const next = new F64(L + 1);
    for (let c = 0; c <= L; c++) {
      if (c === L) next[c] += dist[c];
      else {
        next[c + 1] += dist[c] * miss;
        next[c] += dist[c] * (1 - f - t);
      }
    }
    dist = next;
  }
  const hit = pF[k] * qF(k) + pT[k] * qT(k);
  let total = 0;
  for (let c = 0; c <= L; c++) if (!(capped && k <= blockN && c === L)) total += dist[c];
  return total * hit;
}

function fingerprint(pool: CandidatePool, eligible: Uint8Array): { eligible: number; fingerprint: string } {
  let h = 0x811c9dc5;
  let count = 0;
  for (let i = 0; i < pool.size; i++) {
    if (!eligible[i]) continue;
    count++;
    h = mix32(h, pool.idHash[i]);
    if (pool.inTest[i]) h = mix32(h, round(pool.testWeight[i] * 1e6) | 0);
  }
  return { eligible: count, fingerprint: h.toString(16).padStart(8, '0') };
}

/**
 * Builds the slate for one request: pins first, then slot types drawn independently per position (random floor,
 * content test or personalised), random draws, then a Thompson sample fills the rest best-first under the
 * diversity rule. Every entry carries its propensity (see docs/placement-engine.md).
 */
export function buildSlate(state: EngineState, pool: CandidatePool, req: SlateRequest): Slate {
  if (req.user.length !== state.userDim) {
    throw new Error(`User features have ${req.user.length} values but the engine expects ${state.userDim}; build them with buildUserFeatures.`);
  }
  if (req.eligible && req.eligible.length !== pool.size) {
    throw new Error(`Eligibility mask has ${req.eligible.length} entries for ${pool.size} candidates; give one per candidate in pool order.`);
  }
  const surface = normalizeSurface(req.surface);
  const testShare = max(0, min(surface.explorationBudget * 2, req.testShare ?? surface.explorationBudget - surface.randomFloor));
  const ignoredPins: Slate['stats']['ignoredPins'] = [];
  const p = plan(state, pool, req, surface, testShare, ignoredPins);
  const N = p.positions;
  const item = new I32(N + 1);
  const reason = new U8(N + 1);
  const touched = new I32(N + 1);
  const seed = req.seed >>> 0;
  construct(p, new SeededRandom(seed), item, reason, touched);
  const scored = ws.lastScored;

  const entries: SlateEntry[] = [];
  let testSlots = 0;
  let floorSlots = 0;
  for (let k = 1; k <= N; k++) {
    if (item[k] < 0) continue;
    if (reason[k] === R_TEST) testSlots++;
    if (reason[k] === R_EXPL) floorSlots++;
    entries.push({ itemId: pool.itemIds[item[k]], position: k, reason: REASONS[reason[k]], propensity: 1, propensityError: 0 });
  }

  let replays = 0;
  if (req.propensities !== false) replays = fillPropensities(p, surface, seed, item, reason, entries);

  const fp = fingerprint(pool, ws.eligible);
  const version = policyVersion(state);
  const log: SlateLog = {
    v: 1,
    policyVersion: version,
    stateRevision: state.revision,
    seed,
    surface,
    testShare,
    user: Array.from(req.user),
    candidates: { count: pool.size, eligible: fp.eligible, fingerprint: fp.fingerprint },
    ...(req.pruning === false ? { pruning: false as const } : {}),
    ...(p.personK > 0 && req.person ? { person: { mean: Array.from(req.person.mean), chol: Array.from(req.person.chol) } } : {}),
    entries: entries.map((e) => ({ ...e })),
  };
  return {
    policyVersion: version,
    stateRevision: state.revision,
    seed,
    entries,
    log,
    stats: { explorationSlots: testSlots + floorSlots, testSlots, floorSlots, plausible: p.plausible, scored, replays, ignoredPins },
  };
}

function fillPropensities(p: Plan, surface: SlateLog['surface'], seed: number, item: Int32Array, reason: Uint8Array, entries: SlateEntry[]): number {
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

/**
 * Rebuilds a logged slate exactly. `state` must be the snapshot the slate was served from (same policy version and
 * revision) and `pool`/`eligible` the candidates as they were; a mismatch throws rather than replaying wrongly.
 */
export function replaySlate(log: SlateLog, state: EngineState, pool: CandidatePool, eligible?: Uint8Array | null): Slate {
  const version = policyVersion(state);
  if (version !== log.policyVersion || state.revision !== log.stateRevision) {
    throw new Error(
      `Slate was served by ${log.policyVersion} at revision ${log.stateRevision}, but the given state is ${version} at revision ${state.revision}; load that snapshot to replay it.`,
    );
  }
  const slate = buildSlate(state, pool, {
    surface: log.surface,
    user: Float32Array.from(log.user),
    seed: log.seed,
    testShare: log.testShare,
    pruning: log.pruning !== false,
    eligible: eligible ?? null,
    person: log.person ? { mean: Float64Array.from(log.person.mean), chol: Float64Array.from(log.person.chol) } : null,
  });
  if (slate.log.candidates.fingerprint !== log.candidates.fingerprint) {
    throw new Error(
      `Candidates differ from the logged ones (fingerprint ${slate.log.candidates.fingerprint} vs ${log.candidates.fingerprint}, ${slate.log.candidates.eligible} vs ${log.candidates.eligible} eligible); rebuild the pool as of the request time.`,
    );
  }
  return slate;
}
