import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { ApiHandle, Credentials, RunningProcess, createUser, freePort, gql, login, spawnProcess, startApi, startWorker, withDb } from '../support/stack';
import { Workflow, must } from '../support/launch-helpers';

const REFUSED = /^refused: internal address/;

/**
 * Issue 8, #7: the asset check and webhooks fetched any URL, including loopback ports, and told the editor what they
 * found. A counting listener on loopback stands for everything inside (metrics, Redis, PostgreSQL, cloud metadata);
 * every way a URL enters Marquee tries to reach it, in every spelling, directly and through redirects. It must see
 * nothing. The only allowed internal address is 127.0.0.2: a redirector standing in for an external host.
 */
describe('outbound requests never reach an internal address', () => {
  let target: Server;
  let target6: Server | null = null;
  let targetPort: number;
  let redirector: Server;
  let redirectorPort: number;
  const seen: string[] = [];
  const redirectorSeen: string[] = [];
  let api: ApiHandle;
  let worker: RunningProcess;
  let editor: Credentials;
  let admin: Credentials;
  let wf: Workflow;
  const run = randomBytes(3).toString('hex');
  const myEndpoints: string[] = [];
  /** Endpoints of the endpoint-lifecycle tests: removed in afterAll too, but kept out of the delivery test's count. */
  const lifecycleEndpoints: string[] = [];
  let redirectEndpoint = '';

  /** Every spelling of the loopback target a user might type. */
  const internalUrls = (path: string) => [
    `http://127.0.0.1:${targetPort}${path}`,
    `http://localhost:${targetPort}${path}`,
    `http://0x7f000001:${targetPort}${path}`,
    `http://2130706433:${targetPort}${path}`,
    `http://0177.0.0.1:${targetPort}${path}`,
    `http://[::ffff:127.0.0.1]:${targetPort}${path}`,
    `http://[::1]:${targetPort}${path}`,
  ];

  beforeAll(async () => {
    const count =
      (log: string[]) => (req: { method?: string; url?: string }, res: { writeHead: (s: number, h?: Record<string, string>) => { end: () => void } }) => {
        log.push(`${req.method} ${req.url}`);
        res.writeHead(200, { 'content-type': 'audio/mpeg' }).end();
      };
    target = createServer(count(seen));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    targetPort = (target.address() as AddressInfo).port;
    // The same port on ::1, where this machine has IPv6 loopback, so IPv6 spellings would be counted too.
    target6 = createServer(count(seen));
    await new Promise<void>((r) => {
      target6!.once('error', () => {
        target6 = null;
        r();
      });
      target6!.listen(targetPort, '::1', r);
    });
    redirector = createServer((req, res) => {
      redirectorSeen.push(`${req.method} ${req.url}`);
      const to = new URL(req.url!, 'http://x').searchParams.get('to')!;
      res.writeHead(302, { location: to }).end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.2', r));
    redirectorPort = (redirector.address() as AddressInfo).port;

    const env = { OUTBOUND_ALLOWLIST: '127.0.0.2', ASSET_CHECK_TIMEOUT_MS: '2000', WEBHOOK_BACKOFF_MS: '200' };
    api = await startApi(env);
    // The worker shares the API's PUBLIC_URL, as under npm start, so the API's own demo media are verified in-process.
    worker = await startWorker({ ...env, PUBLIC_URL: api.url });
    editor = { token: await login(api.url, await createUser('editor')) };
    admin = { token: await login(api.url, await createUser('admin')) };
    wf = new Workflow(api, editor, { token: await login(api.url, await createUser('reviewer')) });
  });
  afterAll(async () => {
    // Other suites read the newest deliveries: leave no endpoint of ours behind.
    await withDb(async (c) => {
      await c.query(`DELETE FROM webhook_deliveries WHERE endpoint_id = ANY($1)`, [[...myEndpoints, ...lifecycleEndpoints]]);
      await c.query(`DELETE FROM webhook_endpoints WHERE id = ANY($1)`, [[...myEndpoints, ...lifecycleEndpoints]]);
    });
    await Promise.all([api?.stop(), worker?.stop()]);
    for (const s of [target, target6, redirector]) {
      s?.closeAllConnections();
      s?.close();
    }
  });

  type Asset = { url: string; status: string; httpStatus: number | null; error: string | null };
  async function assetsOnceChecked(itemId: string): Promise<Asset[]> {
    const deadline = Date.now() + 30000;
    for (;;) {
      const r = await must(
        gql<{ item: { assets: Asset[] } }>(api.url, 'query($id: ID!) { item(id: $id) { assets { url status httpStatus error } } }', { id: itemId }, editor),
      );
      if (r.item.assets.every((a) => a.status !== 'PENDING')) return r.item.assets;
      if (Date.now() > deadline) throw new Error(`Asset checks still pending after 30 s: ${JSON.stringify(r.item.assets)}\nWorker:\n${worker.output()}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  }

  function itemWithMedia(slug: string, audioUrl: string, artworkUrl: string) {
    return wf.createItem(slug, '', { media: { audioUrl, artworkUrl, videoUrl: null } });
  }

  it('item media: every spelling of a loopback URL is refused with one message, and the listener sees nothing', async () => {
    const urls = internalUrls(`/metrics?run=${run}`);
    const ids: string[] = [];
    for (let i = 0; i < urls.length; i++) ids.push(await itemWithMedia(`ssrf-media-${run}-${i}`, urls[i], `${urls[i]}&art`));
    for (const id of ids) {
      for (const a of await assetsOnceChecked(id)) {
        expect({ url: a.url, status: a.status, httpStatus: a.httpStatus, error: a.error }).toEqual({
          url: a.url,
          status: 'UNREACHABLE',
          httpStatus: null,
          error: expect.stringMatching(REFUSED),
        });
      }
    }
    expect(seen).toEqual([]);
  }, 90000);

  it('no port scanner: an open port, a closed port, Redis and PostgreSQL all read the same', async () => {
    const closed = await freePort();
    const probes = [
      `http://127.0.0.1:${targetPort}/x-${run}`,
      `http://127.0.0.1:${closed}/x-${run}`,
      `http://127.0.0.1:6379/x-${run}`,
      `http://127.0.0.1:5432/x-${run}`,
    ];
    const id = await itemWithMedia(`ssrf-scan-${run}`, probes[0], probes[1]);
    const id2 = await itemWithMedia(`ssrf-scan2-${run}`, probes[2], probes[3]);
    const all = [...(await assetsOnceChecked(id)), ...(await assetsOnceChecked(id2))];
    const answers = new Set(all.map((a) => JSON.stringify({ status: a.status, httpStatus: a.httpStatus, error: a.error })));
    expect([...answers].map((a) => JSON.parse(a))).toEqual([{ status: 'UNREACHABLE', httpStatus: null, error: expect.stringMatching(REFUSED) }]);
    const timings = await withDb((c) => c.query(`SELECT DISTINCT latency_ms FROM asset_checks WHERE url = ANY($1)`, [probes]));
    expect(timings.rows).toEqual([{ latency_ms: 0 }]);
    expect(seen).toEqual([]);
  }, 60000);

  it('redirects: an allowed host that redirects inside is refused at the hop', async () => {
    const via = (to: string) => `http://127.0.0.2:${redirectorPort}/r-${run}?to=${encodeURIComponent(to)}`;
    const urls = internalUrls(`/via-${run}`).map(via);
    const ids: string[] = [];
    for (let i = 0; i < urls.length; i += 2) ids.push(await itemWithMedia(`ssrf-redirect-${run}-${i}`, urls[i], urls[i + 1] ?? urls[0]));
    for (const id of ids)
      for (const a of await assetsOnceChecked(id)) expect({ url: a.url, error: a.error }).toEqual({ url: a.url, error: expect.stringMatching(REFUSED) });
    expect(redirectorSeen.length).toBeGreaterThanOrEqual(urls.length); // the redirects were really followed, up to the refused hop
    expect(seen).toEqual([]);
  }, 90000);

  it('updateItem, recheckAssets and a bulk import go through the same check', async () => {
    const slug = `ssrf-update-${run}`;
    const id = await itemWithMedia(
      slug,
      `http://127.0.0.2:${redirectorPort}/ok-${run}?to=${encodeURIComponent(`http://127.0.0.1:${targetPort}/first`)}`,
      `http://0x7f000001:${targetPort}/a`,
    );
    await assetsOnceChecked(id);
    await wf.save(id, slug, '', {
      media: { audioUrl: `http://localhost:${targetPort}/updated-${run}`, artworkUrl: `http://2130706433:${targetPort}/updated-${run}`, videoUrl: null },
    });
    for (const a of await assetsOnceChecked(id)) expect(a.error).toMatch(REFUSED);
    await must(gql(api.url, 'mutation($id: ID!) { recheckAssets(itemId: $id) { status } }', { id }, editor));
    const row = JSON.stringify({
      slug: `ssrf-import-${run}`,
      kind: 'meditation',
      defaultLocale: 'en',
      localized: { en: { title: 'Imported', description: 'd' } },
      durationSeconds: 60,
      media: { audioUrl: `http://[::ffff:127.0.0.1]:${targetPort}/imported-${run}`, artworkUrl: `http://0177.0.0.1:${targetPort}/imported-${run}` },
      attributes: { narrator: 'N' },
    });
    const res = await fetch(`${api.url}/api/imports?filename=ssrf.jsonl`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${editor!.token}` },
      body: row,
    });
    expect(res.status).toBe(202);
    const deadline = Date.now() + 30000;
    let imported: string | undefined;
    while (!imported && Date.now() < deadline) {
      imported = (await withDb((c) => c.query(`SELECT id FROM items WHERE slug = $1`, [`ssrf-import-${run}`]))).rows[0]?.id;
      if (!imported) await new Promise((r) => setTimeout(r, 200));
    }
    expect(imported).toBeDefined();
    const assets = await assetsOnceChecked(imported!);
    expect(assets.map((a) => a.error)).toEqual([expect.stringMatching(REFUSED), expect.stringMatching(REFUSED)]);
    expect(seen).toEqual([]);
  }, 90000);

  it('webhook endpoints: an internal URL is refused with BAD_USER_INPUT when created or updated, and nothing is saved', async () => {
    const before = (await withDb((c) => c.query('SELECT count(*)::int AS n FROM webhook_endpoints'))).rows[0].n;
    for (const u of internalUrls('/hook')) {
      const r = await gql(api.url, 'mutation($u: String!) { createWebhookEndpoint(input: {url: $u}) { secret } }', { u }, admin);
      expect({ u, code: r.errors?.[0]?.extensions?.code, message: r.errors?.[0]?.message }).toEqual({
        u,
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(REFUSED),
      });
      expect(r.errors![0].extensions!.problems).toEqual([{ field: 'url', message: 'refused: internal address' }]);
    }
    expect((await withDb((c) => c.query('SELECT count(*)::int AS n FROM webhook_endpoints'))).rows[0].n).toBe(before);
    // An allowed, external-looking receiver can be saved; moving it inside cannot.
    const ok = await must(
      gql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
        api.url,
        'mutation($u: String!) { createWebhookEndpoint(input: {url: $u, events: ["release.launched"]}) { endpoint { id } } }',
        { u: `http://127.0.0.2:${redirectorPort}/hook-${run}?to=${encodeURIComponent(`http://127.0.0.1:${targetPort}/hook`)}` },
        admin,
      ),
    );
    redirectEndpoint = ok.createWebhookEndpoint.endpoint.id;
    myEndpoints.push(redirectEndpoint);
    const moved = await gql(
      api.url,
      'mutation($id: ID!, $u: String!) { updateWebhookEndpoint(id: $id, input: {url: $u}) { url } }',
      { id: ok.createWebhookEndpoint.endpoint.id, u: `http://[::1]:${targetPort}/hook` },
      admin,
    );
    expect(moved.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const stored = await withDb((c) => c.query('SELECT url FROM webhook_endpoints WHERE id = $1', [ok.createWebhookEndpoint.endpoint.id]));
    expect(stored.rows[0].url).toContain('127.0.0.2');
  });

  it('webhook endpoints: port 0 is refused with BAD_USER_INPUT when created or updated, and nothing is saved', async () => {
    const before = (await withDb((c) => c.query('SELECT count(*)::int AS n FROM webhook_endpoints'))).rows[0].n;
    for (const u of ['http://127.0.0.2:0/hook', 'https://127.0.0.2:00/hook', 'http://127.0.0.2:0000/hook']) {
      const r = await gql(api.url, 'mutation($u: String!) { createWebhookEndpoint(input: {url: $u}) { secret } }', { u }, admin);
      expect({ u, code: r.errors?.[0]?.extensions?.code, message: r.errors?.[0]?.message }).toEqual({
        u,
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(/port 0.*from 1 to 65535/),
      });
      expect(r.errors![0].extensions!.problems).toEqual([{ field: 'url', message: 'must have a port from 1 to 65535, or none' }]);
    }
    expect((await withDb((c) => c.query('SELECT count(*)::int AS n FROM webhook_endpoints'))).rows[0].n).toBe(before);
    const ok = await must(
      gql<{ createWebhookEndpoint: { endpoint: { id: string; url: string } } }>(
        api.url,
        'mutation($u: String!) { createWebhookEndpoint(input: {url: $u, events: ["item.published"]}) { endpoint { id url } } }',
        { u: `http://127.0.0.2:${redirectorPort}/port-${run}` },
        admin,
      ),
    );
    const id = ok.createWebhookEndpoint.endpoint.id;
    lifecycleEndpoints.push(id);
    const moved = await gql(api.url, 'mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {url: "http://127.0.0.2:0/hook"}) { url } }', { id }, admin);
    expect(moved.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await withDb((c) => c.query('SELECT url FROM webhook_endpoints WHERE id = $1', [id]))).rows[0].url).toBe(ok.createWebhookEndpoint.endpoint.url);
    await must(gql(api.url, 'mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }', { id }, admin));
  });

  it('webhook endpoints: a user:password part is refused with BAD_USER_INPUT, not echoed or logged, and nothing is saved', async () => {
    const before = (await withDb((c) => c.query('SELECT count(*)::int AS n FROM webhook_endpoints'))).rows[0].n;
    const u = `http://hook:wh-secret-${run}@127.0.0.2:${redirectorPort}/creds`;
    const r = await gql(api.url, 'mutation($u: String!) { createWebhookEndpoint(input: {url: $u}) { secret } }', { u }, admin);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0].message).toMatch(/^"http:\/\/\*\*\*@127\.0\.0\.2:\d+\/creds" has a user:password part.*Remove it/);
    expect(r.errors![0].extensions!.problems).toEqual([{ field: 'url', message: 'must not contain a user:password part' }]);
    expect(JSON.stringify(r)).not.toContain(`wh-secret-${run}`);
    expect(api.output()).not.toContain(`wh-secret-${run}`);
    expect((await withDb((c) => c.query('SELECT count(*)::int AS n FROM webhook_endpoints'))).rows[0].n).toBe(before);
  });

  it('webhook endpoints: 20 parallel deletes of one endpoint answer true once and NOT_FOUND otherwise, with one audit entry', async () => {
    const created = await must(
      gql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
        api.url,
        'mutation($u: String!) { createWebhookEndpoint(input: {url: $u, events: ["item.published"]}) { endpoint { id } } }',
        { u: `http://127.0.0.2:${redirectorPort}/delete-${run}` },
        admin,
      ),
    );
    const id = created.createWebhookEndpoint.endpoint.id;
    lifecycleEndpoints.push(id);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        gql<{ deleteWebhookEndpoint: boolean }>(api.url, 'mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }', { id }, admin),
      ),
    );
    expect(results.filter((r) => r.data?.deleteWebhookEndpoint === true)).toHaveLength(1);
    expect(results.filter((r) => r.errors).map((r) => r.errors![0].extensions!.code)).toEqual(Array.from({ length: 19 }, () => 'NOT_FOUND'));
    const audit = await withDb((c) => c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'webhook.deleted' AND entity_id = $1`, [id]));
    expect(audit.rows[0].n).toBe(1);
    expect((await withDb((c) => c.query('SELECT count(*)::int AS n FROM webhook_endpoints WHERE id = $1', [id]))).rows[0].n).toBe(0);

    // Updates racing a delete: each one lands before it or answers NOT_FOUND; none brings the endpoint back.
    const other = (
      await must(
        gql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
          api.url,
          'mutation($u: String!) { createWebhookEndpoint(input: {url: $u, events: ["item.published"]}) { endpoint { id } } }',
          { u: `http://127.0.0.2:${redirectorPort}/update-delete-${run}` },
          admin,
        ),
      )
    ).createWebhookEndpoint.endpoint.id;
    lifecycleEndpoints.push(other);
    const mixed = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2
          ? gql(api.url, 'mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }', { id: other }, admin)
          : gql(
              api.url,
              'mutation($id: ID!, $d: String) { updateWebhookEndpoint(id: $id, input: {description: $d}) { id } }',
              { id: other, d: `edit ${i}` },
              admin,
            ),
      ),
    );
    for (const r of mixed) expect(r.errors?.[0]?.extensions?.code ?? 'OK').toMatch(/^(OK|NOT_FOUND)$/);
    expect(mixed.filter((r, i) => i % 2 && !r.errors)).toHaveLength(1);
    expect((await withDb((c) => c.query('SELECT count(*)::int AS n FROM webhook_endpoints WHERE id = $1', [other]))).rows[0].n).toBe(0);
  });

  it('webhook deliveries: an internal URL already stored (DNS changed, or saved before) is refused at connect time, retries and redelivery too', async () => {
    // Stored directly, as if its host had resolved public when saved.
    for (const u of internalUrls(`/delivery-${run}`)) {
      const { rows } = await withDb((c) =>
        c.query(`INSERT INTO webhook_endpoints (url, events, secret) VALUES ($1, '{release.launched}', 'whsec_test') RETURNING id`, [u]),
      );
      myEndpoints.push(rows[0].id);
    }
    // A release whose media are the API's own demo media: verified in-process, though the API is on loopback.
    const slug = `ssrf-launch-${run}`;
    const item = await wf.createItem(slug, '', {
      media: { audioUrl: `${api.url}/demo-media/audio/${slug}.wav`, artworkUrl: `${api.url}/demo-media/artwork/${slug}.svg`, videoUrl: null },
    });
    expect((await assetsOnceChecked(item)).map((a) => [a.status, a.httpStatus])).toEqual([
      ['OK', 200],
      ['OK', 200],
    ]);
    await wf.approveLatest(item);
    const rel = await wf.release(`SSRF ${run}`, [item]);
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: rel }, editor));
    await wf.waitFor(rel, ['launched']);

    type Delivery = { id: string; endpointId: string; status: string; attempts: number; lastError: string | null; lastStatusCode: number | null };
    const mine = async () =>
      (
        await must(
          gql<{ webhookDeliveries: Delivery[] }>(
            api.url,
            '{ webhookDeliveries(limit: 200) { id endpointId status attempts lastError lastStatusCode } }',
            {},
            admin,
          ),
        )
      ).webhookDeliveries.filter((d) => myEndpoints.includes(d.endpointId));
    const deadline = Date.now() + 60000;
    let ds = await mine();
    // Internal ones: tried at least twice (a retry too); the redirector's: its 302 is a failure, never followed.
    while (!(ds.length === myEndpoints.length && ds.every((d) => d.attempts >= 2)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      ds = await mine();
    }
    expect(ds.length).toBe(myEndpoints.length);
    for (const d of ds.filter((x) => x.endpointId !== redirectEndpoint)) {
      expect({ attempts: d.attempts >= 2, lastStatusCode: d.lastStatusCode, lastError: d.lastError }).toEqual({
        attempts: true,
        lastStatusCode: null,
        lastError: expect.stringMatching(REFUSED),
      });
    }
    expect(ds.find((x) => x.endpointId === redirectEndpoint)).toMatchObject({ lastStatusCode: 302, lastError: 'The receiver answered HTTP 302.' });
    const again = ds.find((x) => x.endpointId !== redirectEndpoint)!;
    await must(gql(api.url, 'mutation($id: ID!) { redeliverWebhook(id: $id) { status } }', { id: again.id }, admin));
    const redelivered = Date.now() + 20000;
    while (Date.now() < redelivered && (await mine()).find((d) => d.id === again.id)!.attempts <= again.attempts) await new Promise((r) => setTimeout(r, 200));
    expect((await mine()).find((d) => d.id === again.id)).toMatchObject({ lastError: expect.stringMatching(REFUSED), lastStatusCode: null });
    expect(seen).toEqual([]);
  }, 120000);
});

