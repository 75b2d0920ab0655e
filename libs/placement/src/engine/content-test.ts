import { betaQuantile, probBetaGreater } from './math';

// Bound once: hot loops then make no global lookups (slow inside sandboxes such as Jest's; see platform-core's random.ts).
const { ceil, max, min } = Math;

export type ContentTestStatus = 'RUNNING' | 'GRADUATED' | 'UNDERPERFORMING' | 'INCONCLUSIVE';

/**
 * The sequential decision rule (see docs/placement-engine.md, "Content tests: the sequential rule").
 *
 * A mixture sequential probability ratio test (mSPRT; Robbins 1970, Johari et al. 2017, as Optimizely and Eppo use)
 * on the difference δ = r_test − r_control of position-debiased success rates (successes per examined impression).
 * With δ̂ the observed difference and V its variance, the normal-mixture likelihood ratio against δ = 0, mixing
 * δ ~ N(0, τ²), is
 *
 *   Λ = √(V / (V + τ²)) · exp(δ̂² τ² / (2 V (V + τ²)))
 *
 * and 1/Λ is an always-valid p-value: P(Λ ever reaches 1/α | δ = 0) ≤ α, however often it is looked at. The test
 * decides the moment Λ ≥ 1/α (GRADUATED if δ̂ > 0, UNDERPERFORMING if δ̂ < 0); the matching confidence sequence is
 * δ̂ ± √(V (V + τ²)/τ² · (2 ln(1/α) + ln((V + τ²)/V))). A close call runs to its quota and ends INCONCLUSIVE.
 */
export interface DecisionRules {
  /** Type I error of the whole sequence of looks (two-sided). */
  alpha: number;
  /** Mixing standard deviation τ as a share of the control's rate: the effect sizes the test is most sensitive to. */
  tauRelative: number;
  /** No decision before the test item has this many impressions (the normal approximation needs a few successes). */
  minImpressions: number;
}

export const DEFAULT_DECISION_RULES: DecisionRules = { alpha: 0.1, tauRelative: 1, minImpressions: 50 };

/** The rule's name and parameters as reported with each decision. */
export function describeRule(r: DecisionRules = DEFAULT_DECISION_RULES): string {
  return `mSPRT on the debiased rate difference; alpha ${r.alpha}; tau ${r.tauRelative} x control rate; min ${r.minImpressions} impressions`;
}

/** Result of a test that has ended. */
export interface TestDecision {
  status: Exclude<ContentTestStatus, 'RUNNING'>;
  /** EARLY_STOP: the always-valid boundary was crossed before the quota. */
  reason: 'QUOTA_REACHED' | 'MAX_DAYS' | 'EARLY_STOP';
  decidedAt: number;
  impressions: number;
  probBeatsControl: number;
  probWorse: number;
  /** Position-debiased success rates (when examined) with 90% intervals. */
  testRate: RateEstimate;
  controlRate: RateEstimate;
  /** The sequential evidence at the decision (absent on decisions made before the sequential rule). */
  sequential?: SequentialEvidence;
  rule?: string;
  /** The control the sequential rule compared with: floor impressions during the test's own window. */
  control?: ControlStats;
  /** The control of probBeatsControl: the same, reaching back before the start (CONTROL_LOOKBACK). */
  comparisonControl?: ControlStats;
}

export interface RateEstimate {
  mean: number;
  lower: number;
  upper: number;
}

/** The mSPRT's state at one look. */
export interface SequentialEvidence {
  /** δ̂: debiased test rate − debiased control rate. */
  estimate: number;
  /** The always-valid (1 − α) confidence sequence on δ at this look. */
  lower: number;
  upper: number;
  /** 1/Λ at this look, capped at 1. */
  pValue: number;
  /** The running minimum of pValue over all looks: the always-valid p-value. */
  alwaysValidP: number;
}

