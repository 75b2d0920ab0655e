import { InputError, isUuid } from '@marquee/platform-core';

/**
 * What each part of a list's cursor must be before it reaches SQL. A cursor comes back from the client, so a forged
 * one ("x" where a uuid or a timestamp goes) must be refused as bad input, not fail the query.
 * - `uuid`: a row id;
 * - `timestamp`: an instant exactly as `toISOString()` writes it (2026-12-07T06:00:00.000Z), in years 0001 to 9999;
 * - `text`: a sort key string (at most 10,000 characters, no NUL);
 * - `bigint`: a non-negative PostgreSQL bigint, as digits.
 */
export type CursorPart = 'uuid' | 'timestamp' | 'text' | 'bigint';

const MAX_BIGINT = 9223372036854775807n;

function fits(part: CursorPart, v: unknown): boolean {
  if (typeof v !== 'string') return false;
  if (part === 'uuid') return isUuid(v);
  if (part === 'timestamp') {
    // Exactly what toISOString() wrote: Date.parse alone takes "2026-02-31" (as 3 March), which PostgreSQL refuses.
    // Years 0001–9999 only: toISOString writes "+275760-09-13…" too, and PostgreSQL cannot read that.
    const t = Date.parse(v);
    return /^\d{4}-/.test(v) && Number.isFinite(t) && new Date(t).toISOString() === v && !v.startsWith('0000');
  }
  if (part === 'bigint') return /^\d{1,19}$/.test(v) && BigInt(v) <= MAX_BIGINT;
  // A NUL cannot be sent to PostgreSQL in text.
  return v.length <= 10_000 && !v.includes('\u0000');
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The parts of a cursor made by encodeCursor, each checked against `shape`; anything else is a typed BAD_USER_INPUT. */
export function decodeCursor(cursor: string, shape: readonly CursorPart[]): string[] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === shape.length && shape.every((part, i) => fits(part, v[i]))) return v as string[];
  } catch {
    // fall through
  }
  throw new InputError('The cursor is not valid. Use an endCursor returned by the same list query, or leave it out to start from the top.', [
    { field: 'after', message: 'is not a cursor from this list' },
  ]);
}
