import { gql } from './client';
import { graphql } from './generated';
import type { PickableItemFieldsFragment } from './generated/graphql';
import type {
  Audience,
  ItemWorkflow,
  ReleaseActionKind,
  ReleaseDetail,
  ReleaseState,
  ReleaseSummary,
  ReleaseValidation,
  ReviewQueueEntry,
  ScheduleResolution,
  SchedulerHealth,
} from './types';

/* ---------- Review ---------- */

const ReviewQueueQuery = graphql(`
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
`);

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const ItemWorkflowFields = graphql(`
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
`);

const ItemWorkflowQuery = graphql(`
  query ItemWorkflow($id: ID!) {
    item(id: $id) {
      ...ItemWorkflowFields
    }
  }
`);

const SubmitMutation = graphql(`
  mutation Submit($itemId: ID!, $versionNumber: Int) {
    submitForReview(itemId: $itemId, versionNumber: $versionNumber) {
      ...ItemWorkflowFields
    }
  }
`);

const ApproveMutation = graphql(`
  mutation Approve($itemId: ID!, $versionNumber: Int!, $comment: String) {
    approveVersion(itemId: $itemId, versionNumber: $versionNumber, comment: $comment) {
      ...ItemWorkflowFields
    }
  }
`);

const RejectMutation = graphql(`
  mutation Reject($itemId: ID!, $versionNumber: Int!, $comment: String!) {
    rejectVersion(itemId: $itemId, versionNumber: $versionNumber, comment: $comment) {
      ...ItemWorkflowFields
    }
  }
`);

export async function fetchReviewQueue(): Promise<ReviewQueueEntry[]> {
  return (await gql(ReviewQueueQuery)).reviewQueue;
}

export async function fetchItemWorkflow(id: string): Promise<ItemWorkflow> {
  return (await gql(ItemWorkflowQuery, { id })).item;
}

export async function submitForReview(itemId: string, versionNumber: number): Promise<ItemWorkflow> {
  return (await gql(SubmitMutation, { itemId, versionNumber })).submitForReview;
}

export async function approveVersion(itemId: string, versionNumber: number, comment: string | null): Promise<ItemWorkflow> {
  return (await gql(ApproveMutation, { itemId, versionNumber, comment })).approveVersion;
}

export async function rejectVersion(itemId: string, versionNumber: number, comment: string): Promise<ItemWorkflow> {
  return (await gql(RejectMutation, { itemId, versionNumber, comment })).rejectVersion;
}

/* ---------- Releases ---------- */

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const ReleaseBaseFields = graphql(`
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
`);

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const ReleaseSummaryFields = graphql(`
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
`);

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const ReleaseDetailFields = graphql(`
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
`);

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const ValidationFields = graphql(`
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
`);

const ReleasesQuery = graphql(`
  query Releases($states: [ReleaseState!], $from: DateTime, $to: DateTime) {
    releases(states: $states, from: $from, to: $to) {
      ...ReleaseSummaryFields
    }
  }
`);

const FailedReleasesQuery = graphql(`
  query FailedReleases {
    releases(states: [FAILED]) {
      id
      name
      failedAt
    }
  }
`);

const ReleaseQuery = graphql(`
  query Release($id: ID!) {
    release(id: $id) {
      ...ReleaseDetailFields
    }
  }
`);

const ReleaseValidationQuery = graphql(`
  query ReleaseValidation($id: ID!) {
    releaseValidation(id: $id) {
      ...ValidationFields
    }
  }
`);

const CreateReleaseMutation = graphql(`
  mutation CreateRelease($input: ReleaseInput!) {
    createRelease(input: $input) {
      ...ReleaseDetailFields
    }
  }
`);

const UpdateReleaseMutation = graphql(`
  mutation UpdateRelease($id: ID!, $input: ReleaseUpdate!) {
    updateRelease(id: $id, input: $input) {
      ...ReleaseDetailFields
    }
  }
`);

