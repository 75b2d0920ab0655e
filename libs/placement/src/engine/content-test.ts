import { betaQuantile, probBetaGreater } from './math';

// Bound once: hot loops then make no global lookups (slow inside sandboxes such as Jest's; see random.ts).
const { ceil, max, min } = Math;

export type ContentTestStatus = 'RUNNING' | 'GRADUATED' | 'UNDERPERFORMING' | 'INCONCLUSIVE';

/** Thresholds of the decision rule. */
export interface DecisionRules {
  /** GRADUATED when P(beats control) reaches this at the end of the test. */
  graduate: number;
  /** UNDERPERFORMING when P(worse than control) reaches this at the end of the test. */
  underperform: number;
  /** Early stop for a clear loser: P(worse) at or above this ... */
  earlyStop: number;
  /** ... once at least this many impressions ... */
  earlyMinImpressions: number;
  /** ... and this share of the quota are in. */
  earlyMinQuotaShare: number;
}

export const DEFAULT_DECISION_RULES: DecisionRules = {
  graduate: 0.9,
  underperform: 0.95,
  earlyStop: 0.995,
  earlyMinImpressions: 300,
  earlyMinQuotaShare: 0.3,
};

/** Result of a test that has ended. */
export interface TestDecision {
  status: Exclude<ContentTestStatus, 'RUNNING'>;
  reason: 'QUOTA_REACHED' | 'MAX_DAYS' | 'EARLY_STOP';
  decidedAt: number;
  impressions: number;
  probBeatsControl: number;
  probWorse: number;
  /** Position-debiased success rates (when examined) with 90% intervals. */
  testRate: RateEstimate;
  controlRate: RateEstimate;
}

export interface RateEstimate {
  mean: number;
  lower: number;
  upper: number;
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
}

/** Established items on randomised (uniform floor) slots at the positions tests use: the debiased control. */
export interface ControlStats {
  impressions: number;
  exposure: number;
  successes: number;
}

const DAY_MS = 86_400_000;

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

export function startContentTest(itemId: string, surfaceKey: string, startedAt: number, quota: number, maxDays: number): ContentTest {
  if (!(quota >= 1)) throw new Error(`Content-test quota for "${itemId}" is ${quota}; it must be at least 1 impression.`);
  if (!(maxDays > 0)) throw new Error(`Content-test max days for "${itemId}" is ${maxDays}; it must be positive.`);
  return { itemId, surfaceKey, startedAt, quota: ceil(quota), maxDays, impressions: 0, exposure: 0, successes: 0, status: 'RUNNING', decision: null };
}

/** Adds one impression of the test item at a position with examination probability theta. */
export function recordTestImpression(test: ContentTest, theta: number, success: boolean): ContentTest {
  return { ...test, impressions: test.impressions + 1, exposure: test.exposure + theta, successes: test.successes + (success ? 1 : 0) };
}

export function recordControlImpression(control: ControlStats, theta: number, success: boolean): ControlStats {
  return { impressions: control.impressions + 1, exposure: control.exposure + theta, successes: control.successes + (success ? 1 : 0) };
}

/**
 * Pacing weight: the impressions per hour the test still needs to reach its quota by its last day. Test slots
 * pick items in proportion to it, so every test moves at the same fraction of its required pace.
 */
export function pacingWeight(test: ContentTest, now: number): number {
  if (test.status !== 'RUNNING') return 0;
  const remaining = test.quota - test.impressions;
  if (remaining <= 0) return 0;
  const hoursLeft = max(1, (test.startedAt + test.maxDays * DAY_MS - now) / 3_600_000);
  return remaining / hoursLeft;
}

function posterior(successes: number, exposure: number, a0: number, b0: number): { a: number; b: number } {
  // Debiased: exposure counts looks, not impressions; successes cannot exceed looks.
  const s = max(0, successes);
  const e = max(s, exposure);
  return { a: a0 + s, b: b0 + e - s };
}

/** P(test beats control) on position-debiased rates, with the estimates it rests on. */
export function compareToControl(test: Pick<ContentTest, 'successes' | 'exposure'>, control: ControlStats): {
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

/**
 * The decision rule. At quota or max days: GRADUATED if P(beats control) ≥ 0.9, UNDERPERFORMING if P(worse) ≥ 0.95,
 * else INCONCLUSIVE. Before that, only a clear loser stops early. Returns the test unchanged while it runs.
 */
export function evaluateContentTest(test: ContentTest, control: ControlStats, now: number, rules: DecisionRules = DEFAULT_DECISION_RULES): ContentTest {
  if (test.status !== 'RUNNING') return test;
  const atQuota = test.impressions >= test.quota;
  const atMaxDays = now >= test.startedAt + test.maxDays * DAY_MS;
  const minEarly = max(rules.earlyMinImpressions, rules.earlyMinQuotaShare * test.quota);
  if (!atQuota && !atMaxDays && test.impressions < minEarly) return test;
  const cmp = compareToControl(test, control);
  let status: TestDecision['status'] | null = null;
  let reason: TestDecision['reason'] = atQuota ? 'QUOTA_REACHED' : 'MAX_DAYS';
  if (atQuota || atMaxDays) {
    status = cmp.probBeatsControl >= rules.graduate ? 'GRADUATED' : cmp.probWorse >= rules.underperform ? 'UNDERPERFORMING' : 'INCONCLUSIVE';
  } else if (cmp.probWorse >= rules.earlyStop) {
    status = 'UNDERPERFORMING';
    reason = 'EARLY_STOP';
  }
  if (!status) return test;
  return { ...test, status, decision: { status, reason, decidedAt: now, impressions: test.impressions, ...cmp } };
}
