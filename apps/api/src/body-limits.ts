import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import express, { NextFunction, Request, Response } from 'express';
import { Logger } from '@nestjs/common';
import { BodyTooDeepError, verifyJsonDepth } from '@marquee/platform-api';

const GRAPHQL_BODY_LIMIT = 1024 * 1024;

/** The content-encodings body-parser decompresses (zstd where this Node has it). */
const ENCODINGS = ['gzip', 'deflate', 'br', ...('createZstdDecompress' in zlib ? ['zstd'] : [])];

type Handler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Runs before a body parser reads the body:
 * - spellings every client library means the same way are made the standard ones body-parser knows: the charset
 *   `utf8` is `utf-8`, and the content-encoding `x-gzip` is `gzip` (RFC 9110 §8.4.1.3);
 * - a body whose Content-Length already declares more than the limit is refused at once (413), before it is
 *   parsed. body-parser refuses it too, but only after reading the whole body; what arrives after the answer is
 *   discarded (up to DISCARD_FACTOR × the limit), so the client can read the answer.
 * A body another parser has already read (an import, before the JSON parsers) is left alone.
 */

/** How much of a refused over-limit body is read and discarded (times the limit) so the client can read the 413. */
const DISCARD_FACTOR = 4;

function beforeBody(limit: number, parser: Handler): Handler {
  return (req, res, next) => {
    if (req.readableEnded) return parser(req, res, next);
    const h = req.headers;
    const type = h['content-type'];
    if (type && /;\s*charset\s*=\s*"?utf8"?\s*(;|$)/i.test(type)) h['content-type'] = type.replace(/(;\s*charset\s*=\s*)"?utf8"?/i, '$1utf-8');
    if (h['content-encoding']?.trim().toLowerCase() === 'x-gzip') h['content-encoding'] = 'gzip';
    const declared = Number(h['content-length']);
    if (declared > limit) {
      // Answered at once, but the connection is not closed under the client while its body is still arriving: a
      // socket closed with unread data is reset, and the client then loses the 413 too (the abuse fuzz saw EPIPE and
      // no answer). Node reads and discards the rest after the answer; a client that stalls is cut at
      // HTTP_REQUEST_TIMEOUT_MS (request-timeouts.ts), and one that keeps sending past a few times the limit now.
      let discarded = 0;
      req.on('data', (chunk: Buffer) => {
        discarded += chunk.length;
        if (discarded > DISCARD_FACTOR * limit) req.socket.destroy();
      });
      return next(Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413, limit, length: declared }));
    }
    parser(req, res, next);
  };
}

/** Import uploads are plain text up to IMPORT_MAX_BYTES; everything else is JSON capped at 1 MB. */
export function importParser(importMaxBytes: number) {
  return beforeBody(importMaxBytes, express.text({ type: () => true, limit: importMaxBytes }) as unknown as Handler);
}

/** The JSON parser of every route; the client fast path reads /graphql bodies with this same one. */
export function jsonParser() {
  return beforeBody(GRAPHQL_BODY_LIMIT, express.json({ limit: GRAPHQL_BODY_LIMIT, verify: verifyJsonDepth }) as unknown as Handler);
}

export function jsonParsers() {
  return [jsonParser(), beforeBody(GRAPHQL_BODY_LIMIT, express.urlencoded({ extended: false, limit: GRAPHQL_BODY_LIMIT }) as unknown as Handler)];
}

type BodyError = Error & { type?: string; status?: number; limit?: number; charset?: string; encoding?: string; code?: unknown; errno?: unknown };
type Answer = { status: number; body: object };

