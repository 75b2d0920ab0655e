import { Link } from 'react-router-dom';
import type { FeedReason, PreviewEntry } from '../../api/types';
import { FEED_REASONS } from '../../api/types';
import { Badge } from '../../components/Badge';
import { Icon } from '../../components/Icon';
import { formatError, formatProbability, reasonText, REASON_TEXT } from '../surfaces/placementText';

function ReasonBadge({ reason }: { reason: string }) {
  const r = reasonText(reason);
  return (
    <Badge tone={r.tone} testId="reason-badge" title={r.help}>
      <Icon name={r.icon} size={12} />
      {r.label}
    </Badge>
  );
}

/** Where each item was in the previous slate: "new", "▲2", "▼1" or nothing. */
function Change({ entry, previous }: { entry: PreviewEntry; previous: PreviewEntry[] }) {
  const before = previous.find((p) => p.itemId === entry.itemId);
  if (!before) return <span className="change-chip is-new">new</span>;
  const d = before.position - entry.position;
  if (d === 0) return <span className="muted small">same</span>;
  return (
    <span className={`change-chip ${d > 0 ? 'is-up' : 'is-down'}`} title={`Was at position ${before.position}`}>
      {d > 0 ? '▲' : '▼'}
      {Math.abs(d)}
    </span>
  );
}

interface Props {
  entries: PreviewEntry[];
  kindLabel(kind: string): string;
  /** The previous slate, to show how positions moved. */
  previous?: PreviewEntry[] | null;
  stale?: boolean;
}

/** The slate: position, title in the persona's locale, kind, reason, and propensity with its error. */
export function SlateTable({ entries, kindLabel, previous, stale }: Props) {
  return (
    <table className="table slate-table" data-testid="slate-table">
      <thead>
        <tr>
          <th className="num pos-col">#</th>
          <th>Item</th>
          <th>Kind</th>
          <th>Reason</th>
          <th className="num" title="Probability that the policy put this item at this position, ± the standard error of its Monte Carlo part">
            Propensity
          </th>
          {previous && (
            <th className="change-col" title="Where the item was in the previous slate">
              Change
            </th>
          )}
        </tr>
      </thead>
      <tbody className={stale ? 'is-stale' : ''}>
        {entries.map((e) => (
          <tr
            key={`${e.position}-${e.itemId}`}
            data-testid="slate-row"
            data-position={e.position}
            data-reason={e.reason}
            data-source={e.source}
            data-in-test={e.inContentTest}
            data-slug={e.slug}
          >
            <td className="num pos-col">
              <span className="slate-pos">{e.position}</span>
            </td>
            <td className="title-cell slate-title">
              <div className="slate-title-line">
                <Link to={`/content/${e.itemId}`} className="row-title" data-testid="slate-title">
                  {e.title}
                </Link>
                {e.source === 'SCHEDULED' && (
                  <span
                    className="badge badge-dot state-scheduled"
                    data-testid="scheduled-marker"
                    title="Not live yet: it appears because a scheduled release will have launched by this instant"
                  >
                    Scheduled
                  </span>
                )}
                {e.inContentTest && (
                  <span className="marker-test" data-testid="in-test-marker" title="In its content test on this surface">
                    <Icon name="flask" size={12} /> in test
                  </span>
                )}
              </div>
              <code className="slug">{e.slug}</code>
            </td>
            <td className="nowrap">{kindLabel(e.kind)}</td>
            <td className="nowrap">
              <ReasonBadge reason={e.reason} />
            </td>
            <td className="num nowrap" data-testid="propensity" data-value={e.propensity} data-error={e.propensityError}>
              <div className="prop-cell">
                <span className="prop-value">{formatProbability(e.propensity)}</span>
                <span className="prop-error muted small">{e.propensityError > 0 ? `± ${formatError(e.propensityError)} pp` : 'exact'}</span>
              </div>
              <div className="prop-bar" aria-hidden="true">
                <span style={{ width: `${Math.max(1, Math.min(100, e.propensity * 100))}%` }} />
              </div>
            </td>
            {previous && (
              <td className="change-col">
                <Change entry={e} previous={previous} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What each reason means, and how to read a propensity. */
export function ReasonLegend({ counts }: { counts?: Partial<Record<FeedReason, number>> }) {
  return (
    <section className="card" data-testid="reason-legend">
      <div className="card-header">
        <h2>Reading the slate</h2>
        <span className="muted small">Hover a badge for the same text</span>
      </div>
      <div className="card-body legend-body">
        <dl className="legend-list">
          {FEED_REASONS.map((r) => (
            <div key={r} className="legend-row" data-reason={r}>
              <dt>
                <ReasonBadge reason={r} />
                {counts && counts[r] ? <span className="muted small">× {counts[r]}</span> : null}
              </dt>
              <dd>{REASON_TEXT[r].help}</dd>
            </div>
          ))}
        </dl>
        <div className="legend-notes">
          <p>
            <strong>Propensity</strong> is the probability that the policy put that item at that position for this request. It is exact for pins and random
            slots; the personalized part is estimated by replaying the draw, so it comes with its standard error in percentage points (<em>exact</em> when there
            is none). Every real feed logs it, so any policy can be evaluated offline.
          </p>
          <p>
            <span className="badge badge-dot state-scheduled">Scheduled</span> items are not live yet: they appear because a scheduled release will have
            launched by the previewed instant.{' '}
            <span className="marker-test">
              <Icon name="flask" size={12} /> in test
            </span>{' '}
            marks items in their content test here.
          </p>
        </div>
      </div>
    </section>
  );
}
