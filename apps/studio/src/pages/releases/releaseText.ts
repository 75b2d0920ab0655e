import type { Audience, ReleaseState } from '../../api/types';

/** Statuses in which the release can still be composed, scheduled or launched. */
const EDITABLE_STATES: ReleaseState[] = ['DRAFT', 'SCHEDULED', 'FAILED'];

export function isEditable(state: ReleaseState): boolean {
  return EDITABLE_STATES.includes(state);
}

export const PLATFORMS = [
  { key: 'ios', label: 'iOS' },
  { key: 'android', label: 'Android' },
  { key: 'web', label: 'Web' },
];

/** "everyone", or "iOS and Android · locales de, fr · tier premium". */
function describeAudience(a: Audience): string {
  const parts: string[] = [];
  if (a.platforms.length) parts.push(a.platforms.map((p) => PLATFORMS.find((x) => x.key === p)?.label ?? p).join(', '));
  if (a.locales.length) parts.push(`${a.locales.length === 1 ? 'locale' : 'locales'} ${a.locales.join(', ')}`);
  if (a.tiers.length) parts.push(`${a.tiers.length === 1 ? 'tier' : 'tiers'} ${a.tiers.join(', ')}`);
  return parts.length ? parts.join(' · ') : 'everyone';
}

export function describeRollout(percent: number, audience: Audience): string {
  const who = describeAudience(audience);
  if (percent >= 100) return who === 'everyone' ? 'All users' : `All users in ${who}`;
  return who === 'everyone' ? `${percent}% of users` : `${percent}% of users in ${who}`;
}

const EVENT_LABEL: Record<string, string> = {
  created: 'Created',
  scheduled: 'Scheduled',
  rescheduled: 'Rescheduled',
  unscheduled: 'Unscheduled',
  launch_requested: 'Launch requested',
  reconciled: 'Re-queued',
  launched: 'Launched',
  failed: 'Failed',
  rolled_back: 'Rolled back',
  cancelled: 'Cancelled',
  rollout: 'Rollout',
};

export function eventLabel(kind: string): string {
  return EVENT_LABEL[kind] ?? kind.charAt(0).toUpperCase() + kind.slice(1).replace(/_/g, ' ');
}

export function eventTone(kind: string): 'success' | 'danger' | 'warning' | 'purple' | 'neutral' | 'info' {
  if (kind === 'launched') return 'success';
  if (kind === 'failed') return 'danger';
  if (kind === 'rolled_back' || kind === 'reconciled') return 'warning';
  if (kind === 'scheduled' || kind === 'rescheduled' || kind === 'launch_requested') return 'purple';
  if (kind === 'rollout') return 'info';
  return 'neutral';
}
