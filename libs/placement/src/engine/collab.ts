import { ITEM_DIM, ItemFeatures } from './features';
import { normInv, normPdf } from './math';

// Bound once: hot loops then make no global lookups (see platform-core's random.ts).
const { max, min, sqrt } = Math;

/**
 * The per-person collaborative part of the score (see docs/placement-engine.md, "Collaborative model").
 *
 * On top of the shared model (context × content weights and each item's own term), a person u and an item i each
 * have a k-dimensional factor vector, and the score gains c·q_iᵀp_u probit units. The item factors q_i are point
 * estimates refitted on a schedule by weighted alternating least squares over every person's events; an item's
 * content features map into the same space (q = Aᵀx), so a new item starts where similar items are. Each person's
 * p_u has a Gaussian posterior from Bayesian linear regression on their own events (precision P and vector b, O(k²)),
 * updated event by event and sampled by Thompson sampling.
 *
 * The regression is in success-rate units: an impression at a position examined with probability θ has expected
 * success θ·(r_i + q_iᵀp_u), r_i being the item's mean rate, so it adds θ²qqᵀ/σ² to P and θ(y − θr_i)q/σ² to b.
 * The probit scale c = 1/φ(Φ⁻¹(r̄)) converts a rate difference near the mean rate r̄ into probit units.
 */
export interface CollabConfig {
  /** Factor dimension. */
  k: number;
  /** Prior variance of each coordinate of a person's vector (rate units). */
  personPriorVar: number;
  /** Variance of one observation around its expectation (a Bernoulli near the mean rate: r(1 − r)). */
  noiseVar: number;
  /** Ridge of an item's factor around its content projection Aᵀx (precision, in units of noiseVar). */
  itemRidge: number;
  /** Ridge of the content map A. */
  contentRidge: number;
  /** Thompson sampling draws the person's vector with its posterior sd times this factor. */
  thompsonScale: number;
  /** ALS sweeps per refit. */
  iterations: number;
  /**
   * Re-estimate personPriorVar at every refit by empirical Bayes (an EM step per sweep: the mean over people of
   * E[p_a²] under their posteriors), within [minPriorVar, maxPriorVar]. Off keeps personPriorVar as configured.
   */
  learnPriorVar: boolean;
  minPriorVar: number;
  maxPriorVar: number;
}

const DEFAULT_COLLAB_CONFIG: CollabConfig = {
  k: 8,
  personPriorVar: 0.03,
  noiseVar: 0.15,
  itemRidge: 2,
  contentRidge: 5,
  thompsonScale: 0.5,
  iterations: 12,
  learnPriorVar: false,
  minPriorVar: 0.0005,
  maxPriorVar: 0.05,
};

/** The learned item side of the collaborative model: plain arrays, as the refit exports them. */
export interface CollabModel {
  /** Increments on every refit; a person's stored posterior is only used with the version it was computed for. */
  version: number;
  config: CollabConfig;
  itemIds: string[];
  itemIndex: Map<string, number>;
  /** Row-major itemIds.length × k. */
  factors: Float64Array;
  /** Each item's mean success rate when examined (the baseline the person's residual is measured from). */
  rate: Float64Array;
  /** Row-major ITEM_DIM × k: content features → factor space. */
  contentMap: Float64Array;
  /** Mean success rate over all fitted events (new items start at it). */
  meanRate: number;
  /** Probit units per rate unit near meanRate. */
  scale: number;
  /** Instant (ms) of the refit, and the number of (person, item) pairs and events it used. */
  fittedAt: number;
  pairs: number;
  events: number;
  /** Prequential calibration of the person term (see collabGain); halved at every refit, zero in older stores. */
  calib: CollabCalibration;
}

/**
 * Out-of-sample evidence on how far the person term's predictions hold: for every impression folded into a person
 * who already had a posterior, the prediction x = qᵢᵀ E[p] made before the update and the residual y − θ·rᵢ it
 * tried to predict. sxy = Σ θ·x·(y − θrᵢ), sxx = Σ θ²·x²: their ratio is the regression slope of what happened
 * on what was predicted.
 */
export interface CollabCalibration {
  sxy: number;
  sxx: number;
  /**
   * Prequential evidence for how far a person's own history with an item predicts their next impression of it
   * (historyKappa): for each κ of HISTORY_KAPPAS, then for no history at all, the summed Bernoulli log-likelihood
   * of what happened under that prediction. Halved at every refit like the rest; absent in older stores.
   */
  hist?: number[];
  /**
   * Whether the surface uses histories now (historyKappa > 0), kept with the evidence so that the choice has
   * hysteresis: histories turn on once the best κ beats no history by HISTORY_MIN_EVIDENCE nats and turn off only
   * once it no longer beats it at all. Absent in older stores (off until the evidence says on).
   */
  histOn?: boolean;
}

/**
 * Pseudo-evidence for the calibration slope: prior slope 0 worth this much Σθ²x², so the person term earns its
 * weight. (A prior slope of 1, the model as fitted, scored 0.920× against 0.931× popularity at 8 × 1,500 and 0.964×
 * against 0.972× at 16 × 3,000 in the X-Wines replay, and 0.981× against 0.985× in the latent-taste world.)
 */
const GAIN_PRIOR_WEIGHT = 2;
const MAX_GAIN = 1.5;

