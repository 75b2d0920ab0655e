import { SeededRandom } from '../engine/random';
import { applyEventInPlace, denseItemFeatures, emptyProfile, UserProfile, writeUserFeatures, USER_DIM } from '../engine/features';
import { applyForgetting, applyObservations, createEngineState, EngineState, Observation, predict, setExamination, SharedPrior, withSharedPrior } from '../engine/model';
import { buildCandidatePool, Candidate, CandidatePool } from '../engine/candidates';
import { buildSlate, SlateReason, SurfacePolicy } from '../engine/slate';
import { newPacingState, PacingState, recordServed, testShareFor } from '../engine/budget';
import {
  ContentTest,
  ControlStats,
  evaluateContentTest,
  impressionRole,
  testSlotWeights,
  testsBelowQuota,
  trafficQuota,
  windowControl,
  recordControlImpression,
  recordTestImpression,
  startContentTest,
} from '../engine/content-test';
import { emptyPositionCounts, estimateExamination, PositionCounts, recordPosition } from '../engine/position-bias';
import { normCdf } from '../engine/math';
import { CollabTrainer } from '../engine/collab';
import { ITEM_KINDS } from '../engine/features';
import { contextOf, crn, DAY_MS, HOUR_MS, KIND_TASTE_SD, SEGMENTS, SimItem, successProbability, TOPIC_TASTE_SD, TOPICS, USER_HOUR_SD, VISIT_HOUR_SD, Visit, World } from './world';

// Bound once: no global lookups in the loops (slow inside Jest's sandbox).
const { exp, floor, log, max, sqrt, PI } = Math;

export interface ServedSlate {
  items: number[];
  reasons: (SlateReason | null)[];
}

/** A placement policy under simulation. `live` lists the item indices eligible at the time of the visit. */
export interface SimPolicy {
  readonly name: string;
  serve(visit: Visit, live: readonly number[], requestIndex: number): ServedSlate;
  observe(visit: Visit, slate: ServedSlate, successes: readonly boolean[]): void;
  launch?(item: SimItem, at: number): void;
  tick?(at: number): void;
}

