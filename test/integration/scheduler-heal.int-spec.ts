import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { ApiHandle, Credentials, RunningProcess, createUser, login, startApi, startWorker, withDb } from '../support/stack';
import { Workflow } from '../support/launch-helpers';
import { PrivateRedis } from '../support/private-redis';

/**
 * Issue 8, #4: the reconciler's repeatable job lived only in Redis and was created only at worker start, so after a
 * FLUSHALL a due launch waited for a restart. Real API and worker processes on a private redis-server that this test
 * flushes and restarts; the worker is never restarted.
 */
describe('job schedulers heal after Redis loses its data', () => {
  let media: Server;
  let mediaBase: string;
  let redis: PrivateRedis;
  let api: ApiHandle;
  let wf: Workflow;
  let editor: Credentials;
  const prefix = `${process.env.REDIS_PREFIX}:bull`;

  beforeAll(async () => {
    media = createServer((req, res) => res.writeHead(req.url?.startsWith('/ok/') ? 200 : 404).end());
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    redis = await PrivateRedis.start();
    api = await startApi({ REDIS_URL: redis.url });
    editor = { token: await login(api.url, await createUser('editor')) };
    wf = new Workflow(api, editor, { token: await login(api.url, await createUser('reviewer')) });
  });
  afterAll(async () => {
    await api?.stop();
    await redis?.kill();
    media.closeAllConnections();
    media.close();
  });

  async function scheduledRelease(name: string): Promise<{ id: string; scheduledAt: string }> {
    const s = `${name.toLowerCase().replace(/\W+/g, '-')}-${Date.now() % 100000}`;
    const item = await wf.createItem(s, mediaBase);
    await wf.approveLatest(item);
    const id = await wf.release(name, [item]);
    const { scheduledAt } = await wf.scheduleIn(id, 10);
    // The API queued the launch as a delayed job: it is in Redis now, and about to be lost.
    const keys = await redis.command((c) => c.keys(`${prefix}:launches:launch_${id}_*`));
    expect(keys.length).toBeGreaterThan(0);
    return { id, scheduledAt };
  }

  async function launchCount(releaseId: string): Promise<number> {
    const { rows } = await withDb((c) => c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'release.launched' AND entity_id = $1`, [releaseId]));
    return rows[0].n;
  }

  async function schedulerIds(): Promise<string[]> {
    const ids: string[] = [];
    for (const name of ['assets', 'imports', 'launches', 'webhooks', 'learning', 'training']) {
      const q = new Queue(name, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
      try {
        ids.push(...(await q.getJobSchedulers()).map((s) => s.key));
      } finally {
        await q.close();
      }
    }
    return ids.sort();
  }

  async function waitForOutput(p: RunningProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(p.output())) {
      if (Date.now() > deadline) throw new Error(`The worker never logged ${pattern} within ${timeoutMs} ms. Its output:\n${p.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('a FLUSHALL before the instant: the worker re-creates its schedulers and the release still launches, once', async () => {
    const worker = await startWorker({ REDIS_URL: redis.url, RECONCILE_INTERVAL_MS: '1000', OUTBOUND_ALLOWLIST: '127.0.0.1' });
    try {
      const rel = await scheduledRelease('Flushed live');
      expect(await redis.command((c) => c.flushall())).toBe('OK');
      const r = await wf.waitFor(rel.id, ['launched', 'failed'], 40000);
      await waitForOutput(worker, /reconcile-launches.* were missing from Redis \(periodic check\); re-created them/, 1000);
      expect({ status: r.status, events: r.events.map((e) => e.kind) }).toEqual({ status: 'launched', events: expect.arrayContaining(['reconciled']) });
      expect(await launchCount(rel.id)).toBe(1);
      // Every scheduler is back, not only the reconciler's.
      expect(await schedulerIds()).toEqual([
        'learn',
        'maintain',
        'monitor-canary',
        'reconcile-launches',
        'sweep-assets',
        'sweep-imports',
        'sweep-webhooks',
        'train-all',
      ]);
    } finally {
      await worker.stop();
    }
  }, 90000);

  it('Redis restarted empty: the worker heals on reconnect, long before its next periodic check', async () => {
    // A 60 s interval: only the reconnect can explain a heal within the test's deadline.
    const worker = await startWorker({ REDIS_URL: redis.url, RECONCILE_INTERVAL_MS: '60000', OUTBOUND_ALLOWLIST: '127.0.0.1' });
    try {
      const rel = await scheduledRelease('Failover');
      await redis.kill();
      await redis.boot();
      const r = await wf.waitFor(rel.id, ['launched', 'failed'], 30000);
      expect(r.status).toBe('launched');
      await waitForOutput(worker, /were missing from Redis \(Redis reconnected\); re-created them/, 1000);
      expect(await launchCount(rel.id)).toBe(1);
    } finally {
      await worker.stop();
    }
  }, 90000);
});
