import { foldedBilinear, scoreLogit } from './score';
import type { ExportedRewardModel } from './types';

// A hand-made model: 2 user features (f0 is the caller's constant 1), 2 item features (f0 likewise), k = 1.
const model: ExportedRewardModel = {
  format: 'marquee.reward-model.v1',
  userFeatureNames: ['f0', 'f1'],
  itemFeatureNames: ['f0', 'f1'],
  embeddingDim: 1,
  bilinear: [
    [0.5, 0.1, 0.2],
    [0.3, 0.4, 0.5],
    [0.6, 0.7, 0.8],
  ],
  itemIds: ['a'],
  itemBias: [0.25],
  itemIdEmbedding: [[2]],
  itemFeatureProjection: [[0], [0], [1]],
  userFeatureProjection: [[0], [0], [0.5]],
  userHash: { algorithm: 'fnv1a32', buckets: 1 },
  userEmbedding: [[0.1]],
  positions: [1, 2],
  positionBias: [0, -0.3],
  training: {
    backend: 'cpu',
    startedAt: '',
    trainingMs: 0,
    epochs: 0,
    options: {},
    window: { train: { from: '', to: '', rows: 0 }, holdout: { from: '', to: '', rows: 0 } },
  },
  metrics: { holdout: { logLoss: 0, auc: 0, baselineLogLoss: 0, n: 0, positives: 0 }, train: { logLoss: 0, n: 0, positives: 0 } },
};

describe('exported model scoring', () => {
  it('computes the documented formula by hand', () => {
    const u = [1, 2];
    const v = [1, 3];
    // u' = [1, 1, 2], v' = [1, 1, 3]: bilinear = Σ u'_j W_jl v'_l
    const bil = [1, 1, 2].reduce((s, uj, j) => s + [1, 1, 3].reduce((t, vl, l) => t + uj * model.bilinear[j][l] * vl, 0), 0);
    // user tower: u'·R + P[0] = 2·0.5 + 0.1 = 1.1; item tower: v'·Q + E[a] = 3·1 + 2 = 5
    expect(scoreLogit(model, { userId: 'x', userFeatures: u, itemId: 'a', itemFeatures: v })).toBeCloseTo(bil + 0.25 + 1.1 * 5, 12);
    expect(scoreLogit(model, { userId: 'x', userFeatures: u, itemId: 'a', itemFeatures: v, position: 2 })).toBeCloseTo(bil + 0.25 + 5.5 - 0.3, 12);
    // Unknown item: no bias, no id embedding; no user id: no hashed embedding.
    expect(scoreLogit(model, { userFeatures: u, itemId: 'new', itemFeatures: v })).toBeCloseTo(bil + 1 * 3, 12);
  });

  it('folds the constant row and column into the caller-side bias entries', () => {
    const M = foldedBilinear(model, 0, 0);
    const u = [1, 2];
    const v = [1, 3];
    const viaFold = u.reduce((s, uj, j) => s + v.reduce((t, vl, l) => t + uj * M[j * 2 + l] * vl, 0), 0);
    const direct = [1, ...u].reduce((s, uj, j) => s + [1, ...v].reduce((t, vl, l) => t + uj * model.bilinear[j][l] * vl, 0), 0);
    expect(viaFold).toBeCloseTo(direct, 12);
  });
});
