/**
 * App versions: what a client reports as `context.appVersion` and what an item asks for as `minAppVersion`. The short
 * forms Marquee always took (4, 4.2, 4.2.1) and full Semantic Versioning 2.0.0 (4.2.1-beta.1, 4.2.1+build.5,
 * 4.2.1-rc.1+exp.sha.5114f85). Written here rather than taken from the `semver` package: it is only a transitive
 * dependency (node_modules is shared between checkouts, so adding one is not free), and this is all Marquee needs of it.
 */

/** Longest version accepted, suffixes included: a client chooses it, and it is logged and hashed per request. */
const APP_VERSION_MAX_CHARS = 64;

// A core part of 1 to 9 digits (leading zeros as before; 9 digits keep it a safe integer).
const CORE = /^(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?$/;
const FULL = /^(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export interface AppVersion {
  core: [number, number, number];
  /** Pre-release identifiers (numbers for numeric ones); empty for a release. Build metadata is dropped: it has no precedence. */
  pre: (string | number)[];
}

/** The parsed version, or null when `v` is neither a short form nor well-formed semver. */
export function parseAppVersion(v: string): AppVersion | null {
  if (typeof v !== 'string' || v.length === 0 || v.length > APP_VERSION_MAX_CHARS) return null;
  const short = CORE.exec(v);
  if (short) return { core: [Number(short[1]), Number(short[2] ?? 0), Number(short[3] ?? 0)], pre: [] };
  const m = FULL.exec(v);
  if (!m) return null;
  const pre: (string | number)[] = [];
  for (const id of m[4] ? m[4].split('.') : []) {
    if (/^\d+$/.test(id)) {
      // Semver: a numeric pre-release identifier has no leading zero.
      if (id.length > 1 && id.startsWith('0')) return null;
      if (id.length > 15) return null;
      pre.push(Number(id));
    } else pre.push(id);
  }
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre };
}

export function isValidAppVersion(v: string): boolean {
  return parseAppVersion(v) !== null;
}

/** What a refused version is told it should look like. */
export const APP_VERSION_EXPECTED = 'must look like 4, 4.2, 4.2.1 or a semantic version such as 4.2.1-beta.1 or 4.2.1+build.5 (at most 64 characters)';

/**
 * Compares by semver precedence: numerically by major, minor, patch (missing parts count as 0, so "4" = "4.0.0"),
 * then a pre-release is lower than its release ("2.3.0-beta.1" < "2.3.0"), pre-release identifiers compared one by one
 * (numbers numerically and below words, words in ASCII order, a shorter list lower: beta.2 < beta.10 < rc.1). Build
 * metadata is ignored. A version that does not parse (stored before it was checked) is compared by its dotted numbers.
 */
export function compareAppVersions(a: string, b: string): number {
  const pa = parseAppVersion(a) ?? loose(a);
  const pb = parseAppVersion(b) ?? loose(b);
  for (let i = 0; i < 3; i++) {
    const d = pa.core[i] - pb.core[i];
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (!pa.pre.length || !pb.pre.length) return pa.pre.length === pb.pre.length ? 0 : pa.pre.length ? -1 : 1;
  for (let i = 0; i < Math.max(pa.pre.length, pb.pre.length); i++) {
    const x = pa.pre[i];
    const y = pb.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function loose(v: string): AppVersion {
  const parts = v.split(/[.+-]/).map((x) => Number(x));
  const n = (i: number) => (Number.isFinite(parts[i]) ? parts[i] : 0);
  return { core: [n(0), n(1), n(2)], pre: [] };
}
