/**
 * Every error a caller can cause is a DomainError with a stable code. The API layer turns it into a
 * GraphQL error with `extensions.code` (and an HTTP status for REST routes); anything else is treated
 * as an internal fault and never shown to the caller in detail.
 */
export const DOMAIN_ERROR_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'ILLEGAL_TRANSITION',
  'VALIDATION_FAILED',
  'PRECONDITION_FAILED',
  'SERVICE_UNAVAILABLE',
  'UNAVAILABLE',
] as const;
export type ErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `localized.de.title`. */
  field: string;
  message: string;
  /** Row number for bulk operations (1-based, as an editor counts lines). */
  row?: number;
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ILLEGAL_TRANSITION: 409,
  PRECONDITION_FAILED: 412,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  SERVICE_UNAVAILABLE: 503,
  UNAVAILABLE: 503,
};

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export class InputError extends DomainError {
  constructor(
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super('BAD_USER_INPUT', message, { problems });
  }
}

/** The longest looked-up value an error message repeats in full. */
const MAX_ECHOED = 120;

export class NotFoundError extends DomainError {
  /**
   * `identifiedBy` names what `id` is, so the message matches what the caller typed: a surface is looked up by its key,
   * a version by "slug vN". `details.id` is the looked-up value, bounded like the message.
   */
  constructor(entity: string, lookedUp: string, hint = '', identifiedBy: 'id' | 'key' | 'reference' = 'id') {
    // A client chooses the value: echo a bounded prefix, not 5,000 characters of it.
    const id = lookedUp.length > MAX_ECHOED ? `${lookedUp.slice(0, MAX_ECHOED)}… (${lookedUp.length} characters)` : lookedUp;
    const what = identifiedBy === 'reference' ? `${entity} "${id}"` : `${entity} with ${identifiedBy} "${id}"`;
    const check = identifiedBy === 'reference' ? 'Check it' : `Check the ${identifiedBy}`;
    super('NOT_FOUND', `No ${what} exists.${hint ? ' ' + hint : ` ${check}, or list them to find the right one.`}`, {
      entity,
      id,
      identifiedBy,
    });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, details);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'You are not signed in, or your session has expired. Sign in again.') {
    super('UNAUTHENTICATED', message);
  }
}

/**
 * A dependency (PostgreSQL) is down or too slow: nothing was done, and the same call may be retried unchanged after
 * `retryAfter` seconds (trackEvents is idempotent per eventId, so a retry never stores an event twice).
 */
export class UnavailableError extends DomainError {
  constructor(message: string, retryAfterSeconds = 5) {
    super('UNAVAILABLE', message, { retryable: true, retryAfter: Math.max(1, Math.ceil(retryAfterSeconds)) });
  }
}

/**
 * Too many calls: `retryAfter` is the whole number of seconds (at least 1) before the next one can succeed, and
 * `retryable: true` says, as for UNAVAILABLE, that the same call may be sent again unchanged then.
 */
export class RateLimitedError extends DomainError {
  constructor(message: string, retryAfterMs: number, details: Record<string, unknown> = {}) {
    super('RATE_LIMITED', message, { ...details, retryable: true, retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID.test(v);
}

/** An id that is not even a UUID cannot exist: answer NOT_FOUND instead of letting PostgreSQL complain. */
export function assertId(entity: string, id: string): void {
  if (!isUuid(id)) throw new NotFoundError(entity, id);
}

/**
 * The name of the unique constraint a database error violated (PostgreSQL 23505), or null for any other error. Two
 * requests racing for one key both pass their own "is it taken?" check; the unique index decides, and the loser should
 * get the same CONFLICT as a checked clash, not an internal error.
 */
export function uniqueViolation(e: unknown): string | null {
  const driver = (e as { driverError?: { code?: unknown; constraint?: unknown } } | null)?.driverError;
  return driver?.code === '23505' && typeof driver.constraint === 'string' ? driver.constraint : null;
}
