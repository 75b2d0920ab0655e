import { Inject, Injectable, Logger } from '@nestjs/common';
import IORedis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { RateLimitedError, Clock } from '@marquee/platform-core';
import { REDIS } from '@marquee/platform-queue';
import { addressSubject } from './address-subject';

export type ClientOperation = 'feed' | 'events';

export interface Caller {
  apiKeyId: string | null;
  /** The client address (req.ip: the TCP peer, or x-forwarded-for from a TRUSTED_PROXIES proxy). */
  address: string;
}

/** How long a limit check may wait for Redis before the in-memory copy decides (the feed's budget is 50 ms). */

const WHAT: Record<ClientOperation, { unit: string; hint: string; variable: string }> = {
  feed: { unit: 'feed calls', hint: 'Reuse a slate for a screen instead of asking again', variable: 'RATE_LIMIT_FEED_PER_' },
  events: { unit: 'events', hint: 'Send the same events again after the wait (eventIds make retries safe)', variable: 'RATE_LIMIT_EVENTS_PER_' },
};

interface Limit {
  scope: 'key' | 'address';
  perSecond: number;
  limiter: RateLimiterAbstract;
}

/**
 * Rate limits on the client operations, per API key and per client address (an IPv6 one by its /64), counted in Redis over fixed windows of
 * RATE_LIMIT_WINDOW_SECONDS and so shared by every API process. When Redis is down or does not answer in time, each
 * process counts the same limits in memory on its own (rate-limiter-flexible's insurance limiter): a flood is still
 * cut in every process, and a Redis outage never fails a feed or an event batch that is within its limits.
 */
@Injectable()
export class ClientLimits {
  private readonly logger = new Logger('RateLimits');
  private readonly limits: Record<ClientOperation, Limit[]>;
  private lastInsuranceLog = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) redis: IORedis,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    const window = config.rateLimitWindowSeconds;
    const make = (op: ClientOperation, scope: 'key' | 'address', perSecond: number): Limit[] => {
      if (perSecond <= 0) return [];
      const points = perSecond * window;
      const keyPrefix = `${config.redisPrefix}:rl:${op}:${scope}`;
      const memory = new RateLimiterMemory({ keyPrefix, points, duration: window });
      const insured = new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: window, rejectIfRedisNotReady: true, insuranceLimiter: memory });
      return [
        {
          scope,
          perSecond,
          limiter: new RLWrapperTimeouts({ limiter: insured, timeoutMs: op === 'feed' ? config.feedRedisWaitMs : 100, insuranceLimiter: memory }),
        },
      ];
    };
    this.limits = {
      feed: [...make('feed', 'key', config.rateLimitFeedPerKey), ...make('feed', 'address', config.rateLimitFeedPerAddress)],
      events: [...make('events', 'key', config.rateLimitEventsPerKey), ...make('events', 'address', config.rateLimitEventsPerAddress)],
    };
    redis.on('error', () => this.noteInsurance());
  }

  /**
   * Counts `points` (1 per feed call, the batch size for events) against the caller's key and address. Throws
   * RATE_LIMITED (429, retryAfter) when either is over its limit; the call must then do nothing.
   */
  async take(op: ClientOperation, caller: Caller, points = 1): Promise<void> {
    const limits = this.limits[op];
    if (!limits.length || points <= 0) return;
    const results = await Promise.allSettled(
      limits.map((l) => {
        const subject = l.scope === 'key' ? caller.apiKeyId : caller.address && addressSubject(caller.address);
        return subject ? l.limiter.consume(subject, points) : Promise.resolve(null);
      }),
    );
    let over: { limit: Limit; res: RateLimiterRes } | null = null;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      if (r.reason instanceof RateLimiterRes) {
        if (!over || r.reason.msBeforeNext > over.res.msBeforeNext) over = { limit: limits[i], res: r.reason };
        return;
      }
      // Neither Redis nor the in-memory insurance could count: let the call through rather than fail it.
      this.logger.warn(`Could not count a ${op} call against its ${limits[i].scope} limit (${(r.reason as Error)?.message ?? r.reason}); let it through.`);
    });
    if (!over) return;
    const { limit, res } = over as { limit: Limit; res: RateLimiterRes };
    const w = WHAT[op];
    const who = limit.scope === 'key' ? 'this API key' : 'your address';
    throw new RateLimitedError(
      `Too many ${w.unit} from ${who}: the limit is ${limit.perSecond.toLocaleString('en-US')} ${w.unit} per second (averaged over ${this.config.rateLimitWindowSeconds} s). ` +
        `Nothing was done; retry after ${Math.max(1, Math.ceil(res.msBeforeNext / 1000))} s. ${w.hint}, or ask the Marquee admin to raise ${w.variable}${limit.scope.toUpperCase()}.`,
      res.msBeforeNext,
      { limit: limit.perSecond, scope: limit.scope },
    );
  }

  private noteInsurance(): void {
    const now = this.clock.nowMs();
    if (now - this.lastInsuranceLog < 60_000) return;
    this.lastInsuranceLog = now;
    this.logger.warn('Redis is unreachable: each API process now counts the client rate limits in memory on its own until Redis is back. Check REDIS_URL.');
  }
}
