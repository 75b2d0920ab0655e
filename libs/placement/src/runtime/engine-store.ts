import { gunzipSync, gzipSync } from 'node:zlib';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  ControlStats,
  EngineState,
  PositionCounts,
  createEngineState,
  deserializeState,
  emptyPositionCounts,
  policyVersion,
  serializeState,
  MAX_POSITIONS,
} from '../engine';
import { EngineSnapshotEntity, EngineStateEntity, PoolSnapshotEntity } from './engine-state.entity';

interface Canary {
  modelId: string;
  share: number;
  state: EngineState;
  startedAt: Date;
}

export interface StoredEngine {
  state: EngineState;
  positionCounts: PositionCounts;
  control: ControlStats;
  liveModelId: string | null;
  canary: Canary | null;
}

/** Engine state lives in PostgreSQL: one row per surface, plus a snapshot of every revision for replays. */
@Injectable()
export class EngineStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A cheap version per surface: the live revision plus the canary's identity and revision. */
  async revisions(): Promise<Map<string, string>> {
    const rows: { surface_key: string; v: string }[] = await this.db.query(
      `SELECT surface_key, revision::text || '|' || coalesce(canary_model_id::text, '-') || '|' || coalesce((canary_state->>'revision'), '-') || '|' || canary_share::text AS v FROM engine_states`,
    );
    return new Map(rows.map((r) => [r.surface_key, r.v]));
  }

  /**
   * Loads a surface's engine, creating revision 0 (and its snapshot) the first time anyone asks.
   *
   * `forUpdate` locks the row until `m`'s transaction ends. Every load that is saved back must take it: the learner and
   * the model lifecycle (canary, promote, roll back) both rewrite the whole row, and without the lock the one that
   * read first overwrote the other's change (a promoted model stayed the canary in the engine while its record said
   * live).
   */
  async load(surfaceKey: string, m: EntityManager = this.db.manager, opts: { forUpdate?: boolean } = {}): Promise<StoredEngine> {
    const find = () => m.findOne(EngineStateEntity, { where: { surfaceKey }, ...(opts.forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    let row = await find();
    if (!row) {
      const state = createEngineState({ now: 0 });
      await m
        .createQueryBuilder()
        .insert()
        .into(EngineStateEntity)
        .values({
          surfaceKey,
          policyVersion: policyVersion(state),
          revision: state.revision,
          state: serializeState(state),
          positionCounts: emptyPositionCounts(MAX_POSITIONS),
          control: { impressions: 0, exposure: 0, successes: 0 },
        })
        .orIgnore()
        .execute();
      await this.snapshot(m, surfaceKey, state);
      row = await find();
      if (!row) throw new Error(`The engine state of "${surfaceKey}" vanished while it was being created; retry the operation.`);
    }
    return {
      state: deserializeState(row.state),
      positionCounts: row.positionCounts,
      control: row.control,
      liveModelId: row.liveModelId,
      canary:
        row.canaryModelId && row.canaryState
          ? { modelId: row.canaryModelId, share: row.canaryShare, state: deserializeState(row.canaryState), startedAt: row.canaryStartedAt ?? new Date(0) }
          : null,
    };
  }

  async save(m: EntityManager, surfaceKey: string, e: StoredEngine): Promise<void> {
    await m.update(
      EngineStateEntity,
      { surfaceKey },
      {
        state: serializeState(e.state),
        revision: e.state.revision,
        policyVersion: policyVersion(e.state),
        positionCounts: e.positionCounts,
        control: e.control,
        liveModelId: e.liveModelId,
        canaryModelId: e.canary?.modelId ?? null,
        canaryShare: e.canary?.share ?? 0,
        canaryState: e.canary ? serializeState(e.canary.state) : null,
        canaryStartedAt: e.canary?.startedAt ?? null,
      },
    );
    await this.snapshot(m, surfaceKey, e.state);
    if (e.canary) await this.snapshot(m, `${surfaceKey}#canary`, e.canary.state);
  }

  async snapshot(m: EntityManager, surfaceKey: string, state: EngineState): Promise<void> {
    await m
      .createQueryBuilder()
      .insert()
      .into(EngineSnapshotEntity)
      .values({ surfaceKey, revision: state.revision, state: gzipSync(JSON.stringify(serializeState(state))) })
      .orIgnore()
      .execute();
  }

  async snapshotAt(surfaceKey: string, revision: number): Promise<EngineState | null> {
    const row = await this.db.getRepository(EngineSnapshotEntity).findOne({ where: { surfaceKey, revision } });
    return row ? deserializeState(JSON.parse(gunzipSync(row.state).toString('utf8'))) : null;
  }

  async savePool(surfaceKey: string, fingerprint: string, candidates: unknown): Promise<void> {
    await this.db
      .createQueryBuilder()
      .insert()
      .into(PoolSnapshotEntity)
      .values({ fingerprint, surfaceKey, candidates: gzipSync(JSON.stringify(candidates)) })
      .orIgnore()
      .execute();
  }

  async poolAt(fingerprint: string): Promise<unknown | null> {
    const row = await this.db.getRepository(PoolSnapshotEntity).findOne({ where: { fingerprint } });
    return row ? JSON.parse(gunzipSync(row.candidates).toString('utf8')) : null;
  }

  /** Drops snapshots older than the retention, keeping the latest revision of each surface. */
  async prune(retentionHours: number): Promise<number> {
    const r = await this.db.query(
      `DELETE FROM engine_snapshots s WHERE s.created_at < now() - ($1 || ' hours')::interval
         AND s.revision < (SELECT e.revision FROM engine_states e WHERE e.surface_key = s.surface_key)`,
      [String(retentionHours)],
    );
    const p = await this.db.query(`DELETE FROM pool_snapshots WHERE created_at < now() - ($1 || ' hours')::interval`, [String(retentionHours)]);
    return (r[1] ?? 0) + (p[1] ?? 0);
  }
}
