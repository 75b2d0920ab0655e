import { CircuitBreaker } from './circuit';

describe('CircuitBreaker', () => {
  let t = 0;
  const now = () => t;
  beforeEach(() => (t = 1_000_000));

  it('stays closed below the threshold and resets on success', () => {
    const c = new CircuitBreaker(now, 3, 1000);
    c.failure();
    c.failure();
    expect(c.allow()).toBe(true);
    c.success();
    c.failure();
    c.failure();
    expect(c.isOpen).toBe(false);
  });

  it('opens after the threshold, lets one probe through after the open period, and closes when it succeeds', () => {
    const c = new CircuitBreaker(now, 3, 1000);
    for (let i = 0; i < 3; i++) c.failure();
    expect(c.isOpen).toBe(true);
    expect(c.allow()).toBe(false);
    expect(c.retryInMs()).toBe(1000);
    t += 1000;
    expect(c.allow()).toBe(true); // the probe
    expect(c.allow()).toBe(false); // only one at a time
    c.success();
    expect(c.isOpen).toBe(false);
    expect(c.allow()).toBe(true);
  });

  it('opens again when the probe fails', () => {
    const c = new CircuitBreaker(now, 1, 500);
    c.failure();
    t += 500;
    expect(c.allow()).toBe(true);
    c.failure();
    expect(c.allow()).toBe(false);
    expect(c.retryInMs()).toBe(500);
  });

  it('does not stay shut when a probe never reports back', () => {
    const c = new CircuitBreaker(now, 1, 500);
    c.failure();
    t += 500;
    expect(c.allow()).toBe(true);
    t += 499;
    expect(c.allow()).toBe(false);
    t += 1;
    expect(c.allow()).toBe(true);
  });
});