/** A new item's content test on one surface. Plain data, so it can live in a table row. */
export interface ContentTest {
  itemId: string;
  surfaceKey: string;
  startedAt: number;
  quota: number;
  maxDays: number;
  impressions: number;
  /** Σ θ_k over impressions: the expected number of times the item was actually looked at. */
  exposure: number;
  successes: number;
  status: ContentTestStatus;
  decision: TestDecision | null;
  /**
   * The surface's cumulative control where the test's control window begins (controlBaseline: at or shortly before
   * the test started): the test's control is what accrued since.
   */
  controlAtStart?: ControlStats;
  /** The running minimum of the always-valid p-value (1 before any look). */
  alwaysValidP?: number;
}

/** Established items on randomised (uniform floor) slots at the positions tests use: the debiased control. */
export interface ControlStats {
  impressions: number;
  exposure: number;
  successes: number;
  /**
   * Every impression learned on the surface, whatever its reason (kept beside the control, in the same row): the
   * traffic the quota is sized from (trafficQuota).
   */
  served?: number;
  /**
   * Copies of the cumulative counters above, oldest first, one every CONTROL_MARK_EVERY control impressions (at most
   * CONTROL_MARKS, none older than CONTROL_LOOKBACK.maxAgeMs): where a starting test's control window may begin
   * (controlBaseline).
   */
  marks?: ControlMark[];
  /**
   * On a test's controlAtStart only: the counters where the control window of its P(beats control) begins, at or
   * before the test's start (controlBaseline, CONTROL_LOOKBACK). The sequential rule keeps the window from the start.
   */
  lookback?: ControlCounts;
}

/** The control's three counters. */
export type ControlCounts = Pick<ControlStats, 'impressions' | 'exposure' | 'successes'>;

/** The control's cumulative counters at one moment. */
interface ControlMark extends ControlCounts {
  /** When the mark was taken (epoch ms). */
  at: number;
}

const DAY_MS = 86_400_000;

/** A mark is kept each time the control has grown by this many impressions since the last one. */
export const CONTROL_MARK_EVERY = 100;
/** Marks kept at most (the oldest go first): CONTROL_MARK_EVERY × CONTROL_MARKS control impressions of history. */
export const CONTROL_MARKS = 400;

/**
 * How far back before its start the control of a test's P(beats control) reaches. A control of only what accrued
 * since the test started is small (the floor is 2% of traffic, a test's window a day or less) and its noise is as
 * large as the test's own. Simulated on X-Wines at 16 days × 3,000 requests, the rank agreement of P(beats control)
 * with true quality was 0.62 with the start-only window and 0.68 with this lookback (live: 0.47 before, 0.62 after). So the comparison's window
 * starts at the latest mark that leaves at least `minImpressions` (or `perQuota` × the test's quota, if more) control
 * impressions, but never more than `maxAgeMs` before the test started, so that the control stays recent traffic.
 *
 * The sequential rule does not use it. Its always-valid guarantee needs both sides to accrue together; against a
 * control fixed mostly before the start, its type I error rose from ≤ α to 16% at α = 0.1 (content-test.spec.ts).
 */
export const CONTROL_LOOKBACK = { minImpressions: 2000, perQuota: 6, maxAgeMs: 7 * DAY_MS };

/** Appends a mark when the control has grown by CONTROL_MARK_EVERY since the last one, and drops marks too old or too many. */
export function markControl(control: ControlStats, now: number): ControlStats {
  const first = control.marks?.[0];
  const latest = control.marks?.[control.marks.length - 1];
  if (first && latest && now - first.at <= CONTROL_LOOKBACK.maxAgeMs && control.impressions - latest.impressions < CONTROL_MARK_EVERY) return control;
  const marks = (control.marks ?? []).filter((m) => now - m.at <= CONTROL_LOOKBACK.maxAgeMs);
  const last = marks[marks.length - 1];
  if (!last || control.impressions - last.impressions >= CONTROL_MARK_EVERY) {
    marks.push({ impressions: control.impressions, exposure: control.exposure, successes: control.successes, at: now });
  }
  return { ...control, marks: marks.slice(-CONTROL_MARKS) };
}

/**
 * A starting test's controlAtStart: the counters now (the sequential rule's window and the quota's traffic start
 * here), with `lookback`, where its P(beats control) window starts (CONTROL_LOOKBACK): the latest mark with at least
 * the wanted control impressions since, else the oldest mark still young enough, else now.
 */
