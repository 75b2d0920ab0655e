import { lookup } from 'node:dns/promises';
import { createServer as createHttp, Server as HttpServer } from 'node:http';
import { Server, Socket, createServer } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { Queue } from 'bullmq';
import type { Credentials } from '../support/stack';
import { freePort } from '../support/stack';
import { gqlSend, send, sleep } from './http';
import { Report, say } from './report';
import { AbuseStack } from './stack';

/**
 * Server-side request forgery: every way a URL enters Marquee (item media and its asset check, re-checks, bulk
 * import, webhook endpoints and their deliveries and redeliveries, redirects), in every spelling of an internal
 * address, against listeners on this machine that count each TCP connection. OUTBOUND_ALLOWLIST is empty, except
 * in the redirect round, where only a separate redirector address (127.0.0.2) is allowed, so the one hop that
 * matters is the redirect into 127.0.0.1.
 */
export const REFUSED = 'refused: internal address';
/** Nothing internal allowed; quick webhook retries and asset timeouts, so every URL is tried within the wait. */
export const SSRF_ENV = { OUTBOUND_ALLOWLIST: '', WEBHOOK_BACKOFF_MS: '200', ASSET_CHECK_TIMEOUT_MS: '2000' };

interface Hit {
  at: number;
  local: string;
  line: string;
}

/** Accepts TCP connections on several local addresses at one port, counts them, answers a bare HTTP 200. */
class CountingListener {
  readonly hits: Hit[] = [];
  private servers: Server[] = [];
  private sockets = new Set<Socket>();
  port = 0;
  addresses: string[] = [];

  static async start(addresses: string[]): Promise<CountingListener> {
    const l = new CountingListener();
    for (let attempt = 0; attempt < 5 && !l.servers.length; attempt++) {
      const port = await freePort();
      const bound: Server[] = [];
      try {
        for (const host of addresses) bound.push(await l.listen(host, port));
        l.servers = bound;
        l.port = port;
        l.addresses = addresses;
      } catch {
        for (const s of bound) s.close();
      }
    }
    if (!l.servers.length) throw new Error(`Could not listen on one port on all of ${addresses.join(', ')}`);
    return l;
  }

  private listen(host: string, port: number): Promise<Server> {
    return new Promise((res, rej) => {
      const s = createServer((sock) => {
        this.sockets.add(sock);
        sock.on('close', () => this.sockets.delete(sock));
        sock.on('error', () => undefined);
        const hit: Hit = { at: Date.now(), local: `${host}:${port}`, line: '' };
        this.hits.push(hit);
        sock.once('data', (d) => {
          hit.line = d.toString('latin1').split('\r\n')[0].slice(0, 200);
          sock.end('HTTP/1.1 200 OK\r\ncontent-type: image/jpeg\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
        });
      });
      s.once('error', rej);
      s.listen({ host, port, ipv6Only: host.includes(':') }, () => res(s));
    });
  }

  /** Connects to every address once from here, proving the count can rise; returns how many were counted. */
  async selfTest(): Promise<number> {
    const before = this.hits.length;
    for (const host of this.addresses) {
      await new Promise<void>((res) => {
        const s = new Socket();
        s.on('error', () => res());
        s.connect(this.port, host, () => s.end('GET /self-test HTTP/1.1\r\nhost: x\r\n\r\n', () => res()));
      });
    }
    for (let i = 0; i < 50 && this.hits.length - before < this.addresses.length; i++) await sleep(20);
    const counted = this.hits.length - before;
    this.hits.splice(before);
    return counted;
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    for (const s of this.servers) s.close();
  }
}

/** The spellings of "this machine" an attacker would try, for port `p`. */
async function internalUrls(p: number, privateV6: string[]): Promise<{ form: string; base: string }[]> {
  const forms = [
    { form: 'dotted', base: `http://127.0.0.1:${p}` },
    { form: 'hex', base: `http://0x7f000001:${p}` },
    { form: 'decimal', base: `http://2130706433:${p}` },
    { form: 'octal', base: `http://0177.0.0.1:${p}` },
    { form: 'short', base: `http://127.1:${p}` },
    { form: 'unspecified', base: `http://0.0.0.0:${p}` },
    { form: 'ipv6-loopback', base: `http://[::1]:${p}` },
    { form: 'ipv4-mapped', base: `http://[::ffff:127.0.0.1]:${p}` },
    { form: 'ipv4-mapped-hex', base: `http://[::ffff:7f00:1]:${p}` },
    { form: 'ipv4-mapped-long', base: `http://[0:0:0:0:0:ffff:127.0.0.1]:${p}` },
    { form: 'userinfo', base: `http://cdn.example.com@127.0.0.1:${p}` },
    { form: 'uppercase-scheme', base: `HTTP://127.0.0.1:${p}` },
    { form: 'https', base: `https://127.0.0.1:${p}` },
  ];
  for (const v6 of privateV6) forms.push({ form: `private-ipv6 ${v6}`, base: `http://[${v6}]:${p}` });
  // Names that resolve to this machine without the internet (never an outside resolver).
  for (const name of [...new Set(['localhost', hostname(), 'localhost.localdomain', 'ip6-localhost', '127.0.0.1.nip.io'])]) {
    const addrs = await lookup(name, { all: true }).catch(() => []);
    if (addrs.length && addrs.every((a) => a.address === '127.0.0.1' || a.address === '::1')) forms.push({ form: `name ${name}`, base: `http://${name}:${p}` });
  }
  return forms;
}

function privateAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv6' && /^f[cd]/i.test(a.address)) out.push(a.address);
    }
  }
  return out;
}

