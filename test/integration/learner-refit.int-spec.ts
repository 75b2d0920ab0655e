import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { AuditService } from '../../libs/audit/src';
import { USER_DIM } from '../../libs/placement/src/engine';
import { LearnerService } from '../../libs/placement/src/learning/learner.service';
import { REFIT_LOCK } from '../../libs/placement/src/learning/collab-refit';
import { EngineStore } from '../../libs/placement/src/runtime/engine-store';
import { AppConfig } from '../../libs/platform-config/src';
import { SystemClock } from '../../libs/platform-core/src';
import { createDataSource } from '../../libs/platform-database/src';
import { ALL_ENTITIES } from '../../migrations/entities';
import { seedSurface } from '../support/seed-surface';
import { dbUrl } from '../support/stack';
import { waitUntil } from '../support/wait';

/**
 * The collaborative refit runs beside the learner's fold, not inside its transaction (issue 9). The learner runs in
 * this process against the real PostgreSQL and Redis, with a hook that holds a refit between its snapshot and its
 * write: meanwhile folds must commit, and afterwards every person's posterior must hold each of their labelled
 * impressions exactly once.
 */
const SURFACE = `refit-${Date.now()}`;
const PEOPLE = 40;

describe('learner: the collaborative refit beside the fold', () => {
  let ds: DataSource;
  let redis: IORedis;
  let itemIds: string[] = [];
  const groupOf = new Map<string, number>();
  /** Impressions seeded per person (every one labelled: no fallbacks, user features logged). */
  const seeded = new Map<string, number>();
  let request = 0;

  const config = { labelWindowSeconds: 0, redisPrefix: process.env.MARQUEE_TEST_REDIS_PREFIX ?? 'mqtest', learnIntervalMs: 300 } as AppConfig;
  const learner = (hooks?: ConstructorParameters<typeof LearnerService>[6]) =>
    new LearnerService(ds, new EngineStore(ds), new AuditService(ds), config, new SystemClock(), redis, hooks);

  beforeAll(async () => {
    ds = createDataSource({ url: dbUrl(), entities: ALL_ENTITIES });
    await ds.initialize();
    redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 1 });
    ({ itemIds } = await seedSurface(SURFACE, 24));
    itemIds.forEach((id, i) => groupOf.set(id, (i * 5) % 7 < 3 ? 0 : 1));
  });

  afterAll(async () => {
    await redis?.quit();
    await ds?.destroy();
  });

  /** Served slates and their events as the API and trackEvents store them: one request per visit, 4 slots each. */
  async function traffic(people: string[], visits: number): Promise<number> {
    const fr: unknown[][] = [[], [], []];
    const ev: unknown[][] = [[], [], [], [], [], []];
    const user = Array.from({ length: USER_DIM }, (_, i) => (i === 0 ? 1 : 0));
    for (let v = 0; v < visits; v++)
      for (const person of people) {
        const rid = `refit-req-${request++}`;
        fr[0].push(rid);
        fr[1].push(person);
        fr[2].push(`{${user.join(',')}}`);
        const slate = [0, 1, 2, 3].map((j) => itemIds[(request * 7 + j * 5) % itemIds.length]);
        slate.forEach((item, j) => {
          const push = (type: string) => [rid, person, item, j + 1, type, randomUUID()].forEach((x, c) => ev[c].push(x));
          push('IMPRESSION');
          seeded.set(person, (seeded.get(person) ?? 0) + 1);
          const likes = groupOf.get(item) === Number(person.split('-').pop()) % 2;
          if ((request + j) % (likes ? 2 : 9) === 0) push('PLAY_START');
        });
      }
    await ds.query(
      `INSERT INTO feed_requests (request_id, served_at, surface, user_id, policy_version, user_features)
       SELECT r, now() - interval '5 seconds', $1, u, 'test', f::real[] FROM unnest($2::text[], $3::text[], $4::text[]) AS t(r, u, f)`,
      [SURFACE, ...fr],
    );
    await ds.query(
      `INSERT INTO engagement_events (event_id, type, occurred_at, received_at, request_id, surface, user_id, item_id, position, propensity, reason, policy_version, served_at)
       SELECT e, ty, now() - interval '4 seconds', now() - interval '4 seconds', r, $1, u, i, p, 0.5, 'EXPLOITATION', 'test', now() - interval '5 seconds'
         FROM unnest($2::text[], $3::text[], $4::uuid[], $5::int[], $6::text[], $7::text[]) AS t(r, u, i, p, ty, e)`,
      [SURFACE, ...ev],
    );
    return people.length * visits * 4;
  }

  const collabVersion = async () =>
    Number((await ds.query(`SELECT coalesce(state->'collab'->>'version', '0') AS v FROM engine_states WHERE surface_key = $1`, [SURFACE]))[0]?.v ?? 0);
  const posteriors = async () =>
    new Map<string, { n: number; model: number }>(
      (
        await ds.query(`SELECT user_id, (factors->>'n')::int AS n, (factors->>'model')::int AS model FROM person_factors WHERE surface_key = $1`, [SURFACE])
      ).map((r: { user_id: string; n: number; model: number }) => [r.user_id, { n: r.n, model: r.model }]),
    );
  const modelWatermark = async () => Number((await ds.query(`SELECT last_event_id FROM learner_watermarks WHERE name = 'model'`))[0]?.last_event_id ?? 0);
  const maxEventId = async () => Number((await ds.query(`SELECT max(id) AS id FROM engagement_events`))[0].id);
  /** Folds until every stored event is folded (other surfaces' leftovers from earlier specs included). */
  async function foldAll(l: LearnerService, opts: { refit?: boolean } = {}) {
    const target = await maxEventId();
    while ((await modelWatermark()) < target) if (!(await l.step(opts))) await new Promise((r) => setTimeout(r, 50));
  }

  const people = Array.from({ length: PEOPLE }, (_, p) => `refit-person-${p}`);

  it('folds while a refit is held between its read and its write, and loses or double counts no person’s impression', async () => {
    // A first model (v1), so that the folds during the next refit update people under a model that is then replaced.
    const plain = learner();
    await traffic(people, 15); // 2,400 impressions: past the first refit's 2,000
    await foldAll(plain);
    await plain.refitter.idle();
    expect(await collabVersion()).toBe(1);

    // Enough new impressions for the next refit to be due, folded (under v1) without refitting yet.
    await traffic(people, 13);
    await foldAll(plain, { refit: false });

    let held!: () => void;
    const heldAt = new Promise<void>((r) => (held = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const l = learner({
      refit: {
        beforeWrite: async () => {
          held();
          await released;
        },
      },
    });
    l.refitter.kick([SURFACE]);
    await heldAt;

    // While the refit holds: a second worker may not refit (REFIT_LOCK is taken) ...
    const other = learner({ refit: { beforeWrite: () => Promise.reject(new Error('a second refit ran concurrently')) } });
    other.refitter.kick([SURFACE]);
    await other.refitter.idle();
    expect(other.refitter.takeFinished()).toEqual([]);
    const [lock] = await ds.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted`, [REFIT_LOCK]);
    expect(lock.n).toBe(1);

    // ... and folds go on: new traffic, including someone the refit's snapshot never saw, is folded and committed.
    const fresh = [...people.slice(0, 10), 'refit-newcomer'];
    const during = await traffic(fresh, 3);
    const target = await maxEventId();
    const started = Date.now();
    const r = await l.step();
    const foldMs = Date.now() - started;
    console.log(`fold of ${during} impressions while the refit was held: ${foldMs} ms`);
    expect(r).not.toBeNull();
    expect(r!.observations).toBe(during);
    expect(r!.personUpdates).toBe(during);
    expect(await modelWatermark()).toBe(target);
    expect(foldMs).toBeLessThan(10_000);
    // The previous model keeps serving until the refit writes, and the fold updated people under it.
    expect(await collabVersion()).toBe(1);
    const mid = await posteriors();
    expect(mid.get('refit-newcomer')).toEqual({ n: 12, model: 1 });

    release();
    await l.refitter.idle();
    const [summary] = l.refitter.takeFinished();
    expect(summary).toMatchObject({ surface: SURFACE, version: 2, caughtUp: during });
    expect(await collabVersion()).toBe(2);

    // Every person: each seeded impression exactly once, under the new model (the refit's window holds them all).
    const after = await posteriors();
    for (const [person, n] of seeded) expect({ person, ...after.get(person) }).toEqual({ person, n, model: 2 });

    // Later folds build on the refit's posteriors, under v2.
    await traffic(people.slice(0, 5), 2);
    await foldAll(l, { refit: false });
    const later = await posteriors();
    for (const p of people.slice(0, 5)) expect(later.get(p)).toEqual({ n: seeded.get(p), model: 2 });
  }, 180_000);

  it('leaves the previous model serving when a refit fails, and says what happened and what to do', async () => {
    await traffic(people, 20); // due again: ≥ max(2,000, a quarter of v2's impressions)
    const errors: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    try {
      const l = learner({ refit: { beforeWrite: () => Promise.reject(new Error('injected failure')) } });
      await foldAll(l);
      await waitUntil(async () => errors.length > 0, { what: 'the failed refit to be logged', timeoutMs: 60_000 });
      await l.refitter.idle();
      expect(await collabVersion()).toBe(2);
      expect(errors[0]).toContain(`The collaborative refit of "${SURFACE}" failed while computing`);
      expect(errors[0]).toContain('injected failure');
      expect(errors[0]).toContain('Nothing was written: v2 keeps serving');
      expect(errors[0]).toContain('Next attempt in 60 s');
      // People kept their v2 posteriors and the fold kept folding into them.
      const now = await posteriors();
      for (const [person, n] of seeded) expect(now.get(person)).toEqual({ n, model: 2 });
    } finally {
      spy.mockRestore();
    }
  }, 120_000);
});
