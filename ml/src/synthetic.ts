import { Rng } from '@marquee/platform-core';
import type { TrainingRow } from './types';

export interface SyntheticOptions {
  /** Slates served; each yields one row per slot. Default 4000. */
  impressions?: number;
  users?: number;
  items?: number;
  /** Slots per slate, 1 to 3 (marginal propensities are computed exactly up to 3). Default 3. */
  slots?: number;
  /** Uniform share of the logging policy; default 0.1. */
  explore?: number;
  seed?: number | string;
  start?: string;
  stepMs?: number;
}

export interface SyntheticTruth {
  /** Per-item term of the true logit, by item id. */
  itemQuality: Map<string, number>;
  /** Position term of the true logit, by slot label. */
  positionEffect: number[];
  /** Bias of the logging policy towards each item that has nothing to do with its reward. */
  loggingBias: Map<string, number>;
  /** The true logit for a user and item, at slot `position` or (left out) without the position term. */
  logit(userId: string, itemId: string, position?: number): number;
}

const SEGMENTS = ['a', 'b', 'c', 'd'];
const PLATFORMS = ['ios', 'android', 'web'];
const KINDS = ['meditation', 'sleep', 'music', 'course'];

// A stand-in for the simulator being written in parallel; see ml/README.md for the world.
export function syntheticImpressions(options: SyntheticOptions = {}): { rows: TrainingRow[]; truth: SyntheticTruth } {
  const nImp = options.impressions ?? 4000;
  const nUsers = options.users ?? 300;
  const nItems = options.items ?? 30;
  const slots = options.slots ?? 3;
  const eps = options.explore ?? 0.1;
  if (slots < 1 || slots > 3 || slots > nItems) throw new Error('syntheticImpressions supports 1 to 3 slots, and no more slots than items.');
  const rng = new Rng(options.seed ?? 'synthetic-impressions');
  const start = Date.parse(options.start ?? '2026-01-01T00:00:00Z');
  const step = options.stepMs ?? 60_000;

  const interaction = SEGMENTS.map(() => KINDS.map(() => 0.7 * rng.normal()));
  const users = Array.from({ length: nUsers }, (_, u) => {
    const seg = rng.int(SEGMENTS.length);
    const plat = rng.int(PLATFORMS.length);
    const tenure = rng.next();
    const features: Record<string, number> = { [`segment=${SEGMENTS[seg]}`]: 1, [`platform=${PLATFORMS[plat]}`]: 1, tenure };
    return { id: `user-${u}`, seg, tenure, features, z: [rng.normal(), rng.normal()] };
  });
  const items = Array.from({ length: nItems }, (_, i) => {
    const kind = rng.int(KINDS.length);
    const long = rng.next() < 0.5 ? 1 : 0;
    const features: Record<string, number> = { [`kind=${KINDS[kind]}`]: 1, long, duration: long ? 0.5 + 0.5 * rng.next() : 0.5 * rng.next() };
    return { id: `item-${i}`, kind, long, features, quality: 0.6 * rng.normal(), bias: rng.normal(), y: [0.7 * rng.normal(), 0.7 * rng.normal()] };
  });
  const positionEffect = [0, -0.4, -0.8].slice(0, slots);
  const trueLogit = (u: (typeof users)[number], it: (typeof items)[number], k: number) =>
    -2 + interaction[u.seg][it.kind] + 0.8 * u.tenure * it.long + it.quality + u.z[0] * it.y[0] + u.z[1] * it.y[1] + positionEffect[k];

  // The logging policy is the same for every user, so its probabilities are computed once.
  const w = items.map((it) => Math.exp(0.7 * it.quality + it.bias));
  const wSum = w.reduce((s, v) => s + v, 0);
  const p = w.map((v) => (1 - eps) * (v / wSum) + eps / nItems);
  const marginal = (i: number, k: number): number => {
    if (k === 0) return p[i];
    let s = 0;
    for (let j = 0; j < nItems; j++) {
      if (j === i) continue;
      if (k === 1) s += p[j] * (p[i] / (1 - p[j]));
      else for (let l = 0; l < nItems; l++) if (l !== i && l !== j) s += p[j] * (p[l] / (1 - p[j])) * (p[i] / (1 - p[j] - p[l]));
    }
    return s;
  };
  const propensity = items.map((_, i) => Array.from({ length: slots }, (_, k) => marginal(i, k)));

  const rows: TrainingRow[] = [];
  for (let t = 0; t < nImp; t++) {
    const u = users[rng.int(nUsers)];
    const taken = new Set<number>();
    for (let k = 0; k < slots; k++) {
      let rest = 0;
      for (let i = 0; i < nItems; i++) if (!taken.has(i)) rest += p[i];
      let x = rng.next() * rest;
      let pick = -1;
      for (let i = 0; i < nItems; i++) {
        if (taken.has(i)) continue;
        pick = i;
        x -= p[i];
        if (x < 0) break;
      }
      taken.add(pick);
      const it = items[pick];
      const prob = 1 / (1 + Math.exp(-trueLogit(u, it, k)));
      rows.push({
        userId: u.id,
        userFeatures: u.features,
        itemId: it.id,
        itemFeatures: it.features,
        position: k + 1,
        propensity: propensity[pick][k],
        reward: rng.next() < prob ? 1 : 0,
        at: new Date(start + t * step).toISOString(),
      });
    }
  }
  return {
    rows,
    truth: {
      itemQuality: new Map(items.map((it) => [it.id, it.quality])),
      positionEffect,
      loggingBias: new Map(items.map((it) => [it.id, it.bias])),
      logit: (userId, itemId, position) => {
        const u = users[Number(userId.slice(5))];
        const it = items[Number(itemId.slice(5))];
        return trueLogit(u, it, position === undefined ? 0 : position - 1) - (position === undefined ? positionEffect[0] : 0);
      },
    },
  };
}