/**
 * The factor the person's posterior is scaled by when it ranks (personPosterior): the calibration slope, shrunk
 * towards 0 by GAIN_PRIOR_WEIGHT and kept within [0, MAX_GAIN]. A slope well below 1 means the fitted tastes
 * over-predict what people go on to do (few events per person, tastes mostly shared, as in wine ratings), so they
 * move the slate less; near 1 they are used as fitted. A new model without evidence has gain 0: slates are the
 * shared model's until people's tastes have predicted something.
 */
export function collabGain(model: CollabModel): number {
  return calibrationGain(model.calib);
}

/** collabGain from the calibration evidence alone (as stored with the model). */
export function calibrationGain(c: CollabCalibration): number {
  const g = c.sxy / (c.sxx + GAIN_PRIOR_WEIGHT);
  return Number.isFinite(g) ? min(MAX_GAIN, max(0, g)) : 0;
}

/** Calibration evidence as read from storage: absent or non-numeric parts count as none. */
export function storedCalibration(c: Partial<CollabCalibration> | null | undefined): CollabCalibration {
  const out: CollabCalibration = { sxy: Number(c?.sxy ?? 0) || 0, sxx: Number(c?.sxx ?? 0) || 0 };
  const h = c?.hist;
  if (Array.isArray(h) && h.length === HISTORY_KAPPAS.length + 1) out.hist = h.map((x) => Number(x) || 0);
  if (c?.histOn === true && out.hist) out.histOn = true;
  return out;
}

/** The calibration a new fit starts from: half the evidence of the one it replaces (the newer the fold, the more it counts). */
export function carriedCalibration(previous: CollabModel | null | undefined): CollabCalibration {
  if (!previous) return { sxy: 0, sxx: 0 };
  const c = previous.calib;
  // Halving keeps every κ's order against no history, and histOn keeps the choice: a refit alone never turns histories off.
  return { sxy: c.sxy / 2, sxx: c.sxx / 2, ...(c.hist ? { hist: c.hist.map((x) => x / 2), ...(c.histOn ? { histOn: true } : {}) } : {}) };
}

/**
 * The weights, in examined impressions, that the model's prediction may get against a person's own history with an
 * item (SlateHistory in the slate): the rate the slate ranks that item at for them is (s + κ·r)/(e + κ).
 */
export const HISTORY_KAPPAS: readonly number[] = [2, 5, 10, 20, 50, 100];
/**
 * How much better (in nats of held-out log-likelihood, after the halving at refits) the best κ must have predicted
 * than the model alone before the slate uses people's histories: until then, and on audiences whose single-item
 * histories are mostly noise (tastes that people share), the slate is the model's.
 */
export const HISTORY_MIN_EVIDENCE = 5;
/** Items kept in a person's history per surface (the most recently shown; older ones drop out). */
export const HISTORY_MAX_ITEMS = 100;
const HISTORY_RATE_MIN = 0.0001;
const HISTORY_RATE_MAX = 0.9999;

/**
 * κ for people's histories on this model's surface: the HISTORY_KAPPAS entry whose predictions of impressions of
 * items people had already been shown were the most likely, if it beat the model's own prediction by
 * HISTORY_MIN_EVIDENCE nats (or, once histories are on, by anything at all: see CollabCalibration.histOn);
 * 0 (histories unused) otherwise.
 */
export function historyKappa(model: CollabModel | null | undefined): number {
  return model ? calibrationHistoryKappa(model.calib) : 0;
}

/**
 * historyKappa from the calibration evidence alone (as stored with the model). The margin follows the current choice:
 * HISTORY_MIN_EVIDENCE nats to turn histories on, none to keep them on. Without the hysteresis a margin near the
 * threshold flapped from fold to fold, and every refit (which halves the evidence) could turn histories off.
 */
export function calibrationHistoryKappa(c: CollabCalibration): number {
  const h = c.hist;
  if (!h) return 0;
  const none = h[HISTORY_KAPPAS.length];
  let best = 0;
  let bestLl = none + (c.histOn === true ? 0 : HISTORY_MIN_EVIDENCE);
  for (let g = 0; g < HISTORY_KAPPAS.length; g++) {
    if (h[g] > bestLl) {
      bestLl = h[g];
      best = HISTORY_KAPPAS[g];
    }
  }
  return best;
}

/**
 * A person's history with single items on one surface: per item, the examined impressions (Σθ of the positions it
 * was shown at) and the successes, most recently shown last, at most HISTORY_MAX_ITEMS items. Independent of the
 * collaborative model's version, so it survives refits.
 */
export interface PersonHistory {
  v: 1;
  items: string[];
  e: number[];
  s: number[];
}

/**
 * The slate's view of a stored history (SlateHistory), or null when the model's evidence does not (yet) favour using
 * histories on this surface (historyKappa 0) or there is none.
 */
export function slateHistory(
  stored: Partial<PersonHistory> | null | undefined,
  model: CollabModel | null | undefined,
): { itemIds: string[]; exposure: number[]; successes: number[]; kappa: number } | null {
  const kappa = historyKappa(model);
  if (!(kappa > 0) || !stored) return null;
  const h = storedHistory(stored);
  return h.items.length ? { itemIds: h.items, exposure: h.e, successes: h.s, kappa } : null;
}

export function emptyHistory(): PersonHistory {
  return { v: 1, items: [], e: [], s: [] };
}

/** A stored history, or an empty one when it is absent or malformed. */
export function storedHistory(h: Partial<PersonHistory> | null | undefined): PersonHistory {
  if (!h || !Array.isArray(h.items) || !Array.isArray(h.e) || !Array.isArray(h.s) || h.items.length !== h.e.length || h.items.length !== h.s.length) {
    return emptyHistory();
  }
  return { v: 1, items: h.items.map(String), e: h.e.map((x) => Number(x) || 0), s: h.s.map((x) => Number(x) || 0) };
}

