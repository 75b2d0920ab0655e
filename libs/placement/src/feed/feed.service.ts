import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import IORedis from 'ioredis';
import { checkViewerContext, ItemFields } from '@marquee/catalog';
import { SlotClaims, TRACKING_TOKENS, TrackingTokens } from '@marquee/events';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { Caller, ClientLimits } from '@marquee/platform-auth';
import { CircuitBreaker, Clock, DomainError, FieldProblem, InputError, NotFoundError, hashString, userIdProblem } from '@marquee/platform-core';
import { isDatabaseUnavailable } from '@marquee/platform-database';
import { REDIS } from '@marquee/platform-queue';
import { Counter, Histogram } from 'prom-client';
import { metricsRegistry, requestReceivedAt } from '@marquee/platform-observability';
import { CandidatePool, buildSlate, buildUserFeatures, capServedPropensities, personPosterior, recordServed, slateHistory, testShareFor } from '../engine';
import { EngineRuntime, SurfaceRuntime, surfacePolicy } from '../runtime/engine-runtime';
import { FeedViewer, LiveItem, displayTitle, visibleFields } from '../runtime/live-items';
import { UserState, UserStateCache } from '../runtime/user-state';
import { FeedLogWriter } from './feed-log.writer';

type FeedReason = 'PERSONALIZED' | 'CONTENT_TEST' | 'EXPLORATION' | 'PINNED' | 'FALLBACK';

export interface FeedContext {
  locale?: string | null;
  platform?: string | null;
  appVersion?: string | null;
  tier?: string | null;
  localTime?: Date | null;
}

export interface FeedEntry {
  position: number;
  trackingToken: string;
  propensity: number;
  propensityError: number;
  reason: FeedReason;
  item: {
    id: string;
    slug: string;
    kind: string;
    title: string;
    subtitle: string | null;
    durationSeconds: number | null;
    artworkUrl: string | null;
    availability: string;
    topics: string[];
  };
}

export interface FeedResponse {
  requestId: string;
  policyVersion: string;
  surface: string;
  servedAt: Date;
  stateRevision: number | null;
  fallback: boolean;
  items: FeedEntry[];
}

const FALLBACK_POLICY = 'fallback/editorial';

const feedLatency = new Histogram({
  name: 'marquee_feed_duration_seconds',
  help: 'Feed time inside the API (excluding GraphQL parsing), by outcome',
  labelNames: ['outcome'] as const,
  buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1],
  registers: [metricsRegistry],
});
const feedFallbacks = new Counter({
  name: 'marquee_feed_fallbacks_total',
  help: 'Feeds served from the editorial fallback, by cause',
  labelNames: ['cause'] as const,
  registers: [metricsRegistry],
});

const REASONS: FeedReason[] = ['PERSONALIZED', 'CONTENT_TEST', 'EXPLORATION', 'PINNED', 'FALLBACK'];

/**
 * A sticky slate as Redis keeps it: what the slate was (item ids, positions, reasons, propensities, its tokens), not the
 * response. The response is rebuilt from the surface's current pool, which holds the same items while the catalogue
 * version is the same.
 */
interface StickySlate {
  c: string; // catalogue version
  k: number; // request context key
  r: string; // request id
  v: string; // policy version
  t: number; // served at (ms)
  s: number | null; // state revision
  h: string; // the tokens' shared head
  e: [itemId: string, position: number, propensity: number, propensityError: number, reason: number, tokenTail: string][];
}

/**
 * The viewer a feed request describes (user id and context), checked: what `feed`, `editorialFeed` and `feedPreview`
 * accept of a person. Problems name the fields as `feed` calls them (userId, context.locale…).
 */
export function checkViewer(userId: unknown, context: FeedContext | null | undefined): { viewer: FeedViewer; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  // It is logged, signed into tracking tokens and shown in staff tools: text PostgreSQL cannot store would poison the
  // first two, and a line break, control, bidi or zero-width character would make the third lie about it.
  const badUser = userIdProblem(userId);
  if (badUser) problems.push({ field: 'userId', message: badUser });
  // Locale, platform, app version and tier are checked as catalogAt checks a persona's (one implementation, in catalog).
  const checked = checkViewerContext(context);
  for (const p of checked.problems) problems.push({ field: `context.${p.field}`, message: p.message });
  return { viewer: { userId: userId as string, ...checked.context }, problems };
}