/**
 * OUTBOUND_ALLOWLIST with a Unicode host name. URLs are compared by their hostname, which the URL parser writes in
 * punycode (bücher.example is xn--bcher-kva.example), so an entry kept as typed could never match; such an entry
 * also stopped start-up with a message that did not say which entry. The two names resolve to loopback through a
 * preloaded resolver (test/support/dns-hosts.js), standing for an internal DNS zone.
 */
describe('OUTBOUND_ALLOWLIST with Unicode host names', () => {
  let target: Server;
  let port: number;
  const seen: string[] = [];
  let api: ApiHandle;
  let worker: RunningProcess;
  let admin: Credentials;
  let wf: Workflow;
  const run = randomBytes(3).toString('hex');
  const endpoints: string[] = [];
  const env = () => ({
    OUTBOUND_ALLOWLIST: ' Bücher.Example. ',
    ASSET_CHECK_TIMEOUT_MS: '2000',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${resolve(__dirname, '../support/dns-hosts.js')}`.trim(),
    // The allowed name and one that is not allowed, both inside.
    MARQUEE_TEST_HOSTS: JSON.stringify({ 'xn--bcher-kva.example': '127.0.0.1', 'xn--bse-sna.example': '127.0.0.1' }),
  });

  beforeAll(async () => {
    target = createServer((req, res) => {
      seen.push(`${req.headers.host} ${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'audio/mpeg' }).end();
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    port = (target.address() as AddressInfo).port;
    api = await startApi(env());
    worker = await startWorker({ ...env(), PUBLIC_URL: api.url });
    admin = { token: await login(api.url, await createUser('admin')) };
    const editor = { token: await login(api.url, await createUser('editor')) };
    wf = new Workflow(api, editor, { token: await login(api.url, await createUser('reviewer')) });
  });
  afterAll(async () => {
    await withDb((c) => c.query(`DELETE FROM webhook_endpoints WHERE id = ANY($1)`, [endpoints]));
    await Promise.all([api?.stop(), worker?.stop()]);
    target?.closeAllConnections();
    target?.close();
  });

  it('lets webhooks and asset checks reach the allowed name, typed in Unicode or punycode, and still refuses a name not listed', async () => {
    for (const host of ['bücher.example', 'BÜCHER.example', 'xn--bcher-kva.example']) {
      const ok = await must(
        gql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
          api.url,
          'mutation($u: String!) { createWebhookEndpoint(input: {url: $u}) { endpoint { id } } }',
          { u: `http://${host}:${port}/hook-${run}` },
          admin,
        ),
      );
      endpoints.push(ok.createWebhookEndpoint.endpoint.id);
    }
    // böse.example resolves inside too, and is not on the list: refused, so the resolver is in play.
    const refused = await gql(
      api.url,
      'mutation($u: String!) { createWebhookEndpoint(input: {url: $u}) { secret } }',
      { u: `http://böse.example:${port}/hook` },
      admin,
    );
    expect({ code: refused.errors?.[0]?.extensions?.code, message: refused.errors?.[0]?.message }).toEqual({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(REFUSED),
    });

    // A real fetch by the worker: the allowed name reaches the listener, the other is refused before connecting.
    const item = await wf.createItem(`idn-allow-${run}`, '', {
      media: { audioUrl: `http://bücher.example:${port}/a-${run}.mp3`, artworkUrl: `http://böse.example:${port}/b-${run}.png`, videoUrl: null },
    });
    type Asset = { url: string; status: string; httpStatus: number | null; error: string | null };
    const deadline = Date.now() + 30000;
    let assets: Asset[] = [];
    for (;;) {
      assets = (
        await must(
          gql<{ item: { assets: Asset[] } }>(api.url, 'query($id: ID!) { item(id: $id) { assets { url status httpStatus error } } }', { id: item }, admin),
        )
      ).item.assets;
      if (assets.every((a) => a.status !== 'PENDING') || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const byName = (part: string) => assets.find((a) => a.url.includes(part));
    expect(byName(`a-${run}`)).toMatchObject({ status: 'OK', httpStatus: 200 });
    expect(byName(`b-${run}`)).toMatchObject({ httpStatus: null, error: expect.stringMatching(REFUSED) });
    expect(seen).toEqual([`xn--bcher-kva.example:${port} HEAD /a-${run}.mp3`]);
  });

  it('stops start-up on an entry that cannot be normalised, naming the entry and why', async () => {
    const p = spawnProcess('api', { PORT: String(await freePort()), OUTBOUND_ALLOWLIST: 'bücher.example, xn--zz.example, media_1.internal' });
    const { code } = await new Promise<{ code: number | null }>((r) => p.proc.once('exit', (c) => r({ code: c })));
    expect(code).toBe(78);
    expect(p.output()).toMatch(/OUTBOUND_ALLOWLIST .*entry "xn--zz\.example" cannot be converted to an ASCII \(punycode\) host name/);
    expect(p.output()).toMatch(/OUTBOUND_ALLOWLIST .*entry "media_1\.internal" contains "_"/);
    expect(p.output()).not.toMatch(/entry "bücher\.example"/);
  });
});
