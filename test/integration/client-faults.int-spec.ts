import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Logger } from '@nestjs/common';
import { ApiHandle, createApiKey, createUser, dbUrl, gql, login, startApi, withDb } from '../support/stack';
import { FaultProxy } from '../support/fault-proxy';
import { seedSurface } from '../support/seed-surface';
import { signedToken } from '../support/tokens';
import { FeedLogWriter, FeedRequestLog } from '../../libs/placement/src/feed/feed-log.writer';

/**
 * The client path (API key, feed, trackEvents, feed logs) while PostgreSQL or Redis is down, hangs, or is fed bad
 * text. PostgreSQL and Redis are "down" only for the API under test: it reaches them through FaultProxy.
 */
const FEED = `query($s: String!, $u: ID!) { feed(surface: $s, userId: $u) { requestId policyVersion items { reason propensity trackingToken item { id } } } }`;
const TRACK = `mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted duplicates rejected { index code message } } }`;
type Feed = { requestId: string; policyVersion: string; items: { reason: string; propensity: number; trackingToken: string; item: { id: string } }[] };
type Track = { accepted: number; duplicates: number; rejected: { index: number; code: string; message: string }[] };

/** These tests call the feed back to back for seconds, faster than any client would: the rate limits are limits.int-spec's subject. */
const NO_LIMITS = { RATE_LIMIT_FEED_PER_KEY: '0', RATE_LIMIT_FEED_PER_ADDRESS: '0' };
const REDIS_URL = process.env.REDIS_URL!;

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Calls the feed for `ms` of wall time and returns every answer with how long it took. */
async function feedsFor(url: string, apiKey: string, surface: string, ms: number) {
  const out: { status: number; ms: number; reasons: string[]; code: string | null }[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const started = Date.now();
    const r = await gql<{ feed: Feed }>(url, FEED, { s: surface, u: `outage-${randomUUID()}` }, { apiKey });
    out.push({
      status: r.status,
      ms: Date.now() - started,
      reasons: r.data?.feed.items.map((i) => i.reason) ?? [],
      code: (r.errors?.[0]?.extensions?.code as string) ?? null,
    });
  }
  return out;
}

function summary(rows: { status: number; ms: number; reasons: string[]; code: string | null }[]) {
  const by = (f: (r: (typeof rows)[number]) => string) => rows.reduce<Record<string, number>>((m, r) => ((m[f(r)] = (m[f(r)] ?? 0) + 1), m), {});
  return {
    calls: rows.length,
    statuses: by((r) => String(r.status)),
    codes: by((r) => r.code ?? 'none'),
    reasons: by((r) => [...new Set(r.reasons)].join('+') || 'none'),
    slowestMs: Math.max(...rows.map((r) => r.ms)),
  };
}