export function controlBaseline(control: ControlStats, now: number, quota: number): ControlStats {
  const want = max(CONTROL_LOOKBACK.minImpressions, CONTROL_LOOKBACK.perQuota * quota);
  let from: ControlCounts = control;
  const marks = control.marks ?? [];
  for (let i = marks.length - 1; i >= 0; i--) {
    const m = marks[i];
    if (now - m.at > CONTROL_LOOKBACK.maxAgeMs || m.impressions > control.impressions) break;
    from = m;
    if (control.impressions - m.impressions >= want) break;
  }
  return {
    impressions: control.impressions,
    exposure: control.exposure,
    successes: control.successes,
    served: control.served ?? 0,
    lookback: { impressions: from.impressions, exposure: from.exposure, successes: from.successes },
  };
}

/** The control of a test's P(beats control): what accrued since its lookback mark (the start, without one). */
export function comparisonControl(current: ControlStats, atStart: ControlStats | undefined): ControlStats {
  return windowControl(current, atStart?.lookback ?? atStart);
}

/**
 * Impressions for ±precision relative error (95%) on a rate p: n = (z/precision)²·(1−p)/p. Use the surface's
 * current success rate per impression at the positions tests are shown.
 */
export function defaultQuota(successRate: number, opts: { precision?: number; z?: number; min?: number; max?: number } = {}): number {
  const precision = opts.precision ?? 0.3;
  const z = opts.z ?? 1.96;
  const p = min(0.99, max(1e-4, successRate));
  const n = ceil(((z / precision) ** 2 * (1 - p)) / p);
  return min(opts.max ?? 50_000, max(opts.min ?? 100, n));
}

export function startContentTest(
  itemId: string,
  surfaceKey: string,
  startedAt: number,
  quota: number,
  maxDays: number,
  controlAtStart?: ControlStats,
): ContentTest {
  if (!(quota >= 1)) throw new Error(`Content-test quota for "${itemId}" is ${quota}; it must be at least 1 impression.`);
  if (!(maxDays > 0)) throw new Error(`Content-test max days for "${itemId}" is ${maxDays}; it must be positive.`);
  return {
    itemId,
    surfaceKey,
    startedAt,
    quota: ceil(quota),
    maxDays,
    impressions: 0,
    exposure: 0,
    successes: 0,
    status: 'RUNNING',
    decision: null,
    controlAtStart: controlAtStart
      ? {
          impressions: controlAtStart.impressions,
          exposure: controlAtStart.exposure,
          successes: controlAtStart.successes,
          ...(controlAtStart.served !== undefined ? { served: controlAtStart.served } : {}),
          ...(controlAtStart.lookback ? { lookback: { ...controlAtStart.lookback } } : {}),
        }
      : { impressions: 0, exposure: 0, successes: 0 },
    alwaysValidP: 1,
  };
}

/** Adds one impression of the test item at a position with examination probability theta. */
export function recordTestImpression(test: ContentTest, theta: number, success: boolean): ContentTest {
  return { ...test, impressions: test.impressions + 1, exposure: test.exposure + theta, successes: test.successes + (success ? 1 : 0) };
}

export function recordControlImpression(control: ControlStats, theta: number, success: boolean): ControlStats {
  return { ...control, impressions: control.impressions + 1, exposure: control.exposure + theta, successes: control.successes + (success ? 1 : 0) };
}

/** How many running tests share the test slots at a time (the oldest ones). */
export const TEST_CONCURRENCY = 4;

/**
 * Test-slot placements a feed process has served for one running test since it started (the placements log), and
 * how many of them were served long enough ago that their impressions have been counted (older than the label
 * window plus the learner's lag). The difference is traffic already given to the test that the learner has not
 * counted yet.
 */
export interface ServedTestSlots {
  served: number;
  settled: number;
}

/**
 * The impressions a test will have once what it was already served is counted: its counted impressions plus the
 * unsettled placements, scaled by how many placements became counted impressions so far (clients report an
 * impression only for what they showed; between 5% and 100%, 100% until anything has settled). Without served
 * counts (the simulator, which counts at once), the counted impressions.
 */
