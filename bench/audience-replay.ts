/**
 * In-process replay of the audience harness (../shared/audience) through the engine classes, for fast iteration on
 * the model: the same world, days, examination and scoring as audience.mjs, with the engine's slate, learner passes
 * (shared model, profiles, collaborative posteriors, scheduled refits) called directly instead of over the API.
 * It is a proxy: the live harness also runs content tests, sticky slates and the real learner timing.
 *   npm run -s build:server && node dist/bench/audience-replay.js [/work/shared/data/xwines] [days] [requests] [collab=1]
 * Environment, for diagnosis (none changes what the engine ships):
 *   REPLAY_SEED      the audience's random seed (default 11, the harness's); compare settings over several seeds,
 *                    a single run moves by about ±1% with any change to the path the learning takes
 *   REPLAY_DIAG=1    after the run: how the learned item terms, an examination-weighted empirical rate and the refit's
 *                    item rates rank the live items against their true means; the person term's correlation and slope
 *                    against true residuals; the calibration gain at every refit
 *                    and, with the learnt state frozen at the end, what the slates are worth as served, without the
 *                    random floor, without the Thompson spread and without the person term
 *   REPLAY_FLOOR     the random floor (default 0.02, the harness's surface)
 *   REPLAY_MODEL     JSON overriding the shared model's config, e.g. '{"thompsonScale":0.0001}'
 *   REPLAY_THETA=true  the audience's own examination curve (k^-0.8) instead of the one estimated from floor slots
 *   REPLAY_USER      bias | noaff | noctx | noprofile: zero user features (all but the bias, the affinities, the
 *                    request context, everything learnt from the person's events)
 *   REPLAY_ITEM=nofresh  zero the items' freshness feature
 *   CF_K, CF_PRIOR, CF_NOISE, CF_ITEM_RIDGE, CF_TS, CF_EM=0|1  the collaborative model's config
 */
import { join } from 'node:path';
import {
  applyEventInPlace,
  applyForgetting,
  applyObservations,
  buildCandidatePool,
  buildItemFeatures,
  buildSlate,
  buildUserFeatures,
  CandidatePool,
  ITEM_LAYOUT,
  ITEM_KINDS,
  USER_LAYOUT,
  createEngineState,
  foldPersonObservations,
  historyKappa,
  PersonHistory,
  ItemFeatures,
  Observation,
  PairStats,
  PersonFactors,
  personPosterior,
  refitCollab,
  itemFactor,
  collabGain,
  setExamination,
  emptyPositionCounts,
  estimateExamination,
  recordPosition,
  UserProfile,
  emptyProfile,
} from '../libs/placement/src/engine';

interface Person {
  userId: string;
  locale: string;
  platform: string;
  tier: string;
}
interface Cat {
  index: number;
  slug: string;
  title: string;
  year: number;
  topics: string[];
  kind: string;
  durationSeconds: number;
  launchDay: number;
}
interface AudienceWorld {
  catalogue: Cat[];
  people: Person[];
  M: number;
  U: number;
  playProb: (u: number, m: number) => number;
}

