import { createHash, randomBytes } from 'node:crypto';
import { domainToASCII, domainToUnicode } from 'node:url';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import * as argon2 from 'argon2';
import * as jwt from 'jsonwebtoken';
import IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { DomainError, UnauthenticatedError, UnavailableError, Clock } from '@marquee/platform-core';
import { isDatabaseUnavailable } from '@marquee/platform-database';
import { REDIS } from '@marquee/platform-queue';
import { ApiKeys, revocationChannel, usersChangedChannel } from './api-key-registry';
import { UserEntity } from './entities/user.entity';
import { EndedSessionEntity } from './entities/ended-session.entity';
import { LoginLimits } from './login-limits';
import { Principal } from './principal';
import { deriveKey } from './secrets';
import { withTimeout } from './timeout';

interface SessionClaims {
  sub: string;
  ver: number;
  typ: 'session';
  /** This session's id, which `logout` ends. Tokens issued before sessions had one carry none. */
  sid?: string;
  /**
   * Set on sessions issued while SESSION_IDLE_MINUTES was on: their last activity is kept in Redis and they end when
   * unused that long. Tokens issued before the idle timeout existed carry none (their Redis key was never written).
   */
  idle?: true;
  /**
   * The session store's epoch when the session was issued (see `sessionEpoch`): a missing activity key under the same
   * epoch means the session went unused; under another one, Redis lost its keys since. Tokens issued before the epoch
   * existed carry none, and a missing key ends them as before.
   */
  ep?: string;
}

/** The `reason` extension of the UNAUTHENTICATED error an idle session gets, which the Studio shows as such. */
export const SESSION_IDLE_REASON = 'SESSION_IDLE';

/** How long a Redis command of the idle timeout may take before the session counts as uncheckable (503). */
const IDLE_REDIS_TIMEOUT_MS = 1000;

const CACHE_MS = 5000;
/**
 * How long a role change, disable or password change waits for every API process to confirm it dropped its cached
 * users. Each answers within milliseconds while Redis is up; the bound keeps an admin's request within its budget when
 * one does not (that process then applies the change when its cached row expires, CACHE_MS).
 */
const FORGET_WAIT_MS = 1500;
const INVALID_CREDENTIALS = 'Email or password is wrong. Check both and try again.';

/**
 * The one spelling of a sign-in address that accounts are stored and looked up by: trimmed, lower case, in Unicode
 * NFC, and with the domain in its Unicode form as IDNA maps it (domainToASCII, then back): so "josé" typed with a
 * combining accent (NFD, as some keyboards produce) is the precomposed "josé", "bücher.example" and its punycode
 * "xn--bcher-kva.example" are one domain, and a full-width "ｍarquee.local" is "marquee.local". Before, each spelling
 * was an account of its own that read the same in the Studio, and a user created in one could not sign in typing
 * another. A domain IDNA refuses is kept as typed (the address check then says what is wrong with it).
 */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase().normalize('NFC');
  const at = email.lastIndexOf('@');
  if (at < 0) return email;
  const ascii = domainToASCII(email.slice(at + 1));
  return ascii ? `${email.slice(0, at + 1)}${domainToUnicode(ascii).normalize('NFC')}` : email;
}

