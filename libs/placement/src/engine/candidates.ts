import { hashString } from '@marquee/platform-core';
import { ITEM_KINDS, ITEM_MAX_NNZ, ItemFeatures } from './features';
import { EngineState } from './model';

/** One eligible item as the caller hands it to the engine. */
export interface Candidate {
  features: ItemFeatures;
  /** Present while the item is in a running content test on this surface; weight is its pacing weight. */
  contentTest?: { weight: number } | null;
}

/**
 * Candidates packed into typed arrays once, so a request touches no per-item objects. Build it when the
 * catalogue or the running tests change (and at least hourly, for freshness) and reuse it across requests.
 */
export interface CandidatePool {
  size: number;
  itemIds: string[];
  index: Map<string, number>;
  idHash: Uint32Array;
  kind: Int8Array;
  nnz: Uint8Array;
  fIdx: Uint8Array;
  fVal: Float32Array;
  inTest: Uint8Array;
  testWeight: Float64Array;
  /** Diversity groups by kind (unknown kinds share one group): CSR start offsets and ids. */
  kindStart: Int32Array;
  kindGroup: Int32Array;
  kindGroupCount: number;
  /** Diversity groups by topic: CSR start offsets and topic ids. */
  topicStart: Int32Array;
  topicGroup: Int32Array;
  topicGroupCount: number;
  /** Items with exactly the same topic set share an id (used by the pruning bound). */
  topicSet: Int32Array;
  topicSetCount: number;
  /** Item slots in the engine state, resolved lazily per state. */
  slot: Int32Array;
  slotState: EngineState | null;
  slotItemCount: number;
}

export function buildCandidatePool(candidates: readonly Candidate[]): CandidatePool {
  const n = candidates.length;
  const index = new Map<string, number>();
  const idHash = new Uint32Array(n);
  const kind = new Int8Array(n);
  const nnz = new Uint8Array(n);
  const fIdx = new Uint8Array(n * ITEM_MAX_NNZ);
  const fVal = new Float32Array(n * ITEM_MAX_NNZ);
  const inTest = new Uint8Array(n);
  const testWeight = new Float64Array(n);
  const kindStart = new Int32Array(n + 1);
  const kindGroup = new Int32Array(n);
  const topicStart = new Int32Array(n + 1);
  const topicIds = new Map<string, number>();
  const topicGroupList: number[] = [];
  const topicSet = new Int32Array(n);
  const topicSetIds = new Map<string, number>();
  candidates.forEach((c, i) => {
    const f = c.features;
    if (index.has(f.itemId)) throw new Error(`Candidate "${f.itemId}" appears twice; pass each eligible item once.`);
    if (f.idx.length > ITEM_MAX_NNZ)
      throw new Error(`Item "${f.itemId}" has ${f.idx.length} non-zero features, more than ${ITEM_MAX_NNZ}; build it with buildItemFeatures.`);
    index.set(f.itemId, i);
    idHash[i] = hashString(f.itemId);
    kind[i] = f.kind;
    nnz[i] = f.idx.length;
    fIdx.set(f.idx, i * ITEM_MAX_NNZ);
    fVal.set(f.val, i * ITEM_MAX_NNZ);
    const w = c.contentTest ? c.contentTest.weight : 0;
    if (c.contentTest && !(w >= 0 && Number.isFinite(w))) throw new Error(`Content-test weight of "${f.itemId}" is ${w}; it must be a finite number ≥ 0.`);
    inTest[i] = c.contentTest ? 1 : 0;
    testWeight[i] = w;
    kindStart[i] = i;
    kindGroup[i] = f.kind >= 0 ? f.kind : ITEM_KINDS.length;
    topicStart[i] = topicGroupList.length;
    for (const t of f.topics) {
      let id = topicIds.get(t);
      if (id === undefined) {
        id = topicIds.size;
        topicIds.set(t, id);
      }
      topicGroupList.push(id);
    }
    const key = [...f.topics].sort().join('\u0000');
    let set = topicSetIds.get(key);
    if (set === undefined) {
      set = topicSetIds.size;
      topicSetIds.set(key, set);
    }
    topicSet[i] = set;
  });
  kindStart[n] = n;
  topicStart[n] = topicGroupList.length;
  return {
    size: n,
    itemIds: candidates.map((c) => c.features.itemId),
    index,
    idHash,
    kind,
    nnz,
    fIdx,
    fVal,
    inTest,
    testWeight,
    kindStart,
    kindGroup,
    kindGroupCount: ITEM_KINDS.length + 1,
    topicStart,
    topicGroup: Int32Array.from(topicGroupList),
    topicGroupCount: topicIds.size,
    topicSet,
    topicSetCount: topicSetIds.size,
    slot: new Int32Array(n).fill(-1),
    slotState: null,
    slotItemCount: -1,
  };
}

/** Updates which candidates are in a running test and their pacing weights, in place (no rebuild needed). */
export function setContentTests(pool: CandidatePool, weights: ReadonlyMap<string, number>): void {
  pool.inTest.fill(0);
  pool.testWeight.fill(0);
  for (const [itemId, w] of weights) {
    const i = pool.index.get(itemId);
    if (i === undefined) continue;
    if (!(w >= 0 && Number.isFinite(w))) throw new Error(`Content-test weight of "${itemId}" is ${w}; it must be a finite number ≥ 0.`);
    pool.inTest[i] = 1;
    pool.testWeight[i] = w;
  }
}

/** Points each candidate at its item slot in `state` (-1 for items the state has not seen: they use the prior). */
export function resolveSlots(pool: CandidatePool, state: EngineState): void {
  if (pool.slotState === state && pool.slotItemCount === state.itemIds.length) return;
  for (let i = 0; i < pool.size; i++) pool.slot[i] = state.itemIndex.get(pool.itemIds[i]) ?? -1;
  pool.slotState = state;
  pool.slotItemCount = state.itemIds.length;
}
