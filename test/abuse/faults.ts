import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiHandle, Credentials } from '../support/stack';
import { Workflow } from '../support/launch-helpers';
import { sleep } from './http';
import { LoadClient, PhaseCounts } from './load';
import { Report, say } from './report';
import { AbuseStack } from './stack';

/**
 * Faults during load: a steady feed and trackEvents load runs the whole time while the suite kills the API during
 * ingest, kills the worker inside a launch, stops PostgreSQL, and flushes Redis, each with a launch due during the
 * fault. Processes run on their documented defaults (no interval is shortened for the test).
 */
export type Fault = 'api-kill' | 'worker-kill' | 'pg-stop' | 'redis-flush';
export const ALL_FAULTS: Fault[] = ['api-kill', 'worker-kill', 'pg-stop', 'redis-flush'];

export interface FaultOptions {
  faults: Fault[];
  outageSeconds: number;
  feedsPerSecond: number;
  tracksPerSecond: number;
  /** Largest lateness after recovery a launch may have. */
  maxLateSeconds: number;
  /** A stack to share (not for worker-kill, which needs the pause file set at start); by default its own. */
  stack?: AbuseStack;
  log?: (line: string) => void;
}

interface LaunchOutcome {
  fault: Fault;
  releaseId: string;
  dueAt: number;
  recoveredAt: number;
  status: string;
  launchedAt: number | null;
  lateAfterRecoveryMs: number | null;
  note?: string;
}

// Live demo items that no course and no fallback order needs: each launch unpublishes one of them.
const UNPUBLISH: Record<string, string> = {
  'worker-kill': 'desk-reset',
  'pg-stop': 'anxiety-sos',
  'redis-flush': 'gratitude-pause',
  'api-kill': 'ocean-drift',
};

/** Polls `fn` until it gives a truthy value (returned) or the deadline passes (null); errors count as not yet. */
async function until<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 200): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v as T;
    if (Date.now() > deadline) return null;
    await sleep(everyMs);
  }
}

