import type { ContentKind } from '../../api/types';
import { Icon } from '../../components/Icon';
import { localeName } from '../../lib/format';
import { missingIn, type ItemForm } from './form';

/** Completeness of every target locale, live as the editor types. */
export function LocaleSummary({ form, kind, onPick }: { form: ItemForm; kind: ContentKind | undefined; onPick(locale: string): void }) {
  const complete = form.locales.filter((l) => missingIn(form, kind, l).length === 0).length;
  return (
    <section className="card side-card" data-testid="locale-summary">
      <div className="card-header">
        <h2>Locales</h2>
        <span className="muted small">
          {complete} of {form.locales.length} complete
        </span>
      </div>
      <ul className="locale-summary">
        {form.locales.map((l) => {
          const missing = missingIn(form, kind, l);
          return (
            <li key={l}>
              <button type="button" onClick={() => onPick(l)} data-testid={`locale-summary-${l}`}>
                <span className={`status-icon ${missing.length ? 'is-warning' : 'is-success'}`}>
                  <Icon name={missing.length ? 'alert' : 'check'} size={12} />
                </span>
                <span className="locale-summary-name">
                  {localeName(l)} <code>{l}</code>
                </span>
                <span className="muted small">{missing.length ? `missing ${missing.join(', ')}` : 'complete'}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
