import { hashString } from '@marquee/platform-core';
import type { ExportedRewardModel, FeatureInput } from './types';

export interface ScoreInput {
  userId?: string;
  userFeatures: FeatureInput;
  /** A known item id; unknown or missing ids score on their features alone. */
  itemId?: string;
  itemFeatures: FeatureInput;
  /** Slot label; include it to predict the success probability at that slot, leave it out to rank. */
  position?: number;
}

function augmented(f: FeatureInput, names: readonly string[]): number[] {
  const out = [1];
  if (Array.isArray(f)) for (let j = 0; j < names.length; j++) out.push((f as readonly number[])[j] ?? 0);
  else for (const n of names) out.push((f as Record<string, number>)[n] ?? 0);
  return out;
}

// Plain TypeScript, so the engine scores without loading TensorFlow.js.
export function scoreLogit(model: ExportedRewardModel, input: ScoreInput, index: ModelIndex = modelIndex(model)): number {
  const u = augmented(input.userFeatures, model.userFeatureNames);
  const v = augmented(input.itemFeatures, model.itemFeatureNames);
  const K = model.embeddingDim;
  let z = 0;
  for (let j = 0; j < u.length; j++) {
    if (u[j] === 0) continue;
    const row = model.bilinear[j];
    for (let l = 0; l < v.length; l++) z += u[j] * row[l] * v[l];
  }
  const i = input.itemId === undefined ? undefined : index.items.get(input.itemId);
  if (i !== undefined) z += model.itemBias[i];
  const userVec = new Array<number>(K).fill(0);
  const itemVec = new Array<number>(K).fill(0);
  for (let j = 0; j < u.length; j++) if (u[j] !== 0) for (let k = 0; k < K; k++) userVec[k] += u[j] * model.userFeatureProjection[j][k];
  if (input.userId !== undefined) {
    const e = model.userEmbedding[hashString(input.userId) % model.userHash.buckets];
    for (let k = 0; k < K; k++) userVec[k] += e[k];
  }
  for (let l = 0; l < v.length; l++) if (v[l] !== 0) for (let k = 0; k < K; k++) itemVec[k] += v[l] * model.itemFeatureProjection[l][k];
  if (i !== undefined) for (let k = 0; k < K; k++) itemVec[k] += model.itemIdEmbedding[i][k];
  for (let k = 0; k < K; k++) z += userVec[k] * itemVec[k];
  if (input.position !== undefined) {
    const k = index.positions.get(input.position);
    if (k !== undefined) z += model.positionBias[k];
  }
  return z;
}

export function scoreProbability(model: ExportedRewardModel, input: ScoreInput, index?: ModelIndex): number {
  return 1 / (1 + Math.exp(-scoreLogit(model, input, index)));
}

export interface ModelIndex {
  items: Map<string, number>;
  positions: Map<number, number>;
}

export function modelIndex(model: ExportedRewardModel): ModelIndex {
  return { items: new Map(model.itemIds.map((id, i) => [id, i])), positions: new Map(model.positions.map((p, k) => [p, k])) };
}

// For engines whose dense feature vectors already hold a constant 1 (at userBiasIndex / itemBiasIndex): folds the
// export's own constant row and column into those entries, so uᵀ·M·v over the engine's vectors equals the model's
// bilinear term. Returns M row-major, (user features) × (item features): the shape of the engine's SharedPrior.mean.
export function foldedBilinear(model: ExportedRewardModel, userBiasIndex = 0, itemBiasIndex = 0): number[] {
  const du = model.userFeatureNames.length;
  const di = model.itemFeatureNames.length;
  const W = model.bilinear;
  const out = new Array<number>(du * di).fill(0);
  for (let j = 0; j < du; j++) for (let l = 0; l < di; l++) out[j * di + l] = W[j + 1][l + 1];
  for (let l = 0; l < di; l++) out[userBiasIndex * di + l] += W[0][l + 1];
  for (let j = 0; j < du; j++) out[j * di + itemBiasIndex] += W[j + 1][0];
  out[userBiasIndex * di + itemBiasIndex] += W[0][0];
  return out;
}
