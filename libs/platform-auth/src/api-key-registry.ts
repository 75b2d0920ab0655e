import { randomUUID } from 'node:crypto';
import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { CircuitBreaker, UnavailableError, Clock } from '@marquee/platform-core';
import { isDatabaseUnavailable } from '@marquee/platform-database';
import { REDIS, redisOptions } from '@marquee/platform-queue';
import { TimeoutError, withTimeout } from './timeout';

export interface KnownApiKey {
  id: string;
  name: string;
  revoked: boolean;
}

/** Where the registry reads keys and records their use: PostgreSQL in the API, a fake in unit tests. */
export interface ApiKeySource {
  /** Every key, live ones first, most recently used first, at most `limit`. */
  loadAll(limit: number): Promise<{ hash: string; key: KnownApiKey }[]>;
  loadOne(hash: string): Promise<KnownApiKey | null>;
  recordUse(uses: { id: string; at: Date }[]): Promise<void>;
}

/** Keys held in memory per process. Beyond it, the least recently loaded keys are looked up on demand. */
const MAX_CACHED_KEYS = 100_000;
/** How long "no such key" is remembered, so a client with a wrong key cannot make every request query PostgreSQL. */
const UNKNOWN_MS = 2000;
const MAX_UNKNOWN = 10_000;
const USE_FLUSH_MS = 15_000;
/**
 * How long the first call with a key this process has never seen may wait for PostgreSQL. Known keys never wait; an
 * unseen key is rare (made since the last reload), and a tight bound here would refuse new keys on a busy machine.
 * While PostgreSQL is down the circuit answers at once after three failed lookups.
 */
const UNSEEN_KEY_WAIT_MS = 1000;

/** The Redis channel on which a revocation is announced to every API process. */
export function revocationChannel(redisPrefix: string): string {
  return `${redisPrefix}:api-keys:revoked`;
}

/** The Redis channel on which a change to a Studio user (role, disabled, password) is announced to every API process. */
export function usersChangedChannel(redisPrefix: string): string {
  return `${redisPrefix}:users:changed`;
}

/**
 * Verifies client API keys without PostgreSQL on the request path. Each process holds the SHA-256 of every key
 * (loaded at start and reloaded every API_KEY_REFRESH_MS in the background) and answers from memory. A revocation is
 * applied in the revoking process at once and pushed to every other process through Redis pub/sub; the periodic
 * reload is the backstop when a message is lost (Redis down at that moment). A key this process has never seen (made
 * since the last reload) is looked up once in PostgreSQL; while PostgreSQL is down, that answers UNAVAILABLE (503,
 * retryable), and every key already known keeps working.
 */
export class ApiKeyRegistry {
  private byHash = new Map<string, KnownApiKey>();
  private readonly unknown = new Map<string, number>();
  /** Revocations heard since shortly before the last reload started, re-applied over a reload that read before them. */
  private readonly revokedAt = new Map<string, number>();
  private readonly uses = new Map<string, number>();
  private readonly lastRecorded = new Map<string, number>();
  private readonly circuit: CircuitBreaker;
  loadedAt = 0;

  constructor(
    private readonly source: ApiKeySource,
    private readonly now: () => number,
    private readonly lookupTimeoutMs: number,
    private readonly maxKeys = MAX_CACHED_KEYS,
  ) {
    this.circuit = new CircuitBreaker(now, 3, 2000);
  }

  /** The key with this hash, or null when no such key exists. Throws UNAVAILABLE when that cannot be known now. */
  async verify(hash: string): Promise<KnownApiKey | null> {
    const hit = this.byHash.get(hash);
    if (hit) {
      if (!hit.revoked) this.noteUse(hit.id);
      return hit;
    }
    const miss = this.unknown.get(hash);
    const now = this.now();
    if (miss !== undefined && now - miss < UNKNOWN_MS) return null;
    if (!this.circuit.allow()) throw this.unavailable();
    let key: KnownApiKey | null;
    try {
      key = await withTimeout(this.source.loadOne(hash), this.lookupTimeoutMs);
      this.circuit.success();
    } catch (e) {
      if (e instanceof TimeoutError || isDatabaseUnavailable(e)) {
        this.circuit.failure();
        throw this.unavailable();
      }
      throw e;
    }
    if (!key) {
      if (this.unknown.size >= MAX_UNKNOWN) this.unknown.clear();
      this.unknown.set(hash, now);
      return null;
    }
    this.remember(hash, key);
    if (!key.revoked) this.noteUse(key.id);
    return key;
  }

  /** Replaces the cache with PostgreSQL's current list. Throws when PostgreSQL cannot be read (the cache is kept). */
  async reload(): Promise<number> {
    const started = this.now();
    const rows = await this.source.loadAll(this.maxKeys);
    const next = new Map<string, KnownApiKey>();
    for (const r of rows) next.set(r.hash, r.key);
    // A revocation heard while the reload was reading may be missing from what it read.
    for (const [id, at] of this.revokedAt) {
      if (at >= started - 60_000) this.markRevoked(next, id);
      else this.revokedAt.delete(id);
    }
    this.byHash = next;
    this.unknown.clear();
    this.loadedAt = started;
    return next.size;
  }

