import { useMultipleSelection } from 'downshift';
import { useState, type KeyboardEvent } from 'react';
import { Icon } from './Icon';

interface TagInputProps {
  id: string;
  value: string[];
  onChange(next: string[]): void;
  placeholder?: string;
  disabled?: boolean;
  /** Index → message, from problems like `topics[2]`. */
  errors?: Record<number, string>;
  invalid?: boolean;
}

/**
 * Lowercase tags (topics, collections): Enter or comma adds, Backspace on an empty input removes the last. The chips'
 * keyboard behaviour is downshift's: ArrowLeft from the input walks into the tags, Backspace or Delete removes the
 * focused one.
 */
export function TagInput({ id, value, onChange, placeholder, disabled, errors = {}, invalid }: TagInputProps) {
  const [draft, setDraft] = useState('');
  const { getSelectedItemProps, getDropdownProps, removeSelectedItem } = useMultipleSelection<string>({
    selectedItems: value,
    onSelectedItemsChange: ({ selectedItems }) => onChange(selectedItems ?? []),
  });
  const add = (raw: string) => {
    const parts = raw
      .split(/[,\n]/)
      .map((t) => t.trim().toLowerCase().replace(/\s+/g, '-'))
      .filter(Boolean);
    const next = [...value];
    for (const p of parts) if (!next.includes(p)) next.push(p);
    if (next.length !== value.length) onChange(next);
    setDraft('');
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      if (draft.trim()) add(draft);
    }
  };
  return (
    <div className={`tag-input input ${invalid ? 'is-invalid' : ''} ${disabled ? 'is-disabled' : ''}`} onClick={() => document.getElementById(id)?.focus()}>
      {value.map((t, i) => (
        <span
          key={t}
          className={`tag ${errors[i] ? 'tag-error' : ''}`}
          title={errors[i]}
          {...(disabled ? {} : getSelectedItemProps({ selectedItem: t, index: i }))}
        >
          {t}
          {!disabled && (
            <button
              type="button"
              tabIndex={-1}
              aria-label={`Remove ${t}`}
              onClick={(e) => {
                e.stopPropagation();
                removeSelectedItem(t);
              }}
            >
              <Icon name="x" size={12} />
            </button>
          )}
        </span>
      ))}
      {!disabled && (
        <input
          {...getDropdownProps({ preventKeyAction: false, onKeyDown: onKey })}
          id={id}
          value={draft}
          placeholder={value.length ? '' : placeholder}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={() => draft.trim() && add(draft)}
        />
      )}
    </div>
  );
}
