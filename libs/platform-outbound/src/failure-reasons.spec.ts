import { describeOutboundFailure } from './failure-reasons';
import { OutboundRefusedError, REFUSED_MESSAGE, TooManyRedirectsError, UnfollowableRedirectError } from './outbound-http';

/** undici's "fetch failed" wraps the real reason in `cause`, with a code or, for a parser error, only a message. */
const fetchFailed = (cause: Record<string, unknown>) => Object.assign(new TypeError('fetch failed'), { cause });

describe('describeOutboundFailure', () => {
  const TIMEOUT = 'No answer within 1 ms.';
  it.each([
    [new OutboundRefusedError('127.0.0.1 is loopback'), REFUSED_MESSAGE],
    [Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }), TIMEOUT],
    [fetchFailed({ code: 'ENOTFOUND' }), /does not resolve/],
    [fetchFailed({ code: 'ECONNREFUSED' }), /refused the connection/],
    [fetchFailed({ code: 'UND_ERR_SOCKET', message: 'other side closed' }), /closed the connection without a complete HTTP answer/],
    [fetchFailed({ name: 'HTTPParserError', message: 'Response does not match the HTTP/1.1 protocol (Invalid status code)' }), /did not answer in HTTP/],
    [fetchFailed({ code: 'HPE_INVALID_CONSTANT' }), /did not answer in HTTP/],
    [fetchFailed({ code: 'UND_ERR_HEADERS_OVERFLOW' }), /headers too large/],
    [fetchFailed({ code: 'CERT_HAS_EXPIRED' }), /TLS certificate .*CERT_HAS_EXPIRED/],
    [fetchFailed({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), /TLS certificate/],
    [new TooManyRedirectsError(5), /More than 5 redirects/],
    [new UnfollowableRedirectError('a ftp: URL'), /redirected to a ftp: URL, which cannot be followed/],
    [
      fetchFailed({ message: 'could not reach http://user:secret@example.com/x' }),
      'The request failed (could not reach http://***@example.com/x). Check the URL.',
    ],
  ])('%p reads %p', (e, expected) => {
    const text = describeOutboundFailure(e, TIMEOUT);
    if (typeof expected === 'string') expect(text).toBe(expected);
    else expect(text).toMatch(expected);
    expect(text).not.toMatch(/fetch failed|UND_ERR_SOCKET|secret/);
  });
});
