import { SeededRandom } from '../engine/random';
import { buildItemFeatures, ITEM_KINDS, ItemFeatures, RequestContext } from '../engine/features';

// Bound once: the simulator's loops then make no global lookups (slow inside Jest's sandbox).
const { exp, floor, max, min, sqrt, log, cos, imul, PI } = Math;

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const SIM_START = Date.UTC(2026, 2, 2);

export const TOPICS = [
  'sleep',
  'anxiety',
  'focus',
  'stress',
  'relationships',
  'kids',
  'nature',
  'breathing',
  'movement',
  'work',
  'self-esteem',
  'gratitude',
] as const;

/** A hidden-preference segment: what its members tend to like, and when and how they use the app. */
export interface Segment {
  name: string;
  kindPref: number[];
  topicBoost: Partial<Record<(typeof TOPICS)[number], number>>;
  hour: number;
  platform: [number, number, number];
  premium: number;
  weight: number;
}

export const SEGMENTS: readonly Segment[] = [
  {
    name: 'sleepers',
    kindPref: [0, 1.1, 0.5, -0.8, -0.5],
    topicBoost: { sleep: 1.0, nature: 0.4, breathing: 0.3 },
    hour: 22,
    platform: [0.6, 0.3, 0.1],
    premium: 0.3,
    weight: 0.3,
  },
  {
    name: 'busy professionals',
    kindPref: [0.8, -0.5, -0.2, 0, 0.4],
    topicBoost: { stress: 0.9, focus: 0.6, work: 0.7, anxiety: 0.4 },
    hour: 8,
    platform: [0.4, 0.5, 0.1],
    premium: 0.5,
    weight: 0.3,
  },
  {
    name: 'learners',
    kindPref: [0.2, -0.6, -0.6, 1.0, 0.6],
    topicBoost: { 'self-esteem': 0.8, relationships: 0.8, gratitude: 0.5 },
    hour: 19,
    platform: [0.3, 0.3, 0.4],
    premium: 0.4,
    weight: 0.2,
  },
  {
    name: 'music and focus',
    kindPref: [0, 0.1, 1.2, -0.4, -0.4],
    topicBoost: { focus: 0.9, nature: 0.6, movement: 0.5 },
    hour: 15,
    platform: [0.3, 0.6, 0.1],
    premium: 0.2,
    weight: 0.2,
  },
];

/** Spread of each person's own tastes around the segment's (logit scale), and of their habits. */
export const KIND_TASTE_SD = 0.5;
export const TOPIC_TASTE_SD = 0.6;
export const USER_HOUR_SD = 1.5;
export const VISIT_HOUR_SD = 2;

export interface SimUser {
  index: number;
  segment: number;
  kindPref: Float64Array;
  topicPref: Float64Array;
  bias: number;
  activity: number;
  hour: number;
  platform: string;
  tier: 'free' | 'premium';
  locale: string;
  appVersion: string;
  /** Latent-taste world only: the person's hidden factor vector. */
  latent?: Float64Array;
}

export interface SimItem {
  index: number;
  id: string;
  kind: number;
  topics: number[];
  durationSeconds: number;
  premium: boolean;
  quality: number;
  editorial: number;
  launchedAt: number;
  /** Launched during the simulation (so it gets a content test). */
  isNew: boolean;
  /** Mean success probability when examined, over the user population: the item's "true rate". */
  trueRate: number;
  features: ItemFeatures;
  /** Latent-taste world only: the item's hidden factor vector (independent of its kind and topics). */
  latent?: Float64Array;
}

export interface Visit {
  user: number;
  at: number;
  hour: number;
}

/** Everything hidden from the policies: users' tastes, items' quality, the examination curve. */
export interface World {
  seed: number;
  users: SimUser[];
  items: SimItem[];
  launches: number[][];
  visits: Visit[][];
  examination: Float64Array;
  base: number;
  /** How much of the kind and topic tastes each person shows (1 in the segment world). */
  observableTaste: number;
  /** Latent-taste world: sd of each hidden coordinate (0 in the segment world). */
  latentSd: number;
}

/**
 * The latent-taste world: people and items get hidden k-dimensional factor vectors, and a person's taste for an item
 * gains their dot product; no topic or kind reveals it (drawn from its own random stream, so the other worlds'
 * figures are unchanged). Calibrated so that the per-person oracle earns about 1.4× true popularity, like the
 * movie-ratings audience of issue 9 (see docs/placement-engine.md, "Latent-taste world").
 */
