/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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

/** Who a release reaches; an empty or missing list means everyone. Each list takes at most 20 entries of at most 64 characters; repeats are dropped and entries are stored in canonical spelling. More, or an entry of the wrong shape, is refused with BAD_USER_INPUT naming the list. */
export type AudienceInput = {
  /** BCP 47 locale codes as the catalogue spells them, e.g. en, de-AT, pt-BR ("EN_us" is stored as en-US). At most 20. */
  locales?: Array<string> | null | undefined;
  /** ios, android or web (any casing; stored lowercase). At most 20 entries. */
  platforms?: Array<string> | null | undefined;
  /** Tier names as the feed accepts them: a lowercase letter then up to 19 letters, digits, "-" or "_", e.g. free, premium. At most 20. */
  tiers?: Array<string> | null | undefined;
};

export type AuditFilter = {
  /** Exact action, or a prefix ending in "." such as "release." ("%" and "_" match only themselves). At most 200 characters. */
  action?: string | null | undefined;
  /** Exact actor id. At most 200 characters. */
  actorId?: string | null | undefined;
  /** Exact entity id. At most 200 characters. */
  entityId?: string | null | undefined;
  /** Exact entity type, e.g. "item". At most 200 characters. */
  entityType?: string | null | undefined;
  from?: string | null | undefined;
  /** Text in the summary, matched as written, case-insensitively. At most 200 characters; a longer one is refused with BAD_USER_INPUT. */
  text?: string | null | undefined;
  to?: string | null | undefined;
};

export type CandidateRuleInput = {
  collections?: Array<string> | null | undefined;
  kinds?: Array<string> | null | undefined;
  topics?: Array<string> | null | undefined;
};

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

export type CreateUserInput = {
  displayName: string;
  email: string;
  /** Leave empty to generate one (returned once). */
  password?: string | null | undefined;
  role: Role;
};

export type DiversityRuleInput = {
  firstN?: number | null | undefined;
  maxPerKind?: number | null | undefined;
  maxPerTopic?: number | null | undefined;
};

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

export type ItemFilterInput = {
  collection?: string | null | undefined;
  /** Only these items (e.g. the sessions of a course). */
  ids?: Array<string | number> | null | undefined;
  kinds?: Array<string> | null | undefined;
  /** Only items with (true) or without (false) a live version. */
  live?: boolean | null | undefined;
  locale?: string | null | undefined;
  localeStatus?: LocaleStatus | null | undefined;
  states?: Array<ItemState> | null | undefined;
  /** Words to find in titles, subtitles, descriptions and slugs (prefix match on every word); at most 200 characters. */
  text?: string | null | undefined;
  topic?: string | null | undefined;
};

export type ItemInput = {
  attributes?: unknown;
  availability?: string | null | undefined;
  collections?: Array<string> | null | undefined;
  defaultLocale: string;
  durationSeconds?: number | null | undefined;
  kind: string;
  locales?: Array<string> | null | undefined;
  localized: Array<LocalizedTextInput>;
  media?: MediaInput | null | undefined;
  minAppVersion?: string | null | undefined;
  platforms?: Array<string> | null | undefined;
  /** Session item ids or slugs, in order (courses). */
  sessions?: Array<string> | null | undefined;
  slug: string;
  topics?: Array<string> | null | undefined;
};

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

export type LocalizedTextInput = {
  description?: string | null | undefined;
  locale: string;
  subtitle?: string | null | undefined;
  title?: string | null | undefined;
};

export type MediaInput = {
  artworkUrl?: string | null | undefined;
  audioUrl?: string | null | undefined;
  videoUrl?: string | null | undefined;
};

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

export type PinInput = {
  endsAt?: string | null | undefined;
  itemId: string | number;
  position: number;
  startsAt?: string | null | undefined;
};

export type PreviewPersonaInput = {
  appVersion?: string | null | undefined;
  localTime?: string | null | undefined;
  locale?: string | null | undefined;
  platform?: string | null | undefined;
  tier?: string | null | undefined;
  /** The person, in your own ids: 1 to 128 characters of visible text; a line break, control, bidi or zero-width character is refused with BAD_USER_INPUT. */
  userId: string | number;
};

export type ReleaseActionKind =
  | 'PUBLISH'
  | 'UNPUBLISH';

export type ReleaseInput = {
  /** At most 2,000 characters (trimmed; line breaks allowed); longer is refused with BAD_USER_INPUT. */
  description?: string | null | undefined;
  /** One line of 1 to 120 characters (trimmed); line breaks, control characters and bidi controls are refused with BAD_USER_INPUT. */
  name: string;
};

/** Where a release is: DRAFT, SCHEDULED, LAUNCHED, FAILED (at launch; nothing was published), ROLLED_BACK or CANCELLED. */
export type ReleaseState =
  | 'CANCELLED'
  | 'DRAFT'
  | 'FAILED'
  | 'LAUNCHED'
  | 'ROLLED_BACK'
  | 'SCHEDULED';

export type ReleaseUpdate = {
  /** At most 2,000 characters (trimmed; line breaks allowed); longer is refused with BAD_USER_INPUT. Null or empty clears it; missing keeps it. */
  description?: string | null | undefined;
  /** One line of 1 to 120 characters (trimmed); line breaks, control characters and bidi controls are refused with BAD_USER_INPUT. Null or missing keeps the name. */
  name?: string | null | undefined;
};

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

export type ScheduleInputGql = {
  /** Wall-clock time in timeZone, e.g. 2026-03-29T11:00. */
  localDateTime: string;
  /** Needed only when the time happens twice (DST ends): the UTC offset in minutes to use. */
  offsetMinutes?: number | null | undefined;
  /** IANA zone, e.g. Europe/Amsterdam. */
  timeZone: string;
};

/** OK: one instant; GAP: the time does not exist (DST starts); AMBIGUOUS: it happens twice (DST ends), pick an offset; INVALID: not a time or not a zone. */
export type ScheduleResolutionKind =
  | 'AMBIGUOUS'
  | 'GAP'
  | 'INVALID'
  | 'OK';

export type SurfaceInputGql = {
  candidateRule?: CandidateRuleInput | null | undefined;
  /** Go back to the automatic quota. */
  clearTestQuota?: boolean | null | undefined;
  description?: string | null | undefined;
  diversity?: DiversityRuleInput | null | undefined;
  /** A disabled surface serves nothing: feeds for it answer NOT_FOUND. */
  enabled?: boolean | null | undefined;
  explorationBudget?: number | null | undefined;
  name?: string | null | undefined;
  randomFloor?: number | null | undefined;
  slots?: number | null | undefined;
  /** OPEN, PLAY_START or COMPLETE */
  successEvent?: string | null | undefined;
  testMaxDays?: number | null | undefined;
  /** The last position content tests may use, from 2 to the surface's slots (default 5, or the slots when fewer). Lowering slots below it needs a new testMaxPosition in the same update. */
  testMaxPosition?: number | null | undefined;
  testQuota?: number | null | undefined;
  /** The baseline choice: items live at or before this moment are the surface's established catalogue, items that go live after it enter content tests. Default on create: the creation time. A past date puts recently launched items into tests too (launches of the last 90 days). */
  testsLaunchedAfter?: string | null | undefined;
};

export type UpdateUserInput = {
  displayName?: string | null | undefined;
  role?: Role | null | undefined;
};

/** PENDING: waiting for an attempt (also after a redelivery); RETRYING: an attempt failed, another follows; DELIVERED; FAILED: no attempts left. */
export type WebhookDeliveryStatus =
  | 'DELIVERED'
  | 'FAILED'
  | 'PENDING'
  | 'RETRYING';

export type WebhookEndpointInput = {
  description?: string | null | undefined;
  events?: Array<string> | null | undefined;
  url: string;
};

export type WebhookEndpointUpdate = {
  description?: string | null | undefined;
  enabled?: boolean | null | undefined;
  events?: Array<string> | null | undefined;
  url?: string | null | undefined;
};

export type UserFieldsFragment = { id: string, email: string, displayName: string, role: Role, createdAt: string, lastLoginAt: string | null, disabledAt: string | null };

export type ApiKeyFieldsFragment = { id: string, name: string, prefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null };

export type UsersQueryVariables = Exact<{ [key: string]: never; }>;


export type UsersQuery = { users: Array<{ id: string, email: string, displayName: string, role: Role, createdAt: string, lastLoginAt: string | null, disabledAt: string | null }> };

export type CreateUserMutationVariables = Exact<{
  input: CreateUserInput;
}>;


export type CreateUserMutation = { createUser: { temporaryPassword: string | null, user: { id: string, email: string, displayName: string, role: Role, createdAt: string, lastLoginAt: string | null, disabledAt: string | null } } };

export type UpdateUserMutationVariables = Exact<{
  id: string | number;
  input: UpdateUserInput;
}>;


export type UpdateUserMutation = { updateUser: { id: string, email: string, displayName: string, role: Role, createdAt: string, lastLoginAt: string | null, disabledAt: string | null } };

export type SetDisabledMutationVariables = Exact<{
  id: string | number;
  disabled: boolean;
}>;


export type SetDisabledMutation = { setUserDisabled: { id: string, email: string, displayName: string, role: Role, createdAt: string, lastLoginAt: string | null, disabledAt: string | null } };

export type ResetPasswordMutationVariables = Exact<{
  id: string | number;
}>;


export type ResetPasswordMutation = { resetUserPassword: string };

export type ApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ApiKeysQuery = { apiKeys: Array<{ id: string, name: string, prefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null }> };

export type CreateApiKeyMutationVariables = Exact<{
  name: string;
}>;


export type CreateApiKeyMutation = { createApiKey: { secret: string, apiKey: { id: string, name: string, prefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null } } };

export type RevokeApiKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeApiKeyMutation = { revokeApiKey: { id: string, name: string, prefix: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null } };

export type TestTimelineQueryVariables = Exact<{
  testId: string | number;
}>;


export type TestTimelineQuery = { contentTestTimeline: Array<{ day: string, impressions: number, successes: number }> };

export type SpendQueryVariables = Exact<{
  surface: string;
  days?: number | null | undefined;
  granularity?: Granularity | null | undefined;
}>;


export type SpendQuery = { explorationSpend: Array<{ bucket: string, servedSlots: number, testSlots: number, randomSlots: number, share: number, budget: number }> };

export type SurfaceSuccessQueryVariables = Exact<{
  surface: string;
  days?: number | null | undefined;
}>;


export type SurfaceSuccessQuery = { surfaceSuccess: Array<{ day: string, policyVersion: string, impressions: number, successes: number, rate: number, lower: number, upper: number }> };

export type OpeRunFieldsFragment = { id: string, surfaceKey: string, target: OpeTarget, modelId: string | null, config: unknown, label: string, status: OpeRunStatus, progress: number, windowFrom: string, windowTo: string, estimates: unknown, error: string | null, createdAt: string, finishedAt: string | null };

export type OpeRunsQueryVariables = Exact<{
  surface?: string | null | undefined;
}>;


export type OpeRunsQuery = { opeRuns: Array<{ id: string, surfaceKey: string, target: OpeTarget, modelId: string | null, config: unknown, label: string, status: OpeRunStatus, progress: number, windowFrom: string, windowTo: string, estimates: unknown, error: string | null, createdAt: string, finishedAt: string | null }> };

export type EvaluatePolicyMutationVariables = Exact<{
  surface: string;
  target: OpeTarget;
  modelId?: string | number | null | undefined;
  config?: unknown;
  days?: number | null | undefined;
}>;


export type EvaluatePolicyMutation = { evaluatePolicy: { id: string, surfaceKey: string, target: OpeTarget, modelId: string | null, config: unknown, label: string, status: OpeRunStatus, progress: number, windowFrom: string, windowTo: string, estimates: unknown, error: string | null, createdAt: string, finishedAt: string | null } };

export type ModelVersionFieldsFragment = { id: string, surfaceKey: string, version: string, status: ModelStatus, progress: number, progressMessage: string | null, dataFrom: string | null, dataTo: string | null, rows: number, metrics: unknown, trainingMs: number | null, gate: unknown, canaryShare: number | null, canaryStats: unknown, canaryStartedAt: string | null, statusReason: string | null, decidedAt: string | null, createdAt: string };

export type ModelVersionsQueryVariables = Exact<{
  surface?: string | null | undefined;
}>;


export type ModelVersionsQuery = { modelVersions: Array<{ id: string, surfaceKey: string, version: string, status: ModelStatus, progress: number, progressMessage: string | null, dataFrom: string | null, dataTo: string | null, rows: number, metrics: unknown, trainingMs: number | null, gate: unknown, canaryShare: number | null, canaryStats: unknown, canaryStartedAt: string | null, statusReason: string | null, decidedAt: string | null, createdAt: string }> };

export type TrainModelMutationVariables = Exact<{
  surface: string;
  days?: number | null | undefined;
  epochs?: number | null | undefined;
}>;


export type TrainModelMutation = { trainModel: { id: string, surfaceKey: string, version: string, status: ModelStatus, progress: number, progressMessage: string | null, dataFrom: string | null, dataTo: string | null, rows: number, metrics: unknown, trainingMs: number | null, gate: unknown, canaryShare: number | null, canaryStats: unknown, canaryStartedAt: string | null, statusReason: string | null, decidedAt: string | null, createdAt: string } };

export type StartCanaryMutationVariables = Exact<{
  id: string | number;
  share?: number | null | undefined;
}>;


export type StartCanaryMutation = { startCanary: { id: string, surfaceKey: string, version: string, status: ModelStatus, progress: number, progressMessage: string | null, dataFrom: string | null, dataTo: string | null, rows: number, metrics: unknown, trainingMs: number | null, gate: unknown, canaryShare: number | null, canaryStats: unknown, canaryStartedAt: string | null, statusReason: string | null, decidedAt: string | null, createdAt: string } };

export type PromoteModelMutationVariables = Exact<{
  id: string | number;
}>;


