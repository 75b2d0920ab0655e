import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';
import * as argon2 from 'argon2';
import { createHash } from 'node:crypto';

/**
 * Real processes for end-to-end tests: the compiled API and worker (run `npm run build` first; `npm test` does),
 * against this run's fresh database and the real Redis.
 */
export const ROOT = resolve(__dirname, '../..');

export function dbUrl(): string {
  const url = process.env.MARQUEE_TEST_DATABASE_URL;
  if (!url) throw new Error('MARQUEE_TEST_DATABASE_URL is not set: run these tests through jest, whose globalSetup creates the database.');
  return url;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

export interface RunningProcess {
  proc: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/**
 * The feed's budget in tests: 2 s, not the production 50 ms. A test that checks what the engine ranked must not fall
 * back because the machine is busy (CI saw feeds fall back at load 18); the tests of the budget itself (outages,
 * shedding) set FEED_BUDGET_MS to the production value explicitly. FEED_REDIS_WAIT_MS likewise: a sticky slate or a
 * shared rate-limit count must not be skipped because Redis answered in 11 ms.
 */
export const TEST_FEED_BUDGET_MS = '2000';

/** `detached`: the process leads a process group of its own, as a command typed in a terminal does. */
export function spawnProcess(
  app: 'api' | 'worker' | 'cli',
  env: Record<string, string>,
  args: string[] = [],
  opts: { detached?: boolean } = {},
): RunningProcess {
  const file = resolve(ROOT, `dist/apps/${app}/src/main.js`);
  const proc = spawn(process.execPath, ['--enable-source-maps', file, ...args], {
    cwd: ROOT,
    detached: opts.detached ?? false,
    // One API process unless a test asks for more (API_PROCESSES defaults to one per core): its output and pid are the API's.
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_FORMAT: 'pretty',
      LOG_LEVEL: 'info',
      DATABASE_URL: dbUrl(),
      REDIS_PREFIX: process.env.MARQUEE_TEST_REDIS_PREFIX ?? 'mqtest',
      API_PROCESSES: '1',
      FEED_BUDGET_MS: TEST_FEED_BUDGET_MS,
      FEED_REDIS_WAIT_MS: '500',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d) => (out += String(d)));
  proc.stderr?.on('data', (d) => (out += String(d)));
  return {
    proc,
    output: () => out,
    stop: (signal = 'SIGTERM', timeoutMs = 15000) =>
      new Promise((res) => {
        const started = Date.now();
        if (proc.exitCode !== null || proc.signalCode !== null) return res({ code: proc.exitCode, signal: proc.signalCode, ms: 0 });
        const t = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
        proc.once('exit', (code, sig) => {
          clearTimeout(t);
          res({ code, signal: sig, ms: Date.now() - started });
        });
        proc.kill(signal);
      }),
  };
}

export interface ApiHandle extends RunningProcess {
  url: string;
  port: number;
}

export async function startApi(env: Record<string, string> = {}): Promise<ApiHandle> {
  const port = await freePort();
  const p = spawnProcess('api', { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...env });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (p.proc.exitCode !== null) throw new Error(`The API exited during start-up:\n${p.output()}`);
    try {
      const r = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return { ...p, url, port };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await p.stop('SIGKILL');
  throw new Error(`The API did not become ready within 60 s:\n${p.output()}`);
}

export async function startWorker(env: Record<string, string> = {}): Promise<RunningProcess> {
  const p = spawnProcess('worker', env);
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (p.proc.exitCode !== null) throw new Error(`The worker exited during start-up:\n${p.output()}`);
    if (p.output().includes('Processing queues')) return p;
    await new Promise((r) => setTimeout(r, 200));
  }
  await p.stop('SIGKILL');
  throw new Error(`The worker did not start within 60 s:\n${p.output()}`);
}

export async function withDb<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: dbUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: string;
}

/** Inserts a Studio user directly, so tests do not depend on the admin API they may be testing. */
export async function createUser(role: 'admin' | 'editor' | 'reviewer' | 'analyst', email?: string): Promise<TestUser> {
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const mail = email ?? `${role}-${randomBytes(4).toString('hex')}@test.local`;
  const hash = await argon2.hash(password, { type: argon2.argon2id });
  const { rows } = await withDb((c) =>
    c.query(`INSERT INTO users (email, display_name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`, [mail, `Test ${role}`, role, hash]),
  );
  return { id: rows[0].id, email: mail, password, role };
}

export async function createApiKey(name = 'test client'): Promise<{ id: string; key: string }> {
  const key = `mq_${randomBytes(20).toString('hex')}`;
  const hash = createHash('sha256').update(key).digest('hex');
  const { rows } = await withDb((c) =>
    c.query(`INSERT INTO api_keys (name, prefix, key_hash) VALUES ($1, $2, $3) RETURNING id`, [name, key.slice(0, 10), hash]),
  );
  return { id: rows[0].id, key };
}

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> & { code?: string } }[];
  headers: Headers;
}

/** `from`: an x-forwarded-for address (believed only by an API started with TRUSTED_PROXIES 127.0.0.1). */
export type Credentials = { token?: string; apiKey?: string; cookie?: string; from?: string } | undefined;

export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  creds?: Credentials,
): Promise<GqlResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (creds?.token) headers.authorization = `Bearer ${creds.token}`;
  if (creds?.apiKey) headers['x-api-key'] = creds.apiKey;
  if (creds?.cookie) headers.cookie = creds.cookie;
  if (creds?.from) headers['x-forwarded-for'] = creds.from;
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  let body: { data?: T; errors?: GqlResult['errors'] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`Non-JSON answer (${res.status}): ${text.slice(0, 300)}`);
  }
  return { status: res.status, data: body.data ?? null, errors: body.errors, headers: res.headers };
}

export async function login(url: string, user: { email: string; password: string }): Promise<string> {
  const r = await gql<{ login: { token: string } }>(url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', {
    e: user.email,
    p: user.password,
  });
  if (!r.data) throw new Error(`login failed: ${JSON.stringify(r.errors)}`);
  return r.data.login.token;
}
