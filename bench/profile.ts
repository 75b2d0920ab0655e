/**
 * Where the API's time goes: runs it under `--cpu-prof`, drives the personalized feed, the static list and
 * trackEvents at full load one after the other, and attributes the samples of each window to functions and to
 * areas (GraphQL, Nest/Express, the ranking engine, token signing, PostgreSQL/Redis clients, GC).
 * Writes bench/results/profile.json. Not part of the default suite: `node dist/bench/run-all.js profile`.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Machine, RESULTS_DIR, log, round, sleep, table, writeResult } from './lib/common';
import { ApiProcess } from './lib/stack';
import { cpuMs } from './lib/proc';
import { Seeded, SLOTS, SURFACE_KEY } from './lib/seed';
import { FEED_QUERY, FeedMode, Users } from './feed-http';
import { collectTokens, DEFAULT_INGEST_OPTIONS, httpRun } from './ingest';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Coarse area of a frame, from its script URL and name. */
function area(f: CallFrame): string {
  const u = f.url;
  if (!u) {
    if (f.functionName === '(garbage collector)') return 'GC';
    if (f.functionName === '(idle)') return 'idle';
    if (f.functionName === '(program)') return 'V8/native (program)';
    return `native: ${f.functionName || '(anonymous)'}`;
  }
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (nm) return `npm: ${nm[1]}`;
  const lib = /\/dist\/libs\/([^/]+)\/src\/(.*?)(?:\/[^/]*)?\.js$/.exec(u);
  if (lib) return `marquee: libs/${lib[1]}/${lib[2].split('/')[0]}`;
  const app = /\/dist\/apps\/([^/]+)\//.exec(u);
  if (app) return `marquee: apps/${app[1]}`;
  if (u.startsWith('node:')) return `node: ${u.slice(5).split('/').slice(0, 2).join('/')}`;
  return u;
}

type Window = FeedMode | 'trackEvents';

interface WindowSummary {
  window: Window;
  /** Non-idle samples. V8 samples on wall-clock ticks, so on a shared machine they include time the process waited for a CPU. */
  samples: number;
  /** Requests (feed) or events (trackEvents) completed in the window. */
  units: number;
  unit: string;
  /** CPU time the API process really used per unit (from /proc, all threads), the profiler's own overhead included. */
  cpuMsPerUnit: number | null;
  byArea: { area: string; selfShare: number }[];
  topSelf: { fn: string; selfShare: number }[];
  /** Share of busy samples whose stack contains the function (inclusive time). */
  inclusive: { fn: string; share: number }[];
}

