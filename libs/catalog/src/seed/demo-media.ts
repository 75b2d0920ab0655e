/**
 * The demo workspace's media, served by the API itself at `${PUBLIC_URL}/demo-media/...`. The controller and the
 * asset check share these rules, so the check can verify a demo URL in-process (no request to the API, which is on an
 * internal address in a local install) and still agree with what the controller would answer.
 */
export type DemoMediaKind = 'artwork' | 'audio';

/** The content type the controller serves for `file`, or null where it answers 404. */
export function demoMediaContentType(kind: DemoMediaKind, file: string): string | null {
  if (kind === 'artwork') return /^[a-z0-9-]{1,80}\.svg$/.test(file) || /^[a-z0-9-]{1,80}$/.test(file) ? 'image/svg+xml' : null;
  return /^[a-z0-9-]{1,80}\.wav$/.test(file) ? 'audio/wav' : null;
}

/**
 * For a URL under this install's own `/demo-media/`: what the controller would serve (null for a 404). Undefined for
 * any other URL, which the asset check fetches as usual. Only the origin of PUBLIC_URL counts, where the loopback
 * names are one: with the default PUBLIC_URL (http://localhost:PORT), a client that writes http://127.0.0.1:PORT/demo-media/…
 * names the same install's media (the audience harness does), and refusing it as an internal address would block the launch.
 */
export function ownDemoMedia(url: string, publicUrl: string): { contentType: string | null } | undefined {
  let u: URL;
  let base: URL;
  try {
    u = new URL(url);
    base = new URL(publicUrl);
  } catch {
    return undefined;
  }
  if (u.username || u.password || !sameOrigin(u, base)) return undefined;
  const root = `${base.pathname.replace(/\/$/, '')}/demo-media/`;
  if (!u.pathname.startsWith(root)) return undefined;
  const [kind, file, ...rest] = u.pathname.slice(root.length).split('/');
  if (rest.length || (kind !== 'artwork' && kind !== 'audio')) return { contentType: null };
  let name: string;
  try {
    name = decodeURIComponent(file ?? '');
  } catch {
    return { contentType: null };
  }
  return { contentType: demoMediaContentType(kind, name) };
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

function sameOrigin(u: URL, base: URL): boolean {
  if (u.origin === base.origin) return true;
  return u.protocol === base.protocol && u.port === base.port && LOOPBACK_NAMES.has(u.hostname) && LOOPBACK_NAMES.has(base.hostname);
}
