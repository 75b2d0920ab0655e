import { faultPhase } from '../abuse/faults';
import { fuzzPhase } from '../abuse/fuzz-phase';
import { limitsPhase } from '../abuse/limits';
import { Report } from '../abuse/report';
import { SSRF_ENV, ssrfPhase } from '../abuse/ssrf';
import { AbuseStack } from '../abuse/stack';

/**
 * The fast subset of the abuse and fault suite (`npm run test:abuse` runs all of it; test/abuse/README.md), on one
 * stack of its own (a PostgreSQL cluster and a Redis that may be stopped and flushed): one fault (PostgreSQL
 * stopped under load, with a launch due during the outage), five SSRF spellings through every URL input, the
 * sign-in and cross-key checks without the floods, then the fuzz with one generated case per operation and role
 * plus a few document attacks (last: it may break the demo data the other parts use). Speed figures (server time
 * of refusals, /health/live latency, launch lateness) are printed here but asserted only by `npm run test:abuse`.
 */
const report = new Report();
let stack: AbuseStack;

function expectNoFailures(group: string): void {
  const failed = report.failedIn(group, { timing: false });
  if (failed.length) throw new Error(`${failed.length} check(s) failed:\n${report.failures(failed)}`);
}

describe('abuse and fault suite (fast subset)', () => {
  beforeAll(async () => {
    stack = await AbuseStack.up({ env: SSRF_ENV });
  }, 120_000);
  afterAll(async () => {
    await stack?.down();
    process.stdout.write(`\n${report.table()}\n\n`);
  });

  it('PostgreSQL stopped 10 s under load: feeds answer, no accepted event lost, the launch happens once, ready again', async () => {
    await faultPhase(report, { stack, faults: ['pg-stop'], outageSeconds: 10, feedsPerSecond: 20, tracksPerSecond: 10, maxLateSeconds: 10 });
    expectNoFailures('faults');
  }, 180_000);

  it('SSRF: no URL input reaches a listener on this machine', async () => {
    await ssrfPhase(report, { stack, redirects: false, spellings: ['dotted', 'hex', 'ipv4-mapped', 'ipv6-loopback', 'name-localhost'], settleMs: 30000 });
    expectNoFailures('ssrf');
  }, 180_000);

  it('sign-in guessing stays cut (spoofed address, Redis flush); a token works only with its own key', async () => {
    await limitsPhase(report, { stack, floods: false, floodSeconds: 0 });
    expectNoFailures('limits');
  }, 180_000);

  it('fuzz: no 5xx, no INTERNAL_SERVER_ERROR, no freeze, no half-written mutation, every refusal timed', async () => {
    await fuzzPhase(report, {
      stack,
      runsPerOperation: 1,
      documentRuns: 6,
      seed: 8,
      maxBombLevel: 29,
      timeoutMs: 10000,
      maxBodyBytes: 1_000_000,
      hygiene: 'variables',
    });
    expectNoFailures('fuzz');
  }, 240_000);
});
