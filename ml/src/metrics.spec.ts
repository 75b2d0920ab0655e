import { auc, logLoss } from './metrics';

describe('metrics', () => {
  it('AUC counts correctly ordered positive/negative pairs, ties half', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([1, 2, 3], [0, 1, 1])).toBe(1);
    expect(auc([3, 2, 1], [0, 1, 1])).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(auc([0.2, 0.3], [1, 1])).toBeNaN();
  });

  it('log loss is the mean negative log-likelihood', () => {
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.log(2), 12);
    expect(logLoss([0.9, 0.2], [1, 0])).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 12);
    expect(Number.isFinite(logLoss([0, 1], [1, 0]))).toBe(true);
  });
});
