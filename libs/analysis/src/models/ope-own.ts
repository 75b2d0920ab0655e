import { EngineState, SurfacePolicy, buildSlate } from '@marquee/placement';
import { hashString } from '@marquee/platform-core';
import { EstimateReport, OpeInputError, OpeSample, estimate } from '../ope';
import { LoggedRequest, PoolSnapshot } from './own-logs';

/** How the evaluated policy places items: an engine state under a surface policy, or uniform at random. */
export type EvaluatedPolicy = { kind: 'engine'; state: EngineState; overrides?: Partial<SurfacePolicy> } | { kind: 'uniform' };

export interface OwnOpeOptions {
  /** Monte Carlo draws of the evaluated policy per logged request. */
  draws: number;
  bootstrap: number;
  seed: string;
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

/**
 * Off-policy estimates on Marquee's own logs. For each logged request the evaluated policy is run `draws` times on the
 * logged inputs (pool, eligibility, user features, surface policy); the share of draws that put the logged item at the
 * logged position is its π(a | x, k), an unbiased estimate, so IPS stays unbiased (its variance grows by the draw error).
 * Rows are impressions; the reward is the surface's success event. q̂ for DM/DR is the item's success rate at that
 * position in the window, shrunk to the overall rate.
 */
export async function evaluateOnOwnLogs(
  requests: LoggedRequest[],
  pools: Map<string, { pool: import('@marquee/placement').CandidatePool; snapshot: PoolSnapshot }>,
  policy: EvaluatedPolicy,
  o: OwnOpeOptions,
): Promise<{ report: EstimateReport; rows: number; requests: number }> {
  const rows = requests.flatMap((r) => r.placements.filter((p) => p.impression).map((p) => ({ r, p })));
  const overall = rows.reduce((a, x) => a + (x.p.success ? 1 : 0), 0) / Math.max(1, rows.length);
  const byItemPos = new Map<string, { n: number; s: number }>();
  for (const { p } of rows) {
    const k = `${p.itemId}:${p.position}`;
    const c = byItemPos.get(k) ?? byItemPos.set(k, { n: 0, s: 0 }).get(k)!;
    c.n++;
    c.s += p.success ? 1 : 0;
  }
  const qhat = (item: string, pos: number) => {
    const c = byItemPos.get(`${item}:${pos}`) ?? { n: 0, s: 0 };
    return (c.s + 5 * overall) / (c.n + 5);
  };
  const samples: OpeSample[] = [];
  let done = 0;
  for (const req of requests) {
    const seen = req.placements.filter((p) => p.impression);
    done++;
    if (!seen.length) continue;
    const poolEntry = pools.get(req.poolFingerprint);
    if (!poolEntry) continue;
    const { pool } = poolEntry;
    const eligible = new Uint8Array(pool.size);
    for (let i = 0; i < pool.size; i++) eligible[i] = (req.eligibleMask[i >> 3] >> (i & 7)) & 1;
    // counts[position][item] over the draws
    const counts = new Map<number, Map<string, number>>();
    if (policy.kind === 'uniform') {
      const ids = pool.itemIds.filter((_, i) => eligible[i]);
      for (const p of seen) counts.set(p.position, new Map(ids.map((id) => [id, o.draws / ids.length])));
    } else {
      for (let d = 0; d < o.draws; d++) {
        const slate = buildSlate(policy.state, pool, {
          surface: { ...req.policy, ...(policy.overrides ?? {}) },
          user: req.userFeatures,
          seed: hashString(`${o.seed}:${req.requestId}:${d}`),
          testShare: req.testShare,
          eligible,
          propensities: false,
        });
        for (const e of slate.entries) {
          const m = counts.get(e.position) ?? counts.set(e.position, new Map()).get(e.position)!;
          m.set(e.itemId, (m.get(e.itemId) ?? 0) + 1);
        }
      }
    }
    for (const p of seen) {
      const m = counts.get(p.position) ?? new Map<string, number>();
      // A local action space per row: the items the evaluated policy put at this position, plus the logged one.
      const actions = [...new Set([p.itemId, ...m.keys()])];
      const total = [...m.values()].reduce((a, b) => a + b, 0);
      const dist = actions.map((a) => (total ? (m.get(a) ?? 0) / total : a === p.itemId ? 1 : 0));
      samples.push({
        position: p.position - 1,
        action: 0,
        reward: p.success ? 1 : 0,
        pscore: p.propensity,
        actionDist: dist,
        rewardHat: actions.map((a) => qhat(a, p.position)),
      });
    }
    if (o.onProgress && done % 25 === 0) await o.onProgress(done, requests.length);
  }
  if (!samples.length) {
    throw new OpeInputError(
      'EMPTY_WINDOW',
      'No impressions with usable logs in this window. Choose a window with feed traffic (and IMPRESSION events), or wait for some.',
    );
  }
  const maxPos = samples.reduce((a, s) => Math.max(a, s.position + 1), 0);
  const report = estimate(samples, { bootstrap: { B: o.bootstrap, seed: o.seed }, positionLabels: Array.from({ length: maxPos }, (_, k) => k + 1) });
  return { report, rows: samples.length, requests: requests.length };
}
