/** TypeScript shapes of the GraphQL objects the Studio reads (see the API's schema). */
export type Role = 'admin' | 'editor' | 'reviewer' | 'analyst';
export const ROLES: Role[] = ['admin', 'editor', 'reviewer', 'analyst'];

export type ItemState = 'draft' | 'in_review' | 'approved' | 'scheduled' | 'live' | 'retired';
export const ITEM_STATES: ItemState[] = ['draft', 'in_review', 'approved', 'scheduled', 'live', 'retired'];

export type LocaleStatus = 'COMPLETE' | 'INCOMPLETE' | 'MISSING';
export type ItemSort = 'UPDATED_DESC' | 'UPDATED_ASC' | 'CREATED_DESC' | 'TITLE_ASC' | 'TITLE_DESC' | 'SLUG_ASC';
export type Requirement = 'required' | 'optional' | 'none';

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  createdAt: string;
  lastLoginAt: string | null;
  disabledAt: string | null;
}

export interface UserSummary {
  id: string;
  displayName: string;
  email: string;
}

export interface KindAttribute {
  key: string;
  label: string;
  required: boolean;
  type: 'string' | 'number' | string;
}

export interface ContentKind {
  key: string;
  label: string;
  description: string;
  duration: Requirement;
  hasSessions: boolean;
  localized: { title: Requirement; subtitle: Requirement; description: Requirement };
  media: { audio: Requirement; video: Requirement; artwork: Requirement; playable: boolean };
  attributes: KindAttribute[];
}

export interface LocalizedText {
  locale: string;
  title: string | null;
  subtitle: string | null;
  description: string | null;
}

export interface Media {
  audioUrl: string | null;
  videoUrl: string | null;
  artworkUrl: string | null;
}

export interface ItemFields {
  slug: string;
  kind: string;
  defaultLocale: string;
  locales: string[];
  localized: LocalizedText[];
  durationSeconds: number | null;
  media: Media;
  topics: string[];
  collections: string[];
  availability: 'free' | 'premium' | string;
  platforms: string[];
  minAppVersion: string | null;
  attributes: Record<string, string | number>;
  sessions: string[];
}

export interface ItemVersion {
  id: string;
  number: number;
  createdAt: string;
  note: string | null;
  restoredFrom: number | null;
  author: UserSummary | null;
}

export interface ItemVersionWithFields extends ItemVersion {
  fields: ItemFields;
}

export interface LocaleCompleteness {
  locale: string;
  complete: boolean;
  missing: string[];
}

export interface ReadinessProblem {
  field: string;
  locale: string | null;
  message: string;
}

export type AssetCheckStatus = 'pending' | 'ok' | 'unreachable';

export interface AssetStatus {
  role: string;
  url: string;
  status: AssetCheckStatus | string;
  httpStatus: number | null;
  error: string | null;
  checkedAt: string | null;
}

/** One row of the content list. */
export interface ItemSummary {
  id: string;
  slug: string;
  kind: string;
  state: ItemState;
  title: string;
  defaultLocale: string;
  locales: string[];
  completeLocales: string[];
  topics: string[];
  updatedAt: string;
  latestVersionNumber: number;
  liveVersion: { number: number } | null;
}

/** The item as the editor needs it. */
export interface ItemDetail extends ItemSummary {
  createdAt: string;
  latestVersion: ItemVersionWithFields;
  completeness: LocaleCompleteness[];
  readiness: ReadinessProblem[];
  assets: AssetStatus[];
}

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'completed_with_errors' | 'failed';

export interface ImportRowError {
  row: number;
  slug: string | null;
  problems: { field: string; message: string }[];
}

