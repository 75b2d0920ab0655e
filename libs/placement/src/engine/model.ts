import { hashString } from '@marquee/platform-core';
import { ITEM_DIM, ITEM_KINDS, ITEM_LAYOUT, ItemFeatures, TOPIC_BUCKETS, USER_DIM, USER_LAYOUT } from './features';
import { millsV, normCdf, normInv, normPdf } from './math';
import { CollabModel, SerializedCollabModel, deserializeCollab, serializeCollab } from './collab';

// Bound once: hot loops then make no global lookups (slow inside sandboxes such as Jest's; see platform-core's random.ts).
const { max, min, pow, sqrt } = Math;

/** Bumped when the meaning of the state or the slate construction changes; part of every policy version. */
const ENGINE_VERSION = 'marquee-ts/3';

/** Longest slate the examination curve covers. */
export const MAX_POSITIONS = 100;

/** Priors and link settings of the Bayesian model. All scores are in probit units. */
export interface ModelConfig {
  /** Probit noise β: P(success | examined) = Φ(score / β) after integrating the posterior. */
  probitNoise: number;
  /** Success rate (when examined) a brand-new user and item start from. */
  priorBaseRate: number;
  /** Prior variance of a request-context (or behaviour) feature × item feature weight. */
  contextPriorVar: number;
  /**
   * Prior variance of a learned-affinity feature × a non-matching item feature (cross-topic transfer). 0 fixes
   * those weights at zero: with a diagonal posterior every co-active weight inflates the predictive variance, so
   * fewer, meaningful interactions learn faster and steadier.
   */
  crossPriorVar: number;
  /** Prior variance of weights on the bias row and column (main effects of user and item features). */
  mainEffectPriorVar: number;
  /** Prior variance of the global intercept (bias × bias). */
  interceptPriorVar: number;
  /** Prior variance of an item's own term, around what the shared part predicts for it. */
  itemPriorVar: number;
  /** Prior mean of the affinity × matching-feature diagonal: "people like more of what they played". */
  affinityPriorMean: number;
  /** Posterior precision decays towards the prior with this half-life, so the model keeps tracking drift. */
  forgettingHalfLifeDays: number;
  /**
   * Thompson sampling draws scores with the posterior's standard deviations times this factor (1 = plain
   * Thompson sampling). The diagonal posterior ignores the correlations between co-active weights and so
   * overstates how uncertain a score is; a factor below 1 corrects for that (see docs/placement-engine.md).
   * Absent in states stored before it existed, which then use the default.
   */
  thompsonScale?: number;
}

export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  probitNoise: 1,
  priorBaseRate: 0.08,
  contextPriorVar: 0.01,
  crossPriorVar: 0,
  mainEffectPriorVar: 0.03,
  interceptPriorVar: 0.25,
  itemPriorVar: 0.25,
  affinityPriorMean: 0.6,
  forgettingHalfLifeDays: 14,
  thompsonScale: 0.5,
};

/** The Thompson sampling scale of a state's configuration (the default when the stored config predates it). */
export function thompsonScaleOf(state: EngineState): number {
  const s = state.config.thompsonScale ?? DEFAULT_MODEL_CONFIG.thompsonScale ?? 1;
  return s > 0 && Number.isFinite(s) ? s : 1;
}

/** Weights exported by the TF.js model for the shared part: row-major USER_DIM × ITEM_DIM. */
export interface SharedPrior {
  version: string;
  mean: ArrayLike<number>;
  /** Optional per-weight variance; defaults to the config's priors. */
  variance?: ArrayLike<number>;
}

/**
 * The whole learned state of the engine: a diagonal Gaussian posterior over the shared bilinear weights W
 * (score = uᵀ W v) and one Gaussian per item for its own term, plus the examination curve.
 */
