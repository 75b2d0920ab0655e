import { OpeInputError } from './errors';
import type { RandomSource } from '@marquee/platform-core';
import { estimate, OpeSample } from './estimators';
import { SmoothedMeanRewardModel } from './reward-model';
import { selectWindow, splitByTime, TimeWindow } from './split';
import type { BanditDataset, BootstrapOptions, EstimateCell, EstimatorName, EstimatorResult, LoggedRow, Policy, RewardModel } from './types';

export const DEFAULT_TRAIN_FRACTION = 0.7;

export interface OpeRunOptions {
  /** Share of the window, earliest first, used to fit the policy and reward model; default 0.7. */
  trainFraction?: number;
  window?: TimeWindow;
  bootstrap?: BootstrapOptions;
  /** q̂ for DM/DR; default SmoothedMeanRewardModel. */
  rewardModel?: RewardModel;
  estimators?: readonly EstimatorName[];
}

/** The evaluated policy's probability of the logged item at the logged position, per evaluated row. */
export interface ActionProbRow {
  index: number;
  position: number;
  item: string;
  prob: number;
  pscore: number;
}

interface WindowSummary {
  rows: number;
  from: string;
  to: string;
}

/** JSON-safe summary of one evaluation; this is what estimates.json holds. */
export interface OpeReport {
  policy: { name: string } & Record<string, unknown>;
  data: { source: string | null; items: number; positions: readonly number[]; trainFraction: number; train: WindowSummary; evaluation: WindowSummary };
  /** The logging policy's own reward rate on the evaluation part: the reference the estimates compare with. */
  onPolicy: EstimateCell & { perPosition: (EstimateCell & { position: number })[] };
  estimates: EstimatorResult[];
  bootstrap: { B: number; seed: number | string; level: number; method: 'percentile'; rewardModelRefit: boolean };
  rewardModel: Record<string, unknown>;
  unit: string;
}

export interface OpeRunResult {
  report: OpeReport;
  actionProbs: ActionProbRow[];
}

function span(rows: readonly LoggedRow[]): WindowSummary {
  return { rows: rows.length, from: new Date(rows[0].at).toISOString(), to: new Date(rows[rows.length - 1].at).toISOString() };
}

// Everything is validated before anything is returned, so a caller never stores half an evaluation.
export async function runOpe(dataset: BanditDataset, policy: Policy, options: OpeRunOptions = {}): Promise<OpeRunResult> {
  const trainFraction = options.trainFraction ?? DEFAULT_TRAIN_FRACTION;
  const windowed = options.window ? selectWindow(dataset.rows, options.window) : dataset.rows;
  // A time split of unsorted rows would silently evaluate on the past; sort (stably) unless already in order.
  const rows = windowed.every((r, i) => i === 0 || windowed[i - 1].at <= r.at) ? windowed : [...windowed].sort((a, b) => a.at - b.at);
  if (rows.length === 0) throw new OpeInputError('EMPTY_WINDOW', 'The log has no rows to evaluate. Import a log with data.');
  const { train, evaluation } = splitByTime(rows, trainFraction);
  const nA = dataset.actionIds.length;

  await policy.fit(train, dataset);
  const probs = await policy.actionProbabilities(evaluation, dataset);
  if (probs.length !== evaluation.length || probs.some((p) => p.length !== nA)) {
    throw new OpeInputError(
      'BAD_POLICY_OUTPUT',
      `Policy "${policy.name}" returned ${probs.length} distributions for ${evaluation.length} rows (each must have ${nA} entries, one per item). Fix the policy.`,
    );
  }
  const rewardModel = options.rewardModel ?? new SmoothedMeanRewardModel();
  rewardModel.fit(train, dataset);

  const samples: OpeSample[] = evaluation.map((row, i) => ({
    index: row.index,
    position: row.position,
    action: row.action,
    reward: row.reward,
    pscore: row.pscore,
    actionDist: probs[i],
    rewardHat: rewardModel.predict(row, row.position),
  }));
  const refit = rewardModel.resampled
    ? (rng: RandomSource) => {
        const m = (rewardModel.resampled as (r: RandomSource) => RewardModel)(rng);
        return (i: number) => m.predict(evaluation[i], evaluation[i].position);
      }
    : undefined;
  const est = estimate(samples, {
    estimators: options.estimators,
    bootstrap: options.bootstrap,
    positionLabels: dataset.positionLabels,
    refitRewardHat: refit,
  });

  const report: OpeReport = {
    policy: { ...(policy.describe?.() ?? {}), name: policy.name },
    data: {
      source: dataset.source ?? null,
      items: nA,
      positions: dataset.positionLabels,
      trainFraction,
      train: span(train),
      evaluation: span(evaluation),
    },
    onPolicy: est.onPolicy,
    estimates: est.results,
    bootstrap: est.bootstrap,
    rewardModel: rewardModel.describe?.() ?? { name: rewardModel.name },
    unit: 'expected reward per logged slot (click-through rate per row)',
  };
  const actionProbs = evaluation.map((row, i) => ({
    index: row.index,
    position: dataset.positionLabels[row.position],
    item: dataset.actionIds[row.action],
    prob: probs[i][row.action],
    pscore: row.pscore,
  }));
  return { report, actionProbs };
}

