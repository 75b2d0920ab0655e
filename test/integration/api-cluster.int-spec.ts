import { randomUUID } from 'node:crypto';
import { createApiKey, createUser, freePort, RunningProcess, spawnProcess } from '../support/stack';
import { seedSurface } from '../support/seed-surface';
import { childPids, Connection, serverSocketOwner } from '../support/sockets';
import { pollUntil, waitUntil } from '../support/wait';
import { FaultProxy } from '../support/fault-proxy';

const ME = '{ me { email } }';
const FEED = 'query($s: String!, $u: ID!) { feed(surface: $s, userId: $u) { requestId items { trackingToken } } }';
const TRACK = 'mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted duplicates rejected { code } } }';
const SURFACE = 'cluster-spec';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Issue 10, "every core": `npm run start:api` (and `npm start`) with API_PROCESSES=2 runs a cluster primary and two API
 * processes sharing one port. Which process holds a connection is read from /proc, not asked of the server.
 */
describe('the API on every core (API_PROCESSES=2, node:cluster)', () => {
  let api: RunningProcess;
  let port: number;
  let key: string;
  let user: { email: string; password: string };
  const open: Connection[] = [];

  const workers = () => childPids(api.proc.pid!, 'apps/api/src/main.js');
  const listening = () => api.output().split('Listening on').length - 1;
  /** A new connection, its first request answered, and the pid of the API process holding it. */
  const connect = async (): Promise<{ c: Connection; pid: number }> => {
    const c = new Connection('127.0.0.1', port);
    open.push(c);
    const r = await c.send('GET', '/health/live');
    expect(r.status).toBe(200);
    const pid = serverSocketOwner(port, c.clientPort, workers());
    if (!pid) throw new Error(`No API process holds the connection from client port ${c.clientPort}; API processes ${workers().join(', ')}`);
    return { c, pid };
  };
  /** Connections until every API process holds at least one (the primary hands them out in turn). */
  const onEach = async (): Promise<Map<number, Connection>> => {
    const by = new Map<number, Connection>();
    const seen: number[] = [];
    for (let i = 0; i < 20 && by.size < workers().length; i++) {
      const { c, pid } = await connect();
      seen.push(pid);
      if (!by.has(pid)) by.set(pid, c);
    }
    if (by.size < 2) throw new Error(`20 connections all went to ${[...new Set(seen)].join(', ')}; API processes are ${workers().join(', ')}`);
    return by;
  };

  beforeAll(async () => {
    await seedSurface(SURFACE, 6);
    key = (await createApiKey('cluster client')).key;
    user = await createUser('editor');
    port = await freePort();
    // No JWT_SECRET: the primary must hand both processes the one it generates.
    api = spawnProcess('api', { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, HOST: '127.0.0.1', API_PROCESSES: '2', JWT_SECRET: '' });
    await waitUntil(() => listening() === 2, { what: 'both API processes to listen', timeoutMs: 90000, describe: () => api.output().slice(-3000) });
    expect(workers()).toHaveLength(2);
  }, 120000);

  afterAll(async () => {
    for (const c of open) c.close();
    await api?.stop('SIGTERM', 20000);
  });

  it('serves the port from both processes; a session and a tracking token from one are accepted by the other', async () => {
    expect(api.output()).toMatch(/Starting 2 API processes on 127\.0\.0\.1:\d+/);
    expect(api.output()).toMatch(/JWT_SECRET is not set: the 2 API processes share one generated for this run/);
    const by = await onEach();
    const [[pidA, a], [pidB, b]] = [...by];
    expect(pidA).not.toBe(pidB);

    const login = await a.gql<{ login: { token: string } }>('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', {
      e: user.email,
      p: user.password,
    });
    expect(login.errors).toBeUndefined();
    const auth = { authorization: `Bearer ${login.data!.login.token}` };
    for (const c of [a, b]) {
      const me = await c.gql<{ me: { email: string } | null }>(ME, {}, auth);
      expect({ errors: me.errors, email: me.data?.me?.email }).toEqual({ errors: undefined, email: user.email });
    }

    const feed = await a.gql<{ feed: { requestId: string; items: { trackingToken: string }[] } }>(
      FEED,
      { s: SURFACE, u: `cluster-user-${randomUUID()}` },
      { 'x-api-key': key },
    );
    expect(feed.errors).toBeUndefined();
    const items = feed.data!.feed.items;
    expect(items.length).toBeGreaterThan(0);
    const events = items.map((i) => ({ eventId: randomUUID(), type: 'IMPRESSION', trackingToken: i.trackingToken, occurredAt: new Date().toISOString() }));
    const tracked = await b.gql<{ trackEvents: { accepted: number; duplicates: number; rejected: { code: string }[] } }>(
      TRACK,
      { e: events },
      { 'x-api-key': key },
    );
    expect(tracked.data?.trackEvents).toEqual({ accepted: items.length, duplicates: 0, rejected: [] });
  });

  it('a user disabled through one process loses their session on the other at once, not when its cached row expires', async () => {
    const by = await onEach();
    const [a, b] = [...by.values()];
    const target = await createUser('editor');
    const admin = await createUser('admin');
    const tokenOf = async (u: { email: string; password: string }) =>
      (
        await a.gql<{ login: { token: string } }>('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', {
          e: u.email,
          p: u.password,
        })
      ).data!.login.token;
    const session = { authorization: `Bearer ${await tokenOf(target)}` };
    // Both processes now hold the user's row in their 5-second cache.
    for (const c of [a, b]) expect((await c.gql<{ me: { email: string } }>(ME, {}, session)).data?.me?.email).toBe(target.email);
    const off = await a.gql(
      'mutation($id: ID!) { setUserDisabled(id: $id, disabled: true) { id } }',
      { id: target.id },
      { authorization: `Bearer ${await tokenOf(admin)}` },
    );
    expect(off.errors).toBeUndefined();
    // Well inside the cache's 5 s: only the announcement over Redis can end the session on the other process this soon.
    const refused = await pollUntil(
      () => b.gql<{ me: { email: string } | null }>(ME, {}, session),
      (r) => r.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' || (r.data !== null && r.data.me === null),
      { what: "the other API process to end the disabled user's session", timeoutMs: 3000, intervalMs: 50 },
    );
    expect(refused.data?.me ?? null).toBeNull();
  });

  it('/metrics counts the requests of every process, whichever process answers the scrape', async () => {
    const by = await onEach();
    const count = async (c: Connection) => {
      const text = (await c.send('GET', '/metrics')).body;
      const line = text
        .split('\n')
        .find((l) => l.startsWith('marquee_http_request_duration_seconds_count{') && l.includes('route="/health/live"') && l.includes('status="200"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const conns = [...by.values()];
    const before = await count(conns[0]);
    for (const c of conns) for (let i = 0; i < 10; i++) expect((await c.send('GET', '/health/live')).status).toBe(200);
    // Scraped through each process in turn: each answer must hold the other's requests too.
    const after = await Promise.all(conns.map(count));
    expect(after.map((n) => n - before)).toEqual(conns.map(() => 10 * conns.length));
  });

  it('a SIGKILLed API process is started again with backoff while the other keeps serving', async () => {
    const [victim, survivor] = workers();
    process.kill(victim, 'SIGKILL');
    await waitUntil(() => new RegExp(`API process \\d of 2 \\(pid ${victim}\\) stopped \\(killed by SIGKILL\\)`).test(api.output()), {
      what: 'the primary to report the stop',
      describe: () => api.output().slice(-2000),
    });
    expect(api.output()).toMatch(new RegExp(`\\(pid ${victim}\\) stopped \\(killed by SIGKILL\\) after [\\d.]+ s; restarting it in 1 s \\(1st stop in a row`));
    expect(api.output()).toMatch(/1 other API process\(es\) keep serving port/);
    // Meanwhile every new connection is served, by the survivor.
    for (let i = 0; i < 6; i++) {
      const { pid } = await connect();
      expect([survivor, ...workers().filter((p) => p !== victim && p !== survivor)]).toContain(pid);
    }
    const fresh = await pollUntil(
      () => workers().filter((p) => p !== victim && p !== survivor),
      (p) => p.length === 1,
      { what: 'a new API process', timeoutMs: 30000 },
    );
    await waitUntil(() => listening() === 3, { what: 'the new API process to listen', timeoutMs: 90000, describe: () => api.output().slice(-2000) });
    const reached = await pollUntil(
      async () => (await connect()).pid,
      (pid) => pid === fresh[0],
      { what: `a connection served by the new process ${fresh[0]}`, timeoutMs: 20000 },
    );
    expect(reached).toBe(fresh[0]);
    expect(alive(survivor)).toBe(true);
  }, 150000);

  it('SIGTERM stops every API process gracefully, then the primary', async () => {
    const pids = workers();
    const stopped = await api.stop('SIGTERM', 30000);
    expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: 0, signal: null });
    expect(api.output()).toMatch(/SIGTERM received: stopping 2 API process\(es\)/);
    expect(api.output().split('Stopped cleanly').length - 1).toBeGreaterThanOrEqual(2);
    await waitUntil(() => pids.every((p) => !alive(p)), { what: `API processes ${pids.join(', ')} to be gone`, timeoutMs: 10000 });
  }, 60000);
});

/**
 * A role change, disable or password reset holds for every request sent after its mutation answers, on every API
 * process. The announcement to the other process travels over Redis; here what Redis pushes to each API process's
 * subscriber arrives 150 ms late (a lagging subscriber), which a fast local Redis would hide. Before the mutation waited for every
 * process to acknowledge, the other process still served the old session for that long.
 */
describe('user changes across API processes, with Redis answering late', () => {
  let api: RunningProcess;
  let port: number;
  let redis: FaultProxy;
  const open: Connection[] = [];
  const workers = () => childPids(api.proc.pid!, 'apps/api/src/main.js');
  const listening = () => api.output().split('Listening on').length - 1;

  const onEach = async (): Promise<Map<number, Connection>> => {
    const by = new Map<number, Connection>();
    for (let i = 0; i < 20 && by.size < 2; i++) {
      const c = new Connection('127.0.0.1', port);
      open.push(c);
      expect((await c.send('GET', '/health/live')).status).toBe(200);
      const pid = serverSocketOwner(port, c.clientPort, workers());
      if (pid && !by.has(pid)) by.set(pid, c);
    }
    if (by.size < 2) throw new Error(`20 connections did not reach both API processes ${workers().join(', ')}`);
    return by;
  };

  beforeAll(async () => {
    redis = FaultProxy.forUrl(process.env.REDIS_URL!);
    redis.subscriberDelayMs = 150;
    await redis.start();
    port = await freePort();
    api = spawnProcess('api', {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      HOST: '127.0.0.1',
      API_PROCESSES: '2',
      REDIS_URL: redis.via(process.env.REDIS_URL!),
    });
    await waitUntil(() => listening() === 2, { what: 'both API processes to listen', timeoutMs: 90000, describe: () => api.output().slice(-3000) });
  }, 120000);

  afterAll(async () => {
    for (const c of open) c.close();
    await api?.stop('SIGTERM', 20000);
    await redis?.stop();
  });

  it('no request sent after a disable, a password reset or a demotion returns is served with the old session, on either process', async () => {
    const by = await onEach();
    const [a, b] = [...by.values()];
    const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';
    const bearer = async (u: { email: string; password: string }) => ({
      authorization: `Bearer ${(await a.gql<{ login: { token: string } }>(LOGIN, { e: u.email, p: u.password })).data!.login.token}`,
    });
    const admin = await bearer(await createUser('admin'));
    const CREATE = 'mutation($n: String!) { createRelease(input: { name: $n }) { id } }';
    const trials: { change: string; role: 'editor' | 'admin'; mutate: (id: string) => [string, Record<string, unknown>]; probe: string; refused: string }[] = [
      {
        change: 'disable',
        role: 'editor',
        mutate: (id) => ['mutation($id: ID!) { setUserDisabled(id: $id, disabled: true) { id } }', { id }],
        probe: CREATE,
        refused: 'UNAUTHENTICATED',
      },
      {
        change: 'reset',
        role: 'editor',
        mutate: (id) => ['mutation($id: ID!) { resetUserPassword(id: $id) }', { id }],
        probe: CREATE,
        refused: 'UNAUTHENTICATED',
      },
      {
        change: 'demote',
        role: 'admin',
        mutate: (id) => ['mutation($id: ID!) { updateUser(id: $id, input: { role: ANALYST }) { role } }', { id }],
        probe: '{ users { id } }',
        refused: 'FORBIDDEN',
      },
    ];
    const served: string[] = [];
    for (let round = 0; round < 2; round++) {
      for (const t of trials) {
        const target = await createUser(t.role);
        const session = await bearer(target);
        // Both processes hold the row in their 5-second cache, and the session works on each.
        for (const c of [a, b]) {
          const ok = await c.gql(t.probe, { n: `before-${t.change}-${randomUUID()}` }, session);
          expect(ok.errors).toBeUndefined();
        }
        const [q, v] = t.mutate(target.id);
        const changed = await a.gql(q, v, admin);
        expect(changed.errors).toBeUndefined();
        // At once, in a tight loop on both processes: not one answer may still serve the old session.
        for (let i = 0; i < 15; i++) {
          for (const c of [b, a]) {
            const r = await c.gql(t.probe, { n: `after-${t.change}-${randomUUID()}` }, session);
            if (r.errors?.[0]?.extensions?.code !== t.refused) served.push(`${t.change} round ${round} try ${i}: ${JSON.stringify(r.errors ?? r.data)}`);
          }
        }
      }
    }
    expect(served).toEqual([]);
  }, 180000);
});
