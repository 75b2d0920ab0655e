import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createHttp, Server as HttpServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { itemFeatureVectors, loadOwnLogs } from '../../libs/analysis/src/models/own-logs';
import { auc } from '../../ml/src/metrics';
import type { TrainingRow, TrainResult } from '../../ml/src/types';
import { ApiHandle, Credentials, ROOT, RunningProcess, createApiKey, createUser, dbUrl, gql, login, startApi, startWorker } from '../support/stack';
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

/**
 * Why could models.int-spec.ts's trained model land at chance on its holdout? This measures it instead of guessing:
 * it makes the test's training data again and again on the real stack (same catalogue, same surface settings, same
 * simulated traffic), builds the rows exactly as the trainer does, and trains each data set with several seeds.
 *
 *   npm run build:server && MEASURE_LABEL=after MEASURE_DATASETS=12 MEASURE_SEEDS=8 \
 *     TZ=UTC npx jest -c test/measure/jest.config.js --runInBand test/measure/model-holdout.measure.ts
 *
 * It prints a table and writes bench/results/model-holdout-<label>.json.
 */
const DATASETS = Number(process.env.MEASURE_DATASETS ?? 10);
const SEEDS = Number(process.env.MEASURE_SEEDS ?? 6);
const LABEL = process.env.MEASURE_LABEL ?? 'now';
// Experiments: the surface's exploration and the traffic's concurrency, instead of the test's own (model-test-data.ts).
const SURFACE = {
  randomFloor: Number(process.env.MEASURE_RANDOM_FLOOR ?? MODEL_TEST_SURFACE.randomFloor),
  explorationBudget: Number(process.env.MEASURE_EXPLORATION_BUDGET ?? MODEL_TEST_SURFACE.explorationBudget),
};
const TRAFFIC = { ...MODEL_TEST_TRAFFIC, concurrency: Number(process.env.MEASURE_CONCURRENCY ?? MODEL_TEST_TRAFFIC.concurrency) };

interface Fit {
  dataset: number;
  seed: number;
  auc: number;
  rows: number;
  holdout: number;
  holdoutPositives: number;
  holdoutSleepShare: number;
  /** AUC of the truth itself (the kind) on the same holdout: the best any model could rank it. */
  oracleAuc: number;
}

/**
 * Trains in a child process on the compiled ml/ (dist/): TensorFlow.js keeps its engine on the process global, and the
 * copy Jest's global set-up loaded (through the entities) is not the one a test file would import.
 */
async function trainElsewhere(rowsFile: string, seeds: number[]): Promise<TrainResult['metrics'][]> {
  const script = `
    const { trainRewardModel } = require(${JSON.stringify(resolve(ROOT, 'dist/ml/src/train.js'))});
    const rows = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(rowsFile)}, 'utf8'));
    (async () => {
      const out = [];
      for (const seed of ${JSON.stringify(seeds)}) out.push((await trainRewardModel(rows, { seed })).metrics);
      process.stdout.write(JSON.stringify(out));
    })();`;
  // Asynchronously: a blocked event loop would keep pooled HTTP connections the API has since closed.
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(stdout);
}

