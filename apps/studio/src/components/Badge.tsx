import type { ReactNode } from 'react';
import type { ItemState, ReleaseState } from '../api/types';

export type Tone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger' | 'info' | 'purple';

export function Badge({ tone = 'neutral', children, testId, title }: { tone?: Tone; children: ReactNode; testId?: string; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} data-testid={testId} title={title}>
      {children}
    </span>
  );
}

const STATE_LABEL: Record<ItemState, string> = {
  DRAFT: 'Draft',
  IN_REVIEW: 'In review',
  APPROVED: 'Approved',
  SCHEDULED: 'Scheduled',
  LIVE: 'Live',
  RETIRED: 'Retired',
};

export function StateBadge({ state }: { state: ItemState | string }) {
  const label = STATE_LABEL[state as ItemState] ?? state;
  return (
    <span className={`badge badge-dot state-${state.toLowerCase()}`} data-testid="state-badge" data-state={state}>
      {label}
    </span>
  );
}

export function RoleBadge({ role }: { role: string }) {
  const tone: Record<string, Tone> = { ADMIN: 'purple', EDITOR: 'accent', REVIEWER: 'info', ANALYST: 'neutral' };
  return (
    <Badge tone={tone[role] ?? 'neutral'} testId="role-badge">
      {role.toLowerCase()}
    </Badge>
  );
}

const RELEASE_STATE_LABEL: Record<ReleaseState, string> = {
  DRAFT: 'Draft',
  SCHEDULED: 'Scheduled',
  LAUNCHED: 'Launched',
  FAILED: 'Failed',
  ROLLED_BACK: 'Rolled back',
  CANCELLED: 'Cancelled',
};

export function releaseStatusLabel(state: ReleaseState | string): string {
  return RELEASE_STATE_LABEL[state as ReleaseState] ?? state;
}

/** Release statuses share the palette of item states: scheduled is purple, launched green, failed red. */
export function ReleaseStatusBadge({ status, testId = 'release-status' }: { status: ReleaseState | string; testId?: string }) {
  return (
    <span className={`badge badge-dot release-${status.toLowerCase()}`} data-testid={testId} data-status={status}>
      {releaseStatusLabel(status)}
    </span>
  );
}
