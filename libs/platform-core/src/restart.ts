/**
 * How a crashed process is restarted: exponential backoff, capped, forgotten once the process has run for a while.
 * Shared by `npm start` (which supervises the API and the worker) and the API's cluster primary (which supervises
 * its API processes), so both wait and explain the same way.
 */
export interface BackoffPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
  /** A process that ran this long before stopping counts as having been healthy: its next restart waits initialMs again. */
  stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, factor: 2, maxMs: 30000, stableMs: 60000 };

/** Exit code 78 (EX_CONFIG): the process refused its configuration, and starting it again cannot help. */
export const EX_CONFIG = 78;

/** The wait before restarting after the `crashesInRow`-th stop in a row (1-based). */
export function restartDelay(policy: BackoffPolicy, crashesInRow: number): number {
  const n = Math.max(1, crashesInRow);
  return Math.min(policy.maxMs, Math.round(policy.initialMs * policy.factor ** (n - 1)));
}

/** Counts stops in a row; a run of at least stableMs resets the count. Pure, so the policy is unit-tested. */
export class RestartCounter {
  private inRow = 0;
  constructor(private readonly policy: BackoffPolicy) {}

  /** Records a stop after `uptimeMs` of running; returns the crash number in the current row and the wait before the next start. */
  stopped(uptimeMs: number): { crashesInRow: number; delayMs: number } {
    this.inRow = uptimeMs >= this.policy.stableMs ? 1 : this.inRow + 1;
    return { crashesInRow: this.inRow, delayMs: restartDelay(this.policy, this.inRow) };
  }
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s < 10 ? Math.round(s * 10) / 10 : Math.round(s)} s`;
}

export function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** "killed by SIGKILL" or "exit code 1". */
export function describeExit(code: number | null, signal: string | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}
