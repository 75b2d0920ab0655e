import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import IORedis from 'ioredis';
import { Counter, Gauge } from 'prom-client';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { redisOptions } from '@marquee/platform-queue';
import { metricsRegistry } from '@marquee/platform-observability';
import { PersonFactors, PersonHistory, UserProfile } from '../engine';

/**
 * One person's engine state, as a feed needs it, read in one place. Today: the learned profile. Each part is loaded
 * by a UserStatePart; add a part (and its field here) to load more per-person state next to the profile.
 */
export interface UserState {
  profile: UserProfile | null;
  /** The person's collaborative posterior per surface key (engine/collab.ts), from table person_factors. */
  factors: Record<string, PersonFactors> | null;
  /** The person's history with single items per surface key (engine/collab.ts PersonHistory), from person_factors. */
  histories: Record<string, PersonHistory> | null;
}

/** The state of a user with nothing stored. */
const EMPTY_USER_STATE: Readonly<UserState> = Object.freeze({ profile: null, factors: null, histories: null });

/** How one part of UserState is read from PostgreSQL. Every query is one round trip, whatever the number of users. */
export interface UserStatePart<K extends keyof UserState = keyof UserState> {
  field: K;
  /** These users' values; users without one are left out. */
  load(db: DataSource, userIds: string[]): Promise<Map<string, NonNullable<UserState[K]>>>;
  /** The `limit` most recently changed users' values (to fill the cache at start). */
  loadRecent(db: DataSource, limit: number): Promise<Map<string, NonNullable<UserState[K]>>>;
  /** Users whose value changed at or after `since` (the backstop for a missed announcement). */
  changedSince(db: DataSource, since: Date): Promise<string[]>;
}

const PROFILE_PART: UserStatePart<'profile'> = {
  field: 'profile',
  async load(db, userIds) {
    const rows: { user_id: string; profile: UserProfile }[] = await db.query('SELECT user_id, profile FROM user_profiles WHERE user_id = ANY($1::text[])', [
      userIds,
    ]);
    return new Map(rows.map((r) => [r.user_id, r.profile]));
  },
  async loadRecent(db, limit) {
    const rows: { user_id: string; profile: UserProfile }[] = await db.query('SELECT user_id, profile FROM user_profiles ORDER BY updated_at DESC LIMIT $1', [
      limit,
    ]);
    return new Map(rows.map((r) => [r.user_id, r.profile]));
  },
  async changedSince(db, since) {
    const rows: { user_id: string }[] = await db.query('SELECT user_id FROM user_profiles WHERE updated_at >= $1', [since.toISOString()]);
    return rows.map((r) => r.user_id);
  },
};

function groupBySurface<T>(rows: { user_id: string; surface_key: string; value: T }[]): Map<string, Record<string, T>> {
  const out = new Map<string, Record<string, T>>();
  for (const r of rows) {
    let m = out.get(r.user_id);
    if (!m) out.set(r.user_id, (m = {}));
    m[r.surface_key] = r.value;
  }
  return out;
}

const FACTORS_PART: UserStatePart<'factors'> = {
  field: 'factors',
  async load(db, userIds) {
    return groupBySurface<PersonFactors>(
      await db.query('SELECT user_id, surface_key, factors AS value FROM person_factors WHERE user_id = ANY($1::text[])', [userIds]),
    );
  },
  async loadRecent(db, limit) {
    return groupBySurface<PersonFactors>(
      await db.query(
        'SELECT user_id, surface_key, factors AS value FROM person_factors WHERE user_id IN (SELECT user_id FROM person_factors GROUP BY user_id ORDER BY max(updated_at) DESC LIMIT $1)',
        [limit],
      ),
    );
  },
  async changedSince(db, since) {
    const rows: { user_id: string }[] = await db.query('SELECT DISTINCT user_id FROM person_factors WHERE updated_at >= $1', [since.toISOString()]);
    return rows.map((r) => r.user_id);
  },
};

