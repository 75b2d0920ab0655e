import type { ContentKind } from '../../api/types';
import { Field } from '../../components/Field';
import { localeName } from '../../lib/format';
import { PLATFORM_LABELS, PLATFORMS } from './form';
import { firstIndexed, type SectionProps } from './sectionProps';

interface Props extends SectionProps {
  kinds: ContentKind[];
  isNew: boolean;
  onKindChange(kind: string): void;
  onSlugEdit(slug: string): void;
}

export function BasicsSection({ form, kind, kinds, isNew, onChange, onKindChange, onSlugEdit, errors, readOnly }: Props) {
  return (
    <section className="card" data-testid="basics-section">
      <div className="card-header">
        <h2>Basics</h2>
      </div>
      <div className="card-body form-grid">
        <Field
          label="Slug"
          htmlFor="f-slug"
          requirement="required"
          error={errors.slug}
          hint="Lowercase words joined by dashes; used in links, imports and the API."
        >
          <input
            id="f-slug"
            className={`input mono ${errors.slug ? 'is-invalid' : ''}`}
            value={form.slug}
            disabled={readOnly}
            spellCheck={false}
            placeholder="evening-calm"
            aria-invalid={!!errors.slug}
            onChange={(e) => onSlugEdit(e.target.value)}
            data-testid="field-slug"
          />
        </Field>
        <Field
          label="Kind"
          htmlFor="f-kind"
          requirement={isNew ? 'required' : undefined}
          error={errors.kind}
          hint={isNew ? kind?.description : 'Fixed after creation.'}
        >
          <select
            id="f-kind"
            className={`input select ${errors.kind ? 'is-invalid' : ''}`}
            value={form.kind}
            disabled={readOnly || !isNew}
            onChange={(e) => onKindChange(e.target.value)}
            data-testid="field-kind"
          >
            {kinds.map((k) => (
              <option key={k.key} value={k.key}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Default locale"
          htmlFor="f-defaultLocale"
          requirement="required"
          error={errors.defaultLocale}
          hint="Its title is the item's name everywhere in the Studio."
        >
          <select
            id="f-defaultLocale"
            className="input select"
            value={form.defaultLocale}
            disabled={readOnly}
            onChange={(e) => onChange({ defaultLocale: e.target.value })}
            data-testid="field-default-locale"
          >
            {form.locales.map((l) => (
              <option key={l} value={l}>
                {localeName(l)} ({l})
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Minimum app version"
          htmlFor="f-minAppVersion"
          requirement="optional"
          error={errors.minAppVersion}
          hint="Older apps will not show it, e.g. 4.2."
        >
          <input
            id="f-minAppVersion"
            className={`input ${errors.minAppVersion ? 'is-invalid' : ''}`}
            value={form.minAppVersion}
            placeholder="4.2"
            disabled={readOnly}
            onChange={(e) => onChange({ minAppVersion: e.target.value })}
            data-testid="field-min-app-version"
          />
        </Field>
        <Field label="Availability" htmlFor="f-availability" error={errors.availability}>
          <div className="segmented" id="f-availability" role="radiogroup" aria-label="Availability">
            {['free', 'premium'].map((a) => (
              <label key={a} className={`segment ${form.availability === a ? 'is-active' : ''}`}>
                <input
                  type="radio"
                  name="availability"
                  value={a}
                  checked={form.availability === a}
                  disabled={readOnly}
                  onChange={() => onChange({ availability: a })}
                  data-testid={`availability-${a}`}
                />
                {a === 'free' ? 'Free' : 'Premium'}
              </label>
            ))}
          </div>
        </Field>
        <Field
          label="Platforms"
          htmlFor="f-platforms"
          error={firstIndexed(errors, 'platforms')}
          hint={form.platforms.length === 0 ? 'None ticked means all platforms.' : undefined}
        >
          <div className="checks" id="f-platforms">
            {PLATFORMS.map((p) => (
              <label key={p} className="check">
                <input
                  type="checkbox"
                  checked={form.platforms.includes(p)}
                  disabled={readOnly}
                  onChange={(e) =>
                    onChange({
                      platforms: e.target.checked ? PLATFORMS.filter((x) => x === p || form.platforms.includes(x)) : form.platforms.filter((x) => x !== p),
                    })
                  }
                  data-testid={`platform-${p}`}
                />
                {PLATFORM_LABELS[p]}
              </label>
            ))}
          </div>
        </Field>
      </div>
    </section>
  );
}
