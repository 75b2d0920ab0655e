import { Queue } from 'bullmq';
import { ApiHandle, Credentials, GqlResult, RunningProcess, createUser, gql, login, startApi, startWorker, withDb } from '../support/stack';
import { Workflow, must, startMediaServer } from '../support/launch-helpers';
import { pollUntil, waitUntil } from '../support/wait';

const LAUNCH = 'mutation($id: ID!) { launchReleaseNow(id: $id) { state } }';
const CANCEL = 'mutation($id: ID!) { cancelRelease(id: $id) { state } }';
/** A step that lost a race must say so with a typed code, not an INTERNAL error or a success it did not have. */
const TYPED = ['ILLEGAL_TRANSITION', 'CONFLICT'];

interface Raced {
  id: string;
  item: string;
  group: string;
  launch: GqlResult<{ launchReleaseNow: { state: string } }> | null;
  cancel: GqlResult<{ cancelRelease: { state: string } }>;
}

/**
 * "Launch now" and "cancel" fired at the same release at once, over HTTP, on real API and worker processes, and a cancel
 * fired at a scheduled release at its instant while the worker's delayed job comes due. Every release must end in one
 * of two coherent states: launched (its item live, no cancel recorded, the cancel refused with a typed error that says
 * to roll it back), or cancelled (nothing live, no launch recorded, any queued job a no-op, and a launch request that
 * lost either refused with a typed error that says what to do next, or recorded as dropped).
 */