// Scores the prediction of one impression (θ, success) of an item the person has history (e, s) with, given the
// model's rate r for it, under every κ and under the model alone (Bernoulli log-likelihood of θ·rate).
function scoreHistory(calib: CollabCalibration, e: number, s: number, r: number, theta: number, success: boolean): void {
  const h = calib.hist ?? (calib.hist = new Array<number>(HISTORY_KAPPAS.length + 1).fill(0));
  const ll = (rate: number): number => {
    const p = theta * min(HISTORY_RATE_MAX, max(HISTORY_RATE_MIN, rate));
    return success ? Math.log(p) : Math.log(1 - p);
  };
  for (let g = 0; g < HISTORY_KAPPAS.length; g++) h[g] += ll((s + HISTORY_KAPPAS[g] * r) / (e + HISTORY_KAPPAS[g]));
  h[HISTORY_KAPPAS.length] += ll(r);
  if (calibrationHistoryKappa(calib) > 0) calib.histOn = true;
  else delete calib.histOn;
}

// Adds one impression to a history (moving the item to the end), dropping the least recently shown past the cap.
function recordHistory(h: PersonHistory, itemId: string, theta: number, success: boolean): void {
  const at = h.items.indexOf(itemId);
  let e = theta;
  let s = success ? 1 : 0;
  if (at >= 0) {
    e += h.e[at];
    s += h.s[at];
    h.items.splice(at, 1);
    h.e.splice(at, 1);
    h.s.splice(at, 1);
  }
  h.items.push(itemId);
  h.e.push(Number(e.toPrecision(6)));
  h.s.push(s);
  if (h.items.length > HISTORY_MAX_ITEMS) {
    const drop = h.items.length - HISTORY_MAX_ITEMS;
    h.items.splice(0, drop);
    h.e.splice(0, drop);
    h.s.splice(0, drop);
  }
}

/** One person's posterior for one model version: precision (row-major k×k) and b, so that mean = P⁻¹b. */
export interface PersonFactors {
  v: 1;
  model: number;
  prec: number[];
  b: number[];
  /** Events folded in (for display and tests). */
  n: number;
}

/** The posterior as the slate needs it, already in probit units: mean and the Cholesky factor of the covariance. */
export interface PersonPosterior {
  mean: Float64Array;
  chol: Float64Array;
}

function collabScale(meanRate: number): number {
  const r = min(0.95, max(0.005, meanRate));
  return 1 / normPdf(normInv(r));
}

export function emptyCollabModel(config: Partial<CollabConfig> = {}, meanRate = 0.1): CollabModel {
  const cfg = { ...DEFAULT_COLLAB_CONFIG, ...config };
  return {
    version: 0,
    config: cfg,
    itemIds: [],
    itemIndex: new Map(),
    factors: new Float64Array(0),
    rate: new Float64Array(0),
    contentMap: new Float64Array(ITEM_DIM * cfg.k),
    meanRate,
    scale: collabScale(meanRate),
    fittedAt: 0,
    pairs: 0,
    events: 0,
    calib: { sxy: 0, sxx: 0 },
  };
}

/** An item's factor vector: its fitted one, else its content projection Aᵀx. Writes into out (length k). */
export function itemFactor(model: CollabModel, item: ItemFeatures, out: Float64Array): Float64Array {
  const k = model.config.k;
  const slot = model.itemIndex.get(item.itemId);
  if (slot !== undefined) {
    for (let a = 0; a < k; a++) out[a] = model.factors[slot * k + a];
    return out;
  }
  out.fill(0, 0, k);
  for (let j = 0; j < item.idx.length; j++) {
    const row = item.idx[j] * k;
    const x = item.val[j];
    for (let a = 0; a < k; a++) out[a] += x * model.contentMap[row + a];
  }
  return out;
}

function itemRate(model: CollabModel, itemId: string): number {
  const slot = model.itemIndex.get(itemId);
  return slot === undefined ? model.meanRate : model.rate[slot];
}

/** A person with no events: the prior (mean 0, so the score is the shared model's). */
export function emptyPerson(model: CollabModel): PersonFactors {
  const k = model.config.k;
  const prec = new Array<number>(k * k).fill(0);
  for (let a = 0; a < k; a++) prec[a * k + a] = 1 / model.config.personPriorVar;
  return { v: 1, model: model.version, prec, b: new Array<number>(k).fill(0), n: 0 };
}

/**
 * Folds one impression into the person's posterior (exact Bayesian linear regression; mutates `person`).
 * `examination` is θ of the position it was served at; `success` whether the surface's success event followed.
 */
export function updatePerson(
  person: PersonFactors,
  model: CollabModel,
  item: ItemFeatures,
  examination: number,
  success: boolean,
  q = new Float64Array(model.config.k),
  history?: PersonHistory,
): void {
  const k = model.config.k;
  itemFactor(model, item, q);
  const theta = min(1, max(0, examination));
  const w = 1 / model.config.noiseVar;
  const rate = itemRate(model, item.itemId);
  const resid = (success ? 1 : 0) - theta * rate;
  let x = 0;
  if (person.n > 0) {
    // The prediction before this impression is learnt: its error calibrates the person term (collabGain).
    x = predictResidual(person, q, k);
    if (x !== 0) {
      model.calib.sxy += theta * x * resid;
      model.calib.sxx += theta * theta * x * x;
    }
  }
  if (history) {
    // The same impression scores the person's history with this item against the model's prediction for them.
    const at = history.items.indexOf(item.itemId);
    if (at >= 0 && theta > 0) scoreHistory(model.calib, history.e[at], history.s[at], rate + collabGain(model) * x, theta, success);
    recordHistory(history, item.itemId, theta, success);
  }
  for (let a = 0; a < k; a++) {
    person.b[a] += w * theta * resid * q[a];
    for (let c = 0; c < k; c++) person.prec[a * k + c] += w * theta * theta * q[a] * q[c];
  }
  person.n++;
}

