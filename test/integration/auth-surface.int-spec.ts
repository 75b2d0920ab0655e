import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { ApiHandle, createUser, gql, startApi, withDb } from '../support/stack';
import { NfcEmails1797000000001 } from '../../migrations/1797000000001-NfcEmails';

/**
 * The Studio's HTTP surface as a hostile client sees it: cross-site writes riding the session cookie, conditional and
 * ranged requests for the Studio's files, answers Node writes before any middleware, and sign-in limits counted per
 * IPv6 address.
 */
const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';

/** Raw HTTP: sends `request` as is and reads until the server closes or `maxMs` passes. */
function raw(port: number, request: string, maxMs = 5000): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => socket.destroy(), maxMs);
    socket.on('data', (d) => (text += String(d)));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.on('error', () => undefined);
    socket.write(request);
  });
}

describe("the Studio's HTTP surface", () => {
  let api: ApiHandle;
  beforeAll(async () => {
    // x-forwarded-for is believed from 127.0.0.1, so the sign-in test speaks from IPv6 addresses of its own.
    // A webhook receiver on loopback is allowed (OUTBOUND_ALLOWLIST) for the audit log test; nothing is sent to it.
    api = await startApi({
      TRUSTED_PROXIES: '127.0.0.1',
      LOGIN_MAX_ATTEMPTS: '50',
      LOGIN_MAX_PER_ADDRESS: '3',
      LOGIN_WINDOW_SECONDS: '60',
      OUTBOUND_ALLOWLIST: '127.0.0.1',
    });
  }, 90000);
  afterAll(() => api?.stop());
  // This spec's own sign-ins come from a network of its own: LOGIN_MAX_PER_ADDRESS is 3 here, and other specs of the
  // same run leave failed sign-ins from 127.0.0.1 in the shared database within the window.
  const OWN = { from: `2001:db8:aaaa:${randomBytes(2).toString('hex')}::7` };

  const sessionCookie = async (role: 'editor' | 'admin' = 'editor') => {
    const user = await createUser(role);
    const r = await gql<{ login: { token: string } }>(api.url, LOGIN, { e: user.email, p: user.password }, OWN);
    const cookie = r.headers.get('set-cookie')?.split(';')[0];
    if (!cookie) throw new Error(`no session cookie: ${r.status} ${JSON.stringify(r.errors)}`);
    return { user, cookie, token: r.data!.login.token };
  };

  it('refuses an import that a cross-site form or no-cors fetch could send with the session cookie, and stores nothing', async () => {
    const { user, cookie, token } = await sessionCookie();
    const csv = (slug: string) =>
      `slug,kind,default_locale,locales,title.en,description.en,duration,audio_url,artwork_url\n${slug},meditation,en,en,Cross-site,Sent by another page.,10:00,https://cdn.example.com/a.mp3,https://cdn.example.com/a.jpg\n`;
    const upload = (slug: string, headers: Record<string, string>) =>
      // Bytes, not a string: fetch would add text/plain to a string body, and one case sends no content type at all.
      fetch(`${api.url}/api/imports?filename=items.csv`, { method: 'POST', headers, body: Buffer.from(csv(slug)) });
    const jobs = async () => (await withDb((c) => c.query('SELECT count(*)::int AS n FROM import_jobs WHERE created_by = $1', [user.id]))).rows[0].n;
    const refused: Record<string, unknown>[] = [];
    for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', null]) {
      const slug = `csrf-${randomBytes(4).toString('hex')}`;
      const res = await upload(slug, { cookie, ...(type ? { 'content-type': type } : {}) });
      const body = (await res.json()) as { errors?: { message: string; extensions: { code: string } }[] };
      refused.push({ type, status: res.status, code: body.errors?.[0]?.extensions.code, message: body.errors?.[0]?.message });
      const items = (await withDb((c) => c.query('SELECT count(*)::int AS n FROM items WHERE slug = $1', [slug]))).rows[0].n;
      expect({ type, status: res.status, items }).toEqual({ type, status: 400, items: 0 });
    }
    expect(refused[0]).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/text\/csv or application\/x-ndjson/) });
    expect(await jobs()).toBe(0);

    // What the Studio sends (a type a cross-site page cannot send without a preflight) and a bearer token still work.
    const viaStudio = await upload(`ok-${randomBytes(4).toString('hex')}`, { cookie, 'content-type': 'text/csv' });
    expect({ status: viaStudio.status, body: await viaStudio.text() }).toMatchObject({ status: 202 });
    const viaBearer = await upload(`ok-${randomBytes(4).toString('hex')}`, { authorization: `Bearer ${token}`, 'content-type': 'text/plain' });
    expect({ status: viaBearer.status, body: await viaBearer.text() }).toMatchObject({ status: 202 });
  });

  it('answers a Range outside a Studio file 416 and a failed If-Match 412, as JSON that is never cached, not 500', async () => {
    const url = `${api.url}/studio/favicon.svg`;
    const whole = await fetch(url);
    const size = (await whole.arrayBuffer()).byteLength;
    expect(whole.status).toBe(200);
    const fileEtag = whole.headers.get('etag');
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ range: `bytes=${size + 1000}-` }, 416, new RegExp(`bytes this file does not have \\(it is ${size} bytes long\\)`)],
      [{ range: 'bytes=9-2' }, 416, /Range header/],
      [{ 'if-match': '"not-this-one"' }, 412, /If-Match or If-Unmodified-Since/],
      [{ 'if-unmodified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' }, 412, /If-Match or If-Unmodified-Since/],
    ];
    for (const [headers, status, message] of cases) {
      const res = await fetch(url, { headers });
      const text = await res.text();
      const seen = {
        headers,
        status: res.status,
        type: res.headers.get('content-type'),
        cache: res.headers.get('cache-control'),
        // Express tags the JSON answer itself; the file's own tag (and its hour of caching) must not describe it.
        fileEtag: res.headers.get('etag') === fileEtag,
        nosniff: res.headers.get('x-content-type-options'),
        csp: res.headers.get('content-security-policy'),
        text,
      };
      expect(seen).toMatchObject({
        headers,
        status,
        type: expect.stringMatching(/^application\/json/),
        cache: 'no-store',
        fileEtag: false,
        nosniff: 'nosniff',
        csp: expect.stringContaining("frame-ancestors 'none'"),
      });
      const body = JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] };
      expect({ headers, code: body.errors[0].extensions.code, message: body.errors[0].message }).toEqual({
        headers,
        code: 'BAD_REQUEST',
        message: expect.stringMatching(message),
      });
    }
    expect(api.output()).not.toMatch(/Unhandled error on GET \/studio/);
  });

  it('sends nosniff, DENY and no-referrer on the answers Node writes itself (malformed requests, headers too large)', async () => {
    for (const request of ['FOO /studio/ HTTP/1.1\r\nHost: x\r\n\r\n', `GET /studio/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70000)}\r\n\r\n`]) {
      const text = await raw(api.port, request);
      const head = text.slice(0, text.indexOf('\r\n\r\n'));
      expect({ request: request.slice(0, 20), head }).toEqual({
        request: request.slice(0, 20),
        head: expect.stringMatching(/^HTTP\/1\.1 4\d\d /),
      });
      expect({ request: request.slice(0, 20), head }).toEqual({
        request: request.slice(0, 20),
        head: expect.stringMatching(/x-content-type-options: nosniff[\s\S]*x-frame-options: DENY[\s\S]*referrer-policy: no-referrer/i),
      });
    }
  });

  it('counts failed sign-ins per IPv6 /64, so a client cannot get a fresh limit from each address of its network', async () => {
    const user = await createUser('admin');
    const prefix = `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
    const answers: { from: string; status: number; code: unknown }[] = [];
    for (let i = 1; i <= 6; i++) {
      const from = `${prefix}:${i.toString(16)}::${(i * 7).toString(16)}`;
      const res = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ query: LOGIN, variables: { e: user.email, p: 'wrong-password-here' } }),
      });
      const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      answers.push({ from, status: res.status, code: body.errors?.[0]?.extensions?.code });
    }
    // LOGIN_MAX_PER_ADDRESS is 3: three wrong guesses, then the /64 waits, whichever address of it asks.
    expect(answers.map((a) => a.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    // Another network is not held back by it.
    const other = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `2001:db8:ffff:${randomBytes(2).toString('hex')}::1` },
      body: JSON.stringify({ query: LOGIN, variables: { e: user.email, p: user.password } }),
    });
    expect({ status: other.status, body: await other.text() }).toMatchObject({ status: 200 });
  });

  describe('logout across API processes', () => {
    let api2: ApiHandle;
    beforeAll(async () => {
      api2 = await startApi();
    }, 90000);
    afterAll(() => api2?.stop());

    it('ends the calling session on every process at once, cookie and bearer alike, and leaves the other sessions of the user alone', async () => {
      const user = await createUser('editor');
      const signIn = async () => {
        const r = await gql<{ login: { token: string } }>(api.url, LOGIN, { e: user.email, p: user.password }, OWN);
        return { token: r.data!.login.token, cookie: r.headers.get('set-cookie')!.split(';')[0] };
      };
      const [a, b] = [await signIn(), await signIn()];
      const me = async (url: string, creds: { token?: string; cookie?: string }) => {
        const r = await gql<{ me: { email: string } | null }>(url, '{ me { email } }', {}, creds);
        return { status: r.status, email: r.data?.me?.email ?? null, code: r.errors?.[0]?.extensions?.code ?? null };
      };
      // Both processes have seen (and cached) session a before it ends.
      expect(await me(api2.url, { token: a.token })).toEqual({ status: 200, email: user.email, code: null });
      expect(await me(api.url, { cookie: a.cookie })).toEqual({ status: 200, email: user.email, code: null });

      const out = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: a.cookie },
        body: JSON.stringify({ query: 'mutation { logout }' }),
      });
      expect({ status: out.status, body: (await out.json()) as unknown, cookie: out.headers.get('set-cookie') }).toEqual({
        status: 200,
        body: { data: { logout: true } },
        cookie: expect.stringMatching(/^marquee_session=;/),
      });

      // Sent after logout answered: refused on both processes (a bearer token 401; a stale cookie is anonymous).
      const after = {
        bearerHere: await me(api.url, { token: a.token }),
        bearerThere: await me(api2.url, { token: a.token }),
        cookieThere: await me(api2.url, { cookie: a.cookie }),
        otherSession: await me(api2.url, { token: b.token }),
      };
      expect(after).toEqual({
        bearerHere: { status: 401, email: null, code: 'UNAUTHENTICATED' },
        bearerThere: { status: 401, email: null, code: 'UNAUTHENTICATED' },
        cookieThere: { status: 200, email: null, code: null },
        otherSession: { status: 200, email: user.email, code: null },
      });

      // A bearer token signs itself out the same way; once ended, it is refused like any ended session.
      for (let i = 0; i < 2; i++) {
        const r = await gql<{ logout: boolean }>(api2.url, 'mutation { logout }', {}, { token: b.token });
        expect({ i, status: r.status, data: r.data }).toEqual({ i, status: i === 0 ? 200 : 401, data: i === 0 ? { logout: true } : null });
      }
      expect(await me(api.url, { token: b.token })).toEqual({ status: 401, email: null, code: 'UNAUTHENTICATED' });
      const rows = (await withDb((c) => c.query('SELECT count(*)::int AS n FROM ended_sessions WHERE user_id = $1', [user.id]))).rows[0].n;
      expect(rows).toBe(2);
    });
  });

  /**
   * Sessions end after SESSION_IDLE_MINUTES without activity (here 1): each has a Redis key that expires after that
   * long, written at sign-in and refreshed (at most every 15 s here, a minute by default) while it is used. Before,
   * a session stayed valid until its absolute expiry however long it went unused.
   */
  describe('idle timeout', () => {
    let idleApi: ApiHandle;
    let redis: IORedis;
    const prefix = process.env.MARQUEE_TEST_REDIS_PREFIX ?? 'mqtest';
    const IDLE = 'Your session ended after 1 minute without activity; sign in again.';
    beforeAll(async () => {
      idleApi = await startApi({ SESSION_IDLE_MINUTES: '1' });
      redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
      await redis.connect();
    }, 90000);
    afterAll(async () => {
      redis?.disconnect();
      await idleApi?.stop();
    });

    const signIn = async (user: { email: string; password: string }) => {
      const r = await gql<{ login: { token: string } }>(idleApi.url, LOGIN, { e: user.email, p: user.password }, OWN);
      const token = r.data!.login.token;
      const sid = (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string }).sid;
      return { token, cookie: r.headers.get('set-cookie')!.split(';')[0], key: `${prefix}:session:active:${sid}` };
    };
    const me = async (creds: { token?: string; cookie?: string }) => {
      const r = await gql<{ me: { email: string } | null }>(idleApi.url, '{ me { email } }', {}, creds);
      const e = r.errors?.[0];
      return {
        status: r.status,
        email: r.data?.me?.email ?? null,
        code: e?.extensions?.code ?? null,
        message: e?.message ?? null,
        reason: e?.extensions?.reason ?? null,
      };
    };
    const signedIn = (email: string) => ({ status: 200, email, code: null, message: null, reason: null });
    const idle = (status: number) => ({ status, email: null, code: 'UNAUTHENTICATED', message: IDLE, reason: 'SESSION_IDLE' });

    it('keeps a used session past the idle time, and ends it once unused that long, saying so', async () => {
      const user = await createUser('editor');
      const s = await signIn(user);
      const ttl = await redis.pttl(s.key);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      const started = Date.now();
      const at = async (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, started + ms - Date.now())));
      expect(await me({ token: s.token })).toEqual(signedIn(user.email));
      await at(40_000);
      expect(await me({ token: s.token })).toEqual(signedIn(user.email));
      await at(75_000); // more than the idle time since sign-in, not since the last use
      expect(await me({ token: s.token })).toEqual(signedIn(user.email));
      await at(75_000 + 62_000);
      expect(await me({ token: s.token })).toEqual(idle(401));
      // Ended for good: a later request does not bring it back.
      expect(await me({ token: s.token })).toEqual(idle(401));
    }, 180_000);

    it('tells a bearer token (401) and a Studio cookie (cleared; operations say why) that the session ended, and lets the user sign in again', async () => {
      const user = await createUser('editor');
      const bearer = await signIn(user);
      const cookie = await signIn(user);
      // Unused for the idle time: the key's expiry passed (as Redis's own expiry would remove it).
      await redis.del(bearer.key, cookie.key);
      expect(await me({ token: bearer.token })).toEqual(idle(401));

      const meByCookie = await gql(idleApi.url, '{ me { email } }', {}, { cookie: cookie.cookie });
      expect({ status: meByCookie.status, message: meByCookie.errors?.[0]?.message, ext: meByCookie.errors?.[0]?.extensions }).toEqual({
        status: 401,
        message: IDLE,
        ext: expect.objectContaining({ code: 'UNAUTHENTICATED', reason: 'SESSION_IDLE', idleMinutes: 1 }),
      });
      expect(meByCookie.headers.get('set-cookie')).toMatch(/^marquee_session=;/);
      // An operation that needs a session says the same, not "sign in first".
      const items = await gql(idleApi.url, '{ items(first: 1) { totalCount } }', {}, { cookie: cookie.cookie });
      expect({ code: items.errors?.[0]?.extensions?.code, message: items.errors?.[0]?.message }).toEqual({ code: 'UNAUTHENTICATED', message: IDLE });
      // Nothing was changed for the user, and signing in again (the stale cookie still sent) works.
      const again = await gql<{ login: { token: string } }>(idleApi.url, LOGIN, { e: user.email, p: user.password }, { ...OWN, cookie: cookie.cookie });
      expect(again.errors).toBeUndefined();
      expect(await me({ token: again.data!.login.token })).toEqual(signedIn(user.email));
    });

    it('drops the activity key at logout, and keeps refusing a signed-out session as signed out', async () => {
      const user = await createUser('editor');
      const s = await signIn(user);
      expect(await redis.exists(s.key)).toBe(1);
      const out = await gql<{ logout: boolean }>(idleApi.url, 'mutation { logout }', {}, { token: s.token });
      expect(out.data).toEqual({ logout: true });
      expect(await redis.exists(s.key)).toBe(0);
      expect(await me({ token: s.token })).toMatchObject({
        status: 401,
        code: 'UNAUTHENTICATED',
        message: expect.stringMatching(/^Your session has ended \(signed out/),
      });
    });

    it('keeps sessions when Redis loses its keys (the epoch gone with them), once; a loss older than the idle time ends an unused one', async () => {
      const user = await createUser('editor');
      const s = await signIn(user);
      const epochKey = `${prefix}:session:epoch`;
      const before = await redis.get(epochKey);
      expect(before).toMatch(/^\d+:/);
      // What a FLUSHALL or a restart without persistence does to this prefix (the Redis is shared, so only its keys go).
      await redis.del(s.key, epochKey);
      expect(await me({ token: s.token })).toEqual(signedIn(user.email));
      const after = await redis.get(epochKey);
      expect(after).toMatch(/^\d+:/);
      expect(after).not.toBe(before);
      // Its idle time now counts from the loss: the key is back with the full idle time.
      expect(await redis.pttl(s.key)).toBeGreaterThan(50_000);
      expect(idleApi.output()).toContain("Redis lost the sessions' activity keys");

      // A session whose key went in a loss a full idle time ago had that long to be used, and was not: it ends.
      const t = await signIn(user);
      await redis.set(epochKey, `${Date.now() - 61_000}:older`);
      await redis.del(t.key);
      expect(await me({ token: t.token })).toEqual(idle(401));
      // A key that expired under the epoch the token was issued in is idleness, whatever the epoch's age.
      const u = await signIn(user);
      await redis.del(u.key);
      expect(await me({ token: u.token })).toEqual(idle(401));
    });
  });

  it('treats an email typed with a combining accent (NFD) and with the precomposed letter (NFC) as one account', async () => {
    const admin = await createUser('admin');
    const { token } = await (async () => {
      const r = await gql<{ login: { token: string } }>(api.url, LOGIN, { e: admin.email, p: admin.password }, OWN);
      return r.data!.login;
    })();
    const local = `jos${randomBytes(3).toString('hex')}`;
    const nfc = `${local}\u00e9@example.com`;
    const nfd = `${local}e\u0301@example.com`;
    const create = (email: string) =>
      gql<{ createUser: { user: { email: string } } }>(
        api.url,
        'mutation($e: String!) { createUser(input: {email: $e, displayName: "José", role: EDITOR, password: "correct horse battery"}) { user { email } } }',
        { e: email },
        { token },
      );
    const first = await create(nfd);
    expect({ errors: first.errors, email: first.data?.createUser.user.email }).toEqual({ errors: undefined, email: nfc });
    const second = await create(nfc);
    expect({ code: second.errors?.[0]?.extensions?.code, data: second.data }).toEqual({ code: 'CONFLICT', data: null });
    // An IDN domain in punycode and in Unicode, and a full-width letter, are one address too.
    const idn = `${local}@bücher.example`;
    const viaPunycode = await create(`${local}@xn--bcher-kva.example`);
    expect({ errors: viaPunycode.errors, email: viaPunycode.data?.createUser.user.email }).toEqual({ errors: undefined, email: idn });
    expect((await create(idn)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await create(`${local}e\u0301@ｅxample.com`)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const stored = (await withDb((c) => c.query('SELECT email FROM users WHERE email LIKE $1 ORDER BY created_at', [`${local}%`]))).rows.map(
      (r: { email: string }) => r.email,
    );
    expect(stored).toEqual([nfc, idn]);
    for (const typed of [nfc, nfd, nfd.toUpperCase(), `${local}\u00e9@ＥＸＡＭＰＬＥ.com`]) {
      const r = await gql<{ login: { token: string } | null }>(api.url, LOGIN, { e: typed, p: 'correct horse battery' }, OWN);
      expect({ typed, status: r.status, signedIn: Boolean(r.data?.login?.token), errors: r.errors }).toEqual({
        typed,
        status: 200,
        signedIn: true,
        errors: undefined,
      });
    }
  });

  it('shows webhook URLs in the audit log only to admins: other roles read (and search) them cut to the host', async () => {
    const admin = await createUser('admin');
    const analyst = await createUser('analyst');
    const tokenOf = async (u: { email: string; password: string }) =>
      (await gql<{ login: { token: string } }>(api.url, LOGIN, { e: u.email, p: u.password }, OWN)).data!.login.token;
    const [adminToken, analystToken] = [await tokenOf(admin), await tokenOf(analyst)];
    const secret = `S3CRET${randomBytes(6).toString('hex')}`;
    const url = `http://127.0.0.1:9/services/T000/B000/${secret}?token=${secret}`;
    const created = await gql(api.url, 'mutation($u: String!) { createWebhookEndpoint(input: {url: $u}) { secret } }', { u: url }, { token: adminToken });
    expect({ status: created.status, errors: created.errors }).toEqual({ status: 200, errors: undefined });

    const AUDIT = 'query($f: AuditFilter) { auditLog(filter: $f) { totalCount edges { node { action summary before after } } } }';
    type Page = { auditLog: { totalCount: number; edges: { node: { action: string; summary: string; after: unknown } }[] } };
    const read = (token: string, f: Record<string, unknown>) => gql<Page>(api.url, AUDIT, { f }, { token });
    const mine = { actorId: admin.id, entityType: 'webhook_endpoint' };

    const asAdmin = await read(adminToken, mine);
    expect(asAdmin.data!.auditLog.edges.map((e) => e.node.summary)).toEqual([`Added webhook ${url}`]);

    const asAnalyst = await read(analystToken, mine);
    expect({ errors: asAnalyst.errors, nodes: asAnalyst.data?.auditLog.edges.map((e) => e.node) }).toEqual({
      errors: undefined,
      nodes: [{ action: 'webhook.created', summary: 'Added webhook http://127.0.0.1:9/…', before: null, after: { url: 'http://127.0.0.1:9/…', events: [] } }],
    });
    expect(JSON.stringify(asAnalyst.data)).not.toContain(secret);
    // Nor can a search for the secret tell whether it is there.
    const search = async (token: string) => (await read(token, { ...mine, text: secret.slice(0, 10) })).data!.auditLog.totalCount;
    expect({ admin: await search(adminToken), analyst: await search(analystToken) }).toEqual({ admin: 1, analyst: 0 });
  });

  it('counts wrong current passwords in changePassword as failed sign-ins: a session alone does not buy unlimited guesses', async () => {
    const user = await createUser('analyst');
    // Its own network, so this test's failures count against no other test's address (LOGIN_MAX_PER_ADDRESS 3).
    const from = `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::1`;
    const call = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const res = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
      return { status: res.status, code: body.errors?.[0]?.extensions?.code ?? null, data: body.data ?? null };
    };
    const signedIn = await call(LOGIN, { e: user.email, p: user.password });
    const token = (signedIn.data!.login as { token: string }).token;
    const CHANGE = 'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
    const codes: (string | null)[] = [];
    for (let i = 0; i < 5; i++) codes.push((await call(CHANGE, { c: `guess-number-${i}`, n: 'a-new-password-here' }, token)).code);
    expect(codes).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'RATE_LIMITED', 'RATE_LIMITED']);
    // Even the right one waits out the window, as at sign-in, and the password is unchanged.
    expect(await call(CHANGE, { c: user.password, n: 'a-new-password-here' }, token)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const elsewhere = await gql<{ login: { token: string } }>(api.url, LOGIN, { e: user.email, p: user.password }, OWN);
    expect({ status: elsewhere.status, errors: elsewhere.errors }).toEqual({ status: 200, errors: undefined });
  });

  it('rewrites emails stored in another spelling (NFD, punycode) to the one sign-in looks up, unless that one is taken', async () => {
    const local = `mig${randomBytes(3).toString('hex')}`;
    const [nfd, puny, clash] = [`${local}e\u0301@example.com`, `${local}@xn--bcher-kva.example`, `${local}\u00e9@example.com`];
    const a = await createUser('editor', nfd);
    const b = await createUser('editor', puny);
    const runUp = () => withDb((c) => new NfcEmails1797000000001().up({ query: async (sql: string, p?: unknown[]) => (await c.query(sql, p)).rows } as never));
    await runUp();
    const emailOf = async (id: string) => (await withDb((c) => c.query('SELECT email FROM users WHERE id = $1', [id]))).rows[0].email as string;
    expect({ a: await emailOf(a.id), b: await emailOf(b.id) }).toEqual({ a: clash, b: `${local}@bücher.example` });
    for (const u of [a, b]) {
      const r = await gql(api.url, LOGIN, { e: u === a ? nfd : puny, p: u.password }, OWN);
      expect({ email: u.email, status: r.status, errors: r.errors }).toEqual({ email: u.email, status: 200, errors: undefined });
    }
    // A stored spelling whose canonical one another account has is left alone, and the migration can run again.
    const c2 = await createUser('editor', `${local}x${'e\u0301'}@example.com`);
    await createUser('editor', `${local}x\u00e9@example.com`);
    await runUp();
    expect(await emailOf(c2.id)).toBe(`${local}xe\u0301@example.com`);
  });
});
