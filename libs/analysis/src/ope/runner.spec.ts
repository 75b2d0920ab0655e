import { resolve } from 'node:path';
import { readObd } from './obd';
import { createPolicy } from './policies';
import { actionProbsToCsv, formatOpeReport, reportToJson, runOpe } from './runner';
import type { Policy } from './types';

// The Open Bandit Dataset sample (CC BY 4.0) is vendored in test/fixtures/obd; OBD_DATA_DIR overrides it.
const OBD = process.env.OBD_DATA_DIR ?? resolve(__dirname, '../../../../test/fixtures/obd');

describe('runOpe end to end on the OBD sample', () => {
  it.each(['random', 'bts'] as const)(
    'evaluates `marquee` on the %s sample',
    async (campaign) => {
      const ds = readObd(`${OBD}/${campaign}/men/men.csv`, `${OBD}/${campaign}/men/item_context.csv`);
      const { report, actionProbs } = await runOpe(ds, createPolicy('marquee', { mcSamples: 300 }), { bootstrap: { B: 200, seed: 1 } });
      expect(report.data.train.rows).toBe(7000);
      expect(report.data.evaluation.rows).toBe(3000);
      expect(report.estimates.map((e) => e.estimator)).toEqual(['ips', 'snips', 'dm', 'dr']);
      for (const e of report.estimates) {
        expect(Number.isFinite(e.value)).toBe(true);
        expect(e.ci.lower).toBeLessThanOrEqual(e.ci.upper);
        expect(e.ess).toBeGreaterThan(0);
        expect(e.ess).toBeLessThanOrEqual(3000 + 1e-9);
        expect(e.perPosition.map((p) => p.position)).toEqual([1, 2, 3]);
      }
      expect(report.policy.monteCarlo).toMatchObject({ samples: 300 });
      // It is the engine's own policy, trained on the first 7,000 rows: every training row reached its learner.
      expect(report.policy).toMatchObject({ trainRows: 7000, policyVersion: expect.stringMatching(/^marquee-ts\//) });
      // One line per evaluated row, keyed by the file's own index; IPS recomputed from them must match.
      expect(actionProbs).toHaveLength(3000);
      expect(new Set(actionProbs.map((r) => r.index)).size).toBe(3000);
      // Monte Carlo shares of engine slates: an item the engine never put at that position in S slates has 0.
      for (const r of actionProbs) expect(r.prob >= 0 && r.prob <= 1).toBe(true);
      expect(actionProbs.filter((r) => r.prob > 0).length).toBeGreaterThan(300);
      const byIndex = new Map(ds.rows.map((r) => [r.index, r]));
      const ips = actionProbs.reduce((s, r) => s + (r.prob / r.pscore) * byIndex.get(r.index)!.reward, 0) / 3000;
      expect(ips).toBeCloseTo(report.estimates[0].value, 12);
      expect(actionProbsToCsv(actionProbs).split('\n')[0]).toBe('index,position,item_id,action_prob,pscore');
      expect(JSON.parse(reportToJson(report)).estimates).toHaveLength(4);
      expect(formatOpeReport(report)).toMatch(/IPS\s+\d\.\d{6}\s+\[\d\.\d{6}, \d\.\d{6}\]/);
    },
    60000,
  );

  it('rejects a policy that returns the wrong number of distributions, before reporting anything', async () => {
    const ds = readObd(`${OBD}/random/men/men.csv`, `${OBD}/random/men/item_context.csv`);
    const broken: Policy = { name: 'broken', fit: () => undefined, actionProbabilities: () => [] };
    await expect(runOpe(ds, broken)).rejects.toMatchObject({
      reason: 'BAD_POLICY_OUTPUT',
      message: expect.stringMatching(/returned 0 distributions for 3000 rows/),
    });
  });
});

describe('runOpe on rows out of time order', () => {
  it('sorts them before splitting, so training never sees the future', async () => {
    const { SyntheticBanditWorld } = await import('./synthetic');
    const world = new SyntheticBanditWorld({ seed: 'order' });
    const ds = world.sample(100, 'order');
    const shuffled = { ...ds, rows: [...ds.rows].reverse() };
    const seen: number[] = [];
    const spy: Policy = {
      name: 'spy',
      fit: (train) => void seen.push(...train.map((r) => r.at)),
      actionProbabilities: (rows) => rows.map(() => Float64Array.from([0.25, 0.25, 0.25, 0.25])),
    };
    const { report } = await runOpe(shuffled, spy, { bootstrap: { B: 20 } });
    expect(Math.max(...seen)).toBeLessThan(Date.parse(report.data.evaluation.from));
    expect(report.data.train.rows).toBe(70);
  });
});
