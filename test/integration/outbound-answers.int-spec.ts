import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { Queue } from 'bullmq';
import { AddressInfo, Server, Socket, createServer } from 'node:net';
import { ApiHandle, Credentials, RunningProcess, createUser, gql, login, startApi, startWorker, withDb } from '../support/stack';
import { Workflow, must, startMediaServer } from '../support/launch-helpers';
import { pollUntil } from '../support/wait';

/**
 * Probe round 3: a media URL or a webhook receiver that answers something other than HTTP. The editor read
 * "The request failed (UND_ERR_SOCKET). Check the URL." and the admin's delivery log "Could not connect (fetch failed)."
 * for a receiver that did connect and answered an invalid status line; a redirect to ftp: or to a Location that is no
 * URL read as "The request failed (Only http and https…)" and "(Invalid URL)". Each now says what the server did and
 * what to do. And webhook endpoints took a 500,000-character URL and description (media URLs stop at 2,048).
 *
 * The misbehaving server is a raw TCP listener on 127.0.0.1, which OUTBOUND_ALLOWLIST opens for this suite.
 */
describe('outbound answers that are not HTTP, and webhook endpoint sizes', () => {
  let raw: Server;
  let rawBase = '';
  const sockets = new Set<Socket>();
  let media: { base: string; close(): void };
  let api: ApiHandle;
  let worker: RunningProcess;
  let editor: Credentials;
  let admin: Credentials;
  let wf: Workflow;
  const run = randomBytes(3).toString('hex');
  const endpoints: string[] = [];

  /** What the raw server does, chosen by the first path segment of the request. */
  const behaviours: Record<string, (s: Socket) => void> = {
    badstatus: (s) => s.end('HTTP/1.1 abc OK\r\n\r\n'),
    close: (s) => s.end(),
    ssh: (s) => s.end('SSH-2.0-OpenSSH_8.9\r\n'),
    ftp: (s) => s.end('HTTP/1.1 302 Found\r\nlocation: ftp://files.example.com/a.mp3\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'),
    badlocation: (s) => s.end('HTTP/1.1 302 Found\r\nlocation: http://[zz/\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'),
  };

  const NOT_HTTP = 'The server did not answer in HTTP (its response could not be read). Check that the URL points at a web server and that the port is right.';
  const CLOSED = 'The server closed the connection without a complete HTTP answer. Check that the URL points at a web server and that it is running.';
  const REDIRECT = (what: string) => `The server redirected to ${what}, which cannot be followed. Point the URL at the file itself (an http or https address).`;

  beforeAll(async () => {
    raw = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
      let head = '';
      let answered = false;
      s.on('data', (d) => {
        head += d.toString('latin1');
        if (answered || !head.includes('\r\n\r\n')) return;
        answered = true;
        const name = /^[A-Z]+ \/([a-z]+)/.exec(head)?.[1] ?? 'close';
        (behaviours[name] ?? behaviours.close)(s);
      });
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    rawBase = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
    media = await startMediaServer();
    // Receivers in these tests hold requests until told to answer: a try must not time out meanwhile.
    const env = { OUTBOUND_ALLOWLIST: '127.0.0.1', ASSET_CHECK_TIMEOUT_MS: '5000', WEBHOOK_BACKOFF_MS: '200', WEBHOOK_TIMEOUT_MS: '120000' };
    api = await startApi(env);
    worker = await startWorker({ ...env, PUBLIC_URL: api.url });
    editor = { token: await login(api.url, await createUser('editor')) };
    admin = { token: await login(api.url, await createUser('admin')) };
    wf = new Workflow(api, editor, { token: await login(api.url, await createUser('reviewer')) });
  });
  afterAll(async () => {
    // Other suites read the newest deliveries: leave no endpoint of ours behind.
    await withDb(async (c) => {
      await c.query(`DELETE FROM webhook_deliveries WHERE endpoint_id = ANY($1)`, [endpoints]);
      await c.query(`DELETE FROM webhook_endpoints WHERE id = ANY($1)`, [endpoints]);
    });
    await Promise.all([api?.stop(), worker?.stop()]);
    for (const s of sockets) s.destroy();
    raw?.close();
    media?.close();
  });

  type Asset = { url: string; status: string; httpStatus: number | null; error: string | null };
  const assetsOnceChecked = (itemId: string) =>
    pollUntil(
      async () =>
        (
          await must(
            gql<{ item: { assets: Asset[] } }>(api.url, 'query($id: ID!) { item(id: $id) { assets { url status httpStatus error } } }', { id: itemId }, editor),
          )
        ).item.assets,
      (assets) => assets.length > 0 && assets.every((a) => a.status !== 'PENDING'),
      { what: `the asset checks of item ${itemId} to finish`, timeoutMs: 30000 },
    );

  it('a media URL whose server answers garbage, hangs up, or redirects to ftp: or to no URL reads what happened', async () => {
    const a = await wf.createItem(`answers-a-${run}`, '', {
      media: { audioUrl: `${rawBase}/badstatus/a.mp3`, artworkUrl: `${rawBase}/close/a.jpg`, videoUrl: null },
    });
    const b = await wf.createItem(`answers-b-${run}`, '', {
      media: { audioUrl: `${rawBase}/ftp/b.mp3`, artworkUrl: `${rawBase}/badlocation/b.jpg`, videoUrl: null },
    });
    const c = await wf.createItem(`answers-c-${run}`, '', {
      media: { audioUrl: `${rawBase}/ssh/c.mp3`, artworkUrl: `${media.base}/ok/c.jpg`, videoUrl: null },
    });
    const seen = [...(await assetsOnceChecked(a)), ...(await assetsOnceChecked(b)), ...(await assetsOnceChecked(c))].map((x) => ({
      url: x.url,
      status: x.status,
      error: x.error,
    }));
    const expected = (url: string, error: string | null) => ({ url, status: error ? 'UNREACHABLE' : 'OK', error });
    expect(seen).toEqual(
      expect.arrayContaining([
        expected(`${rawBase}/badstatus/a.mp3`, NOT_HTTP),
        expected(`${rawBase}/close/a.jpg`, CLOSED),
        expected(`${rawBase}/ftp/b.mp3`, REDIRECT('a ftp: URL')),
        expected(`${rawBase}/badlocation/b.jpg`, REDIRECT('an address that is not a URL')),
        expected(`${rawBase}/ssh/c.mp3`, NOT_HTTP),
        expected(`${media.base}/ok/c.jpg`, null),
      ]),
    );
    expect(seen).toHaveLength(6);
  }, 90000);

  it('a webhook receiver that answers garbage or hangs up: the delivery log says so, not "Could not connect (fetch failed)"', async () => {
    for (const path of ['badstatus', 'close']) {
      const d = await must(
        gql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
          api.url,
          'mutation($u: String!) { createWebhookEndpoint(input: {url: $u, events: ["release.launched"]}) { endpoint { id } } }',
          { u: `${rawBase}/${path}/hook-${run}` },
          admin,
        ),
      );
      endpoints.push(d.createWebhookEndpoint.endpoint.id);
    }
    const item = await wf.createItem(`answers-launch-${run}`, media.base);
    expect((await assetsOnceChecked(item)).map((x) => x.status)).toEqual(['OK', 'OK']);
    await wf.approveLatest(item);
    const rel = await wf.release(`Answers ${run}`, [item]);
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: rel }, editor));
    await wf.waitFor(rel, ['launched']);

    type Delivery = { endpointId: string; attempts: number; lastStatusCode: number | null; lastError: string | null };
    const tried = await pollUntil(
      async () =>
        (
          await must(
            gql<{ webhookDeliveries: Delivery[] }>(api.url, '{ webhookDeliveries(limit: 200) { endpointId attempts lastStatusCode lastError } }', {}, admin),
          )
        ).webhookDeliveries.filter((d) => endpoints.includes(d.endpointId)),
      (ds) => ds.length === 2 && ds.every((d) => d.attempts >= 1),
      { what: 'one try of each delivery to the misbehaving receivers', timeoutMs: 30000 },
    );
    const byEndpoint = Object.fromEntries(tried.map((d) => [d.endpointId, { lastStatusCode: d.lastStatusCode, lastError: d.lastError }]));
    expect(byEndpoint).toEqual({
      [endpoints[0]]: { lastStatusCode: null, lastError: NOT_HTTP },
      [endpoints[1]]: { lastStatusCode: null, lastError: CLOSED },
    });
  }, 90000);

  it('10 parallel redeliverWebhook calls send the delivery once and write one audit entry', async () => {
    // The receiver holds every request until all ten calls have answered, so none of them can see the delivery done.
    const held: (() => void)[] = [];
    const hits: string[] = [];
    let release = false;
    const receiver = createHttpServer((req, res) => {
      hits.push(String(req.headers['x-marquee-delivery']));
      const answer = () => res.writeHead(200).end('ok');
      if (release) answer();
      else held.push(answer);
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook-${run}`;
      const { endpointId, deliveryId } = await withDb(async (c) => {
        const ep = await c.query(`INSERT INTO webhook_endpoints (url, events, secret) VALUES ($1, '{}', 'whsec_test') RETURNING id`, [url]);
        const d = await c.query(
          `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload, status, attempts) VALUES ($1, gen_random_uuid(), 'release.launched', '{}', 'failed', 8) RETURNING id`,
          [ep.rows[0].id],
        );
        return { endpointId: ep.rows[0].id as string, deliveryId: d.rows[0].id as string };
      });
      endpoints.push(endpointId);
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          gql<{ redeliverWebhook: { status: string } }>(api.url, 'mutation($id: ID!) { redeliverWebhook(id: $id) { status } }', { id: deliveryId }, admin),
        ),
      );
      expect(answers.map((a) => a.errors ?? a.data?.redeliverWebhook.status)).toEqual(Array(10).fill('PENDING'));
      await pollUntil(
        () => hits.length,
        (n) => n >= 1,
        { what: 'the redelivery to reach the receiver', timeoutMs: 30000 },
      );
      release = true;
      for (const answer of held.splice(0)) answer();
      const done = await pollUntil(
        async () =>
          withDb(
            async (c) =>
              (await c.query(`SELECT status, attempts FROM webhook_deliveries WHERE id = $1`, [deliveryId])).rows[0] as { status: string; attempts: number },
          ),
        (d) => d.status === 'delivered',
        { what: `delivery ${deliveryId} to be delivered`, timeoutMs: 30000 },
      );
      const audit = await withDb(
        async (c) =>
          (await c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'webhook.redelivered' AND entity_id = $1`, [deliveryId])).rows[0].n,
      );
      expect({ hits: hits.length, audit, attempts: done.attempts }).toEqual({ hits: 1, audit: 1, attempts: 9 });
    } finally {
      receiver.closeAllConnections();
      receiver.close();
    }
  }, 90000);

  it("a redelivery and the worker's sweep never put two jobs on one delivery", async () => {
    // The redelivery used a job id of its own, the sweep the delivery's: for a delivery older than a minute whose
    // first job Redis no longer kept, both ran, and the receiver got the same delivery twice at once.
    const held: (() => void)[] = [];
    const hits: string[] = [];
    const receiver = createHttpServer((req, res) => {
      hits.push(String(req.headers['x-marquee-delivery']));
      held.push(() => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const queue = new Queue('webhooks', { connection: { host: '127.0.0.1', port: 6379 }, prefix: `${process.env.REDIS_PREFIX}:bull` });
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/sweep-${run}`;
      const { endpointId, deliveryId } = await withDb(async (c) => {
        const ep = await c.query(`INSERT INTO webhook_endpoints (url, events, secret) VALUES ($1, '{}', 'whsec_test') RETURNING id`, [url]);
        const d = await c.query(
          `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload, status, attempts, created_at)
           VALUES ($1, gen_random_uuid(), 'release.launched', '{}', 'failed', 8, now() - interval '5 minutes') RETURNING id`,
          [ep.rows[0].id],
        );
        return { endpointId: ep.rows[0].id as string, deliveryId: d.rows[0].id as string };
      });
      endpoints.push(endpointId);
      await must(gql(api.url, 'mutation($id: ID!) { redeliverWebhook(id: $id) { status } }', { id: deliveryId }, admin));
      await pollUntil(
        () => hits.filter((h) => h === deliveryId).length,
        (n) => n >= 1,
        { what: 'the redelivery to reach the (holding) receiver', timeoutMs: 30000 },
      );
      // The sweep, as the worker runs it every minute: the delivery is pending and older than a minute.
      const sweep = await queue.add('sweep-webhooks', {}, { jobId: `sweep-test-${run}` });
      const swept = await pollUntil(
        async () => ({ state: await sweep.getState(), job: await queue.getJob(sweep.id!) }),
        (x) => x.state === 'completed' || x.state === 'failed',
        { what: 'the sweep job to run', timeoutMs: 30000, describe: (x) => String((x as { state: string }).state) },
      );
      expect([swept.state, swept.job?.returnvalue?.requeued]).toEqual(['completed', expect.any(Number)]);
      const live = (await queue.getJobs(['active', 'waiting', 'delayed', 'prioritized'])).filter((j) => j?.data?.deliveryId === deliveryId);
      expect(live.map((j) => j.id)).toEqual([`webhook_${deliveryId}`]);
    } finally {
      for (const answer of held.splice(0)) answer();
      await queue.close();
      receiver.closeAllConnections();
      receiver.close();
    }
  }, 90000);

  it('webhook endpoints: a URL over 2,048 characters or a description over 500 is refused with BAD_USER_INPUT, and nothing is saved', async () => {
    const count = () =>
      withDb(async (c) => {
        const eps = await c.query(`SELECT count(*)::int AS n FROM webhook_endpoints`);
        const audit = await c.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_type = 'webhook_endpoint'`);
        return { endpoints: eps.rows[0].n as number, audit: audit.rows[0].n as number };
      });
    const longUrl = (n: number) => `https://93.184.216.34/${'a'.repeat(n - 'https://93.184.216.34/'.length)}`;
    const create = (url: string, description: string | null) =>
      gql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
        api.url,
        'mutation($u: String!, $d: String) { createWebhookEndpoint(input: {url: $u, description: $d}) { endpoint { id } } }',
        { u: url, d: description },
        admin,
      );
    const refusal = (r: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) => ({
      code: r.errors?.[0]?.extensions?.code,
      problems: r.errors?.[0]?.extensions?.problems,
      messageLength: r.errors?.[0]?.message.length,
    });
    const before = await count();

    const tooLongUrl = await create(longUrl(2049), null);
    expect(refusal(tooLongUrl)).toEqual({
      code: 'BAD_USER_INPUT',
      problems: [{ field: 'url', message: 'is 2049 characters; the limit is 2048' }],
      messageLength: expect.any(Number),
    });
    const hugeUrl = await create(longUrl(500_000), null);
    expect(refusal(hugeUrl)).toMatchObject({ code: 'BAD_USER_INPUT', problems: [{ field: 'url', message: 'is 500000 characters; the limit is 2048' }] });
    expect(hugeUrl.errors![0].message.length).toBeLessThan(300); // the URL itself is not echoed back
    const longDescription = await create('https://93.184.216.34/hooks', 'd'.repeat(501));
    expect(refusal(longDescription)).toMatchObject({
      code: 'BAD_USER_INPUT',
      problems: [{ field: 'description', message: 'is 501 characters; the limit is 500' }],
    });
    expect(await count()).toEqual(before);

    // At the limits it is accepted; an update past them is refused and leaves the endpoint as it was.
    const ok = await must(create(longUrl(2048), 'd'.repeat(500)));
    const id = ok.createWebhookEndpoint.endpoint.id;
    endpoints.push(id);
    const afterCreate = await count();
    expect(afterCreate).toEqual({ endpoints: before.endpoints + 1, audit: before.audit + 1 });
    for (const input of [{ url: longUrl(2049) }, { description: 'd'.repeat(501) }, { url: 'https://93.184.216.34/new', description: 'd'.repeat(100_000) }]) {
      const r = await gql(
        api.url,
        'mutation($id: ID!, $i: WebhookEndpointUpdate!) { updateWebhookEndpoint(id: $id, input: $i) { id } }',
        { id, i: input },
        admin,
      );
      expect([Object.keys(input), r.errors?.[0]?.extensions?.code]).toEqual([Object.keys(input), 'BAD_USER_INPUT']);
    }
    const stored = await withDb(async (c) => (await c.query(`SELECT url, length(description) AS d FROM webhook_endpoints WHERE id = $1`, [id])).rows[0]);
    expect({ url: stored.url.length, description: stored.d }).toEqual({ url: 2048, description: 500 });
    expect(await count()).toEqual(afterCreate);
  }, 60000);
});
