import express, { NextFunction, Request, Response } from 'express';
import { BodyTooDeepError, verifyJsonDepth } from '@marquee/platform-api';

const GRAPHQL_BODY_LIMIT = '1mb';

/** Import uploads are plain text up to IMPORT_MAX_BYTES; everything else is JSON capped at 1 MB. */
export function importParser(importMaxBytes: number) {
  return express.text({ type: () => true, limit: importMaxBytes });
}

/** The JSON parser of every route; the client fast path reads /graphql bodies with this same one. */
export function jsonParser() {
  return express.json({ limit: GRAPHQL_BODY_LIMIT, verify: verifyJsonDepth });
}

export function jsonParsers() {
  return [jsonParser(), express.urlencoded({ extended: false, limit: GRAPHQL_BODY_LIMIT })];
}

type BodyError = Error & { type?: string; status?: number; limit?: number };

/** How a body the parser refused is answered (413 over the limit, 400 not JSON), or null when it is another error. */
export function bodyErrorAnswer(err: BodyError, path: string, requestId: string | undefined): { status: number; body: object } | null {
  if (err.type === 'entity.too.large') {
    return {
      status: 413,
      body: {
        errors: [
          {
            message: `The request body is larger than the ${path.startsWith('/api/imports') ? `${Math.round((err.limit ?? 0) / 1048576)} MB import` : '1 MB'} limit. Send less data per request (split imports into smaller files).`,
            extensions: { code: 'PAYLOAD_TOO_LARGE', requestId },
          },
        ],
      },
    };
  }
  // verifyJsonDepth refused the raw body before JSON.parse spent tens of milliseconds on it.
  if (err instanceof BodyTooDeepError) {
    return {
      status: 400,
      body: {
        errors: [
          {
            message: err.message,
            extensions: { code: 'BAD_USER_INPUT', problems: [{ field: 'body', message: `nests JSON more than ${err.max} levels deep` }], requestId },
          },
        ],
      },
    };
  }
  if (err.type === 'entity.parse.failed') {
    return {
      status: 400,
      body: {
        errors: [
          {
            message: `The request body is not valid JSON (${err.message}). Send a JSON object like {"query": "..."}.`,
            extensions: { code: 'BAD_REQUEST', requestId },
          },
        ],
      },
    };
  }
  return null;
}

export function bodyErrorHandler(err: BodyError, req: Request & { requestId?: string }, res: Response, next: NextFunction): void {
  const answer = bodyErrorAnswer(err, req.path, req.requestId);
  if (!answer) return next(err);
  res.status(answer.status).json(answer.body);
}
