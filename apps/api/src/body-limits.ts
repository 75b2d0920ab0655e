import express, { NextFunction, Request, Response } from 'express';
import { BodyTooDeepError, verifyJsonDepth } from '@marquee/platform-api';

export const GRAPHQL_BODY_LIMIT = '1mb';

/** Import uploads are plain text up to IMPORT_MAX_BYTES; everything else is JSON capped at 1 MB. */
export function importParser(importMaxBytes: number) {
  return express.text({ type: () => true, limit: importMaxBytes });
}

export function jsonParsers() {
  return [express.json({ limit: GRAPHQL_BODY_LIMIT, verify: verifyJsonDepth }), express.urlencoded({ extended: false, limit: GRAPHQL_BODY_LIMIT })];
}

export function bodyErrorHandler(err: Error & { type?: string; status?: number; limit?: number }, req: Request & { requestId?: string }, res: Response, next: NextFunction): void {
  if (err.type === 'entity.too.large') {
    res.status(413).json({
      errors: [{ message: `The request body is larger than the ${req.path.startsWith('/api/imports') ? `${Math.round((err.limit ?? 0) / 1048576)} MB import` : '1 MB'} limit. Send less data per request (split imports into smaller files).`, extensions: { code: 'PAYLOAD_TOO_LARGE', requestId: req.requestId } }],
    });
    return;
  }
  // verifyJsonDepth refused the raw body before JSON.parse spent tens of milliseconds on it.
  if (err instanceof BodyTooDeepError) {
    res.status(400).json({ errors: [{ message: err.message, extensions: { code: 'BAD_USER_INPUT', problems: [{ field: 'body', message: `nests JSON more than ${err.max} levels deep` }], requestId: req.requestId } }] });
    return;
  }
  if (err.type === 'entity.parse.failed') {
    res.status(400).json({ errors: [{ message: `The request body is not valid JSON (${err.message}). Send a JSON object like {"query": "..."}.`, extensions: { code: 'BAD_REQUEST', requestId: req.requestId } }] });
    return;
  }
  next(err);
}
