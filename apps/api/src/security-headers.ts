import type { RequestHandler } from 'express';
import helmet from 'helmet';

const isHttps = (publicUrl: string) => new URL(publicUrl).protocol === 'https:';

/**
 * Headers on every response: no MIME sniffing, never framed (X-Frame-Options for old browsers; the Studio's CSP says
 * frame-ancestors 'none' too), no referrer to other sites, and HSTS when Marquee is served over https.
 * Cross-Origin-Resource-Policy stays off: client apps on other origins load the demo media and call the API.
 */
export function securityHeaders(publicUrl: string): RequestHandler {
  return helmet({
    contentSecurityPolicy: false,
    crossOriginResourcePolicy: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: isHttps(publicUrl) ? { maxAge: 180 * 24 * 3600 } : false,
  });
}

/**
 * The Studio's Content-Security-Policy. The Vite build has no inline script or style (React sets styles through the
 * CSSOM, which CSP allows), so neither 'unsafe-inline' nor 'unsafe-eval' is needed. Media previews may come from any
 * CDN an editor uses, hence img-src and media-src over http(s); scripts, styles and API calls only from Marquee.
 */
export function studioContentSecurityPolicy(publicUrl: string): RequestHandler {
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:', 'https:', 'http:'],
      mediaSrc: ["'self'", 'blob:', 'https:', 'http:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      // Only over https: on a plain-http install it would rewrite the Studio's own requests to https and break them.
      ...(isHttps(publicUrl) ? { upgradeInsecureRequests: [] } : {}),
    },
  });
}
