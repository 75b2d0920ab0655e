import { ALL_FAULTS, Fault, faultPhase } from './faults';
import { fuzzPhase } from './fuzz-phase';
import { limitsPhase } from './limits';
import { Report, say } from './report';
import { ssrfPhase } from './ssrf';

/**
 * `npm run test:abuse`: the abuse and fault suite in full (test/abuse/README.md). Each part brings up its own
 * PostgreSQL cluster, Redis and compiled processes, counts, and adds rows to one table, printed at the end and kept
 * in bench/results/abuse.json. Knobs: ABUSE_PARTS (fuzz,faults,ssrf,limits), ABUSE_SEED, ABUSE_FUZZ_RUNS (cases per
 * operation and role), ABUSE_FUZZ_DOCUMENTS (document attacks per role), ABUSE_OUTAGE_SECONDS.
 */
const env = (name: string, def: number) => (process.env[name] ? Number(process.env[name]) : def);
const parts = (process.env.ABUSE_PARTS ?? 'fuzz,faults,ssrf,limits').split(',').map((s) => s.trim());
const seed = env('ABUSE_SEED', 20261206);
const report = new Report();
const options = {
  fuzz: {
    runsPerOperation: env('ABUSE_FUZZ_RUNS', 6),
    documentRuns: env('ABUSE_FUZZ_DOCUMENTS', 120),
    seed,
    maxBombLevel: 29,
    timeoutMs: 10000,
    maxBodyBytes: 1_000_000,
    hygiene: 'full' as const,
  },
  faults: { faults: ALL_FAULTS as Fault[], outageSeconds: env('ABUSE_OUTAGE_SECONDS', 20), feedsPerSecond: 40, tracksPerSecond: 25, maxLateSeconds: 10 },
  ssrf: { redirects: true, settleMs: 45000 },
  limits: { floods: true, floodSeconds: 8 },
};

function assertGroup(group: string): void {
  const failed = report.failedIn(group);
  if (failed.length) throw new Error(`${failed.length} check(s) failed:\n${report.failures(failed)}`);
}

async function part(group: string, fn: () => Promise<unknown>): Promise<void> {
  say(`${group}: starting`);
  const started = Date.now();
  try {
    await fn();
  } catch (e) {
    // The part could not finish (a stack that would not start, a harness error): that is a failed check too.
    report.add(group, 'part ran to the end', 'no', 'yes', false, (e as Error).stack?.slice(0, 2000));
    throw e;
  } finally {
    report.figure(group, { partSeconds: Math.round((Date.now() - started) / 1000) });
    say(`${group}: done in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  assertGroup(group);
}

describe('abuse and fault suite', () => {
  afterAll(() => {
    process.stdout.write(`\n${report.table()}\n\n`);
    const file = report.write('abuse', { parts, options });
    process.stdout.write(`${report.failed.length ? `${report.failed.length} check(s) FAILED` : 'All checks passed'}; written to ${file}\n`);
  });

  (parts.includes('fuzz') ? it : it.skip)('GraphQL fuzz of every operation, for every role', () => part('fuzz', () => fuzzPhase(report, options.fuzz)));
  (parts.includes('faults') ? it : it.skip)('faults during load: API and worker killed, PostgreSQL stopped, Redis flushed', () =>
    part('faults', () => faultPhase(report, options.faults)),
  );
  (parts.includes('ssrf') ? it : it.skip)('server-side request forgery through every URL input', () => part('ssrf', () => ssrfPhase(report, options.ssrf)));
  (parts.includes('limits') ? it : it.skip)('limits: floods cut, sign-in guessing cut, tokens bound to their key', () =>
    part('limits', () => limitsPhase(report, options.limits)),
  );
});
