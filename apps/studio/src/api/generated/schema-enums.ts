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

/** Filter by how far a locale is filled in. */
export type LocaleStatus =
  | 'COMPLETE'
  | 'INCOMPLETE'
  | 'MISSING';

/** CURRENT: the live policy; MODEL: a model version; UNIFORM: random order; CONFIG: the live policy with other settings. */
export type OpeTarget =
  | 'CONFIG'
  | 'CURRENT'
  | 'MODEL'
  | 'UNIFORM';

export type ReleaseActionKind =
  | 'PUBLISH'
  | 'UNPUBLISH';

export type ReleaseStatus =
  | 'cancelled'
  | 'draft'
  | 'failed'
  | 'launched'
  | 'rolled_back'
  | 'scheduled';

/** ADMIN: everything; EDITOR: writes content; REVIEWER: writes and approves; ANALYST: reads everything, changes nothing. The lowercase names are deprecated input aliases kept for 0.1 clients; answers use the UPPER_CASE names. */
export type Role =
  | 'ADMIN'
  | 'ANALYST'
  | 'EDITOR'
  | 'REVIEWER';
