import { Link } from 'react-router-dom';
import type { ApiError } from '../../api/client';
import type { ReleaseValidation, ValidationIssue } from '../../api/types';
import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import { Time } from '../../components/Time';

interface Props {
  validation: ReleaseValidation | null;
  checkedAt: string | null;
  checking: boolean;
  error: ApiError | null;
  /** Polling only makes sense while the release can still change. */
  live: boolean;
  titles: Record<string, string>;
  onRefresh(): void;
}

function Issue({ issue, tone, titles }: { issue: ValidationIssue; tone: 'blocking' | 'warning'; titles: Record<string, string> }) {
  return (
    <li className={`issue issue-${tone}`} data-testid={tone === 'blocking' ? 'validation-blocking' : 'validation-warning'} data-code={issue.code}>
      <Icon name="alert" size={14} />
      <div className="issue-body">
        <span>{issue.message.charAt(0).toUpperCase() + issue.message.slice(1)}</span>
        <span className="issue-meta">
          <code>{issue.code}</code>
          {issue.itemId && titles[issue.itemId] && (
            <Link to={`/content/${issue.itemId}`} className="small">
              Open item
            </Link>
          )}
        </span>
      </div>
    </li>
  );
}

/** Blocking problems and warnings, computed fresh by the server on every change and on an interval. */
export function ValidationPanel({ validation, checkedAt, checking, error, live, titles, onRefresh }: Props) {
  const ok = validation?.ok;
  return (
    <section className="card side-card validation-panel" data-testid="validation-panel" data-ok={validation ? String(ok) : undefined}>
      <div className="card-header">
        <h2>Validation</h2>
        <button
          type="button"
          className="icon-btn"
          onClick={onRefresh}
          aria-label="Check again"
          title="Check again"
          disabled={checking}
          data-testid="validation-refresh"
        >
          {checking ? <Spinner size={14} /> : <Icon name="refresh" size={14} />}
        </button>
      </div>
      <div className="card-body">
        {error && !validation && <p className="field-error">{error.message}</p>}
        {!validation && !error && <p className="muted small">Checking…</p>}
        {validation && (
          <>
            {ok ? (
              <div className="ready-ok" data-testid="validation-ok">
                <Icon name="check" /> Ready to launch
              </div>
            ) : (
              <div className="validation-blocked" data-testid="validation-not-ok">
                <Icon name="alert" /> {validation.blocking.length} blocking {validation.blocking.length === 1 ? 'problem' : 'problems'}
              </div>
            )}
            {validation.blocking.length > 0 && (
              <ul className="issue-list" aria-label="Blocking problems">
                {validation.blocking.map((b, i) => (
                  <Issue key={`b${i}`} issue={b} tone="blocking" titles={titles} />
                ))}
              </ul>
            )}
            {validation.warnings.length > 0 && (
              <>
                <div className="issue-heading">
                  {validation.warnings.length} {validation.warnings.length === 1 ? 'warning' : 'warnings'} <span className="muted">· do not block launch</span>
                </div>
                <ul className="issue-list" aria-label="Warnings">
                  {validation.warnings.map((w, i) => (
                    <Issue key={`w${i}`} issue={w} tone="warning" titles={titles} />
                  ))}
                </ul>
              </>
            )}
          </>
        )}
        <p className="validation-foot muted small">
          {checkedAt ? (
            <>
              Checked <Time iso={checkedAt} />
              {live ? ' · rechecks every 5 s and after each change' : ''}
            </>
          ) : (
            'Checks fields per locale, media, relations, slugs and app versions.'
          )}
          {error && validation && <span className="text-danger"> · last check failed</span>}
        </p>
      </div>
    </section>
  );
}
