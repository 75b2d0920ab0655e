/** Client-side CSV export: every table in the analytics pages downloads what it shows. */

type CsvValue = string | number | boolean | null | undefined | Date;

export interface CsvColumn<T> {
  header: string;
  value(row: T): CsvValue;
}

function cell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // Spreadsheets run cells that start with = + - @ as formulas; a leading apostrophe keeps them text.
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 text: a header row, then one line per row, CRLF line ends. Numbers are written in full precision. */
export function toCsv<T>(rows: readonly T[], columns: readonly CsvColumn<T>[]): string {
  const lines = [columns.map((c) => cell(c.header)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => cell(c.value(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** "marquee-content-tests-home-2026-11-27.csv" */
export function csvFilename(...parts: (string | null | undefined)[]): string {
  const stem = ['marquee', ...parts.filter((p): p is string => !!p), new Date().toISOString().slice(0, 10)]
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-+/g, '-');
  return `${stem}.csv`;
}

/** Saves the text as a file (UTF-8 with a byte-order mark, so spreadsheet apps read accents right). */
export function downloadCsv(filename: string, csv: string): void {
  const blob = new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
