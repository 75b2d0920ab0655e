import type { Surface, SurfaceInput } from '../../api/types';

/** The surface settings as the form edits them: numbers stay text until saved, shares are percentages. */
export interface SurfaceForm {
  name: string;
  description: string;
  slots: string;
  kinds: string[];
  topics: string[];
  collections: string[];
  successEvent: string;
  budget: string;
  floor: string;
  quotaMode: 'auto' | 'fixed';
  quota: string;
  maxDays: string;
  testMaxPosition: string;
  maxPerKind: string;
  maxPerTopic: string;
  firstN: string;
}

/** 0.1 → "10", 0.025 → "2.5" (no floating-point tails). */
function toPercentText(share: number): string {
  return String(Math.round(share * 10000) / 100);
}

export function formFromSurface(s: Surface): SurfaceForm {
  return {
    name: s.name,
    description: s.description ?? '',
    slots: String(s.slots),
    kinds: [...s.candidateRule.kinds],
    topics: [...s.candidateRule.topics],
    collections: [...s.candidateRule.collections],
    successEvent: s.successEvent,
    budget: toPercentText(s.explorationBudget),
    floor: toPercentText(s.randomFloor),
    quotaMode: s.testQuota === null ? 'auto' : 'fixed',
    quota: s.testQuota === null ? '' : String(s.testQuota),
    maxDays: String(s.testMaxDays),
    testMaxPosition: String(s.testMaxPosition),
    maxPerKind: s.diversity.maxPerKind === null ? '' : String(s.diversity.maxPerKind),
    maxPerTopic: s.diversity.maxPerTopic === null ? '' : String(s.diversity.maxPerTopic),
    firstN: String(s.diversity.firstN),
  };
}

export function sameForm(a: SurfaceForm, b: SurfaceForm): boolean {
  const norm = (f: SurfaceForm) => JSON.stringify({ ...f, kinds: [...f.kinds].sort(), quota: f.quotaMode === 'auto' ? '' : f.quota.trim() });
  return norm(a) === norm(b);
}

function int(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

function num(text: string): number | null {
  const t = text.trim().replace(',', '.');
  return t !== '' && /^\d*\.?\d+$/.test(t) ? Number(t) : null;
}

/** The same rules the API applies, keyed by the API's field names so its problems land in the same places. */
export function validateForm(f: SurfaceForm): Record<string, string> {
  const e: Record<string, string> = {};
  if (!f.name.trim()) e.name = 'Give the surface a name.';
  else if (f.name.trim().length > 80) e.name = 'At most 80 characters.';
  const slots = int(f.slots);
  if (slots === null || slots < 1 || slots > 100) e.slots = 'A whole number from 1 to 100.';
  const budget = num(f.budget);
  if (budget === null || budget > 50) e.explorationBudget = 'A share from 0% to 50%.';
  const floor = num(f.floor);
  if (floor === null) e.randomFloor = 'A share from 0% up to the exploration budget.';
  else if (budget !== null && floor > budget) e.randomFloor = `Can't be more than the exploration budget (${budget}%): the floor is part of it.`;
  if (f.quotaMode === 'fixed') {
    const q = int(f.quota);
    if (q === null || q < 10 || q > 1_000_000) e.testQuota = 'A whole number of impressions from 10 to 1,000,000.';
  }
  const days = int(f.maxDays);
  if (days === null || days < 1 || days > 90) e.testMaxDays = 'A whole number of days from 1 to 90.';
  const lastTest = int(f.testMaxPosition);
  if (lastTest === null || lastTest < 2 || lastTest > 100) e.testMaxPosition = 'A position from 2 to 100: position 1 never holds a test.';
  // Tests go to positions 2 to this one, so it can't be past the last slot (2 on a one-slot surface, which has none).
  else if (slots !== null && !e.slots && lastTest > Math.max(2, slots))
    e.testMaxPosition = `At most ${Math.max(2, slots)}, the surface's slots: tests go to positions 2 to this one, so it can't be past the last slot.`;
  const firstN = int(f.firstN);
  if (firstN === null || firstN < 1 || firstN > 100) e['diversity.firstN'] = 'A whole number of slots from 1 to 100.';
  for (const [k, label] of [
    ['maxPerKind', 'kind'],
    ['maxPerTopic', 'topic'],
  ] as const) {
    const t = f[k].trim();
    const v = int(t);
    if (t && (v === null || v < 1 || v > 100)) e[`diversity.${k}`] = `The limit per ${label} is a whole number from 1, or empty for none.`;
  }
  return e;
}

/** Everything the form holds, as the API's SurfaceInputGql. Call only when `validateForm` found nothing. */
export function formToInput(f: SurfaceForm): SurfaceInput {
  const share = (t: string) => Math.round(Number(t.trim().replace(',', '.')) * 100) / 10000;
  const limit = (t: string) => (t.trim() ? Number(t.trim()) : null);
  return {
    name: f.name.trim(),
    description: f.description.trim() || null,
    slots: Number(f.slots.trim()),
    candidateRule: { kinds: f.kinds, topics: f.topics, collections: f.collections },
    successEvent: f.successEvent,
    explorationBudget: share(f.budget),
    randomFloor: share(f.floor),
    ...(f.quotaMode === 'auto' ? { clearTestQuota: true } : { testQuota: Number(f.quota.trim()) }),
    testMaxDays: Number(f.maxDays.trim()),
    testMaxPosition: Number(f.testMaxPosition.trim()),
    diversity: { maxPerKind: limit(f.maxPerKind), maxPerTopic: limit(f.maxPerTopic), firstN: Number(f.firstN.trim()) },
  };
}

/** Problem fields the settings form shows next to an input; anything else goes in the banner. */
export const PLACED_FIELDS = [
  'name',
  'description',
  'slots',
  'candidateRule',
  'candidateRule.kinds',
  'candidateRule.topics',
  'candidateRule.collections',
  'successEvent',
  'explorationBudget',
  'randomFloor',
  'testQuota',
  'testMaxDays',
  'testMaxPosition',
  'diversity',
  'diversity.firstN',
  'diversity.maxPerKind',
  'diversity.maxPerTopic',
];

/** Where tests sit on a surface of `slots` slots whose last test position is `last`. */
export function testPositionsText(last: number, slots: number): string {
  const end = Math.min(last, slots);
  if (end < 2) return 'but a one-slot surface has no place for them (never position 1)';
  return end === 2 ? 'at position 2 only (never position 1)' : `at positions 2–${end} (never position 1)`;
}
