import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Express, Request, Response } from 'express';
import { studioContentSecurityPolicy } from './security-headers';

/** Serves the built Studio (a single-page app) at /studio, with index.html for every client-side route, under its CSP. */
export function mountStudio(app: Express, publicUrl: string, dir = resolve(process.cwd(), 'dist/studio')): void {
  const index = join(dir, 'index.html');
  app.use('/studio', studioContentSecurityPolicy(publicUrl));
  app.get('/', (_req: Request, res: Response) => res.redirect(302, '/studio/'));
  if (!existsSync(index)) {
    app.use('/studio', (_req: Request, res: Response) => {
      res.status(503).type('text/plain').send('The Studio is not built. Run `npm run build` (or `npm start`, which builds it) and reload this page.');
    });
    return;
  }
  // Re-read index.html when a rebuild replaces it, so a running API never points at deleted asset files.
  let cached = { mtimeMs: 0, html: '' };
  const html = () => {
    const { mtimeMs } = statSync(index);
    if (mtimeMs !== cached.mtimeMs) cached = { mtimeMs, html: readFileSync(index, 'utf8') };
    return cached.html;
  };
  app.use('/studio', express.static(dir, { index: false, maxAge: '1h', immutable: false, fallthrough: true }));
  // A non-capturing group: a captured group is a route param, which the router percent-decodes, so a deep link with a
  // bad escape (/studio/%, /studio/content/%E0%A4%A) failed with a 400 JSON error instead of the Studio's not-found page.
  app.get(/^\/studio(?:\/.*)?$/, (_req: Request, res: Response) => {
    res.setHeader('cache-control', 'no-cache');
    res.type('html').send(html());
  });
}
