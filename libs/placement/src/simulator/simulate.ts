import { windowShare } from '../engine/budget';
import type { SharedPrior } from '../engine/model';
import {
  BudgetedOraclePolicy,
  EditorialPolicy,
  EpsilonGreedyPolicy,
  EngineBelief,
  ExplorationSlots,
  LoggedImpression,
  MarqueePolicy,
  OraclePolicy,
  PopularityPolicy,
  SimPolicy,
  TestRecord,
  WorldModelPolicy,
} from './policies';
import { buildWorld, crn, DAY_MS, HOUR_MS, LatentTaste, SIM_START, successProbability, World } from './world';

const { abs, floor, max, min, round } = Math;

/** Simulation settings; every default is what `npm run simulate` uses. */
export interface SimulationOptions {
  days: number;
  users: number;
  seed: number;
  initialItems: number;
  launchesPerDay: number;
  visitsPerUserPerDay: number;
  slots: number;
  budget: number;
  floor: number;
  maxTestDays: number;
  /** Compute logged propensities on every n-th Marquee request (0 = never). */
  propensityEvery: number;
  /**
   * Also run the reference policies that bound what is attainable: the oracle spending the same exploration
   * budget, and a Bayesian learner that knows how the world is built (see WorldModelPolicy).
   */
  references: boolean;
  /**
   * Also run the baseline policies (editorial, popularity, ε-greedy, greedy, per-person oracle). Without them only
   * Marquee runs (and the references, if asked for), and the ratios against them are NaN.
   */
  baselines: boolean;
  /** A later period of the same world: same users and established catalogue, new launches and visits (see buildWorld). */
  launchSeed?: number;
  /** Start Marquee from this shared prior (the TF.js model's export, in probit units) instead of the structural one. */
  sharedPrior?: SharedPrior;
  /**
   * Return Marquee's logged impressions as training rows for the TF.js model (`trainingRows`): every impression of
   * the requests that log propensities (every `propensityEvery`-th), with the logged user features and propensity.
   */
  exportTrainingRows?: boolean;
  /** Track the engine's own posterior about each new item (`NewItemResult.engine`). */
  trackBeliefs?: boolean;
  /** The latent-taste world (world.ts LATENT_WORLD) instead of the segment world. */
  latent?: LatentTaste | null;
  /** Marquee's per-person collaborative model (default on). */
  collab?: boolean;
  onProgress?: (message: string) => void;
}

const DEFAULT_SIMULATION: Omit<SimulationOptions, 'onProgress'> = {
  days: 14,
  users: 6000,
  seed: 7,
  initialItems: 150,
  launchesPerDay: 8,
  visitsPerUserPerDay: 0.7,
  slots: 10,
  budget: 0.1,
  floor: 0.02,
  maxTestDays: 5,
  propensityEvery: 50,
  references: true,
  baselines: true,
};

interface PolicyResult {
  name: string;
  impressions: number;
  successes: number;
  successRate: number;
  perDay: number[];
}

interface NewItemResult {
  itemId: string;
  launchDay: number;
  trueRate: number;
  ratioToMedian: number;
  controlTrueRate: number;
  class: 'clearly good' | 'clearly bad' | 'middle';
  status: string;
  reason: string | null;
  impressions: number;
  hoursToDecision: number | null;
  probBeatsControl: number | null;
  truth: 'better' | 'worse';
  /** null while running or INCONCLUSIVE. */
  right: boolean | null;
  /** With `trackBeliefs`: when the engine's own posterior first took a side (see EngineBelief), and whether rightly. */
  engine?: EngineBelief & { right: boolean | null };
}

