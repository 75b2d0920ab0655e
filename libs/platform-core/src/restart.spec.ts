import { BackoffPolicy, DEFAULT_BACKOFF, RestartCounter, describeExit, formatSeconds, ordinal, restartDelay } from './restart';

describe('restart backoff', () => {
  it('doubles from 1 s and is capped at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => restartDelay(DEFAULT_BACKOFF, n))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  });

  it('treats a count below one as the first stop', () => {
    expect(restartDelay(DEFAULT_BACKOFF, 0)).toBe(1000);
  });

  it('counts stops in a row, and a run of at least a minute starts the count again', () => {
    const c = new RestartCounter(DEFAULT_BACKOFF);
    expect(c.stopped(500)).toEqual({ crashesInRow: 1, delayMs: 1000 });
    expect(c.stopped(2000)).toEqual({ crashesInRow: 2, delayMs: 2000 });
    expect(c.stopped(59_999)).toEqual({ crashesInRow: 3, delayMs: 4000 });
    expect(c.stopped(60_000)).toEqual({ crashesInRow: 1, delayMs: 1000 });
    expect(c.stopped(10)).toEqual({ crashesInRow: 2, delayMs: 2000 });
  });

  it('never waits longer than the cap, however long the crash loop', () => {
    const policy: BackoffPolicy = { initialMs: 250, factor: 3, maxMs: 5000, stableMs: 10_000 };
    const c = new RestartCounter(policy);
    const delays = Array.from({ length: 50 }, () => c.stopped(1).delayMs);
    expect(delays.slice(0, 5)).toEqual([250, 750, 2250, 5000, 5000]);
    expect(Math.max(...delays)).toBe(5000);
  });

  it('words the stop and the wait the same way for every supervisor', () => {
    expect([describeExit(1, null), describeExit(null, 'SIGKILL')]).toEqual(['exit code 1', 'killed by SIGKILL']);
    expect([formatSeconds(1000), formatSeconds(2500), formatSeconds(61_400)]).toEqual(['1 s', '2.5 s', '61 s']);
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '101st',
      '111th',
    ]);
  });
});
