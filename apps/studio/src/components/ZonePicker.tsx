import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
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

const MAX_RESULTS = 60;

/** Words of the query, each matching the start of a part of the zone name ("los ang", "new york", "berlin"). */
function matches(zone: string, words: string[]): boolean {
  const hay = zone.toLowerCase().replace(/_/g, ' ');
  return words.every((w) => hay.includes(w));
}

/** A searchable select over IANA zones: type a city or region, pick with the mouse or arrows and Enter. */
export function ZonePicker({ id, value, zones, onChange, suggested = [], invalid, disabled }: ZonePickerProps) {
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const rootRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const now = useMemo(() => Date.now(), [open]);

  const options = useMemo(() => {
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

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  useEffect(() => setActive(0), [query]);

  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active, open]);

  const pick = (zone: string) => {
    onChange(zone);
    setQuery('');
    setOpen(false);
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(options.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      if (open && options[active]) {
        e.preventDefault();
        pick(options[active].zone);
      }
    } else if (e.key === 'Escape' && open) {
      // Close the list, not the dialog around it.
      e.stopPropagation();
      e.nativeEvent.stopImmediatePropagation();
      setOpen(false);
      setQuery('');
    }
  };

  return (
    <div className="zone-picker" ref={rootRef} data-testid="zone-picker" data-zone={value}>
      <div className={`search-box input zone-input-wrap ${invalid ? 'is-invalid' : ''} ${disabled ? 'is-disabled' : ''}`}>
        <Icon name="globe" />
        <input
          id={id}
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          autoComplete="off"
          spellCheck={false}
          disabled={disabled}
          className="zone-input"
          placeholder={value || 'Search a city or region'}
          value={open ? query : value}
          onFocus={(e) => e.currentTarget.select()}
          onClick={() => {
            if (open) return;
            setQuery('');
            setOpen(true);
          }}
          onChange={(e) => {
            setQuery(e.target.value);
            setOpen(true);
          }}
          onKeyDown={onKey}
          data-testid="zone-input"
        />
        {value && !open && <span className="zone-offset muted small">{offsetLabel(now, value)}</span>}
        <Icon name="down" size={14} className="zone-caret" />
      </div>
      {open && (
        <ul className="zone-list" role="listbox" id={listId} ref={listRef} data-testid="zone-list">
          {options.length === 0 && <li className="zone-empty muted small">No time zone matches "{query}".</li>}
          {options.map((o, i) => (
            <li key={o.zone} role="option" aria-selected={o.zone === value}>
              <button
                type="button"
                tabIndex={-1}
                data-index={i}
                className={`zone-option ${i === active ? 'is-active' : ''} ${o.zone === value ? 'is-selected' : ''}`}
                onMouseEnter={() => setActive(i)}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => pick(o.zone)}
                data-testid="zone-option"
                data-zone={o.zone}
              >
                <span className="zone-name">
                  {zoneCity(o.zone)} <span className="muted">{o.zone.includes('/') ? o.zone : ''}</span>
                </span>
                {o.note && <span className="zone-note">{o.note}</span>}
                <span className="zone-offset muted small">{offsetLabel(now, o.zone)}</span>
              </button>
            </li>
          ))}
          {options.length === MAX_RESULTS && <li className="zone-empty muted small">Type to narrow the list…</li>}
        </ul>
      )}
    </div>
  );
}