export interface SimulationResult {
  /** The options used; a shared prior is reported by its version only. */
  options: Omit<SimulationOptions, 'onProgress' | 'sharedPrior'> & { sharedPrior: string | null };
  requests: number;
  surfaceMedianTrueRate: number;
  policies: PolicyResult[];
  ratios: {
    vsEditorial: number;
    vsPopularity: number;
    vsOracle: number;
    vsEpsilonGreedy: number;
    vsGreedy: number;
    /** Against the oracle that spends the same exploration budget (NaN without references). */
    vsBudgetedOracle: number;
    /** Against the Bayesian learner that knows the world (NaN without references). */
    vsCeiling: number;
    /** The ceiling's own ratio to the per-person oracle: what any policy could expect at best (NaN without references). */
    ceilingVsOracle: number;
  };
  exploration: {
    budget: number;
    perDay: { day: number; share: number; testShare: number; floorShare: number; minHour: number; maxHour: number; hoursOutside: number }[];
    hoursOutsideBudget: number;
    hours: number;
  };
  propensities: { slates: number; entries: number; exactShare: number; meanError: number };
  positionBias: { position: number; estimated: number; truth: number }[];
  newItems: NewItemResult[];
  summary: {
    decided: number;
    running: number;
    clearlyGood: { count: number; graduated: number; share: number | null };
    clearlyBad: { count: number; graduated: number; share: number | null };
    rightShareOfDecisive: number | null;
    meanImpressionsToDecision: number | null;
    medianImpressionsToDecision: number | null;
  };
  targets: { name: string; value: number | null; target: string; met: boolean | null }[];
  /** Only with `exportTrainingRows`. */
  trainingRows?: LoggedImpression[];
  seconds: number;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs every policy over the same users, visits and launches (common random numbers for examination and
 * success), and reports success rates, exploration spend and content-test outcomes.
 */
export function runSimulation(options: Partial<SimulationOptions> = {}): SimulationResult {
  const started = Date.now();
  const o = { ...DEFAULT_SIMULATION, ...options };
  const log = o.onProgress ?? (() => undefined);
  const world = buildWorld(o);
  const marquee = new MarqueePolicy(
    world,
    {
      slots: o.slots,
      budget: o.budget,
      floor: o.floor,
      maxTestDays: o.maxTestDays,
      propensityEvery: o.propensityEvery,
      seed: o.seed,
      sharedPrior: o.sharedPrior,
      exportRows: o.exportTrainingRows,
      trackBeliefs: o.trackBeliefs,
      collab: o.collab,
    },
    SIM_START,
  );
  const policies: SimPolicy[] = o.baselines
    ? [
        new EditorialPolicy(world, o.slots),
        new PopularityPolicy(world, o.slots),
        new EpsilonGreedyPolicy(world, o.slots, 0.1, o.seed),
        new EpsilonGreedyPolicy(world, o.slots, 0, o.seed),
        new OraclePolicy(world, o.slots),
      ]
    : [];
  if (o.references) {
    const explore = new ExplorationSlots(world, o);
    policies.push(new BudgetedOraclePolicy(world, o.slots, explore), new WorldModelPolicy(world, o.slots, explore));
  }
  policies.push(marquee);
  const results = policies.map((p) => ({
    name: p.name,
    impressions: 0,
    successes: 0,
    perDayImp: new Array<number>(o.days).fill(0),
    perDaySucc: new Array<number>(o.days).fill(0),
  }));
  const live: number[] = world.items.filter((it) => !it.isNew).map((it) => it.index);
  let request = 0;
  for (let d = 0; d < o.days; d++) {
    const launches = world.launches[d].slice();
    for (const v of world.visits[d]) {
      while (launches.length > 0 && world.items[launches[0]].launchedAt <= v.at) {
        const it = world.items[launches.shift() as number];
        live.push(it.index);
        for (const p of policies) p.launch?.(it, it.launchedAt);
      }
      const u = world.users[v.user];
      policies.forEach((p, pi) => {
        p.tick?.(v.at);
        const slate = p.serve(v, live, request);
        const successes = slate.items.map((i, k) => {
          const examined = crn(world.seed, request, k, 1) < world.examination[k + 1];
          return examined && crn(world.seed, request, i, 2) < successProbability(world, u, world.items[i], v.hour);
        });
        p.observe(v, slate, successes);
        const r = results[pi];
        r.impressions += slate.items.length;
        r.perDayImp[d] += slate.items.length;
        for (const s of successes) {
          if (!s) continue;
          r.successes++;
          r.perDaySucc[d]++;
        }
      });
      request++;
    }
    for (const it of launches) {
      live.push(it);
      for (const p of policies) p.launch?.(world.items[it], world.items[it].launchedAt);
    }
    const m = results[results.length - 1];
    const oracle = o.baselines ? `, oracle ${(results[4].perDaySucc[d] / max(1, results[4].perDayImp[d])).toFixed(4)}` : '';
    log(`day ${d + 1}/${o.days}: ${world.visits[d].length} requests, marquee ${(m.perDaySucc[d] / max(1, m.perDayImp[d])).toFixed(4)}${oracle}`);
  }
  marquee.tick(SIM_START + o.days * DAY_MS);
  return report(world, o, results, marquee, request, (Date.now() - started) / 1000);
}

function report(
  world: World,
  o: Omit<SimulationOptions, 'onProgress'>,
  raw: { name: string; impressions: number; successes: number; perDayImp: number[]; perDaySucc: number[] }[],
  marquee: MarqueePolicy,
  requests: number,
  seconds: number,
): SimulationResult {
  const policies: PolicyResult[] = raw.map((r) => ({
    name: r.name,
    impressions: r.impressions,
    successes: r.successes,
    successRate: r.successes / max(1, r.impressions),
    perDay: r.perDayImp.map((n, d) => r.perDaySucc[d] / max(1, n)),
  }));
  const rate = (name: string) => policies.find((p) => p.name.startsWith(name))?.successRate ?? NaN;
  const mq = rate('marquee');
  const ratios = {
    vsEditorial: mq / rate('editorial'),
    vsPopularity: mq / rate('popularity'),
    vsOracle: mq / rate('per-person oracle'),
    vsEpsilonGreedy: mq / rate('epsilon-greedy'),
    vsGreedy: mq / rate('greedy'),
    vsBudgetedOracle: mq / rate('oracle with the exploration budget'),
    vsCeiling: mq / rate('Bayes ceiling'),
    ceilingVsOracle: rate('Bayes ceiling') / rate('per-person oracle'),
  };

  const perDay: SimulationResult['exploration']['perDay'] = [];
  let hoursOutside = 0;
  let hours = 0;
  for (let d = 0; d < o.days; d++) {
    let served = 0;
    let test = 0;
    let fl = 0;
    let minHour = 1;
    let maxHour = 0;
    let outside = 0;
    for (let h = 0; h < 24; h++) {
      const w = marquee.hourly.get(floor((SIM_START + d * DAY_MS) / HOUR_MS) + h);
      if (!w || w.served === 0) continue;
      served += w.served;
      test += w.test;
      fl += w.floor;
      const share = windowShare({ hourStart: 0, servedSlots: w.served, testSlots: w.test, floorSlots: w.floor }) ?? 0;
      minHour = min(minHour, share);
      maxHour = max(maxHour, share);
      hours++;
      if (abs(share - o.budget) > 0.01) {
        outside++;
        hoursOutside++;
      }
    }
    perDay.push({
      day: d + 1,
      share: (test + fl) / max(1, served),
      testShare: test / max(1, served),
      floorShare: fl / max(1, served),
      minHour,
      maxHour,
      hoursOutside: outside,
    });
  }

  const med = median(world.items.map((it) => it.trueRate));
  const newItems: NewItemResult[] = marquee.testRecords.map((rec: TestRecord) => {
    const t = rec.test;
    const ratio = rec.item.trueRate / med;
    const truth = rec.item.trueRate > rec.controlTrueRate ? 'better' : 'worse';
    const right = t.status === 'GRADUATED' ? truth === 'better' : t.status === 'UNDERPERFORMING' ? truth === 'worse' : null;
    return {
      itemId: rec.item.id,
      launchDay: floor((rec.item.launchedAt - SIM_START) / DAY_MS) + 1,
      trueRate: rec.item.trueRate,
      ratioToMedian: ratio,
      controlTrueRate: rec.controlTrueRate,
      class: ratio >= 1.5 ? 'clearly good' : ratio <= 1 / 1.5 ? 'clearly bad' : 'middle',
      status: t.status,
      reason: t.decision?.reason ?? null,
      impressions: t.decision?.impressions ?? t.impressions,
      hoursToDecision: t.decision ? round(((t.decision.decidedAt - t.startedAt) / HOUR_MS) * 10) / 10 : null,
      probBeatsControl: t.decision?.probBeatsControl ?? null,
      truth,
      right,
      ...(rec.belief && { engine: { ...rec.belief, right: rec.belief.decision === null ? null : rec.belief.decision === truth } }),
    };
  });
  const decided = newItems.filter((x) => x.status !== 'RUNNING');
  const good = decided.filter((x) => x.class === 'clearly good');
  const bad = decided.filter((x) => x.class === 'clearly bad');
  const decisive = decided.filter((x) => x.right !== null);
  const summary = {
    decided: decided.length,
    running: newItems.length - decided.length,
    clearlyGood: {
      count: good.length,
      graduated: good.filter((x) => x.status === 'GRADUATED').length,
      share: good.length ? good.filter((x) => x.status === 'GRADUATED').length / good.length : null,
    },
    clearlyBad: {
      count: bad.length,
      graduated: bad.filter((x) => x.status === 'GRADUATED').length,
      share: bad.length ? bad.filter((x) => x.status === 'GRADUATED').length / bad.length : null,
    },
    rightShareOfDecisive: decisive.length ? decisive.filter((x) => x.right).length / decisive.length : null,
    meanImpressionsToDecision: decided.length ? decided.reduce((a, x) => a + x.impressions, 0) / decided.length : null,
    medianImpressionsToDecision: decided.length ? median(decided.map((x) => x.impressions)) : null,
  };
  const worstDay = perDay.reduce((w, d) => max(w, abs(d.share - o.budget)), 0);
  const targets = [
    { name: 'success vs editorial', value: ratios.vsEditorial, target: '≥ 1.30×', met: ratios.vsEditorial >= 1.3 },
    { name: 'success vs true popularity', value: ratios.vsPopularity, target: '≥ 1.05×', met: ratios.vsPopularity >= 1.05 },
    { name: 'success vs per-person oracle', value: ratios.vsOracle, target: '≥ 0.80×', met: ratios.vsOracle >= 0.8 },
    { name: 'exploration share, worst day vs budget (pp)', value: worstDay * 100, target: '≤ 1.0 pp', met: worstDay <= 0.01 },
    {
      name: 'clearly good new items graduated',
      value: summary.clearlyGood.share,
      target: '≥ 90%',
      met: summary.clearlyGood.share === null ? null : summary.clearlyGood.share >= 0.9,
    },
    {
      name: 'clearly bad new items graduated',
      value: summary.clearlyBad.share,
      target: '≤ 5%',
      met: summary.clearlyBad.share === null ? null : summary.clearlyBad.share <= 0.05,
    },
  ];
  const ps = marquee.propensityStats;
  return {
    options: { ...o, onProgress: undefined, sharedPrior: o.sharedPrior?.version ?? null } as SimulationResult['options'],
    requests,
    surfaceMedianTrueRate: med,
    policies,
    ratios,
    exploration: { budget: o.budget, perDay, hoursOutsideBudget: hoursOutside, hours },
    propensities: {
      slates: ps.slates,
      entries: ps.entries,
      exactShare: ps.entries ? ps.exact / ps.entries : 0,
      meanError: ps.entries ? ps.errorSum / ps.entries : 0,
    },
    positionBias: Array.from({ length: o.slots }, (_, k) => ({ position: k + 1, estimated: marquee.state.examination[k], truth: world.examination[k + 1] })),
    newItems,
    summary,
    targets,
    ...(o.exportTrainingRows && { trainingRows: marquee.rows }),
    seconds,
  };
}
