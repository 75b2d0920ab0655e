import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useContentKinds } from '../../lib/reference-data';
import { toApiError, type ApiError } from '../../api/client';
import { fetchContentTests, fetchItemsById, fetchSurface, updateSurface } from '../../api/placement';
import { CONTENT_TEST_STATUSES, type ContentTestStatus, type ItemSummary, type Surface } from '../../api/types';
import { isAdmin, useCurrentUser } from '../../auth/AuthContext';
import { Badge } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { CsvButton } from '../../components/CsvButton';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { LoadingState, Spinner } from '../../components/Spinner';
import { Tabs } from '../../components/Tabs';
import { useToast } from '../../components/Toast';
import { keys, useApiQuery, useDocumentTitle } from '../../lib/hooks';
import { ContentTestsFootnote, ContentTestsTable, contentTestCsvColumns } from '../analytics/ContentTestsTable';
import { FallbackCard } from './FallbackCard';
import { pinStatus, PinsCard } from './PinsCard';
import { testStatusText } from './placementText';
import { formFromSurface, formToInput, PLACED_FIELDS, sameForm, validateForm, type SurfaceForm } from './surfaceForm';
import { SurfaceSettings } from './SurfaceSettings';

type Tab = 'settings' | 'placement' | 'tests';
const TABS: Tab[] = ['settings', 'placement', 'tests'];
type TestFilter = ContentTestStatus | 'all';

