import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import IORedis from 'ioredis';
import { RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { RateLimitedError, UnavailableError, Clock } from '@marquee/platform-core';
import { REDIS } from '@marquee/platform-queue';
import { addressSubject } from './address-subject';

/** A read or write of one counter store, any of which may fail (a store that is down answers nothing). */
export interface CounterStore {
  get(key: string): Promise<{ consumed: number; msBeforeNext: number } | null>;
  add(key: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * One sign-in limit counted in two stores at once: Redis (shared by every process, fast) and PostgreSQL (durable).
 * A check reads both and takes the higher count, so a flushed Redis or one that is down never resets a count; only
 * when neither store answers is sign-in refused outright (UNAVAILABLE), because then nothing can be counted.
 */
export class DualCounter {
  constructor(
    readonly max: number,
    private readonly stores: { name: string; store: CounterStore }[],
    private readonly warn: (line: string) => void,
  ) {}

  /** The highest count any store holds and the longest wait among the stores over the limit. */
  async read(key: string): Promise<{ consumed: number; msBeforeNext: number }> {
    const answers = await Promise.allSettled(this.stores.map((s) => s.store.get(key)));
    let answered = 0;
    let consumed = 0;
    let msBeforeNext = 0;
    answers.forEach((a, i) => {
      if (a.status === 'rejected') return this.warn(`${this.stores[i].name} did not answer (${errorMessage(a.reason)})`);
      answered++;
      if (!a.value) return;
      if (a.value.consumed > consumed) consumed = a.value.consumed;
      if (a.value.consumed >= this.max) msBeforeNext = Math.max(msBeforeNext, a.value.msBeforeNext);
    });
    if (!answered)
      throw new UnavailableError(
        'Sign-in is unavailable for a moment: neither Redis nor PostgreSQL answers, so failed attempts cannot be counted. Try again shortly.',
        5,
      );
    return { consumed, msBeforeNext };
  }

  async add(key: string): Promise<void> {
    await Promise.all(this.stores.map((s) => s.store.add(key).catch((e) => this.warn(`${s.name} did not record a failed sign-in (${errorMessage(e)})`))));
  }

  async delete(key: string): Promise<void> {
    await Promise.all(this.stores.map((s) => s.store.delete(key).catch((e) => this.warn(`${s.name} did not clear a sign-in counter (${errorMessage(e)})`))));
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

type Limiter = RateLimiterRedis | RateLimiterPostgres | RLWrapperTimeouts;

function storeOf(limiter: Limiter): CounterStore {
  return {
    async get(key) {
      const r: RateLimiterRes | null = await limiter.get(key);
      return r ? { consumed: r.consumedPoints, msBeforeNext: Math.max(0, r.msBeforeNext) } : null;
    },
    async add(key) {
      await limiter.penalty(key, 1);
    },
    async delete(key) {
      await limiter.delete(key);
    },
  };
}

/**
 * Failed sign-ins are counted per email and address (LOGIN_MAX_ATTEMPTS) and per address whatever the email
 * (LOGIN_MAX_PER_ADDRESS), both over LOGIN_WINDOW_SECONDS, in Redis and in the `login_limits` table. The email is
 * hashed in the counter's key.
 */
@Injectable()
export class LoginLimits {
  private readonly logger = new Logger('SignInLimits');
  private readonly perPair: DualCounter;
  private readonly perAddress: DualCounter;
  private lastWarn = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) redis: IORedis,
    @InjectDataSource() db: DataSource,
    @Inject(Clock) clock: Clock,
  ) {
    const duration = config.loginWindowSeconds;
    const warn = (line: string) => {
      const now = clock.nowMs();
      if (now - this.lastWarn < 10_000) return;
      this.lastWarn = now;
      this.logger.warn(`Sign-in limits: ${line}; the other store keeps counting. Check Redis and PostgreSQL.`);
    };
    const make = (kind: string, points: number) =>
      new DualCounter(
        points,
        [
          {
            name: 'Redis',
            store: storeOf(
              new RLWrapperTimeouts({
                limiter: new RateLimiterRedis({
                  storeClient: redis,
                  keyPrefix: `${config.redisPrefix}:login:${kind}`,
                  points,
                  duration,
                  rejectIfRedisNotReady: true,
                }),
                timeoutMs: 500,
              }),
            ),
          },
          {
            name: 'PostgreSQL',
            store: storeOf(
              new RateLimiterPostgres({
                storeClient: db,
                storeType: 'typeorm',
                tableName: 'login_limits',
                tableCreated: true,
                keyPrefix: `login:${kind}`,
                points,
                duration,
              }),
            ),
          },
        ],
        warn,
      );
    this.perPair = make('pair', config.loginMaxAttempts);
    this.perAddress = make('address', config.loginMaxPerAddress);
  }

  /** Throws RATE_LIMITED when either limit is reached for this email and address. */
  async check(email: string, address: string): Promise<void> {
    address = addressSubject(address);
    const [pair, addr] = await Promise.all([this.perPair.read(pairKey(email, address)), this.perAddress.read(address)]);
    if (pair.consumed >= this.perPair.max) {
      throw new RateLimitedError(
        `Too many failed sign-ins for this account from your address. Wait ${minutes(pair.msBeforeNext)} minute(s) and try again, or ask an admin to reset your password.`,
        pair.msBeforeNext,
      );
    }
    if (addr.consumed >= this.perAddress.max) {
      throw new RateLimitedError(`Too many failed sign-ins from your address. Wait ${minutes(addr.msBeforeNext)} minute(s) and try again.`, addr.msBeforeNext);
    }
  }

  async failed(email: string, address: string): Promise<void> {
    address = addressSubject(address);
    await Promise.all([this.perPair.add(pairKey(email, address)), this.perAddress.add(address)]);
  }

  /** A correct password clears that email's count from that address (the address count stays). */
  async succeeded(email: string, address: string): Promise<void> {
    address = addressSubject(address);
    await this.perPair.delete(pairKey(email, address));
  }
}

function pairKey(email: string, address: string): string {
  return createHash('sha256').update(`${email}|${address}`).digest('hex').slice(0, 32);
}

function minutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}
