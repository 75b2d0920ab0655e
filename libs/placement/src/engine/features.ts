import { hashString } from '@marquee/platform-core';

// Bound once: hot loops then make no global lookups (slow inside sandboxes such as Jest's; see platform-core's random.ts).
const { cos, exp, log, log1p, max, min, pow, sin, PI } = Math;

/** The content kinds the engine one-hot encodes; any other kind encodes as all zeros. */
export const ITEM_KINDS = ['meditation', 'sleep_story', 'music', 'course', 'talk'] as const;

/** Number of hashed topic buckets, shared by user affinities and item topics so the two line up. */
export const TOPIC_BUCKETS = 32;
const COLLECTION_BUCKETS = 4;
const LOCALE_BUCKETS = 4;
const APP_VERSION_BUCKETS = 3;
const PLATFORMS = ['ios', 'android', 'web'] as const;
const TIERS = ['free', 'premium'] as const;
const DAY_MS = 86_400_000;

/** Index layout of the user feature vector; the TF.js side reads this to export weights of the same shape. */
export const USER_LAYOUT = {
  bias: 0,
  platform: 1, // ios, android, web, other
  tier: 5, // free, premium, other
  locale: 8, // hashed language
  hour: 12, // sin, cos of the local hour and of its second harmonic
  hourBucket: 16, // one-hot over six 4-hour parts of the day, for habits a few harmonics cannot draw
  appVersion: 22, // hashed major version
  topicAffinity: 25,
  kindAffinity: 25 + TOPIC_BUCKETS,
  recency: 25 + TOPIC_BUCKETS + ITEM_KINDS.length,
  engagement: 26 + TOPIC_BUCKETS + ITEM_KINDS.length,
  successRate: 27 + TOPIC_BUCKETS + ITEM_KINDS.length,
} as const;
export const USER_DIM = 28 + TOPIC_BUCKETS + ITEM_KINDS.length;

/** Index layout of the item feature vector. */
export const ITEM_LAYOUT = {
  bias: 0,
  kind: 1,
  topic: 1 + ITEM_KINDS.length,
  duration: 1 + ITEM_KINDS.length + TOPIC_BUCKETS, // <6 min, <15 min, <30 min, longer
  availability: 5 + ITEM_KINDS.length + TOPIC_BUCKETS, // free, premium
  freshness: 7 + ITEM_KINDS.length + TOPIC_BUCKETS,
  collection: 8 + ITEM_KINDS.length + TOPIC_BUCKETS,
} as const;
export const ITEM_DIM = 8 + ITEM_KINDS.length + TOPIC_BUCKETS + COLLECTION_BUCKETS;

/** Upper bound on non-zero item features, used to size the packed candidate arrays. */
export const ITEM_MAX_NNZ = 24;

function kindIndex(kind: string): number {
  return (ITEM_KINDS as readonly string[]).indexOf(kind);
}

function topicBucket(topic: string): number {
  return hashString(topic.trim().toLowerCase()) % TOPIC_BUCKETS;
}

/** What the engine needs to know about an item, as the catalogue has it. */
export interface ItemDescriptor {
  id: string;
  kind: string;
  topics: readonly string[];
  collections?: readonly string[];
  durationSeconds?: number | null;
  availability?: string | null;
  /** When the item first went live (ms since epoch, Date or ISO string); null for never. */
  launchedAt?: number | Date | string | null;
}

/** An item's features in sparse form (most of the vector is zero), plus what diversity rules and profiles need. */
export interface ItemFeatures {
  itemId: string;
  /** Index into ITEM_KINDS, or -1 for a kind the engine does not encode. */
  kind: number;
  /** Normalised topic names, for topic diversity rules. */
  topics: readonly string[];
  /** Topic buckets and weights (each 1/number of topics), for profile updates. */
  topicBuckets: Uint8Array;
  topicWeights: Float32Array;
  /** Sparse feature vector: indices into ITEM_LAYOUT and their values. */
  idx: Uint8Array;
  val: Float32Array;
}