export interface EngineState {
  schema: 1;
  /** Engine configuration and model identity; see policyVersion(). */
  modelVersion: string;
  /** Increments on every update, so a slate can be replayed against the exact snapshot it used. */
  revision: number;
  config: ModelConfig;
  userDim: number;
  itemDim: number;
  priorMean: Float64Array;
  priorVar: Float64Array;
  wMean: Float64Array;
  wVar: Float64Array;
  itemIds: string[];
  itemMean: Float64Array;
  itemVar: Float64Array;
  /** Not serialised: rebuilt from itemIds. */
  itemIndex: Map<string, number>;
  /** θ_k, probability that position k (index k−1) is examined, θ_1 = 1. */
  examination: Float64Array;
  /** Instant (ms) forgetting was last applied. */
  decayedAt: number;
  /** The collaborative model's item side (collab.ts), absent until its first refit. */
  collab?: CollabModel | null;
}

/** Default examination curve before any randomised traffic: θ_k = k^-0.5. */
function defaultExamination(): Float64Array {
  const t = new Float64Array(MAX_POSITIONS);
  for (let k = 0; k < MAX_POSITIONS; k++) t[k] = 1 / sqrt(k + 1);
  return t;
}

function structuralPrior(cfg: ModelConfig): { mean: Float64Array; variance: Float64Array } {
  const du = USER_DIM;
  const dv = ITEM_DIM;
  const mean = new Float64Array(du * dv);
  const variance = new Float64Array(du * dv);
  // Context × item weights carry segment tastes (a night-time request and sleep stories), so they get room to
  // move; affinity × unrelated item features rarely matter and get little, which keeps Thompson noise small.
  const affinityStart = USER_LAYOUT.topicAffinity;
  const affinityEnd = USER_LAYOUT.kindAffinity + ITEM_KINDS.length;
  for (let j = 0; j < du; j++) {
    const affinity = j >= affinityStart && j < affinityEnd;
    for (let k = 0; k < dv; k++) variance[j * dv + k] = affinity ? cfg.crossPriorVar : cfg.contextPriorVar;
  }
  for (let k = 0; k < dv; k++) variance[USER_LAYOUT.bias * dv + k] = cfg.mainEffectPriorVar;
  // A user's main effects (user feature × item bias) shift every item alike and cannot change a ranking; fixing
  // them at zero keeps them from soaking up every update.
  for (let j = 0; j < du; j++) variance[j * dv + ITEM_LAYOUT.bias] = 0;
  // The intercept's prior mean puts a new user on a new item at priorBaseRate, after integrating prior noise.
  const typicalVar = cfg.interceptPriorVar + cfg.itemPriorVar + 10 * cfg.mainEffectPriorVar;
  mean[USER_LAYOUT.bias * dv + ITEM_LAYOUT.bias] = normInv(cfg.priorBaseRate) * sqrt(cfg.probitNoise ** 2 + typicalVar);
  variance[USER_LAYOUT.bias * dv + ITEM_LAYOUT.bias] = cfg.interceptPriorVar;
  for (let b = 0; b < TOPIC_BUCKETS; b++) {
    const i = (USER_LAYOUT.topicAffinity + b) * dv + ITEM_LAYOUT.topic + b;
    mean[i] = cfg.affinityPriorMean;
    variance[i] = cfg.mainEffectPriorVar;
  }
  for (let k = 0; k < ITEM_KINDS.length; k++) {
    const i = (USER_LAYOUT.kindAffinity + k) * dv + ITEM_LAYOUT.kind + k;
    mean[i] = cfg.affinityPriorMean;
    variance[i] = cfg.mainEffectPriorVar;
  }
  return { mean, variance };
}

