import { createServer as createHttp, Server as HttpServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApiHandle, Credentials, RunningProcess, createApiKey, createUser, gql, login, startApi, startWorker, withDb } from '../support/stack';
import { Workflow, must } from '../support/launch-helpers';
import {
  MODEL_TEST_ENV,
  MODEL_TEST_KINDS,
  MODEL_TEST_SURFACE,
  MODEL_TEST_TRAFFIC,
  modelTestTruth,
  surfaceServable,
  simulatedRequestsLogged,
} from '../support/model-test-data';
import { simulateTraffic } from '../support/traffic';
import { pollUntil } from '../support/wait';
import { ITEM_DIM, ITEM_LAYOUT, ITEM_KINDS, USER_DIM } from '../../libs/placement/src/engine/features';

/**
 * The model lifecycle on the real stack, under simulated traffic whose truth is known: sleep stories are what these
 * users play; everything else rarely. A model that says so is promoted by the guardrail; one that says the opposite is
 * rolled back by it.
 */
const SLEEP = ITEM_KINDS.indexOf('sleep_story');

function crafted(version: string, sleepWeight: number) {
  const bilinear = Array.from({ length: USER_DIM + 1 }, () => new Array<number>(ITEM_DIM + 1).fill(0));
  // Row 0 / column 0 are the intercept and main effects; the user bias feature (index 0) × item kind.
  for (let k = 0; k < ITEM_KINDS.length; k++) bilinear[1][1 + ITEM_LAYOUT.kind + k] = k === SLEEP ? sleepWeight : -sleepWeight;
  return {
    format: 'marquee.reward-model.v1',
    version,
    userFeatureNames: Array.from({ length: USER_DIM }, (_, i) => `u${i}`),
    itemFeatureNames: Array.from({ length: ITEM_DIM }, (_, i) => `i${i}`),
    embeddingDim: 1,
    bilinear,
    itemIds: [],
    itemBias: [],
    itemIdEmbedding: [],
    itemFeatureProjection: [],
    userFeatureProjection: [],
  };
}

