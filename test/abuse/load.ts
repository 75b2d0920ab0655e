import { randomUUID } from 'node:crypto';
import { Answer, codesOf, gqlSend, sleep } from './http';

const FEED = 'query($s: String!, $u: ID!) { feed(surface: $s, userId: $u) { requestId items { position reason trackingToken item { id } } } }';
const TRACK = 'mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted duplicates rejected { index code } } }';

interface Batch {
  events: { eventId: string; type: string; trackingToken: string; occurredAt: string }[];
  tries: number;
  phase: string;
}

export interface PhaseCounts {
  feeds: number;
  feedsOk: number;
  feedsFailed: number;
  /** No answer because the API process was dead (killed on purpose); a client would retry. Not a failure. */
  feedsUnansweredWhileDown: number;
  fallbackFeeds: number;
  feedFailures: Record<string, number>;
  /** The first failed feeds with the time they were answered (or gave up), to line them up with the fault. */
  feedFailureTimes: string[];
  trackCalls: number;
  trackUnavailable: number;
  trackRateLimited: number;
  /** Answers other than a result, UNAVAILABLE or RATE_LIMITED (HTTP 500, INTERNAL_SERVER_ERROR, no answer while the API was up). */
  trackOtherErrors: number;
  trackFailures: Record<string, number>;
  trackUnansweredWhileDown: number;
}

const emptyPhase = (): PhaseCounts => ({
  feeds: 0,
  feedsOk: 0,
  feedsFailed: 0,
  feedsUnansweredWhileDown: 0,
  fallbackFeeds: 0,
  feedFailures: {},
  feedFailureTimes: [],
  trackCalls: 0,
  trackUnavailable: 0,
  trackRateLimited: 0,
  trackOtherErrors: 0,
  trackFailures: {},
  trackUnansweredWhileDown: 0,
});

function describe(a: Answer): string {
  if (a.status === 0) return `no answer (${a.networkError})`;
  const codes = [...new Set(codesOf(a))].join(',');
  return `HTTP ${a.status}${codes ? ` ${codes}` : ''}`;
}

const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

/**
 * A steady client of the public API, as an app would be: feeds for random users, and engagement events for the
 * items it was served, open-loop at a fixed rate (bounded in flight). Events answered UNAVAILABLE (or not
 * answered at all) are retried with the same eventIds, as an SDK would; every event answered as stored is
 * remembered so the caller can prove none was lost.
 */
export class LoadClient {
  phase = 'warm-up';
  readonly phases: Record<string, PhaseCounts> = {};
  /** Events the API answered as stored (accepted or duplicate): every one must be in engagement_events. */
  readonly stored = new Set<string>();
  readonly rejected = new Map<string, string>();
  private readonly tokens: string[] = [];
  private readonly pending = new Set<Batch>();
  private inFlight = 0;
  private running = false;
  private timers: NodeJS.Timeout[] = [];
  /** Windows in which the API process was dead on purpose: [from, to]. */
  private readonly downWindows: [number, number][] = [];
  retries = 0;
  skipped = 0;

  constructor(
    private readonly url: () => string,
    private readonly apiKey: string,
    private readonly o: { feedsPerSecond: number; tracksPerSecond: number; surface: string; maxInFlight: number },
  ) {}

  private counts(phase = this.phase): PhaseCounts {
    return (this.phases[phase] ??= emptyPhase());
  }

  apiDown(from: number): void {
    this.downWindows.push([from, Infinity]);
  }

  apiUp(at: number): void {
    const w = this.downWindows[this.downWindows.length - 1];
    if (w && w[1] === Infinity) w[1] = at + 1000; // stale keep-alive sockets fail just after the restart too
  }

  private wasDown(at: number): boolean {
    return this.downWindows.some(([a, b]) => at >= a && at <= b);
  }

