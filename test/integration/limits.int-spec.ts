import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { ApiHandle, createApiKey, createUser, startApi, withDb } from '../support/stack';
import { seedSurface } from '../support/seed-surface';
import { runTraffic } from '../../apps/cli/src/commands/traffic';

/**
 * Limits per key and per address (defects 8 and 9) against the real API, Redis and PostgreSQL. The APIs here trust
 * x-forwarded-for from 127.0.0.1 (TRUSTED_PROXIES), so each test speaks from addresses of its own and no counter of
 * one test is shared with another.
 */
const FEED = `query($s: String!, $u: ID!) { feed(surface: $s, userId: $u) { items { trackingToken } } }`;
const TRACK = `mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted duplicates rejected { index code } } }`;
const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';

interface Answer<T> {
  status: number;
  retryAfterHeader: string | null;
  data: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

let addressSeq = 0;
/** A fresh client address for one test (TEST-NET-2, never a real client). */
function address(): string {
  addressSeq++;
  return `198.51.${100 + Math.floor(addressSeq / 250)}.${addressSeq % 250}`;
}

async function call<T>(url: string, query: string, variables: Record<string, unknown>, o: { apiKey?: string; from?: string } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.apiKey) headers['x-api-key'] = o.apiKey;
  if (o.from) headers['x-forwarded-for'] = o.from;
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: Answer<T>['errors'] };
  return { status: res.status, retryAfterHeader: res.headers.get('retry-after'), data: body.data ?? null, errors: body.errors };
}

function batch(tokens: string[], n = 500) {
  return Array.from({ length: n }, (_, i) => ({
    eventId: randomUUID(),
    type: 'IMPRESSION',
    trackingToken: tokens[i % tokens.length],
    occurredAt: new Date().toISOString(),
  }));
}

async function storedCount(eventIds: string[]): Promise<number> {
  return (await withDb((c) => c.query('SELECT count(*)::int AS n FROM engagement_event_ids WHERE event_id = ANY($1)', [eventIds]))).rows[0].n;
}

