import { REFUSED_MESSAGE, OutboundRefusedError, TooManyRedirectsError, UnfollowableRedirectError } from './outbound-http';
import { redactUrlCredentials } from './url-rules';

type FailureCause = { code?: string; name?: string; message?: string };

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/**
 * Why an outbound request (an asset check, a webhook delivery) got no usable answer, in words an editor or admin can
 * act on. undici reports most failures as "fetch failed" with the real reason in `cause`, some with a code
 * (UND_ERR_SOCKET), some with only a message (an invalid status line); without this, a receiver that answered
 * garbage read as "Could not connect (fetch failed)". `timeout` is the caller's sentence for its own time limit.
 * An internal address gets the one refusal message, whatever happened, so no port's behaviour shows.
 */
export function describeOutboundFailure(e: unknown, timeout: string): string {
  if (e instanceof OutboundRefusedError) return REFUSED_MESSAGE;
  if (e instanceof TooManyRedirectsError || e instanceof UnfollowableRedirectError) return e.message;
  const err = (e ?? {}) as Error & { cause?: FailureCause };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return timeout;
  const cause: FailureCause = err.cause ?? {};
  const code = cause.code ?? (err as FailureCause).code ?? '';
  const detail = cause.message ?? err.message ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA' || code === 'EAI_NONAME')
    return 'The host name does not resolve. Check the URL for typos.';
  if (code === 'ECONNREFUSED') return 'The server refused the connection. Check the host and port.';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'The host cannot be reached from this server. Check the URL, or whether the host is up.';
  if (code === 'UND_ERR_HEADERS_OVERFLOW') return 'The server answered with headers too large to read. Check that the URL points at the right server.';
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE')
    return 'The server closed the connection without a complete HTTP answer. Check that the URL points at a web server and that it is running.';
  if (TLS_CODE.test(code)) return `The server's TLS certificate or handshake was not accepted (${code}). Fix the certificate, or check the URL.`;
  if (code.startsWith('HPE_') || cause.name === 'HTTPParserError' || /HTTP\/1\.1 protocol/.test(detail))
    return 'The server did not answer in HTTP (its response could not be read). Check that the URL points at a web server and that the port is right.';
  // Whatever else: the code or message, never a URL's user:password part (undici's messages can quote the URL).
  return `The request failed (${redactUrlCredentials((code || detail || 'unknown error').slice(0, 200))}). Check the URL.`;
}
