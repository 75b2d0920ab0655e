import { randomUUID } from 'node:crypto';
import { withDb } from './stack';

/**
 * A surface with `n` live items of its own (a collection no other test uses), written with SQL the way the
 * benchmark seeds its stack: for tests about the client path, where how the items went live does not matter.
 * Start the API afterwards, or wait for its next engine refresh. `minAppVersion` gives item i's minimum app version.
 */
export async function seedSurface(key: string, n = 6, minAppVersion: (i: number) => string | null = () => null): Promise<{ itemIds: string[] }> {
  const collection = `col-${key}`;
  const items = Array.from({ length: n }, (_, i) => {
    const slug = `${key}-item-${i}-${randomUUID().slice(0, 8)}`;
    const fields = {
      slug,
      kind: i % 2 ? 'music' : 'meditation',
      defaultLocale: 'en',
      locales: ['en'],
      localized: { en: { title: `${key} item ${i}`, subtitle: null, description: `Seeded item ${i}.` } },
      durationSeconds: 300 + i,
      media: { audioUrl: `https://cdn.example.com/${slug}.m4a`, videoUrl: null, artworkUrl: null },
      topics: ['sleep'],
      collections: [collection],
      availability: 'free',
      platforms: ['ios', 'android', 'web'],
      minAppVersion: minAppVersion(i),
      attributes: i % 2 ? { artist: 'Seed' } : { narrator: 'Seed' },
      sessions: [],
    };
    return { id: randomUUID(), versionId: randomUUID(), fields };
  });
  await withDb(async (c) => {
    await c.query('BEGIN');
    for (const it of items) {
      await c.query(
        `INSERT INTO items (id, slug, kind, state, default_locale, locales, complete_locales, topics, collections, title, search_text, latest_version_id, latest_version_number, live_version_id, live_since)
         VALUES ($1, $2, $3, 'live', 'en', '{en}', '{en}', '{sleep}', $4, $5, $5, $6, 1, $6, now() - interval '1 day')`,
        [it.id, it.fields.slug, it.fields.kind, [collection], it.fields.localized.en.title, it.versionId],
      );
      await c.query(`INSERT INTO item_versions (id, item_id, number, fields, note) VALUES ($1, $2, 1, $3, 'test seed')`, [
        it.versionId,
        it.id,
        JSON.stringify(it.fields),
      ]);
    }
    await c.query(
      `INSERT INTO surfaces (key, name, description, slots, candidate_rule, success_event, exploration_budget, random_floor, test_quota, test_max_days, diversity, fallback_order, enabled)
       VALUES ($1, $1, 'test seed', 4, $2, 'PLAY_START', 0.1, 0.02, 3000, 14, '{"firstN": 5, "maxPerKind": null, "maxPerTopic": null}', $3::uuid[], true)`,
      [key, JSON.stringify({ kinds: [], topics: [], collections: [collection] }), items.slice(0, 2).map((i) => i.id)],
    );
    await c.query('COMMIT');
  });
  return { itemIds: items.map((i) => i.id) };
}
