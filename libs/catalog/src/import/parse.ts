import { parse as parseCsv } from 'csv-parse/sync';
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

/** "600", "10:00" and "1:02:03" all work, because editors paste durations from players. */
export function parseDuration(v: string | undefined): unknown {
  if (v === undefined || v.trim() === '') return undefined;
  const t = v.trim();
  if (/^\d+(:\d{1,2}){1,2}$/.test(t)) return t.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  return /^\d+$/.test(t) ? Number(t) : t;
}

function normKey(k: string): string {
  return k
    .trim()
    .replace(/\[(.+?)\]/g, '.$1')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function csvRecordToInput(record: Record<string, string>): ItemInputLike {
  const input: ItemInputLike & { localized: Record<string, Record<string, string>>; attributes: Record<string, string>; media: Record<string, string> } = {
    localized: {},
    attributes: {},
    media: {},
  };
  for (const [rawKey, rawVal] of Object.entries(record)) {
    const key = normKey(rawKey);
    const val = rawVal ?? '';
    const m = /^(title|subtitle|description)\.(.+)$/.exec(key);
    if (m) {
      const loc = rawKey
        .trim()
        .replace(/^.*?[.[]/, '')
        .replace(/\]$/, '');
      if (val.trim()) (input.localized[loc] ??= {})[m[1]] = val;
      continue;
    }
    const a = /^(attr|attributes|attribute)\.(.+)$/.exec(key);
    if (a) {
      if (val.trim()) input.attributes[a[2]] = val;
      continue;
    }
    switch (key) {
      case 'slug':
      case 'kind':
      case 'availability':
        input[key] = val;
        break;
      case 'default_locale':
        input.defaultLocale = val;
        break;
      case 'locales':
      case 'topics':
      case 'collections':
      case 'platforms':
      case 'sessions':
        input[key] = splitList(val);
        break;
      case 'min_app_version':
        input.minAppVersion = val;
        break;
      case 'duration':
      case 'duration_seconds':
        input.durationSeconds = parseDuration(val);
        break;
      case 'audio_url':
        input.media.audioUrl = val;
        break;
      case 'video_url':
        input.media.videoUrl = val;
        break;
      case 'artwork_url':
        input.media.artworkUrl = val;
        break;
      default:
        // Unknown columns are ignored on purpose: exports from other tools carry extra columns.
        break;
    }
  }
  return input;
}

/** JSON Lines rows use the GraphQL input shape; `localized` may be a map or a list of {locale, ...}. */
function jsonToInput(obj: Record<string, unknown>): ItemInputLike {
  const out: ItemInputLike = { ...obj };
  if (Array.isArray(obj.localized)) {
    out.localized = Object.fromEntries((obj.localized as Record<string, unknown>[]).map(({ locale, ...rest }) => [String(locale), rest]));
  }
  if (typeof obj.durationSeconds === 'string') out.durationSeconds = parseDuration(obj.durationSeconds);
  return out;
}

export function parseImport(content: string, format: ImportFormat): ParsedRow[] {
  if (format === 'jsonl') {
    const rows: ParsedRow[] = [];
    content.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const obj = JSON.parse(line);
        if (!obj || typeof obj !== 'object' || Array.isArray(obj)) rows.push({ row: i + 1, input: null, error: 'must be a JSON object, one item per line' });
        else rows.push({ row: i + 1, input: jsonToInput(obj), error: null });
      } catch (e) {
        rows.push({ row: i + 1, input: null, error: `is not valid JSON (${(e as Error).message})` });
      }
    });
    return rows;
  }
  const records = parseCsv(content, { columns: true, skip_empty_lines: true, bom: true, trim: false, relax_column_count: true, info: true }) as {
    record: Record<string, string>;
    info: { lines: number };
  }[];
  // info.lines is the line where the record ends; a multi-line cell makes it later than where the row starts.
  let nextStart = 2;
  return records.map(({ record, info }) => {
    const row = nextStart;
    nextStart = info.lines + 1;
    return { row, input: csvRecordToInput(record), error: null };
  });
}
