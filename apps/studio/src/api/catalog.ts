import { gql } from './client';
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

const SUMMARY = 'id slug kind state title defaultLocale locales completeLocales topics updatedAt latestVersionNumber liveVersion { number }';
const ASSETS = 'role url status httpStatus error checkedAt';
const VERSION = 'id number createdAt note restoredFrom author { id displayName email }';
const FIELDS = `slug kind defaultLocale locales localized { locale title subtitle description } durationSeconds
  media { audioUrl videoUrl artworkUrl } topics collections availability platforms minAppVersion attributes sessions`;
const DETAIL = `${SUMMARY} createdAt latestVersion { ${VERSION} fields { ${FIELDS} } }
  completeness { locale complete missing } readiness { field locale message } assets { ${ASSETS} }`;

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
  kindsCache ??= gql<{ contentKinds: ContentKind[] }>(
    'query Kinds { contentKinds { key label description duration hasSessions localized media attributes { key label required type } } }',
  )
    .then((d) => d.contentKinds)
    .catch((e) => {
      kindsCache = null;
      throw e;
    });
  return kindsCache;
}

export async function searchItems(filter: ItemFilter, sort: ItemSort, first: number, after: string | null, signal?: AbortSignal): Promise<Connection<ItemSummary>> {
  const d = await gql<{ items: Connection<ItemSummary> }>(
    `query Items($filter: ItemFilterInput, $sort: ItemSort, $first: Int, $after: String) {
      items(filter: $filter, sort: $sort, first: $first, after: $after) {
        totalCount pageInfo { endCursor hasNextPage } edges { cursor node { ${SUMMARY} } }
      }
    }`,
    { filter, sort, first, after },
    { signal },
  );
  return d.items;
}

export async function fetchItem(id: string): Promise<ItemDetail> {
  const d = await gql<{ item: ItemDetail }>(`query Item($id: ID!) { item(id: $id) { ${DETAIL} } }`, { id });
  return d.item;
}

/**
 * Several items by id in one request (a course's sessions: at most 60, within one page of 100). Missing ones come
 * back as null. One `items` query with an ids filter, not one aliased field per id: the API refuses more than
 * GRAPHQL_MAX_ALIASES aliases in one query.
 */
export async function fetchItemsByIds(ids: string[]): Promise<Record<string, ItemSummary | null>> {
  if (!ids.length) return {};
  const unique = [...new Set(ids)];
  const d = await gql<{ items: { edges: { node: ItemSummary }[] } }>(
    `query Sessions($filter: ItemFilterInput, $first: Int) { items(filter: $filter, first: $first) { edges { node { ${SUMMARY} } } } }`,
    { filter: { ids: unique }, first: unique.length },
  );
  const found = new Map(d.items.edges.map((e) => [e.node.id, e.node]));
  return Object.fromEntries(ids.map((id) => [id, found.get(id) ?? null]));
}

export async function createItem(input: ItemInput): Promise<ItemDetail> {
  const d = await gql<{ createItem: ItemDetail }>(`mutation CreateItem($input: ItemInput!) { createItem(input: $input) { ${DETAIL} } }`, { input });
  return d.createItem;
}

export async function updateItem(id: string, input: ItemInput, baseVersion: number): Promise<ItemDetail> {
  const d = await gql<{ updateItem: ItemDetail }>(
    `mutation UpdateItem($id: ID!, $input: ItemInput!, $baseVersion: Int) { updateItem(id: $id, input: $input, baseVersion: $baseVersion) { ${DETAIL} } }`,
    { id, input, baseVersion },
  );
  return d.updateItem;
}

export async function fetchVersions(itemId: string): Promise<ItemVersion[]> {
  const d = await gql<{ itemVersions: ItemVersion[] }>(`query Versions($itemId: ID!) { itemVersions(itemId: $itemId) { ${VERSION} } }`, { itemId });
  return d.itemVersions;
}

export async function fetchDiff(itemId: string, from: number, to: number): Promise<FieldChange[]> {
  const d = await gql<{ versionDiff: FieldChange[] }>(
    'query Diff($itemId: ID!, $from: Int!, $to: Int!) { versionDiff(itemId: $itemId, from: $from, to: $to) { path before after } }',
    { itemId, from, to },
  );
  return d.versionDiff;
}

export async function restoreVersion(itemId: string, number: number): Promise<ItemDetail> {
  const d = await gql<{ restoreItemVersion: ItemDetail }>(
    `mutation Restore($itemId: ID!, $number: Int!) { restoreItemVersion(itemId: $itemId, number: $number) { ${DETAIL} } }`,
    { itemId, number },
  );
  return d.restoreItemVersion;
}

export async function recheckAssets(itemId: string): Promise<AssetStatus[]> {
  const d = await gql<{ recheckAssets: AssetStatus[] }>(`mutation Recheck($itemId: ID!) { recheckAssets(itemId: $itemId) { ${ASSETS} } }`, { itemId });
  return d.recheckAssets;
}

export async function fetchAssets(id: string): Promise<AssetStatus[]> {
  const d = await gql<{ item: { assets: AssetStatus[] } }>(`query Assets($id: ID!) { item(id: $id) { assets { ${ASSETS} } } }`, { id });
  return d.item.assets;
}
