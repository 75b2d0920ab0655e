import { buildItemFeatures, ITEM_DIM } from './features';
import {
  cholesky,
  emptyCollabModel,
  emptyPerson,
  FactorIndex,
  itemFactor,
  PairStats,
  personPosterior,
  refitCollab,
  spdInverse,
  topKDot,
  updatePerson,
  deserializeCollab,
  serializeCollab,
  foldPersonObservations,
  PersonFactors,
  PersonObservation,
  refitCollabSteps,
  collabGain,
  CollabModel,
} from './collab';
import { SeededRandom } from './random';

const NOW = Date.UTC(2026, 2, 1);

function item(id: string, kind = 'music', topics = ['focus']) {
  return buildItemFeatures({ id, kind, topics, launchedAt: NOW }, NOW);
}

describe('collaborative model math', () => {
  it('inverts a symmetric positive definite matrix through its Cholesky factor', () => {
    const m = [4, 2, 0.6, 2, 5, 1, 0.6, 1, 3];
    const inv = spdInverse(m, 3)!;
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let a = 0; a < 3; a++) s += m[r * 3 + a] * inv[a * 3 + c];
        expect(s).toBeCloseTo(r === c ? 1 : 0, 10);
      }
    }
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
  });

  it('updatePerson is exact Bayesian linear regression: the posterior mean equals the ridge solution', () => {
    const model = { ...emptyCollabModel({ k: 2, personPriorVar: 0.5, noiseVar: 0.2 }), version: 1 };
    const a = item('a');
    const b = item('b', 'talk', ['sleep']);
    model.itemIds = ['a', 'b'];
    model.itemIndex = new Map([
      ['a', 0],
      ['b', 1],
    ]);
    model.factors = Float64Array.from([1, 0.5, -0.3, 1]);
    model.rate = Float64Array.from([0.2, 0.1]);
    const person = emptyPerson(model);
    const obs: [typeof a, number, boolean][] = [
      [a, 1, true],
      [b, 0.5, false],
      [a, 0.7, false],
      [b, 1, true],
    ];
    for (const [it, theta, ok] of obs) updatePerson(person, model, it, theta, ok);
    // Direct ridge: (X'X/σ² + I/τ²) p = X'y/σ², with rows θq and targets y − θr.
    const rows = obs.map(([it, theta, ok]) => {
      const q = itemFactor(model, it, new Float64Array(2));
      const r = it.itemId === 'a' ? 0.2 : 0.1;
      return { x: [theta * q[0], theta * q[1]], y: (ok ? 1 : 0) - theta * r };
    });
    const A = [1 / 0.5, 0, 0, 1 / 0.5];
    const v = [0, 0];
    for (const { x, y } of rows) {
      for (let i = 0; i < 2; i++) {
        v[i] += (x[i] * y) / 0.2;
        for (let j = 0; j < 2; j++) A[i * 2 + j] += (x[i] * x[j]) / 0.2;
      }
    }
    const inv = spdInverse(A, 2)!;
    const expected = [inv[0] * v[0] + inv[1] * v[1], inv[2] * v[0] + inv[3] * v[1]];
    // The folds also gathered calibration evidence; at gain 1 the slate's posterior is the regression's, in probit units.
    expect(model.calib.sxx).toBeGreaterThan(0);
    const post = personPosterior(person, model, 1)!;
    expect(post.mean[0] / model.scale).toBeCloseTo(expected[0], 10);
    expect(post.mean[1] / model.scale).toBeCloseTo(expected[1], 10);
    // chol·cholᵀ = c²·A⁻¹
    const L = post.chol;
    expect(L[0] * L[0]).toBeCloseTo(model.scale ** 2 * inv[0], 10);
    expect(L[2] * L[0]).toBeCloseTo(model.scale ** 2 * inv[2], 10);
    expect(L[1]).toBe(0);
  });

  it('a posterior from another model version is not used (the person is served as new)', () => {
    const model = { ...emptyCollabModel({ k: 2 }), version: 3 };
    expect(personPosterior({ ...emptyPerson(model), model: 2 }, model)).toBeNull();
    expect(personPosterior(emptyPerson(model), null)).toBeNull();
    expect(personPosterior(emptyPerson(model), model, 1)).not.toBeNull();
    // Nor is a taste with no weight yet (a new model, gain 0): the slate serves the person like someone new.
    expect(personPosterior(emptyPerson(model), model)).toBeNull();
  });

  it('refitCollab recovers latent tastes that no content feature reveals, and maps content into factor space', () => {
    const rng = new SeededRandom(5);
    const nu = 300;
    const ni = 40;
    const items = Array.from({ length: ni }, (_, i) => item(`i${i}`, i % 2 ? 'music' : 'talk', ['focus']));
    // Two hidden taste groups, two hidden item groups: group g likes items of group g.
    const userGroup = Array.from({ length: nu }, (_, u) => u % 2);
    const itemGroup = Array.from({ length: ni }, (_, i) => ((i * 7) % 3 === 0 ? 0 : 1));
    const pairs: PairStats[] = [];
    for (let u = 0; u < nu; u++) {
      for (let t = 0; t < 12; t++) {
        const i = Math.floor(rng.next() * ni);
        const p = userGroup[u] === itemGroup[i] ? 0.45 : 0.05;
        const y = rng.next() < p ? 1 : 0;
        pairs.push({ person: u, item: i, s2: 1, s1y: y, s1: 1, y, n: 1 });
      }
    }
    // The recovering configuration (EM prior from 0.01, item ridge 2). The defaults fix the prior at 0.03 instead and
    // let the calibration gain decide how far the fitted tastes move a slate (docs/placement-engine.md §11).
    const fit = refitCollab({
      persons: Array.from({ length: nu }, (_, u) => `u${u}`),
      items,
      pairs,
      now: NOW,
      config: { k: 4, personPriorVar: 0.01, itemRidge: 2, learnPriorVar: true },
    });
    expect(fit.model.config.personPriorVar).toBeGreaterThan(0.01);
    expect(fit.model.version).toBe(1);
    // Held-out check: for each person, does the posterior mean rank same-group items above the others?
    let right = 0;
    let total = 0;
    for (let u = 0; u < nu; u++) {
      const post = personPosterior(fit.persons[u], fit.model, 1)!;
      const score = (i: number) => {
        let s = 0;
        for (let a = 0; a < 4; a++) s += fit.model.factors[i * 4 + a] * post.mean[a];
        return s;
      };
      for (let i = 0; i < ni; i++) {
        for (let j = 0; j < ni; j++) {
          if (itemGroup[i] === itemGroup[j]) continue;
          const good = itemGroup[i] === userGroup[u] ? i : j;
          const bad = good === i ? j : i;
          total++;
          if (score(good) > score(bad)) right++;
        }
      }
    }
    const auc = right / total;
    if (auc < 0.8) throw new Error(`pairwise ranking accuracy of the fitted tastes is ${auc.toFixed(3)}, expected ≥ 0.8`);
    // A new item with the same content as fitted ones starts at their content projection, not at zero.
    const fresh = itemFactor(fit.model, item('new', 'music', ['focus']), new Float64Array(4));
    expect(fresh.length).toBe(4);
    expect(fit.model.contentMap.length).toBe(ITEM_DIM * 4);
    // Round trip through JSON.
    const back = deserializeCollab(JSON.parse(JSON.stringify(serializeCollab(fit.model))));
    expect(Array.from(back.factors)).toEqual(Array.from(fit.model.factors));
  });

  it('topKDot is exact and FactorIndex recalls most of the exact top-k above the exact limit', () => {
    const rng = new SeededRandom(9);
    const n = 12_000;
    const k = 8;
    const f = new Float64Array(n * k);
    for (let i = 0; i < f.length; i++) f[i] = rng.next() - 0.5;
    const q = Float64Array.from({ length: k }, () => rng.next() - 0.5);
    const { rows, scores } = topKDot(f, n, k, q, 10);
    const all = Array.from({ length: n }, (_, r) => {
      let s = 0;
      for (let a = 0; a < k; a++) s += f[r * k + a] * q[a];
      return s;
    }).sort((a, b) => b - a);
    expect(scores).toEqual(all.slice(0, 10));
    expect(rows.length).toBe(10);
    const index = new FactorIndex(f, n, k);
    expect(index.exact).toBe(false);
    const approx = new Set(index.search(q, 10, 16));
    const recall = rows.filter((r) => approx.has(r)).length / 10;
    if (recall < 0.7) throw new Error(`approximate recall@10 is ${recall}, expected ≥ 0.7`);
  });
});

