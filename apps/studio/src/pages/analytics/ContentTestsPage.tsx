import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { fetchContentTestTimeline } from '../../api/analytics';
import { fetchContentTests, fetchSurfaces } from '../../api/placement';
import { CONTENT_TEST_STATUSES, type ContentTest, type ContentTestDay, type ContentTestStatus } from '../../api/types';
import { Badge } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { CsvButton } from '../../components/CsvButton';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { LoadingState, Spinner } from '../../components/Spinner';
import { Tabs } from '../../components/Tabs';
import type { CsvColumn } from '../../lib/csv';
import { plural } from '../../lib/format';
import { keys, useApiQuery, useDocumentTitle } from '../../lib/hooks';
import { decisionReasonLabel, formatShare, testStatusText } from '../surfaces/placementText';
import { AnalyticsNav, ChartEmpty } from './analyticsParts';
import { ContentTestsFootnote, ContentTestsTable, contentTestCsvColumns } from './ContentTestsTable';
import { TestIntervalChart, TestTimelineChart } from './TestCharts';

type Filter = ContentTestStatus | 'all';

function range(r: { mean: number; lower: number; upper: number }): string {
  return `${formatShare(r.lower, 1)}–${formatShare(r.upper, 1)}`;
}

/** The selected test's numbers, next to its plot. */
function TestFacts({ test }: { test: ContentTest }) {
  const running = test.status === 'RUNNING';
  return (
    <dl className="test-facts" data-testid="test-facts">
      <div>
        <dt>Impressions</dt>
        <dd>
          <strong>{test.impressions.toLocaleString('en')}</strong> <span className="muted">of {test.quota.toLocaleString('en')}</span>
        </dd>
      </div>
      <div>
        <dt>Successes</dt>
        <dd>
          <strong>{test.successes.toLocaleString('en')}</strong>
        </dd>
      </div>
      <div>
        <dt>Success rate</dt>
        <dd>
          <strong>{formatShare(test.rate.mean, 1)}</strong> <span className="muted">{range(test.rate)}</span>
        </dd>
      </div>
      <div>
        <dt>Control</dt>
        <dd>
          <strong>{formatShare(test.controlRate.mean, 1)}</strong> <span className="muted">{range(test.controlRate)}</span>
        </dd>
      </div>
      <div className="fact-wide">
        <dt>{running ? 'Decides' : 'Decision'}</dt>
        <dd>
          {running
            ? `at ${test.quota.toLocaleString('en')} impressions or on ${new Date(test.endsBy).toLocaleDateString('en', { month: 'short', day: 'numeric' })}, whichever is first`
            : `${testStatusText(test.status).label}: ${decisionReasonLabel(test.decisionReason).toLowerCase()}`}
        </dd>
      </div>
    </dl>
  );
}

const TIMELINE_CSV: CsvColumn<ContentTestDay & { cumulative: number }>[] = [
  { header: 'day_utc', value: (d) => d.day.slice(0, 10) },
  { header: 'impressions', value: (d) => d.impressions },
  { header: 'successes', value: (d) => d.successes },
  { header: 'impressions_so_far', value: (d) => d.cumulative },
];

/**
 * Analytics → Content tests: every test on every surface, running first, with its live statistics. The selected test
 * is plotted against the control, next to the other tests on its surface, with its impressions over time. Read-only.
 */
