/**
 * `npm run -s build:server && node dist/bench/limits.js`: what one API process serves, with autocannon on loopback,
 * so the client rate limits' defaults can be set against it (README, "Limits and outages"); and what checking the
 * limits costs. Two API processes on one seeded stack: one with every client limit off, one with every limit on but
 * far above the load (each call is counted in Redis, none is refused). Each serves the personalized feed and
 * trackEvents (batches of 500 new events) for BENCH_LIMITS_SECONDS with BENCH_LIMITS_CONNECTIONS connections, in two
 * rounds with the order swapped. Writes bench/results/limits.json.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { log, machine, round, table, writeResult } from './lib/common';
import { ApiProcess, benchEnv, cleanRedis, createDatabase, dropDatabase, gql, startApi } from './lib/stack';
import { seed, Seeded } from './lib/seed';
import { cpuMs } from './lib/proc';

const SECONDS = Number(process.env.BENCH_LIMITS_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_LIMITS_CONNECTIONS ?? 4);
const FEED =
  'query($u: ID!) { feed(surface: "bench", userId: $u, limit: 20, context: {locale: "en", platform: "ios", tier: "free"}) { requestId items { position trackingToken reason } } }';
const TRACK = 'mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted duplicates } }';

type Op = 'feed' | 'trackEvents';
type Limits = 'off' | 'on';

interface Phase {
  op: Op;
  limits: Limits;
  seconds: number;
  requests: number;
  perSecond: number;
  eventsPerSecond: number | null;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  graphqlErrors: number;
  apiCpuMsPerRequest: number | null;
}

async function phase(api: ApiProcess, limits: Limits, op: Op, seeded: Seeded, tokens: string[]): Promise<Phase> {
  let n = 0;
  let graphqlErrors = 0;
  const body = () =>
    op === 'feed'
      ? JSON.stringify({ query: FEED, variables: { u: `${seeded.userPrefix}${limits}-${n++}` } })
      : JSON.stringify({
          query: TRACK,
          variables: {
            e: Array.from({ length: 500 }, (_, i) => ({
              eventId: randomUUID(),
              type: 'IMPRESSION',
              trackingToken: tokens[i % tokens.length],
              occurredAt: new Date().toISOString(),
            })),
          },
        });
  const cpu0 = cpuMs(api.pid);
  const r = await autocannon({
    url: `${api.url}/graphql`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 10,
    headers: { 'content-type': 'application/json', 'x-api-key': seeded.apiKey },
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: body() }),
        onResponse: (status, text) => void (status === 200 && text.startsWith('{"errors"') && graphqlErrors++),
      },
    ],
  });
  const cpu1 = cpuMs(api.pid);
  const requests = r['2xx'];
  return {
    op,
    limits,
    seconds: round(r.duration, 2),
    requests,
    perSecond: round(requests / r.duration, 1),
    eventsPerSecond: op === 'trackEvents' ? Math.round((requests * 500) / r.duration) : null,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    graphqlErrors,
    apiCpuMsPerRequest: cpu0 !== null && cpu1 !== null && requests ? round((cpu1 - cpu0) / requests, 3) : null,
  };
}

async function main(): Promise<void> {
  const env = benchEnv();
  const m = machine();
  log(`limits: load average ${m.loadAverage1m} on ${m.cpus} cores; ${SECONDS} s per phase, ${CONNECTIONS} connections`);
  const apis: ApiProcess[] = [];
  try {
    await createDatabase(env);
    const seeded = await seed(env.databaseUrl, { items: 1000, profiles: 50_000, trainImpressions: 100_000, contentTests: 8 });
    const off = { RATE_LIMIT_FEED_PER_KEY: '0', RATE_LIMIT_FEED_PER_ADDRESS: '0', RATE_LIMIT_EVENTS_PER_KEY: '0', RATE_LIMIT_EVENTS_PER_ADDRESS: '0' };
    apis.push(await startApi(env, off), await startApi(env)); // the stack's default env: limits on, far above the load
    const feed = await gql<{ feed: { items: { trackingToken: string }[] } }>(apis[0].url, seeded.apiKey, FEED, { u: 'token-source' });
    const tokens = feed.feed.items.map((i) => i.trackingToken);
    const phases: Phase[] = [];
    const order: [number, Limits][] = [
      [0, 'off'],
      [1, 'on'],
    ];
    for (const pass of [order, [...order].reverse()]) {
      for (const op of ['feed', 'trackEvents'] as Op[]) {
        for (const [i, limits] of pass) {
          const p = await phase(apis[i], limits, op, seeded, tokens);
          log(
            `limits: ${op} with limits ${limits}: ${p.perSecond}/s${p.eventsPerSecond ? ` (${p.eventsPerSecond} events/s)` : ''}, p99 ${p.p99Ms} ms, non-2xx ${p.non2xx}, errors ${p.graphqlErrors}`,
          );
          phases.push(p);
        }
      }
    }
    const sum = (op: Op, limits: Limits, f: (p: Phase) => number) => phases.filter((p) => p.op === op && p.limits === limits).reduce((s, p) => s + f(p), 0) / 2;
    const summary = {
      feedPerSecond: {
        off: round(
          sum('feed', 'off', (p) => p.perSecond),
          1,
        ),
        on: round(
          sum('feed', 'on', (p) => p.perSecond),
          1,
        ),
      },
      eventsPerSecond: {
        off: Math.round(sum('trackEvents', 'off', (p) => p.eventsPerSecond ?? 0)),
        on: Math.round(sum('trackEvents', 'on', (p) => p.eventsPerSecond ?? 0)),
      },
    };
    const ratios = {
      feed: round(summary.feedPerSecond.on / summary.feedPerSecond.off, 3),
      events: round(summary.eventsPerSecond.on / summary.eventsPerSecond.off, 3),
    };
    const valid = phases.every((p) => p.non2xx === 0 && p.graphqlErrors === 0);
    const file = writeResult('limits', {
      benchmark: 'limits',
      at: new Date().toISOString(),
      machine: m,
      options: { seconds: SECONDS, connections: CONNECTIONS },
      valid,
      summary,
      ratios,
      phases,
    });
    process.stdout.write(
      table(
        ['operation', 'limits off', 'limits on', 'on / off'],
        [
          ['feed (personalized), calls/s', summary.feedPerSecond.off, summary.feedPerSecond.on, ratios.feed],
          ['trackEvents, events/s (500 a batch)', summary.eventsPerSecond.off, summary.eventsPerSecond.on, ratios.events],
        ],
      ) + `\n${valid ? '' : 'INVALID: some answers were not 200 or carried errors; see the phases.\n'}Written to ${file}\n`,
    );
  } finally {
    await Promise.all(apis.map((a) => a.stop()));
    await dropDatabase(env).catch(() => undefined);
    await cleanRedis(env).catch(() => undefined);
  }
}

main().catch((e) => {
  process.stderr.write(`limits benchmark failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
