import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, AuditService } from '@marquee/audit';
import { ApiKeyEntity, AuthService, Role, ROLES, UserEntity, normalizeEmail } from '@marquee/platform-auth';
import { ConflictError, DomainError, InputError, NotFoundError, assertId, isUuid, Clock, nameProblem, quoteInput } from '@marquee/platform-core';

/**
 * A sign-in address: a local part, then a domain of dot-separated labels (letters in any script, digits, inner
 * hyphens) with at least one dot and no trailing one. "a@b" reached nobody, and "x@example.com." was a second account
 * beside "x@example.com" for the same mailbox.
 */
const EMAIL = /^[^@\s]{1,64}@(?=[^@\s]{1,253}$)(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

function publicUser(u: UserEntity) {
  return { id: u.id, email: u.email, displayName: u.displayName, role: u.role, disabledAt: u.disabledAt };
}

function generatePassword(): string {
  // 16 characters from an unambiguous alphabet: easy to read aloud, ~93 bits.
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}

@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  listUsers(): Promise<UserEntity[]> {
    return this.db.getRepository(UserEntity).find({ order: { createdAt: 'ASC' } });
  }

  async getUser(id: string): Promise<UserEntity> {
    assertId('user', id);
    const u = await this.db.getRepository(UserEntity).findOne({ where: { id } });
    if (!u) throw new NotFoundError('user', id);
    return u;
  }

  async createUser(
    actor: Actor,
    input: { email: string; displayName: string; role: Role; password?: string | null },
    tx?: EntityManager,
  ): Promise<{ user: UserEntity; temporaryPassword: string | null }> {
    const email = normalizeEmail(input.email);
    const problems = [];
    if (!EMAIL.test(email)) problems.push({ field: 'email', message: `${quoteInput(input.email)} is not an email address` });
    const displayName = input.displayName.trim();
    if (!displayName || displayName.length > 80) problems.push({ field: 'displayName', message: 'must be 1 to 80 characters' });
    else if (nameProblem(displayName)) problems.push({ field: 'displayName', message: nameProblem(displayName)! });
    if (!ROLES.includes(input.role)) problems.push({ field: 'role', message: `must be one of ${ROLES.join(', ')}` });
    if (input.password && input.password.length < 12) problems.push({ field: 'password', message: 'must be at least 12 characters' });
    if (problems.length) throw new InputError(`The account was not created: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, problems);
    const temporaryPassword = input.password ? null : generatePassword();
    const passwordHash = await AuthService.hashPassword(input.password || temporaryPassword!);
    const run = async (m: EntityManager) => {
      if (await m.findOne(UserEntity, { where: { email } })) {
        throw new ConflictError(`An account for ${email} already exists. Use it, or choose another email.`, {
          problems: [{ field: 'email', message: 'is taken' }],
        });
      }
      const user = await m.save(
        UserEntity,
        m.create(UserEntity, { email, displayName, role: input.role, passwordHash, createdBy: isUuid(actor.id) ? actor.id : null }),
      );
      await this.audit.record(m, actor, {
        action: 'user.created',
        entityType: 'user',
        entityId: user.id,
        after: publicUser(user),
        summary: `Created ${input.role} ${email}`,
      });
      return user;
    };
    const user = tx ? await run(tx) : await this.db.transaction(run);
    return { user, temporaryPassword };
  }

  async updateUser(actor: Actor, id: string, input: { displayName?: string | null; role?: Role | null }): Promise<UserEntity> {
    await this.getUser(id);
    let changed = false;
    const saved = await this.db.transaction(async (m) => {
      // Read under a row lock: parallel updates apply one after another, each to what the last one left.
      const user = await this.lockedUser(m, id);
      const before = publicUser(user);
      if (input.displayName !== undefined && input.displayName !== null) {
        const d = input.displayName.trim();
        if (!d || d.length > 80)
          throw new InputError('displayName must be 1 to 80 characters.', [{ field: 'displayName', message: 'must be 1 to 80 characters' }]);
        const bad = nameProblem(d);
        if (bad) throw new InputError(`The user was not changed: the display name ${bad}.`, [{ field: 'displayName', message: bad }]);
        user.displayName = d;
      }
      if (input.role && input.role !== user.role) {
        if (user.role === 'admin') await this.assertAnotherAdmin(m, user.id, 'change the role of');
        user.role = input.role;
      }
      // Nothing to change (a repeat of an update already applied): no write, no audit entry.
      if (JSON.stringify(publicUser(user)) === JSON.stringify(before)) return user;
      changed = true;
      await m.save(UserEntity, user);
      await this.audit.record(m, actor, {
        action: 'user.updated',
        entityType: 'user',
        entityId: id,
        before,
        after: publicUser(user),
        summary: `Updated ${user.email}`,
      });
      return user;
    });
    // After the commit: every API process drops its cached copy, and must not read the old row again.
    if (changed) await this.auth.forget();
    return saved;
  }

  async setDisabled(actor: Actor, id: string, disabled: boolean): Promise<UserEntity> {
    await this.getUser(id);
    if (actor.id === id && disabled) throw new DomainError('FORBIDDEN', 'You cannot disable your own account. Ask another admin.');
    let changed = false;
    const saved = await this.db.transaction(async (m) => {
      const user = await this.lockedUser(m, id);
      // Already so (a repeat, or the loser of a parallel pair): nothing to write, and one audit entry in all.
      if ((user.disabledAt !== null) === disabled) return user;
      changed = true;
      if (disabled && user.role === 'admin') await this.assertAnotherAdmin(m, id, 'disable');
      const before = publicUser(user);
      user.disabledAt = disabled ? this.clock.now() : null;
      user.tokenVersion += 1; // ends every open session of this user
      await m.save(UserEntity, user);
      await this.audit.record(m, actor, {
        action: disabled ? 'user.disabled' : 'user.enabled',
        entityType: 'user',
        entityId: id,
        before,
        after: publicUser(user),
        summary: `${disabled ? 'Disabled' : 'Enabled'} ${user.email}`,
      });
      return user;
    });
    if (changed) await this.auth.forget(); // after the commit, as above
    return saved;
  }

  async resetPassword(actor: Actor, id: string): Promise<string> {
    await this.getUser(id);
    const password = generatePassword();
    const passwordHash = await AuthService.hashPassword(password);
    await this.db.transaction(async (m) => {
      // The token version is bumped from the row as locked, so two resets at once end sessions twice, not once.
      const user = await this.lockedUser(m, id);
      await m.update(UserEntity, { id }, { passwordHash, tokenVersion: user.tokenVersion + 1 });
      await this.audit.record(m, actor, { action: 'user.password_reset', entityType: 'user', entityId: id, summary: `Reset the password of ${user.email}` });
    });
    await this.auth.forget();
    return password;
  }

  /** The user's row, locked until the transaction ends (its existence was checked before the transaction began). */
  private async lockedUser(m: EntityManager, id: string): Promise<UserEntity> {
    const user = await m.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!user) throw new NotFoundError('user', id);
    return user;
  }

  /**
   * Changes the user's own password, ending every session of theirs (the one that called too: its token carries the
   * old token version), and returns a fresh session for the caller's browser cookie.
   *
   * Concurrent calls are serialised on the user row: the current password is checked against the stored hash before
   * the (slow) new hash is made, and inside the row lock the hash must still be the one that was checked, so exactly
   * one change wins and the others get CONFLICT. Before, five parallel calls all said true, wrote five audit entries,
   * and only the last one's password worked.
   */
  async changeOwnPassword(actor: Actor, userId: string, current: string, next: string, address: string): Promise<{ token: string; expiresAt: Date }> {
    const user = await this.getUser(userId);
    // Under the sign-in limits: before, a session could try current passwords without end (40 in a row all answered).
    if (!(await this.auth.verifyCurrentPassword(user, current, address))) {
      throw new InputError('Your current password is wrong.', [{ field: 'currentPassword', message: 'is wrong' }]);
    }
    if (next.length < 12)
      throw new InputError('The new password must be at least 12 characters.', [{ field: 'newPassword', message: 'must be at least 12 characters' }]);
    const passwordHash = await AuthService.hashPassword(next);
    await this.db.transaction(async (m) => {
      const locked = await m.findOne(UserEntity, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      if (!locked || locked.passwordHash !== user.passwordHash || locked.tokenVersion !== user.tokenVersion) {
        throw new ConflictError(
          'Your password was changed meanwhile (by another request, or reset by an admin), so this change was not made. Sign in with the password now in effect, then change it again if you still want to.',
          { problems: [{ field: 'currentPassword', message: 'is no longer the current password' }] },
        );
      }
      await m.update(UserEntity, { id: userId }, { passwordHash, tokenVersion: locked.tokenVersion + 1 });
      await this.audit.record(m, actor, {
        action: 'user.password_changed',
        entityType: 'user',
        entityId: userId,
        summary: `${user.email} changed their password`,
      });
    });
    await this.auth.forget();
    return this.auth.issueSession(userId);
  }

  listApiKeys(): Promise<ApiKeyEntity[]> {
    return this.db.getRepository(ApiKeyEntity).find({ order: { createdAt: 'DESC' } });
  }

  async createApiKey(actor: Actor, nameRaw: string, tx?: EntityManager): Promise<{ apiKey: ApiKeyEntity; secret: string }> {
    const name = nameRaw.trim();
    if (!name || name.length > 80)
      throw new InputError('Give the key a name of 1 to 80 characters, e.g. "iOS app".', [{ field: 'name', message: 'must be 1 to 80 characters' }]);
    const bad = nameProblem(name);
    if (bad) throw new InputError(`The API key was not created: its name ${bad}.`, [{ field: 'name', message: bad }]);
    const { key, prefix, hash } = AuthService.generateApiKey();
    const run = async (m: EntityManager) => {
      const apiKey = await m.save(ApiKeyEntity, m.create(ApiKeyEntity, { name, prefix, keyHash: hash, createdBy: isUuid(actor.id) ? actor.id : null }));
      await this.audit.record(m, actor, {
        action: 'api_key.created',
        entityType: 'api_key',
        entityId: apiKey.id,
        after: { name, prefix },
        summary: `Created API key "${name}" (${prefix}…)`,
      });
      return apiKey;
    };
    const apiKey = tx ? await run(tx) : await this.db.transaction(run);
    return { apiKey, secret: key };
  }

  async revokeApiKey(actor: Actor, id: string): Promise<ApiKeyEntity> {
    assertId('API key', id);
    const key = await this.db.transaction(async (m) => {
      const key = await m.findOne(ApiKeyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!key) throw new NotFoundError('API key', id);
      if (key.revokedAt) return key;
      key.revokedAt = this.clock.now();
      key.revokedBy = isUuid(actor.id) ? actor.id : null;
      await m.save(ApiKeyEntity, key);
      await this.audit.record(m, actor, {
        action: 'api_key.revoked',
        entityType: 'api_key',
        entityId: id,
        summary: `Revoked API key "${key.name}" (${key.prefix}…)`,
      });
      return key;
    });
    // After the commit: every API process refuses the key from now on (announced again if it was already revoked).
    await this.auth.apiKeyRevoked(key.id);
    return key;
  }

  private async assertAnotherAdmin(m: EntityManager, exceptId: string, verb: string): Promise<void> {
    const others = await m.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1`, [exceptId]);
    if (others[0].n === 0) throw new ConflictError(`You cannot ${verb} the last active admin. Make someone else an admin first.`);
  }
}
