import { QueryClient, keepPreviousData, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../api/client';

/**
 * Fetching goes through TanStack Query: one cache for the Studio, so two views of the same data share one request
 * (deduplication), answers to an old key never land on a new one (no races when a filter changes), polling is
 * `refetchInterval`, and a query whose page unmounts is cancelled. Mutations invalidate the families of keys below.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // The API's errors are answers (not found, forbidden); a page offers its own retry.
      retry: false,
      refetchOnWindowFocus: false,
      staleTime: 1000,
    },
  },
});

/**
 * Query key families. A key starts with its family, so `invalidate(keys.releases)` refreshes the list, the calendar,
 * the failed-release banner and the preview's schedule at once.
 */
export const keys = {
  releases: ['releases'] as const,
  release: ['release'] as const,
  surfaces: ['surfaces'] as const,
  contentTests: ['content-tests'] as const,
  items: ['items'] as const,
  reviewQueue: ['review-queue'] as const,
  users: ['users'] as const,
  apiKeys: ['api-keys'] as const,
  webhooks: ['webhooks'] as const,
  models: ['models'] as const,
  analytics: ['analytics'] as const,
  scheduler: ['scheduler'] as const,
  imports: ['imports'] as const,
  reference: ['reference'] as const,
};

export interface QueryState<T> {
  data: T | undefined;
  error: ApiError | null;
  /** A request for this key is in flight (the first load or a refresh). */
  loading: boolean;
  /** When the data on screen was fetched (ms), or 0. */
  updatedAt: number;
  reload(): Promise<void>;
  /** Writes into the cache (after a mutation that returned the new row), so every view of the key sees it. */
  setData(next: T | ((prev: T | undefined) => T)): void;
}

interface QueryOptions<T> {
  /** Off while a parameter is missing (no surface chosen yet). */
  enabled?: boolean;
  /** Poll every so many ms, or not at all (false). A function sees the latest data. */
  refetchInterval?: number | false | ((data: T | undefined) => number | false);
  /** How long fetched data counts as fresh (ms); reference data that changes only with a deploy uses Infinity. */
  staleTime?: number;
  /** Keep the previous key's data on screen while a new key loads (default); off where old data would mislead. */
  keepPrevious?: boolean;
}

/** A query with the Studio's error type; while a new key loads, the previous key's data stays on screen. */
export function useApiQuery<T>(key: QueryKey, load: () => Promise<T>, options: QueryOptions<T> = {}): QueryState<T> {
  const client = useQueryClient();
  const { refetchInterval } = options;
  const q = useQuery<T, unknown>({
    queryKey: key,
    queryFn: load,
    enabled: options.enabled ?? true,
    placeholderData: options.keepPrevious === false ? undefined : keepPreviousData,
    staleTime: options.staleTime,
    refetchInterval: typeof refetchInterval === 'function' ? (query) => refetchInterval(query.state.data) : refetchInterval,
  });
  const { refetch } = q;
  const reload = useCallback(async () => {
    await refetch();
  }, [refetch]);
  const hash = JSON.stringify(key);
  const setData = useCallback(
    (next: T | ((prev: T | undefined) => T)) => {
      client.setQueryData<T>(JSON.parse(hash) as QueryKey, (prev) => (typeof next === 'function' ? (next as (p: T | undefined) => T)(prev) : next));
    },
    [client, hash],
  );
  return { data: q.data, error: q.error ? toApiError(q.error) : null, loading: q.isFetching, updatedAt: q.dataUpdatedAt, reload, setData };
}

/** Marks families of queries stale and refetches the ones on screen. */
export function useInvalidate(): (...families: QueryKey[]) => Promise<void> {
  const client = useQueryClient();
  return useCallback(
    async (...families: QueryKey[]) => {
      await Promise.all(families.map((queryKey) => client.invalidateQueries({ queryKey })));
    },
    [client],
  );
}

/** A form's request: busy while it runs, and the error it ended with (cleared when it runs again), which it also returns. */
export function useSubmit(): { busy: boolean; error: ApiError | null; submit(run: () => Promise<void>): Promise<ApiError | null>; clearError(): void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = useCallback(async (run: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await run();
      return null;
    } catch (e) {
      const err = toApiError(e);
      setError(err);
      return err;
    } finally {
      setBusy(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return { busy, error, submit, clearError };
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** The current time, ticking every `ms` while `active` (for countdowns; data polling is refetchInterval). */
export function useNow(ms: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms, active]);
  return now;
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Marquee Studio` : 'Marquee Studio';
  }, [title]);
}
