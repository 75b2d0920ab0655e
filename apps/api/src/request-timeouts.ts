import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { timedOutSockets } from './body-limits';

/** The headers helmet sets on every other answer that matter for one that is not HTML: no sniffing, no framing. */
const SECURITY_HEADERS = ['x-content-type-options: nosniff', 'x-frame-options: DENY', 'referrer-policy: no-referrer', 'cache-control: no-store'];

/** What Node's HTTP parser refuses before a request reaches any handler, answered as every other refusal is. */
function clientErrorAnswer(code: string | undefined, timeoutMs: number): { status: number; reason: string; message: string; code: string } {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        code: 'BAD_REQUEST',
        message: `The request's headers and body did not all arrive within ${timeoutMs / 1000} s, so the connection was closed and nothing was run. Send the whole request at once, promptly.`,
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        code: 'BAD_REQUEST',
        message: 'The request headers are too large, so nothing was run. Send fewer or shorter headers (cookies included).',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        reason: 'Payload Too Large',
        code: 'PAYLOAD_TOO_LARGE',
        message: 'The chunk extensions of the request body are too large. Send the body without them.',
      };
    default:
      return {
        status: 400,
        reason: 'Bad Request',
        code: 'BAD_REQUEST',
        message: 'The request is not valid HTTP/1.1, so nothing was run. Check the request line and headers and send it again.',
      };
  }
}

/**
 * Bounds how long a client may take to send a request (HTTP_REQUEST_TIMEOUT_MS): Node's own limits (requestTimeout
 * 300 s, headersTimeout 60 s, checked every 30 s) let a stalled or trickling body hold a connection for over five
 * minutes. Past the limit the client gets a 408 with a message in the usual `{errors: [...]}` shape, as do the other
 * requests Node's parser refuses (malformed HTTP, headers too large), instead of Node's bare status lines.
 */
export function boundRequestTimes(server: Server, timeoutMs: number): void {
  server.requestTimeout = timeoutMs;
  server.headersTimeout = timeoutMs;
  // Node looks for expired requests this often; its default (30 s) would let one overstay by that much.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1000, Math.max(100, Math.round(timeoutMs / 10)));
  server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
    // As Node does without this listener: answer only while nothing of a response has been written to the socket.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') timedOutSockets.add(socket);
    if (err.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
      const a = clientErrorAnswer(err.code, timeoutMs);
      const body = JSON.stringify({ errors: [{ message: a.message, extensions: { code: a.code } }] });
      const head = [
        `HTTP/1.1 ${a.status} ${a.reason}`,
        'connection: close',
        'content-type: application/json; charset=utf-8',
        `content-length: ${Buffer.byteLength(body)}`,
        // The headers every other answer carries (security-headers.ts): this one is written before any middleware runs.
        ...SECURITY_HEADERS,
      ].join('\r\n');
      // Closed once the answer is flushed, however the client behaves.
      return void socket.end(`${head}\r\n\r\n${body}`, () => socket.destroy());
    }
    socket.destroy();
  });
}
