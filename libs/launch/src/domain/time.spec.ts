import fc from 'fast-check';
import { DateTime } from 'luxon';
import { canonicalLocalTime, canonicalTimeZone, resolveLocalTime } from './time';

// Zones with DST (both hemispheres), a 30-minute DST shift, a 45-minute offset, and zones without DST.
const ZONES = [
  'America/Los_Angeles',
  'Europe/Amsterdam',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'UTC',
  'America/St_Johns',
];

/**
 * Brute force: every instant within ±30 h whose wall clock in the zone reads `local`. Independent of the resolver.
 * Every offset in these zones is a multiple of 15 minutes, so stepping by 15 minutes from the naive UTC reading
 * visits every candidate.
 */
function instantsShowing(local: string, zone: string): number[] {
  const [d, t] = local.split('T');
  const base = Date.parse(`${d}T${t}:00Z`);
  const out: number[] = [];
  for (let ms = base - 30 * 3600_000; ms <= base + 30 * 3600_000; ms += 15 * 60_000) {
    if (DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm") === local) out.push(ms);
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');

describe('resolveLocalTime', () => {
  it('Amsterdam 11:00 is 09:00 UTC in summer and 10:00 UTC in winter (Strapi #24727)', () => {
    expect(resolveLocalTime('2026-07-01T11:00', 'Europe/Amsterdam')).toMatchObject({
      kind: 'ok',
      instant: new Date('2026-07-01T09:00:00Z'),
      offsetMinutes: 120,
    });
    expect(resolveLocalTime('2026-01-15T11:00', 'Europe/Amsterdam')).toMatchObject({ kind: 'ok', instant: new Date('2026-01-15T10:00:00Z') });
  });

  it('rejects a time in the spring-forward gap and names the next valid time', () => {
    const r = resolveLocalTime('2026-03-08T02:30', 'America/Los_Angeles');
    expect(r.kind).toBe('gap');
    if (r.kind !== 'gap') return;
    expect(r.message).toMatch(/does not exist in America\/Los_Angeles.*from 03:00 on/);
    expect(r.nextValid).toEqual(new Date('2026-03-08T10:00:00Z'));
  });

  it('asks which offset for a time in the fall-back overlap', () => {
    const r = resolveLocalTime('2026-11-01T01:30', 'America/Los_Angeles');
    expect(r.kind).toBe('ambiguous');
    if (r.kind !== 'ambiguous') return;
    expect(r.options.map((o) => [o.offsetMinutes, o.instant.toISOString()])).toEqual([
      [-420, '2026-11-01T08:30:00.000Z'],
      [-480, '2026-11-01T09:30:00.000Z'],
    ]);
  });

  it('handles a 30-minute DST shift (Lord Howe)', () => {
    expect(resolveLocalTime('2026-10-04T02:15', 'Australia/Lord_Howe').kind).toBe('gap');
    expect(resolveLocalTime('2026-04-05T01:45', 'Australia/Lord_Howe').kind).toBe('ambiguous');
  });

  it('rejects unknown zones and impossible dates', () => {
    expect(resolveLocalTime('2026-07-01T11:00', 'Mars/Olympus')).toMatchObject({ kind: 'invalid', field: 'timeZone' });
    expect(resolveLocalTime('2026-02-30T11:00', 'UTC')).toMatchObject({ kind: 'invalid', field: 'localDateTime' });
    expect(resolveLocalTime('tomorrow at noon', 'UTC')).toMatchObject({ kind: 'invalid', field: 'localDateTime' });
  });

  it('refuses a time after the year 9999 in UTC (it would be written back as a 6-digit year)', () => {
    expect(resolveLocalTime('9999-12-31T23:59', 'Etc/GMT+12')).toMatchObject({
      kind: 'invalid',
      field: 'localDateTime',
      message: expect.stringMatching(/after the year 9999/),
    });
    expect(resolveLocalTime('9999-12-31T11:59', 'Etc/GMT+12')).toMatchObject({ kind: 'ok' });
  });

  it('names a zone and a local time in one spelling, whatever was typed', () => {
    expect(['europe/berlin', 'EUROPE/BERLIN', 'Europe/Berlin'].map(canonicalTimeZone)).toEqual(['Europe/Berlin', 'Europe/Berlin', 'Europe/Berlin']);
    // A link keeps its name (Intl would answer America/Buenos_Aires, not what the editor chose).
    expect(canonicalTimeZone('America/Argentina/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires');
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
    expect(canonicalLocalTime(' 2027-06-01 10:00 ')).toBe('2027-06-01T10:00');
    expect(canonicalLocalTime('2027-06-01T10:00:30')).toBe('2027-06-01T10:00:30');
    expect(canonicalLocalTime('2027-06-01')).toBeNull();
  });

  it('agrees with a brute-force scan for random zones and times, including DST edges', () => {
    // Days around the 2026 transitions of the zones above, plus random days.
    const transitionDays = ['2026-03-08', '2026-11-01', '2026-03-29', '2026-10-25', '2026-04-05', '2026-10-04', '2026-09-27'];
    const day = fc.oneof(
      fc.constantFrom(...transitionDays),
      fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    );
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), day, fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 1, 15, 30, 45, 59), (zone, d, h, m) => {
        const local = `${d}T${pad(h)}:${pad(m)}`;
        const truth = instantsShowing(local, zone);
        const r = resolveLocalTime(local, zone);
        if (truth.length === 0) return r.kind === 'gap';
        if (truth.length === 1) return r.kind === 'ok' && r.instant.getTime() === truth[0];
        return r.kind === 'ambiguous' && r.options.map((o) => o.instant.getTime()).join() === truth.join();
      }),
      { numRuns: 300, seed: 20261127 },
    );
  });
});
