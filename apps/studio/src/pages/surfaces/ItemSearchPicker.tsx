import { searchPlaceableItems } from '../../api/placement';
import type { ItemSummary } from '../../api/types';
import { StateBadge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { SearchPicker, usePickerSearch } from '../../components/SearchPicker';

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

const searchItems = (q: string, signal: AbortSignal) => searchPlaceableItems(q, false, signal);

/** Search the catalogue by title or slug and pick one item; recently updated items show before typing. */
export function ItemSearchPicker({ placeholder, onPick, taken = new Set(), takenLabel = 'added', kindLabel, testId, disabled }: Props) {
  const picker = usePickerSearch(searchItems);
  const { results, resultsFor, error } = picker;

  return (
    <SearchPicker picker={picker} className="session-picker item-picker" placeholder={placeholder} label={placeholder} testId={testId} disabled={disabled}>
      <ul className="picker-results" data-testid={`${testId}-results`} data-results-for={resultsFor ?? undefined} aria-busy={picker.searching}>
        {error && (
          <li className="picker-empty text-danger small">
            {error.message}{' '}
            <Button size="sm" variant="ghost" onClick={picker.retry} data-testid={`${testId}-retry`}>
              Try again
            </Button>
          </li>
        )}
        {!error && !results && <li className="picker-empty muted">Searching…</li>}
        {results && results.length === 0 && <li className="picker-empty muted">No items match "{resultsFor}".</li>}
        {results?.map((r) => {
          const isTaken = taken.has(r.id);
          return (
            <li key={r.id}>
              <button
                type="button"
                disabled={isTaken}
                onClick={() => {
                  onPick(r);
                  picker.setQuery('');
                  picker.setOpen(false);
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
    </SearchPicker>
  );
}
