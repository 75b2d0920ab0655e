import type { Credentials } from '../support/stack';

export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown> & { code?: string };
}

/** One HTTP exchange as the attacker saw it, with the server's own time from `server-timing: app;dur=<ms>`. */
export interface Answer {
  status: number; // 0: no answer (connection refused, reset or timed out)
  networkError?: string;
  timedOut?: boolean;
  body: { data?: Record<string, unknown> | null; errors?: GqlError[] } | null;
  text: string;
  serverMs: number | null;
  clientMs: number;
  headers: Headers | null;
  bytesSent: number;
}

export function serverTimingMs(h: string | null): number | null {
  if (!h) return null;
  for (const part of h.split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (name.trim() !== 'app') continue;
    for (const p of params) {
      const m = /^\s*dur=([0-9.]+)\s*$/.exec(p);
      if (m) return Number(m[1]);
    }
  }
  return null;
}

export function authHeaders(creds: Credentials): Record<string, string> {
  const h: Record<string, string> = {};
  if (creds?.token) h.authorization = `Bearer ${creds.token}`;
  if (creds?.apiKey) h['x-api-key'] = creds.apiKey;
  if (creds?.cookie) h.cookie = creds.cookie;
  return h;
}

/** POST /graphql (or any path) with a raw body; never throws for the server's behaviour. */
export async function send(
  base: string,
  opts: { body: string; creds?: Credentials; contentType?: string; headers?: Record<string, string>; timeoutMs?: number; path?: string; method?: string },
): Promise<Answer> {
  const started = performance.now();
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json', ...authHeaders(opts.creds), ...(opts.headers ?? {}) };
  const bytesSent = Buffer.byteLength(opts.body);
  try {
    const res = await fetch(`${base}${opts.path ?? '/graphql'}`, {
      method: opts.method ?? 'POST',
      headers,
      body: opts.method === 'GET' ? undefined : opts.body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10000),
    });
    const text = await res.text();
    let body: Answer['body'] = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return {
      status: res.status,
      body,
      text,
      serverMs: serverTimingMs(res.headers.get('server-timing')),
      clientMs: performance.now() - started,
      headers: res.headers,
      bytesSent,
    };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
    return {
      status: 0,
      networkError: timedOut ? 'timeout' : (err.cause?.code ?? err.message),
      timedOut,
      body: null,
      text: '',
      serverMs: null,
      clientMs: performance.now() - started,
      headers: null,
      bytesSent,
    };
  }
}

export function gqlSend(base: string, query: string, variables: Record<string, unknown> = {}, creds?: Credentials, timeoutMs = 10000): Promise<Answer> {
  return send(base, { body: JSON.stringify({ query, variables }), creds, timeoutMs });
}

export function codesOf(a: Answer): string[] {
  return (a.body?.errors ?? []).map((e) => String(e.extensions?.code ?? '(no code)'));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
