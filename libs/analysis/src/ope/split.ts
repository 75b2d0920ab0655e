import { OpeInputError } from './errors';
import type { LoggedRow } from './types';

export interface TimeWindow {
  /** Inclusive lower bound, ms since the epoch. */
  from?: number;
  /** Exclusive upper bound, ms since the epoch. */
  to?: number;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

// An empty window is an error, so nothing downstream reports on zero rows.
export function selectWindow(rows: readonly LoggedRow[], window: TimeWindow): LoggedRow[] {
  if (window.from !== undefined && window.to !== undefined && !(window.from < window.to)) {
    throw new OpeInputError(
      'EMPTY_WINDOW',
      `The window from ${iso(window.from)} to ${iso(window.to)} is empty: its start is not before its end. Swap or widen the bounds.`,
    );
  }
  const out = rows.filter((r) => (window.from === undefined || r.at >= window.from) && (window.to === undefined || r.at < window.to));
  if (out.length === 0) {
    let first = Infinity;
    let last = -Infinity;
    for (const r of rows) {
      first = Math.min(first, r.at);
      last = Math.max(last, r.at);
    }
    const span = rows.length ? ` The log covers ${iso(first)} to ${iso(last)}.` : ' The log has no rows.';
    throw new OpeInputError(
      'EMPTY_WINDOW',
      `No logged rows fall in the window ${window.from !== undefined ? iso(window.from) : 'start'} to ${window.to !== undefined ? iso(window.to) : 'end'}.${span} Choose a window inside it.`,
    );
  }
  return out;
}

// Training strictly precedes evaluation in time, as it would for a policy going live.
export function splitByTime(rows: readonly LoggedRow[], trainFraction: number): { train: LoggedRow[]; evaluation: LoggedRow[] } {
  if (!(trainFraction > 0 && trainFraction < 1)) {
    throw new OpeInputError('BAD_OPTION', `The training fraction must be between 0 and 1 (exclusive); got ${trainFraction}. The default is 0.7.`);
  }
  const nTrain = Math.floor(rows.length * trainFraction);
  const train = rows.slice(0, nTrain);
  const evaluation = rows.slice(nTrain);
  if (train.length === 0 || evaluation.length === 0) {
    throw new OpeInputError(
      'EMPTY_WINDOW',
      `Splitting ${rows.length} rows at ${trainFraction} leaves the ${train.length === 0 ? 'training' : 'evaluation'} part empty. Use a longer window or a training fraction nearer 0.5.`,
    );
  }
  return { train, evaluation };
}
