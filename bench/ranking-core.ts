/**
 * Ranking-core benchmark: µs per request for buildSlate (Thompson fill, random slots, exact and Monte Carlo
 * propensities) with 100, 1,000 and 10,000 candidates and 20 slots. Writes bench/results/ranking-core.json.
 * Run compiled: node dist/bench/ranking-core.js
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@marquee/platform-core';
import {
  applyObservations,
  buildCandidatePool,
  buildItemFeatures,
  buildSlate,
  buildUserFeatures,
  Candidate,
  createEngineState,
  emptyProfile,
  applyEventInPlace,
  EngineState,
  ITEM_KINDS,
  ItemFeatures,
  Observation,
  SurfacePolicy,
  UserProfile,
} from '../libs/placement/src/engine';

const TOPICS = ['sleep', 'anxiety', 'focus', 'stress', 'relationships', 'kids', 'nature', 'breathing', 'movement', 'work', 'self-esteem', 'gratitude', 'grief', 'morning', 'evening', 'walking'];
const NOW = Date.UTC(2026, 2, 1);
const SLOTS = 20;

function catalogue(n: number, rng: Rng): ItemFeatures[] {
  const out: ItemFeatures[] = [];
  for (let i = 0; i < n; i++) {
    const topics = [TOPICS[rng.int(TOPICS.length)], TOPICS[rng.int(TOPICS.length)]];
    out.push(
      buildItemFeatures(
        {
          id: `item-${i}`,
          kind: ITEM_KINDS[rng.int(ITEM_KINDS.length)],
          topics,
          collections: rng.next() < 0.3 ? [`c${rng.int(8)}`] : [],
          durationSeconds: 120 + rng.int(3600),
          availability: rng.next() < 0.3 ? 'premium' : 'free',
          launchedAt: NOW - rng.int(200) * 86_400_000,
        },
        NOW,
      ),
    );
  }
  return out;
}

function userContext(rng: Rng) {
  return {
    locale: ['en', 'de', 'fr', 'es'][rng.int(4)],
    platform: ['ios', 'android', 'web'][rng.int(3)],
    tier: rng.next() < 0.3 ? 'premium' : 'free',
    appVersion: `${3 + rng.int(3)}.1.0`,
    localHour: rng.next() * 24,
  };
}

// Trains the state on synthetic traffic so that posteriors have the widths they have in steady state.
function trainedState(items: ItemFeatures[], rng: Rng, impressions: number): EngineState {
  const state = createEngineState({ now: NOW });
  const quality = items.map(() => rng.normal() * 0.5);
  const batch: Observation[] = [];
  const profiles: UserProfile[] = Array.from({ length: 500 }, () => emptyProfile(NOW));
  for (let t = 0; t < impressions; t++) {
    const u = rng.int(profiles.length);
    const user = buildUserFeatures(userContext(rng), profiles[u], NOW);
    const i = rng.int(items.length);
    const position = 1 + rng.int(SLOTS);
    const p = (1 / Math.sqrt(position)) * (1 / (1 + Math.exp(-(-2.2 + quality[i]))));
    const success = rng.next() < p;
    batch.push({ user, item: items[i], position, success });
    applyEventInPlace(profiles[u], items[i], 'IMPRESSION', NOW);
    if (success) applyEventInPlace(profiles[u], items[i], 'PLAY_START', NOW);
    if (batch.length === 500) applyObservations(state, batch.splice(0));
  }
  applyObservations(state, batch);
  return state;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function run(size: number, trainImpressions: number, requests: number, diversity: boolean) {
  const rng = new Rng(`bench-${size}`);
  const items = catalogue(size, rng);
  const state = trainedState(items, rng, trainImpressions);
  const tests = new Set(Array.from({ length: Math.min(8, Math.floor(size / 10)) }, (_, i) => i * 7));
  const candidates: Candidate[] = items.map((f, i) => ({ features: f, contentTest: tests.has(i) ? { weight: 1 + (i % 3) } : null }));
  const pool = buildCandidatePool(candidates);
  const surface: SurfacePolicy = {
    slots: SLOTS,
    explorationBudget: 0.1,
    randomFloor: 0.02,
    pins: [{ itemId: 'item-1', position: 3 }],
    diversity: diversity ? { by: 'kind', maxPerGroup: 2, withinFirst: 5 } : null,
  };
  const users = Array.from({ length: 200 }, () => {
    const p = emptyProfile(NOW);
    for (let e = 0; e < 30; e++) {
      const f = items[rng.int(items.length)];
      applyEventInPlace(p, f, 'IMPRESSION', NOW);
      if (rng.next() < 0.2) applyEventInPlace(p, f, 'PLAY_START', NOW);
    }
    return buildUserFeatures(userContext(rng), p, NOW);
  });
  const warm = Math.min(300, requests);
  const times: number[] = [];
  let plausible = 0;
  let replays = 0;
  let errSum = 0;
  let errCount = 0;
  for (let r = 0; r < warm + requests; r++) {
    const user = users[r % users.length];
    const t0 = process.hrtime.bigint();
    const slate = buildSlate(state, pool, { surface, user, seed: r * 2654435761 });
    const t1 = process.hrtime.bigint();
    if (r < warm) continue;
    times.push(Number(t1 - t0) / 1000);
    plausible += slate.stats.plausible;
    replays += slate.stats.replays;
    for (const e of slate.entries) {
      if (e.propensityError > 0) {
        errSum += e.propensityError;
        errCount++;
      }
    }
  }
  const sorted = times.slice().sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return {
    candidates: size,
    slots: SLOTS,
    diversity,
    trainedImpressions: trainImpressions,
    requests,
    meanUs: Math.round(mean * 10) / 10,
    p50Us: Math.round(percentile(sorted, 0.5) * 10) / 10,
    p99Us: Math.round(percentile(sorted, 0.99) * 10) / 10,
    maxUs: Math.round(sorted[sorted.length - 1] * 10) / 10,
    meanPlausible: Math.round((plausible / requests) * 10) / 10,
    meanReplays: Math.round((replays / requests) * 10) / 10,
    meanPropensityError: errCount > 0 ? Math.round((errSum / errCount) * 10000) / 10000 : 0,
  };
}

function main(): void {
  const results = [
    { ...run(100, 100_000, 5000, false), state: 'trained' },
    { ...run(1000, 1_000_000, 5000, false), state: 'trained' },
    { ...run(10_000, 2_000_000, 1000, false), state: 'trained' },
    { ...run(1000, 1_000_000, 5000, true), state: 'trained' },
    { ...run(1000, 0, 2000, false), state: 'cold (prior only)' },
  ];
  const out = {
    benchmark: 'ranking-core',
    node: process.version,
    at: new Date().toISOString(),
    note: 'µs per buildSlate call including exact and Monte Carlo propensities; 20 slots, 1 pin, 10% budget, 2% floor, 8 running tests; diversity = at most 2 of a kind in the first 5 (Monte Carlo indicators instead of Rao-Blackwellised replays)',
    target: 'p99 ≤ 1000 µs at 1,000 candidates',
    results,
  };
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ranking-core.json'), JSON.stringify(out, null, 2) + '\n');
  console.log('candidates  diversity  state               mean µs   p50 µs   p99 µs  plausible  replays  mean error');
  for (const r of results) {
    console.log(
      `${String(r.candidates).padStart(10)}  ${(r.diversity ? 'yes' : 'no').padEnd(9)}  ${r.state.padEnd(18)} ${r.meanUs.toFixed(1).padStart(8)} ${r.p50Us.toFixed(1).padStart(8)} ${r.p99Us.toFixed(1).padStart(8)} ${r.meanPlausible.toFixed(1).padStart(10)} ${r.meanReplays.toFixed(0).padStart(8)}  ${r.meanPropensityError.toFixed(4).padStart(10)}`,
    );
  }
  console.log(`written to ${join(dir, 'ranking-core.json')}`);
}

main();
