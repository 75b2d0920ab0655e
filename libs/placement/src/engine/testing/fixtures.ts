import { buildItemFeatures, ItemFeatures, ITEM_KINDS } from '../features';
import { applyObservations, createEngineState, EngineState, Observation } from '../model';
import { buildUserFeatures } from '../features';
import { Rng } from '@marquee/platform-core';

export const NOW = Date.UTC(2026, 2, 1, 12);

/** A small catalogue with known kinds and topics. */
export function smallCatalogue(n: number, seed = 1): ItemFeatures[] {
  const rng = new Rng(seed);
  const topics = ['sleep', 'focus', 'stress', 'nature', 'kids', 'work'];
  return Array.from({ length: n }, (_, i) =>
    buildItemFeatures(
      {
        id: `item-${i}`,
        kind: ITEM_KINDS[i % ITEM_KINDS.length],
        topics: [topics[rng.int(topics.length)]],
        collections: [],
        durationSeconds: 300 + rng.int(1800),
        availability: 'free',
        launchedAt: NOW - (10 + i) * 86_400_000,
      },
      NOW,
    ),
  );
}

/** A state that has seen some traffic, so items differ in mean and uncertainty. */
export function trainedState(items: ItemFeatures[], impressions: number, seed = 2): EngineState {
  const rng = new Rng(seed);
  const state = createEngineState({ now: NOW });
  const user = buildUserFeatures({ platform: 'ios', tier: 'free', localHour: 21 }, null, NOW);
  const quality = items.map((_, i) => 0.04 + 0.02 * (i % 5));
  const batch: Observation[] = [];
  for (let t = 0; t < impressions; t++) {
    const i = rng.int(items.length);
    batch.push({ user, item: items[i], position: 1, success: rng.next() < quality[i] });
  }
  applyObservations(state, batch);
  return state;
}
