import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCandidatePool, CandidatePool } from './candidates';
import { emptyCollabModel, emptyPerson, personPosterior, updatePerson } from './collab';
import { buildItemFeatures, buildUserFeatures, ITEM_KINDS, ItemFeatures } from './features';
import { applyObservations, createEngineState, EngineState, Observation } from './model';
import { SeededRandom } from './random';
import { buildSlate, poolFactors, replaySlate, Slate, SlateRequest, SurfacePolicy } from './slate';
import { NOW, smallCatalogue, trainedState } from './testing/fixtures';

/*
 * Golden slates: fixed seeds and configurations, recorded from the engine as it was, so that a refactoring of
 * slate.ts (issue 11) can show it changed nothing: the same item at the same position for the same reason, and
 * bit-identical propensities. Regenerate only for an intended behaviour change: UPDATE_GOLDEN=1 npx jest slate-golden
 */
const GOLDEN = join(__dirname, 'testing', 'slate-golden.json');

const user = buildUserFeatures({ platform: 'ios', tier: 'free', localHour: 22, locale: 'en-GB', appVersion: '5.1.0' }, null, NOW);
const SEEDS = [0, 1, 7, 99, 12_345, 0xdeadbeef];

// Items with two topics each, so that a topic rule counts several groups per item.
function twoTopicCatalogue(n: number): ItemFeatures[] {
  const rng = new SeededRandom(11);
  const topics = ['sleep', 'focus', 'stress', 'nature', 'kids', 'work', 'grief'];
  return Array.from({ length: n }, (_, i) =>
    buildItemFeatures(
      {
        id: `t-${i}`,
        kind: ITEM_KINDS[rng.int(ITEM_KINDS.length)],
        topics: [topics[rng.int(topics.length)], topics[rng.int(topics.length)]],
        collections: [],
        durationSeconds: 300 + rng.int(1800),
        availability: 'free',
        launchedAt: NOW - (5 + i) * 86_400_000,
      },
      NOW,
    ),
  );
}

// Well-separated posteriors, as in slate.spec.ts's pruning tests, so that both pruning stages drop candidates.
function spreadState(items: ItemFeatures[], observations: number): EngineState {
  const state = createEngineState({ now: NOW });
  const rng = new SeededRandom(17);
  const rate = (i: number) => 0.02 + (0.4 * ((i * 37) % items.length)) / (items.length - 1);
  const obs: Observation[] = [];
  for (let t = 0; t < observations; t++) {
    const i = rng.int(items.length);
    obs.push({ user, item: items[i], position: 1, success: rng.next() < rate(i) });
  }
  applyObservations(state, obs);
  return state;
}

// A k = 8 collaborative model in which every item has fitted factors, drawn from `rng` (uniform in ±0.3).
function fittedK8Model(items: ItemFeatures[], version: number, rng: SeededRandom) {
  const model = { ...emptyCollabModel({ k: 8, personPriorVar: 0.05 }), version };
  model.itemIds = items.map((f) => f.itemId);
  model.itemIndex = new Map(model.itemIds.map((id, i) => [id, i]));
  model.factors = Float64Array.from({ length: items.length * 8 }, () => 0.6 * (rng.next() - 0.5));
  model.rate = new Float64Array(items.length).fill(0.1);
  return model;
}

interface Case {
  name: string;
  state: EngineState;
  pool: CandidatePool;
  request: Omit<SlateRequest, 'seed'>;
}

