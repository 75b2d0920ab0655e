import { clientIdProblem, findUnstorableText, nameProblem, quoteInput, unstorableText, userIdProblem } from './text';

describe('unstorableText', () => {
  it.each([
    ['plain', null],
    ['emoji 😀 and ü', null],
    ['', null],
  ])('accepts %j', (s, expected) => expect(unstorableText(s)).toBe(expected));

  it('names a NUL and where it is', () => {
    expect(unstorableText('nul\u0000user')).toBe('a NUL byte (U+0000) at character 4');
  });

  it('names lone high and low surrogates, but not a pair', () => {
    expect(unstorableText('a\uD800b')).toBe('a lone surrogate (U+D800) at character 2');
    expect(unstorableText('\uDC00')).toBe('a lone surrogate (U+DC00) at character 1');
    expect(unstorableText('x\uD83D')).toBe('a lone surrogate (U+D83D) at character 2');
    expect(unstorableText('\uD83D\uDE00')).toBeNull();
  });
});

describe('findUnstorableText', () => {
  it('walks objects and arrays and names the path', () => {
    expect(findUnstorableText({ a: 1, b: ['ok', { c: 'bad\u0000' }] })).toEqual({ path: 'b[1].c', problem: 'a NUL byte (U+0000) at character 4' });
    expect(findUnstorableText({ ['k\u0000']: 1 })).toEqual({ path: 'k\u0000', problem: 'a NUL byte (U+0000) at character 2 in the key' });
    expect(findUnstorableText({ a: 'fine', d: new Date(0), n: null })).toBeNull();
  });
});

describe('quoteInput', () => {
  it('quotes a short value whole, escaping what would not print', () => {
    expect(quoteInput('evening-calm')).toBe('"evening-calm"');
    expect(quoteInput('a"b\nc')).toBe('"a\\"b\\nc"');
    expect(quoteInput(42)).toBe('"42"');
  });

  it('cuts a long value at max characters with an ellipsis and its length', () => {
    expect(quoteInput('x'.repeat(900_000))).toBe(`"${'x'.repeat(60)}…" (900000 characters)`);
    expect(quoteInput('abcdef', 3)).toBe('"abc…" (6 characters)');
  });

  it('never leaves half of a surrogate pair at the cut', () => {
    expect(quoteInput('ab😀cd', 3)).toBe('"ab…" (6 characters)');
  });

  it('names lists and objects instead of rendering them', () => {
    expect(quoteInput(['a', 'b'])).toBe('a list of 2');
    expect(quoteInput({ a: 1 })).toBe('an object');
  });
});

describe('nameProblem', () => {
  it.each([['iOS app'], ['Zoë’s key 🔑'], ['مفتاح'], ['a b'], ['']])('accepts %j', (s) => expect(nameProblem(s)).toBeNull());

  it.each([['a\nb'], ['a\r\nb'], ['a\u2028b'], ['a\u0085b']])('refuses the line break in %j', (s) =>
    expect(nameProblem(s)).toBe('contains a line break; use one line'),
  );

  it.each([
    ['a\tb', '0009', 2],
    ['\u0000x', '0000', 1],
    ['x\u007f', '007F', 2],
    ['x\u009b', '009B', 2],
  ])('refuses the control character in %j', (s, code, at) =>
    expect(nameProblem(s)).toBe(`contains the control character U+${code} at character ${at}; remove it`),
  );

  it.each([
    ['\u202Egnp.exe', '202E'],
    ['a\u202Ab', '202A'],
    ['a\u2066b', '2066'],
    ['a\u2069b', '2069'],
    ['a\u200Eb', '200E'],
    ['a\u200Fb', '200F'],
    ['a\u061Cb', '061C'],
  ])('refuses the bidirectional control in %j', (s, code) =>
    expect(nameProblem(s)).toMatch(new RegExp(`^contains the bidirectional control character U\\+${code} at`)),
  );

  it('refuses a lone surrogate', () => expect(nameProblem('a\uD800')).toBe('contains a lone surrogate (U+D800) at character 2; remove it'));
});

describe('userIdProblem', () => {
  it('takes 1 to 128 characters of what clientIdProblem takes', () => {
    for (const u of ['u', 'Zoë 😀', 'x'.repeat(128)]) expect(userIdProblem(u)).toBeNull();
    for (const u of ['', 'x'.repeat(129), null, 7]) expect(userIdProblem(u)).toBe('must be 1 to 128 characters');
    expect(userIdProblem('ad\u200Bmin')).toBe(clientIdProblem('ad\u200Bmin'));
  });
});

describe('clientIdProblem', () => {
  it.each(['u-1', 'user@example.com', 'Zoë 😀', 'مستخدم', 'a b', 'x'.repeat(128)])('accepts %j', (s) => expect(clientIdProblem(s)).toBeNull());

  it.each([
    ['a\nb', 'line break', '000A', 2],
    ['ab\r', 'line break', '000D', 3],
    ['\u2028', 'line break', '2028', 1],
    ['\u0085x', 'line break', '0085', 1],
    ['a\tb', 'control character', '0009', 2],
    ['nul\u0000', 'control character', '0000', 4],
    ['\u001b[31m', 'control character', '001B', 1],
    ['del\u007f', 'control character', '007F', 4],
    ['c1\u009b', 'control character', '009B', 3],
    ['\u202Egnp.exe', 'bidirectional control character', '202E', 1],
    ['a\u202Ab', 'bidirectional control character', '202A', 2],
    ['ab\u2066c', 'bidirectional control character', '2066', 3],
    ['abc\u2069', 'bidirectional control character', '2069', 4],
    ['a\u200Bb', 'zero-width character', '200B', 2],
    ['a\u200Cb', 'zero-width character', '200C', 2],
    ['a\u200Db', 'zero-width character', '200D', 2],
    ['a\u2060b', 'zero-width character', '2060', 2],
    ['\uFEFFa', 'zero-width character', 'FEFF', 1],
  ])('refuses %j, naming the %s U+%s and where it is', (s, kind, code, at) =>
    expect(clientIdProblem(s)).toBe(
      `contains the ${kind} U+${code} at character ${at}; an id must be visible text: no line breaks, control characters (U+0000–U+001F, U+007F–U+009F), bidi controls or zero-width characters`,
    ),
  );

  it('refuses a lone surrogate', () => expect(clientIdProblem('a\uD800')).toBe('contains a lone surrogate (U+D800) at character 2; remove it'));
});