/** qᵀP⁻¹b, the person's expected residual on an item with factors q (rate units); 0 if P is not positive definite. */
function predictResidual(person: PersonFactors, q: Float64Array, k: number): number {
  const l = predictScratch.length === k * k ? predictScratch : (predictScratch = new Float64Array(k * k));
  for (let i = 0; i < k * k; i++) l[i] = person.prec[i];
  if (!cholesky(l, k)) return 0;
  const v = predictVec.length === k ? predictVec : (predictVec = new Float64Array(k));
  for (let a = 0; a < k; a++) v[a] = person.b[a];
  cholSolve(l, k, v);
  let x = 0;
  for (let a = 0; a < k; a++) x += q[a] * v[a];
  return x;
}
let predictScratch = new Float64Array(0);
let predictVec = new Float64Array(0);

/** One labelled impression of a person: the item, θ of the position it was served at, and its label. */
export interface PersonObservation {
  userId: string;
  item: ItemFeatures;
  theta: number;
  success: boolean;
}

/**
 * Folds observations into people's posteriors under `model`, in order (mutates and fills `persons`). A person with
 * no posterior, or one from another model version or factor size (another basis), starts again from the prior.
 * Returns the people it touched. The learner's fold and the refit's catch-up (the impressions folded while the
 * refit computed, replayed onto its posteriors) both go through here, so each impression counts exactly once.
 * With `histories` (filled for people it lacks), each impression also scores the person's history with its item as a
 * prediction (historyKappa) and is added to it: the learner's fold passes them, the refit's catch-up does not (the
 * folds already recorded those impressions).
 */
export function foldPersonObservations(
  persons: Map<string, PersonFactors>,
  model: CollabModel,
  obs: readonly PersonObservation[],
  histories?: Map<string, PersonHistory>,
): Set<string> {
  const touched = new Set<string>();
  const q = new Float64Array(model.config.k);
  for (const o of obs) {
    let p = persons.get(o.userId);
    if (!p || p.model !== model.version || p.prec.length !== model.config.k ** 2) persons.set(o.userId, (p = emptyPerson(model)));
    let h: PersonHistory | undefined;
    if (histories) {
      h = histories.get(o.userId);
      if (!h) histories.set(o.userId, (h = emptyHistory()));
    }
    updatePerson(p, model, o.item, o.theta, o.success, q, h);
    touched.add(o.userId);
  }
  return touched;
}

/** In-place Cholesky of a symmetric positive definite k×k matrix (lower triangle; upper set to 0). False if not SPD. */
export function cholesky(m: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let d = m[j * k + j];
    for (let s = 0; s < j; s++) d -= m[j * k + s] * m[j * k + s];
    if (!(d > 0)) return false;
    const l = sqrt(d);
    m[j * k + j] = l;
    for (let i = j + 1; i < k; i++) {
      let v = m[i * k + j];
      for (let s = 0; s < j; s++) v -= m[i * k + s] * m[j * k + s];
      m[i * k + j] = v / l;
    }
    for (let i = 0; i < j; i++) m[i * k + j] = 0;
  }
  return true;
}

/** Solves L Lᵀ x = b given the Cholesky factor L (in place on b). */
function cholSolve(l: Float64Array, k: number, b: Float64Array): Float64Array {
  for (let i = 0; i < k; i++) {
    let v = b[i];
    for (let s = 0; s < i; s++) v -= l[i * k + s] * b[s];
    b[i] = v / l[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let v = b[i];
    for (let s = i + 1; s < k; s++) v -= l[s * k + i] * b[s];
    b[i] = v / l[i * k + i];
  }
  return b;
}

/** Inverse of a symmetric positive definite matrix (null when it is not). */
export function spdInverse(m: ArrayLike<number>, k: number): Float64Array | null {
  const l = Float64Array.from(m);
  if (!cholesky(l, k)) return null;
  const inv = new Float64Array(k * k);
  const col = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    col.fill(0);
    col[c] = 1;
    cholSolve(l, k, col);
    for (let r = 0; r < k; r++) inv[r * k + c] = col[r];
  }
  return inv;
}

/**
 * The person's posterior in probit units for the slate, scaled by the calibration gain g (collabGain unless given;
 * 1 gives the taste as fitted): mean g·c·P⁻¹b and the Cholesky factor of (g·c)²·P⁻¹. Null when the gain is 0, when the
 * stored posterior belongs to another model version, has the wrong size, or is not positive definite (then the
 * person is served like someone new).
 */
