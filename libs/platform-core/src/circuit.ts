/**
 * Stops a hot path from queueing behind a dependency that is down. After `threshold` failures in a row the circuit
 * opens for `openMs`: callers skip the dependency at once (the feed serves its fallback, trackEvents answers
 * UNAVAILABLE). Then one probe goes through; its success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  /** When the current probe started (0: none); a probe that never reports back stops blocking after `openMs`. */
  private probeAt = 0;

  constructor(
    private readonly now: () => number,
    private readonly threshold = 3,
    private readonly openMs = 1000,
  ) {}

  /** True when the caller may try the dependency now (closed, or the one probe after the open period). */
  allow(): boolean {
    if (this.failures < this.threshold) return true;
    const now = this.now();
    if (now < this.openUntil || (this.probeAt && now - this.probeAt < this.openMs)) return false;
    this.probeAt = now;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.probeAt = 0;
  }

  failure(): void {
    this.failures++;
    this.probeAt = 0;
    if (this.failures >= this.threshold) this.openUntil = this.now() + this.openMs;
  }

  /** Milliseconds until the next probe may go through (0 when closed). */
  retryInMs(): number {
    return this.failures < this.threshold ? 0 : Math.max(0, this.openUntil - this.now());
  }

  get isOpen(): boolean {
    return this.failures >= this.threshold;
  }
}
