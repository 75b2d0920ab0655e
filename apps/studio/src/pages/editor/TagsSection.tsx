import { Field } from '../../components/Field';
import { TagInput } from '../../components/TagInput';
import { firstIndexed, indexedErrors, type SectionProps } from './sectionProps';

export function TagsSection({ form, onChange, errors, readOnly }: SectionProps) {
  return (
    <section className="card" data-testid="tags-section">
      <div className="card-header">
        <h2>Topics and collections</h2>
      </div>
      <div className="card-body form-grid">
        <Field label="Topics" htmlFor="f-topics" error={firstIndexed(errors, 'topics')} hint="Press Enter after each one, e.g. sleep, stress.">
          <TagInput
            id="f-topics"
            value={form.topics}
            onChange={(topics) => onChange({ topics })}
            placeholder="sleep, focus…"
            disabled={readOnly}
            errors={indexedErrors(errors, 'topics')}
            invalid={!!firstIndexed(errors, 'topics')}
          />
        </Field>
        <Field label="Collections" htmlFor="f-collections" error={firstIndexed(errors, 'collections')} hint="Editorial groupings, e.g. daily-calm.">
          <TagInput
            id="f-collections"
            value={form.collections}
            onChange={(collections) => onChange({ collections })}
            placeholder="daily-calm…"
            disabled={readOnly}
            errors={indexedErrors(errors, 'collections')}
            invalid={!!firstIndexed(errors, 'collections')}
          />
        </Field>
      </div>
    </section>
  );
}
