/**
 * Feed over HTTP and GraphQL: the personalized `feed` query against `editorialFeed` (same arguments, same response
 * shape, the surface's editorial order) on the same API process, with autocannon. Every request is a different
 * user, so sticky slates never answer from Redis. Called by run-all.ts, which owns the stack.
 */
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { percentile, round, sleep, log } from './lib/common';
import { cpuMs, machineCpu } from './lib/proc';
import { ApiProcess, cpuDelta, dbBackendsCpu, gql, metric } from './lib/stack';
import { Seeded, SLOTS, SURFACE_KEY } from './lib/seed';

export type FeedMode = 'personalized' | 'static';

export interface FeedBenchOptions {
  /** Concurrent connections for the throughput runs: enough to keep one API process busy, few enough that queueing inside it stays under the feed's 50 ms budget. */
  connections: number;
  /** Connections for autocannon's fixed-rate runs (it sends each connection's share of a second back to back, then waits for the next second). */
  fixedConnections: number;
  warmupSeconds: number;
  seconds: number;
  rounds: number;
  fixedRate: number;
  fixedSeconds: number;
}

export const DEFAULT_FEED_OPTIONS: FeedBenchOptions = { connections: 4, fixedConnections: 10, warmupSeconds: 4, seconds: 8, rounds: 2, fixedRate: 200, fixedSeconds: 12 };

const SELECTION = '{ requestId items { position trackingToken propensity reason item { id slug kind title durationSeconds } } }';
export const FEED_QUERY = `query($u: ID!, $c: FeedContextInput) { feed(surface: "${SURFACE_KEY}", userId: $u, limit: ${SLOTS}, context: $c) ${SELECTION} }`;
const STATIC_QUERY = `query($u: ID!, $c: FeedContextInput) { editorialFeed(surface: "${SURFACE_KEY}", userId: $u, limit: ${SLOTS}, context: $c) ${SELECTION} }`;
const PLATFORMS = ['ios', 'android', 'web'];

export interface PhaseResult {
  mode: FeedMode;
  kind: 'warmup' | 'throughput' | 'fixed-rate' | 'paced';
  seconds: number;
  connections: number;
  targetRate: number | null;
  requests: number;
  requestsPerSecond: number;
  /** autocannon's histogram (whole milliseconds; corrected for coordinated omission at a fixed rate). */
  autocannon: { p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number; meanMs: number } | null;
  /** The same responses timed to the microsecond, uncorrected. */
  exact: { p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number };
  errors: number;
  non2xx: number;
  graphqlErrors: number;
  /** Personalized only: responses served from the editorial fallback (over the 50 ms budget, or an engine error). */
  fallbacks: number | null;
  apiCpuMsPerRequest: number | null;
  /** CPU of the PostgreSQL backends serving this database (profile reads, feed-log inserts) per request. */
  dbCpuMsPerRequest: number | null;
  /** CPU of this benchmark process (the load generator shares the machine) per request. */
  clientCpuMsPerRequest: number;
  /** Busy share of the whole machine during the phase (this benchmark, the API, PostgreSQL, Redis and any other tenant). */
  machineBusy: number | null;
}

/** Hands out user ids: seeded users (with a stored profile) first, then new ones, never the same twice. */
export class Users {
  private n = 0;
  constructor(private readonly seeded: Seeded) {}
  next(): string {
    return `${this.seeded.userPrefix}${this.n++}`;
  }
  get issued(): number {
    return this.n;
  }
  get withProfile(): number {
    return Math.min(this.n, this.seeded.profiles);
  }
}

function body(mode: FeedMode, userId: string, i: number): string {
  return JSON.stringify({ query: mode === 'personalized' ? FEED_QUERY : STATIC_QUERY, variables: { u: userId, c: { locale: 'en', platform: PLATFORMS[i % 3], appVersion: '5.2.0', tier: 'free' } } });
}

