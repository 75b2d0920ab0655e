import { isTrainingInputError } from './errors';
import { modelIndex, scoreLogit, scoreProbability } from './score';
import { syntheticImpressions } from './synthetic';
import { trainRewardModel } from './train';
import type { TrainProgress, TrainResult } from './types';
import { auc, logLoss } from './metrics';

function pearson(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let c = 0;
  let va = 0;
  let vb = 0;
  a.forEach((x, i) => {
    c += (x - ma) * (b[i] - mb);
    va += (x - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  });
  return c / Math.sqrt(va * vb);
}

describe('reward model training on synthetic logs', () => {
  const data = syntheticImpressions({ impressions: 4000, seed: 'train-spec' });
  const progress: TrainProgress[] = [];
  let result: TrainResult;

  beforeAll(async () => {
    result = await trainRewardModel(data.rows, { epochs: 6, onProgress: (p) => void progress.push(p) });
  }, 120000);

  it('reaches a holdout AUC of at least 0.65 and beats the constant predictor on log loss', () => {
    const m = result.metrics.holdout;
    expect(m.n).toBe(2400);
    expect(m.auc).toBeGreaterThanOrEqual(0.65);
    expect(m.logLoss).toBeLessThan(m.baselineLogLoss);
    expect(result.model.metrics).toEqual(result.metrics);
  });

  it('records the backend, training time and the time-split data windows', () => {
    expect(['wasm', 'tensorflow', 'cpu']).toContain(result.backend);
    expect(result.trainingMs).toBeGreaterThan(0);
    const w = result.model.training.window;
    expect(w.train).toEqual({ from: '2026-01-01T00:00:00.000Z', to: expect.any(String), rows: 9600 });
    expect(Date.parse(w.train.to)).toBeLessThanOrEqual(Date.parse(w.holdout.from));
    expect(w.holdout.to).toBe(new Date(Date.parse('2026-01-01T00:00:00Z') + 3999 * 60000).toISOString());
  });

  it('reports progress for every batch and epoch, ending at the total', () => {
    const batches = progress.filter((p) => p.phase === 'batch');
    const epochs = progress.filter((p) => p.phase === 'epoch');
    expect(batches).toHaveLength(6 * Math.ceil(9600 / 256));
    expect(batches.map((p) => p.step)).toEqual(batches.map((_, i) => i + 1));
    expect(batches[batches.length - 1]).toMatchObject({ step: batches[0].totalSteps, epoch: 6 });
    expect(epochs.map((p) => p.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(epochs.every((p) => Number.isFinite(p.holdoutLogLoss))).toBe(true);
  });

  it('absorbs position bias in the position term, and ranks items by true value rather than by logging popularity', () => {
    const [p1, p2, p3] = result.model.positionBias;
    expect(result.model.positions).toEqual([1, 2, 3]);
    expect(p1).toBeGreaterThan(p2);
    expect(p2).toBeGreaterThan(p3);
    // True gaps are 0.4 per slot.
    expect(p1 - p3).toBeGreaterThan(0.4);
    expect(p1 - p3).toBeLessThan(1.2);
    // Each item's ranking score (no position term), averaged over 150 users, against the true logit.
    const m = result.model;
    const index = modelIndex(m);
    const users = [...new Map(data.rows.map((r) => [r.userId, r])).values()].slice(0, 150);
    const items = [...new Map(data.rows.map((r) => [r.itemId, r])).values()];
    const mean = (f: (u: (typeof users)[number], it: (typeof items)[number]) => number) =>
      items.map((it) => users.reduce((s, u) => s + f(u, it), 0) / users.length);
    const model = mean((u, it) => scoreLogit(m, { userId: u.userId, userFeatures: u.userFeatures, itemId: it.itemId, itemFeatures: it.itemFeatures }, index));
    const truth = mean((u, it) => data.truth.logit(u.userId, it.itemId));
    const loggingBias = items.map((it) => data.truth.loggingBias.get(it.itemId)!);
    expect(pearson(model, truth)).toBeGreaterThan(0.8);
    // The logging policy's popularity bias is unrelated to reward; the model should not track it more than the truth does.
    expect(Math.abs(pearson(model, loggingBias) - pearson(truth, loggingBias))).toBeLessThan(0.2);
  });

  it('exports plain JSON arrays whose plain-TypeScript score reproduces the holdout metrics', () => {
    const m = result.model;
    const json = JSON.parse(JSON.stringify(m));
    expect(json).toEqual(m);
    expect(m.bilinear).toHaveLength(m.userFeatureNames.length + 1);
    expect(m.bilinear[0]).toHaveLength(m.itemFeatureNames.length + 1);
    expect(m.userFeatureNames).toEqual(['platform=android', 'platform=ios', 'platform=web', 'segment=a', 'segment=b', 'segment=c', 'segment=d', 'tenure']);
    expect(m.itemIdEmbedding).toHaveLength(m.itemIds.length);
    expect(m.userEmbedding).toHaveLength(m.userHash.buckets);
    const holdout = data.rows.slice(data.rows.length - 2400);
    const index = modelIndex(m);
    const probs = holdout.map((r) => scoreProbability(m, { ...r }, index));
    const labels = holdout.map((r) => (r.reward > 0 ? 1 : 0));
    expect(logLoss(probs, labels)).toBeCloseTo(result.metrics.holdout.logLoss, 4);
    expect(auc(probs, labels)).toBeCloseTo(result.metrics.holdout.auc, 3);
  });
});

describe('bad training input', () => {
  const { rows } = syntheticImpressions({ impressions: 50, seed: 'bad' });

  it.each([
    ['a zero propensity', { propensity: 0 }, /row 3 has propensity 0 \(must be in \(0, 1\]\)/],
    ['a propensity above 1', { propensity: 1.2 }, /row 3 has propensity 1.2/],
    ['an unreadable time', { at: 'yesterday' }, /row 3 has time "yesterday"/],
  ])('rejects %s, naming the row', async (_what, patch, message) => {
    const bad = rows.map((r, i) => (i === 2 ? { ...r, ...patch } : r));
    const error = await trainRewardModel(bad).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isTrainingInputError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as { problems: unknown[] }).problems).toEqual([expect.objectContaining({ row: 3 })]);
  });

  it('treats an option passed as undefined as its default (the worker passes unset fields through)', async () => {
    const small = syntheticImpressions({ impressions: 600, seed: 'undefined-options' });
    const r = await trainRewardModel(small.rows, { epochs: undefined, batchSize: undefined, embeddingDim: 2 });
    expect(r.model.training.epochs).toBe(8);
    expect(r.model.training.options.batchSize).toBe(256);
  }, 60000);

  it('rejects an empty window and a window without any success', async () => {
    await expect(trainRewardModel([])).rejects.toThrow(/no logged impressions to train on: the data window is empty/);
    await expect(trainRewardModel(rows.map((r) => ({ ...r, reward: 0 })))).rejects.toThrow(/no success events/);
  });
});

describe('training runs side by side', () => {
  it('can run two trainings at once and leaks no tensors', async () => {
    const tf = await import('@tensorflow/tfjs');
    const a = syntheticImpressions({ impressions: 200, seed: 'a' }).rows;
    const b = syntheticImpressions({ impressions: 200, seed: 'b' }).rows;
    await trainRewardModel(a, { epochs: 1 });
    const before = tf.memory().numTensors;
    const [ra, rb] = await Promise.all([trainRewardModel(a, { epochs: 2 }), trainRewardModel(b, { epochs: 2 })]);
    expect(ra.model.itemIds.length).toBeGreaterThan(0);
    expect(rb.model.itemIds.length).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  }, 60000);
});
