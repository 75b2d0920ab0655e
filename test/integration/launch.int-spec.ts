import { spawn, ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { verifySignature } from '../../libs/webhooks/src/signing';
import { ApiHandle, Credentials, RunningProcess, createUser, freePort, gql, login, startApi, startWorker, withDb } from '../support/stack';
import { Workflow, must } from '../support/launch-helpers';
import { pollUntil, waitUntil } from '../support/wait';

const NEXT_YEAR = new Date().getUTCFullYear() + 1;

/** The first or last Sunday of a month, as YYYY-MM-DD: when DST starts or ends in the US and the EU. */
function sunday(year: number, month: number, which: 'first' | 'last'): string {
  const d = which === 'first' ? new Date(Date.UTC(year, month - 1, 1)) : new Date(Date.UTC(year, month, 0));
  while (d.getUTCDay() !== 0) d.setUTCDate(d.getUTCDate() + (which === 'first' ? 1 : -1));
  return d.toISOString().slice(0, 10);
}

/** Real API and worker processes on the real PostgreSQL and Redis, with a local media server and webhook receiver. */
describe('launch workflow end to end', () => {
  let media: Server;
  let mediaBase: string;
  let api: ApiHandle;
  let worker: RunningProcess;
  let editor: Credentials;
  let reviewer: Credentials;
  let admin: Credentials;
  let wf: Workflow;
  let n = 0;
  const slug = (p: string) => `${p}-${++n}-${Date.now() % 100000}`;

  beforeAll(async () => {
    media = createServer((req, res) => res.writeHead(req.url?.startsWith('/ok/') ? 200 : 404).end());
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    api = await startApi();
    worker = await startWorker({ RECONCILE_INTERVAL_MS: '1000', WEBHOOK_BACKOFF_MS: '300', OUTBOUND_ALLOWLIST: '127.0.0.1' }); // media and receivers on loopback
    editor = { token: await login(api.url, await createUser('editor')) };
    reviewer = { token: await login(api.url, await createUser('reviewer')) };
    admin = { token: await login(api.url, await createUser('admin')) };
    wf = new Workflow(api, editor, reviewer);
  });
  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    media.closeAllConnections();
    media.close();
  });

  async function liveVersionOf(id: string): Promise<{ liveVersionId: string | null; state: string; liveReleaseId: string | null }> {
    return withDb(
      async (c) =>
        (await c.query('SELECT live_version_id AS "liveVersionId", state, live_release_id AS "liveReleaseId" FROM items WHERE id = $1', [id])).rows[0],
    );
  }

  it('review: approves one exact version; a later edit is a new draft and leaves the approved version as it was', async () => {
    const s = slug('review');
    const id = await wf.createItem(s, mediaBase);
    const illegal = await gql(api.url, 'mutation($id: ID!) { approveVersion(itemId: $id, versionNumber: 1) { state } }', { id }, reviewer);
    expect(illegal.errors![0].extensions!.code).toBe('ILLEGAL_TRANSITION');
    expect(illegal.errors![0].message).toMatch(/From draft you can: edit, submit for review/);
    expect(await wf.approveLatest(id)).toBe(1);
    await wf.save(id, s, mediaBase, { durationSeconds: 700 });
    const item = await must(
      gql<{ item: { state: string; approvedVersion: { number: number; fields: { durationSeconds: number } } } }>(
        api.url,
        'query($id: ID!) { item(id: $id) { state approvedVersion { number fields { durationSeconds } } } }',
        { id },
        editor,
      ),
    );
    expect(item.item).toEqual({ state: 'DRAFT', approvedVersion: { number: 1, fields: { durationSeconds: 600 } } });
  });

  it('bad review input: approving your own version or an outdated one is refused and changes nothing', async () => {
    const s = slug('own');
    const reviewerUser = await createUser('reviewer');
    const writer = { token: await login(api.url, reviewerUser) };
    const own = new Workflow(api, writer, writer);
    const id = await own.createItem(s, mediaBase);
    await must(gql(api.url, 'mutation($id: ID!) { submitForReview(itemId: $id) { state } }', { id }, writer));
    const self = await gql(api.url, 'mutation($id: ID!) { approveVersion(itemId: $id, versionNumber: 1) { state } }', { id }, writer);
    expect(self.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(self.errors![0].message).toMatch(/someone else must approve it/);
    await own.save(id, s, mediaBase, { durationSeconds: 601 });
    await must(gql(api.url, 'mutation($id: ID!) { submitForReview(itemId: $id) { state } }', { id }, writer));
    const outdated = await gql(api.url, 'mutation($id: ID!) { approveVersion(itemId: $id, versionNumber: 1) { state } }', { id }, reviewer);
    expect(outdated.errors![0].extensions!.code).toBe('CONFLICT');
    expect(outdated.errors![0].message).toMatch(/v1 of .* is outdated: v2 was saved since/);
    const reviews = await withDb((c) => c.query(`SELECT decision FROM version_reviews WHERE item_id = $1 ORDER BY at`, [id]));
    expect(reviews.rows.map((r) => r.decision)).toEqual(['submitted', 'submitted']);
  });

  it('a scheduled release launches within 2 s of its instant, all items at once, in dependency order', async () => {
    const a = slug('session-a');
    const b = slug('session-b');
    const sa = await wf.createItem(a, mediaBase);
    const sb = await wf.createItem(b, mediaBase);
    const cs = slug('course');
    const course = await must(
      gql<{ createItem: { id: string } }>(
        api.url,
        'mutation($i: ItemInput!) { createItem(input: $i) { id } }',
        {
          i: {
            slug: cs,
            kind: 'course',
            defaultLocale: 'en',
            localized: [{ locale: 'en', title: 'Course', description: 'Two sessions' }],
            media: { artworkUrl: `${mediaBase}/ok/c.jpg` },
            attributes: { instructor: 'I' },
            sessions: [sb, sa],
          },
        },
        editor,
      ),
    );
    for (const id of [course.createItem.id, sa, sb]) await wf.approveLatest(id);
    const rel = await wf.release('On time', [course.createItem.id, sa, sb]);
    const { scheduledAt } = await wf.scheduleIn(rel, 6, 'America/Los_Angeles');
    const r = await wf.waitFor(rel, ['launched', 'failed']);
    expect(r.status).toBe('launched');
    expect(new Date(r.launchedAt!).getTime()).toBeGreaterThanOrEqual(new Date(scheduledAt).getTime());
    expect(r.latenessMs).toBeLessThanOrEqual(2000);
    const order = await withDb((c) => c.query(`SELECT item_id FROM release_actions WHERE release_id = $1 ORDER BY applied_order`, [rel]));
    expect(order.rows.map((x) => x.item_id)).toEqual([sb, sa, course.createItem.id]);
    for (const id of [sa, sb, course.createItem.id]) expect((await liveVersionOf(id)).state).toBe('live');
  });

  it('a release blocked at execution publishes nothing and is marked failed with its reasons', async () => {
    const s1 = slug('blocked-ok');
    const s2 = slug('blocked-bad');
    const i1 = await wf.createItem(s1, mediaBase);
    const i2 = await wf.createItem(s2, mediaBase);
    await wf.approveLatest(i1);
    await wf.approveLatest(i2);
    const rel = await wf.release('Blocked at launch', [i1, i2]);
    await wf.scheduleIn(rel, 6);
    // The audio of one item disappears after scheduling: the check at launch must catch it.
    await withDb((c) =>
      c.query(`UPDATE asset_checks SET status = 'unreachable', http_status = 404, error = 'gone' WHERE url = $1`, [`${mediaBase}/ok/${s2}.mp3`]),
    );
    await withDb((c) =>
      c.query(
        `INSERT INTO asset_checks (url, status, http_status, error, checked_at) VALUES ($1, 'unreachable', 404, 'gone', now()) ON CONFLICT (url) DO UPDATE SET status = 'unreachable'`,
        [`${mediaBase}/ok/${s2}.mp3`],
      ),
    );
    const r = await wf.waitFor(rel, ['launched', 'failed']);
    expect(r.status).toBe('failed');
    expect(r.failureReasons!.map((f) => f.code)).toContain('ASSET_UNREACHABLE');
    expect((await liveVersionOf(i1)).liveVersionId).toBeNull();
    expect((await liveVersionOf(i2)).liveVersionId).toBeNull();
    const health = await must(gql<{ schedulerHealth: { failed: { id: string }[] } }>(api.url, '{ schedulerHealth { failed { id } } }', {}, editor));
    expect(health.schedulerHealth.failed.map((f) => f.id)).toContain(rel);
    // The state in GraphQL's casing, and the 0.1 lowercase status beside it (deprecated) for deployed clients.
    const one = await must(
      gql<{ release: { state: string; status: string } }>(api.url, 'query($id: ID!) { release(id: $id) { state status } }', { id: rel }, editor),
    );
    expect(one.release).toEqual({ state: 'FAILED', status: 'failed' });
    const byState = await must(gql<{ releases: { id: string; state: string }[] }>(api.url, '{ releases(states: [FAILED]) { id state } }', {}, editor));
    expect(byState.releases.map((x) => x.id)).toContain(rel);
    expect(new Set(byState.releases.map((x) => x.state))).toEqual(new Set(['FAILED']));
    const byOldName = await must(gql<{ releases: { id: string }[] }>(api.url, '{ releases(statuses: [failed]) { id } }', {}, editor));
    expect(byOldName.releases.map((x) => x.id).sort()).toEqual(byState.releases.map((x) => x.id).sort());
    // A lowercase value where the UPPER_CASE enum is expected is refused by validation, before anything runs.
    const wrong = await gql(api.url, '{ releases(states: [failed]) { id } }', {}, editor);
    expect(wrong.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('rollback restores the exact prior state: the previous live version, or not live', async () => {
    const s1 = slug('rb-was-live');
    const s2 = slug('rb-new');
    const i1 = await wf.createItem(s1, mediaBase);
    const i2 = await wf.createItem(s2, mediaBase);
    await wf.approveLatest(i1);
    const first = await wf.release('First', [i1]);
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: first }, editor));
    await wf.waitFor(first, ['launched']);
    const before1 = await liveVersionOf(i1);
    const before2 = await liveVersionOf(i2);
    await wf.save(i1, s1, mediaBase, { durationSeconds: 900 });
    await wf.approveLatest(i1);
    await wf.approveLatest(i2);
    const second = await wf.release('Second', [i1, i2]);
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: second }, editor));
    await wf.waitFor(second, ['launched']);
    expect((await liveVersionOf(i1)).liveVersionId).not.toBe(before1.liveVersionId);

    // The first release was superseded for i1, so rolling it back is refused and names the later release.
    const refused = await gql(api.url, 'mutation($id: ID!) { rollbackRelease(id: $id) { status } }', { id: first }, editor);
    expect(refused.errors![0].extensions!.code).toBe('CONFLICT');
    expect(refused.errors![0].message).toMatch(/changed by "Second"/);
    expect(await liveVersionOf(i1)).not.toEqual(before1);

    await must(gql(api.url, 'mutation($id: ID!) { rollbackRelease(id: $id) { status } }', { id: second }, editor));
    // v1 is live again from the first release; v2 stays approved, ready for another release.
    expect(await liveVersionOf(i1)).toEqual({ ...before1, state: 'approved' });
    expect(await liveVersionOf(i2)).toEqual({ ...before2, state: 'approved' });
    expect((await liveVersionOf(i2)).liveVersionId).toBeNull();
    const audit = await withDb((c) => c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'release.rolled_back' AND entity_id = $1`, [second]));
    expect(audit.rows[0].n).toBe(1);
  });

  it('rollback is refused, changing nothing, when it would take offline a session of a course launched since', async () => {
    // Probe round 3: a release refuses to unpublish a session of a live course, but a rollback did it: R1 launched a
    // session with its course, R2 a second course around the same session, and rolling back R1 left that course
    // live with a session no app could open.
    const course = async (s: string, sessions: string[]) =>
      (
        await must(
          gql<{ createItem: { id: string } }>(
            api.url,
            'mutation($i: ItemInput!) { createItem(input: $i) { id } }',
            {
              i: {
                slug: s,
                kind: 'course',
                defaultLocale: 'en',
                localized: [{ locale: 'en', title: `Course ${s}`, description: 'Sessions' }],
                media: { artworkUrl: `${mediaBase}/ok/${s}.jpg` },
                attributes: { instructor: 'I' },
                sessions,
              },
            },
            editor,
          ),
        )
      ).createItem.id;
    const launchNow = async (id: string) => {
      await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id }, editor));
      await wf.waitFor(id, ['launched']);
    };
    const sessionSlug = slug('rb-session');
    const session = await wf.createItem(sessionSlug, mediaBase);
    const firstCourse = await course(slug('rb-course-one'), [session]);
    await wf.approveLatest(session);
    await wf.approveLatest(firstCourse);
    const first = await wf.release('Course with its session', [session, firstCourse]);
    await launchNow(first);
    const secondSlug = slug('rb-course-two');
    const secondCourse = await course(secondSlug, [session]);
    await wf.approveLatest(secondCourse);
    const second = await wf.release('Second course', [secondCourse]);
    await launchNow(second);
    const items = [session, firstCourse, secondCourse];
    const before = await Promise.all(items.map(liveVersionOf));

    const refused = await gql(api.url, 'mutation($id: ID!) { rollbackRelease(id: $id) { status } }', { id: first }, editor);
    expect({ code: refused.errors?.[0]?.extensions?.code, message: refused.errors?.[0]?.message }).toEqual({
      code: 'CONFLICT',
      message: expect.stringContaining(`the live course "Course ${secondSlug}" (from "Second course") would list "T ${sessionSlug}", which would not be live`),
    });
    expect(await Promise.all(items.map(liveVersionOf))).toEqual(before);
    const audit = () =>
      withDb(
        async (c) => (await c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'release.rolled_back' AND entity_id = $1`, [first])).rows[0].n,
      );
    expect(await audit()).toBe(0);

    // Rolling back the later course first clears the way; then the first rollback goes through.
    await must(gql(api.url, 'mutation($id: ID!) { rollbackRelease(id: $id) { status } }', { id: second }, editor));
    await must(gql(api.url, 'mutation($id: ID!) { rollbackRelease(id: $id) { status } }', { id: first }, editor));
    expect((await Promise.all(items.map(liveVersionOf))).map((i) => i.liveVersionId)).toEqual([null, null, null]);
    expect(await audit()).toBe(1);
  });

  it.each([
    ['in the past', () => ({ l: '2020-01-01T10:00', z: 'Europe/Amsterdam' }), 'BAD_USER_INPUT', /in the past/],
    ['in a DST gap', () => ({ l: `${sunday(NEXT_YEAR, 3, 'last')}T02:30`, z: 'Europe/Amsterdam' }), 'BAD_USER_INPUT', /does not exist in Europe\/Amsterdam/],
    ['in an unknown zone', () => ({ l: `${new Date().getUTCFullYear() + 1}-06-01T10:00`, z: 'Mars/Olympus_Mons' }), 'BAD_USER_INPUT', /not an IANA time zone/],
    [
      'in a DST overlap without choosing an offset',
      () => ({ l: `${sunday(NEXT_YEAR, 10, 'last')}T02:30`, z: 'Europe/Amsterdam' }),
      'BAD_USER_INPUT',
      /happens twice/,
    ],
    ['after the year 9999 in UTC', () => ({ l: '9999-12-31T23:59', z: 'Etc/GMT+12' }), 'BAD_USER_INPUT', /after the year 9999/],
    [
      'with an offset the zone does not have at that time',
      () => ({ l: `${new Date().getUTCFullYear() + 1}-06-01T10:00`, z: 'Europe/Amsterdam', o: 999 }),
      'BAD_USER_INPUT',
      /happens once, at UTC\+02:00; offsetMinutes 999 does not match it/,
    ],
  ] as [string, () => { l: string; z: string; o?: number }, string, RegExp][])(
    'scheduling %s is refused and changes nothing',
    async (_n, when, code, message) => {
      // (EU clocks change on the last Sunday of March and October.)
      const id = await wf.createItem(slug('sched-bad'), mediaBase);
      await wf.approveLatest(id);
      const rel = await wf.release('Bad schedule', [id]);
      const w = when();
      const r = await gql(
        api.url,
        'mutation($id: ID!, $l: String!, $z: String!, $o: Int) { scheduleRelease(id: $id, input: {localDateTime: $l, timeZone: $z, offsetMinutes: $o}) { status } }',
        { id: rel, l: w.l, z: w.z, o: w.o ?? null },
        editor,
      );
      expect(r.errors![0].extensions!.code).toBe(code);
      expect(r.errors![0].message).toMatch(message);
      expect((await wf.releaseState(rel)).status).toBe('draft');
    },
  );

  it('an ambiguous time is scheduled at the offset the editor chose', async () => {
    const id = await wf.createItem(slug('overlap'), mediaBase);
    await wf.approveLatest(id);
    const rel = await wf.release('Overlap', [id]);
    const day = sunday(NEXT_YEAR, 11, 'first'); // US clocks go back on the first Sunday of November
    const r = await must(
      gql<{ resolveScheduleTime: { kind: string; options: { offsetMinutes: number; instant: string }[] } }>(
        api.url,
        'query($l: String!) { resolveScheduleTime(localDateTime: $l, timeZone: "America/Los_Angeles") { kind options { offsetMinutes instant } } }',
        { l: `${day}T01:30` },
        editor,
      ),
    );
    expect(r.resolveScheduleTime.kind).toBe('AMBIGUOUS');
    expect(r.resolveScheduleTime.options.map((o) => o.offsetMinutes)).toEqual([-420, -480]);
    const d = await must(
      gql<{ scheduleRelease: { scheduledAt: string; timeZone: string; localTime: string } }>(
        api.url,
        'mutation($id: ID!, $l: String!) { scheduleRelease(id: $id, input: {localDateTime: $l, timeZone: "America/Los_Angeles", offsetMinutes: -480}) { scheduledAt timeZone localTime } }',
        { id: rel, l: `${day}T01:30` },
        editor,
      ),
    );
    expect(d.scheduleRelease).toEqual({ scheduledAt: `${day}T09:30:00.000Z`, timeZone: 'America/Los_Angeles', localTime: `${day}T01:30` });
    // Rescheduled in another spelling (zone names are matched case-insensitively; a space may stand for the T): kept
    // in the canonical one, as the Studio and the audit log show it.
    const e = await must(
      gql<{ scheduleRelease: { scheduledAt: string; timeZone: string; localTime: string } }>(
        api.url,
        'mutation($id: ID!, $l: String!) { scheduleRelease(id: $id, input: {localDateTime: $l, timeZone: "america/los_angeles", offsetMinutes: -420}) { scheduledAt timeZone localTime } }',
        { id: rel, l: ` ${day} 01:30` },
        editor,
      ),
    );
    expect(e.scheduleRelease).toEqual({ scheduledAt: `${day}T08:30:00.000Z`, timeZone: 'America/Los_Angeles', localTime: `${day}T01:30` });
  });

  it('bad release input: a retired item, an unapproved version, both refused and nothing changes', async () => {
    const s = slug('retire');
    const id = await wf.createItem(s, mediaBase);
    await wf.approveLatest(id);
    const pub = await wf.release('Publish', [id]);
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: pub }, editor));
    await wf.waitFor(pub, ['launched']);
    const unpub = await wf.release('Unpublish', [id], 'UNPUBLISH');
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: unpub }, editor));
    await wf.waitFor(unpub, ['launched']);
    expect((await liveVersionOf(id)).state).toBe('retired');

    const rel = await must(gql<{ createRelease: { id: string } }>(api.url, 'mutation { createRelease(input: {name: "Later"}) { id } }', {}, editor));
    const retired = await gql(
      api.url,
      'mutation($r: ID!, $i: ID!) { addToRelease(releaseId: $r, itemId: $i, action: PUBLISH) { id } }',
      { r: rel.createRelease.id, i: id },
      editor,
    );
    expect(retired.errors![0].extensions!.code).toBe('ILLEGAL_TRANSITION');
    expect(retired.errors![0].message).toMatch(/is retired/);

    const draft = await wf.createItem(slug('unapproved'), mediaBase);
    const unapproved = await gql(
      api.url,
      'mutation($r: ID!, $i: ID!) { addToRelease(releaseId: $r, itemId: $i, action: PUBLISH, versionNumber: 1) { id } }',
      { r: rel.createRelease.id, i: draft },
      editor,
    );
    expect(unapproved.errors![0].extensions!.code).toBe('ILLEGAL_TRANSITION');
    expect(unapproved.errors![0].message).toMatch(/is not approved \(never submitted\)/);
    const count = await withDb((c) => c.query('SELECT count(*)::int AS n FROM release_actions WHERE release_id = $1', [rel.createRelease.id]));
    expect(count.rows[0].n).toBe(0);
  });

  it('validates relations while composing: a course needs its sessions live or in the same release', async () => {
    const sid = await wf.createItem(slug('lonely-session'), mediaBase);
    const cid = await must(
      gql<{ createItem: { id: string } }>(
        api.url,
        'mutation($i: ItemInput!) { createItem(input: $i) { id } }',
        {
          i: {
            slug: slug('lonely-course'),
            kind: 'course',
            defaultLocale: 'en',
            localized: [{ locale: 'en', title: 'Lonely', description: 'd' }],
            media: { artworkUrl: `${mediaBase}/ok/l.jpg` },
            attributes: { instructor: 'I' },
            sessions: [sid],
          },
        },
        editor,
      ),
    );
    await wf.approveLatest(cid.createItem.id);
    await wf.approveLatest(sid);
    const rel = await wf.release('Course only', [cid.createItem.id]);
    const v = await must(
      gql<{ releaseValidation: { ok: boolean; blocking: { code: string; message: string }[] } }>(
        api.url,
        'query($id: ID!) { releaseValidation(id: $id) { ok blocking { code message } } }',
        { id: rel },
        editor,
      ),
    );
    expect(v.releaseValidation.ok).toBe(false);
    expect(v.releaseValidation.blocking.map((b) => b.code)).toContain('RELATION');
    const sched = await gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: rel }, editor);
    expect(sched.errors![0].extensions!.code).toBe('VALIDATION_FAILED');
    await must(gql(api.url, 'mutation($r: ID!, $i: ID!) { addToRelease(releaseId: $r, itemId: $i, action: PUBLISH) { id } }', { r: rel, i: sid }, editor));
    const ok = await must(gql<{ releaseValidation: { ok: boolean } }>(api.url, 'query($id: ID!) { releaseValidation(id: $id) { ok } }', { id: rel }, editor));
    expect(ok.releaseValidation.ok).toBe(true);
  });

  it('catalogAt shows what a scheduled release will make live, and staged rollout limits who sees it', async () => {
    const id = await wf.createItem(slug('future'), mediaBase);
    await wf.approveLatest(id);
    const rel = await wf.release('Future', [id]);
    await must(gql(api.url, 'mutation($id: ID!) { setReleaseRollout(id: $id, percent: 30) { rolloutPercent } }', { id: rel }, editor));
    const { scheduledAt } = await wf.scheduleIn(rel, 3600);
    const q = 'query($t: DateTime, $p: PersonaInput) { catalogAt(instant: $t, persona: $p) { itemId source } }';
    const later = new Date(new Date(scheduledAt).getTime() + 1000).toISOString();
    const now = await must(gql<{ catalogAt: { itemId: string }[] }>(api.url, q, {}, editor));
    expect(now.catalogAt.map((e) => e.itemId)).not.toContain(id);
    const future = await must(gql<{ catalogAt: { itemId: string; source: string }[] }>(api.url, q, { t: later }, editor));
    expect(future.catalogAt.find((e) => e.itemId === id)?.source).toBe('SCHEDULED');
    let seen = 0;
    for (let u = 0; u < 100; u++) {
      const r = await must(gql<{ catalogAt: { itemId: string }[] }>(api.url, q, { t: later, p: { userId: `persona-${u}` } }, editor));
      if (r.catalogAt.some((e) => e.itemId === id)) seen++;
    }
    expect(seen).toBeGreaterThan(15);
    expect(seen).toBeLessThan(45);
    const past = await gql(api.url, q, { t: '2020-01-01T00:00:00Z' }, editor);
    expect(past.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('keeps the audit log append-only in the database, and searchable', async () => {
    await expect(withDb((c) => c.query(`UPDATE audit_log SET summary = 'x'`))).rejects.toThrow(/immutable/);
    await expect(withDb((c) => c.query(`DELETE FROM audit_log`))).rejects.toThrow(/immutable/);
    await expect(withDb((c) => c.query(`TRUNCATE audit_log`))).rejects.toThrow(/immutable/);
    const log = await must(
      gql<{ auditLog: { totalCount: number; edges: { node: { action: string; actorLabel: string; requestId: string | null } }[] } }>(
        api.url,
        '{ auditLog(filter: {action: "release."}, first: 5) { totalCount edges { node { action actorLabel requestId } } } }',
        {},
        admin,
      ),
    );
    expect(log.auditLog.totalCount).toBeGreaterThan(5);
    expect(log.auditLog.edges.every((e) => e.node.action.startsWith('release.'))).toBe(true);
    expect(log.auditLog.edges.some((e) => e.node.requestId)).toBe(true);
    // Paging follows the cursor it gave; a forged cursor is bad input, not a failed query.
    const q = 'query($after: String) { auditLog(first: 2, after: $after) { pageInfo { endCursor } edges { node { id } } } }';
    type Page = { auditLog: { pageInfo: { endCursor: string }; edges: { node: { id: string } }[] } };
    const first = await must(gql<Page>(api.url, q, {}, admin));
    const next = await must(gql<Page>(api.url, q, { after: first.auditLog.pageInfo.endCursor }, admin));
    expect(BigInt(next.auditLog.edges[0].node.id)).toBeLessThan(BigInt(first.auditLog.edges[1].node.id));
    for (const forged of [['x'], ['99999999999999999999999'], [-1]]) {
      const r = await gql(api.url, q, { after: Buffer.from(JSON.stringify(forged)).toString('base64url') }, admin);
      expect({ forged, code: r.errors?.[0]?.extensions?.code }).toEqual({ forged, code: 'BAD_USER_INPUT' });
    }
  });
});

describe('launch exactly once under failure', () => {
  let media: Server;
  let mediaBase: string;
  let redis: ChildProcess;
  let redisUrl: string;
  let api: ApiHandle;
  let editor: Credentials;
  let wf: Workflow;
  const dir = mkdtempSync(join(tmpdir(), 'marquee-launch-'));

  beforeAll(async () => {
    media = createServer((req, res) => res.writeHead(req.url?.startsWith('/ok/') ? 200 : 404).end());
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    // A Redis of our own, so this test can FLUSHALL it without touching anything else on the machine.
    const port = await freePort();
    redisUrl = `redis://127.0.0.1:${port}`;
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await pollUntil(
      async () => {
        const c = new IORedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        c.on('error', () => undefined);
        try {
          return await c.connect().then(() => c.ping());
        } finally {
          c.disconnect();
        }
      },
      (pong) => pong === 'PONG',
      { what: `our redis-server on ${redisUrl} to answer PING`, timeoutMs: 10000 },
    );
    api = await startApi({ REDIS_URL: redisUrl, OUTBOUND_ALLOWLIST: '127.0.0.1' }); // the webhook receiver is on loopback
    editor = { token: await login(api.url, await createUser('editor')) };
    const reviewer = { token: await login(api.url, await createUser('reviewer')) };
    wf = new Workflow(api, editor, reviewer);
  });
  afterAll(async () => {
    await api?.stop();
    redis?.kill('SIGKILL');
    media.closeAllConnections();
    media.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function launchesOf(releaseId: string) {
    return withDb(async (c) => {
      const audit = await c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'release.launched' AND entity_id = $1`, [releaseId]);
      const published = await c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'item.published' AND after->>'releaseId' = $1`, [releaseId]);
      return { launched: audit.rows[0].n, published: published.rows[0].n };
    });
  }

  async function approvedRelease(name: string, count = 2): Promise<string> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const s = `${name.toLowerCase().replace(/\W+/g, '-')}-${i}-${Date.now() % 100000}`;
      const id = await wf.createItem(s, mediaBase);
      await wf.approveLatest(id);
      ids.push(id);
    }
    return wf.release(name, ids);
  }

  it('a worker SIGKILLed in the middle of a launch: after a restart the launch happened exactly once', async () => {
    const pause = join(dir, 'pause');
    writeFileSync(pause, 'hold');
    const w1 = await startWorker({ REDIS_URL: redisUrl, MARQUEE_TEST_PAUSE_FILE: pause, RECONCILE_INTERVAL_MS: '1000', OUTBOUND_ALLOWLIST: '127.0.0.1' });
    const rel = await approvedRelease('Crash');
    await wf.scheduleIn(rel, 8);
    // The worker is inside the launch transaction, items applied, not committed.
    await waitUntil(() => existsSync(`${pause}.reached`), { what: 'the worker to reach the pause point inside the launch', timeoutMs: 20000 });
    await w1.stop('SIGKILL');
    expect(await launchesOf(rel)).toEqual({ launched: 0, published: 0 });
    rmSync(pause);
    const w2 = await startWorker({ REDIS_URL: redisUrl, RECONCILE_INTERVAL_MS: '1000', OUTBOUND_ALLOWLIST: '127.0.0.1' });
    try {
      const r = await wf.waitFor(rel, ['launched', 'failed'], 45000);
      expect(r.status).toBe('launched');
      expect(await launchesOf(rel)).toEqual({ launched: 1, published: 2 });
    } finally {
      await w2.stop();
    }
  }, 90000);

  it("two releases due at once whose checks read each other's items: one launches, the other fails on the relation, never both", async () => {
    // Probe round 3: each launch locked only its own items, so a release unpublishing a session and one launching a
    // course around it, due together, both passed their checks and both launched: a live course, its session offline.
    const pause = join(dir, 'pause-related');
    const w = await startWorker({ REDIS_URL: redisUrl, MARQUEE_TEST_PAUSE_FILE: pause, OUTBOUND_ALLOWLIST: '127.0.0.1' });
    try {
      const launchNow = (id: string) => must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id }, editor));
      const tag = Date.now() % 100000;
      const session = await wf.createItem(`related-session-${tag}`, mediaBase);
      await wf.approveLatest(session);
      const first = await wf.release('Session alone', [session]);
      await launchNow(first);
      expect((await wf.waitFor(first, ['launched', 'failed'])).status).toBe('launched');
      const courseSlug = `related-course-${tag}`;
      const course = (
        await must(
          gql<{ createItem: { id: string } }>(
            api.url,
            'mutation($i: ItemInput!) { createItem(input: $i) { id } }',
            {
              i: {
                slug: courseSlug,
                kind: 'course',
                defaultLocale: 'en',
                localized: [{ locale: 'en', title: 'Related course', description: 'One session' }],
                media: { artworkUrl: `${mediaBase}/ok/${courseSlug}.jpg` },
                attributes: { instructor: 'I' },
                sessions: [session],
              },
            },
            editor,
          ),
        )
      ).createItem.id;
      await wf.approveLatest(course);
      const unpublish = await wf.release('Session offline', [session], 'UNPUBLISH');
      const publish = await wf.release('Course around it', [course]);

      writeFileSync(pause, 'hold');
      await launchNow(unpublish);
      // The first launch is inside its transaction, the session taken offline, not committed.
      await waitUntil(() => existsSync(`${pause}.reached`) && readFileSync(`${pause}.reached`, 'utf8').includes(unpublish), {
        what: 'the unpublishing launch to reach the pause point',
        timeoutMs: 20000,
      });
      rmSync(`${pause}.reached`);
      await launchNow(publish);
      // Either the second launch passed its checks and reached the pause too, or it waits for the first's lock.
      const waitingOnLock = () =>
        withDb(
          async (c) =>
            (await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0]
              .n as number,
        );
      await waitUntil(async () => existsSync(`${pause}.reached`) || (await waitingOnLock()) > 0, {
        what: 'the second launch to reach the pause point or wait for a lock',
        timeoutMs: 20000,
      });
      rmSync(pause);
      const outcome = {
        unpublish: (await wf.waitFor(unpublish, ['launched', 'failed'])).status,
        publish: await wf.waitFor(publish, ['launched', 'failed']).then((r) => ({ status: r.status, codes: (r.failureReasons ?? []).map((f) => f.code) })),
        live: await withDb(
          async (c) => (await c.query(`SELECT id, live_version_id IS NOT NULL AS live FROM items WHERE id = ANY($1) ORDER BY slug`, [[session, course]])).rows,
        ),
      };
      expect(outcome).toEqual({
        unpublish: 'launched',
        publish: { status: 'failed', codes: ['RELATION'] },
        live: expect.arrayContaining([
          { id: session, live: false },
          { id: course, live: false },
        ]),
      });
    } finally {
      rmSync(pause, { force: true });
      rmSync(`${pause}.reached`, { force: true });
      await w.stop();
    }
  }, 90000);

  it('two workers racing for the same launch: it happens exactly once', async () => {
    const [w1, w2] = await Promise.all([
      startWorker({ REDIS_URL: redisUrl, OUTBOUND_ALLOWLIST: '127.0.0.1' }),
      startWorker({ REDIS_URL: redisUrl, OUTBOUND_ALLOWLIST: '127.0.0.1' }),
    ]);
    try {
      const rel = await approvedRelease('Race', 3);
      // The server refuses instants under 5 s away; two workers starting keep this machine busy, so leave a margin.
      await wf.scheduleIn(rel, 9);
      await wf.waitFor(rel, ['launched', 'failed']);
      // Deliver the same job again, as a duplicate delivery would: it must do nothing.
      const dup = new (await import('bullmq')).Queue('launches', {
        connection: { host: '127.0.0.1', port: Number(new URL(redisUrl).port) },
        prefix: `${process.env.REDIS_PREFIX}:bull`,
      });
      const revision = (await withDb((c) => c.query('SELECT schedule_revision FROM releases WHERE id = $1', [rel]))).rows[0].schedule_revision;
      const job = await dup.add('launch-release', { releaseId: rel, revision }, { jobId: `dup_${Date.now()}` });
      // Wait until a worker has processed the duplicate, not for a fixed time.
      await pollUntil(
        () => job.getState(),
        (state) => state === 'completed' || state === 'failed',
        { what: `the duplicate job ${job.id} to be processed` },
      );
      await dup.close();
      expect(await launchesOf(rel)).toEqual({ launched: 1, published: 3 });
    } finally {
      await Promise.all([w1.stop(), w2.stop()]);
    }
  });

  it('Redis flushed before the instant: the reconciler re-queues from PostgreSQL and the launch still happens, lateness recorded', async () => {
    const rel = await approvedRelease('Flushed');
    const { scheduledAt } = await wf.scheduleIn(rel, 8);
    const c = new IORedis(redisUrl);
    expect(await c.flushall()).toBe('OK');
    c.disconnect();
    // The worker starts after the instant, as after an outage: nothing is in Redis, only the row in PostgreSQL. Waiting
    // out the instant is the scenario itself, so this wait is on the clock.
    await new Promise((r) => setTimeout(r, Math.max(0, new Date(scheduledAt).getTime() - Date.now() + 1000)));
    const w = await startWorker({ REDIS_URL: redisUrl, RECONCILE_INTERVAL_MS: '1000', OUTBOUND_ALLOWLIST: '127.0.0.1' });
    try {
      const r = await wf.waitFor(rel, ['launched', 'failed'], 30000);
      expect(r.status).toBe('launched');
      expect(r.latenessMs).toBeGreaterThan(1000);
      expect(r.events.map((e) => e.kind)).toContain('reconciled');
      expect(await launchesOf(rel)).toEqual({ launched: 1, published: 2 });
    } finally {
      await w.stop();
    }
  }, 60000);

  it('webhooks: a receiver gets exactly one signed event per release, retried after it first answers 500', async () => {
    const received: { headers: IncomingMessage['headers']; body: string; status: number }[] = [];
    let first = true;
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const isLaunch = req.headers['x-marquee-event'] === 'release.launched';
        const status = isLaunch && first ? 500 : 200;
        if (isLaunch) first = false;
        received.push({ headers: req.headers, body, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const adminTok = { token: await login(api.url, await createUser('admin')) };
    const ep = await must(
      gql<{ createWebhookEndpoint: { secret: string } }>(
        api.url,
        'mutation($u: String!) { createWebhookEndpoint(input: {url: $u, events: ["release.launched"]}) { secret } }',
        { u: url },
        adminTok,
      ),
    );
    const w = await startWorker({ REDIS_URL: redisUrl, WEBHOOK_BACKOFF_MS: '300', OUTBOUND_ALLOWLIST: '127.0.0.1' });
    try {
      const rel = await approvedRelease('Hooked');
      await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: rel }, editor));
      await wf.waitFor(rel, ['launched']);
      await waitUntil(() => received.some((r) => r.status === 200), {
        what: 'the retried delivery to be answered 200',
        describe: () => JSON.stringify(received.map((r) => r.status)),
      });
      const launches = received.filter((r) => r.headers['x-marquee-event'] === 'release.launched');
      expect(launches.map((r) => r.status)).toEqual([500, 200]);
      expect(new Set(launches.map((r) => r.headers['x-marquee-event-id'])).size).toBe(1);
      for (const r of launches) {
        expect(
          verifySignature(
            ep.createWebhookEndpoint.secret,
            Number(r.headers['x-marquee-timestamp']),
            r.body,
            String(r.headers['x-marquee-signature']),
            Math.floor(Date.now() / 1000),
          ),
        ).toBe(true);
      }
      const payload = JSON.parse(launches[1].body);
      expect(payload.type).toBe('release.launched');
      expect(payload.data.changes).toHaveLength(2);
      const log = await must(
        gql<{ webhookDeliveries: { status: string; attempts: number; attemptLog: { statusCode: number }[] }[] }>(
          api.url,
          '{ webhookDeliveries { status attempts attemptLog { statusCode } } }',
          {},
          adminTok,
        ),
      );
      expect(log.webhookDeliveries[0]).toMatchObject({ status: 'DELIVERED', attempts: 2, attemptLog: [{ statusCode: 500 }, { statusCode: 200 }] });
    } finally {
      await w.stop();
      receiver.closeAllConnections();
      receiver.close();
    }
  });
});