/**
 * Credentials in, principal out. Sessions are JWTs checked against the user row (cached for a few seconds), so a
 * disabled user or a changed password ends old sessions; API keys are verified by their SHA-256 against the
 * in-memory registry (ApiKeys), without PostgreSQL on the request path.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  private readonly sessionKey: Buffer;
  private readonly userCache = new Map<string, { at: number; user: UserEntity | null }>();
  /** Whether a session id was ended by `logout`, cached like the user rows and dropped with them. */
  private readonly endedCache = new Map<string, { at: number; ended: boolean }>();
  /** The session epochs whose loss this process has logged (see `keyWasLost`). */
  private readonly lossNoted = new Set<string>();
  /** When this process last noted each session's activity in Redis (sid → ms); see `noteActivity`. */
  private readonly activeAt = new Map<string, number>();
  /** Bumped whenever the cache is dropped: a row read before that must not be cached after it. */
  private cacheGeneration = 0;
  // A hash to compare against when the email is unknown, so a wrong email and a wrong password take the same time.
  private dummyHash: Promise<string> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(EndedSessionEntity) private readonly endedSessions: Repository<EndedSessionEntity>,
    @Inject(REDIS) private readonly redis: IORedis,
    private readonly limits: LoginLimits,
    @Inject(Clock) private readonly clock: Clock,
    // Only the API process verifies keys; the worker and the CLI run without the registry.
    @Optional() private readonly apiKeys?: ApiKeys,
  ) {
    this.sessionKey = deriveKey(config.jwtSecret, 'session');
    // Another API process changed a user: drop the cached rows here too, so its sessions end everywhere at once.
    this.apiKeys?.onUsersChanged(() => this.dropCachedUsers());
  }

  static hashPassword(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  static hashApiKey(key: string): string {
    return createHash('sha256').update(key).digest('hex');
  }

  static generateApiKey(): { key: string; prefix: string; hash: string } {
    const key = `mq_${randomBytes(20).toString('hex')}`;
    return { key, prefix: key.slice(0, 10), hash: AuthService.hashApiKey(key) };
  }

  async login(emailRaw: string, password: string, address: string): Promise<{ token: string; user: UserEntity; expiresAt: Date }> {
    const email = normalizeEmail(emailRaw);
    await this.limits.check(email, address);
    let user: UserEntity | null;
    try {
      user = await this.users.findOne({ where: { email } });
    } catch (e) {
      if (isDatabaseUnavailable(e)) throw new UnavailableError('Sign-in is unavailable for a moment: the database does not answer. Try again shortly.', 5);
      throw e;
    }
    this.dummyHash ??= AuthService.hashPassword(randomBytes(16).toString('hex'));
    const ok = await argon2.verify(user?.passwordHash ?? (await this.dummyHash), password).catch(() => false);
    if (!user || !ok || user.disabledAt) {
      await this.limits.failed(email, address);
      if (user?.disabledAt && ok) throw new DomainError('FORBIDDEN', 'This account is disabled. Ask an admin to enable it.');
      throw new DomainError('UNAUTHENTICATED', INVALID_CREDENTIALS);
    }
    await this.limits.succeeded(email, address);
    await this.users.update(user.id, { lastLoginAt: this.clock.now() });
    return { ...(await this.sign(user)), user };
  }

  /**
   * Checks a signed-in user's current password (`changePassword`) under the sign-in limits, counted with sign-in's own
   * counters for that email and address: a session alone must not buy unlimited guesses at the password behind it.
   * Throws RATE_LIMITED over a limit; a wrong password counts as a failed sign-in.
   */
  async verifyCurrentPassword(user: UserEntity, password: string, address: string): Promise<boolean> {
    const email = normalizeEmail(user.email);
    await this.limits.check(email, address);
    const ok = await argon2.verify(user.passwordHash, password).catch(() => false);
    if (!ok) await this.limits.failed(email, address);
    return ok;
  }

  /** A new session for a user who just proved who they are (e.g. changed their password). */
  async issueSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const user = await this.users.findOneOrFail({ where: { id: userId } });
    this.dropCachedUsers();
    return this.sign(user);
  }

  private async sign(user: UserEntity): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(this.clock.nowMs() + this.config.sessionTtlHours * 3600 * 1000);
    const claims: SessionClaims = { sub: user.id, ver: user.tokenVersion, typ: 'session', sid: randomBytes(16).toString('base64url') };
    if (this.idleMs > 0) {
      // The session's activity key, written before the token exists: a token whose key is missing (under the epoch it
      // was issued in) has been idle.
      claims.ep = await this.idleRedis(this.sessionEpoch(), 'Sign-in is unavailable for a moment');
      await this.idleRedis(this.redis.set(this.activityKey(claims.sid!), '1', 'PX', this.idleMs), 'Sign-in is unavailable for a moment');
      claims.idle = true;
    }
    return { token: jwt.sign(claims, this.sessionKey, { algorithm: 'HS256', expiresIn: this.config.sessionTtlHours * 3600, issuer: 'marquee' }), expiresAt };
  }

  /**
   * Ends the session this token names (`logout`), on every API process: its id is stored until the token would have
   * expired, and every process drops its cached answers before this returns (as for a disable, `forget`). A token
   * that is not a valid session, or one issued before sessions had ids, ends nothing here (the cookie is still
   * cleared); answers whether one was ended.
   */
  async endSession(token: string): Promise<boolean> {
    let claims: SessionClaims & { exp?: number };
    try {
      claims = jwt.verify(token, this.sessionKey, { algorithms: ['HS256'], issuer: 'marquee' }) as SessionClaims & { exp?: number };
    } catch {
      return false;
    }
    if (claims.typ !== 'session' || typeof claims.sid !== 'string' || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return false;
    let inserted: unknown[];
    try {
      inserted = await this.endedSessions.manager.transaction(async (m) => {
        const rows: unknown[] = await m.query(
          `INSERT INTO ended_sessions (sid, user_id, expires_at) VALUES ($1, $2, to_timestamp($3)) ON CONFLICT (sid) DO NOTHING RETURNING sid`,
          [claims.sid, claims.sub, claims.exp],
        );
        // Tokens past their expiry are refused by their signature check alone: their rows are no longer needed.
        await m.query(`DELETE FROM ended_sessions WHERE expires_at < now() - interval '1 minute'`);
        return rows;
      });
    } catch (e) {
      if (isDatabaseUnavailable(e)) throw new UnavailableError('Signing out is unavailable for a moment: the database does not answer. Try again shortly.', 5);
      throw e;
    }
    // Its activity key goes too (best effort: the ended_sessions row is what refuses the token).
    this.activeAt.delete(claims.sid);
    await this.idleRedis(this.redis.del(this.activityKey(claims.sid)), 'Signing out').catch(() => undefined);
    // Already ended (a repeated logout with the same token): nothing changed, nothing to announce.
    if (!inserted.length) return false;
    await this.forget();
    return true;
  }

  /** Returns the principal for a session token, or throws UNAUTHENTICATED with no internal detail. */
  async principalFromToken(token: string): Promise<Principal> {
    // A client app's key sent where a session token goes: say where it belongs instead of "sign in again".
    if (/^mq_[0-9a-f]{40}$/.test(token)) {
      throw new UnauthenticatedError('This is an API key, sent as a bearer token. Send it in the x-api-key header instead of Authorization.');
    }
    let claims: SessionClaims;
    try {
      claims = jwt.verify(token, this.sessionKey, { algorithms: ['HS256'], issuer: 'marquee' }) as SessionClaims;
    } catch (e) {
      if (e instanceof jwt.TokenExpiredError) throw new UnauthenticatedError('Your session has expired. Sign in again.');
      throw new UnauthenticatedError('Your session token is not valid. Sign in again.');
    }
    if (claims.typ !== 'session' || typeof claims.sub !== 'string') throw new UnauthenticatedError('Your session token is not valid. Sign in again.');
    const user = await this.cachedUser(claims.sub);
    if (!user || user.disabledAt || user.tokenVersion !== claims.ver) {
      throw new UnauthenticatedError('Your session has ended (signed out, password changed or account disabled). Sign in again.');
    }
    if (typeof claims.sid === 'string' && (await this.sessionEnded(claims.sid))) {
      throw new UnauthenticatedError('Your session has ended (signed out, password changed or account disabled). Sign in again.');
    }
    if (claims.idle === true && typeof claims.sid === 'string' && this.idleMs > 0) await this.noteActivity(claims.sid, claims.ep);
    return { kind: 'user', userId: user.id, role: user.role, email: user.email, displayName: user.displayName };
  }

  async principalFromApiKey(key: string): Promise<Principal> {
    if (!this.apiKeys) throw new Error('API keys are verified only in the API process (ApiKeysModule is not loaded here).');
    const k = await this.apiKeys.registry.verify(AuthService.hashApiKey(key));
    if (!k) throw new UnauthenticatedError('This API key is not valid. Check the x-api-key header, or ask an admin for a key.');
    if (k.revoked) throw new UnauthenticatedError('This API key was revoked. Ask an admin for a new key.');
    return { kind: 'client', apiKeyId: k.id, name: k.name };
  }

  /**
   * An API key was revoked (the transaction has committed): refuse it in this process at once, and announce it on
   * Redis so every other API process refuses it too. If Redis is down, they refuse it at their next reload
   * (API_KEY_REFRESH_MS).
   */
  async apiKeyRevoked(id: string): Promise<void> {
    this.apiKeys?.registry.revoked(id);
    try {
      await this.redis.publish(revocationChannel(this.config.redisPrefix), JSON.stringify({ id }));
    } catch (e) {
      this.logger.warn(
        `Could not tell the other API processes that API key ${id} was revoked (Redis: ${(e as Error).message}); they refuse it within API_KEY_REFRESH_MS (${this.config.apiKeyRefreshMs} ms).`,
      );
    }
  }

  /**
   * Drops cached users after a role change, disable or password change (call it once the change has committed), and
   * returns only once every API process has dropped its copy too, so the change holds for every request sent after
   * the mutation answers: a disabled user's or an old password's session is refused, a demoted admin is refused
   * admin operations, on every process.
   *
   * How: the user row behind a session is cached CACHE_MS per process (a session costs no PostgreSQL read per
   * request). This process drops its copy, then announces the change on Redis (`<REDIS_PREFIX>:users:changed`) with
   * a reply channel; every API process drops its copy and acknowledges, and PUBLISH's count of receivers says how
   * many acknowledgements to wait for (at most FORGET_WAIT_MS). Before, the announcement was fire-and-forget and the
   * other process still served the old session for 10–30 ms after the mutation answered. A process that does not
   * answer in time (or while Redis is down) applies the change when its cached row expires (CACHE_MS); that is logged.
   */
  async forget(): Promise<void> {
    this.dropCachedUsers();
    this.apiKeys?.registry.forgetUnknown();
    const late = (why: string) =>
      this.logger.warn(`Could not confirm that every API process dropped its cached users (${why}); the others apply the change within ${CACHE_MS / 1000} s.`);
    if (!this.apiKeys) {
      // The worker and the CLI serve no sessions and have no subscriber to collect acknowledgements: announce only.
      await this.redis.publish(usersChangedChannel(this.config.redisPrefix), '{}').catch((e: Error) => late(`Redis: ${e.message}`));
      return;
    }
    try {
      const { received, acknowledged } = await this.apiKeys.announceUsersChanged(FORGET_WAIT_MS);
      if (acknowledged < received) late(`${acknowledged} of ${received} acknowledged within ${FORGET_WAIT_MS} ms`);
    } catch (e) {
      late(`Redis: ${(e as Error).message}`);
    }
  }

  private get idleMs(): number {
    return this.config.sessionIdleMinutes * 60_000;
  }

  private activityKey(sid: string): string {
    return `${this.config.redisPrefix}:session:active:${sid}`;
  }

  private epochKey(): string {
    return `${this.config.redisPrefix}:session:epoch`;
  }

  /**
   * The session store's epoch: "<ms>:<random>", written once (SET NX, no expiry) by the first sign-in or the first
   * request that finds it missing. It goes only when Redis loses its keys (a FLUSHALL, or a restart without
   * persistence), which takes the sessions' activity keys with it; each token carries the epoch it was issued in.
   */
  private async sessionEpoch(): Promise<string> {
    const key = this.epochKey();
    const fresh = `${this.clock.nowMs()}:${randomBytes(6).toString('base64url')}`;
    const created = await this.redis.set(key, fresh, 'NX');
    if (created === 'OK') return fresh;
    return (await this.redis.get(key)) ?? fresh;
  }

  /**
   * The idle timeout, without a database write per request: each session has a Redis key that expires after
   * SESSION_IDLE_MINUTES, written at sign-in. A request refreshes its expiry only if it still exists (SET … XX, one
   * atomic command); when it is gone the session was unused that long and ends. Each API process refreshes a session
   * at most once a minute (or a quarter of the idle time, if shorter), so a busy Studio costs about one Redis command
   * per session and minute, and a session ends between SESSION_IDLE_MINUTES and a minute more after its last use.
   * Redis not answering is a 503 (as PostgreSQL down is for the session check).
   *
   * A Redis that lost its keys does not sign everyone out: a key missing under an epoch other than the token's means it
   * was lost, not that it expired (`keyWasLost`), and the session goes on, its idle time counted from the loss. So a
   * session idle before the loss gets at most one idle period more, once.
   */
  private async noteActivity(sid: string, issuedInEpoch: string | undefined): Promise<void> {
    const now = this.clock.nowMs();
    const last = this.activeAt.get(sid);
    if (last !== undefined && now - last < Math.min(60_000, this.idleMs / 4)) return;
    const what = 'Your session cannot be checked right now';
    const key = this.activityKey(sid);
    let refreshed = await this.idleRedis(this.redis.set(key, '1', 'PX', this.idleMs, 'XX'), what);
    if (refreshed === null && (await this.idleRedis(this.keyWasLost(issuedInEpoch, now), what))) {
      refreshed = await this.idleRedis(this.redis.set(key, '1', 'PX', this.idleMs), what);
    }
    if (refreshed === null) {
      this.activeAt.delete(sid);
      const minutes = this.config.sessionIdleMinutes;
      throw new DomainError('UNAUTHENTICATED', `Your session ended after ${minutes} minute${minutes === 1 ? '' : 's'} without activity; sign in again.`, {
        reason: SESSION_IDLE_REASON,
        idleMinutes: minutes,
      });
    }
    this.activeAt.set(sid, now);
    if (this.activeAt.size > 10000) this.activeAt.clear();
  }

  /**
   * Whether a session's missing activity key was lost with Redis's data rather than expired: the store's epoch is not
   * the one the token was issued in (it is re-created here if it is gone too), and it began less than one idle period
   * ago, so the session has not yet had a full idle period since the loss to show it is still used.
   */
  private async keyWasLost(issuedInEpoch: string | undefined, now: number): Promise<boolean> {
    if (issuedInEpoch === undefined) return false;
    const epoch = await this.sessionEpoch();
    if (epoch === issuedInEpoch) return false;
    const since = Number(epoch.split(':')[0]);
    if (!Number.isFinite(since) || now - since >= this.idleMs) return false;
    if (!this.lossNoted.has(epoch)) {
      this.lossNoted.add(epoch);
      this.logger.warn(
        `Redis lost the sessions' activity keys (the session epoch changed at ${new Date(since).toISOString()}: a FLUSHALL or a restart without persistence). Sessions go on, their idle time counted from then; nothing to do unless it recurs, in which case turn on Redis persistence (appendonly yes).`,
      );
    }
    return true;
  }

  /** A Redis command of the idle timeout, bounded: UnavailableError (`what`: Redis does not answer) past the bound. */
  private async idleRedis<T>(command: Promise<T>, what: string): Promise<T> {
    try {
      return await withTimeout(command, IDLE_REDIS_TIMEOUT_MS);
    } catch (e) {
      this.logger.warn(`Session idle timeout: Redis failed (${(e as Error).message}).`);
      throw new UnavailableError(`${what}: Redis does not answer. Try again shortly.`, 5);
    }
  }

  private dropCachedUsers(): void {
    this.userCache.clear();
    this.endedCache.clear();
    this.cacheGeneration += 1;
  }

  private async sessionEnded(sid: string): Promise<boolean> {
    const now = this.clock.nowMs();
    const hit = this.endedCache.get(sid);
    if (hit && now - hit.at < CACHE_MS) return hit.ended;
    const generation = this.cacheGeneration;
    let ended: boolean;
    try {
      ended = (await this.endedSessions.count({ where: { sid } })) > 0;
    } catch (e) {
      if (isDatabaseUnavailable(e)) throw new UnavailableError('Your session cannot be checked right now: the database does not answer. Try again shortly.', 5);
      throw e;
    }
    if (generation !== this.cacheGeneration) return ended;
    this.endedCache.set(sid, { at: now, ended });
    if (this.endedCache.size > 10000) this.endedCache.clear();
    return ended;
  }

  private async cachedUser(id: string): Promise<UserEntity | null> {
    const now = this.clock.nowMs();
    const hit = this.userCache.get(id);
    if (hit && now - hit.at < CACHE_MS) return hit.user;
    const generation = this.cacheGeneration;
    let user: UserEntity | null;
    try {
      user = await this.users.findOne({ where: { id } });
    } catch (e) {
      if (isDatabaseUnavailable(e)) throw new UnavailableError('Your session cannot be checked right now: the database does not answer. Try again shortly.', 5);
      throw e;
    }
    // A change announced while this read was in flight may not be in the row read: use it for this request only.
    if (generation !== this.cacheGeneration) return user;
    this.userCache.set(id, { at: now, user });
    if (this.userCache.size > 10000) this.userCache.clear();
    return user;
  }
}
