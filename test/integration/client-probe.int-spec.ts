import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { ApiHandle, createApiKey, gql, startApi, withDb } from '../support/stack';
import { FaultProxy } from '../support/fault-proxy';
import { seedSurface } from '../support/seed-surface';
import { pollUntil } from '../support/wait';

/**
 * What a hostile client found on the client operations (feed, editorialFeed, trackEvents), against a real API,
 * PostgreSQL and Redis.
 */

const surface = 'probe';
const FEED = `query($u: ID!) { feed(surface: "${surface}", userId: $u) { requestId items { trackingToken } } }`;
const TRACK = 'mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted duplicates rejected { index code message } } }';

type Feed = { feed: { requestId: string; items: { trackingToken: string }[] } };
type Track = { trackEvents: { accepted: number; duplicates: number; rejected: { index: number; code: string; message: string }[] } };

/** The user id a tracking token was signed for (its shared head is base64url JSON). */
function tokenUser(token: string): string {
  return (JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString()) as { u: string }).u;
}

describe('client operations under hostile input', () => {
  let api: ApiHandle;
  let api2: ApiHandle;
  let redis: FaultProxy;
  let key: string;
  let versioned: string[];

  beforeAll(async () => {
    await seedSurface(surface, 6);
    // Items asking for app versions, pre-releases among them (4 items, 4 slots: every visible item is served).
    versioned = (await seedSurface(`${surface}-ver`, 4, (i) => [null, '2.3.0', '2.3.0-beta.2', '2.2'][i])).itemIds;
    key = (await createApiKey('client probe')).key;
    // Both reach Redis through a proxy that can slow its replies (the sticky-slate race).
    redis = FaultProxy.forUrl(process.env.REDIS_URL!);
    redis.delayReplies = true;
    await redis.start();
    const env = { REDIS_URL: redis.via(process.env.REDIS_URL!) };
    [api, api2] = await Promise.all([startApi(env), startApi(env)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), api2?.stop()]);
    await redis?.stop();
  });

  it('refuses an id sent as a JSON number beyond 2^53 instead of serving or storing it under the rounded digits', async () => {
    // JSON.parse rounds both to 12345678901234567000: the feed was served (and its tokens signed) for user
    // "12345678901234567000", and the second event was counted a duplicate of the first and dropped.
    const body = `{"query":${JSON.stringify(FEED)},"variables":{"u":12345678901234567890}}`;
    const res = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });
    const answer = (await res.json()) as { data?: Feed; errors?: { message: string; extensions: { code: string; problems: unknown } }[] };
    const served = answer.data?.feed.items.map((i) => tokenUser(i.trackingToken));
    expect({ status: res.status, code: answer.errors?.[0]?.extensions.code, served }).toEqual({ status: 400, code: 'BAD_USER_INPUT', served: undefined });
    expect(answer.errors![0].extensions.problems).toEqual([
      { field: 'u', message: expect.stringMatching(/JSON cannot carry exactly.*send the id as a string/) },
    ]);

    // The same id as a string is served under exactly its digits.
    const ok = await gql<Feed>(api.url, FEED, { u: '12345678901234567890' }, { apiKey: key });
    expect(ok.data?.feed.items.map((i) => tokenUser(i.trackingToken))).toEqual(ok.data!.feed.items.map(() => '12345678901234567890'));

    const token = ok.data!.feed.items[0].trackingToken;
    const at = new Date().toISOString();
    const events = `[{"eventId":12345678901234567890,"type":"IMPRESSION","trackingToken":${JSON.stringify(token)},"occurredAt":"${at}"},{"eventId":12345678901234567891,"type":"PLAY_START","trackingToken":${JSON.stringify(token)},"occurredAt":"${at}"}]`;
    const tr = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: `{"query":${JSON.stringify(TRACK)},"variables":{"e":${events}}}`,
    });
    const tracked = (await tr.json()) as { data?: Track; errors?: { extensions: { code: string; problems: { field: string }[] } }[] };
    expect({ status: tr.status, data: tracked.data, code: tracked.errors?.[0]?.extensions.code }).toEqual({
      status: 400,
      data: undefined,
      code: 'BAD_USER_INPUT',
    });
    expect(tracked.errors![0].extensions.problems.map((p) => p.field)).toEqual(['e[0].eventId', 'e[1].eventId']);
    const stored = await withDb((c) => c.query(`SELECT count(*)::int AS n FROM engagement_events WHERE user_id = '12345678901234567890'`));
    expect(stored.rows[0].n).toBe(0);
  });

  it('serves one slate to a user asking many times at once, on two API processes, and logs only that one', async () => {
    // Each request that found no sticky slate ranked and logged its own, and the last write to Redis won: 12
    // simultaneous feeds for one user came back as 4 different slates, all 4 logged.
    const user = `race-${randomUUID()}`;
    const apis = [api, api2];
    // Redis answering in 150 ms (within FEED_REDIS_WAIT_MS): every request's sticky read comes back empty before any
    // slate is stored, so all of them rank one.
    redis.replyDelayMs = 150;
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => gql<Feed>(apis[i % 2].url, FEED, { u: user }, { apiKey: key }))).finally(
      () => (redis.replyDelayMs = 0),
    );
    const served = [...new Set(answers.map((a) => a.data?.feed.requestId ?? JSON.stringify(a.errors)))];
    // A later feed of another user on each process: once both are logged, everything served before them is too.
    const markers = await Promise.all(apis.map((a) => gql<Feed>(a.url, FEED, { u: `marker-${randomUUID()}` }, { apiKey: key })));
    const markerIds = markers.map((m) => m.data!.feed.requestId);
    await pollUntil(
      () => withDb((c) => c.query('SELECT count(*)::int AS n FROM feed_requests WHERE request_id = ANY($1)', [markerIds])).then((r) => r.rows[0].n as number),
      (n) => n === 2,
      { what: `the feed log of both marker requests ${markerIds.join(', ')}` },
    );
    const logged = (await withDb((c) => c.query('SELECT request_id FROM feed_requests WHERE user_id = $1', [user]))).rows.map((r) => r.request_id as string);
    expect({ served, logged }).toEqual({ served: [served[0]], logged: [served[0]] });
  });

  it('ranks once for calls of one user at the same moment in one process, even with Redis down, and logs that slate once', async () => {
    // Without Redis there is no sticky claim: each of 15 aliases in one document ranked, logged and served a slate of
    // its own.
    const down = FaultProxy.forUrl(process.env.REDIS_URL!);
    await down.start();
    const lone = await startApi({ REDIS_URL: down.via(process.env.REDIS_URL!) });
    try {
      down.refuse();
      const user = `no-redis-${randomUUID()}`;
      const query = `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: feed(surface: "${surface}", userId: "${user}") { requestId policyVersion }`).join(' ')} }`;
      const r = await gql<Record<string, { requestId: string; policyVersion: string }>>(lone.url, query, {}, { apiKey: key });
      expect(r.errors).toBeUndefined();
      const served = [...new Set(Object.values(r.data!).map((f) => f.requestId))];
      const marker = (await gql<Feed>(lone.url, FEED, { u: `marker-${randomUUID()}` }, { apiKey: key })).data!.feed.requestId;
      await pollUntil(
        () => withDb((c) => c.query('SELECT count(*)::int AS n FROM feed_requests WHERE request_id = $1', [marker])).then((q) => q.rows[0].n as number),
        (n) => n === 1,
        { what: `the feed log of the marker request ${marker}` },
      );
      const logged = (await withDb((c) => c.query('SELECT request_id FROM feed_requests WHERE user_id = $1', [user]))).rows.map((q) => q.request_id as string);
      expect({ slates: served.length, logged }).toEqual({ slates: 1, logged: served });
    } finally {
      await down.restore();
      await lone.stop();
      await down.stop();
    }
  });

  it('serves a fresh slate, and takes the sticky key back, when the key holds something else: a hash, broken JSON, an older form', async () => {
    const r = new IORedis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    try {
      const prefix = process.env.MARQUEE_TEST_REDIS_PREFIX ?? 'mqtest';
      const foreign: [string, (k: string) => Promise<unknown>][] = [
        ['a hash', (k) => r.hset(k, 'x', '1')],
        ['broken JSON', (k) => r.set(k, '{"c":')],
        ['an older form', (k) => r.set(k, JSON.stringify({ c: 'v0', k: 1, r: { requestId: 'old', items: [] } }))],
      ];
      const seen: Record<string, unknown> = {};
      for (const [what, write] of foreign) {
        const user = `foreign-${randomUUID()}`;
        const k = `${prefix}:slate:${surface}:${user}`;
        await write(k);
        const first = await gql<Feed>(api.url, FEED, { u: user }, { apiKey: key });
        const second = await gql<Feed>(api.url, FEED, { u: user }, { apiKey: key });
        seen[what] = {
          status: first.status,
          errors: first.errors,
          items: first.data?.feed.items.length,
          sticky: second.data?.feed.requestId === first.data?.feed.requestId,
          type: await r.type(k),
        };
      }
      const fine = { status: 200, errors: undefined, items: 4, sticky: true, type: 'string' };
      expect(seen).toEqual({ 'a hash': fine, 'broken JSON': fine, 'an older form': fine });
    } finally {
      r.disconnect();
    }
  });

  it('serves one slate to 15 aliases of one user in one document at the production Redis wait, however long ranking them keeps the process busy', async () => {
    // The 15 sticky claims wait FEED_REDIS_WAIT_MS (10 ms) each while the process ranks the other aliases' slates; Redis
    // answers within a millisecond, but a timer that expired meanwhile ran before the answer was read, so the claims
    // gave up and 14 or 15 different slates were served and logged.
    const fast = await startApi({ FEED_REDIS_WAIT_MS: '10', REDIS_URL: process.env.REDIS_URL! });
    try {
      const user = `aliases-${randomUUID()}`;
      const query = `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: feed(surface: "${surface}", userId: "${user}") { requestId }`).join(' ')} }`;
      const r = await gql<Record<string, { requestId: string }>>(fast.url, query, {}, { apiKey: key });
      expect(r.errors).toBeUndefined();
      const served = [...new Set(Object.values(r.data!).map((f) => f.requestId))];
      expect({ slates: served.length, served }).toEqual({ slates: 1, served: [served[0]] });
    } finally {
      await fast.stop();
    }
  });

  it('marks RATE_LIMITED retryable, as UNAVAILABLE is, with retryAfter and Retry-After', async () => {
    // It carried retryAfter but no retryable flag, so a client retrying on `extensions.retryable` gave up on a 429.
    const limited = await startApi({ RATE_LIMIT_FEED_PER_KEY: '1', RATE_LIMIT_FEED_PER_ADDRESS: '0', RATE_LIMIT_WINDOW_SECONDS: '10' });
    try {
      const own = (await createApiKey('rate probe')).key;
      let refused: Awaited<ReturnType<typeof gql>> | null = null;
      const statuses: number[] = [];
      for (let i = 0; i < 50 && !refused; i++) {
        const r = await gql(limited.url, FEED, { u: 'rate-user' }, { apiKey: own });
        statuses.push(r.status);
        if (r.status === 429) refused = r;
      }
      expect({ refused: refused !== null, statuses: statuses.length }).toEqual({ refused: true, statuses: expect.any(Number) });
      const ext = refused!.errors![0].extensions!;
      expect({ code: ext.code, retryable: ext.retryable, retryAfter: ext.retryAfter, header: refused!.headers.get('retry-after') }).toEqual({
        code: 'RATE_LIMITED',
        retryable: true,
        retryAfter: expect.any(Number),
        header: String(ext.retryAfter),
      });
      expect(refused!.errors![0].message).toMatch(/Nothing was done; retry after \d+ s\./);
    } finally {
      await limited.stop();
    }
  });

  it('tells a client that sends its API key as a bearer token where the key goes', async () => {
    // It answered "Your session token is not valid. Sign in again.", which an app cannot do.
    const r = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: FEED, variables: { u: 'bearer' } }),
    });
    const body = (await r.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect({ status: r.status, code: body.errors[0].extensions.code, message: body.errors[0].message }).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
      message: 'This is an API key, sent as a bearer token. Send it in the x-api-key header instead of Authorization.',
    });
  });

  it('answers every malformed request with a code and a message saying what to send instead', async () => {
    const ask = async (init: { method?: string; body?: string; contentType?: string }, query = '') => {
      const res = await fetch(`${api.url}/graphql${query}`, {
        method: init.method ?? 'POST',
        headers: { 'x-api-key': key, ...(init.contentType === undefined ? { 'content-type': 'application/json' } : { 'content-type': init.contentType }) },
        body: init.body,
      });
      const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
      return { status: res.status, code: body.errors[0].extensions.code, message: body.errors[0].message };
    };
    const feed = JSON.stringify({ query: FEED, variables: { u: 'shape' } });
    const got = {
      batch: await ask({ body: `[${feed},${feed}]` }),
      empty: await ask({ body: '{}' }),
      queryNotString: await ask({ body: '{"query": 5}' }),
      put: await ask({ method: 'PUT', body: feed }),
      getMutation: await ask({ method: 'GET', contentType: 'application/json' }, `?query=${encodeURIComponent(TRACK)}`),
      unknownOperation: await ask({ body: JSON.stringify({ query: `query A ${FEED.slice(5)}`, operationName: 'B'.repeat(5000), variables: { u: 'x' } }) }),
      nullBody: await ask({ body: 'null' }),
      stringBody: await ask({ body: '"feed"' }),
      // Apollo refused these with an uncoded error, which answered INTERNAL_SERVER_ERROR ("something went wrong on our
      // side") and logged an error for each.
      wrongHash: await ask({ body: JSON.stringify({ query: FEED, variables: { u: 'x' }, extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }) }),
      wrongVersion: await ask({ body: JSON.stringify({ extensions: { persistedQuery: { version: 2, sha256Hash: 'abc' } } }) }),
      notAnObject: await ask({ body: JSON.stringify({ extensions: { persistedQuery: 'x' } }) }),
    };
    // Before: "Operation batching disabled.", "POST body missing, invalid Content-Type, or JSON object has no keys.",
    // "GraphQL queries must be strings.", "Apollo Server supports only GET/POST requests.", "GET requests only support
    // query operations, not mutation operations", "Unknown operation named "BBBB…(5,000 B)".", and "not valid JSON"
    // for the valid JSON null and "feed".
    expect(got).toEqual({
      batch: {
        status: 400,
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/^A JSON array of operations \(a batch\) is not accepted\. Send each operation/),
      },
      empty: { status: 400, code: 'BAD_REQUEST', message: expect.stringMatching(/^The request holds no GraphQL operation\. Send a POST/) },
      queryNotString: { status: 400, code: 'BAD_REQUEST', message: expect.stringMatching(/^"query" must be a string/) },
      put: { status: 405, code: 'BAD_REQUEST', message: expect.stringMatching(/^\/graphql takes POST .* Send the request as a POST/) },
      getMutation: { status: 405, code: 'BAD_REQUEST', message: expect.stringMatching(/^A mutation cannot be sent with GET .* Send it as a POST/) },
      unknownOperation: {
        status: 400,
        code: 'OPERATION_RESOLUTION_FAILURE',
        message: expect.stringMatching(/^The document has no operation named "B+…" \(5000 characters\)\. Set operationName/),
      },
      nullBody: {
        status: 400,
        code: 'BAD_REQUEST',
        message: 'The request body is the JSON value null, not an object. Send a JSON object like {"query": "..."}.',
      },
      stringBody: { status: 400, code: 'BAD_REQUEST', message: 'The request body is a JSON string, not an object. Send a JSON object like {"query": "..."}.' },
      wrongHash: {
        status: 400,
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/^extensions\.persistedQuery\.sha256Hash is not the SHA-256 of the query/),
      },
      wrongVersion: { status: 400, code: 'BAD_REQUEST', message: expect.stringMatching(/^Only version 1 of persisted queries is supported/) },
      notAnObject: { status: 400, code: 'BAD_REQUEST', message: expect.stringMatching(/^Only version 1 of persisted queries is supported/) },
    });
  });

  it('rejects another event under a used eventId as EVENT_ID_REUSED, in one batch and across batches; an identical repeat stays a duplicate', async () => {
    const feed = await gql<Feed>(api.url, FEED, { u: 'reuse-user' }, { apiKey: key });
    const [a, b] = feed.data!.feed.items.map((i) => i.trackingToken);
    const at = new Date().toISOString();
    const id1 = randomUUID();
    const id2 = randomUUID();
    const track = async (e: unknown[]) => (await gql<Track>(api.url, TRACK, { e }, { apiKey: key })).data?.trackEvents;
    const stored = async (id: string) =>
      (await withDb((c) => c.query('SELECT type, value FROM engagement_events WHERE event_id = $1 ORDER BY id', [id]))).rows as {
        type: string;
        value: number;
      }[];

    // In one batch: the impression, its retry, then a play under the impression's id. The play used to be counted as a
    // duplicate and dropped without a word.
    const first = await track([
      { eventId: id1, type: 'IMPRESSION', trackingToken: a, occurredAt: at },
      { eventId: id1, type: 'IMPRESSION', trackingToken: a, occurredAt: at.replace('Z', '+00:00') },
      { eventId: id1, type: 'PLAY_START', trackingToken: a, occurredAt: at },
      { eventId: id2, type: 'PLAY_START', trackingToken: b, occurredAt: at, value: 30 },
    ]);
    expect(first).toEqual({
      accepted: 2,
      duplicates: 1,
      rejected: [{ index: 2, code: 'EVENT_ID_REUSED', message: expect.stringMatching(/already used by event 0 of this batch.*eventId of its own/) }],
    });

    // Across batches: the same play again is a duplicate; a different value, token or type under its id is refused.
    const second = await track([
      { eventId: id2, type: 'PLAY_START', trackingToken: b, occurredAt: at, value: 30 },
      { eventId: id2, type: 'PLAY_START', trackingToken: b, occurredAt: at, value: 31 },
      { eventId: id1, type: 'IMPRESSION', trackingToken: b, occurredAt: at },
    ]);
    expect(second).toEqual({
      accepted: 0,
      duplicates: 1,
      rejected: [
        { index: 1, code: 'EVENT_ID_REUSED', message: expect.stringMatching(/already used by event 0 of this batch/) },
        { index: 2, code: 'EVENT_ID_REUSED', message: expect.stringMatching(/already used by an event stored earlier/) },
      ],
    });
    expect({ [id1]: await stored(id1), [id2]: await stored(id2) }).toEqual({
      [id1]: [{ type: 'IMPRESSION', value: null }],
      [id2]: [{ type: 'PLAY_START', value: 30 }],
    });
  });

  it('accepts BCP 47 locales with extensions and semver app versions, and compares pre-releases by semver precedence', async () => {
    const CTX_FEED =
      'query($s: String!, $u: ID!, $c: FeedContextInput) { feed(surface: $s, userId: $u, context: $c) { policyVersion items { item { id title } } } }';
    type CtxFeed = { feed: { policyVersion: string; items: { item: { id: string; title: string } }[] } };
    const served = async (c: Record<string, unknown>) => {
      const r = await gql<CtxFeed>(api.url, CTX_FEED, { s: `${surface}-ver`, u: `ctx-${randomUUID()}`, c }, { apiKey: key });
      expect({ c, errors: r.errors }).toEqual({ c, errors: undefined });
      expect(r.data!.feed.policyVersion).not.toBe('fallback/editorial');
      return r.data!.feed.items.map((i) => versioned.indexOf(i.item.id)).sort();
    };
    // Locales: the tag's language, script and region choose content (the items are in "en"); the rest is accepted.
    for (const locale of ['en-US-x-private', 'en-GB-u-ca-gregory', 'en-Latn-US', 'EN_us', 'en-GB-oxendict', 'en-u-co-phonebk']) {
      expect({ locale, items: await served({ locale, appVersion: '9.0.0' }) }).toEqual({ locale, items: [0, 1, 2, 3] });
    }
    // Accepted whatever the catalogue holds for it (these items are English only, so the editorial order may serve).
    for (const locale of ['de-DE-u-co-phonebk', 'zh-Hant-TW', 'sr-Latn-RS']) {
      const r = await gql<CtxFeed>(api.url, CTX_FEED, { s: `${surface}-ver`, u: `ctx-${randomUUID()}`, c: { locale } }, { apiKey: key });
      expect({ locale, errors: r.errors }).toEqual({ locale, errors: undefined });
    }
    // App versions: a pre-release is below its release (beta.1 < beta.2 < beta.10 < 2.3.0), build metadata is ignored.
    const cases: [string, number[]][] = [
      ['2.3.0-beta.1', [0, 3]],
      ['2.3.0-beta.2', [0, 2, 3]],
      ['2.3.0-beta.10', [0, 2, 3]],
      ['2.3.0-rc.1', [0, 2, 3]],
      ['2.3.0', [0, 1, 2, 3]],
      ['2.3.0+build.5', [0, 1, 2, 3]],
      ['2.3.1-alpha.1', [0, 1, 2, 3]],
      ['2.2.9-rc.1', [0, 3]],
      ['2.2.0-rc.1+b.7', [0]],
      ['2.2', [0, 3]],
    ];
    for (const [appVersion, items] of cases) expect({ appVersion, items: await served({ appVersion, locale: 'en' }) }).toEqual({ appVersion, items });

    // Malformed ones are still refused, each with what to send instead, and nothing is served or logged for them.
    const refused: [Record<string, string>, string, RegExp][] = [
      [{ locale: 'en-US-u' }, 'context.locale', /^"en-US-u" is not a locale code like "en", "pt-BR" or "zh-Hant-TW" \(BCP 47\)$/],
      [{ locale: 'x-private' }, 'context.locale', /is not a locale code/],
      [{ locale: `en-x-${'abcdefgh-'.repeat(8)}z` }, 'context.locale', /^is 78 characters long; a locale tag may have at most 64$/],
      [{ appVersion: '2.3.0-beta..1' }, 'context.appVersion', /^must look like 4, 4\.2, 4\.2\.1 or a semantic version such as 4\.2\.1-beta\.1/],
      [{ appVersion: '2.3-beta' }, 'context.appVersion', /semantic version/],
      [{ appVersion: `2.3.0-${'b'.repeat(60)}` }, 'context.appVersion', /at most 64 characters/],
    ];
    for (const [c, field, message] of refused) {
      const user = `ctx-bad-${randomUUID()}`;
      const r = await gql(api.url, CTX_FEED, { s: `${surface}-ver`, u: user, c }, { apiKey: key });
      expect({ c, code: r.errors?.[0]?.extensions?.code, problems: r.errors?.[0]?.extensions?.problems }).toEqual({
        c,
        code: 'BAD_USER_INPUT',
        problems: [{ field, message: expect.stringMatching(message) }],
      });
      const logged = await withDb((db) => db.query('SELECT count(*)::int AS n FROM feed_requests WHERE user_id = $1', [user]));
      expect(logged.rows[0].n).toBe(0);
    }
  });
});
