import { buildCandidatePool } from './candidates';
import { buildUserFeatures } from './features';
import { buildSlate, replaySlate, SurfacePolicy } from './slate';
import { emptyCollabModel, emptyPerson, personPosterior, updatePerson } from './collab';
import { NOW, smallCatalogue, trainedState } from './testing/fixtures';

// Upper 0.999 quantile of chi-square for df = 1..12.
const CHI2_999 = [10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88, 29.59, 31.26, 32.91];

describe.each([
  ['no diversity rule', null],
  ['a diversity rule', { by: 'kind' as const, maxPerGroup: 1, withinFirst: 3 }],
])("logged propensities with a person's collaborative posterior and %s", (_name, diversity) => {
  // The person's vector is drawn once per construction, like the shared weights, so the Rao-Blackwellised
  // propensities must still match the empirical frequencies of every (item, position) cell.
  const items = smallCatalogue(6);
  const state = trainedState(items, 400);
  const k = 3;
  const model = { ...emptyCollabModel({ k, personPriorVar: 0.05 }), version: 1 };
  model.itemIds = items.map((f) => f.itemId);
  model.itemIndex = new Map(model.itemIds.map((id, i) => [id, i]));
  model.factors = Float64Array.from([0.8, 0, 0.1, -0.5, 0.4, 0, 0, 0.9, -0.3, 0.3, -0.6, 0.2, -0.2, 0.1, 0.7, 0.5, 0.5, 0.5]);
  model.rate = new Float64Array(items.length).fill(0.1);
  state.collab = model;
  const person = emptyPerson(model);
  for (let e = 0; e < 6; e++) updatePerson(person, model, items[e % items.length], 1, e % 3 === 0);
  // The taste as fitted (gain 1), so the person term really moves the slate whose propensities are checked.
  const post = personPosterior(person, model, 1)!;
  const tested = items.length - 2;
  const pool = buildCandidatePool(items.map((f, i) => ({ features: f, contentTest: i >= tested ? { weight: 1 } : null })));
  const user = buildUserFeatures({ platform: 'ios', tier: 'free', localHour: 20 }, null, NOW);
  const surface: SurfacePolicy = { slots: 4, explorationBudget: 0.3, randomFloor: 0.1, propensityReplays: 32, diversity };
  const draws = 30_000;
  const counts = new Map<string, number>();
  const propSum = new Map<string, number>();
  const varSum = new Map<string, number>();
  const seen = new Map<string, number>();
  for (let s = 0; s < draws; s++) {
    const slate = buildSlate(state, pool, { surface, user, seed: s * 7919 + 3, person: post });
    for (const e of slate.entries) {
      const key = `${e.position}|${e.itemId}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      propSum.set(key, (propSum.get(key) ?? 0) + e.propensity);
      varSum.set(key, (varSum.get(key) ?? 0) + e.propensityError * e.propensityError);
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }

  it('match the empirical frequency of every (item, position) cell (chi-square per position)', () => {
    expect(post.mean.some((m) => Math.abs(m) > 0.05)).toBe(true);
    for (let pos = 1; pos <= 4; pos++) {
      const keys = [...counts.keys()].filter((key) => key.startsWith(`${pos}|`));
      expect(keys.length).toBeGreaterThanOrEqual(2);
      let chi2 = 0;
      let total = 0;
      for (const key of keys) {
        const n = seen.get(key) ?? 0;
        const p = (propSum.get(key) ?? 0) / n;
        const expected = draws * p;
        const mcVar = (draws * draws * ((varSum.get(key) ?? 0) / n)) / n;
        chi2 += ((counts.get(key) ?? 0) - expected) ** 2 / (expected + mcVar);
        total += p;
      }
      expect(total).toBeGreaterThan(0.99);
      expect(total).toBeLessThan(1.01);
      if (chi2 >= CHI2_999[keys.length - 2])
        throw new Error(`position ${pos}: chi-square ${chi2.toFixed(1)} over ${keys.length} cells exceeds ${CHI2_999[keys.length - 2]}`);
    }
  });

  it('the person changes the slate, and the log replays it exactly', () => {
    const a = buildSlate(state, pool, { surface, user, seed: 99, person: post });
    expect(a.log.person?.mean.length).toBe(k);
    const again = replaySlate(a.log, state, pool);
    expect(again.entries).toEqual(a.entries);
    // Without the person the mean ranking differs for a strong enough taste: compare first-position frequencies.
    const strong = { mean: Float64Array.from([3, 0, 0]), chol: new Float64Array(k * k) };
    let withTaste = 0;
    let without = 0;
    for (let s = 0; s < 200; s++) {
      if (buildSlate(state, pool, { surface, user, seed: s, person: strong, propensities: false }).entries[0].itemId === items[0].itemId) withTaste++;
      if (buildSlate(state, pool, { surface, user, seed: s, propensities: false }).entries[0].itemId === items[0].itemId) without++;
    }
    // Item 0 is the one the taste points at: it leads far more often (the rest is the random floor and the cap).
    if (!(withTaste >= 100 && withTaste >= 2 * without)) throw new Error(`item 0 led ${withTaste} of 200 slates with the taste and ${without} without`);
  });
});