export function ContentTestsPage() {
  useDocumentTitle('Content tests');
  const [params, setParams] = useSearchParams();
  const raw = params.get('status') as Filter | null;
  const status: Filter = raw && (CONTENT_TEST_STATUSES as string[]).includes(raw) ? raw : 'all';
  const surface = params.get('surface') ?? '';
  const tests = useApiQuery([...keys.contentTests, { surface: surface || null }], () => fetchContentTests({ surface: surface || null }), {
    refetchInterval: 30_000,
  });
  const surfaces = useApiQuery(keys.surfaces, fetchSurfaces);

  const counts = useMemo(() => {
    const c: Record<string, number> = { all: tests.data?.length ?? 0 };
    for (const t of tests.data ?? []) c[t.status] = (c[t.status] ?? 0) + 1;
    return c;
  }, [tests.data]);
  const rows = (tests.data ?? []).filter((t) => status === 'all' || t.status === status);
  const names = Object.fromEntries((surfaces.data ?? []).map((s) => [s.key, s.name]));
  // The chosen test, or the first one listed.
  const wanted = params.get('test');
  const selected: ContentTest | undefined = rows.find((t) => t.id === wanted) ?? rows[0];
  const timeline = useApiQuery([...keys.contentTests, 'timeline', selected?.id], () => fetchContentTestTimeline(selected!.id), {
    enabled: !!selected,
    refetchInterval: 30_000,
  });

  const update = (patch: { status?: Filter; surface?: string; test?: string }) => {
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

  // The selected test's neighbours: every test on its surface (same control), in the order of the table.
  const neighbours = selected ? (tests.data ?? []).filter((t) => t.surfaceKey === selected.surfaceKey) : [];
  const timelineRows = useMemo(() => {
    let total = 0;
    return (timeline.data ?? []).map((d) => ({ ...d, cumulative: (total += d.impressions) }));
  }, [timeline.data]);

  return (
    <div className="page page-wide page-analytics">
      <AnalyticsNav />
      <PageHeader
        title="Content tests"
        subtitle="Each new item's guaranteed exploration on a surface, and how it does against the control. Running tests first; figures update as events arrive."
        actions={
          <Link to="/audit-log?action=content_test." className="btn btn-secondary" data-testid="tests-audit-link">
            <Icon name="list" /> Decisions in the audit log
          </Link>
        }
      />
      <Tabs<Filter> tabs={tabs} active={status} onChange={(s) => update({ status: s })} className="page-tabs" />
      {tests.error && <ErrorBanner error={tests.error} onRetry={() => void tests.reload()} />}

      {selected && (
        <section className="card test-detail" data-testid="test-detail" data-test-id={selected.id}>
          <div className="card-header">
            <div className="test-detail-title">
              <h2 className="truncate">
                <Link to={`/content/${selected.itemId}`}>{selected.item.title}</Link>
              </h2>
              <span className="muted small nowrap">
                on <Link to={`/surfaces/${selected.surfaceKey}?tab=tests`}>{names[selected.surfaceKey] ?? selected.surfaceKey}</Link>
              </span>
              <Badge tone={testStatusText(selected.status).tone} title={testStatusText(selected.status).help}>
                {testStatusText(selected.status).label}
              </Badge>
              <span className="muted small nowrap" data-testid="detail-prob">
                P(beats control) <strong className="text-strong">{formatShare(selected.probBeatsControl, 0)}</strong>
              </span>
            </div>
            <Link to={`/audit-log?action=content_test.&entityId=${selected.itemId}`} className="btn btn-ghost btn-sm" data-testid="test-audit-link">
              <Icon name="list" size={14} /> Audit trail
            </Link>
          </div>
          <div className="test-detail-grid">
            <div className="chart-panel">
              <div className="chart-panel-head">
                <h3>Success rate against control</h3>
                <span className="muted small" title="Every test on this surface; click one to select it">
                  tests on {names[selected.surfaceKey] ?? selected.surfaceKey}
                </span>
              </div>
              <TestIntervalChart tests={neighbours} selectedId={selected.id} onSelect={(id) => update({ test: id })} />
              <TestFacts test={selected} />
            </div>
            <div className="chart-panel">
              <div className="chart-panel-head">
                <h3>Impressions over time</h3>
                {timeline.loading && timeline.data && <Spinner size={12} />}
                <div className="filter-spacer" />
                <CsvButton
                  rows={timelineRows}
                  columns={TIMELINE_CSV}
                  name={['content-test-timeline', selected.surfaceKey, selected.item.slug]}
                  testId="timeline-csv"
                />
              </div>
              {timeline.error && <ErrorBanner error={timeline.error} onRetry={() => void timeline.reload()} />}
              {!timeline.data && timeline.loading && <LoadingState label="Loading the timeline…" />}
              {timeline.data && timeline.data.length === 0 && (
                <ChartEmpty testId="timeline-empty" title="No impressions yet">
                  Nothing has been shown to users since the test started. Impressions appear here as client apps report them.
                </ChartEmpty>
              )}
              {timeline.data && timeline.data.length > 0 && <TestTimelineChart test={selected} days={timeline.data} />}
            </div>
          </div>
        </section>
      )}

      <div className="card table-card">
        <div className="table-toolbar">
          <select
            className="input select input-sm"
            aria-label="Surface"
            value={surface}
            onChange={(e) => update({ surface: e.target.value, test: '' })}
            data-testid="tests-surface"
          >
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
          {rows.length > 0 && <span className="muted small">Select a row to plot it</span>}
          <CsvButton
            rows={tests.data ? rows : undefined}
            columns={contentTestCsvColumns(names)}
            name={['content-tests', surface || 'all-surfaces', status === 'all' ? null : status]}
            testId="tests-csv"
          />
          <Button size="sm" variant="ghost" icon="refresh" onClick={() => void tests.reload()}>
            Refresh
          </Button>
        </div>
        {(rows.length > 0 || (!tests.data && tests.loading)) && (
          <ContentTestsTable
            tests={tests.data ? rows : undefined}
            loading={tests.loading}
            showSurface
            surfaceNames={names}
            selectedId={selected?.id ?? null}
            onSelect={(id) => {
              update({ test: id });
              // The charts are above the table: bring them into view.
              document.querySelector('[data-testid=test-detail]')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
            }}
          />
        )}
        {tests.data && rows.length === 0 && (
          <EmptyState
            icon="flask"
            title={tests.data.length === 0 ? 'No content tests yet' : `No ${testStatusText(status).label.toLowerCase()} tests`}
            testId="tests-empty"
            level={2}
          >
            {tests.data.length === 0
              ? 'Every item that launches onto a surface enters a content test there: a guaranteed number of impressions in exploration slots, then a decision to graduate it or stop pushing it. Launch an item after the surface exists, then run traffic.'
              : 'Try another status or surface.'}
          </EmptyState>
        )}
        {rows.length > 0 && <ContentTestsFootnote />}
      </div>
    </div>
  );
}
