import { Inject } from '@nestjs/common';
import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';
import { AccessRulesService, Allow, AuthService, CurrentPrincipal, Principal, SESSION_COOKIE, Who } from '@marquee/platform-auth';
import { DomainError, UnauthenticatedError } from '@marquee/platform-core';
import { actorOf } from '@marquee/audit';
import { AccountsService } from './accounts.service';
import { AccessRuleGql, ApiKeyGql, CreatedApiKey, CreatedUser, CreateUserInput, Session, UpdateUserInput, UserGql } from './accounts.types';

@Resolver()
export class AccountsResolver {
  constructor(
    private readonly accounts: AccountsService,
    private readonly auth: AuthService,
    private readonly rules: AccessRulesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Mutation(() => Session, { description: 'Signs in. Sets the httpOnly session cookie for the Studio and returns a bearer token for API use.' })
  @Allow('anonymous')
  async login(@Args('email') email: string, @Args('password') password: string, @Context() ctx: { req: Request; res: Response }): Promise<Session> {
    const { token, user, expiresAt } = await this.auth.login(email, password, ctx.req.ip ?? 'unknown');
    this.setCookie(ctx.res, token, expiresAt);
    return { user: user as UserGql, token, expiresAt };
  }

  @Mutation(() => Boolean, {
    description:
      "Ends the calling session (the bearer token's, else the Studio cookie's) on every API process, and clears the cookie. Other sessions of the same user go on.",
  })
  @Allow('anonymous')
  async logout(@Context() ctx: { req: Request & { cookies?: Record<string, string> }; res: Response }): Promise<boolean> {
    // The credential the request was signed in with (CredentialsMiddleware's order): an API key is no session.
    const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '')?.[1];
    const token = ctx.req.headers['x-api-key'] ? undefined : (bearer ?? ctx.req.cookies?.[SESSION_COOKIE]);
    // The browser lets go of the cookie even if ending the session fails below (UNAVAILABLE: the caller retries).
    ctx.res.clearCookie(SESSION_COOKIE, { path: '/' });
    // Before, only the cookie was cleared: the token itself, copied or kept anywhere, stayed valid until it expired.
    if (token) await this.auth.endSession(token);
    return true;
  }

  @Query(() => UserGql, {
    nullable: true,
    description:
      'The signed-in Studio user, or null. UNAUTHENTICATED (extension reason SESSION_IDLE) when the session cookie sent ended for being unused, so the Studio can say why.',
  })
  @Allow('anonymous')
  async me(@CurrentPrincipal() p: Principal): Promise<UserGql | null> {
    if (p.kind === 'anonymous' && p.endedSession) throw new DomainError('UNAUTHENTICATED', p.endedSession.message, p.endedSession.details);
    if (p.kind !== 'user') return null;
    return (await this.accounts.getUser(p.userId)) as UserGql;
  }

  @Mutation(() => Boolean, {
    description:
      'Changes your own password and ends every session of yours, bearer tokens included (the one that called too). The Studio browser that called gets a fresh session cookie and stays signed in; an API client that called with a bearer token signs in again with the new password. If another change won meanwhile, answers CONFLICT and changes nothing.',
  })
  @Allow(...Who.staff)
  async changePassword(
    @CurrentPrincipal() p: Principal,
    @Args('currentPassword') current: string,
    @Args('newPassword') next: string,
    @Context() ctx: { req: Request; res: Response },
  ): Promise<boolean> {
    if (p.kind !== 'user') throw new UnauthenticatedError();
    const { token, expiresAt } = await this.accounts.changeOwnPassword(actorOf(p), p.userId, current, next, ctx.req.ip ?? 'unknown');
    this.setCookie(ctx.res, token, expiresAt);
    return true;
  }

  private setCookie(res: Response, token: string, expiresAt: Date): void {
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: this.config.publicUrl.startsWith('https:'), path: '/', expires: expiresAt });
  }

  @Query(() => [UserGql])
  @Allow(...Who.admins)
  async users(): Promise<UserGql[]> {
    return (await this.accounts.listUsers()) as UserGql[];
  }

  @Mutation(() => CreatedUser)
  @Allow(...Who.admins)
  async createUser(@CurrentPrincipal() p: Principal, @Args('input') input: CreateUserInput): Promise<CreatedUser> {
    const r = await this.accounts.createUser(actorOf(p), input);
    return { user: r.user as UserGql, temporaryPassword: r.temporaryPassword };
  }

  @Mutation(() => UserGql)
  @Allow(...Who.admins)
  async updateUser(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateUserInput): Promise<UserGql> {
    return (await this.accounts.updateUser(actorOf(p), id, input)) as UserGql;
  }

  @Mutation(() => UserGql, { description: 'Disables or re-enables an account; disabling ends its sessions at once.' })
  @Allow(...Who.admins)
  async setUserDisabled(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string, @Args('disabled') disabled: boolean): Promise<UserGql> {
    return (await this.accounts.setDisabled(actorOf(p), id, disabled)) as UserGql;
  }

  @Mutation(() => String, { description: "Sets a new generated password (returned once) and ends the user's sessions." })
  @Allow(...Who.admins)
  resetUserPassword(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string): Promise<string> {
    return this.accounts.resetPassword(actorOf(p), id);
  }

  @Query(() => [ApiKeyGql])
  @Allow(...Who.admins)
  async apiKeys(): Promise<ApiKeyGql[]> {
    return this.accounts.listApiKeys();
  }

  @Mutation(() => CreatedApiKey, { description: 'Creates a client API key. The secret is in this response only.' })
  @Allow(...Who.admins)
  createApiKey(@CurrentPrincipal() p: Principal, @Args('name') name: string): Promise<CreatedApiKey> {
    return this.accounts.createApiKey(actorOf(p), name);
  }

  @Mutation(() => ApiKeyGql, { description: 'Revokes a key; calls with it fail with 401 within seconds on every API process.' })
  @Allow(...Who.admins)
  revokeApiKey(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string): Promise<ApiKeyGql> {
    return this.accounts.revokeApiKey(actorOf(p), id);
  }

  @Query(() => [AccessRuleGql], { description: 'Who may call each query and mutation.' })
  @Allow(...Who.admins)
  accessRules(): AccessRuleGql[] {
    return this.rules.rules();
  }
}
