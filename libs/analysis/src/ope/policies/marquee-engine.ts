import {
  applyEventInPlace,
  applyForgetting,
  applyObservations,
  buildCandidatePool,
  buildItemFeatures,
  CandidatePool,
  createEngineState,
  emptyPositionCounts,
  emptyProfile,
  EngineState,
  estimateExamination,
  ItemFeatures,
  Observation,
  policyVersion,
  recordPosition,
  setExamination,
  SurfacePolicy,
  UserProfile,
  writeUserFeatures,
  buildSlate,
  USER_DIM,
} from '../../../../placement/src/engine';
import { hashString } from '@marquee/platform-core';
import type { DatasetMeta, LoggedRow, Policy } from '../types';

const HOUR_MS = 3_600_000;

export interface MarqueeEngineOptions {
  /** Slates drawn per distinct user to estimate each item's probability at each position; default 1000. */
  mcSamples?: number;
  /** The surface's exploration budget and uniform floor, as a surface sets them; defaults 0.10 and 0.02. */
  explorationBudget?: number;
  randomFloor?: number;
  /** Accepted for the CLI's --explore: overrides randomFloor. */
  explore?: number;
  seed?: number | string;
}

const DEFAULTS: { mcSamples: number; explorationBudget: number; randomFloor: number; seed: number | string } = {
  mcSamples: 1000,
  explorationBudget: 0.1,
  randomFloor: 0.02,
  seed: 'marquee',
};

/**
 * The placement engine's own policy on a logged-bandit dataset (libs/placement/src/engine, unchanged):
 *
 * - **Items.** Each item becomes an engine item whose topics are its categorical features (`item_feature_1=3`, …),
 *   hashed into the engine's topic buckets like catalogue topics. Numeric item features have no engine slot and are
 *   left out; the engine's per-item term learns what they would have said.
 * - **Users.** The log's users are its distinct context vectors (OBD has no user id). Each keeps the engine's
 *   `UserProfile`, updated from its own training rows exactly as the feed's events update it (impression with the
 *   examination of its slot, a success as PLAY_START), so the user features are the engine's: topic and kind
 *   affinities, recency, engagement. The OBD context categories have no place in the engine's request context
 *   (locale, platform, tier, app version, hour) and are used only to tell users apart.
 * - **Learning.** The training rows, in time order, are the learner's observations, applied in batches of 200 with
 *   hourly forgetting, as the worker does. The examination curve is estimated from the rows whose propensity is the
 *   uniform one (1 / number of items), as the engine estimates it from its uniform floor.
 * - **Probabilities.** For each evaluated row, `buildSlate` runs `mcSamples` times on the user's features at the start
 *   of the evaluation window (profiles are frozen then: the policy may not read the rewards it is evaluated on), with
 *   the surface's exploration budget, its uniform floor, no content tests and no pins. The share of slates that put an
 *   item at the row's position is its probability: an unbiased Monte Carlo estimate, standard error ≤ 1/(2√S).
 */
export class MarqueeEnginePolicy implements Policy {
  readonly name = 'marquee';
  private readonly o: typeof DEFAULTS;
  private state: EngineState | null = null;
  private pool: CandidatePool | null = null;
  private items: ItemFeatures[] = [];
  private profiles = new Map<string, UserProfile>();
  private evalAt = 0;
  private cache = new Map<string, Float64Array>();
  private stats = { trainRows: 0, users: 0, uniformRows: 0, examination: [] as number[], distinctEvaluatedUsers: 0 };

  constructor(options: MarqueeEngineOptions = {}) {
    this.o = {
      mcSamples: options.mcSamples ?? DEFAULTS.mcSamples,
      explorationBudget: options.explorationBudget ?? DEFAULTS.explorationBudget,
      randomFloor: options.explore ?? options.randomFloor ?? DEFAULTS.randomFloor,
      seed: options.seed ?? DEFAULTS.seed,
    };
  }

  private surface(meta: DatasetMeta): SurfacePolicy {
    const slots = meta.positionLabels.length;
    return { slots, explorationBudget: this.o.explorationBudget, randomFloor: this.o.randomFloor, testMaxPosition: slots };
  }