export function personPosterior(
  person: PersonFactors | null | undefined,
  model: CollabModel | null | undefined,
  gain = model ? collabGain(model) : 1,
): PersonPosterior | null {
  if (!person || !model || model.version === 0 || person.model !== model.version) return null;
  const k = model.config.k;
  if (person.prec.length !== k * k || person.b.length !== k) return null;
  // A taste with no weight moves nothing: the person is served like someone new (no degenerate zero-spread term).
  if (!(gain > 0)) return null;
  const cov = spdInverse(person.prec, k);
  if (!cov) return null;
  const scale = model.scale * gain;
  const mean = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += cov[r * k + c] * person.b[c];
    mean[r] = scale * s;
  }
  if (!cholesky(cov, k)) return null;
  for (let i = 0; i < k * k; i++) cov[i] *= scale;
  return { mean, chol: cov };
}

/** One (person, item) pair's sufficient statistics for the refit: Σθ² and Σθ·y over its impressions. */
export interface PairStats {
  person: number;
  item: number;
  s2: number;
  s1y: number;
  /** Σθ and number of successes, for the item's mean rate. */
  s1: number;
  y: number;
  /** Number of impressions. */
  n: number;
}

export interface RefitInput {
  persons: string[];
  /** Items by index; features map them into factor space. */
  items: ItemFeatures[];
  pairs: PairStats[];
  /** Deterministic seed for the initial factors. */
  seed?: number;
  now: number;
  previous?: CollabModel | null;
  config?: Partial<CollabConfig>;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

/** refitCollabSteps pauses after every REFIT_STEP_MASK + 1 people or items. */
const REFIT_STEP_MASK = 255;

/**
 * Refits the item factors and content map by weighted alternating least squares on every person's events, and
 * returns each person's posterior for the new model (the same regression updatePerson continues from).
 * Cost: iterations × (pairs × k² + (persons + items) × k³).
 */
export function refitCollab(input: RefitInput): RefitResult {
  const steps = refitCollabSteps(input);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export interface RefitResult {
  model: CollabModel;
  persons: PersonFactors[];
}

/**
 * refitCollab as a generator that pauses every 256 people or items (a few milliseconds of work), so a caller
 * can run a large refit in slices and keep its event loop answering (the learner's refit runs beside its fold).
 * Drained in one go it is refitCollab: the same arithmetic in the same order, so the same result.
 */
export function* refitCollabSteps(input: RefitInput): Generator<void, RefitResult, void> {
  // A refit keeps the previous fit's shape (k, ridges) so that the factor space stays comparable, but the person
  // prior is always the engine's current choice (or the caller's): nothing sets it per surface, and a model stored
  // under an older default (EM from 0.01) must not keep it for ever. This also starts EM, when on, from the
  // configured value rather than the last estimate: it moves well downwards but barely upwards from a prior that
  // already dominates the data.
  const { personPriorVar, learnPriorVar } = DEFAULT_COLLAB_CONFIG;
  const cfg = { ...DEFAULT_COLLAB_CONFIG, ...input.previous?.config, personPriorVar, learnPriorVar, ...input.config };
  const k = cfg.k;
  const nu = input.persons.length;
  const ni = input.items.length;
  const w = 1 / cfg.noiseVar;
  // Item mean rates when examined, shrunk towards the overall rate by 10 examined impressions.
  let totY = 0;
  let totS1 = 0;
  const iy = new Float64Array(ni);
  const is1 = new Float64Array(ni);
  for (const p of input.pairs) {
    iy[p.item] += p.y;
    is1[p.item] += p.s1;
    totY += p.y;
    totS1 += p.s1;
  }
  const meanRate = totS1 > 0 ? min(0.95, max(0.001, totY / totS1)) : (input.previous?.meanRate ?? 0.1);
  const rate = new Float64Array(ni);
  for (let i = 0; i < ni; i++) rate[i] = min(0.99, (iy[i] + 10 * meanRate) / (is1[i] + 10));
  // Residual target per pair: Σθ(y − θr) = s1y − r·s2.
  const t = input.pairs.map((p) => p.s1y - rate[p.item] * p.s2);
  const byPerson: number[][] = Array.from({ length: nu }, () => []);
  const byItem: number[][] = Array.from({ length: ni }, () => []);
  input.pairs.forEach((p, j) => {
    byPerson[p.person].push(j);
    byItem[p.item].push(j);
  });
  // Start items where the previous fit had them (so the factor space stays comparable), else small noise.
  const rnd = lcg(input.seed ?? 12345);
  const Q = new Float64Array(ni * k);
  for (let i = 0; i < ni; i++) {
    const prev = input.previous?.itemIndex.get(input.items[i].itemId);
    for (let a = 0; a < k; a++) Q[i * k + a] = prev !== undefined && input.previous!.config.k === k ? input.previous!.factors[prev * k + a] : 0.1 * rnd();
  }
  const Pm = new Float64Array(nu * k);
  const A = new Float64Array(ITEM_DIM * k);
  if (input.previous && input.previous.config.k === k) A.set(input.previous.contentMap);
  const M = new Float64Array(k * k);
  const v = new Float64Array(k);
  const solveInto = (out: Float64Array, off: number): boolean => {
    if (!cholesky(M, k)) return false;
    cholSolve(M, k, v);
    for (let a = 0; a < k; a++) out[off + a] = v[a];
    return true;
  };
  const prior = new Float64Array(k);
  const X = input.items.map((f) => f);
  let precPerson = 1 / cfg.personPriorVar;
  const unit = new Float64Array(k);
  for (let it = 0; it < cfg.iterations; it++) {
    // Persons given items; with learnPriorVar, also Σ_u E[p_u²] for the prior's EM step.
    let second = 0;
    let counted = 0;
    for (let u = 0; u < nu; u++) {
      if ((u & REFIT_STEP_MASK) === REFIT_STEP_MASK) yield;
      M.fill(0);
      v.fill(0);
      for (let a = 0; a < k; a++) M[a * k + a] = precPerson;
      for (const j of byPerson[u]) {
        const p = input.pairs[j];
        const q = p.item * k;
        for (let a = 0; a < k; a++) {
          v[a] += w * t[j] * Q[q + a];
          for (let c = 0; c <= a; c++) M[a * k + c] += w * p.s2 * Q[q + a] * Q[q + c];
        }
      }
      for (let a = 0; a < k; a++) for (let c = a + 1; c < k; c++) M[a * k + c] = M[c * k + a];
      const solved = solveInto(Pm, u * k);
      if (solved && cfg.learnPriorVar && byPerson[u].length > 0) {
        // M now holds its Cholesky factor: diag(M⁻¹) by k solves.
        for (let a = 0; a < k; a++) {
          unit.fill(0);
          unit[a] = 1;
          cholSolve(M, k, unit);
          second += unit[a] + Pm[u * k + a] ** 2;
        }
        counted += k;
      }
    }
    if (cfg.learnPriorVar && counted > 0) {
      const tau2 = min(cfg.maxPriorVar, max(cfg.minPriorVar, second / counted));
      cfg.personPriorVar = tau2;
      precPerson = 1 / tau2;
    }
    // Content map given items (ridge regression of Q on item features).
    fitContentMap(A, X, Q, k, cfg.contentRidge);
    // Items given persons, around their content projection.
    for (let i = 0; i < ni; i++) {
      if ((i & REFIT_STEP_MASK) === REFIT_STEP_MASK) yield;
      M.fill(0);
      prior.fill(0);
      const f = X[i];
      for (let j = 0; j < f.idx.length; j++) for (let a = 0; a < k; a++) prior[a] += f.val[j] * A[f.idx[j] * k + a];
      const ridge = cfg.itemRidge * w;
      for (let a = 0; a < k; a++) {
        M[a * k + a] = ridge;
        v[a] = ridge * prior[a];
      }
      for (const j of byItem[i]) {
        const p = input.pairs[j];
        const o = p.person * k;
        for (let a = 0; a < k; a++) {
          v[a] += w * t[j] * Pm[o + a];
          for (let c = 0; c <= a; c++) M[a * k + c] += w * p.s2 * Pm[o + a] * Pm[o + c];
        }
      }
      for (let a = 0; a < k; a++) for (let c = a + 1; c < k; c++) M[a * k + c] = M[c * k + a];
      solveInto(Q, i * k);
    }
  }
  fitContentMap(A, X, Q, k, cfg.contentRidge);
  const model: CollabModel = {
    version: (input.previous?.version ?? 0) + 1,
    config: cfg,
    itemIds: input.items.map((f) => f.itemId),
    itemIndex: new Map(input.items.map((f, i) => [f.itemId, i])),
    factors: Q,
    rate,
    contentMap: A,
    meanRate,
    scale: collabScale(meanRate),
    fittedAt: input.now,
    pairs: input.pairs.length,
    events: input.pairs.reduce((s, p) => s + p.n, 0),
    calib: carriedCalibration(input.previous),
  };
  // Each person's posterior under the final item factors: the same statistics updatePerson accumulates.
  const persons: PersonFactors[] = [];
  for (let u = 0; u < nu; u++) {
    if ((u & REFIT_STEP_MASK) === REFIT_STEP_MASK) yield;
    const pf = emptyPerson(model);
    for (const j of byPerson[u]) {
      const p = input.pairs[j];
      const q = p.item * k;
      for (let a = 0; a < k; a++) {
        pf.b[a] += w * t[j] * Q[q + a];
        for (let c = 0; c < k; c++) pf.prec[a * k + c] += w * p.s2 * Q[q + a] * Q[q + c];
      }
      pf.n += p.n;
    }
    persons.push(pf);
  }
  return { model, persons };
}

function fitContentMap(A: Float64Array, X: ItemFeatures[], Q: Float64Array, k: number, ridge: number): void {
  const d = ITEM_DIM;
  const G = new Float64Array(d * d);
  const B = new Float64Array(d * k);
  for (let i = 0; i < X.length; i++) {
    const f = X[i];
    for (let a = 0; a < f.idx.length; a++) {
      const ra = f.idx[a];
      for (let c = 0; c < f.idx.length; c++) G[ra * d + f.idx[c]] += f.val[a] * f.val[c];
      for (let s = 0; s < k; s++) B[ra * k + s] += f.val[a] * Q[i * k + s];
    }
  }
  for (let a = 0; a < d; a++) G[a * d + a] += ridge;
  if (!cholesky(G, d)) return;
  const col = new Float64Array(d);
  for (let s = 0; s < k; s++) {
    for (let a = 0; a < d; a++) col[a] = B[a * k + s];
    cholSolve(G, d, col);
    for (let a = 0; a < d; a++) A[a * k + s] = col[a];
  }
}

/** JSON-safe form (typed arrays become number arrays). */
export interface SerializedCollabModel {
  version: number;
  config: CollabConfig;
  itemIds: string[];
  factors: number[];
  rate: number[];
  contentMap: number[];
  meanRate: number;
  fittedAt: number;
  pairs: number;
  events: number;
  /** Absent in models stored before the calibration existed (they start with none). */
  calib?: CollabCalibration;
}

export function serializeCollab(m: CollabModel): SerializedCollabModel {
  return {
    version: m.version,
    config: { ...m.config },
    itemIds: m.itemIds.slice(),
    factors: Array.from(m.factors),
    rate: Array.from(m.rate),
    contentMap: Array.from(m.contentMap),
    meanRate: m.meanRate,
    fittedAt: m.fittedAt,
    pairs: m.pairs,
    events: m.events,
    calib: { ...m.calib },
  };
}

export function deserializeCollab(j: SerializedCollabModel): CollabModel {
  const config = { ...DEFAULT_COLLAB_CONFIG, ...j.config };
  if (j.factors.length !== j.itemIds.length * config.k || j.contentMap.length !== ITEM_DIM * config.k) {
    throw new Error(
      `Stored collaborative model v${j.version} has ${j.factors.length} factors for ${j.itemIds.length} items × k=${config.k} and a ${j.contentMap.length}-value content map; refit it.`,
    );
  }
  return {
    version: j.version,
    config,
    itemIds: j.itemIds.slice(),
    itemIndex: new Map(j.itemIds.map((id, i) => [id, i])),
    factors: Float64Array.from(j.factors),
    rate: Float64Array.from(j.rate),
    contentMap: Float64Array.from(j.contentMap),
    meanRate: j.meanRate,
    scale: collabScale(j.meanRate),
    fittedAt: j.fittedAt,
    pairs: j.pairs,
    events: j.events,
    calib: storedCalibration(j.calib),
  };
}

/**
 * Exact top-K by dot product over a row-major n×k factor matrix (a partial heap; O(n·k + n·log K)). Returns row
 * indices, best first.
 */
export function topKDot(
  factors: ArrayLike<number>,
  n: number,
  k: number,
  query: ArrayLike<number>,
  K: number,
  skip?: (row: number) => boolean,
): { rows: number[]; scores: number[] } {
  const cap = max(0, min(K, n));
  const hs: number[] = [];
  const hr: number[] = [];
  for (let r = 0; r < n; r++) {
    if (skip?.(r)) continue;
    let s = 0;
    for (let a = 0, o = r * k; a < k; a++) s += factors[o + a] * query[a];
    if (hs.length < cap) {
      hs.push(s);
      hr.push(r);
      let i = hs.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (hs[p] <= hs[i]) break;
        [hs[p], hs[i]] = [hs[i], hs[p]];
        [hr[p], hr[i]] = [hr[i], hr[p]];
        i = p;
      }
    } else if (cap > 0 && s > hs[0]) {
      hs[0] = s;
      hr[0] = r;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const rr = l + 1;
        let m = i;
        if (l < hs.length && hs[l] < hs[m]) m = l;
        if (rr < hs.length && hs[rr] < hs[m]) m = rr;
        if (m === i) break;
        [hs[m], hs[i]] = [hs[i], hs[m]];
        [hr[m], hr[i]] = [hr[i], hr[m]];
        i = m;
      }
    }
  }
  const order = hs.map((_, i) => i).sort((a, b) => hs[b] - hs[a]);
  return { rows: order.map((i) => hr[i]), scores: order.map((i) => hs[i]) };
}

