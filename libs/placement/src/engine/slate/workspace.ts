/**
 * Memory kept across requests: the per-process scratch buffers every construction works in, and the per-pool caches
 * (features packed for the hot loops, collaborative factors).
 */
import { CandidatePool } from '../candidates';
import { CollabModel, itemFactor } from '../collab';
import { ITEM_LAYOUT, ITEM_MAX_NNZ, ItemFeatures } from '../features';

// Bound once: hot loops then make no global lookups (slow inside sandboxes such as Jest's; see platform-core's random.ts).
const { max } = Math;
// Imports copied to module constants: compiled to CommonJS, every use of an import is a property getter on the
// exporting module, too slow for hot loops.
const NNZ = ITEM_MAX_NNZ;
const BIAS = ITEM_LAYOUT.bias;
const F64 = Float64Array;
const I32 = Int32Array;
const U8 = Uint8Array;

// Extra anchors beyond the open positions, so that a random slot taking one rarely disables pruning.
export const ANCHOR_SLACK = 4;
// Extra sorted candidates kept beyond the open positions, so diversity skips rarely force a full rescan.
export const TOP_SLACK = 12;

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
  /** The request's history per candidate (SlateHistory; exposure 0 = none), and the candidates it marked. */
  histE = new F64(0);
  histS = new F64(0);
  histList = new I32(0);
  histCount = 0;
  /** Per candidate, how far its history moves its score mean (0 without history); per marked entry, its rate. */
  histShift = new F64(0);
  histRate = new F64(0);
  histKappa = 0;
  /** The request's shortlist when candidate retrieval is on (1 = kept), and its min-heap of keys. */
  retr = new U8(0);
  retrHeap = new F64(0);
  retrList = new I32(0);
  /** The shortlist's optimistic weights per item feature, z̄ + c·sd(z). */
  retrUp = new F64(0);

  ensure(n: number, dv: number, groups: number, keys: number, slots: number): void {
    if (n > this.cap) {
      const c = max(n, this.cap * 2, 64);
      this.cap = c;
      this.eligible = new U8(c);
      this.pinned = new U8(c);
      this.placed = new U8(c);
      this.blockExcl = new U8(c);
      this.retr = new U8(c);
      this.histE = new F64(c);
      this.histS = new F64(c);
      this.histList = new I32(c);
      this.histShift = new F64(c);
      this.histRate = new F64(c);
      this.histCount = 0;
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
      this.retrUp = new F64(dv);
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

export const ws = new Workspace();

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
export interface PackedFeatures {
  stride: number;
  idx: Uint8Array;
  val: Float64Array;
  /** Each item's bias feature (1 for items from buildItemFeatures). */
  bias: Float64Array;
  /** Every feature value ≥ 0 (true of buildItemFeatures): the pruning bound relies on it. */
  nonNegative: boolean;
}
const packedPools = new WeakMap<CandidatePool, PackedFeatures>();

export function packedFeatures(pool: CandidatePool): PackedFeatures {
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

/** ‖qᵢ‖ per candidate (poolFactors' rows), for the shortlist's bound on the person term's spread; cached per model. */
const factorNormCache = new WeakMap<CandidatePool, { model: CollabModel; norms: Float64Array }>();
export function poolFactorNorms(pool: CandidatePool, model: CollabModel): Float64Array {
  const hit = factorNormCache.get(pool);
  if (hit && hit.model === model) return hit.norms;
  const factors = poolFactors(pool, model);
  const k = model.config.k;
  const norms = new F64(max(1, pool.size));
  for (let i = 0; i < pool.size; i++) {
    let s = 0;
    for (let a = i * k, end = a + k; a < end; a++) s += factors[a] * factors[a];
    norms[i] = Math.sqrt(s);
  }
  factorNormCache.set(pool, { model, norms });
  return norms;
}

/**
 * Each candidate's own term, mean and Thompson-scaled sd (the prior's for an item the state has not seen), in pool
 * order: cached per pool for one state revision and scale, so the shortlist's scan reads them instead of the state.
 */
const ownTermCache = new WeakMap<CandidatePool, { state: object; revision: number; scale: number; mean: Float64Array; sd: Float64Array }>();
export function poolOwnTerms(
  pool: CandidatePool,
  state: { revision: number; itemMean: Float64Array; itemVar: Float64Array; config: { itemPriorVar: number } },
  scale: number,
): { mean: Float64Array; sd: Float64Array } {
  const hit = ownTermCache.get(pool);
  if (hit && hit.state === state && hit.revision === state.revision && hit.scale === scale) return hit;
  const n = pool.size;
  const mean = new F64(max(1, n));
  const sd = new F64(max(1, n));
  const priorSd = Math.sqrt(state.config.itemPriorVar) * scale;
  for (let i = 0; i < n; i++) {
    const sl = pool.slot[i];
    mean[i] = sl >= 0 ? state.itemMean[sl] : 0;
    sd[i] = sl >= 0 ? Math.sqrt(state.itemVar[sl]) * scale : priorSd;
  }
  const entry = { state, revision: state.revision, scale, mean, sd };
  ownTermCache.set(pool, entry);
  return entry;
}
