import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, NotFoundError } from '@marquee/platform-core';
import { SlateLog, SurfacePolicy, buildSlate, capServedPropensities } from '../engine';
import { EngineStore } from '../runtime/engine-store';
import { PoolCandidate, buildPool } from '../runtime/engine-runtime';
import { unpackBits } from './feed.service';

interface ReplayedEntry {
  position: number;
  itemId: string;
  reason: string;
  propensity: number;
}

export interface Replay {
  requestId: string;
  identical: boolean;
  logged: ReplayedEntry[];
  replayed: ReplayedEntry[];
}

/**
 * Rebuilds a served slate from its log: the engine snapshot of its revision, the candidate pool by fingerprint, the
 * logged user features, seed, test share and surface policy. Identical output proves the log is complete.
 */
@Injectable()
export class ReplayService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: EngineStore,
  ) {}

  async replay(requestId: string): Promise<Replay> {
    const [req] = await this.db.query(`SELECT * FROM feed_requests WHERE request_id = $1`, [requestId]);
    if (!req)
      throw new NotFoundError(
        'feed request',
        requestId,
        'Feed logs are written within a second of serving; only requests inside the retention window can be replayed.',
      );
    if (req.fallback)
      throw new DomainError('PRECONDITION_FAILED', 'This request was served by the editorial fallback, which is a fixed order: there is nothing to replay.');
    const logged: ReplayedEntry[] = (
      await this.db.query(`SELECT position, item_id, reason, propensity FROM placements WHERE request_id = $1 ORDER BY position`, [requestId])
    ).map((r: { position: number; item_id: string; reason: string; propensity: number }) => ({
      position: r.position,
      itemId: r.item_id,
      reason: r.reason,
      propensity: r.propensity,
    }));
    const state = await this.store.snapshotAt(req.context.arm === 'canary' ? `${req.surface}#canary` : req.surface, Number(req.state_revision));
    if (!state)
      throw new DomainError('PRECONDITION_FAILED', `The engine snapshot of revision ${req.state_revision} is gone (older than SNAPSHOT_RETENTION_HOURS).`);
    const poolSnap = (await this.store.poolAt(req.pool_fingerprint)) as { builtAt: number; candidates: PoolCandidate[] } | null;
    if (!poolSnap) throw new DomainError('PRECONDITION_FAILED', `The candidate pool ${req.pool_fingerprint} is gone (older than SNAPSHOT_RETENTION_HOURS).`);
    const { pool } = buildPool(poolSnap.candidates, poolSnap.builtAt);
    const slate = buildSlate(state, pool, {
      surface: req.context.policy as SurfacePolicy,
      user: Float32Array.from(req.user_features),
      seed: Number(req.seed),
      testShare: req.test_share,
      eligible: unpackBits(req.eligible_mask, pool.size),
      // The person's collaborative posterior as it was served (logged with the slate's context).
      person: req.context.person
        ? { mean: Float64Array.from(req.context.person.mean as number[]), chol: Float64Array.from(req.context.person.chol as number[]) }
        : null,
      // And the person's history with single items it was served with (absent when the slate used none).
      history: (req.context.history as SlateLog['history']) ?? null,
    });
    // As served: capped at 1 (see capServedPropensities).
    capServedPropensities(slate.entries);
    const replayed = slate.entries.map((e) => ({ position: e.position, itemId: e.itemId, reason: e.reason, propensity: e.propensity }));
    // Everything is stored at full precision; the tolerance only absorbs float8 text round-trips.
    const same = (a: ReplayedEntry, b: ReplayedEntry) =>
      a.position === b.position && a.itemId === b.itemId && a.reason === b.reason && Math.abs(a.propensity - b.propensity) < 1e-6;
    const identical = logged.length === replayed.length && logged.every((l, i) => same(l, replayed[i]));
    return { requestId, identical, logged, replayed };
  }
}
