import type { LoggerService } from '@nestjs/common';
import type { RequestHandler } from 'express';

/** Says once, when a request names a client in x-forwarded-for from a peer not in TRUSTED_PROXIES, that it was ignored. */
export function untrustedForwardingNotice(logger: LoggerService): RequestHandler {
  let told = false;
  return (req, _res, next) => {
    if (!told && req.headers['x-forwarded-for'] && req.ip === req.socket.remoteAddress) {
      told = true;
      logger.warn(
        `Ignored x-forwarded-for from ${req.socket.remoteAddress}: it is not in TRUSTED_PROXIES, so limits count that peer's address. If it is your proxy, add it to TRUSTED_PROXIES.`,
        'Marquee API',
      );
    }
    next();
  };
}
