import { fetchContentKinds } from '../api/catalog';
import { fetchTimeZones } from '../api/launch';
import type { ContentKind } from '../api/types';
import { keys, useApiQuery, type QueryState } from './hooks';

/*
 * Reference data that changes only with a deploy: fetched once per session, shared by every page that needs it
 * (the editor, the surfaces, the feed preview, the schedule dialog) instead of once per page visit.
 */

export function useContentKinds(): QueryState<ContentKind[]> {
  return useApiQuery([...keys.reference, 'content-kinds'], fetchContentKinds, { staleTime: Infinity });
}

export function useTimeZones(): QueryState<string[]> {
  return useApiQuery([...keys.reference, 'time-zones'], fetchTimeZones, { staleTime: Infinity });
}
