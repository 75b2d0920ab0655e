import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useContentKinds } from '../../lib/reference-data';
import { fetchContentTests, fetchSurfaces } from '../../api/placement';
import { isAdmin, useCurrentUser } from '../../auth/AuthContext';
import { Badge } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { SkeletonRows, Spinner } from '../../components/Spinner';
import { Time } from '../../components/Time';
import { plural } from '../../lib/format';
import { keys, useApiQuery, useDocumentTitle } from '../../lib/hooks';
import { NewSurfaceDialog } from './NewSurfaceDialog';
import { pinStatus } from './PinsCard';
import { describeRule, formatShare, successEventLabel } from './placementText';

/** Every surface with its main settings; admins add new ones. */
export function SurfacesListPage() {
  useDocumentTitle('Surfaces');
  const user = useCurrentUser();
  const admin = isAdmin(user);
  const navigate = useNavigate();
  const surfaces = useApiQuery(keys.surfaces, fetchSurfaces);
  const tests = useApiQuery([...keys.contentTests, { status: 'RUNNING' }], () => fetchContentTests({ status: 'RUNNING' }));
  // Labels only: without them a rule shows its kind keys.
  const kinds = useContentKinds().data ?? [];
  const [creating, setCreating] = useState(false);

  const running = useMemo(() => {
    const c: Record<string, number> = {};
    for (const t of tests.data ?? []) c[t.surfaceKey] = (c[t.surfaceKey] ?? 0) + 1;
    return c;
  }, [tests.data]);

  return (
    <div className="page page-wide">
      <PageHeader
        title="Surfaces"
        subtitle="Places in the apps that show an ordered list of items. The placement engine fills each one per user, within its rules."
        actions={
          <>
            <Link to="/preview" className="btn btn-secondary" data-testid="surfaces-preview">
              <Icon name="eye" /> Feed preview
            </Link>
            {admin && (
              <Button variant="primary" icon="plus" onClick={() => setCreating(true)} data-testid="new-surface">
                New surface
              </Button>
            )}
          </>
        }
      />
      {surfaces.error && <ErrorBanner error={surfaces.error} onRetry={() => void surfaces.reload()} />}
      <div className="card table-card">
        <div className="table-toolbar">
          <span className="muted small" data-testid="surface-total">
            {surfaces.data ? plural(surfaces.data.length, 'surface') : '\u00a0'}
          </span>
          {surfaces.loading && surfaces.data && <Spinner size={14} />}
          <div className="filter-spacer" />
          <span className="muted small">
            {admin ? 'Open a surface to change its settings, pins and fallback order.' : 'Only admins change surfaces; everyone can read them.'}
          </span>
        </div>
        <table className="table table-hover surfaces-table" data-testid="surfaces-table">
          <thead>
            <tr>
              <th>Surface</th>
              <th className="num">Slots</th>
              <th>Candidates</th>
              <th title="The engagement event the engine optimizes and judges tests by">Success</th>
              <th title="Share of impressions tests and random exploration may use, and the uniform-random part of it">Budget / floor</th>
              <th className="num" title="Content tests running on the surface">
                Tests
              </th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {!surfaces.data && surfaces.loading && <SkeletonRows cols={7} rows={3} />}
            {surfaces.data?.map((s) => {
              const pins = s.pins.filter((p) => pinStatus(p) === 'active').length;
              return (
                <tr
                  key={s.id}
                  className="row-link"
                  data-testid="surface-row"
                  data-key={s.key}
                  onClick={(e) => {
                    if (!(e.target as HTMLElement).closest('a')) navigate(`/surfaces/${s.key}`);
                  }}
                >
                  <td className="title-cell">
                    <Link to={`/surfaces/${s.key}`} className="row-title" data-testid="surface-row-name">
                      {s.name}
                    </Link>
                    <span className="row-sub truncate">
                      <code className="slug-inline">{s.key}</code>
                      {s.description ? ` · ${s.description}` : ''}
                    </span>
                  </td>
                  <td className="num">{s.slots}</td>
                  <td>
                    <span className="rule-cell" title={describeRule(s.candidateRule, kinds)}>
                      {describeRule(s.candidateRule, kinds)}
                    </span>
                    {pins > 0 && <span className="row-sub">{plural(pins, 'active pin')}</span>}
                  </td>
                  <td className="nowrap">{successEventLabel(s.successEvent)}</td>
                  <td className="nowrap">
                    {formatShare(s.explorationBudget)} <span className="muted">/ {formatShare(s.randomFloor)}</span>
                    {!s.enabled && (
                      <div>
                        <Badge tone="warning">Disabled</Badge>
                      </div>
                    )}
                  </td>
                  <td className="num" data-testid="surface-running-tests">
                    {tests.data ? (
                      running[s.key] ? (
                        <Link to={`/surfaces/${s.key}?tab=tests`}>{running[s.key]}</Link>
                      ) : (
                        <span className="muted">0</span>
                      )
                    ) : (
                      <span className="muted">…</span>
                    )}
                  </td>
                  <td className="nowrap">
                    <Time iso={s.updatedAt} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {surfaces.data && surfaces.data.length === 0 && (
          <EmptyState
            icon="layers"
            title="No surfaces yet"
            testId="surfaces-empty"
            actions={
              admin ? (
                <Button variant="primary" onClick={() => setCreating(true)}>
                  Create the first surface
                </Button>
              ) : undefined
            }
          >
            A surface is a place in the apps, like the home feed or a sleep tab. Clients ask for its feed by key.{admin ? '' : ' An admin creates them.'}
          </EmptyState>
        )}
      </div>
      {creating && <NewSurfaceDialog onClose={() => setCreating(false)} onCreated={(s) => navigate(`/surfaces/${s.key}`)} />}
    </div>
  );
}