describe('launchReleaseNow racing cancelRelease', () => {
  let media: { base: string; close(): void };
  let api: ApiHandle;
  let worker: RunningProcess;
  let editor: Credentials;
  let wf: Workflow;
  let launches: Queue;
  let n = 0;
  const slug = (p: string) => `${p}-${++n}-${Date.now() % 100000}`;

  beforeAll(async () => {
    media = await startMediaServer();
    api = await startApi();
    worker = await startWorker({ RECONCILE_INTERVAL_MS: '1000', OUTBOUND_ALLOWLIST: '127.0.0.1' });
    editor = { token: await login(api.url, await createUser('editor')) };
    wf = new Workflow(api, editor, { token: await login(api.url, await createUser('reviewer')) });
    launches = new Queue('launches', { connection: { host: '127.0.0.1', port: 6379 }, prefix: `${process.env.REDIS_PREFIX}:bull` });
  }, 120000);
  afterAll(async () => {
    await launches?.close();
    await Promise.all([api?.stop(), worker?.stop()]);
    media?.close();
  });

  async function approvedRelease(name: string): Promise<{ id: string; item: string }> {
    const item = await wf.createItem(slug(name.toLowerCase().replace(/\W+/g, '-')), media.base);
    await wf.approveLatest(item);
    return { id: await wf.release(slug(name), [item]), item };
  }

  /** The launch jobs of a release that may still run: waiting, delayed or active. */
  async function pendingJobs(releaseId: string): Promise<string[]> {
    const jobs = await launches.getJobs(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);
    return jobs.filter((j) => j && (j.data as { releaseId: string }).releaseId === releaseId).map((j) => j.id!);
  }

  async function facts(r: Raced) {
    const state = await wf.releaseState(r.id);
    const { rows: items } = await withDb((c) => c.query('SELECT live_version_id AS live, live_release_id AS "by" FROM items WHERE id = $1', [r.item]));
    const { rows: audit } = await withDb((c) =>
      c.query(`SELECT action FROM audit_log WHERE entity_type = 'release' AND entity_id = $1 ORDER BY at, id`, [r.id]),
    );
    return {
      group: r.group,
      id: r.id,
      status: state.status,
      events: state.events.map((e) => e.kind),
      item: items[0],
      audit: audit.map((a: { action: string }) => a.action),
      launch: r.launch && (r.launch.errors ? r.launch.errors.map((e) => ({ code: e.extensions?.code, message: e.message })) : r.launch.data),
      cancel: r.cancel.errors ? r.cancel.errors.map((e) => ({ code: e.extensions?.code, message: e.message })) : r.cancel.data,
    };
  }

  /** Every way the end state or the callers' answers can disagree; an empty list is a coherent outcome. */
  function problems(f: Awaited<ReturnType<typeof facts>>): string[] {
    const p: string[] = [];
    const launchErr = Array.isArray(f.launch) ? f.launch[0] : null;
    const cancelErr = Array.isArray(f.cancel) ? f.cancel[0] : null;
    if (launchErr && cancelErr) p.push('both calls were refused');
    if (launchErr && !TYPED.includes(String(launchErr.code))) p.push(`launch refused with untyped code ${launchErr.code}`);
    if (cancelErr && !TYPED.includes(String(cancelErr.code))) p.push(`cancel refused with untyped code ${cancelErr.code}`);
    if (f.status === 'launched') {
      if (!f.item.live || f.item.by !== f.id) p.push('launched, but its item is not live from it');
      if (f.events.includes('cancelled') || f.audit.includes('release.cancelled')) p.push('launched, and the history also says cancelled');
      if (f.audit.filter((a) => a === 'release.launched').length !== 1) p.push('launched, but not exactly one release.launched audit entry');
      if (!cancelErr) p.push('launched, but the cancel was answered as a success');
      else if (!/launched/.test(cancelErr.message) || !/roll it back/.test(cancelErr.message))
        p.push(`the cancel's refusal does not say it launched and to roll it back: ${cancelErr.message}`);
    } else if (f.status === 'cancelled') {
      if (f.item.live) p.push('cancelled, but its item is live');
      if (f.events.includes('launched') || f.audit.includes('release.launched')) p.push('cancelled, and the history also says launched');
      if (cancelErr) p.push('cancelled, but the cancel was refused');
      if (launchErr) {
        if (!/cancelled/.test(launchErr.message) || !/create a new release/i.test(launchErr.message))
          p.push(`the launch's refusal does not say it was cancelled and what to do next: ${launchErr.message}`);
      } else if (f.launch && !f.events.includes('launch_dropped')) p.push('cancelled after a launch was accepted, with no launch_dropped event');
    } else p.push(`ended ${f.status}, neither launched nor cancelled`);
    return p;
  }

  it('10 approved and 4 scheduled releases, each raced once: every end state is coherent and every loser gets a typed error', async () => {
    const draft = await Promise.all(Array.from({ length: 10 }, (_, i) => approvedRelease(`Race draft ${i}`)));
    const later = await Promise.all(Array.from({ length: 4 }, (_, i) => approvedRelease(`Race later ${i}`)));
    for (const r of later) await wf.scheduleIn(r.id, 3600);
    const raced: Raced[] = await Promise.all(
      [...draft.map((r) => ({ ...r, group: 'approved' })), ...later.map((r) => ({ ...r, group: 'scheduled later' }))].map(async (r, i) => {
        // Alternate which request leaves first, so both orders are tried.
        if (i % 2) {
          const [cancel, launch] = await Promise.all([gql(api.url, CANCEL, { id: r.id }, editor), gql(api.url, LAUNCH, { id: r.id }, editor)]);
          return { ...r, launch, cancel } as Raced;
        }
        const [launch, cancel] = await Promise.all([gql(api.url, LAUNCH, { id: r.id }, editor), gql(api.url, CANCEL, { id: r.id }, editor)]);
        return { ...r, launch, cancel } as Raced;
      }),
    );
    await settleAndCheck(raced);
  }, 180000);

  it('a cancel fired at 6 scheduled releases around their instant, racing the delayed job: each launched or cancelled, never both', async () => {
    const due = await Promise.all(Array.from({ length: 6 }, (_, i) => approvedRelease(`Race due ${i}`)));
    const at = await Promise.all(due.map((r) => wf.scheduleIn(r.id, 6)));
    // Each cancel leaves at its own offset from its release's instant, from 150 ms before to 100 ms after, so some land
    // before the job, some while it runs and some after it: both outcomes are expected, and which one each gets is timing.
    const raced: Raced[] = await Promise.all(
      due.map(async (r, i) => {
        const fireAt = new Date(at[i].scheduledAt).getTime() + (i - 3) * 50;
        await waitUntil(() => Date.now() >= fireAt, { what: `${new Date(fireAt).toISOString()}, to cancel ${r.id}`, timeoutMs: 30000, intervalMs: 2 });
        return { ...r, group: 'due now', launch: null, cancel: await gql<{ cancelRelease: { state: string } }>(api.url, CANCEL, { id: r.id }, editor) };
      }),
    );
    await settleAndCheck(raced);
  }, 180000);

  async function settleAndCheck(raced: Raced[]): Promise<void> {
    // Settled: no launch job of any raced release can still run, so a cancelled one cannot launch later. A job still
    // delayed (the hour-ahead schedules) is made due now, so the real worker shows what it would do at its instant.
    for (const job of await launches.getJobs(['delayed'])) {
      if (job && raced.some((r) => r.id === (job.data as { releaseId: string }).releaseId)) await job.promote();
    }
    await pollUntil(
      async () => (await Promise.all(raced.map(async (r) => ({ id: r.id, pending: await pendingJobs(r.id) })))).filter((x) => x.pending.length),
      (left) => left.length === 0,
      { what: 'every raced release to have no launch job left to run', timeoutMs: 60000 },
    );
    const all = await Promise.all(raced.map(facts));
    const bad = all.map((f) => ({ f, p: problems(f) })).filter((x) => x.p.length);
    const outcome = (f: (typeof all)[number]) =>
      `${f.group}: ${f.status}${f.launch === null ? '' : Array.isArray(f.launch) ? ', launch refused' : f.status === 'cancelled' ? ', launch dropped' : ''}`;
    const tally = all.reduce<Record<string, number>>((t, f) => ({ ...t, [outcome(f)]: (t[outcome(f)] ?? 0) + 1 }), {});
    if (bad.length) {
      throw new Error(
        `${bad.length} of ${all.length} raced releases ended incoherently (outcomes ${JSON.stringify(tally)}):\n${bad
          .map((b) => `- ${b.p.join('; ')}\n  ${JSON.stringify(b.f)}`)
          .join('\n')}\nWorker output (tail):\n${worker.output().slice(-3000)}`,
      );
    }
    expect(bad).toEqual([]);
    // Which way the races went, for the record: both ways are correct, and which one wins is up to timing.
    console.log(`launch race outcomes: ${JSON.stringify(tally)}`);
  }

  it('a superseded schedule leaves no job in Redis: rescheduled, unscheduled, cancelled or launched now', async () => {
    const revision = async (id: string) =>
      (await withDb((c) => c.query('SELECT schedule_revision AS r FROM releases WHERE id = $1', [id]))).rows[0].r as number;
    // Waits until the release's pending launch jobs are exactly `want` (the removal is not awaited by the API).
    const settle = async (id: string, what: string, want: string[]) =>
      pollUntil(
        () => pendingJobs(id).then((ids) => ids.sort()),
        (ids) => JSON.stringify(ids) === JSON.stringify(want),
        { what: `${what}: the pending launch jobs of ${id} to be ${JSON.stringify(want)}`, timeoutMs: 10000 },
      );
    const current = async (id: string) => [`launch_${id}_r${await revision(id)}`];

    // Scheduled an hour out, then moved to two hours: only the new revision's job is left.
    const a = await approvedRelease('Moved');
    await wf.scheduleIn(a.id, 3600);
    await settle(a.id, 'scheduled', await current(a.id));
    await wf.scheduleIn(a.id, 7200);
    await settle(a.id, 'rescheduled', await current(a.id));
    // Unscheduled: none left.
    await must(gql(api.url, 'mutation($id: ID!) { unscheduleRelease(id: $id) { state } }', { id: a.id }, editor));
    await settle(a.id, 'unscheduled', []);

    // Scheduled, then cancelled: none left.
    const b = await approvedRelease('Dropped');
    await wf.scheduleIn(b.id, 3600);
    await settle(b.id, 'scheduled', await current(b.id));
    await must(gql(api.url, CANCEL, { id: b.id }, editor));
    await settle(b.id, 'cancelled', []);

    // Scheduled an hour out, then launched now: it launches, and the hour-out job is gone.
    const c = await approvedRelease('Hurried');
    await wf.scheduleIn(c.id, 3600);
    const hourOut = `launch_${c.id}_r${await revision(c.id)}`;
    await must(gql(api.url, LAUNCH, { id: c.id }, editor));
    await wf.waitFor(c.id, ['launched']);
    await settle(c.id, 'launched now', []);
    expect(await launches.getJob(hourOut)).toBeUndefined();
  }, 120000);
});