const AddToReleaseMutation = graphql(`
  mutation AddToRelease($releaseId: ID!, $itemId: ID!, $action: ReleaseActionKind!, $versionNumber: Int) {
    addToRelease(releaseId: $releaseId, itemId: $itemId, action: $action, versionNumber: $versionNumber) {
      ...ReleaseDetailFields
    }
  }
`);

const RemoveFromReleaseMutation = graphql(`
  mutation RemoveFromRelease($releaseId: ID!, $itemId: ID!) {
    removeFromRelease(releaseId: $releaseId, itemId: $itemId) {
      ...ReleaseDetailFields
    }
  }
`);

const ScheduleReleaseMutation = graphql(`
  mutation ScheduleRelease($id: ID!, $input: ScheduleInputGql!) {
    scheduleRelease(id: $id, input: $input) {
      ...ReleaseDetailFields
    }
  }
`);

const UnscheduleReleaseMutation = graphql(`
  mutation UnscheduleRelease($id: ID!) {
    unscheduleRelease(id: $id) {
      ...ReleaseDetailFields
    }
  }
`);

const LaunchNowMutation = graphql(`
  mutation LaunchNow($id: ID!) {
    launchReleaseNow(id: $id) {
      ...ReleaseDetailFields
    }
  }
`);

const SetRolloutMutation = graphql(`
  mutation SetRollout($id: ID!, $percent: Int!, $audience: AudienceInput) {
    setReleaseRollout(id: $id, percent: $percent, audience: $audience) {
      ...ReleaseDetailFields
    }
  }
`);

const CancelReleaseMutation = graphql(`
  mutation CancelRelease($id: ID!) {
    cancelRelease(id: $id) {
      ...ReleaseDetailFields
    }
  }
`);

const RollbackReleaseMutation = graphql(`
  mutation RollbackRelease($id: ID!) {
    rollbackRelease(id: $id) {
      ...ReleaseDetailFields
    }
  }
`);

export async function fetchReleases(filter: { states?: ReleaseState[]; from?: string; to?: string } = {}): Promise<ReleaseSummary[]> {
  const d = await gql(ReleasesQuery, { states: filter.states?.length ? filter.states : null, from: filter.from ?? null, to: filter.to ?? null });
  return d.releases;
}

/** Just enough to raise the "a release failed" alert in the layout. */
export async function fetchFailedReleases(): Promise<{ id: string; name: string; failedAt: string | null }[]> {
  return (await gql(FailedReleasesQuery)).releases;
}

export async function fetchRelease(id: string): Promise<ReleaseDetail> {
  return (await gql(ReleaseQuery, { id })).release;
}

export async function fetchReleaseValidation(id: string): Promise<ReleaseValidation> {
  return (await gql(ReleaseValidationQuery, { id })).releaseValidation;
}

export async function createRelease(input: { name: string; description: string | null }): Promise<ReleaseDetail> {
  return (await gql(CreateReleaseMutation, { input })).createRelease;
}

export async function updateRelease(id: string, input: { name: string; description: string | null }): Promise<ReleaseDetail> {
  return (await gql(UpdateReleaseMutation, { id, input })).updateRelease;
}

export async function addToRelease(releaseId: string, itemId: string, action: ReleaseActionKind, versionNumber: number | null): Promise<ReleaseDetail> {
  return (await gql(AddToReleaseMutation, { releaseId, itemId, action, versionNumber })).addToRelease;
}

export async function removeFromRelease(releaseId: string, itemId: string): Promise<ReleaseDetail> {
  return (await gql(RemoveFromReleaseMutation, { releaseId, itemId })).removeFromRelease;
}

export async function scheduleRelease(id: string, input: { localDateTime: string; timeZone: string; offsetMinutes: number | null }): Promise<ReleaseDetail> {
  return (await gql(ScheduleReleaseMutation, { id, input })).scheduleRelease;
}

