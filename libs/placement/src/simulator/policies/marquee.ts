/**
 * The adapter that runs the real placement engine in the simulator as the learner and the API would run it, with
 * what it reports: content-test records, the engine's own beliefs, logged impressions for the TF.js model.
 */
import { applyEventInPlace, denseItemFeatures, emptyProfile, UserProfile, writeUserFeatures, USER_DIM } from '../../engine/features';
import {
  applyForgetting,
  applyObservations,
  createEngineState,
  EngineState,
  Observation,
  predict,
  setExamination,
  SharedPrior,
  withSharedPrior,
} from '../../engine/model';
import { buildCandidatePool, Candidate, CandidatePool } from '../../engine/candidates';
import { buildSlate, SurfacePolicy } from '../../engine/slate';
import { newPacingState, PacingState, recordServed, testShareFor } from '../../engine/budget';
import {
  ContentTest,
  ControlStats,
  evaluateContentTest,
  impressionRole,
  testSlotWeights,
  testsBelowQuota,
  trafficQuota,
  windowControl,
  comparisonControl,
  controlBaseline,
  markControl,
  recordControlImpression,
  recordTestImpression,
  startContentTest,
} from '../../engine/content-test';
import { emptyPositionCounts, estimateExamination, PositionCounts, recordPosition } from '../../engine/position-bias';
import { normCdf } from '../../engine/math';
import { CollabTrainer } from '../../engine/collab';
import { contextOf, DAY_MS, HOUR_MS, SimItem, Visit, World } from '../world';
import { ServedSlate, SimPolicy } from './policy';

// Bound once: no global lookups in the loops (slow inside Jest's sandbox).
const { floor, max } = Math;

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
    this.surface = { slots: o.slots, explorationBudget: o.budget, randomFloor: o.floor };
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
    const { quota } = trafficQuota({
      successRate: rate,
      servedImpressions: (c.served ?? 0) - servedAt,
      launches: recent.length,
      testShare: this.o.budget - this.o.floor,
    });
    const established = this.world.items.filter((x) => x.launchedAt < at && !(this.tests.get(x.index)?.test.status === 'RUNNING'));
    const controlTrueRate = established.reduce((a, x) => a + x.trueRate, 0) / max(1, established.length);
    // As in the learner, a launch re-sizes the running tests' quotas to the traffic measured now.
    for (const r of this.tests.values()) if (r.test.status === 'RUNNING') r.test = { ...r.test, quota };
    this.tests.set(item.index, {
      item,
      test: startContentTest(item.id, 'home', at, quota, this.o.maxTestDays, controlBaseline(c, at, quota)),
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
      rec.test = evaluateContentTest(
        rec.test,
        windowControl(this.control, rec.test.controlAtStart),
        at,
        undefined,
        { belowQuota },
        comparisonControl(this.control, rec.test.controlAtStart),
      );
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
    const history = this.collab ? this.collab.history(`user-${v.user}`, this.state.collab) : null;
    const slate = buildSlate(this.state, pool, {
      surface: this.surface,
      user,
      seed: (this.o.seed * 1_000_003 + requestIndex) >>> 0,
      testShare,
      propensities: withPropensities,
      person,
      history,
    });
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
    this.logged =
      withPropensities && this.o.exportRows ? { user: slate.log.user, propensities: slate.entries.map((e) => (e.propensity < 1 ? e.propensity : 1)) } : null;
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
        this.rows.push({
          userId: `user-${v.user}`,
          userFeatures: this.logged.user,
          itemId: item.id,
          itemFeatures: dense,
          position,
          propensity: this.logged.propensities[k],
          reward: success ? 1 : 0,
          at: v.at,
        });
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
      else if (role === 'CONTROL') this.control = markControl(recordControlImpression(this.control, theta, success), v.at);
    });
    this.profiles[v.user] = profile;
    // Small batches, like a learner polling the events table every few seconds.
    if (this.pending.length >= 200) this.flush(v.at);
  }
}
