/**
 * Time zones for scheduling and the calendar. The editor's zone is the browser's; releases carry their own IANA
 * zone; everything is stored as a UTC instant. All formatting goes through Intl with an explicit zone, never through
 * the Date getters, so a page shows the same moment the same way whatever the machine's zone.
 */

export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string, key: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const k = `${zone}|${key}`;
  let f = formatters.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, ...opts });
    formatters.set(k, f);
  }
  return f;
}

function toDate(at: string | number | Date): Date {
  return at instanceof Date ? at : new Date(at);
}

/** "Fri, Nov 27, 2026, 10:15:30 AM" in the zone (seconds only when they are not :00 or `seconds` is set). */
export function formatInZone(at: string | number | Date, zone: string, options: { seconds?: boolean; weekday?: boolean } = {}): string {
  const d = toDate(at);
  if (Number.isNaN(d.getTime())) return '—';
  const seconds = options.seconds ?? d.getUTCSeconds() !== 0;
  const weekday = options.weekday ?? true;
  return formatter(zone, `full-${seconds}-${weekday}`, {
    weekday: weekday ? 'short' : undefined,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: seconds ? '2-digit' : undefined,
  }).format(d);
}

/** "10:15 AM" in the zone. */
export function formatTimeInZone(at: string | number | Date, zone: string): string {
  return formatter(zone, 'time', { hour: 'numeric', minute: '2-digit' }).format(toDate(at));
}

/** "PST", "CET", or "GMT+1" where the zone has no abbreviation in English. */
export function zoneAbbreviation(at: string | number | Date, zone: string): string {
  const part = formatter(zone, 'abbr', { timeZoneName: 'short' })
    .formatToParts(toDate(at))
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? zone;
}

/** "UTC−08:00" at that instant (offsets change with daylight saving time). */
export function offsetLabel(at: string | number | Date, zone: string): string {
  let value = 'GMT';
  try {
    value =
      formatter(zone, 'offset', { timeZoneName: 'longOffset' })
        .formatToParts(toDate(at))
        .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  } catch {
    value = 'GMT';
  }
  const m = /GMT([+-]\d{2}:\d{2})?/.exec(value);
  return `UTC${m?.[1]?.replace('-', '−') ?? '+00:00'}`;
}

/** Minutes east of UTC at that instant. */
export function offsetMinutes(at: string | number | Date, zone: string): number {
  const m = /UTC([+−])(\d{2}):(\d{2})/.exec(offsetLabel(at, zone));
  if (!m) return 0;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '−' ? -v : v;
}

/** The wall-clock time of an instant in a zone, as `YYYY-MM-DDTHH:mm:ss` (what a datetime-local input holds). */
export function localDateTimeIn(at: string | number | Date, zone: string, withSeconds = true): string {
  const parts = formatter(zone, 'parts', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(toDate(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  const base = `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
  return withSeconds ? `${base}:${get('second')}` : base;
}

/** "America/Los_Angeles" → "Los Angeles"; "UTC" stays. */
export function zoneCity(zone: string): string {
  const last = zone.split('/').pop() ?? zone;
  return last.replace(/_/g, ' ');
}

export function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** "in 3 days", "in 2 h 5 min", "in 14 s", "5 min ago". */
export function formatCountdown(at: string | number | Date, now = Date.now()): string {
  const diff = toDate(at).getTime() - now;
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

export function addDays(day: Day, n: number): Day {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayIndex(day: Day): number {
  return (new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay() + 6) % 7;
}

export function startOfWeek(day: Day): Day {
  return addDays(day, -weekdayIndex(day));
}

/** The instant a calendar day starts in a zone (midnight, or the first minute after a DST jump). */
export function startOfDayInstant(day: Day, zone: string): Date {
  // Guess with the offset at noon that day, then correct once for a DST change in between.
  const noon = Date.UTC(day.y, day.m - 1, day.d, 12);
  let t = Date.UTC(day.y, day.m - 1, day.d) - offsetMinutes(noon, zone) * 60_000;
  t = Date.UTC(day.y, day.m - 1, day.d) - offsetMinutes(t, zone) * 60_000;
  return new Date(t);
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
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', ...options }).format(new Date(Date.UTC(day.y, day.m - 1, day.d, 12)));
}