function cases(): Case[] {
  const items = smallCatalogue(60, 3);
  const state = trainedState(items, 3000);
  const plainPool = buildCandidatePool(items.map((f) => ({ features: f })));
  const tests = new Set(['item-7', 'item-13', 'item-21', 'item-40']);
  const testPool = buildCandidatePool(
    items.map((f) => ({ features: f, contentTest: tests.has(f.itemId) ? { weight: tests.size - [...tests].indexOf(f.itemId) } : null })),
  );
  const plain: SurfacePolicy = { slots: 10, explorationBudget: 0.02, randomFloor: 0 };

  const topicItems = twoTopicCatalogue(40);
  const topicState = trainedState(topicItems, 2000, 5);
  const topicPool = buildCandidatePool(topicItems.map((f, i) => ({ features: f, contentTest: i % 9 === 4 ? { weight: 1 + (i % 3) } : null })));

  // Fewer personalised candidates than positions: leftovers fill the rest.
  const fewItems = smallCatalogue(14, 4);
  const fewState = trainedState(fewItems, 500);
  const fewPool = buildCandidatePool(fewItems.map((f, i) => ({ features: f, contentTest: i >= 4 ? { weight: 1 } : null })));

  // The collaborative term, set up as in slate-collab.spec.ts.
  const collabItems = smallCatalogue(6);
  const collabState = trainedState(collabItems, 400);
  const k = 3;
  const model = { ...emptyCollabModel({ k, personPriorVar: 0.05 }), version: 1 };
  model.itemIds = collabItems.map((f) => f.itemId);
  model.itemIndex = new Map(model.itemIds.map((id, i) => [id, i]));
  model.factors = Float64Array.from([0.8, 0, 0.1, -0.5, 0.4, 0, 0, 0.9, -0.3, 0.3, -0.6, 0.2, -0.2, 0.1, 0.7, 0.5, 0.5, 0.5]);
  model.rate = new Float64Array(collabItems.length).fill(0.1);
  collabState.collab = model;
  const person = emptyPerson(model);
  for (let e = 0; e < 6; e++) updatePerson(person, model, collabItems[e % collabItems.length], 1, e % 3 === 0);
  // These cases pin the slate's construction for a given posterior: the taste as fitted (gain 1), not scaled by the
  // calibration evidence the folds gathered (collabGain), so the recorded inputs stay what they were.
  const post = personPosterior(person, model, 1);
  const collabPool = buildCandidatePool(collabItems.map((f, i) => ({ features: f, contentTest: i >= 4 ? { weight: 1 } : null })));
  const collabSurface: SurfacePolicy = { slots: 4, explorationBudget: 0.3, randomFloor: 0.1, propensityReplays: 32 };

  // A larger collaborative pool (content projections only) where pruning bites, with and without a diversity rule.
  const bigItems = smallCatalogue(400, 8);
  const bigState = spreadState(bigItems, 20_000);
  const bigModel = { ...emptyCollabModel({ k: 4, personPriorVar: 0.05 }), version: 2 };
  const frng = new SeededRandom(23);
  for (let j = 0; j < bigModel.contentMap.length; j++) bigModel.contentMap[j] = 0.3 * (frng.next() - 0.5);
  // The first 50 items have fitted factors; the rest use their content projection.
  bigModel.itemIds = bigItems.slice(0, 50).map((f) => f.itemId);
  bigModel.itemIndex = new Map(bigModel.itemIds.map((id, i) => [id, i]));
  bigModel.factors = Float64Array.from({ length: 50 * 4 }, () => frng.next() - 0.5);
  bigModel.rate = new Float64Array(50).fill(0.1);
  bigState.collab = bigModel;
  const bigPerson = {
    mean: Float64Array.from([0.4, -0.2, 0.1, 0.3]),
    chol: Float64Array.from([0.3, 0, 0, 0, 0.05, 0.2, 0, 0, -0.02, 0.01, 0.25, 0, 0.01, 0.03, -0.04, 0.1]),
  };
  const bigPool = buildCandidatePool(bigItems.map((f, i) => ({ features: f, contentTest: i % 50 === 7 ? { weight: 1 + (i % 4) } : null })));

  // The default factor dimension, k = 8, which the slate builder unrolls: the same pool under a k = 8 model, every
  // item with fitted factors. Recorded from the engine before the unrolling (issue 9's ranking-core work).
  const k8State = spreadState(bigItems, 20_000);
  const k8rng = new SeededRandom(29);
  k8State.collab = fittedK8Model(bigItems, 3, k8rng);
  const k8Person = {
    mean: Float64Array.from({ length: 8 }, () => 0.4 * (k8rng.next() - 0.5)),
    chol: Float64Array.from({ length: 64 }, (_, j) => (j % 9 === 0 ? 0.1 + 0.1 * k8rng.next() : j >> 3 > (j & 7) ? 0.04 * (k8rng.next() - 0.5) : 0)),
  };

  // Candidate retrieval (plan.ts RETRIEVAL_ABOVE): 3,000 candidates, so the plan scores a shortlist of them.
  const manyItems = smallCatalogue(3_000, 9);
  const manyState = spreadState(manyItems, 30_000);
  manyState.collab = fittedK8Model(manyItems, 4, new SeededRandom(31));
  const manyPool = buildCandidatePool(manyItems.map((f, i) => ({ features: f, contentTest: i % 400 === 11 ? { weight: 1 + (i % 3) } : null })));

  const eligible = new Uint8Array(items.length).map((_, i) => (i % 3 === 1 ? 0 : 1));

  return [
    { name: 'plain ranking', state, pool: plainPool, request: { surface: plain, user } },
    { name: 'plain ranking without pruning', state, pool: plainPool, request: { surface: plain, user, pruning: false } },
    { name: 'plain ranking, no propensities', state, pool: plainPool, request: { surface: { slots: 7 }, user, propensities: false } },
    {
      name: 'exploration slots (random floor)',
      state,
      pool: plainPool,
      request: { surface: { slots: 12, explorationBudget: 0.5, randomFloor: 0.3, propensityReplays: 24 }, user },
    },
    {
      name: 'content tests, pin and kind diversity',
      state,
      pool: testPool,
      request: {
        surface: {
          slots: 12,
          explorationBudget: 0.2,
          randomFloor: 0.05,
          pins: [{ itemId: 'item-2', position: 4 }],
          diversity: { by: 'kind', maxPerGroup: 2, withinFirst: 6 },
          propensityReplays: 32,
        },
        user,
      },
    },
    {
      name: 'content tests with a high test share and testMaxPosition',
      state,
      pool: testPool,
      request: { surface: { slots: 10, explorationBudget: 0.5, randomFloor: 0.1, testMaxPosition: 5 }, user, testShare: 0.6 },
    },
    {
      name: 'pins filling a kind cap, with pins that cannot be honoured',
      state,
      pool: testPool,
      request: {
        surface: {
          slots: 8,
          explorationBudget: 0.4,
          randomFloor: 0.2,
          pins: [
            // item-0 and item-5 share a kind (five kinds in turn): together they fill its cap.
            { itemId: 'item-0', position: 1 },
            { itemId: 'item-5', position: 3 },
            { itemId: 'item-10', position: 3 },
            { itemId: 'nope', position: 2 },
            { itemId: 'item-15', position: 20 },
            { itemId: 'item-0', position: 6 },
          ],
          diversity: { by: 'kind', maxPerGroup: 2, withinFirst: 6 },
        },
        user,
      },
    },
    {
      name: 'eligibility mask',
      state,
      pool: testPool,
      request: { surface: { slots: 9, explorationBudget: 0.3, randomFloor: 0.1, diversity: { by: 'kind', maxPerGroup: 1, withinFirst: 4 } }, user, eligible },
    },
    {
      name: 'topic diversity over two topics per item',
      state: topicState,
      pool: topicPool,
      request: {
        surface: { slots: 10, explorationBudget: 0.3, randomFloor: 0.05, diversity: { by: 'topic', maxPerGroup: 1, withinFirst: 5 }, propensityReplays: 16 },
        user,
        testShare: 0.25,
      },
    },
    {
      name: 'leftovers (most items in tests)',
      state: fewState,
      pool: fewPool,
      request: { surface: { slots: 10, explorationBudget: 0.3, randomFloor: 0.1 }, user },
    },
    {
      name: 'leftovers under a kind rule',
      state: fewState,
      pool: fewPool,
      request: { surface: { slots: 10, explorationBudget: 0.3, randomFloor: 0.1, diversity: { by: 'kind', maxPerGroup: 1, withinFirst: 5 } }, user },
    },
    { name: 'collaborative term', state: collabState, pool: collabPool, request: { surface: collabSurface, user, person: post } },
    {
      name: 'collaborative term under a kind rule',
      state: collabState,
      pool: collabPool,
      request: { surface: { ...collabSurface, diversity: { by: 'kind', maxPerGroup: 1, withinFirst: 3 } }, user, person: post },
    },
    { name: 'collaborative model without a person', state: collabState, pool: collabPool, request: { surface: collabSurface, user, person: null } },
    {
      name: 'large pool, pruning bites, collaborative',
      state: bigState,
      pool: bigPool,
      request: { surface: { slots: 20, explorationBudget: 0.1, randomFloor: 0.02 }, user, person: bigPerson },
    },
    {
      name: 'large pool, pruning bites, kind rule',
      state: bigState,
      pool: bigPool,
      request: {
        surface: { slots: 20, explorationBudget: 0.1, randomFloor: 0.02, diversity: { by: 'kind', maxPerGroup: 3, withinFirst: 10 } },
        user,
        person: bigPerson,
      },
    },
    {
      name: 'k = 8 factors, collaborative',
      state: k8State,
      pool: bigPool,
      request: { surface: { slots: 20, explorationBudget: 0.1, randomFloor: 0.02, pins: [{ itemId: 'item-3', position: 2 }] }, user, person: k8Person },
    },
    {
      name: 'k = 8 factors, collaborative, kind rule',
      state: k8State,
      pool: bigPool,
      request: {
        surface: { slots: 20, explorationBudget: 0.1, randomFloor: 0.02, diversity: { by: 'kind', maxPerGroup: 2, withinFirst: 5 } },
        user,
        person: k8Person,
      },
    },
    {
      name: 'large pool, topic rule, no pruning',
      state: bigState,
      pool: bigPool,
      request: {
        surface: { slots: 15, explorationBudget: 0.1, randomFloor: 0.02, diversity: { by: 'topic', maxPerGroup: 2, withinFirst: 8 } },
        user,
        pruning: false,
      },
    },
    {
      name: 'retrieval: a shortlist of 3,000 candidates, collaborative',
      state: manyState,
      pool: manyPool,
      request: { surface: { slots: 20, explorationBudget: 0.1, randomFloor: 0.02 }, user, person: k8Person },
    },
    {
      name: 'retrieval: a shortlist of 3,000 candidates, kind rule',
      state: manyState,
      pool: manyPool,
      request: {
        surface: { slots: 20, explorationBudget: 0.1, randomFloor: 0.02, diversity: { by: 'kind', maxPerGroup: 2, withinFirst: 5 } },
        user,
        person: k8Person,
      },
    },
    {
      name: 'retrieval switched off, 3,000 candidates',
      state: manyState,
      pool: manyPool,
      request: { surface: { slots: 20, explorationBudget: 0.1, randomFloor: 0.02 }, user, person: k8Person, retrieval: false },
    },
  ];
}

