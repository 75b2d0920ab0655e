import { SeededRandom } from '../engine/random';
import { applyEventInPlace, emptyProfile, UserProfile, writeUserFeatures, USER_DIM } from '../engine/features';
import { applyForgetting, applyObservations, createEngineState, EngineState, Observation, setExamination } from '../engine/model';
import { buildCandidatePool, Candidate, CandidatePool } from '../engine/candidates';
import { buildSlate, SlateReason, SurfacePolicy } from '../engine/slate';
import { newPacingState, PacingState, recordServed, testShareFor } from '../engine/budget';
import {
  ContentTest,
  ControlStats,
  defaultQuota,
  evaluateContentTest,
  pacingWeight,
  recordControlImpression,
  recordTestImpression,
  startContentTest,
} from '../engine/content-test';
import { emptyPositionCounts, estimateExamination, PositionCounts, recordPosition } from '../engine/position-bias';
import { contextOf, HOUR_MS, SimItem, successProbability, Visit, World } from './world';

// Bound once: no global lookups in the loops (slow inside Jest's sandbox).
const { floor, max } = Math;

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
  return live
    .map((i) => ({ i, s: score(i) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, n)
    .map((x) => x.i);
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

/** What the Marquee policy reports about each content test. */
export interface TestRecord {
  item: SimItem;
  test: ContentTest;
  controlTrueRate: number;
}

export interface MarqueeOptions {
  slots: number;
  budget: number;
  floor: number;
  maxTestDays: number;
  /** Compute logged propensities on every n-th request (0 = never); they cost time and change no decision. */
  propensityEvery: number;
  seed: number;
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

  constructor(
    private world: World,
    private o: MarqueeOptions,
    start: number,
  ) {
    this.state = createEngineState({ now: start });
    this.profiles = world.users.map(() => null);
    this.pacing = newPacingState(start);
    this.positions = emptyPositionCounts(o.slots);
    this.surface = { slots: o.slots, explorationBudget: o.budget, randomFloor: o.floor, testMaxPosition: o.slots };
  }

  get testRecords(): TestRecord[] {
    return [...this.tests.values()];
  }

  launch(item: SimItem, at: number): void {
    // Quota sized for ±30% at the success rate tests will see: the raw rate of randomised slots at test positions.
    const p = this.control.impressions >= 300 ? this.control.successes / this.control.impressions : 0.05;
    const established = this.world.items.filter((x) => x.launchedAt < at && !(this.tests.get(x.index)?.test.status === 'RUNNING'));
    const controlTrueRate = established.reduce((a, x) => a + x.trueRate, 0) / max(1, established.length);
    this.tests.set(item.index, { item, test: startContentTest(item.id, 'home', at, defaultQuota(p), this.o.maxTestDays), controlTrueRate });
    this.poolKey = '';
  }

  private ensurePool(live: readonly number[], at: number): CandidatePool {
    const key = `${live.length}:${floor(at / HOUR_MS)}`;
    if (this.pool && key === this.poolKey) return this.pool;
    const candidates: Candidate[] = live.map((i) => {
      const rec = this.tests.get(i);
      const running = rec && rec.test.status === 'RUNNING';
      return { features: this.world.items[i].features, contentTest: running ? { weight: pacingWeight(rec.test, at) } : null };
    });
    this.pool = buildCandidatePool(candidates);
    this.poolKey = key;
    return this.pool;
  }

  tick(at: number): void {
    const hour = floor(at / HOUR_MS);
    if (hour === this.lastHour) return;
    this.lastHour = hour;
    this.flush();
    applyForgetting(this.state, at);
    const est = estimateExamination(this.positions);
    setExamination(this.state, est.theta);
    for (const rec of this.tests.values()) rec.test = evaluateContentTest(rec.test, this.control, at);
    this.poolKey = '';
  }

  private flush(): void {
    if (this.pending.length > 0) applyObservations(this.state, this.pending.splice(0));
  }

  private activeTests(): number {
    let n = 0;
    for (const rec of this.tests.values()) if (rec.test.status === 'RUNNING' && rec.test.impressions < rec.test.quota) n++;
    return n;
  }

  serve(v: Visit, live: readonly number[], requestIndex: number): ServedSlate {
    const pool = this.ensurePool(live, v.at);
    const u = this.world.users[v.user];
    const user = writeUserFeatures(this.userBuf, contextOf(u, v.hour), this.profiles[v.user], v.at);
    const testShare = testShareFor(this.pacing, { budget: this.o.budget, floor: this.o.floor }, v.at, this.activeTests());
    const withPropensities = this.o.propensityEvery > 0 && requestIndex % this.o.propensityEvery === 0;
    const slate = buildSlate(this.state, pool, { surface: this.surface, user, seed: (this.o.seed * 1_000_003 + requestIndex) >>> 0, testShare, propensities: withPropensities });
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
      applyEventInPlace(profile, item.features, 'IMPRESSION', v.at, theta);
      if (success) applyEventInPlace(profile, item.features, 'PLAY_START', v.at);
      const rec = this.tests.get(i);
      const inTest = rec !== undefined && rec.test.status === 'RUNNING';
      if (inTest) rec.test = recordTestImpression(rec.test, theta, success);
      else if (slate.reasons[k] === 'EXPLORATION') {
        // Uniform-floor slots on established items: unbiased for the examination curve and for the control.
        recordPosition(this.positions, position, success);
        if (position >= 2) this.control = recordControlImpression(this.control, theta, success);
      }
    });
    this.profiles[v.user] = profile;
    // Small batches, like a learner polling the events table every few seconds.
    if (this.pending.length >= 200) this.flush();
  }
}
