import { SeededRandom } from './random';
import { CandidatePool, resolveSlots } from './candidates';
import { ITEM_LAYOUT, ITEM_MAX_NNZ } from './features';
import { EngineState, policyVersion } from './model';
import { gaussian, mix32, normCdf } from './math';

// Bound once: hot loops then make no global lookups (slow inside sandboxes such as Jest's; see random.ts).
const { floor, max, min, round, sqrt } = Math;
const NEG_INF = Number.NEGATIVE_INFINITY;
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

/** Pruning width: candidates whose score cannot reach the slate within ±PRUNE_SD posterior sds are dropped. */
export const PRUNE_SD = 4.5;
const MAX_RANDOM_PER_SLOT = 0.9;
// Work cap for the Monte Carlo part: replays × plausible candidates scored. Keeps 1,000 candidates within ~1 ms.
const MAX_SCORED_PER_PROPENSITY = 10_000;
const MIN_REPLAYS = 16;
const MIN_SMOOTH_REPLAYS = 8;
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
  plaus = new I32(0);
  plMu = new F64(0);
  plSd = new F64(0);
  score = new F64(0);
  cmu = new F64(0);
  plIdx = new U8(0);
  anchors = new I32(0);
  anchorLb = new F64(0);
  plVal = new F64(0);
  qOf = new I32(0);
  lastHs = 0;
  lastComplete = true;
  topQ = new I32(0);
  topS = new F64(0);
  floorPool = [new I32(0), new I32(0), new I32(0), new I32(0)];
  floorSize = new I32(4);
  testPool = [new I32(0), new I32(0)];
  testCum = [new F64(0), new F64(0)];
  testSize = new I32(2);
  testTotal = new F64(2);
  heap = new F64(0);
  heapSize = new I32(0);
  groupHeap = new F64(0);
  groupCount = new I32(0);
  zMean = new F64(0);
  zSd = new F64(0);
  zNoise = new F64(0);

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
      this.plaus = new I32(c);
      this.plMu = new F64(c);
      this.plSd = new F64(c);
      this.score = new F64(c);
      this.cmu = new F64(c);
      this.qOf = new I32(c);
      this.floorPool = [new I32(c), new I32(c), new I32(c), new I32(c)];
      this.testPool = [new I32(c), new I32(c)];
      this.testCum = [new F64(c), new F64(c)];
    }
    if (this.zMean.length < dv) {
      this.zMean = new F64(dv);
      this.zSd = new F64(dv);
      this.zNoise = new F64(dv);
    }
    if (this.plIdx.length < n * ITEM_MAX_NNZ) {
      this.plIdx = new U8(max(n, 64) * ITEM_MAX_NNZ);
      this.plVal = new F64(max(n, 64) * ITEM_MAX_NNZ);
    }
    if (this.heap.length < slots) this.heap = new F64(slots);
    if (this.anchors.length < slots + ANCHOR_SLACK) {
      this.anchors = new I32(slots + ANCHOR_SLACK);
      this.anchorLb = new F64(slots + ANCHOR_SLACK);
    }
    if (this.topQ.length < slots + TOP_SLACK) {
      this.topQ = new I32(slots + TOP_SLACK);
      this.topS = new F64(slots + TOP_SLACK);
    }
    if (this.groupHeap.length < keys * slots) this.groupHeap = new F64(keys * slots);
    if (this.heapSize.length < keys) this.heapSize = new I32(keys);
    if (this.groupCount.length < groups) this.groupCount = new I32(groups);
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
    propensityReplays: max(MIN_SMOOTH_REPLAYS, floor(s.propensityReplays ?? 32)),
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
  let eligibleCount = 0;
  for (let i = 0; i < n; i++) {
    const e = req.eligible ? (req.eligible[i] ? 1 : 0) : 1;
    eligible[i] = e;
    eligibleCount += e;
    pinned[i] = 0;
    placed[i] = 0;
    blockExcl[i] = 0;
  }
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
  for (let i = 0; i < n; i++) {
    if (!eligible[i] || pinned[i]) continue;
    const t = pool.inTest[i];
    const x = blockExcl[i];
    ws.floorPool[0][fs[0]++] = i;
    if (!t) ws.floorPool[1][fs[1]++] = i;
    if (!x) ws.floorPool[2][fs[2]++] = i;
    if (!t && !x) ws.floorPool[3][fs[3]++] = i;
    if (t && pool.testWeight[i] > 0) {
      const w = pool.testWeight[i];
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
  // diagonal posterior, so it is sampled directly (dv normals instead of du·dv).
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
  for (let k = 0; k < dv; k++) zSd[k] = sqrt(zSd[k]);
  // Every item has the bias feature at 1, so its noise shifts all scores alike and cannot change a ranking:
  // leaving it out keeps the same slates and tightens the pruning bound.
  zSd[ITEM_LAYOUT.bias] = 0;

  // Score moments per personalised candidate, then the pruning bound: an item is dropped when at least R items
  // have a lower bound above its upper bound (and, under a diversity rule, also R items of its own topic set or kind).
  let free2 = 0;
  for (let k = 1; k <= positions; k++) if (pinnedAt[k] < 0) free2++;
  const R = max(1, free2);
  const { lb, ub, mu, heap, heapSize, groupHeap } = ws;
  const keyOf = div ? (div.by === 'kind' ? pool.kindGroup : pool.topicSet) : null;
  if (keyOf) heapSize.fill(0, 0, keys);
  let hs = 0;
  const { fIdx, fVal, nnz, slot } = pool;
  const itemPriorVar = state.config.itemPriorVar;
  let personalizedCount = 0;
  for (let i = 0; i < n; i++) {
    if (!eligible[i] || pinned[i] || pool.inTest[i]) continue;
    personalizedCount++;
    const base = i * ITEM_MAX_NNZ;
    let m = 0;
    let v = 0;
    for (let a = 0; a < nnz[i]; a++) {
      const k = fIdx[base + a];
      const x = fVal[base + a];
      m += x * zMean[k];
      const s = x * zSd[k];
      v += s * s;
    }
    const sl = slot[i];
    m += sl >= 0 ? state.itemMean[sl] : 0;
    v += sl >= 0 ? state.itemVar[sl] : itemPriorVar;
    const sd = sqrt(v);
    mu[i] = m;
    lb[i] = m - PRUNE_SD * sd;
    ub[i] = m + PRUNE_SD * sd;
    hs = heapPush(heap, 0, hs, R, lb[i]);
    if (keyOf) {
      const key = keyOf[i];
      heapSize[key] = heapPush(groupHeap, key * R, heapSize[key], R, lb[i]);
    }
  }
  const tau = hs >= R ? heap[0] : NEG_INF;
  let plausible = 0;
  for (let i = 0; i < n; i++) ws.qOf[i] = -1;
  for (let i = 0; i < n; i++) {
    if (!eligible[i] || pinned[i] || pool.inTest[i]) continue;
    let keep = ub[i] > tau;
    if (!keep && keyOf) {
      const key = keyOf[i];
      keep = heapSize[key] < R || ub[i] > groupHeap[key * R];
    }
    if (!keep) continue;
    ws.qOf[i] = plausible;
    ws.plaus[plausible] = i;
    ws.plMu[plausible] = mu[i];
    const sl = slot[i];
    ws.plSd[plausible] = sqrt(sl >= 0 ? state.itemVar[sl] : itemPriorVar);
    plausible++;
  }

  // Anchors for the per-replay pruning threshold: the plausible items with the best μ − c·sd (item sd only).
  const anchorCount = min(plausible, R + ANCHOR_SLACK);
  {
    const vals = ws.anchorLb;
    let na = 0;
    for (let q = 0; q < plausible; q++) {
      const v = ws.plMu[q] - PRUNE_SD * ws.plSd[q];
      if (na === anchorCount && v <= vals[na - 1]) continue;
      let j = na < anchorCount ? na++ : na - 1;
      while (j > 0 && vals[j - 1] < v) {
        vals[j] = vals[j - 1];
        ws.anchors[j] = ws.anchors[j - 1];
        j--;
      }
      vals[j] = v;
      ws.anchors[j] = q;
    }
  }

  // Plausible items' features packed contiguously at a fixed stride, without the bias (its noise is zero), so
  // the per-replay loop reads memory in order.
  let stride = 1;
  for (let q = 0; q < plausible; q++) {
    const i = ws.plaus[q];
    let c = 0;
    for (let a = 0; a < nnz[i]; a++) if (fIdx[i * ITEM_MAX_NNZ + a] !== ITEM_LAYOUT.bias) c++;
    if (c > stride) stride = c;
  }
  for (let q = 0; q < plausible; q++) {
    const i = ws.plaus[q];
    let c = 0;
    for (let a = 0; a < nnz[i]; a++) {
      const k = fIdx[i * ITEM_MAX_NNZ + a];
      if (k === ITEM_LAYOUT.bias) continue;
      ws.plIdx[q * stride + c] = k;
      ws.plVal[q * stride + c] = fVal[i * ITEM_MAX_NNZ + a];
      c++;
    }
    for (; c < stride; c++) {
      ws.plIdx[q * stride + c] = ITEM_LAYOUT.bias;
      ws.plVal[q * stride + c] = 0;
    }
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
    stride,
    anchorCount,
    keyOf,
    keyCount: keys,
  };
}

/** One draw of the whole construction into outItem/outReason (index = position). Returns nothing; no allocation. */
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

  // Thompson sample of the plausible candidates' scores, keeping the best `topCap` in a min-heap so that the fill
  // below walks a short sorted prefix instead of rescanning every candidate for every position.
  const dv = p.state.itemDim;
  const zNoise = ws.zNoise;
  for (let k = 0; k < dv; k++) zNoise[k] = ws.zSd[k] * gaussian(rng);
  const { plaus, plMu, plSd, score, topQ, topS } = ws;
  const topCap = p.topCap;
  // Given the shared draw, scores are independent with only the item's own sd: compute conditional means, and
  // drop items that at least R others beat with certainty (±PRUNE_SD of their own sd) before drawing their noise.
  const cmu = ws.cmu;
  const { plIdx, plVal } = ws;
  const stride = p.stride;
  const R = p.openPositions;
  const keyOf = p.keyOf;
  let tauC = NEG_INF;
  const gHeap = ws.groupHeap;
  const gSize = ws.heapSize;
  if (!keyOf) {
    // No diversity rule: the threshold comes from a few anchor items (highest μ − c·sd, chosen once per request):
    // the R-th best conditional lower bound among them is at most the true R-th best, so pruning stays valid,
    // and one pass over the candidates suffices.
    const anchors = ws.anchors;
    const lbs = ws.anchorLb;
    let na = 0;
    for (let t = 0; t < p.anchorCount; t++) {
      const q = anchors[t];
      if (placed[plaus[q]]) continue;
      const base = q * stride;
      let m = plMu[q];
      for (let a = 0; a < stride; a++) m += plVal[base + a] * zNoise[plIdx[base + a]];
      const v = m - PRUNE_SD * plSd[q];
      // Insertion into a short descending list.
      let j = na++;
      while (j > 0 && lbs[j - 1] < v) {
        lbs[j] = lbs[j - 1];
        j--;
      }
      lbs[j] = v;
    }
    if (na >= R) tauC = lbs[R - 1];
    for (let q = 0; q < p.plausible; q++) {
      if (placed[plaus[q]]) {
        cmu[q] = NEG_INF;
        continue;
      }
      const base = q * stride;
      let m = plMu[q];
      for (let a = 0; a < stride; a++) m += plVal[base + a] * zNoise[plIdx[base + a]];
      cmu[q] = m;
    }
  } else {
    let lbSize = 0;
    const lbHeap = ws.heap;
    for (let t = 0; t < p.keyCount; t++) gSize[t] = 0;
    for (let q = 0; q < p.plausible; q++) {
      const i = plaus[q];
      if (placed[i]) {
        cmu[q] = NEG_INF;
        continue;
      }
      const base = q * stride;
      let m = plMu[q];
      for (let a = 0; a < stride; a++) m += plVal[base + a] * zNoise[plIdx[base + a]];
      cmu[q] = m;
      const lb = m - PRUNE_SD * plSd[q];
      if (lbSize < R || lb > lbHeap[0]) lbSize = heapPush(lbHeap, 0, lbSize, R, lb);
      const key = keyOf[i];
      if (gSize[key] < R || lb > gHeap[key * R]) gSize[key] = heapPush(gHeap, key * R, gSize[key], R, lb);
    }
    if (lbSize >= R) tauC = lbHeap[0];
  }
  let hs = 0;
  for (let q = 0; q < p.plausible; q++) {
    const m = cmu[q];
    if (m === NEG_INF) {
      score[q] = NEG_INF;
      continue;
    }
    const ub = m + PRUNE_SD * plSd[q];
    if (ub <= tauC) {
      if (!keyOf) {
        score[q] = NEG_INF;
        continue;
      }
      const key = keyOf[plaus[q]];
      if (gSize[key] >= R && ub <= gHeap[key * R]) {
        score[q] = NEG_INF;
        continue;
      }
    }
    const s = m + plSd[q] * gaussian(rng);
    score[q] = s;
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
        const m = r < hs && topS[r] < topS[l] ? r : l;
        if (topS[m] >= s) break;
        topS[h] = topS[m];
        topQ[h] = topQ[m];
        h = m;
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
      const m = r < end && topS[r] < topS[l] ? r : l;
      if (topS[m] >= ls) break;
      topS[h] = topS[m];
      topQ[h] = topQ[m];
      h = m;
    }
    topS[h] = ls;
    topQ[h] = lq;
    topS[end] = ms;
    topQ[end] = mq;
  }
  // topQ[0..hs) is now sorted by descending score.
  // The sorted prefix is complete when it holds every scored item; pruned items (score −∞) rank below all.
  let scored = 0;
  for (let q = 0; q < p.plausible; q++) if (score[q] !== NEG_INF) scored++;
  const complete = hs === scored;
  for (let k = 1; k <= positions; k++) {
    if (outItem[k] >= 0) continue;
    const capped = k <= blockN && p.gStart !== null;
    let chosen = -1;
    let relaxed = -1;
    for (let t = 0; t < hs; t++) {
      const i = plaus[topQ[t]];
      if (placed[i]) continue;
      if (capped && violates(p, i)) {
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
      for (let q = 0; q < p.plausible; q++) {
        const i = plaus[q];
        const s = score[q];
        if (placed[i] || s === NEG_INF || s > topS[hs - 1] || (s === topS[hs - 1] && inPrefix(topQ, hs, q))) continue;
        if (capped && violates(p, i)) {
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
    if (capped && p.gIds && p.gStart) for (let g = p.gStart[chosen]; g < p.gStart[chosen + 1]; g++) ws.groupCount[p.gIds[g]]++;
  }
  for (let t = 0; t < nTouched; t++) placed[touched[t]] = 0;
  ws.lastHs = hs;
  ws.lastComplete = complete;
  return nTouched;
}

function inPrefix(topQ: Int32Array, hs: number, q: number): boolean {
  for (let t = 0; t < hs; t++) if (topQ[t] === q) return true;
  return false;
}

function violates(p: Plan, i: number): boolean {
  const gStart = p.gStart as Int32Array;
  const gIds = p.gIds as Int32Array;
  for (let g = gStart[i]; g < gStart[i + 1]; g++) if (ws.groupCount[gIds[g]] >= p.maxPerGroup) return true;
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
    entries: entries.map((e) => ({ ...e })),
  };
  return {
    policyVersion: version,
    stateRevision: state.revision,
    seed,
    entries,
    log,
    stats: { explorationSlots: testSlots + floorSlots, testSlots, floorSlots, plausible: p.plausible, replays, ignoredPins },
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
  // Without a diversity rule the Thompson fill is a plain sort, so each replay can integrate the served item's own
  // noise exactly (Rao-Blackwell): the item is at k when its score falls between the scores of the others ranked
  // just above and just below that slot. With a diversity rule each replay contributes a 0/1 indicator instead.
  const smooth = p.gStart === null;
  if (anyNeed) {
    const perReplay = max(1, p.plausible) + 2 * N;
    // Smoothed replays carry far less noise than 0/1 ones, so the work cap may cut them further.
    const floorReplays = smooth ? MIN_SMOOTH_REPLAYS : MIN_REPLAYS;
    replays = max(floorReplays, min(surface.propensityReplays, floor(MAX_SCORED_PER_PROPENSITY / perReplay)));
    const rng = new SeededRandom(mix32(seed, 0x70b5e11));
    const rItem = new I32(N + 1);
    const rReason = new U8(N + 1);
    const touched = new I32(N + 1);
    for (let r = 0; r < replays; r++) {
      construct(p, rng, rItem, rReason, touched);
      for (let k = 1; k <= N; k++) {
        if (!need[k]) continue;
        const v = smooth ? conditionalAt(p, item[k], k, rItem, rReason) : rItem[k] === item[k] && rReason[k] === R_PERS ? 1 : 0;
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
    let variance: number;
    if (smooth) {
      variance = max(0, sumSq[k] / replays - mean * mean) * (replays / (replays - 1));
    } else {
      // Binomial, continuity-corrected so that 0 or M hits do not claim a zero error.
      const pc = (sum[k] + 0.5) / (replays + 1);
      variance = pc * (1 - pc);
    }
    e.propensity = exact + mean;
    e.propensityError = max(sqrt(variance / replays), 1 / (4 * replays * replays));
  }
  return replays;
}

/** P(item i lands at k in the Thompson fill | this replay's draws except i's own noise). No diversity rule. */
function conditionalAt(p: Plan, i: number, k: number, rItem: Int32Array, rReason: Uint8Array): number {
  const q = ws.qOf[i];
  if (q < 0 || rReason[k] !== R_PERS) return 0;
  let r = 0;
  for (let j = 1; j <= p.positions; j++) {
    const why = rReason[j];
    if (rItem[j] === i && (why === R_EXPL || why === R_TEST)) return 0;
    if (j <= k && why === R_PERS) r++;
  }
  // Pruned in this replay: its score cannot reach the slate, whatever its own noise.
  if (ws.score[q] === NEG_INF) return 0;
  const { topQ, topS } = ws;
  const hs = ws.lastHs;
  let above = POS_INF;
  let below = NEG_INF;
  let c = 0;
  let found = false;
  for (let t = 0; t < hs; t++) {
    if (topQ[t] === q) continue;
    c++;
    if (c === r - 1) above = topS[t];
    if (c === r) {
      below = topS[t];
      found = true;
      break;
    }
  }
  if (r - 1 > c) return 0;
  // Fewer than r other items in the sorted prefix is exact only when the prefix holds every scored item;
  // otherwise fall back to where the item actually landed in this replay.
  if (!found && !ws.lastComplete) return rItem[k] === i ? 1 : 0;
  const m = ws.cmu[q];
  const sd = ws.plSd[q];
  return normCdf((above - m) / sd) - normCdf((below - m) / sd);
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
    eligible: eligible ?? null,
  });
  if (slate.log.candidates.fingerprint !== log.candidates.fingerprint) {
    throw new Error(
      `Candidates differ from the logged ones (fingerprint ${slate.log.candidates.fingerprint} vs ${log.candidates.fingerprint}, ${slate.log.candidates.eligible} vs ${log.candidates.eligible} eligible); rebuild the pool as of the request time.`,
    );
  }
  return slate;
}
