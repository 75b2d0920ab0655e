import { randomUUID } from 'node:crypto';
import { Presets, SingleBar } from 'cli-progress';
import { hashString, Rng } from '@marquee/platform-core';
import { numberFlag, parseFlags } from './ope';

const TRAFFIC_USAGE = `Usage: npm run marquee -- traffic --api-key <client key> [options]

  Synthetic app users through the public client API, so the engine, the content tests and the analyst dashboards have
  something to show on a demo or staging install. Each request is a real feed call; each slot the user looks at is a
  real IMPRESSION event, and a success event follows with the user's hidden probability for that item. Nothing is
  written to the database except through the API, exactly as a client app would.

  --api-key <key>          a client API key (npm start prints one)
  --url <url>              the Marquee server (default http://localhost:3000)
  --surface <key>          surface to request (default home)
  --requests <n>           feed requests in all (default 2000)
  --users <n>              distinct synthetic users (default 1000)
  --success <type>         success event to send: PLAY_START or COMPLETE (default PLAY_START)
  --concurrency <n>        requests in flight (default 4)
  --seed <n>               seed for users and their tastes (default 1)

  The hidden model: three kinds of user (sleep, focus, mixed), each with its own liking per item kind and topic plus
  a per-item appeal from the item's slug; slots are looked at with probability 1/position^0.7. A user who comes back
  within the surface's sticky window gets the same slate, and does not act on a slot again.
`;

const VALUE_FLAGS = ['api-key', 'url', 'surface', 'requests', 'users', 'success', 'concurrency', 'seed'];

const FEED = `query($s: String!, $u: ID!, $c: FeedContextInput) {
  feed(surface: $s, userId: $u, context: $c) { requestId policyVersion items { position trackingToken reason item { id slug kind } } }
}`;
const TRACK = `mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted duplicates rejected { index code message } } }`;

export interface TrafficOptions {
  url: string;
  apiKey: string;
  surface: string;
  requests: number;
  users: number;
  success: 'PLAY_START' | 'COMPLETE';
  concurrency: number;
  seed: number;
  onProgress?: (done: number, stats: TrafficStats) => void;
}

export interface TrafficStats {
  requests: number;
  impressions: number;
  successes: number;
  reasons: Record<string, number>;
  rejected: number;
  /** Feeds that were a user's sticky slate again (same request id), so nothing new to act on. */
  repeats: number;
}

const SEGMENTS = [
  { name: 'sleep', kinds: { sleep_story: 1.2, music: 0.6, meditation: 0, course: -0.4, talk: -0.6 } as Record<string, number>, platform: 'ios', hour: 22 },
  { name: 'focus', kinds: { sleep_story: -0.8, music: 0.4, meditation: 0.6, course: 0.8, talk: 0.5 } as Record<string, number>, platform: 'android', hour: 8 },
  { name: 'mixed', kinds: { sleep_story: 0.2, music: 0.2, meditation: 0.4, course: 0, talk: 0.1 } as Record<string, number>, platform: 'web', hour: 18 },
];

/** The synthetic user's hidden probability of success when they look at an item. */
export function hiddenSuccessProbability(userIndex: number, item: { slug: string; kind: string }, seed: number): number {
  const segment = SEGMENTS[userIndex % SEGMENTS.length];
  const appeal = ((hashString(`${seed}:${item.slug}`) % 1000) / 1000 - 0.5) * 1.6;
  const personal = ((hashString(`${seed}:${userIndex}:${item.kind}`) % 1000) / 1000 - 0.5) * 0.8;
  const z = -2.2 + (segment.kinds[item.kind] ?? 0) + appeal + personal;
  return 1 / (1 + Math.exp(-z));
}

class TrafficError extends Error {}

const MAX_ATTEMPTS = 5;

/**
 * One GraphQL call. Like any client should, it waits out RATE_LIMITED (429) and UNAVAILABLE (503) for the
 * `retryAfter` seconds they name and sends the same call again (event ids make a retried batch safe), a few times.
 */