// Histories live in the same rows as the posteriors (written by the learner's fold, in the same statement).
const HISTORY_PART: UserStatePart<'histories'> = {
  field: 'histories',
  async load(db, userIds) {
    return groupBySurface<PersonHistory>(
      await db.query('SELECT user_id, surface_key, history AS value FROM person_factors WHERE user_id = ANY($1::text[]) AND history IS NOT NULL', [userIds]),
    );
  },
  async loadRecent(db, limit) {
    return groupBySurface<PersonHistory>(
      await db.query(
        'SELECT user_id, surface_key, history AS value FROM person_factors WHERE history IS NOT NULL AND user_id IN (SELECT user_id FROM person_factors GROUP BY user_id ORDER BY max(updated_at) DESC LIMIT $1)',
        [limit],
      ),
    );
  },
  changedSince: FACTORS_PART.changedSince,
};

/** The Redis channel on which the learner announces users whose state it changed (JSON `{"users": [...]}`). */
function userStateChannel(redisPrefix: string): string {
  return `${redisPrefix}:user-state:changed`;
}

/** Users per announcement, so one message stays small. */
const ANNOUNCE_CHUNK = 1000;

/** Announces changed users to every API process. Never throws: the API processes' periodic re-read is the backstop. */
export async function announceUserStateChanges(redis: IORedis, redisPrefix: string, userIds: Iterable<string>): Promise<void> {
  const all = [...new Set(userIds)];
  for (let i = 0; i < all.length; i += ANNOUNCE_CHUNK) {
    await redis.publish(userStateChannel(redisPrefix), JSON.stringify({ users: all.slice(i, i + ANNOUNCE_CHUNK) }));
  }
}

const lookups = new Counter({
  name: 'marquee_user_state_lookups_total',
  help: 'Per-user engine state lookups on the feed path: hit (cached), absent (known to have none, no read), miss (read from PostgreSQL)',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});
const cachedUsers = new Gauge({
  name: 'marquee_user_state_cached_users',
  help: 'Users whose engine state this process holds in memory',
  registers: [metricsRegistry],
});
const completeGauge = new Gauge({
  name: 'marquee_user_state_cache_complete',
  help: '1 while the cache holds every stored user state (a user not in it has none), 0 while misses read PostgreSQL',
  registers: [metricsRegistry],
});
const refreshes = new Counter({
  name: 'marquee_user_state_refreshed_total',
  help: 'User states re-read after the learner changed them, by trigger',
  labelNames: ['trigger'] as const,
  registers: [metricsRegistry],
});

/** Announcements are gathered for this long and re-read in one query per part. */
const ANNOUNCE_BATCH_MS = 20;
/** The periodic re-read looks this far behind its last run (a learner transaction can commit well after its now()). */
const CHANGED_MARGIN_MS = 120_000;

/**
 * Per-user engine state for the feed, in memory, so a feed reads PostgreSQL only for a user it has never seen.
 *
 * - At start it loads the most recently changed users, up to USER_STATE_CACHE_SIZE. While every stored state fits
 *   (and nothing had to be evicted), the cache is complete: a user not in it has no stored state, and the feed needs
 *   no read for them either. Otherwise a miss is read from PostgreSQL (concurrent misses in one query) and kept,
 *   evicting the oldest entry when full.
 * - The learner announces the users it changed on Redis (`<REDIS_PREFIX>:user-state:changed`) once its transaction
 *   committed; every API process re-reads them within milliseconds. When the subscription reconnects, and every
 *   USER_STATE_REFRESH_MS anyway, it re-reads the users changed since shortly before its last re-read, so a lost
 *   announcement costs staleness, never a wrong state for long.
 * - Lookups count hits, known-absent users and misses (`marquee_user_state_lookups_total`, and `stats()`).
 */