/** A fresh state from the structural prior, or from an external shared prior when given. */
export function createEngineState(opts: { config?: Partial<ModelConfig>; modelVersion?: string; sharedPrior?: SharedPrior; now?: number } = {}): EngineState {
  const config = { ...DEFAULT_MODEL_CONFIG, ...opts.config };
  const prior = structuralPrior(config);
  const state: EngineState = {
    schema: 1,
    modelVersion: opts.modelVersion ?? 'structural',
    revision: 0,
    config,
    userDim: USER_DIM,
    itemDim: ITEM_DIM,
    priorMean: prior.mean,
    priorVar: prior.variance,
    wMean: prior.mean.slice(),
    wVar: prior.variance.slice(),
    itemIds: [],
    itemMean: new Float64Array(64),
    itemVar: new Float64Array(64),
    itemIndex: new Map(),
    examination: defaultExamination(),
    decayedAt: opts.now ?? 0,
  };
  return opts.sharedPrior ? withSharedPrior(state, opts.sharedPrior) : state;
}

/**
 * A new state whose shared part starts from exported TF.js weights. The shared posterior restarts at that prior
 * (the old online posterior was relative to the old one); item terms and the examination curve carry over.
 */
export function withSharedPrior(state: EngineState, prior: SharedPrior): EngineState {
  const n = state.userDim * state.itemDim;
  if (prior.mean.length !== n) {
    throw new Error(
      `Shared prior "${prior.version}" has ${prior.mean.length} weights but the engine needs ${state.userDim}×${state.itemDim} = ${n}; export it with USER_LAYOUT and ITEM_LAYOUT.`,
    );
  }
  if (prior.variance && prior.variance.length !== n) {
    throw new Error(`Shared prior "${prior.version}" has ${prior.variance.length} variances for ${n} weights; give one per weight or none.`);
  }
  const next = cloneState(state);
  next.priorMean = Float64Array.from(prior.mean);
  if (prior.variance) next.priorVar = Float64Array.from(prior.variance, (v) => max(0, v));
  next.wMean = next.priorMean.slice();
  next.wVar = next.priorVar.slice();
  next.modelVersion = prior.version;
  next.revision = state.revision + 1;
  return next;
}

/** The coarse identity of the policy (engine, configuration, model): stable across online updates. */
export function policyVersion(state: EngineState): string {
  const cfg = hashString(JSON.stringify(state.config)).toString(16).padStart(8, '0');
  return `${ENGINE_VERSION};cfg=${cfg};model=${state.modelVersion}`;
}

export function cloneState(s: EngineState): EngineState {
  return {
    ...s,
    config: { ...s.config },
    priorMean: s.priorMean.slice(),
    priorVar: s.priorVar.slice(),
    wMean: s.wMean.slice(),
    wVar: s.wVar.slice(),
    itemIds: s.itemIds.slice(),
    itemMean: s.itemMean.slice(),
    itemVar: s.itemVar.slice(),
    itemIndex: new Map(s.itemIndex),
    examination: s.examination.slice(),
    collab: s.collab ?? null,
  };
}

/** The slot of an item in the state, creating it at the prior when new. Mutates the state. */
export function ensureItem(state: EngineState, itemId: string): number {
  const existing = state.itemIndex.get(itemId);
  if (existing !== undefined) return existing;
  const slot = state.itemIds.length;
  if (slot >= state.itemMean.length) {
    const grow = (a: Float64Array) => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    state.itemMean = grow(state.itemMean);
    state.itemVar = grow(state.itemVar);
  }
  state.itemIds.push(itemId);
  state.itemMean[slot] = 0;
  state.itemVar[slot] = state.config.itemPriorVar;
  state.itemIndex.set(itemId, slot);
  return slot;
}

/** One observed impression for the learner. */
export interface Observation {
  user: Float32Array;
  item: ItemFeatures;
  /** 1-based position the item was served at. */
  position: number;
  /** Whether the surface's success event followed. */
  success: boolean;
}

function scoreMoments(state: EngineState, user: Float32Array, item: ItemFeatures, slot: number): { mean: number; variance: number } {
  const dv = state.itemDim;
  let mean = 0;
  let variance = 0;
  for (let j = 0; j < state.userDim; j++) {
    const u = user[j];
    if (u === 0) continue;
    const row = j * dv;
    for (let a = 0; a < item.idx.length; a++) {
      const x = u * item.val[a];
      const w = row + item.idx[a];
      mean += x * state.wMean[w];
      variance += x * x * state.wVar[w];
    }
  }
  if (slot >= 0) {
    mean += state.itemMean[slot];
    variance += state.itemVar[slot];
  } else {
    variance += state.config.itemPriorVar;
  }
  return { mean, variance };
}

