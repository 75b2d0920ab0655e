import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { ApiHandle, Credentials, createApiKey, createUser, gql, login, startApi, withDb } from '../support/stack';
import { Workflow, meditationInput, must, startMediaServer } from '../support/launch-helpers';
import { seedSurface } from '../support/seed-surface';
import { pollUntil } from '../support/wait';

type Problem = { field: string; message: string };
type Err = { message: string; extensions?: { code?: string; problems?: Problem[]; modelId?: string; versions?: number[] } };
type Answer<T = unknown> = { data: T | null; errors?: Err[] };

/**
 * Repeats that change nothing write nothing, one training run per surface at a time, list filters that refuse what
 * other queries refuse, test positions within the slots, and no approval by anyone who wrote part of a version. Real
 * API on the real PostgreSQL and Redis (no worker: queued training stays queued).
 */
describe('consistency: repeats, list filters, surface settings and approvals', () => {
  const LOGGED = `cons-logged-${Date.now() % 100000}`;
  const QUIET = `cons-quiet-${Date.now() % 100000}`;
  let media: { base: string; close(): void };
  let api: ApiHandle;
  let admin: Credentials;
  let editor: Credentials;
  let client: Credentials;
  let wf: Workflow;
  let n = 0;
  const slug = (p: string) => `${p}-${++n}-${Date.now() % 100000}`;

  beforeAll(async () => {
    media = await startMediaServer();
    // Seeded before the API starts, so its engine serves them from the first request.
    await seedSurface(LOGGED, 6);
    await seedSurface(QUIET, 6);
    client = { apiKey: (await createApiKey('consistency client')).key };
    api = await startApi();
    admin = { token: await login(api.url, await createUser('admin')) };
    editor = { token: await login(api.url, await createUser('editor')) };
    wf = new Workflow(api, editor, { token: await login(api.url, await createUser('reviewer')) });
  });
  afterAll(async () => {
    await api?.stop();
    media?.close();
  });

  async function auditCount(entityId: string, action?: string): Promise<number> {
    const { rows } = await withDb((c) =>
      c.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND ($2::text IS NULL OR action = $2)`, [entityId, action ?? null]),
    );
    return rows[0].n;
  }

  function refused(r: Answer, code: string, field?: string): Err {
    expect(r.data).toBeNull();
    expect(r.errors?.[0].extensions?.code).toBe(code);
    if (field) expect(r.errors?.[0].extensions?.problems?.map((p) => p.field)).toContain(field);
    return r.errors![0];
  }

  describe('identical repeats write nothing', () => {
    it('updateRelease with the name and description the release already has writes no audit entry', async () => {
      const UPDATE = 'mutation($id: ID!, $i: ReleaseUpdate!) { updateRelease(id: $id, input: $i) { name description updatedAt } }';
      const r = await must(gql<{ createRelease: { id: string } }>(api.url, 'mutation { createRelease(input: {name: "Spring"}) { id } }', {}, editor));
      const id = r.createRelease.id;
      const first = await must(gql<{ updateRelease: { updatedAt: string } }>(api.url, UPDATE, { id, i: { name: 'Spring launch', description: 'd' } }, editor));
      expect(await auditCount(id, 'release.updated')).toBe(1);
      for (const i of [{ name: 'Spring launch', description: 'd' }, { name: 'Spring launch' }, { description: 'd' }, {}]) {
        const again = await must(gql<{ updateRelease: { name: string; description: string; updatedAt: string } }>(api.url, UPDATE, { id, i }, editor));
        expect(again.updateRelease).toEqual({ name: 'Spring launch', description: 'd', updatedAt: first.updateRelease.updatedAt });
      }
      expect(await auditCount(id, 'release.updated')).toBe(1);
      // A real change is still saved and audited.
      await must(gql(api.url, UPDATE, { id, i: { name: 'Spring launch 2' } }, editor));
      expect(await auditCount(id, 'release.updated')).toBe(2);
    });

    it('restoreItemVersion of content the latest version already has makes no new version', async () => {
      const s = slug('restore');
      const id = await wf.createItem(s, media.base);
      await wf.save(id, s, media.base, { durationSeconds: 900 });
      const RESTORE = 'mutation($id: ID!, $n: Int!) { restoreItemVersion(itemId: $id, number: $n) { latestVersionNumber state } }';
      const restored = await must(gql<{ restoreItemVersion: { latestVersionNumber: number } }>(api.url, RESTORE, { id, n: 1 }, editor));
      expect(restored.restoreItemVersion.latestVersionNumber).toBe(3);
      // Again v1 (now the same content as v3), then v3 itself: nothing new.
      for (const number of [1, 3, 1]) {
        const again = await must(gql<{ restoreItemVersion: { latestVersionNumber: number; state: string } }>(api.url, RESTORE, { id, n: number }, editor));
        expect(again.restoreItemVersion).toEqual({ latestVersionNumber: 3, state: 'DRAFT' });
      }
      const { rows } = await withDb((c) => c.query(`SELECT count(*)::int AS n FROM item_versions WHERE item_id = $1`, [id]));
      expect(rows[0].n).toBe(3);
      expect(await auditCount(id, 'item.version_restored')).toBe(1);
      // v2 differs from v3: restoring it still makes v4.
      expect(
        (await must(gql<{ restoreItemVersion: { latestVersionNumber: number } }>(api.url, RESTORE, { id, n: 2 }, editor))).restoreItemVersion
          .latestVersionNumber,
      ).toBe(4);
    });
    it('updateItem with the content the latest version already has makes no new version and leaves approval and the release as they are', async () => {
      const s = slug('same');
      const id = await wf.createItem(s, media.base);
      const VIEW = 'query($id: ID!) { item(id: $id) { state latestVersionNumber approvedVersion { number } } }';
      const view = async () => (await must(gql<{ item: unknown }>(api.url, VIEW, { id }, editor))).item;
      const versions = async () => (await withDb((c) => c.query(`SELECT count(*)::int AS n FROM item_versions WHERE item_id = $1`, [id]))).rows[0].n;

      // A draft: saving the same content again is answered with the item as it is.
      expect(await wf.save(id, s, media.base)).toBe(1);
      expect(await versions()).toBe(1);
      expect(await auditCount(id, 'item.updated')).toBe(0);

      // Approved and scheduled in a release: the same content again leaves the approval and the schedule alone.
      expect(await wf.approveLatest(id)).toBe(1);
      const releaseId = await wf.release(slug('same-rel'), [id]);
      await wf.scheduleIn(releaseId, 3600);
      const before = await view();
      expect(before).toEqual({ state: 'SCHEDULED', latestVersionNumber: 1, approvedVersion: { number: 1 } });
      const audits = await auditCount(id);
      expect(await wf.save(id, s, media.base)).toBe(1);
      expect(await view()).toEqual(before);
      expect(await versions()).toBe(1);
      expect(await auditCount(id)).toBe(audits);
      expect((await wf.releaseState(releaseId)).status).toBe('scheduled');

      // A real change is still a new draft version, audited.
      expect(await wf.save(id, s, media.base, { durationSeconds: 660 })).toBe(2);
      expect(await versions()).toBe(2);
      expect(await auditCount(id, 'item.updated')).toBe(1);
    });
  });

  describe('trainModel', () => {
    const TRAIN = 'mutation($s: String!, $d: Int) { trainModel(surface: $s, days: $d) { id status version } }';
    const rowsOf = async (surface: string) =>
      (await withDb((c) => c.query(`SELECT id, status FROM model_versions WHERE surface_key = $1 ORDER BY created_at`, [surface]))).rows as {
        id: string;
        status: string;
      }[];

    it('on a surface with no logged feeds is refused up front, the way evaluatePolicy refuses it, and queues nothing', async () => {
      const before = (await withDb((c) => c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'model.training_requested'`))).rows[0].n;
      const train = refused(await gql(api.url, TRAIN, { s: QUIET, d: 7 }, admin), 'BAD_USER_INPUT', 'days');
      expect(train.message).toMatch(new RegExp(`no logged feeds on "${QUIET}" in the last 7 days, so there is nothing to train on.*Nothing was queued`));
      const ope = refused(
        await gql(api.url, 'mutation($s: String!) { evaluatePolicy(surface: $s, target: UNIFORM) { id } }', { s: QUIET }, admin),
        'BAD_USER_INPUT',
        'days',
      );
      expect(ope.message).toMatch(new RegExp(`no logged feeds on "${QUIET}" in the last 7 days, so there is nothing to evaluate on`));
      expect(await rowsOf(QUIET)).toEqual([]);
      const after = (await withDb((c) => c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'model.training_requested'`))).rows[0].n;
      expect(after).toBe(before);
    });

    it('parallel calls queue one run per surface; the others answer CONFLICT naming it; a lost run does not block the surface', async () => {
      const u = `user-${randomUUID()}`;
      await must(gql(api.url, 'query($s: String!, $u: ID!) { feed(surface: $s, userId: $u) { requestId } }', { s: LOGGED, u }, client));
      await pollUntil(
        () => withDb((c) => c.query(`SELECT count(*)::int AS n FROM feed_requests WHERE surface = $1 AND NOT fallback`, [LOGGED])).then((r) => r.rows[0].n),
        (k) => k > 0,
        { what: `a logged feed on ${LOGGED}` },
      );
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => gql<{ trainModel: { id: string; status: string } }>(api.url, TRAIN, { s: LOGGED }, admin)),
      );
      const ok = answers.filter((a) => a.data);
      expect(ok).toHaveLength(1);
      const queued = ok[0].data!.trainModel;
      expect(queued.status).toBe('TRAINING');
      for (const a of answers.filter((x) => !x.data)) {
        const e = refused(a, 'CONFLICT');
        expect(e.extensions?.modelId).toBe(queued.id);
        expect(e.message).toMatch(/already training on .*Only one training run per surface/);
      }
      expect(await rowsOf(LOGGED)).toEqual([{ id: queued.id, status: 'training' }]);
      expect(await auditCount(queued.id, 'model.training_requested')).toBe(1);
      // Sequential repeats too.
      refused(await gql(api.url, TRAIN, { s: LOGGED }, admin), 'CONFLICT');

      // The job lost (a worker died with it): after a minute the surface is not blocked for good.
      const q = new Queue('training', { connection: { host: '127.0.0.1', port: 6379 }, prefix: `${process.env.REDIS_PREFIX}:bull` });
      try {
        expect(await q.getJob(`train_${queued.id}`)).toBeTruthy();
        await q.remove(`train_${queued.id}`);
      } finally {
        await q.close();
      }
      refused(await gql(api.url, TRAIN, { s: LOGGED }, admin), 'CONFLICT'); // still young: its job may not be added yet
      await withDb((c) => c.query(`UPDATE model_versions SET created_at = created_at - interval '2 minutes' WHERE id = $1`, [queued.id]));
      const next = await must(gql<{ trainModel: { id: string } }>(api.url, TRAIN, { s: LOGGED }, admin));
      const rows = await rowsOf(LOGGED);
      expect(rows).toEqual([
        { id: queued.id, status: 'failed' },
        { id: next.trainModel.id, status: 'training' },
      ]);
    });
  });

  describe('list filters', () => {
    it('contentTests, opeRuns and modelVersions refuse an empty surface and say NOT_FOUND for an unknown one', async () => {
      for (const q of ['contentTests(surface: $s) { id }', 'opeRuns(surface: $s) { id }', 'modelVersions(surface: $s) { id }']) {
        const doc = `query($s: String) { ${q} }`;
        for (const s of ['', '  ']) {
          const e = refused(await gql(api.url, doc, { s }, editor), 'BAD_USER_INPUT', 'surface');
          expect(e.message).toMatch(/leave surface out to list every surface/);
        }
        const e = refused(await gql(api.url, doc, { s: 'no-such-surface' }, editor), 'NOT_FOUND');
        expect(e.message).toMatch(/no-such-surface/);
        // A known surface and no filter still answer lists.
        expect((await gql(api.url, doc, { s: LOGGED }, editor)).errors).toBeUndefined();
        expect((await gql(api.url, doc, {}, editor)).errors).toBeUndefined();
      }
    });

    it('importJobs takes a limit from 1 to 100, like the other lists', async () => {
      for (const limit of [0, -1, 101]) {
        const e = refused(await gql(api.url, 'query($l: Int) { importJobs(limit: $l) { id } }', { l: limit }, editor), 'BAD_USER_INPUT', 'limit');
        expect(e.message).toBe('limit must be from 1 to 100.');
      }
      for (const limit of [1, 100, null])
        expect((await gql(api.url, 'query($l: Int) { importJobs(limit: $l) { id } }', { l: limit }, editor)).errors).toBeUndefined();
    });
  });

  describe('testMaxPosition within the slots', () => {
    const CREATE =
      'mutation($k: String!, $s: Int!, $i: SurfaceInputGql) { createSurface(key: $k, name: "S", slots: $s, input: $i) { key slots testMaxPosition } }';
    const UPDATE = 'mutation($k: String!, $i: SurfaceInputGql!) { updateSurface(key: $k, input: $i) { slots testMaxPosition } }';
    const surfaceAudits = async (key: string) =>
      (await withDb((c) => c.query(`SELECT count(*)::int AS n FROM audit_log a JOIN surfaces s ON s.id::text = a.entity_id::text WHERE s.key = $1`, [key])))
        .rows[0].n;

    it('createSurface refuses a testMaxPosition beyond its slots, and starts the default within them', async () => {
      const k = slug('tmp-create');
      const e = refused(await gql(api.url, CREATE, { k, s: 5, i: { testMaxPosition: 50 } }, admin), 'BAD_USER_INPUT', 'testMaxPosition');
      expect(e.message).toMatch(/testMaxPosition must be at most 5, the surface's slots/);
      expect((await withDb((c) => c.query(`SELECT count(*)::int AS n FROM surfaces WHERE key = $1`, [k]))).rows[0].n).toBe(0);
      expect((await must(gql<{ createSurface: unknown }>(api.url, CREATE, { k: slug('tmp-small'), s: 3 }, admin))).createSurface).toMatchObject({
        slots: 3,
        testMaxPosition: 3,
      });
      expect((await must(gql<{ createSurface: unknown }>(api.url, CREATE, { k: slug('tmp-one'), s: 1 }, admin))).createSurface).toMatchObject({
        slots: 1,
        testMaxPosition: 2,
      });
      expect((await must(gql<{ createSurface: unknown }>(api.url, CREATE, { k: slug('tmp-big'), s: 12 }, admin))).createSurface).toMatchObject({
        testMaxPosition: 5,
      });
    });

    it('updateSurface refuses a testMaxPosition beyond the slots, and fewer slots than testMaxPosition alone; nothing is saved', async () => {
      const k = slug('tmp-update');
      await must(gql(api.url, CREATE, { k, s: 5 }, admin));
      const audits = await surfaceAudits(k);
      let e = refused(await gql(api.url, UPDATE, { k, i: { testMaxPosition: 50 } }, admin), 'BAD_USER_INPUT', 'testMaxPosition');
      expect(e.message).toMatch(/at most 5/);
      e = refused(await gql(api.url, UPDATE, { k, i: { slots: 3 } }, admin), 'BAD_USER_INPUT', 'slots');
      expect(e.message).toMatch(/send testMaxPosition from 2 to 3 in the same update/);
      // A whole form sent back with fewer slots and the old testMaxPosition: the testMaxPosition is what to change.
      refused(await gql(api.url, UPDATE, { k, i: { slots: 3, testMaxPosition: 5 } }, admin), 'BAD_USER_INPUT', 'testMaxPosition');
      expect(await surfaceAudits(k)).toBe(audits);
      expect((await must(gql<{ updateSurface: unknown }>(api.url, UPDATE, { k, i: { slots: 3, testMaxPosition: 3 } }, admin))).updateSurface).toEqual({
        slots: 3,
        testMaxPosition: 3,
      });
      expect((await must(gql<{ updateSurface: unknown }>(api.url, UPDATE, { k, i: { slots: 8, testMaxPosition: 8 } }, admin))).updateSurface).toEqual({
        slots: 8,
        testMaxPosition: 8,
      });
    });
  });

  describe('approval by a contributor', () => {
    const APPROVE = 'mutation($id: ID!, $n: Int!) { approveVersion(itemId: $id, versionNumber: $n) { state } }';
    const SAVE = 'mutation($id: ID!, $i: ItemInput!) { updateItem(id: $id, input: $i) { latestVersionNumber } }';

    it('nobody who wrote a version since the last approval may approve it; a reviewer who wrote none may', async () => {
      const [r1, r2, r3] = await Promise.all([createUser('reviewer'), createUser('reviewer'), createUser('reviewer')]);
      const [c1, c2, c3] = [{ token: await login(api.url, r1) }, { token: await login(api.url, r2) }, { token: await login(api.url, r3) }];
      const s = slug('contrib');
      const input = (d: number) =>
        meditationInput(s, { durationSeconds: d, media: { audioUrl: `${media.base}/ok/${s}.mp3`, artworkUrl: `${media.base}/ok/${s}.jpg` } });
      const id = await wf.createItem(s, media.base); // v1 by the editor
      await must(gql(api.url, SAVE, { id, i: input(700) }, c1)); // v2 by r1
      await must(gql(api.url, SAVE, { id, i: input(800) }, c2)); // v3 by r2
      await must(gql(api.url, 'mutation($id: ID!) { submitForReview(itemId: $id) { state } }', { id }, editor));
      const audits = await auditCount(id);
      const e = refused(await gql(api.url, APPROVE, { id, n: 3 }, c1), 'FORBIDDEN');
      expect(e.message).toMatch(/You contributed to v3 of .* \(you wrote v2, which it builds on since the last approval\), so someone else must approve it/);
      expect(e.extensions?.versions).toEqual([2]);
      expect(refused(await gql(api.url, APPROVE, { id, n: 3 }, c2), 'FORBIDDEN').message).toMatch(/You wrote v3 of .*someone else must approve it/);
      expect(await auditCount(id)).toBe(audits);
      const reviews = await withDb((c) => c.query(`SELECT decision FROM version_reviews WHERE item_id = $1`, [id]));
      expect(reviews.rows.map((r) => r.decision)).toEqual(['submitted']);
      expect((await must(gql<{ approveVersion: { state: string } }>(api.url, APPROVE, { id, n: 3 }, c3))).approveVersion.state).toBe('APPROVED');

      // After that approval, a new version counts only what was written since: r1 did not write v4, so r1 may approve it.
      await must(gql(api.url, SAVE, { id, i: input(900) }, c2)); // v4 by r2
      await must(gql(api.url, 'mutation($id: ID!) { submitForReview(itemId: $id) { state } }', { id }, editor));
      refused(await gql(api.url, APPROVE, { id, n: 4 }, c2), 'FORBIDDEN');
      expect((await must(gql<{ approveVersion: { state: string } }>(api.url, APPROVE, { id, n: 4 }, c1))).approveVersion.state).toBe('APPROVED');

      // Restoring v2 (never approved itself) brings its writers back: r3 restores it, and r1 (who wrote v2) may not approve.
      await must(gql(api.url, 'mutation($id: ID!) { restoreItemVersion(itemId: $id, number: 2) { latestVersionNumber } }', { id }, c3)); // v5
      await must(gql(api.url, 'mutation($id: ID!) { submitForReview(itemId: $id) { state } }', { id }, editor));
      expect(refused(await gql(api.url, APPROVE, { id, n: 5 }, c1), 'FORBIDDEN').extensions?.versions).toEqual([2]);
      refused(await gql(api.url, APPROVE, { id, n: 5 }, c3), 'FORBIDDEN');
      expect((await must(gql<{ approveVersion: { state: string } }>(api.url, APPROVE, { id, n: 5 }, c2))).approveVersion.state).toBe('APPROVED');
    });
  });
});