export async function unscheduleRelease(id: string): Promise<ReleaseDetail> {
  return (await gql(UnscheduleReleaseMutation, { id })).unscheduleRelease;
}

export async function launchReleaseNow(id: string): Promise<ReleaseDetail> {
  return (await gql(LaunchNowMutation, { id })).launchReleaseNow;
}

export async function setReleaseRollout(id: string, percent: number, audience: Audience): Promise<ReleaseDetail> {
  return (await gql(SetRolloutMutation, { id, percent, audience })).setReleaseRollout;
}

export async function cancelRelease(id: string): Promise<ReleaseDetail> {
  return (await gql(CancelReleaseMutation, { id })).cancelRelease;
}

export async function rollbackRelease(id: string): Promise<ReleaseDetail> {
  return (await gql(RollbackReleaseMutation, { id })).rollbackRelease;
}

const VersionNumbersQuery = graphql(`
  query VersionNumbers($itemId: ID!) {
    itemVersions(itemId: $itemId) {
      id
      number
    }
  }
`);

/**
 * Version ids → numbers for a few items (the rollback dialog names the versions items return to): one typed query
 * per item, sent together, instead of a document built at run time with an alias per item.
 */
export async function fetchVersionNumbers(itemIds: string[]): Promise<Record<string, number>> {
  if (!itemIds.length) return {};
  const lists = await Promise.all([...new Set(itemIds)].map(async (itemId) => (await gql(VersionNumbersQuery, { itemId })).itemVersions));
  const out: Record<string, number> = {};
  for (const list of lists) for (const v of list) out[v.id] = v.number;
  return out;
}

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const PickableItemFields = graphql(`
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
`);

const PickItemsQuery = graphql(`
  query PickItems($filter: ItemFilterInput) {
    items(filter: $filter, first: 8, sort: UPDATED_DESC) {
      edges {
        node {
          ...PickableItemFields
        }
      }
    }
  }
`);

/** An item as the release composer's picker shows it: which versions are approved, and whether it is live. */
export type PickableItem = PickableItemFieldsFragment;

export async function searchPickableItems(text: string, signal?: AbortSignal): Promise<PickableItem[]> {
  const d = await gql(PickItemsQuery, { filter: text.trim() ? { text: text.trim() } : {} }, { signal });
  return d.items.edges.map((e) => e.node);
}

/* ---------- Scheduling ---------- */

const TimeZonesQuery = graphql(`
  query TimeZones {
    timeZones
  }
`);

const ResolveQuery = graphql(`
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
`);

const SchedulerHealthQuery = graphql(`
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
`);

let zonesCache: Promise<string[]> | null = null;

/** The server's IANA zones; they never change while the Studio is open. */
export function fetchTimeZones(): Promise<string[]> {
  zonesCache ??= gql(TimeZonesQuery)
    .then((d) => d.timeZones)
    .catch((e) => {
      zonesCache = null;
      throw e;
    });
  return zonesCache;
}

export async function resolveScheduleTime(localDateTime: string, timeZone: string, signal?: AbortSignal): Promise<ScheduleResolution> {
  return (await gql(ResolveQuery, { localDateTime, timeZone }, { signal })).resolveScheduleTime;
}

export async function fetchSchedulerHealth(): Promise<SchedulerHealth> {
  return (await gql(SchedulerHealthQuery)).schedulerHealth;
}

const ItemReleasesQuery = graphql(`
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
`);

/** For items a later release changed: the releases that include each, to name what blocks a rollback. */
export async function fetchItemReleases(
  itemIds: string[],
): Promise<Record<string, { title: string; releases: { id: string; name: string; state: ReleaseState; launchedAt: string | null }[] }>> {
  if (!itemIds.length) return {};
  const unique = [...new Set(itemIds)];
  const d = await gql(ItemReleasesQuery, { filter: { ids: unique }, first: unique.length });
  return Object.fromEntries(d.items.edges.map(({ node }) => [node.id, { title: node.title, releases: node.releases }]));
}
