/**
 * Waiting on a condition instead of sleeping: a fixed sleep is either too short on a busy machine (a flaky test) or
 * too long everywhere else. `pollUntil` asks `probe` again and again until `done` says yes or the deadline passes, and
 * on timeout it says what it was waiting for and what it last saw, so the failure explains itself.
 */
export interface PollOptions {
  /** What is awaited, in words: "release R launched", "the feed log of 250 requests". */
  what: string;
  /** Give up after this long (default 20 s). */
  timeoutMs?: number;
  /** Pause between probes (default 100 ms). */
  intervalMs?: number;
  /** How the last value is shown on timeout (default JSON, cut at 2,000 characters). */
  describe?: (value: unknown) => string;
}

export class PollTimeout extends Error {
  constructor(
    message: string,
    readonly lastSeen: unknown,
  ) {
    super(message);
    this.name = 'PollTimeout';
  }
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function show(v: unknown): string {
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 2000 ? `${s.slice(0, 2000)}…` : s;
}

/**
 * Probes until `done(value)` holds and returns that value. A probe that throws counts as "not yet" (a process still
 * starting, a row not yet written) and its error is what the timeout reports if nothing better was seen.
 */
export async function pollUntil<T>(probe: () => Promise<T> | T, done: (value: T) => boolean, o: PollOptions): Promise<T> {
  const timeoutMs = o.timeoutMs ?? 20000;
  const interval = o.intervalMs ?? 100;
  const describe = o.describe ?? show;
  const started = Date.now();
  let last: { value?: T; error?: unknown } = {};
  let probes = 0;
  for (;;) {
    probes++;
    try {
      const value = await probe();
      last = { value };
      if (done(value)) return value;
    } catch (error) {
      last = { error };
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) {
      const seen = 'value' in last ? describe(last.value) : `an error: ${show(last.error)}`;
      throw new PollTimeout(
        `Timed out after ${elapsed} ms (${probes} probes) waiting for ${o.what}. Last saw ${seen}`,
        'value' in last ? last.value : last.error,
      );
    }
    await pause(Math.min(interval, Math.max(1, timeoutMs - elapsed)));
  }
}

/** pollUntil for a yes/no condition. */
export async function waitUntil(check: () => Promise<boolean> | boolean, o: PollOptions): Promise<void> {
  await pollUntil(check, (ok) => ok, o);
}
