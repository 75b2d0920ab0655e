import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { Clock } from '@marquee/platform-core';
import {
  CandidatePool,
  ContentTest,
  DiversityRule,
  EngineState,
  ItemDescriptor,
  PacingState,
  SurfacePolicy,
  buildCandidatePool,
  buildItemFeatures,
  buildSlate,
  buildUserFeatures,
  newPacingState,
  ServedTestSlots,
  TEST_CONCURRENCY,
  testSlotWeights,
} from '../engine';
import { SurfaceEntity, SurfacePinEntity } from '../surfaces/surface.entity';
import { ContentTestEntity } from '../tests/content-test.entity';
import { EngineStore } from './engine-store';
import { LiveItem, LiveItemsReader } from './live-items';
import type { ItemFields } from '@marquee/catalog';

export interface PoolCandidate {
  descriptor: ItemDescriptor;
  testWeight: number | null;
}

export interface SurfaceRuntime {
  surface: SurfaceEntity;
  pins: SurfacePinEntity[];
  state: EngineState;
  /** The candidate model's state and the share of users it serves, while a canary runs. */
  canary: { modelId: string; share: number; state: EngineState } | null;
  engineVersion: string;
  pool: CandidatePool;
  poolFingerprint: string;
  poolBuiltAt: number;
  /** Pool order: poolItems[i] is the item at pool index i. */
  poolItems: LiveItem[];
  runningTests: number;
  pacing: PacingState;
  /** Editorial order first, then every other candidate, newest first. */
  fallback: LiveItem[];
  /** Changes whenever what this surface can serve changes; sticky slates are keyed by it. */
  catalogVersion: string;
}

export function surfacePolicy(s: SurfaceEntity, pins: SurfacePinEntity[], now: number, slots = s.slots): SurfacePolicy {
  const diversity: DiversityRule | null = s.diversity.maxPerKind
    ? { by: 'kind', maxPerGroup: s.diversity.maxPerKind, withinFirst: s.diversity.firstN }
    : s.diversity.maxPerTopic
      ? { by: 'topic', maxPerGroup: s.diversity.maxPerTopic, withinFirst: s.diversity.firstN }
      : null;
  return {
    slots,
    explorationBudget: s.explorationBudget,
    randomFloor: s.randomFloor,
    testMaxPosition: s.testMaxPosition,
    pins: pins
      .filter((p) => p.startsAt.getTime() <= now && (!p.endsAt || p.endsAt.getTime() > now) && p.position <= slots)
      .map((p) => ({ itemId: p.itemId, position: p.position })),
    diversity,
  };
}

export function matchesRule(s: SurfaceEntity, fields: { kind: string; topics: string[]; collections: string[] }): boolean {
  const r = s.candidateRule;
  if (r.kinds.length && !r.kinds.includes(fields.kind)) return false;
  if (r.topics.length && !fields.topics.some((t) => r.topics.includes(t))) return false;
  if (r.collections.length && !fields.collections.some((c) => r.collections.includes(c))) return false;
  return true;
}

export function descriptorOf(item: LiveItem): ItemDescriptor {
  return describeItem(item.id, item.base, item.liveSince);
}

/** What the engine knows of an item, from its stored fields and when it went live: the serving pool, the learner and the logs agree on it. */
export function describeItem(
  id: string,
  f: Pick<ItemFields, 'kind' | 'topics' | 'collections' | 'durationSeconds' | 'availability'>,
  liveSince: Date | null | undefined,
): ItemDescriptor {
  return {
    id,
    kind: f.kind,
    topics: f.topics,
    collections: f.collections,
    durationSeconds: f.durationSeconds,
    availability: f.availability,
    launchedAt: liveSince?.getTime() ?? null,
  };
}

/** Builds a pool and its fingerprint; the candidates are stored under the fingerprint so a slate can be replayed. */
export function buildPool(candidates: PoolCandidate[], builtAt: number): { pool: CandidatePool; fingerprint: string } {
  const pool = buildCandidatePool(
    candidates.map((c) => ({ features: buildItemFeatures(c.descriptor, builtAt), contentTest: c.testWeight !== null ? { weight: c.testWeight } : null })),
  );
  const fingerprint = createHash('sha256').update(JSON.stringify({ builtAt, candidates })).digest('base64url').slice(0, 22);
  return { pool, fingerprint };
}

const HOUR = 3_600_000;

/**
 * What each API process serves from: per surface, the engine state, the candidate pool, pins, running tests and the
 * editorial fallback. Refreshed from PostgreSQL every ENGINE_REFRESH_MS; each part reloads only when it changed.
 * If PostgreSQL is unreachable the last good copy keeps serving (its editorial slates are what the feed falls back
 * to); a refresh replaces it only when it read everything. Start-up fails, loudly, only if it never loaded at all.
 */