export interface ImportJob {
  id: string;
  filename: string;
  format: string;
  source: string;
  status: ImportStatus | string;
  totalRows: number;
  processedRows: number;
  createdItems: number;
  updatedItems: number;
  failedRows: number;
  failure: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface ImportJobDetail extends ImportJob {
  errors: ImportRowError[];
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ItemInput {
  slug: string;
  kind: string;
  defaultLocale: string;
  locales: string[];
  localized: { locale: string; title: string | null; subtitle: string | null; description: string | null }[];
  durationSeconds: number | null;
  media: Media;
  topics: string[];
  collections: string[];
  availability: string;
  platforms: string[];
  minAppVersion: string | null;
  attributes: Record<string, string | number>;
  sessions: string[];
}

/* ---------- Launch workflow (issue 3) ---------- */

export type ReleaseStatus = 'draft' | 'scheduled' | 'launched' | 'failed' | 'rolled_back' | 'cancelled';
export const RELEASE_STATUSES: ReleaseStatus[] = ['draft', 'scheduled', 'launched', 'failed', 'rolled_back', 'cancelled'];
export type ReleaseActionKind = 'PUBLISH' | 'UNPUBLISH';

export interface ValidationIssue {
  code: string;
  itemId: string | null;
  message: string;
}

export interface ReleaseValidation {
  ok: boolean;
  blocking: ValidationIssue[];
  warnings: ValidationIssue[];
}

export interface Audience {
  locales: string[];
  platforms: string[];
  tiers: string[];
}

export interface ReleaseActionItem {
  id: string;
  title: string;
  slug: string;
  kind: string;
  state: ItemState;
  latestVersionNumber: number;
  liveVersion: { id: string; number: number } | null;
}

export interface ReleaseAction {
  id: string;
  kind: ReleaseActionKind;
  itemId: string;
  versionNumber: number | null;
  appliedOrder: number | null;
  priorLiveVersionId: string | null;
  item: ReleaseActionItem;
}

export interface ReleaseEvent {
  at: string;
  kind: string;
  message: string;
  details: unknown;
}

/** A release as lists and the calendar show it. */
export interface ReleaseSummary {
  id: string;
  name: string;
  description: string | null;
  status: ReleaseStatus;
  scheduledAt: string | null;
  timeZone: string | null;
  localTime: string | null;
  launchedAt: string | null;
  failedAt: string | null;
  rolledBackAt: string | null;
  latenessMs: number | null;
  rolloutPercent: number;
  createdAt: string;
  updatedAt: string;
  actions: { id: string; kind: ReleaseActionKind; itemId: string; versionNumber: number | null; item: { id: string; title: string } }[];
}

/** A release with everything its page shows. */
export interface ReleaseDetail extends Omit<ReleaseSummary, 'actions'> {
  audience: Audience;
  scheduleRevision: number;
  failureReasons: ValidationIssue[] | null;
  rollbackBlockers: string[];
  actions: ReleaseAction[];
  events: ReleaseEvent[];
}

export type ScheduleKind = 'ok' | 'gap' | 'ambiguous' | 'invalid';

export interface ScheduleOption {
  offsetMinutes: number;
  instant: string;
  label: string;
}

export interface ScheduleResolution {
  kind: ScheduleKind | string;
  instant: string | null;
  message: string | null;
  options: ScheduleOption[];
}

export interface SchedulerHealth {
  upcoming: ReleaseSummary[];
  late: ReleaseSummary[];
  failed: (ReleaseSummary & { failureReasons: ValidationIssue[] | null })[];
  recentLaunches: ReleaseSummary[];
  latenessP50Ms: number | null;
  latenessP95Ms: number | null;
  latenessMaxMs: number | null;
  lastReconcileAt: string | null;
  reconcilerHealthy: boolean;
  learning: LearningLag;
}

export interface ReviewRecord {
  actorId: string | null;
  at: string;
  comment: string | null;
  decision: 'submitted' | 'approved' | 'rejected' | string;
  versionNumber: number;
}

export interface ReviewQueueEntry {
  item: ItemSummary;
  version: ItemVersion;
  submittedAt: string;
  submittedBy: string | null;
  changesFromLive: FieldChange[];
}

/** What the item editor's workflow bar needs. */
export interface ItemWorkflow {
  id: string;
  state: ItemState;
  latestVersionNumber: number;
  liveVersion: { number: number } | null;
  approvedVersion: { number: number } | null;
  reviews: ReviewRecord[];
  releases: { id: string; name: string; status: ReleaseStatus; scheduledAt: string | null; launchedAt: string | null; timeZone: string | null }[];
}

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  summary: string | null;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  createdAt: string;
}

export interface WebhookAttempt {
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  payload: unknown;
  status: 'pending' | 'retrying' | 'delivered' | 'failed' | string;
  attempts: number;
  attemptLog: WebhookAttempt[];
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/* ---------- Placement engine (issue 4) ---------- */

export type SuccessEvent = 'OPEN' | 'PLAY_START' | 'COMPLETE';
export const SUCCESS_EVENTS: SuccessEvent[] = ['OPEN', 'PLAY_START', 'COMPLETE'];

export interface CandidateRule {
  kinds: string[];
  topics: string[];
  collections: string[];
}

/** "At most maxPerKind of one kind and maxPerTopic of one topic in the first firstN slots"; null is no limit. */
export interface DiversityRule {
  maxPerKind: number | null;
  maxPerTopic: number | null;
  firstN: number;
}

export interface SurfacePin {
  id: string;
  itemId: string;
  position: number;
  startsAt: string;
  endsAt: string | null;
}

export interface Surface {
  id: string;
  key: string;
  name: string;
  description: string | null;
  slots: number;
  candidateRule: CandidateRule;
  successEvent: SuccessEvent | string;
  /** Share of impressions (0..0.5) that content tests and the random floor may use. */
  explorationBudget: number;
  /** Share of impressions placed uniformly at random (0..budget). */
  randomFloor: number;
  /** Impressions per content test; null means sized automatically. */
  testQuota: number | null;
  testMaxDays: number;
  diversity: DiversityRule;
  /** Item ids, first to last. */
  fallbackOrder: string[];
  enabled: boolean;
  updatedAt: string;
  pins: SurfacePin[];
}

export interface SurfaceInput {
  name?: string;
  description?: string | null;
  slots?: number;
  candidateRule?: CandidateRule;
  successEvent?: string;
  explorationBudget?: number;
  randomFloor?: number;
  testQuota?: number | null;
  clearTestQuota?: boolean;
  testMaxDays?: number;
  diversity?: DiversityRule;
}

export type FeedReason = 'PERSONALIZED' | 'CONTENT_TEST' | 'EXPLORATION' | 'PINNED' | 'FALLBACK';
export const FEED_REASONS: FeedReason[] = ['PERSONALIZED', 'CONTENT_TEST', 'EXPLORATION', 'PINNED', 'FALLBACK'];

export interface Persona {
  userId: string;
  locale: string | null;
  platform: string | null;
  appVersion: string | null;
  tier: string | null;
  /** The device's wall-clock time with its offset. */
  localTime: string | null;
}

export interface PreviewEntry {
  position: number;
  reason: FeedReason;
  propensity: number;
  propensityError: number;
  itemId: string;
  slug: string;
  kind: string;
  title: string;
  /** "live", or "scheduled" when a release makes it live by the previewed instant. */
  source: 'live' | 'scheduled' | string;
  inContentTest: boolean;
}

export interface FeedPreview {
  surface: string;
  instant: string;
  policyVersion: string;
  stateRevision: number;
  candidates: number;
  eligible: number;
  seed: number;
  entries: PreviewEntry[];
  /** Events the person's collaborative taste was learned from (0: shared model plus context). */
  personEvents: number;
  nearestTitles: { itemId: string; slug: string; title: string; affinity: number; inSlate: boolean }[];
}

export type ContentTestStatus = 'RUNNING' | 'GRADUATED' | 'UNDERPERFORMING' | 'INCONCLUSIVE';
export const CONTENT_TEST_STATUSES: ContentTestStatus[] = ['RUNNING', 'GRADUATED', 'UNDERPERFORMING', 'INCONCLUSIVE'];

export interface RateEstimate {
  mean: number;
  /** 90% interval. */
  lower: number;
  upper: number;
}

export interface ContentTest {
  id: string;
  surfaceKey: string;
  itemId: string;
  item: { title: string; slug: string; kind: string };
  status: ContentTestStatus | string;
  quota: number;
  maxDays: number;
  startedAt: string;
  endsBy: string;
  impressions: number;
  exposure: number;
  successes: number;
  probBeatsControl: number;
  rate: RateEstimate;
  controlRate: RateEstimate;
  /** QUOTA_REACHED, MAX_DAYS or EARLY_STOP. */
  decisionReason: string | null;
  decidedAt: string | null;
  /** The sequential rule and its parameters. */
  rule: string;
  /** Place in the oldest-first test-slot queue (0.. are served now); null once decided. */
  queuePosition: number | null;
  evidence: ContentTestEvidence;
}

/** The mSPRT's evidence: δ̂ (debiased rate difference), its always-valid interval and p, the test's own control. */
export interface ContentTestEvidence {
  estimate: number;
  lower: number;
  upper: number;
  alwaysValidP: number;
  controlImpressions: number;
  controlExposure: number;
  controlSuccesses: number;
}

/** The learning loop's lag (scheduler health). */
export interface LearningLag {
  healthy: boolean;
  learnIntervalMs: number;
  labelWindowSeconds: number;
  passes: { pass: string; eventsWaiting: number; eventsWaitingCapped: boolean; lastFoldAt: string | null; oldestWaitingSeconds: number | null }[];
  models: { surface: string; updatedAt: string; ageSeconds: number }[];
}

/* ---------- Learning and analysis (issue 5) ---------- */

/** Impressions and successes of one content test on one day (UTC). */
export interface ContentTestDay {
  day: string;
  impressions: number;
  successes: number;
}

/** Served slots of a surface in one day or hour (UTC), and the share tests and the random floor used. */
export interface ExplorationSpend {
  bucket: string;
  servedSlots: number;
  testSlots: number;
  randomSlots: number;
  /** (testSlots + randomSlots) / servedSlots. */
  share: number;
  /** The surface's exploration budget (a share). */
  budget: number;
}

/** Success per impression of one policy version on one day (UTC), with its 95% interval. */
export interface SurfaceSuccess {
  day: string;
  policyVersion: string;
  impressions: number;
  successes: number;
  rate: number;
  lower: number;
  upper: number;
}

export type OpeTarget = 'CURRENT' | 'MODEL' | 'UNIFORM' | 'CONFIG';
export const OPE_TARGETS: OpeTarget[] = ['CURRENT', 'MODEL', 'UNIFORM', 'CONFIG'];
export type OpeEstimator = 'ips' | 'snips' | 'dm' | 'dr';
export const OPE_ESTIMATORS: OpeEstimator[] = ['ips', 'snips', 'dm', 'dr'];
export type OpeRunStatus = 'queued' | 'running' | 'done' | 'failed';

export interface OpeInterval {
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

export interface OpeEstimates {
  n: number;
  /** The logging policy's own value on these rows. */
  onPolicy: OpeCell & { perPosition: (OpeCell & { position: number })[] };
  results: OpeEstimatorResult[];
  requests?: number;
  rows?: number;
  draws?: number;
}

export interface OpeRun {
  id: string;
  surfaceKey: string;
  target: OpeTarget | string;
  modelId: string | null;
  config: Record<string, unknown> | null;
  label: string;
  status: OpeRunStatus | string;
  progress: number;
  windowFrom: string;
  windowTo: string;
  estimates: OpeEstimates | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export type ModelStatus = 'training' | 'failed' | 'candidate' | 'gate_failed' | 'gate_passed' | 'canary' | 'live' | 'rolled_back' | 'retired';
export const MODEL_STATUSES: ModelStatus[] = ['training', 'failed', 'candidate', 'gate_failed', 'gate_passed', 'canary', 'live', 'rolled_back', 'retired'];

export interface ModelMetrics {
  holdoutAuc: number;
  holdoutLogLoss: number;
  /** Log loss of always predicting the training success rate. */
  baselineLogLoss: number;
  trainLogLoss: number;
  backend: string;
}

/** The offline gate: SNIPS of the candidate against the live policy's on-policy value, and the model's own fit. */
export interface ModelGate {
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

export interface CanaryStats {
  liveImpressions: number;
  liveSuccesses: number;
  canaryImpressions: number;
  canarySuccesses: number;
  probCanaryWorse: number;
  checkedAt: string;
}

export interface ModelVersion {
  id: string;
  surfaceKey: string;
  version: string;
  status: ModelStatus | string;
  /** 0..1 */
  progress: number;
  progressMessage: string | null;
  dataFrom: string | null;
  dataTo: string | null;
  rows: number;
  metrics: ModelMetrics | null;
  trainingMs: number | null;
  gate: ModelGate | null;
  canaryShare: number | null;
  canaryStats: CanaryStats | null;
  canaryStartedAt: string | null;
  statusReason: string | null;
  decidedAt: string | null;
  createdAt: string;
}
