/**
 * The content tests of the audience harness's launch pattern, simulated with the engine's real test functions
 * (start, quota, queue, control marks and lookback, the sequential rule, P(beats control)) on an audience's true play
 * probabilities: how well P(beats control) orders the launched items by true quality (Spearman, as the harness
 * prints it), how many tests decide, and what the test slots cost in expected plays.
 *
 * Each request is a random person and `slots` positions examined with probability k^-0.8 (the harness's curve). Each
 * position is a uniform-floor slot with probability `floor`, else (positions 2..testMax, while a test is served) a
 * test slot with probability testShare·slots/(testMax − 1), as the slate's plan draws them; other positions are not
 * simulated (they feed no test counter). The control counts by the engine's rule (impressionRole) for testMax. Launches: the harness's (the catalogue's launchDay, at the start of each
 * day). A learner pass every `passEvery` requests counts what was served, so the queue and decisions see no label lag.
 *
 *   npm run -s build:server && node dist/bench/content-test-agreement.js [/work/shared/data/xwines] [days] [requests] [seeds]
 * Environment: TEST_MAX (the last test position; default the engine's DEFAULT_TEST_MAX_POSITION), AUDIENCE_DIR (default <data>/../../audience).
 */
import { join } from 'node:path';
import {
  ContentTest,
  ControlStats,
  DEFAULT_DECISION_RULES,
  DEFAULT_TEST_MAX_POSITION,
  comparisonControl,
  compareToControl,
  controlBaseline,
  evaluateContentTest,
  impressionRole,
  markControl,
  recordControlImpression,
  recordTestImpression,
  startContentTest,
  testSlotWeights,
  testsBelowQuota,
  trafficQuota,
  windowControl,
} from '../libs/placement/src/engine';
import { mulberry32 } from './lib/mulberry32';

interface World {
  catalogue: { index: number; launchDay: number }[];
  M: number;
  U: number;
  playProb: (u: number, m: number) => number;
}

function ranks(xs: number[]): number[] {
  const o = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < o.length;) {
    let j = i;
    while (j + 1 < o.length && o[j + 1][0] === o[i][0]) j++;
    for (let k = i; k <= j; k++) r[o[k][1]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

export function spearman(a: number[], b: number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const m = (n - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i] - m) * (rb[i] - m);
    da += (ra[i] - m) ** 2;
    db += (rb[i] - m) ** 2;
  }
  return num / Math.sqrt(da * db);
}

interface RunResult {
  agreement: number;
  decided: number;
  launched: number;
  meanImpressions: number;
  meanSuccesses: number;
  /** Expected plays on test slots per request, and what a floor slot at the same positions would have earned. */
  testPlaysPerRequest: number;
  testSlotsPerRequest: number;
  /**
   * Expected plays the test slots cost against the popularity order of the established items (what the slate's
   * other positions approximate), as a share of that order's plays: tests shift the items below them down a place.
   */
  testCost: number;
}