function topN(live: readonly number[], score: (i: number) => number, n: number): number[] {
  if (n < live.length / 4) return topK(live, score, n);
  return live
    .map((i) => ({ i, s: score(i) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, n)
    .map((x) => x.i);
}

// The same order as topN (score descending, then index ascending) by insertion into a short buffer.
function topK(live: readonly number[], score: (i: number) => number, n: number): number[] {
  const idx: number[] = [];
  const val: number[] = [];
  for (const i of live) {
    const v = score(i);
    const m = idx.length;
    if (m === n && (v < val[m - 1] || (v === val[m - 1] && i > idx[m - 1]))) continue;
    let j = m < n ? m : m - 1;
    if (m < n) {
      idx.push(i);
      val.push(v);
    }
    while (j > 0 && (val[j - 1] < v || (val[j - 1] === v && idx[j - 1] > i))) {
      idx[j] = idx[j - 1];
      val[j] = val[j - 1];
      j--;
    }
    idx[j] = i;
    val[j] = v;
  }
  return idx;
}

/** Editorial static order: an editor's judgement of quality, the same for everyone. */
export class EditorialPolicy implements SimPolicy {
  readonly name = 'editorial';
  constructor(
    private world: World,
    private slots: number,
  ) {}
  serve(_v: Visit, live: readonly number[]): ServedSlate {
    const items = topN(live, (i) => this.world.items[i].editorial, this.slots);
    return { items, reasons: items.map(() => null) };
  }
  observe(): void {}
}

/** Global popularity from the true rates: the best order any non-personalised policy can serve. */
export class PopularityPolicy implements SimPolicy {
  readonly name = 'popularity (true rates)';
  constructor(
    private world: World,
    private slots: number,
  ) {}
  serve(_v: Visit, live: readonly number[]): ServedSlate {
    const items = topN(live, (i) => this.world.items[i].trueRate, this.slots);
    return { items, reasons: items.map(() => null) };
  }
  observe(): void {}
}

/** Per-person oracle: each user's true success probabilities at that hour. */
export class OraclePolicy implements SimPolicy {
  readonly name = 'per-person oracle';
  constructor(
    private world: World,
    private slots: number,
  ) {}
  serve(v: Visit, live: readonly number[]): ServedSlate {
    const u = this.world.users[v.user];
    const items = topN(live, (i) => successProbability(this.world, u, this.world.items[i], v.hour), this.slots);
    return { items, reasons: items.map(() => null) };
  }
  observe(): void {}
}

/**
 * Context-free ε-greedy on each item's observed success rate (ε = 0 is plain greedy). Slots are re-ranked from
 * counts every simulated 10 minutes, as a batch system would.
 */
export class EpsilonGreedyPolicy implements SimPolicy {
  readonly name: string;
  private imp = new Float64Array(0);
  private succ = new Float64Array(0);
  private order: number[] = [];
  private orderAt = -1;
  private orderSize = -1;
  private rng: SeededRandom;
  constructor(
    private world: World,
    private slots: number,
    private epsilon: number,
    seed: number,
  ) {
    this.name = epsilon > 0 ? `epsilon-greedy (ε=${epsilon})` : 'greedy (no exploration)';
    this.imp = new Float64Array(world.items.length);
    this.succ = new Float64Array(world.items.length);
    this.rng = new SeededRandom(`eps:${seed}:${epsilon}`);
  }
  private rate(i: number): number {
    // Prior of one success in 12 impressions: a new item starts near a typical rate, as a team would set it.
    return (this.succ[i] + 1) / (this.imp[i] + 12);
  }
  serve(v: Visit, live: readonly number[]): ServedSlate {
    const bucket = floor(v.at / (10 * 60_000));
    if (bucket !== this.orderAt || live.length !== this.orderSize) {
      this.order = topN(live, (i) => this.rate(i), live.length);
      this.orderAt = bucket;
      this.orderSize = live.length;
    }
    const items: number[] = [];
    const used = new Set<number>();
    const reasons: (SlateReason | null)[] = [];
    let next = 0;
    for (let k = 0; k < this.slots && k < live.length; k++) {
      if (this.epsilon > 0 && this.rng.next() < this.epsilon) {
        let i = live[this.rng.int(live.length)];
        while (used.has(i)) i = live[this.rng.int(live.length)];
        items.push(i);
        used.add(i);
        reasons.push('EXPLORATION');
        continue;
      }
      while (used.has(this.order[next])) next++;
      items.push(this.order[next]);
      used.add(this.order[next]);
      reasons.push(null);
    }
    return { items, reasons };
  }
  observe(_v: Visit, slate: ServedSlate, successes: readonly boolean[]): void {
    slate.items.forEach((i, k) => {
      this.imp[i]++;
      if (successes[k]) this.succ[i]++;
    });
  }
}

/**
 * What the engine itself believes about a new item, checked hourly from its launch: the first hour at which its
 * posterior puts the item above the control with probability ≥ 0.9 ('better') or below it with probability ≥ 0.95
 * ('worse'), the thresholds of the content test's decision rule. The score compared is the population-average
 * user's (the running mean of the logged user feature vectors), through the engine's own `predict`; the control is
 * the mean score of the established items that are not in a test. Content tests do not read it.
 */
export interface EngineBelief {
  decision: 'better' | 'worse' | null;
  /** Impressions of the item (test slots and any other) when the posterior first crossed a threshold. */
  impressions: number | null;
  hours: number | null;
  /** P(item above control) at the decision, or at the last check while undecided. */
  probBetter: number;
}

/** What the Marquee policy reports about each content test. */
export interface TestRecord {
  item: SimItem;
  test: ContentTest;
  controlTrueRate: number;
  /** Only with `trackBeliefs`. */
  belief?: EngineBelief;
}

/**
 * One logged impression as the TF.js reward model takes it (ml/src/types.ts TrainingRow): the engine's dense user
 * features as the slate logged them, the item's dense engine features, the logged propensity and the success.
 */
export interface LoggedImpression {
  userId: string;
  userFeatures: readonly number[];
  itemId: string;
  itemFeatures: readonly number[];
  position: number;
  propensity: number;
  reward: number;
  at: number;
}

export interface MarqueeOptions {
  slots: number;
  budget: number;
  floor: number;
  maxTestDays: number;
  /** Compute logged propensities on every n-th request (0 = never); they cost time and change no decision. */
  propensityEvery: number;
  seed: number;
  /** Start from this external shared prior (the TF.js model's export) instead of the structural one. */
  sharedPrior?: SharedPrior;
  /** Keep every impression of the requests that log propensities, as training rows. */
  exportRows?: boolean;
  /** Track the engine's own posterior about each new item (see EngineBelief). */
  trackBeliefs?: boolean;
  /** The per-person collaborative model (default on; false serves the shared model plus context only). */
  collab?: boolean;
}

/** The real engine: model, profiles, slates, budget pacing, content tests, position-bias estimation. */
export class MarqueePolicy implements SimPolicy {
  readonly name = 'marquee';
  readonly state: EngineState;
  private profiles: (UserProfile | null)[];
  private pool: CandidatePool | null = null;
  private poolKey = '';
  private pacing: PacingState;
  private pending: Observation[] = [];
  private tests = new Map<number, TestRecord>();
  control: ControlStats = { impressions: 0, exposure: 0, successes: 0 };
  private positions: PositionCounts;
  private lastHour = -1;
  private surface: SurfacePolicy;
  private userBuf = new Float32Array(USER_DIM);
  /** Exploration slots and served slots per clock hour, for the budget report. */
  readonly hourly = new Map<number, { served: number; test: number; floor: number }>();
  propensityStats = { slates: 0, entries: 0, exact: 0, errorSum: 0 };
  /** With `exportRows`: the impressions of every request that logged propensities. */
  readonly rows: LoggedImpression[] = [];
  private logged: { user: number[]; propensities: number[] } | null = null;
  private denseItems = new Map<number, number[]>();
  private impressionsOf: Int32Array;
  private userSum = new Float64Array(USER_DIM);
  private userCount = 0;
  /** The per-person collaborative model's learning loop (the learner service's steps, in memory). */
  readonly collab: CollabTrainer | null;

  constructor(
    private world: World,
    private o: MarqueeOptions,
    start: number,
  ) {
    const fresh = createEngineState({ now: start });
    this.state = o.sharedPrior ? withSharedPrior(fresh, o.sharedPrior) : fresh;
    this.impressionsOf = new Int32Array(world.items.length);
    this.profiles = world.users.map(() => null);
    this.pacing = newPacingState(start);
    this.positions = emptyPositionCounts(o.slots);
    this.surface = { slots: o.slots, explorationBudget: o.budget, randomFloor: o.floor, testMaxPosition: o.slots };
    this.collab = o.collab === false ? null : new CollabTrainer();
  }

  get testRecords(): TestRecord[] {
    return [...this.tests.values()];
  }

  launch(item: SimItem, at: number): void {
    // The learner's quota rule (trafficQuota): the test impressions the traffic supplies per launch over the last
    // maxTestDays, within the precision bounds; the ±30% precision quota until traffic is measured.
    const c = this.control;
    const rate = c.exposure >= 100 ? c.successes / c.exposure : 0.1;
    const recent = [...this.tests.values()].filter((r) => r.test.startedAt > at - this.o.maxTestDays * DAY_MS);
    const servedAt = recent.length ? Math.min(...recent.map((r) => r.test.controlAtStart?.served ?? 0)) : 0;
    const { quota } = trafficQuota({ successRate: rate, servedImpressions: (c.served ?? 0) - servedAt, launches: recent.length, testShare: this.o.budget - this.o.floor });
    const established = this.world.items.filter((x) => x.launchedAt < at && !(this.tests.get(x.index)?.test.status === 'RUNNING'));
    const controlTrueRate = established.reduce((a, x) => a + x.trueRate, 0) / max(1, established.length);
    // As in the learner, a launch re-sizes the running tests' quotas to the traffic measured now.
    for (const r of this.tests.values()) if (r.test.status === 'RUNNING') r.test = { ...r.test, quota };
    this.tests.set(item.index, {
      item,
      test: startContentTest(item.id, 'home', at, quota, this.o.maxTestDays, { ...c, served: c.served ?? 0 }),
      controlTrueRate,
      ...(this.o.trackBeliefs && { belief: { decision: null, impressions: null, hours: null, probBetter: 0.5 } }),
    });
    this.poolKey = '';
  }

  // The engine's posterior about each new item, against the established items outside tests (see EngineBelief).
  private checkBeliefs(at: number): void {
    if (this.userCount === 0) return;
    const mean = new Float32Array(USER_DIM);
    for (let j = 0; j < USER_DIM; j++) mean[j] = this.userSum[j] / this.userCount;
    let control = 0;
    let n = 0;
    for (const it of this.world.items) {
      if (it.launchedAt >= at) continue;
      const rec = this.tests.get(it.index);
      if (rec && rec.test.status === 'RUNNING') continue;
      control += predict(this.state, mean, it.features).score;
      n++;
    }
    control /= max(1, n);
    for (const rec of this.tests.values()) {
      const b = rec.belief;
      if (!b || b.decision !== null || rec.item.launchedAt > at) continue;
      const p = predict(this.state, mean, rec.item.features);
      b.probBetter = normCdf((p.score - control) / max(1e-9, p.sd));
      const decision = b.probBetter >= 0.9 ? 'better' : 1 - b.probBetter >= 0.95 ? 'worse' : null;
      if (decision) {
        b.decision = decision;
        b.impressions = this.impressionsOf[rec.item.index];
        b.hours = (at - rec.item.launchedAt) / HOUR_MS;
      }
    }
  }

  private ensurePool(live: readonly number[], at: number): CandidatePool {
    const key = `${live.length}:${floor(at / HOUR_MS)}`;
    if (this.pool && key === this.poolKey) return this.pool;
    // The serving rule: test slots to the oldest running tests first (testSlotWeights).
    const weights = testSlotWeights([...this.tests.values()].filter((r) => r.item.launchedAt <= at).map((r) => r.test));
    const candidates: Candidate[] = live.map((i) => {
      const w = weights.get(this.world.items[i].id);
      return { features: this.world.items[i].features, contentTest: w !== undefined ? { weight: w } : null };
    });
    this.pool = buildCandidatePool(candidates);
    this.poolKey = key;
    return this.pool;
  }

  tick(at: number): void {
    const hour = floor(at / HOUR_MS);
    if (hour === this.lastHour) return;
    this.lastHour = hour;
    this.flush(at);
    applyForgetting(this.state, at);
    const est = estimateExamination(this.positions);
    setExamination(this.state, est.theta);
    const belowQuota = testsBelowQuota([...this.tests.values()].map((r) => r.test));
    for (const rec of this.tests.values()) {
      const before = rec.test.status;
      rec.test = evaluateContentTest(rec.test, windowControl(this.control, rec.test.controlAtStart), at, undefined, { belowQuota });
      if (rec.test.status !== before) this.poolKey = '';
    }
    if (this.o.trackBeliefs) this.checkBeliefs(at);
    this.poolKey = '';
  }

  private flush(at?: number): void {
    if (this.pending.length > 0) applyObservations(this.state, this.pending.splice(0));
    if (this.collab && at !== undefined) this.collab.flush(this.state, at);
  }

  private activeTests(): number {
    let n = 0;
    // As the API: every running test counts (a test past its quota may still take spare slots; see testSlotWeights).
    for (const rec of this.tests.values()) if (rec.test.status === 'RUNNING' && rec.item.launchedAt <= this.lastHour * HOUR_MS + HOUR_MS) n++;
    return n;
  }

  serve(v: Visit, live: readonly number[], requestIndex: number): ServedSlate {
    const pool = this.ensurePool(live, v.at);
    const u = this.world.users[v.user];
    const user = writeUserFeatures(this.userBuf, contextOf(u, v.hour), this.profiles[v.user], v.at);
    const testShare = testShareFor(this.pacing, { budget: this.o.budget, floor: this.o.floor }, v.at, this.activeTests());
    const withPropensities = this.o.propensityEvery > 0 && requestIndex % this.o.propensityEvery === 0;
    const person = this.collab ? this.collab.posterior(`user-${v.user}`, this.state.collab) : null;
    const slate = buildSlate(this.state, pool, { surface: this.surface, user, seed: (this.o.seed * 1_000_003 + requestIndex) >>> 0, testShare, propensities: withPropensities, person });
    if (withPropensities) {
      this.propensityStats.slates++;
      for (const e of slate.entries) {
        this.propensityStats.entries++;
        if (e.propensityError === 0) this.propensityStats.exact++;
        this.propensityStats.errorSum += e.propensityError;
      }
    }
    this.pacing = recordServed(this.pacing, { served: slate.entries.length, test: slate.stats.testSlots, floor: slate.stats.floorSlots }, v.at);
    const h = floor(v.at / HOUR_MS);
    const bucket = this.hourly.get(h) ?? { served: 0, test: 0, floor: 0 };
    bucket.served += slate.entries.length;
    bucket.test += slate.stats.testSlots;
    bucket.floor += slate.stats.floorSlots;
    this.hourly.set(h, bucket);
    // Served propensities are Monte Carlo estimates; the serving layer caps them at 1, and so does the export.
    this.logged = withPropensities && this.o.exportRows ? { user: slate.log.user, propensities: slate.entries.map((e) => (e.propensity < 1 ? e.propensity : 1)) } : null;
    if (this.o.trackBeliefs) {
      for (let j = 0; j < USER_DIM; j++) this.userSum[j] += user[j];
      this.userCount++;
    }
    const byId = pool.index;
    const items = slate.entries.map((e) => live[byId.get(e.itemId) as number]);
    return { items, reasons: slate.entries.map((e) => e.reason) };
  }

  observe(v: Visit, slate: ServedSlate, successes: readonly boolean[]): void {
    // The learner sees exactly what the events table would: the user features logged with the slate.
    const user = Float32Array.from(this.userBuf);
    const profile = this.profiles[v.user] ?? emptyProfile(v.at);
    slate.items.forEach((i, k) => {
      const item = this.world.items[i];
      const position = k + 1;
      const success = successes[k];
      this.pending.push({ user, item: item.features, position, success });
      const theta = this.state.examination[k];
      this.collab?.record(`user-${v.user}`, item.features, theta, success);
      applyEventInPlace(profile, item.features, 'IMPRESSION', v.at, theta);
      if (success) applyEventInPlace(profile, item.features, 'PLAY_START', v.at);
      this.impressionsOf[i]++;
      if (this.logged) {
        let dense = this.denseItems.get(i);
        if (!dense) this.denseItems.set(i, (dense = Array.from(denseItemFeatures(item.features))));
        this.rows.push({ userId: `user-${v.user}`, userFeatures: this.logged.user, itemId: item.id, itemFeatures: dense, position, propensity: this.logged.propensities[k], reward: success ? 1 : 0, at: v.at });
      }
      const rec = this.tests.get(i);
      const inTest = rec !== undefined && rec.test.status === 'RUNNING';
      this.control.served = (this.control.served ?? 0) + 1;
      // Uniform-floor slots: unbiased for the examination curve (the learner records every one too).
      if (slate.reasons[k] === 'EXPLORATION') recordPosition(this.positions, position, success);
      // The learner's counting rule (impressionRole): a test item only on its test slots, the control only on
      // floor slots at the positions tests use.
      const role = impressionRole({ reason: slate.reasons[k] ?? '', position, inTest });
      if (role === 'TEST') rec!.test = recordTestImpression(rec!.test, theta, success);
      else if (role === 'CONTROL') this.control = recordControlImpression(this.control, theta, success);
    });
    this.profiles[v.user] = profile;
    // Small batches, like a learner polling the events table every few seconds.
    if (this.pending.length >= 200) this.flush(v.at);
  }
}

/**
 * The same exploration spend as Marquee's budget, for the reference policies: at every position a uniform-random
 * live item with probability `floor`, and at positions 2..N an item launched in the last `maxTestDays` days with
 * probability (budget − floor)·N/(N − 1) (content tests), drawn from their own common random numbers. A draw that
 * repeats an item already shown leaves the slot to the policy's ranking.
 */
export class ExplorationSlots {
  private recent: number[] = [];
  constructor(
    private world: World,
    private o: { slots: number; budget: number; floor: number; maxTestDays: number },
  ) {}

  fill(visit: Visit, live: readonly number[], requestIndex: number, ranked: readonly number[]): number[] {
    const { world, o } = this;
    const testPer = o.slots > 1 ? ((o.budget - o.floor) * o.slots) / (o.slots - 1) : 0;
    const recent = this.recent;
    recent.length = 0;
    const since = visit.at - o.maxTestDays * DAY_MS;
    for (const i of live) if (world.items[i].isNew && world.items[i].launchedAt > since) recent.push(i);
    const items: number[] = [];
    const used = new Set<number>();
    let next = 0;
    for (let k = 0; k < o.slots && k < live.length; k++) {
      const u = crn(world.seed ^ 0x51ab1e, requestIndex, k, 11);
      let pick = -1;
      if (u < o.floor) pick = live[floor(crn(world.seed ^ 0x51ab1e, requestIndex, k, 12) * live.length)];
      else if (k >= 1 && u < o.floor + testPer && recent.length > 0) pick = recent[floor(crn(world.seed ^ 0x51ab1e, requestIndex, k, 13) * recent.length)];
      if (pick < 0 || used.has(pick)) {
        while (next < ranked.length && used.has(ranked[next])) next++;
        if (next >= ranked.length) break;
        pick = ranked[next];
      }
      used.add(pick);
      items.push(pick);
    }
    return items;
  }
}

/** Reference: the per-person oracle that also spends Marquee's exploration budget (see ExplorationSlots). */
export class BudgetedOraclePolicy implements SimPolicy {
  readonly name = 'oracle with the exploration budget';
  constructor(
    private world: World,
    private slots: number,
    private explore: ExplorationSlots,
  ) {}
  serve(v: Visit, live: readonly number[], requestIndex: number): ServedSlate {
    const u = this.world.users[v.user];
    const ranked = topN(live, (i) => successProbability(this.world, u, this.world.items[i], v.hour), this.slots + 10);
    const items = this.explore.fill(v, live, requestIndex, ranked);
    return { items, reasons: items.map(() => null) };
  }
  observe(): void {}
}

const SQRT_2PI = Math.sqrt(2 * Math.PI);
const PROBIT = 1.7; // σ(x) ≈ Φ(x / 1.7)

/**
 * Reference ceiling: a Bayesian learner that knows how the world is built: the four segments (their tastes,
 * hours, platforms and tiers), the spread of personal tastes, every item's quality, the examination curve and
 * each user's bias. All it does not know is each user's segment and own tastes. It infers them from the
 * request context and from that user's own impressions and successes (a mixture over segments, one Gaussian per
 * segment over the user's kind and topic tastes, updated by assumed-density filtering) and ranks by the posterior
 * mean success probability, spending the same exploration budget as Marquee. No policy that must also learn the
 * items and the world's structure from scratch can expect to beat it.
 */
export class WorldModelPolicy implements SimPolicy {
  readonly name = 'Bayes ceiling (knows the world)';
  private readonly dims = ITEM_KINDS.length + TOPICS.length;
  private readonly segs = SEGMENTS.length;
  private mean: (Float64Array | null)[];
  private vars: (Float64Array | null)[];
  private logw: (Float64Array | null)[];
  private hourMean: (Float64Array | null)[];
  private hourVar: (Float64Array | null)[];
  private w: Float64Array;
  private scores = new Float64Array(0);
  /** Latent-taste world: each user's Gaussian posterior over their hidden vector (the items' vectors are known). */
  private lMean: (Float64Array | null)[];
  private lCov: (Float64Array | null)[];
  private readonly ld: number;

  constructor(
    private world: World,
    private slots: number,
    private explore: ExplorationSlots,
  ) {
    const n = world.users.length;
    this.mean = new Array<Float64Array | null>(n).fill(null);
    this.vars = new Array<Float64Array | null>(n).fill(null);
    this.logw = new Array<Float64Array | null>(n).fill(null);
    this.hourMean = new Array<Float64Array | null>(n).fill(null);
    this.hourVar = new Array<Float64Array | null>(n).fill(null);
    this.w = new Float64Array(this.segs);
    this.lMean = new Array<Float64Array | null>(n).fill(null);
    this.lCov = new Array<Float64Array | null>(n).fill(null);
    this.ld = world.users[0]?.latent?.length ?? 0;
  }

  private latent(user: number): { m: Float64Array; c: Float64Array } | null {
    if (!this.ld) return null;
    if (!this.lMean[user]) {
      const d = this.ld;
      const sd = this.world.latentSd;
      this.lMean[user] = new Float64Array(d);
      const c = new Float64Array(d * d);
      for (let a = 0; a < d; a++) c[a * d + a] = sd * sd;
      this.lCov[user] = c;
    }
    return { m: this.lMean[user] as Float64Array, c: this.lCov[user] as Float64Array };
  }

  // The latent term's mean and variance for an item, under the user's posterior.
  private latentMoments(l: { m: Float64Array; c: Float64Array } | null, it: SimItem): [number, number] {
    if (!l || !it.latent) return [0, 0];
    const d = this.ld;
    let mean = 0;
    let v = 0;
    for (let a = 0; a < d; a++) {
      mean += it.latent[a] * l.m[a];
      let row = 0;
      for (let b = 0; b < d; b++) row += l.c[a * d + b] * it.latent[b];
      v += it.latent[a] * row;
    }
    return [mean, v];
  }

  private init(user: number): void {
    if (this.mean[user]) return;
    const u = this.world.users[user];
    const { dims, segs } = this;
    const K = ITEM_KINDS.length;
    const mean = new Float64Array(segs * dims);
    const vars = new Float64Array(segs * dims);
    const logw = new Float64Array(segs);
    const hourMean = new Float64Array(segs);
    const hourVar = new Float64Array(segs);
    // In the latent-taste world the kind and topic tastes are scaled by observableTaste.
    const ob = this.world.observableTaste;
    SEGMENTS.forEach((seg, s) => {
      for (let k = 0; k < K; k++) {
        mean[s * dims + k] = ob * seg.kindPref[k];
        vars[s * dims + k] = (ob * KIND_TASTE_SD) ** 2;
      }
      TOPICS.forEach((t, j) => {
        mean[s * dims + K + j] = ob * (seg.topicBoost[t] ?? 0);
        vars[s * dims + K + j] = (ob * TOPIC_TASTE_SD) ** 2;
      });
      const platform = seg.platform[['ios', 'android', 'web'].indexOf(u.platform)] ?? 1e-3;
      logw[s] = log(seg.weight) + log(platform) + log(u.tier === 'premium' ? seg.premium : 1 - seg.premium);
      hourMean[s] = seg.hour;
      hourVar[s] = USER_HOUR_SD * USER_HOUR_SD;
    });
    this.mean[user] = mean;
    this.vars[user] = vars;
    this.logw[user] = logw;
    this.hourMean[user] = hourMean;
    this.hourVar[user] = hourVar;
  }

  // Logit of P(success | examined) without the user's kind and topic tastes (everything else it knows).
  private base(user: number, it: SimItem, hour: number): number {
    const u = this.world.users[user];
    let x = this.world.base + u.bias + it.quality;
    if (it.kind === 1) x += hour >= 20 || hour < 3 ? 0.5 : -0.4;
    if (it.premium && u.tier === 'free') x -= 0.7;
    return x;
  }

  serve(v: Visit, live: readonly number[], requestIndex: number): ServedSlate {
    this.init(v.user);
    const mean = this.mean[v.user] as Float64Array;
    const vars = this.vars[v.user] as Float64Array;
    const logw = this.logw[v.user] as Float64Array;
    const hourMean = this.hourMean[v.user] as Float64Array;
    const hourVar = this.hourVar[v.user] as Float64Array;
    const { dims, segs, w } = this;
    // The request's local hour is evidence about the segment (through the user's habitual hour): fold it in.
    const vh = VISIT_HOUR_SD * VISIT_HOUR_SD;
    for (let s = 0; s < segs; s++) {
      const d = ((((v.hour - hourMean[s]) % 24) + 36) % 24) - 12;
      const pv = hourVar[s] + vh;
      logw[s] += -0.5 * ((d * d) / pv) - 0.5 * log(pv);
      const gain = hourVar[s] / pv;
      hourMean[s] += gain * d;
      hourVar[s] *= 1 - gain;
    }
    let top = -Infinity;
    for (let s = 0; s < segs; s++) top = max(top, logw[s]);
    let total = 0;
    for (let s = 0; s < segs; s++) total += w[s] = exp(logw[s] - top);
    for (let s = 0; s < segs; s++) w[s] /= total;
    if (this.scores.length < this.world.items.length) this.scores = new Float64Array(this.world.items.length);
    const K = ITEM_KINDS.length;
    const lat = this.latent(v.user);
    for (const i of live) {
      const it = this.world.items[i];
      const b = this.base(v.user, it, v.hour);
      const wt = 1 / it.topics.length;
      const [lm, lv] = this.latentMoments(lat, it);
      let p = 0;
      for (let s = 0; s < segs; s++) {
        if (w[s] < 1e-9) continue;
        const o = s * dims;
        let m = mean[o + it.kind] + lm;
        let vv = vars[o + it.kind] + lv;
        for (const t of it.topics) {
          m += wt * mean[o + K + t];
          vv += wt * wt * vars[o + K + t];
        }
        p += w[s] / (1 + exp(-(b + m) / sqrt(1 + (PI * vv) / 8)));
      }
      this.scores[i] = p;
    }
    const ranked = topN(live, (i) => this.scores[i], this.slots + 10);
    const items = this.explore.fill(v, live, requestIndex, ranked);
    return { items, reasons: items.map(() => null) };
  }

  observe(v: Visit, slate: ServedSlate, successes: readonly boolean[]): void {
    const mean = this.mean[v.user] as Float64Array;
    const vars = this.vars[v.user] as Float64Array;
    const logw = this.logw[v.user] as Float64Array;
    const { dims, segs } = this;
    const K = ITEM_KINDS.length;
    const lat = this.latent(v.user);
    // Segment weights before this slate, for averaging the latent update over segments.
    let top = -Infinity;
    for (let s = 0; s < segs; s++) top = max(top, logw[s]);
    const ws = new Float64Array(segs);
    let tot = 0;
    for (let s = 0; s < segs; s++) tot += ws[s] = exp(logw[s] - top);
    slate.items.forEach((i, k) => {
      const it = this.world.items[i];
      const theta = this.world.examination[k + 1];
      const b = this.base(v.user, it, v.hour);
      const wt = 1 / it.topics.length;
      const [lm, lv] = this.latentMoments(lat, it);
      let aBar = 0;
      let gBar = 0;
      for (let s = 0; s < segs; s++) {
        const o = s * dims;
        let m = mean[o + it.kind] + lm;
        let vv = vars[o + it.kind] + lv;
        for (const t of it.topics) {
          m += wt * mean[o + K + t];
          vv += wt * wt * vars[o + K + t];
        }
        // Probit approximation of the logistic link, then the engine's examination-aware ADF update.
        const c = sqrt(1 + vv / (PROBIT * PROBIT));
        const tt = (b + m) / PROBIT / c;
        const phi = exp(-0.5 * tt * tt) / SQRT_2PI;
        const cdf = normCdf(tt);
        let alpha: number;
        let gamma: number;
        if (successes[k]) {
          alpha = phi / max(1e-300, cdf) / c;
          gamma = alpha * (alpha + tt / c);
          logw[s] += log(max(1e-300, theta * cdf));
        } else {
          const z = 1 - theta * cdf;
          alpha = (-theta * phi) / (c * z);
          gamma = alpha * alpha - (theta * tt * phi) / (c * c * z);
          logw[s] += log(max(1e-300, z));
        }
        for (let a = -1; a < it.topics.length; a++) {
          const j = o + (a < 0 ? it.kind : K + it.topics[a]);
          const xs = ((a < 0 ? 1 : wt) / PROBIT) * vars[j];
          mean[j] += alpha * xs;
          vars[j] = max(1e-6, vars[j] - gamma * xs * xs);
        }
        aBar += (ws[s] / tot) * alpha;
        gBar += (ws[s] / tot) * gamma;
      }
      if (lat && it.latent) {
        // Full-covariance ADF on the user's latent vector, with the segment-averaged update coefficients.
        const d = this.ld;
        const cx = new Float64Array(d);
        for (let a = 0; a < d; a++) {
          let r = 0;
          for (let c = 0; c < d; c++) r += lat.c[a * d + c] * (it.latent[c] / PROBIT);
          cx[a] = r;
        }
        for (let a = 0; a < d; a++) {
          lat.m[a] += aBar * cx[a];
          for (let c = 0; c < d; c++) lat.c[a * d + c] -= gBar * cx[a] * cx[c];
        }
      }
    });
  }
}