describe('the client path while PostgreSQL is down or hangs (defect 2)', () => {
  const surface = `cf-pg-${Date.now() % 100000}`;
  let pg: FaultProxy;
  let api: ApiHandle;
  let client: { id: string; key: string };

  beforeAll(async () => {
    await seedSurface(surface);
    client = await createApiKey('outage client');
    pg = FaultProxy.forUrl(dbUrl());
    await pg.start();
    // The key reload is far away, so nothing but the in-memory registry can answer for the key during the outage.
    // USER_STATE_CACHE_SIZE=0: every feed reads the viewer's state from PostgreSQL, the path that must fall back. (With
    // the cache, feeds keep being personalized from memory through an outage; the next describe shows that.)
    api = await startApi({
      ...NO_LIMITS,
      FEED_BUDGET_MS: '50',
      DATABASE_URL: pg.via(dbUrl()),
      ENGINE_REFRESH_MS: '300',
      FEED_STICKY_SECONDS: '0',
      API_KEY_REFRESH_MS: '600000',
      USER_STATE_CACHE_SIZE: '0',
    });
  }, 90000);

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await pg?.stop();
  });

  afterEach(async () => {
    await pg.restore();
    await until('the API reaching PostgreSQL again', async () => (await fetch(`${api.url}/health/ready`)).ok, 20000);
  });

  it('answers every feed 200 with FALLBACK items, for longer than any key cache, while PostgreSQL refuses connections', async () => {
    // Personalized before the outage (on a busy machine a single feed can miss its 50 ms budget, so ask until one makes it).
    await until(
      'a personalized feed',
      async () =>
        (await gql<{ feed: Feed }>(api.url, FEED, { s: surface, u: `before-${randomUUID()}` }, { apiKey: client.key })).data?.feed.items[0].reason !==
        'FALLBACK',
    );
    pg.refuse();
    // Past the 5 s the key used to be cached for: every call after that went to PostgreSQL and answered 500.
    const rows = await feedsFor(api.url, client.key, surface, 7000);
    const s = summary(rows);
    expect({ statuses: s.statuses, codes: s.codes, reasons: s.reasons }).toEqual({
      statuses: { '200': rows.length },
      codes: { none: rows.length },
      reasons: { FALLBACK: rows.length },
    });
    // Not a speed figure: a hang detector. A call that waited on the dead connection took the pool's 5 s timeout.
    expect(s.slowestMs).toBeLessThan(1000);
  }, 30000);

  it('answers feeds from the fallback within the budget while PostgreSQL accepts connections but never answers', async () => {
    pg.blackhole();
    const rows = await feedsFor(api.url, client.key, surface, 7000);
    const s = summary(rows);
    expect({ statuses: s.statuses, codes: s.codes, reasons: s.reasons }).toEqual({
      statuses: { '200': rows.length },
      codes: { none: rows.length },
      reasons: { FALLBACK: rows.length },
    });
    expect(s.slowestMs).toBeLessThan(1000);
  }, 30000);

  it('refuses a key it has never seen with a typed, retryable 503 while PostgreSQL is down, and accepts it once it is back', async () => {
    const fresh = await createApiKey('made during the outage');
    pg.refuse();
    const r = await gql(api.url, FEED, { s: surface, u: 'new-key-user' }, { apiKey: fresh.key });
    expect({ status: r.status, code: r.errors?.[0]?.extensions?.code, retryable: r.errors?.[0]?.extensions?.retryable }).toEqual({
      status: 503,
      code: 'UNAVAILABLE',
      retryable: true,
    });
    expect(r.errors![0].extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    expect(Number(r.headers.get('retry-after'))).toBe(r.errors![0].extensions!.retryAfter);
    expect(r.errors![0].message).toMatch(/cannot be checked right now.*Retry in a few seconds/);
    await pg.restore();
    await until(
      'the new key being accepted',
      async () => (await gql<{ feed: Feed }>(api.url, FEED, { s: surface, u: 'new-key-user' }, { apiKey: fresh.key })).data?.feed,
    );
  }, 30000);

  it('answers trackEvents UNAVAILABLE (503, retryable, retryAfter) and stores nothing; the same batch is stored once afterwards', async () => {
    const f = (await gql<{ feed: Feed }>(api.url, FEED, { s: surface, u: 'tracker' }, { apiKey: client.key })).data!.feed;
    const events = f.items.map((i) => ({ eventId: randomUUID(), type: 'IMPRESSION', trackingToken: i.trackingToken, occurredAt: new Date().toISOString() }));
    pg.refuse();
    const down = await gql<{ trackEvents: Track }>(api.url, TRACK, { e: events }, { apiKey: client.key });
    expect({ status: down.status, code: down.errors?.[0]?.extensions?.code, retryable: down.errors?.[0]?.extensions?.retryable, data: down.data }).toEqual({
      status: 503,
      code: 'UNAVAILABLE',
      retryable: true,
      data: null,
    });
    expect(down.errors![0].extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(down.errors![0].message).toMatch(/Nothing from this batch was stored; send the same batch again/);
    const ids = events.map((e) => e.eventId);
    const stored = await withDb((c) => c.query('SELECT count(*)::int AS n FROM engagement_event_ids WHERE event_id = ANY($1)', [ids]));
    expect(stored.rows[0].n).toBe(0);
    await pg.restore();
    const after = await until(
      'trackEvents storing the batch',
      async () => (await gql<{ trackEvents: Track }>(api.url, TRACK, { e: events }, { apiKey: client.key })).data?.trackEvents,
    );
    expect(after).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
    const again = (await gql<{ trackEvents: Track }>(api.url, TRACK, { e: events }, { apiKey: client.key })).data!.trackEvents;
    expect(again).toEqual({ accepted: 0, duplicates: events.length, rejected: [] });
  }, 60000);
});

