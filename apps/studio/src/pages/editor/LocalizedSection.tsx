import { useState } from 'react';
import type { ContentKind } from '../../api/types';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { localeName } from '../../lib/format';
import { COMMON_LOCALES, canonicalLocale } from '../../lib/locales';
import { emptyText, fieldId, fieldRequirement, LOCALIZED_FIELDS, missingIn, type ItemForm, type LocaleText, type LocalizedField } from './form';

const LIMITS: Record<LocalizedField, number> = { title: 120, subtitle: 160, description: 4000 };
const LABELS: Record<LocalizedField, string> = { title: 'Title', subtitle: 'Subtitle', description: 'Description' };

interface Props {
  form: ItemForm;
  kind: ContentKind | undefined;
  active: string;
  onActive(locale: string): void;
  onChange(patch: Partial<ItemForm>): void;
  errors: Record<string, string>;
  readOnly: boolean;
}

/** Per-locale text: one tab per target locale with its completeness, plus adding and removing locales. */
export function LocalizedSection({ form, kind, active, onActive, onChange, errors, readOnly }: Props) {
  const [adding, setAdding] = useState(false);
  const [newLocale, setNewLocale] = useState('');
  const [addError, setAddError] = useState('');
  const current = form.locales.includes(active) ? active : form.defaultLocale;
  const text = form.localized[current] ?? emptyText();

  const setText = (field: keyof LocaleText, value: string) => onChange({ localized: { ...form.localized, [current]: { ...text, [field]: value } } });

  const addLocale = () => {
    const code = canonicalLocale(newLocale);
    if (!code) return setAddError('Use a locale code like "de", "fr" or "pt-BR".');
    if (form.locales.includes(code)) return setAddError(`${localeName(code)} is already a target locale.`);
    onChange({ locales: [...form.locales, code], localized: { ...form.localized, [code]: form.localized[code] ?? emptyText() } });
    onActive(code);
    setAdding(false);
    setNewLocale('');
    setAddError('');
  };

  const removeLocale = (code: string) => {
    const localized = { ...form.localized };
    delete localized[code];
    onChange({ locales: form.locales.filter((l) => l !== code), localized });
    if (current === code) onActive(form.defaultLocale);
  };

  const localeError = Object.entries(errors).find(([k]) => k === 'locales' || k.startsWith('locales['))?.[1];

  return (
    <section className="card" data-testid="localized-section">
      <div className="card-header">
        <h2>Text</h2>
        <span className="muted small">Per locale. Every target locale must be complete to launch.</span>
      </div>
      <div className="locale-tabs">
        {/* Only the tabs are in the tab list (the "add a locale" control beside them is not a tab). */}
        <div className="locale-tablist" role="tablist" aria-label="Locales">
          {form.locales.map((l) => {
            const missing = missingIn(form, kind, l);
            const hasError = Object.keys(errors).some((k) => k.startsWith(`localized.${l}.`));
            return (
              <button
                key={l}
                type="button"
                role="tab"
                aria-selected={l === current}
                className={`locale-tab ${l === current ? 'is-active' : ''} ${hasError ? 'has-error' : ''}`}
                onClick={() => onActive(l)}
                data-testid={`locale-tab-${l}`}
                data-complete={missing.length === 0}
                title={missing.length ? `Missing: ${missing.join(', ')}` : 'Complete'}
              >
                <span className={`dot ${hasError ? 'dot-danger' : missing.length ? 'dot-warning' : 'dot-success'}`} aria-hidden="true" />
                <span className="locale-code">{l}</span>
                <span className="locale-name">{localeName(l)}</span>
                {l === form.defaultLocale && <span className="tab-tag">default</span>}
              </button>
            );
          })}
        </div>
        {!readOnly &&
          (adding ? (
            <div className="add-locale">
              <input
                className={`input input-xs ${addError ? 'is-invalid' : ''}`}
                autoFocus
                list="editor-locales"
                placeholder="e.g. de"
                aria-label="New locale code"
                value={newLocale}
                onChange={(e) => {
                  setNewLocale(e.target.value);
                  setAddError('');
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    addLocale();
                  } else if (e.key === 'Escape') setAdding(false);
                }}
                data-testid="new-locale-input"
              />
              <datalist id="editor-locales">
                {COMMON_LOCALES.filter((l) => !form.locales.includes(l)).map((l) => (
                  <option key={l} value={l}>
                    {localeName(l)}
                  </option>
                ))}
              </datalist>
              <Button size="sm" variant="primary" onClick={addLocale} data-testid="add-locale-confirm">
                Add
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setAdding(false)}>
                Cancel
              </Button>
            </div>
          ) : (
            <button type="button" className="locale-tab locale-add" onClick={() => setAdding(true)} data-testid="add-locale">
              <Icon name="plus" size={14} /> Add locale
            </button>
          ))}
      </div>
      {(addError || localeError) && <p className="field-error locale-error">{addError || localeError}</p>}
      <div className="card-body form-stack" role="tabpanel" data-testid={`locale-panel-${current}`}>
        {LOCALIZED_FIELDS.filter((f) => kind?.localized[f] !== 'NONE').map((f) => {
          const path = `localized.${current}.${f}`;
          const id = fieldId(path);
          const req = current === form.defaultLocale && f === 'title' ? 'REQUIRED' : kind?.localized[f];
          const value = text[f];
          const common = {
            id,
            className: `input ${errors[path] ? 'is-invalid' : ''}`,
            value,
            disabled: readOnly,
            'aria-invalid': !!errors[path],
            'data-testid': `field-${f}`,
            lang: current,
          };
          return (
            <Field
              key={f}
              label={LABELS[f]}
              htmlFor={id}
              requirement={fieldRequirement(req)}
              error={errors[path]}
              hint={value.length > LIMITS[f] * 0.8 ? `${value.length} / ${LIMITS[f]} characters` : undefined}
            >
              {f === 'description' ? (
                <textarea {...common} rows={5} onChange={(e) => setText(f, e.target.value)} />
              ) : (
                <input {...common} onChange={(e) => setText(f, e.target.value)} />
              )}
            </Field>
          );
        })}
        {!readOnly && current !== form.defaultLocale && (
          <div className="locale-remove">
            <button type="button" className="link-btn link-danger" onClick={() => removeLocale(current)} data-testid="remove-locale">
              <Icon name="trash" size={14} /> Remove {localeName(current)} ({current}) from this item
            </button>
          </div>
        )}
      </div>
    </section>
  );
}
