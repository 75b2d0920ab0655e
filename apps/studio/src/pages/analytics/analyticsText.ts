import type { Tone } from '../../components/Badge';
import type { ModelStatus, OpeEstimator, OpeRunStatus, OpeTarget } from '../../api/types';
import { CHART, seriesColor } from '../../components/charts/palette';

/** Words of the learning and analysis pages: policy versions, estimators, model statuses. */

/** "marquee-ts/2;cfg=2e939a00;model=structural" → "Structural prior" + "marquee-ts/2 · cfg 2e939a00". */
export function describePolicyVersion(v: string): { title: string; detail: string; fallback: boolean } {
  if (v.startsWith('fallback/')) return { title: 'Editorial fallback', detail: v, fallback: true };
  const [engine, ...parts] = v.split(';');
  const kv = Object.fromEntries(parts.map((p) => p.split('=') as [string, string]));
  const model = kv.model;
  const title = !model ? engine : model === 'structural' ? 'Structural prior' : model;
  const detail = [engine, kv.cfg ? `cfg ${kv.cfg}` : null].filter(Boolean).join(' · ');
  return { title, detail, fallback: false };
}

/** A colour per policy version, stable for a list: the fallback grey, the rest from the series palette. */
export function policyColors(versions: string[]): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  for (const v of versions) out.set(v, v.startsWith('fallback/') ? CHART.muted : seriesColor(i++));
  return out;
}

export const ESTIMATOR_TEXT: Record<OpeEstimator, { label: string; color: string; help: string }> = {
  ips: {
    label: 'IPS',
    color: '#0284c7',
    help: 'Inverse propensity scoring: logged rewards reweighted by how much more (or less) often the evaluated policy would have shown the logged item there. Unbiased, can be noisy.',
  },
  snips: {
    label: 'SNIPS',
    color: '#4f46e5',
    help: 'Self-normalized IPS: the same weights, divided by their mean. A little bias, much less variance. The gate uses it.',
  },
  dm: {
    label: 'DM',
    color: '#d97706',
    help: 'Direct method: the reward model’s prediction for what the evaluated policy would show. Low variance, biased when the reward model is wrong.',
  },
  dr: {
    label: 'DR',
    color: '#0d9488',
    help: 'Doubly robust: the direct method, corrected by IPS on its errors. Unbiased when either the propensities or the reward model are right.',
  },
};

export function estimatorText(e: string) {
  return ESTIMATOR_TEXT[e as OpeEstimator] ?? { label: e.toUpperCase(), color: CHART.muted, help: '' };
}

export const OPE_TARGET_TEXT: Record<OpeTarget, { label: string; help: string }> = {
  CURRENT: { label: 'Live policy', help: 'The policy serving now, replayed on the logs.' },
  MODEL: { label: 'Model version', help: 'The live policy with a trained model as its shared prior.' },
  UNIFORM: { label: 'Uniform random', help: 'Every eligible item equally likely at every position: a floor to beat.' },
  CONFIG: { label: 'Configuration', help: 'The live policy with other settings (exploration budget, random floor, slots).' },
};

/** A run's policy in words: "Configuration: budget 20%, floor 1%" rather than its JSON. */
export function opeRunLabel(run: { label: string; target: string; config: Record<string, unknown> | null }): string {
  if (run.target !== 'CONFIG' || !run.config) return run.label;
  const c = run.config;
  const parts: string[] = [];
  if (typeof c.explorationBudget === 'number') parts.push(`budget ${Math.round(c.explorationBudget * 1000) / 10}%`);
  if (typeof c.randomFloor === 'number') parts.push(`floor ${Math.round(c.randomFloor * 1000) / 10}%`);
  if (typeof c.slots === 'number') parts.push(`${c.slots} slots`);
  return parts.length ? `Configuration: ${parts.join(', ')}` : run.label;
}

export function opeTargetLabel(t: string): string {
  return OPE_TARGET_TEXT[t as OpeTarget]?.label ?? t;
}

const OPE_STATUS_TEXT: Record<OpeRunStatus, { label: string; tone: Tone }> = {
  QUEUED: { label: 'Queued', tone: 'neutral' },
  RUNNING: { label: 'Running', tone: 'accent' },
  DONE: { label: 'Done', tone: 'success' },
  FAILED: { label: 'Failed', tone: 'danger' },
};

export function opeStatusText(s: OpeRunStatus) {
  return OPE_STATUS_TEXT[s] ?? { label: s.toLowerCase(), tone: 'neutral' as Tone };
}

const MODEL_STATUS_TEXT: Record<ModelStatus, { label: string; tone: Tone; help: string }> = {
  TRAINING: { label: 'Training', tone: 'accent', help: 'The worker is training it on the surface’s logs.' },
  FAILED: { label: 'Failed', tone: 'danger', help: 'Training did not finish; the reason says why.' },
  CANDIDATE: { label: 'Candidate', tone: 'info', help: 'Trained; the offline gate is evaluating it.' },
  GATE_FAILED: {
    label: 'Gate failed',
    tone: 'danger',
    help: 'Its offline estimate could be materially worse than the live policy’s, or its holdout fit is no better than chance or the base rate, so it never serves traffic.',
  },
  GATE_PASSED: {
    label: 'Gate passed',
    tone: 'success',
    help: 'Its offline estimate is not materially worse than the live policy’s and its holdout fit beats chance and the base rate: it may go to canary.',
  },
  CANARY: { label: 'Canary', tone: 'warning', help: 'Serving a share of users while the guardrail compares it with the live policy.' },
  LIVE: { label: 'Live', tone: 'success', help: 'The shared prior of the live policy.' },
  ROLLED_BACK: { label: 'Rolled back', tone: 'danger', help: 'Taken off traffic, by hand or by the guardrail.' },
  RETIRED: { label: 'Retired', tone: 'neutral', help: 'Was live; replaced by a newer model.' },
};

export function modelStatusText(s: ModelStatus) {
  return MODEL_STATUS_TEXT[s] ?? { label: s.toLowerCase(), tone: 'neutral' as Tone, help: '' };
}

/** 0.6705 → "0.671"; null → "—". */
export function fixed(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}
