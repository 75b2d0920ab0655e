import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** Per-request facts that deep code (audit log, error formatting) needs without threading them through calls. */
export interface RequestContext {
  requestId: string;
  /** process.hrtime.bigint() when the request arrived, so time budgets include queueing before the handler. */
  receivedAt?: bigint;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

export function requestReceivedAt(): bigint | undefined {
  return storage.getStore()?.receivedAt;
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
  storage.run({ requestId, receivedAt: process.hrtime.bigint() }, () => next());
}
