import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Express, Request, Response } from 'express';
import { studioContentSecurityPolicy } from './security-headers';

/**
 * Whether a path under /studio names a file rather than a client-side route: anything under /studio/assets/ (Vite's
 * build output), and any path whose last segment has a file extension other than .html/.htm. Such a path that
 * express.static did not find is a missing file, and answering it with index.html (200, text/html) made a browser run
 * or style with an HTML page, or a cache keep it as that asset. Matched on the raw path, so a bad escape cannot throw.
 */
export function isStudioFilePath(path: string): boolean {
  if (/^\/studio\/assets(?:\/|$)/i.test(path)) return true;
  const last = path.slice(path.lastIndexOf('/') + 1);
  const ext = /\.([A-Za-z0-9]{1,10})$/.exec(last);
  return !!ext && !/^html?$/i.test(ext[1]);
}

const MISSING_FILE =
  'Not found: the Studio has no such file. If the Studio was updated while this page was open, reload the page; otherwise check the address.';

/**
 * Serves the built Studio (a single-page app) at /studio, with index.html for every client-side route, under its CSP.
 * A missing file (see isStudioFilePath) is a short plain-text 404 instead.
 */
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
  app.get(/^\/studio(?:\/.*)?$/, (req: Request, res: Response) => {
    res.setHeader('cache-control', 'no-cache');
    if (isStudioFilePath(req.path)) {
      res.status(404).type('text/plain').send(MISSING_FILE);
      return;
    }
    res.type('html').send(html());
  });
}