  start(): void {
    this.running = true;
    const every = (perSecond: number, fn: () => Promise<void>) => {
      const gap = 1000 / perSecond;
      let next = Date.now();
      const tick = () => {
        if (!this.running) return;
        if (this.inFlight < this.o.maxInFlight) {
          this.inFlight++;
          void fn().finally(() => this.inFlight--);
        } else this.skipped++;
        next += gap;
        this.timers.push(setTimeout(tick, Math.max(0, next - Date.now())));
      };
      tick();
    };
    every(this.o.feedsPerSecond, () => this.feed());
    every(this.o.tracksPerSecond, () => this.track());
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  private async feed(): Promise<void> {
    const c = this.counts();
    const a = await gqlSend(this.url(), FEED, { s: this.o.surface, u: `load-${Math.floor(Math.random() * 5000)}` }, { apiKey: this.apiKey }, 5000);
    c.feeds++;
    const feed = (a.body?.data as { feed?: { items: { reason: string; trackingToken: string }[] } } | null)?.feed;
    if (a.status === 0 && this.wasDown(Date.now())) {
      c.feedsUnansweredWhileDown++;
      return;
    }
    if (a.status === 200 && !a.body?.errors?.length && feed && feed.items.length > 0) {
      c.feedsOk++;
      if (feed.items.every((i) => i.reason === 'FALLBACK')) c.fallbackFeeds++;
      for (const i of feed.items) if (i.trackingToken) this.tokens.push(i.trackingToken);
      if (this.tokens.length > 4000) this.tokens.splice(0, this.tokens.length - 2000);
      return;
    }
    c.feedsFailed++;
    const why = feed && feed.items.length === 0 ? 'HTTP 200, no items' : describe(a);
    bump(c.feedFailures, why);
    if (c.feedFailureTimes.length < 20) c.feedFailureTimes.push(`${new Date().toISOString().slice(11, 23)} ${why}`);
  }

  private async track(): Promise<void> {
    if (!this.tokens.length) return;
    const n = 1 + Math.floor(Math.random() * 5);
    const now = new Date().toISOString();
    const batch: Batch = {
      events: Array.from({ length: n }, () => ({
        eventId: randomUUID(),
        type: ['IMPRESSION', 'OPEN', 'PLAY_START'][Math.floor(Math.random() * 3)],
        trackingToken: this.tokens[Math.floor(Math.random() * this.tokens.length)],
        occurredAt: now,
      })),
      tries: 0,
      phase: this.phase,
    };
    await this.send(batch);
  }

  private async send(batch: Batch): Promise<void> {
    batch.tries++;
    const c = this.counts();
    c.trackCalls++;
    const a = await gqlSend(this.url(), TRACK, { e: batch.events }, { apiKey: this.apiKey }, 10000);
    const result = (a.body?.data as { trackEvents?: { rejected: { index: number; code: string }[] } } | null)?.trackEvents;
    if (a.status === 200 && result) {
      const rejected = new Map(result.rejected.map((r) => [r.index, r.code]));
      batch.events.forEach((e, i) => (rejected.has(i) ? this.rejected.set(e.eventId, rejected.get(i)!) : this.stored.add(e.eventId)));
      this.pending.delete(batch);
      return;
    }
    const codes = codesOf(a);
    const err = a.body?.errors?.[0]?.extensions ?? {};
    let wait = 1000;
    if (codes.includes('UNAVAILABLE')) {
      c.trackUnavailable++;
      // The contract: HTTP 503, extensions.retryable true and retryAfter in whole seconds.
      if (a.status !== 503 || err.retryable !== true || !Number.isInteger(Number(err.retryAfter)) || Number(err.retryAfter) < 1) {
        c.trackOtherErrors++;
        bump(c.trackFailures, `UNAVAILABLE not as agreed (HTTP ${a.status}, retryable ${String(err.retryable)}, retryAfter ${String(err.retryAfter)})`);
      }
      wait = Math.min(5, Math.max(1, Number(err.retryAfter) || 1)) * 1000;
    } else if (codes.includes('RATE_LIMITED')) {
      c.trackRateLimited++;
      wait = Math.min(5, Math.max(1, Number(err.retryAfter) || 1)) * 1000;
    } else if (a.status === 0 && this.wasDown(Date.now())) {
      c.trackUnansweredWhileDown++;
    } else {
      c.trackOtherErrors++;
      bump(c.trackFailures, describe(a));
    }
    // Retried with the same eventIds, as an SDK would, until the server gives an answer.
    this.pending.add(batch);
    this.retries++;
    if (!this.running) return; // drain() sends what is left
    const t = setTimeout(() => {
      this.inFlight++;
      void this.send(batch).finally(() => this.inFlight--);
    }, wait);
    this.timers.push(t);
  }

  /** Waits for every retried batch to get an answer (after the load stopped). */
  async drain(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while ((this.pending.size || this.inFlight) && Date.now() < deadline) {
      if (!this.running && this.pending.size && !this.inFlight) {
        // Timers were cleared by stop(): send what is left directly.
        for (const b of [...this.pending]) {
          this.inFlight++;
          await this.send(b).finally(() => this.inFlight--);
          if (this.pending.has(b)) await sleep(1000);
        }
      } else await sleep(200);
    }
    return [...this.pending].reduce((n, b) => n + b.events.length, 0);
  }

  totals(): PhaseCounts {
    const t = emptyPhase();
    for (const p of Object.values(this.phases)) {
      for (const k of Object.keys(t) as (keyof PhaseCounts)[]) {
        if (typeof t[k] === 'number') (t[k] as number) += p[k] as number;
        else if (Array.isArray(t[k])) (t[k] as string[]).push(...(p[k] as string[]));
        else
          for (const [f, n] of Object.entries(p[k] as Record<string, number>))
            (t[k] as Record<string, number>)[f] = ((t[k] as Record<string, number>)[f] ?? 0) + n;
      }
    }
    return t;
  }
}
