import { gql } from './client';
import type {
  Audience,
  ItemSummary,
  ItemWorkflow,
  ReleaseActionKind,
  ReleaseDetail,
  ReleaseStatus,
  ReleaseSummary,
  ReleaseValidation,
  ReviewQueueEntry,
  ScheduleResolution,
  SchedulerHealth,
} from './types';

/* ---------- Review ---------- */

const SUMMARY = 'id slug kind state title defaultLocale locales completeLocales topics updatedAt latestVersionNumber liveVersion { number }';
const VERSION = 'id number createdAt note restoredFrom author { id displayName email }';

export async function fetchReviewQueue(): Promise<ReviewQueueEntry[]> {
  const d = await gql<{ reviewQueue: ReviewQueueEntry[] }>(
    `query ReviewQueue { reviewQueue { submittedAt submittedBy item { ${SUMMARY} } version { ${VERSION} } changesFromLive { path before after } } }`,
  );
  return d.reviewQueue;
}

const WORKFLOW = `id state latestVersionNumber liveVersion { number } approvedVersion { number }
  reviews { actorId at comment decision versionNumber }
  releases { id name status scheduledAt launchedAt timeZone }`;

export async function fetchItemWorkflow(id: string): Promise<ItemWorkflow> {
  return (await gql<{ item: ItemWorkflow }>(`query ItemWorkflow($id: ID!) { item(id: $id) { ${WORKFLOW} } }`, { id })).item;
}

export async function submitForReview(itemId: string, versionNumber: number): Promise<ItemWorkflow> {
  const d = await gql<{ submitForReview: ItemWorkflow }>(
    `mutation Submit($itemId: ID!, $versionNumber: Int) { submitForReview(itemId: $itemId, versionNumber: $versionNumber) { ${WORKFLOW} } }`,
    { itemId, versionNumber },
  );
  return d.submitForReview;
}

export async function approveVersion(itemId: string, versionNumber: number, comment: string | null): Promise<ItemWorkflow> {
  const d = await gql<{ approveVersion: ItemWorkflow }>(
    `mutation Approve($itemId: ID!, $versionNumber: Int!, $comment: String) { approveVersion(itemId: $itemId, versionNumber: $versionNumber, comment: $comment) { ${WORKFLOW} } }`,
    { itemId, versionNumber, comment },
  );
  return d.approveVersion;
}

export async function rejectVersion(itemId: string, versionNumber: number, comment: string): Promise<ItemWorkflow> {
  const d = await gql<{ rejectVersion: ItemWorkflow }>(
    `mutation Reject($itemId: ID!, $versionNumber: Int!, $comment: String!) { rejectVersion(itemId: $itemId, versionNumber: $versionNumber, comment: $comment) { ${WORKFLOW} } }`,
    { itemId, versionNumber, comment },
  );
  return d.rejectVersion;
}

/* ---------- Releases ---------- */

const RELEASE_BASE = 'id name description status scheduledAt timeZone localTime launchedAt failedAt rolledBackAt latenessMs rolloutPercent createdAt updatedAt';
const RELEASE_SUMMARY = `${RELEASE_BASE} actions { id kind itemId versionNumber item { id title } }`;
const RELEASE_DETAIL = `${RELEASE_BASE} scheduleRevision audience { locales platforms tiers } failureReasons { code itemId message } rollbackBlockers
  actions { id kind itemId versionNumber appliedOrder priorLiveVersionId item { id title slug kind state latestVersionNumber liveVersion { id number } } }
  events { at kind message details }`;
const VALIDATION = 'ok blocking { code itemId message } warnings { code itemId message }';

export async function fetchReleases(filter: { statuses?: ReleaseStatus[]; from?: string; to?: string } = {}): Promise<ReleaseSummary[]> {
  const d = await gql<{ releases: ReleaseSummary[] }>(
    `query Releases($statuses: [ReleaseStatus!], $from: DateTime, $to: DateTime) { releases(statuses: $statuses, from: $from, to: $to) { ${RELEASE_SUMMARY} } }`,
    { statuses: filter.statuses?.length ? filter.statuses : null, from: filter.from ?? null, to: filter.to ?? null },
  );
  return d.releases;
}

/** Just enough to raise the "a release failed" alert in the layout. */
export async function fetchFailedReleases(): Promise<{ id: string; name: string; failedAt: string | null }[]> {
  const d = await gql<{ releases: { id: string; name: string; failedAt: string | null }[] }>('query FailedReleases { releases(statuses: [failed]) { id name failedAt } }');
  return d.releases;
}