export type PromoteModelMutation = { promoteModel: { id: string, surfaceKey: string, version: string, status: ModelStatus, progress: number, progressMessage: string | null, dataFrom: string | null, dataTo: string | null, rows: number, metrics: unknown, trainingMs: number | null, gate: unknown, canaryShare: number | null, canaryStats: unknown, canaryStartedAt: string | null, statusReason: string | null, decidedAt: string | null, createdAt: string } };

export type RollbackModelMutationVariables = Exact<{
  id: string | number;
}>;


export type RollbackModelMutation = { rollbackModel: { id: string, surfaceKey: string, version: string, status: ModelStatus, progress: number, progressMessage: string | null, dataFrom: string | null, dataTo: string | null, rows: number, metrics: unknown, trainingMs: number | null, gate: unknown, canaryShare: number | null, canaryStats: unknown, canaryStartedAt: string | null, statusReason: string | null, decidedAt: string | null, createdAt: string } };

export type AuditEntryFieldsFragment = { id: string, at: string, actorId: string | null, actorLabel: string, action: string, entityType: string, entityId: string, before: unknown, after: unknown, requestId: string | null, summary: string | null };

export type AuditLogQueryVariables = Exact<{
  filter?: AuditFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AuditLogQuery = { auditLog: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, edges: Array<{ cursor: string, node: { id: string, at: string, actorId: string | null, actorLabel: string, action: string, entityType: string, entityId: string, before: unknown, after: unknown, requestId: string | null, summary: string | null } }> } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, email: string, displayName: string, role: Role, createdAt: string, lastLoginAt: string | null, disabledAt: string | null } | null };

export type LoginMutationVariables = Exact<{
  email: string;
  password: string;
}>;


export type LoginMutation = { login: { user: { id: string, email: string, displayName: string, role: Role, createdAt: string, lastLoginAt: string | null, disabledAt: string | null } } };

export type LogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type LogoutMutation = { logout: boolean };

export type ChangePasswordMutationVariables = Exact<{
  currentPassword: string;
  newPassword: string;
}>;


export type ChangePasswordMutation = { changePassword: boolean };

export type ItemSummaryFieldsFragment = { id: string, slug: string, kind: string, state: ItemState, title: string, defaultLocale: string, locales: Array<string>, completeLocales: Array<string>, topics: Array<string>, updatedAt: string, latestVersionNumber: number, liveVersion: { number: number } | null };

export type AssetFieldsFragment = { role: AssetRole, url: string, status: AssetCheckStatus, httpStatus: number | null, error: string | null, checkedAt: string | null };

export type ItemVersionFieldsFragment = { id: string, number: number, createdAt: string, note: string | null, restoredFrom: number | null, author: { id: string, displayName: string, email: string } | null };

export type ItemFieldsFieldsFragment = { slug: string, kind: string, defaultLocale: string, locales: Array<string>, durationSeconds: number | null, topics: Array<string>, collections: Array<string>, availability: string, platforms: Array<string>, minAppVersion: string | null, attributes: unknown, sessions: Array<string>, localized: Array<{ locale: string, title: string | null, subtitle: string | null, description: string | null }>, media: { audioUrl: string | null, videoUrl: string | null, artworkUrl: string | null } };

export type ItemDetailFieldsFragment = { createdAt: string, id: string, slug: string, kind: string, state: ItemState, title: string, defaultLocale: string, locales: Array<string>, completeLocales: Array<string>, topics: Array<string>, updatedAt: string, latestVersionNumber: number, latestVersion: { id: string, number: number, createdAt: string, note: string | null, restoredFrom: number | null, fields: { slug: string, kind: string, defaultLocale: string, locales: Array<string>, durationSeconds: number | null, topics: Array<string>, collections: Array<string>, availability: string, platforms: Array<string>, minAppVersion: string | null, attributes: unknown, sessions: Array<string>, localized: Array<{ locale: string, title: string | null, subtitle: string | null, description: string | null }>, media: { audioUrl: string | null, videoUrl: string | null, artworkUrl: string | null } }, author: { id: string, displayName: string, email: string } | null }, completeness: Array<{ locale: string, complete: boolean, missing: Array<string> }>, readiness: Array<{ field: string, locale: string | null, message: string }>, assets: Array<{ role: AssetRole, url: string, status: AssetCheckStatus, httpStatus: number | null, error: string | null, checkedAt: string | null }>, liveVersion: { number: number } | null };

export type KindsQueryVariables = Exact<{ [key: string]: never; }>;


export type KindsQuery = { contentKinds: Array<{ key: string, label: string, description: string, duration: Requirement, hasSessions: boolean, localized: { title: Requirement, subtitle: Requirement, description: Requirement }, media: { audio: Requirement, video: Requirement, artwork: Requirement, playable: boolean }, attributes: Array<{ key: string, label: string, required: boolean, type: KindAttributeType }> }> };

export type ItemsQueryVariables = Exact<{
  filter?: ItemFilterInput | null | undefined;
  sort?: ItemSort | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ItemsQuery = { items: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, edges: Array<{ cursor: string, node: { id: string, slug: string, kind: string, state: ItemState, title: string, defaultLocale: string, locales: Array<string>, completeLocales: Array<string>, topics: Array<string>, updatedAt: string, latestVersionNumber: number, liveVersion: { number: number } | null } }> } };

export type ItemQueryVariables = Exact<{
  id: string | number;
}>;


export type ItemQuery = { item: { createdAt: string, id: string, slug: string, kind: string, state: ItemState, title: string, defaultLocale: string, locales: Array<string>, completeLocales: Array<string>, topics: Array<string>, updatedAt: string, latestVersionNumber: number, latestVersion: { id: string, number: number, createdAt: string, note: string | null, restoredFrom: number | null, fields: { slug: string, kind: string, defaultLocale: string, locales: Array<string>, durationSeconds: number | null, topics: Array<string>, collections: Array<string>, availability: string, platforms: Array<string>, minAppVersion: string | null, attributes: unknown, sessions: Array<string>, localized: Array<{ locale: string, title: string | null, subtitle: string | null, description: string | null }>, media: { audioUrl: string | null, videoUrl: string | null, artworkUrl: string | null } }, author: { id: string, displayName: string, email: string } | null }, completeness: Array<{ locale: string, complete: boolean, missing: Array<string> }>, readiness: Array<{ field: string, locale: string | null, message: string }>, assets: Array<{ role: AssetRole, url: string, status: AssetCheckStatus, httpStatus: number | null, error: string | null, checkedAt: string | null }>, liveVersion: { number: number } | null } };

export type SessionsQueryVariables = Exact<{
  filter?: ItemFilterInput | null | undefined;
  first?: number | null | undefined;
}>;


export type SessionsQuery = { items: { edges: Array<{ node: { id: string, slug: string, kind: string, state: ItemState, title: string, defaultLocale: string, locales: Array<string>, completeLocales: Array<string>, topics: Array<string>, updatedAt: string, latestVersionNumber: number, liveVersion: { number: number } | null } }> } };

export type CreateItemMutationVariables = Exact<{
  input: ItemInput;
}>;


export type CreateItemMutation = { createItem: { createdAt: string, id: string, slug: string, kind: string, state: ItemState, title: string, defaultLocale: string, locales: Array<string>, completeLocales: Array<string>, topics: Array<string>, updatedAt: string, latestVersionNumber: number, latestVersion: { id: string, number: number, createdAt: string, note: string | null, restoredFrom: number | null, fields: { slug: string, kind: string, defaultLocale: string, locales: Array<string>, durationSeconds: number | null, topics: Array<string>, collections: Array<string>, availability: string, platforms: Array<string>, minAppVersion: string | null, attributes: unknown, sessions: Array<string>, localized: Array<{ locale: string, title: string | null, subtitle: string | null, description: string | null }>, media: { audioUrl: string | null, videoUrl: string | null, artworkUrl: string | null } }, author: { id: string, displayName: string, email: string } | null }, completeness: Array<{ locale: string, complete: boolean, missing: Array<string> }>, readiness: Array<{ field: string, locale: string | null, message: string }>, assets: Array<{ role: AssetRole, url: string, status: AssetCheckStatus, httpStatus: number | null, error: string | null, checkedAt: string | null }>, liveVersion: { number: number } | null } };

export type UpdateItemMutationVariables = Exact<{
  id: string | number;
  input: ItemInput;
  baseVersion?: number | null | undefined;
}>;


export type UpdateItemMutation = { updateItem: { createdAt: string, id: string, slug: string, kind: string, state: ItemState, title: string, defaultLocale: string, locales: Array<string>, completeLocales: Array<string>, topics: Array<string>, updatedAt: string, latestVersionNumber: number, latestVersion: { id: string, number: number, createdAt: string, note: string | null, restoredFrom: number | null, fields: { slug: string, kind: string, defaultLocale: string, locales: Array<string>, durationSeconds: number | null, topics: Array<string>, collections: Array<string>, availability: string, platforms: Array<string>, minAppVersion: string | null, attributes: unknown, sessions: Array<string>, localized: Array<{ locale: string, title: string | null, subtitle: string | null, description: string | null }>, media: { audioUrl: string | null, videoUrl: string | null, artworkUrl: string | null } }, author: { id: string, displayName: string, email: string } | null }, completeness: Array<{ locale: string, complete: boolean, missing: Array<string> }>, readiness: Array<{ field: string, locale: string | null, message: string }>, assets: Array<{ role: AssetRole, url: string, status: AssetCheckStatus, httpStatus: number | null, error: string | null, checkedAt: string | null }>, liveVersion: { number: number } | null } };

export type VersionsQueryVariables = Exact<{
  itemId: string | number;
}>;


export type VersionsQuery = { itemVersions: Array<{ id: string, number: number, createdAt: string, note: string | null, restoredFrom: number | null, author: { id: string, displayName: string, email: string } | null }> };

export type DiffQueryVariables = Exact<{
  itemId: string | number;
  from: number;
  to: number;
}>;


export type DiffQuery = { versionDiff: Array<{ path: string, before: unknown, after: unknown }> };

export type RestoreMutationVariables = Exact<{
  itemId: string | number;
  number: number;
}>;


export type RestoreMutation = { restoreItemVersion: { createdAt: string, id: string, slug: string, kind: string, state: ItemState, title: string, defaultLocale: string, locales: Array<string>, completeLocales: Array<string>, topics: Array<string>, updatedAt: string, latestVersionNumber: number, latestVersion: { id: string, number: number, createdAt: string, note: string | null, restoredFrom: number | null, fields: { slug: string, kind: string, defaultLocale: string, locales: Array<string>, durationSeconds: number | null, topics: Array<string>, collections: Array<string>, availability: string, platforms: Array<string>, minAppVersion: string | null, attributes: unknown, sessions: Array<string>, localized: Array<{ locale: string, title: string | null, subtitle: string | null, description: string | null }>, media: { audioUrl: string | null, videoUrl: string | null, artworkUrl: string | null } }, author: { id: string, displayName: string, email: string } | null }, completeness: Array<{ locale: string, complete: boolean, missing: Array<string> }>, readiness: Array<{ field: string, locale: string | null, message: string }>, assets: Array<{ role: AssetRole, url: string, status: AssetCheckStatus, httpStatus: number | null, error: string | null, checkedAt: string | null }>, liveVersion: { number: number } | null } };

export type RecheckMutationVariables = Exact<{
  itemId: string | number;
}>;


export type RecheckMutation = { recheckAssets: Array<{ role: AssetRole, url: string, status: AssetCheckStatus, httpStatus: number | null, error: string | null, checkedAt: string | null }> };

export type AssetsQueryVariables = Exact<{
  id: string | number;
}>;


export type AssetsQuery = { item: { assets: Array<{ role: AssetRole, url: string, status: AssetCheckStatus, httpStatus: number | null, error: string | null, checkedAt: string | null }> } };

export type ImportJobFieldsFragment = { id: string, filename: string, format: string, source: string, state: ImportJobState, totalRows: number, processedRows: number, createdItems: number, updatedItems: number, unchangedItems: number, failedRows: number, failure: string | null, createdAt: string, finishedAt: string | null };

export type ImportJobQueryVariables = Exact<{
  id: string | number;
}>;


export type ImportJobQuery = { importJob: { id: string, filename: string, format: string, source: string, state: ImportJobState, totalRows: number, processedRows: number, createdItems: number, updatedItems: number, unchangedItems: number, failedRows: number, failure: string | null, createdAt: string, finishedAt: string | null, errors: Array<{ row: number, slug: string | null, problems: Array<{ field: string, message: string }> }> } };

export type ImportJobsQueryVariables = Exact<{
  limit?: number | null | undefined;
}>;


export type ImportJobsQuery = { importJobs: Array<{ id: string, filename: string, format: string, source: string, state: ImportJobState, totalRows: number, processedRows: number, createdItems: number, updatedItems: number, unchangedItems: number, failedRows: number, failure: string | null, createdAt: string, finishedAt: string | null }> };

export type ReviewQueueQueryVariables = Exact<{ [key: string]: never; }>;


export type ReviewQueueQuery = { reviewQueue: Array<{ submittedAt: string, submittedBy: string | null, item: { id: string, slug: string, kind: string, state: ItemState, title: string, defaultLocale: string, locales: Array<string>, completeLocales: Array<string>, topics: Array<string>, updatedAt: string, latestVersionNumber: number, liveVersion: { number: number } | null }, version: { id: string, number: number, createdAt: string, note: string | null, restoredFrom: number | null, author: { id: string, displayName: string, email: string } | null }, changesFromLive: Array<{ path: string, before: unknown, after: unknown }> }> };

export type ItemWorkflowFieldsFragment = { id: string, state: ItemState, latestVersionNumber: number, liveVersion: { number: number } | null, approvedVersion: { number: number } | null, reviews: Array<{ actorId: string | null, at: string, comment: string | null, decision: ReviewDecision, versionNumber: number }>, releases: Array<{ id: string, name: string, state: ReleaseState, scheduledAt: string | null, launchedAt: string | null, timeZone: string | null }> };

export type ItemWorkflowQueryVariables = Exact<{
  id: string | number;
}>;


