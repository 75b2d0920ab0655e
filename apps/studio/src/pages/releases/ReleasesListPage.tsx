import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { fetchReleases } from '../../api/launch';
import { RELEASE_STATES, type ReleaseState, type ReleaseSummary } from '../../api/types';
import { canWrite, useCurrentUser } from '../../auth/AuthContext';
import { ReleaseStatusBadge, releaseStatusLabel } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { SkeletonRows, Spinner } from '../../components/Spinner';
import { Tabs } from '../../components/Tabs';
import { Time } from '../../components/Time';
import { plural } from '../../lib/format';
import { keys, useApiQuery, useDocumentTitle } from '../../lib/hooks';
import { browserZone, formatCountdown, formatInZone, formatMs, zoneCity } from '../../lib/time';
import { ReleaseFormDialog } from './ReleaseFormDialog';

type Filter = ReleaseState | 'all';

/** The moment that matters for a release in the list. */
function WhenCell({ r }: { r: ReleaseSummary }) {
  const zone = browserZone();
  if (r.launchedAt) {
    return (
      <>
        <div>{formatInZone(r.launchedAt, zone, { weekday: false, seconds: false })}</div>
        <div className="muted small">
          {r.state === 'ROLLED_BACK' ? 'launched, then rolled back' : 'launched'} · {formatMs(r.latenessMs)} late
        </div>
      </>
    );
  }
  if (r.scheduledAt && r.state !== 'CANCELLED') {
    const upcoming = r.state === 'SCHEDULED';
    return (
      <>
        <div>{formatInZone(r.scheduledAt, zone, { weekday: false, seconds: false })}</div>
        <div className="muted small">
          {upcoming ? formatCountdown(r.scheduledAt) : r.state === 'FAILED' ? 'failed at launch' : 'was scheduled'}
          {r.timeZone && r.timeZone !== zone ? ` · set in ${zoneCity(r.timeZone)}` : ''}
        </div>
      </>
    );
  }
  return <span className="muted">Not scheduled</span>;
}

export function ReleasesListPage() {
  useDocumentTitle('Releases');
  const user = useCurrentUser();
  const writable = canWrite(user);
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  // The URL keeps the lowercase word (?status=failed), as links to the list always have.
  const wanted = (params.get('status') ?? 'all').toUpperCase() as ReleaseState;
  const filter: Filter = RELEASE_STATES.includes(wanted) ? wanted : 'all';
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const releases = useApiQuery([...keys.releases, 'all'], () => fetchReleases(), { refetchInterval: 15_000 });

  const counts = useMemo(() => {
    const c: Record<string, number> = { all: releases.data?.length ?? 0 };
    for (const r of releases.data ?? []) c[r.state] = (c[r.state] ?? 0) + 1;
    return c;
  }, [releases.data]);

  const rows = useMemo(() => {
    const words = query.trim().toLowerCase();
    return (releases.data ?? []).filter(
      (r) =>
        (filter === 'all' || r.state === filter) &&
        (!words || r.name.toLowerCase().includes(words) || r.actions.some((a) => a.item.title.toLowerCase().includes(words))),
    );
  }, [releases.data, filter, query]);

  const setFilter = (f: Filter) => {
    const next = new URLSearchParams(params);
    if (f === 'all') next.delete('status');
    else next.set('status', f.toLowerCase());
    setParams(next, { replace: true });
  };

  const tabs = (['all', ...RELEASE_STATES] as Filter[]).map((k) => ({
    key: k,
    testId: `release-filter-${k.toLowerCase()}`,
    label: (
      <>
        {k === 'all' ? 'All' : releaseStatusLabel(k)}
        {releases.data && <span className={`tab-count ${k === 'FAILED' && counts.FAILED ? 'is-danger' : ''}`}>{counts[k] ?? 0}</span>}
      </>
    ),
  }));

  return (
    <div className="page page-wide">
      <PageHeader
        title="Releases"
        subtitle="Bundles of publish and unpublish actions, launched together at an exact moment."
        actions={
          <>
            <Link to="/calendar" className="btn btn-secondary">
              <Icon name="calendar" /> Calendar
            </Link>
            {writable && (
              <Button variant="primary" icon="plus" onClick={() => setCreating(true)} data-testid="new-release">
                New release
              </Button>
            )}
          </>
        }
      />
      <Tabs<Filter> tabs={tabs} active={filter} onChange={setFilter} className="page-tabs" />
      {releases.error && <ErrorBanner error={releases.error} onRetry={() => void releases.reload()} />}
      <div className="card table-card">
        <div className="table-toolbar">
          <div className="search-box toolbar-search">
            <Icon name="search" />
            <input
              className="input input-sm"
              type="search"
              placeholder="Filter by release or item name"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              aria-label="Filter releases"
              data-testid="release-search"
            />
          </div>
          <span className="muted small" data-testid="release-total">
            {releases.data ? plural(rows.length, 'release') : '\u00a0'}
          </span>
          {releases.loading && releases.data && <Spinner size={14} />}
          <div className="filter-spacer" />
          <span className="muted small">Times in your zone, {browserZone()}</span>
        </div>
        <table className="table table-hover releases-table" data-testid="releases-table">
          <thead>
            <tr>
              <th>Release</th>
              <th>Status</th>
              <th>Items</th>
              <th>When</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {!releases.data && releases.loading && <SkeletonRows cols={5} rows={5} />}
            {rows.map((r) => (
              <tr
                key={r.id}
                className="row-link"
                data-testid="release-row"
                data-id={r.id}
                data-status={r.state}
                onClick={(e) => {
                  if (!(e.target as HTMLElement).closest('a')) navigate(`/releases/${r.id}`);
                }}
              >
                <td className="title-cell">
                  <Link to={`/releases/${r.id}`} className="row-title" data-testid="release-row-name">
                    {r.name}
                  </Link>
                  {r.description && <span className="row-sub truncate">{r.description}</span>}
                </td>
                <td>
                  <ReleaseStatusBadge status={r.state} />
                  {r.rolloutPercent < 100 && <span className="row-sub">{r.rolloutPercent}% of users</span>}
                </td>
                <td className="items-cell">
                  <span>{plural(r.actions.length, 'item')}</span>
                  {r.actions.length > 0 && (
                    <span className="row-sub truncate" title={r.actions.map((a) => a.item.title).join(', ')}>
                      {r.actions.map((a) => a.item.title).join(', ')}
                    </span>
                  )}
                </td>
                <td className="nowrap">
                  <WhenCell r={r} />
                </td>
                <td className="nowrap">
                  <Time iso={r.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {releases.data && rows.length === 0 && (
          <EmptyState
            icon="package"
            title={releases.data.length === 0 ? 'No releases yet' : query ? 'No releases match' : `No ${releaseStatusLabel(filter).toLowerCase()} releases`}
            actions={
              releases.data.length === 0 && writable ? (
                <Button variant="primary" onClick={() => setCreating(true)}>
                  Create the first release
                </Button>
              ) : undefined
            }
          >
            {releases.data.length === 0
              ? 'A release bundles approved versions to publish (and live items to unpublish), then launches them together at the moment you choose.'
              : 'Try another status or fewer words.'}
          </EmptyState>
        )}
      </div>
      {creating && <ReleaseFormDialog onClose={() => setCreating(false)} onSaved={(r) => navigate(`/releases/${r.id}`)} />}
    </div>
  );
}
