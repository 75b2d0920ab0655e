import IORedis from 'ioredis';
import { ApiHandle, Credentials, createUser, gql, login, startApi, startWorker, withDb } from '../support/stack';
import { Workflow, must, startMediaServer } from '../support/launch-helpers';
import { pollUntil } from '../support/wait';

type Problem = { field: string; message: string };
type Err = { message: string; extensions?: { code?: string; problems?: Problem[] } };

/**
 * Release input is bounded and canonical, identical reschedules change nothing, and a "launch now" overtaken by a cancel
 * says so in the release's history. Real API (and, for the launch, a real worker) on the real PostgreSQL and Redis.
 */
describe('release input, repeats and dropped launches', () => {
  let media: { base: string; close(): void };
  let mediaBase: string;
  let api: ApiHandle;
  let editor: Credentials;
  let wf: Workflow;
  let redis: IORedis;
  let n = 0;
  const slug = (p: string) => `${p}-${++n}-${Date.now() % 100000}`;

  beforeAll(async () => {
    media = await startMediaServer();
    mediaBase = media.base;
    api = await startApi();
    editor = { token: await login(api.url, await createUser('editor')) };
    wf = new Workflow(api, editor, { token: await login(api.url, await createUser('reviewer')) });
    redis = new IORedis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
  });
  afterAll(async () => {
    await api?.stop();
    redis?.disconnect();
    media?.close();
  });

  const CREATE = 'mutation($n: String!, $d: String) { createRelease(input: {name: $n, description: $d}) { id name description } }';
  const UPDATE = 'mutation($id: ID!, $i: ReleaseUpdate!) { updateRelease(id: $id, input: $i) { name description } }';
  const ROLLOUT =
    'mutation($id: ID!, $a: AudienceInput) { setReleaseRollout(id: $id, percent: 50, audience: $a) { rolloutPercent audience { locales platforms tiers } } }';

  async function auditCount(entityId: string, action?: string): Promise<number> {
    const { rows } = await withDb((c) =>
      c.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND ($2::text IS NULL OR action = $2)`, [entityId, action ?? null]),
    );
    return rows[0].n;
  }

  function refused(r: { data: unknown; errors?: Err[] }, field: string, limit: RegExp): void {
    expect(r.data).toBeNull();
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].extensions?.problems?.map((p) => p.field)).toContain(field);
    expect(r.errors?.[0].message).toMatch(limit);
    // The answer is small whatever was sent: it names the problem, it does not echo the input.
    expect(JSON.stringify(r.errors).length).toBeLessThan(3000);
  }

  it('names and descriptions over their limits, or names with line breaks or bidi controls, are refused and nothing is written', async () => {
    const marker = `bounded-${Date.now()}`;
    for (const [name, description, field, limit] of [
      [marker, 'd'.repeat(2001), 'description', /2000 characters/],
      [marker, 'd'.repeat(900000), 'description', /2000 characters/],
      [`${marker}${'n'.repeat(120)}`, null, 'name', /120 characters/],
      [`${marker}\nsecond line`, null, 'name', /line break/],
      [`${marker}\u2028x`, null, 'name', /line break/],
      [`${marker}\u202Egnp.exe`, null, 'name', /bidirectional control character U\+202E/],
      [`${marker}\u2067x`, null, 'name', /bidirectional control/],
      [`${marker}\u200Fx`, null, 'name', /bidirectional control/],
    ] as const) {
      refused(await gql(api.url, CREATE, { n: name, d: description }, editor), field, limit);
    }
    const { rows } = await withDb((c) => c.query(`SELECT count(*)::int AS n FROM releases WHERE name LIKE $1`, [`${marker}%`]));
    expect(rows[0].n).toBe(0);

    // At the limits exactly: accepted, and line breaks are fine in a description.
    const ok = await must(
      gql<{ createRelease: { id: string; name: string; description: string } }>(api.url, CREATE, { n: 'n'.repeat(120), d: `a\n${'d'.repeat(1998)}` }, editor),
    );
    expect(ok.createRelease.description).toHaveLength(2000);
    const id = ok.createRelease.id;
    const audits = await auditCount(id);

    refused(await gql(api.url, UPDATE, { id, i: { description: 'x'.repeat(900000) } }, editor), 'description', /2000 characters/);
    refused(await gql(api.url, UPDATE, { id, i: { name: 'a\u202Db' } }, editor), 'name', /bidirectional control/);
    refused(await gql(api.url, UPDATE, { id, i: { name: 'fine', description: 'x'.repeat(2001) } }, editor), 'description', /2000 characters/);
    const after = await must(
      gql<{ release: { name: string; description: string } }>(api.url, 'query($id: ID!) { release(id: $id) { name description } }', { id }, editor),
    );
    expect(after.release).toEqual({ name: ok.createRelease.name, description: ok.createRelease.description });
    expect(await auditCount(id)).toBe(audits);
  });

  it('audience lists: over-long lists and entries of the wrong shape are refused; repeats are stored once, in canonical spelling', async () => {
    const id = (await must(gql<{ createRelease: { id: string } }>(api.url, CREATE, { n: slug('audience') }, editor))).createRelease.id;
    const audits = await auditCount(id);
    const tiers = Array.from({ length: 50000 }, (_, i) => `t${i}`);
    refused(await gql(api.url, ROLLOUT, { id, a: { tiers } }, editor), 'audience.tiers', /at most 20 entries/);
    refused(await gql(api.url, ROLLOUT, { id, a: { tiers: Array.from({ length: 21 }, (_, i) => `t${i}`) } }, editor), 'audience.tiers', /at most 20/);
    refused(await gql(api.url, ROLLOUT, { id, a: { tiers: ['x'.repeat(10000)] } }, editor), 'audience.tiers', /64 characters/);
    refused(await gql(api.url, ROLLOUT, { id, a: { tiers: ['premium plus'] } }, editor), 'audience.tiers', /tier name/);
    refused(await gql(api.url, ROLLOUT, { id, a: { platforms: ['ios', 'windows'] } }, editor), 'audience.platforms', /ios, android or web/);
    refused(await gql(api.url, ROLLOUT, { id, a: { locales: ['en-US', 'english please'] } }, editor), 'audience.locales', /BCP 47/);
    expect(await auditCount(id)).toBe(audits);
    const rel = await must(gql<{ release: { rolloutPercent: number } }>(api.url, 'query($id: ID!) { release(id: $id) { rolloutPercent } }', { id }, editor));
    expect(rel.release.rolloutPercent).toBe(100);

    const d = await must(
      gql<{ setReleaseRollout: { audience: unknown } }>(
        api.url,
        ROLLOUT,
        { id, a: { platforms: ['ios', 'iOS', ' web '], locales: ['en-US', 'EN_us', 'de', 'DE'], tiers: ['Free', 'free', 'premium'] } },
        editor,
      ),
    );
    expect(d.setReleaseRollout.audience).toEqual({ platforms: ['ios', 'web'], locales: ['en-US', 'de'], tiers: ['free', 'premium'] });
  });

  it('scheduling again for the same instant and zone changes nothing: no new revision, no audit entry, no new job', async () => {
    const item = await wf.createItem(slug('resched'), mediaBase);
    await wf.approveLatest(item);
    const id = await wf.release(slug('Resched'), [item]);
    // Noon two days ahead: far enough to schedule, and never in a DST gap.
    const day = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
    const local = `${day}T12:00`;
    const Z = 'Europe/Amsterdam';
    const S =
      'mutation($id: ID!, $l: String!, $z: String!) { scheduleRelease(id: $id, input: {localDateTime: $l, timeZone: $z}) { state scheduledAt scheduleRevision } }';
    const first = await must(gql<{ scheduleRelease: { scheduleRevision: number; scheduledAt: string } }>(api.url, S, { id, l: local, z: Z }, editor));
    for (let i = 0; i < 2; i++) {
      // Another spelling of the same zone and time is the same schedule.
      const again = await must(gql<{ scheduleRelease: unknown }>(api.url, S, { id, l: `${local}:00`, z: i ? Z.toLowerCase() : Z }, editor));
      expect(again.scheduleRelease).toEqual(first.scheduleRelease);
    }
    const parallel = await Promise.all(Array.from({ length: 6 }, () => must(gql<{ scheduleRelease: unknown }>(api.url, S, { id, l: local, z: Z }, editor))));
    for (const p of parallel) expect(p.scheduleRelease).toEqual(first.scheduleRelease);
    expect(await auditCount(id, 'release.scheduled')).toBe(1);
    expect(await auditCount(id, 'release.rescheduled')).toBe(0);
    const jobs = await redis.keys(`${process.env.REDIS_PREFIX}:bull:launches:launch_${id}_r*`);
    expect(jobs.filter((k) => /_r\d+$/.test(k))).toEqual([`${process.env.REDIS_PREFIX}:bull:launches:launch_${id}_r${first.scheduleRelease.scheduleRevision}`]);

    // A different instant is a real reschedule: one new revision, one entry.
    const moved = await must(gql<{ scheduleRelease: { scheduleRevision: number } }>(api.url, S, { id, l: `${day}T13:00`, z: Z }, editor));
    expect(moved.scheduleRelease.scheduleRevision).toBe(first.scheduleRelease.scheduleRevision + 1);
    expect(await auditCount(id, 'release.rescheduled')).toBe(1);
  });

  it('"launch now" overtaken by a cancel: both answer, nothing launches, and the history says the requested launch was dropped', async () => {
    const item = await wf.createItem(slug('dropped'), mediaBase);
    await wf.approveLatest(item);
    const id = await wf.release(slug('Dropped'), [item]);
    // No worker yet: the queued launch waits in Redis while the cancel commits, which is the race's losing order made certain.
    const launch = await must(
      gql<{ launchReleaseNow: { state: string } }>(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { state } }', { id }, editor),
    );
    expect(launch.launchReleaseNow.state).toBe('SCHEDULED');
    const cancel = await must(gql<{ cancelRelease: { state: string } }>(api.url, 'mutation($id: ID!) { cancelRelease(id: $id) { state } }', { id }, editor));
    expect(cancel.cancelRelease.state).toBe('CANCELLED');

    const worker = await startWorker({ OUTBOUND_ALLOWLIST: '127.0.0.1' });
    try {
      const r = await pollUntil(
        () => wf.releaseState(id),
        (s) => s.events.some((e) => e.kind === 'launch_dropped'),
        { what: `a launch_dropped event on release ${id}`, timeoutMs: 20000 },
      );
      const kinds = r.events.map((e) => e.kind);
      expect(kinds.slice(-3)).toEqual(['launch_requested', 'cancelled', 'launch_dropped']);
      const dropped = r.events.find((e) => e.kind === 'launch_dropped')!;
      expect(dropped.message).toMatch(/^The launch requested at \S+Z was not carried out: the release was cancelled at \S+Z \(Cancelled by .+\)/);
      expect(dropped.message).toMatch(/create a new release/);
      expect(r.status).toBe('cancelled');
      expect(worker.output()).toMatch(new RegExp(`Release ${id}: The launch requested at .* was not carried out`));
      expect(await auditCount(id, 'release.launched')).toBe(0);
      const { rows } = await withDb((c) => c.query('SELECT live_version_id FROM items WHERE id = $1', [item]));
      expect(rows[0].live_version_id).toBeNull();
    } finally {
      await worker.stop();
    }
  }, 90000);
});
