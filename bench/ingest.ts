/**
 * Ingest: `trackEvents` over HTTP in batches of 500 from a few concurrent clients, against raw COPY of the same
 * logical rows into the same tables (`engagement_event_ids` and `engagement_events`), on the same database.
 * Tokens come from real `feed` responses. Called by run-all.ts, which owns the stack.
 */
import { Client } from 'pg';
import { Placement, readPlacement } from '../libs/events/src/tracking-token';
import { from as copyFrom } from 'pg-copy-streams';
import { percentile, round, log } from './lib/common';
import { cpuMs, machineCpu } from './lib/proc';
import { ApiProcess, cpuDelta, dbBackendsCpu, gql, withClient } from './lib/stack';
import { Seeded } from './lib/seed';
import { FEED_QUERY, Users } from './feed-http';

export interface IngestOptions {
  clients: number;
  batch: number;
  warmupSeconds: number;
  /** trackEvents and the COPY baseline alternate this many times (order swapped each round), so drift in the machine's load falls on both. */
  rounds: number;
  /** trackEvents seconds per round. */
  seconds: number;
  /** Rows per COPY transaction in the raw baseline (one COPY per table per transaction). */
  copyChunk: number;
  /** Rows loaded by the raw COPY baseline per round. */
  copyRows: number;
}

export const DEFAULT_INGEST_OPTIONS: IngestOptions = { clients: 4, batch: 500, warmupSeconds: 3, rounds: 2, seconds: 8, copyChunk: 10_000, copyRows: 150_000 };

const TRACK = 'mutation($e: [EngagementEventInput!]!) { trackEvents(events: $e) { accepted duplicates rejected { index code } } }';

export interface Token {
  token: string;
  placement: Placement;
}

export async function collectTokens(api: ApiProcess, seeded: Seeded, users: Users, feeds: number): Promise<Token[]> {
  const out: Token[] = [];
  for (let k = 0; k < feeds; k++) {
    const d = await gql<{ feed: { items: { trackingToken: string }[] } }>(api.url, seeded.apiKey, FEED_QUERY, {
      u: users.next(),
      c: { locale: 'en', platform: 'web', appVersion: '5.2.0', tier: 'free' },
    });
    for (const it of d.feed.items) {
      // The placement inside the token (either token version), for the raw COPY baseline's rows.
      const placement = readPlacement(it.trackingToken);
      if (!placement)
        throw new Error(`ingest: the feed returned a tracking token this benchmark cannot read (${it.trackingToken.slice(0, 40)}…); update readPlacement.`);
      out.push({ token: it.trackingToken, placement });
    }
  }
  return out;
}

export interface HttpRun {
  seconds: number;
  batches: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  failedRequests: number;
  eventsPerSecond: number;
  /** Events accepted in each whole second of the run: sustained means the slowest second too. */
  perSecond: number[];
  batchLatency: { p50Ms: number; p99Ms: number; maxMs: number };
  apiCpuMsPer1000Events: number | null;
  /** CPU of the PostgreSQL backends serving this database, per 1,000 events stored. */
  dbCpuMsPer1000Events: number | null;
  /** CPU of this benchmark process (the HTTP clients share the machine), per 1,000 events. */
  clientCpuMsPer1000Events: number;
  machineBusy: number | null;
}

