import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { fetchContentTests, fetchSurfaces } from '../../api/placement';
import { CONTENT_TEST_STATUSES, type ContentTestStatus } from '../../api/types';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { Spinner } from '../../components/Spinner';
import { Tabs } from '../../components/Tabs';
import { plural } from '../../lib/format';
import { useAsync, useDocumentTitle, useInterval } from '../../lib/hooks';
import { testStatusText } from '../surfaces/placementText';
import { ContentTestsFootnote, ContentTestsTable } from './ContentTestsTable';

type Filter = ContentTestStatus | 'all';

/** Analytics → Content tests: every test on every surface, running first, with its live statistics. Read-only. */
export function ContentTestsPage() {
  useDocumentTitle('Content tests');
  const [params, setParams] = useSearchParams();
  const raw = params.get('status') as Filter | null;
  const status: Filter = raw && (CONTENT_TEST_STATUSES as string[]).includes(raw) ? raw : 'all';
  const surface = params.get('surface') ?? '';
  const tests = useAsync(() => fetchContentTests({ surface: surface || null }), [surface]);
  const surfaces = useAsync(fetchSurfaces, []);
  useInterval(() => void tests.reload(), 30_000, true);

  const counts = useMemo(() => {
    const c: Record<string, number> = { all: tests.data?.length ?? 0 };
    for (const t of tests.data ?? []) c[t.status] = (c[t.status] ?? 0) + 1;
    return c;
  }, [tests.data]);
  const rows = (tests.data ?? []).filter((t) => status === 'all' || t.status === status);
  const names = Object.fromEntries((surfaces.data ?? []).map((s) => [s.key, s.name]));

  const update = (patch: { status?: Filter; surface?: string }) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (!v || v === 'all') next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  const tabs = (['all', ...CONTENT_TEST_STATUSES] as Filter[]).map((k) => ({
    key: k,
    testId: `tests-filter-${k}`,
    label: (
      <>
        {k === 'all' ? 'All' : testStatusText(k).label}
        {tests.data && <span className="tab-count">{counts[k] ?? 0}</span>}
      </>
    ),
  }));

  return (
    <div className="page page-wide">
      <PageHeader title="Content tests" subtitle="Each new item's guaranteed exploration on a surface, and how it does against the control. Running tests first; figures update as events arrive." />
      <Tabs<Filter> tabs={tabs} active={status} onChange={(s) => update({ status: s })} className="page-tabs" />
      {tests.error && <ErrorBanner error={tests.error} onRetry={() => void tests.reload()} />}
      <div className="card table-card">
        <div className="table-toolbar">
          <select className="input select input-sm" aria-label="Surface" value={surface} onChange={(e) => update({ surface: e.target.value })} data-testid="tests-surface">
            <option value="">All surfaces</option>
            {(surfaces.data ?? []).map((s) => (
              <option key={s.key} value={s.key}>
                {s.name}
              </option>
            ))}
          </select>
          <span className="muted small" data-testid="tests-total">
            {tests.data ? plural(rows.length, 'test') : '\u00a0'}
          </span>
          {tests.loading && tests.data && <Spinner size={14} />}
          <div className="filter-spacer" />
          <Button size="sm" variant="ghost" icon="refresh" onClick={() => void tests.reload()}>
            Refresh
          </Button>
        </div>
        {(rows.length > 0 || (!tests.data && tests.loading)) && <ContentTestsTable tests={tests.data ? rows : undefined} loading={tests.loading} showSurface surfaceNames={names} />}
        {tests.data && rows.length === 0 && (
          <EmptyState icon="flask" title={tests.data.length === 0 ? 'No content tests yet' : `No ${testStatusText(status).label.toLowerCase()} tests`} testId="tests-empty">
            {tests.data.length === 0
              ? 'Every item that launches onto a surface enters a content test there: a guaranteed number of impressions in exploration slots, then a decision to graduate it or stop pushing it.'
              : 'Try another status or surface.'}
          </EmptyState>
        )}
        {rows.length > 0 && <ContentTestsFootnote />}
      </div>
    </div>
  );
}
