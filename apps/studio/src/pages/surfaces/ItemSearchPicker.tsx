import { useEffect, useRef, useState } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { searchPlaceableItems } from '../../api/placement';
import type { ItemSummary } from '../../api/types';
import { StateBadge } from '../../components/Badge';
import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import { useDebounced } from '../../lib/hooks';

interface Props {
  placeholder: string;
  onPick(item: ItemSummary): void;
  /** Items already chosen: listed, but not pickable. */
  taken?: Set<string>;
  takenLabel?: string;
  kindLabel(kind: string): string;
  testId: string;
  disabled?: boolean;
}

/** Search the catalogue by title or slug and pick one item; recently updated items show before typing. */
export function ItemSearchPicker({ placeholder, onPick, taken = new Set(), takenLabel = 'added', kindLabel, testId, disabled }: Props) {
  const [query, setQuery] = useState('');
  const q = useDebounced(query, 250);
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<ItemSummary[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const ctrl = new AbortController();
    setSearching(true);
    setError(null);
    searchPlaceableItems(q, false, ctrl.signal)
      .then(setResults)
      .catch((e) => !ctrl.signal.aborted && setError(toApiError(e)))
      .finally(() => !ctrl.signal.aborted && setSearching(false));
    return () => ctrl.abort();
  }, [q, open]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  return (
    <div
      className="session-picker item-picker"
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
          value={query}
          disabled={disabled}
          onChange={(e) => {
            setQuery(e.target.value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          aria-label={placeholder}
          data-testid={testId}
        />
        {searching && <Spinner size={14} />}
      </div>
      {open && (
        <ul className="picker-results" data-testid={`${testId}-results`}>
          {error && <li className="picker-empty text-danger small">{error.message}</li>}
          {!error && !results && <li className="picker-empty muted">Searching…</li>}
          {results && results.length === 0 && <li className="picker-empty muted">No items match "{q}".</li>}
          {results?.map((r) => {
            const isTaken = taken.has(r.id);
            return (
              <li key={r.id}>
                <button
                  type="button"
                  disabled={isTaken}
                  onClick={() => {
                    onPick(r);
                    setQuery('');
                    setOpen(false);
                  }}
                  data-testid="picker-option"
                  data-slug={r.slug}
                >
                  <span className="picker-title truncate">{r.title}</span>
                  <span className="muted small nowrap">
                    {kindLabel(r.kind)} · <code className="slug-inline">{r.slug}</code>
                  </span>
                  <StateBadge state={r.state} />
                  {isTaken && <span className="muted small">{takenLabel}</span>}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