async function main(): Promise<void> {
  const dataDir = process.argv[2] ?? '/work/shared/data/xwines';
  const days = Number(process.argv[3] ?? 8);
  const requests = Number(process.argv[4] ?? 1500);
  const collabOn = (process.argv[5] ?? '1') !== '0';
  const audienceDir = process.env.AUDIENCE_DIR ?? join(dataDir, '../../audience');
  const importer = new Function('p', 'return import(p)') as (p: string) => Promise<Record<string, unknown>>;
  const worldMod = await importer(join(audienceDir, 'world.mjs'));
  const audMod = await importer(join(audienceDir, 'audience.mjs'));
  const world = (worldMod.buildWorld as (d: string) => AudienceWorld)(dataDir);
  const runAudience = audMod.runAudience as (
    w: AudienceWorld,
    e: unknown,
    o: unknown,
  ) => Promise<{ lastThreeDays: Record<string, number>; ratio: Record<string, number> }>;

  const DAY = 86_400_000;
  const start = Date.UTC(2026, 0, 1);
  let now = start;
  // Ablations for diagnosis: REPLAY_MODEL='{"thompsonScale":0}' overrides the shared model's config,
  // REPLAY_THETA=true sets the examination curve to the audience's own (k^-0.8), REPLAY_USER=bias drops every
  // user feature but the bias (the model then ranks by item terms alone).
  const state = createEngineState({ now, config: process.env.REPLAY_MODEL ? JSON.parse(process.env.REPLAY_MODEL) : undefined });
  if (process.env.REPLAY_THETA === 'true')
    setExamination(
      state,
      Array.from({ length: 100 }, (_, k) => 1 / Math.pow(k + 1, 0.8)),
    );
  // As the learner does: θ from uniform-floor (EXPLORATION) slots, set once 500 of them are labelled.
  const positions = emptyPositionCounts(100);
  const biasOnly = process.env.REPLAY_USER === 'bias';
  const live = new Set(world.catalogue.filter((c) => c.launchDay < 0).map((c) => c.index));
  const features = new Map<number, ItemFeatures>();
  const featuresOf = (m: number): ItemFeatures => {
    let f = features.get(m);
    if (!f) {
      const c = world.catalogue[m];
      f = buildItemFeatures(
        {
          id: c.slug,
          kind: c.kind,
          topics: c.topics,
          durationSeconds: c.durationSeconds,
          launchedAt: c.launchDay < 0 ? start - 30 * DAY : start + c.launchDay * DAY,
        },
        now,
      );
      if (process.env.REPLAY_ITEM === 'nofresh') {
        const j = Array.from(f.idx).indexOf(ITEM_LAYOUT.freshness);
        if (j >= 0) f.val[j] = 0;
      }
      features.set(m, f);
    }
    return f;
  };
  const bySlug = new Map(world.catalogue.map((c) => [c.slug, c.index]));
  let pool: CandidatePool | null = null;
  const rebuild = () => {
    pool = buildCandidatePool([...live].map((m) => ({ features: featuresOf(m) })));
  };
  rebuild();
  const profiles = new Map<string, UserProfile>();
  const persons = new Map<string, PersonFactors>();
  const pendingObs: Observation[] = [];
  const pendingPerson: { userId: string; item: ItemFeatures; theta: number; ok: boolean }[] = [];
  // Each person's own history per item (examined impressions Σθ and successes), folded on the learner's pass as
  // the learner does; REPLAY_HISTORY=0 leaves it out.
  const historyOn = process.env.REPLAY_HISTORY !== '0';
  const hist = new Map<string, PersonHistory>();
  const history: { userId: string; m: number; position: number; ok: boolean }[] = [];
  let sinceRefit = 0;
  let requestsSinceLearn = 0;
  let seed = 1;
  let refits = 0;

  const learn = () => {
    applyObservations(state, pendingObs);
    pendingObs.length = 0;
    applyForgetting(state, now);
    if (process.env.REPLAY_THETA !== 'true') {
      const exam = estimateExamination(positions);
      if (exam.impressions >= 500) setExamination(state, exam.theta);
    }
    const model = state.collab;
    if (model && collabOn) {
      // As the learner's fold does: each person's posterior and their history with single items (historyOn).
      const obs = pendingPerson.map((o) => ({ userId: o.userId, item: o.item, theta: o.theta, success: o.ok }));
      foldPersonObservations(persons, model, obs, historyOn ? hist : undefined);
    }
    pendingPerson.length = 0;
    const due = model ? sinceRefit >= Math.max(2000, model.events / 4) : sinceRefit >= 2000;
    if (collabOn && due) {
      const rows = history.slice(-300_000);
      const pIdx = new Map<string, number>();
      const iIdx = new Map<number, number>();
      const items: ItemFeatures[] = [];
      const pairs = new Map<number, PairStats>();
      for (const r of rows) {
        let u = pIdx.get(r.userId);
        if (u === undefined) pIdx.set(r.userId, (u = pIdx.size));
        let i = iIdx.get(r.m);
        if (i === undefined) {
          iIdx.set(r.m, (i = items.length));
          items.push(featuresOf(r.m));
        }
        const key = u * 1_000_003 + i;
        let p = pairs.get(key);
        if (!p) pairs.set(key, (p = { person: u, item: i, s2: 0, s1y: 0, s1: 0, y: 0, n: 0 }));
        const th = state.examination[r.position - 1];
        const y = r.ok ? 1 : 0;
        p.s2 += th * th;
        p.s1y += th * y;
        p.s1 += th;
        p.y += y;
        p.n++;
      }
      const fit = refitCollab({
        persons: [...pIdx.keys()],
        items,
        pairs: [...pairs.values()],
        now,
        previous: state.collab ?? null,
        seed: 7,
        config: collabConfig(),
      });
      state.collab = fit.model;
      if (process.env.REPLAY_DIAG) console.log(`refit ${refits}: calibration gain ${collabGain(fit.model).toFixed(3)}`);
      state.revision++;
      [...pIdx.keys()].forEach((id, u) => persons.set(id, fit.persons[u]));
      sinceRefit = 0;
      refits++;
    }
  };
  const historyOf = (userId: string) => {
    const h = historyOn ? hist.get(userId) : undefined;
    const kappa = process.env.HIST_KAPPA ? Number(process.env.HIST_KAPPA) : historyKappa(state.collab);
    return h && kappa > 0 ? { itemIds: h.items, exposure: h.e, successes: h.s, kappa } : null;
  };
  const engine = {
    async launch(indices: number[], day: number) {
      now = start + day * DAY;
      indices.forEach((m) => live.add(m));
      rebuild();
    },
    async feed(person: Person, slots: number) {
      requestsSinceLearn++;
      now += 20_000;
      if (requestsSinceLearn >= 40) {
        learn();
        requestsSinceLearn = 0;
      }
      const profile = profiles.get(person.userId) ?? null;
      const user = buildUserFeatures({ locale: person.locale, platform: person.platform, tier: person.tier }, profile, now);
      if (biasOnly) for (let j = 1; j < user.length; j++) user[j] = 0;
      const zero = (a: number, b: number) => user.fill(0, a, b);
      if (process.env.REPLAY_USER === 'noaff') zero(25, 62);
      if (process.env.REPLAY_USER === 'noprofile') zero(25, 65);
      if (process.env.REPLAY_USER === 'noctx') zero(1, 25);
      const post = collabOn ? personPosterior(persons.get(person.userId), state.collab) : null;

      const history = historyOf(person.userId);
      const slate = buildSlate(state, pool!, {
        surface: { slots, explorationBudget: 0.1, randomFloor: process.env.REPLAY_FLOOR ? Number(process.env.REPLAY_FLOOR) : 0.02 },
        user,
        seed: seed++,
        testShare: 0,
        person: post,
        history,
      });
      const items = slate.entries.map((e) => ({ index: bySlug.get(e.itemId)!, reason: e.reason, position: e.position }));
      (person as Person & { _user?: Float32Array })._user = user;
      return { items };
    },
    async track(person: Person & { _user?: Float32Array }, events: { type: string; item: { index: number; position: number; reason?: string } }[]) {
      const played = new Set(events.filter((e) => e.type === 'PLAY_START').map((e) => e.item.index));
      let p = profiles.get(person.userId) ?? emptyProfile(now);
      for (const e of events) {
        const f = featuresOf(e.item.index);
        const pos = e.item.position;
        const theta = state.examination[pos - 1];
        if (e.type === 'IMPRESSION') {
          const ok = played.has(e.item.index);
          if ((e.item as { reason?: string }).reason === 'EXPLORATION') recordPosition(positions, pos, ok);
          pendingObs.push({ user: person._user!, item: f, position: pos, success: ok });
          pendingPerson.push({ userId: person.userId, item: f, theta, ok });
          history.push({ userId: person.userId, m: e.item.index, position: pos, ok });
          sinceRefit++;
        }
        p = applyEventInPlace(p, f, e.type === 'IMPRESSION' ? 'IMPRESSION' : 'PLAY_START', now, theta);
      }
      profiles.set(person.userId, p);
    },
  };
  // How well do the learned item terms (greedy, no noise) and a plain examination-weighted empirical rate rank the
  // live items, against their true means, for the audience's own scoring (top 10, examination k^-0.8)?
  const diagnose = () => {
    const liveList = [...live];
    const mean = (m: number) => {
      let t = 0;
      for (let u = 0; u < world.U; u++) t += world.playProb(u, m);
      return t / world.U;
    };
    const truth = new Map(liveList.map((m) => [m, mean(m)]));
    const value = (order: number[]) => order.slice(0, 10).reduce((a, m, k) => a + truth.get(m)! / Math.pow(k + 1, 0.8), 0);
    const best = value([...liveList].sort((a, b) => truth.get(b)! - truth.get(a)!));
    const slotOf = (m: number) => state.itemIndex.get(world.catalogue[m].slug) ?? -1;
    const term = (m: number) => (slotOf(m) >= 0 ? state.itemMean[slotOf(m)] : -9);
    const succ = new Map<number, number>();
    const expo = new Map<number, number>();
    const imps = new Map<number, number>();
    for (const h of history) {
      expo.set(h.m, (expo.get(h.m) ?? 0) + state.examination[h.position - 1]);
      imps.set(h.m, (imps.get(h.m) ?? 0) + 1);
      if (h.ok) succ.set(h.m, (succ.get(h.m) ?? 0) + 1);
    }
    const emp = (m: number) => ((succ.get(m) ?? 0) + 1) / ((expo.get(m) ?? 0) + 10);
    const byTerm = [...liveList].sort((a, b) => term(b) - term(a));
    // The item's whole non-personal score (the features' main effects plus the own term: what "popularity" is to the
    // model) for a user vector u, computed once per item: for a user with only the bias feature, and for the
    // people's mean user vector (the score is linear in it).
    const orderFor = (u: Float64Array) => {
      const score = new Map<number, number>();
      for (const m of liveList) {
        const f = featuresOf(m);
        let s = term(m) === -9 ? 0 : term(m);
        for (let a = 0; a < f.idx.length; a++)
          for (let j = 0; j < state.userDim; j++) if (u[j] !== 0) s += u[j] * f.val[a] * state.wMean[j * state.itemDim + f.idx[a]];
        score.set(m, s);
      }
      return [...liveList].sort((x, y) => score.get(y)! - score.get(x)!);
    };
    const biasOnlyUser = new Float64Array(state.userDim);
    biasOnlyUser[USER_LAYOUT.bias] = 1;
    const byMain = orderFor(biasOnlyUser);
    const uBar = new Float64Array(state.userDim);
    let nu = 0;
    for (const person of world.people as (Person & { _user?: Float32Array })[]) {
      if (!person._user) continue;
      for (let j = 0; j < state.userDim; j++) uBar[j] += person._user[j];
      nu++;
    }
    for (let j = 0; j < state.userDim; j++) uBar[j] /= Math.max(1, nu);
    const byAvg = orderFor(uBar);
    const batchRate = (m: number) => {
      const slot = state.collab?.itemIndex.get(world.catalogue[m].slug);
      return slot === undefined ? -1 : state.collab!.rate[slot];
    };
    const byBatch = [...liveList].sort((a, b) => batchRate(b) - batchRate(a));
    const byEmp = [...liveList].sort((a, b) => emp(b) - emp(a));
    const model = state.collab;
    if (model) {
      const k = model.config.k;
      let sxy = 0,
        sxx = 0,
        syy = 0,
        sx = 0,
        sy = 0,
        n = 0;
      const drift = new Map<number, number>();
      const topItems = [...liveList].sort((a, b) => truth.get(b)! - truth.get(a)!).slice(0, 40);
      const q = new Float64Array(k);
      for (let u = 0; u < world.U; u++) {
        const post = personPosterior(persons.get(world.people[u].userId), model);
        if (!post) continue;
        for (const m of topItems) {
          itemFactor(model, featuresOf(m), q);
          let x = 0;
          for (let a = 0; a < k; a++) x += q[a] * post.mean[a];
          x /= model.scale;
          const y = world.playProb(u, m) - truth.get(m)!;
          sxy += x * y;
          sxx += x * x;
          syy += y * y;
          sx += x;
          sy += y;
          n++;
          drift.set(m, (drift.get(m) ?? 0) + x);
        }
      }
      const cov = sxy / n - (sx / n) * (sy / n);
      const vx = sxx / n - (sx / n) ** 2;
      const vy = syy / n - (sy / n) ** 2;
      const d = [...drift.values()].map((v) => v / (n / topItems.length));
      console.log(
        `diag collab: pairs ${n}, corr(pred, true residual) ${(cov / Math.sqrt(vx * vy)).toFixed(3)}, slope ${(cov / vx).toFixed(3)}, sd pred ${Math.sqrt(vx).toFixed(4)} sd true ${Math.sqrt(vy).toFixed(4)}, item drift sd ${Math.sqrt(d.reduce((a, b) => a + b * b, 0) / d.length).toFixed(4)} (rate units)`,
      );
      const rateErr = topItems.map((m) => {
        const slot = model.itemIndex.get(world.catalogue[m].slug);
        return slot === undefined ? NaN : model.rate[slot] - truth.get(m)!;
      });
      console.log(
        `diag collab item rates − truth (top 10): ${rateErr
          .slice(0, 10)
          .map((e) => e.toFixed(3))
          .join(' ')}`,
      );
    }
    console.log(
      `diag: greedy item term ${(value(byTerm) / best).toFixed(3)}, greedy main score ${(value(byMain) / best).toFixed(3)}, greedy mean user's score ${(value(byAvg) / best).toFixed(3)}, empirical rate ${(value(byEmp) / best).toFixed(3)}, refit's item rates ${(value(byBatch) / best).toFixed(3)} of true-popularity value`,
    );
    const top = [...liveList].sort((a, b) => truth.get(b)! - truth.get(a)!).slice(0, 25);
    for (const m of top)
      console.log(
        `  ${world.catalogue[m].slug.padEnd(10)} true ${truth.get(m)!.toFixed(3)} term ${term(m).toFixed(3)} sd ${Math.sqrt(slotOf(m) >= 0 ? state.itemVar[slotOf(m)] : 0).toFixed(3)} emp ${emp(m).toFixed(3)} imps ${imps.get(m) ?? 0} rank(term) ${byTerm.indexOf(m) + 1} launch ${world.catalogue[m].launchDay}`,
      );
  };
  // With the learnt state frozen at the end of the run: what the slates of 3,000 requests are worth (expected plays
  // under the audience's examination, × true popularity) as served, without the random floor, without it and the
  // Thompson spread, and without the person term and histories as well. It separates what serving costs from what
  // the learning has not yet learnt.
  const serveDecomposition = () => {
    const liveList = [...live];
    const exam = (k: number) => 1 / Math.pow(k + 1, 0.8);
    const mean = new Map(liveList.map((m) => [m, Array.from({ length: world.U }, (_, u) => world.playProb(u, m)).reduce((a, b) => a + b) / world.U]));
    const popular = [...liveList].sort((a, b) => mean.get(b)! - mean.get(a)!).slice(0, 10);
    const value = (u: number, order: number[]) => order.slice(0, 10).reduce((a, m, k) => a + exam(k) * world.playProb(u, m), 0);
    const variants: Record<string, { ts?: number; floor?: number; person?: boolean }> = {
      served: {},
      'no spread, no floor': { ts: 1e-9, floor: 0 },
      'no spread, no floor, no person term or history': { ts: 1e-9, floor: 0, person: false },
      'no floor': { floor: 0 },
    };
    const saved = state.config;
    let r = 12345;
    const rand = () => (r = (r * 1103515245 + 12345) % 2147483648) / 2147483648;
    const people = Array.from({ length: 3000 }, () => Math.floor(rand() * world.U));
    const pop = people.reduce((a, u) => a + value(u, popular), 0);
    const out: string[] = [];
    for (const [name, v] of Object.entries(variants)) {
      state.config = { ...saved, ...(v.ts !== undefined ? { thompsonScale: v.ts } : {}) };
      let total = 0;
      for (const u of people) {
        const person = world.people[u];
        const user = buildUserFeatures({ locale: person.locale, platform: person.platform, tier: person.tier }, profiles.get(person.userId) ?? null, now);
        const post = collabOn && v.person !== false ? personPosterior(persons.get(person.userId), state.collab) : null;
        const slate = buildSlate(state, pool!, {
          surface: { slots: 10, explorationBudget: 0.1, randomFloor: v.floor ?? 0.02 },
          user,
          seed: seed++,
          testShare: 0,
          person: post,
          history: v.person === false ? null : historyOf(person.userId),
        });
        total += value(
          u,
          slate.entries.map((e) => bySlug.get(e.itemId)!),
        );
      }
      out.push(`${name} ${(total / pop).toFixed(3)}`);
    }
    state.config = saved;
    console.log(`diag serving, learnt state frozen, × true popularity: ${out.join('; ')}`);
  };
  const t0 = Date.now();
  const r = await runAudience(world, engine, {
    days,
    requestsPerDay: requests,
    seed: Number(process.env.REPLAY_SEED ?? 11),
    onDay: (d: { day: number; engine: number; popularity: number; oracle: number; editorial: number }) =>
      console.log(
        `day ${d.day}: vsPop ${(d.engine / d.popularity).toFixed(3)} vsOracle ${(d.engine / d.oracle).toFixed(3)} vsEditorial ${(d.engine / d.editorial).toFixed(3)} κ ${historyKappa(state.collab)} (${(state.collab?.calib.hist ?? []).map((x) => x.toFixed(0)).join(' ')})`,
      ),
  });
  if (process.env.REPLAY_DIAG) diagnose();
  if (process.env.REPLAY_DIAG) serveDecomposition();
  if (process.env.REPLAY_DIAG) {
    // The learnt "more of what they played" weights (affinity × matching item feature) against their prior mean.
    const dv = state.itemDim;
    const diag = (j: number, k: number) => `${state.wMean[j * dv + k].toFixed(2)}±${Math.sqrt(state.wVar[j * dv + k]).toFixed(2)}`;
    const kinds = ITEM_KINDS.map((_, k) => diag(USER_LAYOUT.kindAffinity + k, ITEM_LAYOUT.kind + k));
    const topics = Array.from({ length: 32 }, (_, b) => diag(USER_LAYOUT.topicAffinity + b, ITEM_LAYOUT.topic + b));
    console.log(`diag affinity weights (prior mean ${state.config.affinityPriorMean}): kinds ${kinds.join(' ')}; topics ${topics.join(' ')}`);
  }
  console.log(
    `replay ${dataDir.split('/').pop()} ${days}x${requests} collab=${collabOn ? 1 : 0}: last3 vsPopularity ${r.lastThreeDays.vsPopularity.toFixed(3)} vsOracle ${r.lastThreeDays.vsOracle.toFixed(3)} vsEditorial ${r.lastThreeDays.vsEditorial.toFixed(3)}; refits ${refits}; history κ ${historyKappa(state.collab)} (evidence ${(state.collab?.calib.hist ?? []).map((x) => x.toFixed(0)).join(' ')}); ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
}

function collabConfig() {
  const env = process.env;
  const out: Record<string, number | boolean> = {};
  if (env.CF_EM) out.learnPriorVar = env.CF_EM === '1';
  for (const [k, name] of [
    ['k', 'CF_K'],
    ['personPriorVar', 'CF_PRIOR'],
    ['noiseVar', 'CF_NOISE'],
    ['itemRidge', 'CF_ITEM_RIDGE'],
    ['thompsonScale', 'CF_TS'],
  ] as const) {
    if (env[name]) out[k] = Number(env[name]);
  }
  return out;
}

void main();