export async function httpRun(
  api: ApiProcess,
  seeded: Seeded,
  tokens: Token[],
  o: IngestOptions,
  seconds: number,
  tag: string,
  latencySink: number[] = [],
): Promise<HttpRun> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const perSecond: number[] = [];
  const latencies: number[] = [];
  let accepted = 0;
  let duplicates = 0;
  let rejected = 0;
  let failed = 0;
  let batches = 0;
  let firstProblem: string | null = null;
  const cpu0 = cpuMs(api.pid);
  const db0 = await dbBackendsCpu(api.databaseUrl);
  const m0 = machineCpu();
  const u0 = process.cpuUsage();
  const client = async (c: number) => {
    let seq = 0;
    while (performance.now() < deadline) {
      const at = new Date().toISOString();
      const events = new Array(o.batch);
      for (let k = 0; k < o.batch; k++) {
        const t = tokens[(seq * 7 + k + c * 131) % tokens.length];
        events[k] = { eventId: `${tag}-${c}-${seq}-${k}`, type: 'IMPRESSION', trackingToken: t.token, occurredAt: at };
      }
      seq++;
      const t0 = performance.now();
      try {
        const res = await fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': seeded.apiKey },
          body: JSON.stringify({ query: TRACK, variables: { e: events } }),
        });
        const b = (await res.json()) as {
          data?: { trackEvents: { accepted: number; duplicates: number; rejected: { index: number; code: string }[] } };
          errors?: unknown;
        };
        const t1 = performance.now();
        if (!b.data) {
          failed++;
          firstProblem ??= JSON.stringify(b.errors ?? b).slice(0, 500);
          continue;
        }
        const r = b.data.trackEvents;
        if (r.rejected.length) firstProblem ??= JSON.stringify(r.rejected.slice(0, 3));
        accepted += r.accepted;
        duplicates += r.duplicates;
        rejected += r.rejected.length;
        batches++;
        latencies.push(t1 - t0);
        latencySink.push(t1 - t0);
        const s = Math.floor((t1 - started) / 1000);
        if (t1 <= deadline) perSecond[s] = (perSecond[s] ?? 0) + r.accepted;
      } catch (e) {
        failed++;
        firstProblem ??= (e as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: o.clients }, (_, c) => client(c)));
  const elapsed = (performance.now() - started) / 1000;
  const u1 = process.cpuUsage(u0);
  const cpu1 = cpuMs(api.pid);
  const m1 = machineCpu();
  const db = cpuDelta(db0, await dbBackendsCpu(api.databaseUrl));
  if (firstProblem) log(`ingest: problem: ${firstProblem}`);
  return {
    seconds: round(elapsed, 2),
    batches,
    accepted,
    duplicates,
    rejected,
    failedRequests: failed,
    eventsPerSecond: Math.round(accepted / elapsed),
    perSecond: Array.from({ length: Math.floor(seconds) }, (_, s) => perSecond[s] ?? 0),
    batchLatency: { p50Ms: round(percentile(latencies, 0.5), 1), p99Ms: round(percentile(latencies, 0.99), 1), maxMs: round(percentile(latencies, 1), 1) },
    apiCpuMsPer1000Events: cpu0 !== null && cpu1 !== null && accepted ? round(((cpu1 - cpu0) / accepted) * 1000, 2) : null,
    dbCpuMsPer1000Events: db !== null && accepted ? round((db / accepted) * 1000, 2) : null,
    clientCpuMsPer1000Events: accepted ? round(((u1.user + u1.system) / 1000 / accepted) * 1000, 2) : 0,
    machineBusy: m0 && m1 ? round((m1.busy - m0.busy) / (m1.total - m0.total), 3) : null,
  };
}

function copyText(v: string | null): string {
  if (v === null) return '\\N';
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function writeAll(stream: NodeJS.WritableStream & { on(e: 'finish' | 'error', f: (e?: Error) => void): unknown }, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end(text);
  });
}

interface CopyRun {
  rows: number;
  chunk: number;
  connections: number;
  seconds: number;
  rowsPerSecond: number;
  dbCpuMsPer1000Rows: number | null;
}

/**
 * The raw baseline: the same logical rows as trackEvents stores (one engagement_event_ids row and one
 * engagement_events row per event, every column trackEvents writes), loaded with COPY FROM STDIN on `clients`
 * connections, `chunk` rows per transaction. Plain COPY: no ON CONFLICT deduplication, no token checks, no HTTP.
 */
