import fc from 'fast-check';
import { MAX_BODY_DEPTH, jsonDepth, verifyJsonDepth } from './json-depth';

const bytes = (s: string) => Buffer.from(s, 'utf8');

/** The depth JSON.parse sees, computed on the parsed value (the reference the byte scan must agree with). */
function parsedDepth(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
  return 1 + children.reduce<number>((m, c) => Math.max(m, parsedDepth(c)), 0);
}

describe('jsonDepth: nesting measured on the raw body before parsing', () => {
  it('counts objects and arrays, not brackets inside strings or after escaped quotes', () => {
    expect(jsonDepth(bytes('{"query":"{ a { b { c } } }","variables":{"x":[1,[2]]}}'), 100)).toBe(4);
    expect(jsonDepth(bytes('{"s":"\\"[[[[\\\\"}'), 100)).toBe(1);
    expect(jsonDepth(bytes('"plain"'), 100)).toBe(0);
  });

  it('agrees with the depth of the parsed value for any JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), (v) => {
        const text = JSON.stringify(v);
        expect(jsonDepth(bytes(text), 1000)).toBe(parsedDepth(v));
      }),
      { numRuns: 500 },
    );
  });

  it('stops as soon as the limit is passed', () => {
    const n = 150_000;
    const deep = bytes(`{"variables":{"c":${'['.repeat(n)}${']'.repeat(n)}}}`);
    expect(jsonDepth(deep, MAX_BODY_DEPTH)).toBe(MAX_BODY_DEPTH + 1);
    expect(() => verifyJsonDepth(null, null, deep)).toThrow(/more than \d+ levels deep/);
  });

  it('lets every body the edge would accept through (inputs nest at most 32 levels inside the body)', () => {
    const nested = (d: number): unknown => (d === 0 ? 'x' : { k: nested(d - 1) });
    expect(() => verifyJsonDepth(null, null, bytes(JSON.stringify({ query: 'q', variables: { v: nested(32) } })))).not.toThrow();
  });
});