class BudgetExceeded extends Error {}
class DatabaseSkipped extends Error {}

/**
 * The client feed. Personalised when it can be, editorial fallback when it cannot (PostgreSQL slow or down, the
 * engine failing): it never fails and is never empty for a surface with live content.
 *
 * Nothing on this path waits on a dead connection for longer than FEED_BUDGET_MS: the API key is checked in memory,
 * the rate limit and the sticky slate give Redis FEED_REDIS_WAIT_MS (10 ms), the one PostgreSQL read gets what is left of the budget,
 * and after 5 of those reads in a row fail for want of PostgreSQL, feeds skip it for a second (then one probe goes
 * through).
 */
@Injectable()
export class FeedService {
  private readonly logger = new Logger('Feed');
  private lastFallbackLog = 0;
  /** Eligibility per request context, per candidate pool (a rebuilt pool starts a fresh cache). */
  private readonly contexts = new WeakMap<CandidatePool, Map<string, { eligible: Uint8Array; visible: (ItemFields | null)[]; staged: number[] }>>();
  private readonly dbCircuit: CircuitBreaker;
  /** The feed being served now per surface, user and request context, for concurrent calls to share (see feed). */
  private readonly flights = new Map<string, Promise<FeedResponse>>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: IORedis,
    @Inject(TRACKING_TOKENS) private readonly tokens: TrackingTokens,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
    private readonly runtime: EngineRuntime,
    private readonly log: FeedLogWriter,
    private readonly limits: ClientLimits,
    private readonly userStates: UserStateCache,
  ) {
    this.dbCircuit = new CircuitBreaker(() => this.clock.nowMs(), 5, 1000);
  }

  async feed(args: { surface: string; userId: string; limit?: number | null; context?: FeedContext | null }, caller: Caller): Promise<FeedResponse> {
    const started = process.hrtime.bigint();
    // Time already spent before the resolver (queued behind other requests, authenticating): the shedding signal.
    const queuedMs = Number(started - (requestReceivedAt() ?? started)) / 1e6;
    const { viewer, limit, rt } = this.validate(args);
    const apiKeyId = caller.apiKeyId;
    const now = this.clock.nowMs();
    // Keyed by the API key too: a slate's tracking tokens are bound to the key it was served to.
    const ctxKey = hashString(JSON.stringify([viewer.locale, viewer.platform, viewer.appVersion, viewer.tier, limit, apiKeyId]));
    // The sticky-slate read goes out with the rate-limit counters (one pipelined write to Redis, one wait). It never
    // rejects, and a call over its limit still answers RATE_LIMITED and serves nothing.
    const stickyRead = this.stickyGet(rt, args.userId, ctxKey, viewer);
    await this.limits.take('feed', caller);
    const sticky = await stickyRead;
    if (sticky) return sticky;

    // Calls for the same user and context at the same moment in this process (aliases in one document, a double tap)
    // share one ranking: the first ranks, claims and logs; the others serve what it served. Across processes the sticky
    // claim (stickyClaim) does the same. Without sticky slates (FEED_STICKY_SECONDS=0) every call ranks its own.
    const fresh = () => this.serveFresh(rt, args.userId, viewer, limit, args.context ?? {}, ctxKey, now, started, queuedMs, apiKeyId);
    if (!this.config.feedStickySeconds) return fresh();
    const flightKey = `${rt.surface.key}\u0000${args.userId}\u0000${ctxKey}`;
    const leader = this.flights.get(flightKey);
    if (leader) return leader;
    const flight = fresh();
    this.flights.set(flightKey, flight);
    void flight.finally(() => this.flights.get(flightKey) === flight && this.flights.delete(flightKey)).catch(() => undefined);
    return flight;
  }

  /** A slate ranked for this call (or the one a concurrent call stored first), or the fallback. */
  private async serveFresh(
    rt: SurfaceRuntime,
    userId: string,
    viewer: FeedViewer,
    limit: number,
    context: FeedContext,
    ctxKey: number,
    now: number,
    started: bigint,
    queuedMs: number,
    apiKeyId: string | null,
  ): Promise<FeedResponse> {
    let response: FeedResponse;
    let outcome = 'personalized';
    try {
      // Under overload, answer requests that already waited longer than the budget from the fallback, rather than
      // ranking slates for them and falling further behind.
      if (queuedMs > this.config.feedBudgetMs)
        throw new BudgetExceeded(`queued for ${Math.round(queuedMs)} ms, over the ${this.config.feedBudgetMs} ms budget`);
      const ranked = await this.personalized(rt, userId, viewer, limit, context, now, started, apiKeyId);
      // The same user's requests at the same moment (a double tap, an app asking twice at start-up, on one process or
      // several) each ranked a slate: the first to claim the sticky entry serves it to all of them, and only it is
      // logged and paced, so a user never gets two slates at once and no slate nobody saw is logged.
      const remaining = Number(started / 1_000_000n) + this.config.feedBudgetMs - Number(process.hrtime.bigint() / 1_000_000n);
      const winner = await this.stickyClaim(rt, userId, ctxKey, viewer, ranked.response, remaining);
      if (winner) return winner;
      ranked.commit();
      response = ranked.response;
    } catch (e) {
      const cause = e instanceof BudgetExceeded ? 'budget' : e instanceof DatabaseSkipped || isDatabaseUnavailable(e) ? 'database' : 'engine';
      outcome = 'fallback';
      feedFallbacks.inc({ cause });
      if (now - this.lastFallbackLog > 10_000) {
        this.lastFallbackLog = now;
        this.logger.warn(
          `Served the editorial fallback for "${rt.surface.key}" (${cause}: ${(e as Error).message}). Feeds keep working; check PostgreSQL and the engine logs.`,
        );
      }
      response = this.fallback(rt, userId, viewer, limit, context, now, started, apiKeyId);
    }
    feedLatency.observe({ outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    return response;
  }

  /** The editorial order on request (clients that must not personalise, and the benchmark's static baseline). */
  async editorial(args: { surface: string; userId: string; limit?: number | null; context?: FeedContext | null }, caller: Caller): Promise<FeedResponse> {
    const started = process.hrtime.bigint();
    const { viewer, limit, rt } = this.validate(args);
    await this.limits.take('feed', caller);
    return this.fallback(rt, args.userId, viewer, limit, args.context ?? {}, this.clock.nowMs(), started, caller.apiKeyId);
  }

  private validate(args: { surface: string; userId: string; limit?: number | null; context?: FeedContext | null }) {
    const rt = this.runtime.get(args.surface);
    // Still NOT_FOUND, as the schema promises for a disabled surface; the message says it exists, so nobody hunts for a typo.
    if (!rt && this.runtime.isDisabled(args.surface))
      throw new DomainError(
        'NOT_FOUND',
        `The surface "${args.surface}" exists but is disabled, so it serves no feed. Enable it in the Studio (Surfaces), or ask for an enabled surface: ${this.enabledKeys()}.`,
        { entity: 'surface', id: args.surface, identifiedBy: 'key', disabled: true },
      );
    if (!rt) throw new NotFoundError('surface', args.surface, `Known surfaces: ${this.enabledKeys()}.`, 'key');
    const { viewer, problems } = checkViewer(args.userId, args.context);
    const limit = args.limit ?? rt.surface.slots;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) problems.push({ field: 'limit', message: 'must be from 1 to 100' });
    if (problems.length) throw new InputError(`The feed request is not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, problems);
    return { viewer, limit: Math.min(limit, rt.surface.slots), rt };
  }

  private enabledKeys(): string {
    return (
      this.runtime
        .all()
        .map((s) => s.surface.key)
        .join(', ') || 'none'
    );
  }

  private async personalized(
    rt: SurfaceRuntime,
    userId: string,
    viewer: FeedViewer,
    limit: number,
    ctx: FeedContext,
    now: number,
    started: bigint,
    apiKeyId: string | null,
  ): Promise<{ response: FeedResponse; commit: () => void }> {
    const deadline = Number(started / 1_000_000n) + this.config.feedBudgetMs;
    const remaining = () => deadline - Number(process.hrtime.bigint() / 1_000_000n);
    // What this user's own events taught the engine: from memory, or the one database read on the request path.
    const state = this.userStates.peek(userId) ?? (await this.readUserState(userId, remaining()));
    const { eligible, visible } = this.eligibility(rt, viewer);
    const localTime = ctx.localTime ? ((ctx.localTime as { source?: string }).source ?? ctx.localTime.toISOString()) : null;
    const user = buildUserFeatures(
      { locale: viewer.locale, platform: viewer.platform, tier: viewer.tier, appVersion: viewer.appVersion, localTime },
      state.profile,
      now,
    );
    const testShare = testShareFor(rt.pacing, { budget: rt.surface.explorationBudget, floor: rt.surface.randomFloor }, now, rt.runningTests);
    const requestId = randomUUID();
    const seed = hashString(requestId);
    // A canary model serves a stable share of users (by a hash of user and model), so each user sees one policy.
    const canary = rt.canary && hashString(`${userId}:${rt.canary.modelId}`) % 10000 < rt.canary.share * 10000 ? rt.canary : null;
    const served = canary?.state ?? rt.state;
    // The person's collaborative posterior on this surface, from the same in-memory user state (no extra read).
    const person = personPosterior(state.factors?.[rt.surface.key], served.collab);
    // And what they did with single items before, weighed as the model's evidence says (historyKappa).
    const history = slateHistory(state.histories?.[rt.surface.key], served.collab);
    const slate = buildSlate(served, rt.pool, { surface: surfacePolicy(rt.surface, rt.pins, now, limit), user, seed, testShare, eligible, person, history });
    if (remaining() < 0) throw new BudgetExceeded(`over the ${this.config.feedBudgetMs} ms budget`);
    if (!slate.entries.length) throw new Error('no eligible candidates for this viewer');
    const servedAt = new Date(now);
    capServedPropensities(slate.entries);
    const tokens = this.tokens.signSlate(
      { requestId, surface: rt.surface.key, userId, policyVersion: slate.policyVersion, servedAt: now, apiKeyId },
      slate.entries,
    );
    const items = slate.entries.map((e, i) => {
      const idx = rt.pool.index.get(e.itemId)!;
      return this.entry(rt.poolItems[idx], visible[idx]!, e, tokens[i], viewer.locale);
    });
    // Paced and logged once it is the slate served (stickyClaim), not when another request's slate won.
    const commit = () => {
      rt.pacing = recordServed(rt.pacing, { served: slate.entries.length, test: slate.stats.testSlots, floor: slate.stats.floorSlots }, now);
      this.log.push(entryLog);
    };
    const entryLog: Parameters<FeedLogWriter['push']>[0] = {
      requestId,
      servedAt,
      surface: rt.surface.key,
      userId,
      policyVersion: slate.policyVersion,
      stateRevision: slate.stateRevision,
      seed,
      poolFingerprint: rt.poolFingerprint,
      eligibleMask: packBits(eligible),
      userFeatures: Array.from(user),
      testShare,
      // The surface policy as it was (slots, budget, pins, diversity): with the seed, the state revision, the pool and the
      // user features, it is everything a replay needs.
      context: {
        locale: viewer.locale,
        platform: viewer.platform,
        appVersion: viewer.appVersion,
        tier: viewer.tier,
        localTime,
        limit,
        policy: slate.log.surface,
        arm: canary ? 'canary' : 'live',
        modelId: canary?.modelId ?? null,
        ...(slate.log.person ? { person: slate.log.person } : {}),
        ...(slate.log.history ? { history: slate.log.history } : {}),
      },
      fallback: false,
      latencyUs: Number((process.hrtime.bigint() - started) / 1000n),
      apiKeyId,
      placements: slate.entries.map((e) => ({
        position: e.position,
        itemId: e.itemId,
        reason: e.reason,
        propensity: e.propensity,
        propensityError: e.propensityError,
      })),
    };
    return {
      response: {
        requestId,
        policyVersion: slate.policyVersion,
        surface: rt.surface.key,
        servedAt,
        stateRevision: slate.stateRevision,
        fallback: false,
        items,
      },
      commit,
    };
  }

  /**
   * Which candidates this viewer may see. Everything but staged rollouts depends only on the request context, so the
   * mask is cached per context for the pool's lifetime; staged items are checked per user on a copy.
   */
  private eligibility(rt: SurfaceRuntime, viewer: FeedViewer): { eligible: Uint8Array; visible: (ItemFields | null)[] } {
    const key = `${viewer.locale}|${viewer.platform}|${viewer.appVersion}|${viewer.tier}`;
    let cached = this.contexts.get(rt.pool)?.get(key);
    if (!cached) {
      const eligible = new Uint8Array(rt.pool.size);
      const visible: (ItemFields | null)[] = new Array(rt.pool.size);
      const staged: number[] = [];
      for (let i = 0; i < rt.pool.size; i++) {
        const item = rt.poolItems[i];
        if (item.rollout) {
          staged.push(i);
          continue;
        }
        const f = visibleFields(item, viewer);
        visible[i] = f;
        eligible[i] = f ? 1 : 0;
      }
      cached = { eligible, visible, staged };
      const perPool = this.contexts.get(rt.pool) ?? new Map();
      if (perPool.size >= 2000) perPool.clear();
      perPool.set(key, cached);
      this.contexts.set(rt.pool, perPool);
    }
    if (!cached.staged.length) return cached;
    const eligible = cached.eligible.slice();
    const visible = cached.visible.slice();
    for (const i of cached.staged) {
      const f = visibleFields(rt.poolItems[i], viewer);
      visible[i] = f;
      eligible[i] = f ? 1 : 0;
    }
    return { eligible, visible };
  }

  /** The editorial order, filtered to what this viewer may see; never throws, never empty while anything is live. */
  fallback(
    rt: SurfaceRuntime,
    userId: string,
    viewer: FeedViewer,
    limit: number,
    ctx: FeedContext,
    now: number,
    started: bigint,
    apiKeyId: string | null,
  ): FeedResponse {
    const requestId = randomUUID();
    const pick = (list: LiveItem[], strict: boolean) => {
      const out: { item: LiveItem; fields: ItemFields }[] = [];
      for (const item of list) {
        const f = strict ? visibleFields(item, viewer) : (item.fields ?? item.base);
        if (f) out.push({ item, fields: f });
        if (out.length >= limit) break;
      }
      return out;
    };
    let chosen = pick(rt.fallback, true);
    if (!chosen.length) chosen = pick(rt.fallback, false);
    if (!chosen.length) chosen = pick(this.runtime.liveItems(), false);
    const servedAt = new Date(now);
    const slots = chosen.map((c, i) => ({ itemId: c.item.id, position: i + 1, propensity: 1, propensityError: 0, reason: 'FALLBACK' }));
    const tokens = this.tokens.signSlate({ requestId, surface: rt.surface.key, userId, policyVersion: FALLBACK_POLICY, servedAt: now, apiKeyId }, slots);
    const items = chosen.map((c, i) => this.entry(c.item, c.fields, slots[i], tokens[i], viewer.locale));
    this.log.push({
      requestId,
      servedAt,
      surface: rt.surface.key,
      userId,
      policyVersion: FALLBACK_POLICY,
      stateRevision: null,
      seed: null,
      poolFingerprint: null,
      eligibleMask: null,
      userFeatures: null,
      testShare: null,
      context: {
        locale: viewer.locale,
        platform: viewer.platform,
        appVersion: viewer.appVersion,
        tier: viewer.tier,
        localTime: ctx.localTime?.toISOString() ?? null,
        limit,
      },
      fallback: true,
      latencyUs: Number((process.hrtime.bigint() - started) / 1000n),
      apiKeyId,
      placements: items.map((e) => ({ position: e.position, itemId: e.item.id, reason: 'FALLBACK', propensity: 1, propensityError: 0 })),
    });
    return { requestId, policyVersion: FALLBACK_POLICY, surface: rt.surface.key, servedAt, stateRevision: null, fallback: true, items };
  }

  /** Reads a user's state from PostgreSQL within the budget, behind the circuit. */
  private readUserState(userId: string, budgetMs: number): Promise<UserState> {
    if (!this.dbCircuit.allow()) throw new DatabaseSkipped(`PostgreSQL failed the last feeds' reads; skipping it for ${this.dbCircuit.retryInMs()} ms`);
    const read = this.userStates.load(userId);
    // The circuit follows PostgreSQL's health, not this feed's budget: a read that answers late still closes it, and
    // only a read that fails for want of PostgreSQL (refused, dropped, the pool's connect timeout) counts against it.
    read.then(
      () => this.dbCircuit.success(),
      (e) => isDatabaseUnavailable(e) && this.dbCircuit.failure(),
    );
    return withBudget(read, budgetMs);
  }

  private entry(
    item: LiveItem,
    fields: ItemFields,
    slot: SlotClaims & { propensityError: number },
    trackingToken: string,
    locale: string | null | undefined,
  ): FeedEntry {
    const loc = locale && fields.localized[locale] ? locale : locale?.split('-')[0];
    return {
      position: slot.position,
      trackingToken,
      propensity: slot.propensity,
      propensityError: slot.propensityError,
      reason: slot.reason as FeedReason,
      item: {
        id: item.id,
        slug: fields.slug,
        kind: fields.kind,
        title: displayTitle(fields, locale),
        subtitle: (loc && fields.localized[loc]?.subtitle) || fields.localized[fields.defaultLocale]?.subtitle || null,
        durationSeconds: fields.durationSeconds,
        artworkUrl: fields.media.artworkUrl,
        availability: fields.availability,
        topics: fields.topics,
      },
    };
  }

  private stickyKey(rt: SurfaceRuntime, userId: string): string {
    return `${this.config.redisPrefix}:slate:${rt.surface.key}:${userId}`;
  }

  /** The same user on the same surface gets the same slate for FEED_STICKY_SECONDS, unless what can be served changed. */
  private async stickyGet(rt: SurfaceRuntime, userId: string, ctxKey: number, viewer: FeedViewer): Promise<FeedResponse | null> {
    if (!this.config.feedStickySeconds) return null;
    try {
      const raw = await withBudget(this.redis.get(this.stickyKey(rt, userId)), this.config.feedRedisWaitMs);
      return this.fromSticky(rt, raw, ctxKey, viewer);
    } catch {
      return null; // Redis slow or down (or an entry in an older form): just compute a fresh slate
    }
  }

  /** The response a stored sticky slate stands for, or null when it is for another context or catalogue, or unreadable. */
  private fromSticky(rt: SurfaceRuntime, raw: string | null, ctxKey: number, viewer: FeedViewer): FeedResponse | null {
    if (!raw) return null;
    try {
      const v = JSON.parse(raw) as StickySlate;
      if (v.c !== rt.catalogVersion || v.k !== ctxKey || !Array.isArray(v.e)) return null;
      // The same catalogue version means the same pool: every item is still there, with the same fields.
      const { visible } = this.eligibility(rt, viewer);
      const items: FeedEntry[] = [];
      for (const [itemId, position, propensity, propensityError, reason, tail] of v.e) {
        const idx = rt.pool.index.get(itemId);
        const fields = idx === undefined ? null : visible[idx];
        if (idx === undefined || !fields || !REASONS[reason]) return null;
        items.push(
          this.entry(rt.poolItems[idx], fields, { itemId, position, propensity, propensityError, reason: REASONS[reason] }, v.h + tail, viewer.locale),
        );
      }
      return { requestId: v.r, policyVersion: v.v, surface: rt.surface.key, servedAt: new Date(v.t), stateRevision: v.s, fallback: false, items };
    } catch {
      return null; // an entry in an older form
    }
  }

  /**
   * Stores `r` as the user's sticky slate unless a concurrent request of the same user and context stored one since
   * stickyGet looked (STICKY_CLAIM, one script, so exactly one of them wins): then that slate is returned, to be served
   * instead of `r`. An entry for another context or catalogue is replaced. It waits for Redis at most
   * FEED_REDIS_WAIT_MS and never past the feed's budget (`remainingMs`): when Redis is slow or down, or the budget is
   * spent, the claim still goes out and `r` is served, as every feed is then.
   */
  private async stickyClaim(
    rt: SurfaceRuntime,
    userId: string,
    ctxKey: number,
    viewer: FeedViewer,
    r: FeedResponse,
    remainingMs: number,
  ): Promise<FeedResponse | null> {
    if (!this.config.feedStickySeconds || !r.items.length) return null;
    const args = [this.stickyKey(rt, userId), this.stickyValue(rt, ctxKey, r), rt.catalogVersion, ctxKey, this.config.feedStickySeconds] as const;
    const wait = Math.min(this.config.feedRedisWaitMs, remainingMs);
    try {
      const current = await withBudget(
        // The first claim since Redis started (or flushed its scripts) sends the script itself.
        this.redis.evalsha(STICKY_CLAIM.sha, 1, ...args).catch((e: Error) => {
          if (!/NOSCRIPT/.test(e.message)) throw e;
          return this.redis.eval(STICKY_CLAIM.lua, 1, ...args);
        }),
        wait,
      );
      return typeof current === 'string' ? this.fromSticky(rt, current, ctxKey, viewer) : null;
    } catch {
      return null; // Redis slow or down, or no budget left: serve this slate
    }
  }

  private stickyValue(rt: SurfaceRuntime, ctxKey: number, r: FeedResponse): string {
    const head = r.items[0].trackingToken.slice(0, r.items[0].trackingToken.indexOf('.') + 1);
    const v: StickySlate = {
      c: rt.catalogVersion,
      k: ctxKey,
      r: r.requestId,
      v: r.policyVersion,
      t: r.servedAt.getTime(),
      s: r.stateRevision,
      h: head,
      e: r.items.map((e) => [e.item.id, e.position, e.propensity, e.propensityError, REASONS.indexOf(e.reason), e.trackingToken.slice(head.length)]),
    };
    return JSON.stringify(v);
  }
}

/**
 * The sticky claim, atomic in Redis: the entry there if it is for the same catalogue version (ARGV[2]) and request
 * context (ARGV[3]), else ARGV[1] stored in its place for ARGV[4] seconds and nil. An unreadable entry, or a key of
 * another type (GET fails: WRONGTYPE), is replaced, as a plain SET would.
 */
const STICKY_CLAIM = (() => {
  const lua = `local cur = redis.pcall('GET', KEYS[1])
if type(cur) == 'string' then
  local ok, v = pcall(cjson.decode, cur)
  if ok and type(v) == 'table' and v.c == ARGV[2] and v.k == tonumber(ARGV[3]) then return cur end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
return false`;
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
})();

function withBudget<T>(p: Promise<T>, ms: number): Promise<T> {
  if (ms <= 0) {
    p.catch(() => undefined);
    return Promise.reject(new BudgetExceeded('no time left in the budget'));
  }
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>(
      (_, reject) =>
        (t = setTimeout(
          // Timers run before I/O in each turn of the event loop: when ranking other requests kept this process busy
          // past the wait, an answer that arrived meanwhile is read (in this turn's poll phase) before the wait gives up.
          () => setImmediate(() => reject(new BudgetExceeded(`no answer within ${Math.round(ms)} ms`))),
          ms,
        )),
    ),
  ]).finally(() => clearTimeout(t));
}

function packBits(mask: Uint8Array): Buffer {
  const out = Buffer.alloc(Math.ceil(mask.length / 8));
  for (let i = 0; i < mask.length; i++) if (mask[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
}

export function unpackBits(buf: Buffer, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (buf[i >> 3] >> (i & 7)) & 1;
  return out;
}
