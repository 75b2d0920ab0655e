import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { ApiHandle, Credentials, RunningProcess, createApiKey, createUser, gql, login, startApi, startWorker, withDb } from '../support/stack';
import { must } from '../support/launch-helpers';
import { seedSurface } from '../support/seed-surface';
import { pollUntil } from '../support/wait';

/**
 * The scheduled retraining (TrainAll) on a surface whose last run's job was lost. It used to leave out every surface
 * with a "training" row, so a run whose job a dead worker or a flushed Redis took with it blocked that surface's
 * retraining until someone ran trainModel by hand. Real API and worker processes on the real PostgreSQL and Redis; the
 * TrainAll job is put on the real training queue, as its scheduler does at its cron time.
 */
describe('TrainAll on a surface whose training run was lost', () => {
  const SURFACE = `tl-${Date.now() % 100000}`;
  let api: ApiHandle;
  let worker: RunningProcess | undefined;
  let admin: Credentials;
  let client: Credentials;
  let training: Queue;

  beforeAll(async () => {
    // Seeded before the API starts, so its engine serves the surface from the first request.
    await seedSurface(SURFACE, 6);
    client = { apiKey: (await createApiKey('train-all client')).key };
    api = await startApi();
    admin = { token: await login(api.url, await createUser('admin')) };
    training = new Queue('training', { connection: { host: '127.0.0.1', port: 6379 }, prefix: `${process.env.REDIS_PREFIX}:bull` });
  }, 120000);
  afterAll(async () => {
    await training?.close();
    await Promise.all([api?.stop(), worker?.stop()]);
  });

  const rowsOf = async () =>
    (await withDb((c) => c.query(`SELECT id, status, status_reason AS "reason" FROM model_versions WHERE surface_key = $1 ORDER BY created_at`, [SURFACE])))
      .rows as { id: string; status: string; reason: string | null }[];

  it('marks the lost run failed, says so in the log, and queues a new run on that surface in the same pass', async () => {
    await must(gql(api.url, 'query($s: String!, $u: ID!) { feed(surface: $s, userId: $u) { requestId } }', { s: SURFACE, u: `user-${randomUUID()}` }, client));
    await pollUntil(
      () => withDb((c) => c.query(`SELECT count(*)::int AS n FROM feed_requests WHERE surface = $1 AND NOT fallback`, [SURFACE])).then((r) => r.rows[0].n),
      (k) => k > 0,
      { what: `a logged feed on ${SURFACE}` },
    );
    // A run queued while no worker runs, whose job is then lost (a worker that died with it, a Redis that dropped it)
    // and which is older than the minute in which a run's job may not be added yet.
    const queued = (await must(gql<{ trainModel: { id: string } }>(api.url, 'mutation($s: String!) { trainModel(surface: $s) { id } }', { s: SURFACE }, admin)))
      .trainModel;
    expect(await training.getJob(`train_${queued.id}`)).toBeTruthy();
    await training.remove(`train_${queued.id}`);
    await withDb((c) => c.query(`UPDATE model_versions SET created_at = created_at - interval '5 minutes' WHERE id = $1`, [queued.id]));
    expect(await rowsOf()).toEqual([{ id: queued.id, status: 'training', reason: null }]);

    worker = await startWorker();
    const jobId = `train-all-test-${randomUUID()}`;
    await training.add('train-all', {}, { jobId });
    const job = await pollUntil(
      async () => {
        const j = await training.getJob(jobId);
        return { state: j ? await j.getState() : 'missing', returnvalue: j?.returnvalue as unknown, failedReason: j?.failedReason };
      },
      (j) => j.state === 'completed' || j.state === 'failed',
      { what: `the TrainAll job ${jobId} to finish`, timeoutMs: 60000 },
    );
    const rows = await rowsOf();
    const explain = `TrainAll ended ${JSON.stringify(job)}; rows on ${SURFACE}: ${JSON.stringify(rows)}\nWorker output (tail):\n${worker.output().slice(-3000)}`;
    if (job.state !== 'completed' || rows.length !== 2 || rows[0].status !== 'failed') throw new Error(explain);

    // At least this surface (other spec files of the same run may leave surfaces with logs of their own).
    expect((job.returnvalue as { queued: number }).queued).toBeGreaterThanOrEqual(1);
    expect(rows).toEqual([
      { id: queued.id, status: 'failed', reason: expect.stringMatching(/^The training job was lost .* before it finished\.$/) },
      // The new run: already carried out by the worker, or about to be (see below).
      { id: expect.any(String), status: expect.any(String), reason: rows[1].reason },
    ]);
    expect(rows[1].id).not.toBe(queued.id);
    const audit = await withDb((c) => c.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND action = 'model.failed'`, [queued.id]));
    expect(audit.rows[0].n).toBe(1);
    // The log says what happened and what to do next.
    expect(worker.output()).toMatch(
      new RegExp(
        `on "${SURFACE}" \\(queued \\S+\\) was marked failed: The training job was lost .* Its job is missing in the queue.* was queued in its place; nothing else is needed`,
      ),
    );

    // The new run is carried out by the worker in this pass (this surface's few logs end it with "Not enough data").
    const next = rows[1].id;
    const done = await pollUntil(
      () => rowsOf().then((r) => r.find((x) => x.id === next)!),
      (r) => r.status !== 'training',
      { what: `the run ${next} that TrainAll queued to be carried out`, timeoutMs: 60000 },
    );
    expect(done.reason).toMatch(/Not enough data|offline|gate/i);
  }, 180000);
});