  fit(train: readonly LoggedRow[], meta: DatasetMeta): void {
    const start = train.length ? train[0].at : 0;
    this.items = meta.actionIds.map((id, a) => {
      const topics = meta.actionFeatureNames.filter((name, j) => name.includes('=') && meta.actionFeatures[a][j] !== 0);
      return buildItemFeatures({ id, kind: 'other', topics }, start);
    });
    this.pool = buildCandidatePool(this.items.map((features) => ({ features })));
    const state = createEngineState({ now: start });
    const positions = emptyPositionCounts(meta.positionLabels.length);
    const uniform = 1 / meta.actionIds.length;
    const user = new Float32Array(USER_DIM);
    let pending: Observation[] = [];
    let hour = Math.floor(start / HOUR_MS);
    this.profiles.clear();
    this.stats.uniformRows = 0;
    const learn = () => {
      if (pending.length) applyObservations(state, pending);
      pending = [];
    };
    for (const row of train) {
      const h = Math.floor(row.at / HOUR_MS);
      if (h !== hour) {
        learn();
        applyForgetting(state, row.at);
        setExamination(state, estimateExamination(positions).theta);
        hour = h;
      }
      const key = row.context.join(',');
      const profile = this.profiles.get(key) ?? emptyProfile(row.at);
      writeUserFeatures(user, {}, profile, row.at);
      const item = this.items[row.action];
      const success = row.reward > 0;
      pending.push({ user: Float32Array.from(user), item, position: row.position + 1, success });
      if (Math.abs(row.pscore - uniform) < 1e-9) {
        recordPosition(positions, row.position + 1, success);
        this.stats.uniformRows++;
      }
      applyEventInPlace(profile, item, 'IMPRESSION', row.at, state.examination[row.position]);
      if (success) applyEventInPlace(profile, item, 'PLAY_START', row.at);
      this.profiles.set(key, profile);
      if (pending.length >= 200) learn();
    }
    learn();
    setExamination(state, estimateExamination(positions).theta);
    this.state = state;
    this.evalAt = train.length ? train[train.length - 1].at : start;
    this.cache.clear();
    this.stats.trainRows = train.length;
    this.stats.users = this.profiles.size;
    this.stats.examination = Array.from(state.examination.slice(0, meta.positionLabels.length), (x) => Math.round(x * 1000) / 1000);
  }

  // All positions' probabilities for one user, from S slates.
  private slateProbabilities(key: string, meta: DatasetMeta): Float64Array {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const state = this.state;
    const pool = this.pool;
    if (!state || !pool) throw new Error('The marquee policy was asked for probabilities before fit(); call fit() with the training rows first.');
    const nA = meta.actionIds.length;
    const nPos = meta.positionLabels.length;
    const user = writeUserFeatures(new Float32Array(USER_DIM), {}, this.profiles.get(key) ?? null, this.evalAt);
    const surface = this.surface(meta);
    const counts = new Float64Array(nPos * nA);
    const S = this.o.mcSamples;
    const base = `${this.o.seed}:${key}`;
    for (let s = 0; s < S; s++) {
      const slate = buildSlate(state, pool, { surface, user, seed: hashString(`${base}:${s}`), testShare: 0, propensities: false });
      for (const e of slate.entries) counts[(e.position - 1) * nA + (pool.index.get(e.itemId) as number)] += 1;
    }
    for (let i = 0; i < counts.length; i++) counts[i] /= S;
    this.cache.set(key, counts);
    this.stats.distinctEvaluatedUsers = this.cache.size;
    return counts;
  }

  actionProbabilities(rows: readonly LoggedRow[], meta: DatasetMeta): Float64Array[] {
    const nA = meta.actionIds.length;
    return rows.map((row) => this.slateProbabilities(row.context.join(','), meta).slice(row.position * nA, (row.position + 1) * nA));
  }

  describe(): Record<string, unknown> {
    const S = this.o.mcSamples;
    return {
      name: this.name,
      model:
        'the placement engine (libs/placement/src/engine): contextual Thompson sampling on its shared bilinear model plus per-item terms, user features from each user’s own profile',
      policyVersion: this.state ? policyVersion(this.state) : null,
      ...this.o,
      ...this.stats,
      monteCarlo: {
        samples: S,
        maxStdError: 1 / (2 * Math.sqrt(S)),
        note: 'each probability is the share of S engine slates that put the item at the position',
      },
      leftOut:
        'numeric item features and the OBD context categories have no slot in the engine’s features; the per-user item affinity (past clicks) is not used',
    };
  }
}
