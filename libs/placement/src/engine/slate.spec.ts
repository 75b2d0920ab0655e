import { buildCandidatePool, setContentTests } from './candidates';
import { applyEvent, buildItemFeatures, buildUserFeatures, emptyProfile, ITEM_KINDS, UserProfile } from './features';
import { applyObservations, createEngineState, ensureItem, Observation } from './model';
import { SeededRandom } from './random';
import { buildSlate, replaySlate, SurfacePolicy } from './slate';
import { NOW, smallCatalogue, trainedState } from './testing/fixtures';

const user = buildUserFeatures({ platform: 'ios', tier: 'free', localHour: 22, locale: 'en-GB', appVersion: '5.1.0' }, null, NOW);

describe('slate construction', () => {
  const items = smallCatalogue(60, 3);
  const state = trainedState(items, 3000);
  const tests = new Set(['item-7', 'item-13', 'item-21', 'item-40']);
  const pool = buildCandidatePool(items.map((f) => ({ features: f, contentTest: tests.has(f.itemId) ? { weight: 1 } : null })));
  const surface: SurfacePolicy = {
    slots: 12,
    explorationBudget: 0.2,
    randomFloor: 0.05,
    pins: [{ itemId: 'item-2', position: 4 }],
    diversity: { by: 'kind', maxPerGroup: 2, withinFirst: 6 },
    propensityReplays: 32,
  };

  it('is deterministic for a seed and replays exactly from its log', () => {
    const a = buildSlate(state, pool, { surface, user, seed: 99 });
    const b = buildSlate(state, pool, { surface, user, seed: 99 });
    expect(b.entries).toEqual(a.entries);
    const replayed = replaySlate(JSON.parse(JSON.stringify(a.log)), state, pool);
    expect(replayed.entries).toEqual(a.entries);
    expect(replayed.log).toEqual(a.log);
    const other = buildSlate(state, pool, { surface, user, seed: 100 });
    expect(other.entries.map((e) => e.itemId)).not.toEqual(a.entries.map((e) => e.itemId));
  });

  it('refuses to replay against a different state revision or different candidates', () => {
    const slate = buildSlate(state, pool, { surface, user, seed: 5 });
    const moved = { ...state, revision: state.revision + 1 };
    expect(() => replaySlate(slate.log, moved, pool)).toThrow(/load that snapshot/);
    const fewer = buildCandidatePool(items.slice(1).map((f) => ({ features: f, contentTest: tests.has(f.itemId) ? { weight: 1 } : null })));
    expect(() => replaySlate(slate.log, state, fewer)).toThrow(/Candidates differ/);
  });

  it('gives pins their position, keeps tests out of position 1, and enforces diversity in the first n', () => {
    let testSlots = 0;
    for (let seed = 0; seed < 3000; seed++) {
      const slate = buildSlate(state, pool, { surface, user, seed, propensities: seed % 50 === 0 });
      expect(slate.entries).toHaveLength(12);
      expect(slate.entries.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(new Set(slate.entries.map((e) => e.itemId)).size).toBe(12);
      const pin = slate.entries[3];
      expect(pin).toMatchObject({ itemId: 'item-2', reason: 'PINNED', propensity: 1, propensityError: 0 });
      const first = slate.entries[0];
      expect(tests.has(first.itemId)).toBe(false);
      expect(first.reason).not.toBe('CONTENT_TEST');
      const kinds = new Map<number, number>();
      for (const e of slate.entries.slice(0, 6)) {
        const kind = pool.kind[pool.index.get(e.itemId) as number];
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      for (const n of kinds.values()) expect(n).toBeLessThanOrEqual(2);
      for (const e of slate.entries)
        if (e.reason === 'CONTENT_TEST') {
          testSlots++;
          expect(tests.has(e.itemId)).toBe(true);
        }
    }
    expect(testSlots).toBeGreaterThan(1000);
  });

  it('enforces a topic diversity rule, counting every topic of an item', () => {
    const topicSurface: SurfacePolicy = { slots: 8, diversity: { by: 'topic', maxPerGroup: 1, withinFirst: 4 }, propensityReplays: 16 };
    const topicsOf = new Map(items.map((f) => [f.itemId, f.topics]));
    for (let seed = 0; seed < 500; seed++) {
      const slate = buildSlate(state, pool, { surface: topicSurface, user, seed, propensities: false });
      const seen = new Map<string, number>();
      for (const e of slate.entries.slice(0, 4)) for (const t of topicsOf.get(e.itemId) ?? []) seen.set(t, (seen.get(t) ?? 0) + 1);
      for (const n of seen.values()) expect(n).toBeLessThanOrEqual(1);
    }
  });

  it('spends the budget when tests are running and only the floor when none are', () => {
    const plain: SurfacePolicy = { slots: 10, explorationBudget: 0.1, randomFloor: 0.02 };
    let explore = 0;
    let floor = 0;
    const n = 20_000;
    // Twenty running tests for ~0.8 test slots per slate: repeats are rare, so the expected share is the budget.
    const many = buildCandidatePool(items.map((f, i) => ({ features: f, contentTest: i % 3 === 0 ? { weight: 1 + (i % 4) } : null })));
    for (let seed = 0; seed < n; seed++) {
      const s = buildSlate(state, many, { surface: plain, user, seed, propensities: false });
      explore += s.stats.explorationSlots;
    }
    expect(explore / (n * 10)).toBeGreaterThan(0.097);
    expect(explore / (n * 10)).toBeLessThan(0.103);
    const noTests = buildCandidatePool(items.map((f) => ({ features: f })));
    for (let seed = 0; seed < n; seed++) floor += buildSlate(state, noTests, { surface: plain, user, seed, propensities: false }).stats.explorationSlots;
    expect(floor / (n * 10)).toBeGreaterThan(0.017);
    expect(floor / (n * 10)).toBeLessThan(0.023);
  });

  it('reports pins it could not honour instead of failing', () => {
    const slate = buildSlate(state, pool, {
      surface: {
        slots: 5,
        pins: [
          { itemId: 'nope', position: 2 },
          { itemId: 'item-3', position: 9 },
        ],
      },
      user,
      seed: 1,
    });
    expect(slate.stats.ignoredPins.map((p) => p.itemId)).toEqual(['nope', 'item-3']);
    expect(slate.entries).toHaveLength(5);
  });

  it('rejects malformed requests with what to do', () => {
    expect(() => buildSlate(state, pool, { surface, user: new Float32Array(3), seed: 1 })).toThrow(/buildUserFeatures/);
    expect(() => buildSlate(state, pool, { surface: { slots: 0 }, user, seed: 1 })).toThrow(/slot count/);
    expect(() => buildSlate(state, pool, { surface: { slots: 5, explorationBudget: 0.01, randomFloor: 0.02 }, user, seed: 1 })).toThrow(/floor ≤ budget/);
  });

  it('moves content-test membership without rebuilding the pool', () => {
    const p2 = buildCandidatePool(items.map((f) => ({ features: f })));
    setContentTests(p2, new Map([['item-9', 2]]));
    let seen = 0;
    for (let seed = 0; seed < 2000; seed++) {
      const s = buildSlate(state, p2, { surface: { slots: 10 }, user, seed, propensities: false });
      const e = s.entries.find((x) => x.itemId === 'item-9');
      if (e) {
        expect(e.reason === 'CONTENT_TEST' || e.reason === 'EXPLORATION').toBe(true);
        expect(e.position).toBeGreaterThan(1);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});

// Upper 0.999 quantile of chi-square (Wilson–Hilferty), for the two-sample comparisons below.
function chi2Quantile999(df: number): number {
  const z = 3.0902;
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

describe.each([
  ['no diversity rule', null, 0.5],
  // Six of an item's own kind must beat it to keep it out of the first six positions: fewer can be dropped.
  ['a diversity rule', { by: 'kind' as const, maxPerGroup: 2, withinFirst: 6 }, 0.7],
])('pruning with %s', (_name, diversity, scoredShare) => {
  // Well-trained posteriors over items of widely spread quality, so that pruning bites: it must then leave the
  // distribution of slates unchanged.
  const items = smallCatalogue(60, 3);
  const state = createEngineState({ now: NOW });
  const rng = new SeededRandom(17);
  const rate = (i: number) => 0.02 + (0.4 * ((i * 37) % 60)) / 59;
  const obs: Observation[] = [];
  for (let t = 0; t < 60_000; t++) {
    const i = rng.int(items.length);
    obs.push({ user, item: items[i], position: 1, success: rng.next() < rate(i) });
  }
  applyObservations(state, obs);
  const pool = buildCandidatePool(items.map((f) => ({ features: f })));
  const surface: SurfacePolicy = { slots: 10, explorationBudget: 0.02, randomFloor: 0.02, diversity };
  const draws = 20_000;
  const counts = (pruning: boolean) => {
    const perPosition = Array.from({ length: 10 }, () => new Map<string, number>());
    let scored = 0;
    for (let seed = 0; seed < draws; seed++) {
      const slate = buildSlate(state, pool, { surface, user, seed: pruning ? seed : seed + 1_000_000, propensities: false, pruning });
      scored += slate.stats.scored;
      for (const e of slate.entries) perPosition[e.position - 1].set(e.itemId, (perPosition[e.position - 1].get(e.itemId) ?? 0) + 1);
    }
    return { perPosition, scored: scored / draws };
  };
  const pruned = counts(true);
  const full = counts(false);

  it('drops most candidates before their scores are drawn', () => {
    expect(full.scored).toBeGreaterThan(59);
    expect(pruned.scored).toBeLessThan(scoredShare * full.scored);
  });

  it('leaves the distribution of every position unchanged (two-sample chi-square)', () => {
    for (let k = 0; k < 10; k++) {
      const a = pruned.perPosition[k];
      const b = full.perPosition[k];
      let chi2 = 0;
      let cells = 0;
      let restA = 0;
      let restB = 0;
      for (const id of new Set([...a.keys(), ...b.keys()])) {
        const x = a.get(id) ?? 0;
        const y = b.get(id) ?? 0;
        if (x + y < 20) {
          restA += x;
          restB += y;
          continue;
        }
        chi2 += (x - y) ** 2 / (x + y);
        cells++;
      }
      if (restA + restB > 0) {
        chi2 += (restA - restB) ** 2 / (restA + restB);
        cells++;
      }
      expect(cells).toBeGreaterThanOrEqual(3);
      expect(chi2).toBeLessThan(chi2Quantile999(cells - 1));
    }
  });
});

describe('personalisation from the user profile', () => {
  it('orders differently for two users with the same context but different histories', () => {
    const catalogue = ITEM_KINDS.flatMap((kind, k) =>
      [0, 1, 2, 3].map((i) =>
        buildItemFeatures(
          {
            id: `${kind}-${i}`,
            kind,
            topics: [k % 2 === 0 ? 'sleep' : 'focus'],
            collections: [],
            durationSeconds: 600,
            availability: 'free',
            launchedAt: NOW - 30 * 86_400_000,
          },
          NOW,
        ),
      ),
    );
    const state = createEngineState({ now: NOW });
    for (const f of catalogue) ensureItem(state, f.itemId);
    const pool = buildCandidatePool(catalogue.map((f) => ({ features: f })));
    const history = (kind: string): UserProfile => {
      let p = emptyProfile(NOW - 10 * 86_400_000);
      for (let d = 0; d < 10; d++) {
        for (const f of catalogue) {
          const at = NOW - (10 - d) * 86_400_000;
          p = applyEvent(p, f, 'IMPRESSION', at);
          if (f.itemId.startsWith(kind)) p = applyEvent(p, f, 'PLAY_START', at);
        }
      }
      return p;
    };
    const ctx = { platform: 'android', tier: 'free', localHour: 9 };
    const sleeper = buildUserFeatures(ctx, history('sleep_story'), NOW);
    const listener = buildUserFeatures(ctx, history('music'), NOW);
    const surface: SurfacePolicy = { slots: 5, explorationBudget: 0.02, randomFloor: 0.02 };
    let sleepTop = 0;
    let musicTop = 0;
    let different = 0;
    for (let seed = 0; seed < 200; seed++) {
      const a = buildSlate(state, pool, { surface, user: sleeper, seed, propensities: false });
      const b = buildSlate(state, pool, { surface, user: listener, seed, propensities: false });
      if (a.entries.map((e) => e.itemId).join() !== b.entries.map((e) => e.itemId).join()) different++;
      sleepTop += a.entries.filter((e) => e.itemId.startsWith('sleep_story')).length;
      musicTop += b.entries.filter((e) => e.itemId.startsWith('music')).length;
    }
    expect(different).toBeGreaterThan(190);
    // Four of five slots, on average, go to the kind each user has been playing (one in five at random).
    expect(sleepTop / 200).toBeGreaterThan(3);
    expect(musicTop / 200).toBeGreaterThan(3);
  });
});