async function copyRun(databaseUrl: string, seeded: Seeded, tokens: Token[], o: IngestOptions, rows: number, chunk: number, tag: string): Promise<CopyRun> {
  const perClient = Math.ceil(rows / o.clients);
  // The COPY text is built before the clock starts, so the baseline measures PostgreSQL, not this process's string
  // building; and before the connections open, so a fault here is reported as itself.
  const at = new Date().toISOString();
  const work = Array.from({ length: o.clients }, (_, c) => {
    const chunks: { n: number; ids: string; evs: string }[] = [];
    for (let done = 0; done < perClient; done += chunk) {
      const n = Math.min(chunk, perClient - done);
      let ids = '';
      let evs = '';
      for (let k = 0; k < n; k++) {
        const id = `${tag}-${c}-${done + k}`;
        const p = tokens[(done + k + c * 131) % tokens.length].placement;
        ids += `${id}\n`;
        evs += `${id}\tIMPRESSION\t${at}\t\\N\t${copyText(p.requestId)}\t${copyText(p.surface)}\t${copyText(p.userId)}\t${p.itemId}\t${p.position}\t${p.propensity}\t${copyText(p.reason)}\t${copyText(p.policyVersion)}\t${new Date(p.servedAt).toISOString()}\t${seeded.apiKeyId}\n`;
      }
      chunks.push({ n, ids, evs });
    }
    return chunks;
  });
  const conns: Client[] = [];
  for (let c = 0; c < o.clients; c++) {
    const cl = new Client({ connectionString: databaseUrl });
    // Without a listener, a connection PostgreSQL terminates (57P01 from another session) crashes the whole bench;
    // with one, the COPY in flight rejects and this phase reports the error.
    cl.on('error', (e) => log(`ingest: a COPY connection failed (${e.message}); this run's COPY baseline is void, run the bench again.`));
    await cl.connect();
    conns.push(cl);
  }
  const db0 = await dbBackendsCpu(databaseUrl);
  const started = performance.now();
  let total = 0;
  let db: number | null = null;
  try {
    await Promise.all(
      conns.map(async (cl, c) => {
        for (const { n, ids, evs } of work[c]) {
          await cl.query('BEGIN');
          await writeAll(cl.query(copyFrom('COPY engagement_event_ids (event_id) FROM STDIN')), ids);
          await writeAll(
            cl.query(
              copyFrom(
                'COPY engagement_events (event_id, type, occurred_at, value, request_id, surface, user_id, item_id, position, propensity, reason, policy_version, served_at, api_key_id) FROM STDIN',
              ),
            ),
            evs,
          );
          await cl.query('COMMIT');
          total += n;
        }
      }),
    );
    db = cpuDelta(db0, await dbBackendsCpu(databaseUrl));
  } finally {
    await Promise.all(conns.map((cl) => cl.end()));
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    rows: total,
    chunk,
    connections: o.clients,
    seconds: round(seconds, 2),
    rowsPerSecond: Math.round(total / seconds),
    dbCpuMsPer1000Rows: db !== null ? round((db / total) * 1000, 2) : null,
  };
}

export interface IngestRound {
  order: string;
  trackEvents: HttpRun;
  copy: CopyRun;
  ratio: number;
}

export interface IngestResult {
  options: IngestOptions;
  tokens: number;
  warmup: HttpRun;
  rounds: IngestRound[];
  trackEvents: {
    seconds: number;
    accepted: number;
    rejected: number;
    failedRequests: number;
    eventsPerSecond: number;
    /** Events accepted in each whole second, rounds one after the other. */
    perSecond: number[];
    slowestSecond: number;
    batchLatency: { p50Ms: number; p99Ms: number; maxMs: number };
    apiCpuMsPer1000Events: number | null;
    dbCpuMsPer1000Events: number | null;
  };
  copy: { rows: number; seconds: number; rowsPerSecond: number; chunk: number; connections: number; dbCpuMsPer1000Rows: number | null };
  copyBatch500: CopyRun;
  ratio: number;
  perRoundRatios: number[];
  ratioToCopyBatch500: number;
  stored: { events: number; eventIds: number; expected: number };
}

