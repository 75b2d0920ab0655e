/**
 * What makes a URL a user typed fit to be stored and fetched later (item media, webhook endpoints), before any
 * address check: http(s), a port a server can listen on, and no user:password part.
 */
export type HttpUrlProblem = 'not-http' | 'port-0' | 'credentials';

/**
 * Null for a fetchable http(s) URL; otherwise what is wrong with it. The URL parser already refuses ports over 65535
 * but accepts port 0 (and 00…), which nothing can listen on. A user:password part is refused: fetch will not send it
 * (undici throws on a URL with credentials), and a stored one would be echoed to every editor and into logs.
 */
export function httpUrlProblem(raw: string): HttpUrlProblem | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'not-http';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'not-http';
  if (u.port === '0') return 'port-0';
  if (u.username || u.password) return 'credentials';
  return null;
}

// scheme://user[:password]@ — the userinfo ends at the first "@" before any "/", "?", "#" or whitespace.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/**
 * `text` with the user:password part of every URL in it replaced by "***": for log lines and stored error texts
 * that name a URL someone typed (or stored before such URLs were refused).
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(USERINFO, '$1***@');
}
