/**
 * The names pages use for what the API returns. Every shape here comes from the schema through graphql-codegen
 * (./generated, from the fragments and operations in this folder); nothing is written by hand but the inside of
 * JSON fields, which the schema leaves open (model metrics and gate, offline estimates).
 */
import type {
  ApiKeyFieldsFragment,
  AssetFieldsFragment,
  AuditEntryFieldsFragment,
  ContentTestFieldsFragment,
  FeedPreviewQuery,
  ImportJobFieldsFragment,
  ImportJobQuery,
  ItemDetailFieldsFragment,
  ItemFieldsFieldsFragment,
  ItemInput as ItemInputGql,
  ItemSummaryFieldsFragment,
  ItemVersionFieldsFragment,
  ItemWorkflowFieldsFragment,
  KindsQuery,
  ModelVersionFieldsFragment,
  OpeRunFieldsFragment,
  PreviewPersonaInput,
  ReleaseDetailFieldsFragment,
  ReleaseSummaryFieldsFragment,
  ResolveQuery,
  ReviewQueueQuery,
  SchedulerHealthQuery,
  SpendQuery,
  SurfaceFieldsFragment,
  SurfaceInputGql,
  SurfacePinFieldsFragment,
  SurfaceSuccessQuery,
  TestTimelineQuery,
  UserFieldsFragment,
  ValidationFieldsFragment,
  WebhookDeliveryFieldsFragment,
  WebhookEndpointFieldsFragment,
} from './generated/graphql';
import type { ContentTestStatus, EngagementType, FeedReason, ItemState, OpeTarget, ReleaseState, Role } from './generated/schema-enums';

export type {
  AssetCheckStatus,
  AssetRole,
  ContentTestStatus,
  FeedReason,
  ItemSort,
  ItemState,
  LocaleStatus,
  ModelStatus,
  OpeRunStatus,
  OpeTarget,
  ReleaseActionKind,
  ImportJobState,
  ReleaseState,
  Requirement,
  ReviewDecision,
  Role,
  WebhookDeliveryStatus,
} from './generated/schema-enums';

/* ---------- Enums: the values, in the order the Studio lists them ---------- */

export const ROLES: Role[] = ['ADMIN', 'EDITOR', 'REVIEWER', 'ANALYST'];
export const ITEM_STATES: ItemState[] = ['DRAFT', 'IN_REVIEW', 'APPROVED', 'SCHEDULED', 'LIVE', 'RETIRED'];
export const RELEASE_STATES: ReleaseState[] = ['DRAFT', 'SCHEDULED', 'LAUNCHED', 'FAILED', 'ROLLED_BACK', 'CANCELLED'];
export const FEED_REASONS: FeedReason[] = ['PERSONALIZED', 'CONTENT_TEST', 'EXPLORATION', 'PINNED', 'FALLBACK'];
export const CONTENT_TEST_STATUSES: ContentTestStatus[] = ['RUNNING', 'GRADUATED', 'UNDERPERFORMING', 'INCONCLUSIVE'];
export const OPE_TARGETS: OpeTarget[] = ['CURRENT', 'MODEL', 'UNIFORM', 'CONFIG'];

/**
 * Strings the schema keeps as strings, as unions for the pages' switch statements. A surface's success event is an
 * engagement type the schema answers as a String; estimator names are inside the JSON of `OpeRun.estimates`.
 */
export type SuccessEvent = Extract<EngagementType, 'OPEN' | 'PLAY_START' | 'COMPLETE'>;
export const SUCCESS_EVENTS: SuccessEvent[] = ['OPEN', 'PLAY_START', 'COMPLETE'];
export type OpeEstimator = 'ips' | 'snips' | 'dm' | 'dr';
export const OPE_ESTIMATORS: OpeEstimator[] = ['ips', 'snips', 'dm', 'dr'];

/* ---------- Accounts ---------- */

export type User = UserFieldsFragment;
export type ApiKey = ApiKeyFieldsFragment;

/* ---------- Catalogue ---------- */

/** A content kind and which fields it requires. */
export type ContentKind = KindsQuery['contentKinds'][number];
export type ItemFields = Omit<ItemFieldsFieldsFragment, 'attributes'> & { attributes: Record<string, string | number> };
export type ItemVersion = ItemVersionFieldsFragment;
type ItemVersionWithFields = ItemVersion & { fields: ItemFields };
export type AssetStatus = AssetFieldsFragment;
/** One row of the content list. */
export type ItemSummary = ItemSummaryFieldsFragment;
/** The item as the editor needs it. */
export type ItemDetail = Omit<ItemDetailFieldsFragment, 'latestVersion'> & { latestVersion: ItemVersionWithFields };
export type ReadinessProblem = ItemDetail['readiness'][number];
export type FieldChange = ReviewQueueEntry['changesFromLive'][number];
interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}
export type ItemInput = Omit<ItemInputGql, 'attributes'> & { attributes: Record<string, string | number> };

