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