describe('the feed with per-user state in memory while PostgreSQL is down', () => {
  const surface = `cf-mem-${Date.now() % 100000}`;
  let pg: FaultProxy;
  let api: ApiHandle;
  let client: { id: string; key: string };

  beforeAll(async () => {
    await seedSurface(surface);
    client = await createApiKey('in-memory client');
    pg = FaultProxy.forUrl(dbUrl());
    await pg.start();
    // The default: every stored user state fits in memory, so the feed needs no read to know a viewer's state.
    api = await startApi({
      ...NO_LIMITS,
      FEED_BUDGET_MS: '50',
      DATABASE_URL: pg.via(dbUrl()),
      ENGINE_REFRESH_MS: '300',
      FEED_STICKY_SECONDS: '0',
      API_KEY_REFRESH_MS: '600000',
    });
  }, 90000);

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await pg?.stop();
  });

  it('keeps serving personalized slates from memory (engine state, user states, keys), never an error, while PostgreSQL refuses connections', async () => {
    await until(
      'a personalized feed',
      async () =>
        (await gql<{ feed: Feed }>(api.url, FEED, { s: surface, u: `before-${randomUUID()}` }, { apiKey: client.key })).data?.feed.items[0].reason !==
        'FALLBACK',
    );
    pg.refuse();
    try {
      const rows = await feedsFor(api.url, client.key, surface, 5000);
      const s = summary(rows);
      const personalized = rows.filter((r) => r.reasons.length && !r.reasons.includes('FALLBACK')).length;
      expect({ statuses: s.statuses, codes: s.codes, empty: rows.filter((r) => !r.reasons.length).length }).toEqual({
        statuses: { '200': rows.length },
        codes: { none: rows.length },
        empty: 0,
      });
      // Most calls are ranked by the engine; one that misses its budget on a busy machine falls back, which is allowed.
      expect({ personalizedMostly: personalized / rows.length > 0.5, personalized, of: rows.length, reasons: s.reasons }).toMatchObject({
        personalizedMostly: true,
      });
      expect(s.slowestMs).toBeLessThan(1000);
    } finally {
      await pg.restore();
    }
  }, 30000);
});

describe('the client path while Redis is down or hangs', () => {
  const surface = `cf-redis-${Date.now() % 100000}`;
  let redis: FaultProxy;
  let api: ApiHandle;
  let client: { id: string; key: string };

  beforeAll(async () => {
    await seedSurface(surface);
    client = await createApiKey('redis outage client');
    redis = FaultProxy.forUrl(REDIS_URL);
    await redis.start();
    api = await startApi({ ...NO_LIMITS, FEED_BUDGET_MS: '50', REDIS_URL: redis.via(REDIS_URL), ENGINE_REFRESH_MS: '300', LOGIN_MAX_ATTEMPTS: '3' });
  }, 90000);

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await redis?.stop();
  });

  afterEach(() => redis.restore());

  it.each(['refuse', 'blackhole'] as const)(
    'serves feeds, stores events and counts sign-ins when Redis is %sd',
    async (mode) => {
      redis[mode]();
      const rows = await feedsFor(api.url, client.key, surface, 2000);
      const s = summary(rows);
      expect({ statuses: s.statuses, codes: s.codes }).toEqual({ statuses: { '200': rows.length }, codes: { none: rows.length } });
      expect(s.slowestMs).toBeLessThan(1000);
      const f = (await gql<{ feed: Feed }>(api.url, FEED, { s: surface, u: `redis-${mode}` }, { apiKey: client.key })).data!.feed;
      const events = f.items.map((i) => ({ eventId: randomUUID(), type: 'IMPRESSION', trackingToken: i.trackingToken, occurredAt: new Date().toISOString() }));
      const t = await gql<{ trackEvents: Track }>(api.url, TRACK, { e: events }, { apiKey: client.key });
      expect(t.data?.trackEvents ?? t.errors).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
      // Sign-in limits still count, in PostgreSQL: the fourth try is refused even with the right password.
      const user = await createUser('editor');
      const attempt = (p: string) => gql(api.url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: user.email, p });
      const codes: unknown[] = [];
      for (let i = 0; i < 3; i++) codes.push((await attempt('wrong-password')).errors?.[0]?.extensions?.code);
      const fourth = await attempt(user.password);
      expect({ codes, fourth: fourth.errors?.[0]?.extensions?.code, status: fourth.status }).toEqual({
        codes: ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED'],
        fourth: 'RATE_LIMITED',
        status: 429,
      });
    },
    30000,
  );
});