// Everything that depends on the construction and the propensities; the user vector and entries copy are in the
// request and in `entries` already.
function record(slate: Slate) {
  const { user: _user, entries: _entries, ...log } = slate.log;
  return {
    seed: slate.seed,
    entries: slate.entries.map((e) => [e.position, e.itemId, e.reason, e.propensity, e.propensityError]),
    stats: slate.stats,
    log,
  };
}

function run() {
  const all = cases();
  const slates: Record<string, ReturnType<typeof record>[]> = {};
  for (const c of all) slates[c.name] = SEEDS.map((seed) => record(buildSlate(c.state, c.pool, { ...c.request, seed })));
  // poolFactors is exported (the feed preview uses it): its fitted and projected factors, for both collaborative pools.
  const factors: Record<string, number[]> = {};
  for (const c of all) {
    // (The retrieval cases' 3,000-item pool is left out: its factors are drawn here, not computed.)
    if (!c.state.collab || c.request.person === undefined || factors[c.pool.size] || c.pool.size > 1_000) continue;
    factors[c.pool.size] = Array.from(poolFactors(c.pool, c.state.collab)).filter((_, j) => j % 7 === 0 || c.pool.size < 10);
  }
  return { factors, slates };
}

type Golden = ReturnType<typeof run>;

// One entry per line keeps the fixture's diffs readable.
function format(golden: Golden): string {
  const lines = ['{', `  "factors": ${JSON.stringify(golden.factors)},`, '  "slates": {'];
  const names = Object.keys(golden.slates);
  names.forEach((name, c) => {
    const slates = golden.slates[name];
    lines.push(`    ${JSON.stringify(name)}: [`);
    slates.forEach((s, j) => {
      lines.push(`      { "seed": ${s.seed}, "stats": ${JSON.stringify(s.stats)},`);
      lines.push(`        "log": ${JSON.stringify(s.log)},`);
      lines.push('        "entries": [');
      s.entries.forEach((e, k) => lines.push(`          ${JSON.stringify(e)}${k < s.entries.length - 1 ? ',' : ''}`));
      lines.push(`        ] }${j < slates.length - 1 ? ',' : ''}`);
    });
    lines.push(`    ]${c < names.length - 1 ? ',' : ''}`);
  });
  lines.push('  }', '}', '');
  return lines.join('\n');
}

