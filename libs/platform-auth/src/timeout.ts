/** A bounded wait ran out (see withTimeout). */
export class TimeoutError extends Error {}

/**
 * `p`, or a TimeoutError after `ms`: for calls to a dependency that may stop answering (PostgreSQL, Redis), so a
 * request waits a known time. A later rejection of `p` is absorbed.
 */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  p.catch(() => undefined);
  return Promise.race([p, new Promise<T>((_, reject) => (t = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(t),
  );
}