export type ItemWorkflowQuery = { item: { id: string, state: ItemState, latestVersionNumber: number, liveVersion: { number: number } | null, approvedVersion: { number: number } | null, reviews: Array<{ actorId: string | null, at: string, comment: string | null, decision: ReviewDecision, versionNumber: number }>, releases: Array<{ id: string, name: string, state: ReleaseState, scheduledAt: string | null, launchedAt: string | null, timeZone: string | null }> } };

export type SubmitMutationVariables = Exact<{
  itemId: string | number;
  versionNumber?: number | null | undefined;
}>;


export type SubmitMutation = { submitForReview: { id: string, state: ItemState, latestVersionNumber: number, liveVersion: { number: number } | null, approvedVersion: { number: number } | null, reviews: Array<{ actorId: string | null, at: string, comment: string | null, decision: ReviewDecision, versionNumber: number }>, releases: Array<{ id: string, name: string, state: ReleaseState, scheduledAt: string | null, launchedAt: string | null, timeZone: string | null }> } };

export type ApproveMutationVariables = Exact<{
  itemId: string | number;
  versionNumber: number;
  comment?: string | null | undefined;
}>;


export type ApproveMutation = { approveVersion: { id: string, state: ItemState, latestVersionNumber: number, liveVersion: { number: number } | null, approvedVersion: { number: number } | null, reviews: Array<{ actorId: string | null, at: string, comment: string | null, decision: ReviewDecision, versionNumber: number }>, releases: Array<{ id: string, name: string, state: ReleaseState, scheduledAt: string | null, launchedAt: string | null, timeZone: string | null }> } };

export type RejectMutationVariables = Exact<{
  itemId: string | number;
  versionNumber: number;
  comment: string;
}>;


export type RejectMutation = { rejectVersion: { id: string, state: ItemState, latestVersionNumber: number, liveVersion: { number: number } | null, approvedVersion: { number: number } | null, reviews: Array<{ actorId: string | null, at: string, comment: string | null, decision: ReviewDecision, versionNumber: number }>, releases: Array<{ id: string, name: string, state: ReleaseState, scheduledAt: string | null, launchedAt: string | null, timeZone: string | null }> } };

export type ReleaseBaseFieldsFragment = { id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string };

export type ReleaseSummaryFieldsFragment = { id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, item: { id: string, title: string } }> };

export type ReleaseDetailFieldsFragment = { scheduleRevision: number, rollbackBlockers: Array<string>, id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, audience: { locales: Array<string>, platforms: Array<string>, tiers: Array<string> }, failureReasons: Array<{ code: string, itemId: string | null, message: string }> | null, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, appliedOrder: number | null, priorLiveVersionId: string | null, item: { id: string, title: string, slug: string, kind: string, state: ItemState, latestVersionNumber: number, liveVersion: { id: string, number: number } | null } }>, events: Array<{ at: string, kind: string, message: string, details: unknown }> };

export type ValidationFieldsFragment = { ok: boolean, blocking: Array<{ code: string, itemId: string | null, message: string }>, warnings: Array<{ code: string, itemId: string | null, message: string }> };

export type ReleasesQueryVariables = Exact<{
  states?: Array<ReleaseState> | ReleaseState | null | undefined;
  from?: string | null | undefined;
  to?: string | null | undefined;
}>;


export type ReleasesQuery = { releases: Array<{ id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, item: { id: string, title: string } }> }> };

export type FailedReleasesQueryVariables = Exact<{ [key: string]: never; }>;


export type FailedReleasesQuery = { releases: Array<{ id: string, name: string, failedAt: string | null }> };

export type ReleaseQueryVariables = Exact<{
  id: string | number;
}>;


export type ReleaseQuery = { release: { scheduleRevision: number, rollbackBlockers: Array<string>, id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, audience: { locales: Array<string>, platforms: Array<string>, tiers: Array<string> }, failureReasons: Array<{ code: string, itemId: string | null, message: string }> | null, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, appliedOrder: number | null, priorLiveVersionId: string | null, item: { id: string, title: string, slug: string, kind: string, state: ItemState, latestVersionNumber: number, liveVersion: { id: string, number: number } | null } }>, events: Array<{ at: string, kind: string, message: string, details: unknown }> } };

export type ReleaseValidationQueryVariables = Exact<{
  id: string | number;
}>;


export type ReleaseValidationQuery = { releaseValidation: { ok: boolean, blocking: Array<{ code: string, itemId: string | null, message: string }>, warnings: Array<{ code: string, itemId: string | null, message: string }> } };

export type CreateReleaseMutationVariables = Exact<{
  input: ReleaseInput;
}>;


export type CreateReleaseMutation = { createRelease: { scheduleRevision: number, rollbackBlockers: Array<string>, id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, audience: { locales: Array<string>, platforms: Array<string>, tiers: Array<string> }, failureReasons: Array<{ code: string, itemId: string | null, message: string }> | null, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, appliedOrder: number | null, priorLiveVersionId: string | null, item: { id: string, title: string, slug: string, kind: string, state: ItemState, latestVersionNumber: number, liveVersion: { id: string, number: number } | null } }>, events: Array<{ at: string, kind: string, message: string, details: unknown }> } };

export type UpdateReleaseMutationVariables = Exact<{
  id: string | number;
  input: ReleaseUpdate;
}>;


export type UpdateReleaseMutation = { updateRelease: { scheduleRevision: number, rollbackBlockers: Array<string>, id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, audience: { locales: Array<string>, platforms: Array<string>, tiers: Array<string> }, failureReasons: Array<{ code: string, itemId: string | null, message: string }> | null, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, appliedOrder: number | null, priorLiveVersionId: string | null, item: { id: string, title: string, slug: string, kind: string, state: ItemState, latestVersionNumber: number, liveVersion: { id: string, number: number } | null } }>, events: Array<{ at: string, kind: string, message: string, details: unknown }> } };

export type AddToReleaseMutationVariables = Exact<{
  releaseId: string | number;
  itemId: string | number;
  action: ReleaseActionKind;
  versionNumber?: number | null | undefined;
}>;


export type AddToReleaseMutation = { addToRelease: { scheduleRevision: number, rollbackBlockers: Array<string>, id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, audience: { locales: Array<string>, platforms: Array<string>, tiers: Array<string> }, failureReasons: Array<{ code: string, itemId: string | null, message: string }> | null, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, appliedOrder: number | null, priorLiveVersionId: string | null, item: { id: string, title: string, slug: string, kind: string, state: ItemState, latestVersionNumber: number, liveVersion: { id: string, number: number } | null } }>, events: Array<{ at: string, kind: string, message: string, details: unknown }> } };

export type RemoveFromReleaseMutationVariables = Exact<{
  releaseId: string | number;
  itemId: string | number;
}>;


export type RemoveFromReleaseMutation = { removeFromRelease: { scheduleRevision: number, rollbackBlockers: Array<string>, id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, audience: { locales: Array<string>, platforms: Array<string>, tiers: Array<string> }, failureReasons: Array<{ code: string, itemId: string | null, message: string }> | null, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, appliedOrder: number | null, priorLiveVersionId: string | null, item: { id: string, title: string, slug: string, kind: string, state: ItemState, latestVersionNumber: number, liveVersion: { id: string, number: number } | null } }>, events: Array<{ at: string, kind: string, message: string, details: unknown }> } };

export type ScheduleReleaseMutationVariables = Exact<{
  id: string | number;
  input: ScheduleInputGql;
}>;


export type ScheduleReleaseMutation = { scheduleRelease: { scheduleRevision: number, rollbackBlockers: Array<string>, id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, audience: { locales: Array<string>, platforms: Array<string>, tiers: Array<string> }, failureReasons: Array<{ code: string, itemId: string | null, message: string }> | null, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, appliedOrder: number | null, priorLiveVersionId: string | null, item: { id: string, title: string, slug: string, kind: string, state: ItemState, latestVersionNumber: number, liveVersion: { id: string, number: number } | null } }>, events: Array<{ at: string, kind: string, message: string, details: unknown }> } };

export type UnscheduleReleaseMutationVariables = Exact<{
  id: string | number;
}>;


export type UnscheduleReleaseMutation = { unscheduleRelease: { scheduleRevision: number, rollbackBlockers: Array<string>, id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, audience: { locales: Array<string>, platforms: Array<string>, tiers: Array<string> }, failureReasons: Array<{ code: string, itemId: string | null, message: string }> | null, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, appliedOrder: number | null, priorLiveVersionId: string | null, item: { id: string, title: string, slug: string, kind: string, state: ItemState, latestVersionNumber: number, liveVersion: { id: string, number: number } | null } }>, events: Array<{ at: string, kind: string, message: string, details: unknown }> } };

export type LaunchNowMutationVariables = Exact<{
  id: string | number;
}>;


export type LaunchNowMutation = { launchReleaseNow: { scheduleRevision: number, rollbackBlockers: Array<string>, id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, audience: { locales: Array<string>, platforms: Array<string>, tiers: Array<string> }, failureReasons: Array<{ code: string, itemId: string | null, message: string }> | null, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, appliedOrder: number | null, priorLiveVersionId: string | null, item: { id: string, title: string, slug: string, kind: string, state: ItemState, latestVersionNumber: number, liveVersion: { id: string, number: number } | null } }>, events: Array<{ at: string, kind: string, message: string, details: unknown }> } };

export type SetRolloutMutationVariables = Exact<{
  id: string | number;
  percent: number;
  audience?: AudienceInput | null | undefined;
}>;


export type SetRolloutMutation = { setReleaseRollout: { scheduleRevision: number, rollbackBlockers: Array<string>, id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, audience: { locales: Array<string>, platforms: Array<string>, tiers: Array<string> }, failureReasons: Array<{ code: string, itemId: string | null, message: string }> | null, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, appliedOrder: number | null, priorLiveVersionId: string | null, item: { id: string, title: string, slug: string, kind: string, state: ItemState, latestVersionNumber: number, liveVersion: { id: string, number: number } | null } }>, events: Array<{ at: string, kind: string, message: string, details: unknown }> } };

export type CancelReleaseMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelReleaseMutation = { cancelRelease: { scheduleRevision: number, rollbackBlockers: Array<string>, id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, audience: { locales: Array<string>, platforms: Array<string>, tiers: Array<string> }, failureReasons: Array<{ code: string, itemId: string | null, message: string }> | null, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, appliedOrder: number | null, priorLiveVersionId: string | null, item: { id: string, title: string, slug: string, kind: string, state: ItemState, latestVersionNumber: number, liveVersion: { id: string, number: number } | null } }>, events: Array<{ at: string, kind: string, message: string, details: unknown }> } };

export type RollbackReleaseMutationVariables = Exact<{
  id: string | number;
}>;


export type RollbackReleaseMutation = { rollbackRelease: { scheduleRevision: number, rollbackBlockers: Array<string>, id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, audience: { locales: Array<string>, platforms: Array<string>, tiers: Array<string> }, failureReasons: Array<{ code: string, itemId: string | null, message: string }> | null, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, appliedOrder: number | null, priorLiveVersionId: string | null, item: { id: string, title: string, slug: string, kind: string, state: ItemState, latestVersionNumber: number, liveVersion: { id: string, number: number } | null } }>, events: Array<{ at: string, kind: string, message: string, details: unknown }> } };

export type VersionNumbersQueryVariables = Exact<{
  itemId: string | number;
}>;


export type VersionNumbersQuery = { itemVersions: Array<{ id: string, number: number }> };

export type PickableItemFieldsFragment = { id: string, slug: string, kind: string, state: ItemState, title: string, defaultLocale: string, locales: Array<string>, completeLocales: Array<string>, topics: Array<string>, updatedAt: string, latestVersionNumber: number, approvedVersion: { number: number } | null, reviews: Array<{ versionNumber: number, decision: ReviewDecision, at: string }>, liveVersion: { number: number } | null };

export type PickItemsQueryVariables = Exact<{
  filter?: ItemFilterInput | null | undefined;
}>;


export type PickItemsQuery = { items: { edges: Array<{ node: { id: string, slug: string, kind: string, state: ItemState, title: string, defaultLocale: string, locales: Array<string>, completeLocales: Array<string>, topics: Array<string>, updatedAt: string, latestVersionNumber: number, approvedVersion: { number: number } | null, reviews: Array<{ versionNumber: number, decision: ReviewDecision, at: string }>, liveVersion: { number: number } | null } }> } };

export type TimeZonesQueryVariables = Exact<{ [key: string]: never; }>;


export type TimeZonesQuery = { timeZones: Array<string> };

export type ResolveQueryVariables = Exact<{
  localDateTime: string;
  timeZone: string;
}>;


export type ResolveQuery = { resolveScheduleTime: { kind: ScheduleResolutionKind, instant: string | null, message: string | null, options: Array<{ offsetMinutes: number, instant: string, label: string }> } };

export type SchedulerHealthQueryVariables = Exact<{ [key: string]: never; }>;


export type SchedulerHealthQuery = { schedulerHealth: { latenessP50Ms: number | null, latenessP95Ms: number | null, latenessMaxMs: number | null, lastReconcileAt: string | null, reconcilerHealthy: boolean, upcoming: Array<{ id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, item: { id: string, title: string } }> }>, late: Array<{ id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, item: { id: string, title: string } }> }>, failed: Array<{ id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, failureReasons: Array<{ code: string, itemId: string | null, message: string }> | null, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, item: { id: string, title: string } }> }>, recentLaunches: Array<{ id: string, name: string, description: string | null, state: ReleaseState, scheduledAt: string | null, timeZone: string | null, localTime: string | null, launchedAt: string | null, failedAt: string | null, rolledBackAt: string | null, latenessMs: number | null, rolloutPercent: number, createdAt: string, updatedAt: string, actions: Array<{ id: string, kind: ReleaseActionKind, itemId: string, versionNumber: number | null, item: { id: string, title: string } }> }>, learning: { healthy: boolean, learnIntervalMs: number, labelWindowSeconds: number, passes: Array<{ pass: LearningPass, eventsWaiting: number, eventsWaitingCapped: boolean, lastFoldAt: string | null, oldestWaitingSeconds: number | null }>, models: Array<{ surface: string, updatedAt: string, ageSeconds: number, tasteModel: { version: number, fittedAt: string, events: number, gain: number, historyWeight: number } | null }> } } };

