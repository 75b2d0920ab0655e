import { useState } from 'react';
import { Link } from 'react-router-dom';
import { fetchModelVersions, promoteModel, rollbackModel, startCanary } from '../../api/analytics';
import type { CanaryStats, ModelStatus, ModelVersion } from '../../api/types';
import { isAdmin, useCurrentUser } from '../../auth/AuthContext';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CsvButton } from '../../components/CsvButton';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { SkeletonRows, Spinner } from '../../components/Spinner';
import { Time } from '../../components/Time';
import { useToast } from '../../components/Toast';
import type { CsvColumn } from '../../lib/csv';
import { formatDateTime, plural } from '../../lib/format';
import { keys, useApiQuery, useDocumentTitle } from '../../lib/hooks';
import { formatMs } from '../../lib/time';
import { formatProbability, formatShare } from '../surfaces/placementText';
import { AnalyticsNav, AnalyticsStatus, RefreshButton, RunProgress, SurfaceSelect, useSurfaceChoice } from './analyticsParts';
import { fixed, modelStatusText } from './analyticsText';
import { TrainDialog } from './ModelDialogs';

const CSV: CsvColumn<ModelVersion>[] = [
  { header: 'id', value: (m) => m.id },
  { header: 'surface', value: (m) => m.surfaceKey },
  { header: 'version', value: (m) => m.version },
  // The export keeps the words it always had (gate_passed), not the API's names.
  { header: 'status', value: (m) => m.status.toLowerCase() },
  { header: 'progress', value: (m) => m.progress },
  { header: 'data_from', value: (m) => m.dataFrom },
  { header: 'data_to', value: (m) => m.dataTo },
  { header: 'rows', value: (m) => m.rows },
  { header: 'holdout_auc', value: (m) => m.metrics?.holdoutAuc },
  { header: 'holdout_log_loss', value: (m) => m.metrics?.holdoutLogLoss },
  { header: 'baseline_log_loss', value: (m) => m.metrics?.baselineLogLoss },
  { header: 'train_log_loss', value: (m) => m.metrics?.trainLogLoss },
  { header: 'backend', value: (m) => m.metrics?.backend },
  { header: 'training_ms', value: (m) => m.trainingMs },
  { header: 'gate_passed', value: (m) => m.gate?.passed },
  { header: 'gate_estimator', value: (m) => m.gate?.estimator },
  { header: 'gate_live_estimate', value: (m) => m.gate?.liveEstimate },
  { header: 'gate_candidate_estimate', value: (m) => m.gate?.candidateEstimate },
  { header: 'gate_candidate_lower', value: (m) => m.gate?.candidateLower },
  { header: 'gate_candidate_upper', value: (m) => m.gate?.candidateUpper },
  { header: 'gate_threshold', value: (m) => m.gate?.threshold },
  { header: 'gate_margin', value: (m) => m.gate?.margin },
  { header: 'gate_ope_run_id', value: (m) => m.gate?.opeRunId },
  { header: 'gate_fit_passed', value: (m) => m.gate?.fit?.passed },
  { header: 'canary_share', value: (m) => m.canaryShare },
  { header: 'canary_started_at', value: (m) => m.canaryStartedAt },
  { header: 'live_impressions', value: (m) => m.canaryStats?.liveImpressions },
  { header: 'live_successes', value: (m) => m.canaryStats?.liveSuccesses },
  { header: 'canary_impressions', value: (m) => m.canaryStats?.canaryImpressions },
  { header: 'canary_successes', value: (m) => m.canaryStats?.canarySuccesses },
  { header: 'prob_canary_worse', value: (m) => m.canaryStats?.probCanaryWorse },
  { header: 'status_reason', value: (m) => m.statusReason },
  { header: 'decided_at', value: (m) => m.decidedAt },
  { header: 'created_at', value: (m) => m.createdAt },
];

type StepState = 'done' | 'current' | 'failed' | 'pending';
const STEPS = ['Trained', 'Gate', 'Canary', 'Live'] as const;

/** Where a model is on its way: trained, through the gate, on canary, live. */
function lifecycle(status: ModelStatus): StepState[] {
  switch (status) {
    case 'TRAINING':
      return ['current', 'pending', 'pending', 'pending'];
    case 'FAILED':
      return ['failed', 'pending', 'pending', 'pending'];
    case 'CANDIDATE':
      return ['done', 'current', 'pending', 'pending'];
    case 'GATE_FAILED':
      return ['done', 'failed', 'pending', 'pending'];
    case 'GATE_PASSED':
      return ['done', 'done', 'pending', 'pending'];
    case 'CANARY':
      return ['done', 'done', 'current', 'pending'];
    case 'ROLLED_BACK':
      return ['done', 'done', 'failed', 'pending'];
    case 'LIVE':
    case 'RETIRED':
      return ['done', 'done', 'done', 'done'];
    default:
      return ['pending', 'pending', 'pending', 'pending'];
  }
}

