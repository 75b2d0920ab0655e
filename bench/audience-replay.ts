/**
 * In-process replay of the audience harness (../shared/audience) through the engine classes, for fast iteration on
 * the model: the same world, days, examination and scoring as audience.mjs, with the engine's slate, learner passes
 * (shared model, profiles, collaborative posteriors, scheduled refits) called directly instead of over the API.
 * It is a proxy: the live harness also runs content tests, sticky slates and the real learner timing.
 *   npm run -s build:server && node dist/bench/audience-replay.js [/work/shared/data/xwines] [days] [requests] [collab=1]
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
  createEngineState,
  emptyPerson,
  ItemFeatures,
  Observation,
  PairStats,
  PersonFactors,
  personPosterior,
  refitCollab,
  updatePerson,
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
  const state = createEngineState({ now });
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
  const history: { userId: string; m: number; position: number; ok: boolean }[] = [];
  let sinceRefit = 0;
  let requestsSinceLearn = 0;
  let seed = 1;
  let refits = 0;
  const learn = () => {
    applyObservations(state, pendingObs);
    pendingObs.length = 0;
    applyForgetting(state, now);
    const model = state.collab;
    if (model && collabOn) {
      for (const o of pendingPerson) {
        let p = persons.get(o.userId);
        if (!p || p.model !== model.version) persons.set(o.userId, (p = emptyPerson(model)));
        updatePerson(p, model, o.item, o.theta, o.ok);
      }
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
      state.revision++;
      [...pIdx.keys()].forEach((id, u) => persons.set(id, fit.persons[u]));
      sinceRefit = 0;
      refits++;
    }
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
      const post = collabOn ? personPosterior(persons.get(person.userId), state.collab) : null;
      const slate = buildSlate(state, pool!, { surface: { slots, explorationBudget: 0.1, randomFloor: 0.02 }, user, seed: seed++, testShare: 0, person: post });
      const items = slate.entries.map((e) => ({ index: bySlug.get(e.itemId)!, reason: e.reason, position: e.position }));
      (person as Person & { _user?: Float32Array })._user = user;
      return { items };
    },
    async track(person: Person & { _user?: Float32Array }, events: { type: string; item: { index: number; position: number } }[]) {
      const played = new Set(events.filter((e) => e.type === 'PLAY_START').map((e) => e.item.index));
      let p = profiles.get(person.userId) ?? emptyProfile(now);
      for (const e of events) {
        const f = featuresOf(e.item.index);
        const pos = e.item.position;
        const theta = state.examination[pos - 1];
        if (e.type === 'IMPRESSION') {
          const ok = played.has(e.item.index);
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
  const t0 = Date.now();
  const r = await runAudience(world, engine, {
    days,
    requestsPerDay: requests,
    onDay: (d: { day: number; engine: number; popularity: number; oracle: number; editorial: number }) =>
      console.log(
        `day ${d.day}: vsPop ${(d.engine / d.popularity).toFixed(3)} vsOracle ${(d.engine / d.oracle).toFixed(3)} vsEditorial ${(d.engine / d.editorial).toFixed(3)}`,
      ),
  });
  console.log(
    `replay ${dataDir.split('/').pop()} ${days}x${requests} collab=${collabOn ? 1 : 0}: last3 vsPopularity ${r.lastThreeDays.vsPopularity.toFixed(3)} vsOracle ${r.lastThreeDays.vsOracle.toFixed(3)} vsEditorial ${r.lastThreeDays.vsEditorial.toFixed(3)}; refits ${refits}; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
}

function collabConfig() {
  const env = process.env;
  const out: Record<string, number> = {};
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
