/** PENDING until the first check; then OK, or UNREACHABLE (the error says why). */
export type AssetCheckStatus =
  | 'OK'
  | 'PENDING'
  | 'UNREACHABLE';

/** The media field a URL is in. */
export type AssetRole =
  | 'ARTWORK'
  | 'AUDIO'
  | 'VIDEO';

/** Why an item is visible at an instant: LIVE (it is now) or SCHEDULED (a scheduled release makes it live by then). */
export type CatalogSource =
  | 'LIVE'
  | 'SCHEDULED';

/** RUNNING until decided; then GRADUATED, UNDERPERFORMING or INCONCLUSIVE. */
export type ContentTestStatus =
  | 'GRADUATED'
  | 'INCONCLUSIVE'
  | 'RUNNING'
  | 'UNDERPERFORMING';

export type EngagementType =
  | 'COMPLETE'
  | 'DISMISS'
  | 'IMPRESSION'
  | 'OPEN'
  | 'PLAY_START'
  | 'SKIP';

/** The codes an error carries in `extensions.code` (see the README for what each means and what to do). */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'ILLEGAL_TRANSITION'
  | 'INTERNAL_SERVER_ERROR'
  | 'NOT_FOUND'
  | 'OPERATION_RESOLUTION_FAILURE'
  | 'PAYLOAD_TOO_LARGE'
  | 'PERSISTED_QUERY_NOT_FOUND'
  | 'PERSISTED_QUERY_NOT_SUPPORTED'
  | 'PRECONDITION_FAILED'
  | 'QUERY_TOO_COMPLEX'
  | 'QUERY_TOO_DEEP'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'UNAUTHENTICATED'
  | 'UNAVAILABLE'
  | 'VALIDATION_FAILED';

/** Why an item is at its position. */
export type FeedReason =
  | 'CONTENT_TEST'
  | 'EXPLORATION'
  | 'FALLBACK'
  | 'PERSONALIZED'
  | 'PINNED';

/** The width of one bucket of a time series (UTC). */
export type Granularity =
  | 'DAY'
  | 'HOUR';

/** Where an import is: QUEUED, RUNNING, SUCCEEDED, COMPLETED_WITH_ERRORS (some rows failed) or FAILED. */
export type ImportJobState =
  | 'COMPLETED_WITH_ERRORS'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED';

export type ItemSort =
  | 'CREATED_DESC'
  | 'SLUG_ASC'
  | 'TITLE_ASC'
  | 'TITLE_DESC'
  | 'UPDATED_ASC'
  | 'UPDATED_DESC';

/** Workflow state of an item. */
export type ItemState =
  | 'APPROVED'
  | 'DRAFT'
  | 'IN_REVIEW'
  | 'LIVE'
  | 'RETIRED'
  | 'SCHEDULED';

/** What an attribute holds: STRING or NUMBER. */
export type KindAttributeType =
  | 'NUMBER'
  | 'STRING';

/** PROFILES: each person, from every event within seconds; MODEL: each served item, after the label window. */
export type LearningPass =
  | 'MODEL'
  | 'PROFILES';

/** Filter by how far a locale is filled in. */
export type LocaleStatus =
  | 'COMPLETE'
  | 'INCOMPLETE'
  | 'MISSING';

/** TRAINING (FAILED if training did not finish), CANDIDATE while the offline gate evaluates it, GATE_FAILED or GATE_PASSED, CANARY on a share of users, LIVE; ROLLED_BACK when taken off traffic, RETIRED when a newer model replaced it. */
export type ModelStatus =
  | 'CANARY'
  | 'CANDIDATE'
  | 'FAILED'
  | 'GATE_FAILED'
  | 'GATE_PASSED'
  | 'LIVE'
  | 'RETIRED'
  | 'ROLLED_BACK'
  | 'TRAINING';

/** QUEUED, RUNNING, then DONE or FAILED. */
export type OpeRunStatus =
  | 'DONE'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING';

/** CURRENT: the live policy; MODEL: a model version; UNIFORM: random order; CONFIG: the live policy with other settings. */
export type OpeTarget =
  | 'CONFIG'
  | 'CURRENT'
  | 'MODEL'
  | 'UNIFORM';

export type ReleaseActionKind =
  | 'PUBLISH'
  | 'UNPUBLISH';

/** Where a release is: DRAFT, SCHEDULED, LAUNCHED, FAILED (at launch; nothing was published), ROLLED_BACK or CANCELLED. */
export type ReleaseState =
  | 'CANCELLED'
  | 'DRAFT'
  | 'FAILED'
  | 'LAUNCHED'
  | 'ROLLED_BACK'
  | 'SCHEDULED';

/** The 0.1 lowercase names of a release's state, kept for deployed clients until 1.0. Use ReleaseState. */
export type ReleaseStatus =
  | 'cancelled'
  | 'draft'
  | 'failed'
  | 'launched'
  | 'rolled_back'
  | 'scheduled';

/** REQUIRED: an item of the kind cannot launch without it; OPTIONAL; NONE: the kind has no such field. */
export type Requirement =
  | 'NONE'
  | 'OPTIONAL'
  | 'REQUIRED';

/** One review step on a version: SUBMITTED for review, then APPROVED or REJECTED. */
export type ReviewDecision =
  | 'APPROVED'
  | 'REJECTED'
  | 'SUBMITTED';

/** ADMIN: everything; EDITOR: writes content; REVIEWER: writes and approves; ANALYST: reads everything, changes nothing. The lowercase names are deprecated input aliases kept for 0.1 clients; answers use the UPPER_CASE names. */
export type Role =
  | 'ADMIN'
  | 'ANALYST'
  | 'EDITOR'
  | 'REVIEWER';

/** OK: one instant; GAP: the time does not exist (DST starts); AMBIGUOUS: it happens twice (DST ends), pick an offset; INVALID: not a time or not a zone. */
export type ScheduleResolutionKind =
  | 'AMBIGUOUS'
  | 'GAP'
  | 'INVALID'
  | 'OK';

/** PENDING: waiting for an attempt (also after a redelivery); RETRYING: an attempt failed, another follows; DELIVERED; FAILED: no attempts left. */
export type WebhookDeliveryStatus =
  | 'DELIVERED'
  | 'FAILED'
  | 'PENDING'
  | 'RETRYING';