export async function fetchRelease(id: string): Promise<ReleaseDetail> {
  return (await gql<{ release: ReleaseDetail }>(`query Release($id: ID!) { release(id: $id) { ${RELEASE_DETAIL} } }`, { id })).release;
}

export async function fetchReleaseValidation(id: string): Promise<ReleaseValidation> {
  return (await gql<{ releaseValidation: ReleaseValidation }>(`query ReleaseValidation($id: ID!) { releaseValidation(id: $id) { ${VALIDATION} } }`, { id })).releaseValidation;
}

export async function createRelease(input: { name: string; description: string | null }): Promise<ReleaseDetail> {
  return (await gql<{ createRelease: ReleaseDetail }>(`mutation CreateRelease($input: ReleaseInput!) { createRelease(input: $input) { ${RELEASE_DETAIL} } }`, { input })).createRelease;
}

export async function updateRelease(id: string, input: { name: string; description: string | null }): Promise<ReleaseDetail> {
  return (await gql<{ updateRelease: ReleaseDetail }>(`mutation UpdateRelease($id: ID!, $input: ReleaseUpdate!) { updateRelease(id: $id, input: $input) { ${RELEASE_DETAIL} } }`, { id, input }))
    .updateRelease;
}

export async function addToRelease(releaseId: string, itemId: string, action: ReleaseActionKind, versionNumber: number | null): Promise<ReleaseDetail> {
  const d = await gql<{ addToRelease: ReleaseDetail }>(
    `mutation AddToRelease($releaseId: ID!, $itemId: ID!, $action: ReleaseActionKind!, $versionNumber: Int) {
      addToRelease(releaseId: $releaseId, itemId: $itemId, action: $action, versionNumber: $versionNumber) { ${RELEASE_DETAIL} }
    }`,
    { releaseId, itemId, action, versionNumber },
  );
  return d.addToRelease;
}

export async function removeFromRelease(releaseId: string, itemId: string): Promise<ReleaseDetail> {
  const d = await gql<{ removeFromRelease: ReleaseDetail }>(
    `mutation RemoveFromRelease($releaseId: ID!, $itemId: ID!) { removeFromRelease(releaseId: $releaseId, itemId: $itemId) { ${RELEASE_DETAIL} } }`,
    { releaseId, itemId },
  );
  return d.removeFromRelease;
}

export async function scheduleRelease(id: string, input: { localDateTime: string; timeZone: string; offsetMinutes: number | null }): Promise<ReleaseDetail> {
  const d = await gql<{ scheduleRelease: ReleaseDetail }>(
    `mutation ScheduleRelease($id: ID!, $input: ScheduleInputGql!) { scheduleRelease(id: $id, input: $input) { ${RELEASE_DETAIL} } }`,
    { id, input },
  );
  return d.scheduleRelease;
}

export async function unscheduleRelease(id: string): Promise<ReleaseDetail> {
  return (await gql<{ unscheduleRelease: ReleaseDetail }>(`mutation UnscheduleRelease($id: ID!) { unscheduleRelease(id: $id) { ${RELEASE_DETAIL} } }`, { id })).unscheduleRelease;
}

export async function launchReleaseNow(id: string): Promise<ReleaseDetail> {
  return (await gql<{ launchReleaseNow: ReleaseDetail }>(`mutation LaunchNow($id: ID!) { launchReleaseNow(id: $id) { ${RELEASE_DETAIL} } }`, { id })).launchReleaseNow;
}

export async function setReleaseRollout(id: string, percent: number, audience: Audience): Promise<ReleaseDetail> {
  const d = await gql<{ setReleaseRollout: ReleaseDetail }>(
    `mutation SetRollout($id: ID!, $percent: Int!, $audience: AudienceInput) { setReleaseRollout(id: $id, percent: $percent, audience: $audience) { ${RELEASE_DETAIL} } }`,
    { id, percent, audience },
  );
  return d.setReleaseRollout;
}

export async function cancelRelease(id: string): Promise<ReleaseDetail> {
  return (await gql<{ cancelRelease: ReleaseDetail }>(`mutation CancelRelease($id: ID!) { cancelRelease(id: $id) { ${RELEASE_DETAIL} } }`, { id })).cancelRelease;
}

export async function rollbackRelease(id: string): Promise<ReleaseDetail> {
  return (await gql<{ rollbackRelease: ReleaseDetail }>(`mutation RollbackRelease($id: ID!) { rollbackRelease(id: $id) { ${RELEASE_DETAIL} } }`, { id })).rollbackRelease;
}

