import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { fetchSchedulerHealth } from '../../api/launch';
import type { ReleaseSummary } from '../../api/types';
import { Badge, ReleaseStatusBadge } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { LoadingState, Spinner } from '../../components/Spinner';
import { Time } from '../../components/Time';
import { keys, useApiQuery, useDocumentTitle, useNow } from '../../lib/hooks';
import { browserZone, formatCountdown, formatInZone, formatMs, zoneCity } from '../../lib/time';

const REFRESH_MS = 5000;
/** A healthy scheduler launches within ~2 s; more than that is worth a look. */
const SLOW_MS = 2000;

function Stat({
  label,
  value,
  tone,
  hint,
  testId,
}: {
  label: string;
  value: ReactNode;
  tone?: 'danger' | 'warning' | 'success';
  hint?: ReactNode;
  testId?: string;
}) {
  return (
    <div className={`stat ${tone ? `stat-${tone}` : ''}`} data-testid={testId}>
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}

function ReleaseLink({ r }: { r: ReleaseSummary }) {
  return (
    <>
      <Link to={`/releases/${r.id}`} className="row-title">
        {r.name}
      </Link>
      <span className="row-sub">
        {r.actions.length} {r.actions.length === 1 ? 'item' : 'items'}
      </span>
    </>
  );
}

/** Zone-aware "when": the editor's zone, with the release's own zone under it when they differ. */
function When({ iso, releaseZone }: { iso: string | null; releaseZone: string | null }) {
  const zone = browserZone();
  if (!iso) return <span className="muted">—</span>;
  return (
    <>
      <div className="nowrap">{formatInZone(iso, zone, { weekday: false })}</div>
      {releaseZone && releaseZone !== zone && (
        <div className="muted small nowrap">
          {formatInZone(iso, releaseZone, { weekday: false })} in {zoneCity(releaseZone)}
        </div>
      )}
    </>
  );
}

/** Upcoming, late and failed launches, how late recent launches were, and the reconciler's heartbeat. */
/** Releases with their instant and how far it is from now (late by, or launches in). */
function ScheduledTable({
  releases,
  whenLabel,
  distanceLabel,
  numeric,
  danger,
  distance,
  rowTestId,
}: {
  releases: ReleaseSummary[];
  whenLabel: string;
  distanceLabel: string;
  /** Right-align the distance (a number-like column). */
  numeric?: boolean;
  danger?: boolean;
  distance(scheduledAt: string): string;
  rowTestId: string;
}) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Release</th>
          <th>{whenLabel}</th>
          <th className={numeric ? 'num' : undefined}>{distanceLabel}</th>
        </tr>
      </thead>
      <tbody>
        {releases.map((r) => (
          <tr key={r.id} data-testid={rowTestId}>
            <td className="title-cell">
              <ReleaseLink r={r} />
            </td>
            <td>
              <When iso={r.scheduledAt} releaseZone={r.timeZone} />
            </td>
            <td className={`${numeric ? 'num ' : ''}${danger ? 'text-danger ' : ''}nowrap`}>{r.scheduledAt ? distance(r.scheduledAt) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SchedulerHealthPage() {
  useDocumentTitle('Scheduler health');
  const health = useApiQuery(keys.scheduler, fetchSchedulerHealth, { refetchInterval: REFRESH_MS });
  const now = useNow(REFRESH_MS);
  const h = health.data;

  return (
    <div className="page page-wide">
      <PageHeader
        title="Scheduler health"
        subtitle={
          <>
            Launches coming up, late or failed, and how close to their instant recent ones fired. Refreshes every 5 s
            {health.loading && h ? <Spinner size={12} /> : null}
          </>
        }
      />
      {health.error && <ErrorBanner error={health.error} onRetry={() => void health.reload()} />}
      {!h && health.loading && <LoadingState label="Checking the scheduler…" />}
      {h && (
        <>
          <div className="health-stats" data-testid="health-stats">
            <Stat
              label="Upcoming"
              value={h.upcoming.length}
              testId="stat-upcoming"
              hint={h.upcoming[0]?.scheduledAt ? `next ${formatCountdown(h.upcoming[0].scheduledAt, now)}` : 'nothing scheduled'}
            />
            <Stat label="Late" value={h.late.length} tone={h.late.length ? 'danger' : undefined} testId="stat-late" hint="over 5 s past due" />
            <Stat label="Failed" value={h.failed.length} tone={h.failed.length ? 'danger' : undefined} testId="stat-failed" hint="nothing published" />
            <LatenessStat label="Lateness p50" ms={h.latenessP50Ms} testId="stat-p50" />
            <LatenessStat label="p95" ms={h.latenessP95Ms} testId="stat-p95" />
            <LatenessStat label="Max" ms={h.latenessMaxMs} testId="stat-max" />
            <div className={`stat heartbeat ${h.reconcilerHealthy ? 'is-ok' : 'is-bad'}`} data-testid="reconciler" data-healthy={String(h.reconcilerHealthy)}>
              <div className="stat-value">
                <span className={`pulse ${h.reconcilerHealthy ? 'is-ok' : 'is-bad'}`} aria-hidden="true" />
                {h.reconcilerHealthy ? 'Healthy' : 'Not running'}
              </div>
              <div className="stat-label">Reconciler</div>
              <div className="stat-hint" title={h.lastReconcileAt ?? undefined}>
                {h.lastReconcileAt ? `last ran ${formatCountdown(h.lastReconcileAt, now)}` : 'never ran: is a worker up?'}
                {!h.reconcilerHealthy && h.lastReconcileAt ? ' · is a worker up?' : ''}
              </div>
            </div>
          </div>

          {h.learning && (
            <section className="card table-card" data-testid="learning-lag" data-healthy={String(h.learning.healthy)}>
              <div className="card-header">
                <h2>Learning loop {h.learning.healthy ? '' : <span className="text-danger small">behind: is a worker up?</span>}</h2>
                <span className="muted small">
                  Events waiting for the learner, when each pass last folded, and each surface model&apos;s age. It runs every{' '}
                  {formatMs(h.learning.learnIntervalMs)}; the model pass waits {h.learning.labelWindowSeconds} s for a success after each impression.
                </span>
              </div>
              <table className="table">
                <thead>
                  <tr>
                    <th>Pass</th>
                    <th className="num">Events waiting</th>
                    <th>Oldest waiting</th>
                    <th>Last fold</th>
                  </tr>
                </thead>
                <tbody>
                  {h.learning.passes.map((p) => (
                    <tr key={p.pass} data-testid="learning-pass" data-pass={p.pass}>
                      <td>{p.pass === 'PROFILES' ? 'Profiles (each person)' : 'Model (after the label window)'}</td>
                      <td className="num">
                        {p.eventsWaiting.toLocaleString('en')}
                        {p.eventsWaitingCapped ? '+' : ''}
                      </td>
                      <td>{p.oldestWaitingSeconds === null ? '—' : formatMs(p.oldestWaitingSeconds * 1000)}</td>
                      <td title={p.lastFoldAt ?? undefined}>{p.lastFoldAt ? formatCountdown(p.lastFoldAt, now) : 'never'}</td>
                    </tr>
                  ))}
                  {h.learning.models.map((m) => (
                    <tr key={`model-${m.surface}`} data-testid="model-age">
                      <td>
                        Model of <code className="slug-inline">{m.surface}</code>
                        {m.tasteModel && (
                          <span
                            className="muted"
                            data-testid="taste-model"
                            title="How far each person's learnt taste moves their slate: 1 uses it as fitted; towards 0 their tastes have not predicted what they went on to do, so slates lean on the shared model."
                          >
                            {' '}
                            · taste model v{m.tasteModel.version} from {m.tasteModel.events.toLocaleString('en')} impressions, refit{' '}
                            {formatCountdown(m.tasteModel.fittedAt, now)}, taste weight {m.tasteModel.gain.toFixed(2)}, own history{' '}
                            {m.tasteModel.historyWeight > 0 ? `used (the model counts as ${m.tasteModel.historyWeight} impressions)` : 'not used yet'}
                          </span>
                        )}
                      </td>
                      <td className="num muted">—</td>
                      <td className="muted">age {formatMs(m.ageSeconds * 1000)}</td>
                      <td title={m.updatedAt}>{formatCountdown(m.updatedAt, now)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}

          {h.late.length > 0 && (
            <section className="card table-card card-danger" data-testid="late-releases">
              <div className="card-header">
                <h2>
                  <Icon name="alert" size={16} /> Late
                </h2>
                <span className="muted small">Past their instant and not launched yet. The reconciler re-queues due work from PostgreSQL.</span>
              </div>
              <ScheduledTable
                releases={h.late}
                whenLabel="Was due"
                distanceLabel="Late by"
                danger
                distance={(at) => formatMs(now - new Date(at).getTime())}
                rowTestId="late-row"
              />
            </section>
          )}

          <div className="health-grid">
            <section className="card table-card" data-testid="upcoming-releases">
              <div className="card-header">
                <h2>Upcoming</h2>
                <span className="muted small">Times in your zone, {browserZone()}</span>
              </div>
              {h.upcoming.length === 0 ? (
                <EmptyState icon="calendar" title="Nothing scheduled">
                  Scheduled releases show here until they launch.
                </EmptyState>
              ) : (
                <ScheduledTable
                  releases={h.upcoming}
                  whenLabel="Launches"
                  distanceLabel="In"
                  numeric
                  distance={(at) => formatCountdown(at, now).replace(/^in /, '')}
                  rowTestId="upcoming-row"
                />
              )}
            </section>

            <section className="card table-card" data-testid="failed-releases">
              <div className="card-header">
                <h2>Failed</h2>
                <span className="muted small">Blocked by re-validation at launch</span>
              </div>
              {h.failed.length === 0 ? (
                <EmptyState icon="check" title="No failures">
                  A release that cannot pass validation at its instant publishes nothing and shows here with its reasons.
                </EmptyState>
              ) : (
                <ul className="failed-list">
                  {h.failed.map((r) => (
                    <li key={r.id} data-testid="failed-row">
                      <div className="failed-head">
                        <Link to={`/releases/${r.id}`} className="row-title">
                          {r.name}
                        </Link>
                        <span className="muted small">{r.failedAt ? <Time iso={r.failedAt} /> : null}</span>
                      </div>
                      <ul className="failed-reasons">
                        {(r.failureReasons ?? []).map((f, i) => (
                          <li key={i}>
                            <Icon name="alert" size={13} /> <span>{f.message}</span>
                          </li>
                        ))}
                      </ul>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>

          <section className="card table-card" data-testid="recent-launches">
            <div className="card-header">
              <h2>Recent launches</h2>
              <span className="muted small">Scheduled instant against the moment it applied</span>
            </div>
            {h.recentLaunches.length === 0 ? (
              <EmptyState icon="rocket" title="No launches yet" />
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th>Release</th>
                    <th>Status</th>
                    <th>Scheduled for</th>
                    <th>Launched</th>
                    <th className="num">Lateness</th>
                  </tr>
                </thead>
                <tbody>
                  {h.recentLaunches.map((r) => (
                    <tr key={r.id} data-testid="recent-row">
                      <td className="title-cell">
                        <ReleaseLink r={r} />
                      </td>
                      <td>
                        <ReleaseStatusBadge status={r.state} />
                      </td>
                      <td>
                        <When iso={r.scheduledAt} releaseZone={r.timeZone} />
                      </td>
                      <td className="nowrap">{r.launchedAt ? formatInZone(r.launchedAt, browserZone(), { weekday: false, seconds: true }) : '—'}</td>
                      <td className="num nowrap">
                        {r.latenessMs !== null && r.latenessMs > SLOW_MS ? <Badge tone="warning">{formatMs(r.latenessMs)}</Badge> : formatMs(r.latenessMs)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </div>
  );
}

/** A launch-lateness figure over the last 30 days, flagged when slower than SLOW_MS. */
function LatenessStat({ label, ms, testId }: { label: string; ms: number | null; testId: string }) {
  return <Stat label={label} value={formatMs(ms)} tone={ms !== null && ms > SLOW_MS ? 'warning' : undefined} hint="last 30 days" testId={testId} />;
}