describe('golden slates', () => {
  // JSON round trip on both sides, so that the comparison is of exactly what the fixture can hold (doubles
  // survive it bit for bit).
  const actual: Golden = JSON.parse(JSON.stringify(run()));
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, format(actual));
  const golden: Golden = JSON.parse(readFileSync(GOLDEN, 'utf8'));

  it('covers every case', () => {
    expect(Object.keys(actual.slates)).toEqual(Object.keys(golden.slates));
    expect(Object.keys(golden.factors)).toHaveLength(2);
  });

  it.each(Object.keys(golden.slates))('%s: same items, positions, reasons, propensities and stats', (name) => {
    expect(actual.slates[name]).toEqual(golden.slates[name]);
  });

  it("gives the same candidates' collaborative factors", () => {
    expect(actual.factors).toEqual(golden.factors);
  });

  it('exercises what it claims to', () => {
    const all = Object.values(golden.slates).flat();
    const reasons = new Set(all.flatMap((s) => s.entries.map((e) => e[2])));
    expect([...reasons].sort()).toEqual(['CONTENT_TEST', 'EXPLORATION', 'PERSONALIZED', 'PINNED']);
    // Monte Carlo and exact propensities both appear; pruning dropped candidates somewhere; pins were ignored.
    expect(all.some((s) => s.entries.some((e) => (e[4] as number) > 0))).toBe(true);
    expect(all.some((s) => s.entries.some((e) => e[2] !== 'PINNED' && e[4] === 0 && e[3] !== 1))).toBe(true);
    expect(all.some((s) => s.stats.scored < s.stats.plausible)).toBe(true);
    expect(all.some((s) => s.stats.ignoredPins.length > 0)).toBe(true);
    expect(all.some((s) => s.log.person)).toBe(true);
    // Retrieval shortlisted candidates where it should, and scored all of them where it was switched off.
    const short = golden.slates['retrieval: a shortlist of 3,000 candidates, collaborative'];
    const off = golden.slates['retrieval switched off, 3,000 candidates'];
    expect(short.every((s) => s.stats.retrieved >= 1_000 && s.stats.retrieved < 2_000)).toBe(true);
    expect(off.every((s) => s.stats.retrieved > 2_900)).toBe(true);
  });

  it('replays every case from its log to the same slate', () => {
    for (const c of cases()) {
      if (c.request.propensities === false) continue;
      const slate = buildSlate(c.state, c.pool, { ...c.request, seed: SEEDS[3] });
      const again = replaySlate(JSON.parse(JSON.stringify(slate.log)), c.state, c.pool, c.request.eligible);
      expect(again.entries).toEqual(slate.entries);
    }
  });
});