function Lifecycle({ status }: { status: ModelStatus }) {
  const states = lifecycle(status);
  return (
    <ol className="lifecycle" aria-label="Lifecycle" data-testid="model-lifecycle">
      {STEPS.map((s, i) => (
        <li key={s} className={`lifecycle-step is-${states[i]}`} title={`${s}: ${states[i]}`}>
          <span className="lifecycle-bar" />
          <span className="lifecycle-label">{s}</span>
        </li>
      ))}
    </ol>
  );
}

function rate(s: number, n: number): string {
  return n ? formatShare(s / n, 1) : '—';
}

function dataWindow(m: ModelVersion): string {
  if (!m.dataFrom || !m.dataTo) return '';
  const a = formatDateTime(m.dataFrom);
  const b = formatDateTime(m.dataTo);
  const [da, ta] = [a.slice(0, a.lastIndexOf(',')), a.slice(a.lastIndexOf(',') + 2)];
  return b.startsWith(da) ? `${a}–${b.slice(b.lastIndexOf(',') + 2)}` : `${da}, ${ta} – ${b}`;
}

type Pending = { kind: 'canary' | 'promote' | 'rollback'; model: ModelVersion };

/** Analytics → Models: every trained model version, its metrics, the offline gate and the canary, with the admin's controls. */
export function ModelsPage() {
  useDocumentTitle('Models');
  const user = useCurrentUser();
  const admin = isAdmin(user);
  const toast = useToast();
  const choice = useSurfaceChoice();
  // Poll quickly while something trains or the gate runs, less often while a canary runs.
  const models = useApiQuery([...keys.models, choice.key], () => fetchModelVersions(choice.key!), {
    enabled: !!choice.key,
    refetchInterval: (list) =>
      (list ?? []).some((m) => m.status === 'TRAINING' || m.status === 'CANDIDATE') ? 1500 : (list ?? []).some((m) => m.status === 'CANARY') ? 5000 : 30_000,
  });
  const [training, setTraining] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [share, setShare] = useState('5');
  const list = models.data ?? [];
  const canary = list.find((m) => m.status === 'CANARY');
  const live = list.find((m) => m.status === 'LIVE');
  const surface = choice.surface;

  const replace = (m: ModelVersion) => models.setData((prev) => (prev ?? []).map((x) => (x.id === m.id ? m : x)));

  return (
    <div className="page page-wide page-analytics" data-testid="models-page">
      <AnalyticsNav />
      <PageHeader
        title="Models"
        subtitle="TensorFlow.js reward models trained on each surface's logs. A model serves users only after it passes the offline gate, then a canary share, then goes live — and the guardrail rolls a worse canary back on its own."
        actions={
          <>
            <Link to="/audit-log?action=model." className="btn btn-secondary" data-testid="models-audit-link">
              <Icon name="list" /> Audit log
            </Link>
            {admin && surface && (
              <Button variant="primary" icon="cpu" onClick={() => setTraining(true)} data-testid="train-open">
                Train a model
              </Button>
            )}
          </>
        }
      />
      <div className="analytics-toolbar">
        <SurfaceSelect choice={choice} />
        {models.loading && models.data && <Spinner size={14} />}
        {surface && models.data && (
          <span className="muted small" data-testid="models-live">
            Live prior: <strong className="text-strong">{live ? live.version : 'structural (no trained model)'}</strong>
          </span>
        )}
        <RefreshButton query={models} />
      </div>
      <AnalyticsStatus choice={choice} query={models} perSurface="Models are trained per surface." />

      {canary && (
        <CanaryCard
          model={canary}
          admin={admin}
          onPromote={() => setPending({ kind: 'promote', model: canary })}
          onRollback={() => setPending({ kind: 'rollback', model: canary })}
        />
      )}

      {surface && (
        <section className="card table-card" data-testid="models-card">
          <div className="table-toolbar">
            <h2 className="toolbar-title">Versions</h2>
            <span className="muted small">{models.data ? `${plural(list.length, 'version')}, newest first` : '\u00a0'}</span>
            <div className="filter-spacer" />
            <CsvButton rows={models.data} columns={CSV} name={['models', surface.key]} testId="models-csv" />
          </div>
          {(list.length > 0 || (!models.data && models.loading)) && (
            <table className={`table models-table ${models.loading && models.data ? 'is-loading' : ''}`} data-testid="models-table">
              <thead>
                <tr>
                  <th title="The logged impressions it learned from">Training data</th>
                  <th title="On a time-split holdout: the newest part of the data, never trained on">Holdout</th>
                  <th title="SNIPS estimate on recent logs: the lower end of the candidate's 95% interval against the live policy minus the margin; and the model's holdout fit must beat chance (AUC) and the base rate (log loss)">
                    Offline gate
                  </th>
                  <th title="Success per impression in personalized slots since the canary started">Canary</th>
                </tr>
              </thead>
              {!models.data && models.loading && (
                <tbody>
                  <SkeletonRows cols={4} rows={3} />
                </tbody>
              )}
              {list.map((m) => (
                <ModelRow key={m.id} m={m} admin={admin} onAction={(kind) => setPending({ kind, model: m })} />
              ))}
            </table>
          )}
          {models.data && list.length === 0 && (
            <EmptyState icon="cpu" title="No models yet" testId="models-empty">
              {admin
                ? `Train the first model on "${surface.name}" once it has logged traffic (the server needs a minimum number of impressions). The worker also retrains every surface on a schedule.`
                : `No model has been trained on "${surface.name}" yet. The worker retrains every surface on a schedule once it has enough logged impressions; admins can train one now.`}
            </EmptyState>
          )}
        </section>
      )}

      {training && surface && (
        <TrainDialog
          surface={surface}
          onClose={() => setTraining(false)}
          onQueued={(m) => {
            toast.success(`Training ${m.version}. Progress shows in the table.`);
            models.setData((prev) => [m, ...(prev ?? [])]);
          }}
        />
      )}
      {pending?.kind === 'canary' && (
        <ConfirmDialog
          title="Start the canary?"
          confirmLabel="Start canary"
          testId="canary-dialog"
          confirmDisabled={!(Number(share) > 0 && Number(share) <= 50)}
          onClose={() => setPending(null)}
          onConfirm={async () => {
            const m = await startCanary(pending.model.id, Number(share) / 100);
            replace(m);
            toast.success(`${m.version} serves ${formatShare(m.canaryShare ?? 0)} of users as a canary.`);
          }}
        >
          <p>
            <strong>{pending.model.version}</strong> passed the offline gate. As a canary it serves a share of users while the guardrail compares it with the
            live policy, and rolls it back if it is worse with 95% confidence.
          </p>
          <label className="field canary-share">
            <span className="field-label">Share of users</span>
            <span className="unit-input">
              <input
                className="input"
                inputMode="decimal"
                value={share}
                onChange={(e) => setShare(e.target.value)}
                data-testid="canary-share"
                aria-label="Share of users, percent"
              />
              <span className="muted">% (up to 50)</span>
            </span>
          </label>
        </ConfirmDialog>
      )}
      {pending?.kind === 'promote' && (
        <ConfirmDialog
          title="Promote to live?"
          confirmLabel="Promote"
          testId="promote-dialog"
          onClose={() => setPending(null)}
          onConfirm={async () => {
            const m = await promoteModel(pending.model.id);
            replace(m);
            void models.reload();
            toast.success(`${m.version} is live on "${m.surfaceKey}".`);
          }}
        >
          <p>
            <strong>{pending.model.version}</strong> becomes the shared prior for every user of this surface now{live ? `, replacing ${live.version}` : ''}. The
            guardrail's comparison so far:
          </p>
          <CanaryNumbers stats={pending.model.canaryStats} />
        </ConfirmDialog>
      )}
      {pending?.kind === 'rollback' && (
        <ConfirmDialog
          title="Roll back the canary?"
          confirmLabel="Roll back"
          danger
          testId="rollback-dialog"
          onClose={() => setPending(null)}
          onConfirm={async () => {
            const m = await rollbackModel(pending.model.id);
            replace(m);
            toast.success(`${m.version} is off traffic; every user gets the live policy.`);
          }}
        >
          <p>
            <strong>{pending.model.version}</strong> stops serving its canary share now; those users get the live policy again. It cannot go back on canary.
          </p>
          <CanaryNumbers stats={pending.model.canaryStats} />
        </ConfirmDialog>
      )}
    </div>
  );
}

