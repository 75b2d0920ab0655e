import type { IncomingMessage, ServerResponse } from 'node:http';
import responseTime from 'response-time';
import { currentSqlQueries } from './request-context';

/**
 * `server-timing: app;dur=<ms>`: the time the API spent on a request, from the moment this middleware saw it (before
 * the body was read) to the moment the response headers were written. Clients and the abuse suite read it to tell
 * server time from network time.
 *
 * With `sqlQueries` (every environment but production), `x-sql-queries: <n>` also says how many SQL statements the
 * request caused, so an N+1 regression is visible from the outside and a test can count it without touching the
 * process. Mount it after `requestIdMiddleware`, which opens the per-request context that counts them.
 */
export function serverTimingMiddleware(options: { sqlQueries: boolean }): (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void {
  return responseTime((_req: IncomingMessage, res: ServerResponse, ms: number) => {
    res.setHeader('server-timing', `app;dur=${ms.toFixed(1)}`);
    if (options.sqlQueries) {
      const n = currentSqlQueries();
      if (n !== undefined) res.setHeader('x-sql-queries', String(n));
    }
  }) as unknown as (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
}
