import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Rng } from '@marquee/platform-core';
import type { ItemFields } from '@marquee/catalog';
import {
  Observation,
  UserProfile,
  applyEventInPlace,
  applyObservations,
  buildItemFeatures,
  buildUserFeatures,
  createEngineState,
  emptyPositionCounts,
  emptyProfile,
  MAX_POSITIONS,
  policyVersion,
  serializeState,
} from '../../libs/placement/src/engine';
import { withClient } from './stack';
import { TOPICS } from './topics';

export const SURFACE_KEY = 'bench';
export const SLOTS = 20;
const KINDS = ['meditation', 'sleep_story', 'music', 'talk'];
const DAY = 86_400_000;

export interface SeedOptions {
  items: number;
  /** Users given a stored profile (learned affinities), as `${userPrefix}${n}` for n in [0, profiles). */
  profiles: number;
  /** Synthetic impressions the engine state is trained on before the API starts (0: prior only). */
  trainImpressions: number;
  /** Running content tests on the surface. */
  contentTests: number;
}

export interface Seeded {
  apiKey: string;
  apiKeyId: string;
  itemIds: string[];
  userPrefix: string;
  profiles: number;
  engineRevision: number;
  trainImpressions: number;
  contentTests: number;
  pins: number;
  seedMs: number;
}

interface SeedItem {
  id: string;
  versionId: string;
  liveSince: number;
  fields: ItemFields;
}

function makeItems(n: number, rng: Rng, now: number): SeedItem[] {
  const out: SeedItem[] = [];
  for (let i = 0; i < n; i++) {
    const kind = KINDS[i % KINDS.length];
    const t1 = TOPICS[rng.int(TOPICS.length)];
    let t2 = TOPICS[rng.int(TOPICS.length)];
    if (t2 === t1) t2 = TOPICS[(TOPICS.indexOf(t1) + 1) % TOPICS.length];
    const slug = `bench-${kind.replace('_', '-')}-${i}`;
    const title = `${t1[0].toUpperCase()}${t1.slice(1)} ${kind.replace('_', ' ')} ${i}`;
    const fields: ItemFields = {
      slug,
      kind,
      defaultLocale: 'en',
      locales: i % 3 === 0 ? ['en', 'de'] : ['en'],
      localized: {
        en: { title, subtitle: `A ${kind.replace('_', ' ')} about ${t1} and ${t2}`, description: `Benchmark item ${i}: ${t1}, ${t2}.` },
        ...(i % 3 === 0 ? { de: { title: `${title} (de)`, subtitle: null, description: `Benchmark-Inhalt ${i}.` } } : {}),
      },
      durationSeconds: 120 + rng.int(3600),
      media: { audioUrl: `https://cdn.example.com/audio/${slug}.m4a`, videoUrl: null, artworkUrl: `https://cdn.example.com/art/${slug}.jpg` },
      topics: [t1, t2],
      collections: rng.next() < 0.3 ? [`collection-${rng.int(8)}`] : [],
      availability: 'free',
      platforms: ['ios', 'android', 'web'],
      minAppVersion: null,
      attributes: kind === 'music' ? { artist: 'Bench Ensemble' } : { narrator: 'Bench Narrator' },
      sessions: [],
    };
    out.push({ id: randomUUID(), versionId: randomUUID(), liveSince: now - rng.int(200) * DAY - rng.int(DAY), fields });
  }
  return out;
}

function userContext(rng: Rng) {
  return { locale: 'en', platform: ['ios', 'android', 'web'][rng.int(3)], tier: 'free', appVersion: '5.2.0', localHour: rng.next() * 24 };
}

function roundProfile(p: UserProfile): UserProfile {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return {
    ...p,
    topicSuccess: p.topicSuccess.map(r),
    topicExposure: p.topicExposure.map(r),
    kindSuccess: p.kindSuccess.map(r),
    kindExposure: p.kindExposure.map(r),
    success: r(p.success),
    exposure: r(p.exposure),
  };
}

