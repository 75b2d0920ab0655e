import { ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import IORedis from 'ioredis';
import 'reflect-metadata';
import { createDataSource, ensureDatabase } from '../../libs/platform-database/src';
import { ALL_ENTITIES } from '../../migrations/entities';
import { ALL_MIGRATIONS } from '../../migrations';
import { freePort } from '../support/stack';

/**
 * Infrastructure the abuse suite owns outright, so it may break it: a PostgreSQL cluster of its own (stopped and
 * started again during the faults; the shared server on 5432 is never touched) and a redis-server of its own (so
 * FLUSHALL is safe). Both live in a temp dir under /tmp marked with the owning process id; a later run removes
 * the leftovers of a run that was killed before it could clean up.
 */
const run = promisify(execFile);
const PG_BIN = process.env.ABUSE_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const TMP_PREFIX = 'marquee-abuse-';

async function asPostgres(cmd: string, args: string[], timeoutMs = 60000): Promise<string> {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, cmd), ...args]] : [join(PG_BIN, cmd), args];
  try {
    const { stdout, stderr } = await run(file, argv, { timeout: timeoutMs });
    return stdout + stderr;
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

/**
 * Everything this process started, stopped synchronously if it exits before the suite's own cleanup ran (a crash,
 * Ctrl+C, a jest timeout): no cluster, Redis or Marquee process outlives the run.
 */
const leftovers = new Map<object, () => void>();
let hooked = false;
export function onExit(owner: object, cleanup: () => void): void {
  leftovers.set(owner, cleanup);
  if (hooked) return;
  hooked = true;
  const runAll = () => {
    for (const fn of leftovers.values()) {
      try {
        fn();
      } catch {
        // best effort while exiting
      }
    }
    leftovers.clear();
  };
  process.once('exit', runAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      runAll();
      process.exit(130);
    });
  }
}
export function cleaned(owner: object): void {
  leftovers.delete(owner);
}

function pgCtlSync(args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, 'pg_ctl'), ...args]] : [join(PG_BIN, 'pg_ctl'), args];
  execFileSync(file, argv, { stdio: 'ignore', timeout: 30000 });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops and removes the clusters and Redis servers of earlier runs whose owner process is gone. */
