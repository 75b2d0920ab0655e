/**
 * Feed over HTTP and GraphQL: the personalized `feed` query against `editorialFeed` (same arguments, same response
 * shape, the surface's editorial order) on the same API process, with autocannon. Every request is a different
 * user, so sticky slates never answer from Redis. Called by run-all.ts, which owns the stack.
 */
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { percentile, round, sleep, log } from './lib/common';
import { cpuMs, machineCpu } from './lib/proc';
import { ApiProcess, cpuDelta, dbBackendsCpu, gql, metric, metricsText } from './lib/stack';
import { BareServer, startBare } from './lib/bare';
import { Seeded, SLOTS, SURFACE_KEY } from './lib/seed';

export type FeedMode = 'personalized' | 'static' | 'bare';

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

export const DEFAULT_FEED_OPTIONS: FeedBenchOptions = {
  connections: 10,
  fixedConnections: 10,
  warmupSeconds: 4,
  seconds: 8,
  rounds: 2,
  fixedRate: 200,
  fixedSeconds: 12,
};

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
  /** The API's event loop during the phase (monitorEventLoopDelay, through /metrics; reset at the phase's start). */
  eventLoopDelay: { meanMs: number; p50Ms: number; p99Ms: number; maxMs: number } | null;
  /** Garbage collection in the API during the phase: pauses and their total, by kind. */
  gc: { count: number; totalMs: number; byKind: Record<string, { count: number; totalMs: number }> } | null;
  /** Per-user state lookups on the feed path during the phase. */
  userState: { hits: number; absent: number; misses: number } | null;
}

/** What the API's /metrics says now: counters to difference over a phase. Reading it also resets the event-loop histogram. */
async function apiCounters(url: string): Promise<{
  fallbacks: number;
  gc: Record<string, { count: number; sum: number }>;
  lookups: Record<string, number>;
  loop: { meanMs: number; p50Ms: number; p99Ms: number; maxMs: number };
}> {
  const text = await metricsText(url);
  const gc: Record<string, { count: number; sum: number }> = {};
  for (const kind of ['minor', 'major', 'incremental', 'weakcb']) {
    gc[kind] = {
      count: await metric(url, 'marquee_nodejs_gc_duration_seconds_count', { kind }, text),
      sum: await metric(url, 'marquee_nodejs_gc_duration_seconds_sum', { kind }, text),
    };
  }
  const lookups: Record<string, number> = {};
  for (const result of ['hit', 'absent', 'miss']) lookups[result] = await metric(url, 'marquee_user_state_lookups_total', { result }, text);
  const ms = async (n: string) => round((await metric(url, `marquee_nodejs_eventloop_lag_${n}_seconds`, {}, text)) * 1000, 2);
  return {
    fallbacks: await metric(url, 'marquee_feed_fallbacks_total', {}, text),
    gc,
    lookups,
    loop: { meanMs: await ms('mean'), p50Ms: await ms('p50'), p99Ms: await ms('p99'), maxMs: await ms('max') },
  };
}

function phaseApiFigures(
  before: Awaited<ReturnType<typeof apiCounters>>,
  after: Awaited<ReturnType<typeof apiCounters>>,
): Pick<PhaseResult, 'eventLoopDelay' | 'gc' | 'userState'> & { fallbacks: number } {
  const byKind: Record<string, { count: number; totalMs: number }> = {};
  let count = 0;
  let totalMs = 0;
  for (const k of Object.keys(after.gc)) {
    const c = after.gc[k].count - before.gc[k].count;
    const t = round((after.gc[k].sum - before.gc[k].sum) * 1000, 1);
    if (c) byKind[k] = { count: c, totalMs: t };
    count += c;
    totalMs += t;
  }
  return {
    fallbacks: after.fallbacks - before.fallbacks,
    eventLoopDelay: after.loop,
    gc: { count, totalMs: round(totalMs, 1), byKind },
    userState: {
      hits: after.lookups.hit - before.lookups.hit,
      absent: after.lookups.absent - before.lookups.absent,
      misses: after.lookups.miss - before.lookups.miss,
    },
  };
}

/** Where a phase sends its load: the API, or the bare baseline. */
interface Target {
  url: string;
  pid: number;
  api: ApiProcess | null;
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
  return JSON.stringify({
    query: mode === 'personalized' ? FEED_QUERY : STATIC_QUERY,
    variables: { u: userId, c: { locale: 'en', platform: PLATFORMS[i % 3], appVersion: '5.2.0', tier: 'free' } },
  });
}

