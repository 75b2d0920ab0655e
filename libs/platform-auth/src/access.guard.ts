import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { DomainError } from '@marquee/platform-core';

/** Marks errors raised by the access rule itself, as opposed to a handler's own auth errors (a wrong password). */
const DENIED = { accessDenied: true };
import { ALLOW_METADATA } from './allow.decorator';
import type { AuthedRequest } from './credentials.middleware';
import { ANONYMOUS, Audience, Principal } from './principal';

export function requestFromContext(ctx: ExecutionContext): AuthedRequest {
  if (ctx.getType<GqlContextType>() === 'graphql') return GqlExecutionContext.create(ctx).getContext<{ req: AuthedRequest }>().req;
  return ctx.switchToHttp().getRequest<AuthedRequest>();
}

function admits(audience: readonly Audience[], p: Principal): boolean {
  if (audience.includes('anonymous')) return true;
  if (p.kind === 'user') return audience.includes(p.role);
  if (p.kind === 'client') return audience.includes('client');
  return false;
}

/** The one place access is decided, for queries, mutations, field resolvers and HTTP routes alike. Fails closed. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const audience = this.reflector.getAllAndOverride<Audience[] | undefined>(ALLOW_METADATA, [ctx.getHandler(), ctx.getClass()]);
    const req = requestFromContext(ctx);
    const principal = req?.principal ?? ANONYMOUS;
    if (!audience) {
      throw new DomainError(
        'FORBIDDEN',
        `${ctx.getClass().name}.${ctx.getHandler().name} declares no access rule, so it is closed to everyone. Add @Allow(...) to it.`,
        DENIED,
      );
    }
    if (admits(audience, principal)) return true;
    if (principal.kind === 'anonymous') {
      // A session cookie refused for being unused: say so, rather than "sign in first".
      if (principal.endedSession) throw new DomainError('UNAUTHENTICATED', principal.endedSession.message, { ...DENIED, ...principal.endedSession.details });
      throw new DomainError('UNAUTHENTICATED', 'Sign in first: this needs a Studio session or an API key.', DENIED);
    }
    if (principal.kind === 'client') {
      throw new DomainError(
        'FORBIDDEN',
        'API keys can only call the client operations (feed, editorialFeed, trackEvents). Use a Studio account for anything else.',
        DENIED,
      );
    }
    const roles = audience.filter((a) => a !== 'client' && a !== 'anonymous');
    throw new DomainError(
      'FORBIDDEN',
      roles.length
        ? `This needs the ${roles.join(' or ')} role, and you are signed in as ${principal.role}. Ask an admin if you need it.`
        : 'Only client apps with an API key can call this.',
      DENIED,
    );
  }
}