function run(world: World, trueMean: Float64Array, o: { days: number; requests: number; slots: number; testMax: number; seed: number }): RunResult {
  const R = mulberry32(o.seed);
  const budget = 0.08;
  const floor = 0.02;
  const testShare = budget - floor;
  const theta = Array.from({ length: o.slots + 1 }, (_, k) => (k === 0 ? 0 : 1 / Math.pow(k, 0.8)));
  const testLast = Math.min(o.slots, o.testMax);
  const pF = floor;
  const pT = (testShare * o.slots) / (testLast - 1);
  const msPerRequest = 10; // a compressed day of 3,000 requests is 30 s of wall time, as live
  const passEvery = 100;
  const established: number[] = world.catalogue.filter((c) => c.launchDay < 0).map((c) => c.index);
  const tests = new Map<number, ContentTest>();
  let control: ControlStats = { impressions: 0, exposure: 0, successes: 0, served: 0 };
  let now = Date.UTC(2026, 0, 1);
  let testPlays = 0;
  let testSlots = 0;
  let baseValue = 0;
  let withTests = 0;
  let popular: number[] = [];
  const rerank = () => {
    popular = [...established].sort((a, b) => trueMean[b] - trueMean[a]).slice(0, o.slots);
  };
  rerank();
  const placedTests: { k: number; m: number }[] = [];
  for (let day = 0; day < o.days; day++) {
    const batch = world.catalogue.filter((c) => c.launchDay === day).map((c) => c.index);
    if (batch.length) {
      const started = [...tests.values()];
      const served = control.served ?? 0;
      const oldest = started.reduce((m, t) => Math.min(m, t.controlAtStart?.served ?? Infinity), Infinity);
      const rate = control.exposure >= 100 ? control.successes / control.exposure : 0.1;
      const { quota } = trafficQuota({
        successRate: rate,
        servedImpressions: Number.isFinite(oldest) ? served - oldest : 0,
        launches: started.length,
        testShare,
      });
      for (const m of batch) tests.set(m, startContentTest(String(m), 's', now, quota, 365, controlBaseline(control, now, quota)));
    }
    let weights = testSlotWeights([...tests.values()]);
    let servedTests = [...tests.values()].filter((t) => weights.get(t.itemId) === 1);
    for (let r = 0; r < o.requests; r++) {
      now += msPerRequest;
      const u = Math.floor(R() * world.U);
      placedTests.length = 0;
      for (let k = 1; k <= o.slots; k++) {
        const x = R();
        if (x < pF) {
          const m = established[Math.floor(R() * established.length)];
          const ok = R() < theta[k] * world.playProb(u, m);
          if (impressionRole({ reason: 'EXPLORATION', position: k, inTest: false }, o.testMax) === 'CONTROL')
            control = recordControlImpression(control, theta[k], ok);
        } else if (k >= 2 && k <= testLast && servedTests.length > 0 && x < pF + pT) {
          const t = servedTests[Math.floor(R() * servedTests.length)];
          const m = Number(t.itemId);
          const p = theta[k] * world.playProb(u, m);
          const ok = R() < p;
          testPlays += p;
          testSlots++;
          placedTests.push({ k, m });
          tests.set(m, recordTestImpression(tests.get(m)!, theta[k], ok));
        }
      }
      // The popularity order with this request's test items inserted at their positions, against without them.
      let pi = 0;
      for (let k = 1; k <= o.slots; k++) {
        baseValue += theta[k] * world.playProb(u, popular[k - 1]);
        const t = placedTests.find((x) => x.k === k);
        withTests += theta[k] * world.playProb(u, t ? t.m : popular[pi++]);
      }
      control = { ...control, served: (control.served ?? 0) + o.slots };
      if ((r + 1) % passEvery === 0 || r === o.requests - 1) {
        control = markControl(control, now);
        const all = [...tests.values()];
        const belowQuota = testsBelowQuota(all);
        for (const t of all) {
          if (t.status !== 'RUNNING') continue;
          const next = evaluateContentTest(
            t,
            windowControl(control, t.controlAtStart),
            now,
            DEFAULT_DECISION_RULES,
            { belowQuota },
            comparisonControl(control, t.controlAtStart),
          );
          tests.set(Number(t.itemId), next);
          if (next.status !== 'RUNNING') established.push(Number(t.itemId));
        }
        rerank();
        weights = testSlotWeights([...tests.values()]);
        servedTests = [...tests.values()].filter((t) => weights.get(t.itemId) === 1);
      }
    }
  }
  const all = [...tests.values()];
  const probs = all.map((t) => t.decision?.probBeatsControl ?? compareToControl(t, comparisonControl(control, t.controlAtStart)).probBeatsControl);
  return {
    agreement: spearman(
      all.map((t) => trueMean[Number(t.itemId)]),
      probs,
    ),
    decided: all.filter((t) => t.status !== 'RUNNING').length,
    launched: all.length,
    meanImpressions: all.reduce((s, t) => s + t.impressions, 0) / all.length,
    meanSuccesses: all.reduce((s, t) => s + t.successes, 0) / all.length,
    testPlaysPerRequest: testPlays / (o.days * o.requests),
    testSlotsPerRequest: testSlots / (o.days * o.requests),
    testCost: 1 - withTests / baseValue,
  };
}

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '/work/shared/data/xwines';
  const days = Number(process.argv[3] ?? 16);
  const requests = Number(process.argv[4] ?? 3000);
  const seeds = Number(process.argv[5] ?? 40);
  const testMax = Number(process.env.TEST_MAX ?? DEFAULT_TEST_MAX_POSITION);
  const audienceDir = process.env.AUDIENCE_DIR ?? join(dataDir, '../../audience');
  const importer = new Function('p', 'return import(p)') as (p: string) => Promise<Record<string, unknown>>;
  const world = ((await importer(join(audienceDir, 'world.mjs'))).buildWorld as (d: string) => World)(dataDir);
  const trueMean = new Float64Array(world.M);
  for (let m = 0; m < world.M; m++) {
    let s = 0;
    for (let u = 0; u < world.U; u++) s += world.playProb(u, m);
    trueMean[m] = s / world.U;
  }
  const rows: RunResult[] = [];
  for (let s = 0; s < seeds; s++) rows.push(run(world, trueMean, { days, requests, slots: 10, testMax, seed: 1000 + s }));
  const mean = (f: (r: RunResult) => number) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
  const sd = (f: (r: RunResult) => number) => Math.sqrt(rows.reduce((a, r) => a + (f(r) - mean(f)) ** 2, 0) / Math.max(1, rows.length - 1));
  console.log(
    `content tests ${days} x ${requests}, test positions 2..${testMax}, ${seeds} seeds: agreement ${mean((r) => r.agreement).toFixed(3)} ± ${sd((r) => r.agreement).toFixed(3)}; ` +
      `decided ${mean((r) => r.decided).toFixed(1)}/${rows[0].launched}; impressions ${mean((r) => r.meanImpressions).toFixed(0)}, successes ${mean((r) => r.meanSuccesses).toFixed(1)} per test; ` +
      `test slots ${mean((r) => r.testSlotsPerRequest).toFixed(3)}/request earning ${mean((r) => r.testPlaysPerRequest).toFixed(4)} plays/request; ` +
      `test cost ${(100 * mean((r) => r.testCost)).toFixed(2)}% of the popularity order's plays`,
  );
}

if (require.main === module)
  main().catch((e) => {
    console.error(`content-test-agreement failed: ${(e as Error).stack ?? e}`);
    process.exit(1);
  });
