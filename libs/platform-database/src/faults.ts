/**
 * Tells "PostgreSQL is down, unreachable or too slow" (retry later, the same call will work) apart from "this
 * statement is wrong for these rows" (a bad row: retrying it can never succeed). Batched writers retry the first kind
 * whole and split the batch on the second, so one bad row never takes its batch with it.
 */
const NODE_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
// 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 57014 statement timeout / cancelled,
// 53300 too many connections, 53400 configuration limit exceeded, 40001/40P01 serialization failure / deadlock.
const SQLSTATE = new Set(['57P01', '57P02', '57P03', '57014', '53300', '53400', '40001', '40P01']);
const MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|not queryable|connection error|Connection is closed|ECONNREFUSED|ECONNRESET|server closed the connection|the database system is (starting up|shutting down|in recovery)|Pool is (ended|closed)|Cannot use a pool after calling end/i;

export function isDatabaseUnavailable(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const err = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  const code = typeof err.code === 'string' ? err.code : '';
  if (NODE_NET.has(code) || SQLSTATE.has(code) || code.startsWith('08')) return true;
  if (typeof err.message === 'string' && MESSAGES.test(err.message)) return true;
  if (err.driverError && err.driverError !== e) return isDatabaseUnavailable(err.driverError);
  if (err.cause && err.cause !== e) return isDatabaseUnavailable(err.cause);
  return false;
}

/** The SQLSTATE and message of a failed statement, for a log line that says why a row was dropped. */
export function describeDatabaseError(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown; driverError?: { code?: unknown } };
  const code = typeof err?.code === 'string' ? err.code : typeof err?.driverError?.code === 'string' ? err.driverError.code : null;
  return `${String(err?.message ?? e)}${code ? ` (SQLSTATE ${code})` : ''}`;
}
