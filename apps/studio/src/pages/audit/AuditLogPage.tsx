import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { fetchAuditLog, type AuditFilter } from '../../api/audit';
import { toApiError, type ApiError } from '../../api/client';
import type { AuditEntry } from '../../api/types';
import { isAdmin, useCurrentUser } from '../../auth/AuthContext';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { JsonView } from '../../components/JsonView';
import { PageHeader } from '../../components/PageHeader';
import { SkeletonRows, Spinner } from '../../components/Spinner';
import { Time } from '../../components/Time';
import { plural } from '../../lib/format';
import { useDebounced, useDocumentTitle } from '../../lib/hooks';
import { addDays, browserZone, formatInZone, parseDayKey, startOfDayInstant } from '../../lib/time';

const PAGE_SIZE = 50;

const ENTITY_TYPES = [
  { key: 'item', label: 'Items' },
  { key: 'release', label: 'Releases' },
  { key: 'surface', label: 'Surfaces' },
  { key: 'model_version', label: 'Model versions' },
  { key: 'ope_run', label: 'Offline evaluations' },
  { key: 'user', label: 'Accounts' },
  { key: 'api_key', label: 'API keys' },
  { key: 'webhook_endpoint', label: 'Webhook endpoints' },
  { key: 'webhook_delivery', label: 'Webhook deliveries' },
];

const ACTION_SUGGESTIONS = [
  'item.',
  'release.',
  'surface.',
  'content_test.',
  'model.',
  'ope.',
  'user.',
  'api_key.',
  'webhook.',
  'item.created',
  'item.submitted',
  'item.approved',
  'item.rejected',
  'item.published',
  'item.unpublished',
  'item.rolled_back',
  'release.created',
  'release.item_added',
  'release.scheduled',
  'release.rescheduled',
  'release.launched',
  'release.failed',
  'release.rolled_back',
  'release.cancelled',
  'content_test.started',
  'content_test.decided',
  'model.training_requested',
  'model.trained',
  'model.failed',
  'model.gate_passed',
  'model.gate_failed',
  'model.canary_started',
  'model.promoted',
  'model.rolled_back',
  'ope.requested',
];

interface Filters {
  entityType: string;
  entityId: string;
  actorId: string;
  actorLabel: string;
  action: string;
  from: string;
  to: string;
  q: string;
}

const KEYS: (keyof Filters)[] = ['entityType', 'entityId', 'actorId', 'actorLabel', 'action', 'from', 'to', 'q'];

function readFilters(p: URLSearchParams): Filters {
  return Object.fromEntries(KEYS.map((k) => [k, p.get(k) ?? ''])) as unknown as Filters;
}

function toApi(f: Filters, zone: string): AuditFilter {
  const out: AuditFilter = {};
  if (f.entityType) out.entityType = f.entityType;
  if (f.entityId) out.entityId = f.entityId;
  if (f.actorId) out.actorId = f.actorId;
  if (f.action.trim()) out.action = f.action.trim();
  const from = parseDayKey(f.from);
  const to = parseDayKey(f.to);
  if (from) out.from = startOfDayInstant(from, zone).toISOString();
  if (to) out.to = startOfDayInstant(addDays(to, 1), zone).toISOString();
  if (f.q.trim()) out.text = f.q.trim();
  return out;
}

function entityLink(e: AuditEntry, admin: boolean): string | null {
  if (e.entityType === 'item') return `/content/${e.entityId}`;
  if (e.entityType === 'release') return `/releases/${e.entityId}`;
  if (e.entityType === 'model_version') return '/analytics/models';
  if (e.entityType === 'ope_run') return `/analytics/evaluation?run=${e.entityId}`;
  if (admin && e.entityType === 'user') return '/admin/accounts';
  if (admin && e.entityType === 'api_key') return '/admin/api-keys';
  if (admin && (e.entityType === 'webhook_endpoint' || e.entityType === 'webhook_delivery')) return '/admin/webhooks';
  return null;
}

function actionTone(action: string): string {
  if (/(failed|rolled_back|revoked|deleted|rejected|cancelled|unpublished)$/.test(action)) return 'is-danger';
  if (/(launched|published|approved|gate_passed|promoted)$/.test(action)) return 'is-success';
  return '';
}