const INCLUSIVE = [
  ['FeedService.feed', /^feed$/, /placement\/src\/feed\/feed\.service/],
  ['FeedService.personalized', /^personalized$/, /feed\.service/],
  ['FeedService.editorial/fallback', /^(editorial|fallback)$/, /feed\.service/],
  ['buildSlate (ranking core)', /^buildSlate$/, /engine\/slate/],
  ['visibleFields (eligibility, 1,000 items)', /^visibleFields$/, /live-items/],
  ['buildUserFeatures', /^buildUserFeatures$/, /engine\/features/],
  ['FeedService.entry (response items)', /^entry$/, /feed\.service/],
  ['TrackingTokens.sign (HMAC)', /^sign$/, /tracking-token/],
  ['FeedLogWriter (batched log insert)', /^(push|flush|write)$/, /feed-log\.writer/],
  ['stickyGet/stickySet (Redis)', /^(stickyGet|stickySet)$/, /feed\.service/],
  ['graphql execute', /^(execute|executeOperation|executeFields|completeValue)$/, /node_modules\/graphql\/execution/],
  ['graphql parse/validate', /^(parse|validate)$/, /node_modules\/graphql\/(language|validation)/],
  ['Apollo Server request pipeline', /.*/, /node_modules\/@apollo\/server/],
  ['GraphQL edge (limits, input checks, cost)', /.*/, /platform-api\/src\/(limits|inputs|edge)/],
  ['Nest (guards, interceptors, params)', /.*/, /node_modules\/@nestjs\/(core|graphql)/],
  ['express + body parsing', /.*/, /node_modules\/(express|body-parser|router|raw-body)/],
  ['pg client', /.*/, /node_modules\/(pg|pg-protocol|pg-pool)\//],
  ['typeorm', /.*/, /node_modules\/typeorm/],
  ['ioredis', /.*/, /node_modules\/ioredis/],
  ['prom-client', /.*/, /node_modules\/prom-client/],
  ['JSON.stringify/parse', /^(stringify|parse)$/, /^$/],
  ['EventsService.track', /^track$/, /events\.service/],
  ['EventsService.insert', /^insert$/, /events\.service/],
  ['TrackingTokens.verify (HMAC + JSON)', /^verify$/, /tracking-token/],
  ['DateTime scalar', /^(parseValue|parseLiteral|serialize)$/, /platform-api/],
] as const;

function summarize(p: CpuProfile, w: { fromUs: number; toUs: number; cpuMs: number | null }, window: Window, units: number, unit: string): WindowSummary {
  const { fromUs, toUs } = w;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let t = p.startTime;
  let busy = 0;
  const incl = new Map<string, number>();
  for (let k = 0; k < p.samples.length; k++) {
    t += p.timeDeltas[k];
    if (t < fromUs || t > toUs) continue;
    const id = p.samples[k];
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    busy++;
    self.set(id, (self.get(id) ?? 0) + 1);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      for (const [label, fnRe, urlRe] of INCLUSIVE) {
        if (!seen.has(label) && fnRe.test(f.functionName) && urlRe.test(f.url)) seen.add(label);
      }
    }
    for (const s of seen) incl.set(s, (incl.get(s) ?? 0) + 1);
  }
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, n] of self) {
    const f = byId.get(id)!.callFrame;
    const a = area(f);
    areas.set(a, (areas.get(a) ?? 0) + n);
    const file = f.url ? f.url.replace(/^.*\/(node_modules|dist)\//, '$1/') : '';
    const key = `${f.functionName || '(anonymous)'} ${file}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + n);
  }
  const share = (n: number) => round(n / Math.max(1, busy), 4);
  return {
    window,
    samples: busy,
    units,
    unit,
    cpuMsPerUnit: units && w.cpuMs !== null ? round(w.cpuMs / units, 4) : null,
    byArea: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([a, n]) => ({ area: a, selfShare: share(n) })),
    topSelf: [...fns]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([fn, n]) => ({ fn, selfShare: share(n) })),
    inclusive: INCLUSIVE.map(([label]) => ({ fn: label, share: share(incl.get(label) ?? 0) }))
      .filter((x) => x.share > 0)
      .sort((a, b) => b.share - a.share),
  };
}

async function load(
  api: ApiProcess,
  seeded: Seeded,
  users: Users,
  mode: FeedMode,
  seconds: number,
): Promise<{ fromUs: number; toUs: number; cpuMs: number | null; requests: number }> {
  const query = mode === 'personalized' ? FEED_QUERY : FEED_QUERY.replace('feed(', 'editorialFeed(');
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const cpu0 = cpuMs(api.pid);
  let i = 0;
  const r = await autocannon({
    url: `${api.url}/graphql`,
    method: 'POST',
    connections: 8,
    duration: seconds,
    headers: { 'content-type': 'application/json', 'x-api-key': seeded.apiKey },
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({
            query,
            variables: { u: users.next(), c: { locale: 'en', platform: ['ios', 'android', 'web'][i++ % 3], appVersion: '5.2.0', tier: 'free' } },
          }),
        }),
      },
    ],
  });
  const cpu1 = cpuMs(api.pid);
  return { fromUs, toUs: Number(process.hrtime.bigint() / 1000n), cpuMs: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null, requests: r['2xx'] };
}

export async function profileApi(s: { seeded: Seeded; api: ApiProcess | null; env: { databaseUrl: string } }, m: Machine, at: string): Promise<string> {
  const api = s.api!;
  const users = new Users(s.seeded);
  log('profile: warm-up, then 12 s personalized feed, 12 s static list and 10 s trackEvents at full load under --cpu-prof');
  await load(api, s.seeded, users, 'personalized', 4);
  await load(api, s.seeded, users, 'static', 3);
  const tokens = await collectTokens(api, s.seeded, users, 25);
  await httpRun(api, s.seeded, tokens, DEFAULT_INGEST_OPTIONS, 3, `pw${Date.now().toString(36)}`);
  await sleep(300);
  const pw = await load(api, s.seeded, users, 'personalized', 12);
  await sleep(300);
  const sw = await load(api, s.seeded, users, 'static', 12);
  await sleep(300);
  const iFrom = Number(process.hrtime.bigint() / 1000n);
  const iCpu0 = cpuMs(api.pid);
  const ingest = await httpRun(api, s.seeded, tokens, DEFAULT_INGEST_OPTIONS, 10, `pi${Date.now().toString(36)}`);
  const iCpu1 = cpuMs(api.pid);
  const iw = { fromUs: iFrom, toUs: Number(process.hrtime.bigint() / 1000n), cpuMs: iCpu0 !== null && iCpu1 !== null ? iCpu1 - iCpu0 : null };
  const startedStop = Date.now();
  await api.stop();
  const dir = join(RESULTS_DIR, 'profiles');
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).mtimeMs >= startedStop - 60_000)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!file) throw new Error(`No .cpuprofile was written to ${dir}`);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const windows = [
    summarize(profile, pw, 'personalized', pw.requests, 'request'),
    summarize(profile, sw, 'static', sw.requests, 'request'),
    summarize(profile, iw, 'trackEvents', ingest.accepted, 'event'),
  ];
  const keep = process.env.BENCH_KEEP_PROFILE === '1';
  if (!keep) rmSync(file);
  for (const w of windows) {
    console.log(`\n${w.window}: ${w.units} ${w.unit}s, ${w.samples} non-idle samples, API CPU ${w.cpuMsPerUnit} ms per ${w.unit} (under the profiler)`);
    console.log(
      table(
        ['inclusive (stack contains)', 'share of busy samples'],
        w.inclusive.map((x) => [x.fn, `${round(x.share * 100, 1)}%`]),
      ),
    );
    console.log(
      table(
        ['area (self time)', 'share'],
        w.byArea.slice(0, 12).map((x) => [x.area, `${round(x.selfShare * 100, 1)}%`]),
      ),
    );
  }
  return writeResult('profile', {
    benchmark: 'profile',
    at,
    machine: m,
    slots: SLOTS,
    surface: SURFACE_KEY,
    note: 'Samples of the API process (node --cpu-prof) during each window at full load (feed: 8 connections; trackEvents: 4 clients × 500-event batches). Shares are of non-idle samples in the window; inclusive = the stack contained the frame (async continuations only show the frames since their last await).',
    profileFile: keep ? file : `${file} (deleted; set BENCH_KEEP_PROFILE=1 to keep it for Chrome DevTools)`,
    windows,
  });
}
