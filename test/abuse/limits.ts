import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Credentials } from '../support/stack';
import { ROOT } from '../support/stack';
import { Answer, codesOf, gqlSend, send, sleep } from './http';
import { Report, say } from './report';
import { AbuseStack } from './stack';

/**
 * Limits: a trackEvents flood and a feed flood with one key are cut at the documented rate (429 RATE_LIMITED with
 * retryAfter and a Retry-After header), sign-in guessing is cut and stays cut after a Redis flush and behind a
 * spoofed x-forwarded-for, and a tracking token minted for key A is refused with key B.
 *
 * The documented settings are read from the compiled CONFIG_VARIABLES (what `loadConfig` and the README table
 * agree on): RATE_LIMIT_* names that mention events/track or feed, and LOGIN_MAX_ATTEMPTS.
 */
interface ConfigVariable {
  name: string;
  default: string;
  description: string;
}

export interface DocumentedLimit {
  name: string;
  /** The variable's value: requests or events per `per` seconds. */
  count: number;
  per: number;
  /** The window the limiter counts over (a burst up to rate x window may pass at once). */
  windowSeconds: number;
  counts: 'events' | 'requests';
  source: 'default' | 'set by the suite';
}

function configVariables(): ConfigVariable[] {
  // The compiled config the processes under test load (npm run build:server).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(resolve(ROOT, 'dist/libs/platform-config/src/config.js')).CONFIG_VARIABLES as ConfigVariable[];
}

/** Seconds the count is per, and the window it is counted over (RATE_LIMIT_WINDOW_SECONDS or a sibling *_WINDOW_SECONDS). */
function unitOf(v: ConfigVariable, all: ConfigVariable[]): { per: number; window: number } | null {
  const n = v.name;
  const family = n.replace(/_(PER_[A-Z]+|MAX|LIMIT|COUNT|REQUESTS|EVENTS)$/, '');
  const windowVar = all.find((x) => x !== v && /WINDOW/.test(x.name) && (x.name.startsWith(family) || x.name === 'RATE_LIMIT_WINDOW_SECONDS'));
  const windowDefault = windowVar && Number.isFinite(Number(windowVar.default)) ? Number(windowVar.default) : null;
  let per: number | null = null;
  if (/PER_(SECOND|SEC)$/.test(n) || /per second/i.test(v.description)) per = 1;
  else if (/PER_(MINUTE|MIN)$/.test(n) || /per minute|a minute/i.test(v.description)) per = 60;
  else if (/PER_HOUR$/.test(n) || /per hour|an hour/i.test(v.description)) per = 3600;
  else if (windowDefault) per = windowDefault; // "N per window"
  if (per === null) return null;
  return { per, window: Math.max(per, windowDefault ?? per) };
}

/** The documented limits for one kind of traffic, lowest rate first (per key and per address both apply to a flood). */
export function documentedLimits(kind: 'events' | 'feed'): { found: DocumentedLimit[]; variables: string[] } {
  const all = configVariables();
  const match = kind === 'events' ? /EVENT|TRACK/ : /FEED/;
  const candidates = all.filter((v) => /RATE_LIMIT|RATELIMIT/.test(v.name) && match.test(v.name) && !/WINDOW/.test(v.name));
  const found: DocumentedLimit[] = [];
  for (const v of candidates) {
    const count = Number(v.default);
    const u = unitOf(v, all);
    if (!Number.isFinite(count) || count <= 0 || !u) continue;
    const counts = kind === 'events' && !/REQUEST|CALL/.test(v.name) && !/requests|calls/i.test(v.description) ? 'events' : 'requests';
    found.push({ name: v.name, count, per: u.per, windowSeconds: u.window, counts, source: 'default' });
  }
  found.sort((a, b) => a.count / a.per - b.count / b.per);
  return {
    found,
    variables: all.filter((v) => /RATE_LIMIT|RATELIMIT|TRUSTED_PROXIES|OUTBOUND_ALLOWLIST|LOGIN_/.test(v.name)).map((v) => `${v.name}=${v.default}`),
  };
}

function properRateLimit(a: Answer): boolean {
  const e = (a.body?.errors ?? []).find((x) => x.extensions?.code === 'RATE_LIMITED');
  const ra = Number(e?.extensions?.retryAfter);
  return !!e && a.status === 429 && Number.isInteger(ra) && ra >= 1 && Number(a.headers?.get('retry-after')) >= 1;
}

