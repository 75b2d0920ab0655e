import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import * as argon2 from 'argon2';
import * as jwt from 'jsonwebtoken';
import IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { DomainError, UnauthenticatedError } from '@marquee/platform-core';
import { REDIS } from '@marquee/platform-queue';
import { ApiKeyEntity } from './entities/api-key.entity';
import { UserEntity } from './entities/user.entity';
import { Principal } from './principal';
import { deriveKey } from './secrets';

interface SessionClaims {
  sub: string;
  ver: number;
  typ: 'session';
}

const CACHE_MS = 5000;
const INVALID_CREDENTIALS = 'Email or password is wrong. Check both and try again.';

/**
 * Credentials in, principal out. Sessions are JWTs checked against the user row (cached for a few seconds), so a
 * disabled user or a changed password ends old sessions; API keys are looked up by their SHA-256.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  private readonly sessionKey: Buffer;
  private readonly userCache = new Map<string, { at: number; user: UserEntity | null }>();
  private readonly keyCache = new Map<string, { at: number; key: ApiKeyEntity | null }>();
  // A hash to compare against when the email is unknown, so a wrong email and a wrong password take the same time.
  private dummyHash: Promise<string> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {
    this.sessionKey = deriveKey(config.jwtSecret, 'session');
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
    const email = emailRaw.trim().toLowerCase();
    const limitKey = `${this.config.redisPrefix}:login-fail:${createHash('sha256').update(`${email}|${address}`).digest('hex').slice(0, 32)}`;
    const failures = Number((await this.redis.get(limitKey).catch(() => null)) ?? 0);
    if (failures >= this.config.loginMaxAttempts) {
      const ttl = await this.redis.ttl(limitKey).catch(() => this.config.loginWindowSeconds);
      throw new DomainError('RATE_LIMITED', `Too many failed sign-ins for this account from your address. Wait ${Math.max(1, Math.ceil(ttl / 60))} minute(s) and try again, or ask an admin to reset your password.`, {
        retryAfterSeconds: ttl,
      });
    }
    const user = await this.users.findOne({ where: { email } });
    this.dummyHash ??= AuthService.hashPassword(randomBytes(16).toString('hex'));
    const ok = await argon2.verify(user?.passwordHash ?? (await this.dummyHash), password).catch(() => false);
    if (!user || !ok || user.disabledAt) {
      await this.redis
        .multi()
        .incr(limitKey)
        .expire(limitKey, this.config.loginWindowSeconds)
        .exec()
        .catch(() => undefined);
      if (user?.disabledAt && ok) throw new DomainError('FORBIDDEN', 'This account is disabled. Ask an admin to enable it.');
      throw new DomainError('UNAUTHENTICATED', INVALID_CREDENTIALS);
    }
    await this.redis.del(limitKey).catch(() => undefined);
    await this.users.update(user.id, { lastLoginAt: new Date() });
    const expiresAt = new Date(Date.now() + this.config.sessionTtlHours * 3600 * 1000);
    const claims: SessionClaims = { sub: user.id, ver: user.tokenVersion, typ: 'session' };
    const token = jwt.sign(claims, this.sessionKey, { algorithm: 'HS256', expiresIn: this.config.sessionTtlHours * 3600, issuer: 'marquee' });
    return { token, user, expiresAt };
  }

  /** A new session for a user who just proved who they are (e.g. changed their password). */
  async issueSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const user = await this.users.findOneOrFail({ where: { id: userId } });
    this.userCache.delete(userId);
    const expiresAt = new Date(Date.now() + this.config.sessionTtlHours * 3600 * 1000);
    const claims: SessionClaims = { sub: user.id, ver: user.tokenVersion, typ: 'session' };
    return { token: jwt.sign(claims, this.sessionKey, { algorithm: 'HS256', expiresIn: this.config.sessionTtlHours * 3600, issuer: 'marquee' }), expiresAt };
  }

  /** Returns the principal for a session token, or throws UNAUTHENTICATED with no internal detail. */
  async principalFromToken(token: string): Promise<Principal> {
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
    return { kind: 'user', userId: user.id, role: user.role, email: user.email, displayName: user.displayName };
  }

  async principalFromApiKey(key: string): Promise<Principal> {
    const hash = AuthService.hashApiKey(key);
    const now = Date.now();
    let hit = this.keyCache.get(hash);
    if (!hit || now - hit.at > CACHE_MS) {
      hit = { at: now, key: await this.keys.findOne({ where: { keyHash: hash } }) };
      this.keyCache.set(hash, hit);
      if (this.keyCache.size > 10000) this.keyCache.clear();
      if (hit.key && !hit.key.revokedAt && (!hit.key.lastUsedAt || now - hit.key.lastUsedAt.getTime() > 60000)) {
        const id = hit.key.id;
        hit.key.lastUsedAt = new Date(now);
        this.keys.update({ id, revokedAt: IsNull() }, { lastUsedAt: new Date(now) }).catch((e) => this.logger.warn(`Could not record API key use: ${e.message}`));
      }
    }
    const k = hit.key;
    if (!k || !timingSafeEqual(Buffer.from(k.keyHash), Buffer.from(hash))) throw new UnauthenticatedError('This API key is not valid. Check the x-api-key header, or ask an admin for a key.');
    if (k.revokedAt) throw new UnauthenticatedError('This API key was revoked. Ask an admin for a new key.');
    return { kind: 'client', apiKeyId: k.id, name: k.name };
  }

  /** Drops cached lookups after a revoke or disable, so the change applies at once in this process. */
  forget(): void {
    this.userCache.clear();
    this.keyCache.clear();
  }

  private async cachedUser(id: string): Promise<UserEntity | null> {
    const now = Date.now();
    const hit = this.userCache.get(id);
    if (hit && now - hit.at < CACHE_MS) return hit.user;
    const user = await this.users.findOne({ where: { id } });
    this.userCache.set(id, { at: now, user });
    if (this.userCache.size > 10000) this.userCache.clear();
    return user;
  }
}
