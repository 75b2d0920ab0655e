import { scaleBand, scaleLinear, type PickD3Scale } from '@visx/scale';

/**
 * The scales of the Studio's SVG charts, from visx (d3-scale underneath): linear with nice ticks, and bands for
 * days or categories. Each is wrapped as a function with its ticks and extent attached, the shape the charts use;
 * `visx` is the scale itself, for visx's axes and grids.
 */

export interface LinearScale {
  (v: number): number;
  ticks: number[];
  visx: PickD3Scale<'linear', number>;
}

/**
 * A linear scale whose domain is widened to whole ticks. `min` and `max` are the data's extent; a flat extent gets
 * some room around it, and a domain that starts at 0 stays there.
 */
export function linearScale(min: number, max: number, range: [number, number], count = 5): LinearScale {
  let lo = Number.isFinite(min) ? min : 0;
  let hi = Number.isFinite(max) ? max : 1;
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = hi === 0 ? 1 : Math.abs(hi) * 0.5;
    hi += pad;
    lo = lo === 0 ? 0 : lo - pad;
  }
  const scale = scaleLinear<number>({ domain: [lo, hi], range, nice: count });
  const f = ((v: number) => scale(v)) as LinearScale;
  f.ticks = scale.ticks(count);
  f.visx = scale;
  return f;
}

export interface BandScale {
  /** Left edge of the key's band. */
  (key: string): number;
  /** Centre of the key's band. */
  mid(key: string): number;
  bandwidth: number;
  step: number;
  keys: string[];
  /** The key under a pixel position, if any (for hovering). */
  at(x: number): string | undefined;
  visx: PickD3Scale<'band', number, string>;
}

export function bandScale(keys: string[], range: [number, number], paddingInner = 0.2, paddingOuter = 0.1): BandScale {
  const scale = scaleBand<string>({ domain: keys, range, paddingInner, paddingOuter });
  const step = scale.step();
  const bandwidth = scale.bandwidth();
  const start = keys.length ? (scale(keys[0]) ?? range[0]) : range[0];
  const f = ((k: string) => scale(k) ?? start) as BandScale;
  f.mid = (k: string) => f(k) + bandwidth / 2;
  f.bandwidth = bandwidth;
  f.step = step;
  f.keys = keys;
  f.visx = scale;
  // d3's band scale has no inverse: the band whose step (the band and half the gap either side) holds x.
  f.at = (x: number) => {
    const i = Math.floor((x - start + (step - bandwidth) / 2) / step);
    return i >= 0 && i < keys.length ? keys[i] : undefined;
  };
  return f;
}

/** Digits a percentage axis needs so its ticks show exactly: step 0.05 → 0, 0.025 → 1, 0.005 → 1. */
export function pctDigits(step: number): number {
  const pct = Math.abs(step) * 100;
  for (let d = 0; d < 3; d++) {
    const v = pct * 10 ** d;
    if (Math.abs(v - Math.round(v)) < 1e-6) return d;
  }
  return 3;
}

/** Which hour buckets get a label when only one in `every` fits: whole 1, 2, 3, 6, 12 or 24 hours of the UTC day. */
export function hourTicks(every: number): (key: string) => boolean {
  const step = [1, 2, 3, 6, 12, 24].find((h) => h >= every) ?? Math.ceil(every / 24) * 24;
  return (key: string) => {
    const d = new Date(key);
    if (step <= 24) return d.getUTCHours() % step === 0;
    return d.getUTCHours() === 0 && Math.floor(d.getTime() / 86_400_000) % (step / 24) === 0;
  };
}

export function formatPct(v: number, digits = 1): string {
  return `${(v * 100).toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })}%`;
}

/** 1234 → "1.2k", 12 → "12". */
export function formatCount(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toLocaleString('en', { maximumFractionDigits: 1 })}M`;
  if (a >= 1e4) return `${Math.round(v / 1e3).toLocaleString('en')}k`;
  if (a >= 1e3) return `${(v / 1e3).toLocaleString('en', { maximumFractionDigits: 1 })}k`;
  return v.toLocaleString('en', { maximumFractionDigits: 2 });
}

/* ---------- UTC buckets: the API groups by UTC day or hour ---------- */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Every bucket start (ms) from the one holding `from` to the one holding `to`, inclusive. */
export function bucketRange(from: number, to: number, unit: 'day' | 'hour'): number[] {
  const size = unit === 'day' ? DAY : HOUR;
  const out: number[] = [];
  const start = Math.floor(from / size) * size;
  const end = Math.floor(to / size) * size;
  for (let t = start; t <= end && out.length < 24 * 92; t += size) out.push(t);
  return out;
}

export function bucketKey(at: string | number): string {
  return new Date(typeof at === 'number' ? at : Date.parse(at)).toISOString();
}

const dayFmt = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric' });
const hourFmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const fullFmt = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' });

/** Axis label of a bucket: "Nov 27" for days; "14:00" for hours, with the day at midnight. */
export function bucketLabel(key: string, unit: 'day' | 'hour'): string {
  const d = new Date(key);
  if (unit === 'day') return dayFmt.format(d);
  return d.getUTCHours() === 0 ? dayFmt.format(d) : hourFmt.format(d);
}

/** Tooltip title of a bucket: "Fri, Nov 27, 2026 (UTC)" or "Fri, Nov 27, 2026, 14:00–15:00 UTC". */
export function bucketTitle(key: string, unit: 'day' | 'hour'): string {
  const d = new Date(key);
  if (unit === 'day') return `${fullFmt.format(d)} (UTC)`;
  return `${fullFmt.format(d)}, ${hourFmt.format(d)}–${hourFmt.format(new Date(d.getTime() + HOUR))} UTC`;
}