async function phase(api: ApiProcess, seeded: Seeded, users: Users, mode: FeedMode, kind: PhaseResult['kind'], seconds: number, connections: number, rate: number | null): Promise<PhaseResult> {
  const latencies: number[] = [];
  let graphqlErrors = 0;
  let i = 0;
  const fallbacksBefore = mode === 'personalized' ? await metric(api.url, 'marquee_feed_fallbacks_total') : 0;
  const cpu0 = cpuMs(api.pid);
  const db0 = await dbBackendsCpu(api.databaseUrl);
  const m0 = machineCpu();
  const u0 = process.cpuUsage();
  const instance = autocannon({
    url: `${api.url}/graphql`,
    method: 'POST',
    connections,
    duration: seconds,
    timeout: 10,
    headers: { 'content-type': 'application/json', 'x-api-key': seeded.apiKey },
    ...(rate ? { overallRate: rate } : {}),
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: body(mode, users.next(), i++) }),
        onResponse: (status, text) => {
          if (status === 200 && text.startsWith('{"errors"')) graphqlErrors++;
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status === 200) latencies.push(ms);
  });
  const r = await instance;
  const u1 = process.cpuUsage(u0);
  const cpu1 = cpuMs(api.pid);
  const m1 = machineCpu();
  await sleep(250); // let the last feed-log flush (every 200 ms) land in this phase
  const db = cpuDelta(db0, await dbBackendsCpu(api.databaseUrl));
  const fallbacks = mode === 'personalized' ? (await metric(api.url, 'marquee_feed_fallbacks_total')) - fallbacksBefore : null;
  const requests = r['2xx'];
  return {
    mode,
    kind,
    seconds: round(r.duration, 2),
    connections,
    targetRate: rate,
    requests,
    requestsPerSecond: round(requests / r.duration, 1),
    autocannon: { p50Ms: r.latency.p50, p90Ms: r.latency.p90, p99Ms: r.latency.p99, maxMs: r.latency.max, meanMs: round(r.latency.mean, 2) },
    exact: { p50Ms: round(percentile(latencies, 0.5), 2), p90Ms: round(percentile(latencies, 0.9), 2), p99Ms: round(percentile(latencies, 0.99), 2), maxMs: round(percentile(latencies, 1), 2) },
    errors: r.errors,
    non2xx: r.non2xx,
    graphqlErrors,
    fallbacks,
    apiCpuMsPerRequest: cpu0 !== null && cpu1 !== null && requests ? round((cpu1 - cpu0) / requests, 3) : null,
    dbCpuMsPerRequest: db !== null && requests ? round(db / requests, 3) : null,
    clientCpuMsPerRequest: requests ? round((u1.user + u1.system) / 1000 / requests, 3) : 0,
    machineBusy: m0 && m1 ? round((m1.busy - m0.busy) / (m1.total - m0.total), 3) : null,
  };
}

/**
 * Open-loop load with evenly spaced arrivals (one request every 1000/rate ms, however slow the answers), timed from
 * each request's scheduled start, so queueing shows in full (no coordinated omission). autocannon's `overallRate`
 * instead lets each connection send its share of a second back to back and then wait for the next second, so its
 * arrivals come in bursts at every second; both are reported.
 */
