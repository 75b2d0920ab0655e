import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { fetchContentKinds, searchItems, type ItemFilter } from '../../api/catalog';
import { toApiError, type ApiError } from '../../api/client';
import type { ContentKind, ItemSort, ItemState, ItemSummary, LocaleStatus } from '../../api/types';
import { canWrite, useCurrentUser } from '../../auth/AuthContext';
import { StateBadge } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { SkeletonRows, Spinner } from '../../components/Spinner';
import { Time } from '../../components/Time';
import { plural } from '../../lib/format';
import { keys, useApiQuery, useDocumentTitle } from '../../lib/hooks';
import { ContentFilters, SORT_LABELS, SortSelect, type ListFilters } from './ContentFilters';
import { LocaleChips } from './LocaleChips';

const PAGE_SIZE = 25;

function readFilters(p: URLSearchParams): ListFilters {
  const sort = p.get('sort') as ItemSort | null;
  const status = p.get('status') as LocaleStatus | null;
  return {
    q: p.get('q') ?? '',
    kind: p.get('kind') ?? '',
    state: p.get('state') ?? '',
    topic: p.get('topic') ?? '',
    locale: p.get('locale') ?? '',
    status: status && ['COMPLETE', 'INCOMPLETE', 'MISSING'].includes(status) ? status : '',
    sort: sort && sort in SORT_LABELS ? sort : 'UPDATED_DESC',
  };
}

function toApiFilter(f: ListFilters): ItemFilter {
  const out: ItemFilter = {};
  if (f.q.trim()) out.text = f.q.trim();
  if (f.kind) out.kinds = [f.kind];
  if (f.state) out.states = [f.state.toUpperCase() as ItemState];
  if (f.topic) out.topic = f.topic;
  if (f.locale) {
    out.locale = f.locale;
    out.localeStatus = f.status || 'COMPLETE';
  }
  return out;
}

interface ListState {
  items: ItemSummary[];
  total: number;
  endCursor: string | null;
  hasNext: boolean;
}

export function ContentListPage() {
  useDocumentTitle('Content');
  const user = useCurrentUser();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const kinds: ContentKind[] = useApiQuery(['content-kinds'], fetchContentKinds).data ?? [];
  const apiFilter = useMemo(() => toApiFilter(filters), [filters]);

  // Pages by cursor; a new filter or sort is a new key, and the request for the old one is aborted (its signal).
  const search = useInfiniteQuery({
    queryKey: [...keys.items, 'search', apiFilter, filters.sort],
    queryFn: ({ pageParam, signal }) => searchItems(apiFilter, filters.sort, PAGE_SIZE, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage ? last.pageInfo.endCursor : undefined),
    placeholderData: keepPreviousData,
  });
  const pages = search.data?.pages;
  const list: ListState | null = pages
    ? {
        items: pages.flatMap((p) => p.edges.map((e) => e.node)),
        total: pages[pages.length - 1].totalCount,
        endCursor: pages[pages.length - 1].pageInfo.endCursor,
        hasNext: search.hasNextPage,
      }
    : null;
  const loading = search.isFetching && !search.isFetchingNextPage;
  const loadingMore = search.isFetchingNextPage;
  const error: ApiError | null = search.error ? toApiError(search.error) : null;
  const loadFirst = () => search.refetch();
  const loadMore = () => void search.fetchNextPage();

  const update = (patch: Partial<ListFilters>) => {
    const next = { ...filters, ...patch };
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v && !(k === 'sort' && v === 'UPDATED_DESC')) p.set(k, v);
    setParams(p, { replace: true });
  };

  const kindLabel = (k: string) => kinds.find((x) => x.key === k)?.label ?? k;
  const filtered = Object.keys(apiFilter).length > 0;
  const writable = canWrite(user);

  return (
    <div className="page page-wide">
      <PageHeader
        title="Content"
        subtitle="Every item in the catalogue, in every locale."
        actions={
          writable && (
            <>
              <Link to="/import" className="btn btn-secondary">
                Import
              </Link>
              <Link to="/content/new" className="btn btn-primary" data-testid="new-item">
                New item
              </Link>
            </>
          )
        }
      />
      <ContentFilters filters={filters} kinds={kinds} onChange={update} />
      {error && <ErrorBanner error={error} onRetry={() => void loadFirst()} />}
      <div className="card table-card">
        <div className="table-toolbar">
          <span className="muted" data-testid="content-total">
            {list ? (
              <>
                {filtered ? 'Found ' : ''}
                <strong>{plural(list.total, 'item')}</strong>
                {list.items.length < list.total && ` · showing ${list.items.length}`}
              </>
            ) : (
              '\u00a0'
            )}
          </span>
          {loading && list && <Spinner size={14} />}
          <div className="filter-spacer" />
          <SortSelect value={filters.sort} onChange={(sort) => update({ sort })} />
        </div>
        <table className="table table-hover" data-testid="content-table">
          <thead>
            <tr>
              <th>Title</th>
              <th>Kind</th>
              <th>State</th>
              <th>Locales</th>
              <th className="num">Version</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody className={loading && list ? 'is-stale' : ''}>
            {!list && loading && <SkeletonRows cols={6} />}
            {list?.items.map((it) => (
              <tr
                key={it.id}
                className="row-link"
                data-testid="content-row"
                data-slug={it.slug}
                onClick={(e) => {
                  if (!(e.target as HTMLElement).closest('a')) navigate(`/content/${it.id}`);
                }}
              >
                <td className="title-cell">
                  <Link to={`/content/${it.id}`} className="row-title" data-testid="content-row-title">
                    {it.title}
                  </Link>
                  <code className="slug" title={it.slug}>
                    {it.slug}
                  </code>
                </td>
                <td className="nowrap">{kindLabel(it.kind)}</td>
                <td>
                  <StateBadge state={it.state} />
                </td>
                <td className="nowrap">
                  <LocaleChips locales={it.locales} complete={it.completeLocales} defaultLocale={it.defaultLocale} />
                </td>
                <td className="num">
                  <span title={it.liveVersion ? `v${it.liveVersion.number} is live` : 'Not live'}>v{it.latestVersionNumber}</span>
                  {it.liveVersion && <span className="muted small"> · live v{it.liveVersion.number}</span>}
                </td>
                <td className="nowrap">
                  <Time iso={it.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list &&
          list.items.length === 0 &&
          !loading &&
          (filtered ? (
            <EmptyState
              icon="search"
              title="No items match these filters"
              actions={<Button onClick={() => update({ q: '', kind: '', state: '', topic: '', locale: '', status: '' })}>Clear filters</Button>}
            >
              Try fewer words, or another kind, state or locale.
            </EmptyState>
          ) : (
            <EmptyState
              title="No content yet"
              actions={
                writable && (
                  <>
                    <Link to="/content/new" className="btn btn-primary">
                      Create an item
                    </Link>
                    <Link to="/import" className="btn btn-secondary">
                      Import a CSV
                    </Link>
                  </>
                )
              }
            >
              Items you create or import appear here, with their state and locales.
            </EmptyState>
          ))}
        {list?.hasNext && (
          <div className="table-footer">
            <Button onClick={loadMore} loading={loadingMore} data-testid="load-more">
              Load {Math.min(PAGE_SIZE, list.total - list.items.length)} more
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}
