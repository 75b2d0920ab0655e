import { gql } from './client';
import { graphql } from './generated';
import type {
  AssetStatus,
  Connection,
  ContentKind,
  FieldChange,
  ItemDetail,
  ItemInput,
  ItemSort,
  ItemState,
  ItemSummary,
  ItemVersion,
  LocaleStatus,
} from './types';

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const ItemSummaryFields = graphql(`
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
`);

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const AssetFields = graphql(`
  fragment AssetFields on AssetStatusGql {
    role
    url
    status
    httpStatus
    error
    checkedAt
  }
`);

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const ItemVersionFields = graphql(`
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
`);

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const ItemFieldsFields = graphql(`
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
`);

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const ItemDetailFields = graphql(`
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
`);

const KindsQuery = graphql(`
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
`);

const ItemsQuery = graphql(`
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
`);

const ItemQuery = graphql(`
  query Item($id: ID!) {
    item(id: $id) {
      ...ItemDetailFields
    }
  }
`);

const SessionsQuery = graphql(`
  query Sessions($filter: ItemFilterInput, $first: Int) {
    items(filter: $filter, first: $first) {
      edges {
        node {
          ...ItemSummaryFields
        }
      }
    }
  }
`);

const CreateItemMutation = graphql(`
  mutation CreateItem($input: ItemInput!) {
    createItem(input: $input) {
      ...ItemDetailFields
    }
  }
`);

const UpdateItemMutation = graphql(`
  mutation UpdateItem($id: ID!, $input: ItemInput!, $baseVersion: Int) {
    updateItem(id: $id, input: $input, baseVersion: $baseVersion) {
      ...ItemDetailFields
    }
  }
`);

const VersionsQuery = graphql(`
  query Versions($itemId: ID!) {
    itemVersions(itemId: $itemId) {
      ...ItemVersionFields
    }
  }
`);

const DiffQuery = graphql(`
  query Diff($itemId: ID!, $from: Int!, $to: Int!) {
    versionDiff(itemId: $itemId, from: $from, to: $to) {
      path
      before
      after
    }
  }
`);

const RestoreMutation = graphql(`
  mutation Restore($itemId: ID!, $number: Int!) {
    restoreItemVersion(itemId: $itemId, number: $number) {
      ...ItemDetailFields
    }
  }
`);

const RecheckMutation = graphql(`
  mutation Recheck($itemId: ID!) {
    recheckAssets(itemId: $itemId) {
      ...AssetFields
    }
  }
`);

const AssetsQuery = graphql(`
  query Assets($id: ID!) {
    item(id: $id) {
      assets {
        ...AssetFields
      }
    }
  }
`);

export interface ItemFilter {
  text?: string;
  kinds?: string[];
  states?: ItemState[];
  topic?: string;
  collection?: string;
  locale?: string;
  localeStatus?: LocaleStatus;
}

let kindsCache: Promise<ContentKind[]> | null = null;

/** Content kinds are defined in code on the server and never change while the Studio is open. */
export function fetchContentKinds(): Promise<ContentKind[]> {
  kindsCache ??= gql(KindsQuery)
    .then((d) => d.contentKinds)
    .catch((e) => {
      kindsCache = null;
      throw e;
    });
  return kindsCache;
}

export async function searchItems(
  filter: ItemFilter,
  sort: ItemSort,
  first: number,
  after: string | null,
  signal?: AbortSignal,
): Promise<Connection<ItemSummary>> {
  return (await gql(ItemsQuery, { filter, sort, first, after }, { signal })).items;
}

export async function fetchItem(id: string): Promise<ItemDetail> {
  return (await gql(ItemQuery, { id })).item as ItemDetail;
}

/**
 * Several items by id in one request (a course's sessions: at most 60, within one page of 100). Missing ones come
 * back as null. One `items` query with an ids filter, not one aliased field per id: the API refuses more than
 * GRAPHQL_MAX_ALIASES aliases in one query.
 */
export async function fetchItemsByIds(ids: string[]): Promise<Record<string, ItemSummary | null>> {
  if (!ids.length) return {};
  const unique = [...new Set(ids)];
  const d = await gql(SessionsQuery, { filter: { ids: unique }, first: unique.length });
  const found = new Map(d.items.edges.map((e) => [e.node.id, e.node]));
  return Object.fromEntries(ids.map((id) => [id, found.get(id) ?? null]));
}

export async function createItem(input: ItemInput): Promise<ItemDetail> {
  return (await gql(CreateItemMutation, { input })).createItem as ItemDetail;
}

export async function updateItem(id: string, input: ItemInput, baseVersion: number): Promise<ItemDetail> {
  return (await gql(UpdateItemMutation, { id, input, baseVersion })).updateItem as ItemDetail;
}

export async function fetchVersions(itemId: string): Promise<ItemVersion[]> {
  return (await gql(VersionsQuery, { itemId })).itemVersions;
}

export async function fetchDiff(itemId: string, from: number, to: number): Promise<FieldChange[]> {
  return (await gql(DiffQuery, { itemId, from, to })).versionDiff;
}

export async function restoreVersion(itemId: string, number: number): Promise<ItemDetail> {
  return (await gql(RestoreMutation, { itemId, number })).restoreItemVersion as ItemDetail;
}

export async function recheckAssets(itemId: string): Promise<AssetStatus[]> {
  return (await gql(RecheckMutation, { itemId })).recheckAssets;
}

export async function fetchAssets(id: string): Promise<AssetStatus[]> {
  return (await gql(AssetsQuery, { id })).item.assets;
}
