import type { FieldProblem } from '@marquee/platform-core';
import { TrainingInputError } from './errors';
import type { FeatureInput, TrainingRow } from './types';

// Mixing vectors and named features would make the layout ambiguous.
export function featureLayout(inputs: readonly FeatureInput[], what: string): string[] {
  let maxLen = 0;
  const keys = new Set<string>();
  let arrays = 0;
  for (const f of inputs) {
    if (Array.isArray(f)) {
      arrays++;
      maxLen = Math.max(maxLen, f.length);
    } else for (const k of Object.keys(f)) keys.add(k);
  }
  if (arrays && keys.size) throw new TrainingInputError(`${what} are vectors in some rows and named in others. Use one form throughout.`);
  return arrays ? Array.from({ length: maxLen }, (_, j) => `f${j}`) : [...keys].sort();
}

// Unknown names are ignored and missing ones are 0, so a model survives new features.
export function writeAugmented(f: FeatureInput, names: readonly string[], index: ReadonlyMap<string, number>, out: Float32Array, offset: number): void {
  out[offset] = 1;
  if (Array.isArray(f)) {
    const v = f as readonly number[];
    for (let j = 0; j < names.length; j++) out[offset + 1 + j] = v[j] ?? 0;
  } else {
    for (let j = 0; j < names.length; j++) out[offset + 1 + j] = 0;
    for (const [k, x] of Object.entries(f as Record<string, number>)) {
      const j = index.get(k);
      if (j !== undefined) out[offset + 1 + j] = x;
    }
  }
}

export function timeOf(at: TrainingRow['at']): number {
  if (at instanceof Date) return at.getTime();
  if (typeof at === 'number') return at;
  return Date.parse(at);
}

// Row numbers are 1-based, as people count.
export function validateRows(rows: readonly TrainingRow[]): void {
  if (rows.length === 0)
    throw new TrainingInputError('There are no logged impressions to train on: the data window is empty. Widen the window or log more traffic.');
  const problems: FieldProblem[] = [];
  rows.forEach((r, i) => {
    const bad: string[] = [];
    if (!(r.propensity > 0 && r.propensity <= 1)) bad.push(`propensity ${r.propensity} (must be in (0, 1])`);
    if (typeof r.reward !== 'number' || !Number.isFinite(r.reward)) bad.push(`reward ${String(r.reward)}`);
    if (!Number.isFinite(timeOf(r.at))) bad.push(`time "${String(r.at)}"`);
    if (typeof r.position !== 'number' || !Number.isFinite(r.position)) bad.push(`position ${String(r.position)}`);
    if (typeof r.userId !== 'string' || typeof r.itemId !== 'string') bad.push('userId and itemId must be strings');
    const finite = (f: FeatureInput) =>
      (Array.isArray(f) ? (f as readonly number[]) : Object.values(f ?? {})).every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!r.userFeatures || !finite(r.userFeatures)) bad.push('non-numeric userFeatures');
    if (!r.itemFeatures || !finite(r.itemFeatures)) bad.push('non-numeric itemFeatures');
    if (bad.length) problems.push({ field: 'row', row: i + 1, message: `row ${i + 1} has ${bad.join(', ')}` });
  });
  if (problems.length) {
    const named = problems
      .slice(0, 5)
      .map((p) => p.message)
      .join('; ');
    throw new TrainingInputError(
      `Some training rows are invalid: ${named}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}. Fix or drop them.`,
      problems,
    );
  }
}