describe('model lifecycle: training, offline gate, canary, guardrail', () => {
  let media: HttpServer;
  let api: ApiHandle;
  let worker: RunningProcess;
  let client: Credentials;
  let admin: Credentials;
  let analyst: Credentials;

  const truth = modelTestTruth;

  beforeAll(async () => {
    media = createHttp((req, res) => res.writeHead(req.url?.startsWith('/ok/') ? 200 : 404).end());
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    const mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    api = await startApi(MODEL_TEST_ENV);
    worker = await startWorker(MODEL_TEST_ENV);
    const editor = { token: await login(api.url, await createUser('editor')) };
    const reviewer = { token: await login(api.url, await createUser('reviewer')) };
    admin = { token: await login(api.url, await createUser('admin')) };
    analyst = { token: await login(api.url, await createUser('analyst')) };
    client = { apiKey: (await createApiKey('simulated app')).key };
    const wf = new Workflow(api, editor, reviewer);
    const kinds = MODEL_TEST_KINDS;
    const ids: string[] = [];
    for (let i = 0; i < kinds.length; i++) {
      const attr = { meditation: { narrator: 'A' }, sleep_story: { narrator: 'N' }, music: { artist: 'M' }, talk: { speaker: 'S' } }[kinds[i]]!;
      const id = await wf.createItem(`ml-${i}-${Date.now() % 100000}`, mediaBase, {
        kind: kinds[i],
        locales: ['en'],
        localized: [{ locale: 'en', title: `Item ${i}`, subtitle: 's', description: 'd' }],
        attributes: attr,
      });
      await wf.approveLatest(id);
      ids.push(id);
    }
    const rel = await wf.release('Model test catalogue', ids);
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: rel }, editor));
    await wf.waitFor(rel, ['launched']);
    await must(
      gql(
        api.url,
        'mutation($i: SurfaceInputGql) { createSurface(key: "ml", name: "Model test", slots: 4, input: $i) { id } }',
        { i: MODEL_TEST_SURFACE },
        admin,
      ),
    );
    await surfaceServable(api, client, 'ml');
  }, 180000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    media.closeAllConnections();
    media.close();
  });

  async function model(id: string) {
    return (
      await must(
        gql<{
          modelVersion: {
            status: string;
            progress: number;
            metrics: Record<string, number> | null;
            gate: Record<string, unknown> | null;
            canaryStats: Record<string, number> | null;
            statusReason: string | null;
          };
        }>(api.url, 'query($id: ID!) { modelVersion(id: $id) { status progress metrics gate canaryStats statusReason } }', { id }, analyst),
      )
    ).modelVersion;
  }

  // status in the database's words (the API answers GATE_PASSED for gate_passed)
  async function insertModel(version: string, weight: number, status = 'gate_passed', surface = 'ml'): Promise<string> {
    const id = randomUUID();
    await withDb((c) =>
      c.query(`INSERT INTO model_versions (id, surface_key, version, status, export, progress) VALUES ($1, $2, $3, $4, $5::jsonb, 1)`, [
        id,
        surface,
        version,
        status,
        JSON.stringify(crafted(version, weight)),
      ]),
    );
    return id;
  }

  /** A surface of its own, so the live policy it is compared with has not already learned from earlier tests. */
  async function freshSurface(key: string): Promise<void> {
    await must(
      gql(
        api.url,
        'mutation($k: String!) { createSurface(key: $k, name: $k, slots: 4, input: {randomFloor: 0.05, explorationBudget: 0.05}) { id } }',
        { k: key },
        admin,
      ),
    );
    await surfaceServable(api, client, key);
  }

  /**
   * Drives canary traffic in rounds until the guardrail decides: after each round, waits until that round is in the
   * feed log and the guardrail has looked at it (its check time is later), instead of sleeping and hoping it has.
   */
  async function canaryUntilDecided(id: string, surface: string, seedBase: number) {
    let m = await model(id);
    for (let round = 0; round < 30 && m.status === 'CANARY'; round++) {
      await simulateTraffic(api, client, { surface, requests: 80, users: 400, truth, seed: seedBase + round });
      await withDb((c) => simulatedRequestsLogged(c, surface, 80 * (round + 1)));
      const logged = Date.now();
      m = await pollUntil(
        () => model(id),
        (x) => x.status !== 'CANARY' || (!!x.canaryStats?.checkedAt && new Date(x.canaryStats.checkedAt).getTime() > logged),
        // Its check shares the training queue with training and evaluations, so allow for a busy worker.
        { what: `the guardrail to check round ${round} of ${surface}`, timeoutMs: 60000 },
      );
    }
    return m;
  }

  it("trains a TensorFlow.js model on the surface's own logs through the worker, with progress, then runs the offline gate", async () => {
    const t = await simulateTraffic(api, client, { ...MODEL_TEST_TRAFFIC, surface: 'ml', truth });
    expect(t.impressions).toBeGreaterThan(300);
    await withDb((c) => simulatedRequestsLogged(c, 'ml', t.requests));
    const queued = await must(
      gql<{ trainModel: { id: string; status: string } }>(api.url, 'mutation { trainModel(surface: "ml", days: 1) { id status } }', {}, admin),
    );
    expect(queued.trainModel.status).toBe('TRAINING');
    const progress: number[] = [];
    const m = await pollUntil(
      async () => {
        const x = await model(queued.trainModel.id);
        progress.push(x.progress);
        return x;
      },
      (x) => !['TRAINING', 'CANDIDATE'].includes(x.status),
      { what: 'training and the offline gate to finish', timeoutMs: 120000, intervalMs: 300 },
    );
    expect(['GATE_PASSED', 'GATE_FAILED']).toContain(m.status);
    expect(m.progress).toBe(1);
    expect(new Set(progress).size).toBeGreaterThan(1); // progress was reported along the way
    // The model ranks the held-out (later) impressions better than chance. A failure prints the whole fit: toMatchObject
    // printed only the keys it expected, so the figures that would explain it were lost (issue 8, defect 14).
    // Measured on this very data (test/measure/model-holdout.measure.ts, 72 fits): holdout AUC 0.77 to 0.91.
    if (!(m.metrics!.holdoutAuc > 0.5)) {
      throw new Error(
        `The trained model ranks the held-out impressions no better than chance (holdout AUC ${m.metrics!.holdoutAuc}). Status ${m.status}: ${m.statusReason}. Metrics ${JSON.stringify(m.metrics)}. Gate ${JSON.stringify(m.gate)}. Traffic: ${t.requests} requests, ${t.impressions} impressions, ${t.successes} plays.`,
      );
    }
    expect(m.gate).toMatchObject({ estimator: 'snips', passed: m.status === 'GATE_PASSED' });
    // The gate also judged the model's own fit, from the same metrics, and passes only when that passes too.
    const fit = (m.gate as { fit: { holdoutAuc: number; passed: boolean; reason: string } }).fit;
    expect(fit).toMatchObject({ holdoutAuc: m.metrics!.holdoutAuc, passed: m.metrics!.holdoutLogLoss < m.metrics!.baselineLogLoss });
    if (m.status === 'GATE_PASSED') expect(fit.passed).toBe(true);
    expect(m.statusReason).toContain(fit.reason);
    const audit = await withDb((c) => c.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [queued.trainModel.id]));
    expect(audit.rows.map((r) => r.action)).toEqual([
      'model.training_requested',
      'model.trained',
      m.status === 'GATE_PASSED' ? 'model.gate_passed' : 'model.gate_failed',
    ]);
  }, 240000);

  it('evaluates policies offline on its own logs: IPS, SNIPS, DM and DR with intervals', async () => {
    const runs = [] as string[];
    for (const target of ['CURRENT', 'UNIFORM']) {
      const r = await must(
        gql<{ evaluatePolicy: { id: string } }>(
          api.url,
          'mutation($t: OpeTarget!) { evaluatePolicy(surface: "ml", target: $t, days: 1) { id } }',
          { t: target },
          admin,
        ),
      );
      runs.push(r.evaluatePolicy.id);
    }
    type Run = {
      id: string;
      status: string;
      estimates: { results: { estimator: string; value: number; ci: { lower: number; upper: number }; ess: number }[] } | null;
    };
    const list = await pollUntil(
      async () =>
        (await must(gql<{ opeRuns: Run[] }>(api.url, '{ opeRuns(surface: "ml") { id status estimates } }', {}, analyst))).opeRuns.filter((r) =>
          runs.includes(r.id),
        ),
      (l) => l.length === runs.length && l.every((r) => r.status === 'DONE' || r.status === 'FAILED'),
      {
        what: 'both evaluation runs to end',
        timeoutMs: 60000,
        intervalMs: 300,
        describe: (l) => JSON.stringify((l as Run[]).map((r) => ({ id: r.id, status: r.status }))),
      },
    );
    expect(list.map((r) => r.status)).toEqual(['DONE', 'DONE']);
    for (const r of list) {
      expect(r.estimates!.results.map((x) => x.estimator)).toEqual(['ips', 'snips', 'dm', 'dr']);
      for (const x of r.estimates!.results) expect(x.ci.lower).toBeLessThanOrEqual(x.ci.upper);
    }
    const empty = await gql(api.url, 'mutation { evaluatePolicy(surface: "home-that-does-not-exist", target: CURRENT) { id } }', {}, admin);
    expect(empty.errors![0].extensions!.code).toBe('NOT_FOUND');
  }, 120000);

  it('refuses to promote or canary a model that has not passed the gate', async () => {
    const id = await insertModel('crafted-ungated', 1.5, 'gate_failed');
    for (const op of ['promoteModel', 'startCanary']) {
      const r = await gql(api.url, `mutation($id: ID!) { ${op}(id: $id) { status } }`, { id }, admin);
      expect(r.errors![0].extensions!.code).toBe('ILLEGAL_TRANSITION');
    }
    expect((await model(id)).status).toBe('GATE_FAILED');
  });

  it('refuses a canary share that is not 0.0001 to 0.5 (1e-46 broke PostgreSQL real) with BAD_USER_INPUT, and starts nothing', async () => {
    const id = await insertModel('crafted-tiny-share', 1.5, 'gate_passed');
    const auditBefore = (await withDb((c) => c.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1`, [id]))).rows[0].n;
    for (const share of [1e-46, 5e-324, 0.00009, 0, 0.51]) {
      const r = await gql(api.url, 'mutation($id: ID!, $s: Float) { startCanary(id: $id, share: $s) { status } }', { id, s: share }, admin);
      expect({ share, code: r.errors?.[0]?.extensions?.code, message: r.errors?.[0]?.message }).toEqual({
        share,
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(/from 0\.0001 .* to 0\.5/),
      });
      expect(r.errors![0].extensions!.problems).toEqual([{ field: 'share', message: expect.any(String) }]);
    }
    expect((await model(id)).status).toBe('GATE_PASSED');
    const engine = await withDb((c) => c.query(`SELECT canary_model_id, canary_share FROM engine_states WHERE surface_key = 'ml'`));
    expect(engine.rows[0]).toEqual({ canary_model_id: null, canary_share: 0 });
    expect((await withDb((c) => c.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1`, [id]))).rows[0].n).toBe(auditBefore);
  });

  it('refuses an evaluation configuration the engine would refuse, with BAD_USER_INPUT, and queues no run', async () => {
    const runs = () => withDb(async (c) => (await c.query(`SELECT count(*)::int AS n FROM ope_runs`)).rows[0].n as number);
    const audits = () => withDb(async (c) => (await c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'ope.requested'`)).rows[0].n as number);
    const before = { runs: await runs(), audits: await audits() };
    const cases: [string, Record<string, unknown>, string][] = [
      ['CONFIG', { slots: 1e9 }, 'config.slots'],
      ['CONFIG', { slots: -1 }, 'config.slots'],
      ['CONFIG', { slots: 101 }, 'config.slots'],
      ['CONFIG', { slots: null }, 'config.slots'],
      ['CONFIG', { slots: 1.5 }, 'config.slots'],
      ['CONFIG', { slots: '5' }, 'config.slots'],
      ['CONFIG', { explorationBudget: 1e308 }, 'config.explorationBudget'],
      ['CONFIG', { explorationBudget: 1e-46 }, 'config.explorationBudget'],
      ['CONFIG', { explorationBudget: 0.1, randomFloor: 0.2 }, 'config.randomFloor'],
      ['CONFIG', { randomFloor: 'lots' }, 'config.randomFloor'],
      ['CURRENT', { slots: 3 }, 'config'],
    ];
    for (const [target, config, field] of cases) {
      const r = await gql(
        api.url,
        'mutation($t: OpeTarget!, $c: JSON) { evaluatePolicy(surface: "ml", target: $t, config: $c, days: 1) { id status } }',
        { t: target, c: config },
        admin,
      );
      expect({
        target,
        config,
        code: r.errors?.[0]?.extensions?.code,
        fields: (r.errors?.[0]?.extensions?.problems as { field: string }[] | undefined)?.map((p) => p.field),
      }).toEqual({
        target,
        config,
        code: 'BAD_USER_INPUT',
        fields: [field],
      });
      expect(r.data).toBeNull();
    }
    expect({ runs: await runs(), audits: await audits() }).toEqual(before);
    // A valid configuration is still queued.
    const ok = await must(
      gql<{ evaluatePolicy: { status: string } }>(
        api.url,
        'mutation { evaluatePolicy(surface: "ml", target: CONFIG, config: {slots: 3, explorationBudget: 0.2, randomFloor: 0.0001}, days: 1) { status } }',
        {},
        admin,
      ),
    );
    expect(ok.evaluatePolicy.status).toBe('QUEUED');
  });

  it('rolls a deliberately worse model back automatically under traffic', async () => {
    await freshSurface('ml-worse');
    // Far enough wrong that the canary's own online learning cannot repair it before the guardrail has seen enough. The
    // canary learns from the same events as live, so a mildly wrong prior (−2.5) was sometimes repaired first, and then
    // either stayed undecided or was promoted as harmless.
    const id = await insertModel('crafted-worse', -6, 'gate_passed', 'ml-worse');
    await must(gql(api.url, 'mutation($id: ID!) { startCanary(id: $id, share: 0.5) { status } }', { id }, admin));
    const m = await canaryUntilDecided(id, 'ml-worse', 100);
    // With the guardrail's figures, so a failure says how far the evidence got.
    expect({ status: m.status, stats: m.canaryStats }).toMatchObject({ status: 'ROLLED_BACK' });
    expect(m.statusReason).toMatch(/^Guardrail: canary \d+\/\d+ vs live \d+\/\d+, P\(canary worse\) = 0\.9[5-9]|1\.000/);
    const audit = await withDb((c) => c.query(`SELECT actor_id FROM audit_log WHERE entity_id = $1 AND action = 'model.rolled_back'`, [id]));
    expect(audit.rows).toEqual([{ actor_id: 'system:guardrail' }]);
  }, 240000);

  it('promotes a better model automatically under traffic', async () => {
    await freshSurface('ml-better');
    const id = await insertModel('crafted-better', 2.5, 'gate_passed', 'ml-better');
    await must(gql(api.url, 'mutation($id: ID!) { startCanary(id: $id, share: 0.5) { status } }', { id }, admin));
    const m = await canaryUntilDecided(id, 'ml-better', 200);
    // The guardrail promotes on proof (P(canary worse) < 5% once it has seen CANARY_MIN_IMPRESSIONS = 200), or on no
    // sign of harm (< 50%) after five times that. Live learns from the same events as the canary, so the better prior's
    // lead shrinks as both learn, and which rule fires first is a race: this test used to demand the first and failed
    // 2 of 4 runs on its own (1 of 4 with the paced rounds above). Either is the promised behaviour; the figures show which.
    const s = m.canaryStats as { probCanaryWorse: number; canaryImpressions: number } | null;
    const proven = !!s && s.probCanaryWorse < 0.05 && s.canaryImpressions >= 200;
    const harmless = !!s && s.probCanaryWorse < 0.5 && s.canaryImpressions >= 1000;
    if (!(m.status === 'LIVE' && (proven || harmless))) {
      throw new Error(
        `The better model was not promoted by the guardrail's rules: status ${m.status}, ${m.statusReason}; stats ${JSON.stringify(m.canaryStats)}.`,
      );
    }
    expect(m.statusReason).toMatch(/^Guardrail: canary \d+\/\d+ vs live \d+\/\d+, P\(canary worse\) = 0\.[0-4]/);
    const audit = await withDb((c) => c.query(`SELECT actor_id FROM audit_log WHERE entity_id = $1 AND action = 'model.promoted'`, [id]));
    expect(audit.rows).toEqual([{ actor_id: 'system:guardrail' }]);
    const surfaceModel = await withDb((c) => c.query(`SELECT live_model_id, canary_model_id FROM engine_states WHERE surface_key = 'ml-better'`));
    expect(surfaceModel.rows[0]).toEqual({ live_model_id: id, canary_model_id: null });
  }, 240000);
});
