/** Thrown when PostgreSQL went away part-way: `rows` are the ones not written yet, to be kept and retried later. */
export class UnwrittenRows<T> extends Error {
  constructor(
    readonly reason: unknown,
    readonly rows: T[],
  ) {
    super(`${rows.length} row(s) not written: ${(reason as Error)?.message ?? String(reason)}`);
    this.name = 'UnwrittenRows';
  }
}

/**
 * Writes `rows` with as few statements as it can while never letting one bad row take the others with it: the whole
 * batch first; if PostgreSQL refuses it for a reason that retrying cannot cure (a value it cannot store), each half
 * again, down to the single rows that fail, which `onDrop` reports and leaves out. One bad row in n costs about
 * 2·log2(n) statements. When `isUnavailable` says PostgreSQL itself is gone, it stops and throws UnwrittenRows
 * with every row not yet written, in order.
 */
export async function writeSplitting<T>(
  rows: T[],
  write: (rows: T[]) => Promise<void>,
  isUnavailable: (e: unknown) => boolean,
  onDrop: (row: T, e: unknown) => void,
): Promise<{ written: number; dropped: number; statements: number }> {
  const pending: T[][] = rows.length ? [rows] : [];
  let written = 0;
  let dropped = 0;
  let statements = 0;
  while (pending.length) {
    const part = pending.pop()!;
    try {
      statements++;
      await write(part);
      written += part.length;
    } catch (e) {
      if (isUnavailable(e)) throw new UnwrittenRows(e, [...part, ...pending.reverse().flat()]);
      if (part.length === 1) {
        dropped++;
        onDrop(part[0], e);
        continue;
      }
      const mid = part.length >> 1;
      pending.push(part.slice(mid), part.slice(0, mid)); // the first half is written first
    }
  }
  return { written, dropped, statements };
}
