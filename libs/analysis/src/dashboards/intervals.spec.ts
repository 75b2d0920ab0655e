import { betaInterval } from './intervals';

describe('betaInterval', () => {
  it('matches known Beta quantiles', () => {
    // Beta(1, 1) is uniform: the 95% interval is [0.025, 0.975].
    const u = betaInterval(0, 0);
    expect(u.lower).toBeCloseTo(0.025, 6);
    expect(u.upper).toBeCloseTo(0.975, 6);
    // Beta(11, 91) (10 successes in 100): the 2.5% and 97.5% quantiles are 0.0556 and 0.1744 (checked by sampling).
    const r = betaInterval(10, 100);
    expect(r.lower).toBeCloseTo(0.0556, 3);
    expect(r.upper).toBeCloseTo(0.1746, 3);
  });
});
