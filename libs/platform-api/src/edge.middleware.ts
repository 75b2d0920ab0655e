import type { NextFunction, Request, Response } from 'express';
import { currentRequestId } from '@marquee/platform-observability';
import { LimitViolation, QueryLimits, checkQuerySource, limitError } from './limits';

const CACHEABLE_SOURCE = 16 * 1024;
const CACHE_ENTRIES = 500;

/**
 * The document-only limits of each query text, remembered for texts under 16 KB (the Studio's and the apps' few
 * documents are then checked once, not on every request). One per process, shared by graphqlLimitsMiddleware and the
 * client fast path, so both refuse the same documents with the same figures.
 */
export class QueryVerdicts {
  private readonly verdicts = new Map<string, LimitViolation | null>();

  constructor(readonly limits: QueryLimits) {}

  verdict(source: string): LimitViolation | null {
    if (source.length > CACHEABLE_SOURCE) return checkQuerySource(source, this.limits);
    const known = this.verdicts.get(source);
    if (known !== undefined) return known;
    const v = checkQuerySource(source, this.limits);
    if (this.verdicts.size >= CACHE_ENTRIES) this.verdicts.delete(this.verdicts.keys().next().value as string);
    this.verdicts.set(source, v);
    return v;
  }
}

/** The JSON body of a limit refusal (HTTP 400), as graphqlLimitsMiddleware and the client fast path send it. */
export function limitRefusalBody(
  violation: LimitViolation,
  requestId: string | undefined,
): { errors: { message: string; extensions: Record<string, unknown> }[] } {
  const error = limitError(violation);
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { http, ...extensions } = error.extensions as Record<string, unknown>;
  return { errors: [{ message: error.message, extensions: { ...extensions, requestId } }] };
}

/**
 * Refuses a GraphQL document that breaks a query limit before the GraphQL server sees it: before credentials are
 * looked up, before graphql-js validation (whose rules grow with what a fragment bomb or an alias flood expands to),
 * before anything runs. The check parses once with `maxTokens` and walks each fragment once (limits.ts), so any
 * refusal of a body up to 1 MB takes a few milliseconds.
 *
 * Mount it on the GraphQL path after the JSON body parser. It reads `query` from a JSON body (or from each entry of a
 * batched body) and from the query string of a GET. Verdicts are remembered (QueryVerdicts).
 */
export function graphqlLimitsMiddleware(verdicts: QueryVerdicts): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const sources: string[] = [];
    const body = req.body as unknown;
    for (const entry of Array.isArray(body) ? body : [body]) {
      const q = (entry as { query?: unknown } | null)?.query;
      if (typeof q === 'string') sources.push(q);
    }
    if (req.method === 'GET' && typeof req.query?.query === 'string') sources.push(req.query.query);
    for (const source of sources) {
      const violation = verdicts.verdict(source);
      if (!violation) continue;
      res.status(400).json(limitRefusalBody(violation, currentRequestId()));
      return;
    }
    next();
  };
}
