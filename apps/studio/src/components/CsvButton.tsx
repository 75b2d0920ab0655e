import { csvFilename, downloadCsv, toCsv, type CsvColumn } from '../lib/csv';
import { Button } from './Button';

interface CsvButtonProps<T> {
  rows: readonly T[] | undefined;
  columns: readonly CsvColumn<T>[];
  /** Parts of the file name, e.g. ['content-tests', 'home']; the date is added. */
  name: (string | null | undefined)[];
  testId?: string;
  label?: string;
}

/** Downloads the rows a table shows as CSV, built in the browser. Disabled while there is nothing to export. */
export function CsvButton<T>({ rows, columns, name, testId = 'csv-export', label = 'CSV' }: CsvButtonProps<T>) {
  const empty = !rows || rows.length === 0;
  return (
    <Button
      size="sm"
      variant="secondary"
      icon="download"
      disabled={empty}
      title={empty ? 'Nothing to export yet' : `Download these ${rows.length} rows as CSV`}
      data-testid={testId}
      onClick={() => rows && downloadCsv(csvFilename(...name), toCsv(rows, columns))}
    >
      {label}
    </Button>
  );
}