describe('the calibration gain: the person term moves the slate as far as its predictions held', () => {
  const K = 2;
  const NI = 20;
  function fixedModel(): CollabModel {
    const rng = new SeededRandom(3);
    const model = { ...emptyCollabModel({ k: K, personPriorVar: 0.01, noiseVar: 0.2 }), version: 1 };
    model.itemIds = Array.from({ length: NI }, (_, i) => `i${i}`);
    model.itemIndex = new Map(model.itemIds.map((id, i) => [id, i]));
    model.factors = Float64Array.from({ length: NI * K }, () => rng.normal());
    model.rate = new Float64Array(NI).fill(0.3);
    return model;
  }
  /** Folds 60 impressions of each of 300 people, in order; `tastes` says whether q·p really moves their rates. */
  function fold(model: CollabModel, tastes: boolean): void {
    const rng = new SeededRandom(11);
    const items = model.itemIds.map((id) => item(id));
    for (let u = 0; u < 300; u++) {
      const p = [0.1 * rng.normal(), 0.1 * rng.normal()];
      const person = emptyPerson(model);
      for (let t = 0; t < 60; t++) {
        const i = Math.floor(rng.next() * NI);
        const taste = tastes ? model.factors[i * K] * p[0] + model.factors[i * K + 1] * p[1] : 0;
        const rate = Math.min(0.95, Math.max(0.02, 0.3 + taste));
        updatePerson(person, model, items[i], 1, rng.next() < rate);
      }
    }
  }

  it('stays near 1 when the tastes are real and falls towards 0 when they are noise', () => {
    const real = fixedModel();
    // No evidence yet: the person term has no weight until it has predicted something.
    expect(collabGain(real)).toBe(0);
    fold(real, true);
    const noise = fixedModel();
    fold(noise, false);
    const g = { real: collabGain(real), noise: collabGain(noise) };
    if (!(g.real > 0.7 && g.noise < 0.3)) throw new Error(`calibration gains ${JSON.stringify(g)}: expected real > 0.7, noise < 0.3`);
  });

  it('scales the posterior the slate draws from, is carried halved into the next refit and survives storage', () => {
    const model = fixedModel();
    const person = emptyPerson(model);
    for (let t = 0; t < 10; t++) updatePerson(person, model, item(`i${t % NI}`), 1, t % 3 === 0);
    const full = personPosterior(person, model, 1)!;
    model.calib = { sxy: 3, sxx: 6 }; // 3 / (6 + 2)
    expect(collabGain(model)).toBeCloseTo(0.375, 12);
    const scaled = personPosterior(person, model)!;
    for (let a = 0; a < K; a++) expect(scaled.mean[a]).toBeCloseTo(0.375 * full.mean[a], 12);
    for (let a = 0; a < K * K; a++) expect(scaled.chol[a]).toBeCloseTo(0.375 * full.chol[a], 12);
    const back = deserializeCollab(JSON.parse(JSON.stringify(serializeCollab(model))));
    expect(back.calib).toEqual({ sxy: 3, sxx: 6 });
    // A model stored before the calibration existed starts with none (gain 0 until its folds gather some).
    const { calib: _dropped, ...old } = serializeCollab(model);
    expect(deserializeCollab(old).calib).toEqual({ sxy: 0, sxx: 0 });
    const pairs: PairStats[] = [{ person: 0, item: 0, s2: 1, s1y: 1, s1: 1, y: 1, n: 1 }];
    const fit = refitCollab({ persons: ['u'], items: [item('i0')], pairs, now: NOW, previous: model, config: { k: K } });
    expect(fit.model.calib).toEqual({ sxy: 1.5, sxx: 3 });
    // Never negative, never above 1.5.
    model.calib = { sxy: -50, sxx: 10 };
    expect(collabGain(model)).toBe(0);
    model.calib = { sxy: 500, sxx: 10 };
    expect(collabGain(model)).toBe(1.5);
    // Evidence that is not a number (a corrupted store) gives the person term no weight.
    model.calib = { sxy: Number.NaN, sxx: 10 };
    expect(collabGain(model)).toBe(0);
  });

  it('a refit keeps the stored factor size but takes the person prior from the current defaults', () => {
    const stored = fixedModel();
    stored.config = { ...stored.config, personPriorVar: 0.01, learnPriorVar: true };
    const pairs: PairStats[] = [{ person: 0, item: 0, s2: 1, s1y: 1, s1: 1, y: 1, n: 1 }];
    const fit = refitCollab({ persons: ['u'], items: [item('i0')], pairs, now: NOW, previous: stored });
    const { k, personPriorVar, learnPriorVar, noiseVar } = fit.model.config;
    expect({ k, personPriorVar, learnPriorVar, noiseVar }).toEqual({ k: K, personPriorVar: 0.03, learnPriorVar: false, noiseVar: 0.2 });
    // People start again from that prior under the new model.
    expect(emptyPerson(fit.model).prec[0]).toBeCloseTo(1 / 0.03, 9);
  });
});

