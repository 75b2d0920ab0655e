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

/** Lowercase tags (topics, collections): Enter or comma adds, Backspace on an empty input removes the last. */
export function TagInput({ id, value, onChange, placeholder, disabled, errors = {}, invalid }: TagInputProps) {
  const [draft, setDraft] = useState('');
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
    } else if (e.key === 'Backspace' && draft === '' && value.length) {
      onChange(value.slice(0, -1));
    }
  };
  return (
    <div className={`tag-input input ${invalid ? 'is-invalid' : ''} ${disabled ? 'is-disabled' : ''}`} onClick={() => document.getElementById(id)?.focus()}>
      {value.map((t, i) => (
        <span key={t} className={`tag ${errors[i] ? 'tag-error' : ''}`} title={errors[i]}>
          {t}
          {!disabled && (
            <button type="button" aria-label={`Remove ${t}`} onClick={() => onChange(value.filter((x) => x !== t))}>
              <Icon name="x" size={12} />
            </button>
          )}
        </span>
      ))}
      {!disabled && (
        <input
          id={id}
          value={draft}
          placeholder={value.length ? '' : placeholder}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKey}
          onBlur={() => draft.trim() && add(draft)}
        />
      )}
    </div>
  );
}
