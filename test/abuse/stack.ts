import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Credentials, ROOT, freePort, gql } from '../support/stack';
import { DedicatedPostgres, DedicatedRedis, cleaned, migratedDatabase, onExit, sweepLeftovers, withClient } from './infra';
import { Client } from 'pg';

const run = promisify(execFile);

/** One compiled process of ours (API or worker), killable and restartable on the same port. */
export class AppProcess {
  proc: ChildProcess | null = null;
  private out = '';
  starts = 0;

  constructor(
    readonly app: 'api' | 'worker',
    private readonly env: () => Record<string, string>,
  ) {}

  spawn(): void {
    const file = resolve(ROOT, `dist/apps/${this.app}/src/main.js`);
    const p = spawn(process.execPath, ['--enable-source-maps', file], { cwd: ROOT, env: { ...process.env, ...this.env() }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: unknown) => {
      this.out += String(d);
      if (this.out.length > 400_000) this.out = this.out.slice(-200_000);
    };
    p.stdout?.on('data', keep);
    p.stderr?.on('data', keep);
    this.proc = p;
    onExit(this, () => p.exitCode === null && p.signalCode === null && p.kill('SIGKILL'));
    p.once('exit', () => this.proc === p && cleaned(this));
    this.starts++;
    this.out += `\n----- ${this.app} start #${this.starts} (pid ${p.pid}) -----\n`;
  }

  get alive(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  output(): string {
    return this.out;
  }

  /** Signals the process and waits for it to exit (SIGKILL after the timeout). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15000): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((res) => {
      const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
      p.once('exit', () => {
        clearTimeout(t);
        res();
      });
      p.kill(signal);
    });
  }
}

export interface StackOptions {
  /** Extra environment for both processes (limits, intervals). */
  env?: Record<string, string>;
  worker?: boolean;
}

export interface Seeded {
  adminEmail: string;
  adminPassword: string;
  apiKey: string;
  items: number;
}

/**
 * The system under attack: its own PostgreSQL cluster and Redis (infra.ts), a migrated database with the demo
 * workspace, and the compiled API and worker from dist/ (run `npm run build:server` first).
 */
export class AbuseStack {
  api!: AppProcess;
  worker!: AppProcess;
  apiPort = 0;
  dbUrl = '';
  seeded!: Seeded;
  readonly prefix = `abuse${randomBytes(3).toString('hex')}`;
  private extraEnv: Record<string, string> = {};

  private constructor(
    readonly pg: DedicatedPostgres,
    readonly redis: DedicatedRedis,
  ) {}

  static async up(opts: StackOptions = {}): Promise<AbuseStack> {
    await sweepLeftovers();
    const [pg, redis] = await Promise.all([DedicatedPostgres.start(), DedicatedRedis.start()]);
    const s = new AbuseStack(pg, redis);
    try {
      s.extraEnv = opts.env ?? {};
      s.dbUrl = await migratedDatabase(pg);
      s.apiPort = await freePort();
      s.seeded = await s.seed();
      s.api = new AppProcess('api', () => s.processEnv({ PORT: String(s.apiPort) }));
      s.worker = new AppProcess('worker', () => s.processEnv({}));
      await s.startApi();
      if (opts.worker !== false) await s.startWorker();
      return s;
    } catch (e) {
      await s.down();
      throw e;
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  /** Environment for the processes started from now on (restart them to apply it). */
  setEnv(extra: Record<string, string>): void {
    this.extraEnv = { ...this.extraEnv, ...extra };
  }

  processEnv(extra: Record<string, string>): Record<string, string> {
    return {
      NODE_ENV: 'test',
      LOG_FORMAT: 'pretty',
      LOG_LEVEL: 'info',
      DATABASE_URL: this.dbUrl,
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: this.prefix,
      JWT_SECRET: process.env.JWT_SECRET ?? 'abuse-secret-abuse-secret-abuse-secret-0123',
      PUBLIC_URL: `http://127.0.0.1:${this.apiPort}`,
      MARQUEE_SEED_DEMO: 'false',
      // One API process, so a SIGKILL of the API is a whole outage of it (with more, the cluster primary restarts the one
      // killed while the others keep serving) and its output is one process's.
      API_PROCESSES: '1',
      ...this.extraEnv,
      ...extra,
    };
  }

  private async seed(): Promise<Seeded> {
    const password = `abuse-${randomBytes(9).toString('hex')}`;
    const env = {
      ...process.env,
      ...this.processEnv({ PORT: String(this.apiPort), MARQUEE_ADMIN_EMAIL: 'admin@abuse.local', MARQUEE_ADMIN_PASSWORD: password, LOG_LEVEL: 'warn' }),
    };
    const { stdout } = await run(process.execPath, [resolve(__dirname, 'seed-demo.js')], {
      env,
      cwd: ROOT,
      timeout: 180000,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((e) => {
      throw new Error(`Seeding the demo workspace failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    });
    const line = stdout.split('\n').find((l) => l.startsWith('DEMO '));
    if (!line) throw new Error(`The seed printed no credentials:\n${stdout}`);
    const demo = JSON.parse(line.slice(5));
    return { adminEmail: demo.adminEmail, adminPassword: password, apiKey: demo.apiKey, items: demo.items };
  }

  /** Spawns the API (again, on the same port) and waits for /health/ready. */
  async startApi(timeoutMs = 60000): Promise<number> {
    const started = Date.now();
    this.api.spawn();
    const deadline = started + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.api.alive) throw new Error(`The API exited during start-up:\n${this.api.output().slice(-5000)}`);
      try {
        const r = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(1000) });
        if (r.ok) return Date.now() - started;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`The API did not become ready within ${timeoutMs} ms:\n${this.api.output().slice(-5000)}`);
  }

  /** Spawns a worker and waits until it says it processes queues. */
  async startWorker(timeoutMs = 60000): Promise<number> {
    const started = Date.now();
    const before = this.worker.output().length;
    this.worker.spawn();
    const deadline = started + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.worker.alive) throw new Error(`The worker exited during start-up:\n${this.worker.output().slice(-5000)}`);
      if (this.worker.output().slice(before).includes('Processing queues')) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`The worker did not start within ${timeoutMs} ms:\n${this.worker.output().slice(-5000)}`);
  }

  async db<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    return withClient(this.dbUrl, fn);
  }

  async adminToken(): Promise<string> {
    const r = await gql<{ login: { token: string } }>(this.url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', {
      e: this.seeded.adminEmail,
      p: this.seeded.adminPassword,
    });
    if (!r.data) throw new Error(`The admin could not sign in: ${JSON.stringify(r.errors)}`);
    return r.data.login.token;
  }

  /** A user of the given role, created through the API as the admin would (returns credentials for requests). */
  async user(
    adminCreds: Credentials,
    role: 'admin' | 'editor' | 'reviewer' | 'analyst',
  ): Promise<{ id: string; email: string; password: string; creds: Credentials }> {
    const email = `${role}-${randomBytes(4).toString('hex')}@abuse.local`;
    const password = `pw-${randomBytes(10).toString('hex')}`;
    const r = await gql<{ createUser: { user: { id: string } } }>(
      this.url,
      'mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }',
      { i: { email, displayName: `Abuse ${role}`, role: role.toUpperCase(), password } },
      adminCreds,
    );
    if (!r.data) throw new Error(`createUser(${role}) failed: ${JSON.stringify(r.errors)}`);
    const t = await gql<{ login: { token: string } }>(this.url, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', {
      e: email,
      p: password,
    });
    if (!t.data) throw new Error(`login(${role}) failed: ${JSON.stringify(t.errors)}`);
    return { id: r.data.createUser.user.id, email, password, creds: { token: t.data.login.token } };
  }

  async down(): Promise<void> {
    await Promise.all([this.api?.stop('SIGKILL'), this.worker?.stop('SIGKILL')]);
    await Promise.all([this.pg.destroy().catch(() => undefined), this.redis.destroy().catch(() => undefined)]);
  }
}