/** Above this many items, candidate retrieval uses the approximate index. */
const EXACT_TOPK_LIMIT = 10_000;

/**
 * Approximate maximum-inner-product search: items bucketed by their nearest of √n centroids (spherical k-means on
 * directions, a few rounds), and a query scans the `probe` buckets whose centroids score best. Exact below
 * EXACT_TOPK_LIMIT. Its recall against topKDot is measured in bench/ranking-core.ts.
 */
export class FactorIndex {
  private readonly centroids: Float64Array;
  private readonly buckets: Int32Array[];
  readonly exact: boolean;

  constructor(
    readonly factors: Float64Array,
    readonly n: number,
    readonly k: number,
    seed = 7,
  ) {
    this.exact = n <= EXACT_TOPK_LIMIT;
    const c = this.exact ? 0 : max(1, Math.round(sqrt(n)));
    this.centroids = new Float64Array(c * k);
    this.buckets = [];
    if (this.exact) return;
    const rnd = lcg(seed);
    for (let j = 0; j < c; j++) {
      const r = Math.floor((rnd() + 0.5) * n) % n;
      for (let a = 0; a < k; a++) this.centroids[j * k + a] = factors[r * k + a];
    }
    // Centroids are trained on a sample of 16 items per centroid (a few rounds), then every item is assigned once.
    const sample = Int32Array.from({ length: min(n, 16 * c) }, () => Math.floor((rnd() + 0.5) * n) % n);
    const assign = new Int32Array(sample.length);
    for (let round = 0; round < 3; round++) {
      for (let s = 0; s < sample.length; s++) assign[s] = this.nearest(sample[s]);
      const sum = new Float64Array(c * k);
      for (let s = 0; s < sample.length; s++) for (let a = 0; a < k; a++) sum[assign[s] * k + a] += factors[sample[s] * k + a];
      for (let j = 0; j < c; j++) {
        let norm = 0;
        for (let a = 0; a < k; a++) norm += sum[j * k + a] ** 2;
        norm = sqrt(norm);
        if (norm > 0) for (let a = 0; a < k; a++) this.centroids[j * k + a] = sum[j * k + a] / norm;
      }
    }
    const lists: number[][] = Array.from({ length: c }, () => []);
    for (let r = 0; r < n; r++) lists[this.nearest(r)].push(r);
    this.buckets = lists.map((l) => Int32Array.from(l));
  }

