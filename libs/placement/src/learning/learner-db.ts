import { EntityManager } from 'typeorm';
import { ItemFields } from '@marquee/catalog';
import { ItemFeatures, PersonFactors, PersonHistory, ProfileEventType, buildItemFeatures } from '../engine';
import { describeItem } from '../runtime/engine-runtime';

/**
 * The learner's reads and writes shared by its fold (learner.service.ts) and the collaborative refit that runs beside
 * it (collab-refit.ts): watermarks, item features, labelled impressions and person posteriors.
 */

export interface EventRow {
  id: string;
  type: ProfileEventType;
  request_id: string;
  item_id: string;
  position: number;
  reason: string;
  surface: string;
  user_id: string;
  occurred_at: Date;
}

/** The fold's advisory lock (transaction level): one fold at a time, and the refit's short write takes it too. */
export const LEARNER_LOCK = 46_170_001;

export async function watermark(m: EntityManager, name: string): Promise<number> {
  const [row] = await m.query('SELECT last_event_id FROM learner_watermarks WHERE name = $1', [name]);
  return row ? Number(row.last_event_id) : 0;
}

export async function setWatermark(m: EntityManager, name: string, id: number): Promise<void> {
  await m.query(
    `INSERT INTO learner_watermarks (name, last_event_id, updated_at) VALUES ($1, $2, now()) ON CONFLICT (name) DO UPDATE SET last_event_id = EXCLUDED.last_event_id, updated_at = now()`,
    [name, id],
  );
}

export async function itemFeatures(m: EntityManager, ids: string[], now: number): Promise<Map<string, ItemFeatures>> {
  const rows: { id: string; live_since: Date | null; fields: ItemFields }[] = await m.query(
    `SELECT i.id, i.live_since, coalesce(v.fields, lv.fields) AS fields FROM items i LEFT JOIN item_versions v ON v.id = i.live_version_id JOIN item_versions lv ON lv.id = i.latest_version_id WHERE i.id = ANY($1::uuid[])`,
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, buildItemFeatures(describeItem(r.id, r.fields, r.live_since), now)]));
}

/** A served item the model pass learns from: its first event after the watermark, its label and its features. */
export interface LabelledImpression {
  e: EventRow;
  success: boolean;
  user: Float32Array;
  item: ItemFeatures;
}

/**
 * The model pass's labelling of `events` (ids above `wm`, in id order): each (request, item) once, at its first event
 * above the watermark, labelled by whether the surface's success event followed; fallback slates and requests without
 * logged user features are skipped. The fold and the refit's catch-up both label through here, so a catch-up over
 * the ids the folds took in several batches yields the same impressions the folds did, each once.
 */
export async function labelImpressions(
  m: EntityManager,
  events: EventRow[],
  wm: number,
  successEventOf: Map<string, string>,
  now: number,
): Promise<LabelledImpression[]> {
  if (!events.length) return [];
  const requests = [...new Set(events.map((e) => e.request_id))];
  const done: { request_id: string; item_id: string }[] = await m.query(
    `SELECT DISTINCT request_id, item_id FROM engagement_events WHERE id <= $1 AND request_id = ANY($2)`,
    [wm, requests],
  );
  const doneKeys = new Set(done.map((d) => `${d.request_id}:${d.item_id}`));
  const all: EventRow[] = await m.query(`SELECT type, request_id, item_id FROM engagement_events WHERE request_id = ANY($1)`, [requests]);
  const success = new Set<string>();
  const surfaceOf = new Map(events.map((e) => [e.request_id, e.surface]));
  for (const e of all) if (e.type === successEventOf.get(surfaceOf.get(e.request_id)!)) success.add(`${e.request_id}:${e.item_id}`);
  const feats: { request_id: string; user_features: number[] | null }[] = await m.query(
    `SELECT request_id, user_features FROM feed_requests WHERE request_id = ANY($1)`,
    [requests],
  );
  const userFeatures = new Map(feats.filter((f) => f.user_features).map((f) => [f.request_id, Float32Array.from(f.user_features!)]));
  const features = await itemFeatures(
    m,
    events.map((e) => e.item_id),
    now,
  );
  const out: LabelledImpression[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    const key = `${e.request_id}:${e.item_id}`;
    if (doneKeys.has(key) || seen.has(key)) continue;
    seen.add(key);
    const user = userFeatures.get(e.request_id);
    const item = features.get(e.item_id);
    if (!user || !item || e.reason === 'FALLBACK') continue;
    out.push({ e, success: success.has(key), user, item });
  }
  return out;
}

/** Stored posteriors keep 6 significant digits: plenty for a k×k precision, and a third of the JSON. */
export function personJson(p: PersonFactors): string {
  const r = (x: number) => Number(x.toPrecision(6));
  return JSON.stringify({ v: 1, model: p.model, prec: p.prec.map(r), b: p.b.map(r), n: p.n });
}

/** A history as stored (engine/collab.ts PersonHistory). */
export function historyJson(h: PersonHistory): string {
  return JSON.stringify(h);
}

/**
 * Upserts posteriors given as JSON (personJson), 5,000 people per statement. With `histories` (historyJson, the
 * learner's fold) each person's history is written in the same statement; without (the refit) it is left as it is.
 */
export async function savePersonsJson(m: EntityManager, surfaceKey: string, json: Map<string, string>, histories?: Map<string, string>): Promise<void> {
  const ids = [...json.keys()];
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    if (histories) {
      await m.query(
        `INSERT INTO person_factors (user_id, surface_key, factors, history, updated_at)
         SELECT u, $1, f::jsonb, h::jsonb, now() FROM unnest($2::text[], $3::text[], $4::text[]) AS t(u, f, h)
         ON CONFLICT (user_id, surface_key) DO UPDATE SET factors = EXCLUDED.factors, history = coalesce(EXCLUDED.history, person_factors.history), updated_at = now()`,
        [surfaceKey, chunk, chunk.map((id) => json.get(id)!), chunk.map((id) => histories.get(id) ?? null)],
      );
    } else {
      await m.query(
        `INSERT INTO person_factors (user_id, surface_key, factors, updated_at) SELECT u, $1, f::jsonb, now() FROM unnest($2::text[], $3::text[]) AS t(u, f)
         ON CONFLICT (user_id, surface_key) DO UPDATE SET factors = EXCLUDED.factors, updated_at = now()`,
        [surfaceKey, chunk, chunk.map((id) => json.get(id)!)],
      );
    }
  }
}