function toMs(value: number | Date | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Builds an item's features at instant `now` (freshness decays with age, so rebuild candidate pools at least hourly).
 * Topics are hashed into TOPIC_BUCKETS buckets and averaged, so an item's topic match is the mean of its topics'.
 */
export function buildItemFeatures(item: ItemDescriptor, now: number): ItemFeatures {
  const entries = new Map<number, number>();
  const add = (i: number, v: number) => entries.set(i, (entries.get(i) ?? 0) + v);
  add(ITEM_LAYOUT.bias, 1);
  const kind = kindIndex(item.kind);
  if (kind >= 0) add(ITEM_LAYOUT.kind + kind, 1);
  const topics = [...new Set(item.topics.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0))];
  const bucketWeights = new Map<number, number>();
  for (const t of topics) {
    const b = topicBucket(t);
    bucketWeights.set(b, (bucketWeights.get(b) ?? 0) + 1 / topics.length);
  }
  for (const [b, w] of bucketWeights) add(ITEM_LAYOUT.topic + b, w);
  const d = item.durationSeconds;
  if (d !== null && d !== undefined && Number.isFinite(d)) {
    const bucket = d < 360 ? 0 : d < 900 ? 1 : d < 1800 ? 2 : 3;
    add(ITEM_LAYOUT.duration + bucket, 1);
  }
  if (item.availability === 'premium') add(ITEM_LAYOUT.availability + 1, 1);
  else add(ITEM_LAYOUT.availability, 1);
  const launched = toMs(item.launchedAt);
  if (launched !== null) add(ITEM_LAYOUT.freshness, exp(-max(0, now - launched) / (14 * DAY_MS)));
  for (const c of item.collections ?? []) add(ITEM_LAYOUT.collection + (hashString(c.trim().toLowerCase()) % COLLECTION_BUCKETS), 1);
  const keys = [...entries.keys()].sort((a, b) => a - b);
  const idx = new Uint8Array(keys.length);
  const val = new Float32Array(keys.length);
  keys.forEach((k, i) => {
    idx[i] = k;
    val[i] = entries.get(k) ?? 0;
  });
  const buckets = [...bucketWeights.keys()].sort((a, b) => a - b);
  return {
    itemId: item.id,
    kind,
    topics,
    topicBuckets: Uint8Array.from(buckets),
    topicWeights: Float32Array.from(buckets.map((b) => bucketWeights.get(b) ?? 0)),
    idx,
    val,
  };
}

/** Dense copy of an item's features (for export and tests; the engine itself works on the sparse form). */
export function denseItemFeatures(f: ItemFeatures): Float32Array {
  const out = new Float32Array(ITEM_DIM);
  for (let i = 0; i < f.idx.length; i++) out[f.idx[i]] = f.val[i];
  return out;
}

/** The request context as the client sends it (FeedContextInput). */
export interface RequestContext {
  locale?: string | null;
  platform?: string | null;
  tier?: string | null;
  appVersion?: string | null;
  /** The client's local wall-clock time as an ISO string with offset: its hour digits are used as they are. */
  localTime?: string | null;
  /** Alternative to localTime: local hour of day in [0, 24). */
  localHour?: number | null;
}

/**
 * What the engine learned from one user's own events: decayed counts per topic bucket and kind. Small and
 * JSON-safe, so the caller can keep it in Postgres or Redis.
 */
export interface UserProfile {
  v: 1;
  /** Instant (ms) the counts were last decayed to. */
  at: number;
  topicSuccess: number[];
  topicExposure: number[];
  kindSuccess: number[];
  kindExposure: number[];
  success: number;
  exposure: number;
  lastSuccessAt: number | null;
}

/** The engagement events a profile learns from (the client contract's EngagementType). */
export type ProfileEventType = 'IMPRESSION' | 'OPEN' | 'PLAY_START' | 'COMPLETE' | 'SKIP' | 'DISMISS';

/** Affinity counts halve over this many days, so tastes can change. */
const PROFILE_HALF_LIFE_DAYS = 30;

