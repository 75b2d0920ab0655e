import { findUnstorableText, unstorableText } from './text';

describe('unstorableText', () => {
  it.each([
    ['plain', null],
    ['emoji 😀 and ü', null],
    ['', null],
  ])('accepts %j', (s, expected) => expect(unstorableText(s)).toBe(expected));

  it('names a NUL and where it is', () => {
    expect(unstorableText('nul\u0000user')).toBe('a NUL byte (U+0000) at character 3');
  });

  it('names lone high and low surrogates, but not a pair', () => {
    expect(unstorableText('a\uD800b')).toBe('a lone surrogate (U+D800) at character 1');
    expect(unstorableText('\uDC00')).toBe('a lone surrogate (U+DC00) at character 0');
    expect(unstorableText('x\uD83D')).toBe('a lone surrogate (U+D83D) at character 1');
    expect(unstorableText('\uD83D\uDE00')).toBeNull();
  });
});

describe('findUnstorableText', () => {
  it('walks objects and arrays and names the path', () => {
    expect(findUnstorableText({ a: 1, b: ['ok', { c: 'bad\u0000' }] })).toEqual({ path: 'b[1].c', problem: 'a NUL byte (U+0000) at character 3' });
    expect(findUnstorableText({ ['k\u0000']: 1 })).toEqual({ path: 'k\u0000', problem: 'a NUL byte (U+0000) at character 1 in the key' });
    expect(findUnstorableText({ a: 'fine', d: new Date(0), n: null })).toBeNull();
  });
});
