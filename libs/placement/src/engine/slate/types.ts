/**
 * The engine's request and slate shapes (what callers build and what is logged), and the compact reason codes the
 * hot loops use in their place.
 */
import type { PersonPosterior } from '../collab';

/** Why an item is at its position. FALLBACK is the serving layer's, never the engine's. */
export type SlateReason = 'PERSONALIZED' | 'CONTENT_TEST' | 'EXPLORATION' | 'PINNED';

/** At most maxPerGroup items of one kind (or topic) within the first withinFirst positions. */
export interface DiversityRule {
  by: 'kind' | 'topic';
  maxPerGroup: number;
  withinFirst: number;
}

/** A surface's placement settings, as the engine needs them. */
export interface SurfacePolicy {
  slots: number;
  /** Share of served slots that content tests and the random floor may use together. Default 0.10. */
  explorationBudget?: number;
  /** Share of served slots filled uniformly at random among eligible items. Default 0.02. */
  randomFloor?: number;
  pins?: readonly { itemId: string; position: number }[];
  diversity?: DiversityRule | null;
  /**
   * Content-test slots are drawn among positions 2..testMaxPosition. Default DEFAULT_TEST_MAX_POSITION (5): a test
   * learns from the looks its impressions get, and positions further down are seldom looked at.
   */
  testMaxPosition?: number;
  /** Monte Carlo replays for the propensities that cannot be computed exactly. Default 32. */
  propensityReplays?: number;
}

/** Everything one request adds to the state and the candidate pool. */
export interface SlateRequest {
  surface: SurfacePolicy;
  /** User features (buildUserFeatures). */
  user: Float32Array;
  /** 32-bit seed; with the same state, pool and request the slate is identical. */
  seed: number;
  /** Expected share of slots for content tests, from the budget controller. Default budget − floor. */
  testShare?: number;
  /** Optional per-candidate eligibility (1 = eligible) for request-specific rules; default all eligible. */
  eligible?: Uint8Array | null;
  /** Skip the propensity computation (only for callers that never log, such as previews). Default true. */
  propensities?: boolean;
  /**
   * false builds the slate without pruning (plain Thompson sampling over every candidate; slower). For checking
   * that pruning stays within its stated bound; the log records it so the slate still replays. Default true.
   */
  pruning?: boolean;
  /**
   * false scores every personalisable candidate even above RETRIEVAL_ABOVE of them (no shortlist; slower). For
   * measuring what the shortlist changes; the log records it so the slate still replays. Default true.
   */
  retrieval?: boolean;
  /**
   * The person's collaborative posterior (personPosterior), in probit units; null or absent for a person the model
   * has not learned yet, who gets the shared model plus context.
   */
  person?: PersonPosterior | null;
  /**
   * The person's own history with items on this surface (see SlateHistory); absent or null for none. Items not in
   * the pool are ignored.
   */
  history?: SlateHistory | null;
}

/**
 * What one person did with single items before: per item, the examination-weighted impressions (Σθ over the
 * positions it was shown at) and the successes (collab.ts's PersonHistory). The slate replaces the model's rate for
 * that person and item by the posterior mean (s + κ·a·r)/(e + κ) (plan.ts, historyShifts): what someone played
 * they are likely to play again, and what they were shown often and passed over moves down
 * (docs/placement-engine.md, "The person's own history"). κ ≤ 0 leaves the slate as without history.
 */
export interface SlateHistory {
  itemIds: readonly string[];
  exposure: ArrayLike<number>;
  successes: ArrayLike<number>;
  /** Weight of the model's prediction, in examined impressions (historyKappa for the surface's model). */
  kappa: number;
}

export interface SlateEntry {
  itemId: string;
  /** 1-based. */
  position: number;
  reason: SlateReason;
  /** Probability that this policy puts this item at this position for this request. */
  propensity: number;
  /** Standard error of the propensity's Monte Carlo part; 0 when it is exact. */
  propensityError: number;
}

/** What to store with a slate so that replaySlate can rebuild it exactly. */
export interface SlateLog {
  v: 1;
  policyVersion: string;
  stateRevision: number;
  seed: number;
  surface: Required<Omit<SurfacePolicy, 'pins' | 'diversity'>> & { pins: { itemId: string; position: number }[]; diversity: DiversityRule | null };
  testShare: number;
  user: number[];
  candidates: { count: number; eligible: number; fingerprint: string };
  /** Present (false) only for slates built with pruning switched off. */
  pruning?: false;
  /** Present (false) only for slates built with candidate retrieval switched off. */
  retrieval?: false;
  /** The person's collaborative posterior the slate was drawn with (probit units), when there was one. */
  person?: { mean: number[]; chol: number[] };
  /** The person's history with the pool's items the slate was built with (SlateHistory), when there was any. */
  history?: { itemIds: string[]; exposure: number[]; successes: number[]; kappa: number };
  entries: SlateEntry[];
}

export interface Slate {
  policyVersion: string;
  stateRevision: number;
  seed: number;
  entries: SlateEntry[];
  log: SlateLog;
  stats: {
    explorationSlots: number;
    testSlots: number;
    floorSlots: number;
    plausible: number;
    /**
     * Personalisable candidates the plan scored: all of them up to RETRIEVAL_ABOVE, else the shortlist (see
     * docs/placement-engine.md, "Candidate retrieval").
     */
    retrieved: number;
    /** Candidates whose score was drawn in the served construction (the rest were pruned for that draw). */
    scored: number;
    replays: number;
    ignoredPins: { itemId: string; position: number; why: string }[];
  };
}

// Reasons as small integers in the typed arrays of a construction; REASONS maps them back (R_NONE: not filled yet).
export const R_NONE = 0;
export const R_PERS = 1;
export const R_TEST = 2;
export const R_EXPL = 3;
export const R_PIN = 4;
export const REASONS: SlateReason[] = ['PERSONALIZED', 'PERSONALIZED', 'CONTENT_TEST', 'EXPLORATION', 'PINNED'];