describe('rate limits on trackEvents and feed, per key and per address (defect 8)', () => {
  const surface = `lim-${Date.now() % 100000}`;
  // 1,000 events and 30 feeds per key, 1,500 events and 50 feeds per address, in each 10 s window.
  const env = {
    TRUSTED_PROXIES: '127.0.0.1',
    RATE_LIMIT_WINDOW_SECONDS: '10',
    RATE_LIMIT_EVENTS_PER_KEY: '100',
    RATE_LIMIT_EVENTS_PER_ADDRESS: '150',
    RATE_LIMIT_FEED_PER_KEY: '3',
    RATE_LIMIT_FEED_PER_ADDRESS: '5',
  };
  let api: ApiHandle;
  let api2: ApiHandle;

  beforeAll(async () => {
    await seedSurface(surface);
    [api, api2] = await Promise.all([startApi(env), startApi(env)]);
  }, 90000);
  afterAll(() => Promise.all([api?.stop(), api2?.stop()]));

  async function tokensFor(key: string): Promise<string[]> {
    const f = await call<{ feed: { items: { trackingToken: string }[] } }>(
      api.url,
      FEED,
      { s: surface, u: `u-${randomUUID()}` },
      { apiKey: key, from: address() },
    );
    if (!f.data) throw new Error(`feed failed: ${JSON.stringify(f.errors)}`);
    return f.data.feed.items.map((i) => i.trackingToken);
  }

  /** Sends batches until one is refused (at most `max`), and says what happened to each. */
  async function flood(key: string, tokens: string[], from: () => string, max: number, via: () => ApiHandle = () => api) {
    const answers: { accepted: number | null; status: number; code: string | null }[] = [];
    let refused: { answer: Answer<unknown>; eventIds: string[] } | null = null;
    for (let i = 0; i < max && !refused; i++) {
      const events = batch(tokens);
      const r = await call<{ trackEvents: { accepted: number } }>(via().url, TRACK, { e: events }, { apiKey: key, from: from() });
      answers.push({ accepted: r.data?.trackEvents.accepted ?? null, status: r.status, code: (r.errors?.[0]?.extensions?.code as string) ?? null });
      if (r.status !== 200) refused = { answer: r, eventIds: events.map((e) => e.eventId) };
    }
    return { answers, refused };
  }

  it('cuts one key at its limit: 429 RATE_LIMITED with retryAfter and Retry-After, and the refused batch stores nothing', async () => {
    const key = (await createApiKey('flooding app')).key;
    const tokens = await tokensFor(key);
    const { answers, refused } = await flood(key, tokens, address, 10); // a new address per batch: only the key limit applies
    expect(answers).toEqual([
      { accepted: 500, status: 200, code: null },
      { accepted: 500, status: 200, code: null },
      { accepted: null, status: 429, code: 'RATE_LIMITED' },
    ]);
    const ext = refused!.answer.errors![0].extensions!;
    expect(ext).toMatchObject({ scope: 'key', limit: 100 });
    expect(ext.retryAfter).toBeGreaterThanOrEqual(1);
    expect(ext.retryAfter).toBeLessThanOrEqual(10);
    expect(refused!.answer.retryAfterHeader).toBe(String(ext.retryAfter));
    expect(refused!.answer.errors![0].message).toMatch(/Too many events from this API key: the limit is 100 events per second .*RATE_LIMIT_EVENTS_PER_KEY/);
    expect(await storedCount(refused!.eventIds)).toBe(0);
  });

  it('counts an address across keys', async () => {
    const from = address();
    const [k1, k2] = [(await createApiKey('app one')).key, (await createApiKey('app two')).key];
    const [t1, t2] = [await tokensFor(k1), await tokensFor(k2)];
    const first = await flood(k1, t1, () => from, 2);
    const second = await flood(k2, t2, () => from, 2);
    expect([...first.answers, ...second.answers].map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(second.refused!.answer.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'address', limit: 150 });
  });

  it('shares the counts between API processes (they live in Redis)', async () => {
    const key = (await createApiKey('two processes')).key;
    const tokens = await tokensFor(key);
    let n = 0;
    const { answers } = await flood(key, tokens, address, 4, () => (n++ % 2 ? api2 : api));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
  });

  it('limits feed calls per key the same way', async () => {
    const key = (await createApiKey('feed flood')).key;
    const statuses: number[] = [];
    let refused: Answer<unknown> | null = null;
    for (let i = 0; i < 40 && !refused; i++) {
      const r = await call(api.url, FEED, { s: surface, u: `f-${i}` }, { apiKey: key, from: address() });
      statuses.push(r.status);
      if (r.status !== 200) refused = r;
    }
    expect({ served: statuses.filter((s) => s === 200).length, last: statuses.at(-1) }).toEqual({ served: 30, last: 429 });
    expect(refused!.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'key', retryAfter: expect.any(Number) });
    expect(Number(refused!.retryAfterHeader)).toBeGreaterThanOrEqual(1);
  });

  it('lets a client that waits out retryAfter get every call through (the traffic CLI does)', async () => {
    const key = (await createApiKey('patient client')).key;
    // 40 feeds against 30 per key per window: the last 10 wait for the next window and then succeed.
    const stats = await runTraffic({ url: api.url, apiKey: key, surface, requests: 40, users: 1000, success: 'PLAY_START', concurrency: 2, seed: 7 });
    expect({ requests: stats.requests, rejected: stats.rejected }).toEqual({ requests: 40, rejected: 0 });
  }, 60000);

  it('binds a tracking token to the key that received the feed: another key gets TOKEN_KEY_MISMATCH for that event alone', async () => {
    const [a, b] = [await createApiKey('key A'), await createApiKey('key B')];
    const [ta, tb] = [await tokensFor(a.key), await tokensFor(b.key)];
    const events = [batch(ta, 1)[0], batch(tb, 1)[0]];
    const r = await call<{ trackEvents: { accepted: number; duplicates: number; rejected: { index: number; code: string }[] } }>(
      api.url,
      TRACK,
      { e: events },
      { apiKey: b.key, from: address() },
    );
    expect(r.data?.trackEvents ?? r.errors).toEqual({ accepted: 1, duplicates: 0, rejected: [{ index: 0, code: 'TOKEN_KEY_MISMATCH' }] });
    const stored = await withDb((c) => c.query('SELECT event_id, api_key_id FROM engagement_events WHERE event_id = ANY($1)', [events.map((e) => e.eventId)]));
    expect(stored.rows).toEqual([{ event_id: events[1].eventId, api_key_id: b.id }]);
  });
});

