import { DateTime, IANAZone } from 'luxon';

/** What a local time in a zone can be: one instant, a DST gap, a DST overlap (two instants), or not a time at all. */
export const LOCAL_TIME_KINDS = ['ok', 'gap', 'ambiguous', 'invalid'] as const;
export type LocalTimeKind = (typeof LOCAL_TIME_KINDS)[number];

/**
 * Turning "the editor's wall-clock time in a zone" into one UTC instant. Wall-clock times in a DST gap do not exist
 * and are refused; those in a DST overlap happen twice and need the editor to pick the offset. Luxon alone would
 * silently shift a gap time and pick one side of an overlap, which is how releases end up firing at the wrong hour.
 */
export type LocalTimeResolution =
  | { kind: 'ok'; instant: Date; offsetMinutes: number }
  | { kind: 'gap'; message: string; nextValid: Date }
  | { kind: 'ambiguous'; message: string; options: { offsetMinutes: number; instant: Date; label: string }[] }
  | { kind: 'invalid'; field: 'timeZone' | 'localDateTime'; message: string };

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

function isValidTimeZone(zone: string): boolean {
  return typeof zone === 'string' && zone.length <= 64 && IANAZone.isValidZone(zone);
}

/**
 * A valid zone's canonical spelling ("europe/berlin" → "Europe/Berlin"), as stored and shown; null if it is not one.
 * IANA names are matched case-insensitively, so a release would otherwise keep whatever casing was typed. Only the
 * casing changes: a link such as "America/Argentina/Buenos_Aires" or "US/Eastern" keeps its name (and, as it is
 * not in Intl's list of canonical zones, the casing it was typed in).
 */
export function canonicalTimeZone(zone: string): string | null {
  if (!isValidTimeZone(zone)) return null;
  zoneNames ??= new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
  return zoneNames.get(zone.toLowerCase()) ?? zone;
}
let zoneNames: Map<string, string> | undefined;

/** The local date-time in its one stored form, 2026-03-29T11:00 (or T11:00:30): a space or surrounding blanks are accepted on input. */
export function canonicalLocalTime(local: string): string | null {
  const m = LOCAL.exec(local?.trim() ?? '');
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}${m[6] ? `:${m[6]}` : ''}` : null;
}

/** The last instant a schedule may name: later ones would be written as 6-digit years that the API's DateTime refuses. */
const LAST_INSTANT_MS = Date.parse('9999-12-31T23:59:59.999Z');

function wallClock(instantMs: number, zone: string) {
  const d = DateTime.fromMillis(instantMs, { zone });
  return { year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute, second: d.second, offset: d.offset };
}

export function formatOffset(min: number): string {
  const sign = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export function resolveLocalTime(local: string, zone: string): LocalTimeResolution {
  if (!isValidTimeZone(zone)) {
    return { kind: 'invalid', field: 'timeZone', message: `"${zone}" is not an IANA time zone. Use a name like "Europe/Amsterdam" or "America/Los_Angeles".` };
  }
  const m = LOCAL.exec(local?.trim() ?? '');
  if (!m) return { kind: 'invalid', field: 'localDateTime', message: `"${local}" is not a local date-time. Use the form 2026-03-29T11:00.` };
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(asUtc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return { kind: 'invalid', field: 'localDateTime', message: `${local} is not a real date and time.` };
  }
  // Every offset the zone uses within a day of this time; real transitions never span more than that.
  const offsets = new Set<number>();
  for (let h = -36; h <= 36; h += 3) offsets.add(wallClock(asUtc + h * 3600_000, zone).offset);
  const matches: { offsetMinutes: number; instant: Date }[] = [];
  for (const off of offsets) {
    const instant = asUtc - off * 60_000;
    const w = wallClock(instant, zone);
    if (w.offset === off && w.year === year && w.month === month && w.day === day && w.hour === hour && w.minute === minute && w.second === second) {
      matches.push({ offsetMinutes: off, instant: new Date(instant) });
    }
  }
  matches.sort((a, b) => a.instant.getTime() - b.instant.getTime());
  if (matches.some((x) => x.instant.getTime() > LAST_INSTANT_MS)) {
    return { kind: 'invalid', field: 'localDateTime', message: `${local} in ${zone} is after the year 9999 in UTC. Choose an earlier date.` };
  }
  if (matches.length === 1) return { kind: 'ok', instant: matches[0].instant, offsetMinutes: matches[0].offsetMinutes };
  if (matches.length === 0) {
    // The clocks jump over this time; the first valid minute after it is where they land.
    let probe = asUtc - Math.max(...offsets) * 60_000;
    while (DateTime.fromMillis(probe, { zone }).toFormat("yyyy-MM-dd'T'HH:mm") < `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`) probe += 60_000;
    const next = DateTime.fromMillis(probe, { zone });
    return {
      kind: 'gap',
      message: `${local} does not exist in ${zone}: the clocks jump forward that night (daylight saving time starts). Choose a time before the jump or from ${next.toFormat('HH:mm')} on.`,
      nextValid: next.toJSDate(),
    };
  }
  const options = matches.map((x) => ({ ...x, label: `${local} ${formatOffset(x.offsetMinutes)} (${x === matches[0] ? 'first' : 'second'} occurrence)` }));
  return {
    kind: 'ambiguous',
    message: `${local} happens twice in ${zone}: the clocks go back that night. Choose the offset: ${options.map((o) => formatOffset(o.offsetMinutes)).join(' or ')}.`,
    options,
  };
}

/** The same instant as wall-clock text in a zone, e.g. for "11:00 Europe/Amsterdam · 10:00 UTC". */
export function formatInZone(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
}

/** What a local time in a zone means, in one flat shape (the `resolveScheduleTime` answer): the instant, or why not. */
export function describeLocalTime(
  local: string,
  zone: string,
): { kind: LocalTimeKind; instant: Date | null; message: string | null; options: { offsetMinutes: number; instant: Date; label: string }[] } {
  const r = resolveLocalTime(local, zone);
  if (r.kind === 'ok') return { kind: 'ok', instant: r.instant, message: null, options: [] };
  if (r.kind === 'ambiguous') return { kind: 'ambiguous', instant: null, message: r.message, options: r.options };
  return { kind: r.kind, instant: null, message: r.message, options: [] };
}