export function expectedTestImpressions(t: Pick<ContentTest, 'impressions'>, served?: ServedTestSlots): number {
  if (!served) return t.impressions;
  const pending = max(0, served.served - served.settled);
  const reported = served.settled > 0 ? min(1, max(0.05, t.impressions / served.settled)) : 1;
  return t.impressions + reported * pending;
}

/**
 * Test slots, oldest first: the `concurrency` oldest running tests that still need impressions share the test slots
 * equally (weight 1); the rest wait (weight 0) and move up as tests ahead of them fill. A test stops taking slots as
 * soon as what it was served will reach its quota (expectedTestImpressions), not when those impressions have been
 * counted, so the next test in line starts at once instead of after the label window and the learner's next pass.
 * Ties on start time go by item id, so the order is one the team can read off the Analytics page. Returns a weight
 * per running test's item id.
 */
export function testSlotWeights(
  tests: readonly Pick<ContentTest, 'itemId' | 'startedAt' | 'status' | 'impressions' | 'quota'>[],
  concurrency = TEST_CONCURRENCY,
  served?: ReadonlyMap<string, ServedTestSlots>,
): Map<string, number> {
  const open = tests
    .filter((t) => t.status === 'RUNNING')
    .sort((a, b) => a.startedAt - b.startedAt || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
  const expected = new Map(open.map((t) => [t.itemId, expectedTestImpressions(t, served?.get(t.itemId))]));
  const weights = new Map<string, number>();
  let active = 0;
  for (const t of open) {
    const serve = active < concurrency && expected.get(t.itemId)! < t.quota;
    if (serve) active++;
    weights.set(t.itemId, serve ? 1 : 0);
  }
  // Spare slots (fewer tests below quota than the concurrency) go on to tests past their quota that have not
  // decided, oldest first, up to the extension cap (see overQuotaCap): idle test capacity is spent on close calls.
  for (const t of open) {
    if (active >= concurrency) break;
    const e = expected.get(t.itemId)!;
    if (e >= t.quota && e < overQuotaCap(t.quota)) {
      weights.set(t.itemId, 1);
      active++;
    }
  }
  return weights;
}

/** How far past its quota a close call may run while no other test waits for its slots. */
const OVER_QUOTA_FACTOR = 4;

function overQuotaCap(quota: number): number {
  return quota * OVER_QUOTA_FACTOR;
}

/** Running tests still below their quota (those the queue serves first). */
export function testsBelowQuota(tests: readonly Pick<ContentTest, 'status' | 'impressions' | 'quota'>[]): number {
  let n = 0;
  for (const t of tests) if (t.status === 'RUNNING' && t.impressions < t.quota) n++;
  return n;
}

/** Position in the slot queue (0 = being served now) of each running test, in the order testSlotWeights uses. */
export function testQueue(tests: readonly Pick<ContentTest, 'itemId' | 'startedAt' | 'status'>[]): Map<string, number> {
  const open = tests
    .filter((t) => t.status === 'RUNNING')
    .sort((a, b) => a.startedAt - b.startedAt || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
  return new Map(open.map((t, i) => [t.itemId, i]));
}

/**
 * The quota from the surface's real traffic: the test impressions the surface supplies per launch, measured as
 * served impressions × test share (budget − floor) over a recent window, divided by the tests started in it. Bounded
 * below by `min` and above by the ±10% precision quota (no test needs more). While nothing is measured yet (fewer
 * than `minImpressions` served in the window or no launch), the ±30% precision quota `defaultQuota(successRate)`.
 */
export function trafficQuota(opts: {
  successRate: number;
  servedImpressions: number;
  launches: number;
  testShare: number;
  min?: number;
  minImpressions?: number;
}): { quota: number; perLaunch: number | null } {
  const lo = opts.min ?? 100;
  const hi = defaultQuota(opts.successRate, { precision: 0.1 });
  if (opts.launches <= 0 || opts.servedImpressions < (opts.minImpressions ?? 1000))
    return { quota: defaultQuota(opts.successRate, { min: lo }), perLaunch: null };
  const perLaunch = (opts.servedImpressions * max(0, opts.testShare)) / opts.launches;
  return { quota: ceil(min(hi, max(lo, perLaunch))), perLaunch };
}

/**
 * The last position content-test slots use (positions 2..DEFAULT_TEST_MAX_POSITION) unless the slate request's
 * surface says otherwise, and so the last the control counts (impressionRole). A test learns from the looks its
 * impressions get, and positions further down are seldom looked at. Simulated on X-Wines (16 days × 3,000 requests,
 * the audience harness's launches, 40 seeds; bench/content-test-agreement.ts): with positions 2..10 each test got 13.5
 * successes from 225 impressions and the rank agreement of P(beats control) with true quality was 0.62 ± 0.07; with
 * 2..5 (and the control from 2..5), 19.1 successes and 0.67 ± 0.07. The price: while tests run, their slots cost
 * 1.57% of the plays of the popularity order instead of 1.05% (tests now displace better-seen items).
 */
export const DEFAULT_TEST_MAX_POSITION = 5;

/** Which counter an impression feeds. The one rule the learner and the simulator both use. */
export type ImpressionRole = 'TEST' | 'CONTROL' | null;

/**
 * TEST: a running test's item on a content-test slot (its impressions elsewhere, e.g. a pin, are not randomised and
 * would bias it). CONTROL: an established item (not in a test) on a uniform floor slot at positions
 * 2..testMaxPosition, the positions test slots use, so that both sides are seen alike even where the estimated
 * examination curve is off. Everything else feeds neither.
 */
export function impressionRole(e: { reason: string; position: number; inTest: boolean }, testMaxPosition = DEFAULT_TEST_MAX_POSITION): ImpressionRole {
  if (e.inTest) return e.reason === 'CONTENT_TEST' ? 'TEST' : null;
  return e.reason === 'EXPLORATION' && e.position >= 2 && e.position <= testMaxPosition ? 'CONTROL' : null;
}

/** The test's own control: what the surface's control accrued since the test started (the same window and people). */
export function windowControl(current: ControlStats, atStart: ControlCounts | undefined): ControlStats {
  if (!atStart) return current;
  return {
    impressions: max(0, current.impressions - atStart.impressions),
    exposure: max(0, current.exposure - atStart.exposure),
    successes: max(0, current.successes - atStart.successes),
  };
}

function posterior(successes: number, exposure: number, a0: number, b0: number): { a: number; b: number } {
  // Debiased: exposure counts looks, not impressions; successes cannot exceed looks.
  const s = max(0, successes);
  const e = max(s, exposure);
  return { a: a0 + s, b: b0 + e - s };
}

/** P(test beats control) on position-debiased rates, with the estimates it rests on. */
export function compareToControl(
  test: Pick<ContentTest, 'successes' | 'exposure'>,
  control: ControlStats,
): {
  probBeatsControl: number;
  probWorse: number;
  testRate: RateEstimate;
  controlRate: RateEstimate;
} {
  const c = posterior(control.successes, control.exposure, 1, 1);
  const controlMean = c.a / (c.a + c.b);
  // The test item's prior is centred on the control with the weight of one expected success: "no difference".
  const t = posterior(test.successes, test.exposure, 1, max(1, (1 - controlMean) / controlMean));
  const probBeatsControl = probBetaGreater(t.a, t.b, c.a, c.b);
  const est = (a: number, b: number): RateEstimate => ({ mean: a / (a + b), lower: betaQuantile(0.05, a, b), upper: betaQuantile(0.95, a, b) });
  return { probBeatsControl, probWorse: 1 - probBeatsControl, testRate: est(t.a, t.b), controlRate: est(c.a, c.b) };
}

/** Variance of a debiased rate s/e from n impressions: r(1 − r·θ̄)/e with θ̄ = e/n the mean examination. */
function rateVariance(rate: number, exposure: number, impressions: number): number {
  const meanTheta = impressions > 0 ? min(1, exposure / impressions) : 1;
  return (max(1e-6, rate) * max(1e-6, 1 - rate * meanTheta)) / max(1e-9, exposure);
}

/** The counts a look reads, with the running always-valid p so far. */
export function toSequentialInput(t: ContentTest): Pick<ContentTest, 'successes' | 'exposure' | 'impressions'> & { alwaysValidP?: number } {
  return { successes: t.successes, exposure: t.exposure, impressions: t.impressions, alwaysValidP: t.alwaysValidP };
}

/** One look of the mSPRT (see DecisionRules) at the test's current counts against its control. */
export function sequentialEvidence(
  test: Pick<ContentTest, 'successes' | 'exposure' | 'impressions'> & { alwaysValidP?: number },
  control: ControlStats,
  rules: DecisionRules = DEFAULT_DECISION_RULES,
): SequentialEvidence {
  const ce = max(1e-9, control.exposure);
  const rc = (control.successes + 0.5) / (ce + 1);
  // The test's rate, with half a success of the control's rate as a prior so that 0 successes keep a variance.
  const rt = (test.successes + rc) / (max(0, test.exposure) + 1);
  const estimate = rt - rc;
  const v = rateVariance(rt, max(1, test.exposure), test.impressions) + rateVariance(rc, ce, control.impressions);
  const tau2 = (rules.tauRelative * rc) ** 2;
  const logLambda = 0.5 * Math.log(v / (v + tau2)) + (estimate * estimate * tau2) / (2 * v * (v + tau2));
  const pValue = min(1, Math.exp(-logLambda));
  const half = Math.sqrt(((v * (v + tau2)) / tau2) * (2 * Math.log(1 / rules.alpha) + Math.log((v + tau2) / v)));
  return { estimate, lower: estimate - half, upper: estimate + half, pValue, alwaysValidP: min(test.alwaysValidP ?? 1, pValue) };
}

/**
 * The decision rule (see DecisionRules). Every look, once the item has `minImpressions`: GRADUATED or
 * UNDERPERFORMING as soon as the always-valid p-value reaches α (the sign of δ̂ says which). At the quota (or, while
 * no other test waits for slots, OVER_QUOTA_FACTOR × the quota) or at max days without that: INCONCLUSIVE.
 * `control` is the test's own control since its start (windowControl), which the sequential rule reads; `comparison`
 * is the control of the recorded P(beats control) (comparisonControl, reaching back before the start). Returns the
 * test with its running always-valid p updated, unchanged in status while it runs.
 */
export function evaluateContentTest(
  test: ContentTest,
  control: ControlStats,
  now: number,
  rules: DecisionRules = DEFAULT_DECISION_RULES,
  queue: { belowQuota: number; concurrency?: number } | null = null,
  comparison: ControlStats = control,
): ContentTest {
  if (test.status !== 'RUNNING') return test;
  // Past its quota a close call ends, unless the surface's test slots would otherwise idle (fewer tests below quota
  // than the concurrency): then it runs on to overQuotaCap. Without `queue` the quota is hard.
  const spare = queue !== null && queue.belowQuota < (queue.concurrency ?? TEST_CONCURRENCY);
  const atQuota = test.impressions >= (spare ? overQuotaCap(test.quota) : test.quota);
  const atMaxDays = now >= test.startedAt + test.maxDays * DAY_MS;
  const enough = test.impressions >= rules.minImpressions && control.exposure > 0;
  const seq = enough ? sequentialEvidence(test, control, rules) : null;
  const next = seq ? { ...test, alwaysValidP: seq.alwaysValidP } : test;
  const crossed = seq !== null && seq.pValue <= rules.alpha;
  if (!crossed && !atQuota && !atMaxDays) return next;
  const cmp = compareToControl(test, comparison);
  const status: TestDecision['status'] = crossed ? (seq!.estimate > 0 ? 'GRADUATED' : 'UNDERPERFORMING') : 'INCONCLUSIVE';
  const reason: TestDecision['reason'] = atQuota ? 'QUOTA_REACHED' : atMaxDays ? 'MAX_DAYS' : 'EARLY_STOP';
  const sequential = seq ?? sequentialEvidence(test, control, rules);
  return {
    ...next,
    status,
    decision: {
      status,
      reason,
      decidedAt: now,
      impressions: test.impressions,
      ...cmp,
      sequential,
      rule: describeRule(rules),
      control,
      comparisonControl: comparison,
    },
  };
}
