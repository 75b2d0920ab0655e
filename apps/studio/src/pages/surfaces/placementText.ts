import type { IconName } from '../../components/Icon';
import type { Tone } from '../../components/Badge';
import type { CandidateRule, ContentKind, ContentTestStatus, FeedReason, SuccessEvent } from '../../api/types';

/** Words and numbers of the placement engine, shared by the surface, preview and content-test pages. */

export const SUCCESS_EVENT_TEXT: Record<SuccessEvent, { label: string; hint: string }> = {
  OPEN: { label: 'Open', hint: 'The user opened the item.' },
  PLAY_START: { label: 'Play start', hint: 'The user started playing it.' },
  COMPLETE: { label: 'Completion', hint: 'The user played it to the end.' },
};

export function successEventLabel(e: string): string {
  return SUCCESS_EVENT_TEXT[e as SuccessEvent]?.label ?? e;
}

export const REASON_TEXT: Record<FeedReason, { label: string; tone: Tone; icon: IconName; help: string }> = {
  PERSONALIZED: {
    label: 'Personalized',
    tone: 'accent',
    icon: 'users',
    help: 'Ranked for this persona by Thompson sampling: one draw from what the model believes, so the order varies between requests as much as the model is unsure.',
  },
  CONTENT_TEST: {
    label: 'Content test',
    tone: 'warning',
    icon: 'flask',
    help: 'A new item in its content test, in an exploration slot (never position 1), paced towards its guaranteed impressions within the budget.',
  },
  EXPLORATION: {
    label: 'Exploration',
    tone: 'info',
    icon: 'shuffle',
    help: 'The uniform-random floor: any eligible item drawn at random, so every item can be shown and the logs stay usable for offline evaluation.',
  },
  PINNED: { label: 'Pinned', tone: 'neutral', icon: 'pin', help: 'Held at this position by a pin during its time window. Always there: propensity 100%.' },
  FALLBACK: {
    label: 'Fallback',
    tone: 'danger',
    icon: 'alert',
    help: 'The editorial fallback order, served when the engine cannot answer (for example, the database is slow or down).',
  },
};

export function reasonText(r: string) {
  return REASON_TEXT[r as FeedReason] ?? { label: r, tone: 'neutral' as Tone, icon: 'info' as IconName, help: '' };
}

const TEST_STATUS_TEXT: Record<ContentTestStatus, { label: string; tone: Tone; help: string }> = {
  RUNNING: { label: 'Running', tone: 'accent', help: 'Still collecting impressions in exploration slots.' },
  GRADUATED: {
    label: 'Graduated',
    tone: 'success',
    help: 'Clearly better than control: the always-valid test (its rule is on the evidence) crossed its boundary above control. It competes in normal ranking with what it learned.',
  },
  UNDERPERFORMING: {
    label: 'Underperforming',
    tone: 'danger',
    help: 'Clearly worse than control: the always-valid test crossed its boundary below control. It is no longer pushed and competes only on its own results.',
  },
  INCONCLUSIVE: {
    label: 'Inconclusive',
    tone: 'warning',
    help: 'The always-valid test decided neither way by the quota or the last day. P(beats control) can still be high or low (it compares against a longer control), but it is not a decision. The item competes in normal ranking.',
  },
};

export function testStatusText(s: string) {
  return TEST_STATUS_TEXT[s as ContentTestStatus] ?? { label: s, tone: 'neutral' as Tone, help: '' };
}

const DECISION_REASON: Record<string, string> = {
  QUOTA_REACHED: 'Reached its quota',
  MAX_DAYS: 'Ran out of days',
  EARLY_STOP: 'Decided early: the evidence crossed the sequential boundary',
};

export function decisionReasonLabel(r: string | null): string {
  if (!r) return '';
  return DECISION_REASON[r] ?? r.charAt(0) + r.slice(1).toLowerCase().replace(/_/g, ' ');
}

/** A share (0..1) as a percentage: "10%", "2.5%". */
export function formatShare(share: number, maxDigits = 1): string {
  return `${(share * 100).toLocaleString('en', { maximumFractionDigits: maxDigits })}%`;
}

/** A probability with enough digits to tell small ones apart: "100%", "15.7%", "0.11%", "<0.01%". */
export function formatProbability(p: number): string {
  const pct = p * 100;
  if (pct >= 99.95) return '100%';
  if (pct > 0 && pct < 0.01) return '<0.01%';
  const digits = pct >= 10 ? 1 : pct >= 1 ? 1 : 2;
  return `${pct.toFixed(digits)}%`;
}

/** A standard error in percentage points, at the precision of the probability it qualifies. */
export function formatError(err: number): string {
  const pp = err * 100;
  // 0.995 and up rounds to 1.00 at two decimals: switch to one decimal there, so "1.0" never shows as "1.00".
  return pp >= 0.995 ? pp.toFixed(1) : pp.toFixed(2);
}

/** Impressions a test needs for ±30% relative precision (95%) at success rate p, as the engine sizes it. */
export function automaticQuota(p: number): number {
  const q = Math.ceil(((1.96 / 0.3) ** 2 * (1 - p)) / p);
  return Math.min(50_000, Math.max(100, q));
}

/** "Every live item", or "Sleep story, Music · Topic: sleep · Collections: a, b". */
export function describeRule(rule: CandidateRule, kinds: ContentKind[]): string {
  const parts: string[] = [];
  if (rule.kinds.length) parts.push(rule.kinds.map((k) => kinds.find((x) => x.key === k)?.label ?? k).join(', '));
  if (rule.topics.length) parts.push(`${rule.topics.length === 1 ? 'Topic' : 'Topics'}: ${rule.topics.join(', ')}`);
  if (rule.collections.length) parts.push(`${rule.collections.length === 1 ? 'Collection' : 'Collections'}: ${rule.collections.join(', ')}`);
  return parts.length ? parts.join(' · ') : 'Every live item';
}

/** The same rule as a phrase: "every live item", "live sleep stories or music with the topic sleep". */
export function ruleSentence(rule: CandidateRule, kinds: ContentKind[]): string {
  const kindText = rule.kinds.length ? rule.kinds.map((k) => (kinds.find((x) => x.key === k)?.label ?? k).toLowerCase()).join(' or ') : 'items';
  const parts: string[] = [];
  if (rule.topics.length) parts.push(`${rule.topics.length === 1 ? 'the topic' : 'a topic of'} ${rule.topics.join(', ')}`);
  if (rule.collections.length) parts.push(`${rule.collections.length === 1 ? 'the collection' : 'a collection of'} ${rule.collections.join(', ')}`);
  if (!rule.kinds.length && !parts.length) return 'every live item';
  return `live ${kindText}${parts.length ? ` with ${parts.join(' and ')}` : ''}`;
}

/** A seed for a fixed draw: the API takes a 32-bit signed Int. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2_147_483_647);
}
