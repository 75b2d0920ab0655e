import { SeededRandom } from './random';
import { emptyPositionCounts, estimateExamination, recordPosition } from './position-bias';

function synthetic(theta: (k: number) => number, rate: number, perPosition: number, seed: number) {
  const rng = new SeededRandom(seed);
  const counts = emptyPositionCounts(10);
  for (let k = 1; k <= 10; k++) {
    for (let i = 0; i < perPosition; i++) recordPosition(counts, k, rng.next() < theta(k) * rate);
  }
  return counts;
}

describe('position-bias estimator', () => {
  const truth = (k: number) => 1 / (1 + 0.3 * (k - 1));

  it('recovers a known examination curve within its stated intervals', () => {
    const est = estimateExamination(synthetic(truth, 0.25, 20_000, 11));
    expect(est.theta[0]).toBe(1);
    let inside = 0;
    for (let k = 2; k <= 10; k++) {
      expect(Math.abs(est.theta[k - 1] - truth(k))).toBeLessThan(0.05);
      // Every error within 3 stated standard errors, and most inside the stated 95% interval (errors share
      // position 1's noise, so they move together).
      const z = Math.abs(Math.log(est.theta[k - 1] / truth(k))) / est.logSe[k - 1];
      expect(z).toBeLessThan(3);
      if (truth(k) >= est.lower[k - 1] && truth(k) <= est.upper[k - 1]) inside++;
    }
    expect(inside).toBeGreaterThanOrEqual(7);
    expect(est.rate).toBeGreaterThan(0.23);
    expect(est.rate).toBeLessThan(0.27);
  });

  it('is non-increasing and shrinks towards a power law when data are thin', () => {
    const est = estimateExamination(synthetic(truth, 0.2, 150, 3));
    for (let k = 1; k < 10; k++) expect(est.theta[k]).toBeLessThanOrEqual(est.theta[k - 1]);
    // Thin data give wide intervals, and they are reported as such.
    expect(est.upper[9] - est.lower[9]).toBeGreaterThan(0.15);
  });

  it('gets tighter with more data', () => {
    const small = estimateExamination(synthetic(truth, 0.2, 1000, 5));
    const large = estimateExamination(synthetic(truth, 0.2, 50_000, 5));
    expect(large.logSe[5]).toBeLessThan(small.logSe[5] / 3);
  });

  it('falls back to a default shape with no data', () => {
    const est = estimateExamination(emptyPositionCounts(5));
    expect(est.impressions).toBe(0);
    expect(est.theta[0]).toBe(1);
    expect(est.theta[4]).toBeLessThan(1);
  });

  it('rejects mismatched counts with a clear message', () => {
    expect(() => estimateExamination({ impressions: [1, 2], successes: [1] })).toThrow(/same, non-zero number/);
  });
});
