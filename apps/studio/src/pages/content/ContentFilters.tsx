import { useEffect, useState, type InputHTMLAttributes } from 'react';
import type { ContentKind, ItemSort, LocaleStatus } from '../../api/types';
import { ITEM_STATES } from '../../api/types';
import { Icon } from '../../components/Icon';
import { humanize } from '../../lib/format';
import { useDebounced } from '../../lib/hooks';
import { COMMON_LOCALES } from '../../lib/locales';

export interface ListFilters {
  q: string;
  kind: string;
  state: string;
  topic: string;
  locale: string;
  status: LocaleStatus | '';
  sort: ItemSort;
}

export const SORT_LABELS: Record<ItemSort, string> = {
  UPDATED_DESC: 'Recently updated',
  UPDATED_ASC: 'Least recently updated',
  CREATED_DESC: 'Newest first',
  TITLE_ASC: 'Title A–Z',
  TITLE_DESC: 'Title Z–A',
  SLUG_ASC: 'Slug A–Z',
};

/** A text input that reports its value only after typing pauses. */
function DebouncedInput({
  value,
  onChange,
  ...rest
}: { value: string; onChange(v: string): void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const [draft, setDraft] = useState(value);
  const debounced = useDebounced(draft, 300);
  useEffect(() => setDraft(value), [value]);
  useEffect(() => {
    // Only a new debounced value triggers a change, not a new `value` from the parent.
    if (debounced !== value) onChange(debounced);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);
  return <input {...rest} value={draft} onChange={(e) => setDraft(e.target.value)} />;
}

export function ContentFilters({ filters, kinds, onChange }: { filters: ListFilters; kinds: ContentKind[]; onChange(patch: Partial<ListFilters>): void }) {
  const active = !!(filters.q || filters.kind || filters.state || filters.topic || filters.locale || filters.status);
  return (
    <div className="filter-bar" data-testid="content-filters">
      <div className="search-box">
        <Icon name="search" />
        <DebouncedInput
          className="input"
          type="search"
          placeholder="Search title, description or slug"
          aria-label="Search"
          value={filters.q}
          onChange={(q) => onChange({ q })}
          data-testid="content-search"
        />
      </div>
      <select className="input select" aria-label="Kind" value={filters.kind} onChange={(e) => onChange({ kind: e.target.value })} data-testid="filter-kind">
        <option value="">All kinds</option>
        {kinds.map((k) => (
          <option key={k.key} value={k.key}>
            {k.label}
          </option>
        ))}
      </select>
      <select
        className="input select"
        aria-label="State"
        value={filters.state}
        onChange={(e) => onChange({ state: e.target.value })}
        data-testid="filter-state"
      >
        <option value="">All states</option>
        {ITEM_STATES.map((s) => (
          <option key={s} value={s}>
            {humanize(s)}
          </option>
        ))}
      </select>
      <DebouncedInput
        className="input input-topic"
        placeholder="Topic"
        aria-label="Topic"
        value={filters.topic}
        onChange={(topic) => onChange({ topic: topic.trim().toLowerCase() })}
        data-testid="filter-topic"
      />
      <div className="filter-pair">
        <DebouncedInput
          className="input input-xnarrow"
          placeholder="Locale"
          aria-label="Locale"
          list="filter-locales"
          value={filters.locale}
          onChange={(locale) => onChange({ locale: locale.trim(), status: locale.trim() ? filters.status || 'COMPLETE' : '' })}
          data-testid="filter-locale"
        />
        <datalist id="filter-locales">
          {COMMON_LOCALES.map((l) => (
            <option key={l} value={l} />
          ))}
        </datalist>
        <select
          className="input select"
          aria-label="Locale status"
          value={filters.status}
          disabled={!filters.locale}
          onChange={(e) => onChange({ status: e.target.value as LocaleStatus })}
          data-testid="filter-locale-status"
        >
          {!filters.locale && <option value="">Any status</option>}
          <option value="COMPLETE">Complete</option>
          <option value="INCOMPLETE">Incomplete</option>
          <option value="MISSING">Missing</option>
        </select>
      </div>
      {active && (
        <button
          type="button"
          className="link-btn clear-filters"
          onClick={() => onChange({ q: '', kind: '', state: '', topic: '', locale: '', status: '' })}
          data-testid="clear-filters"
        >
          Clear filters
        </button>
      )}
    </div>
  );
}

export function SortSelect({ value, onChange }: { value: ItemSort; onChange(sort: ItemSort): void }) {
  return (
    <label className="sort-select">
      <span className="muted small">Sort</span>
      <select className="input select input-sm" value={value} onChange={(e) => onChange(e.target.value as ItemSort)} data-testid="content-sort">
        {(Object.keys(SORT_LABELS) as ItemSort[]).map((s) => (
          <option key={s} value={s}>
            {SORT_LABELS[s]}
          </option>
        ))}
      </select>
    </label>
  );
}