/**
 * Seeds a surface "bench" with `items` live items (all eligible for the benchmark's viewer), an API key, an engine
 * state trained on synthetic traffic over those very items, running content tests, a pin and user profiles.
 * Everything goes in with SQL, before the API starts (it loads surfaces and engine state at start-up).
 */
export async function seed(databaseUrl: string, o: SeedOptions): Promise<Seeded> {
  const started = Date.now();
  const now = Date.now();
  const rng = new Rng('marquee-bench');
  const items = makeItems(o.items, rng, now);
  const features = items.map((it) =>
    buildItemFeatures(
      {
        id: it.id,
        kind: it.fields.kind,
        topics: it.fields.topics,
        collections: it.fields.collections,
        durationSeconds: it.fields.durationSeconds,
        availability: it.fields.availability,
        launchedAt: it.liveSince,
      },
      now,
    ),
  );

  // An engine state with the posterior widths of steady traffic, trained on these items.
  const state = createEngineState({ now });
  const quality = items.map(() => rng.normal() * 0.5);
  const trainers: UserProfile[] = Array.from({ length: 500 }, () => emptyProfile(now));
  const batch: Observation[] = [];
  for (let t = 0; t < o.trainImpressions; t++) {
    const u = rng.int(trainers.length);
    const i = rng.int(items.length);
    const position = 1 + rng.int(SLOTS);
    const success = rng.next() < (1 / Math.sqrt(position)) * (1 / (1 + Math.exp(-(-2.2 + quality[i]))));
    batch.push({ user: buildUserFeatures(userContext(rng), trainers[u], now), item: features[i], position, success });
    applyEventInPlace(trainers[u], features[i], 'IMPRESSION', now);
    if (success) applyEventInPlace(trainers[u], features[i], 'PLAY_START', now);
    if (batch.length === 1000) applyObservations(state, batch.splice(0));
  }
  applyObservations(state, batch);

  // 200 distinct learned profiles, shared round-robin by the seeded users.
  const profiles = Array.from({ length: 200 }, () => {
    const p = emptyProfile(now);
    for (let e = 0; e < 40; e++) {
      const f = features[rng.int(features.length)];
      applyEventInPlace(p, f, 'IMPRESSION', now - rng.int(30) * DAY);
      if (rng.next() < 0.25) applyEventInPlace(p, f, 'PLAY_START', now - rng.int(30) * DAY);
    }
    return roundProfile(p);
  });

  const apiKey = `mq_${randomBytes(20).toString('hex')}`;
  const userPrefix = 'bench-user-';
  let apiKeyId = '';
  const tests = items
    .slice()
    .sort((a, b) => b.liveSince - a.liveSince)
    .slice(0, o.contentTests);

  await withClient(databaseUrl, async (c) => {
    await c.query('BEGIN');
    await c.query(
      `INSERT INTO items (id, slug, kind, state, default_locale, locales, complete_locales, topics, collections, title, search_text,
                          latest_version_id, latest_version_number, live_version_id, live_since, created_at, updated_at)
       SELECT (r->>'id')::uuid, r->>'slug', r->>'kind', 'live', 'en',
              ARRAY(SELECT jsonb_array_elements_text(r->'locales')), ARRAY(SELECT jsonb_array_elements_text(r->'locales')),
              ARRAY(SELECT jsonb_array_elements_text(r->'topics')), ARRAY(SELECT jsonb_array_elements_text(r->'collections')),
              r->>'title', r->>'search', (r->>'versionId')::uuid, 1, (r->>'versionId')::uuid, to_timestamp((r->>'liveSince')::float8 / 1000), now(), now()
         FROM jsonb_array_elements($1::jsonb) r`,
      [
        JSON.stringify(
          items.map((it) => ({
            id: it.id,
            versionId: it.versionId,
            slug: it.fields.slug,
            kind: it.fields.kind,
            locales: it.fields.locales,
            topics: it.fields.topics,
            collections: it.fields.collections,
            title: it.fields.localized.en.title,
            search: `${it.fields.slug} ${it.fields.localized.en.title} ${it.fields.localized.en.subtitle}`,
            liveSince: it.liveSince,
          })),
        ),
      ],
    );
    await c.query(
      `INSERT INTO item_versions (id, item_id, number, fields, note, created_at)
       SELECT (r->>'id')::uuid, (r->>'itemId')::uuid, 1, r->'fields', 'benchmark seed', now() FROM jsonb_array_elements($1::jsonb) r`,
      [JSON.stringify(items.map((it) => ({ id: it.versionId, itemId: it.id, fields: it.fields })))],
    );
    const {
      rows: [surface],
    } = await c.query(
      `INSERT INTO surfaces (key, name, description, slots, candidate_rule, success_event, exploration_budget, random_floor, test_quota, test_max_days,
                             diversity, fallback_order, enabled, created_at, updated_at)
       VALUES ($1, 'Benchmark home', 'Seeded by bench/run-all', $2, '{"kinds": [], "topics": [], "collections": []}', 'PLAY_START', 0.1, 0.02, 3000, 14,
               '{"firstN": 5, "maxPerKind": null, "maxPerTopic": null}', $3::uuid[], true, now(), now())
       RETURNING id`,
      [SURFACE_KEY, SLOTS, items.slice(0, 50).map((i) => i.id)],
    );
    await c.query(`INSERT INTO surface_pins (surface_id, item_id, position, starts_at, ends_at) VALUES ($1, $2, 3, now() - interval '1 hour', NULL)`, [
      surface.id,
      items[1].id,
    ]);
    for (const t of tests) {
      await c.query(
        `INSERT INTO content_tests (surface_key, item_id, status, quota, max_days, started_at, impressions, exposure, successes)
         VALUES ($1, $2, 'RUNNING', 3000, 14, now() - interval '2 days', 400, 180, 20)`,
        [SURFACE_KEY, t.id],
      );
    }
    await c.query(
      `INSERT INTO engine_states (surface_key, policy_version, revision, state, position_counts, control, updated_at) VALUES ($1, $2, $3, $4, $5, $6, now())`,
      [
        SURFACE_KEY,
        policyVersion(state),
        state.revision,
        JSON.stringify(serializeState(state)),
        JSON.stringify(emptyPositionCounts(MAX_POSITIONS)),
        JSON.stringify({ impressions: 0, exposure: 0, successes: 0 }),
      ],
    );
    await c.query(`INSERT INTO engine_snapshots (surface_key, revision, state) VALUES ($1, $2, $3)`, [
      SURFACE_KEY,
      state.revision,
      gzipSync(JSON.stringify(serializeState(state))),
    ]);
    await c.query(`INSERT INTO user_profiles (user_id, profile, updated_at) SELECT $1 || g, ($2::jsonb) -> (g % $3), now() FROM generate_series(0, $4 - 1) g`, [
      userPrefix,
      JSON.stringify(profiles),
      profiles.length,
      o.profiles,
    ]);
    const {
      rows: [key],
    } = await c.query(`INSERT INTO api_keys (name, prefix, key_hash) VALUES ('benchmark client', $1, $2) RETURNING id`, [
      apiKey.slice(0, 10),
      createHash('sha256').update(apiKey).digest('hex'),
    ]);
    apiKeyId = key.id;
    await c.query('COMMIT');
    await c.query('ANALYZE');
  });

  return {
    apiKey,
    apiKeyId,
    itemIds: items.map((i) => i.id),
    userPrefix,
    profiles: o.profiles,
    engineRevision: state.revision,
    trainImpressions: o.trainImpressions,
    contentTests: tests.length,
    pins: 1,
    seedMs: Date.now() - started,
  };
}