  /** A key was revoked (here or in another process): refuse it from now on. */
  revoked(id: string): void {
    this.revokedAt.set(id, this.now());
    this.markRevoked(this.byHash, id);
  }

  /** Forgets "no such key" answers, e.g. after a key was created. */
  forgetUnknown(): void {
    this.unknown.clear();
  }

  /** Writes the last-use times gathered since the previous flush. */
  async flushUses(): Promise<void> {
    if (!this.uses.size) return;
    const batch = [...this.uses].map(([id, at]) => ({ id, at: new Date(at) }));
    this.uses.clear();
    try {
      await this.source.recordUse(batch);
    } catch (e) {
      for (const u of batch) if (!this.uses.has(u.id)) this.uses.set(u.id, u.at.getTime());
      throw e;
    }
  }

  get size(): number {
    return this.byHash.size;
  }

  private noteUse(id: string): void {
    const now = this.now();
    const last = this.lastRecorded.get(id);
    if (last !== undefined && now - last < 60_000) return;
    if (this.lastRecorded.size >= this.maxKeys) this.lastRecorded.clear();
    this.lastRecorded.set(id, now);
    this.uses.set(id, now);
  }

  private remember(hash: string, key: KnownApiKey): void {
    if (this.byHash.size >= this.maxKeys) {
      // Drop the oldest entry (Map keeps insertion order): it will be looked up again if it is still used.
      const first = this.byHash.keys().next();
      if (!first.done) this.byHash.delete(first.value);
    }
    this.byHash.set(hash, key);
  }

  private markRevoked(map: Map<string, KnownApiKey>, id: string): void {
    for (const [hash, k] of map) if (k.id === id && !k.revoked) map.set(hash, { ...k, revoked: true });
  }

  private unavailable(): UnavailableError {
    return new UnavailableError(
      'This API key cannot be checked right now: it is not one this server has seen, and the database that holds keys is not answering. Retry in a few seconds; keys already in use keep working.',
      Math.max(1, Math.ceil(this.circuit.retryInMs() / 1000)),
    );
  }
}

/** PostgreSQL behind the registry. */
class PgApiKeySource implements ApiKeySource {
  constructor(private readonly db: DataSource) {}

