import { createServer, Server, Socket } from 'node:net';
import { createServer as createHttp, Server as HttpServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApiHandle, Credentials, RunningProcess, createApiKey, createUser, dbUrl, gql, login, startApi, startWorker, withDb } from '../support/stack';
import { Workflow, must } from '../support/launch-helpers';
import { pollUntil } from '../support/wait';
import { TrackingTokens } from '../../libs/events/src/tracking-token';
import { deriveKey } from '../../libs/platform-auth/src/secrets';
import { runTraffic } from '../../apps/cli/src/commands/traffic';
import { DEFAULT_TEST_MAX_POSITION } from '../../libs/placement/src/engine';

const FEED = `query($s: String!, $u: ID!, $l: Int, $c: FeedContextInput) {
  feed(surface: $s, userId: $u, limit: $l, context: $c) { requestId policyVersion stateRevision items { position trackingToken propensity propensityError reason item { id slug kind title durationSeconds } } }
}`;
const EDITORIAL = `query($s: String!, $u: ID!, $c: FeedContextInput) { editorialFeed(surface: $s, userId: $u, context: $c) { requestId policyVersion stateRevision items { position trackingToken propensity propensityError reason item { id slug kind title } } } }`;
const TRACK = `mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted duplicates rejected { index code message } } }`;

type Feed = {
  requestId: string;
  policyVersion: string;
  stateRevision: number | null;
  items: {
    position: number;
    trackingToken: string;
    propensity: number;
    propensityError: number;
    reason: string;
    item: { id: string; slug: string; kind: string; title: string };
  }[];
};

/** A TCP proxy in front of PostgreSQL that a test can cut, to see what the feed does when the database is gone. */
class PgProxy {
  private server: Server;
  private sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
  }
  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }
  /** Drops every connection and refuses new ones: to the API, PostgreSQL is unreachable. */
  cut(): void {
    this.server.close();
    for (const s of this.sockets) s.destroy();
  }
}

const COLLECTION = 'placement-spec';

