/** The clock is injected so scheduling and placement can be tested with a fake one. */
export abstract class Clock {
  abstract now(): Date;
  nowMs(): number {
    return this.now().getTime();
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

export class FakeClock extends Clock {
  constructor(private current: number = Date.UTC(2026, 0, 1)) {
    super();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date | number): void {
    this.current = typeof date === 'number' ? date : date.getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * A monotonic stopwatch for durations (latencies, flush intervals). Durations are not time-of-day reads, so they do
 * not go through Clock: a FakeClock would freeze them, and a wall clock can step backwards.
 */
export function stopwatch(): () => number {
  const started = performance.now();
  return () => performance.now() - started;
}
