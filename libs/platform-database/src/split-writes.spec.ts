import fc from 'fast-check';
import { UnwrittenRows, writeSplitting } from './split-writes';

const BAD = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
const DOWN = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const isDown = (e: unknown) => e === DOWN;

/** A table that refuses any statement holding a bad row, like PostgreSQL refuses a whole multi-row INSERT. */
function table(bad: (n: number) => boolean) {
  const stored: number[] = [];
  return {
    stored,
    write: async (rows: number[]) => {
      if (rows.some(bad)) throw BAD;
      stored.push(...rows);
    },
  };
}

describe('writeSplitting', () => {
  it('writes a clean batch in one statement', async () => {
    const t = table(() => false);
    expect(await writeSplitting([1, 2, 3], t.write, isDown, () => undefined)).toEqual({ written: 3, dropped: 0, statements: 1 });
    expect(t.stored).toEqual([1, 2, 3]);
  });

  it('drops only the bad row, says which, and keeps the order of the rest', async () => {
    const t = table((n) => n === 7);
    const dropped: [number, unknown][] = [];
    const r = await writeSplitting(
      Array.from({ length: 100 }, (_, i) => i),
      t.write,
      isDown,
      (row, e) => dropped.push([row, e]),
    );
    expect(dropped).toEqual([[7, BAD]]);
    expect(t.stored).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((n) => n !== 7));
    expect(r.statements).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(100)) + 1);
  });

  it('keeps every good row whatever rows are bad (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 64 }), async (badness) => {
        const rows = badness.map((_, i) => i);
        const t = table((n) => badness[n]);
        const dropped: number[] = [];
        const r = await writeSplitting(rows, t.write, isDown, (row) => dropped.push(row));
        expect(t.stored).toEqual(rows.filter((n) => !badness[n]));
        expect(dropped.sort((a, b) => a - b)).toEqual(rows.filter((n) => badness[n]));
        expect(r.written + r.dropped).toBe(rows.length);
      }),
    );
  });

  it('stops when PostgreSQL goes away and hands back every row not written, in order', async () => {
    let calls = 0;
    const stored: number[] = [];
    const write = async (rows: number[]) => {
      calls++;
      if (calls === 1) throw BAD; // splits into [0,1] and [2,3]
      if (calls === 2) return void stored.push(...rows);
      throw DOWN;
    };
    const err = await writeSplitting([0, 1, 2, 3], write, isDown, () => undefined).catch((e) => e);
    expect(err).toBeInstanceOf(UnwrittenRows);
    expect(stored).toEqual([0, 1]);
    expect((err as UnwrittenRows<number>).rows).toEqual([2, 3]);
  });
});
