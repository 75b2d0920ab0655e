import { createServer as createHttp, Server as HttpServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiHandle, Credentials, RunningProcess, createApiKey, createUser, gql, login, startApi, startWorker, withDb } from '../support/stack';
import { Workflow, meditationInput, must } from '../support/launch-helpers';
import { pollUntil } from '../support/wait';
import { runTraffic } from '../../apps/cli/src/commands/traffic';

const COLLECTION = 'seqtest-spec';

type Test = {
  itemId: string;
  status: string;
  quota: number;
  impressions: number;
  decisionReason: string | null;
  decidedAt: string | null;
  queuePosition: number | null;
  rule: string;
  probBeatsControl: number;
  evidence: { estimate: number; lower: number; upper: number; alwaysValidP: number; controlImpressions: number; comparisonControlImpressions: number | null };
};
const TESTS = `query($s: String!) { contentTests(surface: $s) { itemId status quota impressions decisionReason decidedAt queuePosition rule probBeatsControl
  evidence { estimate lower upper alwaysValidP controlImpressions comparisonControlImpressions } } }`;

describe('content tests through the API: the baseline choice, the sequential rule, the slot queue, the learning lag', () => {
  let media: HttpServer;
  let mediaBase: string;
  let api: ApiHandle;
  let worker: RunningProcess;
  let admin: Credentials;
  let editor: Credentials;
  let clientKey: string;
  let wf: Workflow;
  const items: string[] = [];
  let launchedAt = '';

  beforeAll(async () => {
    media = createHttp((req, res) => res.writeHead(req.url?.startsWith('/ok/') ? 200 : 404).end());
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    const env = { ENGINE_REFRESH_MS: '300', LEARN_INTERVAL_MS: '300', LABEL_WINDOW_SECONDS: '1', OUTBOUND_ALLOWLIST: '127.0.0.1' };
    api = await startApi(env);
    worker = await startWorker(env);
    editor = { token: await login(api.url, await createUser('editor')) };
    admin = { token: await login(api.url, await createUser('admin')) };
    const reviewer = { token: await login(api.url, await createUser('reviewer')) };
    clientKey = (await createApiKey('seqtest client')).key;
    wf = new Workflow(api, editor, reviewer);
    for (let i = 0; i < 6; i++) {
      const id = await wf.createItem(`sq-${i}-${Date.now() % 100000}`, mediaBase, {
        localized: [{ locale: 'en', title: `Seq ${i}`, description: 'd' }],
        locales: ['en'],
        collections: [COLLECTION],
      });
      await wf.approveLatest(id);
      items.push(id);
    }
    launchedAt = new Date(Date.now() - 1000).toISOString();
    const rel = await wf.release('Seq catalogue', items);
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: rel }, editor));
    await wf.waitFor(rel, ['launched']);
  }, 180000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    media.closeAllConnections();
    media.close();
  });

  const create = (key: string, input: Record<string, unknown>) =>
    gql<{ createSurface: { key: string; testsLaunchedAfter: string; testQuota: number | null } }>(
      api.url,
      'mutation($k: String!, $i: SurfaceInputGql) { createSurface(key: $k, name: "Seq", slots: 5, input: $i) { key testsLaunchedAfter testQuota } }',
      { k: key, i: { candidateRule: { collections: [COLLECTION] }, ...input } },
      admin,
    );

  it('refuses a baseline more than a year ahead with a typed error, and saves nothing', async () => {
    const r = await create('seqbad', { testsLaunchedAfter: new Date(Date.now() + 400 * 86_400_000).toISOString() });
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].message).toMatch(/testsLaunchedAfter must be a date and time no more than a year ahead/);
    const found = await gql(api.url, '{ surface(key: "seqbad") { key } }', {}, admin);
    expect(found.data?.surface ?? null).toBeNull();
  });

  it('makes the baseline an explicit choice: by default what is live is established; a past moment puts those launches into tests', async () => {
    const plain = await must(create('seqplain', {}));
    // Default: the surface's creation time, so the catalogue launched before it is its baseline.
    expect(Date.parse(plain.createSurface.testsLaunchedAfter)).toBeGreaterThan(Date.parse(launchedAt));
    const chosen = await must(create('seqtest', { testsLaunchedAfter: launchedAt, testQuota: 10 }));
    expect(chosen.createSurface.testsLaunchedAfter).toBe(launchedAt);
    const tests = await pollUntil(
      async () => (await must(gql<{ contentTests: Test[] }>(api.url, TESTS, { s: 'seqtest' }, editor))).contentTests,
      (t) => t.length === items.length,
      // The worker's learner starts tests at its next step; in the full suite the shared database holds every earlier
      // file's surfaces and events, so that step can take a while.
      { what: `content tests of all ${items.length} items on "seqtest"`, timeoutMs: 60_000, describe: (t) => `${(t as Test[]).length} tests` },
    );
    expect(tests.map((t) => t.itemId).sort()).toEqual([...items].sort());
    // The oldest-first queue: all started together, so by item id; the first 4 are served now.
    const byQueue = [...tests].sort((a, b) => a.queuePosition! - b.queuePosition!);
    expect(byQueue.map((t) => t.queuePosition)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(byQueue.map((t) => t.itemId)).toEqual([...items].sort());
    expect(tests.every((t) => t.status === 'RUNNING' && t.quota === 10 && /mSPRT.*alpha/.test(t.rule))).toBe(true);
    // The default surface tests none of them.
    expect((await must(gql<{ contentTests: Test[] }>(api.url, TESTS, { s: 'seqplain' }, editor))).contentTests).toEqual([]);
  }, 120000);

  it('tests an item on each surface it matches: a test already running on one surface does not keep it out of another', async () => {
    const before = (await must(gql<{ contentTests: Test[] }>(api.url, TESTS, { s: 'seqtest' }, editor))).contentTests;
    expect(before).toHaveLength(items.length);
    await must(create('seqtwo', { testsLaunchedAfter: launchedAt, testQuota: 10 }));
    const tests = await pollUntil(
      async () => (await must(gql<{ contentTests: Test[] }>(api.url, TESTS, { s: 'seqtwo' }, editor))).contentTests,
      (t) => t.length === items.length,
      { what: `content tests of all ${items.length} items on a second surface "seqtwo"`, timeoutMs: 60_000, describe: (t) => `${(t as Test[]).length} tests` },
    );
    expect(tests.map((t) => t.itemId).sort()).toEqual([...items].sort());
    // The first surface's tests are untouched.
    const after = (await must(gql<{ contentTests: Test[] }>(api.url, TESTS, { s: 'seqtest' }, editor))).contentTests;
    expect(after.map((t) => t.itemId).sort()).toEqual(before.map((t) => t.itemId).sort());
  }, 120000);

  it('moves the slot queue on what a test was served, before its impressions are counted', async () => {
    // A second API process whose label window is long, so no placement it serves settles during this test: the
    // running tests on "seqtwo" (quota 10) count no impressions at all, and only what they were served can free
    // their slots. With the queue moved on counted impressions alone, the 5th and 6th tests would never be served.
    const slow = await startApi({ ENGINE_REFRESH_MS: '300', LEARN_INTERVAL_MS: '300', LABEL_WINDOW_SECONDS: '600', OUTBOUND_ALLOWLIST: '127.0.0.1' });
    try {
      const FEED = 'query($s: String!, $u: ID!) { feed(surface: $s, userId: $u, limit: 5) { items { reason item { id } } } }';
      const tested = new Map<string, number>();
      let n = 0;
      await pollUntil(
        async () => {
          for (let i = 0; i < 40; i++) {
            const r = await must(
              gql<{ feed: { items: { reason: string; item: { id: string } }[] } }>(slow.url, FEED, { s: 'seqtwo', u: `served-${n++}` }, { apiKey: clientKey }),
            );
            for (const it of r.feed.items) if (it.reason === 'CONTENT_TEST') tested.set(it.item.id, (tested.get(it.item.id) ?? 0) + 1);
          }
          return tested.size;
        },
        (size) => size === items.length,
        {
          what: `test slots on every one of the ${items.length} tests of "seqtwo"`,
          timeoutMs: 60_000,
          describe: () => `${n} feeds; test slots per item ${JSON.stringify([...tested.values()])}`,
        },
      );
      const tests = (await must(gql<{ contentTests: Test[] }>(api.url, TESTS, { s: 'seqtwo' }, editor))).contentTests;
      // Nothing was counted: the queue moved on served placements alone.
      expect(tests.every((t) => t.status === 'RUNNING' && t.impressions === 0)).toBe(true);
    } finally {
      await slow.stop();
    }
  }, 120000);

  it('decides tests from real traffic, with the evidence (estimate, always-valid interval and p, impressions, decided-at) in the API and the audit log', async () => {
    await pollUntil(
      () => gql(api.url, 'query($s: String!) { feed(surface: $s, userId: "probe") { requestId } }', { s: 'seqtest' }, { apiKey: clientKey }),
      (r) => !!r.data,
      { what: 'surface seqtest to serve' },
    );
    // Feeds and events through the client API until the first two tests decide at their quota of 10: with 6 tests and
    // 4 served at a time, the first two to reach 10 impressions end there, because others wait for their slots.
    let decided: Test[] = [];
    await pollUntil(
      async () => {
        await runTraffic({
          url: api.url,
          apiKey: clientKey,
          surface: 'seqtest',
          requests: 40,
          users: 400,
          success: 'PLAY_START',
          concurrency: 2,
          seed: Date.now() % 1000,
        });
        decided = (await must(gql<{ contentTests: Test[] }>(api.url, TESTS, { s: 'seqtest' }, editor))).contentTests.filter((t) => t.status !== 'RUNNING');
        return decided.length;
      },
      (n) => n >= 2,
      { what: 'two content tests decided at their quota of 10', timeoutMs: 90_000, describe: (n) => `${n} decided` },
    );
    for (const t of decided) {
      expect(['GRADUATED', 'UNDERPERFORMING', 'INCONCLUSIVE']).toContain(t.status);
      expect(t.impressions).toBeGreaterThanOrEqual(10);
      expect(t.decisionReason).toMatch(/QUOTA_REACHED|EARLY_STOP/);
      expect(t.decidedAt).not.toBeNull();
      expect(t.queuePosition).toBeNull();
      expect(t.evidence.alwaysValidP).toBeGreaterThan(0);
      expect(t.evidence.alwaysValidP).toBeLessThanOrEqual(1);
      expect(t.evidence.lower).toBeLessThanOrEqual(t.evidence.estimate);
      expect(t.evidence.upper).toBeGreaterThanOrEqual(t.evidence.estimate);
      expect(t.probBeatsControl).toBeGreaterThanOrEqual(0);
      // P(beats control) rests on the control since the lookback mark: never less than the sequential rule's window.
      expect(t.evidence.comparisonControlImpressions).toBeGreaterThanOrEqual(t.evidence.controlImpressions);
    }
    // Each test stored where its comparison window starts, next to its start.
    const starts = await withDb((c) => c.query(`SELECT control_at_start FROM content_tests WHERE surface_key = 'seqtest'`));
    for (const r of starts.rows) expect(r.control_at_start.lookback.impressions).toBeLessThanOrEqual(r.control_at_start.impressions);
    // The tests still running keep their oldest-first order (by item id here: they started together), from 0.
    const running = (await must(gql<{ contentTests: Test[] }>(api.url, TESTS, { s: 'seqtest' }, editor))).contentTests.filter((t) => t.status === 'RUNNING');
    const runningOrder = [...running].sort((a, b) => a.queuePosition! - b.queuePosition!);
    expect(runningOrder.map((t) => t.queuePosition)).toEqual(runningOrder.map((_, i) => i));
    expect(runningOrder.map((t) => t.itemId)).toEqual(running.map((t) => t.itemId).sort());
    const audit = await withDb((c) => c.query(`SELECT after FROM audit_log WHERE action = 'content_test.decided' AND after->>'surface' = 'seqtest'`));
    expect(audit.rows.length).toBe(decided.length);
    expect(audit.rows[0].after.sequential.alwaysValidP).toBeGreaterThan(0);
    expect(audit.rows[0].after.rule).toMatch(/mSPRT/);
  }, 120000);

  it("shows the learning loop's lag in the API and in scheduler health", async () => {
    const LAG =
      '{ learningLag { healthy learnIntervalMs passes { pass eventsWaiting eventsWaitingCapped lastFoldAt oldestWaitingSeconds } models { surface ageSeconds } } }';
    const lag = await pollUntil(
      async () =>
        (
          await must(
            gql<{
              learningLag: {
                healthy: boolean;
                learnIntervalMs: number;
                passes: { pass: string; eventsWaiting: number; lastFoldAt: string | null }[];
                models: { surface: string; ageSeconds: number }[];
              };
            }>(api.url, LAG, {}, editor),
          )
        ).learningLag,
      (l) => l.passes.every((p) => p.eventsWaiting === 0 && p.lastFoldAt !== null),
      { what: 'the learner to fold every stored event', describe: (l) => JSON.stringify(l) },
    );
    expect(lag.healthy).toBe(true);
    expect(lag.learnIntervalMs).toBe(300);
    expect(lag.passes.map((p) => p.pass)).toEqual(['PROFILES', 'MODEL']);
    expect(lag.models.find((m) => m.surface === 'seqtest')?.ageSeconds).toBeGreaterThanOrEqual(0);
    const health = await must(
      gql<{ schedulerHealth: { reconcilerHealthy: boolean; learning: { passes: { pass: string }[] } } }>(
        api.url,
        '{ schedulerHealth { reconcilerHealthy learning { passes { pass } } } }',
        {},
        editor,
      ),
    );
    expect(health.schedulerHealth.learning.passes.map((p) => p.pass)).toEqual(['PROFILES', 'MODEL']);
    // Events the worker has not folded yet show as waiting: stop the worker, add events, and look.
    await worker.stop();
    try {
      await runTraffic({ url: api.url, apiKey: clientKey, surface: 'seqtest', requests: 5, users: 50, success: 'PLAY_START', concurrency: 1, seed: 7 });
      const waiting = (
        await must(gql<{ learningLag: { passes: { pass: string; eventsWaiting: number; oldestWaitingSeconds: number | null }[] } }>(api.url, LAG, {}, editor))
      ).learningLag.passes;
      expect(waiting.every((p) => p.eventsWaiting > 0 && p.oldestWaitingSeconds !== null)).toBe(true);
    } finally {
      worker = await startWorker({ ENGINE_REFRESH_MS: '300', LEARN_INTERVAL_MS: '300', LABEL_WINDOW_SECONDS: '1', OUTBOUND_ALLOWLIST: '127.0.0.1' });
    }
  }, 120000);

  it('names the real rule for a topic: no leading, trailing or doubled dash', async () => {
    const slug = `sq-bad-${Date.now() % 100000}`;
    const r = await gql(api.url, 'mutation($i: ItemInput!) { createItem(input: $i) { id } }', { i: meditationInput(slug, { topics: ['musical-'] }) }, editor);
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].message).toMatch(
      /"musical-" must be lowercase letters and digits joined by single dashes or underscores, with no leading, trailing or doubled dash/,
    );
  });
});
