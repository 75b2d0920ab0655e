import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { isDomainError } from '@marquee/platform-core';
import { AuthService } from './auth.service';
import { ANONYMOUS, Principal } from './principal';

export const SESSION_COOKIE = 'marquee_session';

export type AuthedRequest = Request & { principal?: Principal; requestId?: string; cookies?: Record<string, string> };

/**
 * Resolves the caller once per HTTP request. An explicit credential that is bad (a forged or expired bearer token,
 * an unknown or revoked API key) ends the request with 401. A key that cannot be checked now (never seen by this
 * process while PostgreSQL is down) ends it with 503 UNAVAILABLE and Retry-After. A stale cookie just makes the
 * caller anonymous, so the sign-in page still works.
 */
@Injectable()
export class CredentialsMiddleware implements NestMiddleware {
  constructor(private readonly auth: AuthService) {}

  async use(req: AuthedRequest, res: Response, next: NextFunction): Promise<void> {
    req.principal = ANONYMOUS;
    try {
      const apiKey = req.header('x-api-key');
      const authz = req.header('authorization');
      if (apiKey) {
        req.principal = await this.auth.principalFromApiKey(apiKey.trim());
      } else if (authz) {
        const m = /^Bearer\s+(\S+)$/i.exec(authz);
        if (!m) throw Object.assign(new Error('Authorization header must be "Bearer <token>".'), { code: 'UNAUTHENTICATED' });
        req.principal = await this.auth.principalFromToken(m[1]);
      } else if (req.cookies?.[SESSION_COOKIE]) {
        try {
          req.principal = await this.auth.principalFromToken(req.cookies[SESSION_COOKIE]);
        } catch (e) {
          if (!isDomainError(e) || e.code !== 'UNAUTHENTICATED') throw e;
          res.clearCookie(SESSION_COOKIE, { path: '/' });
        }
      }
      next();
    } catch (e) {
      if (isDomainError(e) && e.code !== 'UNAUTHENTICATED') {
        // The credential could not be checked now (UNAVAILABLE while PostgreSQL is down): say so, with when to retry.
        const retryAfter = e.details.retryAfter;
        if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
        res.status(e.httpStatus).json({ errors: [{ message: e.message, extensions: { code: e.code, ...e.details, requestId: req.requestId } }] });
        return;
      }
      const known = isDomainError(e) || (e as { code?: string }).code === 'UNAUTHENTICATED';
      if (!known) return next(e);
      res.status(401).json({
        errors: [{ message: (e as Error).message, extensions: { code: 'UNAUTHENTICATED', requestId: req.requestId } }],
      });
    }
  }
}