describe('measure: holdout AUC of the model test', () => {
  let media: HttpServer;
  let api: ApiHandle;
  let worker: RunningProcess;
  let client: Credentials;
  let admin: Credentials;
  let db: Client;

  beforeAll(async () => {
    media = createHttp((req, res) => res.writeHead(req.url?.startsWith('/ok/') ? 200 : 404).end());
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
    const mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    api = await startApi(MODEL_TEST_ENV);
    worker = await startWorker(MODEL_TEST_ENV);
    const editor = { token: await login(api.url, await createUser('editor')) };
    const reviewer = { token: await login(api.url, await createUser('reviewer')) };
    admin = { token: await login(api.url, await createUser('admin')) };
    client = { apiKey: (await createApiKey('simulated app')).key };
    const wf = new Workflow(api, editor, reviewer);
    const ids: string[] = [];
    for (let i = 0; i < MODEL_TEST_KINDS.length; i++) {
      const kind = MODEL_TEST_KINDS[i];
      const attr = { meditation: { narrator: 'A' }, sleep_story: { narrator: 'N' }, music: { artist: 'M' }, talk: { speaker: 'S' } }[kind]!;
      const id = await wf.createItem(`ml-${i}-${Date.now() % 100000}`, mediaBase, {
        kind,
        locales: ['en'],
        localized: [{ locale: 'en', title: `Item ${i}`, subtitle: 's', description: 'd' }],
        attributes: attr,
      });
      await wf.approveLatest(id);
      ids.push(id);
    }
    const rel = await wf.release('Model measure catalogue', ids);
    await must(gql(api.url, 'mutation($id: ID!) { launchReleaseNow(id: $id) { status } }', { id: rel }, editor));
    await wf.waitFor(rel, ['launched']);
    db = new Client({ connectionString: dbUrl() });
    await db.connect();
  }, 300_000);

  afterAll(async () => {
    await db?.end();
    await Promise.all([api?.stop(), worker?.stop()]);
    media.closeAllConnections();
    media.close();
  });

  it("trains the test's data many times", async () => {
    const fits: Fit[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'marquee-measure-'));
    const asDataSource = { query: (sql: string, params?: unknown[]) => db.query(sql, params).then((r) => r.rows) } as unknown as DataSource;
    for (let d = 0; d < DATASETS; d++) {
      // A fresh surface per data set: the test's surface is new too, so its live policy starts from the prior.
      const surface = `ml-measure-${d}`;
      await must(
        gql(
          api.url,
          'mutation($k: String!, $i: SurfaceInputGql) { createSurface(key: $k, name: $k, slots: 4, input: $i) { id } }',
          { k: surface, i: SURFACE },
          admin,
        ),
      );
      await surfaceServable(api, client, surface);
      const t = await simulateTraffic(api, client, { ...TRAFFIC, surface, truth: modelTestTruth });
      await simulatedRequestsLogged(db, surface, t.requests);
      const to = new Date();
      const logs = await loadOwnLogs(asDataSource, surface, 'PLAY_START', new Date(to.getTime() - 86_400_000), to, 50_000);
      const features = await itemFeatureVectors(
        asDataSource,
        logs.flatMap((r) => r.placements.map((p) => p.itemId)),
        to.getTime(),
      );
      const kindOf = new Map<string, string>((await db.query(`SELECT i.id, i.kind FROM items i`)).rows.map((r) => [r.id, r.kind]));
      const rows: (TrainingRow & { kind: string })[] = logs.flatMap((r) =>
        r.placements
          .filter((p) => p.impression && features.has(p.itemId))
          .map((p) => ({
            userId: r.userId,
            userFeatures: Array.from(r.userFeatures),
            itemId: p.itemId,
            itemFeatures: features.get(p.itemId)!,
            position: p.position,
            propensity: p.propensity,
            reward: p.success ? 1 : 0,
            at: r.servedAt,
            kind: kindOf.get(p.itemId)!,
          })),
      );
      const rowsFile = join(dir, `rows-${d}.json`);
      writeFileSync(rowsFile, JSON.stringify(rows));
      const seeds = Array.from({ length: SEEDS }, (_, i) => i + 1);
      const metrics = await trainElsewhere(rowsFile, seeds);
      for (const [k, s] of seeds.entries()) {
        const h = metrics[k].holdout;
        // The holdout the trainer used (the latest rows by time, ties in input order), to describe what was in it.
        const holdRows = rows
          .map((r, i) => ({ r, i, at: new Date(r.at).getTime() }))
          .sort((a, b) => a.at - b.at || a.i - b.i)
          .slice(-h.n)
          .map((x) => x.r);
        const sleep = holdRows.filter((r) => r.kind === 'sleep_story').length;
        fits.push({
          dataset: d,
          seed: s,
          auc: h.auc,
          rows: rows.length,
          holdout: h.n,
          holdoutPositives: h.positives,
          holdoutSleepShare: sleep / Math.max(1, holdRows.length),
          oracleAuc: auc(
            holdRows.map((r) => (r.kind === 'sleep_story' ? 1 : 0)),
            holdRows.map((r) => r.reward),
          ),
        });
      }
      const mine = fits.filter((f) => f.dataset === d);
      console.log(
        `data set ${d}: ${rows.length} rows, holdout ${mine[0].holdout} (${mine[0].holdoutPositives} positives, ${(mine[0].holdoutSleepShare * 100).toFixed(0)}% sleep stories, oracle AUC ${mine[0].oracleAuc.toFixed(3)}); ` +
          `AUC by seed ${mine.map((f) => f.auc.toFixed(3)).join(' ')}`,
      );
    }
    rmSync(dir, { recursive: true, force: true });
    const aucs = fits
      .map((f) => f.auc)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const q = (p: number) => aucs[Math.min(aucs.length - 1, Math.floor(p * aucs.length))];
    const summary = {
      label: LABEL,
      at: new Date().toISOString(),
      surface: SURFACE,
      traffic: TRAFFIC,
      datasets: DATASETS,
      seeds: SEEDS,
      fits: fits.length,
      atOrBelowChance: fits.filter((f) => !(f.auc > 0.5)).length,
      auc: { min: aucs[0], p05: q(0.05), p25: q(0.25), median: q(0.5), p75: q(0.75), max: aucs[aucs.length - 1] },
      perDataset: [...new Set(fits.map((f) => f.dataset))].map((d) => {
        const mine = fits.filter((f) => f.dataset === d);
        const a = mine.map((f) => f.auc);
        return {
          dataset: d,
          rows: mine[0].rows,
          holdout: mine[0].holdout,
          holdoutPositives: mine[0].holdoutPositives,
          holdoutSleepShare: mine[0].holdoutSleepShare,
          oracleAuc: mine[0].oracleAuc,
          minAuc: Math.min(...a),
          maxAuc: Math.max(...a),
        };
      }),
      fitsRaw: fits,
    };
    const file = resolve(ROOT, `bench/results/model-holdout-${LABEL}.json`);
    writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`${fits.length} fits; ${summary.atOrBelowChance} at or below chance; AUC ${JSON.stringify(summary.auc)}; written to ${file}`);
    expect(fits.length).toBe(DATASETS * SEEDS);
  });
});
