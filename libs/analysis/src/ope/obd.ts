import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { FieldProblem } from '@marquee/platform-core';
import { OpeInputError } from './errors';
import type { BanditDataset, LoggedRow } from './types';

// The unnamed first column of an OBD log is the row index.
const OBD_LOG_COLUMNS = [
  'timestamp',
  'item_id',
  'position',
  'click',
  'propensity_score',
  'user_feature_0',
  'user_feature_1',
  'user_feature_2',
  'user_feature_3',
] as const;
const OBD_ITEM_COLUMNS = ['item_id', 'item_feature_0', 'item_feature_1', 'item_feature_2', 'item_feature_3'] as const;
const USER_CATEGORICALS = ['user_feature_0', 'user_feature_1', 'user_feature_2', 'user_feature_3'];
const ITEM_CATEGORICALS = ['item_feature_1', 'item_feature_2', 'item_feature_3'];
const AFFINITY = 'user-item_affinity_';
const MAX_NAMED = 5;

function readCsv(text: string, file: string): string[][] {
  try {
    return parseCsv(text, { skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (e) {
    throw new OpeInputError('BAD_VALUE', `${file} is not valid CSV (${(e as Error).message}). Export it again as comma-separated values with a header row.`);
  }
}

function requireColumns(header: string[], required: readonly string[], file: string, needs: string): Map<string, number> {
  const at = new Map(header.map((h, i) => [h.trim(), i] as [string, number]));
  const missing = required.filter((c) => !at.has(c));
  if (missing.length) {
    throw new OpeInputError(
      'MISSING_COLUMNS',
      `${file} is missing the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. ${needs}`,
      missing.map((c) => ({ field: c, message: 'missing column' })),
    );
  }
  return at;
}

function fail(reason: 'BAD_VALUE' | 'BAD_PROPENSITY' | 'UNKNOWN_ITEM', file: string, what: string, problems: FieldProblem[], fix: string): never {
  const named = problems
    .slice(0, MAX_NAMED)
    .map((p) => p.message)
    .join('; ');
  const more = problems.length > MAX_NAMED ? ` (and ${problems.length - MAX_NAMED} more)` : '';
  throw new OpeInputError(reason, `${file}: ${what}: ${named}${more}. ${fix}`, problems);
}

// Sorted, so the codes do not depend on row order.
function labelEncode(values: string[]): { codes: Map<string, number>; size: number } {
  const sorted = [...new Set(values)].sort();
  return { codes: new Map(sorted.map((v, i) => [v, i])), size: sorted.length };
}

// OBD writes "2019-11-24 00:03:13.442536+00:00"; other exports use epoch seconds or milliseconds.
function parseTimestamp(raw: string): number {
  const t = raw.trim();
  if (/^\d+(\.\d+)?$/.test(t)) {
    const x = Number(t);
    return x >= 1e12 ? x : x * 1000;
  }
  return Date.parse(t.includes('T') ? t : t.replace(' ', 'T'));
}

export interface ObdFiles {
  log: string;
  items: string;
  /** Names for messages and reports. */
  logName?: string;
  itemsName?: string;
}

// Each file is label-encoded on its own, because the hashed categoricals differ between OBD copies.
export function parseObd(files: ObdFiles): BanditDataset {
  const logName = files.logName ?? 'the log';
  const itemsName = files.itemsName ?? 'the item context';

  const itemTable = readCsv(files.items, itemsName);
  if (itemTable.length < 2)
    throw new OpeInputError('EMPTY_WINDOW', `${itemsName} has no items. It needs one row per item with ${OBD_ITEM_COLUMNS.join(', ')}.`);
  const ic = requireColumns(itemTable[0], OBD_ITEM_COLUMNS, itemsName, `An Open Bandit Dataset item context needs ${OBD_ITEM_COLUMNS.join(', ')}.`);
  const itemRows = itemTable.slice(1);
  const itemProblems: FieldProblem[] = [];
  const idOf = (cells: string[]) => Number(cells[ic.get('item_id') as number]);
  const seen = new Set<number>();
  itemRows.forEach((cells, i) => {
    const id = idOf(cells);
    const f0 = Number(cells[ic.get('item_feature_0') as number]);
    if (!Number.isInteger(id) || id < 0)
      itemProblems.push({ field: 'item_id', row: i + 2, message: `line ${i + 2} has item_id "${cells[ic.get('item_id') as number]}"` });
    else if (seen.has(id)) itemProblems.push({ field: 'item_id', row: i + 2, message: `line ${i + 2} repeats item_id ${id}` });
    seen.add(id);
    if (!Number.isFinite(f0))
      itemProblems.push({ field: 'item_feature_0', row: i + 2, message: `line ${i + 2} has item_feature_0 "${cells[ic.get('item_feature_0') as number]}"` });
  });
  if (itemProblems.length)
    fail('BAD_VALUE', itemsName, 'invalid item rows', itemProblems, 'item_id must be a unique non-negative integer and item_feature_0 a number.');
  const order = itemRows.map((cells, i) => ({ id: idOf(cells), i })).sort((a, b) => a.id - b.id);
  const itemIds = order.map((o) => o.id);
  const itemIndex = new Map(itemIds.map((id, a) => [id, a]));
  const itemEnc = ITEM_CATEGORICALS.map((c) => labelEncode(itemRows.map((cells) => cells[ic.get(c) as number])));
  const actionFeatureNames = ['item_feature_0', ...ITEM_CATEGORICALS.flatMap((c, j) => Array.from({ length: itemEnc[j].size }, (_, v) => `${c}=${v}`))];
  const actionFeatures = order.map(({ i }) => {
    const cells = itemRows[i];
    const f = [Number(cells[ic.get('item_feature_0') as number])];
    ITEM_CATEGORICALS.forEach((c, j) => {
      const oneHot = new Array<number>(itemEnc[j].size).fill(0);
      oneHot[itemEnc[j].codes.get(cells[ic.get(c) as number]) as number] = 1;
      f.push(...oneHot);
    });
    return f;
  });

  const table = readCsv(files.log, logName);
  const affinityColumns = itemIds.map((id) => `${AFFINITY}${id}`);
  const lc = requireColumns(
    table[0] ?? [],
    [...OBD_LOG_COLUMNS, ...affinityColumns],
    logName,
    `An Open Bandit Dataset log needs ${OBD_LOG_COLUMNS.join(', ')} and ${AFFINITY}<item_id> for every item in ${itemsName}.`,
  );
  const rows = table.slice(1);
  if (rows.length === 0) throw new OpeInputError('EMPTY_WINDOW', `${logName} has a header but no logged rows. Point --obd at a log with data.`);
  // OBD's index column has an empty header; without one, rows are numbered from 0 in file order.
  const indexCol = (table[0][0] ?? '').trim() === '' ? 0 : -1;

  const col = (name: string) => lc.get(name) as number;
  const userEnc = USER_CATEGORICALS.map((c) => labelEncode(rows.map((cells) => cells[col(c)])));
  const userOffsets: number[] = [];
  let du = 0;
  for (const e of userEnc) {
    userOffsets.push(du);
    du += e.size;
  }
  const contextFeatureNames = USER_CATEGORICALS.flatMap((c, j) => Array.from({ length: userEnc[j].size }, (_, v) => `${c}=${v}`));
  const positionLabels = [...new Set(rows.map((cells) => Number(cells[col('position')])))].filter((p) => Number.isInteger(p) && p >= 1).sort((a, b) => a - b);
  const positionIndex = new Map(positionLabels.map((p, k) => [p, k]));

  const bad: FieldProblem[] = [];
  const badP: FieldProblem[] = [];
  const unknown: FieldProblem[] = [];
  const parsed: { row: LoggedRow; line: number }[] = [];
  rows.forEach((cells, i) => {
    const line = i + 2;
    const index = indexCol === 0 ? Number(cells[0]) : i;
    const name = indexCol === 0 ? `row ${cells[0]} (line ${line})` : `line ${line}`;
    const at = parseTimestamp(cells[col('timestamp')]);
    const item = Number(cells[col('item_id')]);
    const position = Number(cells[col('position')]);
    const reward = Number(cells[col('click')]);
    const pscoreRaw = cells[col('propensity_score')];
    const pscore = Number(pscoreRaw);
    const problems: string[] = [];
    if (!Number.isFinite(index)) problems.push(`index "${cells[0]}"`);
    if (!Number.isFinite(at)) problems.push(`timestamp "${cells[col('timestamp')]}"`);
    if (!Number.isInteger(position) || position < 1) problems.push(`position "${cells[col('position')]}" (must be 1, 2, …)`);
    if (cells[col('click')].trim() === '' || !Number.isFinite(reward)) problems.push(`click "${cells[col('click')]}"`);
    const affinity = affinityColumns.map((c) => Number(cells[col(c)]));
    if (affinity.some((x) => !Number.isFinite(x))) problems.push('a non-numeric user-item_affinity value');
    if (problems.length) bad.push({ field: 'row', row: index, message: `${name} has ${problems.join(', ')}` });
    if (!(pscore > 0 && pscore <= 1))
      badP.push({ field: 'propensity_score', row: index, message: `${name} has propensity_score ${pscoreRaw.trim() || '(empty)'}` });
    const action = itemIndex.get(item);
    if (action === undefined) unknown.push({ field: 'item_id', row: index, message: `${name} has item_id ${cells[col('item_id')]}` });
    if (problems.length || action === undefined || !(pscore > 0 && pscore <= 1)) return;
    const context = new Array<number>(du).fill(0);
    USER_CATEGORICALS.forEach((c, j) => (context[userOffsets[j] + (userEnc[j].codes.get(cells[col(c)]) as number)] = 1));
    parsed.push({ line, row: { index, at, position: positionIndex.get(position) as number, action, reward, pscore, context, actionContext: affinity } });
  });
  if (bad.length) fail('BAD_VALUE', logName, 'invalid values', bad, 'Fix these rows or drop them from the file.');
  if (badP.length)
    fail(
      'BAD_PROPENSITY',
      logName,
      "propensity_score must be in (0, 1], the logging policy's probability of the item at that position",
      badP,
      'Fix or drop these rows; a zero propensity means the row could not have been logged.',
    );
  if (unknown.length) fail('UNKNOWN_ITEM', logName, `items that are not in ${itemsName}`, unknown, `Use the item_context.csv that belongs to this log.`);

  parsed.sort((a, b) => a.row.at - b.row.at || a.line - b.line);
  return {
    source: files.logName,
    actionIds: itemIds.map(String),
    actionFeatures,
    actionFeatureNames,
    contextFeatureNames,
    positionLabels,
    rows: parsed.map((p) => p.row),
  };
}

export function readObd(logPath: string, itemsPath: string): BanditDataset {
  const read = (path: string, flag: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new OpeInputError(
        'UNREADABLE_FILE',
        `Cannot read ${flag} file ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path.`,
      );
    }
  };
  const log = read(logPath, '--obd');
  const items = read(itemsPath, '--items');
  return parseObd({ log, items, logName: basename(logPath), itemsName: basename(itemsPath) });
}