export async function faultPhase(report: Report, o: FaultOptions): Promise<void> {
  const G = 'faults';
  const log = o.log ?? say;
  // The pause point (libs/launch test hook) only acts while this file exists: it holds the worker inside the launch
  // transaction, the instant the SIGKILL lands.
  const pauseFile = join(tmpdir(), `marquee-abuse-pause-${process.pid}-${randomBytes(4).toString('hex')}`);
  if (o.stack && o.faults.includes('worker-kill'))
    throw new Error('worker-kill needs a stack of its own (MARQUEE_TEST_PAUSE_FILE is set when the worker starts)');
  const stack = o.stack ?? (await AbuseStack.up({ env: { MARQUEE_TEST_PAUSE_FILE: pauseFile } }));
  const load = new LoadClient(() => stack.url, stack.seeded.apiKey, {
    feedsPerSecond: o.feedsPerSecond,
    tracksPerSecond: o.tracksPerSecond,
    surface: 'home',
    maxInFlight: 64,
  });
  const outcomes: LaunchOutcome[] = [];
  /** When each fault started and ended (UTC time of day), to line failures up with them. */
  const marks: string[] = [];
  const mark = (what: string) => marks.push(`${new Date().toISOString().slice(11, 23)} ${what}`);
  const readyAfter: Record<string, number | null> = {};
  try {
    const admin: Credentials = { token: await stack.adminToken() };
    const wf = new Workflow({ url: stack.url } as ApiHandle, admin, admin);
    const itemId = async (slug: string) => stack.db(async (c) => (await c.query('SELECT id FROM items WHERE slug = $1', [slug])).rows[0].id as string);
    const schedule = async (fault: Fault, secondsAhead: number) => {
      const rel = await wf.release(`abuse ${fault}`, [await itemId(UNPUBLISH[fault])], 'UNPUBLISH');
      const { scheduledAt } = await wf.scheduleIn(rel, secondsAhead, 'UTC');
      return { rel, dueAt: new Date(scheduledAt).getTime() };
    };
    const launched = async (releaseId: string, timeoutMs: number) =>
      until(
        () =>
          stack.db(async (c) => {
            const r = (await c.query('SELECT status, launched_at FROM releases WHERE id = $1', [releaseId])).rows[0];
            return r && r.status !== 'scheduled' ? { status: r.status as string, launchedAt: r.launched_at ? new Date(r.launched_at).getTime() : null } : null;
          }),
        timeoutMs,
        250,
      );
    const waitReady = async (from: number, timeoutMs = 60000) =>
      until(async () => ((await fetch(`${stack.url}/health/ready`, { signal: AbortSignal.timeout(2000) })).ok ? Date.now() - from : null), timeoutMs, 250);
    const record = async (fault: Fault, rel: string, dueAt: number, recoveredAt: number, waitMs: number, note?: string) => {
      const r = await launched(rel, waitMs);
      const late = r?.launchedAt ? r.launchedAt - Math.max(dueAt, recoveredAt) : null;
      outcomes.push({
        fault,
        releaseId: rel,
        dueAt,
        recoveredAt,
        status: r?.status ?? 'scheduled',
        launchedAt: r?.launchedAt ?? null,
        lateAfterRecoveryMs: late,
        note,
      });
      log(`faults: ${fault}: launch ${r?.status ?? 'still scheduled'}${late !== null ? `, ${(late / 1000).toFixed(1)} s after recovery` : ''}`);
    };

    load.start();
    await until(async () => load.totals().feedsOk > 20, 30000);
    await sleep(3000);

    for (const fault of o.faults) {
      load.phase = fault;
      log(`faults: ${fault}`);
      if (fault === 'api-kill') {
        await sleep(3000);
        const at = Date.now();
        load.apiDown(at);
        mark('API SIGKILL');
        await stack.api.stop('SIGKILL');
        await stack.startApi();
        load.apiUp(Date.now());
        mark('API ready again');
        readyAfter[fault] = Date.now() - at;
        await sleep(3000);
      }
      if (fault === 'worker-kill') {
        writeFileSync(pauseFile, 'hold');
        const { rel, dueAt } = await schedule(fault, 8);
        const reached = await until(async () => existsSync(`${pauseFile}.reached`), dueAt - Date.now() + 30000);
        mark('worker SIGKILL');
        await stack.worker.stop('SIGKILL');
        rmSync(pauseFile, { force: true });
        rmSync(`${pauseFile}.reached`, { force: true });
        await stack.startWorker();
        const recoveredAt = Date.now();
        mark('worker processing again');
        await record(fault, rel, dueAt, recoveredAt, 60000, reached ? 'killed inside the launch transaction' : 'the launch never started before the kill');
        readyAfter[fault] = await waitReady(recoveredAt);
      }
      if (fault === 'pg-stop') {
        // Due mid-outage, with room for a slow scheduleRelease on a busy machine (the server wants >= 5 s ahead).
        const { rel, dueAt } = await schedule(fault, Math.max(8, Math.round(o.outageSeconds / 2) + 4));
        await sleep(1000);
        const stoppedAt = Date.now();
        mark('PostgreSQL stop');
        await stack.pg.halt('fast');
        await sleep(o.outageSeconds * 1000); // the outage itself
        await stack.pg.resume();
        const recoveredAt = Date.now();
        mark('PostgreSQL up again');
        load.phase = 'pg-recovery';
        log(`faults: PostgreSQL was down ${((recoveredAt - stoppedAt) / 1000).toFixed(1)} s`);
        readyAfter[fault] = await waitReady(recoveredAt);
        await record(fault, rel, dueAt, recoveredAt, 60000);
      }
      if (fault === 'redis-flush') {
        const { rel, dueAt } = await schedule(fault, 15);
        await sleep(3000);
        const at = Date.now();
        mark('Redis FLUSHALL');
        await stack.redis.flushAll();
        readyAfter[fault] = await waitReady(at);
        await record(fault, rel, dueAt, at, dueAt - Date.now() + 40000);
      }
      await sleep(2000);
    }
    load.phase = 'after';
    await sleep(3000);
    load.stop();
    const unanswered = await load.drain(60000);

    // Every event the API answered as stored must be in PostgreSQL (an implementation may buffer: poll).
    const ids = [...load.stored];
    let missing: string[] = ids;
    await until(
      async () => {
        const found = new Set<string>();
        for (let i = 0; i < ids.length; i += 5000) {
          const chunk = ids.slice(i, i + 5000);
          const rows = await stack.db((c) => c.query('SELECT event_id FROM engagement_events WHERE event_id = ANY($1)', [chunk]));
          for (const r of rows.rows) found.add(r.event_id);
        }
        missing = ids.filter((id) => !found.has(id));
        return missing.length === 0;
      },
      60000,
      1000,
    );
    const counts = await stack.db(async (c) =>
      Object.fromEntries(
        (
          await c.query(
            `SELECT r.id, r.status,
               (SELECT count(*)::int FROM release_events e WHERE e.release_id = r.id AND e.kind = 'launched') AS events,
               (SELECT count(*)::int FROM audit_log a WHERE a.action = 'release.launched' AND a.entity_id = r.id::text) AS audits
             FROM releases r WHERE r.id = ANY($1)`,
            [outcomes.map((x) => x.releaseId)],
          )
        ).rows.map((r) => [r.id, r]),
      ),
    );

    const t = load.totals();
    const perPhase = Object.fromEntries(Object.entries(load.phases).map(([k, v]) => [k, compact(v)]));
    report.figure(G, {
      faults: o.faults,
      outageSeconds: o.outageSeconds,
      load: { feedsPerSecond: o.feedsPerSecond, tracksPerSecond: o.tracksPerSecond },
      perPhase,
      faultTimes: marks,
      eventsStored: ids.length,
      eventsRejected: load.rejected.size,
      retries: load.retries,
      skippedForInFlightCap: load.skipped,
      launches: outcomes,
      readyAfterMs: readyAfter,
    });
    report.atMost(G, `failed feeds (of ${t.feeds}; 200 with items, FALLBACK allowed)`, t.feedsFailed, 0, {
      ...Object.fromEntries(
        Object.entries(load.phases)
          .filter(([, v]) => v.feedsFailed)
          .map(([k, v]) => [k, { failed: v.feedsFailed, of: v.feeds, why: v.feedFailures, first: v.feedFailureTimes }]),
      ),
      faultTimes: marks,
    });
    if (o.faults.includes('pg-stop')) {
      const p = load.phases['pg-stop'];
      report.figure(G, { pgOutageFeeds: p ? { answered: p.feeds - p.feedsUnansweredWhileDown, fallback: p.fallbackFeeds, failed: p.feedsFailed } : null });
    }
    report.atMost(
      G,
      `event calls answered neither stored nor UNAVAILABLE (of ${t.trackCalls})`,
      t.trackOtherErrors,
      0,
      Object.fromEntries(
        Object.entries(load.phases)
          .filter(([, v]) => v.trackOtherErrors)
          .map(([k, v]) => [k, v.trackFailures]),
      ),
    );
    report.atMost(G, `accepted events lost (of ${ids.length} answered stored)`, missing.length, 0, missing.slice(0, 10));
    report.atMost(G, 'events never answered after recovery (+60 s of retries)', unanswered, 0);
    for (const x of outcomes) {
      const c = counts[x.releaseId] ?? { events: 0, audits: 0, status: x.status };
      const once = c.status === 'launched' && c.events === 1 && c.audits === 1;
      report.add(G, `${x.fault}: launch done exactly once`, `${c.status}, ${c.events} launch event(s)`, 'launched, 1', once, { ...x, ...c });
      const late = x.lateAfterRecoveryMs === null ? null : Math.round(x.lateAfterRecoveryMs / 100) / 10;
      // Never launched is not a speed figure: it fails the exactly-once check above too.
      report.add(
        G,
        `${x.fault}: launch seconds late after recovery`,
        late === null ? 'never' : late,
        `<= ${o.maxLateSeconds} s`,
        late !== null && late <= o.maxLateSeconds,
        x,
      ).timing = late !== null;
    }
    for (const [fault, ms] of Object.entries(readyAfter)) {
      report.add(
        G,
        `${fault}: /health/ready 200 again (s after recovery)`,
        ms === null ? 'never (60 s)' : Math.round(ms / 100) / 10,
        'back on its own',
        ms !== null,
      );
    }
  } finally {
    load.stop();
    rmSync(pauseFile, { force: true });
    rmSync(`${pauseFile}.reached`, { force: true });
    if (process.env.ABUSE_KEEP_LOGS) {
      writeFileSync('/tmp/abuse-faults-api.log', stack.api.output());
      writeFileSync('/tmp/abuse-faults-worker.log', stack.worker.output());
    }
    if (!o.stack) await stack.down();
  }
}

function compact(p: PhaseCounts) {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => (typeof v === 'number' ? v !== 0 : Object.keys(v).length > 0)));
}
