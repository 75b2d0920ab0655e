import { buildCandidatePool } from './candidates';
import { buildUserFeatures } from './features';
import { buildSlate, replaySlate, SlateHistory, SurfacePolicy } from './slate';
import {
  emptyCollabModel,
  emptyHistory,
  emptyPerson,
  foldPersonObservations,
  HISTORY_KAPPAS,
  HISTORY_MAX_ITEMS,
  historyKappa,
  PersonFactors,
  PersonHistory,
  PersonObservation,
  slateHistory,
  storedHistory,
  carriedCalibration,
  calibrationHistoryKappa,
  CollabCalibration,
  CollabTrainer,
  HISTORY_MIN_EVIDENCE,
  storedCalibration,
} from './collab';
import { SeededRandom } from './random';
import { NOW, smallCatalogue, trainedState } from './testing/fixtures';

// Upper 0.999 quantile of chi-square for df = 1..12.
const CHI2_999 = [10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88, 29.59, 31.26, 32.91];

describe("a person's history with single items in the slate", () => {
  const items = smallCatalogue(8);
  const state = trainedState(items, 400);
  const pool = buildCandidatePool(items.map((f) => ({ features: f })));
  const user = buildUserFeatures({ platform: 'ios', tier: 'free', localHour: 20 }, null, NOW);
  const surface: SurfacePolicy = { slots: 4, explorationBudget: 0.2, randomFloor: 0.05, propensityReplays: 32 };
  const leadOf = (history: SlateHistory | null, itemId: string): number => {
    let n = 0;
    for (let s = 0; s < 300; s++) if (buildSlate(state, pool, { surface, user, seed: s, history, propensities: false }).entries[0].itemId === itemId) n++;
    return n;
  };
  // The item the model ranks last on average, so that only the history can lift it.
  const plain = new Map<string, number>();
  for (let s = 0; s < 300; s++) {
    for (const e of buildSlate(state, pool, { surface, user, seed: s, propensities: false }).entries)
      plain.set(e.itemId, (plain.get(e.itemId) ?? 0) + 5 - e.position);
  }
  const weakest = items.map((f) => f.itemId).sort((a, b) => (plain.get(a) ?? 0) - (plain.get(b) ?? 0))[0];
  const strongest = items.map((f) => f.itemId).sort((a, b) => (plain.get(b) ?? 0) - (plain.get(a) ?? 0))[0];

  it('what a person played often moves up for them, and what they passed over often moves down', () => {
    const played: SlateHistory = { itemIds: [weakest], exposure: [12], successes: [10], kappa: 5 };
    const before = leadOf(null, weakest);
    const after = leadOf(played, weakest);
    if (!(after >= 150 && after > before + 100)) throw new Error(`the played item led ${after} of 300 slates with its history, ${before} without`);
    const ignored: SlateHistory = { itemIds: [strongest], exposure: [40], successes: [0], kappa: 5 };
    const leadBefore = leadOf(null, strongest);
    const leadAfter = leadOf(ignored, strongest);
    if (!(leadAfter < leadBefore / 2)) throw new Error(`the ignored item led ${leadAfter} of 300 slates with its history, ${leadBefore} without`);
  });

  it('no history, κ 0, or only items outside the pool leave the slate bit-identical', () => {
    for (let s = 0; s < 50; s++) {
      const base = buildSlate(state, pool, { surface, user, seed: s });
      for (const history of [
        null,
        { itemIds: [weakest], exposure: [12], successes: [10], kappa: 0 },
        { itemIds: ['not-in-pool'], exposure: [12], successes: [10], kappa: 5 },
        { itemIds: [weakest], exposure: [0], successes: [0], kappa: 5 },
      ]) {
        const other = buildSlate(state, pool, { surface, user, seed: s, history });
        expect(other.entries).toEqual(base.entries);
        expect(other.log.history).toBeUndefined();
      }
    }
  });

  it('the log carries the history, and replays the slate exactly', () => {
    const history: SlateHistory = { itemIds: [weakest, strongest, 'gone'], exposure: [3.5, 8, 2], successes: [2, 0, 1], kappa: 10 };
    for (let s = 0; s < 20; s++) {
      const a = buildSlate(state, pool, { surface, user, seed: s, history });
      expect(a.log.history).toEqual({ itemIds: [weakest, strongest], exposure: [3.5, 8], successes: [2, 0], kappa: 10 });
      const again = replaySlate(JSON.parse(JSON.stringify(a.log)), state, pool);
      expect(again.entries).toEqual(a.entries);
    }
  });

  it('logged propensities match the empirical frequency of every (item, position) cell (chi-square per position)', () => {
    const history: SlateHistory = { itemIds: [weakest, strongest], exposure: [6, 10], successes: [4, 1], kappa: 5 };
    const draws = 20_000;
    const counts = new Map<string, number>();
    const propSum = new Map<string, number>();
    const varSum = new Map<string, number>();
    for (let s = 0; s < draws; s++) {
      for (const e of buildSlate(state, pool, { surface, user, seed: s * 7919 + 3, history }).entries) {
        const key = `${e.position}|${e.itemId}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        propSum.set(key, (propSum.get(key) ?? 0) + e.propensity);
        varSum.set(key, (varSum.get(key) ?? 0) + e.propensityError * e.propensityError);
      }
    }
    for (let pos = 1; pos <= 4; pos++) {
      const keys = [...counts.keys()].filter((key) => key.startsWith(`${pos}|`));
      let chi2 = 0;
      let total = 0;
      for (const key of keys) {
        const n = counts.get(key)!;
        const p = propSum.get(key)! / n;
        const mcVar = (draws * draws * (varSum.get(key)! / n)) / n;
        chi2 += (n - draws * p) ** 2 / (draws * p + mcVar);
        total += p;
      }
      expect(total).toBeGreaterThan(0.99);
      expect(total).toBeLessThan(1.01);
      const df = Math.min(keys.length - 2, CHI2_999.length - 1);
      if (chi2 >= CHI2_999[df]) throw new Error(`position ${pos}: chi-square ${chi2.toFixed(1)} over ${keys.length} cells exceeds ${CHI2_999[df]}`);
    }
  });
});

describe('people’s histories in the learner (historyKappa)', () => {
  const items = smallCatalogue(12);
  const model = () => {
    const m = { ...emptyCollabModel({ k: 2 }), version: 1 };
    m.itemIds = items.map((f) => f.itemId);
    m.itemIndex = new Map(m.itemIds.map((id, i) => [id, i]));
    m.factors = new Float64Array(items.length * 2);
    m.rate = new Float64Array(items.length).fill(0.25);
    return m;
  };
  // 300 people see random items at θ = 1; each item's true rate for a person is 0.25 plus `spread` of their own.
  const simulate = (spread: number, seed: number) => {
    const m = model();
    const rng = new SeededRandom(seed);
    const rnd = () => rng.next();
    const persons = new Map<string, PersonFactors>();
    const histories = new Map<string, PersonHistory>();
    const own = new Map<string, number>();
    for (let round = 0; round < 40; round++) {
      const obs: PersonObservation[] = [];
      for (let u = 0; u < 300; u++) {
        const i = Math.floor(rnd() * 4) + (u % 3) * 4;
        const key = `${u}:${i}`;
        if (!own.has(key)) own.set(key, Math.min(0.95, Math.max(0.01, 0.25 + spread * (rnd() * 2 - 1))));
        obs.push({ userId: `u${u}`, item: items[i], theta: 1, success: rnd() < own.get(key)! });
      }
      foldPersonObservations(persons, m, obs, histories);
    }
    return { m, persons, histories };
  };

  it('turns histories on where single-item tastes are real, and leaves them off where they are noise', () => {
    const real = simulate(0.22, 1);
    const noise = simulate(0, 2);
    const kReal = historyKappa(real.m);
    const kNoise = historyKappa(noise.m);
    if (!(kReal > 0 && kReal <= 20)) throw new Error(`κ with real tastes: ${kReal} (evidence ${real.m.calib.hist?.map((x) => x.toFixed(1)).join(' ')})`);
    if (kNoise !== 0) throw new Error(`κ with no single-item tastes: ${kNoise} (evidence ${noise.m.calib.hist?.map((x) => x.toFixed(1)).join(' ')})`);
    expect(real.m.calib.hist).toHaveLength(HISTORY_KAPPAS.length + 1);
    // The history counts what was folded: 40 impressions of 4 items per person.
    const h = real.histories.get('u0')!;
    expect(h.e.reduce((a, b) => a + b, 0)).toBeCloseTo(40, 6);
    expect(h.items.length).toBeLessThanOrEqual(4);
    // The slate's view follows κ: none on the noise audience.
    expect(slateHistory(noise.histories.get('u0'), noise.m)).toBeNull();
    expect(slateHistory(real.histories.get('u0'), real.m)?.kappa).toBe(kReal);
  });

  it('keeps the most recently shown items, at most HISTORY_MAX_ITEMS, and folds in two batches as in one', () => {
    const m = model();
    const many = smallCatalogue(HISTORY_MAX_ITEMS + 20);
    const obs: PersonObservation[] = many.map((f, j) => ({ userId: 'u', item: f, theta: 0.5, success: j % 2 === 0 }));
    obs.push({ userId: 'u', item: many[30], theta: 0.5, success: true });
    const one = new Map<string, PersonHistory>();
    foldPersonObservations(new Map(), m, obs, one);
    const two = new Map<string, PersonHistory>();
    const persons = new Map<string, PersonFactors>();
    foldPersonObservations(persons, model(), obs.slice(0, 50), two);
    foldPersonObservations(persons, model(), obs.slice(50), two);
    expect(two).toEqual(one);
    const h = one.get('u')!;
    expect(h.items).toHaveLength(HISTORY_MAX_ITEMS);
    expect(h.items[h.items.length - 1]).toBe(many[30].itemId);
    expect(h.e[h.e.length - 1]).toBeCloseTo(1, 9);
    expect(h.s[h.s.length - 1]).toBe(2);
    expect(h.items).not.toContain(many[0].itemId);
  });

  it('a history survives a new model version, and the refit carries half the evidence', () => {
    const m = model();
    const histories = new Map([['u', { ...emptyHistory(), items: [items[0].itemId], e: [2], s: [1] }]]);
    const persons = new Map([['u', { ...emptyPerson(m), model: 0 }]]);
    foldPersonObservations(persons, m, [{ userId: 'u', item: items[0], theta: 1, success: false }], histories);
    expect(persons.get('u')!.model).toBe(1);
    expect(histories.get('u')).toEqual({ v: 1, items: [items[0].itemId], e: [3], s: [1] });
    expect(m.calib.hist).toBeDefined();
    expect(carriedCalibration(m).hist).toEqual(m.calib.hist!.map((x) => x / 2));
  });

  it('the simulator and the replay fold histories as the learner does (CollabTrainer)', () => {
    const m = { ...model(), fittedAt: NOW };
    const rng = new SeededRandom(3);
    const obs: PersonObservation[] = [];
    for (let j = 0; j < 1500; j++) obs.push({ userId: `u${j % 200}`, item: items[Math.floor(rng.next() * 12)], theta: 0.5, success: rng.next() < 0.3 });
    const persons = new Map<string, PersonFactors>();
    const histories = new Map<string, PersonHistory>();
    const learner = { ...m, calib: { ...m.calib } };
    foldPersonObservations(persons, learner, obs, histories);
    const trainer = new CollabTrainer();
    const state = { collab: m, revision: 0 };
    for (const o of obs) trainer.record(o.userId, o.item, o.theta, o.success);
    trainer.flush(state, NOW);
    expect(state.collab).toBe(m); // 1,500 impressions: no refit yet, so both folded under the same model
    expect(trainer.histories).toEqual(histories);
    expect(m.calib.hist).toEqual(learner.calib.hist);
    const kappa = historyKappa(m);
    expect(trainer.history('u7', m)).toEqual(kappa > 0 ? slateHistory(histories.get('u7'), m) : null);
    expect(trainer.history('someone-new', m)).toBeNull();
  });

  it('turns histories on at HISTORY_MIN_EVIDENCE nats and off only once they no longer beat no history (hysteresis)', () => {
    // Evidence where κ = HISTORY_KAPPAS[2] beats no history by `margin` nats and every other κ is far behind.
    const evidence = (margin: number, histOn?: boolean): CollabCalibration => ({
      sxy: 0,
      sxx: 0,
      hist: [...HISTORY_KAPPAS.map((_, g) => (g === 2 ? -1000 + margin : -2000)), -1000],
      ...(histOn ? { histOn } : {}),
    });
    const kappa = HISTORY_KAPPAS[2];
    expect(calibrationHistoryKappa(evidence(HISTORY_MIN_EVIDENCE - 1))).toBe(0);
    expect(calibrationHistoryKappa(evidence(HISTORY_MIN_EVIDENCE + 1))).toBe(kappa);
    expect(calibrationHistoryKappa(evidence(1, true))).toBe(kappa);
    expect(calibrationHistoryKappa(evidence(-1, true))).toBe(0);
    // A refit halves the evidence (6 nats become 3) and keeps the choice; so does a store round trip.
    const carried = carriedCalibration({ ...model(), calib: evidence(HISTORY_MIN_EVIDENCE + 1, true) });
    expect(carried.histOn).toBe(true);
    expect(calibrationHistoryKappa(carried)).toBe(kappa);
    expect(calibrationHistoryKappa(storedCalibration(JSON.parse(JSON.stringify(carried))))).toBe(kappa);
    // An older store has no histOn: off until the evidence clears the threshold, as before.
    expect(calibrationHistoryKappa(storedCalibration({ sxy: 0, sxx: 0, hist: evidence(3).hist }))).toBe(0);

    // Through the fold: the audience with real single-item tastes turns histories on and the evidence records it.
    const real = simulate(0.22, 1);
    expect(real.m.calib.histOn).toBe(true);
    // Its margin taken down to 1 nat, then below 0, by impressions its histories mispredict: still on, then off.
    const m = real.m;
    const h = m.calib.hist!;
    const none = HISTORY_KAPPAS.length;
    const best = Math.max(...h.slice(0, none));
    const shift = (target: number) => {
      const d = best - h[none] - target;
      for (let g = 0; g < none; g++) h[g] -= d;
    };
    shift(1);
    expect(historyKappa(m)).toBeGreaterThan(0);
    // Then impressions its histories mispredict, one per person so that no history learns from them: a miss of the
    // item the person played most often, and a play of the one they passed over most.
    let rounds = 0;
    const byId = new Map(items.map((f) => [f.itemId, f]));
    while (historyKappa(m) > 0 && rounds < 600) {
      const u = `u${rounds % 300}`;
      const hu = real.histories.get(u)!;
      const rate = hu.items.map((_, j) => hu.s[j] / hu.e[j]);
      const most = hu.items[rate.indexOf(Math.max(...rate))];
      const least = hu.items[rate.indexOf(Math.min(...rate))];
      const obs: PersonObservation[] = [
        { userId: u, item: byId.get(most)!, theta: 1, success: false },
        { userId: u, item: byId.get(least)!, theta: 1, success: true },
      ];
      foldPersonObservations(real.persons, m, obs, real.histories);
      rounds++;
      const margin = Math.max(...h.slice(0, none)) - h[none];
      // On the way down, histories stay on while they still beat no history at all.
      if (margin > 0 && historyKappa(m) === 0) throw new Error(`histories turned off at a margin of ${margin.toFixed(2)} nats`);
    }
    const margin = Math.max(...h.slice(0, none)) - h[none];
    if (historyKappa(m) !== 0 || margin > 0)
      throw new Error(`histories still on after ${rounds} rounds of mispredicted impressions: margin ${margin.toFixed(2)} nats, histOn ${m.calib.histOn}`);
    expect(m.calib.histOn).toBeUndefined();
  });

  it('reads malformed stored histories as empty', () => {
    for (const bad of [null, undefined, {}, { items: ['a'], e: [1] }, { items: 'a', e: [], s: [] }, { items: ['a', 'b'], e: [1], s: [1] }])
      expect(storedHistory(bad as never)).toEqual(emptyHistory());
    expect(storedHistory({ items: ['a'], e: ['2'] as never, s: [1] })).toEqual({ v: 1, items: ['a'], e: [2], s: [1] });
  });
});
