import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Per-request facts that deep code (audit log, error formatting) needs without threading them through calls. */
interface RequestContext {
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

const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Names the request (the caller's `x-request-id` when it is a safe one, else a new UUID), answers with it, and runs the
 * rest of the request inside its context. Plain Node request and response, so Express and the client fast path
 * (apps/api/src/client-path.ts) both call it. `receivedAt` is when the request arrived, if that was earlier.
 */
export function openRequestContext(req: IncomingMessage, res: ServerResponse, next: () => void, receivedAt?: bigint): void {
  const incoming = req.headers['x-request-id'];
  const requestId = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
  (req as IncomingMessage & { requestId: string }).requestId = requestId;
  res.setHeader('x-request-id', requestId);
  storage.run({ requestId, receivedAt: receivedAt ?? process.hrtime.bigint(), sqlQueries: 0 }, () => next());
}

/** openRequestContext as an Express middleware (three parameters: Express takes four for an error handler). */
export function requestIdMiddleware(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  openRequestContext(req, res, next);
}