async function paced(api: ApiProcess, seeded: Seeded, users: Users, mode: FeedMode, seconds: number, rate: number): Promise<PhaseResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(`${api.url}/graphql`);
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let graphqlErrors = 0;
  let sent = 0;
  const fallbacksBefore = mode === 'personalized' ? await metric(api.url, 'marquee_feed_fallbacks_total') : 0;
  const cpu0 = cpuMs(api.pid);
  const db0 = await dbBackendsCpu(api.databaseUrl);
  const m0 = machineCpu();
  const u0 = process.cpuUsage();
  const interval = 1000 / rate;
  const total = Math.round(seconds * rate);
  const t0 = performance.now() + 20;
  const inflight: Promise<void>[] = [];
  const fire = (scheduled: number) => {
    const payload = body(mode, users.next(), sent++);
    inflight.push(
      new Promise<void>((resolve) => {
        const req = request(
          { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-api-key': seeded.apiKey } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d) => (text += d));
            res.on('end', () => {
              if (res.statusCode !== 200) non2xx++;
              else if (text.startsWith('{"errors"')) graphqlErrors++;
              else latencies.push(performance.now() - scheduled);
              resolve();
            });
          },
        );
        req.on('error', () => {
          errors++;
          resolve();
        });
        req.end(payload);
      }),
    );
  };
  await new Promise<void>((resolve) => {
    let k = 0;
    const tick = () => {
      const now = performance.now();
      // Send everything that is due (a late timer must not thin out the arrivals), then sleep until the next one.
      while (k < total && t0 + k * interval <= now) fire(t0 + k++ * interval);
      if (k >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + k * interval - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  const u1 = process.cpuUsage(u0);
  const cpu1 = cpuMs(api.pid);
  const m1 = machineCpu();
  await sleep(250);
  const db = cpuDelta(db0, await dbBackendsCpu(api.databaseUrl));
  const fallbacks = mode === 'personalized' ? (await metric(api.url, 'marquee_feed_fallbacks_total')) - fallbacksBefore : null;
  const ex = { p50Ms: round(percentile(latencies, 0.5), 2), p90Ms: round(percentile(latencies, 0.9), 2), p99Ms: round(percentile(latencies, 0.99), 2), maxMs: round(percentile(latencies, 1), 2) };
  return {
    mode,
    kind: 'paced',
    seconds: round(elapsed, 2),
    connections: 0,
    targetRate: rate,
    requests: latencies.length,
    requestsPerSecond: round(latencies.length / elapsed, 1),
    autocannon: null,
    exact: ex,
    errors,
    non2xx,
    graphqlErrors,
    fallbacks,
    apiCpuMsPerRequest: cpu0 !== null && cpu1 !== null && latencies.length ? round((cpu1 - cpu0) / latencies.length, 3) : null,
    dbCpuMsPerRequest: db !== null && latencies.length ? round(db / latencies.length, 3) : null,
    clientCpuMsPerRequest: latencies.length ? round((u1.user + u1.system) / 1000 / latencies.length, 3) : 0,
    machineBusy: m0 && m1 ? round((m1.busy - m0.busy) / (m1.total - m0.total), 3) : null,
  };
}

/** One request of each kind, checked, before any load: the benchmark must measure real answers. */
async function check(api: ApiProcess, seeded: Seeded, users: Users): Promise<{ personalizedReasons: Record<string, number>; policyVersion: string }> {
  type F = { requestId: string; items: { reason: string; trackingToken: string }[] };
  const vars = () => ({ u: users.next(), c: { locale: 'en', platform: 'ios', appVersion: '5.2.0', tier: 'free' } });
  // The first requests after start-up run cold code (and open pool connections) and may take the fallback.
  let p = await gql<{ feed: F & { policyVersion: string } }>(api.url, seeded.apiKey, FEED_QUERY.replace('{ requestId', '{ requestId policyVersion'), vars());
  for (let tries = 0; tries < 20 && p.feed.items.some((i) => i.reason === 'FALLBACK'); tries++) {
    await sleep(100);
    p = await gql<{ feed: F & { policyVersion: string } }>(api.url, seeded.apiKey, FEED_QUERY.replace('{ requestId', '{ requestId policyVersion'), vars());
  }
  const s = await gql<{ editorialFeed: F }>(api.url, seeded.apiKey, STATIC_QUERY, vars());
  if (p.feed.items.length !== SLOTS || s.editorialFeed.items.length !== SLOTS) throw new Error(`Expected ${SLOTS} items, got ${p.feed.items.length} personalized and ${s.editorialFeed.items.length} static.`);
  const reasons: Record<string, number> = {};
  for (const it of p.feed.items) reasons[it.reason] = (reasons[it.reason] ?? 0) + 1;
  if (reasons.FALLBACK) throw new Error(`The personalized feed still answered from the fallback after 20 tries: ${JSON.stringify(reasons)}\n${api.output().slice(-3000)}`);
  return { personalizedReasons: reasons, policyVersion: p.feed.policyVersion };
}

export interface FixedRateSummary {
  /** autocannon overallRate, its histogram (whole ms, coordinated-omission corrected). */
  p50Ms: number;
  p99Ms: number;
  exactP99Ms: number;
  achievedRate: number;
  fallbacks: number | null;
  /** Evenly spaced arrivals at the same rate, timed from each scheduled start. */
  paced: { p50Ms: number; p99Ms: number; maxMs: number; achievedRate: number; fallbacks: number | null };
}

export interface FeedBenchResult {
  options: FeedBenchOptions;
  check: { personalizedReasons: Record<string, number>; policyVersion: string };
  phases: PhaseResult[];
  throughput: {
    personalized: number;
    static: number;
    ratio: number;
    perRoundRatios: number[];
    /** Responses that really were personalized (not the budget fallback) per second, and that ÷ static. */
    personalizedExcludingFallbacks: number;
    ratioExcludingFallbacks: number;
  };
  latencyUnderLoad: { personalized: NonNullable<PhaseResult['autocannon']>; static: NonNullable<PhaseResult['autocannon']> };
  fixedRate: { rate: number; personalized: FixedRateSummary; static: FixedRateSummary };
  cpuPerRequest: { personalizedMs: number | null; staticMs: number | null; ratio: number | null; dbPersonalizedMs: number | null; dbStaticMs: number | null };
  fallbackShareUnderLoad: number;
  users: { issued: number; withStoredProfile: number };
}

export async function benchFeed(api: ApiProcess, seeded: Seeded, o: FeedBenchOptions = DEFAULT_FEED_OPTIONS, users = new Users(seeded)): Promise<FeedBenchResult> {
  const checked = await check(api, seeded, users);
  log(`feed: checked both queries (personalized reasons ${JSON.stringify(checked.personalizedReasons)})`);
  const phases: PhaseResult[] = [];
  const run = async (mode: FeedMode, kind: PhaseResult['kind'], seconds: number, rate: number | null) => {
    const r = await phase(api, seeded, users, mode, kind, seconds, rate ? o.fixedConnections : o.connections, rate);
    phases.push(r);
    log(
      `feed: ${kind.padEnd(10)} ${mode.padEnd(12)} ${String(r.requestsPerSecond).padStart(7)} req/s  p50 ${r.exact.p50Ms} ms  p99 ${r.exact.p99Ms} ms (autocannon ${r.autocannon!.p99Ms})` +
        `${r.fallbacks ? `  fallbacks ${r.fallbacks}` : ''}${r.graphqlErrors || r.non2xx || r.errors ? `  ERRORS gql=${r.graphqlErrors} non2xx=${r.non2xx} net=${r.errors}` : ''}  api cpu ${r.apiCpuMsPerRequest} ms/req, db ${r.dbCpuMsPerRequest} ms/req`,
    );
    await sleep(500);
    return r;
  };
  await run('static', 'warmup', o.warmupSeconds, null);
  await run('personalized', 'warmup', o.warmupSeconds, null);
  // Alternate the order each round so drift in the machine's load falls on both sides alike.
  const perRound: number[] = [];
  for (let k = 0; k < o.rounds; k++) {
    const order: FeedMode[] = k % 2 === 0 ? ['static', 'personalized'] : ['personalized', 'static'];
    const got: Partial<Record<FeedMode, PhaseResult>> = {};
    for (const mode of order) got[mode] = await run(mode, 'throughput', o.seconds, null);
    perRound.push(round(got.personalized!.requestsPerSecond / got.static!.requestsPerSecond, 3));
  }
  const fixed: Partial<Record<FeedMode, PhaseResult>> = {};
  for (const mode of ['personalized', 'static'] as FeedMode[]) fixed[mode] = await run(mode, 'fixed-rate', o.fixedSeconds, o.fixedRate);
  const pacedRuns: Partial<Record<FeedMode, PhaseResult>> = {};
  for (const mode of ['personalized', 'static'] as FeedMode[]) {
    const r = await paced(api, seeded, users, mode, o.fixedSeconds, o.fixedRate);
    phases.push(r);
    pacedRuns[mode] = r;
    log(
      `feed: paced      ${mode.padEnd(12)} ${String(r.requestsPerSecond).padStart(7)} req/s  p50 ${r.exact.p50Ms} ms  p99 ${r.exact.p99Ms} ms${r.fallbacks ? `  fallbacks ${r.fallbacks}` : ''}` +
        `${r.graphqlErrors || r.non2xx || r.errors ? `  ERRORS gql=${r.graphqlErrors} non2xx=${r.non2xx} net=${r.errors}` : ''}  api cpu ${r.apiCpuMsPerRequest} ms/req, db ${r.dbCpuMsPerRequest} ms/req`,
    );
    await sleep(500);
  }

  const sum = (mode: FeedMode, f: (p: PhaseResult) => number) => phases.filter((p) => p.kind === 'throughput' && p.mode === mode).reduce((a, p) => a + f(p), 0);
  const rps = (mode: FeedMode) => round(sum(mode, (p) => p.requests) / sum(mode, (p) => p.seconds), 1);
  const cpu = (mode: FeedMode, f: (p: PhaseResult) => number | null = (p) => p.apiCpuMsPerRequest) => {
    const ps = phases.filter((p) => p.kind === 'throughput' && p.mode === mode && f(p) !== null);
    return ps.length ? round(ps.reduce((a, p) => a + f(p)! * p.requests, 0) / ps.reduce((a, p) => a + p.requests, 0), 3) : null;
  };
  const worst = (mode: FeedMode) => {
    const ps = phases.filter((p) => p.kind === 'throughput' && p.mode === mode);
    // Pooled percentiles are not available from autocannon's summaries; report the round with the higher p99.
    return ps.reduce((a, b) => (b.autocannon!.p99Ms > a.autocannon!.p99Ms ? b : a)).autocannon!;
  };
  const pThroughput = phases.filter((p) => p.kind === 'throughput' && p.mode === 'personalized');
  const fb = pThroughput.reduce((a, p) => a + (p.fallbacks ?? 0), 0);
  const cp = cpu('personalized');
  const cs = cpu('static');
  const fx = (p: PhaseResult, q: PhaseResult): FixedRateSummary => ({
    p50Ms: p.autocannon!.p50Ms,
    p99Ms: p.autocannon!.p99Ms,
    exactP99Ms: p.exact.p99Ms,
    achievedRate: p.requestsPerSecond,
    fallbacks: p.fallbacks,
    paced: { p50Ms: q.exact.p50Ms, p99Ms: q.exact.p99Ms, maxMs: q.exact.maxMs, achievedRate: q.requestsPerSecond, fallbacks: q.fallbacks },
  });
  return {
    options: o,
    check: checked,
    phases,
    throughput: {
      personalized: rps('personalized'),
      static: rps('static'),
      ratio: round(rps('personalized') / rps('static'), 3),
      perRoundRatios: perRound,
      personalizedExcludingFallbacks: round((sum('personalized', (p) => p.requests) - fb) / sum('personalized', (p) => p.seconds), 1),
      ratioExcludingFallbacks: round((sum('personalized', (p) => p.requests) - fb) / sum('personalized', (p) => p.seconds) / rps('static'), 3),
    },
    latencyUnderLoad: { personalized: worst('personalized'), static: worst('static') },
    fixedRate: { rate: o.fixedRate, personalized: fx(fixed.personalized!, pacedRuns.personalized!), static: fx(fixed.static!, pacedRuns.static!) },
    cpuPerRequest: {
      personalizedMs: cp,
      staticMs: cs,
      ratio: cp && cs ? round(cp / cs, 3) : null,
      dbPersonalizedMs: cpu('personalized', (p) => p.dbCpuMsPerRequest),
      dbStaticMs: cpu('static', (p) => p.dbCpuMsPerRequest),
    },
    fallbackShareUnderLoad: round(fb / Math.max(1, sum('personalized', (p) => p.requests)), 4),
    users: { issued: users.issued, withStoredProfile: users.withProfile },
  };
}
