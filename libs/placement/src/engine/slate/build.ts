/**
 * The entry points: buildSlate (plan, one construction, propensities, log) and replaySlate, which rebuilds a logged
 * slate from the same inputs.
 */
import { CandidatePool } from '../candidates';
import { DEFAULT_TEST_MAX_POSITION } from '../content-test';
import { mix32 } from '../math';
import { EngineState, policyVersion } from '../model';
import { SeededRandom } from '../random';
import { construct } from './construct';
import { plan } from './plan';
import { fillPropensities, MIN_REPLAYS } from './propensity';
import { R_EXPL, R_TEST, REASONS, Slate, SlateEntry, SlateLog, SlateRequest, SurfacePolicy } from './types';
import { ws } from './workspace';

const { floor, max, min, round } = Math;
const I32 = Int32Array;
const U8 = Uint8Array;

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
    testMaxPosition: max(2, floor(s.testMaxPosition ?? DEFAULT_TEST_MAX_POSITION)),
    propensityReplays: max(MIN_REPLAYS, floor(s.propensityReplays ?? 32)),
  };
}

/** The values of a typed array as a plain array (what Array.from gives, without its iterator protocol). */
function toArray(a: Float32Array | Float64Array): number[] {
  const out = new Array<number>(a.length);
  for (let j = 0; j < a.length; j++) out[j] = a[j];
  return out;
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
    user: toArray(req.user),
    candidates: { count: pool.size, eligible: fp.eligible, fingerprint: fp.fingerprint },
    ...(req.pruning === false ? { pruning: false as const } : {}),
    ...(req.retrieval === false ? { retrieval: false as const } : {}),
    ...(p.personK > 0 && req.person ? { person: { mean: toArray(req.person.mean), chol: toArray(req.person.chol) } } : {}),
    ...(ws.histCount > 0 ? { history: loggedHistory(pool) } : {}),
    entries: entries.map((e) => ({ ...e })),
  };
  return {
    policyVersion: version,
    stateRevision: state.revision,
    seed,
    entries,
    log,
    stats: { explorationSlots: testSlots + floorSlots, testSlots, floorSlots, plausible: p.plausible, retrieved: p.retrieved, scored, replays, ignoredPins },
  };
}

// The history marks the plan used (ws.histE/histS), in the order they were marked: what replaySlate needs.
function loggedHistory(pool: CandidatePool): NonNullable<SlateLog['history']> {
  const itemIds: string[] = [];
  const exposure: number[] = [];
  const successes: number[] = [];
  for (let t = 0; t < ws.histCount; t++) {
    const i = ws.histList[t];
    itemIds.push(pool.itemIds[i]);
    exposure.push(ws.histE[i]);
    successes.push(ws.histS[i]);
  }
  return { itemIds, exposure, successes, kappa: ws.histKappa };
}

/**
 * What a served slate states as each entry's propensity: the exact part plus the Monte Carlo part can overshoot 1 by
 * the latter's error (its stated propensityError), and a probability is at most 1. The feed serves and logs the
 * capped value, so a replay compares the capped value too, or a slate that overshot would never replay identically.
 */
export function capServedPropensities(entries: { propensity: number }[]): void {
  for (const e of entries) if (e.propensity > 1) e.propensity = 1;
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
    retrieval: log.retrieval !== false,
    eligible: eligible ?? null,
    person: log.person ? { mean: Float64Array.from(log.person.mean), chol: Float64Array.from(log.person.chol) } : null,
    history: log.history ?? null,
  });
  if (slate.log.candidates.fingerprint !== log.candidates.fingerprint) {
    throw new Error(
      `Candidates differ from the logged ones (fingerprint ${slate.log.candidates.fingerprint} vs ${log.candidates.fingerprint}, ${slate.log.candidates.eligible} vs ${log.candidates.eligible} eligible); rebuild the pool as of the request time.`,
    );
  }
  return slate;
}