describe('placement engine and client feed', () => {
  let media: HttpServer;
  let mediaBase: string;
  let api: ApiHandle;
  let worker: RunningProcess;
  let client: Credentials;
  let admin: Credentials;
  let editor: Credentials;
  let wf: Workflow;
  const items: string[] = [];

  beforeAll(async () => {
    media = createHttp((req, res) => res.writeHead(req.url?.startsWith('/ok/') ? 200 : 404).end());
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    // The media server is on loopback, so this test allows it.
    const env = { ENGINE_REFRESH_MS: '300', LEARN_INTERVAL_MS: '300', LABEL_WINDOW_SECONDS: '1', OUTBOUND_ALLOWLIST: '127.0.0.1' };
    api = await startApi(env);
    worker = await startWorker(env);
    editor = { token: await login(api.url, await createUser('editor')) };
    admin = { token: await login(api.url, await createUser('admin')) };
    const reviewer = { token: await login(api.url, await createUser('reviewer')) };
    client = { apiKey: (await createApiKey('placement test')).key };
    wf = new Workflow(api, editor, reviewer);
    const kinds = ['meditation', 'meditation', 'sleep_story', 'music', 'talk', 'meditation', 'sleep_story', 'music'];
    for (let i = 0; i < kinds.length; i++) {
      const slug = `pl-${i}-${Date.now() % 100000}`;
      const attr = { meditation: { narrator: 'A' }, sleep_story: { narrator: 'N' }, music: { artist: 'M' }, talk: { speaker: 'S' } }[kinds[i]]!;
      const id = await wf.createItem(slug, mediaBase, {
        kind: kinds[i],
        localized: [
          { locale: 'en', title: `Title ${i}`, subtitle: 'Sub', description: 'About.' },
          { locale: 'de', title: `Titel ${i}`, subtitle: 'Unter', description: 'Über.' },
        ],
        attributes: attr,
        topics: i % 2 ? ['sleep'] : ['focus'],
        collections: [COLLECTION],
        availability: i === 7 ? 'premium' : 'free',
      });
      await wf.approveLatest(id);
      items.push(id);
    }
    const rel = await wf.release('Catalogue', items);
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: rel }, editor));
    await wf.waitFor(rel, ['launched']);
    // Other test files launch items into the same database: this surface takes only this file's, from its creation on
    // (created first and narrowed after, an API process could build its pool in between and serve their items).
    await must(
      gql(
        api.url,
        'mutation($c: String!) { createSurface(key: "plhome", name: "Home", slots: 6, input: {candidateRule: {collections: [$c]}}) { id } }',
        { c: COLLECTION },
        admin,
      ),
    );
    await waitForSurface(api, 'plhome');
  }, 180000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    media.closeAllConnections();
    media.close();
  });

  async function waitForSurface(a: ApiHandle, key: string) {
    await pollUntil(
      () => gql(a.url, FEED, { s: key, u: 'probe' }, client),
      (r) => !!r.data,
      { what: `surface ${key} to serve a feed`, describe: (r) => JSON.stringify((r as { errors?: unknown }).errors) },
    );
  }

  async function feed(userId: string, context: Record<string, unknown> | null = null, limit?: number, a = api): Promise<Feed> {
    return (await must(gql<{ feed: Feed }>(a.url, FEED, { s: 'plhome', u: userId, l: limit, c: context }, client))).feed;
  }

  it('gives a client key a personalized feed: positions from 1, reasons, propensities, titles in the context locale', async () => {
    const f = await feed('alice', { locale: 'de', platform: 'ios', tier: 'free' });
    expect(f.items.map((i) => i.position)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(f.policyVersion).toMatch(/^marquee-ts\//);
    for (const i of f.items) {
      expect(['PERSONALIZED', 'CONTENT_TEST', 'EXPLORATION', 'PINNED']).toContain(i.reason);
      expect(i.propensity).toBeGreaterThan(0);
      expect(i.propensity).toBeLessThanOrEqual(1);
      expect(i.item.title).toMatch(/^Titel \d$/);
    }
    expect(f.items.some((i) => i.item.id === items[7])).toBe(false); // premium, and alice is free
    // No item speaks French, so none is eligible; the feed is still never empty: the editorial order serves, with
    // titles in each item's default locale.
    const fr = await feed('bob', { locale: 'fr' });
    expect(fr.items.length).toBeGreaterThan(0);
    expect(fr.items.every((i) => i.reason === 'FALLBACK' && /^Title \d$/.test(i.item.title))).toBe(true);
  });

  it('serves the same slate to the same user within the sticky window', async () => {
    const a = await feed('carol', { locale: 'en' });
    const b = await feed('carol', { locale: 'en' });
    expect(b.requestId).toBe(a.requestId);
    expect(b.items.map((i) => i.item.id)).toEqual(a.items.map((i) => i.item.id));
  });

  it('replays any served slate exactly from its log', async () => {
    const f = await feed(`replay-${randomUUID()}`, { locale: 'en', platform: 'android' });
    // Logs are written in batches after the response: replay once this one is in the log.
    const r = await must(
      pollUntil(
        () =>
          gql<{ replayFeed: { identical: boolean; logged: unknown[]; replayed: unknown[] } }>(
            api.url,
            'query($id: ID!) { replayFeed(requestId: $id) { identical logged { itemId position propensity } replayed { itemId position propensity } } }',
            { id: f.requestId },
            editor,
          ),
        (x) => x.errors?.[0]?.extensions?.code !== 'NOT_FOUND',
        { what: `the feed log of request ${f.requestId}`, describe: (x) => JSON.stringify((x as { errors?: unknown }).errors) },
      ),
    );
    expect(r.replayFeed.logged).toHaveLength(f.items.length);
    expect(r.replayFeed.identical).toBe(true);
  });

  it('round-trips tracking tokens: events are stored with the attribution their token carries', async () => {
    const f = await feed('dave', { locale: 'en' });
    const now = new Date().toISOString();
    const events = f.items.map((i) => ({ eventId: randomUUID(), type: 'IMPRESSION', trackingToken: i.trackingToken, occurredAt: now }));
    const r = await must(gql<{ trackEvents: { accepted: number; duplicates: number; rejected: unknown[] } }>(api.url, TRACK, { e: events }, client));
    expect(r.trackEvents).toEqual({ accepted: f.items.length, duplicates: 0, rejected: [] });
    const rows = await withDb((c) =>
      c.query(`SELECT item_id, position, propensity, reason, request_id, user_id, surface FROM engagement_events WHERE request_id = $1 ORDER BY position`, [
        f.requestId,
      ]),
    );
    expect(rows.rows.map((x) => [x.item_id, x.position, x.reason, x.user_id, x.surface])).toEqual(
      f.items.map((i) => [i.item.id, i.position, i.reason, 'dave', 'plhome']),
    );
    expect(rows.rows.map((x) => x.propensity)).toEqual(f.items.map((i) => i.propensity));
  });

  it('stores valid events, counts duplicates, and rejects forged, expired-looking or future events one by one', async () => {
    const f = await feed('erin', { locale: 'en' });
    const t = f.items[0].trackingToken;
    const [body, sig] = t.split('.');
    const tampered =
      Buffer.from(
        Buffer.from(body, 'base64url')
          .toString()
          .replace(/"p":\d+/, '"p":99'),
      ).toString('base64url') +
      '.' +
      sig;
    const id1 = randomUUID();
    const events = [
      { eventId: id1, type: 'IMPRESSION', trackingToken: t, occurredAt: new Date().toISOString() },
      { eventId: id1, type: 'IMPRESSION', trackingToken: t, occurredAt: new Date().toISOString() },
      { eventId: randomUUID(), type: 'OPEN', trackingToken: tampered, occurredAt: new Date().toISOString() },
      { eventId: randomUUID(), type: 'OPEN', trackingToken: 'not-a-token', occurredAt: new Date().toISOString() },
      { eventId: randomUUID(), type: 'PLAY_START', trackingToken: t, occurredAt: new Date(Date.now() + 25 * 3600_000).toISOString() },
      { eventId: 'bad id with spaces', type: 'OPEN', trackingToken: t, occurredAt: new Date().toISOString() },
      { eventId: randomUUID(), type: 'PLAY_START', trackingToken: t, occurredAt: new Date().toISOString(), value: 12.5 },
    ];
    const r = await must(
      gql<{ trackEvents: { accepted: number; duplicates: number; rejected: { index: number; code: string }[] } }>(api.url, TRACK, { e: events }, client),
    );
    expect(r.trackEvents.accepted).toBe(2);
    expect(r.trackEvents.duplicates).toBe(1);
    expect(r.trackEvents.rejected.map((x) => [x.index, x.code])).toEqual([
      [2, 'INVALID_TOKEN'],
      [3, 'INVALID_TOKEN'],
      [4, 'OCCURRED_IN_FUTURE'],
      [5, 'INVALID_EVENT_ID'],
    ]);
    const again = await must(gql<{ trackEvents: { accepted: number; duplicates: number } }>(api.url, TRACK, { e: [events[0], events[6]] }, client));
    expect(again.trackEvents).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    const stored = await withDb((c) => c.query(`SELECT count(*)::int AS n FROM engagement_events WHERE request_id = $1`, [f.requestId]));
    expect(stored.rows[0].n).toBe(2);
  });

  it('rejects an event whose token has expired', async () => {
    // A token minted with the server's own key, for a slot served eight days ago.
    const tokens = new TrackingTokens(deriveKey(process.env.JWT_SECRET!, 'tracking'), 7 * 86400_000);
    const old = tokens.sign({
      requestId: randomUUID(),
      surface: 'plhome',
      userId: 'old',
      itemId: items[0],
      position: 2,
      propensity: 0.1,
      reason: 'PERSONALIZED',
      policyVersion: 'x',
      servedAt: Date.now() - 8 * 86400_000,
    });
    const r = await must(
      gql<{ trackEvents: { accepted: number; rejected: { code: string }[] } }>(
        api.url,
        TRACK,
        { e: [{ eventId: randomUUID(), type: 'OPEN', trackingToken: old, occurredAt: new Date().toISOString() }] },
        client,
      ),
    );
    expect(r.trackEvents).toEqual({ accepted: 0, duplicates: 0, rejected: [{ index: 0, code: 'TOKEN_EXPIRED', message: expect.stringMatching(/expired/) }] });
  });

  it.each([
    ['an unknown surface', FEED, () => ({ s: 'nope', u: 'x' }), 'NOT_FOUND'],
    ['a limit of 0', FEED, () => ({ s: 'plhome', u: 'x', l: 0 }), 'BAD_USER_INPUT'],
    ['a limit of 101', FEED, () => ({ s: 'plhome', u: 'x', l: 101 }), 'BAD_USER_INPUT'],
    ['a bad locale', FEED, () => ({ s: 'plhome', u: 'x', c: { locale: 'english!' } }), 'BAD_USER_INPUT'],
    ['a bad localTime', FEED, () => ({ s: 'plhome', u: 'x', c: { localTime: 'tonight' } }), 'BAD_USER_INPUT'],
  ])('refuses %s with a typed error', async (_n, q, vars, code) => {
    const r = await gql(api.url, q, vars(), client);
    expect(r.data).toBeNull();
    expect(r.errors![0].extensions!.code).toBe(code);
  });

  it('names an unknown surface by its key, and lists the ones that exist', async () => {
    const r = await gql(api.url, FEED, { s: 'nope', u: 'x' }, client);
    expect(r.errors![0].message).toMatch(/^No surface with key "nope" exists\. Known surfaces: .*plhome/);
    expect(r.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', entity: 'surface', id: 'nope', identifiedBy: 'key' });
  });

  it('names a surface that exists but is disabled as such, still NOT_FOUND as the schema promises, and says what to do', async () => {
    const key = `pl-off-${randomUUID().slice(0, 8)}`;
    await must(gql(api.url, 'mutation($k: String!) { createSurface(key: $k, name: $k, slots: 3, input: {enabled: false}) { id } }', { k: key }, admin));
    // The API learns of the new surface at its next engine refresh (ENGINE_REFRESH_MS).
    const r = await pollUntil(
      () => gql(api.url, FEED, { s: key, u: 'x' }, client),
      (x) => !!x.errors?.[0]?.message.includes('disabled'),
      { what: `the feed to call ${key} disabled`, describe: (x) => JSON.stringify((x as { errors?: unknown }).errors) },
    );
    expect(r.errors![0].message).toMatch(
      new RegExp(
        `^The surface "${key}" exists but is disabled, so it serves no feed\\. Enable it in the Studio \\(Surfaces\\), or ask for an enabled surface: .*plhome`,
      ),
    );
    expect(r.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', entity: 'surface', id: key, identifiedBy: 'key' });
  });

  it('checks a feedPreview persona as feed checks a viewer, and names feedPreview (not catalogAt) for a past instant', async () => {
    const PREVIEW = 'query($p: PreviewPersonaInput!, $at: DateTime) { feedPreview(surface: "plhome", persona: $p, instant: $at) { entries { itemId } } }';
    const VERSION_EXPECTED = 'must look like 4, 4.2, 4.2.1 or a semantic version such as 4.2.1-beta.1 or 4.2.1+build.5 (at most 64 characters)';
    const cases: [Record<string, unknown>, string, string][] = [
      [{ userId: '' }, 'persona.userId', 'must be 1 to 128 characters'],
      [{ userId: 'u'.repeat(100_000) }, 'persona.userId', 'must be 1 to 128 characters'],
      [{ userId: 'u', appVersion: 'v1' }, 'persona.appVersion', VERSION_EXPECTED],
      // Not semver: an empty pre-release identifier, a numeric one with a leading zero (1.2.3-beta+x is well-formed).
      [{ userId: 'u', appVersion: '1.2.3-beta..1' }, 'persona.appVersion', VERSION_EXPECTED],
      [{ userId: 'u', appVersion: '1.2.3-01' }, 'persona.appVersion', VERSION_EXPECTED],
      [{ userId: 'u', appVersion: '99999999999999999999.0.0' }, 'persona.appVersion', VERSION_EXPECTED],
      [{ userId: 'u', platform: 'toaster' }, 'persona.platform', 'must be ios, android or web'],
      [{ userId: 'u', locale: 'english!' }, 'persona.locale', '"english!" is not a locale code like "en", "pt-BR" or "zh-Hant-TW" (BCP 47)'],
    ];
    for (const [persona, field, message] of cases) {
      // The same values are refused by feed, in its own words.
      const asFeed = await gql(
        api.url,
        FEED,
        { s: 'plhome', u: persona.userId, c: { appVersion: persona.appVersion, platform: persona.platform, locale: persona.locale } },
        client,
      );
      expect(asFeed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const r = await gql(api.url, PREVIEW, { p: persona }, editor);
      expect({ field, code: r.errors?.[0]?.extensions?.code }).toEqual({ field, code: 'BAD_USER_INPUT' });
      expect(r.errors![0].extensions!.problems).toEqual([{ field, message }]);
    }
    const past = await gql(api.url, PREVIEW, { p: { userId: 'u' }, at: '1970-01-01T00:00:00Z' }, editor);
    expect(past.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(past.errors![0].message).toBe(
      'The preview was not made: instant is in the past: feedPreview looks forward, so give an instant from now on, or leave it out for now.',
    );
    // A good persona, now and later, still previews.
    expect(
      (await must(gql<{ feedPreview: { entries: unknown[] } }>(api.url, PREVIEW, { p: { userId: 'u', appVersion: '4.2' } }, editor))).feedPreview.entries
        .length,
    ).toBeGreaterThan(0);
    const later = new Date(Date.now() + 3600_000).toISOString();
    expect(
      (await must(gql<{ feedPreview: { entries: unknown[] } }>(api.url, PREVIEW, { p: { userId: 'u' }, at: later }, editor))).feedPreview.entries.length,
    ).toBeGreaterThan(0);
  });

  it('refuses a batch over 500 events and stores none of it', async () => {
    const f = await feed('frank', { locale: 'en' });
    const before = await withDb((c) => c.query(`SELECT count(*)::int AS n FROM engagement_events`));
    const events = Array.from({ length: 501 }, () => ({
      eventId: randomUUID(),
      type: 'IMPRESSION',
      trackingToken: f.items[0].trackingToken,
      occurredAt: new Date().toISOString(),
    }));
    const r = await gql(api.url, TRACK, { e: events }, client);
    expect(r.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0].message).toMatch(/at most 500 events; this one has 501/);
    const after = await withDb((c) => c.query(`SELECT count(*)::int AS n FROM engagement_events`));
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('refuses a client key on an admin operation', async () => {
    const r = await gql(api.url, 'mutation { updateSurface(key: "plhome", input: {slots: 3}) { slots } }', {}, client);
    expect(r.status).toBe(403);
    expect(r.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('drives demo traffic through the client API only: every event it reports is stored, none rejected', async () => {
    const stats = await runTraffic({
      url: api.url,
      apiKey: client!.apiKey!,
      surface: 'plhome',
      requests: 30,
      users: 1000,
      success: 'PLAY_START',
      concurrency: 3,
      seed: 99,
    });
    expect(stats.requests).toBe(30);
    expect(stats.rejected).toBe(0);
    expect(stats.impressions).toBeGreaterThan(30);
    expect(stats.repeats).toBeLessThan(5);
    const rows = await withDb((c) => c.query(`SELECT type, count(*)::int AS n FROM engagement_events WHERE user_id LIKE 'demo-99-%' GROUP BY type`));
    const byType = Object.fromEntries(rows.rows.map((r) => [r.type, r.n]));
    expect(byType.IMPRESSION).toBe(stats.impressions);
    expect(byType.PLAY_START ?? 0).toBe(stats.successes);
    // A wrong key is a clear error naming what to pass, not a crash.
    await expect(
      runTraffic({ url: api.url, apiKey: 'mq_wrong', surface: 'plhome', requests: 1, users: 1, success: 'PLAY_START', concurrency: 1, seed: 1 }),
    ).rejects.toThrow(/--api-key|API key|answered 401/);
  });

  it('counts a served slot once in the surface success rate, however many impression events it gets', async () => {
    const SUCCESS = '{ surfaceSuccess(surface: "plhome", days: 1) { impressions successes } }';
    const totals = async () => {
      const rows = (await must(gql<{ surfaceSuccess: { impressions: number; successes: number }[] }>(api.url, SUCCESS, {}, admin))).surfaceSuccess;
      return rows.reduce((a, r) => ({ n: a.n + r.impressions, k: a.k + r.successes }), { n: 0, k: 0 });
    };
    const before = await totals();
    const f = await feed('ivy', { locale: 'en', platform: 'web' });
    const token = f.items[1].trackingToken;
    const now = new Date().toISOString();
    // The app shows the same sticky slot three times, and the user plays it once.
    const events = [
      ...['IMPRESSION', 'IMPRESSION', 'IMPRESSION', 'PLAY_START'].map((type) => ({ eventId: randomUUID(), type, trackingToken: token, occurredAt: now })),
    ];
    const t = await must(gql<{ trackEvents: { accepted: number } }>(api.url, TRACK, { e: events }, client));
    expect(t.trackEvents.accepted).toBe(4);
    expect(await totals()).toEqual({ n: before.n + 1, k: before.k + 1 });
  });

  it("learns online: a returning user's plays change their profile, and two users with the same context get different orders", async () => {
    // grace plays sleep stories; henry skips everything. Same context, different histories.
    for (let round = 0; round < 3; round++) {
      for (const user of ['grace', 'henry']) {
        const f = await feed(`${user}`, { locale: 'en', platform: 'web' }, undefined);
        const now = new Date().toISOString();
        const events = f.items.flatMap((i) => {
          const e = [{ eventId: randomUUID(), type: 'IMPRESSION', trackingToken: i.trackingToken, occurredAt: now }];
          if (user === 'grace' && i.item.kind === 'sleep_story')
            e.push({ eventId: randomUUID(), type: 'PLAY_START', trackingToken: i.trackingToken, occurredAt: now });
          if (user === 'henry') e.push({ eventId: randomUUID(), type: 'SKIP', trackingToken: i.trackingToken, occurredAt: now });
          return e;
        });
        await must(gql(api.url, TRACK, { e: events }, client));
        await withDb((c) => c.query(`SELECT 1`)); // keep the pool warm
      }
    }
    // The worker's learner folds the events into profiles on its next pass.
    const profiles = await pollUntil(
      async () =>
        (await withDb((c) => c.query(`SELECT user_id, profile FROM user_profiles WHERE user_id IN ('grace', 'henry') ORDER BY user_id`))).rows as {
          user_id: string;
          profile: { success: number };
        }[],
      (p) => p.length === 2 && p[0].profile.success > 0,
      { what: "profiles for grace and henry, with grace's plays" },
    );
    expect(profiles.map((p) => p.user_id)).toEqual(['grace', 'henry']);
    expect(profiles[0].profile.success).toBeGreaterThan(0);
    expect(profiles[1].profile.success).toBe(0);
    // Same context, same random draw (fixed seed): only the histories differ. One draw's exploration can put the same
    // items first for both (CI once saw that), so compare a dozen draws: the histories must change some of them.
    const q =
      'query($u: ID!, $seed: Int!) { feedPreview(surface: "plhome", persona: {userId: $u, locale: "en", platform: "web"}, seed: $seed) { entries { itemId } } }';
    const order = async (u: string, seed: number) =>
      (await must(gql<{ feedPreview: { entries: { itemId: string }[] } }>(api.url, q, { u, seed }, editor))).feedPreview.entries.map((e) => e.itemId).join();
    let differing = 0;
    for (let seed = 1; seed <= 12; seed++) if ((await order('grace', seed)) !== (await order('henry', seed))) differing++;
    expect(differing).toBeGreaterThan(0);
    // And the same persona with the same seed is the same slate: the difference is the history, not noise.
    expect(await order('grace', 3)).toBe(await order('grace', 3));
  });

  it("refuses a test position outside 2..100 and changes nothing; the default is the engine's", async () => {
    const SURFACE = 'query { surface(key: "plhome") { testMaxPosition updatedAt } }';
    const before = (await must(gql<{ surface: { testMaxPosition: number; updatedAt: string } }>(api.url, SURFACE, {}, admin))).surface;
    expect(before.testMaxPosition).toBe(DEFAULT_TEST_MAX_POSITION);
    for (const bad of [1, 0, 101]) {
      const r = await gql(api.url, `mutation { updateSurface(key: "plhome", input: {testMaxPosition: ${bad}, slots: 7}) { slots } }`, {}, admin);
      expect(r.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [{ field: 'testMaxPosition' }] });
      expect(r.errors![0].message).toMatch(/testMaxPosition must be a position from 2 to 100/);
    }
    // Nothing was saved, not even the valid slots of the same input.
    const after = (await must(gql<{ surface: { testMaxPosition: number; updatedAt: string } }>(api.url, SURFACE, {}, admin))).surface;
    expect(after).toEqual(before);
    const slots = await withDb((c) => c.query(`SELECT slots FROM surfaces WHERE key = 'plhome'`));
    expect(slots.rows[0].slots).toBe(6);
  });

  describe('surface settings and pins under hostile input and concurrency', () => {
    type Outcome = { ok: boolean; code: string | undefined; message: string | undefined };
    const outcome = (r: { data: unknown; errors?: { message: string; extensions?: { code?: unknown } }[] }): Outcome => ({
      ok: !r.errors?.length && !!r.data,
      code: r.errors?.[0]?.extensions?.code as string | undefined,
      message: r.errors?.[0]?.message,
    });
    const auditCount = (action: string, entityId: string) =>
      withDb(
        async (c) => (await c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND entity_id = $2`, [action, entityId])).rows[0].n as number,
      );
    /** A disabled surface of its own, so pins and settings here never change what plhome serves. */
    async function spareSurface(key: string): Promise<string> {
      const r = await must(
        gql<{ createSurface: { id: string } }>(
          api.url,
          'mutation($k: String!) { createSurface(key: $k, name: $k, slots: 6, input: {enabled: false}) { id } }',
          { k: key },
          admin,
        ),
      );
      return r.createSurface.id;
    }

    it('refuses a non-zero share below 0.0001 (PostgreSQL real cannot hold 1e-46) with BAD_USER_INPUT, on create and update, and saves nothing', async () => {
      const SURFACE = 'query { surface(key: "plhome") { explorationBudget randomFloor updatedAt } }';
      const before = (await must(gql<{ surface: Record<string, unknown> }>(api.url, SURFACE, {}, admin))).surface;
      const surfacesBefore = (await withDb((c) => c.query(`SELECT count(*)::int AS n FROM surfaces`))).rows[0].n;
      const cases: [string, string][] = [
        ['randomFloor: 1e-46, explorationBudget: 0.1', 'randomFloor'],
        ['explorationBudget: 1e-46, randomFloor: 0', 'explorationBudget'],
        ['randomFloor: 5e-324', 'randomFloor'],
        ['explorationBudget: 0.1, randomFloor: 0.00009', 'randomFloor'],
      ];
      for (const [input, field] of cases) {
        for (const op of [`updateSurface(key: "plhome", input: {${input}})`, `createSurface(key: "tiny-share", name: "Tiny", slots: 3, input: {${input}})`]) {
          const r = await gql(api.url, `mutation { ${op} { key } }`, {}, admin);
          expect({ op, ...outcome(r) }).toEqual({ op, ok: false, code: 'BAD_USER_INPUT', message: expect.stringMatching(/at least 0\.0001/) });
          expect(r.errors![0].extensions!.problems).toEqual([{ field, message: expect.stringMatching(/0 or at least 0\.0001/) }]);
        }
      }
      expect((await must(gql<{ surface: Record<string, unknown> }>(api.url, SURFACE, {}, admin))).surface).toEqual(before);
      expect((await withDb((c) => c.query(`SELECT count(*)::int AS n FROM surfaces`))).rows[0].n).toBe(surfacesBefore);
      // The smallest share, and zero, are stored as given.
      await spareSurface('tiny-ok');
      const ok = await must(
        gql<{ updateSurface: { explorationBudget: number; randomFloor: number } }>(
          api.url,
          'mutation { updateSurface(key: "tiny-ok", input: {explorationBudget: 0.0001, randomFloor: 0}) { explorationBudget randomFloor } }',
          {},
          admin,
        ),
      );
      expect(ok.updateSurface).toEqual({ explorationBudget: 0.0001, randomFloor: 0 });
    });

    it('20 parallel createSurface with one key: exactly one is created, the others answer CONFLICT, one audit entry', async () => {
      const key = `race-${randomUUID().slice(0, 8)}`;
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          gql(api.url, 'mutation($k: String!) { createSurface(key: $k, name: "r", slots: 3, input: {enabled: false}) { key } }', { k: key }, admin),
        ),
      );
      const outcomes = results.map(outcome);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      expect(outcomes.filter((o) => !o.ok)).toEqual(
        Array.from({ length: 19 }, () => ({ ok: false, code: 'CONFLICT', message: `A surface with key "${key}" already exists.` })),
      );
      const rows = (await withDb((c) => c.query(`SELECT id FROM surfaces WHERE key = $1`, [key]))).rows;
      expect(rows).toHaveLength(1);
      expect(await auditCount('surface.created', rows[0].id)).toBe(1);
    });

    it('20 parallel pins of one item at one position and window: exactly one pin, the others CONFLICT, one audit entry', async () => {
      const surfaceId = await spareSurface(`pins-${randomUUID().slice(0, 8)}`);
      const key = (await withDb((c) => c.query(`SELECT key FROM surfaces WHERE id = $1`, [surfaceId]))).rows[0].key;
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          gql(api.url, 'mutation($k: String!, $i: ID!) { pinItem(key: $k, input: {itemId: $i, position: 5}) { id } }', { k: key, i: items[0] }, admin),
        ),
      );
      const outcomes = results.map(outcome);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      expect(outcomes.filter((o) => !o.ok)).toEqual(
        Array.from({ length: 19 }, () => ({
          ok: false,
          code: 'CONFLICT',
          message: expect.stringMatching(/^Position 5 of ".*" is already pinned in that window/),
        })),
      );
      expect((await withDb((c) => c.query(`SELECT count(*)::int AS n FROM surface_pins WHERE surface_id = $1`, [surfaceId]))).rows[0].n).toBe(1);
      expect(await auditCount('surface.pinned', surfaceId)).toBe(1);

      // And 20 parallel removals of that pin: one true, the others NOT_FOUND, one audit entry.
      const pinId = (results.find((r) => outcome(r).ok)!.data as { pinItem: { id: string } }).pinItem.id;
      const removals = (
        await Promise.all(Array.from({ length: 20 }, () => gql(api.url, 'mutation($p: ID!) { unpinItem(pinId: $p) }', { p: pinId }, admin)))
      ).map(outcome);
      expect(removals.filter((o) => o.ok)).toHaveLength(1);
      expect(removals.filter((o) => !o.ok).map((o) => o.code)).toEqual(Array.from({ length: 19 }, () => 'NOT_FOUND'));
      expect((await withDb((c) => c.query(`SELECT count(*)::int AS n FROM surface_pins WHERE surface_id = $1`, [surfaceId]))).rows[0].n).toBe(0);
      expect(await auditCount('surface.unpinned', surfaceId)).toBe(1);
    });

    it('refuses a pin whose endsAt is already past, naming now (not a startsAt nobody sent) when startsAt is left out', async () => {
      const surfaceId = await spareSurface(`pins-past-${randomUUID().slice(0, 8)}`);
      const key = (await withDb((c) => c.query(`SELECT key FROM surfaces WHERE id = $1`, [surfaceId]))).rows[0].key;
      const PIN = 'mutation($k: String!, $p: PinInput!) { pinItem(key: $k, input: $p) { id } }';
      const noStart = await gql(api.url, PIN, { k: key, p: { itemId: items[0], position: 1, endsAt: '2020-01-01T00:00:00Z' } }, admin);
      expect(noStart.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(noStart.errors![0].message).toBe(
        'The pin was not saved: endsAt is in the past; it must be after now, the start of a pin sent without startsAt. Give a later endsAt, or none to pin until unpinned.',
      );
      const withStart = await gql(
        api.url,
        PIN,
        { k: key, p: { itemId: items[0], position: 1, startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' } },
        admin,
      );
      expect(withStart.errors![0].message).toBe('The pin was not saved: endsAt must be after startsAt.');
      expect((await withDb((c) => c.query(`SELECT count(*)::int AS n FROM surface_pins WHERE surface_id = $1`, [surfaceId]))).rows[0].n).toBe(0);
    });

    it('parallel updates of the budget and the floor never break the floor ≤ budget rule: each answers or is refused, never 500', async () => {
      const key = `budget-${randomUUID().slice(0, 8)}`;
      await spareSurface(key);
      for (let round = 0; round < 5; round++) {
        await must(
          gql(api.url, 'mutation($k: String!) { updateSurface(key: $k, input: {explorationBudget: 0.1, randomFloor: 0.02}) { key } }', { k: key }, admin),
        );
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            gql(
              api.url,
              `mutation($k: String!) { updateSurface(key: $k, input: {${i % 2 ? 'randomFloor: 0.08' : 'explorationBudget: 0.05'}}) { key } }`,
              { k: key },
              admin,
            ),
          ),
        );
        for (const o of results.map(outcome)) expect(o.ok || o.code === 'BAD_USER_INPUT').toBe(true);
        const row = (await withDb((c) => c.query(`SELECT exploration_budget, random_floor FROM surfaces WHERE key = $1`, [key]))).rows[0];
        expect(row.random_floor).toBeLessThanOrEqual(row.exploration_budget);
      }
    });
  });

  it("puts a newly launched item into a content test, only at the surface's test positions (never at position 1)", async () => {
    // Tests on this surface at positions 2..3 only; the feeds below must follow the setting, read from the database.
    await must(gql(api.url, 'mutation { updateSurface(key: "plhome", input: {testMaxPosition: 3}) { testMaxPosition } }', {}, admin));
    const slug = `pl-new-${Date.now() % 100000}`;
    const id = await wf.createItem(slug, mediaBase, {
      localized: [{ locale: 'en', title: 'Brand new', description: 'd' }],
      locales: ['en'],
      collections: [COLLECTION],
    });
    await wf.approveLatest(id);
    const rel = await wf.release('New item', [id]);
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: rel }, editor));
    await wf.waitFor(rel, ['launched']);
    const tests = await pollUntil(
      async () =>
        (
          await must(
            gql<{ contentTests: { itemId: string; status: string; quota: number }[] }>(
              api.url,
              '{ contentTests(surface: "plhome") { itemId status quota } }',
              {},
              editor,
            ),
          )
        ).contentTests,
      (t) => t.some((x) => x.itemId === id),
      { what: `a content test of the new item ${id}` },
    );
    expect(tests.find((t) => t.itemId === id)).toMatchObject({ status: 'RUNNING' });
    const audit = await withDb((c) =>
      c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'content_test.started' AND entity_id = $1 AND after->>'surface' = 'plhome'`, [id]),
    );
    expect(audit.rows[0].n).toBe(1);
    // The API picks up the running test on its next refresh: feeds until one places the new item in its test.
    const testSlots: number[] = [];
    let seenInTest = 0;
    const serve = async (user: string) => {
      const f = await feed(user, { locale: 'en' });
      for (const i of f.items.filter((x) => x.reason === 'CONTENT_TEST')) {
        testSlots.push(i.position);
        if (i.item.id === id) seenInTest++;
      }
    };
    await pollUntil(
      () => serve(`tester-warm-${randomUUID()}`).then(() => seenInTest),
      (n) => n > 0,
      { what: 'a feed placing the new item in its content test', intervalMs: 50 },
    );
    // Every API process serves the new setting once it has refreshed: wait until a logged slate carries it.
    await pollUntil(
      async () => {
        await feed(`tester-setting-${randomUUID()}`, { locale: 'en' });
        const r = await withDb((c) =>
          c.query(`SELECT (context->'policy'->>'testMaxPosition')::int AS last FROM feed_requests WHERE surface = 'plhome' ORDER BY served_at DESC LIMIT 1`),
        );
        return r.rows[0]?.last as number | undefined;
      },
      (last) => last === 3,
      { what: 'a logged plhome slate with test positions 2..3', intervalMs: 100 },
    );
    testSlots.length = 0;
    seenInTest = 0;
    for (let u = 0; u < 150; u++) await serve(`tester-${u}-${randomUUID()}`);
    expect(testSlots.length).toBeGreaterThan(0);
    expect(testSlots.filter((p) => p < 2 || p > 3)).toEqual([]);
    expect(seenInTest).toBeGreaterThan(0);
  }, 120000);

  it('two API processes and a worker stay consistent: the same policy and revision after learning', async () => {
    const api2 = await startApi({ ENGINE_REFRESH_MS: '300' });
    try {
      const f = await feed(`consistency-${randomUUID()}`, { locale: 'en' });
      const now = new Date().toISOString();
      await must(
        gql(
          api.url,
          TRACK,
          { e: f.items.map((i) => ({ eventId: randomUUID(), type: 'IMPRESSION', trackingToken: i.trackingToken, occurredAt: now })) },
          client,
        ),
      );
      const before = f.stateRevision!;
      const [a, b] = await pollUntil(
        async () => [await feed(`c1-${randomUUID()}`, { locale: 'en' }), await feed(`c2-${randomUUID()}`, { locale: 'en' }, undefined, api2)] as const,
        ([x, y]) => x.stateRevision! > before && x.stateRevision === y.stateRevision,
        {
          what: `both APIs to serve one revision after ${before}`,
          describe: (v) => JSON.stringify((v as Feed[]).map((f) => ({ revision: f.stateRevision, policy: f.policyVersion }))),
        },
      );
      expect(a.stateRevision).toBeGreaterThan(before);
      expect(b.stateRevision).toBe(a.stateRevision);
      expect(b.policyVersion).toBe(a.policyVersion);
    } finally {
      await api2.stop();
    }
  });

  it('serves the editorial fallback, never empty, while PostgreSQL is unreachable', async () => {
    const u = new URL(dbUrl());
    const proxy = new PgProxy({ host: u.hostname, port: Number(u.port || 5432) });
    await proxy.start();
    const viaProxy = new URL(dbUrl());
    viaProxy.port = String(proxy.port);
    // USER_STATE_CACHE_SIZE=0: each feed reads its viewer's state from PostgreSQL, so the outage reaches the feed path.
    const api3 = await startApi({
      FEED_BUDGET_MS: '50',
      DATABASE_URL: viaProxy.toString(),
      ENGINE_REFRESH_MS: '300',
      FEED_STICKY_SECONDS: '0',
      USER_STATE_CACHE_SIZE: '0',
    });
    try {
      await must(
        gql(
          api3.url,
          'mutation($s: String!, $ids: [ID!]!) { setSurfaceFallback(key: $s, itemIds: $ids) { key } }',
          { s: 'plhome', ids: [items[3], items[1]] },
          admin,
        ),
      );
      // Before the cut, this API must be serving personalised slates, and have taken in the new editorial order at a
      // refresh (editorialFeed answers from that memory).
      let n = 0;
      await pollUntil(
        async () => ({
          editorial: (
            await must(gql<{ editorialFeed: Feed }>(api3.url, EDITORIAL, { s: 'plhome', u: 'ivy-0', c: { locale: 'en' } }, client))
          ).editorialFeed.items
            .slice(0, 2)
            .map((i) => i.item.id),
          live: (await feed(`ivy-${++n}`, { locale: 'en' }, undefined, api3)).items[0].reason,
        }),
        (x) => x.editorial.join() === [items[3], items[1]].join() && x.live !== 'FALLBACK',
        { what: 'the new editorial order and a personalised slate from the third API' },
      );
      proxy.cut();
      const started = Date.now();
      const down = await feed('ivy-down', { locale: 'en' }, undefined, api3);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(down.policyVersion).toBe('fallback/editorial');
      expect(down.items.length).toBeGreaterThan(0);
      expect(down.items.every((i) => i.reason === 'FALLBACK' && i.propensity === 1)).toBe(true);
      expect(down.items.slice(0, 2).map((i) => i.item.id)).toEqual([items[3], items[1]]);
      expect(api3.output()).toMatch(/Served the editorial fallback for "plhome"/);
    } finally {
      await api3.stop('SIGKILL');
      proxy.cut(); // already cut unless the test failed before; an open proxy would keep Jest from exiting
    }
  });
});
