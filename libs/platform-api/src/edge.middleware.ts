import type { NextFunction, Request, Response } from 'express';
import { currentRequestId } from '@marquee/platform-observability';
import { LimitViolation, QueryLimits, checkQuerySource, limitError } from './limits';

const CACHEABLE_SOURCE = 16 * 1024;
const CACHE_ENTRIES = 500;

/**
 * Refuses a GraphQL document that breaks a query limit before the GraphQL server sees it: before credentials are
 * looked up, before graphql-js validation (whose rules grow with what a fragment bomb or an alias flood expands to),
 * before anything runs. The check parses once with `maxTokens` and walks each fragment once (limits.ts), so any
 * refusal of a body up to 1 MB takes a few milliseconds.
 *
 * Mount it on the GraphQL path after the JSON body parser. It reads `query` from a JSON body (or from each entry of a
 * batched body) and from the query string of a GET. Documents under 16 KB are remembered with their verdict, so the
 * Studio's and the apps' few documents are parsed here once, not on every request.
 */
export function graphqlLimitsMiddleware(limits: QueryLimits): (req: Request, res: Response, next: NextFunction) => void {
  const verdicts = new Map<string, LimitViolation | null>();

  const verdict = (source: string): LimitViolation | null => {
    if (source.length > CACHEABLE_SOURCE) return checkQuerySource(source, limits);
    const known = verdicts.get(source);
    if (known !== undefined) return known;
    const v = checkQuerySource(source, limits);
    if (verdicts.size >= CACHE_ENTRIES) verdicts.delete(verdicts.keys().next().value as string);
    verdicts.set(source, v);
    return v;
  };

  return (req, res, next) => {
    const sources: string[] = [];
    const body = req.body as unknown;
    for (const entry of Array.isArray(body) ? body : [body]) {
      const q = (entry as { query?: unknown } | null)?.query;
      if (typeof q === 'string') sources.push(q);
    }
    if (req.method === 'GET' && typeof req.query?.query === 'string') sources.push(req.query.query);
    for (const source of sources) {
      const violation = verdict(source);
      if (!violation) continue;
      const error = limitError(violation);
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      const { http, ...extensions } = error.extensions as Record<string, unknown>;
      res.status(400).json({ errors: [{ message: error.message, extensions: { ...extensions, requestId: currentRequestId() } }] });
      return;
    }
    next();
  };
}
