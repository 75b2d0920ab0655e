import { parse as parseCsv } from 'csv-parse/sync';
import type { FieldProblem } from '@marquee/platform-core';
import { TrainingInputError } from './errors';
import type { BanditDataset, FeatureInput, TrainingRow } from './types';

const CSV_REQUIRED = ['userId', 'itemId', 'position', 'propensity', 'reward', 'at'] as const;

function fail(what: string, problems: FieldProblem[], fix: string): never {
  const named = problems
    .slice(0, 5)
    .map((p) => p.message)
    .join('; ');
  throw new TrainingInputError(`${what}: ${named}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}. ${fix}`, problems);
}

export function parseJsonlRows(text: string, name = 'the file'): TrainingRow[] {
  const rows: TrainingRow[] = [];
  const problems: FieldProblem[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
      rows.push(v as TrainingRow);
    } catch {
      problems.push({ field: 'line', row: i + 1, message: `line ${i + 1} is not a JSON object` });
    }
  });
  if (problems.length)
    fail(
      `${name} has lines that are not JSON objects`,
      problems,
      'Each line must be one JSON object with userId, userFeatures, itemId, itemFeatures, position, propensity, reward and at.',
    );
  return rows;
}

// Feature columns are prefixed user. / item. so any number of them fit a flat file.
export function parseCsvRows(text: string, name = 'the file'): TrainingRow[] {
  let table: string[][];
  try {
    table = parseCsv(text, { skip_empty_lines: true }) as string[][];
  } catch (e) {
    throw new TrainingInputError(`${name} is not valid CSV (${(e as Error).message}). Export it again with a header row.`);
  }
  const header = (table[0] ?? []).map((h) => h.trim());
  const missing = CSV_REQUIRED.filter((c) => !header.includes(c));
  if (missing.length)
    throw new TrainingInputError(
      `${name} is missing the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. A training CSV needs ${CSV_REQUIRED.join(', ')} and user.<feature> / item.<feature> columns.`,
      missing.map((c) => ({ field: c, message: 'missing column' })),
    );
  const col = (c: string) => header.indexOf(c);
  const userCols = header.flatMap((h, j) => (h.startsWith('user.') ? [[h.slice(5), j] as const] : []));
  const itemCols = header.flatMap((h, j) => (h.startsWith('item.') ? [[h.slice(5), j] as const] : []));
  const problems: FieldProblem[] = [];
  const features = (cells: string[], cols: readonly (readonly [string, number])[], line: number): FeatureInput => {
    const f: Record<string, number> = {};
    for (const [n, j] of cols) {
      const raw = (cells[j] ?? '').trim();
      const x = raw === '' ? 0 : Number(raw);
      if (!Number.isFinite(x)) problems.push({ field: header[j], row: line, message: `line ${line} has ${header[j]} "${raw}"` });
      if (x !== 0) f[n] = x;
    }
    return f;
  };
  const rows = table.slice(1).map((cells, i) => {
    const line = i + 2;
    const at = cells[col('at')].trim();
    return {
      userId: cells[col('userId')],
      itemId: cells[col('itemId')],
      position: Number(cells[col('position')]),
      propensity: Number(cells[col('propensity')]),
      reward: Number(cells[col('reward')]),
      at: /^\d+$/.test(at) ? Number(at) : at,
      userFeatures: features(cells, userCols, line),
      itemFeatures: features(cells, itemCols, line),
    };
  });
  if (problems.length) fail(`${name} has non-numeric feature values`, problems, 'Feature columns must hold numbers.');
  return rows;
}

export function parseTrainingRows(text: string, name: string): TrainingRow[] {
  if (/\.(jsonl|ndjson|json)$/i.test(name)) return parseJsonlRows(text, name);
  if (/\.csv$/i.test(name)) return parseCsvRows(text, name);
  return text.trimStart().startsWith('{') ? parseJsonlRows(text, name) : parseCsvRows(text, name);
}

// OBD has no user ids: each distinct user-feature combination stands in for one.
export function banditDatasetToTrainingRows(ds: BanditDataset): TrainingRow[] {
  const itemFeatures = ds.actionFeatures.map((f) => Object.fromEntries(ds.actionFeatureNames.map((n, j) => [n, f[j]]).filter(([, x]) => x !== 0)));
  return ds.rows.map((r) => {
    const on = ds.contextFeatureNames.filter((_, j) => r.context[j] !== 0);
    return {
      userId: on.join('|'),
      userFeatures: Object.fromEntries(on.map((n) => [n, 1])),
      itemId: ds.actionIds[r.action],
      itemFeatures: itemFeatures[r.action],
      position: ds.positionLabels[r.position],
      propensity: r.pscore,
      reward: r.reward,
      at: r.at,
    };
  });
}
