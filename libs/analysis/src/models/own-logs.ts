import { gunzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { InputError } from '@marquee/platform-core';
import { ItemFields } from '@marquee/catalog';
import { ItemDescriptor, SurfacePolicy, buildItemFeatures, denseItemFeatures, describeItem } from '@marquee/placement';

interface LoggedPlacement {
  position: number;
  itemId: string;
  reason: string;
  propensity: number;
  impression: boolean;
  success: boolean;
}

export interface LoggedRequest {
  requestId: string;
  servedAt: Date;
  userId: string;
  userFeatures: Float32Array;
  seed: number;
  stateRevision: number;
  poolFingerprint: string;
  eligibleMask: Buffer;
  testShare: number;
  policy: SurfacePolicy;
  arm: 'live' | 'canary';
  policyVersion: string;
  placements: LoggedPlacement[];
}

/**
 * Refuses up front a request that would only fail in the worker: an evaluation or a training run needs logged
 * (personalised, not fallback) feeds on the surface in its window. `what` names the work in the message.
 */
export async function requireLoggedFeeds(db: DataSource, surface: string, days: number, to: Date, what: 'evaluate' | 'train'): Promise<void> {
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM feed_requests WHERE surface = $1 AND served_at >= $2 AND NOT fallback`, [
    surface,
    new Date(to.getTime() - days * 86_400_000),
  ]);
  if (!n) {
    throw new InputError(
      `There are no logged feeds on "${surface}" in the last ${days} days, so there is nothing to ${what} on. Choose a longer window, or wait for traffic.${what === 'train' ? ' Nothing was queued.' : ''}`,
      [{ field: 'days', message: 'holds no logs' }],
    );
  }
}

/**
 * Marquee's own logs for one surface and window: each personalised request with its logged inputs (user features,
 * pool, eligibility, seed, policy) and its placements labelled by the events that followed. Fallback requests are left
 * out: they have no propensities worth evaluating against.
 */
export async function loadOwnLogs(db: DataSource, surface: string, successEvent: string, from: Date, to: Date, maxRequests: number): Promise<LoggedRequest[]> {
  const reqs: {
    request_id: string;
    served_at: Date;
    user_id: string;
    user_features: number[];
    seed: string;
    state_revision: string;
    pool_fingerprint: string;
    eligible_mask: Buffer;
    test_share: number;
    context: { policy: SurfacePolicy; arm?: 'live' | 'canary' };
    policy_version: string;
  }[] = await db.query(
    `SELECT request_id, served_at, user_id, user_features, seed, state_revision, pool_fingerprint, eligible_mask, test_share, context, policy_version
       FROM feed_requests WHERE surface = $1 AND served_at >= $2 AND served_at < $3 AND NOT fallback AND user_features IS NOT NULL
      ORDER BY served_at DESC LIMIT $4`,
    [surface, from, to, maxRequests],
  );
  if (!reqs.length) return [];
  const ids = reqs.map((r) => r.request_id);
  const placements: { request_id: string; position: number; item_id: string; reason: string; propensity: number }[] = await db.query(
    `SELECT request_id, position, item_id, reason, propensity FROM placements WHERE request_id = ANY($1) ORDER BY request_id, position`,
    [ids],
  );
  const events: { request_id: string; item_id: string; type: string }[] = await db.query(
    `SELECT request_id, item_id, type FROM engagement_events WHERE request_id = ANY($1)`,
    [ids],
  );
  const seen = new Set(events.filter((e) => e.type === 'IMPRESSION').map((e) => `${e.request_id}:${e.item_id}`));
  const won = new Set(events.filter((e) => e.type === successEvent).map((e) => `${e.request_id}:${e.item_id}`));
  const byReq = new Map<string, LoggedPlacement[]>();
  for (const p of placements) {
    const key = `${p.request_id}:${p.item_id}`;
    const list = byReq.get(p.request_id) ?? byReq.set(p.request_id, []).get(p.request_id)!;
    // Logs written before the serving layer capped propensities at 1 may hold a Monte Carlo overshoot.
    list.push({
      position: p.position,
      itemId: p.item_id,
      reason: p.reason,
      propensity: Math.min(1, p.propensity),
      impression: seen.has(key) || won.has(key),
      success: won.has(key),
    });
  }
  return reqs
    .map((r) => ({
      requestId: r.request_id,
      servedAt: new Date(r.served_at),
      userId: r.user_id,
      userFeatures: Float32Array.from(r.user_features),
      seed: Number(r.seed),
      stateRevision: Number(r.state_revision),
      poolFingerprint: r.pool_fingerprint,
      eligibleMask: r.eligible_mask,
      testShare: r.test_share,
      policy: r.context.policy,
      arm: r.context.arm ?? 'live',
      policyVersion: r.policy_version,
      placements: byReq.get(r.request_id) ?? [],
    }))
    .reverse();
}

export interface PoolSnapshot {
  builtAt: number;
  candidates: { descriptor: ItemDescriptor; testWeight: number | null }[];
}

export async function loadPoolSnapshot(db: DataSource, fingerprint: string): Promise<PoolSnapshot | null> {
  const [row] = await db.query('SELECT candidates FROM pool_snapshots WHERE fingerprint = $1', [fingerprint]);
  return row ? (JSON.parse(gunzipSync(row.candidates).toString('utf8')) as PoolSnapshot) : null;
}

/** Dense item features as the engine (and so the TF.js model) sees them, for the items in a set of logs. */
export async function itemFeatureVectors(db: DataSource, itemIds: string[], at: number): Promise<Map<string, number[]>> {
  const rows: { id: string; live_since: Date | null; fields: ItemFields }[] = await db.query(
    `SELECT i.id, i.live_since, coalesce(v.fields, lv.fields) AS fields FROM items i LEFT JOIN item_versions v ON v.id = i.live_version_id JOIN item_versions lv ON lv.id = i.latest_version_id WHERE i.id = ANY($1::uuid[])`,
    [[...new Set(itemIds)]],
  );
  return new Map(rows.map((r) => [r.id, Array.from(denseItemFeatures(buildItemFeatures(describeItem(r.id, r.fields, r.live_since), at)))]));
}
