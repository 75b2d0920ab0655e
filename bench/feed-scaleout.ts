/**
 * The feed on every core: the personalized `feed` query against one API with API_PROCESSES = the machine's cores
 * (a node:cluster primary and one API process per core on one port) and against one API with API_PROCESSES=1, on the
 * same stack, in the same run, rounds alternating so drift in the machine's load falls on both. Issue 10's target:
 * one process per core ≥ 1.7× one process. Called by run-all.ts, which owns the stack (database, seed); this file
 * starts and stops its two APIs, each in a session of its own so the scheduler sees them apart from the load generator.
 *
 * The load generator, PostgreSQL and Redis share the machine's cores with the API, and on a shared machine so do other
 * tenants, so the ratio is bounded by the CPU the API can get: each phase reports the cores' worth of CPU the API's
 * processes got, every party's CPU per request, and throughput per core of API CPU.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import { log, round, sleep } from './lib/common';
import { cpuMs, machineCpu } from './lib/proc';
import { ApiProcess, BenchEnv, cpuDelta, dbBackendsCpu, startApi } from './lib/stack';
import { Seeded } from './lib/seed';
import { FEED_QUERY, Users } from './feed-http';

export interface ScaleoutOptions {
  /** Connections per API process: the single process gets this many, the cluster this many times its processes. */
  connectionsPerProcess: number;
  warmupSeconds: number;
  seconds: number;
  rounds: number;
  /** API processes of the multi-process API (default: the machine's cores, as API_PROCESSES defaults to). */
  processes: number;
}

// A long warm-up, and N times as long for N processes: each sees 1/N of the requests, and the API's CPU per request
// keeps falling for thousands of requests as V8 optimises it, so a colder process costs more per request.
export const DEFAULT_SCALEOUT_OPTIONS: ScaleoutOptions = {
  connectionsPerProcess: 4,
  warmupSeconds: 10,
  seconds: 8,
  rounds: 2,
  processes: availableParallelism(),
};

/**
 * How many cores' worth of CPU a service of `processes` busy processes in a session of its own gets right now: the
 * ceiling of any throughput ratio on this machine at this moment (other tenants, and Linux's autogroup scheduler,
 * which shares a busy machine between sessions, not processes). Spins for `ms`.
 */
export function probeCores(processes: number, ms: number): Promise<number> {
  // One process, which starts processes-1 copies of the same script in its session and adds up their CPU time.
  const script = `
    const { spawn } = require('node:child_process');
    const n = Number(process.env.PROBE_N), ms = Number(process.env.PROBE_MS);
    const spin = () => { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x++; const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
    if (process.env.PROBE_CHILD) {
      process.stdout.write(String(spin()));
    } else {
      const kids = Array.from({ length: n - 1 }, () => spawn(process.execPath, ['-e', process.env.PROBE_SCRIPT], { env: { ...process.env, PROBE_CHILD: '1' }, stdio: ['ignore', 'pipe', 'inherit'] }));
      const got = kids.map((k) => new Promise((r) => { let o = ''; k.stdout.on('data', (d) => (o += d)); k.on('exit', () => r(Number(o))); }));
      const mine = spin();
      Promise.all(got).then((c) => process.stdout.write(String(c.reduce((a, b) => a + b, mine))));
    }`;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const p = spawn(process.execPath, ['-e', script], {
      env: { ...process.env, PROBE_N: String(processes), PROBE_MS: String(ms), PROBE_SCRIPT: script },
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', () => resolve(round(Number(out) / Math.max(ms, Date.now() - started - 50), 3)));
  });
}

const PLATFORMS = ['ios', 'android', 'web'];

export interface ScaleoutPhase {
  api: 'single' | 'multi';
  kind: 'warmup' | 'throughput';
  processes: number;
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  /** Answers that were really personalized (not the editorial fallback of an exceeded budget) per second. */
  personalizedPerSecond: number;
  fallbacks: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  graphqlErrors: number;
  /** CPU per request of the API's processes (the primary included), PostgreSQL's backends, and the load generator. */
  apiCpuMsPerRequest: number | null;
  /** Cores' worth of CPU the API's processes got during the phase (CPU time ÷ wall time). */
  apiCores: number;
  /** Cores' worth of time the API's processes were ready to run but waited for a CPU (the scheduler's run queue). */
  apiRunqueueCores: number;
  dbCpuMsPerRequest: number | null;
  clientCpuMsPerRequest: number;
  /** Share of each API process's CPU time in the phase (the cluster: is the load spread?). */
  apiProcessCpuShares: number[];
  machineBusy: number | null;
}

