import { spawn, ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import IORedis, { RedisOptions } from 'ioredis';

/** The connection BullMQ queues and workers use: the same server, with the options BullMQ requires. */
export function bullConnection(url: string): import('bullmq').ConnectionOptions {
  const o = redisOptions(url, true);
  return { host: o.host, port: o.port, username: o.username, password: o.password, db: o.db, tls: o.tls, maxRetriesPerRequest: null };
}

/** BullMQ needs `maxRetriesPerRequest: null` on worker connections; everything else uses the same options. */
export function redisOptions(url: string, forWorker = false): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: forWorker ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
  };
}

async function pingRedis(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new IORedis({ ...redisOptions(url), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function onPath(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface LocalRedis {
  process: ChildProcess | null;
  /** Asks redis-server to shut down (it flushes its append-only file first) and resolves once it has exited. */
  stop(timeoutMs?: number): Promise<void>;
}

/** SIGTERM, then wait for the exit; SIGKILL if it is still there after `timeoutMs`, so a stop never hangs. */
function stopChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Uses the Redis at `url` if it answers; otherwise starts `redis-server` with data under `<dataDir>/redis`.
 * With neither, it throws an error that says what to install.
 */
export async function ensureRedis(url: string, dataDir: string, log: (line: string) => void): Promise<LocalRedis> {
  if (await pingRedis(url)) return { process: null, stop: async () => undefined };
  const u = new URL(url);
  const local = ['127.0.0.1', 'localhost', '::1'].includes(u.hostname);
  if (!local) {
    throw new Error(`Nothing answers at REDIS_URL (${u.hostname}:${u.port || 6379}). Start that Redis, or unset REDIS_URL to use a local one.`);
  }
  if (!onPath('redis-server')) {
    throw new Error(
      `Nothing answers at ${url} and redis-server is not installed. Install Redis 6.2 or later ` +
        `(Debian/Ubuntu: "sudo apt-get install redis-server"; macOS: "brew install redis"), or set REDIS_URL to a running Redis.`,
    );
  }
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = u.port || '6379';
  log(`No Redis at ${url}; starting redis-server on port ${port} with data in ${dir}.`);
  // In a process group of its own, like the embedded PostgreSQL: a Ctrl+C in the terminal signals the whole foreground
  // group, and Redis would shut down while the API and the worker still finish their requests and jobs on it. The
  // caller stops it (LocalRedis.stop) after them.
  const child = spawn('redis-server', ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '60 1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  for (let i = 0; i < 50; i++) {
    if (await pingRedis(url, 500)) return { process: child, stop: (timeoutMs = 10000) => stopChild(child, timeoutMs) };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}: ${stderr.trim() || 'no output'}. Free the port or set REDIS_URL to a running Redis.`);
}
