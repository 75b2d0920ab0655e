import { Field } from '../../components/Field';
import type { SectionProps } from './sectionProps';

/** The kind's own fields (narrator, artist, speaker, instructor…), as `contentKinds` declares them. */
export function AttributesSection({ form, kind, onChange, errors, readOnly }: SectionProps) {
  if (!kind || kind.attributes.length === 0) return null;
  return (
    <section className="card" data-testid="attributes-section">
      <div className="card-header">
        <h2>{kind.label} details</h2>
      </div>
      <div className="card-body form-grid">
        {kind.attributes.map((a) => {
          const path = `attributes.${a.key}`;
          const id = `f-attributes-${a.key}`;
          return (
            <Field key={a.key} label={a.label} htmlFor={id} requirement={a.required ? 'required' : 'optional'} error={errors[path]}>
              <input
                id={id}
                className={`input ${errors[path] ? 'is-invalid' : ''}`}
                inputMode={a.type === 'NUMBER' ? 'numeric' : undefined}
                value={form.attributes[a.key] ?? ''}
                disabled={readOnly}
                aria-invalid={!!errors[path]}
                onChange={(e) => onChange({ attributes: { ...form.attributes, [a.key]: e.target.value } })}
                data-testid={`attr-${a.key}`}
              />
            </Field>
          );
        })}
      </div>
    </section>
  );
}