@Injectable()
export class EngineRuntime implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('EngineRuntime');
  private surfaces = new Map<string, SurfaceRuntime>();
  /** Keys of surfaces that exist but are disabled, as of the last refresh: so a feed for one can say so. */
  private disabled = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private liveVersion = '';
  private live: LiveItem[] = [];
  private refreshing: Promise<void> | null = null;
  private lastError: string | null = null;
  private loaded = false;
  lastRefreshAt = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: EngineStore,
    private readonly reader: LiveItemsReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      await this.refresh();
    } catch (e) {
      throw new Error(
        `Could not load the engine state and editorial slates from PostgreSQL at start-up (${(e as Error).message}); the API cannot serve feeds without them. Check DATABASE_URL and that PostgreSQL is up, then start again.`,
      );
    }
    this.warmEngine();
    // Open the whole pool now (connecting, with password authentication, takes tens of milliseconds): otherwise the
    // first burst of feeds opens connections inside their 50 ms budget and is answered from the fallback.
    await Promise.all(Array.from({ length: this.config.databasePoolSize }, () => this.db.query('SELECT pg_sleep(0.02)').catch(() => undefined)));
    this.timer = setInterval(() => void this.refresh(), this.config.engineRefreshMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Ranks one throwaway slate per surface, so the first real request does not pay for compiling the hot loops. */
  private warmEngine(): void {
    const now = this.clock.nowMs();
    for (const rt of this.surfaces.values()) {
      if (!rt.pool.size) continue;
      try {
        buildSlate(rt.state, rt.pool, { surface: surfacePolicy(rt.surface, rt.pins, now), user: buildUserFeatures({}, null, now), seed: 1, testShare: 0 });
      } catch (e) {
        this.logger.warn(`Warming up "${rt.surface.key}" failed (${(e as Error).message}); the first feed for it may be slower.`);
      }
    }
  }

  get(key: string): SurfaceRuntime | undefined {
    return this.surfaces.get(key);
  }

  /** Whether `key` names a surface that exists but is disabled (as of the last refresh). */
  isDisabled(key: string): boolean {
    return this.disabled.has(key);
  }

  all(): SurfaceRuntime[] {
    return [...this.surfaces.values()];
  }

  liveItems(): LiveItem[] {
    return this.live;
  }

  status() {
    return {
      lastRefreshAt: this.lastRefreshAt ? new Date(this.lastRefreshAt) : null,
      lastError: this.lastError,
      surfaces: this.all().map((s) => ({
        key: s.surface.key,
        revision: s.state.revision,
        modelVersion: s.state.modelVersion,
        candidates: s.pool.size,
        runningTests: s.runningTests,
        canaryModelId: s.canary?.modelId ?? null,
        canaryShare: s.canary?.share ?? 0,
      })),
    };
  }

  /** Reloads what changed. Concurrent callers share one refresh. */
  refresh(force = false): Promise<void> {
    this.refreshing ??= this.doRefresh(force).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async doRefresh(force: boolean): Promise<void> {
    const now = this.clock.nowMs();
    try {
      const everySurface = await this.db.getRepository(SurfaceEntity).find();
      const surfaces = everySurface.filter((s) => s.enabled);
      const disabled = new Set(everySurface.filter((s) => !s.enabled).map((s) => s.key));
      const pins = await this.db.getRepository(SurfacePinEntity).createQueryBuilder('p').where('p.ends_at IS NULL OR p.ends_at > now()').getMany();
      const tests = await this.db.getRepository(ContentTestEntity).find({ where: { status: 'RUNNING' } });
      const served = tests.length ? await this.servedTestSlots(now) : new Map<string, Map<string, ServedTestSlots>>();
      const revisions = await this.store.revisions();
      const liveVersion = await this.reader.version();
      const liveChanged = force || liveVersion !== this.liveVersion;
      // Read into locals and swap in at the end, so a refresh that fails half-way leaves the last good copy whole.
      const live = liveChanged ? await this.reader.load() : this.live;
      const next = new Map<string, SurfaceRuntime>();
      for (const s of surfaces) {
        const prev = this.surfaces.get(s.key);
        const sTests = tests.filter((t) => t.surfaceKey === s.key);
        // Test slots go to the oldest running tests that still need impressions, counting what they were already
        // served (testSlotWeights); the pool is rebuilt whenever a test takes or gives up its slots.
        const weights = testSlotWeights(sTests.map(toContentTest), TEST_CONCURRENCY, served.get(s.key));
        const testKey = sTests
          .map((t) => `${t.itemId}:${weights.get(t.itemId)}`)
          .sort()
          .join(',');
        const surfaceKey = `${s.updatedAt.getTime()}|${testKey}|${liveVersion}`;
        let state = prev?.state;
        let canary = prev?.canary ?? null;
        const engineVersion = revisions.get(s.key) ?? '';
        if (!state || !prev || prev.engineVersion !== engineVersion || force) {
          const stored = await this.store.load(s.key);
          state = stored.state;
          canary = stored.canary ? { modelId: stored.canary.modelId, share: stored.canary.share, state: stored.canary.state } : null;
        }
        const rebuild = !prev || liveChanged || prev.catalogVersion !== surfaceKey || now - prev.poolBuiltAt > HOUR;
        let rt: SurfaceRuntime;
        if (rebuild) {
          const items = live.filter((i) => matchesRule(s, i.base));
          const candidates: PoolCandidate[] = items.map((i) => {
            const w = weights.get(i.id);
            return { descriptor: descriptorOf(i), testWeight: w !== undefined ? w : null };
          });
          const { pool, fingerprint } = buildPool(candidates, now);
          if (fingerprint !== prev?.poolFingerprint) await this.store.savePool(s.key, fingerprint, { builtAt: now, candidates });
          const order = new Map(s.fallbackOrder.map((id, i) => [id, i]));
          const fallback = [...items].sort(
            (a, b) => (order.get(a.id) ?? 1e9) - (order.get(b.id) ?? 1e9) || (b.liveSince?.getTime() ?? 0) - (a.liveSince?.getTime() ?? 0),
          );
          rt = {
            surface: s,
            pins: [],
            state,
            canary,
            engineVersion,
            pool,
            poolFingerprint: fingerprint,
            poolBuiltAt: now,
            poolItems: items,
            runningTests: sTests.length,
            pacing: prev?.pacing ?? newPacingState(now),
            fallback,
            catalogVersion: surfaceKey,
          };
        } else {
          rt = { ...prev!, surface: s, state, canary, engineVersion };
        }
        rt.pins = pins.filter((p) => p.surfaceId === s.id);
        next.set(s.key, rt);
      }
      this.surfaces = next;
      this.disabled = disabled;
      this.live = live;
      this.liveVersion = liveVersion;
      this.loaded = true;
      this.lastRefreshAt = now;
      if (this.lastError) this.logger.log('Engine state reloads again from PostgreSQL.');
      this.lastError = null;
    } catch (e) {
      const msg = (e as Error).message;
      const previous = this.lastError;
      this.lastError = msg;
      // Never loaded: start-up must fail rather than serve nothing. Loaded once: a failed refresh is only a warning
      // (this runs on a timer, where a throw would be an unhandled rejection and end the process).
      if (!this.loaded) throw e;
      if (msg !== previous) this.logger.warn(`Could not reload engine state (${msg}); serving from the last good copy. Check PostgreSQL.`);
    }
  }

  /**
   * Per surface and running test: the test-slot placements served since it started, and how many of them are old
   * enough (label window + two learner passes) that the learner has counted their impressions. One index scan of
   * the placements log per running test (idx_placements_test).
   */
  private async servedTestSlots(now: number): Promise<Map<string, Map<string, ServedTestSlots>>> {
    const settledBefore = new Date(now - this.config.labelWindowSeconds * 1000 - 2 * this.config.learnIntervalMs - 1000);
    const rows: { surface: string; item: string; served: number; settled: number }[] = await this.db.query(
      `SELECT t.surface_key AS surface, t.item_id::text AS item, count(*)::int AS served, count(*) FILTER (WHERE p.served_at <= $1)::int AS settled
         FROM content_tests t
         JOIN placements p ON p.item_id = t.item_id AND p.surface = t.surface_key AND p.reason = 'CONTENT_TEST' AND p.served_at >= t.started_at
        WHERE t.status = 'RUNNING'
        GROUP BY 1, 2`,
      [settledBefore],
    );
    const out = new Map<string, Map<string, ServedTestSlots>>();
    for (const r of rows) {
      let m = out.get(r.surface);
      if (!m) out.set(r.surface, (m = new Map()));
      m.set(r.item, { served: r.served, settled: r.settled });
    }
    return out;
  }
}

export function toContentTest(t: ContentTestEntity): ContentTest {
  return {
    itemId: t.itemId,
    surfaceKey: t.surfaceKey,
    startedAt: t.startedAt.getTime(),
    quota: t.quota,
    maxDays: t.maxDays,
    impressions: t.impressions,
    exposure: t.exposure,
    successes: t.successes,
    status: t.status as ContentTest['status'],
    decision: t.decision,
    controlAtStart: t.controlAtStart ?? undefined,
    alwaysValidP: t.alwaysValidP ?? 1,
  };
}
