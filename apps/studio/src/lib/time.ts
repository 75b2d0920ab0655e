/**
 * Time zones for scheduling and the calendar. The editor's zone is the browser's; releases carry their own IANA
 * zone; everything is stored as a UTC instant. The zone math (offsets, wall-clock times, the start of a day across a
 * daylight-saving change) is luxon's, the same library the API schedules with; nothing here reads the Date getters,
 * so a page shows the same moment the same way whatever the machine's zone.
 */
import { DateTime, IANAZone, type DateTimeFormatOptions } from 'luxon';

const LOCALE = 'en-US';

export function browserZone(): string {
  return DateTime.local().zoneName || 'UTC';
}

function inZone(at: string | number | Date, zone: string): DateTime {
  const d = at instanceof Date ? DateTime.fromJSDate(at) : typeof at === 'number' ? DateTime.fromMillis(at) : DateTime.fromISO(at);
  return d.setZone(zone).setLocale(LOCALE);
}

/** "Fri, Nov 27, 2026, 10:15:30 AM" in the zone (seconds only when they are not :00 or `seconds` is set). */
export function formatInZone(at: string | number | Date, zone: string, options: { seconds?: boolean; weekday?: boolean } = {}): string {
  const d = inZone(at, zone);
  if (!d.isValid) return '—';
  const seconds = options.seconds ?? d.second !== 0;
  const format: DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' };
  if (options.weekday ?? true) format.weekday = 'short';
  if (seconds) format.second = '2-digit';
  return d.toLocaleString(format);
}

/** "10:15 AM" in the zone. */
export function formatTimeInZone(at: string | number | Date, zone: string): string {
  return inZone(at, zone).toLocaleString({ hour: 'numeric', minute: '2-digit' });
}

/** "PST", "CET", or "GMT+1" where the zone has no abbreviation in English. */
export function zoneAbbreviation(at: string | number | Date, zone: string): string {
  const d = inZone(at, zone);
  return (d.isValid && d.offsetNameShort) || zone;
}

/** "UTC−08:00" at that instant (offsets change with daylight saving time); an unknown zone reads as UTC. */
export function offsetLabel(at: string | number | Date, zone: string): string {
  const d = inZone(at, zone);
  return `UTC${d.isValid ? d.toFormat('ZZ').replace('-', '−') : '+00:00'}`;
}

/** Minutes east of UTC at that instant. */
export function offsetMinutes(at: string | number | Date, zone: string): number {
  const d = inZone(at, zone);
  return d.isValid ? d.offset : 0;
}

/** The wall-clock time of an instant in a zone, as `YYYY-MM-DDTHH:mm:ss` (what a datetime-local input holds). */
export function localDateTimeIn(at: string | number | Date, zone: string, withSeconds = true): string {
  return inZone(at, zone).toFormat(withSeconds ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm");
}

/** "America/Los_Angeles" → "Los Angeles"; "UTC" stays. */
export function zoneCity(zone: string): string {
  const last = zone.split('/').pop() ?? zone;
  return last.replace(/_/g, ' ');
}

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** "in 3 days", "in 2 h 5 min", "in 14 s", "5 min ago". */
export function formatCountdown(at: string | number | Date, now = Date.now()): string {
  const diff = inZone(at, 'UTC').toMillis() - now;
  const abs = Math.abs(diff);
  let text: string;
  if (abs < 60_000) text = `${Math.max(0, Math.round(abs / 1000))} s`;
  else if (abs < 3_600_000) text = `${Math.floor(abs / 60_000)} min${abs % 60_000 >= 1000 ? ` ${Math.floor((abs % 60_000) / 1000)} s` : ''}`;
  else if (abs < 86_400_000) text = `${Math.floor(abs / 3_600_000)} h ${Math.floor((abs % 3_600_000) / 60_000)} min`;
  else {
    const days = Math.floor(abs / 86_400_000);
    const hours = Math.floor((abs % 86_400_000) / 3_600_000);
    text = `${days} ${days === 1 ? 'day' : 'days'}${hours ? ` ${hours} h` : ''}`;
  }
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

/** Lateness and other short durations: "340 ms", "1.2 s", "2 min 5 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m} min${s ? ` ${s} s` : ''}`;
}

/* ---------- Calendar days in the editor's zone ---------- */

/** A calendar day, independent of any zone. */
export interface Day {
  y: number;
  m: number; // 1-12
  d: number;
}

export function dayKey(day: Day): string {
  return `${day.y}-${String(day.m).padStart(2, '0')}-${String(day.d).padStart(2, '0')}`;
}

export function dayOf(at: string | number | Date, zone: string): Day {
  const [y, m, d] = localDateTimeIn(at, zone, false).slice(0, 10).split('-').map(Number);
  return { y, m, d };
}

function utcDay(day: Day): DateTime {
  return DateTime.utc(day.y, day.m, day.d);
}

export function addDays(day: Day, n: number): Day {
  const t = utcDay(day).plus({ days: n });
  return { y: t.year, m: t.month, d: t.day };
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayIndex(day: Day): number {
  return utcDay(day).weekday - 1;
}

export function startOfWeek(day: Day): Day {
  return addDays(day, -weekdayIndex(day));
}

/** The instant a calendar day starts in a zone (midnight, or the first minute after a DST jump). */
export function startOfDayInstant(day: Day, zone: string): Date {
  return DateTime.fromObject({ year: day.y, month: day.m, day: day.d }, { zone }).startOf('day').toJSDate();
}

export function sameDay(a: Day, b: Day): boolean {
  return a.y === b.y && a.m === b.m && a.d === b.d;
}

export function parseDayKey(key: string | null | undefined): Day | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key ?? '');
  if (!m) return null;
  const day = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
  return dayKey(addDays(day, 0)) === key ? day : null;
}

export function formatDay(day: Day, options: Intl.DateTimeFormatOptions): string {
  return utcDay(day).set({ hour: 12 }).setLocale(LOCALE).toLocaleString(options);
}
