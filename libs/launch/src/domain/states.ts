import { DomainError } from '@marquee/platform-core';

export type ItemState = 'draft' | 'in_review' | 'approved' | 'scheduled' | 'live' | 'retired';
export type Transition = 'edit' | 'submit' | 'approve' | 'reject' | 'schedule' | 'unschedule' | 'launch' | 'unpublish' | 'rollback';

/**
 * Which workflow steps each state allows. Editing is allowed everywhere: it starts a new draft version.
 * The state itself is never set by a step: it is derived from the item's versions, reviews and releases (ItemStates).
 */
const ALLOWED: Record<ItemState, Transition[]> = {
  draft: ['edit', 'submit'],
  in_review: ['edit', 'approve', 'reject'],
  approved: ['edit', 'schedule', 'launch'],
  scheduled: ['edit', 'unschedule', 'launch'],
  live: ['edit', 'unpublish', 'rollback'],
  retired: ['edit', 'rollback'],
};

const VERB: Record<Transition, string> = {
  edit: 'edit',
  submit: 'submit for review',
  approve: 'approve',
  reject: 'reject',
  schedule: 'schedule',
  unschedule: 'unschedule',
  launch: 'launch',
  unpublish: 'unpublish',
  rollback: 'roll back',
};

export function assertTransition(state: ItemState, t: Transition, label: string): void {
  if (ALLOWED[state]?.includes(t)) return;
  const allowed = (ALLOWED[state] ?? []).map((x) => VERB[x]);
  throw new DomainError(
    'ILLEGAL_TRANSITION',
    `Cannot ${VERB[t]} "${label}": it is ${state.replace('_', ' ')}. From ${state.replace('_', ' ')} you can: ${allowed.join(', ')}.`,
    {
      state,
      attempted: t,
      allowed: ALLOWED[state] ?? [],
    },
  );
}
