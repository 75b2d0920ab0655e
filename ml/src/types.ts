/** Features as a dense vector, or by name (names are collected into the model's feature layout). */
export type FeatureInput = readonly number[] | Readonly<Record<string, number>>;

/** One logged impression of one item at one slot, and whether the surface's success event followed. */
export interface TrainingRow {
  userId: string;
  userFeatures: FeatureInput;
  itemId: string;
  itemFeatures: FeatureInput;
  /** Slot label as logged (1, 2, 3 …). */
  position: number;
  /** The logging policy's probability of this item at this slot, in (0, 1]. */
  propensity: number;
  /** The success event: > 0 counts as a success. */
  reward: number;
  /** When it was served: ISO 8601 string, epoch milliseconds or Date. */
  at: string | number | Date;
}

export interface TrainOptions {
  /** Learned embedding size of the two towers; default 8. */
  embeddingDim?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** L2 penalty on all weights except the intercept and position terms; default 1e-3. */
  l2?: number;
  /** Share of rows, latest in time, held out for log loss and AUC; default 0.2. */
  holdoutFraction?: number;
  /** Weight rows by 1/propensity, relative to the mean weight and clipped at `maxWeight` (default 3); default true. */
  propensityWeighting?: boolean;
  maxWeight?: number;
  /** Hashed user-id buckets for the learned user embedding; default 1024. */
  userBuckets?: number;
  seed?: number;
  /** Called after every batch and at every epoch end. May be async (e.g. a BullMQ job.updateProgress). */
  onProgress?: (p: TrainProgress) => void | Promise<void>;
}

export interface TrainProgress {
  phase: 'batch' | 'epoch';
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Batches done over all epochs, and their total: step / totalSteps is the fraction done. */
  step: number;
  totalSteps: number;
  /** Mean training loss of the last batch (phase 'batch') or of the epoch (phase 'epoch'). */
  loss: number;
  /** Holdout log loss after this epoch (phase 'epoch' only). */
  holdoutLogLoss?: number;
}

export interface Window {
  from: string;
  to: string;
  rows: number;
}

export interface ModelMetrics {
  /** On the time-split holdout: the latest rows, never seen in training. */
  holdout: { logLoss: number; auc: number; baselineLogLoss: number; n: number; positives: number };
  train: { logLoss: number; n: number; positives: number };
}

/**
 * A trained reward model as plain JSON-safe arrays, for the engine's shared prior and score (see ml/README.md).
 * With u the user features, v the item features (layouts in userFeatureNames / itemFeatureNames), u' = [1, u],
 * v' = [1, v], h = fnv1a32(userId) mod userBuckets and i the item's index in itemIds:
 *   logit = u'ᵀ·bilinear·v' + itemBias[i] + (u'·userFeatureProjection + userEmbedding[h]) · (v'·itemFeatureProjection + itemIdEmbedding[i])
 *           (+ positionBias[k] to predict at slot positions[k]; leave it out to rank).
 * Unknown items use itemBias 0 and itemIdEmbedding 0; unknown users still get their hashed bucket.
 */
export interface ExportedRewardModel {
  format: 'marquee.reward-model.v1';
  userFeatureNames: string[];
  itemFeatureNames: string[];
  embeddingDim: number;
  /** (1 + user features) × (1 + item features); [0][0] is the intercept, row 0 the item-feature main effects, column 0 the user-feature main effects. */
  bilinear: number[][];
  itemIds: string[];
  itemBias: number[];
  itemIdEmbedding: number[][];
  itemFeatureProjection: number[][];
  userFeatureProjection: number[][];
  userHash: { algorithm: 'fnv1a32'; buckets: number };
  userEmbedding: number[][];
  positions: number[];
  positionBias: number[];
  training: {
    backend: string;
    startedAt: string;
    trainingMs: number;
    epochs: number;
    options: Record<string, unknown>;
    window: { train: Window; holdout: Window };
  };
  metrics: ModelMetrics;
}

export interface TrainResult {
  model: ExportedRewardModel;
  metrics: ModelMetrics;
  backend: string;
  trainingMs: number;
}

/**
 * One logged placement, position-wise: which item stood at which slot, what the logging policy's probability of that
 * was, and whether the success event followed. Marquee's own placement logs and imported Open Bandit Dataset rows are
 * both turned into this shape.
 */
export interface LoggedRow {
  /** The row's id in its source (OBD: the file's unnamed first column). Echoed in action_probs.csv and in errors. */
  index: number;
  /** When the placement was served, in milliseconds since the epoch. */
  at: number;
  /** 0-based slot index into `DatasetMeta.positionLabels`. */
  position: number;
  /** 0-based item index into `DatasetMeta.actionIds`. */
  action: number;
  /** The success event (1/0 for clicks, plays, completions). */
  reward: number;
  /** The logging policy's probability of `action` at `position` for this request; must be in (0, 1]. */
  pscore: number;
  /** Dense user/context features; layout in `DatasetMeta.contextFeatureNames`. */
  context: readonly number[];
  /** Optional per-item context, one value per item (OBD: the user's past clicks on each item). */
  actionContext?: readonly number[];
}

/** Everything about a log except its rows: the item catalogue, its features and the slots. */
export interface DatasetMeta {
  /** External item ids, in item-index order. */
  actionIds: readonly string[];
  /** Item features, one dense vector per item; layout in `actionFeatureNames`. */
  actionFeatures: readonly (readonly number[])[];
  actionFeatureNames: readonly string[];
  contextFeatureNames: readonly string[];
  /** External slot labels in slot-index order (OBD: 1, 2, 3). */
  positionLabels: readonly number[];
  /** Where the rows came from, for reports. */
  source?: string;
}

/** A logged-bandit dataset: the catalogue plus rows sorted by time. */
export interface BanditDataset extends DatasetMeta {
  rows: readonly LoggedRow[];
}
