import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { createDataSource, dropDatabase, ensureDatabase } from '../../libs/platform-database/src';
import { bullConnection } from '../../libs/platform-queue/src/redis';
import { ALL_ENTITIES } from '../../migrations/entities';
import { ALL_MIGRATIONS } from '../../migrations';
import { Workflow, must } from '../support/launch-helpers';
import { RunningNginx, startNginx } from '../support/nginx';
import { seedSurface } from '../support/seed-surface';
import { Connection } from '../support/sockets';
import { ApiHandle, RunningProcess, createApiKey, createUser, freePort, gql, login, startApi, startWorker, withDb } from '../support/stack';
import { pollUntil, waitUntil } from '../support/wait';

/**
 * Issue 10, "several machines": two API instances and two workers on one PostgreSQL and one Redis, behind a real nginx
 * (Debian's, started here from deploy/nginx/marquee.conf.template, the site docker-compose.yml mounts), under a steady
 * feed and event load from several client addresses, with launches scheduled in the middle of it. Then the totals must
 * add up exactly: every launch once (release events, audit, webhook outbox and receiver), every accepted event stored
 * once and learned once, every served feed logged, the learner once per tick, the rate limits shared by both APIs,
 * and the client address (not nginx's) behind every per-address limit.
 *
 * The run has a database and a Redis prefix of its own, so the totals are exactly this run's.
 */
const SURFACE = 'multi';
const LOAD_MS = 18_000;
const CLIENTS = 4;
/** Each load client sends one feed and one event batch every PACE_MS: about 30 feeds/s and 90 events/s in all. */
const PACE_MS = 130;
const USERS_PER_CLIENT = 40; // repeat users: some answers are sticky slates from Redis (the same requestId), whichever API serves them
const WINDOW_S = 10;
const EVENTS_PER_KEY = 300; // per second: 3,000 per window
const EVENTS_PER_ADDRESS = 100; // 1,000 per window
const LOGIN_PER_ADDRESS = 5;
const LEARN_MS = 1000;
/** The learner's advisory lock key (LOCK in libs/placement/src/learning/learner.service.ts). */
const LEARNER_LOCK = 46_170_001;

const FEED = 'query($s: String!, $u: ID!) { feed(surface: $s, userId: $u) { requestId items { position trackingToken item { id } } } }';
const EDITORIAL = 'query($s: String!, $u: ID!) { editorialFeed(surface: $s, userId: $u) { requestId items { item { id } } } }';
const TRACK = 'mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted duplicates rejected { index code message } } }';
const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';

