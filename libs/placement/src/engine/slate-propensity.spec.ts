import { buildCandidatePool } from './candidates';
import { buildItemFeatures, buildUserFeatures, ItemFeatures } from './features';
import { buildSlate, SurfacePolicy } from './slate';
import { NOW, smallCatalogue, trainedState } from './testing/fixtures';

// Upper 0.999 quantile of chi-square for df = 1..12 (per-position tests; 0.1% each keeps the whole family honest).
const CHI2_999 = [10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88, 29.59, 31.26, 32.91];

// Five personalised items, two of each of two kinds and one of a third, so that a one-per-kind cap in the first
// three positions binds on most draws.
function pairedKinds(): ItemFeatures[] {
  const kinds = ['meditation', 'meditation', 'sleep_story', 'sleep_story', 'music', 'course', 'talk'];
  return kinds.map((kind, i) =>
    buildItemFeatures(
      { id: `item-${i}`, kind, topics: ['sleep'], collections: [], durationSeconds: 600, availability: 'free', launchedAt: NOW - 20 * 86_400_000 },
      NOW,
    ),
  );
}

describe.each([
  ['a diversity rule that rarely binds', { by: 'kind' as const, maxPerGroup: 1, withinFirst: 3 }, () => smallCatalogue(6)],
  ['a diversity rule that binds', { by: 'kind' as const, maxPerGroup: 1, withinFirst: 3 }, pairedKinds],
  ['no diversity rule', null, () => smallCatalogue(6)],
])('logged propensities (Rao-Blackwellised Monte Carlo) with %s', (_name, diversity, catalogue) => {
  // Six or seven items, the last two in content tests, four slots: every (item, position) cell the policy can
  // produce is frequent enough over 100,000 draws for a chi-square test.
  const items = catalogue();
  const state = trainedState(items, 400);
  const tested = items.length - 2;
  const pool = buildCandidatePool(items.map((f, i) => ({ features: f, contentTest: i >= tested ? { weight: i === tested ? 1 : 2 } : null })));
  const user = buildUserFeatures({ platform: 'android', tier: 'free', localHour: 8 }, null, NOW);
  const surface: SurfacePolicy = { slots: 4, explorationBudget: 0.3, randomFloor: 0.1, propensityReplays: 32, diversity };
  const draws = 100_000;

  const counts = new Map<string, number>();
  const propSum = new Map<string, number>();
  const varSum = new Map<string, number>();
  const sqSum = new Map<string, number>();
  const seen = new Map<string, number>();
  const exactValues = new Map<string, Set<number>>();
  for (let s = 0; s < draws; s++) {
    const slate = buildSlate(state, pool, { surface, user, seed: s * 7919 + 1 });
    for (const e of slate.entries) {
      const key = `${e.position}|${e.itemId}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      propSum.set(key, (propSum.get(key) ?? 0) + e.propensity);
      sqSum.set(key, (sqSum.get(key) ?? 0) + e.propensity * e.propensity);
      varSum.set(key, (varSum.get(key) ?? 0) + e.propensityError * e.propensityError);
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (e.propensityError === 0) {
        const set = exactValues.get(key) ?? new Set<number>();
        set.add(e.propensity);
        exactValues.set(key, set);
      }
    }
  }

  it('match the empirical frequency of every (item, position) cell (chi-square per position)', () => {
    for (let k = 1; k <= 4; k++) {
      const keys = [...counts.keys()].filter((key) => key.startsWith(`${k}|`));
      expect(keys.length).toBeGreaterThanOrEqual(2);
      let chi2 = 0;
      let expectedTotal = 0;
      for (const key of keys) {
        const n = seen.get(key) ?? 0;
        // Expected count from the logged propensity (its Monte Carlo noise averages out over n logs); the
        // variance adds the stated Monte Carlo error of that average.
        const p = (propSum.get(key) ?? 0) / n;
        const expected = draws * p;
        expect(expected).toBeGreaterThanOrEqual(5);
        const mcVar = (draws * draws * ((varSum.get(key) ?? 0) / n)) / n;
        chi2 += ((counts.get(key) ?? 0) - expected) ** 2 / (expected + mcVar);
        expectedTotal += p;
      }
      // Each position holds exactly one item, so the cell probabilities must sum to 1.
      expect(expectedTotal).toBeGreaterThan(0.995);
      expect(expectedTotal).toBeLessThan(1.005);
      expect(chi2).toBeLessThan(CHI2_999[keys.length - 2]);
    }
  });

  it('are exact (zero error, one value) for content-test items and match their frequency tightly', () => {
    const testIds = [`item-${tested}`, `item-${tested + 1}`];
    for (const [key, values] of exactValues) {
      if (!testIds.some((id) => key.endsWith(`|${id}`))) continue;
      expect(values.size).toBe(1);
      const p = [...values][0];
      const n = counts.get(key) ?? 0;
      const sd = Math.sqrt(draws * p * (1 - p));
      expect(Math.abs(n - draws * p)).toBeLessThan(4 * sd);
    }
    expect([...exactValues.keys()].some((k) => k.endsWith(`|${testIds[0]}`))).toBe(true);
  });

  it('state a Monte Carlo error that matches the spread of the estimates', () => {
    let checked = 0;
    for (const [key, n] of seen) {
      const stated = (varSum.get(key) ?? 0) / n;
      if (stated === 0 || n < 2000) continue;
      const mean = (propSum.get(key) ?? 0) / n;
      const observedVar = (sqSum.get(key) ?? 0) / n - mean * mean;
      // The stated error must be within a factor of 2 of the real spread of the estimates.
      expect(observedVar).toBeLessThan(2 * stated);
      expect(observedVar).toBeGreaterThan(0.3 * stated);
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });
});
