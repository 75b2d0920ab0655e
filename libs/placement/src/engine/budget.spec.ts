import { buildCandidatePool } from './candidates';
import { buildUserFeatures } from './features';
import { newPacingState, recordServed, testShareFor, windowShare } from './budget';
import { buildSlate, SurfacePolicy } from './slate';
import { NOW, smallCatalogue, trainedState } from './testing/fixtures';

const HOUR = 3_600_000;
const settings = { budget: 0.1, floor: 0.02 };

describe('budget pacing controller', () => {
  it('asks for no test slots when no test needs impressions', () => {
    expect(testShareFor(newPacingState(NOW), settings, NOW, 0)).toBe(0);
  });

  it('asks for budget − floor at the start of an hour and corrects under- and over-spend', () => {
    const start = newPacingState(NOW);
    expect(testShareFor(start, settings, NOW, 3)).toBeCloseTo(0.08, 10);
    const under = recordServed(start, { served: 5000, test: 200, floor: 100 }, NOW + 20 * 60_000);
    const over = recordServed(start, { served: 5000, test: 600, floor: 100 }, NOW + 20 * 60_000);
    expect(testShareFor(under, settings, NOW + 20 * 60_000, 3)).toBeGreaterThan(0.08);
    expect(testShareFor(over, settings, NOW + 20 * 60_000, 3)).toBeLessThan(0.08);
    // Never more than twice the budget, never negative.
    const wayUnder = recordServed(start, { served: 50_000, test: 0, floor: 0 }, NOW + 50 * 60_000);
    expect(testShareFor(wayUnder, settings, NOW + 50 * 60_000, 3)).toBe(0.2);
  });

  it('starts a fresh window every clock hour and keeps the previous one', () => {
    let s = recordServed(newPacingState(NOW), { served: 100, test: 8, floor: 2 }, NOW + 10);
    s = recordServed(s, { served: 10, test: 0, floor: 0 }, NOW + HOUR + 10);
    expect(s.current.servedSlots).toBe(10);
    expect(s.previous && windowShare(s.previous)).toBeCloseTo(0.1, 10);
  });

  it('keeps every hour within ±1 pp of the budget with real slates, even when few tests cause repeats', () => {
    const items = smallCatalogue(80, 9);
    const state = trainedState(items, 2000);
    // Only three tests: many test draws repeat an item and fall back to ranking, which the controller makes up for.
    const pool = buildCandidatePool(items.map((f, i) => ({ features: f, contentTest: i < 3 ? { weight: 1 } : null })));
    const user = buildUserFeatures({ platform: 'web', tier: 'premium', localHour: 12 }, null, NOW);
    const surface: SurfacePolicy = { slots: 10, explorationBudget: 0.1, randomFloor: 0.02 };
    let pacing = newPacingState(NOW);
    const shares: number[] = [];
    let hourStart = pacing.current.hourStart;
    let seed = 0;
    for (let h = 0; h < 6; h++) {
      // Uneven traffic: 400 to 1,400 requests in the hour.
      const requests = 400 + 200 * h;
      for (let r = 0; r < requests; r++) {
        const at = hourStart + (r * HOUR) / requests;
        const testShare = testShareFor(pacing, settings, at, 3);
        const slate = buildSlate(state, pool, { surface, user, seed: seed++, testShare, propensities: false });
        pacing = recordServed(pacing, { served: slate.entries.length, test: slate.stats.testSlots, floor: slate.stats.floorSlots }, at);
      }
      shares.push(windowShare(pacing.current) ?? 0);
      hourStart += HOUR;
    }
    for (const s of shares) expect(Math.abs(s - 0.1)).toBeLessThanOrEqual(0.01);
  });
});