  private nearest(r: number): number {
    const { k, factors, centroids } = this;
    let best = 0;
    let bestS = -Infinity;
    for (let j = 0; j < centroids.length / k; j++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += factors[r * k + a] * centroids[j * k + a];
      if (s > bestS) {
        bestS = s;
        best = j;
      }
    }
    return best;
  }

  /** The K best rows for the query (exact below EXACT_TOPK_LIMIT items; otherwise from the best `probe` buckets). */
  search(query: ArrayLike<number>, K: number, probe = 8): number[] {
    if (this.exact) return topKDot(this.factors, this.n, this.k, query, K).rows;
    const { k, centroids, buckets } = this;
    const cs = topKDot(centroids, centroids.length / k, k, query, probe).rows;
    // Score the probed buckets' rows in place, keeping the best K (a sorted insertion list: K is small).
    const f = this.factors;
    const bestS: number[] = [];
    const bestR: number[] = [];
    for (const j of cs) {
      const rows = buckets[j];
      for (let t = 0; t < rows.length; t++) {
        const r = rows[t];
        let sc = 0;
        for (let a = 0, o = r * k; a < k; a++) sc += f[o + a] * query[a];
        if (bestS.length === K && sc <= bestS[K - 1]) continue;
        let at = bestS.length;
        while (at > 0 && bestS[at - 1] < sc) at--;
        bestS.splice(at, 0, sc);
        bestR.splice(at, 0, r);
        if (bestS.length > K) {
          bestS.pop();
          bestR.pop();
        }
      }
    }
    return bestR;
  }
}

