import { ChildProcess, spawn } from 'node:child_process';
import IORedis from 'ioredis';
import { freePort } from './stack';

/**
 * A redis-server of the test's own, on a free port without persistence, for tests that flush or restart Redis.
 * The shared Redis on 6379 is never flushed.
 */
export class PrivateRedis {
  private proc: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.boot();
    return r;
  }

  /** Starts (again) on the same port, empty: as a failover to a replica that lost the data would look. */
  async boot(): Promise<void> {
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const deadline = Date.now() + 10000;
    for (;;) {
      const c = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => undefined);
      const ok = await c
        .connect()
        .then(() => c.ping())
        .catch(() => null);
      c.disconnect();
      if (ok === 'PONG') return;
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${this.port} within 10 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async kill(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((r) => {
      p.once('exit', () => r());
      p.kill('SIGKILL');
    });
  }

  async command<T>(fn: (c: IORedis) => Promise<T>): Promise<T> {
    const c = new IORedis(this.url);
    try {
      return await fn(c);
    } finally {
      c.disconnect();
    }
  }
}