export type ItemReleasesQueryVariables = Exact<{
  filter?: ItemFilterInput | null | undefined;
  first?: number | null | undefined;
}>;


export type ItemReleasesQuery = { items: { edges: Array<{ node: { id: string, title: string, releases: Array<{ id: string, name: string, state: ReleaseState, launchedAt: string | null }> } }> } };

export type SurfacePinFieldsFragment = { id: string, itemId: string, position: number, startsAt: string, endsAt: string | null };

export type SurfaceFieldsFragment = { id: string, key: string, name: string, description: string | null, slots: number, successEvent: string, explorationBudget: number, randomFloor: number, testQuota: number | null, testMaxDays: number, testMaxPosition: number, fallbackOrder: Array<string>, enabled: boolean, updatedAt: string, candidateRule: { kinds: Array<string>, topics: Array<string>, collections: Array<string> }, diversity: { maxPerKind: number | null, maxPerTopic: number | null, firstN: number }, pins: Array<{ id: string, itemId: string, position: number, startsAt: string, endsAt: string | null }> };

export type SurfacesQueryVariables = Exact<{ [key: string]: never; }>;


export type SurfacesQuery = { surfaces: Array<{ id: string, key: string, name: string, description: string | null, slots: number, successEvent: string, explorationBudget: number, randomFloor: number, testQuota: number | null, testMaxDays: number, testMaxPosition: number, fallbackOrder: Array<string>, enabled: boolean, updatedAt: string, candidateRule: { kinds: Array<string>, topics: Array<string>, collections: Array<string> }, diversity: { maxPerKind: number | null, maxPerTopic: number | null, firstN: number }, pins: Array<{ id: string, itemId: string, position: number, startsAt: string, endsAt: string | null }> }> };

export type SurfaceQueryVariables = Exact<{
  key: string;
}>;


export type SurfaceQuery = { surface: { id: string, key: string, name: string, description: string | null, slots: number, successEvent: string, explorationBudget: number, randomFloor: number, testQuota: number | null, testMaxDays: number, testMaxPosition: number, fallbackOrder: Array<string>, enabled: boolean, updatedAt: string, candidateRule: { kinds: Array<string>, topics: Array<string>, collections: Array<string> }, diversity: { maxPerKind: number | null, maxPerTopic: number | null, firstN: number }, pins: Array<{ id: string, itemId: string, position: number, startsAt: string, endsAt: string | null }> } };

export type CreateSurfaceMutationVariables = Exact<{
  key: string;
  name: string;
  slots: number;
  input?: SurfaceInputGql | null | undefined;
}>;


export type CreateSurfaceMutation = { createSurface: { id: string, key: string, name: string, description: string | null, slots: number, successEvent: string, explorationBudget: number, randomFloor: number, testQuota: number | null, testMaxDays: number, testMaxPosition: number, fallbackOrder: Array<string>, enabled: boolean, updatedAt: string, candidateRule: { kinds: Array<string>, topics: Array<string>, collections: Array<string> }, diversity: { maxPerKind: number | null, maxPerTopic: number | null, firstN: number }, pins: Array<{ id: string, itemId: string, position: number, startsAt: string, endsAt: string | null }> } };

export type UpdateSurfaceMutationVariables = Exact<{
  key: string;
  input: SurfaceInputGql;
}>;


export type UpdateSurfaceMutation = { updateSurface: { id: string, key: string, name: string, description: string | null, slots: number, successEvent: string, explorationBudget: number, randomFloor: number, testQuota: number | null, testMaxDays: number, testMaxPosition: number, fallbackOrder: Array<string>, enabled: boolean, updatedAt: string, candidateRule: { kinds: Array<string>, topics: Array<string>, collections: Array<string> }, diversity: { maxPerKind: number | null, maxPerTopic: number | null, firstN: number }, pins: Array<{ id: string, itemId: string, position: number, startsAt: string, endsAt: string | null }> } };

export type SetFallbackMutationVariables = Exact<{
  key: string;
  itemIds: Array<string | number> | string | number;
}>;


export type SetFallbackMutation = { setSurfaceFallback: { id: string, key: string, name: string, description: string | null, slots: number, successEvent: string, explorationBudget: number, randomFloor: number, testQuota: number | null, testMaxDays: number, testMaxPosition: number, fallbackOrder: Array<string>, enabled: boolean, updatedAt: string, candidateRule: { kinds: Array<string>, topics: Array<string>, collections: Array<string> }, diversity: { maxPerKind: number | null, maxPerTopic: number | null, firstN: number }, pins: Array<{ id: string, itemId: string, position: number, startsAt: string, endsAt: string | null }> } };

export type PinItemMutationVariables = Exact<{
  key: string;
  input: PinInput;
}>;


export type PinItemMutation = { pinItem: { id: string, itemId: string, position: number, startsAt: string, endsAt: string | null } };

export type UnpinItemMutationVariables = Exact<{
  pinId: string | number;
}>;


export type UnpinItemMutation = { unpinItem: boolean };

export type ItemsByIdQueryVariables = Exact<{
  filter?: ItemFilterInput | null | undefined;
  first?: number | null | undefined;
}>;


export type ItemsByIdQuery = { items: { edges: Array<{ node: { id: string, slug: string, kind: string, state: ItemState, title: string, defaultLocale: string, locales: Array<string>, completeLocales: Array<string>, topics: Array<string>, updatedAt: string, latestVersionNumber: number, liveVersion: { number: number } | null } }> } };

export type PlaceableItemsQueryVariables = Exact<{
  filter?: ItemFilterInput | null | undefined;
}>;


export type PlaceableItemsQuery = { items: { edges: Array<{ node: { id: string, slug: string, kind: string, state: ItemState, title: string, defaultLocale: string, locales: Array<string>, completeLocales: Array<string>, topics: Array<string>, updatedAt: string, latestVersionNumber: number, liveVersion: { number: number } | null } }> } };

export type FeedPreviewQueryVariables = Exact<{
  surface: string;
  persona: PreviewPersonaInput;
  instant?: string | null | undefined;
  seed?: number | null | undefined;
}>;


export type FeedPreviewQuery = { feedPreview: { surface: string, instant: string, policyVersion: string, stateRevision: number, candidates: number, eligible: number, seed: number, personEvents: number, entries: Array<{ position: number, reason: FeedReason, propensity: number, propensityError: number, itemId: string, slug: string, kind: string, title: string, source: CatalogSource, inContentTest: boolean }>, nearestTitles: Array<{ itemId: string, slug: string, title: string, affinity: number, inSlate: boolean }> } };

export type ContentTestFieldsFragment = { id: string, surfaceKey: string, itemId: string, status: ContentTestStatus, quota: number, maxDays: number, startedAt: string, endsBy: string, impressions: number, exposure: number, successes: number, probBeatsControl: number, decisionReason: string | null, decidedAt: string | null, rule: string, queuePosition: number | null, item: { title: string, slug: string, kind: string }, rate: { mean: number, lower: number, upper: number }, controlRate: { mean: number, lower: number, upper: number }, evidence: { estimate: number, lower: number, upper: number, alwaysValidP: number, controlImpressions: number, controlExposure: number, controlSuccesses: number } };

export type ContentTestsQueryVariables = Exact<{
  surface?: string | null | undefined;
  status?: ContentTestStatus | null | undefined;
}>;


export type ContentTestsQuery = { contentTests: Array<{ id: string, surfaceKey: string, itemId: string, status: ContentTestStatus, quota: number, maxDays: number, startedAt: string, endsBy: string, impressions: number, exposure: number, successes: number, probBeatsControl: number, decisionReason: string | null, decidedAt: string | null, rule: string, queuePosition: number | null, item: { title: string, slug: string, kind: string }, rate: { mean: number, lower: number, upper: number }, controlRate: { mean: number, lower: number, upper: number }, evidence: { estimate: number, lower: number, upper: number, alwaysValidP: number, controlImpressions: number, controlExposure: number, controlSuccesses: number } }> };

export type WebhookEndpointFieldsFragment = { id: string, url: string, description: string | null, events: Array<string>, enabled: boolean, createdAt: string };

export type WebhookDeliveryFieldsFragment = { id: string, endpointId: string, eventId: string, eventType: string, payload: unknown, status: WebhookDeliveryStatus, attempts: number, lastStatusCode: number | null, lastError: string | null, deliveredAt: string | null, createdAt: string, attemptLog: Array<{ at: string, statusCode: number | null, error: string | null, durationMs: number }> };

export type WebhookEndpointsQueryVariables = Exact<{ [key: string]: never; }>;


export type WebhookEndpointsQuery = { webhookEndpoints: Array<{ id: string, url: string, description: string | null, events: Array<string>, enabled: boolean, createdAt: string }> };

export type WebhookEventTypesQueryVariables = Exact<{ [key: string]: never; }>;


export type WebhookEventTypesQuery = { webhookEventTypes: Array<string> };

export type CreateWebhookEndpointMutationVariables = Exact<{
  input: WebhookEndpointInput;
}>;


export type CreateWebhookEndpointMutation = { createWebhookEndpoint: { secret: string, endpoint: { id: string, url: string, description: string | null, events: Array<string>, enabled: boolean, createdAt: string } } };

export type UpdateWebhookEndpointMutationVariables = Exact<{
  id: string | number;
  input: WebhookEndpointUpdate;
}>;


export type UpdateWebhookEndpointMutation = { updateWebhookEndpoint: { id: string, url: string, description: string | null, events: Array<string>, enabled: boolean, createdAt: string } };

export type DeleteWebhookEndpointMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteWebhookEndpointMutation = { deleteWebhookEndpoint: boolean };

export type WebhookDeliveriesQueryVariables = Exact<{
  endpointId?: string | number | null | undefined;
  limit?: number | null | undefined;
}>;


export type WebhookDeliveriesQuery = { webhookDeliveries: Array<{ id: string, endpointId: string, eventId: string, eventType: string, payload: unknown, status: WebhookDeliveryStatus, attempts: number, lastStatusCode: number | null, lastError: string | null, deliveredAt: string | null, createdAt: string, attemptLog: Array<{ at: string, statusCode: number | null, error: string | null, durationMs: number }> }> };

export type RedeliverWebhookMutationVariables = Exact<{
  id: string | number;
}>;


