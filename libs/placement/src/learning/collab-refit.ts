import { Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import IORedis from 'ioredis';
import { Clock } from '@marquee/platform-core';
import {
  CollabModel,
  ItemFeatures,
  PairStats,
  PersonFactors,
  PersonObservation,
  RefitResult,
  carriedCalibration,
  foldPersonObservations,
  refitCollabSteps,
  refitDue,
} from '../engine';
import { EngineStore, StoredEngine } from '../runtime/engine-store';
import { announceUserStateChanges } from '../runtime/user-state';
import { SurfaceEntity } from '../surfaces/surface.entity';
import { EventRow, LEARNER_LOCK, itemFeatures, labelImpressions, personJson, savePersonsJson, setWatermark, watermark } from './learner-db';

/** The refit's own advisory lock (session level, held for the whole refit): two workers never refit at once. */
export const REFIT_LOCK = 46_170_002;
/** Collaborative refit schedule (see CollabRefitter.refitSurface). */
const COLLAB_MAX_AGE_MS = 6 * 3_600_000;
const COLLAB_REFIT_MAX_EVENTS = 300_000;
/** Computing yields the event loop after this long, so the fold beside it (same process) is never held up longer. */
const SLICE_MS = 15;
/** How long the refit's write waits for a running fold to finish before giving up (the fold takes well under that). */
const WRITE_LOCK_TIMEOUT = '30s';
/** After a failed refit the surface waits this long before the next attempt, doubling up to the maximum. */
const RETRY_FIRST_MS = 60_000;
const RETRY_MAX_MS = 30 * 60_000;

export interface RefitSummary {
  surface: string;
  version: number;
  persons: number;
  items: number;
  events: number;
  /** Impressions folded while the refit computed, replayed onto its posteriors at the write. */
  caughtUp: number;
  /** Wall time of the whole refit, and of its write transaction (the only part that holds the fold's lock). */
  ms: number;
  writeMs: number;
}

/** Test seams: called between the snapshot's read and the write (e.g. to hold a refit while folds run). */
export interface RefitHooks {
  beforeWrite?(surface: string): Promise<void>;
}

class RefitStopped extends Error {}
class StaleBase extends Error {}

/**
 * The collaborative refit, beside the learner's fold rather than inside it (issue 9: a refit at 300k impressions took
 * seconds, and holding the fold's lock and transaction that long stalled learning).
 *
 * 1. **Snapshot** (its own REPEATABLE READ, read-only transaction, under REFIT_LOCK only): the model watermark W0,
 *    the window of impressions up to it, their labels and item features, and the surface's engine as the base.
 * 2. **Compute** outside any transaction, in slices of SLICE_MS (the fold in the same process keeps running).
 * 3. **Write** in a short transaction that takes the fold's lock (waiting for a running fold to end): refuse a stale
 *    base (the surface's collaborative model is no longer the one the snapshot read), then replay the impressions the
 *    folds took since the snapshot (ids in (W0, W1], W1 the model watermark now) onto the refit's posteriors under the
 *    new factors, and save model, posteriors and the refit watermark W0 together. A person's impressions up to W0 are
 *    in the refit, those in (W0, W1] in the replay, later ones in the next folds: none lost, none counted twice.
 *
 * A failure anywhere leaves everything as it was (the previous model keeps serving) and is retried after a back-off.
 */
export class CollabRefitter {
  private running: Promise<void> | null = null;
  private readonly pending = new Set<string>();
  private readonly retryAt = new Map<string, { at: number; delay: number }>();
  private readonly finished: RefitSummary[] = [];
  private stopping = false;

  constructor(
    private readonly db: DataSource,
    private readonly store: EngineStore,
    private readonly redis: IORedis,
    private readonly redisPrefix: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly hooks: RefitHooks = {},
  ) {}

  /** Checks these surfaces in the background (after the current refit, if one is running). Never throws. */
  kick(surfaces: Iterable<string>): void {
    for (const s of surfaces) this.pending.add(s);
    if (this.running || this.stopping || !this.pending.size) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      // Surfaces kicked while the last run was finishing.
      if (this.pending.size && !this.stopping) this.kick([]);
    });
  }

  /** Resolves once no refit of this process is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Refits that finished since the last call (the learner reports them with its next run). */
  takeFinished(): RefitSummary[] {
    return this.finished.splice(0);
  }

  /** Shutdown: a refit still computing gives up at its next slice (nothing written); a write in progress completes. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.idle();
  }

  private async drain(): Promise<void> {
    const qr = this.db.createQueryRunner();
    let locked = false;
    try {
      await qr.connect();
      [{ locked }] = await qr.query('SELECT pg_try_advisory_lock($1) AS locked', [REFIT_LOCK]);
      if (!locked) {
        // Another worker is refitting; it checks its own surfaces, and ours are kicked again by our next fold.
        this.pending.clear();
        return;
      }
      while (this.pending.size && !this.stopping) {
        const key = this.pending.values().next().value as string;
        this.pending.delete(key);
        const retry = this.retryAt.get(key);
        if (retry && this.clock.nowMs() < retry.at) continue;
        await this.refitSurface(qr, key);
      }
    } catch (e) {
      this.logger.error(
        `The collaborative refit could not start (${(e as Error).message}); every surface keeps its current model. It is tried again at the next fold with new impressions; if this repeats, check the database connection.`,
      );
    } finally {
      if (locked) await qr.query('SELECT pg_advisory_unlock($1)', [REFIT_LOCK]).catch(() => undefined);
      await qr.release().catch(() => undefined);
    }
  }

  /** Refits one surface when due (see the class comment). Failures are logged and scheduled for a retry, never thrown. */
  private async refitSurface(qr: QueryRunner, key: string): Promise<RefitSummary | null> {
    const started = Date.now();
    let phase = 'reading its snapshot';
    let baseVersion = 0;
    try {
      const snap = await this.snapshot(qr, key);
      if (!snap) return null;
      baseVersion = snap.base?.version ?? 0;
      phase = 'computing';
      const fit = await this.compute(snap);
      await this.hooks.beforeWrite?.(key);
      phase = 'writing';
      const writeStarted = Date.now();
      const { caughtUp, users } = await this.write(qr, key, snap, fit);
      const summary: RefitSummary = {
        surface: key,
        version: fit.model.version,
        persons: users.length,
        items: fit.model.itemIds.length,
        events: fit.model.events,
        caughtUp,
        ms: Date.now() - started,
        writeMs: Date.now() - writeStarted,
      };
      this.retryAt.delete(key);
      this.finished.push(summary);
      this.logger.log(
        `Refitted the collaborative model of "${key}" (v${summary.version}: ${summary.items} items, ${summary.persons} people, ${summary.events} impressions, ${caughtUp} more replayed from the folds meanwhile) in ${summary.ms} ms, ${summary.writeMs} ms of it writing.`,
      );
      // Committed: every API process re-reads these people's state.
      await announceUserStateChanges(this.redis, this.redisPrefix, users).catch((e) =>
        this.logger.warn(
          `Could not announce ${users.length} refitted posterior(s) on Redis (${(e as Error).message}); API processes pick them up within USER_STATE_REFRESH_MS.`,
        ),
      );
      return summary;
    } catch (e) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      const prev = this.retryAt.get(key);
      const delay = prev ? Math.min(RETRY_MAX_MS, prev.delay * 2) : RETRY_FIRST_MS;
      this.retryAt.set(key, { at: this.clock.nowMs() + delay, delay });
      const serving = baseVersion ? `v${baseVersion} keeps serving` : 'the shared model keeps serving alone (no collaborative model yet)';
      if (e instanceof RefitStopped) {
        this.logger.warn(`The collaborative refit of "${key}" stopped for shutdown while computing; nothing was written and ${serving}.`);
      } else if (e instanceof StaleBase) {
        this.logger.warn(`The collaborative refit of "${key}" was discarded: ${e.message} ${serving}; it refits from fresh data in ${delay / 1000} s.`);
      } else {
        this.logger.error(
          `The collaborative refit of "${key}" failed while ${phase} after ${Date.now() - started} ms: ${(e as Error).message}. Nothing was written: ${serving}, and the fold goes on learning each person under it. ` +
            `Next attempt in ${delay / 1000} s (doubling up to ${RETRY_MAX_MS / 60_000} min while it keeps failing). If it repeats, look at the error above: a lock timeout means a fold held the learner lock over ${WRITE_LOCK_TIMEOUT}; running out of memory means the window (${COLLAB_REFIT_MAX_EVENTS} impressions) is too big for this worker.`,
        );
      }
      return null;
    }
  }

  /** Phase 1: everything the refit reads, from one consistent snapshot; null when no refit is due. */
  private async snapshot(qr: QueryRunner, key: string) {
    await qr.startTransaction('REPEATABLE READ');
    try {
      await qr.query('SET TRANSACTION READ ONLY');
      const m = qr.manager;
      const surface = await m.findOne(SurfaceEntity, { where: { key } });
      const successEvent = surface?.successEvent ?? 'PLAY_START';
      const since = await watermark(m, `collab:${key}`);
      const upTo = await watermark(m, 'model');
      const [{ n }] = await m.query(
        `SELECT count(*)::int AS n FROM engagement_events WHERE surface = $1 AND type = 'IMPRESSION' AND reason <> 'FALLBACK' AND id > $2 AND id <= $3`,
        [key, since, upTo],
      );
      const [exists] = await m.query('SELECT 1 FROM engine_states WHERE surface_key = $1', [key]);
      if (!exists) return null;
      const eng = await this.store.load(key, m);
      const now = this.clock.nowMs();
      if (!refitDue(eng.state.collab, n, now, COLLAB_MAX_AGE_MS)) return null;
      // The window: the newest COLLAB_REFIT_MAX_EVENTS impressions up to the model watermark, found by one backward
      // index scan. Then one forward pass over that id range folds each (request, item) with whether the success event
      // followed. (A join of the impressions to the successes by request_id let the planner pick a nested loop on a
      // fresh, unanalysed events table: 143 s at 120k impressions in the audience run.)
      const [floor] = (await m.query(
        `SELECT id FROM engagement_events WHERE surface = $1 AND type = 'IMPRESSION' AND reason <> 'FALLBACK' AND id <= $2
          ORDER BY id DESC OFFSET $3 LIMIT 1`,
        [key, upTo, COLLAB_REFIT_MAX_EVENTS - 1],
      )) as { id: string }[];
      const rows: { user_id: string; item_id: string; position: number; impressions: number; success: boolean }[] = await m.query(
        `SELECT min(user_id) AS user_id, item_id, min(position) FILTER (WHERE type = 'IMPRESSION') AS position,
                (count(*) FILTER (WHERE type = 'IMPRESSION'))::int AS impressions, bool_or(type = $4) AS success
           FROM engagement_events
          WHERE surface = $1 AND id >= $2 AND ((type = 'IMPRESSION' AND reason <> 'FALLBACK' AND id <= $3) OR type = $4)
          GROUP BY request_id, item_id
         HAVING count(*) FILTER (WHERE type = 'IMPRESSION') > 0`,
        [key, floor?.id ?? 0, upTo, successEvent],
      );
      const features = await itemFeatures(
        m,
        rows.map((r) => r.item_id),
        now,
      );
      await qr.commitTransaction();
      return { key, upTo, now, successEvent, base: eng.state.collab ?? null, examination: eng.state.examination, rows, features };
    } finally {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
    }
  }

  /** Phase 2: pair statistics and the fit, in slices of SLICE_MS; the posteriors' JSON too, ready for the write. */
  private async compute(snap: NonNullable<Awaited<ReturnType<CollabRefitter['snapshot']>>>) {
    const personIndex = new Map<string, number>();
    const itemIndex = new Map<string, number>();
    const items: ItemFeatures[] = [];
    const pairs = new Map<number, PairStats>();
    const exam = snap.examination;
    let sliceStart = Date.now();
    const breathe = async () => {
      if (Date.now() - sliceStart < SLICE_MS) return;
      await new Promise<void>((r) => setImmediate(r));
      if (this.stopping) throw new RefitStopped('stopped');
      sliceStart = Date.now();
    };
    for (let j = 0; j < snap.rows.length; j++) {
      if ((j & 4095) === 4095) await breathe();
      const r = snap.rows[j];
      const f = snap.features.get(r.item_id);
      if (!f) continue;
      let u = personIndex.get(r.user_id);
      if (u === undefined) personIndex.set(r.user_id, (u = personIndex.size));
      let i = itemIndex.get(r.item_id);
      if (i === undefined) {
        itemIndex.set(r.item_id, (i = items.length));
        items.push(f);
      }
      const pk = u * 1_000_003 + i;
      let p = pairs.get(pk);
      if (!p) pairs.set(pk, (p = { person: u, item: i, s2: 0, s1y: 0, s1: 0, y: 0, n: 0 }));
      const theta = exam[Math.min(exam.length, Math.max(1, r.position)) - 1] ?? 0.05;
      const y = r.success ? 1 : 0;
      const k = r.impressions;
      p.s2 += k * theta * theta;
      p.s1y += k * theta * y;
      p.s1 += k * theta;
      p.y += k * y;
      p.n += k;
    }
    const steps = refitCollabSteps({ persons: [...personIndex.keys()], items, pairs: [...pairs.values()], now: snap.now, previous: snap.base, seed: 7 });
    let fit: RefitResult;
    for (;;) {
      const s = steps.next();
      if (s.done) {
        fit = s.value;
        break;
      }
      await breathe();
    }
    const persons = new Map<string, PersonFactors>();
    const json = new Map<string, string>();
    let u = 0;
    for (const id of personIndex.keys()) {
      if ((u & 1023) === 1023) await breathe();
      persons.set(id, fit.persons[u]);
      json.set(id, personJson(fit.persons[u]));
      u++;
    }
    return { model: fit.model, persons, json };
  }

  /** Phase 3: the short write under the fold's lock; see the class comment. */
  private async write(
    qr: QueryRunner,
    key: string,
    snap: NonNullable<Awaited<ReturnType<CollabRefitter['snapshot']>>>,
    fit: { model: CollabModel; persons: Map<string, PersonFactors>; json: Map<string, string> },
  ): Promise<{ caughtUp: number; users: string[] }> {
    await qr.startTransaction();
    const m = qr.manager;
    await m.query(`SET LOCAL lock_timeout = '${WRITE_LOCK_TIMEOUT}'`);
    await m.query('SELECT pg_advisory_xact_lock($1)', [LEARNER_LOCK]);
    const eng = await this.store.load(key, m, { forUpdate: true });
    const current = eng.state.collab ?? null;
    if ((current?.version ?? 0) !== (snap.base?.version ?? 0) || (current?.fittedAt ?? 0) !== (snap.base?.fittedAt ?? 0)) {
      throw new StaleBase(
        `the surface's collaborative model changed since the refit read it (v${snap.base?.version ?? 0} then, v${current?.version ?? 0} now, e.g. a model promotion or another refit).`,
      );
    }
    const caught = await this.catchUp(m, key, snap.upTo, snap.successEvent, eng);
    // The calibration evidence the folds gathered while this refit computed (the snapshot's copy is older).
    fit.model.calib = carriedCalibration(current);
    const touched = foldPersonObservations(fit.persons, fit.model, caught);
    for (const id of touched) fit.json.set(id, personJson(fit.persons.get(id)!));
    eng.state.collab = fit.model;
    eng.state.revision++;
    if (eng.canary) {
      eng.canary.state.collab = fit.model;
      eng.canary.state.revision++;
    }
    await this.store.save(m, key, eng);
    await savePersonsJson(m, key, fit.json);
    await setWatermark(m, `collab:${key}`, snap.upTo);
    await qr.commitTransaction();
    return { caughtUp: caught.length, users: [...fit.json.keys()] };
  }

  /**
   * The person observations the folds took since the snapshot: the surface's labelled impressions with ids in
   * (W0, W1], labelled as the fold labels them, θ from the engine's current examination curve.
   */
  private async catchUp(m: EntityManager, key: string, w0: number, successEvent: string, eng: StoredEngine): Promise<PersonObservation[]> {
    const w1 = await watermark(m, 'model');
    if (w1 <= w0) return [];
    const events: EventRow[] = await m.query(
      `SELECT id, type, request_id, item_id, position, reason, surface, user_id, occurred_at FROM engagement_events
        WHERE id > $1 AND id <= $2 AND surface = $3 ORDER BY id`,
      [w0, w1, key],
    );
    const labelled = await labelImpressions(m, events, w0, new Map([[key, successEvent]]), this.clock.nowMs());
    return labelled.map((l) => ({
      userId: l.e.user_id,
      item: l.item,
      theta: eng.state.examination[l.e.position - 1] ?? 0.05,
      success: l.success,
    }));
  }
}