/** The append-only audit log: filters, each entry's before and after, cursor paging. */
export function AuditLogPage() {
  useDocumentTitle('Audit log');
  const user = useCurrentUser();
  const admin = isAdmin(user);
  const zone = browserZone();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const [text, setText] = useState(filters.q);
  const [action, setAction] = useState(filters.action);
  const debouncedText = useDebounced(text, 300);
  const debouncedAction = useDebounced(action, 400);
  const [open, setOpen] = useState<Set<string>>(new Set());

  const update = useCallback(
    (patch: Partial<Filters>) => {
      const next = { ...readFilters(params), ...patch };
      const p = new URLSearchParams();
      for (const k of KEYS) if (next[k]) p.set(k, next[k]);
      setParams(p, { replace: true });
    },
    [params, setParams],
  );

  // Only when the debounced text changes (not when the address changes under it, e.g. "Clear").
  useEffect(() => {
    if (debouncedText !== filters.q) update({ q: debouncedText });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedText]);
  useEffect(() => {
    if (debouncedAction !== filters.action) update({ action: debouncedAction });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debouncedAction]);
  useEffect(() => {
    setText(filters.q);
    setAction(filters.action);
  }, [filters.q, filters.action]);

  const apiFilter = useMemo(() => toApi(filters, zone), [filters, zone]);

  // Pages by cursor; a new filter is a new key, and the request for the old one is aborted (its signal).
  const log = useInfiniteQuery({
    queryKey: ['audit-log', apiFilter],
    queryFn: ({ pageParam, signal }) => fetchAuditLog(apiFilter, PAGE_SIZE, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage ? last.pageInfo.endCursor : undefined),
    placeholderData: keepPreviousData,
  });
  const rows: AuditEntry[] | null = log.data ? log.data.pages.flatMap((p) => p.edges.map((e) => e.node)) : null;
  const total = log.data?.pages[log.data.pages.length - 1].totalCount ?? 0;
  const hasNext = log.hasNextPage;
  const loading = log.isFetching && !log.isFetchingNextPage;
  const loadingMore = log.isFetchingNextPage;
  const error: ApiError | null = log.error ? toApiError(log.error) : null;
  const loadFirst = () => log.refetch();
  const loadMore = () => log.fetchNextPage();

  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const active = KEYS.some((k) => filters[k]);
  const clear = () => {
    setText('');
    setAction('');
    setParams(new URLSearchParams(), { replace: true });
  };

  return (
    <div className="page page-wide">
      <PageHeader title="Audit log" subtitle="Every change, append-only: who did what to which entity, with the state before and after. Newest first." />

      <div className="filter-bar audit-filters" data-testid="audit-filters">
        <div className="search-box">
          <Icon name="search" />
          <input
            className="input"
            type="search"
            placeholder="Words in the summary"
            aria-label="Search summaries"
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="audit-text"
          />
        </div>
        <select
          className="input select"
          aria-label="Entity type"
          value={filters.entityType}
          onChange={(e) => update({ entityType: e.target.value, entityId: '' })}
          data-testid="audit-entity-type"
        >
          <option value="">All entities</option>
          {ENTITY_TYPES.map((t) => (
            <option key={t.key} value={t.key}>
              {t.label}
            </option>
          ))}
        </select>
        <input
          className="input input-action mono"
          placeholder="Action, e.g. release."
          aria-label="Action or prefix"
          list="audit-actions"
          value={action}
          onChange={(e) => setAction(e.target.value)}
          data-testid="audit-action"
        />
        <datalist id="audit-actions">
          {ACTION_SUGGESTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <div className="date-range">
          <input
            type="date"
            className="input"
            aria-label="From date"
            value={filters.from}
            max={filters.to || undefined}
            onChange={(e) => update({ from: e.target.value })}
            data-testid="audit-from"
          />
          <span className="muted">to</span>
          <input
            type="date"
            className="input"
            aria-label="To date"
            value={filters.to}
            min={filters.from || undefined}
            onChange={(e) => update({ to: e.target.value })}
            data-testid="audit-to"
          />
        </div>
        {active && (
          <button type="button" className="link-btn clear-filters" onClick={clear} data-testid="audit-clear">
            Clear filters
          </button>
        )}
      </div>
      {(filters.actorId || filters.entityId) && (
        <div className="filter-chips">
          {filters.actorId && (
            <span className="tag" data-testid="audit-actor-chip">
              Actor: {filters.actorLabel || filters.actorId}
              <button type="button" aria-label="Remove actor filter" onClick={() => update({ actorId: '', actorLabel: '' })}>
                <Icon name="x" size={12} />
              </button>
            </span>
          )}
          {filters.entityId && (
            <span className="tag" data-testid="audit-entity-chip">
              {filters.entityType || 'Entity'}: <code className="chip-code">{filters.entityId.slice(0, 8)}…</code>
              <button type="button" aria-label="Remove entity filter" onClick={() => update({ entityId: '' })}>
                <Icon name="x" size={12} />
              </button>
            </span>
          )}
        </div>
      )}

      {error && <ErrorBanner error={error} onRetry={() => void loadFirst()} />}
      <div className="card table-card">
        <div className="table-toolbar">
          <span className="muted" data-testid="audit-total">
            {rows ? (
              <>
                <strong>{plural(total, 'entry', 'entries')}</strong>
                {rows.length < total && ` · showing ${rows.length}`}
              </>
            ) : (
              '\u00a0'
            )}
          </span>
          {loading && rows && <Spinner size={14} />}
          <div className="filter-spacer" />
          <span className="muted small">Times in your zone, {zone}. Click an actor to see only their changes.</span>
        </div>
        <table className="table audit-table" data-testid="audit-table">
          <thead>
            <tr>
              <th className="expand-col" />
              <th>Time</th>
              <th>Actor</th>
              <th className="action-col">Action and entity</th>
              <th>Summary</th>
            </tr>
          </thead>
          <tbody className={loading && rows ? 'is-stale' : ''}>
            {!rows && loading && <SkeletonRows cols={5} rows={8} />}
            {rows?.map((e) => {
              const isOpen = open.has(e.id);
              const link = entityLink(e, admin);
              return (
                <Fragment key={e.id}>
                  <tr className={`audit-row ${isOpen ? 'is-open' : ''}`} data-testid="audit-row" data-action={e.action}>
                    <td className="expand-col">
                      <button
                        type="button"
                        className="icon-btn"
                        aria-expanded={isOpen}
                        aria-label={isOpen ? 'Hide details' : 'Show before and after'}
                        onClick={() => toggle(e.id)}
                        data-testid="audit-expand"
                      >
                        <Icon name={isOpen ? 'down' : 'chevronRight'} size={14} />
                      </button>
                    </td>
                    <td className="nowrap">
                      <div>{formatInZone(e.at, zone, { weekday: false, seconds: true })}</div>
                      <div className="muted small">
                        <Time iso={e.at} />
                      </div>
                    </td>
                    <td className="actor-cell">
                      {e.actorId ? (
                        <button
                          type="button"
                          className="link-btn actor-link"
                          title="Only this actor's changes"
                          onClick={() => update({ actorId: e.actorId!, actorLabel: e.actorLabel })}
                        >
                          {e.actorLabel}
                        </button>
                      ) : (
                        <span>{e.actorLabel}</span>
                      )}
                    </td>
                    <td className="action-col">
                      <button
                        type="button"
                        className={`action-code ${actionTone(e.action)}`}
                        title="Only this action"
                        onClick={() => update({ action: e.action })}
                      >
                        {e.action}
                      </button>
                      <div className="entity-ref small">
                        <span className="muted">{e.entityType}</span>{' '}
                        {link ? (
                          <Link to={link} className="mono" title={e.entityId} data-testid="audit-entity-link">
                            {e.entityId.slice(0, 8)}
                          </Link>
                        ) : (
                          <code title={e.entityId}>{e.entityId.slice(0, 8)}</code>
                        )}
                      </div>
                    </td>
                    <td className="summary-cell">{e.summary ?? <span className="muted">—</span>}</td>
                  </tr>
                  {isOpen && (
                    <tr className="audit-detail" data-testid="audit-detail">
                      <td />
                      <td colSpan={4}>
                        <div className="audit-json">
                          <div>
                            <div className="field-label">Before</div>
                            <JsonView value={e.before} testId="audit-before" />
                          </div>
                          <div>
                            <div className="field-label">After</div>
                            <JsonView value={e.after} testId="audit-after" />
                          </div>
                        </div>
                        <dl className="audit-ids">
                          <div>
                            <dt>Entity</dt>
                            <dd>
                              <code>
                                {e.entityType} {e.entityId}
                              </code>{' '}
                              <button type="button" className="link-btn small" onClick={() => update({ entityType: e.entityType, entityId: e.entityId })}>
                                All changes to it
                              </button>
                            </dd>
                          </div>
                          <div>
                            <dt>Actor</dt>
                            <dd>
                              <code>{e.actorId ?? 'none'}</code>
                            </dd>
                          </div>
                          <div>
                            <dt>Request</dt>
                            <dd>
                              <code>{e.requestId ?? 'none (background job)'}</code>
                            </dd>
                          </div>
                        </dl>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
        {rows && rows.length === 0 && !loading && (
          <EmptyState
            icon="search"
            title={active ? 'No entries match these filters' : 'Nothing recorded yet'}
            actions={active ? <Button onClick={clear}>Clear filters</Button> : undefined}
          >
            {active
              ? 'Try a shorter action prefix, a wider date range, or fewer words.'
              : 'Changes to content, releases, accounts and webhooks are recorded here.'}
          </EmptyState>
        )}
        {hasNext && (
          <div className="table-footer">
            <Button onClick={() => void loadMore()} loading={loadingMore} data-testid="audit-load-more">
              Load {Math.min(PAGE_SIZE, total - (rows?.length ?? 0))} more
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}