/** "the JSON value null", "a JSON string", "a JSON number" or "a JSON boolean" when `body` is valid JSON that is not an object or array; else null. */
function jsonOtherThanObject(body: unknown): string | null {
  if (typeof body !== 'string' || /^\s*[[{]/.test(body)) return null;
  try {
    const v: unknown = JSON.parse(body);
    return v === null ? 'the JSON value null' : `a JSON ${typeof v}`;
  } catch {
    return null;
  }
}

function refusal(status: number, code: string, message: string, requestId: string | undefined, extra: object = {}): Answer {
  return { status, body: { errors: [{ message, extensions: { code, ...extra, requestId } }] } };
}

/**
 * How a body the parser refused is answered, or null when it is another error: 413 over the limit, 400 not JSON or
 * too deep, 415 a charset or content-encoding it cannot read, 400 a compressed body that does not decompress or a
 * body shorter or longer than its Content-Length, and the parser's own 4xx for anything else it refuses. None of
 * these is a fault of ours, and nothing was run.
 */
export function bodyErrorAnswer(err: BodyError, path: string, requestId: string | undefined, headers: IncomingHttpHeaders = {}): Answer | null {
  const imports = path.startsWith('/api/imports');
  if (err.type === 'entity.too.large') {
    return refusal(
      413,
      'PAYLOAD_TOO_LARGE',
      `The request body is larger than the ${imports ? `${Math.round((err.limit ?? 0) / 1048576)} MB import` : '1 MB'} limit. Send less data per request (split imports into smaller files).`,
      requestId,
    );
  }
  // verifyJsonDepth refused the raw body before JSON.parse spent tens of milliseconds on it.
  if (err instanceof BodyTooDeepError) {
    return refusal(400, 'BAD_USER_INPUT', err.message, requestId, { problems: [{ field: 'body', message: `nests JSON more than ${err.max} levels deep` }] });
  }
  if (err.type === 'entity.parse.failed') {
    // The parser takes only objects and arrays, and says "not valid JSON" of null, "text" or 5 too.
    const other = jsonOtherThanObject((err as { body?: unknown }).body);
    if (other) return refusal(400, 'BAD_REQUEST', `The request body is ${other}, not an object. Send a JSON object like {"query": "..."}.`, requestId);
    return refusal(400, 'BAD_REQUEST', `The request body is not valid JSON (${err.message}). Send a JSON object like {"query": "..."}.`, requestId);
  }
  if (err.type === 'charset.unsupported') {
    const supported = imports ? 'utf-8 (or another charset Node.js can decode, such as iso-8859-1)' : 'utf-8 (also spelt utf8), utf-16le or utf-16be';
    return refusal(
      415,
      'BAD_REQUEST',
      `The request body's charset "${err.charset ?? ''}" is not supported; the supported charsets are ${supported}. Send the body as UTF-8 and say charset=utf-8 in content-type (or leave the charset out).`,
      requestId,
    );
  }
  if (err.type === 'encoding.unsupported') {
    return refusal(
      415,
      'BAD_REQUEST',
      `The request body's content-encoding "${err.encoding ?? headers['content-encoding'] ?? ''}" is not supported; the supported ones are ${ENCODINGS.join(', ')} (one of them, not a list). Send the body compressed with one of those, or uncompressed without content-encoding.`,
      requestId,
    );
  }
  if (err.type === 'request.aborted') {
    return refusal(400, 'BAD_REQUEST', 'The request body stopped before its end (the connection was closed). Send the request again.', requestId);
  }
  if (err.type === 'request.size.invalid') {
    return refusal(
      400,
      'BAD_REQUEST',
      'The request body is not as long as its content-length header says. Send the request again with a correct content-length.',
      requestId,
    );
  }
  const status = err.status ?? 500;
  if (status < 400 || status > 499) return null;
  // No type: an error of the decompression stream (zlib's "incorrect header check", "unexpected end of file", brotli's
  // "Decompression failed"), which body-parser passes on as a 400.
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  if (!err.type && encoding && encoding !== 'identity') {
    return refusal(
      400,
      'BAD_REQUEST',
      `The request body could not be decompressed as ${encoding} (${err.message}). Send the complete ${encoding} data, or send the body uncompressed without content-encoding.`,
      requestId,
    );
  }
  return refusal(status, 'BAD_REQUEST', `The request body could not be read (${err.message}). Correct the body and send the request again.`, requestId);
}

const logger = new Logger('HTTP');

/**
 * Sockets the server itself closed because the request overstayed HTTP_REQUEST_TIMEOUT_MS (request-timeouts.ts): the
 * body parser then sees the body end early, but the client did not go away, and the 408 already said what happened.
 */
export const timedOutSockets = new WeakSet<object>();

/** A client that went away mid-body is no fault of ours and needs nobody's attention: a debug line, not an error. */
export function logBodyRefusal(err: BodyError, method: string | undefined, path: string, requestId: string | undefined, socket?: object): void {
  if (socket && timedOutSockets.has(socket)) return;
  if (err.type === 'request.aborted') logger.debug(`${method} ${path} (request ${requestId}): the client closed the connection before sending the whole body.`);
}

export function bodyErrorHandler(err: BodyError, req: Request & { requestId?: string }, res: Response, next: NextFunction): void {
  const answer = bodyErrorAnswer(err, req.path, req.requestId, req.headers);
  if (!answer) return next(err);
  logBodyRefusal(err, req.method, req.path, req.requestId, req.socket);
  res.status(answer.status).json(answer.body);
}