/** Version ids → numbers for a few items (the rollback dialog names the versions items return to). */
export async function fetchVersionNumbers(itemIds: string[]): Promise<Record<string, number>> {
  if (!itemIds.length) return {};
  const vars = itemIds.map((_, i) => `$i${i}: ID!`).join(', ');
  const fields = itemIds.map((_, i) => `v${i}: itemVersions(itemId: $i${i}) { id number }`).join('\n');
  const d = await gql<Record<string, { id: string; number: number }[]>>(`query VersionNumbers(${vars}) { ${fields} }`, Object.fromEntries(itemIds.map((id, i) => [`i${i}`, id])));
  const out: Record<string, number> = {};
  for (const list of Object.values(d)) for (const v of list) out[v.id] = v.number;
  return out;
}

/** An item as the release composer's picker shows it: which versions are approved, and whether it is live. */
export interface PickableItem extends ItemSummary {
  approvedVersion: { number: number } | null;
  reviews: { versionNumber: number; decision: string; at: string }[];
}

export async function searchPickableItems(text: string, signal?: AbortSignal): Promise<PickableItem[]> {
  const d = await gql<{ items: { edges: { node: PickableItem }[] } }>(
    `query PickItems($filter: ItemFilterInput) { items(filter: $filter, first: 8, sort: UPDATED_DESC) { edges { node { ${SUMMARY} approvedVersion { number } reviews { versionNumber decision at } } } } }`,
    { filter: text.trim() ? { text: text.trim() } : {} },
    { signal },
  );
  return d.items.edges.map((e) => e.node);
}

/* ---------- Scheduling ---------- */

let zonesCache: Promise<string[]> | null = null;

/** The server's IANA zones; they never change while the Studio is open. */
export function fetchTimeZones(): Promise<string[]> {
  zonesCache ??= gql<{ timeZones: string[] }>('query TimeZones { timeZones }')
    .then((d) => d.timeZones)
    .catch((e) => {
      zonesCache = null;
      throw e;
    });
  return zonesCache;
}

export async function resolveScheduleTime(localDateTime: string, timeZone: string, signal?: AbortSignal): Promise<ScheduleResolution> {
  const d = await gql<{ resolveScheduleTime: ScheduleResolution }>(
    'query Resolve($localDateTime: String!, $timeZone: String!) { resolveScheduleTime(localDateTime: $localDateTime, timeZone: $timeZone) { kind instant message options { offsetMinutes instant label } } }',
    { localDateTime, timeZone },
    { signal },
  );
  return d.resolveScheduleTime;
}

export async function fetchSchedulerHealth(): Promise<SchedulerHealth> {
  const d = await gql<{ schedulerHealth: SchedulerHealth }>(
    `query SchedulerHealth { schedulerHealth {
      upcoming { ${RELEASE_SUMMARY} } late { ${RELEASE_SUMMARY} } failed { ${RELEASE_SUMMARY} failureReasons { code itemId message } } recentLaunches { ${RELEASE_SUMMARY} }
      latenessP50Ms latenessP95Ms latenessMaxMs lastReconcileAt reconcilerHealthy
      learning { healthy learnIntervalMs labelWindowSeconds passes { pass eventsWaiting eventsWaitingCapped lastFoldAt oldestWaitingSeconds } models { surface updatedAt ageSeconds } }
    } }`,
  );
  return d.schedulerHealth;
}

/** For items a later release changed: the releases that include each, to name what blocks a rollback. */
export async function fetchItemReleases(itemIds: string[]): Promise<Record<string, { title: string; releases: { id: string; name: string; status: ReleaseStatus; launchedAt: string | null }[] }>> {
  if (!itemIds.length) return {};
  const vars = itemIds.map((_, i) => `$i${i}: ID!`).join(', ');
  const fields = itemIds.map((_, i) => `r${i}: item(id: $i${i}) { id title releases { id name status launchedAt } }`).join('\n');
  const d = await gql<Record<string, { id: string; title: string; releases: { id: string; name: string; status: ReleaseStatus; launchedAt: string | null }[] }>>(
    `query ItemReleases(${vars}) { ${fields} }`,
    Object.fromEntries(itemIds.map((id, i) => [`i${i}`, id])),
  );
  return Object.fromEntries(Object.values(d).map((it) => [it.id, { title: it.title, releases: it.releases }]));
}
