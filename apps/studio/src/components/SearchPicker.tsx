import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { toApiError, type ApiError } from '../api/client';
import { useDebounced } from '../lib/hooks';
import { Icon } from './Icon';
import { Spinner } from './Spinner';

export interface PickerSearch<T> {
  query: string;
  /** The query as last searched (debounced). */
  q: string;
  open: boolean;
  /** The last answer, which may be to an earlier query than `q` while a search runs; `resultsFor` says which. */
  results: T[] | null;
  /** The query `results` answer (null before the first answer). */
  resultsFor: string | null;
  error: ApiError | null;
  searching: boolean;
  setQuery(query: string): void;
  setOpen(open: boolean): void;
  /** Searches again for the same query (after an error). */
  retry(): void;
}

/**
 * Searches while the panel is open, 250 ms after the last keystroke; an answer to an older query is dropped.
 * `search` must keep its identity between renders (a module function); `refresh` searches again when it changes.
 */
export function usePickerSearch<T>(search: (q: string, signal: AbortSignal) => Promise<T[]>, refresh?: unknown): PickerSearch<T> {
  const [query, setQuery] = useState('');
  const q = useDebounced(query, 250);
  const [open, setOpen] = useState(false);
  const [found, setFound] = useState<{ query: string; items: T[] } | null>(null);
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    if (!open) return;
    const ctrl = new AbortController();
    setSearching(true);
    setError(null);
    search(q, ctrl.signal)
      .then((items) => !ctrl.signal.aborted && setFound({ query: q, items }))
      .catch((e) => !ctrl.signal.aborted && setError(toApiError(e)))
      .finally(() => !ctrl.signal.aborted && setSearching(false));
    return () => ctrl.abort();
  }, [search, q, open, refresh, attempt]);

  return { query, q, open, results: found?.items ?? null, resultsFor: found?.query ?? null, error, searching, setQuery, setOpen, retry };
}

interface SearchPickerProps<T> {
  picker: PickerSearch<T>;
  className: string;
  placeholder: string;
  label: string;
  testId: string;
  disabled?: boolean;
  /** The panel under the search box, shown while the picker is open. */
  children: ReactNode;
}

/** A search box whose results panel closes on Escape or a click outside it. */
export function SearchPicker<T>({ picker, className, placeholder, label, testId, disabled, children }: SearchPickerProps<T>) {
  const { open, setOpen, setQuery } = picker;
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open, setOpen]);

  return (
    <div
      className={className}
      ref={rootRef}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <div className="search-box">
        <Icon name="search" />
        <input
          className="input"
          placeholder={placeholder}
          value={picker.query}
          disabled={disabled}
          onChange={(e) => {
            setQuery(e.target.value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          aria-label={label}
          data-testid={testId}
        />
        {picker.searching && <Spinner size={14} />}
      </div>
      {open && children}
    </div>
  );
}
