import { Inject, Injectable, Logger } from '@nestjs/common';
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
  ItemFeatures,
  PairStats,
  PersonFactors,
  emptyPerson,
  refitCollab,
  refitDue,
  updatePerson,
  Observation,
  ProfileEventType,
  UserProfile,
  applyEventInPlace,
  applyForgetting,
  applyObservations,
  buildItemFeatures,
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
import { describeItem, matchesRule, toContentTest } from '../runtime/engine-runtime';
import { announceUserStateChanges } from '../runtime/user-state';
import { SurfaceEntity } from '../surfaces/surface.entity';
import { ContentTestEntity } from '../tests/content-test.entity';

interface EventRow {
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

export interface LearnResult {
  profileEvents: number;
  observations: number;
  /** Person posteriors updated from this run's labelled impressions, and collaborative refits done. */
  personUpdates: number;
  refits: { surface: string; version: number; persons: number; items: number; events: number; ms: number }[];
  testsStarted: number;
  decisions: { surface: string; itemId: string; status: string }[];
}

const LOCK = 46_170_001;
/** Collaborative refit schedule (see maybeRefit). */
const COLLAB_MAX_AGE_MS = 6 * 3_600_000;
const COLLAB_REFIT_MAX_EVENTS = 300_000;

interface PersonObservation {
  userId: string;
  item: ItemFeatures;
  theta: number;
  success: boolean;
}

/** Stored posteriors keep 6 significant digits: plenty for a k×k precision, and a third of the JSON. */
function roundPerson(p: PersonFactors): PersonFactors {
  const r = (x: number) => Number(x.toPrecision(6));
  return { v: 1, model: p.model, prec: p.prec.map(r), b: p.b.map(r), n: p.n };
}
const BATCH = 20_000;
/** Randomised impressions needed before the estimated examination curve replaces the default one. */
const MIN_EXAMINATION_IMPRESSIONS = 500;

/**
 * Folds engagement events into the engine, reading them from PostgreSQL by watermark (so nothing is lost while Redis
 * is down). Two passes: user profiles take every event at once; the model takes each served item once its label
 * window has passed, labelled by whether the surface's success event followed. One transaction per run, under an
 * advisory lock, so two workers never learn the same events twice.
 */
@Injectable()
export class LearnerService {
  private readonly logger = new Logger('Learner');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: EngineStore,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {}