export async function sweepLeftovers(): Promise<string[]> {
  const swept: string[] = [];
  for (const name of readdirSync('/tmp')) {
    if (!name.startsWith(TMP_PREFIX)) continue;
    const dir = join('/tmp', name);
    const ownerFile = join(dir, 'owner.pid');
    if (!existsSync(ownerFile)) {
      // A dir being created right now has no owner file for a moment; leave young ones alone.
      if (Date.now() - statSync(dir).mtimeMs < 600_000) continue;
    } else if (alive(Number(readFileSync(ownerFile, 'utf8')))) continue;
    if (existsSync(join(dir, 'data', 'postmaster.pid')))
      await asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', 'stop']).catch(() => undefined);
    const redisPid = join(dir, 'redis.pid');
    if (existsSync(redisPid)) {
      const pid = Number(readFileSync(redisPid, 'utf8'));
      if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
    swept.push(dir);
  }
  return swept;
}

function ownedTempDir(kind: string): string {
  const dir = mkdtempSync(join('/tmp', `${TMP_PREFIX}${kind}-`));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  return dir;
}

export class DedicatedPostgres {
  readonly dir: string;
  port = 0;
  private running = false;

  private constructor() {
    this.dir = ownedTempDir('pg');
    onExit(this, () => {
      if (existsSync(join(this.dir, 'data', 'postmaster.pid'))) pgCtlSync(['-D', join(this.dir, 'data'), '-m', 'immediate', 'stop']);
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  /** initdb + start on a free port, as the `postgres` user when we are root (PostgreSQL refuses to run as root). */
  static async start(): Promise<DedicatedPostgres> {
    const pg = new DedicatedPostgres();
    try {
      // Search-only passage for the postgres user into our private temp dir; the data dir is its own.
      chmodSync(pg.dir, 0o711);
      const data = join(pg.dir, 'data');
      const sock = join(pg.dir, 'sock');
      mkdirSync(data, { mode: 0o700 });
      mkdirSync(sock, { mode: 0o700 });
      if (process.getuid?.() === 0) {
        const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
        const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
        chownSync(data, uid, gid);
        chownSync(sock, uid, gid);
        writeFileSync(join(pg.dir, 'pg.log'), '');
        chownSync(join(pg.dir, 'pg.log'), uid, gid);
      }
      await asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], 120000);
      pg.port = await freePort();
      await pg.resume();
      return pg;
    } catch (e) {
      await pg.destroy();
      throw e;
    }
  }

  get serverUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  urlOf(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the cluster (again) on the same port and waits until it accepts connections. */
  async resume(): Promise<void> {
    const opts = `-p ${this.port} -k ${join(this.dir, 'sock')} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    await asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-o', opts, '-l', join(this.dir, 'pg.log'), '-w', '-t', '60', 'start'], 90000);
    this.running = true;
  }

  /** A fast shutdown: every client connection is cut at once, as in a real outage. */
  async halt(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', '-t', '60', 'stop'], 90000);
    this.running = false;
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'pg.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async destroy(): Promise<void> {
    if (existsSync(join(this.dir, 'data', 'postmaster.pid'))) await this.halt('immediate').catch(() => undefined);
    this.running = false;
    rmSync(this.dir, { recursive: true, force: true });
    cleaned(this);
  }

  get isRunning(): boolean {
    return this.running;
  }
}

export class DedicatedRedis {
  readonly dir: string;
  port = 0;
  private proc: ChildProcess | null = null;
  private out = '';

  private constructor() {
    this.dir = ownedTempDir('redis');
    onExit(this, () => {
      if (this.proc?.pid && this.proc.exitCode === null) process.kill(this.proc.pid, 'SIGKILL');
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  static async start(): Promise<DedicatedRedis> {
    const r = new DedicatedRedis();
    try {
      r.port = await freePort();
      r.proc = spawn(
        'redis-server',
        ['--port', String(r.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', r.dir, '--protected-mode', 'yes'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      r.proc.stdout?.on('data', (d) => (r.out = (r.out + String(d)).slice(-20000)));
      r.proc.stderr?.on('data', (d) => (r.out = (r.out + String(d)).slice(-20000)));
      writeFileSync(join(r.dir, 'redis.pid'), String(r.proc.pid));
      const deadline = Date.now() + 20000;
      for (;;) {
        if (r.proc.exitCode !== null) throw new Error(`redis-server exited at start:\n${r.out}`);
        try {
          await r.command((c) => c.ping());
          return r;
        } catch {
          if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${r.port} within 20 s:\n${r.out}`);
          await new Promise((res) => setTimeout(res, 100));
        }
      }
    } catch (e) {
      await r.destroy();
      throw e;
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async command<T>(fn: (c: IORedis) => Promise<T>): Promise<T> {
    const c = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return await fn(c);
    } finally {
      c.disconnect();
    }
  }

  /** Safe only because this server is ours alone. */
  async flushAll(): Promise<void> {
    await this.command((c) => c.flushall());
  }

  async destroy(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null && p.signalCode === null) {
      await new Promise<void>((res) => {
        p.once('exit', () => res());
        p.kill('SIGKILL');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
    cleaned(this);
  }
}

/** A database on the dedicated cluster built by the project's migrations, as test/support/global-setup.ts does. */
export async function migratedDatabase(pg: DedicatedPostgres, name = 'marquee_abuse'): Promise<string> {
  const url = pg.urlOf(name);
  await ensureDatabase(url);
  const ds = createDataSource({ url, entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS, applicationName: 'marquee-abuse-setup' });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
  return url;
}

export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}
