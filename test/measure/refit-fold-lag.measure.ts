import 'reflect-metadata';
import { loadavg } from 'node:os';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { AuditService } from '../../libs/audit/src';
import { USER_DIM } from '../../libs/placement/src/engine';
import { LearnerService } from '../../libs/placement/src/learning/learner.service';
import { EngineStore } from '../../libs/placement/src/runtime/engine-store';
import { AppConfig } from '../../libs/platform-config/src';
import { SystemClock } from '../../libs/platform-core/src';
import { createDataSource } from '../../libs/platform-database/src';
import { ALL_ENTITIES } from '../../migrations/entities';
import { seedSurface } from '../support/seed-surface';
import { dbUrl } from '../support/stack';

/**
 * How long does the learner's fold wait while a collaborative refit of 300k impressions runs? The learner runs in
 * this process (as in one worker) against a seeded surface: MEASURE_IMPRESSIONS impressions (300,000) of
 * MEASURE_PEOPLE people (2,000) on 300 items, already folded, with no collaborative model yet, so the first fold
 * starts a refit of the whole window. Then it folds fresh traffic every MEASURE_TICK_MS (1,000; the worker's
 * LEARN_INTERVAL_MS) for MEASURE_SECONDS (40), a job at a time as BullMQ runs them, and reports each fold's duration
 * and the longest gap between two committed folds while the refit ran.
 *
 *   TZ=UTC npx jest -c test/measure/jest.config.js --runInBand test/measure/refit-fold-lag.measure.ts
 *
 * Written so that the same file runs against the learner before the refit moved out of the fold (it calls only
 * `new LearnerService(...)` and `step()`): copy it into a checkout of the older commit and run it there.
 */
const IMPRESSIONS = Number(process.env.MEASURE_IMPRESSIONS ?? 300_000);
const PEOPLE = Number(process.env.MEASURE_PEOPLE ?? 2_000);
const TICK_MS = Number(process.env.MEASURE_TICK_MS ?? 1_000);
const SECONDS = Number(process.env.MEASURE_SECONDS ?? 40);
const SLOTS = 10;
const SURFACE = 'refit-measure';

describe('measure: the fold while a collaborative refit runs', () => {
  it('folds every tick during a refit of the whole window', async () => {
    const ds: DataSource = createDataSource({ url: dbUrl(), entities: ALL_ENTITIES });
    await ds.initialize();
    const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const { itemIds } = await seedSurface(SURFACE, 300);
      const user = `{${Array.from({ length: USER_DIM }, (_, i) => (i === 0 ? 1 : 0)).join(',')}}`;
      let next = 0;
      const traffic = async (requests: number) => {
        const from = next;
        next += requests;
        await ds.query(
          `INSERT INTO feed_requests (request_id, served_at, surface, user_id, policy_version, user_features)
           SELECT 'mr-' || r, now() - interval '5 seconds', $1, 'mp-' || (r % $4), 'test', $5::real[] FROM generate_series($2::int, $3::int - 1) r`,
          [SURFACE, from, next, PEOPLE, user],
        );
        // Latent tastes: person and item each in one of 3 hidden groups; plays are likelier within one's group.
        await ds.query(
          `INSERT INTO engagement_events (event_id, type, occurred_at, received_at, request_id, surface, user_id, item_id, position, propensity, reason, policy_version, served_at)
           SELECT gen_random_uuid()::text, ty, now() - interval '4 seconds', now() - interval '4 seconds', 'mr-' || r, $1, 'mp-' || (r % $4),
                  ($5::uuid[])[1 + (r * 7 + j * 31) % 300], j, 0.5, 'EXPLOITATION', 'test', now() - interval '5 seconds'
             FROM generate_series($2::int, $3::int - 1) r, generate_series(1, ${SLOTS}) j,
                  LATERAL (SELECT 'IMPRESSION' AS ty UNION ALL
                           SELECT 'PLAY_START' WHERE random() < CASE WHEN (r % $4) % 3 = ((r * 7 + j * 31) % 300) % 3 THEN 0.25 ELSE 0.05 END) t`,
          [SURFACE, from, next, PEOPLE, itemIds],
        );
      };
      const t0 = Date.now();
      for (let done = 0; done < IMPRESSIONS / SLOTS; done += 5_000) await traffic(Math.min(5_000, IMPRESSIONS / SLOTS - done));
      await ds.query('ANALYZE engagement_events');
      // As if already folded, with no collaborative model yet: the next fold finds the whole window due for a refit.
      const [{ max }] = await ds.query('SELECT max(id)::bigint AS max FROM engagement_events');
      for (const name of ['profiles', 'model'])
        await ds.query(
          `INSERT INTO learner_watermarks (name, last_event_id) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET last_event_id = EXCLUDED.last_event_id`,
          [name, max],
        );
      console.log(`seeded ${IMPRESSIONS} impressions of ${PEOPLE} people in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

      const config = { labelWindowSeconds: 0, redisPrefix: process.env.MARQUEE_TEST_REDIS_PREFIX ?? 'mqtest', learnIntervalMs: TICK_MS } as AppConfig;
      const learner = new LearnerService(ds, new EngineStore(ds), new AuditService(ds), config, new SystemClock(), redis);
      const background = (learner as unknown as { refitter?: { idle(): Promise<void>; takeFinished(): unknown[] } }).refitter;
      const folds: { at: number; ms: number; observations: number; refits: unknown[] }[] = [];
      const start = Date.now();
      const refits: unknown[] = [];
      while (Date.now() - start < SECONDS * 1000) {
        const tick = Date.now();
        await traffic(20); // 200 fresh impressions per tick
        const s = Date.now();
        const r = await learner.step();
        const ms = Date.now() - s;
        const rf = (r?.refits ?? []) as unknown[];
        refits.push(...rf);
        folds.push({ at: Date.now() - start, ms, observations: r?.observations ?? -1, refits: rf });
        await new Promise((res) => setTimeout(res, Math.max(0, TICK_MS - (Date.now() - tick))));
      }
      if (background) {
        await background.idle();
        refits.push(...background.takeFinished());
      }
      const gaps = folds.map((f, i) => (i ? f.at - folds[i - 1].at : f.at));
      const ms = folds.map((f) => f.ms).sort((a, b) => a - b);
      const summary = {
        mode: background ? 'refit beside the fold' : 'refit inside the fold',
        impressions: IMPRESSIONS,
        people: PEOPLE,
        folds: folds.length,
        foldMs: { p50: ms[Math.floor(ms.length / 2)], max: ms[ms.length - 1] },
        longestGapBetweenFoldsMs: Math.max(...gaps),
        refits,
        loadavg: loadavg(),
      };
      console.log(JSON.stringify(summary, null, 1));
      console.log(folds.map((f) => `${f.at}:${f.ms}`).join(' '));
    } finally {
      await redis.quit();
      await ds.destroy();
    }
  });
});