// The documented defaults are checked in config.spec.ts; the flood against those defaults (hundreds of thousands
// of events) is measured by the abuse suite (`npm run test:abuse`), which is too heavy for every `npm test`.

describe('sign-in limits (defect 9)', () => {
  let redis: IORedis;
  beforeAll(() => {
    redis = new IORedis(process.env.REDIS_URL!);
  });
  afterAll(() => redis.quit());

  async function deleteRedisLoginCounters(): Promise<number> {
    let n = 0;
    const stream = redis.scanStream({ match: `${process.env.REDIS_PREFIX}:login*`, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) if (keys.length) n += await redis.del(...keys);
    return n;
  }

  describe('with no trusted proxy (the default)', () => {
    let api: ApiHandle;
    beforeAll(async () => {
      api = await startApi({ LOGIN_MAX_ATTEMPTS: '3', LOGIN_WINDOW_SECONDS: '60' });
    }, 90000);
    afterAll(() => api?.stop());

    it('gives no extra guesses when the Redis counters are lost (flushed or expired early)', async () => {
      const user = await createUser('editor');
      for (let i = 0; i < 3; i++) expect((await call(api.url, LOGIN, { e: user.email, p: 'wrong-password' })).status).toBe(401);
      expect((await call(api.url, LOGIN, { e: user.email, p: user.password })).status).toBe(429);
      expect(await deleteRedisLoginCounters()).toBeGreaterThan(0);
      const after = await call(api.url, LOGIN, { e: user.email, p: user.password });
      expect({ status: after.status, code: after.errors?.[0]?.extensions?.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(after.retryAfterHeader)).toBeGreaterThanOrEqual(1);
    });

    it('ignores x-forwarded-for from a peer that is not a trusted proxy', async () => {
      const user = await createUser('editor');
      for (let i = 0; i < 3; i++) await call(api.url, LOGIN, { e: user.email, p: 'wrong-password' }, { from: `10.0.0.${i + 1}` });
      const spoofed = await call(api.url, LOGIN, { e: user.email, p: user.password }, { from: '10.0.0.99' });
      expect({ status: spoofed.status, code: spoofed.errors?.[0]?.extensions?.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
      expect(api.output()).toMatch(/Ignored x-forwarded-for from .*127\.0\.0\.1: it is not in TRUSTED_PROXIES/);
    });
  });

  describe('behind a trusted proxy', () => {
    let api: ApiHandle;
    beforeAll(async () => {
      api = await startApi({ TRUSTED_PROXIES: '127.0.0.1', LOGIN_MAX_ATTEMPTS: '3', LOGIN_MAX_PER_ADDRESS: '4', LOGIN_WINDOW_SECONDS: '60' });
    }, 90000);
    afterAll(() => api?.stop());

    it('counts the forwarded client address', async () => {
      const user = await createUser('editor');
      const [guesser, owner] = [address(), address()];
      for (let i = 0; i < 3; i++) await call(api.url, LOGIN, { e: user.email, p: 'wrong-password' }, { from: guesser });
      expect((await call(api.url, LOGIN, { e: user.email, p: user.password }, { from: guesser })).status).toBe(429);
      const r = await call<{ login: { token: string } }>(api.url, LOGIN, { e: user.email, p: user.password }, { from: owner });
      expect(r.data?.login.token ?? r.errors).toEqual(expect.any(String));
    });

    it('pauses an address that guesses across many accounts', async () => {
      const from = address();
      const users = await Promise.all(Array.from({ length: 5 }, () => createUser('analyst')));
      const codes: unknown[] = [];
      for (const u of users.slice(0, 4)) codes.push((await call(api.url, LOGIN, { e: u.email, p: 'wrong-password' }, { from })).errors?.[0]?.extensions?.code);
      const fifth = await call(api.url, LOGIN, { e: users[4].email, p: users[4].password }, { from });
      expect({ codes, fifth: fifth.errors?.[0]?.extensions?.code, message: fifth.errors?.[0]?.message }).toEqual({
        codes: ['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED'],
        fifth: 'RATE_LIMITED',
        message: expect.stringMatching(/Too many failed sign-ins from your address/),
      });
    });
  });
});