interface FloodResult {
  seconds: number;
  requests: number;
  ok: number;
  limited: number;
  limitedProperly: number;
  other: Record<string, number>;
  admitted: number;
  firstLimitedAfter: number | null;
  sampleLimited?: unknown;
}

/** Sends `one()` with `concurrency` workers until `maxSeconds` or `stopAfterLimited` answers in a row were 429. */
async function flood(
  one: () => Promise<{ a: Answer; admitted: number }>,
  o: { concurrency: number; maxSeconds: number; maxRequests: number; stopAfterLimited: number },
): Promise<FloodResult> {
  const started = Date.now();
  const r: FloodResult = { seconds: 0, requests: 0, ok: 0, limited: 0, limitedProperly: 0, other: {}, admitted: 0, firstLimitedAfter: null };
  let streak = 0;
  const worker = async () => {
    while (Date.now() - started < o.maxSeconds * 1000 && r.requests < o.maxRequests && streak < o.stopAfterLimited) {
      r.requests++;
      const { a, admitted } = await one();
      if (codesOf(a).includes('RATE_LIMITED')) {
        r.limited++;
        streak++;
        if (properRateLimit(a)) r.limitedProperly++;
        r.firstLimitedAfter ??= r.admitted;
        r.sampleLimited ??= { status: a.status, retryAfterHeader: a.headers?.get('retry-after') ?? null, error: a.body?.errors?.[0] };
      } else if (a.status === 200 && !a.body?.errors?.length) {
        r.ok++;
        r.admitted += admitted;
        streak = 0;
      } else {
        const k = a.status ? `HTTP ${a.status} ${[...new Set(codesOf(a))].join(',')}` : `no answer (${a.networkError})`;
        r.other[k] = (r.other[k] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  r.seconds = (Date.now() - started) / 1000;
  return r;
}

const FEED = 'query($u: ID!) { feed(surface: "home", userId: $u) { items { trackingToken } } }';
const TRACK = 'mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted duplicates rejected { index code } } }';

export interface LimitsOptions {
  /** A stack to share (floods need their own: they restart nothing but set limits at start). */
  stack?: AbuseStack;
  /** The trackEvents and feed floods (the sign-in and cross-key checks always run). */
  floods: boolean;
  floodSeconds: number;
  log?: (line: string) => void;
}

export async function limitsPhase(report: Report, o: LimitsOptions): Promise<void> {
  const G = 'limits';
  const log = o.log ?? say;
  const events = documentedLimits('events');
  const feeds = documentedLimits('feed');
  const loginMax = Number(configVariables().find((v) => v.name === 'LOGIN_MAX_ATTEMPTS')?.default ?? 5);
  report.figure(G, { configVariables: events.variables, documented: { events: events.found, feed: feeds.found, loginMaxAttempts: loginMax } });
  // Defaults are sized for a whole app behind one key, which a bounded flood on a shared machine may not reach: the
  // suite sets each documented limit to a low rate of its own (same variable, same window) and floods past it.
  const overrides: Record<string, string> = {};
  for (const l of events.found) {
    const perSecond = l.counts === 'events' ? 300 : 1;
    l.count = Math.max(1, Math.round(perSecond * l.per));
    l.source = 'set by the suite';
    overrides[l.name] = String(l.count);
  }
  for (const l of feeds.found) {
    l.count = Math.max(1, Math.round(3 * l.per));
    l.source = 'set by the suite';
    overrides[l.name] = String(l.count);
  }
  let stack: AbuseStack;
  if (o.stack) {
    if (o.floods) throw new Error('the floods set their own limits at start: they need a stack of their own');
    stack = o.stack;
  } else {
    try {
      stack = await AbuseStack.up({ worker: false, env: overrides });
      report.figure(G, { limitsSetBySuite: overrides });
    } catch (e) {
      // A value the config refuses: measure against the defaults instead, and say so.
      log(`limits: the API refused the suite's limits (${(e as Error).message.split('\n')[0]}); using the defaults`);
      events.found.splice(0, events.found.length, ...documentedLimits('events').found);
      feeds.found.splice(0, feeds.found.length, ...documentedLimits('feed').found);
      stack = await AbuseStack.up({ worker: false });
    }
  }
  try {
    const admin: Credentials = { token: await stack.adminToken() };
    const newKey = async (name: string) => {
      const r = await gqlSend(stack.url, 'mutation($n: String!) { createApiKey(name: $n) { secret } }', { n: name }, admin);
      const secret = (r.body?.data as { createApiKey?: { secret: string } } | null)?.createApiKey?.secret;
      if (!secret) throw new Error(`createApiKey failed: ${r.text.slice(0, 300)}`);
      return secret;
    };
    const tokensFor = async (apiKey: string, n: number) => {
      const out: string[] = [];
      for (let i = 0; out.length < n && i < 50; i++) {
        const r = await gqlSend(stack.url, FEED, { u: `limits-${i}` }, { apiKey });
        for (const it of (r.body?.data as { feed?: { items: { trackingToken: string }[] } } | null)?.feed?.items ?? []) out.push(it.trackingToken);
      }
      return out;
    };

    // 1. A tracking token minted for key A, sent with key B.
    const keyA = stack.seeded.apiKey;
    const keyB = await newKey('limits key B');
    const [tokA] = await tokensFor(keyA, 1);
    const [tokB] = await tokensFor(keyB, 1);
    const crossed: { direction: string; eventId: string; answer: string; accepted: number }[] = [];
    for (const [direction, token, key] of [
      ['token of A sent with B', tokA, keyB],
      ['token of B sent with A', tokB, keyA],
    ] as const) {
      const eventId = randomUUID();
      const a = await gqlSend(
        stack.url,
        TRACK,
        { e: [{ eventId, type: 'IMPRESSION', trackingToken: token, occurredAt: new Date().toISOString() }] },
        { apiKey: key },
      );
      const res = (a.body?.data as { trackEvents?: { accepted: number; duplicates: number; rejected: { code: string }[] } } | null)?.trackEvents;
      const stored = await stack.db(
        async (c) => (await c.query('SELECT count(*)::int AS n FROM engagement_events WHERE event_id = $1', [eventId])).rows[0].n as number,
      );
      crossed.push({
        direction,
        eventId,
        answer: res
          ? `accepted ${res.accepted}, duplicates ${res.duplicates}, rejected ${res.rejected.map((x) => x.code).join(',') || '-'}`
          : `${a.status} ${codesOf(a).join(',')}`,
        accepted: stored,
      });
    }
    report.atMost(
      G,
      'events stored with a token minted for another key',
      crossed.reduce((n, c) => n + c.accepted, 0),
      0,
      crossed,
    );

    if (o.floods) await floods(report, G, stack, newKey, tokensFor, events.found, feeds.found, o.floodSeconds, log);

    // 4. Sign-in guessing: cut after LOGIN_MAX_ATTEMPTS, still cut for a spoofed x-forwarded-for and after a flush.
    const victim = await stack.user(admin, 'editor');
    const guess = (password: string, headers: Record<string, string> = {}) =>
      send(stack.url, {
        body: JSON.stringify({
          query: 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
          variables: { e: victim.email, p: password },
        }),
        headers,
      });
    const isLimited = (a: Answer) => codesOf(a).includes('RATE_LIMITED');
    const admitted = (a: Answer) => !isLimited(a); // the password was checked: a guess
    let before = 0;
    let cut: Answer | null = null;
    for (let i = 0; i < loginMax + 10; i++) {
      const a = await guess(`wrong-${i}-${randomUUID()}`);
      if (isLimited(a)) {
        cut = a;
        break;
      }
      before++;
    }
    report.atMost(G, 'sign-in guesses before the cut', before, loginMax, {
      loginMaxAttempts: loginMax,
      cutAnswer: cut ? { status: cut.status, error: cut.body?.errors?.[0] } : 'never cut',
    });
    report.add(
      G,
      'sign-in cut answers 429 RATE_LIMITED with retryAfter',
      cut ? `${cut.status}, retryAfter ${cut.body?.errors?.[0]?.extensions?.retryAfter ?? 'missing'}` : 'never cut',
      '429, >= 1 s',
      !!cut && properRateLimit(cut),
      cut?.body?.errors?.[0],
    );
    const right = await guess(victim.password);
    report.add(G, 'right password accepted while sign-in is cut', admitted(right) ? 1 : 0, '<= 0', !admitted(right), {
      status: right.status,
      codes: codesOf(right),
    });
    let spoofed = 0;
    for (let i = 0; i < 10; i++) if (admitted(await guess(`wrong-xff-${i}`, { 'x-forwarded-for': `203.0.113.${10 + i}` }))) spoofed++;
    report.atMost(G, 'guesses let through by a spoofed x-forwarded-for (10 addresses)', spoofed, 0, { trustedProxies: 'default (empty)' });
    await stack.redis.flushAll();
    let afterFlush = 0;
    for (let i = 0; i < loginMax + 2; i++) if (admitted(await guess(`wrong-flush-${i}`))) afterFlush++;
    report.atMost(G, 'guesses let through after a Redis flush', afterFlush, 0, { tried: loginMax + 2 });
  } finally {
    if (!o.stack) await stack.down();
  }
  await sleep(0);
}

/** The trackEvents flood (500-event batches, valid tokens) and the feed flood, each with a key of its own. */
async function floods(
  report: Report,
  G: string,
  stack: AbuseStack,
  newKey: (name: string) => Promise<string>,
  tokensFor: (apiKey: string, n: number) => Promise<string[]>,
  events: DocumentedLimit[],
  feeds: DocumentedLimit[],
  floodSeconds: number,
  log: (line: string) => void,
): Promise<void> {
  // 2. trackEvents flood: 500-event batches with valid tokens of one key.
  const keyE = await newKey('limits events flood');
  const tokE = await tokensFor(keyE, 40);
  const ev = await flood(
    async () => {
      const now = new Date().toISOString();
      const batch = Array.from({ length: 500 }, (_, i) => ({
        eventId: randomUUID(),
        type: 'IMPRESSION',
        trackingToken: tokE[i % tokE.length],
        occurredAt: now,
      }));
      const a = await send(stack.url, { body: JSON.stringify({ query: TRACK, variables: { e: batch } }), creds: { apiKey: keyE }, timeoutMs: 20000 });
      const accepted = (a.body?.data as { trackEvents?: { accepted: number } } | null)?.trackEvents?.accepted ?? 0;
      return { a, admitted: accepted };
    },
    { concurrency: 3, maxSeconds: floodSeconds, maxRequests: 2000, stopAfterLimited: 30 },
  );
  log(`limits: trackEvents flood: ${ev.admitted} events stored in ${ev.seconds.toFixed(1)} s, ${ev.limited} answers RATE_LIMITED`);
  rateChecks(report, G, 'trackEvents flood (500-event batches, one key)', ev, events, 'events');

  // 3. Feed flood with one key.
  const keyF = await newKey('limits feed flood');
  let n = 0;
  const fd = await flood(
    async () => {
      const a = await gqlSend(stack.url, FEED, { u: `flood-${n++}` }, { apiKey: keyF }, 10000);
      return { a, admitted: 1 };
    },
    { concurrency: 8, maxSeconds: floodSeconds, maxRequests: 20000, stopAfterLimited: 200 },
  );
  log(`limits: feed flood: ${fd.ok} feeds served in ${fd.seconds.toFixed(1)} s, ${fd.limited} answers RATE_LIMITED`);
  rateChecks(report, G, 'feed flood (one key)', fd, feeds, 'requests');
}

function rateChecks(report: Report, G: string, what: string, r: FloodResult, documented: DocumentedLimit[], unit: 'events' | 'requests'): void {
  report.figure(G, { [what]: r });
  report.add(
    G,
    `${what}: answered 429 RATE_LIMITED with retryAfter`,
    `${r.limitedProperly} of ${r.requests}`,
    '>= 1, every refusal well-formed',
    r.limitedProperly > 0 && r.limitedProperly === r.limited,
    { limited: r.limited, wellFormed: r.limitedProperly, other: r.other, sample: r.sampleLimited ?? null },
  );
  const lim = documented.find((d) => d.counts === unit) ?? documented[0];
  if (!lim) {
    report.add(
      G,
      `${what}: admitted within the configured limit`,
      `${r.admitted} ${unit} in ${r.seconds.toFixed(1)} s`,
      'a documented RATE_LIMIT_* setting',
      false,
      'No RATE_LIMIT_* variable for this traffic in CONFIG_VARIABLES (libs/platform-config/src/config.ts).',
    );
    return;
  }
  // A window's worth may pass at once (burst), and a fixed window may straddle two: allow the rate over the flood
  // plus two windows. An unlimited API passes many times that.
  const rate = lim.count / lim.per;
  const allowed = Math.ceil(rate * (r.seconds + 2 * lim.windowSeconds));
  const admittedInUnit = lim.counts === unit ? r.admitted : r.ok;
  report.add(
    G,
    `${what}: admitted within the configured limit`,
    `${admittedInUnit} in ${r.seconds.toFixed(1)} s`,
    `<= ${allowed} (${lim.name}=${lim.count}/${lim.per} s, window ${lim.windowSeconds} s)`,
    admittedInUnit <= allowed,
    { limit: lim, flood: { seconds: r.seconds, requests: r.requests, ok: r.ok, admitted: r.admitted } },
  );
}
