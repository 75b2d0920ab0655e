import { CounterStore, DualCounter } from './login-limits';

/** A counter store held in a map, that can be made to fail like a Redis or PostgreSQL that is down. */
function store(initial: Record<string, number> = {}) {
  const counts = new Map(Object.entries(initial));
  const s = {
    counts,
    down: false,
    async get(key: string) {
      if (s.down) throw new Error('Redis connection is not ready');
      return counts.has(key) ? { consumed: counts.get(key)!, msBeforeNext: 30_000 } : null;
    },
    async add(key: string) {
      if (s.down) throw new Error('Redis connection is not ready');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    async delete(key: string) {
      if (s.down) throw new Error('Redis connection is not ready');
      counts.delete(key);
    },
  };
  return s satisfies CounterStore & object;
}

describe('DualCounter', () => {
  const warnings: string[] = [];
  const make = (redis: ReturnType<typeof store>, pg: ReturnType<typeof store>) =>
    new DualCounter(
      3,
      [
        { name: 'Redis', store: redis },
        { name: 'PostgreSQL', store: pg },
      ],
      (l) => warnings.push(l),
    );
  beforeEach(() => (warnings.length = 0));

  it('counts in both stores and reads the higher count, so a flushed Redis gives no extra guess', async () => {
    const redis = store();
    const pg = store();
    const c = make(redis, pg);
    for (let i = 0; i < 3; i++) await c.add('k');
    expect([redis.counts.get('k'), pg.counts.get('k')]).toEqual([3, 3]);
    redis.counts.clear(); // FLUSHALL
    expect(await c.read('k')).toEqual({ consumed: 3, msBeforeNext: 30_000 });
  });

  it('keeps counting in PostgreSQL while Redis is down, and says so', async () => {
    const redis = store();
    const pg = store({ k: 2 });
    const c = make(redis, pg);
    redis.down = true;
    await c.add('k');
    expect(await c.read('k')).toEqual({ consumed: 3, msBeforeNext: 30_000 });
    expect(warnings).toEqual(['Redis did not record a failed sign-in (Redis connection is not ready)', 'Redis did not answer (Redis connection is not ready)']);
  });

  it('refuses (UNAVAILABLE) when no store answers, rather than allow uncounted guesses', async () => {
    const redis = store();
    const pg = store();
    redis.down = pg.down = true;
    await expect(make(redis, pg).read('k')).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { retryable: true } });
  });

  it('clears both stores on a correct password', async () => {
    const redis = store({ k: 2 });
    const pg = store({ k: 2 });
    await make(redis, pg).delete('k');
    expect([redis.counts.has('k'), pg.counts.has('k')]).toEqual([false, false]);
  });
});