export interface ScaleoutResult {
  options: ScaleoutOptions;
  phases: ScaleoutPhase[];
  single: { requestsPerSecond: number; personalizedPerSecond: number; fallbackShare: number; apiCores: number; apiCpuMsPerRequest: number | null };
  multi: {
    requestsPerSecond: number;
    personalizedPerSecond: number;
    fallbackShare: number;
    apiCores: number;
    apiCpuMsPerRequest: number | null;
    processes: number;
  };
  ratio: number;
  ratioPersonalized: number;
  perRoundRatios: number[];
  /**
   * Requests per second per core of CPU the API's processes got, and multi ÷ single: 1 means the processes add no
   * cost per request, so throughput follows the cores the API gets.
   */
  perApiCore: { single: number; multi: number; efficiency: number };
  /** probeCores before and after the rounds: cores a 1-process and an N-process service could get, and their ratio. */
  cpuCeiling: { oneProcessCores: number; nProcessCores: number; ratio: number };
  /**
   * The most the machine could serve if the API, PostgreSQL and the load generator used every core for nothing else,
   * from their CPU per request in the single-process phases, and that ÷ the single process's throughput.
   */
  machineBound: { requestsPerSecond: number | null; ratio: number | null; cpuMsPerRequest: { api: number | null; db: number | null; client: number } };
}

/** The API's processes: the primary (or the single process) and its children running the API. */
function apiPids(root: number): number[] {
  const out = [root];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === root) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

function cpuOf(pids: number[]): Map<number, number> {
  return new Map(pids.map((p) => [p, cpuMs(p) ?? 0]));
}

/** Time (ms) the processes spent runnable but waiting for a CPU, from /proc/<pid>/schedstat (Linux). */
function runqueueWaitMs(pids: number[]): number {
  let ns = 0;
  for (const p of pids) {
    try {
      ns += Number(readFileSync(`/proc/${p}/schedstat`, 'utf8').split(' ')[1]);
    } catch {
      // gone, or no schedstat
    }
  }
  return ns / 1e6;
}

async function phase(
  api: ApiProcess,
  which: 'single' | 'multi',
  processes: number,
  seeded: Seeded,
  users: Users,
  kind: ScaleoutPhase['kind'],
  seconds: number,
  connections: number,
): Promise<ScaleoutPhase> {
  let graphqlErrors = 0;
  // Counted from the answers themselves (an item with reason FALLBACK), not from /metrics, which needs a token in production.
  let fallbacks = 0;
  let i = 0;
  const pids = apiPids(api.pid);
  const cpu0 = cpuOf(pids);
  const wait0 = runqueueWaitMs(pids);
  const db0 = await dbBackendsCpu(api.databaseUrl);
  const m0 = machineCpu();
  const u0 = process.cpuUsage();
  const r = await autocannon({
    url: `${api.url}/graphql`,
    method: 'POST',
    connections,
    duration: seconds,
    timeout: 10,
    headers: { 'content-type': 'application/json', 'x-api-key': seeded.apiKey },
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({
            query: FEED_QUERY,
            variables: { u: users.next(), c: { locale: 'en', platform: PLATFORMS[i++ % 3], appVersion: '5.2.0', tier: 'free' } },
          }),
        }),
        onResponse: (status, text) => {
          if (status !== 200) return;
          if (text.startsWith('{"errors"')) graphqlErrors++;
          else if (text.includes('"reason":"FALLBACK"')) fallbacks++;
        },
      },
    ],
  });
  const u1 = process.cpuUsage(u0);
  const cpu1 = cpuOf(pids);
  const wait1 = runqueueWaitMs(pids);
  const m1 = machineCpu();
  await sleep(250); // the last feed-log flush (every 200 ms) belongs to this phase
  const db = cpuDelta(db0, await dbBackendsCpu(api.databaseUrl));
  const requests = r['2xx'] - graphqlErrors;
  const perProcess = pids.map((p) => (cpu1.get(p) ?? 0) - (cpu0.get(p) ?? 0));
  const apiCpu = perProcess.reduce((a, b) => a + b, 0);
  return {
    api: which,
    kind,
    processes,
    connections,
    seconds: round(r.duration, 2),
    requests,
    requestsPerSecond: round(requests / r.duration, 1),
    personalizedPerSecond: round((requests - fallbacks) / r.duration, 1),
    fallbacks,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
    graphqlErrors,
    apiCpuMsPerRequest: requests ? round(apiCpu / requests, 3) : null,
    apiCores: round(apiCpu / (r.duration * 1000), 3),
    apiRunqueueCores: round((wait1 - wait0) / (r.duration * 1000), 3),
    dbCpuMsPerRequest: db !== null && requests ? round(db / requests, 3) : null,
    clientCpuMsPerRequest: requests ? round((u1.user + u1.system) / 1000 / requests, 3) : 0,
    apiProcessCpuShares: apiCpu ? perProcess.map((c) => round(c / apiCpu, 3)) : [],
    machineBusy: m0 && m1 ? round((m1.busy - m0.busy) / (m1.total - m0.total), 3) : null,
  };
}

