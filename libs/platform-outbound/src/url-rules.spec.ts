import { httpUrlProblem, redactUrlCredentials } from './url-rules';

describe('httpUrlProblem', () => {
  it.each([
    ['https://cdn.example.com/a.png', null],
    ['http://example.com:8080/a.png', null],
    ['http://example.com:65535/a.png', null],
    ['http://example.com:0/a.png', 'port-0'],
    ['http://example.com:00/a.png', 'port-0'],
    ['http://example.com:65536/a.png', 'not-http'],
    ['https://user:pass@example.com/a.png', 'credentials'],
    ['https://user@example.com/a.png', 'credentials'],
    ['https://:pass@example.com/a.png', 'credentials'],
    ['javascript:alert(1)', 'not-http'],
    ['ftp://example.com/a.png', 'not-http'],
    ['not a url', 'not-http'],
  ])('%s → %s', (url, problem) => {
    expect(httpUrlProblem(url)).toBe(problem);
  });
});

describe('redactUrlCredentials', () => {
  it('hides the user:password part of every URL in a text and leaves the rest', () => {
    expect(redactUrlCredentials('artwork https://user:pass@example.com/a.png (x); audio http://u@h.test:81/b?c=d@e')).toBe(
      'artwork https://***@example.com/a.png (x); audio http://***@h.test:81/b?c=d@e',
    );
  });

  it('leaves URLs without credentials, and an @ in a path or query, as they are', () => {
    const text = 'https://example.com/@me and http://example.com/?to=a@b.c and mail a@b.c';
    expect(redactUrlCredentials(text)).toBe(text);
  });
});
