import fc from 'fast-check';
import { FakeClock } from '@marquee/platform-core';
import { decideLaunch, ReleaseSnapshot } from './launch-decision';

/**
 * A model of the scheduler with a fake clock: job deliveries arrive at random times (early, late, duplicated, from
 * old schedule revisions, from two workers), and the editor may reschedule. Whatever happens, a release launches at
 * most once, never before its instant, and exactly once if any delivery of its current revision arrives.
 */
describe('launch decision under random deliveries', () => {
  it('never launches early and never twice', () => {
    const delivery = fc.record({ at: fc.integer({ min: 0, max: 120_000 }), revisionOffset: fc.constantFrom(0, 0, 0, -1, 1) });
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 100_000 }),
        fc.array(delivery, { minLength: 1, maxLength: 12 }),
        fc.option(fc.record({ at: fc.integer({ min: 0, max: 60_000 }), to: fc.integer({ min: 1_000, max: 110_000 }) }), { nil: null }),
        (scheduledOffset, deliveries, reschedule) => {
          const clock = new FakeClock(Date.UTC(2026, 10, 27));
          const t0 = clock.nowMs();
          const release: ReleaseSnapshot = { status: 'scheduled', scheduledAt: new Date(t0 + scheduledOffset), scheduleRevision: 1 };
          const launches: number[] = [];
          type Ev = { at: number; revision: number } | { at: number; reschedule: number };
          const queue: Ev[] = deliveries.map((d) => ({ at: t0 + d.at, revision: 1 + d.revisionOffset }));
          if (reschedule) queue.push({ at: t0 + reschedule.at, reschedule: t0 + reschedule.to });
          let deliveredCurrent = false;
          let guard = 0;
          while (queue.length && guard++ < 1000) {
            queue.sort((a, b) => a.at - b.at);
            const ev = queue.shift()!;
            clock.set(Math.max(clock.nowMs(), ev.at));
            if ('reschedule' in ev) {
              if (release.status === 'scheduled' && ev.reschedule > clock.nowMs()) {
                release.scheduledAt = new Date(ev.reschedule);
                release.scheduleRevision += 1;
                queue.push({ at: ev.reschedule, revision: release.scheduleRevision }); // the new job
              }
              continue;
            }
            if (ev.revision === release.scheduleRevision) deliveredCurrent = true;
            const d = decideLaunch(release, ev.revision, clock.now());
            if (d.action === 'launch') {
              launches.push(clock.nowMs());
              release.status = 'launched';
            } else if (d.action === 'wait') {
              queue.push({ at: clock.nowMs() + d.delayMs, revision: ev.revision });
            }
          }
          if (launches.length > 1) return false;
          if (launches.length === 1 && launches[0] < release.scheduledAt!.getTime()) return false;
          if (deliveredCurrent && launches.length !== 1) return false;
          return true;
        },
      ),
      { numRuns: 2000, seed: 42 },
    );
  });

  it('skips jobs for other revisions or finished releases, with the reason', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    expect(decideLaunch({ status: 'launched', scheduledAt: now, scheduleRevision: 1 }, 1, now)).toEqual({ action: 'skip', reason: 'release is launched' });
    expect(decideLaunch({ status: 'scheduled', scheduledAt: now, scheduleRevision: 2 }, 1, now)).toMatchObject({ action: 'skip' });
    expect(decideLaunch({ status: 'scheduled', scheduledAt: new Date(now.getTime() + 500), scheduleRevision: 1 }, 1, now)).toEqual({
      action: 'wait',
      delayMs: 500,
    });
  });
});
