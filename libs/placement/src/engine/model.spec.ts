import { SeededRandom } from './random';
import { buildUserFeatures, ITEM_DIM, USER_DIM } from './features';
import {
  applyForgetting,
  applyObservations,
  createEngineState,
  DEFAULT_MODEL_CONFIG,
  deserializeState,
  ensureItem,
  Observation,
  predict,
  serializeState,
  setExamination,
  thompsonScaleOf,
  withSharedPrior,
} from './model';
import { NOW, smallCatalogue } from './testing/fixtures';

const user = buildUserFeatures({ platform: 'ios', tier: 'free', localHour: 7 }, null, NOW);

describe('Bayesian model', () => {
  it('starts a new item from the shared prediction, not a flat prior, and learns its own term', () => {
    const items = smallCatalogue(2);
    const state = createEngineState({ now: NOW });
    const before = predict(state, user, items[0]);
    expect(before.rate).toBeGreaterThan(0.03);
    expect(before.rate).toBeLessThan(0.3);
    const rng = new SeededRandom(4);
    const obs: Observation[] = [];
    for (let i = 0; i < 4000; i++) {
      const which = i % 2;
      obs.push({ user, item: items[which], position: 1, success: rng.next() < (which === 0 ? 0.3 : 0.05) });
    }
    applyObservations(state, obs);
    const good = predict(state, user, items[0]);
    const bad = predict(state, user, items[1]);
    expect(good.rate).toBeGreaterThan(0.22);
    expect(good.rate).toBeLessThan(0.38);
    expect(bad.rate).toBeLessThan(0.1);
    expect(good.sd).toBeLessThan(before.sd);
    expect(state.revision).toBe(1);
  });

  it('corrects for position bias: the same item learnt at position 1 or deep down gives the same rate', () => {
    // Single runs of the diagonal posterior wander by several points (see docs), so this averages four seeds.
    const items = smallCatalogue(1);
    const theta = Array.from({ length: 20 }, (_, k) => 1 / (1 + 0.4 * k));
    const rate = 0.25;
    let top = 0;
    let deep = 0;
    let naive = 0;
    for (const seed of [8, 9, 10, 11]) {
      const a = createEngineState({ now: NOW });
      const b = createEngineState({ now: NOW });
      const c = createEngineState({ now: NOW });
      setExamination(a, theta);
      setExamination(b, theta);
      setExamination(c, new Array<number>(20).fill(1));
      const rng = new SeededRandom(seed);
      const topObs: Observation[] = [];
      const deepObs: Observation[] = [];
      for (let i = 0; i < 6000; i++) {
        topObs.push({ user, item: items[0], position: 1, success: rng.next() < rate });
        deepObs.push({ user, item: items[0], position: 8, success: rng.next() < rate * theta[7] });
      }
      applyObservations(a, topObs);
      applyObservations(b, deepObs);
      applyObservations(c, deepObs);
      top += predict(a, user, items[0]).rate / 4;
      deep += predict(b, user, items[0]).rate / 4;
      naive += predict(c, user, items[0]).rate / 4;
    }
    expect(Math.abs(top - rate)).toBeLessThan(0.04);
    expect(Math.abs(deep - rate)).toBeLessThan(0.05);
    // Learnt as if every position were seen, the deep item looks more than twice as bad.
    expect(naive).toBeLessThan(rate / 2);
  });

  it('round-trips through JSON exactly', () => {
    const items = smallCatalogue(3);
    const state = createEngineState({ now: NOW });
    applyObservations(
      state,
      items.map((item, i) => ({ user, item, position: i + 1, success: i === 0 })),
    );
    applyForgetting(state, NOW + 86_400_000);
    const back = deserializeState(JSON.parse(JSON.stringify(serializeState(state))));
    expect(serializeState(back)).toEqual(serializeState(state));
    expect(predict(back, user, items[0])).toEqual(predict(state, user, items[0]));
  });

  it('reads states stored before the Thompson scale existed, which then take the default', () => {
    const items = smallCatalogue(2);
    const state = createEngineState({ now: NOW, config: { thompsonScale: 0.8 } });
    applyObservations(
      state,
      items.map((item) => ({ user, item, position: 1, success: true })),
    );
    expect(thompsonScaleOf(deserializeState(JSON.parse(JSON.stringify(serializeState(state)))))).toBe(0.8);
    const stored = serializeState(state);
    const { thompsonScale: _dropped, ...oldConfig } = stored.config;
    const old = deserializeState({ ...stored, config: oldConfig });
    expect(thompsonScaleOf(old)).toBe(DEFAULT_MODEL_CONFIG.thompsonScale);
    expect(predict(old, user, items[0])).toEqual(predict(state, user, items[0]));
  });

  it('forgets towards the prior over time', () => {
    const items = smallCatalogue(1);
    const state = createEngineState({ now: NOW });
    const slot = ensureItem(state, items[0].itemId);
    applyObservations(
      state,
      Array.from({ length: 500 }, () => ({ user, item: items[0], position: 1, success: false })),
    );
    const v = state.itemVar[slot];
    applyForgetting(state, NOW + 28 * 86_400_000);
    expect(state.itemVar[slot]).toBeGreaterThan(v);
  });

  it('accepts an exported shared prior of the right shape and explains a wrong one', () => {
    const state = createEngineState({ now: NOW });
    const mean = new Array<number>(USER_DIM * ITEM_DIM).fill(0);
    const next = withSharedPrior(state, { version: 'tfjs-3', mean });
    expect(next.modelVersion).toBe('tfjs-3');
    expect(next.wMean.every((x) => x === 0)).toBe(true);
    expect(() => withSharedPrior(state, { version: 'bad', mean: [1, 2, 3] })).toThrow(/USER_LAYOUT and ITEM_LAYOUT/);
  });
});
