import { buildCandidatePool } from './candidates';
import { buildUserFeatures } from './features';
import { buildSlate, capServedPropensities } from './slate';
import { NOW, smallCatalogue, trainedState } from './testing/fixtures';

describe('served propensities', () => {
  it('are capped at 1 where the exact part plus the Monte Carlo part overshoots, and nothing else changes', () => {
    // One item dominates position 1: every replay puts it there (Monte Carlo part 1) and a floor slot can draw it
    // there too (exact part > 0), so the estimate is 1 + that part. The feed serves and logs the capped value, and
    // the replay service caps the same way, or such a slate would never replay identically.
    const items = smallCatalogue(5);
    const state = trainedState(items, 50_000);
    const pool = buildCandidatePool(items.map((features) => ({ features, contentTest: null })));
    const user = buildUserFeatures({ platform: 'ios', tier: 'free', localHour: 21 }, null, NOW);
    const slate = buildSlate(state, pool, { surface: { slots: 4, explorationBudget: 0.02, randomFloor: 0.02 }, user, seed: 1 });
    const before = slate.entries.map((e) => e.propensity);
    const over = before.filter((p) => p > 1);
    expect(over.length).toBeGreaterThan(0);
    capServedPropensities(slate.entries);
    slate.entries.forEach((e, k) => expect(e.propensity).toBe(before[k] > 1 ? 1 : before[k]));
  });
});