/** Predicted success probability when examined, with a 90% interval: the prior a new item starts from. */
export function predict(state: EngineState, user: Float32Array, item: ItemFeatures): { score: number; sd: number; rate: number; lower: number; upper: number } {
  const slot = state.itemIndex.get(item.itemId) ?? -1;
  const { mean, variance } = scoreMoments(state, user, item, slot);
  const beta = state.config.probitNoise;
  const sd = sqrt(variance);
  return {
    score: mean,
    sd,
    rate: normCdf(mean / sqrt(beta * beta + variance)),
    lower: normCdf((mean - 1.645 * sd) / beta),
    upper: normCdf((mean + 1.645 * sd) / beta),
  };
}

/**
 * Assumed-density-filtering update for one impression under the examination hypothesis:
 * P(success at k) = θ_k · Φ(s/β). A success means the item was examined (a plain probit update); a miss is a
 * mixture "not examined, or examined and not liked", whose exact first two moments are matched. Mutates the
 * state (weights and item term) but not the revision; call commitUpdates after a batch.
 */
function observe(state: EngineState, obs: Observation): void {
  const slot = ensureItem(state, obs.item.itemId);
  const { mean, variance } = scoreMoments(state, obs.user, obs.item, slot);
  const beta = state.config.probitNoise;
  const c2 = beta * beta + variance;
  const c = sqrt(c2);
  const theta = state.examination[min(MAX_POSITIONS, max(1, obs.position)) - 1];
  let alpha: number;
  let gamma: number;
  if (obs.success) {
    const t = mean / c;
    const v = millsV(t);
    alpha = v / c;
    gamma = (v * (v + t)) / c2;
  } else {
    const t = -mean / c;
    const phi = normPdf(t);
    const z = 1 - theta + theta * normCdf(t);
    alpha = (-theta * phi) / (c * z);
    gamma = alpha * alpha + (theta * t * phi) / (c2 * z);
  }
  const dv = state.itemDim;
  const { wMean, wVar, priorVar } = state;
  const item = obs.item;
  for (let j = 0; j < state.userDim; j++) {
    const u = obs.user[j];
    if (u === 0) continue;
    const row = j * dv;
    for (let a = 0; a < item.idx.length; a++) {
      const w = row + item.idx[a];
      if (priorVar[w] === 0) continue;
      const xs = u * item.val[a] * wVar[w];
      wMean[w] += alpha * xs;
      // A miss under the mixture can widen the posterior; never beyond the prior.
      wVar[w] = min(priorVar[w], max(1e-9, wVar[w] - gamma * xs * xs));
    }
  }
  const sv = state.itemVar[slot];
  state.itemMean[slot] += alpha * sv;
  state.itemVar[slot] = min(state.config.itemPriorVar, max(1e-9, sv - gamma * sv * sv));
}

/** Applies a batch of observations and bumps the revision once. */
export function applyObservations(state: EngineState, observations: readonly Observation[]): void {
  for (const o of observations) observe(state, o);
  if (observations.length > 0) state.revision++;
}

/**
 * Lets precision decay towards the prior for the time since the last call (a random-walk model of drift), so
 * old evidence slowly loses weight. Mutates the state.
 */
