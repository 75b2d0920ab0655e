import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { fetchReviewActors } from '../../api/audit';
import { toApiError, type ApiError } from '../../api/client';
import { fetchContentKinds } from '../../api/catalog';
import { approveVersion, fetchReviewQueue, rejectVersion } from '../../api/launch';
import type { ContentKind, ReviewQueueEntry } from '../../api/types';
import { useCurrentUser } from '../../auth/AuthContext';
import { Badge, StateBadge } from '../../components/Badge';
import { Banner, ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { LoadingState } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { Time } from '../../components/Time';
import { formatDateTime, plural } from '../../lib/format';
import { keys, useApiQuery, useDocumentTitle, useInvalidate } from '../../lib/hooks';
import { DiffTable } from '../editor/DiffTable';

function canReview(role: string): boolean {
  return role === 'ADMIN' || role === 'REVIEWER';
}

function DecisionPanel({ entry, onDecided }: { entry: ReviewQueueEntry; onDecided(message: string): void }) {
  const user = useCurrentUser();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<'approve' | 'reject' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [needComment, setNeedComment] = useState(false);
  const own = entry.version.author?.id === user.id;

  useEffect(() => {
    setComment('');
    setError(null);
    setNeedComment(false);
  }, [entry.item.id, entry.version.number]);

  const decide = async (kind: 'approve' | 'reject') => {
    if (kind === 'reject' && !comment.trim()) {
      setNeedComment(true);
      document.getElementById('review-comment')?.focus();
      return;
    }
    setBusy(kind);
    setError(null);
    try {
      if (kind === 'approve') await approveVersion(entry.item.id, entry.version.number, comment.trim() || null);
      else await rejectVersion(entry.item.id, entry.version.number, comment.trim());
      onDecided(
        kind === 'approve'
          ? `Approved "${entry.item.title}" v${entry.version.number}. It can now go into a release.`
          : `Sent "${entry.item.title}" v${entry.version.number} back to draft.`,
      );
    } catch (e) {
      setError(toApiError(e));
      setBusy(null);
    }
  };

  return (
    <section className="card decision-card" data-testid="decision-panel" aria-label={`Your decision on v${entry.version.number}`}>
      {error &&
        (error.code === 'CONFLICT' ? (
          <Banner tone="warning" title="This version is outdated" testId="review-conflict">
            {error.message} Reload the queue to review the newer version.
          </Banner>
        ) : (
          <ErrorBanner error={error} onDismiss={() => setError(null)} />
        ))}
      <div className="decision-head">
        <h2>Your decision on v{entry.version.number}</h2>
        <span className="muted small">
          {own && !error
            ? `You wrote v${entry.version.number}: unless self-approval is enabled, someone else must approve it.`
            : 'Approves exactly this version, nothing newer.'}
        </span>
      </div>
      <div className="decision-row">
        <div className={`field decision-comment ${needComment && !comment.trim() ? 'has-error' : ''}`}>
          <label className="sr-only" htmlFor="review-comment">
            Comment
          </label>
          <textarea
            id="review-comment"
            className="input"
            rows={2}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            placeholder={
              needComment
                ? 'Say why you reject it, so the editor knows what to change (required)'
                : 'Comment: what you checked, or what to change (required to reject)'
            }
            aria-invalid={needComment && !comment.trim()}
            data-testid="review-comment"
          />
        </div>
        <div className="decision-buttons">
          <Button variant="danger" icon="x" loading={busy === 'reject'} disabled={!!busy} onClick={() => void decide('reject')} data-testid="reject-version">
            Reject
          </Button>
          <Button
            variant="primary"
            icon="check"
            loading={busy === 'approve'}
            disabled={!!busy}
            onClick={() => void decide('approve')}
            data-testid="approve-version"
          >
            Approve v{entry.version.number}
          </Button>
        </div>
      </div>
    </section>
  );
}

/** Versions waiting for review, oldest first, each with its diff against the live version. */
export function ReviewQueuePage() {
  useDocumentTitle('Review');
  const user = useCurrentUser();
  const reviewer = canReview(user.role);
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const invalidate = useInvalidate();
  const queue = useApiQuery(keys.reviewQueue, fetchReviewQueue, { refetchInterval: 30_000 });
  const actors = useApiQuery([...keys.reviewQueue, 'actors', queue.data?.length], () =>
    fetchReviewActors({ action: 'item.submitted' }).catch(() => ({}) as Record<string, string>),
  );
  const kinds: ContentKind[] = useApiQuery(['content-kinds'], fetchContentKinds).data ?? [];

  const entries = useMemo(() => queue.data ?? [], [queue.data]);
  const selectedId = params.get('item');
  const selected = useMemo(() => entries.find((e) => e.item.id === selectedId) ?? entries[0], [entries, selectedId]);
  const select = (id: string) => setParams({ item: id }, { replace: true });
  const submitter = (e: ReviewQueueEntry) => actors.data?.[`${e.item.id}:submitted:${e.version.number}`] ?? e.version.author?.displayName ?? 'Unknown';
  const kindLabel = (k: string) => kinds.find((x) => x.key === k)?.label ?? k;

  const decided = (message: string) => {
    toast.success(message);
    const i = entries.findIndex((e) => e === selected);
    const next = entries[i + 1] ?? entries[i - 1];
    queue.setData(entries.filter((e) => e !== selected));
    if (next) select(next.item.id);
    // The decision changed the item too: its editor and the content list refetch.
    void invalidate(keys.reviewQueue, keys.items);
  };

  return (
    <div className="page page-wide">
      <PageHeader
        title="Review"
        subtitle="Versions waiting for approval, oldest first. A reviewer approves one exact version, and only approved versions can launch."
        meta={
          queue.data && (
            <Badge tone={entries.length ? 'warning' : 'neutral'} testId="queue-count">
              {plural(entries.length, 'waiting', 'waiting')}
            </Badge>
          )
        }
      />
      {!reviewer && (
        <Banner tone="info" testId="review-readonly">
          You can follow the queue here. Reviewers and admins approve or reject versions.
        </Banner>
      )}
      {queue.error && <ErrorBanner error={queue.error} onRetry={() => void queue.reload()} />}
      {!queue.data && queue.loading && <LoadingState label="Loading the queue…" />}
      {queue.data && entries.length === 0 && (
        <div className="card">
          <EmptyState icon="check" title="Nothing to review" testId="review-empty">
            When an editor submits a version for review, it shows up here with its changes against the live version.
          </EmptyState>
        </div>
      )}
      {selected && (
        <div className="review-layout">
          <nav className="card review-list" aria-label="Waiting for review" data-testid="review-list">
            {entries.map((e) => (
              <button
                key={e.item.id}
                type="button"
                className={`review-entry ${e === selected ? 'is-active' : ''}`}
                onClick={() => select(e.item.id)}
                data-testid="review-entry"
                data-item-id={e.item.id}
                aria-current={e === selected ? 'true' : undefined}
              >
                <span className="review-entry-title">{e.item.title}</span>
                <span className="review-entry-meta">
                  <strong>v{e.version.number}</strong> · {kindLabel(e.item.kind)} · {e.item.liveVersion ? `live v${e.item.liveVersion.number}` : 'new'}
                </span>
                <span className="review-entry-meta">
                  {submitter(e)} · <Time iso={e.submittedAt} />
                </span>
              </button>
            ))}
          </nav>
          <div className="review-detail" data-testid="review-detail" data-item-id={selected.item.id}>
            <section className="card">
              <div className="card-body review-head">
                <div className="review-head-main">
                  <div className="page-title-row">
                    <h2 className="review-title">
                      <Link to={`/content/${selected.item.id}`} data-testid="review-item-link">
                        {selected.item.title}
                      </Link>
                    </h2>
                    <StateBadge state={selected.item.state} />
                    <Badge tone="accent">v{selected.version.number}</Badge>
                  </div>
                  <dl className="review-facts">
                    <div>
                      <dt>Submitted</dt>
                      <dd>
                        {formatDateTime(selected.submittedAt)} by <strong data-testid="review-submitter">{submitter(selected)}</strong>
                      </dd>
                    </div>
                    <div>
                      <dt>Version</dt>
                      <dd>
                        v{selected.version.number} saved <Time iso={selected.version.createdAt} />
                        {selected.version.author ? ` by ${selected.version.author.displayName}` : ''}
                        {selected.version.note ? ` · “${selected.version.note}”` : ''}
                      </dd>
                    </div>
                    <div>
                      <dt>Live now</dt>
                      <dd>{selected.item.liveVersion ? `v${selected.item.liveVersion.number}` : 'Nothing: this would be its first launch'}</dd>
                    </div>
                  </dl>
                </div>
                <Link to={`/content/${selected.item.id}`} className="btn btn-secondary btn-sm">
                  Open item
                </Link>
              </div>
            </section>
            <section className="card" data-testid="review-diff">
              <div className="card-header">
                <h2>
                  {selected.item.liveVersion
                    ? `Changes from live v${selected.item.liveVersion.number} to v${selected.version.number}`
                    : `Everything in v${selected.version.number} (nothing is live yet)`}
                </h2>
                <span className="muted small">{plural(selected.changesFromLive.length, 'field')}</span>
              </div>
              {selected.changesFromLive.length ? (
                <DiffTable changes={selected.changesFromLive} />
              ) : (
                <EmptyState icon="check" title="Same as the live version">
                  v{selected.version.number} has the same content as what is live.
                </EmptyState>
              )}
            </section>
            {reviewer && <DecisionPanel entry={selected} onDecided={decided} />}
          </div>
        </div>
      )}
    </div>
  );
}
