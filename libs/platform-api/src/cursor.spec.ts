import { decodeCursor, encodeCursor } from './cursor';

const forge = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('list cursors', () => {
  const id = '0c3b6e02-7f88-441e-bf16-5dd25c1823f1';

  it('reads back what encodeCursor wrote', () => {
    const at = new Date('2026-12-07T06:00:00.123Z').toISOString();
    expect(decodeCursor(encodeCursor([at, id]), ['timestamp', 'uuid'])).toEqual([at, id]);
    expect(decodeCursor(encodeCursor(['evening calm', id]), ['text', 'uuid'])).toEqual(['evening calm', id]);
    expect(decodeCursor(encodeCursor(['9223372036854775807']), ['bigint'])).toEqual(['9223372036854775807']);
  });

  it.each([
    ['not base64 JSON', 'garbage!'],
    ['the wrong number of parts', forge(['2026-12-07T06:00:00.000Z'])],
    ['a non-uuid id', forge(['2026-12-07T06:00:00.000Z', 'y'])],
    ['a word for a timestamp', forge(['x', id])],
    ['a day that does not exist', forge(['2026-02-31T00:00:00.000Z', id])],
    ['year 0', forge(['0000-01-01T00:00:00.000Z', id])],
    // toISOString writes these for the last and first instants a JS Date holds; PostgreSQL refuses them.
    ['a six-digit year', forge(['+275760-09-13T00:00:00.000Z', id])],
    ['a negative year', forge(['-271821-04-20T00:00:00.000Z', id])],
    ['a timestamp in another spelling', forge(['2026-12-07 06:00:00', id])],
    ['nulls', forge([null, null])],
    ['an object', forge([{ a: 1 }, id])],
  ])('refuses %s as BAD_USER_INPUT', (_, cursor) => {
    let caught: unknown;
    try {
      decodeCursor(cursor, ['timestamp', 'uuid']);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/The cursor is not valid/) });
  });

  it('refuses a bigint cursor that is not digits or is past the bigint range', () => {
    for (const bad of ['x', '-1', '1.5', '9223372036854775808', '12345678901234567890'])
      expect(() => decodeCursor(forge([bad]), ['bigint'])).toThrow(/cursor is not valid/);
    expect(() => decodeCursor(forge([12]), ['bigint'])).toThrow(/cursor is not valid/);
  });

  it('refuses a text sort key with a NUL or over 10,000 characters', () => {
    const id = '0c3b6e02-7f88-441e-bf16-5dd25c1823f1';
    expect(() => decodeCursor(forge(['a\u0000b', id]), ['text', 'uuid'])).toThrow(/cursor is not valid/);
    expect(() => decodeCursor(forge(['a'.repeat(10_001), id]), ['text', 'uuid'])).toThrow(/cursor is not valid/);
    expect(decodeCursor(forge(['a'.repeat(10_000), id]), ['text', 'uuid'])[0]).toHaveLength(10_000);
  });
});