export async function benchIngest(
  api: ApiProcess,
  seeded: Seeded,
  databaseUrl: string,
  users: Users,
  o: IngestOptions = DEFAULT_INGEST_OPTIONS,
): Promise<IngestResult> {
  const tokens = await collectTokens(api, seeded, users, 25);
  log(`ingest: ${tokens.length} tracking tokens from ${tokens.length / 20} feed responses`);
  const tag = `b${Date.now().toString(36)}`;
  const warmup = await httpRun(api, seeded, tokens, o, o.warmupSeconds, `${tag}w`);
  log(`ingest: warm-up ${warmup.eventsPerSecond} events/s`);
  const rounds: IngestRound[] = [];
  const latencies: number[] = [];
  for (let k = 0; k < o.rounds; k++) {
    let track: HttpRun | null = null;
    let copy: CopyRun | null = null;
    const doTrack = async () => {
      track = await httpRun(api, seeded, tokens, o, o.seconds, `${tag}t${k}`, latencies);
      log(
        `ingest: round ${k + 1} trackEvents ${track.eventsPerSecond} events/s (slowest second ${Math.min(...track.perSecond)}), batch p50 ${track.batchLatency.p50Ms} ms p99 ${track.batchLatency.p99Ms} ms`,
      );
    };
    const doCopy = async () => {
      copy = await copyRun(databaseUrl, seeded, tokens, o, o.copyRows, o.copyChunk, `${tag}c${k}`);
      log(`ingest: round ${k + 1} raw COPY ${copy.rowsPerSecond} rows/s (${copy.rows} rows, ${copy.chunk} per transaction, ${copy.connections} connections)`);
    };
    if (k % 2 === 0) {
      await doCopy();
      await doTrack();
    } else {
      await doTrack();
      await doCopy();
    }
    const t = track as unknown as HttpRun;
    const c = copy as unknown as CopyRun;
    rounds.push({
      order: k % 2 === 0 ? 'COPY, then trackEvents' : 'trackEvents, then COPY',
      trackEvents: t,
      copy: c,
      ratio: round(t.eventsPerSecond / c.rowsPerSecond, 3),
    });
  }
  const copy500 = await copyRun(databaseUrl, seeded, tokens, o, Math.min(o.copyRows, 100_000), o.batch, `${tag}s`);
  log(`ingest: COPY in ${o.batch}-row transactions ${copy500.rowsPerSecond} rows/s`);

  const tr = rounds.map((r) => r.trackEvents);
  const accepted = tr.reduce((a, r) => a + r.accepted, 0);
  const seconds = tr.reduce((a, r) => a + r.seconds, 0);
  const cpus = tr.filter((r) => r.apiCpuMsPer1000Events !== null);
  const dbs = tr.filter((r) => r.dbCpuMsPer1000Events !== null);
  const copyDbs = rounds.filter((r) => r.copy.dbCpuMsPer1000Rows !== null);
  const perSecond = tr.flatMap((r) => r.perSecond);
  const trackEvents = {
    seconds: round(seconds, 2),
    accepted,
    rejected: tr.reduce((a, r) => a + r.rejected, 0),
    failedRequests: tr.reduce((a, r) => a + r.failedRequests, 0),
    eventsPerSecond: Math.round(accepted / seconds),
    perSecond,
    slowestSecond: Math.min(...perSecond),
    batchLatency: { p50Ms: round(percentile(latencies, 0.5), 1), p99Ms: round(percentile(latencies, 0.99), 1), maxMs: round(percentile(latencies, 1), 1) },
    apiCpuMsPer1000Events: cpus.length === tr.length ? round(cpus.reduce((a, r) => a + r.apiCpuMsPer1000Events! * r.accepted, 0) / accepted, 2) : null,
    dbCpuMsPer1000Events: dbs.length === tr.length ? round(dbs.reduce((a, r) => a + r.dbCpuMsPer1000Events! * r.accepted, 0) / accepted, 2) : null,
  };
  const copyRows = rounds.reduce((a, r) => a + r.copy.rows, 0);
  const copySeconds = rounds.reduce((a, r) => a + r.copy.seconds, 0);
  const copy = {
    rows: copyRows,
    seconds: round(copySeconds, 2),
    rowsPerSecond: Math.round(copyRows / copySeconds),
    chunk: o.copyChunk,
    connections: o.clients,
    dbCpuMsPer1000Rows:
      copyDbs.length === rounds.length ? round(copyDbs.reduce((a, r) => a + r.copy.dbCpuMsPer1000Rows! * r.copy.rows, 0) / copyRows, 2) : null,
  };
  const stored = await withClient(databaseUrl, async (c) => {
    const e = await c.query<{ n: string }>('SELECT count(*) AS n FROM engagement_events');
    const i = await c.query<{ n: string }>('SELECT count(*) AS n FROM engagement_event_ids');
    return { events: Number(e.rows[0].n), eventIds: Number(i.rows[0].n), expected: warmup.accepted + accepted + copyRows + copy500.rows };
  });
  if (stored.events !== stored.expected) log(`ingest: WARNING stored ${stored.events} events, expected ${stored.expected}`);
  return {
    options: o,
    tokens: tokens.length,
    warmup,
    rounds,
    trackEvents,
    copy,
    copyBatch500: copy500,
    ratio: round(trackEvents.eventsPerSecond / copy.rowsPerSecond, 3),
    perRoundRatios: rounds.map((r) => r.ratio),
    ratioToCopyBatch500: round(trackEvents.eventsPerSecond / copy500.rowsPerSecond, 3),
    stored,
  };
}
