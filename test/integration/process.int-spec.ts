import { IncomingMessage, createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { spawnProcess, startApi, startWorker, withDb, createUser, login } from '../support/stack';
import { Queue } from 'bullmq';
import { waitUntil } from '../support/wait';

describe('process lifecycle', () => {
  it.each([
    [{ PORT: 'abc' }, /^Config error: PORT must be a whole number from 1 to 65535, but it is "abc"\./],
    [{ REDIS_URL: 'http://nope' }, /^Config error: REDIS_URL must be a URL starting with redis:\/\/ or rediss:\/\//],
    [{ LOG_LEVEL: 'loud' }, /^Config error: LOG_LEVEL must be one of "debug", "info", "warn", "error"/],
  ])('exits non-zero with one clear line for a bad config value %o', async (env, line) => {
    const p = spawnProcess('api', env as Record<string, string>);
    const { code } = await p.stop('SIGCONT' as NodeJS.Signals, 15000); // wait for it to exit on its own
    expect(code).toBe(78);
    const lines = p.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  it('API: SIGTERM finishes the request in flight, then exits 0 within 10 s', async () => {
    const api = await startApi();
    const token = await login(api.url, await createUser('editor'));
    // An upload whose body is only half sent when SIGTERM arrives: a request in flight the server must let finish.
    // `Expect: 100-continue` makes the server say when it has read the request head, so the test knows the request is
    // in flight instead of guessing with a pause; the rest of the body follows once the API has logged the signal.
    const req = httpRequest(`${api.url}/api/imports?filename=slow.csv`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}`, expect: '100-continue' },
    });
    const response = new Promise<IncomingMessage>((res, rej) => req.on('response', res).on('error', rej));
    await new Promise<void>((res, rej) => req.once('continue', res).once('error', rej));
    req.write('slug,kind,default_locale,title.en\n');
    const stopped = api.stop('SIGTERM');
    await waitUntil(() => /SIGTERM received/.test(api.output()), { what: 'the API to log that SIGTERM arrived', timeoutMs: 10000 });
    req.end('sigterm-row,music,en,Late Row\n');
    const res = await response;
    res.resume();
    expect(res.statusCode).toBe(202);
    const { code, ms } = await stopped;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10000);
    expect(api.output()).toMatch(/SIGTERM received: no new requests; finishing those in flight/);
    expect(api.output()).toMatch(/Stopped cleanly/);
  });

  it('worker: SIGTERM lets the running job finish, then exits 0 within 10 s', async () => {
    let seen!: () => void;
    const requestSeen = new Promise<void>((r) => (seen = r));
    const server: Server = createServer((_req, res) => {
      seen();
      // The slow answer is what is under test: the check job is still running when SIGTERM arrives. Each request gets
      // its own answer: the worker's start-up sweep may check the same never-checked URL alongside the job.
      setTimeout(() => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(), 2000);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow.jpg`;
    try {
      const worker = await startWorker({ OUTBOUND_ALLOWLIST: '127.0.0.1' }); // the slow media server is on loopback
      const item = await withDb(async (c) => {
        const { rows } = await c.query(
          `WITH i AS (INSERT INTO items (slug, kind, default_locale, title, search_text, latest_version_id, latest_version_number)
             VALUES ('sigterm-asset', 'music', 'en', 'T', 'T', gen_random_uuid(), 1) RETURNING id, latest_version_id)
           INSERT INTO item_versions (id, item_id, number, fields) SELECT latest_version_id, id, 1, $1::jsonb FROM i RETURNING id`,
          [JSON.stringify({ slug: 'sigterm-asset', media: { artworkUrl: url, audioUrl: null, videoUrl: null } })],
        );
        return rows[0].id as string;
      });
      const queue = new Queue('assets', { connection: { host: '127.0.0.1', port: 6379 }, prefix: `${process.env.REDIS_PREFIX}:bull` });
      await queue.add('check-item-assets', { itemId: 'x', versionId: item }, { jobId: `sigterm-${Date.now()}` });
      await queue.close();
      await requestSeen; // the job is now in flight
      const { code, ms } = await worker.stop('SIGTERM');
      expect(code).toBe(0);
      expect(ms).toBeLessThan(10000);
      const check = await withDb((c) => c.query('SELECT status FROM asset_checks WHERE url = $1', [url]));
      expect(check.rows[0].status).toBe('ok'); // the in-flight job completed before the exit
      expect(worker.output()).toMatch(/SIGTERM received: taking no new jobs; finishing the ones running/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