// JSON has no NaN or Infinity.
export function reportToJson(report: OpeReport): string {
  return JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n';
}

// Full precision, so anyone can recompute IPS from this file and the log.
export function actionProbsToCsv(rows: readonly ActionProbRow[]): string {
  const lines = ['index,position,item_id,action_prob,pscore'];
  for (const r of rows) lines.push(`${r.index},${r.position},${r.item},${r.prob},${r.pscore}`);
  return lines.join('\n') + '\n';
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(6) : 'n/a';
}

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

const LABEL: Record<EstimatorName, string> = { ips: 'IPS', snips: 'SNIPS', dm: 'DM', dr: 'DR' };

export function formatOpeReport(report: OpeReport): string {
  const pct = Math.round(report.bootstrap.level * 100);
  const ci = (c: EstimateCell) => `[${fmt(c.ci.lower)}, ${fmt(c.ci.upper)}]`;
  const row = (name: string, c: EstimateCell) => [name, fmt(c.value), ci(c), c.ess.toFixed(1), String(c.n)];
  const head = [
    `Policy "${report.policy.name}" on ${report.data.source ?? 'the log'}: ${report.data.items} items, positions ${report.data.positions.join(', ')}`,
    `  trained on ${report.data.train.rows} rows (${report.data.train.from} to ${report.data.train.to})`,
    `  evaluated on ${report.data.evaluation.rows} rows (${report.data.evaluation.from} to ${report.data.evaluation.to})`,
    `  ${report.unit}; ${pct}% percentile bootstrap, B=${report.bootstrap.B}, seed ${report.bootstrap.seed}`,
    '',
  ];
  const overall = table(
    ['estimator', 'estimate', `${pct}% CI`, 'ESS', 'n'],
    [...report.estimates.map((e) => row(LABEL[e.estimator], e)), row('on-policy CTR', report.onPolicy)],
  );
  const perPos: string[][] = [];
  for (const e of report.estimates)
    for (const p of e.perPosition) perPos.push([`${LABEL[e.estimator]} @${p.position}`, fmt(p.value), ci(p), p.ess.toFixed(1), String(p.n)]);
  for (const p of report.onPolicy.perPosition) perPos.push([`on-policy @${p.position}`, fmt(p.value), ci(p), p.ess.toFixed(1), String(p.n)]);
  return [...head, overall, '', 'Per position:', table(['estimator', 'estimate', `${pct}% CI`, 'ESS', 'n'], perPos), ''].join('\n');
}
