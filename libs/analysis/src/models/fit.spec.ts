import { judgeFit } from './fit';

describe('judgeFit: the gate’s check that a model learned something', () => {
  it('passes a model that ranks better than chance and beats the base rate', () => {
    const f = judgeFit({ holdoutAuc: 0.71, holdoutLogLoss: 0.3, baselineLogLoss: 0.35 });
    expect(f).toMatchObject({ passed: true, holdoutAuc: 0.71 });
    expect(f.reason).toBe('Holdout AUC 0.710, log loss 0.3000 vs 0.3500 for the base rate.');
  });

  it.each([
    ['ranks no better than chance', { holdoutAuc: 0.5, holdoutLogLoss: 0.3, baselineLogLoss: 0.35 }, /AUC 0\.500 ≤ 0\.5.*no better than chance/],
    ['ranks worse than chance', { holdoutAuc: 0.489, holdoutLogLoss: 0.3, baselineLogLoss: 0.35 }, /AUC 0\.489/],
    [
      'predicts worse than a constant',
      { holdoutAuc: 0.8, holdoutLogLoss: 0.4, baselineLogLoss: 0.35 },
      /log loss 0\.4000 vs 0\.3500.*no better than a constant/,
    ],
    ['predicts exactly as well as a constant', { holdoutAuc: 0.8, holdoutLogLoss: 0.35, baselineLogLoss: 0.35 }, /no better than a constant/],
    ['has a holdout with one outcome only (AUC stored as null)', { holdoutAuc: null, holdoutLogLoss: 0.01, baselineLogLoss: 0.02 }, /only one outcome/],
    ['has no metrics at all', null, /no holdout log loss/],
  ])('fails a model that %s, and says what to do', (_name, metrics, reason) => {
    const f = judgeFit(metrics);
    expect(f.passed).toBe(false);
    expect(f.reason).toMatch(reason);
    expect(f.reason).toMatch(/Train/);
  });
});