export interface SsrfOptions {
  redirects: boolean;
  /** Only these spellings (by name), for the fast subset; all by default. */
  spellings?: string[];
  /** A stack to share, started with SSRF_ENV; by default the part brings up its own. */
  stack?: AbuseStack;
  /** How long to wait for the worker to try every URL (asset checks settled, deliveries attempted). */
  settleMs: number;
  log?: (line: string) => void;
}

export async function ssrfPhase(report: Report, o: SsrfOptions): Promise<void> {
  const G = 'ssrf';
  const log = o.log ?? say;
  const v6 = privateAddresses();
  const listener = await CountingListener.start(['127.0.0.1', '::1', ...v6]);
  let redirector: HttpServer | null = null;
  const redirectorHits: string[] = [];
  const counted = await listener.selfTest();
  report.add(
    G,
    'listener self-test: a connection from here is counted',
    `${counted}/${listener.addresses.length} addresses`,
    'all',
    counted === listener.addresses.length,
  );
  const stack = o.stack ?? (await AbuseStack.up({ env: SSRF_ENV }));
  const tried: { vector: string; form: string; url: string; accepted: boolean; answer?: string }[] = [];
  try {
    const admin: Credentials = { token: await stack.adminToken() };
    // Spellings go into URL paths too (to attribute each hit): keep them URL-safe there.
    const forms = (await internalUrls(listener.port, v6))
      .map((f) => ({ ...f, form: f.form.replace(/[^a-z0-9.-]+/gi, '-') }))
      .filter((f) => !o.spellings || o.spellings.includes(f.form));
    const gq = (q: string, v: Record<string, unknown> = {}) => gqlSend(stack.url, q, v, admin, 30000);
    const note = (vector: string, form: string, url: string, a: Awaited<ReturnType<typeof gqlSend>>) =>
      tried.push({ vector, form, url, accepted: a.status === 200 && !a.body?.errors?.length, answer: a.body?.errors?.[0]?.message?.slice(0, 160) });

    const round = async (tag: string, urlFor: (base: string, path: string) => string) => {
      // 1. Item media: creation queues the asset check; then an update and a re-check of each.
      const itemIds: string[] = [];
      for (const f of forms) {
        const slug = `ssrf-${tag}-${f.form.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${Date.now() % 100000}`;
        const media = {
          artworkUrl: urlFor(f.base, `/ssrf/${tag}/create-artwork/${f.form}`),
          audioUrl: urlFor(f.base, `/ssrf/${tag}/create-audio/${f.form}`),
          videoUrl: null,
        };
        const a = await gq('mutation($i: ItemInput!) { createItem(input: $i) { id } }', {
          i: {
            slug,
            kind: 'meditation',
            defaultLocale: 'en',
            localized: [{ locale: 'en', title: `SSRF ${f.form}`, description: 'x' }],
            durationSeconds: 60,
            media,
            attributes: { narrator: 'N' },
          },
        });
        note('createItem', f.form, media.artworkUrl, a);
        const id = (a.body?.data as { createItem?: { id: string } } | null)?.createItem?.id;
        if (id) itemIds.push(id);
      }
      const host = itemIds[0] ?? (await stack.db(async (c) => (await c.query(`SELECT id FROM items WHERE slug = 'box-breathing'`)).rows[0].id));
      for (const f of forms) {
        const url = urlFor(f.base, `/ssrf/${tag}/update-artwork/${f.form}`);
        const a = await gq('mutation($id: ID!, $i: ItemInput!) { updateItem(id: $id, input: $i) { id } }', {
          id: host,
          i: {
            slug: `ssrf-upd-${tag}-${Date.now() % 100000}`,
            kind: 'meditation',
            defaultLocale: 'en',
            localized: [{ locale: 'en', title: 'SSRF update', description: 'x' }],
            durationSeconds: 60,
            media: { artworkUrl: url, audioUrl: url },
            attributes: { narrator: 'N' },
          },
        });
        note('updateItem', f.form, url, a);
      }
      for (const id of itemIds)
        note('recheckAssets', '(created items)', id, await gq('mutation($id: ID!) { recheckAssets(itemId: $id) { url status } }', { id }));

      // 2. Bulk import: one CSV row per spelling.
      const csv = ['slug,kind,default_locale,title.en,description.en,duration,artwork_url,audio_url,attr.narrator']
        .concat(
          forms.map(
            (f, i) =>
              `ssrf-imp-${tag}-${i}-${Date.now() % 100000},meditation,en,Imported ${i},x,60,${urlFor(f.base, `/ssrf/${tag}/import-artwork/${f.form}`)},${urlFor(f.base, `/ssrf/${tag}/import-audio/${f.form}`)},N`,
          ),
        )
        .join('\n');
      const imp = await send(stack.url, { path: `/api/imports?filename=ssrf-${tag}.csv`, body: csv, contentType: 'text/csv', creds: admin });
      tried.push({ vector: 'import', form: '(all)', url: `${forms.length} rows`, accepted: imp.status === 202, answer: imp.text.slice(0, 160) });

      // 3. Webhooks: an endpoint per spelling, one moved by an update, then real events and a redelivery.
      const endpointIds: string[] = [];
      for (const f of forms) {
        const url = urlFor(f.base, `/ssrf/${tag}/webhook/${f.form}`);
        const a = await gq('mutation($u: String!) { createWebhookEndpoint(input: {url: $u}) { endpoint { id } } }', { u: url });
        note('createWebhookEndpoint', f.form, url, a);
        const id = (a.body?.data as { createWebhookEndpoint?: { endpoint: { id: string } } } | null)?.createWebhookEndpoint?.endpoint.id;
        if (id) endpointIds.push(id);
      }
      const safe = await gq('mutation { createWebhookEndpoint(input: {url: "https://hooks.example.com/ok"}) { endpoint { id } } }');
      const safeId = (safe.body?.data as { createWebhookEndpoint?: { endpoint: { id: string } } } | null)?.createWebhookEndpoint?.endpoint.id;
      if (safeId) {
        const url = urlFor(forms[0].base, `/ssrf/${tag}/webhook-update/${forms[0].form}`);
        note(
          'updateWebhookEndpoint',
          forms[0].form,
          url,
          await gq('mutation($id: ID!, $u: String!) { updateWebhookEndpoint(id: $id, input: {url: $u}) { id } }', { id: safeId, u: url }),
        );
      }
      // A real release.launched event (unpublishing a live demo item) fans out to every endpoint.
      const slug = tag === 'direct' ? 'lavender-fields' : 'stress-is-a-signal';
      const live = await stack.db(
        async (c) => (await c.query('SELECT id FROM items WHERE live_version_id IS NOT NULL AND slug = $1', [slug])).rows[0]?.id as string | undefined,
      );
      if (!live) throw new Error(`The demo item ${slug} is not live: no release to send webhook events from.`);
      const rel = await gq('mutation($n: String!) { createRelease(input: {name: $n}) { id } }', { n: `ssrf ${tag}` });
      const rid = (rel.body?.data as { createRelease?: { id: string } } | null)?.createRelease?.id;
      if (!rid) throw new Error(`createRelease failed: ${rel.text.slice(0, 300)}`);
      await gq('mutation($r: ID!, $i: ID!) { addToRelease(releaseId: $r, itemId: $i, action: UNPUBLISH) { id } }', { r: rid, i: live });
      note('launchReleaseNow (webhook events)', '(all endpoints)', rid, await gq('mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: rid }));
      // Wait until every endpoint's delivery was attempted, then redeliver each once.
      await settle(stack, o.settleMs, endpointIds);
      const deliveries = await stack.db(async (c) =>
        (await c.query('SELECT id FROM webhook_deliveries WHERE endpoint_id = ANY($1)', [endpointIds])).rows.map((r) => r.id as string),
      );
      for (const id of deliveries) note('redeliverWebhook', '(deliveries)', id, await gq('mutation($id: ID!) { redeliverWebhook(id: $id) { id } }', { id }));
      await settle(stack, o.settleMs, endpointIds);
    };

    await round('direct', (base, path) => `${base}${path}`);

    if (o.redirects) {
      if (o.stack) throw new Error('the redirect round restarts the processes with another OUTBOUND_ALLOWLIST: it needs a stack of its own');
      // The redirector is the only allowed address; everything it points to is 127.0.0.1 in one spelling or another.
      const rport = await freePort();
      redirector = createHttp((req, res) => {
        redirectorHits.push(req.url ?? '');
        const to = new URL(req.url ?? '/', 'http://127.0.0.2').searchParams.get('to') ?? '/';
        res.writeHead(req.method === 'POST' ? 307 : 302, { location: to }).end();
      });
      await new Promise<void>((r) => redirector!.listen(rport, '127.0.0.2', r));
      stack.setEnv({ OUTBOUND_ALLOWLIST: '127.0.0.2' });
      await Promise.all([stack.api.stop('SIGTERM'), stack.worker.stop('SIGTERM')]);
      await stack.startApi();
      await stack.startWorker();
      admin.token = await stack.adminToken();
      await round('redirect', (base, path) => `http://127.0.0.2:${rport}/r?to=${encodeURIComponent(`${base}${path}`)}`);
    }

    // Results editors and admins see: asset checks and delivery errors must name the refusal, never a port's answer.
    const shown = await stack.db(async (c) => ({
      assets: (await c.query(`SELECT url, status, http_status, error FROM asset_checks WHERE url LIKE '%/ssrf/%' OR url LIKE '%127.0.0.2%'`)).rows,
      releases: (await c.query(`SELECT name, status FROM releases WHERE name LIKE 'ssrf %'`)).rows.map((r) => `${r.name}: ${r.status}`),
      endpoints: (await c.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE url LIKE '%/ssrf/%' OR url LIKE '%127.0.0.2%'`)).rows[0].n as number,
      deliveries: (
        await c.query(
          `SELECT e.url, d.status, d.attempts, d.last_status_code, d.last_error FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE e.url LIKE '%/ssrf/%' OR e.url LIKE '%127.0.0.2%'`,
        )
      ).rows,
    }));
    // Revealing = what a port scanner reads: reachable, an HTTP status, or how the connection failed. A refusal of the
    // URL itself before any connection (credentials in the URL, say) reveals nothing and is listed apart.
    // In the redirect round the first hop is the allowed redirector: its own 3xx (a redirect not followed) says
    // nothing about the internal target.
    const reveals = (status: string, code: number | null, error: string | null, url: string) =>
      !String(error ?? '').startsWith(REFUSED) &&
      !(url.includes('127.0.0.2') && code !== null && code >= 300 && code < 400) &&
      (status === 'ok' ||
        status === 'delivered' ||
        code !== null ||
        /refused the connection|closed the connection|not answer in HTTP|cannot be reached|headers too large|ECONN|EHOSTUNREACH|ENETUNREACH|No answer within|timed? ?out|socket|TLS|SSL|certificate|HTTP \d{3}|answered/i.test(
          String(error ?? ''),
        ));
    const revealing = [
      ...shown.assets
        .filter((r) => reveals(r.status, r.http_status, r.error, r.url))
        .map((r) => ({ kind: 'asset', url: r.url, status: r.status, httpStatus: r.http_status, error: r.error })),
      ...shown.deliveries
        .filter((r) => r.attempts > 0 && reveals(r.status, r.last_status_code, r.last_error, r.url))
        .map((r) => ({ kind: 'delivery', url: r.url, status: r.status, code: r.last_status_code, error: r.last_error })),
    ];
    const otherRefusals = [...shown.assets.map((r) => r.error), ...shown.deliveries.map((r) => r.last_error)].filter(
      (e) => e && !String(e).startsWith(REFUSED) && !revealing.some((x) => x.error === e),
    );
    const byVector: Record<string, number> = {};
    for (const h of listener.hits) {
      const m = /\/ssrf\/([^/]+)\/([^/]+)\/([^ ?]+)/.exec(safeDecode(h.line));
      const raw = h.line.startsWith('\u0016\u0003') ? 'a TLS handshake' : h.line ? JSON.stringify(h.line.slice(0, 40)) : 'no request line';
      const k = m ? `${m[1]} ${m[2]} (${m[3]})` : `connection to ${h.local} (${raw})`;
      byVector[k] = (byVector[k] ?? 0) + 1;
    }
    report.figure(G, {
      listener: { port: listener.port, addresses: listener.addresses },
      spellings: forms.map((f) => f.form),
      attempts: tried.length,
      acceptedInputs: tried.filter((t) => t.accepted).length,
      refusedInputs: tried
        .filter((t) => !t.accepted)
        .map((t) => `${t.vector} ${t.form}: ${t.answer}`)
        .slice(0, 40),
      redirectorRequests: redirectorHits.length,
      assetChecksShown: shown.assets.length,
      webhookEventsFrom: shown.releases,
      internalEndpointsStored: shown.endpoints,
      deliveriesShown: shown.deliveries.length,
      hitsByVector: byVector,
      shownWithAnotherRefusal: [...new Set(otherRefusals.map((e) => String(e).replace(/\d+/g, 'N').slice(0, 160)))],
    });
    report.atMost(G, `requests that reached the internal listener (${tried.length} attempts, ${forms.length} spellings)`, listener.hits.length, 0, byVector);
    report.atMost(G, "checks/deliveries shown with a port's behaviour (status, HTTP code, connection error)", revealing.length, 0, revealing.slice(0, 12));
    log(`ssrf: ${listener.hits.length} connection(s) reached the listener`);
  } finally {
    listener.close();
    redirector?.close();
    if (!o.stack) await stack.down();
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Waits until the worker has tried everything it was given: queues idle, asset checks settled, deliveries attempted. */
async function settle(stack: AbuseStack, timeoutMs: number, endpointIds: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const u = new URL(stack.redis.url);
  const queues = ['assets', 'imports', 'webhooks', 'launches'].map(
    (n) => new Queue(n, { connection: { host: u.hostname, port: Number(u.port) }, prefix: `${stack.prefix}:bull` }),
  );
  try {
    while (Date.now() < deadline) {
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'prioritized')));
      const busy = counts.reduce((n, c) => n + (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0), 0);
      const pending = await stack.db(async (c) => {
        const a = await c.query(`SELECT count(*)::int AS n FROM asset_checks WHERE status = 'pending' AND url LIKE '%/ssrf/%'`);
        const i = await c.query(`SELECT count(*)::int AS n FROM import_jobs WHERE status IN ('queued', 'running')`);
        const d = await c.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = ANY($1) AND attempts = 0`, [endpointIds]);
        return a.rows[0].n + i.rows[0].n + d.rows[0].n;
      });
      if (!busy && !pending) return;
      await sleep(300);
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}