async function phase(
  target: Target,
  seeded: Seeded,
  users: Users,
  mode: FeedMode,
  kind: PhaseResult['kind'],
  seconds: number,
  connections: number,
  rate: number | null,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  let graphqlErrors = 0;
  let i = 0;
  const api = target.api;
  const counters0 = api ? await apiCounters(api.url) : null;
  const cpu0 = cpuMs(target.pid);
  const db0 = api ? await dbBackendsCpu(api.databaseUrl) : null;
  const m0 = machineCpu();
  const u0 = process.cpuUsage();
  const instance = autocannon({
    url: `${target.url}/graphql`,
    method: 'POST',
    connections,
    duration: seconds,
    timeout: 10,
    headers: { 'content-type': 'application/json', 'x-api-key': seeded.apiKey },
    ...(rate ? { overallRate: rate } : {}),
    requests: [
      {
        // The bare server ignores the body; it must not use up the user ids that have stored profiles.
        setupRequest: (req) => ({ ...req, body: mode === 'bare' ? '{}' : body(mode, users.next(), i++) }),
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
  const cpu1 = cpuMs(target.pid);
  const m1 = machineCpu();
  const figures = api && counters0 ? phaseApiFigures(counters0, await apiCounters(api.url)) : null;
  await sleep(250); // let the last feed-log flush (every 200 ms) land in this phase
  const db = api ? cpuDelta(db0, await dbBackendsCpu(api.databaseUrl)) : null;
  const fallbacks = mode === 'personalized' && figures ? figures.fallbacks : null;
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
    exact: {
      p50Ms: round(percentile(latencies, 0.5), 2),
      p90Ms: round(percentile(latencies, 0.9), 2),
      p99Ms: round(percentile(latencies, 0.99), 2),
      maxMs: round(percentile(latencies, 1), 2),
    },
    errors: r.errors,
    non2xx: r.non2xx,
    graphqlErrors,
    fallbacks,
    apiCpuMsPerRequest: cpu0 !== null && cpu1 !== null && requests ? round((cpu1 - cpu0) / requests, 3) : null,
    dbCpuMsPerRequest: db !== null && requests ? round(db / requests, 3) : null,
    clientCpuMsPerRequest: requests ? round((u1.user + u1.system) / 1000 / requests, 3) : 0,
    machineBusy: m0 && m1 ? round((m1.busy - m0.busy) / (m1.total - m0.total), 3) : null,
    eventLoopDelay: figures?.eventLoopDelay ?? null,
    gc: figures?.gc ?? null,
    userState: mode === 'personalized' ? (figures?.userState ?? null) : null,
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
  const counters0 = await apiCounters(api.url);
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
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-api-key': seeded.apiKey },
          },
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
  const figures = phaseApiFigures(counters0, await apiCounters(api.url));
  await sleep(250);
  const db = cpuDelta(db0, await dbBackendsCpu(api.databaseUrl));
  const fallbacks = mode === 'personalized' ? figures.fallbacks : null;
  const ex = {
    p50Ms: round(percentile(latencies, 0.5), 2),
    p90Ms: round(percentile(latencies, 0.9), 2),
    p99Ms: round(percentile(latencies, 0.99), 2),
    maxMs: round(percentile(latencies, 1), 2),
  };
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
    eventLoopDelay: figures.eventLoopDelay,
    gc: figures.gc,
    userState: mode === 'personalized' ? figures.userState : null,
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
  if (p.feed.items.length !== SLOTS || s.editorialFeed.items.length !== SLOTS)
    throw new Error(`Expected ${SLOTS} items, got ${p.feed.items.length} personalized and ${s.editorialFeed.items.length} static.`);
  const reasons: Record<string, number> = {};
  for (const it of p.feed.items) reasons[it.reason] = (reasons[it.reason] ?? 0) + 1;
  if (reasons.FALLBACK)
    throw new Error(`The personalized feed still answered from the fallback after 20 tries: ${JSON.stringify(reasons)}\n${api.output().slice(-3000)}`);
  return { personalizedReasons: reasons, policyVersion: p.feed.policyVersion };
}

/** One paced (open-loop) run of the personalized feed at a share of its measured maximum. */
export interface RateSummary {
  share: number;
  rate: number;
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  fallbacks: number | null;
  fallbackShare: number | null;
  eventLoopDelay: PhaseResult['eventLoopDelay'];
  gc: PhaseResult['gc'];
}

export interface FeedBenchResult {
  options: FeedBenchOptions;
  check: { personalizedReasons: Record<string, number>; policyVersion: string };
  bare: { bytes: number; note: string };
  phases: PhaseResult[];
  throughput: {
    bare: number;
    personalized: number;
    static: number;
    /** Personalized ÷ bare node:http, the issue 10 target (≥ 0.08). */
    ratioToBare: number;
    staticRatioToBare: number;
    /** Personalized ÷ editorial (the earlier target, 0.7). */
    ratio: number;
    perRound: { bare: number; static: number; personalized: number; ratioToBare: number; ratio: number }[];
    personalizedExcludingFallbacks: number;
    ratioExcludingFallbacks: number;
  };
  latencyUnderLoad: {
    personalized: NonNullable<PhaseResult['autocannon']>;
    static: NonNullable<PhaseResult['autocannon']>;
    bare: NonNullable<PhaseResult['autocannon']>;
  };
  /** Paced runs at 50% and 70% of the personalized maximum, and the editorial feed at the same 50% rate. */
  atShare: { half: RateSummary; seventy: RateSummary; staticHalf: RateSummary };
  cpuPerRequest: {
    personalizedMs: number | null;
    staticMs: number | null;
    bareMs: number | null;
    ratio: number | null;
    dbPersonalizedMs: number | null;
    dbStaticMs: number | null;
  };
  fallbackShareUnderLoad: number;
  userState: { hits: number; absent: number; misses: number; hitRate: number | null };
  users: { issued: number; withStoredProfile: number };
}

/** The bytes one real personalized feed answers with, for the bare baseline to send. */
async function feedBody(api: ApiProcess, seeded: Seeded, users: Users): Promise<Buffer> {
  const res = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': seeded.apiKey },
    body: body('personalized', users.next(), 0),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200 || buf.subarray(0, 10).toString() === '{"errors":')
    throw new Error(`The feed did not answer for the bare baseline's body: ${res.status} ${buf.subarray(0, 300).toString()}`);
  return buf;
}

export async function benchFeed(
  api: ApiProcess,
  seeded: Seeded,
  o: FeedBenchOptions = DEFAULT_FEED_OPTIONS,
  users = new Users(seeded),
): Promise<FeedBenchResult> {
  const checked = await check(api, seeded, users);
  log(`feed: checked both queries (personalized reasons ${JSON.stringify(checked.personalizedReasons)})`);
  const bare: BareServer = await startBare(await feedBody(api, seeded, users));
  log(`feed: bare node:http baseline at ${bare.url} answers the same ${bare.bytes} bytes`);
  const targets: Record<FeedMode, Target> = {
    personalized: { url: api.url, pid: api.pid, api },
    static: { url: api.url, pid: api.pid, api },
    bare: { url: bare.url, pid: bare.pid, api: null },
  };
  const phases: PhaseResult[] = [];
  const show = (r: PhaseResult) => {
    const loop = r.eventLoopDelay ? `  loop p99 ${r.eventLoopDelay.p99Ms} max ${r.eventLoopDelay.maxMs} ms` : '';
    const gc = r.gc ? `  gc ${r.gc.count}× ${r.gc.totalMs} ms` : '';
    const us = r.userState ? `  user state hit/absent/miss ${r.userState.hits}/${r.userState.absent}/${r.userState.misses}` : '';
    log(
      `feed: ${r.kind.padEnd(10)} ${r.mode.padEnd(12)} ${String(r.requestsPerSecond).padStart(7)} req/s  p50 ${r.exact.p50Ms} ms  p99 ${r.exact.p99Ms} ms` +
        `${r.fallbacks ? `  fallbacks ${r.fallbacks}` : ''}${r.graphqlErrors || r.non2xx || r.errors ? `  ERRORS gql=${r.graphqlErrors} non2xx=${r.non2xx} net=${r.errors}` : ''}  cpu ${r.apiCpuMsPerRequest} ms/req${loop}${gc}${us}`,
    );
  };
  const run = async (mode: FeedMode, kind: PhaseResult['kind'], seconds: number) => {
    const r = await phase(targets[mode], seeded, users, mode, kind, seconds, o.connections, null);
    phases.push(r);
    show(r);
    await sleep(500);
    return r;
  };
  try {
    await run('bare', 'warmup', 2);
    await run('static', 'warmup', o.warmupSeconds);
    await run('personalized', 'warmup', o.warmupSeconds);
    // Rotate the order each round so drift in the machine's load falls on every side alike.
    const perRound: FeedBenchResult['throughput']['perRound'] = [];
    const orders: FeedMode[][] = [
      ['bare', 'static', 'personalized'],
      ['personalized', 'static', 'bare'],
      ['static', 'personalized', 'bare'],
    ];
    for (let k = 0; k < o.rounds; k++) {
      const got: Partial<Record<FeedMode, PhaseResult>> = {};
      for (const mode of orders[k % orders.length]) got[mode] = await run(mode, 'throughput', o.seconds);
      const [b, st, p] = [got.bare!.requestsPerSecond, got.static!.requestsPerSecond, got.personalized!.requestsPerSecond];
      perRound.push({ bare: b, static: st, personalized: p, ratioToBare: round(p / b, 4), ratio: round(p / st, 3) });
    }
    const sum = (mode: FeedMode, f: (p: PhaseResult) => number) =>
      phases.filter((p) => p.kind === 'throughput' && p.mode === mode).reduce((a, p) => a + f(p), 0);
    const rps = (mode: FeedMode) => round(sum(mode, (p) => p.requests) / sum(mode, (p) => p.seconds), 1);
    const max = rps('personalized');

    const pacedAt = async (mode: FeedMode, share: number): Promise<RateSummary> => {
      const rate = Math.max(1, Math.round(max * share));
      const r = await paced(api, seeded, users, mode, o.fixedSeconds, rate);
      phases.push(r);
      show(r);
      await sleep(500);
      return {
        share,
        rate,
        achievedRate: r.requestsPerSecond,
        p50Ms: r.exact.p50Ms,
        p99Ms: r.exact.p99Ms,
        maxMs: r.exact.maxMs,
        requests: r.requests,
        fallbacks: r.fallbacks,
        fallbackShare: r.fallbacks === null ? null : round(r.fallbacks / Math.max(1, r.requests), 5),
        eventLoopDelay: r.eventLoopDelay,
        gc: r.gc,
      };
    };
    const half = await pacedAt('personalized', 0.5);
    const seventy = await pacedAt('personalized', 0.7);
    const staticHalf = await pacedAt('static', 0.5);

    const cpu = (mode: FeedMode, f: (p: PhaseResult) => number | null = (p) => p.apiCpuMsPerRequest) => {
      const ps = phases.filter((p) => p.kind === 'throughput' && p.mode === mode && f(p) !== null);
      return ps.length ? round(ps.reduce((a, p) => a + f(p)! * p.requests, 0) / ps.reduce((a, p) => a + p.requests, 0), 3) : null;
    };
    const worst = (mode: FeedMode) => {
      const ps = phases.filter((p) => p.kind === 'throughput' && p.mode === mode);
      // Pooled percentiles are not available from autocannon's summaries; report the round with the higher p99.
      return ps.reduce((a, b) => (b.autocannon!.p99Ms > a.autocannon!.p99Ms ? b : a)).autocannon!;
    };
    const fb = phases.filter((p) => p.kind === 'throughput' && p.mode === 'personalized').reduce((a, p) => a + (p.fallbacks ?? 0), 0);
    const cp = cpu('personalized');
    const cs = cpu('static');
    const us = phases
      .filter((p) => p.mode === 'personalized' && p.userState)
      .reduce((a, p) => ({ hits: a.hits + p.userState!.hits, absent: a.absent + p.userState!.absent, misses: a.misses + p.userState!.misses }), {
        hits: 0,
        absent: 0,
        misses: 0,
      });
    const lookups = us.hits + us.absent + us.misses;
    return {
      options: o,
      check: checked,
      bare: {
        bytes: bare.bytes,
        note: 'a bare node:http server in its own process, answering every request with the bytes of one real personalized feed response',
      },
      phases,
      throughput: {
        bare: rps('bare'),
        personalized: max,
        static: rps('static'),
        ratioToBare: round(max / rps('bare'), 4),
        staticRatioToBare: round(rps('static') / rps('bare'), 4),
        ratio: round(max / rps('static'), 3),
        perRound,
        personalizedExcludingFallbacks: round((sum('personalized', (p) => p.requests) - fb) / sum('personalized', (p) => p.seconds), 1),
        ratioExcludingFallbacks: round((sum('personalized', (p) => p.requests) - fb) / sum('personalized', (p) => p.seconds) / rps('static'), 3),
      },
      latencyUnderLoad: { personalized: worst('personalized'), static: worst('static'), bare: worst('bare') },
      atShare: { half, seventy, staticHalf },
      cpuPerRequest: {
        personalizedMs: cp,
        staticMs: cs,
        bareMs: cpu('bare'),
        ratio: cp && cs ? round(cp / cs, 3) : null,
        dbPersonalizedMs: cpu('personalized', (p) => p.dbCpuMsPerRequest),
        dbStaticMs: cpu('static', (p) => p.dbCpuMsPerRequest),
      },
      fallbackShareUnderLoad: round(
        fb /
          Math.max(
            1,
            sum('personalized', (p) => p.requests),
          ),
        4,
      ),
      userState: { ...us, hitRate: lookups ? round((us.hits + us.absent) / lookups, 4) : null },
      users: { issued: users.issued, withStoredProfile: users.withProfile },
    };
  } finally {
    await bare.stop();
  }
}