export interface LatentTaste {
  dim: number;
  /** Standard deviation of each coordinate, people and items alike (logit scale; the dot product has sd √dim·sd²). */
  sd: number;
  /** Scale of the segment world's kind and topic tastes kept beside the latent ones. */
  observable: number;
}

export const LATENT_WORLD: LatentTaste = { dim: 6, sd: 0.47, observable: 0.3 };

function sigmoid(x: number): number {
  return 1 / (1 + exp(-x));
}

function normal(rng: SeededRandom): number {
  const u = max(1e-12, rng.next());
  return sqrt(-2 * log(u)) * cos(2 * PI * rng.next());
}

function pick(rng: SeededRandom, weights: readonly number[]): number {
  let u = rng.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

function poisson(rng: SeededRandom, lambda: number): number {
  const l = exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > l) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Examination when shown at 1-based position k: a smooth decline, not the power law the estimator fits. */
function trueExamination(k: number): number {
  return 1 / (1 + 0.3 * (k - 1));
}

/** P(success | examined) for a user and item at a local hour. */
export function successProbability(w: World, u: SimUser, it: SimItem, hour: number): number {
  let topic = 0;
  for (const t of it.topics) topic += u.topicPref[t];
  topic /= it.topics.length;
  let x = w.base + u.bias + it.quality + w.observableTaste * (u.kindPref[it.kind] + topic);
  if (u.latent && it.latent) for (let a = 0; a < u.latent.length; a++) x += u.latent[a] * it.latent[a];
  // Sleep stories work at night and little by day; free users mostly bounce off premium items.
  if (it.kind === 1) x += hour >= 20 || hour < 3 ? 0.5 : -0.4;
  if (it.premium && u.tier === 'free') x -= 0.7;
  return sigmoid(x);
}

function makeItem(rng: SeededRandom, index: number, launchedAt: number, isNew: boolean): Omit<SimItem, 'trueRate'> {
  const kind = rng.int(ITEM_KINDS.length);
  const nTopics = 1 + (rng.next() < 0.5 ? 1 : 0);
  const topics: number[] = [];
  while (topics.length < nTopics) {
    const t = rng.int(TOPICS.length);
    if (!topics.includes(t)) topics.push(t);
  }
  const durationSeconds = [600, 1800, 1500, 900, 1200][kind] * (0.5 + rng.next());
  const premium = rng.next() < 0.25;
  const quality = normal(rng) * 0.55;
  const id = `${isNew ? 'new' : 'item'}-${index}`;
  return {
    index,
    id,
    kind,
    topics,
    durationSeconds: floor(durationSeconds),
    premium,
    quality,
    // Editors know quality only roughly.
    editorial: quality + normal(rng) * 0.7,
    launchedAt,
    isNew,
    features: buildItemFeatures(
      {
        id,
        kind: ITEM_KINDS[kind],
        topics: topics.map((t) => TOPICS[t]),
        collections: [],
        durationSeconds: floor(durationSeconds),
        availability: premium ? 'premium' : 'free',
        launchedAt,
      },
      launchedAt,
    ),
  };
}

export interface WorldOptions {
  seed: number;
  users: number;
  days: number;
  initialItems: number;
  launchesPerDay: number;
  visitsPerUserPerDay: number;
  /**
   * A later period of the same world: with it, the users and the established catalogue are the ones `seed` builds,
   * but the new items launched and every visit come from their own stream, seeded by this. Without it (the
   * default) everything comes from `seed`, as it always has.
   */
  launchSeed?: number;
  /** The latent-taste world (see LatentTaste); absent for the segment world. */
  latent?: LatentTaste | null;
}

/** Builds users, the catalogue, the launch schedule and every visit, all from the seed. */
export function buildWorld(o: WorldOptions): World {
  const rng = new SeededRandom(`world:${o.seed}`);
  const users: SimUser[] = [];
  for (let i = 0; i < o.users; i++) {
    const s = pick(
      rng,
      SEGMENTS.map((x) => x.weight),
    );
    const seg = SEGMENTS[s];
    const kindPref = new Float64Array(ITEM_KINDS.length);
    for (let k = 0; k < kindPref.length; k++) kindPref[k] = seg.kindPref[k] + normal(rng) * KIND_TASTE_SD;
    const topicPref = new Float64Array(TOPICS.length);
    TOPICS.forEach((t, k) => {
      topicPref[k] = (seg.topicBoost[t] ?? 0) + normal(rng) * TOPIC_TASTE_SD;
    });
    const tier = rng.next() < seg.premium ? 'premium' : 'free';
    users.push({
      index: i,
      segment: s,
      kindPref,
      topicPref,
      bias: normal(rng) * 0.3,
      // Gamma(2) activity: a few heavy users, many occasional ones.
      activity: (o.visitsPerUserPerDay * (-log(max(1e-12, rng.next())) - log(max(1e-12, rng.next())))) / 2,
      hour: seg.hour + normal(rng) * USER_HOUR_SD,
      platform: ['ios', 'android', 'web'][pick(rng, seg.platform)],
      tier,
      locale: ['en', 'de', 'fr', 'es'][pick(rng, [0.5, 0.2, 0.15, 0.15])],
      appVersion: `${4 + rng.int(3)}.2.0`,
    });
  }
  const world: World = {
    seed: o.seed,
    users,
    items: [],
    launches: [],
    visits: [],
    examination: new Float64Array(101),
    base: -2.4,
    observableTaste: o.latent ? o.latent.observable : 1,
    latentSd: o.latent ? o.latent.sd : 0,
  };
  const latentRng = o.latent ? new SeededRandom(`world:${o.seed}:latent`) : null;
  const latentVector = (): Float64Array | undefined => {
    if (!o.latent || !latentRng) return undefined;
    const v = new Float64Array(o.latent.dim);
    for (let a = 0; a < v.length; a++) v[a] = normal(latentRng) * o.latent.sd;
    return v;
  };
  for (const u of users) u.latent = latentVector();
  for (let k = 1; k <= 100; k++) world.examination[k] = trueExamination(k);
  const raw: Omit<SimItem, 'trueRate'>[] = [];
  for (let i = 0; i < o.initialItems; i++) raw.push(makeItem(rng, raw.length, SIM_START - (30 + rng.int(300)) * DAY_MS, false));
  // Launches and visits: the world's own stream, or a later period's (same users and catalogue, new launches).
  const later = o.launchSeed === undefined ? rng : new SeededRandom(`world:${o.seed}:later:${o.launchSeed}`);
  for (let d = 0; d < o.days; d++) {
    const today: number[] = [];
    // The simulation starts in steady state: a backlog of two days of releases enters testing at midnight, and
    // after that releases go out at random hours.
    const count = d === 0 ? 2 * o.launchesPerDay : o.launchesPerDay;
    for (let j = 0; j < count; j++) {
      const at = SIM_START + d * DAY_MS + (d === 0 ? 0 : later.int(24) * HOUR_MS);
      today.push(raw.length);
      raw.push(makeItem(later, raw.length, at, true));
    }
    world.launches.push(today);
  }
  // True rate: the population average when examined, over visits at users' usual hours.
  const sample = users.slice(0, min(users.length, 3000));
  for (const it of raw) (it as { latent?: Float64Array }).latent = latentVector();
  world.items = raw.map((it) => {
    let sum = 0;
    let wsum = 0;
    for (const u of sample) {
      const w = u.activity;
      const hour = ((floor(u.hour) % 24) + 24) % 24;
      sum += w * successProbability(world, u, { ...it, trueRate: 0 }, hour);
      wsum += w;
    }
    return { ...it, trueRate: sum / wsum };
  });
  for (let d = 0; d < o.days; d++) {
    const day: Visit[] = [];
    for (const u of users) {
      const n = poisson(later, u.activity);
      for (let v = 0; v < n; v++) {
        const hour = (((u.hour + normal(later) * VISIT_HOUR_SD) % 24) + 24) % 24;
        day.push({ user: u.index, at: SIM_START + d * DAY_MS + hour * HOUR_MS, hour });
      }
    }
    day.sort((a, b) => a.at - b.at);
    world.visits.push(day);
  }
  return world;
}

export function contextOf(u: SimUser, hour: number): RequestContext {
  return { locale: u.locale, platform: u.platform, tier: u.tier, appVersion: u.appVersion, localHour: hour };
}

/** Deterministic uniform in [0, 1) for common random numbers: the same (request, slot) draws the same luck in every policy. */
export function crn(seed: number, a: number, b: number, c: number): number {
  let h = (seed ^ 0x2545f491) >>> 0;
  h = imul(h ^ a, 0x9e3779b1) >>> 0;
  h = imul(h ^ (h >>> 15) ^ b, 0x85ebca6b) >>> 0;
  h = imul(h ^ (h >>> 13) ^ c, 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 4294967296;
}
