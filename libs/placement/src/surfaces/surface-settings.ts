import { FieldProblem } from '@marquee/platform-core';

/**
 * The smallest non-zero share of impressions or users a setting can have: 0.0001 (0.01%). Shares are stored as
 * PostgreSQL `real`, which cannot hold a value as small as 1e-46 (it answers "out of range"), and a canary splits users
 * into 10,000 buckets, so a smaller share would mean nothing anyway.
 */
export const MIN_SHARE = 0.0001;

/** The largest exploration budget: at most half of the impressions go to tests and random exploration. */
const MAX_EXPLORATION_BUDGET = 0.5;

const isShare = (v: unknown, max: number): v is number => typeof v === 'number' && v >= 0 && v <= max && (v === 0 || v >= MIN_SHARE);

/** The engine settings a surface has and an offline evaluation may override: the rules createSurface and updateSurface apply. */
export interface EngineSettings {
  slots: unknown;
  explorationBudget: unknown;
  randomFloor: unknown;
}

/** The problem with a slot count, or null: a whole number from 1 to 100. */
export function slotsProblem(slots: unknown, field = 'slots'): FieldProblem | null {
  return typeof slots === 'number' && Number.isInteger(slots) && slots >= 1 && slots <= 100 ? null : { field, message: 'must be a whole number from 1 to 100' };
}

/**
 * The problems with an exploration budget and random floor: each 0 or a share of at least MIN_SHARE, the budget at most
 * 0.5 and the floor at most the budget (the floor is part of the budget). The engine refuses anything else.
 */
export function explorationProblems(explorationBudget: unknown, randomFloor: unknown, prefix = ''): FieldProblem[] {
  const p: FieldProblem[] = [];
  const budgetOk = isShare(explorationBudget, MAX_EXPLORATION_BUDGET);
  if (!budgetOk)
    p.push({
      field: `${prefix}explorationBudget`,
      message: `must be 0 or at least ${MIN_SHARE}, and at most ${MAX_EXPLORATION_BUDGET} (a share of impressions: 0.1 is 10%)`,
    });
  if (!isShare(randomFloor, budgetOk ? explorationBudget : MAX_EXPLORATION_BUDGET))
    p.push({ field: `${prefix}randomFloor`, message: `must be 0 or at least ${MIN_SHARE}, and at most the exploration budget (the floor is part of it)` });
  return p;
}

/** Every problem with a complete set of engine settings; `prefix` names where they came from (e.g. "config."). */
export function engineSettingsProblems(s: EngineSettings, prefix = ''): FieldProblem[] {
  const slots = slotsProblem(s.slots, `${prefix}slots`);
  return [...(slots ? [slots] : []), ...explorationProblems(s.explorationBudget, s.randomFloor, prefix)];
}
