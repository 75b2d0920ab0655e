/**
 * Golden figures: every simulator policy on two small fixed-seed runs, compared exactly with a fixture recorded from
 * the code as it stood before policies.ts was split (issue 11). A refactor that changes any arithmetic, iteration
 * order or random draw changes these figures. `UPDATE_GOLDEN=1` rewrites the fixture: only for an intended change.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BudgetedOraclePolicy,
  EditorialPolicy,
  EpsilonGreedyPolicy,
  MarqueePolicy,
  OraclePolicy,
  PopularityPolicy,
  ServedSlate,
  SimPolicy,
  WorldModelPolicy,
} from './policies';
import { runSimulation, SimulationOptions } from './simulate';
import { LATENT_WORLD } from './world';

const FIXTURE = join(__dirname, 'fixtures', 'policies-golden.json');

// Two worlds, because the Bayes ceiling's latent-taste update and Marquee without the collaborative model run only in
// the second. Short tests (maxTestDays 2) so that content tests also end within the run.
const RUNS: Record<string, Partial<SimulationOptions>> = {
  segments: {
    days: 3,
    users: 400,
    seed: 11,
    initialItems: 60,
    launchesPerDay: 4,
    maxTestDays: 2,
    propensityEvery: 20,
    trackBeliefs: true,
    exportTrainingRows: true,
  },
  latent: { days: 2, users: 300, seed: 5, initialItems: 50, launchesPerDay: 3, maxTestDays: 2, propensityEvery: 0, latent: LATENT_WORLD, collab: false },
};

const CLASSES = [EditorialPolicy, PopularityPolicy, EpsilonGreedyPolicy, OraclePolicy, BudgetedOraclePolicy, WorldModelPolicy, MarqueePolicy];

const digest = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');
// JSON's own number formatting round-trips doubles exactly, so comparing through it is an exact comparison.
const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x));

/** Runs one simulation and records, per policy, every slate it served (the first few in full, all of them hashed). */
function golden(options: Partial<SimulationOptions>) {
  const spies = CLASSES.map((C) => jest.spyOn(C.prototype as SimPolicy, 'serve'));
  try {
    const { seconds: _seconds, trainingRows, ...result } = runSimulation(options);
    const served = new Map<string, ServedSlate[]>();
    let marquee: MarqueePolicy | undefined;
    for (const spy of spies) {
      for (let n = 0; n < spy.mock.contexts.length; n++) {
        const policy = spy.mock.contexts[n];
        const slates = served.get(policy.name) ?? [];
        slates.push(spy.mock.results[n].value as ServedSlate);
        served.set(policy.name, slates);
        if (policy instanceof MarqueePolicy) marquee = policy;
      }
    }
    const slates = Object.fromEntries([...served].map(([name, s]) => [name, { requests: s.length, first: s.slice(0, 4), all: digest(s) }]));
    return plain({
      result,
      slates,
      marquee: marquee && {
        control: marquee.control,
        propensityStats: marquee.propensityStats,
        examination: Array.from(marquee.state.examination),
        tests: marquee.testRecords.map((r) => ({ item: r.item.id, test: r.test, belief: r.belief ?? null })),
        collab: marquee.collab !== null,
      },
      trainingRows: trainingRows && { count: trainingRows.length, first: trainingRows.slice(0, 2), all: digest(trainingRows) },
    });
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe('simulator policies, golden figures', () => {
  const figures: Record<string, ReturnType<typeof golden>> = {};
  beforeAll(() => {
    for (const [name, options] of Object.entries(RUNS)) figures[name] = golden(options);
    if (process.env.UPDATE_GOLDEN) writeFileSync(FIXTURE, JSON.stringify(figures, null, 1) + '\n');
  }, 120_000);

  it.each(Object.keys(RUNS))('%s world: every policy serves and scores exactly as recorded', (name) => {
    if (!existsSync(FIXTURE)) throw new Error(`No fixture at ${FIXTURE}: run this spec once with UPDATE_GOLDEN=1.`);
    const expected = JSON.parse(readFileSync(FIXTURE, 'utf8'))[name];
    const actual = figures[name];
    // Every policy ran, so a policy that silently dropped out cannot pass.
    expect(Object.keys(actual.slates).sort()).toEqual(Object.keys(expected.slates).sort());
    expect(Object.keys(actual.slates)).toHaveLength(8);
    expect(actual.slates).toEqual(expected.slates);
    expect(actual.result).toEqual(expected.result);
    expect(actual.marquee).toEqual(expected.marquee);
    expect(actual.trainingRows).toEqual(expected.trainingRows);
  });
});