/** One surface: its settings (admins edit, everyone reads), pins and fallback order, and its content tests. */
export function SurfacePage() {
  const { key = '' } = useParams();
  const user = useCurrentUser();
  const admin = isAdmin(user);
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const tab: Tab = TABS.includes(params.get('tab') as Tab) ? (params.get('tab') as Tab) : 'settings';
  const [surface, setSurface] = useState<Surface | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [form, setForm] = useState<SurfaceForm | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const kinds = useContentKinds().data ?? [];
  /** Items picked in this session (a new pin), known before the surface is saved. */
  const [picked, setPicked] = useState<Record<string, ItemSummary>>({});
  const [testFilter, setTestFilter] = useState<TestFilter>('all');
  const tests = useApiQuery([...keys.contentTests, { surface: key }], () => fetchContentTests({ surface: key }));

  useDocumentTitle(surface?.name ?? 'Surface');

  const adopt = useCallback((s: Surface, resetForm: boolean) => {
    setSurface(s);
    if (resetForm) {
      setForm(formFromSurface(s));
      setErrors({});
      setSaveError(null);
    }
  }, []);

  const load = useCallback(async () => {
    try {
      const s = await fetchSurface(key);
      setLoadError(null);
      setSurface(s);
      setForm((f) => f ?? formFromSurface(s));
    } catch (e) {
      setLoadError(toApiError(e));
    }
  }, [key]);

  useEffect(() => {
    void load();
  }, [load]);

  // Titles for the pins and the fallback order.
  const itemIds = useMemo(() => (surface ? [...new Set([...surface.pins.map((p) => p.itemId), ...surface.fallbackOrder])] : []), [surface]);
  const fetched = useApiQuery([...keys.items, 'by-id', itemIds], () => fetchItemsById(itemIds), { enabled: itemIds.length > 0 }).data;
  const items = useMemo(() => ({ ...fetched, ...picked }), [fetched, picked]);

  const baseline = useMemo(() => (surface ? formFromSurface(surface) : null), [surface]);
  const dirty = !!form && !!baseline && !sameForm(form, baseline);
  const kindLabel = (k: string) => kinds.find((x) => x.key === k)?.label ?? k;
  const rememberItem = (it: ItemSummary) => setPicked((m) => ({ ...m, [it.id]: it }));

  const setTab = (t: Tab) => {
    const next = new URLSearchParams(params);
    if (t === 'settings') next.delete('tab');
    else next.set('tab', t);
    setParams(next, { replace: true });
  };

  const patch = (p: Partial<SurfaceForm>) => setForm((f) => f && { ...f, ...p });

  const save = async () => {
    if (!form || !surface) return;
    const found = validateForm(form);
    setErrors(found);
    setSaveError(null);
    if (Object.keys(found).length) {
      toast.error('Some settings need fixing; see the highlighted fields.');
      return;
    }
    setSaving(true);
    try {
      const s = await updateSurface(surface.key, formToInput(form));
      adopt(s, true);
      toast.success(`Saved "${s.name}". The engine uses the new settings within seconds.`);
    } catch (e) {
      const err = toApiError(e);
      setSaveError(err);
      setErrors(err.problemMap());
    } finally {
      setSaving(false);
    }
  };

  const testCounts = useMemo(() => {
    const c: Record<string, number> = { all: tests.data?.length ?? 0 };
    for (const t of tests.data ?? []) c[t.status] = (c[t.status] ?? 0) + 1;
    return c;
  }, [tests.data]);

  if (loadError && !surface) {
    return (
      <div className="page">
        <PageHeader title="Surface" back={{ to: '/surfaces', label: 'Surfaces' }} />
        {loadError.code === 'NOT_FOUND' ? (
          <EmptyState icon="search" title={`There is no surface "${key}"`} testId="surface-not-found">
            Surfaces are identified by their key, like <code>home</code>. It may have been renamed, or the link is wrong.
          </EmptyState>
        ) : (
          <ErrorBanner error={loadError} onRetry={() => void load()} />
        )}
      </div>
    );
  }
  if (!surface || !form) {
    return (
      <div className="page">
        <LoadingState label="Loading the surface…" />
      </div>
    );
  }

  const unplaced = saveError ? saveError.problems.filter((p) => !PLACED_FIELDS.includes(p.field)) : [];
  const livePins = surface.pins.filter((p) => pinStatus(p) !== 'ended').length;
  const shownTests = (tests.data ?? []).filter((t) => testFilter === 'all' || t.status === testFilter);

  return (
    <div className="page page-surface" data-testid="surface-page" data-key={surface.key}>
      <PageHeader
        back={{ to: '/surfaces', label: 'Surfaces' }}
        title={surface.name}
        meta={
          <div className="title-meta">
            <code className="key-chip">{surface.key}</code>
            {!surface.enabled && <Badge tone="warning">Disabled</Badge>}
            {!admin && <Badge tone="neutral">Read only</Badge>}
          </div>
        }
        subtitle={surface.description ?? undefined}
        actions={
          <>
            {tab === 'settings' && admin && dirty && (
              <>
                <span className="unsaved" data-testid="unsaved">
                  Unsaved changes
                </span>
                <Button variant="ghost" onClick={() => adopt(surface, true)} disabled={saving} data-testid="discard-surface">
                  Discard
                </Button>
              </>
            )}
            <Link to={`/preview?surface=${encodeURIComponent(surface.key)}`} className="btn btn-secondary" data-testid="open-preview">
              <Icon name="eye" /> Preview feed
            </Link>
            {tab === 'settings' && admin && (
              <Button variant="primary" onClick={() => void save()} loading={saving} disabled={!dirty} data-testid="save-surface">
                Save
              </Button>
            )}
          </>
        }
      />

      <Tabs<Tab>
        className="page-tabs"
        active={tab}
        onChange={setTab}
        tabs={[
          {
            key: 'settings',
            label: (
              <>
                Settings
                {admin && dirty && <span className="tab-dot" title="Unsaved changes" />}
              </>
            ),
            testId: 'tab-settings',
          },
          {
            key: 'placement',
            label: (
              <>
                Pins and fallback<span className="tab-count">{livePins}</span>
              </>
            ),
            testId: 'tab-placement',
          },
          {
            key: 'tests',
            label: (
              <>
                Content tests<span className="tab-count">{tests.data ? (testCounts.RUNNING ?? 0) : '…'}</span>
              </>
            ),
            testId: 'tab-tests',
          },
        ]}
      />

      {tab === 'settings' && (
        <>
          {!admin && (
            <p className="muted small read-only-note" data-testid="read-only-note">
              Only admins change surfaces. You can read every setting, and preview the feed.
            </p>
          )}
          {saveError && (!saveError.problems.length || unplaced.length > 0) && (
            <ErrorBanner error={saveError} unplaced={unplaced} onDismiss={() => setSaveError(null)} />
          )}
          <SurfaceSettings
            surface={surface}
            form={form}
            onChange={patch}
            errors={errors}
            readOnly={!admin}
            kinds={kinds}
            runningTests={tests.data?.filter((t) => t.status === 'RUNNING')}
          />
        </>
      )}

      {tab === 'placement' && (
        <div className="placement-stack">
          <PinsCard
            surface={surface}
            items={items}
            canEdit={admin}
            kindLabel={kindLabel}
            onItem={rememberItem}
            onChanged={async () => {
              try {
                adopt(await fetchSurface(surface.key), false);
              } catch (e) {
                toast.error(toApiError(e).message);
              }
            }}
          />
          <FallbackCard surface={surface} items={items} canEdit={admin} kindLabel={kindLabel} onItem={rememberItem} onSaved={(s) => adopt(s, false)} />
        </div>
      )}

      {tab === 'tests' && (
        <section className="card table-card" data-testid="surface-tests-card">
          <div className="table-toolbar">
            <div className="segmented" role="radiogroup" aria-label="Status">
              {(['all', ...CONTENT_TEST_STATUSES] as TestFilter[]).map((s) => (
                <label key={s} className={`segment ${testFilter === s ? 'is-active' : ''}`}>
                  <input type="radio" name="test-filter" checked={testFilter === s} onChange={() => setTestFilter(s)} data-testid={`test-filter-${s}`} />
                  {s === 'all' ? 'All' : testStatusText(s).label}
                  {tests.data && <span className="tab-count">{testCounts[s] ?? 0}</span>}
                </label>
              ))}
            </div>
            {tests.loading && tests.data && <Spinner size={14} />}
            <div className="filter-spacer" />
            <Link to={`/analytics/content-tests?surface=${encodeURIComponent(surface.key)}`} className="btn btn-ghost btn-sm" data-testid="tests-charts-link">
              <Icon name="chart" size={14} /> Charts
            </Link>
            <CsvButton
              rows={tests.data ? shownTests : undefined}
              columns={contentTestCsvColumns({ [surface.key]: surface.name })}
              name={['content-tests', surface.key, testFilter === 'all' ? null : testFilter]}
              testId="tests-csv"
            />
            <Button size="sm" variant="ghost" icon="refresh" onClick={() => void tests.reload()}>
              Refresh
            </Button>
          </div>
          {tests.error && (
            <div className="card-body">
              <ErrorBanner error={tests.error} onRetry={() => void tests.reload()} />
            </div>
          )}
          {(tests.loading || shownTests.length > 0) && <ContentTestsTable tests={tests.data ? shownTests : undefined} loading={tests.loading} />}
          {tests.data && shownTests.length === 0 && (
            <EmptyState
              icon="flask"
              title={tests.data.length === 0 ? 'No content tests yet' : `No ${testStatusText(testFilter).label.toLowerCase()} tests`}
              testId="tests-empty"
            >
              {tests.data.length === 0
                ? `Every item that launches onto "${surface.name}" after the surface was created gets a content test here: guaranteed impressions in exploration slots, then a decision.`
                : 'Try another status.'}
            </EmptyState>
          )}
          {tests.data && tests.data.length > 0 && <ContentTestsFootnote />}
        </section>
      )}
    </div>
  );
}