export function applyForgetting(state: EngineState, now: number): void {
  const elapsedDays = (now - state.decayedAt) / 86_400_000;
  if (elapsedDays <= 0) return;
  state.decayedAt = now;
  const eps = 1 - pow(0.5, elapsedDays / state.config.forgettingHalfLifeDays);
  const { wMean, wVar, priorMean, priorVar } = state;
  for (let i = 0; i < wMean.length; i++) {
    if (priorVar[i] === 0) continue;
    const prec = (1 - eps) / wVar[i] + eps / priorVar[i];
    const m = ((1 - eps) * wMean[i]) / wVar[i] + (eps * priorMean[i]) / priorVar[i];
    wVar[i] = 1 / prec;
    wMean[i] = m / prec;
  }
  const iv = state.config.itemPriorVar;
  for (let s = 0; s < state.itemIds.length; s++) {
    const prec = (1 - eps) / state.itemVar[s] + eps / iv;
    state.itemMean[s] = ((1 - eps) * state.itemMean[s]) / state.itemVar[s] / prec;
    state.itemVar[s] = 1 / prec;
  }
  state.revision++;
}

/** Replaces the examination curve (from the position-bias estimator). Mutates the state. */
export function setExamination(state: EngineState, theta: ArrayLike<number>): void {
  for (let k = 0; k < MAX_POSITIONS; k++) {
    const v = k < theta.length ? theta[k] : theta[theta.length - 1];
    state.examination[k] = min(1, max(0.01, v));
  }
  state.examination[0] = 1;
  state.revision++;
}

/** JSON-safe form of the state (typed arrays become number arrays). */
export interface SerializedEngineState {
  schema: 1;
  modelVersion: string;
  revision: number;
  config: ModelConfig;
  userDim: number;
  itemDim: number;
  priorMean: number[];
  priorVar: number[];
  wMean: number[];
  wVar: number[];
  itemIds: string[];
  itemMean: number[];
  itemVar: number[];
  examination: number[];
  decayedAt: number;
  collab?: SerializedCollabModel | null;
}

export function serializeState(s: EngineState): SerializedEngineState {
  const n = s.itemIds.length;
  return {
    schema: 1,
    modelVersion: s.modelVersion,
    revision: s.revision,
    config: { ...s.config },
    userDim: s.userDim,
    itemDim: s.itemDim,
    priorMean: Array.from(s.priorMean),
    priorVar: Array.from(s.priorVar),
    wMean: Array.from(s.wMean),
    wVar: Array.from(s.wVar),
    itemIds: s.itemIds.slice(),
    itemMean: Array.from(s.itemMean.subarray(0, n)),
    itemVar: Array.from(s.itemVar.subarray(0, n)),
    examination: Array.from(s.examination),
    decayedAt: s.decayedAt,
    ...(s.collab ? { collab: serializeCollab(s.collab) } : {}),
  };
}

export function deserializeState(j: SerializedEngineState): EngineState {
  if (j.schema !== 1) throw new Error(`Engine state schema ${String(j.schema)} is not supported by ${ENGINE_VERSION}; retrain or migrate the stored state.`);
  if (j.userDim !== USER_DIM || j.itemDim !== ITEM_DIM) {
    throw new Error(
      `Stored engine state is ${j.userDim}×${j.itemDim} but this engine uses ${USER_DIM}×${ITEM_DIM} features; start from createEngineState() or a matching export.`,
    );
  }
  const cap = max(64, j.itemIds.length * 2);
  const itemMean = new Float64Array(cap);
  itemMean.set(j.itemMean);
  const itemVar = new Float64Array(cap);
  itemVar.set(j.itemVar);
  return {
    schema: 1,
    modelVersion: j.modelVersion,
    revision: j.revision,
    config: { ...DEFAULT_MODEL_CONFIG, ...j.config },
    userDim: j.userDim,
    itemDim: j.itemDim,
    priorMean: Float64Array.from(j.priorMean),
    priorVar: Float64Array.from(j.priorVar),
    wMean: Float64Array.from(j.wMean),
    wVar: Float64Array.from(j.wVar),
    itemIds: j.itemIds.slice(),
    itemMean,
    itemVar,
    itemIndex: new Map(j.itemIds.map((id, i) => [id, i])),
    examination: Float64Array.from(j.examination),
    decayedAt: j.decayedAt,
    collab: j.collab ? deserializeCollab(j.collab) : null,
  };
}
