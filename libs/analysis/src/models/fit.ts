/**
 * The gate's check of the model's own fit, next to the off-policy estimate. OPE asks "would its slates do as well as
 * live?"; this asks "did it learn anything?" — a model that ranks the held-out (later) impressions no better than chance,
 * or predicts them worse than a constant base rate, should not steer anyone's prior however its slates happen to score.
 */
export interface FitCheck {
  holdoutAuc: number | null;
  holdoutLogLoss: number | null;
  baselineLogLoss: number | null;
  passed: boolean;
  /** One sentence for the Studio and the audit log: what was found and, when it failed, what to do. */
  reason: string;
}

export interface FitMetrics {
  holdoutAuc?: number | null;
  holdoutLogLoss?: number | null;
  baselineLogLoss?: number | null;
}

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

export function judgeFit(metrics: FitMetrics | null | undefined): FitCheck {
  const holdoutAuc = finite(metrics?.holdoutAuc) ? metrics!.holdoutAuc! : null;
  const holdoutLogLoss = finite(metrics?.holdoutLogLoss) ? metrics!.holdoutLogLoss! : null;
  const baselineLogLoss = finite(metrics?.baselineLogLoss) ? metrics!.baselineLogLoss! : null;
  const fail = (reason: string): FitCheck => ({ holdoutAuc, holdoutLogLoss, baselineLogLoss, passed: false, reason });
  if (holdoutLogLoss === null || baselineLogLoss === null)
    return fail('The training run recorded no holdout log loss, so its fit cannot be judged. Train it again.');
  if (holdoutAuc === null) {
    return fail(
      'The held-out part of the window has only one outcome (no successes, or no misses), so the fit cannot be judged. Train on a wider window or after more traffic.',
    );
  }
  const auc = holdoutAuc.toFixed(3);
  const ll = `${holdoutLogLoss.toFixed(4)} vs ${baselineLogLoss.toFixed(4)} for the base rate`;
  if (holdoutAuc <= 0.5) return fail(`Holdout AUC ${auc} ≤ 0.5: it ranks later impressions no better than chance. Train on more traffic or with more epochs.`);
  if (holdoutLogLoss >= baselineLogLoss)
    return fail(`Holdout log loss ${ll}: it predicts later impressions no better than a constant. Train on more traffic or with more epochs.`);
  return { holdoutAuc, holdoutLogLoss, baselineLogLoss, passed: true, reason: `Holdout AUC ${auc}, log loss ${ll}.` };
}
