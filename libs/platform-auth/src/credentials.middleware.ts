import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { isDomainError } from '@marquee/platform-core';
import { AuthService, SESSION_IDLE_REASON } from './auth.service';
import { ANONYMOUS, Principal } from './principal';

export const SESSION_COOKIE = 'marquee_session';

export type AuthedRequest = Request & { principal?: Principal; requestId?: string; cookies?: Record<string, string> };

/** A request refused for its credentials: the status, the Retry-After seconds if any, and the JSON body. */
export interface CredentialRefusal {
  status: number;
  retryAfter: number | null;
  body: { errors: { message: string; extensions: Record<string, unknown> }[] };
}

/**
 * Resolves the caller once per HTTP request. An explicit credential that is bad (a forged or expired bearer token,
 * an unknown or revoked API key) ends the request with 401. A key that cannot be checked now (never seen by this
 * process while PostgreSQL is down) ends it with 503 UNAVAILABLE and Retry-After. A stale cookie just makes the
 * caller anonymous, so the sign-in page still works.
 *
 * `resolve` and `refusal` take plain headers, so the client fast path (apps/api/src/client-path.ts) decides the same
 * way for the requests it answers (those with an API key or a bearer token, never a cookie).
 */
@Injectable()
export class CredentialsMiddleware implements NestMiddleware {
  constructor(private readonly auth: AuthService) {}

  async use(req: AuthedRequest, res: Response, next: NextFunction): Promise<void> {
    req.principal = ANONYMOUS;
    try {
      req.principal = await this.resolve(req.headers, req.cookies, () => res.clearCookie(SESSION_COOKIE, { path: '/' }));
      next();
    } catch (e) {
      const refusal = this.refusal(e, req.requestId);
      if (!refusal) return next(e);
      if (refusal.retryAfter !== null) res.setHeader('Retry-After', String(refusal.retryAfter));
      res.status(refusal.status).json(refusal.body);
    }
  }

  /** The principal these credentials name. Throws a domain error (or a coded Error) when they are bad. */
  async resolve(headers: IncomingHttpHeaders, cookies: Record<string, string> | undefined, clearSessionCookie: () => void): Promise<Principal> {
    const apiKey = headers['x-api-key'];
    const authz = headers.authorization;
    if (typeof apiKey === 'string' && apiKey) return this.auth.principalFromApiKey(apiKey.trim());
    if (authz) {
      const m = /^Bearer\s+(\S+)$/i.exec(authz);
      if (!m) throw Object.assign(new Error('Authorization header must be "Bearer <token>".'), { code: 'UNAUTHENTICATED' });
      return this.auth.principalFromToken(m[1]);
    }
    if (cookies?.[SESSION_COOKIE]) {
      try {
        return await this.auth.principalFromToken(cookies[SESSION_COOKIE]);
      } catch (e) {
        if (!isDomainError(e) || e.code !== 'UNAUTHENTICATED') throw e;
        clearSessionCookie();
        // Anonymous (the sign-in page still works), but an operation that needs a session says why it ended.
        if (e.details.reason === SESSION_IDLE_REASON) return { kind: 'anonymous', endedSession: { message: e.message, details: e.details } };
      }
    }
    return ANONYMOUS;
  }

  /** How a failure of `resolve` is answered, or null when it is not a credentials matter (an internal fault). */
  refusal(e: unknown, requestId: string | undefined): CredentialRefusal | null {
    if (isDomainError(e) && e.code !== 'UNAUTHENTICATED') {
      // The credential could not be checked now (UNAVAILABLE while PostgreSQL is down): say so, with when to retry.
      const retryAfter = e.details.retryAfter;
      return {
        status: e.httpStatus,
        retryAfter: typeof retryAfter === 'number' ? retryAfter : null,
        body: { errors: [{ message: e.message, extensions: { code: e.code, ...e.details, requestId } }] },
      };
    }
    const known = isDomainError(e) || (e as { code?: string }).code === 'UNAUTHENTICATED';
    if (!known) return null;
    const details = isDomainError(e) ? e.details : {};
    return {
      status: 401,
      retryAfter: null,
      body: { errors: [{ message: (e as Error).message, extensions: { code: 'UNAUTHENTICATED', ...details, requestId } }] },
    };
  }
}