function ModelRow({ m, admin, onAction }: { m: ModelVersion; admin: boolean; onAction(kind: Pending['kind']): void }) {
  const st = modelStatusText(m.status);
  const running = m.status === 'TRAINING' || m.status === 'CANDIDATE';
  const metrics = m.metrics;
  const lift = metrics && metrics.baselineLogLoss ? (metrics.baselineLogLoss - metrics.holdoutLogLoss) / metrics.baselineLogLoss : null;
  const g = m.gate;
  const c = m.canaryStats;
  return (
    <tbody className="model-group" data-testid="model-row" data-status={m.status} data-model-id={m.id}>
      <tr className="model-head">
        <td colSpan={4}>
          <div className="model-head-line">
            <span className="model-version mono" title={m.version}>
              {m.version}
            </span>
            <Badge tone={st.tone} title={st.help} testId="model-status">
              {st.label}
            </Badge>
            <Lifecycle status={m.status} />
            {running && (
              <span className="model-progress-wrap">
                <RunProgress inline progress={m.progress} label="Training progress" className="model-progress" testId="model-progress" />
                <span className="small">
                  <strong>{Math.round(m.progress * 100)}%</strong> <span className="muted">{m.progressMessage ?? 'Queued'}</span>
                </span>
              </span>
            )}
            <span className="filter-spacer" />
            <span className="muted small nowrap">
              created <Time iso={m.createdAt} />
            </span>
            {admin && m.status === 'GATE_PASSED' && (
              <Button size="sm" onClick={() => onAction('canary')} data-testid="start-canary">
                Start canary
              </Button>
            )}
            {admin && m.status === 'CANARY' && (
              <>
                <Button size="sm" onClick={() => onAction('promote')} data-testid="promote">
                  Promote
                </Button>
                <Button size="sm" variant="danger" onClick={() => onAction('rollback')} data-testid="rollback">
                  Roll back
                </Button>
              </>
            )}
          </div>
        </td>
      </tr>
      <tr className="model-row">
        <td>
          {m.rows ? (
            <>
              <div>
                <strong>{m.rows.toLocaleString('en')}</strong> impressions
              </div>
              {m.dataFrom && <span className="row-sub">{dataWindow(m)}</span>}
              <span className="row-sub">
                {m.trainingMs !== null ? `trained in ${formatMs(m.trainingMs)}` : ''}
                {metrics?.backend ? ` on ${metrics.backend}` : ''}
              </span>
            </>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
        <td>
          {metrics ? (
            <>
              <div>
                AUC <strong data-testid="model-auc">{fixed(metrics.holdoutAuc, 3)}</strong>
              </div>
              <span className="row-sub" title={`Train log loss ${fixed(metrics.trainLogLoss, 4)}`}>
                log loss {fixed(metrics.holdoutLogLoss, 4)} vs {fixed(metrics.baselineLogLoss, 4)} baseline
              </span>
              {lift !== null && (
                <span className={`row-sub ${lift > 0 ? 'text-success' : 'text-danger'}`}>
                  {lift > 0 ? `${formatShare(lift, 1)} better` : `${formatShare(-lift, 1)} worse`} than predicting the base rate
                </span>
              )}
            </>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
        <td>
          {g ? (
            <>
              <div className="gate-line">
                <Badge tone={g.passed ? 'success' : 'danger'} testId="gate-result">
                  <Icon name={g.passed ? 'check' : 'x'} size={12} /> {g.passed ? 'Passed' : 'Failed'}
                </Badge>
                <Link className="small" to={`/analytics/evaluation?surface=${encodeURIComponent(m.surfaceKey)}&run=${g.opeRunId}`}>
                  evaluation
                </Link>
              </div>
              <span className="row-sub">
                {g.estimator.toUpperCase()} lower bound <strong>{fixed(g.candidateLower, 4)}</strong> {g.passed ? '≥' : '<'} {fixed(g.threshold, 4)}
              </span>
              <span className="row-sub">
                live {fixed(g.liveEstimate, 4)} − {formatShare(g.margin, 0)}; candidate {fixed(g.candidateEstimate, 4)}
              </span>
              {g.fit && (
                <span className={`row-sub ${g.fit.passed ? '' : 'text-danger'}`} title={g.fit.reason} data-testid="gate-fit">
                  {g.fit.passed ? 'fit better than chance and the base rate' : `fit: ${g.fit.reason}`}
                </span>
              )}
            </>
          ) : (
            <span className="muted">{m.status === 'CANDIDATE' ? 'Evaluating…' : '—'}</span>
          )}
        </td>
        <td>
          {m.canaryShare !== null ? (
            <>
              <div>
                <strong>{formatShare(m.canaryShare, 0)}</strong> <span className="muted small">of users</span>
              </div>
              {m.canaryStartedAt && (
                <span className="row-sub">
                  started <Time iso={m.canaryStartedAt} />
                </span>
              )}
              {c ? (
                <>
                  <span className="row-sub">
                    {c.canaryImpressions || c.liveImpressions
                      ? `canary ${rate(c.canarySuccesses, c.canaryImpressions)} of ${c.canaryImpressions.toLocaleString('en')} · live ${rate(c.liveSuccesses, c.liveImpressions)} of ${c.liveImpressions.toLocaleString('en')}`
                      : 'no impressions yet'}
                  </span>
                  <span className={`row-sub ${c.probCanaryWorse >= 0.95 ? 'text-danger' : ''}`} data-testid="canary-prob">
                    P(canary worse) <strong>{formatProbability(c.probCanaryWorse)}</strong>
                  </span>
                </>
              ) : (
                <span className="row-sub">no comparison yet</span>
              )}
            </>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
      </tr>
      <tr className="model-reason-row" data-testid="model-reason">
        <td colSpan={4}>
          <span className="model-reason">
            {m.statusReason ? <span>{m.statusReason}</span> : <span className="muted">{st.help}</span>}
            {m.decidedAt && (
              <span className="muted">
                {' '}
                · <Time iso={m.decidedAt} />
              </span>
            )}
          </span>
          <Link to={`/audit-log?entityType=model_version&entityId=${m.id}`} className="small nowrap" data-testid="model-audit">
            Audit trail
          </Link>
        </td>
      </tr>
    </tbody>
  );
}

/** Live against canary, and the guardrail's probability that the canary is worse, on a scale with its thresholds. */
function CanaryNumbers({ stats }: { stats: CanaryStats | null }) {
  if (!stats) return <p className="muted small">The guardrail has not compared them yet.</p>;
  const p = stats.probCanaryWorse;
  return (
    <div className="canary-numbers" data-testid="canary-numbers">
      <div className="canary-arms">
        <div>
          <span className="muted small">Live</span>
          <strong>{rate(stats.liveSuccesses, stats.liveImpressions)}</strong>
          <span className="muted small">
            {stats.liveSuccesses.toLocaleString('en')} / {stats.liveImpressions.toLocaleString('en')}
          </span>
        </div>
        <div>
          <span className="muted small">Canary</span>
          <strong>{rate(stats.canarySuccesses, stats.canaryImpressions)}</strong>
          <span className="muted small">
            {stats.canarySuccesses.toLocaleString('en')} / {stats.canaryImpressions.toLocaleString('en')}
          </span>
        </div>
      </div>
      <div className="prob-meter" title="Rolled back automatically at 95%; promoted when better with 95% confidence">
        <div className="prob-meter-track">
          <span className="prob-meter-zone is-rollback" style={{ left: '95%', width: '5%' }} />
          <span className="prob-meter-zone is-promote" style={{ left: 0, width: '5%' }} />
          <span
            className={`prob-meter-marker ${p >= 0.95 ? 'is-bad' : p <= 0.05 ? 'is-good' : ''}`}
            style={{ left: `${p * 100}%` }}
            data-testid="prob-marker"
            data-value={p}
          />
        </div>
        <div className="prob-meter-scale small">
          <span>canary better</span>
          <span>
            P(canary worse) <strong>{formatProbability(p)}</strong>
          </span>
          <span>canary worse</span>
        </div>
      </div>
      <p className="muted small">
        {stats.canaryImpressions === 0 ? 'No canary impressions yet: the comparison fills in as its users get feeds and report events. ' : ''}
        Checked <Time iso={stats.checkedAt} />. The guardrail rolls the canary back at P(canary worse) ≥ 95%.
      </p>
    </div>
  );
}

function CanaryCard({ model, admin, onPromote, onRollback }: { model: ModelVersion; admin: boolean; onPromote(): void; onRollback(): void }) {
  return (
    <section className="card canary-card" data-testid="canary-card">
      <div className="card-header">
        <h2>
          <Badge tone="warning">Canary</Badge> <span className="mono">{model.version}</span>{' '}
          <span className="muted small">
            serves {formatShare(model.canaryShare ?? 0, 0)} of users{model.canaryStartedAt ? ' since ' : ''}
            {model.canaryStartedAt && <Time iso={model.canaryStartedAt} />}
          </span>
        </h2>
        {admin && (
          <div className="card-header-actions">
            <Button size="sm" onClick={onPromote} data-testid="canary-promote">
              Promote
            </Button>
            <Button size="sm" variant="danger" onClick={onRollback} data-testid="canary-rollback">
              Roll back
            </Button>
          </div>
        )}
      </div>
      <div className="card-body">
        <CanaryNumbers stats={model.canaryStats} />
      </div>
    </section>
  );
}