export function emptyProfile(at = 0): UserProfile {
  return {
    v: 1,
    at,
    topicSuccess: new Array<number>(TOPIC_BUCKETS).fill(0),
    topicExposure: new Array<number>(TOPIC_BUCKETS).fill(0),
    kindSuccess: new Array<number>(ITEM_KINDS.length).fill(0),
    kindExposure: new Array<number>(ITEM_KINDS.length).fill(0),
    success: 0,
    exposure: 0,
    lastSuccessAt: null,
  };
}

function cloneProfile(p: UserProfile): UserProfile {
  return {
    ...p,
    topicSuccess: p.topicSuccess.slice(),
    topicExposure: p.topicExposure.slice(),
    kindSuccess: p.kindSuccess.slice(),
    kindExposure: p.kindExposure.slice(),
  };
}

// Success weight and extra exposure per event: an impression is exposure, a play is success, a skip or a
// dismissal says "not this" more strongly than silence, so it adds exposure without success.
const EVENT_EFFECT: Record<ProfileEventType, { success: number; exposure: number }> = {
  IMPRESSION: { success: 0, exposure: 1 },
  OPEN: { success: 0.5, exposure: 0 },
  PLAY_START: { success: 1, exposure: 0 },
  COMPLETE: { success: 0.5, exposure: 0 },
  SKIP: { success: 0, exposure: 1 },
  DISMISS: { success: 0, exposure: 2 },
};

function decayProfile(p: UserProfile, at: number): void {
  if (at <= p.at) return;
  const f = pow(0.5, (at - p.at) / (PROFILE_HALF_LIFE_DAYS * DAY_MS));
  for (let i = 0; i < p.topicSuccess.length; i++) {
    p.topicSuccess[i] *= f;
    p.topicExposure[i] *= f;
  }
  for (let i = 0; i < p.kindSuccess.length; i++) {
    p.kindSuccess[i] *= f;
    p.kindExposure[i] *= f;
  }
  p.success *= f;
  p.exposure *= f;
  p.at = at;
}

/** Mutating variant of applyEvent for hot loops (the simulator, a batch learner). */
export function applyEventInPlace(p: UserProfile, item: ItemFeatures, type: ProfileEventType, at: number, examination = 1): UserProfile {
  const effect = EVENT_EFFECT[type];
  if (!effect) throw new Error(`Unknown engagement event type "${String(type)}"; use one of ${Object.keys(EVENT_EFFECT).join(', ')}.`);
  decayProfile(p, at);
  const success = effect.success;
  // An impression far down the slate was probably not seen: it counts as the exposure it likely was.
  const exposure = type === 'IMPRESSION' ? effect.exposure * min(1, max(0, examination)) : effect.exposure;
  for (let i = 0; i < item.topicBuckets.length; i++) {
    const b = item.topicBuckets[i];
    const w = item.topicWeights[i];
    p.topicSuccess[b] += success * w;
    p.topicExposure[b] += exposure * w;
  }
  if (item.kind >= 0) {
    p.kindSuccess[item.kind] += success;
    p.kindExposure[item.kind] += exposure;
  }
  p.success += success;
  p.exposure += exposure;
  if (success > 0 && (p.lastSuccessAt === null || at > p.lastSuccessAt)) p.lastSuccessAt = at;
  return p;
}

/**
 * Returns a new profile with one engagement event applied (the input is not changed). For an IMPRESSION, pass the
 * examination probability θ of the position it was served at (engine state `examination[position - 1]`), so
 * impressions nobody looked at do not read as dislikes.
 */
export function applyEvent(profile: UserProfile | null, item: ItemFeatures, type: ProfileEventType, at: number, examination = 1): UserProfile {
  const p = profile ? cloneProfile(profile) : emptyProfile(at);
  return applyEventInPlace(p, item, type, at, examination);
}

