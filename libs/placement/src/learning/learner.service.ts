import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import IORedis from 'ioredis';
import { AuditService, SYSTEM_ACTOR } from '@marquee/audit';
import { ItemFields } from '@marquee/catalog';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { Clock } from '@marquee/platform-core';
import { REDIS } from '@marquee/platform-queue';
import {
  CollabModel,
  ContentTest,
  PersonFactors,
  PersonHistory,
  PersonObservation,
  foldPersonObservations,
  storedHistory,
  Observation,
  UserProfile,
  applyEventInPlace,
  applyForgetting,
  applyObservations,
  emptyProfile,
  estimateExamination,
  evaluateContentTest,
  impressionRole,
  comparisonControl,
  controlBaseline,
  markControl,
  recordControlImpression,
  recordPosition,
  recordTestImpression,
  setExamination,
  startContentTest,
  trafficQuota,
  windowControl,
} from '../engine';
import { EngineStore, StoredEngine } from '../runtime/engine-store';
import { matchesRule, toContentTest } from '../runtime/engine-runtime';
import { announceUserStateChanges } from '../runtime/user-state';
import { SurfaceEntity } from '../surfaces/surface.entity';
import { ContentTestEntity } from '../tests/content-test.entity';
import { CollabRefitter, RefitHooks, RefitSummary } from './collab-refit';
import { EventRow, LEARNER_LOCK, historyJson, itemFeatures, labelImpressions, personJson, savePersonsJson, setWatermark, watermark } from './learner-db';

export interface LearnResult {
  profileEvents: number;
  observations: number;
  /** Person posteriors updated from this run's labelled impressions. */
  personUpdates: number;
  /** Collaborative refits this process finished since its previous run (they run beside the fold: CollabRefitter). */
  refits: RefitSummary[];
  testsStarted: number;
  decisions: { surface: string; itemId: string; status: string }[];
  /**
   * When this run took the learner lock and its last moment before COMMIT released it (epoch ms, the Clock): the span
   * in which no other run may fold. A job's own start and finish are wider (queue bookkeeping, the background refit).
   */
  lockedAt?: number;
  unlockedBy?: number;
}

/** Optional seams for tests (the refit's, see RefitHooks). */
const LEARNER_HOOKS = Symbol('LEARNER_HOOKS');
export interface LearnerHooks {
  refit?: RefitHooks;
}

const BATCH = 20_000;
/** Randomised impressions needed before the estimated examination curve replaces the default one. */
const MIN_EXAMINATION_IMPRESSIONS = 500;

/**
 * Folds engagement events into the engine, reading them from PostgreSQL by watermark (so nothing is lost while Redis
 * is down). Two passes: user profiles take every event at once; the model takes each served item once its label
 * window has passed, labelled by whether the surface's success event followed. One transaction per run, under an
 * advisory lock, so two workers never learn the same events twice. The collaborative item factors are refit beside
 * the fold, not inside it (CollabRefitter, collab-refit.ts), so a refit of seconds never holds the fold up.
 */
