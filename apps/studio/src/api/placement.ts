import { gql } from './client';
import { graphql } from './generated';
import type { ContentTest, ContentTestStatus, FeedPreview, ItemSummary, Persona, Surface, SurfaceInput, SurfacePin } from './types';

/* ---------- Surfaces ---------- */

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const SurfacePinFields = graphql(`
  fragment SurfacePinFields on SurfacePin {
    id
    itemId
    position
    startsAt
    endsAt
  }
`);

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const SurfaceFields = graphql(`
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
`);

const SurfacesQuery = graphql(`
  query Surfaces {
    surfaces {
      ...SurfaceFields
    }
  }
`);

const SurfaceQuery = graphql(`
  query Surface($key: String!) {
    surface(key: $key) {
      ...SurfaceFields
    }
  }
`);

const CreateSurfaceMutation = graphql(`
  mutation CreateSurface($key: String!, $name: String!, $slots: Int!, $input: SurfaceInputGql) {
    createSurface(key: $key, name: $name, slots: $slots, input: $input) {
      ...SurfaceFields
    }
  }
`);

const UpdateSurfaceMutation = graphql(`
  mutation UpdateSurface($key: String!, $input: SurfaceInputGql!) {
    updateSurface(key: $key, input: $input) {
      ...SurfaceFields
    }
  }
`);

const SetFallbackMutation = graphql(`
  mutation SetFallback($key: String!, $itemIds: [ID!]!) {
    setSurfaceFallback(key: $key, itemIds: $itemIds) {
      ...SurfaceFields
    }
  }
`);

const PinItemMutation = graphql(`
  mutation PinItem($key: String!, $input: PinInput!) {
    pinItem(key: $key, input: $input) {
      ...SurfacePinFields
    }
  }
`);

const UnpinItemMutation = graphql(`
  mutation UnpinItem($pinId: ID!) {
    unpinItem(pinId: $pinId)
  }
`);

export async function fetchSurfaces(): Promise<Surface[]> {
  return (await gql(SurfacesQuery)).surfaces;
}

export async function fetchSurface(key: string): Promise<Surface> {
  return (await gql(SurfaceQuery, { key })).surface;
}

export async function createSurface(key: string, name: string, slots: number, input: SurfaceInput = {}): Promise<Surface> {
  return (await gql(CreateSurfaceMutation, { key, name, slots, input })).createSurface;
}

export async function updateSurface(key: string, input: SurfaceInput): Promise<Surface> {
  return (await gql(UpdateSurfaceMutation, { key, input })).updateSurface;
}

export async function setSurfaceFallback(key: string, itemIds: string[]): Promise<Surface> {
  return (await gql(SetFallbackMutation, { key, itemIds })).setSurfaceFallback;
}

export async function pinItem(key: string, input: { itemId: string; position: number; startsAt: string | null; endsAt: string | null }): Promise<SurfacePin> {
  return (await gql(PinItemMutation, { key, input })).pinItem;
}

export async function unpinItem(pinId: string): Promise<boolean> {
  return (await gql(UnpinItemMutation, { pinId })).unpinItem;
}

/* ---------- Items for pins and the fallback order ---------- */

const ItemsByIdQuery = graphql(`
  query ItemsById($filter: ItemFilterInput, $first: Int) {
    items(filter: $filter, first: $first) {
      edges {
        node {
          ...ItemSummaryFields
        }
      }
    }
  }
`);

const PlaceableItemsQuery = graphql(`
  query PlaceableItems($filter: ItemFilterInput) {
    items(filter: $filter, first: 8, sort: UPDATED_DESC) {
      edges {
        node {
          ...ItemSummaryFields
        }
      }
    }
  }
`);

/** Items by id, in chunks of 100 (the API's limit); ids that no longer exist are simply absent. */
export async function fetchItemsById(ids: string[]): Promise<Record<string, ItemSummary>> {
  const unique = [...new Set(ids)];
  const out: Record<string, ItemSummary> = {};
  for (let i = 0; i < unique.length; i += 100) {
    const chunk = unique.slice(i, i + 100);
    const d = await gql(ItemsByIdQuery, { filter: { ids: chunk }, first: chunk.length });
    for (const e of d.items.edges) out[e.node.id] = e.node;
  }
  return out;
}

/** Search the catalogue for the pin and fallback pickers; `liveOnly` keeps items with a live version. */
export async function searchPlaceableItems(text: string, liveOnly: boolean, signal?: AbortSignal): Promise<ItemSummary[]> {
  const filter: { text?: string; live?: boolean } = {};
  if (text.trim()) filter.text = text.trim();
  if (liveOnly) filter.live = true;
  const d = await gql(PlaceableItemsQuery, { filter }, { signal });
  return d.items.edges.map((e) => e.node);
}

/* ---------- Feed preview ---------- */

const FeedPreviewQuery = graphql(`
  query FeedPreview($surface: String!, $persona: PreviewPersonaInput!, $instant: DateTime, $seed: Int) {
    feedPreview(surface: $surface, persona: $persona, instant: $instant, seed: $seed) {
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
`);

export async function fetchFeedPreview(
  surface: string,
  persona: Persona,
  instant: string | null,
  seed: number | null,
  signal?: AbortSignal,
): Promise<FeedPreview> {
  return (await gql(FeedPreviewQuery, { surface, persona, instant, seed }, { signal })).feedPreview;
}

/* ---------- Content tests ---------- */

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const ContentTestFields = graphql(`
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
`);

const ContentTestsQuery = graphql(`
  query ContentTests($surface: String, $status: ContentTestStatus) {
    contentTests(surface: $surface, status: $status) {
      ...ContentTestFields
    }
  }
`);

export async function fetchContentTests(filter: { surface?: string | null; status?: ContentTestStatus | null } = {}): Promise<ContentTest[]> {
  return (await gql(ContentTestsQuery, { surface: filter.surface || null, status: filter.status || null })).contentTests;
}