describe('one NUL byte in a feed request (defect 3)', () => {
  const surface = `cf-nul-${Date.now() % 100000}`;
  let api: ApiHandle;
  let client: { id: string; key: string };

  beforeAll(async () => {
    await seedSurface(surface);
    client = await createApiKey('nul client');
    api = await startApi({ ENGINE_REFRESH_MS: '300', FEED_STICKY_SECONDS: '0' });
  }, 90000);
  afterAll(() => api?.stop());

  it('is refused as bad input, and every later feed is still logged', async () => {
    const bad = await gql<{ feed: Feed }>(api.url, FEED, { s: surface, u: 'nul\u0000user' }, { apiKey: client.key });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // The feed refuses it (problems: userId); the GraphQL edge check of issue 8 may refuse it first, in its own words.
    expect(bad.errors![0].extensions!.problems).toEqual([expect.objectContaining({ field: expect.any(String), message: expect.any(String) })]);
    const good = (await gql<{ feed: Feed }>(api.url, FEED, { s: surface, u: 'after-nul' }, { apiKey: client.key })).data!.feed;
    // Logs are written in batches every 200 ms; before the fix the NUL poisoned every batch after it.
    const read = async () =>
      (
        await withDb((c) =>
          c.query(
            'SELECT (SELECT count(*)::int FROM feed_requests WHERE request_id = $1) AS r, (SELECT count(*)::int FROM placements WHERE request_id = $1) AS p',
            [good.requestId],
          ),
        )
      ).rows[0] as { r: number; p: number };
    const logged = await until('the later feed being logged', async () => ((await read()).r ? read() : null), 5000).catch(async (e) => ({
      error: (e as Error).message,
      now: await read(),
    }));
    expect(logged).toEqual({ r: 1, p: good.items.length });
    expect(api.output()).not.toMatch(/invalid byte sequence/);
  });

  it('in a tracking token rejects that event alone, and stores the valid event beside it', async () => {
    const good = (await gql<{ feed: Feed }>(api.url, FEED, { s: surface, u: 'valid-user' }, { apiKey: client.key })).data!.feed;
    // A token as a feed without the input check would have signed it (the feed now refuses such a user id).
    const poisoned = signedToken({ surface, userId: 'nul\u0000user', itemId: good.items[0].item.id, apiKeyId: client.id });
    const events = [
      { eventId: randomUUID(), type: 'IMPRESSION', trackingToken: poisoned, occurredAt: new Date().toISOString() },
      { eventId: randomUUID(), type: 'IMPRESSION', trackingToken: good.items[0].trackingToken, occurredAt: new Date().toISOString() },
    ];
    const r = await gql<{ trackEvents: Track }>(api.url, TRACK, { e: events }, { apiKey: client.key });
    expect(r.data?.trackEvents ?? r.errors).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [{ index: 0, code: 'INVALID_TOKEN', message: expect.stringMatching(/cannot be stored/) }],
    });
    const stored = await withDb((c) => c.query('SELECT event_id FROM engagement_events WHERE event_id = ANY($1)', [events.map((e) => e.eventId)]));
    expect(stored.rows.map((x) => x.event_id)).toEqual([events[1].eventId]);
  });
});

describe('an event PostgreSQL refuses for a reason no check foresaw', () => {
  const surface = `cf-bad-${Date.now() % 100000}`;
  let api: ApiHandle;
  let client: { id: string; key: string };
  beforeAll(async () => {
    await seedSurface(surface);
    client = await createApiKey('bad row client');
    api = await startApi({ ENGINE_REFRESH_MS: '300' });
  }, 90000);
  afterAll(() => api?.stop());

  it('is rejected alone (NOT_STORABLE) with a log line, and the rest of its batch is stored', async () => {
    const good = (await gql<{ feed: Feed }>(api.url, FEED, { s: surface, u: 'row-by-row' }, { apiKey: client.key })).data!.feed;
    // Validly signed, every text storable, but an item id that is not a UUID: the batch statement fails on it.
    const odd = signedToken({ surface, userId: 'u', itemId: 'not-a-uuid', apiKeyId: client.id });
    const events = [
      { eventId: randomUUID(), type: 'IMPRESSION', trackingToken: good.items[0].trackingToken, occurredAt: new Date().toISOString() },
      { eventId: randomUUID(), type: 'IMPRESSION', trackingToken: odd, occurredAt: new Date().toISOString() },
      { eventId: randomUUID(), type: 'PLAY_START', trackingToken: good.items[0].trackingToken, occurredAt: new Date().toISOString() },
    ];
    const r = await gql<{ trackEvents: Track }>(api.url, TRACK, { e: events }, { apiKey: client.key });
    expect(r.data?.trackEvents ?? r.errors).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [{ index: 1, code: 'NOT_STORABLE', message: expect.stringMatching(/SQLSTATE 22P02.*rest of the batch kept/) }],
    });
    const stored = await withDb((c) =>
      c.query('SELECT event_id FROM engagement_event_ids WHERE event_id = ANY($1) ORDER BY event_id', [events.map((e) => e.eventId)]),
    );
    expect(stored.rows.map((x) => x.event_id)).toEqual([events[0].eventId, events[2].eventId].sort());
    await until('the log line', async () => api.output().includes(`Dropped event "${events[1].eventId}" (index 1 of its batch): PostgreSQL refused it`), 3000);
  });
});