@Injectable()
export class LearnerService implements OnModuleDestroy {
  private readonly logger = new Logger('Learner');
  /** The collaborative refit, run beside the fold in this process (never inside its transaction). */
  readonly refitter: CollabRefitter;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: EngineStore,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(REDIS) private readonly redis: IORedis,
    @Optional() @Inject(LEARNER_HOOKS) hooks?: LearnerHooks,
  ) {
    this.refitter = new CollabRefitter(db, store, redis, config.redisPrefix, clock, this.logger, hooks?.refit);
  }

  /** Shutdown: a refit still computing stops without writing; the fold's own run is awaited by its job. */
  async onModuleDestroy(): Promise<void> {
    await this.refitter.stop();
  }

  /**
   * One fold (see the class comment); afterwards, the surfaces that got new labelled impressions are handed to the
   * refitter, which refits in the background when one is due. `refit: false` leaves them out (tests, tools).
   */
  async step(opts: { refit?: boolean } = {}): Promise<LearnResult | null> {
    let changedUsers: string[] = [];
    const refitCandidates: string[] = [];
    const result = await this.db.transaction(async (m) => {
      const [{ locked }] = await m.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [LEARNER_LOCK]);
      if (!locked) return null;
      const now = this.clock.nowMs();
      const surfaces = await m.find(SurfaceEntity);
      const engines = new Map<string, StoredEngine>();
      const engine = async (key: string) => {
        let e = engines.get(key);
        if (!e) engines.set(key, (e = await this.store.load(key, m, { forUpdate: true })));
        return e;
      };
      const tests = new Map((await m.find(ContentTestEntity, { where: { status: 'RUNNING' } })).map((t) => [`${t.surfaceKey}:${t.itemId}`, t]));
      const result: LearnResult = { profileEvents: 0, observations: 0, personUpdates: 0, refits: [], testsStarted: 0, decisions: [], lockedAt: now };

      result.testsStarted = await this.startTests(m, surfaces, tests, engine, now);

      // Pass 1: user profiles, from every event, within seconds.
      const pEvents = await this.readEvents(m, 'profiles', 2);
      if (pEvents.length) {
        const features = await itemFeatures(
          m,
          pEvents.map((e) => e.item_id),
          now,
        );
        const users = [...new Set(pEvents.map((e) => e.user_id))];
        const rows: { user_id: string; profile: UserProfile }[] = await m.query('SELECT user_id, profile FROM user_profiles WHERE user_id = ANY($1)', [users]);
        const profiles = new Map(rows.map((r) => [r.user_id, r.profile]));
        for (const e of pEvents) {
          const f = features.get(e.item_id);
          if (!f) continue;
          const theta = e.type === 'IMPRESSION' ? ((await engine(e.surface)).state.examination[e.position - 1] ?? 0.1) : 1;
          const p = profiles.get(e.user_id) ?? emptyProfile(e.occurred_at.getTime());
          applyEventInPlace(p, f, e.type, e.occurred_at.getTime(), theta);
          profiles.set(e.user_id, p);
        }
        await m.query(
          `INSERT INTO user_profiles (user_id, profile, updated_at) SELECT u, p::jsonb, now() FROM unnest($1::text[], $2::text[]) AS t(u, p)
           ON CONFLICT (user_id) DO UPDATE SET profile = EXCLUDED.profile, updated_at = now()`,
          [[...profiles.keys()], [...profiles.values()].map((p) => JSON.stringify(p))],
        );
        await setWatermark(m, 'profiles', Number(pEvents[pEvents.length - 1].id));
        result.profileEvents = pEvents.length;
        changedUsers = [...profiles.keys()];
      }

      // Pass 2: the model, once each served item's label window has passed.
      const mEvents = await this.readEvents(m, 'model', this.config.labelWindowSeconds);
      if (mEvents.length) {
        const wm = await watermark(m, 'model');
        const successEvent = new Map(surfaces.map((s) => [s.key, s.successEvent]));
        const testMaxPosition = new Map(surfaces.map((s) => [s.key, s.testMaxPosition]));
        const bySurface = new Map<string, Observation[]>();
        const byPerson = new Map<string, PersonObservation[]>();
        for (const { e, success: ok, user, item } of await labelImpressions(m, mEvents, wm, successEvent, now)) {
          const eng = await engine(e.surface);
          const theta = eng.state.examination[e.position - 1] ?? 0.05;
          (bySurface.get(e.surface) ?? bySurface.set(e.surface, []).get(e.surface)!).push({ user, item, position: e.position, success: ok });
          (byPerson.get(e.surface) ?? byPerson.set(e.surface, []).get(e.surface)!).push({ userId: e.user_id, item, theta, success: ok });
          if (e.reason === 'EXPLORATION') recordPosition(eng.positionCounts, e.position, ok);
          eng.control.served = (eng.control.served ?? 0) + 1;
          const test = tests.get(`${e.surface}:${e.item_id}`);
          // The same counting rule as the simulator's (impressionRole).
          const role = impressionRole({ reason: e.reason, position: e.position, inTest: test !== undefined }, testMaxPosition.get(e.surface));
          if (role === 'TEST') {
            const t = recordTestImpression(toContentTest(test!), theta, ok);
            Object.assign(test!, { impressions: t.impressions, exposure: t.exposure, successes: t.successes });
          } else if (role === 'CONTROL') {
            eng.control = recordControlImpression(eng.control, theta, ok);
          }
        }
        for (const [key, obs] of bySurface) {
          const eng = await engine(key);
          eng.control = markControl(eng.control, now);
          applyObservations(eng.state, obs);
          // The canary learns from the same events, so the comparison is between models, not between data.
          if (eng.canary) applyObservations(eng.canary.state, obs);
          result.observations += obs.length;
          const exam = estimateExamination(eng.positionCounts);
          for (const st of eng.canary ? [eng.state, eng.canary.state] : [eng.state]) {
            if (exam.impressions >= MIN_EXAMINATION_IMPRESSIONS) setExamination(st, exam.theta);
            applyForgetting(st, now);
          }
        }
        await setWatermark(m, 'model', Number(mEvents[mEvents.length - 1].id));
        // The collaborative model: each person's posterior from these impressions. The item factors are refit beside
        // the fold, never inside it (CollabRefitter); each surface with new impressions is checked after the commit.
        for (const [key, obs] of byPerson) {
          const eng = await engine(key);
          const model = eng.state.collab;
          if (model && model.version > 0) {
            const users = await this.updatePersons(m, key, model, obs);
            result.personUpdates += obs.length;
            for (const u of users) changedUsers.push(u);
          }
          refitCandidates.push(key);
        }
      }

      // Decisions: the sequential rule at every fold, against each test's own control (what accrued since it started).
      const belowQuota = new Map<string, number>();
      for (const t of tests.values()) if (t.impressions < t.quota) belowQuota.set(t.surfaceKey, (belowQuota.get(t.surfaceKey) ?? 0) + 1);
      for (const test of tests.values()) {
        const eng = await engine(test.surfaceKey);
        const atStart = test.controlAtStart ?? undefined;
        const next = evaluateContentTest(
          toContentTest(test),
          windowControl(eng.control, atStart),
          now,
          undefined,
          { belowQuota: belowQuota.get(test.surfaceKey) ?? 0 },
          comparisonControl(eng.control, atStart),
        );
        test.alwaysValidP = next.alwaysValidP ?? 1;
        if (next.status !== 'RUNNING' && next.decision) {
          test.status = next.status;
          test.decision = next.decision;
          test.decidedAt = new Date(now);
          result.decisions.push({ surface: test.surfaceKey, itemId: test.itemId, status: next.status });
          const d = next.decision;
          await this.audit.record(m, SYSTEM_ACTOR('learner'), {
            action: 'content_test.decided',
            entityType: 'item',
            entityId: test.itemId,
            after: { surface: test.surfaceKey, ...d },
            summary: `Content test on "${test.surfaceKey}": ${d.status} (${d.reason.toLowerCase().replace('_', ' ')}, ${d.impressions} impressions, P(beats control) ${d.probBeatsControl.toFixed(2)}, always-valid p ${d.sequential!.alwaysValidP.toFixed(3)})`,
          });
        }
      }
      if (tests.size) await m.save(ContentTestEntity, [...tests.values()]);
      for (const [key, e] of engines) if (result.observations || result.testsStarted) await this.store.save(m, key, e);
      if (result.decisions.length)
        this.logger.log(
          `Decided ${result.decisions.length} content test(s): ${result.decisions.map((d) => `${d.itemId} on ${d.surface} ${d.status}`).join(', ')}.`,
        );
      result.unlockedBy = this.clock.nowMs();
      return result;
    });
    // Committed: every API process re-reads these users' state (UserStateCache); if Redis misses it, their periodic re-read does.
    if (changedUsers.length) {
      await announceUserStateChanges(this.redis, this.config.redisPrefix, changedUsers).catch((e) =>
        this.logger.warn(
          `Could not announce ${changedUsers.length} changed user profile(s) on Redis (${(e as Error).message}); API processes pick them up within USER_STATE_REFRESH_MS.`,
        ),
      );
    }
    if (result) result.refits = this.refitter.takeFinished();
    if (opts.refit !== false) this.refitter.kick(refitCandidates);
    return result;
  }

  /**
   * Folds labelled impressions into the people's stored posteriors and their histories with single items (one read
   * and one write for all of them). The model's calibration gathers the histories' evidence (historyKappa).
   */
  private async updatePersons(m: EntityManager, surfaceKey: string, model: CollabModel, obs: PersonObservation[]): Promise<string[]> {
    const users = [...new Set(obs.map((o) => o.userId))];
    const rows: { user_id: string; factors: PersonFactors; history: Partial<PersonHistory> | null }[] = await m.query(
      'SELECT user_id, factors, history FROM person_factors WHERE surface_key = $1 AND user_id = ANY($2::text[])',
      [surfaceKey, users],
    );
    const persons = new Map(rows.map((r) => [r.user_id, r.factors]));
    const histories = new Map(rows.map((r) => [r.user_id, storedHistory(r.history)]));
    foldPersonObservations(persons, model, obs, histories);
    await savePersonsJson(
      m,
      surfaceKey,
      new Map([...persons].map(([id, p]) => [id, personJson(p)])),
      new Map([...histories].map(([id, h]) => [id, historyJson(h)])),
    );
    return users;
  }

  private async startTests(
    m: EntityManager,
    surfaces: SurfaceEntity[],
    tests: Map<string, ContentTestEntity>,
    engine: (k: string) => Promise<StoredEngine>,
    now: number,
  ): Promise<number> {
    const enabled = surfaces.filter((x) => x.enabled);
    if (!enabled.length) return 0;
    // Candidates: launched after the earliest enabled surface's baseline, and not yet tested on every enabled surface.
    // A test is per surface: an item tested on one surface still enters a test on each other surface it matches.
    const keys = enabled.map((s) => s.key);
    const earliest = new Date(Math.min(...enabled.map((s) => (s.testsLaunchedAfter ?? s.createdAt).getTime())));
    const launched: { id: string; title: string; live_since: Date; fields: ItemFields; tested_on: string[] }[] = await m.query(
      `SELECT i.id, i.title, i.live_since, v.fields,
              coalesce((SELECT array_agg(t.surface_key) FROM content_tests t WHERE t.item_id = i.id AND t.surface_key = ANY($1)), '{}') AS tested_on
         FROM items i JOIN item_versions v ON v.id = i.live_version_id
        WHERE i.live_since IS NOT NULL AND i.live_since > greatest($2::timestamptz, now() - interval '90 days')
          AND (SELECT count(*) FROM content_tests t WHERE t.item_id = i.id AND t.surface_key = ANY($1)) < $3`,
      [keys, earliest, keys.length],
    );
    let started = 0;
    for (const s of enabled) {
      // The surface's baseline: what was live at testsLaunchedAfter (its creation unless chosen otherwise); later launches are tested.
      const since = (s.testsLaunchedAfter ?? s.createdAt).getTime();
      const fresh = launched.filter((it) => it.live_since.getTime() > since && !it.tested_on.includes(s.key) && matchesRule(s, it.fields));
      if (!fresh.length) continue;
      const eng = await engine(s.key);
      const { quota, perLaunch } = await this.quotaFor(m, s, eng, now);
      for (const it of fresh) {
        const t = startContentTest(it.id, s.key, now, quota, s.testMaxDays, controlBaseline(eng.control, now, quota));
        const row = await m.save(ContentTestEntity, m.create(ContentTestEntity, { ...fromContentTest(t) }));
        tests.set(`${s.key}:${it.id}`, row);
        started++;
        await this.audit.record(m, SYSTEM_ACTOR('learner'), {
          action: 'content_test.started',
          entityType: 'item',
          entityId: it.id,
          after: { surface: s.key, quota: t.quota, maxDays: t.maxDays, impressionsPerLaunch: perLaunch },
          summary: `"${it.title}" entered a content test on "${s.key}" (${t.quota} impressions within ${t.maxDays} days)`,
        });
      }
      // A launch re-sizes the running tests' quotas to the traffic measured now (the sequential rule stays valid:
      // the quota depends on traffic, never on the test's own results). A set testQuota is never changed.
      if (s.testQuota === null || s.testQuota === undefined) {
        for (const t of tests.values()) if (t.surfaceKey === s.key && t.status === 'RUNNING' && t.quota !== quota) t.quota = quota;
      }
    }
    return started;
  }

  /**
   * The quota for tests starting now on a surface (trafficQuota): the impressions learned on the surface since the
   * oldest test started in the last testMaxDays (its controlAtStart.served), × (budget − floor), over the tests started
   * since then. Tests starting now are not yet in the window.
   */
  private async quotaFor(m: EntityManager, s: SurfaceEntity, eng: StoredEngine, now: number): Promise<{ quota: number; perLaunch: number | null }> {
    const rate = eng.control.exposure >= 100 ? eng.control.successes / eng.control.exposure : 0.1;
    if (s.testQuota) return { quota: s.testQuota, perLaunch: null };
    const rows: { n: string; served: string | null }[] = await m.query(
      `SELECT count(*) AS n, min((control_at_start->>'served')::bigint) AS served FROM content_tests
        WHERE surface_key = $1 AND started_at > $2 AND control_at_start ? 'served'`,
      [s.key, new Date(now - s.testMaxDays * 86_400_000)],
    );
    const launches = Number(rows[0]?.n ?? 0);
    const servedSince = rows[0]?.served === null || rows[0]?.served === undefined ? 0 : (eng.control.served ?? 0) - Number(rows[0].served);
    return trafficQuota({ successRate: rate, servedImpressions: servedSince, launches, testShare: s.explorationBudget - s.randomFloor });
  }

  private async readEvents(m: EntityManager, name: string, windowSeconds: number): Promise<EventRow[]> {
    const wm = await watermark(m, name);
    // Everything up to the newest event older than the window, in id order (ids only ever grow).
    return m.query(
      `SELECT id, type, request_id, item_id, position, reason, surface, user_id, occurred_at FROM engagement_events
        WHERE id > $1 AND id <= (SELECT coalesce(max(id), 0) FROM engagement_events WHERE id > $1 AND received_at < now() - ($2 || ' seconds')::interval)
        ORDER BY id LIMIT $3`,
      [wm, String(windowSeconds), BATCH],
    );
  }
}

function fromContentTest(t: ContentTest) {
  return {
    surfaceKey: t.surfaceKey,
    itemId: t.itemId,
    status: t.status,
    quota: t.quota,
    maxDays: t.maxDays,
    startedAt: new Date(t.startedAt),
    impressions: t.impressions,
    exposure: t.exposure,
    successes: t.successes,
    decision: t.decision,
    decidedAt: null,
    controlAtStart: t.controlAtStart ?? null,
    alwaysValidP: t.alwaysValidP ?? 1,
  };
}
