import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { toApiError, type ApiError } from '../../api/client';
import {
  cancelRelease,
  fetchRelease,
  fetchReleaseValidation,
  fetchVersionNumbers,
  launchReleaseNow,
  removeFromRelease,
  unscheduleRelease,
} from '../../api/launch';
import type { ReleaseAction, ReleaseDetail } from '../../api/types';
import { canWrite, useCurrentUser } from '../../auth/AuthContext';
import { Badge, ReleaseStatusBadge, StateBadge } from '../../components/Badge';
import { Banner, ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { LoadingState, Spinner } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { Time } from '../../components/Time';
import { ZonedTimes } from '../../components/ZonedTimes';
import { keys, useApiQuery, useDocumentTitle, useInvalidate, useNow } from '../../lib/hooks';
import { browserZone, formatCountdown, formatInZone, formatMs } from '../../lib/time';
import { AddItemPicker } from './AddItemPicker';
import { EventLog } from './EventLog';
import { describeRollout, isEditable } from './releaseText';
import { ReleaseFormDialog } from './ReleaseFormDialog';
import { RollbackDialog } from './RollbackDialog';
import { RolloutCard } from './RolloutCard';
import { ScheduleDialog } from './ScheduleDialog';
import { ValidationPanel } from './ValidationPanel';

type Pending = 'schedule' | 'launch' | 'unschedule' | 'cancel' | 'rollback' | 'details' | null;

const VALIDATE_EVERY_MS = 5000;

/** What one action changes: "not live → v2", "v1 → v2", "v3 → not live". */
function changeText(a: ReleaseAction, versionNumbers: Record<string, number>, launched: boolean): string {
  const before = launched
    ? a.priorLiveVersionId
      ? `v${versionNumbers[a.priorLiveVersionId] ?? '?'}`
      : 'not live'
    : a.item.liveVersion
      ? `v${a.item.liveVersion.number}`
      : 'not live';
  const after = a.kind === 'PUBLISH' ? `v${a.versionNumber}` : 'not live';
  return `${before} → ${after}`;
}

/** The release composer and detail page: items, live validation, rollout, schedule, execution log, rollback. */
export function ReleasePage() {
  const { id } = useParams();
  const user = useCurrentUser();
  const writable = canWrite(user);
  const toast = useToast();
  const invalidate = useInvalidate();
  const [pending, setPending] = useState<Pending>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const statusRef = useRef<string | null>(null);

  // A scheduled release is watched closely as its moment nears, so the launch shows within a second or so.
  const releaseQuery = useApiQuery([...keys.release, id], () => fetchRelease(id!), {
    enabled: !!id,
    refetchInterval: (r) => (r?.state !== 'SCHEDULED' ? false : r.scheduledAt && new Date(r.scheduledAt).getTime() - Date.now() < 90_000 ? 1000 : 15_000),
  });
  const release = releaseQuery.data ?? null;
  const loadError = releaseQuery.error;
  const status = release?.state;
  const editable = !!release && isEditable(release.state);
  // Validation is never cached: recheck while the release can still change.
  const validationQuery = useApiQuery([...keys.release, id, 'validation'], () => fetchReleaseValidation(id!), {
    enabled: !!id,
    refetchInterval: editable ? VALIDATE_EVERY_MS : false,
  });
  const validation = validationQuery.data ?? null;
  const validatedAt = validationQuery.updatedAt ? new Date(validationQuery.updatedAt).toISOString() : null;
  const now = useNow(1000, status === 'SCHEDULED' || status === 'DRAFT');

  useDocumentTitle(release?.name ?? 'Release');

  /** After any change: the new release on this page, a fresh validation, and every list of releases refetched. */
  const { setData: setRelease } = releaseQuery;
  const adopt = useCallback(
    (r: ReleaseDetail) => {
      setRelease(r);
      void invalidate([...keys.release, r.id, 'validation'], keys.releases);
    },
    [setRelease, invalidate],
  );

  const composable = writable && editable;
  const scheduledMs = release?.scheduledAt ? new Date(release.scheduledAt).getTime() : null;

  useEffect(() => {
    const prev = statusRef.current;
    statusRef.current = status ?? null;
    if (prev === 'SCHEDULED' && status === 'LAUNCHED') toast.success(`"${release?.name}" is live.`);
    if (prev === 'SCHEDULED' && status === 'FAILED') toast.error(`"${release?.name}" failed at launch. Nothing was published.`);
  }, [status, release?.name, toast]);

  const shownVersions = release && ['LAUNCHED', 'ROLLED_BACK'].includes(release.state) ? release.actions.map((a) => a.itemId) : null;
  const versionNumbers =
    useApiQuery([...keys.release, id, 'version-numbers', release?.state, shownVersions], () => fetchVersionNumbers(shownVersions!), {
      enabled: !!shownVersions,
    }).data ?? {};

  const titles = useMemo(() => Object.fromEntries((release?.actions ?? []).map((a) => [a.itemId, a.item.title])), [release?.actions]);
  const issuesByItem = useMemo(() => {
    const out: Record<string, { blocking: number; warnings: number }> = {};
    for (const b of validation?.blocking ?? []) if (b.itemId) (out[b.itemId] ??= { blocking: 0, warnings: 0 }).blocking++;
    for (const w of validation?.warnings ?? []) if (w.itemId) (out[w.itemId] ??= { blocking: 0, warnings: 0 }).warnings++;
    return out;
  }, [validation]);

  if (loadError && !release) {
    return (
      <div className="page">
        <PageHeader title="Release" back={{ to: '/releases', label: 'Releases' }} />
        {loadError.code === 'NOT_FOUND' || loadError.code === 'BAD_USER_INPUT' ? (
          <EmptyState icon="search" title="This release does not exist" testId="release-not-found">
            It may have been removed, or the link is wrong.
          </EmptyState>
        ) : (
          <ErrorBanner error={loadError} onRetry={() => void releaseQuery.reload()} />
        )}
      </div>
    );
  }
  if (!release) {
    return (
      <div className="page">
        <LoadingState label="Loading the release…" />
      </div>
    );
  }

  const launchedish = release.state === 'LAUNCHED' || release.state === 'ROLLED_BACK';
  const canLaunch = composable && release.actions.length > 0 && validation?.ok === true;
  const blockedReason = !release.actions.length
    ? 'Add at least one item first.'
    : validation && !validation.ok
      ? 'Fix the blocking problems first.'
      : undefined;
  const zone = browserZone();
  // The last scheduling step decides how the moment reads: a schedule, or "launch now".
  const launchedNow =
    [...release.events].reverse().find((e) => ['scheduled', 'rescheduled', 'launch_requested', 'unscheduled'].includes(e.kind))?.kind === 'launch_requested';
  const actions = launchedish ? [...release.actions].sort((a, b) => (a.appliedOrder ?? 0) - (b.appliedOrder ?? 0)) : release.actions;

  const remove = async (a: ReleaseAction) => {
    setRemoving(a.itemId);
    setActionError(null);
    try {
      adopt(await removeFromRelease(release.id, a.itemId));
      toast.success(`Removed "${a.item.title}".`);
    } catch (e) {
      setActionError(toApiError(e));
    } finally {
      setRemoving(null);
    }
  };

  return (
    <div className="page page-release" data-testid="release-page" data-status={release.state}>
      <PageHeader
        back={{ to: '/releases', label: 'Releases' }}
        title={release.name}
        meta={
          <div className="title-meta">
            <ReleaseStatusBadge status={release.state} />
            {!writable && <Badge tone="neutral">Read only</Badge>}
            <span className="muted small">
              {release.actions.length} {release.actions.length === 1 ? 'item' : 'items'} · {describeRollout(release.rolloutPercent, release.audience)}
            </span>
          </div>
        }
        subtitle={release.description ?? undefined}
        actions={
          writable && (
            <>
              {release.state === 'SCHEDULED' && (
                <Button variant="ghost" onClick={() => setPending('unschedule')} data-testid="unschedule-release">
                  Unschedule
                </Button>
              )}
              {editable && (
                <>
                  <Button icon="rocket" onClick={() => setPending('launch')} disabled={!canLaunch} title={blockedReason} data-testid="launch-now">
                    Launch now
                  </Button>
                  <Button
                    variant="primary"
                    icon="calendar"
                    onClick={() => setPending('schedule')}
                    disabled={!canLaunch}
                    title={blockedReason}
                    data-testid="schedule-release"
                  >
                    {release.state === 'SCHEDULED' ? 'Reschedule…' : 'Schedule…'}
                  </Button>
                </>
              )}
              {release.state === 'LAUNCHED' && (
                <Button variant="danger" icon="undo" onClick={() => setPending('rollback')} data-testid="rollback-release">
                  Roll back…
                </Button>
              )}
            </>
          )
        }
      />

      {release.state === 'FAILED' && (
        <Banner
          tone="error"
          title={`Failed at launch${release.failedAt ? ` on ${formatInZone(release.failedAt, zone, { seconds: true })}` : ''}: nothing was published`}
          testId="release-failed"
        >
          <ul className="problem-list" data-testid="failure-reasons">
            {(release.failureReasons ?? []).map((f, i) => (
              <li key={i}>
                {f.message} <code>{f.code}</code>
              </li>
            ))}
          </ul>
          {writable && <p className="small">Fix these (the validation panel shows what still blocks), then reschedule or launch now.</p>}
        </Banner>
      )}
      {release.state === 'LAUNCHED' && release.launchedAt && (
        <Banner tone="success" title={`Live since ${formatInZone(release.launchedAt, zone, { seconds: true })}`} testId="release-launched">
          Launched {formatMs(release.latenessMs)} after its scheduled instant, to {describeRollout(release.rolloutPercent, release.audience).toLowerCase()}.
          {release.rollbackBlockers.length > 0 && (
            <span data-testid="rollback-superseded">
              {' '}
              A later release has since changed{' '}
              {release.rollbackBlockers.length === 1
                ? `"${titles[release.rollbackBlockers[0]] ?? 'one item'}"`
                : `${release.rollbackBlockers.length} of its items`}
              , so it can no longer be rolled back.
            </span>
          )}
        </Banner>
      )}
      {release.state === 'ROLLED_BACK' && (
        <Banner
          tone="info"
          title={`Rolled back ${release.rolledBackAt ? formatInZone(release.rolledBackAt, zone, { seconds: true }) : ''}`}
          testId="release-rolled-back"
        >
          Every item returned to its state before the launch. To launch these items again, create a new release.
        </Banner>
      )}
      {release.state === 'CANCELLED' && (
        <Banner tone="info" title="Cancelled" testId="release-cancelled">
          Nothing from this release will launch. Its history stays here.
        </Banner>
      )}
      {actionError && <ErrorBanner error={actionError} onDismiss={() => setActionError(null)} />}

      <div className="release-grid">
        <div className="release-main">
          <section className="card" data-testid="release-items">
            <div className="card-header">
              <h2>Items</h2>
              <span className="muted small">
                {launchedish
                  ? 'In the order they were applied: sessions before their course.'
                  : 'Launched together, all or nothing, sessions before their course.'}
              </span>
            </div>
            {composable && (
              <div className="card-body release-add">
                <AddItemPicker
                  release={release}
                  onAdded={(r, message) => {
                    adopt(r);
                    toast.success(message);
                  }}
                />
              </div>
            )}
            {release.actions.length === 0 ? (
              <EmptyState icon="package" title="No items yet" testId="release-empty">
                {composable ? 'Search above to add approved items to publish, or live items to unpublish.' : 'This release has no items.'}
              </EmptyState>
            ) : (
              <table className="table release-actions" data-testid="release-actions">
                <thead>
                  <tr>
                    <th className="num">#</th>
                    <th>Item</th>
                    <th>Action</th>
                    <th>Now</th>
                    {!launchedish && <th>Checks</th>}
                    {composable && <th className="actions-col" />}
                  </tr>
                </thead>
                <tbody>
                  {actions.map((a, i) => {
                    const issues = issuesByItem[a.itemId];
                    return (
                      <tr
                        key={a.id}
                        data-testid="action-row"
                        data-item-id={a.itemId}
                        data-slug={a.item.slug}
                        data-live={a.item.liveVersion?.number ?? ''}
                        data-state={a.item.state}
                      >
                        <td className="num muted">{launchedish && a.appliedOrder !== null ? a.appliedOrder + 1 : i + 1}</td>
                        <td className="title-cell">
                          <Link to={`/content/${a.itemId}`} className="row-title" data-testid="action-item-link">
                            {a.item.title}
                          </Link>
                          <code className="slug">{a.item.slug}</code>
                        </td>
                        <td className="nowrap">
                          {a.kind === 'PUBLISH' ? <Badge tone="success">Publish v{a.versionNumber}</Badge> : <Badge tone="warning">Unpublish</Badge>}
                          <div className="change-text" data-testid="action-change">
                            {changeText(a, versionNumbers, launchedish && a.appliedOrder !== null)}
                          </div>
                        </td>
                        <td className="nowrap">
                          <StateBadge state={a.item.state} />{' '}
                          <span className="muted small" data-testid="action-live">
                            {a.item.liveVersion ? `live v${a.item.liveVersion.number}` : 'not live'}
                          </span>
                        </td>
                        {!launchedish && (
                          <td className="nowrap">
                            {!validation ? (
                              <span className="muted">—</span>
                            ) : issues?.blocking ? (
                              <Badge tone="danger">{issues.blocking} blocking</Badge>
                            ) : issues?.warnings ? (
                              <Badge tone="warning">
                                {issues.warnings} {issues.warnings === 1 ? 'warning' : 'warnings'}
                              </Badge>
                            ) : (
                              <span className="check-ok">
                                <Icon name="check" size={14} /> OK
                              </span>
                            )}
                          </td>
                        )}
                        {composable && (
                          <td className="actions-col">
                            <button
                              type="button"
                              className="icon-btn icon-btn-danger"
                              aria-label={`Remove ${a.item.title}`}
                              title="Remove from release"
                              disabled={removing === a.itemId}
                              onClick={() => void remove(a)}
                              data-testid="remove-action"
                            >
                              {removing === a.itemId ? <Spinner size={14} /> : <Icon name="trash" size={15} />}
                            </button>
                          </td>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </section>

          <RolloutCard release={release} canEdit={writable && (editable || release.state === 'LAUNCHED')} onSaved={adopt} />
          <EventLog events={release.events} />
        </div>

        <aside className="release-side">
          {(editable || !validation?.ok) && release.state !== 'CANCELLED' && !launchedish && (
            <ValidationPanel
              validation={validation}
              checkedAt={validatedAt}
              checking={validationQuery.loading}
              error={validationQuery.error}
              live={editable}
              titles={titles}
              onRefresh={() => void validationQuery.reload()}
            />
          )}
          <section className="card side-card" data-testid="release-when">
            <div className="card-header">
              <h2>When</h2>
              {release.timeZone && <span className="muted small">{release.timeZone}</span>}
            </div>
            <div className="card-body when-body">
              {release.state === 'SCHEDULED' && scheduledMs !== null && (
                <div className="when-countdown" data-testid="release-countdown">
                  {scheduledMs > now ? (
                    <>
                      Launches <strong>{formatCountdown(scheduledMs, now)}</strong>
                    </>
                  ) : (
                    <>
                      <Spinner size={14} /> Launching…
                    </>
                  )}
                </div>
              )}
              {release.scheduledAt && release.timeZone ? (
                <>
                  <div className="when-label">
                    {launchedNow ? '“Launch now” requested at' : release.state === 'SCHEDULED' ? 'Scheduled for' : 'Was scheduled for'}
                  </div>
                  <ZonedTimes instant={release.scheduledAt} releaseZone={release.timeZone} compact testId="release-times" />
                </>
              ) : (
                <p className="muted small" data-testid="not-scheduled">
                  {release.state === 'CANCELLED'
                    ? 'Cancelled before launch.'
                    : 'Not scheduled yet. Schedule it at a wall-clock time in any zone, or launch it now.'}
                </p>
              )}
              {release.launchedAt && (
                <dl className="when-facts">
                  <div>
                    <dt>Launched</dt>
                    <dd data-testid="launched-at">{formatInZone(release.launchedAt, zone, { seconds: true })}</dd>
                  </div>
                  <div>
                    <dt>Lateness</dt>
                    <dd data-testid="lateness">
                      {formatMs(release.latenessMs)} <span className="muted small">after the instant</span>
                    </dd>
                  </div>
                  {release.rolledBackAt && (
                    <div>
                      <dt>Rolled back</dt>
                      <dd>{formatInZone(release.rolledBackAt, zone, { seconds: true })}</dd>
                    </div>
                  )}
                </dl>
              )}
            </div>
          </section>
          <section className="card side-card" data-testid="release-details">
            <div className="card-header">
              <h2>Details</h2>
              {composable && (
                <Button size="sm" variant="ghost" icon="edit" onClick={() => setPending('details')} data-testid="edit-release">
                  Edit
                </Button>
              )}
            </div>
            <div className="card-body">
              <p className={release.description ? 'release-description' : 'muted small'}>{release.description ?? 'No description.'}</p>
              <dl className="when-facts">
                <div>
                  <dt>Created</dt>
                  <dd>
                    <Time iso={release.createdAt} />
                  </dd>
                </div>
                <div>
                  <dt>Updated</dt>
                  <dd>
                    <Time iso={release.updatedAt} />
                  </dd>
                </div>
                <div>
                  <dt>History</dt>
                  <dd>
                    <Link to={`/audit-log?entityType=release&entityId=${release.id}`}>Audit log</Link>
                  </dd>
                </div>
              </dl>
              {composable && (
                <button type="button" className="link-btn link-danger small cancel-release" onClick={() => setPending('cancel')} data-testid="cancel-release">
                  Cancel this release
                </button>
              )}
            </div>
          </section>
        </aside>
      </div>

      {pending === 'schedule' && (
        <ScheduleDialog
          release={release}
          onClose={() => setPending(null)}
          onScheduled={(r) => {
            adopt(r);
            toast.success(`Scheduled for ${formatInZone(r.scheduledAt!, r.timeZone!, { seconds: true })} ${r.timeZone}.`);
          }}
        />
      )}
      {pending === 'launch' && (
        <ConfirmDialog
          title={`Launch "${release.name}" now?`}
          confirmLabel="Launch now"
          testId="launch-dialog"
          onClose={() => setPending(null)}
          onConfirm={async () => {
            adopt(await launchReleaseNow(release.id));
            toast.show('Launching…');
          }}
        >
          <p>
            {release.actions.length} {release.actions.length === 1 ? 'change goes' : 'changes go'} live within seconds, all or nothing, to{' '}
            {describeRollout(release.rolloutPercent, release.audience).toLowerCase()}.
            {release.state === 'SCHEDULED' ? ' This replaces the scheduled time.' : ''}
          </p>
          <p>The release is validated once more right before it applies. You can roll it back afterwards.</p>
        </ConfirmDialog>
      )}
      {pending === 'unschedule' && (
        <ConfirmDialog
          title={`Unschedule "${release.name}"?`}
          confirmLabel="Unschedule"
          onClose={() => setPending(null)}
          onConfirm={async () => {
            adopt(await unscheduleRelease(release.id));
            toast.success('Unscheduled. It is a draft again.');
          }}
        >
          <p>
            It will not launch{release.scheduledAt ? ` on ${formatInZone(release.scheduledAt, zone)}` : ''}. It becomes a draft again, with its items and
            rollout kept, so you can schedule it for another time.
          </p>
        </ConfirmDialog>
      )}
      {pending === 'cancel' && (
        <ConfirmDialog
          title={`Cancel "${release.name}"?`}
          confirmLabel="Cancel release"
          danger
          onClose={() => setPending(null)}
          onConfirm={async () => {
            adopt(await cancelRelease(release.id));
            toast.success('Release cancelled.');
          }}
        >
          <p>Nothing from it will launch, and it cannot be scheduled again. Its items keep their approvals, so you can add them to another release.</p>
        </ConfirmDialog>
      )}
      {pending === 'rollback' && (
        <RollbackDialog
          release={release}
          versionNumbers={versionNumbers}
          onClose={() => setPending(null)}
          onRolledBack={(r) => {
            adopt(r);
            toast.success(`Rolled back "${r.name}".`);
          }}
        />
      )}
      {pending === 'details' && <ReleaseFormDialog release={release} onClose={() => setPending(null)} onSaved={adopt} />}
    </div>
  );
}