describe('the feed log writer against PostgreSQL (defect 3, without any input check in front of it)', () => {
  let ds: DataSource;
  let writer: FeedLogWriter;
  beforeAll(async () => {
    ds = new DataSource({ type: 'postgres', url: dbUrl(), entities: [] });
    await ds.initialize();
    writer = new FeedLogWriter(ds);
  });
  afterAll(() => ds?.destroy());

  function log(userId: string, itemId: string = randomUUID()): FeedRequestLog {
    return {
      requestId: randomUUID(),
      servedAt: new Date(),
      surface: 'log-writer-test',
      userId,
      policyVersion: 'fallback/editorial',
      stateRevision: null,
      seed: null,
      poolFingerprint: null,
      eligibleMask: null,
      userFeatures: null,
      testShare: null,
      context: { locale: 'en' },
      fallback: true,
      latencyUs: 100,
      apiKeyId: null,
      placements: [{ position: 1, itemId, reason: 'FALLBACK', propensity: 1, propensityError: 0 }],
    };
  }

  it('drops only the rows PostgreSQL cannot store, says which and why, and writes the rest of the batch', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const ok1 = log('user-1');
      const nul = log('nul\u0000user');
      const surrogate = log('half-\uD83D-emoji');
      const badItem = log('user-2', 'not-a-uuid'); // passes the text check; PostgreSQL itself refuses it
      const ok2 = log('user-3');
      for (const r of [ok1, nul, surrogate, badItem, ok2]) writer.push(r);
      await writer.flush();
      const ids = [ok1, nul, surrogate, badItem, ok2].map((r) => r.requestId);
      const { rows } = await withDb((c) => c.query('SELECT request_id FROM feed_requests WHERE request_id = ANY($1)', [ids]));
      expect(rows.map((r) => r.request_id).sort()).toEqual([ok1.requestId, ok2.requestId].sort());
      const lines = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('Dropped the log of feed request'));
      expect(lines).toEqual([
        expect.stringContaining(
          `${nul.requestId} (surface "log-writer-test", user "nul\\u0000user"): its userId holds a NUL byte (U+0000) at character 4, which PostgreSQL cannot store`,
        ),
        expect.stringContaining(`${surrogate.requestId} (surface "log-writer-test", user "half-\\ud83d-emoji"): its userId holds a lone surrogate (U+D83D)`),
        expect.stringMatching(new RegExp(`${badItem.requestId} .*PostgreSQL refused it: invalid input syntax for type uuid.*SQLSTATE 22P02`)),
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('revoking an API key (defect 2: the cache that replaced the database lookup)', () => {
  const surface = `cf-rev-${Date.now() % 100000}`;
  let a: ApiHandle;
  let b: ApiHandle;
  beforeAll(async () => {
    await seedSurface(surface);
    const env = { ENGINE_REFRESH_MS: '300', API_KEY_REFRESH_MS: '600000' };
    [a, b] = await Promise.all([startApi(env), startApi(env)]);
  }, 90000);
  afterAll(() => Promise.all([a?.stop(), b?.stop()]));

  it('is refused at once by every API process, long before the key list reloads', async () => {
    const admin = { token: await login(a.url, await createUser('admin')) };
    const created = await gql<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      a.url,
      'mutation { createApiKey(name: "to revoke") { secret apiKey { id } } }',
      {},
      admin,
    );
    const { secret, apiKey } = created.data!.createApiKey;
    for (const api of [a, b]) expect((await gql(api.url, FEED, { s: surface, u: 'r' }, { apiKey: secret })).status).toBe(200);
    await gql(a.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: apiKey.id }, admin);
    const here = await gql(a.url, FEED, { s: surface, u: 'r' }, { apiKey: secret });
    expect({ status: here.status, message: here.errors?.[0]?.message }).toEqual({ status: 401, message: expect.stringMatching(/revoked/) });
    // The other process hears it through Redis: within 2 s, where its reload is 10 minutes away (and the old cache held 5 s).
    const there = await until(
      'the other process refusing the key',
      async () => {
        const r = await gql(b.url, FEED, { s: surface, u: 'r' }, { apiKey: secret });
        return r.status === 401 ? r : null;
      },
      2000,
    );
    expect(there.errors![0].message).toMatch(/revoked/);
  });
});
