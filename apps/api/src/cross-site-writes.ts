import type { NextFunction, Request, Response } from 'express';
import { SESSION_COOKIE } from '@marquee/platform-auth';

/** The content types a browser sends cross-origin without asking first (CORS "simple" requests). */
const SIMPLE_TYPE = /^\s*(text\/plain|application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a write to a REST route (POST /api/imports) that a page on another origin could have made with the
 * Studio user's cookie: one signed in by the cookie alone, with no content type or a "simple" one (text/plain, a
 * form). A browser sends those cross-origin without a CORS preflight, and the session cookie goes along from any
 * same-site origin (another port on the same host, a sibling subdomain), which SameSite=Lax does not stop. Marquee
 * answers no preflight, so a write with any other content type (text/csv, application/x-ndjson, as the Studio sends)
 * can only come from the Studio itself. Requests with a bearer token or an API key carry no ambient credential and
 * pass. /graphql has Apollo's own CSRF prevention (a JSON content type or a preflight header is required).
 */
export function refuseCrossSiteWrites(req: Request & { requestId?: string }, res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method) || req.path === '/graphql') return next();
  if (req.headers.authorization || req.headers['x-api-key']) return next();
  if (!(req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE]) return next();
  const type = req.headers['content-type'];
  if (type && !SIMPLE_TYPE.test(type)) return next();
  res.status(400).json({
    errors: [
      {
        message: `A ${req.method} to ${req.path} signed in by the session cookie needs a content type a cross-site form cannot send (${type ? `not ${type.split(';')[0].trim()}` : 'none was given'}), so nothing was done. Send the file as text/csv or application/x-ndjson, as the Studio does, or call with an Authorization: Bearer token.`,
        extensions: { code: 'BAD_REQUEST', requestId: req.requestId },
      },
    ],
  });
}
