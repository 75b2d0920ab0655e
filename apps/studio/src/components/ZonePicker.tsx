import { useCombobox } from 'downshift';
import { useMemo, useState } from 'react';
import { offsetLabel, zoneCity } from '../lib/time';
import { Icon } from './Icon';

interface ZonePickerProps {
  id: string;
  value: string;
  zones: string[];
  onChange(zone: string): void;
  /** Shown first when the search is empty (the editor's zone, UTC, the release's zone). */
  suggested?: { zone: string; note: string }[];
  invalid?: boolean;
  disabled?: boolean;
}

interface ZoneOption {
  zone: string;
  note: string;
}

const MAX_RESULTS = 60;

/** Words of the query, each matching the start of a part of the zone name ("los ang", "new york", "berlin"). */
function matches(zone: string, words: string[]): boolean {
  const hay = zone.toLowerCase().replace(/_/g, ' ');
  return words.every((w) => hay.includes(w));
}

/**
 * A searchable select over IANA zones: type a city or region, pick with the mouse or arrows and Enter. The combobox
 * behaviour (ARIA roles, keyboard, highlighting, scrolling the highlighted option into view) is downshift's.
 * Escape closes the list, not the dialog around it (the dialog leaves an Escape on an expanded combobox alone).
 */
export function ZonePicker({ id, value, zones, onChange, suggested = [], invalid, disabled }: ZonePickerProps) {
  const [query, setQuery] = useState('');

  const options = useMemo<ZoneOption[]>(() => {
    const words = query.trim().toLowerCase().replace(/[_/]/g, ' ').split(/\s+/).filter(Boolean);
    if (!words.length) {
      const pinned = suggested.filter((s, i, all) => zones.includes(s.zone) && all.findIndex((x) => x.zone === s.zone) === i);
      const rest = zones.filter((z) => !pinned.some((p) => p.zone === z)).slice(0, MAX_RESULTS);
      return [...pinned.map((p) => ({ zone: p.zone, note: p.note })), ...rest.map((zone) => ({ zone, note: '' }))];
    }
    return zones
      .filter((z) => matches(z, words))
      .slice(0, MAX_RESULTS)
      .map((zone) => ({ zone, note: suggested.find((s) => s.zone === zone)?.note ?? '' }));
  }, [query, zones, suggested]);

  const { isOpen, highlightedIndex, getInputProps, getMenuProps, getItemProps, openMenu } = useCombobox<ZoneOption>({
    items: options,
    inputId: id,
    itemToString: (o) => o?.zone ?? '',
    selectedItem: null,
    inputValue: query,
    defaultHighlightedIndex: 0,
    onInputValueChange: ({ inputValue, type }) => {
      if (type === useCombobox.stateChangeTypes.InputChange) setQuery(inputValue ?? '');
    },
    onSelectedItemChange: ({ selectedItem }) => {
      if (selectedItem) onChange(selectedItem.zone);
    },
    onIsOpenChange: ({ isOpen: open }) => {
      if (!open) setQuery('');
    },
  });
  const now = Date.now();

  return (
    <div className="zone-picker" data-testid="zone-picker" data-zone={value}>
      <div className={`search-box input zone-input-wrap ${invalid ? 'is-invalid' : ''} ${disabled ? 'is-disabled' : ''}`}>
        <Icon name="globe" />
        <input
          {...getInputProps({
            disabled,
            onFocus: (e) => e.currentTarget.select(),
            onClick: () => {
              if (!isOpen) openMenu();
            },
          })}
          autoComplete="off"
          spellCheck={false}
          className="zone-input"
          placeholder={value || 'Search a city or region'}
          value={isOpen ? query : value}
          data-testid="zone-input"
        />
        {value && !isOpen && <span className="zone-offset muted small">{offsetLabel(now, value)}</span>}
        <Icon name="down" size={14} className="zone-caret" />
      </div>
      <ul {...getMenuProps({ 'aria-label': 'Time zones' })} className="zone-list" hidden={!isOpen} data-testid={isOpen ? 'zone-list' : undefined}>
        {isOpen && options.length === 0 && <li className="zone-empty muted small">No time zone matches "{query}".</li>}
        {isOpen &&
          options.map((o, i) => (
            <li
              key={o.zone}
              {...getItemProps({ item: o, index: i })}
              className={`zone-option ${i === highlightedIndex ? 'is-active' : ''} ${o.zone === value ? 'is-selected' : ''}`}
              data-testid="zone-option"
              data-zone={o.zone}
            >
              <span className="zone-name">
                {zoneCity(o.zone)} <span className="muted">{o.zone.includes('/') ? o.zone : ''}</span>
              </span>
              {o.note && <span className="zone-note">{o.note}</span>}
              <span className="zone-offset muted small">{offsetLabel(now, o.zone)}</span>
            </li>
          ))}
        {isOpen && options.length === MAX_RESULTS && <li className="zone-empty muted small">Type to narrow the list…</li>}
      </ul>
    </div>
  );
}