type Feed = { requestId: string; items: { position: number; trackingToken: string; item: { id: string } }[] };
type Tracked = { accepted: number; duplicates: number; rejected: { index: number; code: string; message: string }[] };
type Event = { eventId: string; type: string; trackingToken: string; occurredAt: string };
type GqlError = { message: string; extensions?: Record<string, unknown> };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('two APIs and two workers behind nginx, under load, with launches', () => {
  const stamp = `${Date.now()}_${randomBytes(2).toString('hex')}`;
  const sharedDb = process.env.MARQUEE_TEST_DATABASE_URL!;
  const dbUrl = (() => {
    const u = new URL(sharedDb);
    u.pathname = `/marquee_multi_${stamp}`;
    return u.toString();
  })();
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `${process.env.MARQUEE_TEST_REDIS_PREFIX ?? 'mqtest'}mi`;
  const apis: ApiHandle[] = [];
  const workers: RunningProcess[] = [];
  let nginx: RunningNginx | null = null;
  let media: Server;
  let receiver: Server;
  const hooks: { event: string; id: string; release: string | null }[] = [];
  const open: Connection[] = [];
  const conn = (port: number, from: string) => {
    const c = new Connection('127.0.0.1', port, from);
    open.push(c);
    return c;
  };

  /** Everything the clients were told, to compare with what PostgreSQL holds. */
  const told = { feeds: 0, requestIds: new Set<string>(), eventsSent: 0, accepted: 0, duplicates: 0, problems: [] as string[] };
  const note = (what: string, status: number, errors?: GqlError[], extra?: unknown) => {
    if (told.problems.length < 20) told.problems.push(`${what}: HTTP ${status} ${JSON.stringify(errors ?? extra).slice(0, 300)}`);
  };
  async function feed(c: Connection, key: string, user: string, query = FEED): Promise<Feed | null> {
    const r = await c.gql<{ feed?: Feed; editorialFeed?: Feed }>(query, { s: SURFACE, u: user }, { 'x-api-key': key });
    const f = r.data?.feed ?? r.data?.editorialFeed;
    if (r.status !== 200 || r.errors || !f) {
      note('feed', r.status, r.errors);
      return null;
    }
    told.feeds++;
    told.requestIds.add(f.requestId);
    return f;
  }
  async function track(c: Connection, key: string, events: Event[]) {
    told.eventsSent += events.length;
    const r = await c.gql<{ trackEvents: Tracked }>(TRACK, { e: events }, { 'x-api-key': key });
    const t = r.data?.trackEvents;
    if (t) {
      told.accepted += t.accepted;
      told.duplicates += t.duplicates;
    }
    return { status: r.status, errors: r.errors, result: t ?? null, retryAfter: r.headers['retry-after'] };
  }
  const eventsFor = (f: Feed, n = 2): Event[] => {
    const at = new Date().toISOString();
    const out = f.items.slice(0, n).map((i) => ({ eventId: randomUUID(), type: 'IMPRESSION', trackingToken: i.trackingToken, occurredAt: at }));
    if (f.items[0]) out.push({ eventId: randomUUID(), type: 'PLAY_START', trackingToken: f.items[0].trackingToken, occurredAt: at });
    return out;
  };

  let keys: Record<'load' | 'perKey' | 'perAddress' | 'revoked', { id: string; key: string }>;
  let editor: { email: string; password: string };
  let admin: { token: string };
  let wf: Workflow;
  let mediaBase: string;

  beforeAll(async () => {
    // A database of this run's own, built by the migrations like the shared one.
    await ensureDatabase(dbUrl);
    const ds = createDataSource({ url: dbUrl, entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS, applicationName: 'marquee-test-multi' });
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
    // The support helpers (seedSurface, createUser, createApiKey, withDb) read this variable; afterAll restores it.
    process.env.MARQUEE_TEST_DATABASE_URL = dbUrl;
    await seedSurface(SURFACE, 12);
    keys = {
      load: await createApiKey('load'),
      perKey: await createApiKey('per-key probe'),
      perAddress: await createApiKey('per-address probe'),
      revoked: await createApiKey('revoked across instances'),
    };
    editor = await createUser('editor');
    const reviewer = await createUser('reviewer');
    const adminUser = await createUser('admin');

    media = createServer((req, res) => res.writeHead(req.url?.startsWith('/ok/') ? 200 : 404).end());
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        let release: string | null = null;
        try {
          release = JSON.parse(body).data?.release?.id ?? null;
        } catch {
          // counted with release null
        }
        hooks.push({ event: String(req.headers['x-marquee-event']), id: String(req.headers['x-marquee-event-id']), release });
        res.writeHead(200).end();
      });
    });
    await Promise.all([new Promise<void>((r) => media.listen(0, '127.0.0.1', r)), new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))]);
    mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;

    const common = { DATABASE_URL: dbUrl, REDIS_PREFIX: prefix, OUTBOUND_ALLOWLIST: '127.0.0.1' };
    const apiEnv = {
      ...common,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      API_PROCESSES: '1',
      // nginx connects from 127.0.0.1; the clients come from 127.0.0.10 and up. Only nginx may name them.
      TRUSTED_PROXIES: '127.0.0.1',
      ENGINE_REFRESH_MS: '1000',
      // Revocations must reach the other API through Redis pub/sub, not the periodic reload.
      API_KEY_REFRESH_MS: '600000',
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_S),
      RATE_LIMIT_EVENTS_PER_KEY: String(EVENTS_PER_KEY),
      RATE_LIMIT_EVENTS_PER_ADDRESS: String(EVENTS_PER_ADDRESS),
      LOGIN_MAX_PER_ADDRESS: String(LOGIN_PER_ADDRESS),
    };
    const workerEnv = { ...common, LEARN_INTERVAL_MS: String(LEARN_MS), RECONCILE_INTERVAL_MS: '1000', WEBHOOK_BACKOFF_MS: '300' };
    // Kept as each one is up, so afterAll stops them even when another failed to start.
    await Promise.all([
      ...[0, 1].map(() => startApi(apiEnv).then((a) => apis.push(a))),
      ...[0, 1].map(() => startWorker(workerEnv).then((w) => workers.push(w))),
    ]);
    nginx = await startNginx(
      await freePort(),
      apis.map((a) => `127.0.0.1:${a.port}`),
    );

    const via = { url: nginx.url } as ApiHandle;
    wf = new Workflow(via, { token: await login(nginx.url, editor) }, { token: await login(nginx.url, reviewer) });
    admin = { token: await login(nginx.url, adminUser) };
  }, 150_000);

  afterAll(async () => {
    for (const c of open) c.close();
    await Promise.all([...apis.map((a) => a.stop()), ...workers.map((w) => w.stop()), nginx?.stop()]);
    media?.closeAllConnections();
    media?.close();
    receiver?.closeAllConnections();
    receiver?.close();
    process.env.MARQUEE_TEST_DATABASE_URL = sharedDb;
    if (!process.env.KEEP_TEST_DATABASE) await dropDatabase(dbUrl).catch(() => undefined);
    const redis = new IORedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (found.length) await redis.del(...found);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it('launches each release once, stores and learns each event once, logs each feed, and shares the limits', async () => {
    const ng = nginx!;
    // Three releases of two items each, approved now and scheduled into the middle of the load.
    const hook = await must(
      gql<{ createWebhookEndpoint: { secret: string } }>(
        ng.url,
        'mutation($u: String!) { createWebhookEndpoint(input: {url: $u, events: ["release.launched"]}) { secret } }',
        { u: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` },
        admin,
      ),
    );
    expect(hook.createWebhookEndpoint.secret).toBeTruthy();
    const releases: { id: string; items: string[] }[] = [];
    for (let r = 0; r < 3; r++) {
      const items: string[] = [];
      for (let i = 0; i < 2; i++) {
        const slug = `multi-${r}-${i}-${stamp.replace('_', '-')}`;
        const id = await wf.createItem(slug, mediaBase, { collections: [`col-${SURFACE}`] });
        await wf.approveLatest(id);
        items.push(id);
      }
      releases.push({ id: await wf.release(`Multi ${r}`, items), items });
    }

    // The steady load: CLIENTS clients, each from its own address, through nginx.
    const loadEnds = Date.now() + LOAD_MS;
    const client = async (i: number) => {
      const c = conn(ng.port, `127.0.0.${10 + i}`);
      let previous: Event[] | null = null;
      let next = Date.now();
      for (let n = 0; Date.now() < loadEnds; n++) {
        const f = await feed(c, keys.load.key, `u${i}-${n % USERS_PER_CLIENT}`);
        if (f) {
          const events = eventsFor(f);
          const t = await track(c, keys.load.key, events);
          if (!t.result || t.result.accepted !== events.length || t.result.rejected.length) note('load trackEvents', t.status, t.errors, t.result);
          // Every tenth batch goes again, to whichever API nginx picks now: nothing new may be stored.
          if (n % 10 === 9 && previous) {
            const again = await track(c, keys.load.key, previous);
            if (again.result?.duplicates !== previous.length || again.result.accepted !== 0) note('resent batch', again.status, again.errors, again.result);
          }
          previous = events;
        }
        next += PACE_MS;
        await sleep(Math.max(0, next - Date.now()));
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
    for (const [k, r] of releases.entries()) await wf.scheduleIn(r.id, 7 + 3 * k);

    // Under that load: the per-key event limit, counted in Redis, is one total whichever API and address a batch uses.
    const perKey = await (async () => {
      const routes = [ng.port, apis[0].port, apis[1].port];
      const tokens = await feed(conn(ng.port, '127.0.0.20'), keys.perKey.key, 'probe-key-user');
      expect(tokens).not.toBeNull();
      const sent: { accepted: number; code: string | null; scope: unknown; retryAfter: unknown }[] = [];
      for (let b = 0; b < (EVENTS_PER_KEY * WINDOW_S) / 100 + 1; b++) {
        const batch = Array.from({ length: 100 }, () => ({
          eventId: randomUUID(),
          type: 'IMPRESSION',
          trackingToken: tokens!.items[0].trackingToken,
          occurredAt: new Date().toISOString(),
        }));
        // Six addresses, none near its own limit (at most 600 of 1,000 events each); three routes: nginx, API 1, API 2.
        const t = await track(conn(routes[b % 3], `127.0.0.${21 + (b % 6)}`), keys.perKey.key, batch);
        sent.push({
          accepted: t.result?.accepted ?? 0,
          code: (t.errors?.[0]?.extensions?.code as string) ?? null,
          scope: t.errors?.[0]?.extensions?.scope,
          retryAfter: t.retryAfter,
        });
      }
      return sent;
    })();

    // The per-address limit counts the client behind nginx, not nginx: one address is cut, its neighbour is not, and a
    // forged X-Forwarded-For changes nothing, through nginx or straight to an API.
    const perAddress = await (async () => {
      const tokens = (await feed(conn(ng.port, '127.0.0.30'), keys.perAddress.key, 'probe-address-user'))!;
      const batch = () =>
        Array.from({ length: 100 }, () => ({
          eventId: randomUUID(),
          type: 'IMPRESSION',
          trackingToken: tokens.items[0].trackingToken,
          occurredAt: new Date().toISOString(),
        }));
      const cut = conn(ng.port, '127.0.0.30');
      const results: { accepted: number; code: string | null; scope: unknown }[] = [];
      for (let b = 0; b < (EVENTS_PER_ADDRESS * WINDOW_S) / 100 + 1; b++) {
        const t = await track(cut, keys.perAddress.key, batch());
        results.push({ accepted: t.result?.accepted ?? 0, code: (t.errors?.[0]?.extensions?.code as string) ?? null, scope: t.errors?.[0]?.extensions?.scope });
      }
      const neighbour = await track(conn(ng.port, '127.0.0.31'), keys.perAddress.key, batch());
      // A forged X-Forwarded-For naming the exhausted address: straight to an API (not a trusted proxy, so ignored),
      // and through nginx (which appends the real address, the one the API takes).
      const forged = async (port: number, from: string) => {
        told.eventsSent += 1;
        const r = await conn(port, from).gql<{ trackEvents: Tracked }>(
          TRACK,
          { e: batch().slice(0, 1) },
          { 'x-api-key': keys.perAddress.key, 'x-forwarded-for': '127.0.0.30' },
        );
        told.accepted += r.data?.trackEvents.accepted ?? 0;
        return r.data?.trackEvents ?? r.errors;
      };
      const forgedDirect = await forged(apis[0].port, '127.0.0.33');
      const forgedViaNginx = await forged(ng.port, '127.0.0.34');
      return { results, neighbour: neighbour.result, forgedDirect, forgedViaNginx };
    })();

    // Sign-in failures are counted per client address across both APIs (nginx alternates between them).
    const signIn = await (async () => {
      const from = conn(ng.port, '127.0.0.40');
      const codes: unknown[] = [];
      for (let i = 0; i < LOGIN_PER_ADDRESS; i++)
        codes.push((await from.gql(LOGIN, { e: `nobody-${i}-${stamp}@test.local`, p: 'wrong password!' })).errors?.[0]?.extensions?.code);
      const blocked = await from.gql(LOGIN, { e: editor.email, p: editor.password });
      const other = await conn(ng.port, '127.0.0.41').gql<{ login: { token: string } }>(LOGIN, { e: editor.email, p: editor.password });
      return { codes, blocked: blocked.errors?.[0]?.extensions?.code, otherGotToken: !!other.data?.login.token, otherErrors: other.errors };
    })();

    // A key revoked through API 1 is refused by API 2 at once: Redis pub/sub, not the (10-minute) reload.
    const revocation = await (async () => {
      const onTwo = conn(apis[1].port, '127.0.0.50');
      const before = await feed(onTwo, keys.revoked.key, 'revoked-user');
      const r = await conn(apis[0].port, '127.0.0.50').gql(
        'mutation($id: ID!) { revokeApiKey(id: $id) { id } }',
        { id: keys.revoked.id },
        { authorization: `Bearer ${admin.token}` },
      );
      expect(r.errors).toBeUndefined();
      const refused = await pollUntil(
        async () => {
          const a = await onTwo.gql<{ feed: Feed }>(FEED, { s: SURFACE, u: 'revoked-user-2' }, { 'x-api-key': keys.revoked.key });
          if (a.data?.feed) {
            told.feeds++;
            told.requestIds.add(a.data.feed.requestId);
          }
          return a;
        },
        (a) => a.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED',
        { what: 'API 2 to refuse the key API 1 revoked', timeoutMs: 5000, intervalMs: 50 },
      );
      return { servedBefore: !!before, refusedWith: refused.errors?.[0]?.message };
    })();

    // The learner's lock, proved rather than assumed: while something else holds it (here, this test), each tick's run
    // skips and learns nothing; once it is free the runs resume, and every event is still learned once (checked below).
    const lockedTicks = await (async () => {
      const holder = new Client({ connectionString: dbUrl });
      await holder.connect();
      const q = new Queue('learning', { connection: bullConnection(redisUrl), prefix: `${prefix}:bull` });
      try {
        await holder.query('SELECT pg_advisory_lock($1)', [LEARNER_LOCK]);
        const since = Date.now();
        const skipped = await pollUntil(
          async () => (await q.getJobs(['completed'], 0, -1)).filter((j) => j.name === 'learn' && j.returnvalue?.skipped && (j.processedOn ?? 0) >= since),
          (jobs) => jobs.length >= 2,
          { what: 'two learner ticks to skip while the test holds the learner lock', timeoutMs: 20_000, describe: (j) => `${(j as unknown[]).length} skipped` },
        );
        return { skipped: skipped.length, workers: new Set(skipped.map((j) => j.returnvalue.worker)).size };
      } finally {
        await holder.query('SELECT pg_advisory_unlock($1)', [LEARNER_LOCK]).catch(() => undefined);
        await holder.end();
        await q.close();
      }
    })();

    await load;
    const loadFeeds = told.feeds;

    // Settle: every release done, every webhook received, every feed logged, every event learned.
    for (const r of releases) await wf.waitFor(r.id, ['launched', 'failed'], 30_000);
    await waitUntil(() => hooks.filter((h) => h.event === 'release.launched').length >= releases.length, {
      what: 'one release.launched webhook per release',
      describe: () => JSON.stringify(hooks),
    });
    // Both APIs serve the launched items once their engine state refreshed (ENGINE_REFRESH_MS, from PostgreSQL).
    const newest = releases[releases.length - 1].items;
    for (const a of apis) {
      const c = conn(a.port, '127.0.0.60');
      await pollUntil(
        () => feed(c, keys.load.key, `editorial-${randomUUID()}`, EDITORIAL),
        (f) => !!f && f.items.some((i) => newest.includes(i.item.id)),
        { what: `API on port ${a.port} to serve the last release's items`, timeoutMs: 15_000 },
      );
    }
    const logged = await pollUntil(
      () => withDb(async (c) => (await c.query<{ request_id: string }>('SELECT request_id FROM feed_requests')).rows.map((r) => r.request_id)),
      (ids) => ids.length >= told.requestIds.size,
      { what: `${told.requestIds.size} feed logs`, describe: (ids) => `${(ids as string[]).length} rows` },
    );
    const maxEvent = await withDb(async (c) => Number((await c.query('SELECT coalesce(max(id), 0) AS m FROM engagement_events')).rows[0].m));
    await pollUntil(
      () => withDb(async (c) => Number((await c.query(`SELECT last_event_id FROM learner_watermarks WHERE name = 'profiles'`)).rows[0]?.last_event_id ?? 0)),
      (wm) => wm >= maxEvent,
      { what: `the learner to reach event ${maxEvent}`, timeoutMs: 30_000 },
    );

    // What PostgreSQL holds.
    const db = await withDb(async (c) => {
      const q = async (sql: string, params: unknown[] = []) => (await c.query(sql, params)).rows;
      const ids = releases.map((r) => r.id);
      return {
        events: Number((await q('SELECT count(*) AS n FROM engagement_events'))[0].n),
        eventIds: Number((await q('SELECT count(*) AS n FROM engagement_event_ids'))[0].n),
        perKeyStored: Number((await q('SELECT count(*) AS n FROM engagement_events WHERE api_key_id = $1', [keys.perKey.id]))[0].n),
        releases: await q(
          `SELECT r.id, r.status,
                  (SELECT count(*)::int FROM release_events e WHERE e.release_id = r.id AND e.kind = 'launched') AS "launchedEvents",
                  (SELECT count(*)::int FROM audit_log a WHERE a.action = 'release.launched' AND a.entity_id = r.id::text) AS "launchedAudits",
                  (SELECT count(*)::int FROM audit_log a WHERE a.action = 'item.published' AND a.after->>'releaseId' = r.id::text) AS "publishedAudits",
                  (SELECT count(*)::int FROM webhook_deliveries d WHERE d.event_type = 'release.launched' AND d.payload->'data'->'release'->>'id' = r.id::text) AS "outbox",
                  (SELECT count(*)::int FROM webhook_deliveries d WHERE d.event_type = 'release.launched' AND d.payload->'data'->'release'->>'id' = r.id::text AND d.status = 'delivered') AS "delivered"
             FROM releases r WHERE r.id = ANY($1) ORDER BY r.scheduled_at`,
          [ids],
        ),
      };
    });

    // The learner: one job per tick of its scheduler, each taken once; runs that overlapped skipped on the lock.
    const queue = new Queue('learning', { connection: bullConnection(redisUrl), prefix: `${prefix}:bull` });
    const jobs = (await queue.getJobs(['completed', 'failed'], 0, -1)).filter((j) => j.name === 'learn');
    await queue.close();
    const ran = jobs.filter((j) => j.returnvalue && typeof j.returnvalue.profileEvents === 'number');
    const ticks = new Map<string, number>();
    for (const j of jobs) ticks.set(String(j.id), (ticks.get(String(j.id)) ?? 0) + 1);
    // Each run's span under the lock (lock taken → its last moment before COMMIT), as the run reports it. The job's own
    // processedOn/finishedOn are wider: after the commit a worker also hands work to its background refit, so a job
    // could look as if it overlapped the next worker's run that had correctly waited for the lock.
    const spans = ran.map((j) => [j.returnvalue.lockedAt as number, j.returnvalue.unlockedBy as number] as const).sort((a, b) => a[0] - b[0]);
    const overlaps = spans.filter((s, i) => i > 0 && s[0] < spans[i - 1][1]).length;
    const badSpans = spans.filter(([a, b]) => !Number.isFinite(a) || !Number.isFinite(b) || b < a).length;
    const learner = {
      jobs: jobs.length,
      scheduledTicks: jobs.filter((j) => String(j.id).startsWith('repeat:learn:')).length,
      ran: ran.length,
      skipped: jobs.filter((j) => j.returnvalue?.skipped).length,
      failed: jobs.filter((j) => j.failedReason).length,
      retried: jobs.filter((j) => j.attemptsStarted > 1 || j.stalledCounter > 0).length,
      byWorker: Object.fromEntries([...new Set(ran.map((j) => j.returnvalue.worker))].map((w) => [w, ran.filter((j) => j.returnvalue.worker === w).length])),
      profileEventsLearned: ran.reduce((n, j) => n + j.returnvalue.profileEvents, 0),
      overlappingRuns: overlaps,
      badSpans,
    };

    const summary = {
      load: { feeds: loadFeeds, clients: CLIENTS, seconds: LOAD_MS / 1000 },
      feeds: { served: told.feeds, distinctRequests: told.requestIds.size, logged: logged.length },
      events: { sent: told.eventsSent, accepted: told.accepted, duplicatesAnswered: told.duplicates, stored: db.events, idsStored: db.eventIds },
      perKey: { accepted: perKey.filter((p) => p.accepted).length, stored: db.perKeyStored, last: perKey[perKey.length - 1] },
      perAddress,
      signIn,
      revocation,
      releases: db.releases,
      webhooksReceived: hooks.filter((h) => h.event === 'release.launched').length,
      learner,
      lockedTicks,
      problems: told.problems,
    };
    console.log(`multi-instance run: ${JSON.stringify(summary)}`);

    // Nothing went wrong on the way.
    expect(told.problems).toEqual([]);
    expect(loadFeeds).toBeGreaterThan(0);

    // Every launch exactly once.
    expect(db.releases).toEqual(
      releases.map((r) => ({ id: r.id, status: 'launched', launchedEvents: 1, launchedAudits: 1, publishedAudits: r.items.length, outbox: 1, delivered: 1 })),
    );
    const received = hooks.filter((h) => h.event === 'release.launched');
    expect(received.map((h) => h.release).sort()).toEqual(releases.map((r) => r.id).sort());
    expect(new Set(received.map((h) => h.id)).size).toBe(releases.length);

    // Every accepted event stored once; every feed served logged, and nothing logged that was not served.
    expect({ accepted: told.accepted, stored: db.events, ids: db.eventIds }).toEqual({ accepted: db.events, stored: db.events, ids: db.events });
    expect(told.accepted + told.duplicates).toBeLessThanOrEqual(told.eventsSent);
    expect([...told.requestIds].filter((id) => !logged.includes(id))).toEqual([]);
    expect(logged.length).toBe(told.requestIds.size);

    // The learner: each tick once, no two runs at once, every stored event learned exactly once.
    expect({
      failed: learner.failed,
      retried: learner.retried,
      overlappingRuns: learner.overlappingRuns,
      badSpans: learner.badSpans,
      duplicateTicks: [...ticks.values()].filter((n) => n > 1).length,
    }).toEqual({
      failed: 0,
      retried: 0,
      overlappingRuns: 0,
      badSpans: 0,
      duplicateTicks: 0,
    });
    expect(learner.profileEventsLearned).toBe(db.events);
    expect(lockedTicks.skipped).toBeGreaterThanOrEqual(2);
    expect(learner.skipped).toBeGreaterThanOrEqual(lockedTicks.skipped);

    // The per-key limit: exactly one window's worth, then RATE_LIMITED for the key, over both APIs and nginx.
    const windowEvents = EVENTS_PER_KEY * WINDOW_S;
    expect(perKey.slice(0, -1).map((p) => p.accepted)).toEqual(Array(windowEvents / 100).fill(100));
    expect(perKey[perKey.length - 1]).toEqual({ accepted: 0, code: 'RATE_LIMITED', scope: 'key', retryAfter: expect.stringMatching(/^[1-9]\d*$/) });
    expect(db.perKeyStored).toBe(windowEvents);

    // The per-address limit sees the client behind nginx.
    const addressWindow = (EVENTS_PER_ADDRESS * WINDOW_S) / 100;
    expect(perAddress.results.slice(0, -1).map((p) => p.accepted)).toEqual(Array(addressWindow).fill(100));
    expect(perAddress.results[addressWindow]).toEqual({ accepted: 0, code: 'RATE_LIMITED', scope: 'address' });
    expect(perAddress.neighbour).toMatchObject({ accepted: 100, rejected: [] });
    expect(perAddress.forgedDirect).toMatchObject({ accepted: 1 });
    expect(perAddress.forgedViaNginx).toMatchObject({ accepted: 1 });

    // Sign-in failures counted per client address, over both APIs.
    expect(signIn).toEqual({ codes: Array(LOGIN_PER_ADDRESS).fill('UNAUTHENTICATED'), blocked: 'RATE_LIMITED', otherGotToken: true, otherErrors: undefined });

    expect(revocation).toEqual({ servedBefore: true, refusedWith: expect.stringMatching(/revoked/) });
  }, 240_000);
});
