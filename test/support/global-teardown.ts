import IORedis from 'ioredis';
import { dropDatabase } from '../../libs/platform-database/src';

export default async function globalTeardown(): Promise<void> {
  const url = process.env.MARQUEE_TEST_DATABASE_URL;
  if (url && !process.env.KEEP_TEST_DATABASE) await dropDatabase(url).catch(() => undefined);
  const prefix = process.env.MARQUEE_TEST_REDIS_PREFIX;
  if (prefix) {
    // Leave the shared Redis as we found it: drop this run's queues and rate-limit keys.
    const redis = new IORedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } catch {
      // Redis gone: nothing to clean
    } finally {
      redis.disconnect();
    }
  }
}