function hourOf(ctx: RequestContext): number | null {
  if (typeof ctx.localHour === 'number' && Number.isFinite(ctx.localHour)) return ((ctx.localHour % 24) + 24) % 24;
  if (typeof ctx.localTime === 'string') {
    const m = /T(\d{2}):(\d{2})/.exec(ctx.localTime);
    if (m) return Number(m[1]) + Number(m[2]) / 60;
  }
  return null;
}

// Shrunken log lift: how much more often the user succeeds on this topic than on average, pulled towards 0 by
// two pseudo-successes at the user's own rate, so it is small until the evidence is real and then estimates the
// effect size itself (not its significance, which would keep growing with exposure).
function affinity(success: number, exposure: number, rate: number): number {
  const lift = log((success + 2) / (rate * exposure + 2));
  return lift < -2 ? -2 : lift > 2 ? 2 : lift;
}

/**
 * Writes the user feature vector for a request into `out` (length USER_DIM): context one-hots, cyclic local
 * hour, and what the profile says, decayed to `at`. Returns `out`.
 */
export function writeUserFeatures(out: Float32Array, ctx: RequestContext, profile: UserProfile | null, at: number): Float32Array {
  out.fill(0);
  out[USER_LAYOUT.bias] = 1;
  const platform = (ctx.platform ?? '').toLowerCase();
  const pi = (PLATFORMS as readonly string[]).indexOf(platform);
  out[USER_LAYOUT.platform + (pi >= 0 ? pi : 3)] = 1;
  const tier = (ctx.tier ?? '').toLowerCase();
  const ti = (TIERS as readonly string[]).indexOf(tier);
  out[USER_LAYOUT.tier + (ti >= 0 ? ti : 2)] = 1;
  if (ctx.locale) out[USER_LAYOUT.locale + (hashString(ctx.locale.toLowerCase().split(/[-_]/)[0]) % LOCALE_BUCKETS)] = 1;
  const hour = hourOf(ctx);
  if (hour !== null) {
    const a = (2 * PI * hour) / 24;
    out[USER_LAYOUT.hour] = sin(a);
    out[USER_LAYOUT.hour + 1] = cos(a);
    out[USER_LAYOUT.hour + 2] = sin(2 * a);
    out[USER_LAYOUT.hour + 3] = cos(2 * a);
    out[USER_LAYOUT.hourBucket + min(5, (hour / 4) | 0)] = 1;
  }
  if (ctx.appVersion) {
    const major = ctx.appVersion.trim().split('.')[0];
    out[USER_LAYOUT.appVersion + (hashString(major) % APP_VERSION_BUCKETS)] = 1;
  }
  if (profile) {
    const f = at > profile.at ? pow(0.5, (at - profile.at) / (PROFILE_HALF_LIFE_DAYS * DAY_MS)) : 1;
    const success = profile.success * f;
    const exposure = profile.exposure * f;
    // Shrunk towards a typical 8% so a new user's rate is not 0 or 1 after one event.
    const rate = (success + 0.8) / (exposure + 10);
    for (let b = 0; b < TOPIC_BUCKETS; b++) {
      out[USER_LAYOUT.topicAffinity + b] = affinity(profile.topicSuccess[b] * f, profile.topicExposure[b] * f, rate);
    }
    for (let k = 0; k < ITEM_KINDS.length; k++) {
      out[USER_LAYOUT.kindAffinity + k] = affinity(profile.kindSuccess[k] * f, profile.kindExposure[k] * f, rate);
    }
    if (profile.lastSuccessAt !== null) out[USER_LAYOUT.recency] = exp(-max(0, at - profile.lastSuccessAt) / (7 * DAY_MS));
    out[USER_LAYOUT.engagement] = min(1, log1p(success) / log1p(50));
    out[USER_LAYOUT.successRate] = min(2, rate / 0.1) - 0.8;
  }
  return out;
}

/** Builds the user feature vector for a request (see writeUserFeatures). */
export function buildUserFeatures(ctx: RequestContext, profile: UserProfile | null, at: number): Float32Array {
  return writeUserFeatures(new Float32Array(USER_DIM), ctx, profile, at);
}
