import { gql } from './client';
import type { ContentTest, ContentTestStatus, FeedPreview, ItemSummary, Persona, Surface, SurfaceInput, SurfacePin } from './types';

/* ---------- Surfaces ---------- */

const PIN = 'id itemId position startsAt endsAt';
const SURFACE = `id key name description slots candidateRule { kinds topics collections } successEvent explorationBudget randomFloor
  testQuota testMaxDays diversity { maxPerKind maxPerTopic firstN } fallbackOrder enabled updatedAt pins { ${PIN} }`;

export async function fetchSurfaces(): Promise<Surface[]> {
  return (await gql<{ surfaces: Surface[] }>(`query Surfaces { surfaces { ${SURFACE} } }`)).surfaces;
}

export async function fetchSurface(key: string): Promise<Surface> {
  return (await gql<{ surface: Surface }>(`query Surface($key: String!) { surface(key: $key) { ${SURFACE} } }`, { key })).surface;
}

export async function createSurface(key: string, name: string, slots: number, input: SurfaceInput = {}): Promise<Surface> {
  const d = await gql<{ createSurface: Surface }>(
    `mutation CreateSurface($key: String!, $name: String!, $slots: Int!, $input: SurfaceInputGql) { createSurface(key: $key, name: $name, slots: $slots, input: $input) { ${SURFACE} } }`,
    { key, name, slots, input },
  );
  return d.createSurface;
}

export async function updateSurface(key: string, input: SurfaceInput): Promise<Surface> {
  const d = await gql<{ updateSurface: Surface }>(`mutation UpdateSurface($key: String!, $input: SurfaceInputGql!) { updateSurface(key: $key, input: $input) { ${SURFACE} } }`, { key, input });
  return d.updateSurface;
}

export async function setSurfaceFallback(key: string, itemIds: string[]): Promise<Surface> {
  const d = await gql<{ setSurfaceFallback: Surface }>(`mutation SetFallback($key: String!, $itemIds: [ID!]!) { setSurfaceFallback(key: $key, itemIds: $itemIds) { ${SURFACE} } }`, { key, itemIds });
  return d.setSurfaceFallback;
}

export async function pinItem(key: string, input: { itemId: string; position: number; startsAt: string | null; endsAt: string | null }): Promise<SurfacePin> {
  return (await gql<{ pinItem: SurfacePin }>(`mutation PinItem($key: String!, $input: PinInput!) { pinItem(key: $key, input: $input) { ${PIN} } }`, { key, input })).pinItem;
}

export async function unpinItem(pinId: string): Promise<boolean> {
  return (await gql<{ unpinItem: boolean }>('mutation UnpinItem($pinId: ID!) { unpinItem(pinId: $pinId) }', { pinId })).unpinItem;
}

/* ---------- Items for pins and the fallback order ---------- */

const ITEM = 'id slug kind state title defaultLocale locales completeLocales topics updatedAt latestVersionNumber liveVersion { number }';

/** Items by id, in chunks of 100 (the API's limit); ids that no longer exist are simply absent. */
export async function fetchItemsById(ids: string[]): Promise<Record<string, ItemSummary>> {
  const unique = [...new Set(ids)];
  const out: Record<string, ItemSummary> = {};
  for (let i = 0; i < unique.length; i += 100) {
    const chunk = unique.slice(i, i + 100);
    const d = await gql<{ items: { edges: { node: ItemSummary }[] } }>(
      `query ItemsById($filter: ItemFilterInput, $first: Int) { items(filter: $filter, first: $first) { edges { node { ${ITEM} } } } }`,
      { filter: { ids: chunk }, first: chunk.length },
    );
    for (const e of d.items.edges) out[e.node.id] = e.node;
  }
  return out;
}

/** Search the catalogue for the pin and fallback pickers; `liveOnly` keeps items with a live version. */
export async function searchPlaceableItems(text: string, liveOnly: boolean, signal?: AbortSignal): Promise<ItemSummary[]> {
  const filter: Record<string, unknown> = {};
  if (text.trim()) filter.text = text.trim();
  if (liveOnly) filter.live = true;
  const d = await gql<{ items: { edges: { node: ItemSummary }[] } }>(
    `query PlaceableItems($filter: ItemFilterInput) { items(filter: $filter, first: 8, sort: UPDATED_DESC) { edges { node { ${ITEM} } } } }`,
    { filter },
    { signal },
  );
  return d.items.edges.map((e) => e.node);
}

/* ---------- Feed preview ---------- */

export async function fetchFeedPreview(surface: string, persona: Persona, instant: string | null, seed: number | null, signal?: AbortSignal): Promise<FeedPreview> {
  const d = await gql<{ feedPreview: FeedPreview }>(
    `query FeedPreview($surface: String!, $persona: PreviewPersonaInput!, $instant: DateTime, $seed: Int) {
      feedPreview(surface: $surface, persona: $persona, instant: $instant, seed: $seed) {
        surface instant policyVersion stateRevision candidates eligible seed
        entries { position reason propensity propensityError itemId slug kind title source inContentTest }
        personEvents nearestTitles { itemId slug title affinity inSlate }
      }
    }`,
    { surface, persona, instant, seed },
    { signal },
  );
  return d.feedPreview;
}

/* ---------- Content tests ---------- */

const TEST = `id surfaceKey itemId item { title slug kind } status quota maxDays startedAt endsBy impressions exposure successes probBeatsControl
  rate { mean lower upper } controlRate { mean lower upper } decisionReason decidedAt rule queuePosition
  evidence { estimate lower upper alwaysValidP controlImpressions controlExposure controlSuccesses }`;

export async function fetchContentTests(filter: { surface?: string | null; status?: ContentTestStatus | null } = {}): Promise<ContentTest[]> {
  const d = await gql<{ contentTests: ContentTest[] }>(`query ContentTests($surface: String, $status: String) { contentTests(surface: $surface, status: $status) { ${TEST} } }`, {
    surface: filter.surface || null,
    status: filter.status || null,
  });
  return d.contentTests;
}