/** The refit schedule: first refit after this many impressions, then after a quarter of the last fit's, at least this. */
const COLLAB_FIRST_REFIT = 2_000;
const COLLAB_MIN_NEW = 2_000;

/** Whether a refit is due, given the impressions since the last one (the same rule the learner service applies). */
export function refitDue(model: CollabModel | null | undefined, newImpressions: number, now: number, maxAgeMs = 6 * 3_600_000): boolean {
  if (!model || model.version === 0) return newImpressions >= COLLAB_FIRST_REFIT;
  return newImpressions >= max(COLLAB_MIN_NEW, model.events / 4) || (newImpressions > 0 && now - model.fittedAt >= maxAgeMs);
}

/**
 * The collaborative learning loop in memory, for the simulator and the in-process audience replay: the same steps
 * as the learner service (fold labelled impressions into each person's posterior, refit the item factors on the
 * schedule) without PostgreSQL. Pair statistics are kept aggregated per (person, item).
 */
export class CollabTrainer {
  readonly persons = new Map<string, PersonFactors>();
  /** Each person's history with single items, folded as the learner's fold does (histories survive refits). */
  readonly histories = new Map<string, PersonHistory>();
  private readonly personIdx = new Map<string, number>();
  private readonly itemIdx = new Map<string, number>();
  private readonly items: ItemFeatures[] = [];
  private readonly pairs = new Map<number, PairStats>();
  private pending: PersonObservation[] = [];
  private sinceRefit = 0;
  refits = 0;

  constructor(private readonly config: Partial<CollabConfig> = {}) {}

  record(userId: string, item: ItemFeatures, theta: number, success: boolean): void {
    this.pending.push({ userId, item, theta, success });
    let u = this.personIdx.get(userId);
    if (u === undefined) this.personIdx.set(userId, (u = this.personIdx.size));
    let i = this.itemIdx.get(item.itemId);
    if (i === undefined) {
      this.itemIdx.set(item.itemId, (i = this.items.length));
      this.items.push(item);
    }
    const key = u * 1_000_003 + i;
    let p = this.pairs.get(key);
    if (!p) this.pairs.set(key, (p = { person: u, item: i, s2: 0, s1y: 0, s1: 0, y: 0, n: 0 }));
    const y = success ? 1 : 0;
    p.s2 += theta * theta;
    p.s1y += theta * y;
    p.s1 += theta;
    p.y += y;
    p.n++;
    this.sinceRefit++;
  }

  /** Applies the pending impressions to the posteriors, then refits when due. Mutates state.collab and revision. */
  flush(state: { collab?: CollabModel | null; revision: number }, now: number): void {
    const model = state.collab;
    if (model && model.version > 0) {
      const q = new Float64Array(model.config.k);
      for (const o of this.pending) {
        let p = this.persons.get(o.userId);
        if (!p || p.model !== model.version) this.persons.set(o.userId, (p = emptyPerson(model)));
        let h = this.histories.get(o.userId);
        if (!h) this.histories.set(o.userId, (h = emptyHistory()));
        updatePerson(p, model, o.item, o.theta, o.success, q, h);
      }
    }
    this.pending = [];
    if (!refitDue(model, this.sinceRefit, now)) return;
    const ids = [...this.personIdx.keys()];
    const fit = refitCollab({ persons: ids, items: this.items, pairs: [...this.pairs.values()], now, previous: model ?? null, seed: 7, config: this.config });
    state.collab = fit.model;
    state.revision++;
    ids.forEach((id, u) => this.persons.set(id, fit.persons[u]));
    this.sinceRefit = 0;
    this.refits++;
  }

  posterior(userId: string, model: CollabModel | null | undefined): PersonPosterior | null {
    return personPosterior(this.persons.get(userId), model);
  }

  /** The slate's view of the person's history (null while the model's evidence keeps histories off). */
  history(userId: string, model: CollabModel | null | undefined): ReturnType<typeof slateHistory> {
    return slateHistory(this.histories.get(userId), model);
  }
}