  async step(): Promise<LearnResult | null> {
    let changedUsers: string[] = [];
    const result = await this.db.transaction(async (m) => {
      const [{ locked }] = await m.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [LOCK]);
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
      const result: LearnResult = { profileEvents: 0, observations: 0, personUpdates: 0, refits: [], testsStarted: 0, decisions: [] };

      result.testsStarted = await this.startTests(m, surfaces, tests, engine, now);

      // Pass 1: user profiles, from every event, within seconds.
      const pEvents = await this.readEvents(m, 'profiles', 2);
      if (pEvents.length) {
        const features = await this.itemFeatures(
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
        await this.setWatermark(m, 'profiles', Number(pEvents[pEvents.length - 1].id));
        result.profileEvents = pEvents.length;
        changedUsers = [...profiles.keys()];
      }

      // Pass 2: the model, once each served item's label window has passed.
      const mEvents = await this.readEvents(m, 'model', this.config.labelWindowSeconds);
      if (mEvents.length) {
        const wm = await this.watermark(m, 'model');
        const requests = [...new Set(mEvents.map((e) => e.request_id))];
        const done: { request_id: string; item_id: string }[] = await m.query(
          `SELECT DISTINCT request_id, item_id FROM engagement_events WHERE id <= $1 AND request_id = ANY($2)`,
          [wm, requests],
        );
        const doneKeys = new Set(done.map((d) => `${d.request_id}:${d.item_id}`));
        const all: EventRow[] = await m.query(`SELECT type, request_id, item_id FROM engagement_events WHERE request_id = ANY($1)`, [requests]);
        const success = new Set<string>();
        const successEvent = new Map(surfaces.map((s) => [s.key, s.successEvent]));
        const surfaceOf = new Map(mEvents.map((e) => [e.request_id, e.surface]));
        for (const e of all) if (e.type === successEvent.get(surfaceOf.get(e.request_id)!)) success.add(`${e.request_id}:${e.item_id}`);
        const feats: { request_id: string; user_features: number[] | null }[] = await m.query(
          `SELECT request_id, user_features FROM feed_requests WHERE request_id = ANY($1)`,
          [requests],
        );
        const userFeatures = new Map(feats.filter((f) => f.user_features).map((f) => [f.request_id, Float32Array.from(f.user_features!)]));
        const features = await this.itemFeatures(
          m,
          mEvents.map((e) => e.item_id),
          now,
        );
        const bySurface = new Map<string, Observation[]>();
        const byPerson = new Map<string, PersonObservation[]>();
        const seen = new Set<string>();
        for (const e of mEvents) {
          const key = `${e.request_id}:${e.item_id}`;
          if (doneKeys.has(key) || seen.has(key)) continue;
          seen.add(key);
          const user = userFeatures.get(e.request_id);
          const item = features.get(e.item_id);
          if (!user || !item || e.reason === 'FALLBACK') continue;
          const ok = success.has(key);
          const eng = await engine(e.surface);
          const theta = eng.state.examination[e.position - 1] ?? 0.05;
          (bySurface.get(e.surface) ?? bySurface.set(e.surface, []).get(e.surface)!).push({ user, item, position: e.position, success: ok });
          (byPerson.get(e.surface) ?? byPerson.set(e.surface, []).get(e.surface)!).push({ userId: e.user_id, item, theta, success: ok });
          if (e.reason === 'EXPLORATION') recordPosition(eng.positionCounts, e.position, ok);
          eng.control.served = (eng.control.served ?? 0) + 1;
          const test = tests.get(`${e.surface}:${e.item_id}`);
          // The same counting rule as the simulator's (impressionRole).
          const role = impressionRole({ reason: e.reason, position: e.position, inTest: test !== undefined });
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
        await this.setWatermark(m, 'model', Number(mEvents[mEvents.length - 1].id));
        // The collaborative model: each person's posterior from these impressions, then the item factors when due.
        for (const [key, obs] of byPerson) {
          const eng = await engine(key);
          const model = eng.state.collab;
          if (model && model.version > 0) {
            const users = await this.updatePersons(m, key, model, obs);
            result.personUpdates += obs.length;
            for (const u of users) changedUsers.push(u);
          }
          const refit = await this.maybeRefit(m, key, eng, surfaces.find((s) => s.key === key)?.successEvent ?? 'PLAY_START', now);
          if (refit) {
            result.refits.push(refit.summary);
            for (const u of refit.users) changedUsers.push(u);
          }
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
    return result;
  }

  /** Folds labelled impressions into the people's stored posteriors (one read and one write for all of them). */
  private async updatePersons(m: EntityManager, surfaceKey: string, model: CollabModel, obs: PersonObservation[]): Promise<string[]> {
    const users = [...new Set(obs.map((o) => o.userId))];
    const rows: { user_id: string; factors: PersonFactors }[] = await m.query(
      'SELECT user_id, factors FROM person_factors WHERE surface_key = $1 AND user_id = ANY($2::text[])',
      [surfaceKey, users],
    );
    const persons = new Map(rows.map((r) => [r.user_id, r.factors]));
    const q = new Float64Array(model.config.k);
    for (const o of obs) {
      let p = persons.get(o.userId);
      // A posterior from an older item-factor fit lives in another basis: start the person again from the prior.
      if (!p || p.model !== model.version || p.prec.length !== model.config.k ** 2) persons.set(o.userId, (p = emptyPerson(model)));
      updatePerson(p, model, o.item, o.theta, o.success, q);
    }
    await this.savePersons(m, surfaceKey, persons);
    return users;
  }

  private async savePersons(m: EntityManager, surfaceKey: string, persons: Map<string, PersonFactors>): Promise<void> {
    const ids = [...persons.keys()];
    for (let i = 0; i < ids.length; i += 5000) {
      const chunk = ids.slice(i, i + 5000);
      await m.query(
        `INSERT INTO person_factors (user_id, surface_key, factors, updated_at) SELECT u, $1, f::jsonb, now() FROM unnest($2::text[], $3::text[]) AS t(u, f)
         ON CONFLICT (user_id, surface_key) DO UPDATE SET factors = EXCLUDED.factors, updated_at = now()`,
        [surfaceKey, chunk, chunk.map((id) => JSON.stringify(roundPerson(persons.get(id)!)))],
      );
    }
  }

  /**
   * Refits the surface's item factors (weighted ALS over the most recent COLLAB_REFIT_MAX_EVENTS impressions) when
   * due: first once COLLAB_FIRST_REFIT impressions exist, then whenever the impressions since the last refit reach
   * a quarter of those it used (at least COLLAB_MIN_NEW), or COLLAB_MAX_AGE_MS passed with any new ones. Every
   * person in that window gets their posterior under the new factors.
   */
  private async maybeRefit(m: EntityManager, key: string, eng: StoredEngine, successEvent: string, now: number) {
    const name = `collab:${key}`;
    const since = await this.watermark(m, name);
    const upTo = await this.watermark(m, 'model');
    const [{ n }] = await m.query(
      `SELECT count(*)::int AS n FROM engagement_events WHERE surface = $1 AND type = 'IMPRESSION' AND reason <> 'FALLBACK' AND id > $2 AND id <= $3`,
      [key, since, upTo],
    );
    const model = eng.state.collab;
    if (!refitDue(model, n, now, COLLAB_MAX_AGE_MS)) return null;
    const started = Date.now();
    // The window: the newest COLLAB_REFIT_MAX_EVENTS impressions up to the model watermark, found by one backward
    // index scan. Then one forward pass over that id range folds each (request, item) with whether the success event
    // followed. (A join of the impressions to the successes by request_id let the planner pick a nested loop on a
    // fresh, unanalysed events table: 143 s at 120k impressions in the audience run, inside the learner's lock.)
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
    const features = await this.itemFeatures(
      m,
      rows.map((r) => r.item_id),
      now,
    );
    const personIndex = new Map<string, number>();
    const itemIndex = new Map<string, number>();
    const items: ItemFeatures[] = [];
    const pairs = new Map<number, PairStats>();
    const exam = eng.state.examination;
    for (const r of rows) {
      const f = features.get(r.item_id);
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
    const fit = refitCollab({ persons: [...personIndex.keys()], items, pairs: [...pairs.values()], now, previous: model ?? null, seed: 7 });
    eng.state.collab = fit.model;
    eng.state.revision++;
    if (eng.canary) {
      eng.canary.state.collab = fit.model;
      eng.canary.state.revision++;
    }
    const persons = new Map([...personIndex.keys()].map((id, u) => [id, fit.persons[u]]));
    await this.savePersons(m, key, persons);
    await this.setWatermark(m, name, upTo);
    const summary = {
      surface: key,
      version: fit.model.version,
      persons: persons.size,
      items: items.length,
      events: fit.model.events,
      ms: Date.now() - started,
    };
    this.logger.log(
      `Refitted the collaborative model of "${key}" (v${summary.version}: ${summary.items} items, ${summary.persons} people, ${summary.events} impressions) in ${summary.ms} ms.`,
    );
    return { summary, users: [...personIndex.keys()] };
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
    const wm = await this.watermark(m, name);
    // Everything up to the newest event older than the window, in id order (ids only ever grow).
    return m.query(
      `SELECT id, type, request_id, item_id, position, reason, surface, user_id, occurred_at FROM engagement_events
        WHERE id > $1 AND id <= (SELECT coalesce(max(id), 0) FROM engagement_events WHERE id > $1 AND received_at < now() - ($2 || ' seconds')::interval)
        ORDER BY id LIMIT $3`,
      [wm, String(windowSeconds), BATCH],
    );
  }

  private async itemFeatures(m: EntityManager, ids: string[], now: number): Promise<Map<string, ItemFeatures>> {
    const rows: { id: string; live_since: Date | null; fields: ItemFields }[] = await m.query(
      `SELECT i.id, i.live_since, coalesce(v.fields, lv.fields) AS fields FROM items i LEFT JOIN item_versions v ON v.id = i.live_version_id JOIN item_versions lv ON lv.id = i.latest_version_id WHERE i.id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, buildItemFeatures(describeItem(r.id, r.fields, r.live_since), now)]));
  }

  private async watermark(m: EntityManager, name: string): Promise<number> {
    const [row] = await m.query('SELECT last_event_id FROM learner_watermarks WHERE name = $1', [name]);
    return row ? Number(row.last_event_id) : 0;
  }

  private async setWatermark(m: EntityManager, name: string, id: number): Promise<void> {
    await m.query(
      `INSERT INTO learner_watermarks (name, last_event_id, updated_at) VALUES ($1, $2, now()) ON CONFLICT (name) DO UPDATE SET last_event_id = EXCLUDED.last_event_id, updated_at = now()`,
      [name, id],
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
