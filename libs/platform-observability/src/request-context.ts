import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** Per-request facts that deep code (audit log, error formatting) needs without threading them through calls. */
export interface RequestContext {
  requestId: string;
  /** process.hrtime.bigint() when the request arrived, so time budgets include queueing before the handler. */
  receivedAt?: bigint;
  /** SQL statements sent on this request's behalf (counted by the database driver; see `countSqlQuery`). */
  sqlQueries?: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

export function requestReceivedAt(): bigint | undefined {
  return storage.getStore()?.receivedAt;
}

/** Called by the database client for every statement it sends; counts it against the request it serves, if any. */
export function countSqlQuery(): void {
  const ctx = storage.getStore();
  if (ctx) ctx.sqlQueries = (ctx.sqlQueries ?? 0) + 1;
}

/** SQL statements sent so far for the current request (undefined outside a request). */
export function currentSqlQueries(): number | undefined {
  const ctx = storage.getStore();
  return ctx ? (ctx.sqlQueries ?? 0) : undefined;
}

export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header('x-request-id');
  const requestId = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
  (req as Request & { requestId: string }).requestId = requestId;
  res.setHeader('x-request-id', requestId);
  storage.run({ requestId, receivedAt: process.hrtime.bigint(), sqlQueries: 0 }, () => next());
}
