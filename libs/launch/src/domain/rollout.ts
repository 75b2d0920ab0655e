import { hashString } from '@marquee/platform-core';

export interface RolloutRule {
  releaseId: string;
  rolloutPercent: number;
  audience: { locales: string[]; platforms: string[]; tiers: string[] };
}

export interface Viewer {
  userId: string;
  locale?: string | null;
  platform?: string | null;
  tier?: string | null;
}

/**
 * A user's bucket for a release: a stable hash of user id and release id in [0, 10000). Stable across processes and
 * restarts, independent between releases (so the same users are not always first), and monotone in the percentage:
 * raising 10% to 30% keeps everyone who already had it.
 */
export function rolloutBucket(userId: string, releaseId: string): number {
  return hashString(`${releaseId}:${userId}`) % 10000;
}

function matches(list: string[], value: string | null | undefined, prefix = false): boolean {
  if (!list.length) return true;
  if (!value) return false;
  const v = value.toLowerCase();
  return list.some((x) => {
    const l = x.toLowerCase();
    return l === v || (prefix && v.startsWith(l + '-'));
  });
}

/** Whether this viewer gets what the release launched. Locale "de" admits "de-AT"; empty lists admit everyone. */
export function isEligible(rule: RolloutRule, viewer: Viewer): boolean {
  if (!matches(rule.audience.locales, viewer.locale, true)) return false;
  if (!matches(rule.audience.platforms, viewer.platform)) return false;
  if (!matches(rule.audience.tiers, viewer.tier)) return false;
  if (rule.rolloutPercent >= 100) return true;
  return rolloutBucket(viewer.userId, rule.releaseId) < rule.rolloutPercent * 100;
}