export async function benchScaleout(env: BenchEnv, seeded: Seeded, users: Users, o: ScaleoutOptions = DEFAULT_SCALEOUT_OPTIONS): Promise<ScaleoutResult> {
  log(`scaleout: starting an API with API_PROCESSES=1 and one with API_PROCESSES=${o.processes}, each in a session of its own`);
  const started: ApiProcess[] = [];
  // Processes in their own session do not get the terminal's Ctrl+C: make sure they end with this process.
  const killAll = () => started.forEach((a) => a.proc.kill('SIGKILL'));
  process.on('exit', killAll);
  const [single, multi] = await Promise.all([
    startApi(env, { API_PROCESSES: '1' }, [], { ownSession: true }).then((a) => (started.push(a), a)),
    startApi(env, { API_PROCESSES: String(o.processes) }, [], { ownSession: true }).then((a) => (started.push(a), a)),
  ]).catch(async (e) => {
    await Promise.all(started.map((a) => a.stop()));
    process.off('exit', killAll);
    throw e;
  });
  try {
    // Ready answers once one process listens; measure only once every one does.
    const deadline = Date.now() + 90_000;
    while (multi.output().split('Listening on').length - 1 < o.processes) {
      if (Date.now() > deadline)
        throw new Error(
          `Only ${multi.output().split('Listening on').length - 1} of ${o.processes} API processes listened within 90 s:\n${multi.output().slice(-4000)}`,
        );
      await sleep(200);
    }
    const phases: ScaleoutPhase[] = [];
    const run = async (which: 'single' | 'multi', kind: ScaleoutPhase['kind'], seconds: number) => {
      const api = which === 'single' ? single : multi;
      const processes = which === 'single' ? 1 : o.processes;
      const p = await phase(api, which, processes, seeded, users, kind, seconds, o.connectionsPerProcess * processes);
      phases.push(p);
      log(
        `scaleout: ${kind.padEnd(10)} ${`${processes} process(es)`.padEnd(14)} ${String(p.requestsPerSecond).padStart(7)} req/s (${p.personalizedPerSecond} personalized)  p50 ${p.p50Ms} ms  p99 ${p.p99Ms} ms` +
          `  api ${p.apiCpuMsPerRequest} ms/req on ${p.apiCores} cores, waiting for CPU ${p.apiRunqueueCores} (shares ${p.apiProcessCpuShares.join('/')}), db ${p.dbCpuMsPerRequest}, client ${p.clientCpuMsPerRequest}; machine busy ${p.machineBusy}` +
          `${p.errors || p.non2xx || p.graphqlErrors ? `  ERRORS net=${p.errors} non2xx=${p.non2xx} gql=${p.graphqlErrors}` : ''}`,
      );
      await sleep(500);
      return p;
    };
    const ceiling = { one: [] as number[], n: [] as number[] };
    const probe = async () => {
      ceiling.one.push(await probeCores(1, 2000));
      ceiling.n.push(await probeCores(o.processes, 2000));
      log(
        `scaleout: CPU a busy service can get now: ${ceiling.one[ceiling.one.length - 1]} cores with 1 process, ${ceiling.n[ceiling.n.length - 1]} with ${o.processes}`,
      );
    };
    await probe();
    await run('single', 'warmup', o.warmupSeconds);
    await run('multi', 'warmup', o.warmupSeconds * o.processes);
    const perRound: number[] = [];
    for (let k = 0; k < o.rounds; k++) {
      const order: ('single' | 'multi')[] = k % 2 === 0 ? ['single', 'multi'] : ['multi', 'single'];
      const got: Partial<Record<'single' | 'multi', ScaleoutPhase>> = {};
      for (const which of order) got[which] = await run(which, 'throughput', o.seconds);
      perRound.push(round(got.multi!.requestsPerSecond / got.single!.requestsPerSecond, 3));
    }
    await probe();
    const mean = (xs: number[]) => round(xs.reduce((a, b) => a + b, 0) / xs.length, 3);
    const pooled = (which: 'single' | 'multi') => {
      const ps = phases.filter((p) => p.kind === 'throughput' && p.api === which);
      const secs = ps.reduce((a, p) => a + p.seconds, 0);
      const req = ps.reduce((a, p) => a + p.requests, 0);
      const fb = ps.reduce((a, p) => a + p.fallbacks, 0);
      const weighted = (f: (p: ScaleoutPhase) => number | null) => {
        const with_ = ps.filter((p) => f(p) !== null);
        const n = with_.reduce((a, p) => a + p.requests, 0);
        return n ? round(with_.reduce((a, p) => a + f(p)! * p.requests, 0) / n, 3) : null;
      };
      return {
        requestsPerSecond: round(req / secs, 1),
        personalizedPerSecond: round((req - fb) / secs, 1),
        fallbackShare: round(fb / Math.max(1, req), 4),
        api: weighted((p) => p.apiCpuMsPerRequest),
        db: weighted((p) => p.dbCpuMsPerRequest),
        client: weighted((p) => p.clientCpuMsPerRequest) ?? 0,
        apiCores: round(ps.reduce((a, p) => a + p.apiCores * p.seconds, 0) / secs, 3),
      };
    };
    const s = pooled('single');
    const m = pooled('multi');
    const perRequest = s.api !== null && s.db !== null ? s.api + s.db + s.client : null;
    const boundRps = perRequest ? round((availableParallelism() * 1000) / perRequest, 1) : null;
    return {
      options: o,
      phases,
      single: {
        requestsPerSecond: s.requestsPerSecond,
        personalizedPerSecond: s.personalizedPerSecond,
        fallbackShare: s.fallbackShare,
        apiCores: s.apiCores,
        apiCpuMsPerRequest: s.api,
      },
      multi: {
        requestsPerSecond: m.requestsPerSecond,
        personalizedPerSecond: m.personalizedPerSecond,
        fallbackShare: m.fallbackShare,
        apiCores: m.apiCores,
        apiCpuMsPerRequest: m.api,
        processes: o.processes,
      },
      ratio: round(m.requestsPerSecond / s.requestsPerSecond, 3),
      ratioPersonalized: round(m.personalizedPerSecond / Math.max(0.1, s.personalizedPerSecond), 3),
      perRoundRatios: perRound,
      perApiCore: {
        single: round(s.requestsPerSecond / Math.max(0.001, s.apiCores), 1),
        multi: round(m.requestsPerSecond / Math.max(0.001, m.apiCores), 1),
        efficiency: round(m.requestsPerSecond / Math.max(0.001, m.apiCores) / (s.requestsPerSecond / Math.max(0.001, s.apiCores)), 3),
      },
      cpuCeiling: { oneProcessCores: mean(ceiling.one), nProcessCores: mean(ceiling.n), ratio: round(mean(ceiling.n) / mean(ceiling.one), 3) },
      machineBound: {
        requestsPerSecond: boundRps,
        ratio: boundRps ? round(boundRps / s.requestsPerSecond, 3) : null,
        cpuMsPerRequest: { api: s.api, db: s.db, client: s.client },
      },
    };
  } finally {
    await Promise.all([single.stop(), multi.stop()]);
    process.off('exit', killAll);
  }
}