export type RedeliverWebhookMutation = { redeliverWebhook: { id: string, endpointId: string, eventId: string, eventType: string, payload: unknown, status: WebhookDeliveryStatus, attempts: number, lastStatusCode: number | null, lastError: string | null, deliveredAt: string | null, createdAt: string, attemptLog: Array<{ at: string, statusCode: number | null, error: string | null, durationMs: number }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const UserFieldsFragmentDoc = new TypedDocumentString(`
    fragment UserFields on User {
  id
  email
  displayName
  role
  createdAt
  lastLoginAt
  disabledAt
}
    `, {"fragmentName":"UserFields"}) as unknown as TypedDocumentString<UserFieldsFragment, unknown>;
export const ApiKeyFieldsFragmentDoc = new TypedDocumentString(`
    fragment ApiKeyFields on ApiKey {
  id
  name
  prefix
  createdAt
  lastUsedAt
  revokedAt
}
    `, {"fragmentName":"ApiKeyFields"}) as unknown as TypedDocumentString<ApiKeyFieldsFragment, unknown>;
export const OpeRunFieldsFragmentDoc = new TypedDocumentString(`
    fragment OpeRunFields on OpeRun {
  id
  surfaceKey
  target
  modelId
  config
  label
  status
  progress
  windowFrom
  windowTo
  estimates
  error
  createdAt
  finishedAt
}
    `, {"fragmentName":"OpeRunFields"}) as unknown as TypedDocumentString<OpeRunFieldsFragment, unknown>;
export const ModelVersionFieldsFragmentDoc = new TypedDocumentString(`
    fragment ModelVersionFields on ModelVersion {
  id
  surfaceKey
  version
  status
  progress
  progressMessage
  dataFrom
  dataTo
  rows
  metrics
  trainingMs
  gate
  canaryShare
  canaryStats
  canaryStartedAt
  statusReason
  decidedAt
  createdAt
}
    `, {"fragmentName":"ModelVersionFields"}) as unknown as TypedDocumentString<ModelVersionFieldsFragment, unknown>;
export const AuditEntryFieldsFragmentDoc = new TypedDocumentString(`
    fragment AuditEntryFields on AuditEntry {
  id
  at
  actorId
  actorLabel
  action
  entityType
  entityId
  before
  after
  requestId
  summary
}
    `, {"fragmentName":"AuditEntryFields"}) as unknown as TypedDocumentString<AuditEntryFieldsFragment, unknown>;
export const ItemSummaryFieldsFragmentDoc = new TypedDocumentString(`
    fragment ItemSummaryFields on Item {
  id
  slug
  kind
  state
  title
  defaultLocale
  locales
  completeLocales
  topics
  updatedAt
  latestVersionNumber
  liveVersion {
    number
  }
}
    `, {"fragmentName":"ItemSummaryFields"}) as unknown as TypedDocumentString<ItemSummaryFieldsFragment, unknown>;
export const ItemVersionFieldsFragmentDoc = new TypedDocumentString(`
    fragment ItemVersionFields on ItemVersion {
  id
  number
  createdAt
  note
  restoredFrom
  author {
    id
    displayName
    email
  }
}
    `, {"fragmentName":"ItemVersionFields"}) as unknown as TypedDocumentString<ItemVersionFieldsFragment, unknown>;
export const ItemFieldsFieldsFragmentDoc = new TypedDocumentString(`
    fragment ItemFieldsFields on ItemFieldsGql {
  slug
  kind
  defaultLocale
  locales
  localized {
    locale
    title
    subtitle
    description
  }
  durationSeconds
  media {
    audioUrl
    videoUrl
    artworkUrl
  }
  topics
  collections
  availability
  platforms
  minAppVersion
  attributes
  sessions
}
    `, {"fragmentName":"ItemFieldsFields"}) as unknown as TypedDocumentString<ItemFieldsFieldsFragment, unknown>;
export const AssetFieldsFragmentDoc = new TypedDocumentString(`
    fragment AssetFields on AssetStatusGql {
  role
  url
  status
  httpStatus
  error
  checkedAt
}
    `, {"fragmentName":"AssetFields"}) as unknown as TypedDocumentString<AssetFieldsFragment, unknown>;
export const ItemDetailFieldsFragmentDoc = new TypedDocumentString(`
    fragment ItemDetailFields on Item {
  ...ItemSummaryFields
  createdAt
  latestVersion {
    ...ItemVersionFields
    fields {
      ...ItemFieldsFields
    }
  }
  completeness {
    locale
    complete
    missing
  }
  readiness {
    field
    locale
    message
  }
  assets {
    ...AssetFields
  }
}
    fragment ItemSummaryFields on Item {
  id
  slug
  kind
  state
  title
  defaultLocale
  locales
  completeLocales
  topics
  updatedAt
  latestVersionNumber
  liveVersion {
    number
  }
}
fragment AssetFields on AssetStatusGql {
  role
  url
  status
  httpStatus
  error
  checkedAt
}
fragment ItemVersionFields on ItemVersion {
  id
  number
  createdAt
  note
  restoredFrom
  author {
    id
    displayName
    email
  }
}
fragment ItemFieldsFields on ItemFieldsGql {
  slug
  kind
  defaultLocale
  locales
  localized {
    locale
    title
    subtitle
    description
  }
  durationSeconds
  media {
    audioUrl
    videoUrl
    artworkUrl
  }
  topics
  collections
  availability
  platforms
  minAppVersion
  attributes
  sessions
}`, {"fragmentName":"ItemDetailFields"}) as unknown as TypedDocumentString<ItemDetailFieldsFragment, unknown>;
export const ImportJobFieldsFragmentDoc = new TypedDocumentString(`
    fragment ImportJobFields on ImportJob {
  id
  filename
  format
  source
  state
  totalRows
  processedRows
  createdItems
  updatedItems
  unchangedItems
  failedRows
  failure
  createdAt
  finishedAt
}
    `, {"fragmentName":"ImportJobFields"}) as unknown as TypedDocumentString<ImportJobFieldsFragment, unknown>;
export const ItemWorkflowFieldsFragmentDoc = new TypedDocumentString(`
    fragment ItemWorkflowFields on Item {
  id
  state
  latestVersionNumber
  liveVersion {
    number
  }
  approvedVersion {
    number
  }
  reviews {
    actorId
    at
    comment
    decision
    versionNumber
  }
  releases {
    id
    name
    state
    scheduledAt
    launchedAt
    timeZone
  }
}
    `, {"fragmentName":"ItemWorkflowFields"}) as unknown as TypedDocumentString<ItemWorkflowFieldsFragment, unknown>;
export const ReleaseBaseFieldsFragmentDoc = new TypedDocumentString(`
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
    `, {"fragmentName":"ReleaseBaseFields"}) as unknown as TypedDocumentString<ReleaseBaseFieldsFragment, unknown>;
export const ReleaseSummaryFieldsFragmentDoc = new TypedDocumentString(`
    fragment ReleaseSummaryFields on Release {
  ...ReleaseBaseFields
  actions {
    id
    kind
    itemId
    versionNumber
    item {
      id
      title
    }
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}`, {"fragmentName":"ReleaseSummaryFields"}) as unknown as TypedDocumentString<ReleaseSummaryFieldsFragment, unknown>;
export const ReleaseDetailFieldsFragmentDoc = new TypedDocumentString(`
    fragment ReleaseDetailFields on Release {
  ...ReleaseBaseFields
  scheduleRevision
  audience {
    locales
    platforms
    tiers
  }
  failureReasons {
    code
    itemId
    message
  }
  rollbackBlockers
  actions {
    id
    kind
    itemId
    versionNumber
    appliedOrder
    priorLiveVersionId
    item {
      id
      title
      slug
      kind
      state
      latestVersionNumber
      liveVersion {
        id
        number
      }
    }
  }
  events {
    at
    kind
    message
    details
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}`, {"fragmentName":"ReleaseDetailFields"}) as unknown as TypedDocumentString<ReleaseDetailFieldsFragment, unknown>;
export const ValidationFieldsFragmentDoc = new TypedDocumentString(`
    fragment ValidationFields on ReleaseValidation {
  ok
  blocking {
    code
    itemId
    message
  }
  warnings {
    code
    itemId
    message
  }
}
    `, {"fragmentName":"ValidationFields"}) as unknown as TypedDocumentString<ValidationFieldsFragment, unknown>;
export const PickableItemFieldsFragmentDoc = new TypedDocumentString(`
    fragment PickableItemFields on Item {
  ...ItemSummaryFields
  approvedVersion {
    number
  }
  reviews {
    versionNumber
    decision
    at
  }
}
    fragment ItemSummaryFields on Item {
  id
  slug
  kind
  state
  title
  defaultLocale
  locales
  completeLocales
  topics
  updatedAt
  latestVersionNumber
  liveVersion {
    number
  }
}`, {"fragmentName":"PickableItemFields"}) as unknown as TypedDocumentString<PickableItemFieldsFragment, unknown>;
export const SurfacePinFieldsFragmentDoc = new TypedDocumentString(`
    fragment SurfacePinFields on SurfacePin {
  id
  itemId
  position
  startsAt
  endsAt
}
    `, {"fragmentName":"SurfacePinFields"}) as unknown as TypedDocumentString<SurfacePinFieldsFragment, unknown>;
export const SurfaceFieldsFragmentDoc = new TypedDocumentString(`
    fragment SurfaceFields on Surface {
  id
  key
  name
  description
  slots
  candidateRule {
    kinds
    topics
    collections
  }
  successEvent
  explorationBudget
  randomFloor
  testQuota
  testMaxDays
  testMaxPosition
  diversity {
    maxPerKind
    maxPerTopic
    firstN
  }
  fallbackOrder
  enabled
  updatedAt
  pins {
    ...SurfacePinFields
  }
}
    fragment SurfacePinFields on SurfacePin {
  id
  itemId
  position
  startsAt
  endsAt
}`, {"fragmentName":"SurfaceFields"}) as unknown as TypedDocumentString<SurfaceFieldsFragment, unknown>;
export const ContentTestFieldsFragmentDoc = new TypedDocumentString(`
    fragment ContentTestFields on ContentTest {
  id
  surfaceKey
  itemId
  item {
    title
    slug
    kind
  }
  status
  quota
  maxDays
  startedAt
  endsBy
  impressions
  exposure
  successes
  probBeatsControl
  rate {
    mean
    lower
    upper
  }
  controlRate {
    mean
    lower
    upper
  }
  decisionReason
  decidedAt
  rule
  queuePosition
  evidence {
    estimate
    lower
    upper
    alwaysValidP
    controlImpressions
    controlExposure
    controlSuccesses
  }
}
    `, {"fragmentName":"ContentTestFields"}) as unknown as TypedDocumentString<ContentTestFieldsFragment, unknown>;
export const WebhookEndpointFieldsFragmentDoc = new TypedDocumentString(`
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  description
  events
  enabled
  createdAt
}
    `, {"fragmentName":"WebhookEndpointFields"}) as unknown as TypedDocumentString<WebhookEndpointFieldsFragment, unknown>;
export const WebhookDeliveryFieldsFragmentDoc = new TypedDocumentString(`
    fragment WebhookDeliveryFields on WebhookDelivery {
  id
  endpointId
  eventId
  eventType
  payload
  status
  attempts
  attemptLog {
    at
    statusCode
    error
    durationMs
  }
  lastStatusCode
  lastError
  deliveredAt
  createdAt
}
    `, {"fragmentName":"WebhookDeliveryFields"}) as unknown as TypedDocumentString<WebhookDeliveryFieldsFragment, unknown>;
export const UsersDocument = new TypedDocumentString(`
    query Users {
  users {
    ...UserFields
  }
}
    fragment UserFields on User {
  id
  email
  displayName
  role
  createdAt
  lastLoginAt
  disabledAt
}`) as unknown as TypedDocumentString<UsersQuery, UsersQueryVariables>;
export const CreateUserDocument = new TypedDocumentString(`
    mutation CreateUser($input: CreateUserInput!) {
  createUser(input: $input) {
    temporaryPassword
    user {
      ...UserFields
    }
  }
}
    fragment UserFields on User {
  id
  email
  displayName
  role
  createdAt
  lastLoginAt
  disabledAt
}`) as unknown as TypedDocumentString<CreateUserMutation, CreateUserMutationVariables>;
export const UpdateUserDocument = new TypedDocumentString(`
    mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
  updateUser(id: $id, input: $input) {
    ...UserFields
  }
}
    fragment UserFields on User {
  id
  email
  displayName
  role
  createdAt
  lastLoginAt
  disabledAt
}`) as unknown as TypedDocumentString<UpdateUserMutation, UpdateUserMutationVariables>;
export const SetDisabledDocument = new TypedDocumentString(`
    mutation SetDisabled($id: ID!, $disabled: Boolean!) {
  setUserDisabled(id: $id, disabled: $disabled) {
    ...UserFields
  }
}
    fragment UserFields on User {
  id
  email
  displayName
  role
  createdAt
  lastLoginAt
  disabledAt
}`) as unknown as TypedDocumentString<SetDisabledMutation, SetDisabledMutationVariables>;
export const ResetPasswordDocument = new TypedDocumentString(`
    mutation ResetPassword($id: ID!) {
  resetUserPassword(id: $id)
}
    `) as unknown as TypedDocumentString<ResetPasswordMutation, ResetPasswordMutationVariables>;
export const ApiKeysDocument = new TypedDocumentString(`
    query ApiKeys {
  apiKeys {
    ...ApiKeyFields
  }
}
    fragment ApiKeyFields on ApiKey {
  id
  name
  prefix
  createdAt
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<ApiKeysQuery, ApiKeysQueryVariables>;
export const CreateApiKeyDocument = new TypedDocumentString(`
    mutation CreateApiKey($name: String!) {
  createApiKey(name: $name) {
    secret
    apiKey {
      ...ApiKeyFields
    }
  }
}
    fragment ApiKeyFields on ApiKey {
  id
  name
  prefix
  createdAt
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<CreateApiKeyMutation, CreateApiKeyMutationVariables>;
export const RevokeApiKeyDocument = new TypedDocumentString(`
    mutation RevokeApiKey($id: ID!) {
  revokeApiKey(id: $id) {
    ...ApiKeyFields
  }
}
    fragment ApiKeyFields on ApiKey {
  id
  name
  prefix
  createdAt
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<RevokeApiKeyMutation, RevokeApiKeyMutationVariables>;
export const TestTimelineDocument = new TypedDocumentString(`
    query TestTimeline($testId: ID!) {
  contentTestTimeline(testId: $testId) {
    day
    impressions
    successes
  }
}
    `) as unknown as TypedDocumentString<TestTimelineQuery, TestTimelineQueryVariables>;
export const SpendDocument = new TypedDocumentString(`
    query Spend($surface: String!, $days: Int, $granularity: Granularity) {
  explorationSpend(surface: $surface, days: $days, granularity: $granularity) {
    bucket
    servedSlots
    testSlots
    randomSlots
    share
    budget
  }
}
    `) as unknown as TypedDocumentString<SpendQuery, SpendQueryVariables>;
export const SurfaceSuccessDocument = new TypedDocumentString(`
    query SurfaceSuccess($surface: String!, $days: Int) {
  surfaceSuccess(surface: $surface, days: $days) {
    day
    policyVersion
    impressions
    successes
    rate
    lower
    upper
  }
}
    `) as unknown as TypedDocumentString<SurfaceSuccessQuery, SurfaceSuccessQueryVariables>;
export const OpeRunsDocument = new TypedDocumentString(`
    query OpeRuns($surface: String) {
  opeRuns(surface: $surface) {
    ...OpeRunFields
  }
}
    fragment OpeRunFields on OpeRun {
  id
  surfaceKey
  target
  modelId
  config
  label
  status
  progress
  windowFrom
  windowTo
  estimates
  error
  createdAt
  finishedAt
}`) as unknown as TypedDocumentString<OpeRunsQuery, OpeRunsQueryVariables>;
export const EvaluatePolicyDocument = new TypedDocumentString(`
    mutation EvaluatePolicy($surface: String!, $target: OpeTarget!, $modelId: ID, $config: JSON, $days: Int) {
  evaluatePolicy(
    surface: $surface
    target: $target
    modelId: $modelId
    config: $config
    days: $days
  ) {
    ...OpeRunFields
  }
}
    fragment OpeRunFields on OpeRun {
  id
  surfaceKey
  target
  modelId
  config
  label
  status
  progress
  windowFrom
  windowTo
  estimates
  error
  createdAt
  finishedAt
}`) as unknown as TypedDocumentString<EvaluatePolicyMutation, EvaluatePolicyMutationVariables>;
export const ModelVersionsDocument = new TypedDocumentString(`
    query ModelVersions($surface: String) {
  modelVersions(surface: $surface) {
    ...ModelVersionFields
  }
}
    fragment ModelVersionFields on ModelVersion {
  id
  surfaceKey
  version
  status
  progress
  progressMessage
  dataFrom
  dataTo
  rows
  metrics
  trainingMs
  gate
  canaryShare
  canaryStats
  canaryStartedAt
  statusReason
  decidedAt
  createdAt
}`) as unknown as TypedDocumentString<ModelVersionsQuery, ModelVersionsQueryVariables>;
export const TrainModelDocument = new TypedDocumentString(`
    mutation TrainModel($surface: String!, $days: Int, $epochs: Int) {
  trainModel(surface: $surface, days: $days, epochs: $epochs) {
    ...ModelVersionFields
  }
}
    fragment ModelVersionFields on ModelVersion {
  id
  surfaceKey
  version
  status
  progress
  progressMessage
  dataFrom
  dataTo
  rows
  metrics
  trainingMs
  gate
  canaryShare
  canaryStats
  canaryStartedAt
  statusReason
  decidedAt
  createdAt
}`) as unknown as TypedDocumentString<TrainModelMutation, TrainModelMutationVariables>;
export const StartCanaryDocument = new TypedDocumentString(`
    mutation StartCanary($id: ID!, $share: Float) {
  startCanary(id: $id, share: $share) {
    ...ModelVersionFields
  }
}
    fragment ModelVersionFields on ModelVersion {
  id
  surfaceKey
  version
  status
  progress
  progressMessage
  dataFrom
  dataTo
  rows
  metrics
  trainingMs
  gate
  canaryShare
  canaryStats
  canaryStartedAt
  statusReason
  decidedAt
  createdAt
}`) as unknown as TypedDocumentString<StartCanaryMutation, StartCanaryMutationVariables>;
export const PromoteModelDocument = new TypedDocumentString(`
    mutation PromoteModel($id: ID!) {
  promoteModel(id: $id) {
    ...ModelVersionFields
  }
}
    fragment ModelVersionFields on ModelVersion {
  id
  surfaceKey
  version
  status
  progress
  progressMessage
  dataFrom
  dataTo
  rows
  metrics
  trainingMs
  gate
  canaryShare
  canaryStats
  canaryStartedAt
  statusReason
  decidedAt
  createdAt
}`) as unknown as TypedDocumentString<PromoteModelMutation, PromoteModelMutationVariables>;
export const RollbackModelDocument = new TypedDocumentString(`
    mutation RollbackModel($id: ID!) {
  rollbackModel(id: $id) {
    ...ModelVersionFields
  }
}
    fragment ModelVersionFields on ModelVersion {
  id
  surfaceKey
  version
  status
  progress
  progressMessage
  dataFrom
  dataTo
  rows
  metrics
  trainingMs
  gate
  canaryShare
  canaryStats
  canaryStartedAt
  statusReason
  decidedAt
  createdAt
}`) as unknown as TypedDocumentString<RollbackModelMutation, RollbackModelMutationVariables>;
export const AuditLogDocument = new TypedDocumentString(`
    query AuditLog($filter: AuditFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      endCursor
      hasNextPage
    }
    edges {
      cursor
      node {
        ...AuditEntryFields
      }
    }
  }
}
    fragment AuditEntryFields on AuditEntry {
  id
  at
  actorId
  actorLabel
  action
  entityType
  entityId
  before
  after
  requestId
  summary
}`) as unknown as TypedDocumentString<AuditLogQuery, AuditLogQueryVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    ...UserFields
  }
}
    fragment UserFields on User {
  id
  email
  displayName
  role
  createdAt
  lastLoginAt
  disabledAt
}`) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const LoginDocument = new TypedDocumentString(`
    mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    user {
      ...UserFields
    }
  }
}
    fragment UserFields on User {
  id
  email
  displayName
  role
  createdAt
  lastLoginAt
  disabledAt
}`) as unknown as TypedDocumentString<LoginMutation, LoginMutationVariables>;
export const LogoutDocument = new TypedDocumentString(`
    mutation Logout {
  logout
}
    `) as unknown as TypedDocumentString<LogoutMutation, LogoutMutationVariables>;
export const ChangePasswordDocument = new TypedDocumentString(`
    mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
  changePassword(currentPassword: $currentPassword, newPassword: $newPassword)
}
    `) as unknown as TypedDocumentString<ChangePasswordMutation, ChangePasswordMutationVariables>;
export const KindsDocument = new TypedDocumentString(`
    query Kinds {
  contentKinds {
    key
    label
    description
    duration
    hasSessions
    localized {
      title
      subtitle
      description
    }
    media {
      audio
      video
      artwork
      playable
    }
    attributes {
      key
      label
      required
      type
    }
  }
}
    `) as unknown as TypedDocumentString<KindsQuery, KindsQueryVariables>;
export const ItemsDocument = new TypedDocumentString(`
    query Items($filter: ItemFilterInput, $sort: ItemSort, $first: Int, $after: String) {
  items(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo {
      endCursor
      hasNextPage
    }
    edges {
      cursor
      node {
        ...ItemSummaryFields
      }
    }
  }
}
    fragment ItemSummaryFields on Item {
  id
  slug
  kind
  state
  title
  defaultLocale
  locales
  completeLocales
  topics
  updatedAt
  latestVersionNumber
  liveVersion {
    number
  }
}`) as unknown as TypedDocumentString<ItemsQuery, ItemsQueryVariables>;
export const ItemDocument = new TypedDocumentString(`
    query Item($id: ID!) {
  item(id: $id) {
    ...ItemDetailFields
  }
}
    fragment ItemSummaryFields on Item {
  id
  slug
  kind
  state
  title
  defaultLocale
  locales
  completeLocales
  topics
  updatedAt
  latestVersionNumber
  liveVersion {
    number
  }
}
fragment AssetFields on AssetStatusGql {
  role
  url
  status
  httpStatus
  error
  checkedAt
}
fragment ItemVersionFields on ItemVersion {
  id
  number
  createdAt
  note
  restoredFrom
  author {
    id
    displayName
    email
  }
}
fragment ItemFieldsFields on ItemFieldsGql {
  slug
  kind
  defaultLocale
  locales
  localized {
    locale
    title
    subtitle
    description
  }
  durationSeconds
  media {
    audioUrl
    videoUrl
    artworkUrl
  }
  topics
  collections
  availability
  platforms
  minAppVersion
  attributes
  sessions
}
fragment ItemDetailFields on Item {
  ...ItemSummaryFields
  createdAt
  latestVersion {
    ...ItemVersionFields
    fields {
      ...ItemFieldsFields
    }
  }
  completeness {
    locale
    complete
    missing
  }
  readiness {
    field
    locale
    message
  }
  assets {
    ...AssetFields
  }
}`) as unknown as TypedDocumentString<ItemQuery, ItemQueryVariables>;
export const SessionsDocument = new TypedDocumentString(`
    query Sessions($filter: ItemFilterInput, $first: Int) {
  items(filter: $filter, first: $first) {
    edges {
      node {
        ...ItemSummaryFields
      }
    }
  }
}
    fragment ItemSummaryFields on Item {
  id
  slug
  kind
  state
  title
  defaultLocale
  locales
  completeLocales
  topics
  updatedAt
  latestVersionNumber
  liveVersion {
    number
  }
}`) as unknown as TypedDocumentString<SessionsQuery, SessionsQueryVariables>;
export const CreateItemDocument = new TypedDocumentString(`
    mutation CreateItem($input: ItemInput!) {
  createItem(input: $input) {
    ...ItemDetailFields
  }
}
    fragment ItemSummaryFields on Item {
  id
  slug
  kind
  state
  title
  defaultLocale
  locales
  completeLocales
  topics
  updatedAt
  latestVersionNumber
  liveVersion {
    number
  }
}
fragment AssetFields on AssetStatusGql {
  role
  url
  status
  httpStatus
  error
  checkedAt
}
fragment ItemVersionFields on ItemVersion {
  id
  number
  createdAt
  note
  restoredFrom
  author {
    id
    displayName
    email
  }
}
fragment ItemFieldsFields on ItemFieldsGql {
  slug
  kind
  defaultLocale
  locales
  localized {
    locale
    title
    subtitle
    description
  }
  durationSeconds
  media {
    audioUrl
    videoUrl
    artworkUrl
  }
  topics
  collections
  availability
  platforms
  minAppVersion
  attributes
  sessions
}
fragment ItemDetailFields on Item {
  ...ItemSummaryFields
  createdAt
  latestVersion {
    ...ItemVersionFields
    fields {
      ...ItemFieldsFields
    }
  }
  completeness {
    locale
    complete
    missing
  }
  readiness {
    field
    locale
    message
  }
  assets {
    ...AssetFields
  }
}`) as unknown as TypedDocumentString<CreateItemMutation, CreateItemMutationVariables>;
export const UpdateItemDocument = new TypedDocumentString(`
    mutation UpdateItem($id: ID!, $input: ItemInput!, $baseVersion: Int) {
  updateItem(id: $id, input: $input, baseVersion: $baseVersion) {
    ...ItemDetailFields
  }
}
    fragment ItemSummaryFields on Item {
  id
  slug
  kind
  state
  title
  defaultLocale
  locales
  completeLocales
  topics
  updatedAt
  latestVersionNumber
  liveVersion {
    number
  }
}
fragment AssetFields on AssetStatusGql {
  role
  url
  status
  httpStatus
  error
  checkedAt
}
fragment ItemVersionFields on ItemVersion {
  id
  number
  createdAt
  note
  restoredFrom
  author {
    id
    displayName
    email
  }
}
fragment ItemFieldsFields on ItemFieldsGql {
  slug
  kind
  defaultLocale
  locales
  localized {
    locale
    title
    subtitle
    description
  }
  durationSeconds
  media {
    audioUrl
    videoUrl
    artworkUrl
  }
  topics
  collections
  availability
  platforms
  minAppVersion
  attributes
  sessions
}
fragment ItemDetailFields on Item {
  ...ItemSummaryFields
  createdAt
  latestVersion {
    ...ItemVersionFields
    fields {
      ...ItemFieldsFields
    }
  }
  completeness {
    locale
    complete
    missing
  }
  readiness {
    field
    locale
    message
  }
  assets {
    ...AssetFields
  }
}`) as unknown as TypedDocumentString<UpdateItemMutation, UpdateItemMutationVariables>;
export const VersionsDocument = new TypedDocumentString(`
    query Versions($itemId: ID!) {
  itemVersions(itemId: $itemId) {
    ...ItemVersionFields
  }
}
    fragment ItemVersionFields on ItemVersion {
  id
  number
  createdAt
  note
  restoredFrom
  author {
    id
    displayName
    email
  }
}`) as unknown as TypedDocumentString<VersionsQuery, VersionsQueryVariables>;
export const DiffDocument = new TypedDocumentString(`
    query Diff($itemId: ID!, $from: Int!, $to: Int!) {
  versionDiff(itemId: $itemId, from: $from, to: $to) {
    path
    before
    after
  }
}
    `) as unknown as TypedDocumentString<DiffQuery, DiffQueryVariables>;
export const RestoreDocument = new TypedDocumentString(`
    mutation Restore($itemId: ID!, $number: Int!) {
  restoreItemVersion(itemId: $itemId, number: $number) {
    ...ItemDetailFields
  }
}
    fragment ItemSummaryFields on Item {
  id
  slug
  kind
  state
  title
  defaultLocale
  locales
  completeLocales
  topics
  updatedAt
  latestVersionNumber
  liveVersion {
    number
  }
}
fragment AssetFields on AssetStatusGql {
  role
  url
  status
  httpStatus
  error
  checkedAt
}
fragment ItemVersionFields on ItemVersion {
  id
  number
  createdAt
  note
  restoredFrom
  author {
    id
    displayName
    email
  }
}
fragment ItemFieldsFields on ItemFieldsGql {
  slug
  kind
  defaultLocale
  locales
  localized {
    locale
    title
    subtitle
    description
  }
  durationSeconds
  media {
    audioUrl
    videoUrl
    artworkUrl
  }
  topics
  collections
  availability
  platforms
  minAppVersion
  attributes
  sessions
}
fragment ItemDetailFields on Item {
  ...ItemSummaryFields
  createdAt
  latestVersion {
    ...ItemVersionFields
    fields {
      ...ItemFieldsFields
    }
  }
  completeness {
    locale
    complete
    missing
  }
  readiness {
    field
    locale
    message
  }
  assets {
    ...AssetFields
  }
}`) as unknown as TypedDocumentString<RestoreMutation, RestoreMutationVariables>;
export const RecheckDocument = new TypedDocumentString(`
    mutation Recheck($itemId: ID!) {
  recheckAssets(itemId: $itemId) {
    ...AssetFields
  }
}
    fragment AssetFields on AssetStatusGql {
  role
  url
  status
  httpStatus
  error
  checkedAt
}`) as unknown as TypedDocumentString<RecheckMutation, RecheckMutationVariables>;
export const AssetsDocument = new TypedDocumentString(`
    query Assets($id: ID!) {
  item(id: $id) {
    assets {
      ...AssetFields
    }
  }
}
    fragment AssetFields on AssetStatusGql {
  role
  url
  status
  httpStatus
  error
  checkedAt
}`) as unknown as TypedDocumentString<AssetsQuery, AssetsQueryVariables>;
export const ImportJobDocument = new TypedDocumentString(`
    query ImportJob($id: ID!) {
  importJob(id: $id) {
    ...ImportJobFields
    errors {
      row
      slug
      problems {
        field
        message
      }
    }
  }
}
    fragment ImportJobFields on ImportJob {
  id
  filename
  format
  source
  state
  totalRows
  processedRows
  createdItems
  updatedItems
  unchangedItems
  failedRows
  failure
  createdAt
  finishedAt
}`) as unknown as TypedDocumentString<ImportJobQuery, ImportJobQueryVariables>;
export const ImportJobsDocument = new TypedDocumentString(`
    query ImportJobs($limit: Int) {
  importJobs(limit: $limit) {
    ...ImportJobFields
  }
}
    fragment ImportJobFields on ImportJob {
  id
  filename
  format
  source
  state
  totalRows
  processedRows
  createdItems
  updatedItems
  unchangedItems
  failedRows
  failure
  createdAt
  finishedAt
}`) as unknown as TypedDocumentString<ImportJobsQuery, ImportJobsQueryVariables>;
export const ReviewQueueDocument = new TypedDocumentString(`
    query ReviewQueue {
  reviewQueue {
    submittedAt
    submittedBy
    item {
      ...ItemSummaryFields
    }
    version {
      ...ItemVersionFields
    }
    changesFromLive {
      path
      before
      after
    }
  }
}
    fragment ItemSummaryFields on Item {
  id
  slug
  kind
  state
  title
  defaultLocale
  locales
  completeLocales
  topics
  updatedAt
  latestVersionNumber
  liveVersion {
    number
  }
}
fragment ItemVersionFields on ItemVersion {
  id
  number
  createdAt
  note
  restoredFrom
  author {
    id
    displayName
    email
  }
}`) as unknown as TypedDocumentString<ReviewQueueQuery, ReviewQueueQueryVariables>;
export const ItemWorkflowDocument = new TypedDocumentString(`
    query ItemWorkflow($id: ID!) {
  item(id: $id) {
    ...ItemWorkflowFields
  }
}
    fragment ItemWorkflowFields on Item {
  id
  state
  latestVersionNumber
  liveVersion {
    number
  }
  approvedVersion {
    number
  }
  reviews {
    actorId
    at
    comment
    decision
    versionNumber
  }
  releases {
    id
    name
    state
    scheduledAt
    launchedAt
    timeZone
  }
}`) as unknown as TypedDocumentString<ItemWorkflowQuery, ItemWorkflowQueryVariables>;
export const SubmitDocument = new TypedDocumentString(`
    mutation Submit($itemId: ID!, $versionNumber: Int) {
  submitForReview(itemId: $itemId, versionNumber: $versionNumber) {
    ...ItemWorkflowFields
  }
}
    fragment ItemWorkflowFields on Item {
  id
  state
  latestVersionNumber
  liveVersion {
    number
  }
  approvedVersion {
    number
  }
  reviews {
    actorId
    at
    comment
    decision
    versionNumber
  }
  releases {
    id
    name
    state
    scheduledAt
    launchedAt
    timeZone
  }
}`) as unknown as TypedDocumentString<SubmitMutation, SubmitMutationVariables>;
export const ApproveDocument = new TypedDocumentString(`
    mutation Approve($itemId: ID!, $versionNumber: Int!, $comment: String) {
  approveVersion(
    itemId: $itemId
    versionNumber: $versionNumber
    comment: $comment
  ) {
    ...ItemWorkflowFields
  }
}
    fragment ItemWorkflowFields on Item {
  id
  state
  latestVersionNumber
  liveVersion {
    number
  }
  approvedVersion {
    number
  }
  reviews {
    actorId
    at
    comment
    decision
    versionNumber
  }
  releases {
    id
    name
    state
    scheduledAt
    launchedAt
    timeZone
  }
}`) as unknown as TypedDocumentString<ApproveMutation, ApproveMutationVariables>;
export const RejectDocument = new TypedDocumentString(`
    mutation Reject($itemId: ID!, $versionNumber: Int!, $comment: String!) {
  rejectVersion(itemId: $itemId, versionNumber: $versionNumber, comment: $comment) {
    ...ItemWorkflowFields
  }
}
    fragment ItemWorkflowFields on Item {
  id
  state
  latestVersionNumber
  liveVersion {
    number
  }
  approvedVersion {
    number
  }
  reviews {
    actorId
    at
    comment
    decision
    versionNumber
  }
  releases {
    id
    name
    state
    scheduledAt
    launchedAt
    timeZone
  }
}`) as unknown as TypedDocumentString<RejectMutation, RejectMutationVariables>;
export const ReleasesDocument = new TypedDocumentString(`
    query Releases($states: [ReleaseState!], $from: DateTime, $to: DateTime) {
  releases(states: $states, from: $from, to: $to) {
    ...ReleaseSummaryFields
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
fragment ReleaseSummaryFields on Release {
  ...ReleaseBaseFields
  actions {
    id
    kind
    itemId
    versionNumber
    item {
      id
      title
    }
  }
}`) as unknown as TypedDocumentString<ReleasesQuery, ReleasesQueryVariables>;
export const FailedReleasesDocument = new TypedDocumentString(`
    query FailedReleases {
  releases(states: [FAILED]) {
    id
    name
    failedAt
  }
}
    `) as unknown as TypedDocumentString<FailedReleasesQuery, FailedReleasesQueryVariables>;
export const ReleaseDocument = new TypedDocumentString(`
    query Release($id: ID!) {
  release(id: $id) {
    ...ReleaseDetailFields
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
fragment ReleaseDetailFields on Release {
  ...ReleaseBaseFields
  scheduleRevision
  audience {
    locales
    platforms
    tiers
  }
  failureReasons {
    code
    itemId
    message
  }
  rollbackBlockers
  actions {
    id
    kind
    itemId
    versionNumber
    appliedOrder
    priorLiveVersionId
    item {
      id
      title
      slug
      kind
      state
      latestVersionNumber
      liveVersion {
        id
        number
      }
    }
  }
  events {
    at
    kind
    message
    details
  }
}`) as unknown as TypedDocumentString<ReleaseQuery, ReleaseQueryVariables>;
export const ReleaseValidationDocument = new TypedDocumentString(`
    query ReleaseValidation($id: ID!) {
  releaseValidation(id: $id) {
    ...ValidationFields
  }
}
    fragment ValidationFields on ReleaseValidation {
  ok
  blocking {
    code
    itemId
    message
  }
  warnings {
    code
    itemId
    message
  }
}`) as unknown as TypedDocumentString<ReleaseValidationQuery, ReleaseValidationQueryVariables>;
export const CreateReleaseDocument = new TypedDocumentString(`
    mutation CreateRelease($input: ReleaseInput!) {
  createRelease(input: $input) {
    ...ReleaseDetailFields
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
fragment ReleaseDetailFields on Release {
  ...ReleaseBaseFields
  scheduleRevision
  audience {
    locales
    platforms
    tiers
  }
  failureReasons {
    code
    itemId
    message
  }
  rollbackBlockers
  actions {
    id
    kind
    itemId
    versionNumber
    appliedOrder
    priorLiveVersionId
    item {
      id
      title
      slug
      kind
      state
      latestVersionNumber
      liveVersion {
        id
        number
      }
    }
  }
  events {
    at
    kind
    message
    details
  }
}`) as unknown as TypedDocumentString<CreateReleaseMutation, CreateReleaseMutationVariables>;
export const UpdateReleaseDocument = new TypedDocumentString(`
    mutation UpdateRelease($id: ID!, $input: ReleaseUpdate!) {
  updateRelease(id: $id, input: $input) {
    ...ReleaseDetailFields
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
fragment ReleaseDetailFields on Release {
  ...ReleaseBaseFields
  scheduleRevision
  audience {
    locales
    platforms
    tiers
  }
  failureReasons {
    code
    itemId
    message
  }
  rollbackBlockers
  actions {
    id
    kind
    itemId
    versionNumber
    appliedOrder
    priorLiveVersionId
    item {
      id
      title
      slug
      kind
      state
      latestVersionNumber
      liveVersion {
        id
        number
      }
    }
  }
  events {
    at
    kind
    message
    details
  }
}`) as unknown as TypedDocumentString<UpdateReleaseMutation, UpdateReleaseMutationVariables>;
export const AddToReleaseDocument = new TypedDocumentString(`
    mutation AddToRelease($releaseId: ID!, $itemId: ID!, $action: ReleaseActionKind!, $versionNumber: Int) {
  addToRelease(
    releaseId: $releaseId
    itemId: $itemId
    action: $action
    versionNumber: $versionNumber
  ) {
    ...ReleaseDetailFields
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
fragment ReleaseDetailFields on Release {
  ...ReleaseBaseFields
  scheduleRevision
  audience {
    locales
    platforms
    tiers
  }
  failureReasons {
    code
    itemId
    message
  }
  rollbackBlockers
  actions {
    id
    kind
    itemId
    versionNumber
    appliedOrder
    priorLiveVersionId
    item {
      id
      title
      slug
      kind
      state
      latestVersionNumber
      liveVersion {
        id
        number
      }
    }
  }
  events {
    at
    kind
    message
    details
  }
}`) as unknown as TypedDocumentString<AddToReleaseMutation, AddToReleaseMutationVariables>;
export const RemoveFromReleaseDocument = new TypedDocumentString(`
    mutation RemoveFromRelease($releaseId: ID!, $itemId: ID!) {
  removeFromRelease(releaseId: $releaseId, itemId: $itemId) {
    ...ReleaseDetailFields
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
fragment ReleaseDetailFields on Release {
  ...ReleaseBaseFields
  scheduleRevision
  audience {
    locales
    platforms
    tiers
  }
  failureReasons {
    code
    itemId
    message
  }
  rollbackBlockers
  actions {
    id
    kind
    itemId
    versionNumber
    appliedOrder
    priorLiveVersionId
    item {
      id
      title
      slug
      kind
      state
      latestVersionNumber
      liveVersion {
        id
        number
      }
    }
  }
  events {
    at
    kind
    message
    details
  }
}`) as unknown as TypedDocumentString<RemoveFromReleaseMutation, RemoveFromReleaseMutationVariables>;
export const ScheduleReleaseDocument = new TypedDocumentString(`
    mutation ScheduleRelease($id: ID!, $input: ScheduleInputGql!) {
  scheduleRelease(id: $id, input: $input) {
    ...ReleaseDetailFields
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
fragment ReleaseDetailFields on Release {
  ...ReleaseBaseFields
  scheduleRevision
  audience {
    locales
    platforms
    tiers
  }
  failureReasons {
    code
    itemId
    message
  }
  rollbackBlockers
  actions {
    id
    kind
    itemId
    versionNumber
    appliedOrder
    priorLiveVersionId
    item {
      id
      title
      slug
      kind
      state
      latestVersionNumber
      liveVersion {
        id
        number
      }
    }
  }
  events {
    at
    kind
    message
    details
  }
}`) as unknown as TypedDocumentString<ScheduleReleaseMutation, ScheduleReleaseMutationVariables>;
export const UnscheduleReleaseDocument = new TypedDocumentString(`
    mutation UnscheduleRelease($id: ID!) {
  unscheduleRelease(id: $id) {
    ...ReleaseDetailFields
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
fragment ReleaseDetailFields on Release {
  ...ReleaseBaseFields
  scheduleRevision
  audience {
    locales
    platforms
    tiers
  }
  failureReasons {
    code
    itemId
    message
  }
  rollbackBlockers
  actions {
    id
    kind
    itemId
    versionNumber
    appliedOrder
    priorLiveVersionId
    item {
      id
      title
      slug
      kind
      state
      latestVersionNumber
      liveVersion {
        id
        number
      }
    }
  }
  events {
    at
    kind
    message
    details
  }
}`) as unknown as TypedDocumentString<UnscheduleReleaseMutation, UnscheduleReleaseMutationVariables>;
export const LaunchNowDocument = new TypedDocumentString(`
    mutation LaunchNow($id: ID!) {
  launchReleaseNow(id: $id) {
    ...ReleaseDetailFields
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
fragment ReleaseDetailFields on Release {
  ...ReleaseBaseFields
  scheduleRevision
  audience {
    locales
    platforms
    tiers
  }
  failureReasons {
    code
    itemId
    message
  }
  rollbackBlockers
  actions {
    id
    kind
    itemId
    versionNumber
    appliedOrder
    priorLiveVersionId
    item {
      id
      title
      slug
      kind
      state
      latestVersionNumber
      liveVersion {
        id
        number
      }
    }
  }
  events {
    at
    kind
    message
    details
  }
}`) as unknown as TypedDocumentString<LaunchNowMutation, LaunchNowMutationVariables>;
export const SetRolloutDocument = new TypedDocumentString(`
    mutation SetRollout($id: ID!, $percent: Int!, $audience: AudienceInput) {
  setReleaseRollout(id: $id, percent: $percent, audience: $audience) {
    ...ReleaseDetailFields
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
fragment ReleaseDetailFields on Release {
  ...ReleaseBaseFields
  scheduleRevision
  audience {
    locales
    platforms
    tiers
  }
  failureReasons {
    code
    itemId
    message
  }
  rollbackBlockers
  actions {
    id
    kind
    itemId
    versionNumber
    appliedOrder
    priorLiveVersionId
    item {
      id
      title
      slug
      kind
      state
      latestVersionNumber
      liveVersion {
        id
        number
      }
    }
  }
  events {
    at
    kind
    message
    details
  }
}`) as unknown as TypedDocumentString<SetRolloutMutation, SetRolloutMutationVariables>;
export const CancelReleaseDocument = new TypedDocumentString(`
    mutation CancelRelease($id: ID!) {
  cancelRelease(id: $id) {
    ...ReleaseDetailFields
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
fragment ReleaseDetailFields on Release {
  ...ReleaseBaseFields
  scheduleRevision
  audience {
    locales
    platforms
    tiers
  }
  failureReasons {
    code
    itemId
    message
  }
  rollbackBlockers
  actions {
    id
    kind
    itemId
    versionNumber
    appliedOrder
    priorLiveVersionId
    item {
      id
      title
      slug
      kind
      state
      latestVersionNumber
      liveVersion {
        id
        number
      }
    }
  }
  events {
    at
    kind
    message
    details
  }
}`) as unknown as TypedDocumentString<CancelReleaseMutation, CancelReleaseMutationVariables>;
export const RollbackReleaseDocument = new TypedDocumentString(`
    mutation RollbackRelease($id: ID!) {
  rollbackRelease(id: $id) {
    ...ReleaseDetailFields
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
fragment ReleaseDetailFields on Release {
  ...ReleaseBaseFields
  scheduleRevision
  audience {
    locales
    platforms
    tiers
  }
  failureReasons {
    code
    itemId
    message
  }
  rollbackBlockers
  actions {
    id
    kind
    itemId
    versionNumber
    appliedOrder
    priorLiveVersionId
    item {
      id
      title
      slug
      kind
      state
      latestVersionNumber
      liveVersion {
        id
        number
      }
    }
  }
  events {
    at
    kind
    message
    details
  }
}`) as unknown as TypedDocumentString<RollbackReleaseMutation, RollbackReleaseMutationVariables>;
export const VersionNumbersDocument = new TypedDocumentString(`
    query VersionNumbers($itemId: ID!) {
  itemVersions(itemId: $itemId) {
    id
    number
  }
}
    `) as unknown as TypedDocumentString<VersionNumbersQuery, VersionNumbersQueryVariables>;
export const PickItemsDocument = new TypedDocumentString(`
    query PickItems($filter: ItemFilterInput) {
  items(filter: $filter, first: 8, sort: UPDATED_DESC) {
    edges {
      node {
        ...PickableItemFields
      }
    }
  }
}
    fragment ItemSummaryFields on Item {
  id
  slug
  kind
  state
  title
  defaultLocale
  locales
  completeLocales
  topics
  updatedAt
  latestVersionNumber
  liveVersion {
    number
  }
}
fragment PickableItemFields on Item {
  ...ItemSummaryFields
  approvedVersion {
    number
  }
  reviews {
    versionNumber
    decision
    at
  }
}`) as unknown as TypedDocumentString<PickItemsQuery, PickItemsQueryVariables>;
export const TimeZonesDocument = new TypedDocumentString(`
    query TimeZones {
  timeZones
}
    `) as unknown as TypedDocumentString<TimeZonesQuery, TimeZonesQueryVariables>;
export const ResolveDocument = new TypedDocumentString(`
    query Resolve($localDateTime: String!, $timeZone: String!) {
  resolveScheduleTime(localDateTime: $localDateTime, timeZone: $timeZone) {
    kind
    instant
    message
    options {
      offsetMinutes
      instant
      label
    }
  }
}
    `) as unknown as TypedDocumentString<ResolveQuery, ResolveQueryVariables>;
export const SchedulerHealthDocument = new TypedDocumentString(`
    query SchedulerHealth {
  schedulerHealth {
    upcoming {
      ...ReleaseSummaryFields
    }
    late {
      ...ReleaseSummaryFields
    }
    failed {
      ...ReleaseSummaryFields
      failureReasons {
        code
        itemId
        message
      }
    }
    recentLaunches {
      ...ReleaseSummaryFields
    }
    latenessP50Ms
    latenessP95Ms
    latenessMaxMs
    lastReconcileAt
    reconcilerHealthy
    learning {
      healthy
      learnIntervalMs
      labelWindowSeconds
      passes {
        pass
        eventsWaiting
        eventsWaitingCapped
        lastFoldAt
        oldestWaitingSeconds
      }
      models {
        surface
        updatedAt
        ageSeconds
        tasteModel {
          version
          fittedAt
          events
          gain
          historyWeight
        }
      }
    }
  }
}
    fragment ReleaseBaseFields on Release {
  id
  name
  description
  state
  scheduledAt
  timeZone
  localTime
  launchedAt
  failedAt
  rolledBackAt
  latenessMs
  rolloutPercent
  createdAt
  updatedAt
}
fragment ReleaseSummaryFields on Release {
  ...ReleaseBaseFields
  actions {
    id
    kind
    itemId
    versionNumber
    item {
      id
      title
    }
  }
}`) as unknown as TypedDocumentString<SchedulerHealthQuery, SchedulerHealthQueryVariables>;
export const ItemReleasesDocument = new TypedDocumentString(`
    query ItemReleases($filter: ItemFilterInput, $first: Int) {
  items(filter: $filter, first: $first) {
    edges {
      node {
        id
        title
        releases {
          id
          name
          state
          launchedAt
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ItemReleasesQuery, ItemReleasesQueryVariables>;
export const SurfacesDocument = new TypedDocumentString(`
    query Surfaces {
  surfaces {
    ...SurfaceFields
  }
}
    fragment SurfacePinFields on SurfacePin {
  id
  itemId
  position
  startsAt
  endsAt
}
fragment SurfaceFields on Surface {
  id
  key
  name
  description
  slots
  candidateRule {
    kinds
    topics
    collections
  }
  successEvent
  explorationBudget
  randomFloor
  testQuota
  testMaxDays
  testMaxPosition
  diversity {
    maxPerKind
    maxPerTopic
    firstN
  }
  fallbackOrder
  enabled
  updatedAt
  pins {
    ...SurfacePinFields
  }
}`) as unknown as TypedDocumentString<SurfacesQuery, SurfacesQueryVariables>;
export const SurfaceDocument = new TypedDocumentString(`
    query Surface($key: String!) {
  surface(key: $key) {
    ...SurfaceFields
  }
}
    fragment SurfacePinFields on SurfacePin {
  id
  itemId
  position
  startsAt
  endsAt
}
fragment SurfaceFields on Surface {
  id
  key
  name
  description
  slots
  candidateRule {
    kinds
    topics
    collections
  }
  successEvent
  explorationBudget
  randomFloor
  testQuota
  testMaxDays
  testMaxPosition
  diversity {
    maxPerKind
    maxPerTopic
    firstN
  }
  fallbackOrder
  enabled
  updatedAt
  pins {
    ...SurfacePinFields
  }
}`) as unknown as TypedDocumentString<SurfaceQuery, SurfaceQueryVariables>;
export const CreateSurfaceDocument = new TypedDocumentString(`
    mutation CreateSurface($key: String!, $name: String!, $slots: Int!, $input: SurfaceInputGql) {
  createSurface(key: $key, name: $name, slots: $slots, input: $input) {
    ...SurfaceFields
  }
}
    fragment SurfacePinFields on SurfacePin {
  id
  itemId
  position
  startsAt
  endsAt
}
fragment SurfaceFields on Surface {
  id
  key
  name
  description
  slots
  candidateRule {
    kinds
    topics
    collections
  }
  successEvent
  explorationBudget
  randomFloor
  testQuota
  testMaxDays
  testMaxPosition
  diversity {
    maxPerKind
    maxPerTopic
    firstN
  }
  fallbackOrder
  enabled
  updatedAt
  pins {
    ...SurfacePinFields
  }
}`) as unknown as TypedDocumentString<CreateSurfaceMutation, CreateSurfaceMutationVariables>;
export const UpdateSurfaceDocument = new TypedDocumentString(`
    mutation UpdateSurface($key: String!, $input: SurfaceInputGql!) {
  updateSurface(key: $key, input: $input) {
    ...SurfaceFields
  }
}
    fragment SurfacePinFields on SurfacePin {
  id
  itemId
  position
  startsAt
  endsAt
}
fragment SurfaceFields on Surface {
  id
  key
  name
  description
  slots
  candidateRule {
    kinds
    topics
    collections
  }
  successEvent
  explorationBudget
  randomFloor
  testQuota
  testMaxDays
  testMaxPosition
  diversity {
    maxPerKind
    maxPerTopic
    firstN
  }
  fallbackOrder
  enabled
  updatedAt
  pins {
    ...SurfacePinFields
  }
}`) as unknown as TypedDocumentString<UpdateSurfaceMutation, UpdateSurfaceMutationVariables>;
export const SetFallbackDocument = new TypedDocumentString(`
    mutation SetFallback($key: String!, $itemIds: [ID!]!) {
  setSurfaceFallback(key: $key, itemIds: $itemIds) {
    ...SurfaceFields
  }
}
    fragment SurfacePinFields on SurfacePin {
  id
  itemId
  position
  startsAt
  endsAt
}
fragment SurfaceFields on Surface {
  id
  key
  name
  description
  slots
  candidateRule {
    kinds
    topics
    collections
  }
  successEvent
  explorationBudget
  randomFloor
  testQuota
  testMaxDays
  testMaxPosition
  diversity {
    maxPerKind
    maxPerTopic
    firstN
  }
  fallbackOrder
  enabled
  updatedAt
  pins {
    ...SurfacePinFields
  }
}`) as unknown as TypedDocumentString<SetFallbackMutation, SetFallbackMutationVariables>;
export const PinItemDocument = new TypedDocumentString(`
    mutation PinItem($key: String!, $input: PinInput!) {
  pinItem(key: $key, input: $input) {
    ...SurfacePinFields
  }
}
    fragment SurfacePinFields on SurfacePin {
  id
  itemId
  position
  startsAt
  endsAt
}`) as unknown as TypedDocumentString<PinItemMutation, PinItemMutationVariables>;
export const UnpinItemDocument = new TypedDocumentString(`
    mutation UnpinItem($pinId: ID!) {
  unpinItem(pinId: $pinId)
}
    `) as unknown as TypedDocumentString<UnpinItemMutation, UnpinItemMutationVariables>;
export const ItemsByIdDocument = new TypedDocumentString(`
    query ItemsById($filter: ItemFilterInput, $first: Int) {
  items(filter: $filter, first: $first) {
    edges {
      node {
        ...ItemSummaryFields
      }
    }
  }
}
    fragment ItemSummaryFields on Item {
  id
  slug
  kind
  state
  title
  defaultLocale
  locales
  completeLocales
  topics
  updatedAt
  latestVersionNumber
  liveVersion {
    number
  }
}`) as unknown as TypedDocumentString<ItemsByIdQuery, ItemsByIdQueryVariables>;
export const PlaceableItemsDocument = new TypedDocumentString(`
    query PlaceableItems($filter: ItemFilterInput) {
  items(filter: $filter, first: 8, sort: UPDATED_DESC) {
    edges {
      node {
        ...ItemSummaryFields
      }
    }
  }
}
    fragment ItemSummaryFields on Item {
  id
  slug
  kind
  state
  title
  defaultLocale
  locales
  completeLocales
  topics
  updatedAt
  latestVersionNumber
  liveVersion {
    number
  }
}`) as unknown as TypedDocumentString<PlaceableItemsQuery, PlaceableItemsQueryVariables>;
export const FeedPreviewDocument = new TypedDocumentString(`
    query FeedPreview($surface: String!, $persona: PreviewPersonaInput!, $instant: DateTime, $seed: Int) {
  feedPreview(
    surface: $surface
    persona: $persona
    instant: $instant
    seed: $seed
  ) {
    surface
    instant
    policyVersion
    stateRevision
    candidates
    eligible
    seed
    entries {
      position
      reason
      propensity
      propensityError
      itemId
      slug
      kind
      title
      source
      inContentTest
    }
    personEvents
    nearestTitles {
      itemId
      slug
      title
      affinity
      inSlate
    }
  }
}
    `) as unknown as TypedDocumentString<FeedPreviewQuery, FeedPreviewQueryVariables>;
export const ContentTestsDocument = new TypedDocumentString(`
    query ContentTests($surface: String, $status: ContentTestStatus) {
  contentTests(surface: $surface, status: $status) {
    ...ContentTestFields
  }
}
    fragment ContentTestFields on ContentTest {
  id
  surfaceKey
  itemId
  item {
    title
    slug
    kind
  }
  status
  quota
  maxDays
  startedAt
  endsBy
  impressions
  exposure
  successes
  probBeatsControl
  rate {
    mean
    lower
    upper
  }
  controlRate {
    mean
    lower
    upper
  }
  decisionReason
  decidedAt
  rule
  queuePosition
  evidence {
    estimate
    lower
    upper
    alwaysValidP
    controlImpressions
    controlExposure
    controlSuccesses
  }
}`) as unknown as TypedDocumentString<ContentTestsQuery, ContentTestsQueryVariables>;
export const WebhookEndpointsDocument = new TypedDocumentString(`
    query WebhookEndpoints {
  webhookEndpoints {
    ...WebhookEndpointFields
  }
}
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  description
  events
  enabled
  createdAt
}`) as unknown as TypedDocumentString<WebhookEndpointsQuery, WebhookEndpointsQueryVariables>;
export const WebhookEventTypesDocument = new TypedDocumentString(`
    query WebhookEventTypes {
  webhookEventTypes
}
    `) as unknown as TypedDocumentString<WebhookEventTypesQuery, WebhookEventTypesQueryVariables>;
export const CreateWebhookEndpointDocument = new TypedDocumentString(`
    mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    secret
    endpoint {
      ...WebhookEndpointFields
    }
  }
}
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  description
  events
  enabled
  createdAt
}`) as unknown as TypedDocumentString<CreateWebhookEndpointMutation, CreateWebhookEndpointMutationVariables>;
export const UpdateWebhookEndpointDocument = new TypedDocumentString(`
    mutation UpdateWebhookEndpoint($id: ID!, $input: WebhookEndpointUpdate!) {
  updateWebhookEndpoint(id: $id, input: $input) {
    ...WebhookEndpointFields
  }
}
    fragment WebhookEndpointFields on WebhookEndpoint {
  id
  url
  description
  events
  enabled
  createdAt
}`) as unknown as TypedDocumentString<UpdateWebhookEndpointMutation, UpdateWebhookEndpointMutationVariables>;
export const DeleteWebhookEndpointDocument = new TypedDocumentString(`
    mutation DeleteWebhookEndpoint($id: ID!) {
  deleteWebhookEndpoint(id: $id)
}
    `) as unknown as TypedDocumentString<DeleteWebhookEndpointMutation, DeleteWebhookEndpointMutationVariables>;
export const WebhookDeliveriesDocument = new TypedDocumentString(`
    query WebhookDeliveries($endpointId: ID, $limit: Int) {
  webhookDeliveries(endpointId: $endpointId, limit: $limit) {
    ...WebhookDeliveryFields
  }
}
    fragment WebhookDeliveryFields on WebhookDelivery {
  id
  endpointId
  eventId
  eventType
  payload
  status
  attempts
  attemptLog {
    at
    statusCode
    error
    durationMs
  }
  lastStatusCode
  lastError
  deliveredAt
  createdAt
}`) as unknown as TypedDocumentString<WebhookDeliveriesQuery, WebhookDeliveriesQueryVariables>;
export const RedeliverWebhookDocument = new TypedDocumentString(`
    mutation RedeliverWebhook($id: ID!) {
  redeliverWebhook(id: $id) {
    ...WebhookDeliveryFields
  }
}
    fragment WebhookDeliveryFields on WebhookDelivery {
  id
  endpointId
  eventId
  eventType
  payload
  status
  attempts
  attemptLog {
    at
    statusCode
    error
    durationMs
  }
  lastStatusCode
  lastError
  deliveredAt
  createdAt
}`) as unknown as TypedDocumentString<RedeliverWebhookMutation, RedeliverWebhookMutationVariables>;