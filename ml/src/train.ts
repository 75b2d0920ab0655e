import * as tf from '@tensorflow/tfjs';
import { hashString, Rng } from '@marquee/platform-core';
import { BackendName, initBackend } from './backend';
import { TrainingInputError } from './errors';
import { featureLayout, timeOf, validateRows, writeAugmented } from './features';
import { auc, logLoss } from './metrics';
import type { ExportedRewardModel, ModelMetrics, TrainingRow, TrainOptions, TrainResult, Window } from './types';

const DEFAULTS = {
  embeddingDim: 8,
  epochs: 8,
  batchSize: 256,
  learningRate: 0.01,
  l2: 1e-3,
  holdoutFraction: 0.2,
  propensityWeighting: true,
  maxWeight: 3,
  userBuckets: 1024,
  seed: 7,
};

// Unknown item, bucket or slot indices are −1, which one-hot encodes as all zeros.
interface Encoded {
  n: number;
  u: Float32Array;
  v: Float32Array;
  item: Int32Array;
  bucket: Int32Array;
  pos: Int32Array;
  y: Float32Array;
  w: Float32Array;
}

interface Params {
  bilinear: tf.Variable;
  itemBias: tf.Variable;
  itemEmb: tf.Variable;
  itemProj: tf.Variable;
  userEmb: tf.Variable;
  userProj: tf.Variable;
  posBias: tf.Variable;
}

function windowOf(rows: readonly { at: number }[]): Window {
  return { from: new Date(rows[0].at).toISOString(), to: new Date(rows[rows.length - 1].at).toISOString(), rows: rows.length };
}

// Lets progress bars redraw and job heartbeats go out during training.
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

