import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { ROOT, sleep } from './common';
import { cpuMs } from './proc';

/**
 * The real stack for the HTTP benchmarks: a fresh database on the local PostgreSQL (migrated by the CLI), the
 * compiled API as a child process, and a Redis key prefix of its own. Everything is removed at the end.
 */
export interface BenchEnv {
  stamp: string;
  serverUrl: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  jwtSecret: string;
}

export function benchEnv(): BenchEnv {
  const stamp = `${Date.now()}_${randomBytes(2).toString('hex')}`;
  const serverUrl = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const u = new URL(serverUrl);
  u.pathname = `/marquee_bench_${stamp}`;
  return {
    stamp,
    serverUrl,
    databaseUrl: u.toString(),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: `bench${stamp.replace(/_/g, '')}`,
    jwtSecret: randomBytes(32).toString('hex'),
  };
}

function dbName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  c.on('error', () => undefined); // the query in flight rejects with the same error, which the caller sees
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates the database and applies every migration with the real CLI (`marquee migrate`). */
export async function createDatabase(env: BenchEnv): Promise<void> {
  await withClient(env.serverUrl, (c) => c.query(`CREATE DATABASE "${dbName(env.databaseUrl)}"`));
  const out = await runNode(join(ROOT, 'dist/apps/cli/src/main.js'), ['migrate'], { DATABASE_URL: env.databaseUrl, LOG_LEVEL: 'warn' }, 120_000);
  if (out.code !== 0) throw new Error(`migrate failed (${out.code}):\n${out.output}`);
}

export async function dropDatabase(env: BenchEnv): Promise<void> {
  await withClient(env.serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${dbName(env.databaseUrl)}" WITH (FORCE)`));
}

/** Deletes every key under this run's prefix (BullMQ queues, sticky slates, rate limits). */
export async function cleanRedis(env: BenchEnv): Promise<number> {
  const redis = new IORedis(env.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.redisPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) removed += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}

function runNode(file: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [file, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d) => (output += String(d)));
    p.stderr.on('data', (d) => (output += String(d)));
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, output });
    });
  });
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

export interface ApiProcess {
  url: string;
  databaseUrl: string;
  pid: number;
  proc: ChildProcess;
  /** The last 64 KB of its output. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartApiOptions {
  /**
   * Run the API in a session of its own (setsid), so Linux's autogroup scheduler treats it as a service apart from the
   * load generator, as on a production machine. feed-scaleout.ts uses it for both sides of its comparison.
   */
  ownSession?: boolean;
}

/**
 * Starts the compiled API the way production runs it (NODE_ENV=production, JSON logs) against the bench database.
 * `nodeArgs` lets a run add e.g. --cpu-prof.
 */
export async function startApi(
  env: BenchEnv,
  extraEnv: Record<string, string> = {},
  nodeArgs: string[] = [],
  options: StartApiOptions = {},
): Promise<ApiProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(
    process.execPath,
    [...nodeArgs, ...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean), join(ROOT, 'dist/apps/api/src/main.js')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: url,
        DATABASE_URL: env.databaseUrl,
        REDIS_URL: env.redisUrl,
        REDIS_PREFIX: env.redisPrefix,
        JWT_SECRET: env.jwtSecret,
        MARQUEE_SEED_DEMO: 'false',
        // One API process (its pid is the API's CPU); feed-scaleout.ts asks for one per core with extraEnv.
        API_PROCESSES: '1',
        // One load generator on one address and one key is the whole benchmark: the limits are checked on every call
        // (their cost is part of what is measured) but set far above what one process can serve, so none refuses.
        RATE_LIMIT_FEED_PER_KEY: '1000000',
        RATE_LIMIT_FEED_PER_ADDRESS: '1000000',
        RATE_LIMIT_EVENTS_PER_KEY: '10000000',
        RATE_LIMIT_EVENTS_PER_ADDRESS: '10000000',
        // /metrics is off in production without a token; the benchmark reads fallbacks, event-loop delay and cache hits there.
        METRICS_TOKEN: BENCH_METRICS_TOKEN,
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.ownSession === true,
    },
  );
  let out = '';
  const keep = (d: Buffer) => {
    out += String(d);
    if (out.length > 65536) out = out.slice(-65536);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let stopping = false;
  proc.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`\n[bench] The API (pid ${proc.pid}) exited unexpectedly (code ${code}, signal ${signal}). Its last output:\n${out.slice(-6000)}\n`);
  });
  const handle: ApiProcess = {
    url,
    databaseUrl: env.databaseUrl,
    pid: proc.pid!,
    proc,
    output: () => out,
    stop: () =>
      new Promise<void>((res) => {
        stopping = true;
        if (proc.exitCode !== null || proc.signalCode !== null) return res();
        const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        proc.once('exit', () => {
          clearTimeout(t);
          res();
        });
        proc.kill('SIGTERM');
      }),
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`The API exited during start-up:\n${out}`);
    try {
      const r = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return handle;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  await handle.stop();
  throw new Error(`The API did not become ready within 60 s:\n${out}`);
}

export async function gql<T>(url: string, apiKey: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data || body.errors?.length) throw new Error(`GraphQL ${res.status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  return body.data;
}

const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789';

/** The API's /metrics text (throws when it does not answer 200: a figure read from an error page would be a silent 0). */
export async function metricsText(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${text.slice(0, 200)}`);
  return text;
}

/** Reads one Prometheus counter or histogram-count series from /metrics, summed over label sets that match. */
export async function metric(url: string, name: string, labels: Record<string, string> = {}, text?: string): Promise<number> {
  text ??= await metricsText(url);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([0-9.eE+-]+|NaN)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const set = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/**
 * CPU time (ms) used so far by the PostgreSQL backends serving this database (the API's pool and any bench
 * connections), read from /proc: PostgreSQL runs on this machine. Null when /proc or the server is not local.
 * Backends that exit between two readings are missed, so compare readings over a run, not across restarts.
 */
export async function dbBackendsCpu(databaseUrl: string): Promise<Map<number, number> | null> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const { rows } = await withClient(databaseUrl, (c) =>
    c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]),
  );
  const out = new Map<number, number>();
  for (const r of rows) {
    const ms = cpuMs(r.pid);
    if (ms === null) return null;
    out.set(r.pid, ms);
  }
  return out;
}

export function cpuDelta(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}