async function gql<T>(o: TrafficOptions, query: string, variables: unknown): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(`${o.url.replace(/\/$/, '')}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': o.apiKey },
        body: JSON.stringify({ query, variables }),
      });
    } catch (e) {
      throw new TrafficError(`Cannot reach Marquee at ${o.url} (${(e as Error).message}). Start it with npm start, or pass --url.`);
    }
    const body = (await res.json().catch(() => null)) as {
      data?: T;
      errors?: { message: string; extensions?: { code?: string; retryAfter?: number } }[];
    } | null;
    if (body?.data) return body.data;
    const e = body?.errors?.[0];
    const retryAfter = Number(e?.extensions?.retryAfter);
    if ((res.status === 429 || res.status === 503) && retryAfter > 0 && attempt < MAX_ATTEMPTS) {
      await new Promise((r) => setTimeout(r, retryAfter * 1000));
      continue;
    }
    const hint =
      e?.extensions?.code === 'UNAUTHENTICATED'
        ? ' Pass a client API key with --api-key (npm start prints one on first start; admins create more in the Studio).'
        : '';
    throw new TrafficError(`The API answered ${res.status}: ${e?.message ?? 'no data'}.${hint}`);
  }
}

export async function runTraffic(o: TrafficOptions): Promise<TrafficStats> {
  const rng = new Rng(o.seed);
  const stats: TrafficStats = { requests: 0, impressions: 0, successes: 0, reasons: {}, rejected: 0, repeats: 0 };
  const seenRequests = new Set<string>();
  let started = 0;
  const one = async () => {
    const u = rng.int(o.users);
    const segment = SEGMENTS[u % SEGMENTS.length];
    const hour = String((segment.hour + rng.int(3)) % 24).padStart(2, '0');
    const localTime = `${new Date().toISOString().slice(0, 10)}T${hour}:15:00Z`;
    const { feed } = await gql<{
      feed: { requestId: string; items: { position: number; trackingToken: string; reason: string; item: { slug: string; kind: string } }[] };
    }>(o, FEED, {
      s: o.surface,
      u: `demo-${o.seed}-${u}`,
      c: { locale: 'en', platform: segment.platform, tier: 'free', appVersion: '5.0.0', localTime },
    });
    stats.requests++;
    if (seenRequests.has(feed.requestId)) {
      stats.repeats++;
      o.onProgress?.(stats.requests, stats);
      return;
    }
    seenRequests.add(feed.requestId);
    const now = new Date().toISOString();
    const events: { eventId: string; type: string; trackingToken: string; occurredAt: string }[] = [];
    for (const it of feed.items) {
      stats.reasons[it.reason] = (stats.reasons[it.reason] ?? 0) + 1;
      if (rng.next() >= Math.pow(it.position, -0.7)) continue;
      events.push({ eventId: randomUUID(), type: 'IMPRESSION', trackingToken: it.trackingToken, occurredAt: now });
      stats.impressions++;
      if (rng.next() < hiddenSuccessProbability(u, it.item, o.seed)) {
        events.push({ eventId: randomUUID(), type: o.success, trackingToken: it.trackingToken, occurredAt: now });
        stats.successes++;
      }
    }
    if (events.length) {
      const { trackEvents } = await gql<{ trackEvents: { rejected: unknown[] } }>(o, TRACK, { e: events });
      stats.rejected += trackEvents.rejected.length;
    }
    o.onProgress?.(stats.requests, stats);
  };
  await Promise.all(
    Array.from({ length: Math.max(1, o.concurrency) }, async () => {
      while (started < o.requests) {
        started++;
        await one();
      }
    }),
  );
  return stats;
}

function positiveInt(flags: Map<string, string>, name: string, fallback: number, max: number): number {
  return numberFlag(flags, name, (x) => Number.isInteger(x) && x >= 1 && x <= max, `a whole number from 1 to ${max}`) ?? fallback;
}

export async function trafficCommand(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(TRAFFIC_USAGE);
    return 0;
  }
  let o: TrafficOptions;
  try {
    const flags = parseFlags(args, VALUE_FLAGS);
    const apiKey = flags.get('api-key') ?? process.env.MARQUEE_API_KEY;
    if (!apiKey) throw new TrafficError('--api-key is required (or set MARQUEE_API_KEY): a client API key, as npm start prints on first start.');
    const success = (flags.get('success') ?? 'PLAY_START').toUpperCase();
    if (success !== 'PLAY_START' && success !== 'COMPLETE') throw new TrafficError(`--success must be PLAY_START or COMPLETE; got "${flags.get('success')}".`);
    o = {
      url: flags.get('url') ?? `http://localhost:${process.env.PORT ?? 3000}`,
      apiKey,
      surface: flags.get('surface') ?? 'home',
      requests: positiveInt(flags, 'requests', 2000, 1_000_000),
      users: positiveInt(flags, 'users', 1000, 1_000_000),
      success,
      concurrency: positiveInt(flags, 'concurrency', 4, 64),
      seed: positiveInt(flags, 'seed', 1, 2 ** 31 - 1),
    };
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${TRAFFIC_USAGE}`);
    return 2;
  }
  const bar = new SingleBar(
    {
      format: 'Traffic {bar} {percentage}% | {value}/{total} feeds | {impressions} impressions, {successes} successes',
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 2000,
    },
    Presets.shades_classic,
  );
  bar.start(o.requests, 0, { impressions: 0, successes: 0 });
  try {
    const s = await runTraffic({ ...o, onProgress: (done, st) => bar.update(done, { impressions: st.impressions, successes: st.successes }) });
    bar.stop();
    const reasons = Object.entries(s.reasons)
      .map(([r, n]) => `${r.toLowerCase()} ${n}`)
      .join(', ');
    process.stdout.write(
      `\n${s.requests} feeds on "${o.surface}" (${s.repeats} of them a user's sticky slate again), ${s.impressions} impressions, ${s.successes} successes (${s.impressions ? ((100 * s.successes) / s.impressions).toFixed(1) : '0'}%). Slots by reason: ${reasons}.\n`,
    );
    if (s.rejected) process.stdout.write(`${s.rejected} events were rejected by the API; see its log.\n`);
    process.stdout.write('The worker learns from these events within seconds; see Analytics in the Studio.\n');
    return 0;
  } catch (e) {
    bar.stop();
    if (e instanceof TrafficError) {
      process.stderr.write(`\n${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