// See ml/README.md for the model and how it keeps the logging policy's bias out.
export async function trainRewardModel(rows: readonly TrainingRow[], options: TrainOptions & { backend?: BackendName } = {}): Promise<TrainResult> {
  // An option given as undefined (a caller passing through an unset field) means the default, not "no value".
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as typeof options;
  const o = { ...DEFAULTS, ...given };
  validateRows(rows);
  if (!(o.holdoutFraction > 0 && o.holdoutFraction < 1)) throw new TrainingInputError(`holdoutFraction must be between 0 and 1; got ${o.holdoutFraction}.`);
  for (const k of ['embeddingDim', 'epochs', 'batchSize', 'userBuckets'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new TrainingInputError(`${k} must be a positive whole number; got ${o[k]}.`);
  }
  const started = Date.now();
  const backend = await initBackend(options.backend);

  const sorted = rows.map((r, i) => ({ r, at: timeOf(r.at), i })).sort((a, b) => a.at - b.at || a.i - b.i);
  const nHold = Math.max(1, Math.round(sorted.length * o.holdoutFraction));
  const trainRows = sorted.slice(0, sorted.length - nHold);
  const holdRows = sorted.slice(sorted.length - nHold);
  if (trainRows.length === 0)
    throw new TrainingInputError(
      `${rows.length} rows are too few to hold out ${o.holdoutFraction} of them and still train. Log more traffic or widen the window.`,
    );
  if (!trainRows.some((x) => x.r.reward > 0))
    throw new TrainingInputError('The training part of the window has no success events, so there is nothing to learn. Widen the window.');

  const userNames = featureLayout(
    rows.map((r) => r.userFeatures),
    'userFeatures',
  );
  const itemNames = featureLayout(
    rows.map((r) => r.itemFeatures),
    'itemFeatures',
  );
  const userIndex = new Map(userNames.map((n, j) => [n, j]));
  const itemIndex = new Map(itemNames.map((n, j) => [n, j]));
  // Items and slots are learned only from the training part: anything first seen later is "new" to the model.
  const itemIds = [...new Set(trainRows.map((x) => x.r.itemId))].sort();
  const itemOf = new Map(itemIds.map((id, i) => [id, i]));
  const positions = [...new Set(trainRows.map((x) => x.r.position))].sort((a, b) => a - b);
  const posOf = new Map(positions.map((p, k) => [p, k]));
  const du = userNames.length + 1;
  const di = itemNames.length + 1;
  const H = o.userBuckets;
  const K = o.embeddingDim;

  const encode = (part: typeof sorted): Encoded => {
    const n = part.length;
    const e: Encoded = {
      n,
      u: new Float32Array(n * du),
      v: new Float32Array(n * di),
      item: new Int32Array(n),
      bucket: new Int32Array(n),
      pos: new Int32Array(n),
      y: new Float32Array(n),
      w: new Float32Array(n),
    };
    part.forEach(({ r }, i) => {
      writeAugmented(r.userFeatures, userNames, userIndex, e.u, i * du);
      writeAugmented(r.itemFeatures, itemNames, itemIndex, e.v, i * di);
      e.item[i] = itemOf.get(r.itemId) ?? -1;
      e.bucket[i] = hashString(r.userId) % H;
      e.pos[i] = posOf.get(r.position) ?? -1;
      e.y[i] = r.reward > 0 ? 1 : 0;
      e.w[i] = o.propensityWeighting ? 1 / r.propensity : 1;
    });
    return e;
  };
  const train = encode(trainRows);
  const hold = encode(holdRows);
  // Relative to the mean, then clipped: a row shown 10× less often than average counts at most `maxWeight` times.
  const normalise = () => {
    let mean = 0;
    for (let i = 0; i < train.n; i++) mean += train.w[i];
    mean /= train.n;
    for (let i = 0; i < train.n; i++) train.w[i] /= mean;
  };
  normalise();
  for (let i = 0; i < train.n; i++) train.w[i] = Math.min(train.w[i], o.maxWeight);
  normalise();

  const positives = train.y.reduce((s, v) => s + v, 0);
  const baseRate = positives / train.n;
  const init = tf.buffer([du, di], 'float32');
  init.set(Math.log(baseRate / (1 - baseRate)), 0, 0);
  const nItems = Math.max(1, itemIds.length);
  // Unnamed, because tfjs variable names are process-global and two trainings may run at once. The initial tensors
  // are disposed once copied, or every training run would leak them.
  const variable = (init: tf.Tensor) => {
    const v = tf.variable(init, true);
    init.dispose();
    return v;
  };
  const p: Params = {
    bilinear: variable(init.toTensor()),
    itemBias: variable(tf.zeros([nItems, 1])),
    itemEmb: variable(tf.randomNormal([nItems, K], 0, 0.05, 'float32', o.seed)),
    itemProj: variable(tf.randomNormal([di, K], 0, 0.05, 'float32', o.seed + 1)),
    userEmb: variable(tf.randomNormal([H, K], 0, 0.05, 'float32', o.seed + 2)),
    userProj: variable(tf.randomNormal([du, K], 0, 0.05, 'float32', o.seed + 3)),
    posBias: variable(tf.zeros([Math.max(1, positions.length), 1])),
  };
  const regularised = [p.itemBias, p.itemEmb, p.itemProj, p.userEmb, p.userProj];

  // One-hot matmuls instead of gathers: the WASM backend has no kernel for the gather gradient (UnsortedSegmentSum).
  const logits = (e: Encoded, idx: Int32Array): tf.Tensor1D => {
    const b = idx.length;
    const pick = (src: Float32Array, width: number) => {
      const out = new Float32Array(b * width);
      for (let j = 0; j < b; j++) out.set(src.subarray(idx[j] * width, idx[j] * width + width), j * width);
      return tf.tensor2d(out, [b, width]);
    };
    const ints = (src: Int32Array) =>
      tf.tensor1d(
        Int32Array.from(idx, (i) => src[i]),
        'int32',
      );
    const U = pick(e.u, du);
    const V = pick(e.v, di);
    const item = tf.oneHot(ints(e.item), nItems).toFloat();
    const user = tf.oneHot(ints(e.bucket), H).toFloat();
    const pos = tf.oneHot(ints(e.pos), Math.max(1, positions.length)).toFloat();
    const bil = tf.sum(tf.mul(tf.matMul(U, p.bilinear), V), 1);
    const userVec = tf.add(tf.matMul(U, p.userProj), tf.matMul(user, p.userEmb));
    const itemVec = tf.add(tf.matMul(V, p.itemProj), tf.matMul(item, p.itemEmb));
    const dot = tf.sum(tf.mul(userVec, itemVec), 1);
    const bias = tf.add(tf.matMul(item, p.itemBias), tf.matMul(pos, p.posBias)).reshape([b]);
    return tf.add(tf.add(bil, dot), bias) as tf.Tensor1D;
  };

  const predict = async (e: Encoded): Promise<Float32Array> => {
    const out = new Float32Array(e.n);
    for (let s = 0; s < e.n; s += 2048) {
      const idx = Int32Array.from({ length: Math.min(2048, e.n - s) }, (_, j) => s + j);
      const t = tf.tidy(() => tf.sigmoid(logits(e, idx)));
      out.set(await t.data(), s);
      t.dispose();
    }
    return out;
  };

  const optimizer = tf.train.adam(o.learningRate);
  const rng = new Rng(o.seed);
  const batches = Math.ceil(train.n / o.batchSize);
  const totalSteps = batches * o.epochs;
  const order = Int32Array.from({ length: train.n }, (_, i) => i);
  let step = 0;
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      for (let i = train.n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      let epochLoss = 0;
      for (let b = 0; b < batches; b++) {
        const idx = order.subarray(b * o.batchSize, Math.min(train.n, (b + 1) * o.batchSize));
        const cost = optimizer.minimize(
          () =>
            tf.tidy(() => {
              const z = logits(train, idx);
              const y = tf.tensor1d(Float32Array.from(idx, (i) => train.y[i]));
              const w = tf.tensor1d(Float32Array.from(idx, (i) => train.w[i]));
              // Stable sigmoid cross-entropy: softplus(z) − y·z.
              const bce = tf.mean(tf.mul(w, tf.sub(tf.softplus(z), tf.mul(y, z))));
              const penalty = regularised.reduce<tf.Scalar>(
                (acc, v) => tf.add(acc, tf.sum(tf.square(v))),
                tf.sum(tf.square(p.bilinear)).sub(tf.square(p.bilinear.slice([0, 0], [1, 1]).reshape([]))),
              );
              return tf.add(bce, tf.mul(o.l2, penalty)) as tf.Scalar;
            }),
          true,
          // Only this run's variables: by default minimize would reach every trainable variable in the process.
          Object.values(p),
        );
        const loss = cost ? (await cost.data())[0] : Number.NaN;
        cost?.dispose();
        epochLoss += loss * idx.length;
        step++;
        await o.onProgress?.({ phase: 'batch', epoch, epochs: o.epochs, batch: b + 1, batches, step, totalSteps, loss });
        if (b % 8 === 7) await tick();
      }
      const holdoutLogLoss = logLoss(await predict(hold), hold.y);
      await o.onProgress?.({ phase: 'epoch', epoch, epochs: o.epochs, batch: batches, batches, step, totalSteps, loss: epochLoss / train.n, holdoutLogLoss });
    }

    const holdPred = await predict(hold);
    const trainPred = await predict(train);
    const holdPositives = hold.y.reduce((s, v) => s + v, 0);
    const metrics: ModelMetrics = {
      holdout: {
        logLoss: logLoss(holdPred, hold.y),
        auc: auc(holdPred, hold.y),
        baselineLogLoss: logLoss(new Float32Array(hold.n).fill(baseRate), hold.y),
        n: hold.n,
        positives: holdPositives,
      },
      train: { logLoss: logLoss(trainPred, train.y), n: train.n, positives },
    };
    const trainingMs = Date.now() - started;
    const arr2 = async (v: tf.Variable) => (await v.array()) as number[][];
    const model: ExportedRewardModel = {
      format: 'marquee.reward-model.v1',
      userFeatureNames: userNames,
      itemFeatureNames: itemNames,
      embeddingDim: K,
      bilinear: await arr2(p.bilinear),
      itemIds,
      itemBias: (await arr2(p.itemBias)).map((r) => r[0]).slice(0, itemIds.length),
      itemIdEmbedding: (await arr2(p.itemEmb)).slice(0, itemIds.length),
      itemFeatureProjection: await arr2(p.itemProj),
      userFeatureProjection: await arr2(p.userProj),
      userHash: { algorithm: 'fnv1a32', buckets: H },
      userEmbedding: await arr2(p.userEmb),
      positions,
      positionBias: (await arr2(p.posBias)).map((r) => r[0]).slice(0, positions.length),
      training: {
        backend,
        startedAt: new Date(started).toISOString(),
        trainingMs,
        epochs: o.epochs,
        options: {
          embeddingDim: K,
          epochs: o.epochs,
          batchSize: o.batchSize,
          learningRate: o.learningRate,
          l2: o.l2,
          holdoutFraction: o.holdoutFraction,
          propensityWeighting: o.propensityWeighting,
          maxWeight: o.maxWeight,
          userBuckets: H,
          seed: o.seed,
        },
        window: { train: windowOf(trainRows), holdout: windowOf(holdRows) },
      },
      metrics,
    };
    return { model, metrics, backend, trainingMs };
  } finally {
    optimizer.dispose();
    for (const v of Object.values(p)) v.dispose();
  }
}