/* ---------- Imports ---------- */

export type ImportJob = ImportJobFieldsFragment;
export type ImportJobDetail = ImportJobQuery['importJob'];

/* ---------- Launch workflow ---------- */

export type ReleaseSummary = ReleaseSummaryFieldsFragment;
export type ReleaseDetail = ReleaseDetailFieldsFragment;
export type ReleaseAction = ReleaseDetail['actions'][number];
export type ReleaseEvent = ReleaseDetail['events'][number];
export type Audience = ReleaseDetail['audience'];
export type ReleaseValidation = ValidationFieldsFragment;
export type ValidationIssue = ReleaseValidation['blocking'][number];
export type ScheduleResolution = ResolveQuery['resolveScheduleTime'];
export type SchedulerHealth = SchedulerHealthQuery['schedulerHealth'];
export type ReviewQueueEntry = ReviewQueueQuery['reviewQueue'][number];
/** What the item editor's workflow bar needs. */
export type ItemWorkflow = ItemWorkflowFieldsFragment;
export type AuditEntry = AuditEntryFieldsFragment;
export type WebhookEndpoint = WebhookEndpointFieldsFragment;
export type WebhookDelivery = WebhookDeliveryFieldsFragment;

/* ---------- Placement engine ---------- */

export type Surface = SurfaceFieldsFragment;
export type SurfacePin = SurfacePinFieldsFragment;
export type CandidateRule = Surface['candidateRule'];
export type SurfaceInput = SurfaceInputGql;
export type Persona = PreviewPersonaInput;
export type FeedPreview = FeedPreviewQuery['feedPreview'];
export type PreviewEntry = FeedPreview['entries'][number];
export type ContentTest = ContentTestFieldsFragment;
export type RateEstimate = ContentTest['rate'];

/* ---------- Learning and analysis ---------- */

export type ContentTestDay = TestTimelineQuery['contentTestTimeline'][number];
export type ExplorationSpend = SpendQuery['explorationSpend'][number];
export type SurfaceSuccess = SurfaceSuccessQuery['surfaceSuccess'][number];

interface OpeInterval {
  lower: number;
  upper: number;
  level: number;
}
/** One estimate: the value per logged slot, its bootstrap interval, the effective sample size and the rows. */
export interface OpeCell {
  value: number;
  ci: OpeInterval;
  ess: number;
  n: number;
}
export interface OpeEstimatorResult extends OpeCell {
  estimator: OpeEstimator | string;
  perPosition: (OpeCell & { position: number })[];
}
/** The JSON in `OpeRun.estimates`. */
interface OpeEstimates {
  n: number;
  /** The logging policy's own value on these rows. */
  onPolicy: OpeCell & { perPosition: (OpeCell & { position: number })[] };
  results: OpeEstimatorResult[];
  requests?: number;
  rows?: number;
  draws?: number;
}
export type OpeRun = Omit<OpeRunFieldsFragment, 'estimates' | 'config'> & { estimates: OpeEstimates | null; config: Record<string, unknown> | null };

/** The JSON in `ModelVersion.metrics`. */
interface ModelMetrics {
  holdoutAuc: number;
  holdoutLogLoss: number;
  /** Log loss of always predicting the training success rate. */
  baselineLogLoss: number;
  trainLogLoss: number;
  backend: string;
}
/** The JSON in `ModelVersion.gate`: SNIPS of the candidate against the live policy's on-policy value, and the model's own fit. */
interface ModelGate {
  estimator: string;
  liveEstimate: number;
  candidateEstimate: number;
  candidateLower: number;
  candidateUpper: number;
  /** Relative margin below the live value the lower bound may fall. */
  margin: number;
  threshold: number;
  passed: boolean;
  rows: number;
  requests?: number;
  opeRunId: string;
  /** The model's own holdout fit: better than chance (AUC) and than the base rate (log loss). Absent on older models. */
  fit?: { holdoutAuc: number | null; holdoutLogLoss: number | null; baselineLogLoss: number | null; passed: boolean; reason: string };
}
/** The JSON in `ModelVersion.canaryStats`. */
export interface CanaryStats {
  liveImpressions: number;
  liveSuccesses: number;
  canaryImpressions: number;
  canarySuccesses: number;
  probCanaryWorse: number;
  checkedAt: string;
}
export type ModelVersion = Omit<ModelVersionFieldsFragment, 'metrics' | 'gate' | 'canaryStats'> & {
  metrics: ModelMetrics | null;
  gate: ModelGate | null;
  canaryStats: CanaryStats | null;
};
