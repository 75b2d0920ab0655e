import { parse as parseCsvStream } from 'csv-parse';
import { quoteInput as q } from '@marquee/platform-core';
import type { ItemInputLike } from '../domain/validation';

export interface ParsedRow {
  /** The line in the file where the row starts (CSV header is line 1), as an editor sees it in a text editor. */
  row: number;
  input: ItemInputLike | null;
  error: string | null;
}

export type ImportFormat = 'jsonl' | 'csv';

export function detectFormat(filename: string, content: string): ImportFormat {
  if (/\.(jsonl|ndjson|json)$/i.test(filename)) return 'jsonl';
  if (/\.csv$/i.test(filename)) return 'csv';
  return content.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

const LIST_SPLIT = /\s*[|,;]\s*/;

function splitList(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t ? t.split(LIST_SPLIT).filter(Boolean) : [];
}

/**
 * "600", "10:00" and "1:02:03" all work, because editors paste durations from players. The first part is not bounded
 * ("90:00" is 90 minutes, as players show it); the minutes and seconds after it are clock digits, 0 to 59. Anything
 * else, "1:99:99" included, is returned as it is, for validation to refuse with the forms it takes.
 */
export function parseDuration(v: string | undefined): unknown {
  if (v === undefined || v.trim() === '') return undefined;
  const t = v.trim();
  if (/^\d+(:\d{1,2}){1,2}$/.test(t)) {
    const [first, ...rest] = t.split(':').map(Number);
    // "1:99:99" was read as 1 h + 99 min + 99 s = 9,639 s: a typo taken as a duration nobody meant.
    if (rest.some((n) => n > 59)) return t;
    return rest.reduce((acc, n) => acc * 60 + n, first);
  }
  return /^\d+$/.test(t) ? Number(t) : t;
}

function normKey(k: string): string {
  return k
    .trim()
    .replace(/\[(.+?)\]/g, '.$1')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** What one CSV column sets, decided once from the header instead of once per cell. */
type ColumnSetter = (input: CsvInput, val: string) => void;
type CsvInput = ItemInputLike & { localized: Record<string, Record<string, string>>; attributes: Record<string, string>; media: Record<string, string> };

function columnSetter(rawKey: string): ColumnSetter | null {
  const key = normKey(rawKey);
  const m = /^(title|subtitle|description)\.(.+)$/.exec(key);
  if (m) {
    const field = m[1];
    const loc = rawKey
      .trim()
      .replace(/^.*?[.[]/, '')
      .replace(/\]$/, '');
    return (input, val) => {
      if (val.trim()) (input.localized[loc] ??= {})[field] = val;
    };
  }
  const a = /^(attr|attributes|attribute)\.(.+)$/.exec(key);
  if (a) {
    const attr = a[2];
    return (input, val) => {
      if (val.trim()) input.attributes[attr] = val;
    };
  }
  switch (key) {
    case 'slug':
    case 'kind':
    case 'availability':
      return (input, val) => (input[key] = val);
    case 'default_locale':
      return (input, val) => (input.defaultLocale = val);
    case 'locales':
    case 'topics':
    case 'collections':
    case 'platforms':
    case 'sessions':
      return (input, val) => (input[key] = splitList(val));
    case 'min_app_version':
      return (input, val) => (input.minAppVersion = val);
    case 'duration':
    case 'duration_seconds':
      return (input, val) => (input.durationSeconds = parseDuration(val));
    case 'audio_url':
      return (input, val) => (input.media.audioUrl = val);
    case 'video_url':
      return (input, val) => (input.media.videoUrl = val);
    case 'artwork_url':
      return (input, val) => (input.media.artworkUrl = val);
    default:
      // Unknown columns are ignored on purpose: exports from other tools carry extra columns.
      return null;
  }
}

/**
 * What a CSV column sets, compared as the importer reads names: "Title.en", "title[en]" and "title.en" are one column,
 * as are "duration" and "duration_seconds", or "attr.narrator" and "attributes.narrator". Null for a column the
 * importer ignores.
 */
function columnTarget(rawKey: string): string | null {
  if (!columnSetter(rawKey)) return null;
  const key = normKey(rawKey);
  if (key === 'duration_seconds') return 'duration';
  return key.replace(/^(attributes|attribute)\./, 'attr.');
}

/**
 * The columns of a CSV header the importer reads more than once, as written, with their positions (1-based). A row's
 * later cell used to overwrite the earlier one without a word. Ignored columns may repeat: they set nothing.
 */
export function repeatedColumns(header: readonly string[]): { names: string[]; columns: number[] }[] {
  const byTarget = new Map<string, { names: string[]; columns: number[] }>();
  header.forEach((raw, i) => {
    const target = columnTarget(raw);
    if (target === null) return;
    const seen = byTarget.get(target) ?? { names: [], columns: [] };
    seen.names.push(raw.trim());
    seen.columns.push(i + 1);
    byTarget.set(target, seen);
  });
  return [...byTarget.values()].filter((c) => c.columns.length > 1);
}

function csvRowToInput(setters: readonly (ColumnSetter | null)[], cells: readonly string[]): ItemInputLike {
  // The locale and attribute names come from the file's header: in maps without a prototype, a column named
  // `title.__proto__` or `attr.constructor` is an entry (which validation refuses as it refuses it in JSON Lines)
  // instead of writing into Object.prototype, which polluted every object of the worker and crashed it.
  const input: CsvInput = { localized: Object.create(null) as CsvInput['localized'], attributes: Object.create(null) as CsvInput['attributes'], media: {} };
  // A short row leaves its missing columns out; cells past the header have no column and are ignored.
  const n = Math.min(cells.length, setters.length);
  for (let i = 0; i < n; i++) setters[i]?.(input, cells[i] ?? '');
  return input;
}

/** JSON Lines rows use the GraphQL input shape; `localized` may be a map or a list of {locale, ...}, both read by validation. */
function jsonToInput(obj: Record<string, unknown>): ItemInputLike {
  const out: ItemInputLike = { ...obj };
  if (typeof obj.durationSeconds === 'string') out.durationSeconds = parseDuration(obj.durationSeconds);
  return out;
}

/** Most rows a file may hold (the header aside); more is refused at upload, before anything is stored. */
export const MAX_IMPORT_ROWS = 50_000;
/**
 * Most columns a CSV row may have. The template has 18; every locale's three texts for the 30 locales an item may
 * have, plus attributes, stay well under it. A header of a million columns is not a catalogue.
 */
export const MAX_IMPORT_COLUMNS = 500;
/** Longest CSV row, in characters (30 locales of 4,000-character descriptions fit). */
export const MAX_IMPORT_ROW_CHARS = 1_000_000;

/** Characters parsed between two turns of the event loop: a few milliseconds of work. */
const SLICE_CHARS = 32 * 1024;
/** JSON Lines rows parsed between two turns of the event loop. */
const JSONL_ROWS_PER_TURN = 1000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A file the upload refuses before parsing it: too many rows or columns. The message says what to do. */
export class ImportTooLarge extends Error {
  constructor(
    message: string,
    readonly problem: string,
  ) {
    super(message);
  }
}

function tooManyRows(seen: string): ImportTooLarge {
  return new ImportTooLarge(
    `The file has ${seen} rows; the limit is ${MAX_IMPORT_ROWS}. Split it into files of at most ${MAX_IMPORT_ROWS} rows and upload each.`,
    'has too many rows',
  );
}

/** A CSV header that names a column twice: which cell counts is not for the importer to guess. */
export class ImportHeaderRepeats extends Error {
  readonly problem: string;

  constructor(readonly repeats: { names: string[]; columns: number[] }[]) {
    const each = repeats.map(
      (r) => `${[...new Set(r.names)].map((n) => q(n)).join(' and ')} (columns ${r.columns.slice(0, -1).join(', ')} and ${r.columns[r.columns.length - 1]})`,
    );
    const shown = each.length > 5 ? `${each.slice(0, 5).join('; ')}; and ${each.length - 5} more` : each.join('; ');
    super(
      `The header row names the same column more than once: ${shown}. Each row would keep only one of those cells, so nothing was imported. Keep one column of each (the CSV template, at /api/imports/template.csv, lists the names) and upload the file again.`,
    );
    this.problem = `repeats the column${repeats.length > 1 ? 's' : ''} ${repeats
      .slice(0, 5)
      .map((r) => q(r.names[0]))
      .join(', ')}${repeats.length > 5 ? ` and ${repeats.length - 5} more` : ''}`;
  }
}

function tooManyColumns(what: string, seen: string): ImportTooLarge {
  return new ImportTooLarge(
    `${what} has ${seen} columns; the limit is ${MAX_IMPORT_COLUMNS}. Remove the columns the import does not use (the CSV template, at /api/imports/template.csv, lists the ones it reads) and upload it again.`,
    'has too many columns',
  );
}

/**
 * Most commas one physical line may hold. Quoted cells may contain commas, so this is far above MAX_IMPORT_COLUMNS;
 * it only stops csv-parse from building a row of a million cells (which took half a second) before its width is
 * checked.
 */
const MAX_LINE_COMMAS = 20 * MAX_IMPORT_COLUMNS;

/**
 * Counts commas per physical line with native searches, across slices: the header is held to MAX_IMPORT_COLUMNS
 * (a header of a million columns is refused at once), any other line to MAX_LINE_COMMAS.
 */
class LineWidth {
  private line = 1;
  private commas = 0;

  check(slice: string): void {
    let comma = slice.indexOf(',');
    // A line ends at LF, CR LF or CR alone, as a record does: a file saved with CR line ends ("CSV (Macintosh)") was
    // counted as one line, and refused as a header of more than MAX_IMPORT_COLUMNS columns.
    let lf = slice.indexOf('\n');
    let cr = slice.indexOf('\r');
    for (let pos = 0; ;) {
      if (lf !== -1 && lf < pos) lf = slice.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = slice.indexOf('\r', pos);
      const nl = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      const end = nl < 0 ? slice.length : nl;
      const max = this.line === 1 ? MAX_IMPORT_COLUMNS - 1 : MAX_LINE_COMMAS;
      // `comma` is the first comma at or after `pos`, kept across lines so no search runs twice over the same text.
      while (comma !== -1 && comma < end) {
        if (++this.commas > max)
          throw this.line === 1
            ? tooManyColumns('The header row', `more than ${MAX_IMPORT_COLUMNS}`)
            : tooManyColumns(`Line ${this.line}`, `more than ${MAX_LINE_COMMAS}`);
        comma = slice.indexOf(',', comma + 1);
      }
      if (nl < 0) return;
      this.line++;
      this.commas = 0;
      pos = nl + (slice[nl] === '\r' && slice[nl + 1] === '\n' ? 2 : 1);
    }
  }
}

/**
 * Calls `onRecord` with each CSV record (as cells) and the line it ends on, parsing SLICE_CHARS characters per turn of
 * the event loop, so a 20 MB file never holds the process for more than a few milliseconds at a time. `onRecord`
 * returns false to stop reading (the rest of the file is not parsed). Rejects with csv-parse's error for a malformed
 * file, or with ImportTooLarge for a row over MAX_IMPORT_COLUMNS columns.
 */
async function readCsv(content: string, onRecord: (cells: string[], endLine: number) => boolean): Promise<void> {
  const width = new LineWidth();
  // No `info: true`: its per-record snapshot made csv-parse five times slower. The parser's live `info` is read
  // instead, which is the record's own while 'data' is emitted from inside write() (the count check guards that).
  // Every line ending ends a record. csv-parse otherwise takes the first one it sees as the only one: in a CRLF file a
  // line ending in LF alone (or CR alone, as old Mac exports and pasted lines have) was joined to the next, whose
  // cells went past the header and were dropped without a word.
  const parser = parseCsvStream({
    skip_empty_lines: true,
    bom: true,
    trim: false,
    relax_column_count: true,
    max_record_size: MAX_IMPORT_ROW_CHARS,
    record_delimiter: ['\r\n', '\n', '\r'],
  });
  let stopped = false;
  let failure: Error | null = null;
  let seen = 0;
  parser.on('data', (record: string[]) => {
    if (stopped || failure) return;
    if (parser.info.records !== ++seen) failure = new Error(`records were delivered late (${seen} read, ${parser.info.records} parsed)`);
    else if (record.length > MAX_IMPORT_COLUMNS) failure = tooManyColumns(`The row ending on line ${parser.info.lines}`, String(record.length));
    else if (!onRecord(record, parser.info.lines)) stopped = true;
  });
  parser.on('error', (e: Error) => (failure ??= e));
  const finished = new Promise<void>((resolve) => parser.once('end', resolve).once('close', resolve));
  for (let at = 0; at < content.length && !stopped && !failure;) {
    let to = Math.min(content.length, at + SLICE_CHARS);
    // Never split a surrogate pair: each slice is encoded to UTF-8 on its own.
    if (to < content.length && /[\ud800-\udbff]/.test(content[to - 1])) to++;
    const slice = content.slice(at, to);
    try {
      width.check(slice);
    } catch (e) {
      failure = e as Error;
      break;
    }
    parser.write(slice);
    at = to;
    await nextTurn(); // the parsed records are delivered, and the event loop serves other requests
  }
  if (stopped || failure) parser.destroy();
  else parser.end();
  await finished;
  if (failure) throw failure;
}

/**
 * The upload's check, bounded work: counts the item rows (stopping one past MAX_IMPORT_ROWS), checks the columns, and
 * for CSV that the file parses. JSON Lines rows are counted by a native search for non-blank lines and not parsed: a
 * line that is not JSON is that row's error when the import runs. Resolves to the number of rows; rejects with
 * ImportTooLarge or ImportHeaderRepeats, or with the parser's error for a malformed CSV.
 */
export async function countImportRows(content: string, format: ImportFormat): Promise<number> {
  if (format === 'jsonl') {
    // A match starts at a line's first non-blank character (\S skips blank lines, line breaks included) and runs to
    // the end of that line: one match per row, as parseImport counts them.
    const line = /\S[^\n]*/g;
    let rows = 0;
    while (line.exec(content)) if (++rows > MAX_IMPORT_ROWS) throw tooManyRows(`more than ${MAX_IMPORT_ROWS}`);
    return rows;
  }
  let records = 0;
  let repeats: ReturnType<typeof repeatedColumns> = [];
  await readCsv(content, (cells) => {
    if (++records === 1) repeats = repeatedColumns(cells); // the header: checked before any row is read
    return repeats.length === 0 && records <= MAX_IMPORT_ROWS + 1; // the header, then the rows
  });
  if (repeats.length) throw new ImportHeaderRepeats(repeats);
  if (records > MAX_IMPORT_ROWS + 1) throw tooManyRows(`more than ${MAX_IMPORT_ROWS}`);
  return Math.max(0, records - 1);
}

/**
 * Every row of a file, for the worker: parsed a slice at a time like the upload's check, with each CSV column's
 * meaning decided once from the header.
 */
export async function parseImport(content: string, format: ImportFormat): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  if (format === 'jsonl') {
    let line = 1;
    let counted = 0; // where the newlines before `line` were counted up to
    const nonBlank = /\S[^\n]*/g;
    for (let m = nonBlank.exec(content); m; m = nonBlank.exec(content)) {
      for (let nl = content.indexOf('\n', counted); nl !== -1 && nl < m.index; nl = content.indexOf('\n', nl + 1)) line++;
      counted = m.index;
      rows.push(jsonLineToRow(m[0], line));
      if (rows.length % JSONL_ROWS_PER_TURN === 0) await nextTurn();
    }
    return rows;
  }
  let setters: (ColumnSetter | null)[] | null = null;
  // info.lines is the line where the record ends; a multi-line cell makes it later than where the row starts.
  let nextStart = 2;
  await readCsv(content, (cells, endLine) => {
    if (!setters) setters = cells.map(columnSetter);
    else {
      rows.push({ row: nextStart, input: csvRowToInput(setters, cells), error: null });
      nextStart = endLine + 1;
    }
    return true;
  });
  return rows;
}

function jsonLineToRow(line: string, row: number): ParsedRow {
  try {
    const obj = JSON.parse(line);
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { row, input: null, error: 'must be a JSON object, one item per line' };
    return { row, input: jsonToInput(obj), error: null };
  } catch (e) {
    return { row, input: null, error: `is not valid JSON (${(e as Error).message})` };
  }
}