describe('the refit beside the fold: sliced compute, then the catch-up of what the folds took meanwhile', () => {
  const rng = new SeededRandom(11);
  const items = Array.from({ length: 30 }, (_, i) => item(`i${i}`, i % 2 ? 'music' : 'talk', [i % 3 ? 'focus' : 'sleep']));
  const persons = Array.from({ length: 600 }, (_, u) => `u${u}`);
  const pairs: PairStats[] = [];
  for (let u = 0; u < persons.length; u++)
    for (let t = 0; t < 4; t++) {
      const y = rng.next() < 0.2 ? 1 : 0;
      const th = 0.3 + 0.7 * rng.next();
      pairs.push({ person: u, item: Math.floor(rng.next() * items.length), s2: th * th, s1y: th * y, s1: th, y, n: 1 });
    }
  const input = { persons, items, pairs, now: NOW, seed: 7, config: { k: 4 } };

  it('refitCollabSteps pauses many times and, drained, gives exactly refitCollab', () => {
    const steps = refitCollabSteps(input);
    let pauses = 0;
    let r = steps.next();
    while (!r.done) {
      pauses++;
      r = steps.next();
    }
    const whole = refitCollab(input);
    expect(pauses).toBeGreaterThan(12); // at least once per ALS sweep over 600 people
    expect(Array.from(r.value.model.factors)).toEqual(Array.from(whole.model.factors));
    expect(r.value.persons).toEqual(whole.persons);
  });

  it('replays the later observations onto the refit posteriors: each counted once, in the new basis', () => {
    const fit = refitCollab(input);
    const map = new Map(persons.map((id, u) => [id, fit.persons[u]] as [string, PersonFactors]));
    // What a fold did meanwhile under the previous model (another basis): it must not survive into the new one.
    map.set('folded-meanwhile', { ...emptyPerson({ ...fit.model, version: fit.model.version - 1 }), n: 3 });
    const obs: PersonObservation[] = [];
    for (let j = 0; j < 40; j++) {
      const userId = j % 4 === 0 ? 'newcomer' : j % 4 === 1 ? 'folded-meanwhile' : `u${j % 7}`;
      obs.push({ userId, item: items[j % items.length], theta: 0.2 + (j % 5) / 10, success: j % 3 === 0 });
    }
    const before = new Map([...map].map(([id, p]) => [id, structuredClone(p)]));
    // The folds took these in two batches; the catch-up replays them at once: the same result.
    const inTwo = new Map([...map].map(([id, p]) => [id, structuredClone(p)]));
    foldPersonObservations(inTwo, fit.model, obs.slice(0, 17));
    foldPersonObservations(inTwo, fit.model, obs.slice(17));
    const touched = foldPersonObservations(map, fit.model, obs);
    expect([...touched].sort()).toEqual([...new Set(obs.map((o) => o.userId))].sort());
    expect(map).toEqual(inTwo);
    for (const id of touched) {
      const mine = obs.filter((o) => o.userId === id);
      // The expected posterior: the refit's own (or the prior of the new model), plus each later observation once.
      const prior = before.get(id);
      const expected = prior && prior.model === fit.model.version ? structuredClone(prior) : emptyPerson(fit.model);
      for (const o of mine) updatePerson(expected, fit.model, o.item, o.theta, o.success);
      const got = map.get(id)!;
      expect(got.model).toBe(fit.model.version);
      expect(got.n).toBe((prior && prior.model === fit.model.version ? prior.n : 0) + mine.length);
      expect(got.prec).toEqual(expected.prec);
      expect(got.b).toEqual(expected.b);
    }
    // People without later observations keep the refit's posterior untouched.
    expect(map.get('u100')).toEqual(before.get('u100'));
  });
});