@Injectable()
export class UserStateCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('UserState');
  private readonly parts: UserStatePart[] = [PROFILE_PART, FACTORS_PART as UserStatePart, HISTORY_PART as UserStatePart];
  private readonly entries = new Map<string, UserState>();
  private complete = false;
  private readonly capacity: number;
  /** Users announced as changed, waiting for their re-read; and for each, the sequence number of its announcement. */
  private readonly pending = new Set<string>();
  private readonly touched = new Map<string, number>();
  private seq = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  /** Misses waiting for the next batched read. */
  private queued: Map<string, { resolve: (s: UserState) => void; reject: (e: unknown) => void }[]> | null = null;
  private subscriber: IORedis | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastRefreshAt = 0;
  readonly counts = { hit: 0, absent: 0, miss: 0 };

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.capacity = config.userStateCacheSize;
  }

  async onModuleInit(): Promise<void> {
    if (!this.capacity) return;
    const started = Date.now();
    try {
      const loaded = await Promise.all(this.parts.map((p) => p.loadRecent(this.db, this.capacity + 1)));
      const users = new Set<string>();
      for (const m of loaded) for (const id of m.keys()) users.add(id);
      this.complete = loaded.every((m) => m.size <= this.capacity) && users.size <= this.capacity;
      for (const id of users) {
        if (this.entries.size >= this.capacity) break;
        const s: UserState = { ...EMPTY_USER_STATE };
        this.parts.forEach((p, i) => ((s as unknown as Record<string, unknown>)[p.field] = loaded[i].get(id) ?? null));
        this.entries.set(id, s);
      }
      this.lastRefreshAt = started;
      this.logger.log(
        `Holding the engine state of ${this.entries.size} user(s) in memory${this.complete ? ' (every stored one)' : `; others are read from PostgreSQL (USER_STATE_CACHE_SIZE=${this.capacity})`}.`,
      );
    } catch (e) {
      this.logger.warn(`Could not preload user states (${(e as Error).message}); each user's is read from PostgreSQL on first use instead.`);
    }
    this.gauges();
    this.subscribe();
    this.timer = setInterval(() => void this.refreshChanged('interval'), this.config.userStateRefreshMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.subscriber?.disconnect();
  }

  /** The user's state when memory can answer (cached, or known to have none); undefined when it must be read. */
  peek(userId: string): UserState | undefined {
    const hit = this.entries.get(userId);
    if (hit) {
      this.counts.hit++;
      lookups.inc({ result: 'hit' });
      return hit;
    }
    if (this.complete && !this.pending.has(userId)) {
      this.counts.absent++;
      lookups.inc({ result: 'absent' });
      return EMPTY_USER_STATE;
    }
    return undefined;
  }

  /** Reads a user's state from PostgreSQL (with every other miss of this moment, in one query per part) and keeps it. */
  load(userId: string): Promise<UserState> {
    this.counts.miss++;
    lookups.inc({ result: 'miss' });
    return new Promise((resolve, reject) => {
      if (!this.queued) {
        this.queued = new Map();
        setImmediate(() => void this.readQueued());
      }
      const waiting = this.queued.get(userId);
      if (waiting) waiting.push({ resolve, reject });
      else this.queued.set(userId, [{ resolve, reject }]);
    });
  }

  stats(): { hits: number; absent: number; misses: number; hitRate: number | null; cachedUsers: number; complete: boolean; capacity: number } {
    const { hit, absent, miss } = this.counts;
    const total = hit + absent + miss;
    return {
      hits: hit,
      absent,
      misses: miss,
      hitRate: total ? (hit + absent) / total : null,
      cachedUsers: this.entries.size,
      complete: this.complete,
      capacity: this.capacity,
    };
  }

  private async readQueued(): Promise<void> {
    const batch = this.queued!;
    this.queued = null;
    const ids = [...batch.keys()];
    const seq = this.seq;
    try {
      const states = await this.read(ids);
      for (const [id, waiters] of batch) {
        const s = states.get(id) ?? EMPTY_USER_STATE;
        // Changed while it was being read: keep the answer for these callers, but let the announced re-read store it.
        if (!((this.touched.get(id) ?? -1) > seq)) this.store(id, s);
        for (const w of waiters) w.resolve(s);
      }
    } catch (e) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(e);
    }
  }

  private async read(ids: string[]): Promise<Map<string, UserState>> {
    const loaded = await Promise.all(this.parts.map((p) => p.load(this.db, ids)));
    const out = new Map<string, UserState>();
    for (const id of ids) {
      const s: UserState = { ...EMPTY_USER_STATE };
      let any = false;
      this.parts.forEach((p, i) => {
        const v = loaded[i].get(id) ?? null;
        if (v !== null) any = true;
        (s as unknown as Record<string, unknown>)[p.field] = v;
      });
      if (any) out.set(id, s);
    }
    return out;
  }

  private store(id: string, s: UserState): void {
    if (!this.capacity) return;
    if (this.complete && s === EMPTY_USER_STATE) {
      this.entries.delete(id);
      return;
    }
    if (!this.entries.has(id) && this.entries.size >= this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
      // Something stored was dropped: from now on a user not in memory may have state in PostgreSQL.
      this.complete = false;
    }
    this.entries.set(id, s);
    this.gauges();
  }

  /** The learner changed these users: re-read them shortly, all at once. */
  changed(userIds: string[]): void {
    for (const id of userIds) {
      this.pending.add(id);
      this.touched.set(id, ++this.seq);
    }
    this.flushTimer ??= setTimeout(() => void this.reread('announced'), ANNOUNCE_BATCH_MS);
  }

  private async reread(trigger: 'announced' | 'interval' | 'reconnected', ids?: string[]): Promise<void> {
    if (trigger === 'announced') this.flushTimer = null;
    const list = ids ?? [...this.pending];
    if (!ids) this.pending.clear();
    // In an incomplete cache only the users held need re-reading; the others are read when next asked for.
    const wanted = this.complete ? list : list.filter((id) => this.entries.has(id));
    try {
      for (let i = 0; i < wanted.length; i += ANNOUNCE_CHUNK) {
        const chunk = wanted.slice(i, i + ANNOUNCE_CHUNK);
        const states = await this.read(chunk);
        for (const id of chunk) this.store(id, states.get(id) ?? EMPTY_USER_STATE);
      }
      refreshes.inc({ trigger }, wanted.length);
      for (const id of list) if (!this.pending.has(id)) this.touched.delete(id);
    } catch (e) {
      // Not re-read: forget them here (an incomplete cache reads them on next use), and let the interval catch up.
      for (const id of wanted) this.entries.delete(id);
      if (this.complete && wanted.length) this.complete = false;
      this.gauges();
      this.logger.warn(`Could not re-read ${wanted.length} changed user state(s) (${(e as Error).message}); they are read from PostgreSQL on next use.`);
    }
  }

  private async refreshChanged(trigger: 'interval' | 'reconnected'): Promise<void> {
    const started = Date.now();
    try {
      const since = new Date(this.lastRefreshAt - CHANGED_MARGIN_MS);
      const changed = new Set<string>();
      for (const p of this.parts) for (const id of await p.changedSince(this.db, since)) changed.add(id);
      await this.reread(trigger, [...changed]);
      this.lastRefreshAt = started;
    } catch (e) {
      this.logger.warn(`Could not look for changed user states (${(e as Error).message}); trying again in ${this.config.userStateRefreshMs} ms.`);
    }
  }

  private subscribe(): void {
    const channel = userStateChannel(this.config.redisPrefix);
    this.subscriber = new IORedis({ ...redisOptions(this.config.redisUrl), maxRetriesPerRequest: null, lazyConnect: true });
    this.subscriber.on('error', () => undefined); // ioredis reconnects and re-subscribes by itself
    this.subscriber.on('message', (ch: string, message: string) => {
      if (ch !== channel) return;
      try {
        const { users } = JSON.parse(message) as { users?: unknown };
        if (Array.isArray(users)) this.changed(users.filter((u): u is string => typeof u === 'string'));
      } catch {
        this.logger.warn(`Ignored a malformed message on ${channel}; the periodic re-read applies what it meant.`);
      }
    });
    let subscribedOnce = false;
    this.subscriber.on('ready', () => {
      if (subscribedOnce) void this.refreshChanged('reconnected'); // announcements sent meanwhile were missed
      subscribedOnce = true;
    });
    this.subscriber.connect().catch(() => undefined);
    this.subscriber
      .subscribe(channel)
      .catch((e) =>
        this.logger.warn(
          `Could not subscribe to user state changes yet (${(e as Error).message}); they are re-read every ${this.config.userStateRefreshMs} ms meanwhile.`,
        ),
      );
  }

  private gauges(): void {
    cachedUsers.set(this.entries.size);
    completeGauge.set(this.complete ? 1 : 0);
  }
}