  async loadAll(limit: number) {
    const rows: { id: string; name: string; key_hash: string; revoked: boolean }[] = await this.db.query(
      `SELECT id, name, key_hash, revoked_at IS NOT NULL AS revoked FROM api_keys ORDER BY revoked_at IS NULL DESC, last_used_at DESC NULLS LAST, created_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ hash: r.key_hash, key: { id: r.id, name: r.name, revoked: r.revoked } }));
  }

  async loadOne(hash: string) {
    const rows: { id: string; name: string; revoked: boolean }[] = await this.db.query(
      `SELECT id, name, revoked_at IS NOT NULL AS revoked FROM api_keys WHERE key_hash = $1`,
      [hash],
    );
    return rows[0] ?? null;
  }

  async recordUse(uses: { id: string; at: Date }[]) {
    await this.db.query(
      `UPDATE api_keys k SET last_used_at = u.at FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at)
        WHERE k.id = u.id AND k.revoked_at IS NULL AND (k.last_used_at IS NULL OR k.last_used_at < u.at)`,
      [uses.map((u) => u.id), uses.map((u) => u.at.toISOString())],
    );
  }
}

/**
 * The registry in the API process: loads at start, reloads every API_KEY_REFRESH_MS, listens for revocations on the
 * Redis channel `<REDIS_PREFIX>:api-keys:revoked` (AuthService announces them), and reloads at once when that
 * subscription reconnects (a message may have been missed while it was down). Only the API imports it (ApiKeysModule):
 * the worker and the CLI never verify keys.
 */
@Injectable()
export class ApiKeys implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ApiKeys');
  readonly registry: ApiKeyRegistry;
  private readonly channel: string;
  private readonly usersChannel: string;
  private readonly usersChangedListeners: (() => void)[] = [];
  /** Where the other processes acknowledge this process's announcements of a user change: one channel per process. */
  private readonly ackChannel: string;
  private readonly pendingAcks = new Map<string, { acks: number; expected: number | null; done: () => void }>();
  private subscriber: IORedis | null = null;
  private timers: NodeJS.Timeout[] = [];
  private lastError: string | null = null;

  constructor(
    @InjectDataSource() db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) clock: Clock,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {
    this.registry = new ApiKeyRegistry(new PgApiKeySource(db), () => clock.nowMs(), UNSEEN_KEY_WAIT_MS);
    this.channel = revocationChannel(config.redisPrefix);
    this.usersChannel = usersChangedChannel(config.redisPrefix);
    this.ackChannel = `${this.usersChannel}:ack:${randomUUID()}`;
  }

  /**
   * Announces a user change to every API process (this one included) and waits, at most `waitMs`, until each one that
   * received it has run its listeners (dropped its cached users) and acknowledged. PUBLISH answers how many subscribers
   * received the message, so the number of acknowledgements to wait for is known without a list of processes. Answers
   * how many received it and how many acknowledged in time; a process that did not acknowledge (stuck, or an older
   * version that does not acknowledge) applies the change when its cached row expires.
   */
  async announceUsersChanged(waitMs: number): Promise<{ received: number; acknowledged: number }> {
    const id = randomUUID();
    let done!: () => void;
    const acked = new Promise<void>((res) => (done = res));
    const pending = { acks: 0, expected: null as number | null, done };
    this.pendingAcks.set(id, pending);
    let timer: NodeJS.Timeout | undefined;
    try {
      const received = await this.redis.publish(this.usersChannel, JSON.stringify({ id, ackTo: this.ackChannel }));
      pending.expected = received;
      // Acknowledgements come on another connection and may arrive before PUBLISH's answer.
      if (pending.acks < received) await Promise.race([acked, new Promise<void>((res) => (timer = setTimeout(res, waitMs)))]);
      return { received, acknowledged: pending.acks };
    } finally {
      clearTimeout(timer);
      this.pendingAcks.delete(id);
    }
  }

  /** Called whenever any API process announces a change to a Studio user (AuthService drops its cached users). */
  onUsersChanged(listener: () => void): void {
    this.usersChangedListeners.push(listener);
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.subscriber = new IORedis({ ...redisOptions(this.config.redisUrl), maxRetriesPerRequest: null, lazyConnect: true });
    this.subscriber.on('error', () => undefined); // ioredis reconnects and re-subscribes by itself
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.usersChannel) {
        for (const l of this.usersChangedListeners) l();
        this.acknowledge(message);
        return;
      }
      if (channel === this.ackChannel) {
        const pending = this.pendingAcks.get(message);
        if (!pending) return; // answered after its wait ended
        pending.acks += 1;
        if (pending.expected !== null && pending.acks >= pending.expected) pending.done();
        return;
      }
      if (channel !== this.channel) return;
      try {
        const { id } = JSON.parse(message) as { id?: unknown };
        if (typeof id === 'string') this.registry.revoked(id);
      } catch {
        this.logger.warn(`Ignored a malformed message on ${this.channel}; the next reload applies any revocation it meant.`);
      }
    });
    let subscribedOnce = false;
    this.subscriber.on('ready', () => {
      if (subscribedOnce) {
        void this.reload(); // reconnected: revocations sent meanwhile were missed
        for (const l of this.usersChangedListeners) l(); // and so may user changes be
      }
      subscribedOnce = true;
    });
    this.subscriber.connect().catch(() => undefined);
    this.subscriber
      .subscribe(this.channel, this.usersChannel, this.ackChannel)
      .catch((e) =>
        this.logger.warn(
          `Could not subscribe to API key revocations yet (${(e as Error).message}); keys reload every ${this.config.apiKeyRefreshMs} ms meanwhile.`,
        ),
      );
    const reload = setInterval(() => void this.reload(), this.config.apiKeyRefreshMs);
    const flush = setInterval(() => void this.registry.flushUses().catch(() => undefined), USE_FLUSH_MS);
    reload.unref();
    flush.unref();
    this.timers = [reload, flush];
  }

  async onApplicationShutdown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.registry.flushUses().catch(() => undefined);
    this.subscriber?.disconnect();
  }

  /** Tells the announcing process that this one has dropped its cached users (only announcements that ask for it). */
  private acknowledge(message: string): void {
    let ask: { id?: unknown; ackTo?: unknown };
    try {
      ask = JSON.parse(message) as typeof ask;
    } catch {
      return;
    }
    if (typeof ask?.id !== 'string' || typeof ask.ackTo !== 'string' || !ask.ackTo.startsWith(`${this.usersChannel}:ack:`)) return;
    this.redis.publish(ask.ackTo, ask.id).catch(() => undefined); // unanswered, the announcer waits its bound and goes on
  }

  private async reload(): Promise<void> {
    try {
      const n = await this.registry.reload();
      if (this.lastError) this.logger.log(`API keys reload again from PostgreSQL (${n} known).`);
      this.lastError = null;
    } catch (e) {
      const msg = (e as Error).message;
      if (!this.registry.loadedAt)
        throw new Error(`Could not load the API keys from PostgreSQL at start-up: ${msg}. Check DATABASE_URL and that PostgreSQL is up.`);
      if (msg !== this.lastError)
        this.logger.warn(`Could not reload API keys (${msg}); the ${this.registry.size} keys already known keep working. Check PostgreSQL.`);
      this.lastError = msg;
    }
  }
}

@Global()
@Module({ providers: [ApiKeys], exports: [ApiKeys] })
export class ApiKeysModule {}
