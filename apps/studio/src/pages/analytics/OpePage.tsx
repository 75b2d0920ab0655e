import { Group } from '@visx/group';
import { Bar, Circle, Line } from '@visx/shape';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { fetchOpeRuns } from '../../api/analytics';
import { OPE_ESTIMATORS, type OpeCell, type OpeEstimator, type OpeEstimatorResult, type OpeRun } from '../../api/types';
import { isAdmin, useCurrentUser } from '../../auth/AuthContext';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { BandHit, ChartBox, Legend, Whisker, XBandAxis, YAxis, clip, type TooltipData } from '../../components/charts/Chart';
import { CHART, seriesColor } from '../../components/charts/palette';
import { bandScale, formatCount, linearScale } from '../../components/charts/scale';
import { CsvButton } from '../../components/CsvButton';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { LoadingState, Spinner } from '../../components/Spinner';
import { Time } from '../../components/Time';
import { useToast } from '../../components/Toast';
import type { CsvColumn } from '../../lib/csv';
import { formatDateTime, plural } from '../../lib/format';
import { keys, useApiQuery, useDocumentTitle } from '../../lib/hooks';
import { AnalyticsNav, AnalyticsStatus, RefreshButton, RunProgress, ChartEmpty, Segmented, SurfaceSelect, useSurfaceChoice } from './analyticsParts';
import { estimatorText, ESTIMATOR_TEXT, fixed, opeRunLabel, opeStatusText, opeTargetLabel } from './analyticsText';
import { EvaluateDialog } from './EvaluateDialog';
import { TableScroll } from '../../components/TableScroll';

const MAX_POLICIES = 6;
const MAX_POSITIONS = 12;
type View = 'overall' | 'position';

interface PositionRow {
  run: OpeRun;
  position: number;
  cell: OpeCell;
  onPolicy: OpeCell | undefined;
}

/** Per policy and position, the chosen estimator's estimate and the logged policy's own value there. */
function positionCells(runs: OpeRun[], estimator: OpeEstimator): PositionRow[] {
  return runs.flatMap((run) => {
    const res = run.estimates!.results.find((r) => r.estimator === estimator);
    return (res?.perPosition ?? [])
      .filter((p) => p.position <= MAX_POSITIONS)
      .map((p) => ({ run, position: p.position, cell: p, onPolicy: run.estimates!.onPolicy.perPosition?.find((o) => o.position === p.position) }));
  });
}

const POSITION_CSV: CsvColumn<PositionRow>[] = [
  { header: 'run_id', value: (r) => r.run.id },
  { header: 'policy', value: (r) => r.run.label },
  { header: 'position', value: (r) => r.position },
  { header: 'value', value: (r) => r.cell.value },
  { header: 'ci_lower', value: (r) => r.cell.ci.lower },
  { header: 'ci_upper', value: (r) => r.cell.ci.upper },
  { header: 'ess', value: (r) => r.cell.ess },
  { header: 'n', value: (r) => r.cell.n },
  { header: 'on_policy_value', value: (r) => r.onPolicy?.value },
];
const DAY = 86_400_000;

interface EstimateRow {
  run: OpeRun;
  estimator: string;
  cell: { value: number; ci: { lower: number; upper: number; level: number }; ess: number; n: number };
}

const ESTIMATE_CSV: CsvColumn<EstimateRow>[] = [
  { header: 'run_id', value: (r) => r.run.id },
  { header: 'policy', value: (r) => r.run.label },
  { header: 'target', value: (r) => r.run.target },
  { header: 'estimator', value: (r) => r.estimator },
  { header: 'value', value: (r) => r.cell.value },
  { header: 'ci_lower', value: (r) => r.cell.ci.lower },
  { header: 'ci_upper', value: (r) => r.cell.ci.upper },
  { header: 'ci_level', value: (r) => r.cell.ci.level },
  { header: 'ess', value: (r) => r.cell.ess },
  { header: 'n', value: (r) => r.cell.n },
  { header: 'window_from', value: (r) => r.run.windowFrom },
  { header: 'window_to', value: (r) => r.run.windowTo },
  { header: 'finished_at', value: (r) => r.run.finishedAt },
];

const RUN_CSV: CsvColumn<OpeRun>[] = [
  { header: 'run_id', value: (r) => r.id },
  { header: 'surface', value: (r) => r.surfaceKey },
  { header: 'policy', value: (r) => r.label },
  { header: 'target', value: (r) => r.target },
  { header: 'model_id', value: (r) => r.modelId },
  { header: 'config', value: (r) => (r.config ? JSON.stringify(r.config) : '') },
  // The export keeps the words it always had (done), not the API's names.
  { header: 'status', value: (r) => r.status.toLowerCase() },
  { header: 'progress', value: (r) => r.progress },
  { header: 'window_from', value: (r) => r.windowFrom },
  { header: 'window_to', value: (r) => r.windowTo },
  { header: 'rows', value: (r) => r.estimates?.n },
  { header: 'requests', value: (r) => r.estimates?.requests },
  { header: 'on_policy_value', value: (r) => r.estimates?.onPolicy?.value },
  ...OPE_ESTIMATORS.map((e) => ({ header: `${e}_value`, value: (r: OpeRun) => r.estimates?.results.find((x) => x.estimator === e)?.value })),
  { header: 'error', value: (r) => r.error },
  { header: 'created_at', value: (r) => r.createdAt },
  { header: 'finished_at', value: (r) => r.finishedAt },
];

function windowDays(run: OpeRun): number {
  return Math.max(1, Math.round((Date.parse(run.windowTo) - Date.parse(run.windowFrom)) / DAY));
}

/** The newest finished run of each policy, live policy first, at most MAX_POLICIES. */
function latestPerPolicy(runs: OpeRun[]): OpeRun[] {
  const seen = new Set<string>();
  const out: OpeRun[] = [];
  for (const r of runs) {
    if (r.status !== 'DONE' || !r.estimates || seen.has(r.label)) continue;
    seen.add(r.label);
    out.push(r);
  }
  out.sort((a, b) => Number(b.target === 'CURRENT') - Number(a.target === 'CURRENT'));
  return out.slice(0, MAX_POLICIES);
}

/** Analytics → Offline evaluation: policies compared on the surface's own logs, before they touch real traffic. */
export function OpePage() {
  useDocumentTitle('Offline evaluation');
  const user = useCurrentUser();
  const admin = isAdmin(user);
  const toast = useToast();
  const choice = useSurfaceChoice();
  // Every 1.5 s while a run is queued or running, so its result shows as soon as it lands.
  const runs = useApiQuery([...keys.analytics, 'ope', choice.key], () => fetchOpeRuns(choice.key!), {
    enabled: !!choice.key,
    refetchInterval: (list) => ((list ?? []).some((r) => r.status === 'QUEUED' || r.status === 'RUNNING') ? 1500 : 30_000),
  });
  const [evaluating, setEvaluating] = useState(false);
  const active = (runs.data ?? []).filter((r) => r.status === 'QUEUED' || r.status === 'RUNNING');
  const highlight = choice.params.get('run');

  const latest = useMemo(() => latestPerPolicy(runs.data ?? []), [runs.data]);
  const estimateRows = useMemo<EstimateRow[]>(
    () =>
      latest.flatMap((run) => [
        ...(run.estimates!.results ?? []).map((res: OpeEstimatorResult) => ({ run, estimator: String(res.estimator), cell: res })),
        { run, estimator: 'on_policy', cell: run.estimates!.onPolicy },
      ]),
    [latest],
  );
  const surface = choice.surface;
  const all = runs.data ?? [];
  const view: View = choice.params.get('view') === 'position' ? 'position' : 'overall';
  const estimator: OpeEstimator = (OPE_ESTIMATORS as string[]).includes(choice.params.get('estimator') ?? '')
    ? (choice.params.get('estimator') as OpeEstimator)
    : 'snips';
  const positionRows = useMemo(() => positionCells(latest, estimator), [latest, estimator]);

  return (
    <div className="page page-wide page-analytics" data-testid="ope-page">
      <AnalyticsNav />
      <PageHeader
        title="Offline evaluation"
        subtitle="What a policy would have achieved on this surface's own logged feeds, estimated four ways with 95% bootstrap intervals — before it serves anyone."
        actions={
          <>
            <Link to="/audit-log?action=ope." className="btn btn-secondary">
              <Icon name="list" /> Audit log
            </Link>
            {admin && surface && (
              <Button variant="primary" icon="play" onClick={() => setEvaluating(true)} data-testid="evaluate-open">
                Evaluate…
              </Button>
            )}
          </>
        }
      />
      <div className="analytics-toolbar">
        <SurfaceSelect choice={choice} />
        {runs.loading && runs.data && <Spinner size={14} />}
        {active.length > 0 && (
          <span className="muted small running-note" data-testid="ope-running">
            <Spinner size={12} /> {plural(active.length, 'evaluation')} running
          </span>
        )}
        <RefreshButton query={runs} />
      </div>
      <AnalyticsStatus choice={choice} query={runs} perSurface="Policies are evaluated on a surface's logs." />

      {surface && (
        <section className="card chart-card" data-testid="ope-card">
          <div className="card-header">
            <div className="card-header-main">
              <h2 className="nowrap">Estimated success per impression</h2>
              <span className="muted small">
                {view === 'overall'
                  ? 'Latest evaluation of each policy'
                  : `${ESTIMATOR_TEXT[estimator].label} by slate position, latest evaluation of each policy`}
              </span>
            </div>
            {latest.length > 0 && (
              <div className="card-header-actions">
                <Segmented<View>
                  name="ope-view"
                  label="View"
                  value={view}
                  onChange={(v) => choice.update({ view: v === 'overall' ? null : v })}
                  options={[
                    { key: 'overall', label: 'Overall', testId: 'ope-view-overall' },
                    { key: 'position', label: 'By position', testId: 'ope-view-position' },
                  ]}
                />
                {view === 'position' && (
                  <select
                    className="input select input-sm"
                    aria-label="Estimator"
                    value={estimator}
                    onChange={(e) => choice.update({ estimator: e.target.value })}
                    data-testid="ope-estimator"
                  >
                    {OPE_ESTIMATORS.map((e) => (
                      <option key={e} value={e}>
                        {ESTIMATOR_TEXT[e].label}
                      </option>
                    ))}
                  </select>
                )}
                {view === 'position' && (
                  <CsvButton rows={positionRows} columns={POSITION_CSV} name={['ope-by-position', surface.key, estimator]} testId="ope-position-csv" />
                )}
              </div>
            )}
          </div>
          <div className="card-body">
            {!runs.data && runs.loading && <LoadingState label="Loading evaluations…" />}
            {runs.data && latest.length === 0 && (
              <ChartEmpty testId="ope-empty" title={all.length ? 'No finished evaluation yet' : 'No evaluations yet'}>
                {all.length
                  ? 'The evaluations below are still running or failed; finished ones plot here.'
                  : admin
                    ? 'Evaluate the live policy, a trained model, uniform random or another configuration on the logged feeds. It needs feed traffic with impressions on this surface.'
                    : 'An admin can evaluate policies here; training a model also evaluates it for the offline gate. It needs feed traffic with impressions on this surface.'}
              </ChartEmpty>
            )}
            {latest.length > 0 && view === 'overall' && <OpeChart runs={latest} />}
            {latest.length > 0 && view === 'position' && <PositionChart runs={latest} estimator={estimator} />}
          </div>
        </section>
      )}

      {surface && latest.length > 0 && (
        <section className="card table-card" data-testid="ope-estimates-card">
          <div className="table-toolbar">
            <h3 className="toolbar-title">Estimates</h3>
            <span className="muted small">
              ESS is the effective sample size of the importance weights: far below the rows, and the estimate rests on few of them.
            </span>
            <div className="filter-spacer" />
            <CsvButton rows={estimateRows} columns={ESTIMATE_CSV} name={['ope-estimates', surface.key]} testId="ope-estimates-csv" />
          </div>
          <table className="table ope-table" data-testid="ope-estimates-table">
            <thead>
              <tr>
                <th>Policy</th>
                <th>Estimator</th>
                <th className="num">Estimate</th>
                <th className="num">95% interval</th>
                <th className="num" title="Effective sample size, (Σw)²/Σw²">
                  ESS
                </th>
                <th className="num">Rows</th>
                <th>Logs</th>
              </tr>
            </thead>
            <tbody>
              {latest.map((run) => {
                const cells = [
                  ...OPE_ESTIMATORS.map((e) => ({ key: e as string, cell: run.estimates!.results.find((r) => r.estimator === e) })),
                  { key: 'on_policy', cell: run.estimates!.onPolicy },
                ];
                return cells.map(({ key, cell }, i) => (
                  <tr
                    key={`${run.id}-${key}`}
                    className={`${i === 0 ? 'group-start' : ''} ${key === 'on_policy' ? 'is-muted' : ''}`}
                    data-testid="ope-estimate-row"
                    data-estimator={key}
                    data-run-id={run.id}
                  >
                    {i === 0 && (
                      <td rowSpan={cells.length} className="policy-group">
                        <span className="row-title" title={run.label}>
                          {opeRunLabel(run)}
                        </span>
                        {run.target === 'MODEL' && <span className="row-sub">{opeTargetLabel(String(run.target))}</span>}
                      </td>
                    )}
                    <td className="nowrap est-cell">
                      {key === 'on_policy' ? (
                        <span title="The logging policy's own success per impression on the same rows">Logged (on-policy)</span>
                      ) : (
                        <span className="estimator-label" title={estimatorText(key).help}>
                          <span className="legend-mark mark-dot" style={{ background: estimatorText(key).color }} />
                          {estimatorText(key).label}
                        </span>
                      )}
                    </td>
                    <td className="num">{cell ? <strong>{fixed(cell.value, 4)}</strong> : '—'}</td>
                    <td className="num muted">{cell ? `${fixed(cell.ci.lower, 4)} – ${fixed(cell.ci.upper, 4)}` : '—'}</td>
                    <td className="num">
                      {cell ? (
                        <>
                          {formatCount(Math.round(cell.ess))} <span className="muted small">{cell.n ? `${Math.round((cell.ess / cell.n) * 100)}%` : ''}</span>
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="num rows-cell">{cell ? cell.n.toLocaleString('en') : '—'}</td>
                    {i === 0 && (
                      <td rowSpan={cells.length} className="small nowrap logs-cell">
                        {plural(windowDays(run), 'day')}
                        <span className="row-sub">{run.estimates!.requests ? `${run.estimates!.requests.toLocaleString('en')} feeds` : ''}</span>
                        <span className="row-sub">
                          to <Time iso={run.windowTo} />
                        </span>
                      </td>
                    )}
                  </tr>
                ));
              })}
            </tbody>
          </table>
        </section>
      )}

      {surface && all.length > 0 && (
        <section className="card table-card" data-testid="ope-runs-card">
          <div className="table-toolbar">
            <h3 className="toolbar-title">Runs</h3>
            <span className="muted small">{plural(all.length, 'evaluation')}, newest first</span>
            <div className="filter-spacer" />
            <CsvButton rows={all} columns={RUN_CSV} name={['ope-runs', surface.key]} testId="ope-runs-csv" />
          </div>
          <TableScroll label="Evaluation runs">
            <table className="table runs-table" data-testid="ope-runs-table">
              <thead>
                <tr>
                  <th>Policy</th>
                  <th>Status</th>
                  <th>Logs</th>
                  <th className="num">Rows</th>
                  <th className="num">SNIPS</th>
                  <th>Queued</th>
                </tr>
              </thead>
              <tbody>
                {all.map((r) => {
                  const st = opeStatusText(r.status);
                  const snips = r.estimates?.results.find((x) => x.estimator === 'snips');
                  const running = r.status === 'QUEUED' || r.status === 'RUNNING';
                  return (
                    <tr key={r.id} className={r.id === highlight ? 'is-selected' : ''} data-testid="ope-run-row" data-status={r.status} data-run-id={r.id}>
                      <td className="title-cell">
                        <span className="row-title truncate" title={r.label}>
                          {opeRunLabel(r)}
                        </span>
                        {r.target === 'MODEL' && <span className="row-sub">{opeTargetLabel(String(r.target))}</span>}
                      </td>
                      <td className="status-cell">
                        <Badge tone={st.tone}>{st.label}</Badge>
                        {running && <RunProgress progress={r.progress} label="Evaluation progress" className="run-progress" testId="ope-progress" />}
                        {r.error && <span className="row-sub text-danger run-error">{r.error}</span>}
                      </td>
                      <td className="small nowrap" title={`${formatDateTime(r.windowFrom)} – ${formatDateTime(r.windowTo)}`}>
                        last {plural(windowDays(r), 'day')}
                      </td>
                      <td className="num">{r.estimates ? r.estimates.n.toLocaleString('en') : '—'}</td>
                      <td className="num">{snips ? `${fixed(snips.value, 4)}` : '—'}</td>
                      <td className="small nowrap">
                        <Time iso={r.createdAt} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        </section>
      )}

      {evaluating && surface && (
        <EvaluateDialog
          surface={surface}
          initialModelId={choice.params.get('model')}
          onClose={() => setEvaluating(false)}
          onQueued={(run) => {
            toast.success(`Queued the evaluation of ${opeRunLabel(run)}. It runs in the worker; progress shows below.`);
            runs.setData((prev) => [run, ...(prev ?? [])]);
            void runs.reload();
          }}
        />
      )}
    </div>
  );
}

/** Per policy, the four estimates with their 95% intervals side by side; the logged policy's value as a reference. */
function OpeChart({ runs }: { runs: OpeRun[] }) {
  const [hover, setHover] = useState<string | null>(null);
  const margins = { top: 18, right: 20, bottom: 58, left: 70 };
  const height = 320;
  const keys = runs.map((r) => r.id);
  return (
    <>
      <ChartBox
        height={height}
        label={`Offline estimates of ${runs.length} policies with 95% intervals`}
        testId="ope-chart"
        data={{ points: runs.length * OPE_ESTIMATORS.length }}
        onLeave={() => setHover(null)}
        render={(width) => {
          const right = width - margins.right;
          const bottom = height - margins.bottom;
          const x = bandScale(keys, [margins.left, right], 0.3, 0.15);
          const cells = runs.flatMap((r) => [...r.estimates!.results, r.estimates!.onPolicy]);
          const lo = Math.min(0, ...cells.map((c) => c.ci.lower));
          const hi = Math.max(0.01, ...cells.map((c) => c.ci.upper));
          const y = linearScale(lo, hi, [bottom, margins.top], 6);
          const step = y.ticks[1] - y.ticks[0];
          const fmt = (v: number) => v.toFixed(step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3);
          const slot = x.bandwidth / (OPE_ESTIMATORS.length + 0.5);
          const cx = (runId: string, i: number) => x(runId) + slot * (i + 0.75);
          const chars = Math.max(8, Math.floor(x.step / 6.4));
          let tooltip: TooltipData | null = null;
          const hr = runs.find((r) => r.id === hover);
          if (hr) {
            tooltip = {
              x: x.mid(hr.id) + x.bandwidth / 2,
              y: margins.top + 30,
              title: opeRunLabel(hr),
              rows: [
                ...OPE_ESTIMATORS.map((e) => {
                  const c = hr.estimates!.results.find((r) => r.estimator === e);
                  return {
                    label: ESTIMATOR_TEXT[e].label,
                    value: c ? `${fixed(c.value, 4)} (${fixed(c.ci.lower, 3)}–${fixed(c.ci.upper, 3)}) · ESS ${formatCount(Math.round(c.ess))}` : '—',
                    color: ESTIMATOR_TEXT[e].color,
                  };
                }),
                { label: 'Logged (on-policy)', value: fixed(hr.estimates!.onPolicy.value, 4), color: CHART.control, mark: 'line' as const },
              ],
              note: `${hr.estimates!.n.toLocaleString('en')} impressions from the last ${plural(windowDays(hr), 'day')}.`,
            };
          }
          return {
            tooltip,
            svg: (
              <>
                <YAxis scale={y} left={margins.left} right={right} format={fmt} label="Success per impression" />
                <Line from={{ x: margins.left, y: bottom }} to={{ x: right, y: bottom }} className="chart-baseline" />
                {runs.map((r, ri) => {
                  const on = r.estimates!.onPolicy;
                  const x0 = x(r.id) - 6;
                  const x1 = x(r.id) + x.bandwidth + 6;
                  return (
                    <Group key={r.id} data-testid="ope-policy" data-run-id={r.id} data-label={r.label}>
                      {hover === r.id && (
                        <Bar
                          x={x(r.id) - (x.step - x.bandwidth) / 2}
                          width={x.step}
                          y={margins.top}
                          height={bottom - margins.top}
                          className="chart-hover-band"
                        />
                      )}
                      <Bar x={x0} width={x1 - x0} y={y(on.ci.upper)} height={Math.max(1, y(on.ci.lower) - y(on.ci.upper))} className="chart-control-band" />
                      <Line
                        from={{ x: x0, y: y(on.value) }}
                        to={{ x: x1, y: y(on.value) }}
                        className="chart-control-mean"
                        data-testid="on-policy-line"
                        data-y={on.value}
                      />
                      {OPE_ESTIMATORS.map((e, i) => {
                        const c = r.estimates!.results.find((res) => res.estimator === e);
                        if (!c) return null;
                        const color = ESTIMATOR_TEXT[e].color;
                        const px = cx(r.id, i);
                        return (
                          <Group key={e}>
                            <Whisker at={px} from={y(c.ci.lower)} to={y(c.ci.upper)} cap={4} color={color} />
                            <Circle
                              cx={px}
                              cy={y(c.value)}
                              r={5}
                              className="chart-point"
                              style={{ fill: color }}
                              data-testid="chart-point"
                              data-x={ri}
                              data-y={c.value}
                              data-lower={c.ci.lower}
                              data-upper={c.ci.upper}
                              data-estimator={e}
                              data-ess={c.ess}
                            />
                          </Group>
                        );
                      })}
                      <text x={x.mid(r.id)} y={bottom + 18} textAnchor="middle" className="chart-tick chart-category">
                        <title>{opeRunLabel(r)}</title>
                        {clip(opeRunLabel(r), chars)}
                      </text>
                      <text x={x.mid(r.id)} y={bottom + 33} textAnchor="middle" className="chart-tick">
                        {r.target === 'MODEL' ? 'Model version · ' : ''}
                        {plural(windowDays(r), 'day')} · {formatCount(r.estimates!.n)} rows
                      </text>
                      <BandHit
                        scale={x}
                        band={r.id}
                        top={margins.top}
                        bottom={bottom}
                        label={`${r.label}: ${OPE_ESTIMATORS.map((e2) => `${ESTIMATOR_TEXT[e2].label} ${fixed(r.estimates!.results.find((c) => c.estimator === e2)?.value, 4)}`).join(', ')}`}
                        onHover={setHover}
                      />
                    </Group>
                  );
                })}
              </>
            ),
          };
        }}
      />
      <div className="chart-foot">
        <Legend
          items={[
            ...OPE_ESTIMATORS.map((e) => ({ label: ESTIMATOR_TEXT[e].label, color: ESTIMATOR_TEXT[e].color, title: ESTIMATOR_TEXT[e].help })),
            { label: 'Logged policy (on-policy value, 95% band)', color: CHART.control, mark: 'dash' as const },
          ]}
        />
        <span className="muted small">Dots are estimates, whiskers 95% bootstrap intervals. Hover a policy for the numbers.</span>
      </div>
    </>
  );
}

/** One estimator per position: each policy's estimate with its 95% interval, the logged policy's value as a dash. */
function PositionChart({ runs, estimator }: { runs: OpeRun[]; estimator: OpeEstimator }) {
  const [hover, setHover] = useState<string | null>(null);
  const rows = positionCells(runs, estimator);
  const positions = [...new Set(rows.map((r) => r.position))].sort((a, b) => a - b);
  const keys = positions.map(String);
  const margins = { top: 18, right: 20, bottom: 48, left: 70 };
  const height = 320;
  const color = new Map(runs.map((r, i) => [r.id, seriesColor(i)]));
  if (!rows.length) return <ChartEmpty title="No per-position estimates">These evaluations did not report estimates per position.</ChartEmpty>;
  return (
    <>
      <ChartBox
        height={height}
        label={`${ESTIMATOR_TEXT[estimator].label} estimates by position for ${runs.length} policies`}
        testId="ope-position-chart"
        data={{ points: rows.length }}
        onLeave={() => setHover(null)}
        render={(width) => {
          const right = width - margins.right;
          const bottom = height - margins.bottom;
          const x = bandScale(keys, [margins.left, right], 0.25, 0.1);
          const lo = Math.min(0, ...rows.map((r) => r.cell.ci.lower));
          const hi = Math.max(0.01, ...rows.map((r) => Math.max(r.cell.ci.upper, r.onPolicy?.value ?? 0)));
          const y = linearScale(lo, hi, [bottom, margins.top], 6);
          const step = y.ticks[1] - y.ticks[0];
          const fmt = (v: number) => v.toFixed(step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3);
          const slot = x.bandwidth / Math.max(1, runs.length);
          const px = (pos: number, runIndex: number) => x(String(pos)) + slot * (runIndex + 0.5);
          let tooltip: TooltipData | null = null;
          if (hover) {
            const here = rows.filter((r) => String(r.position) === hover);
            tooltip = {
              x: x.mid(hover),
              y: margins.top + 20,
              title: `Position ${hover} · ${ESTIMATOR_TEXT[estimator].label}`,
              rows: [
                ...here.map((r) => ({
                  label: clip(opeRunLabel(r.run), 24),
                  value: `${fixed(r.cell.value, 4)} (${fixed(r.cell.ci.lower, 3)}–${fixed(r.cell.ci.upper, 3)}) · ESS ${formatCount(Math.round(r.cell.ess))}`,
                  color: color.get(r.run.id),
                })),
                ...(here[0]?.onPolicy
                  ? [{ label: 'Logged (on-policy)', value: fixed(here[0].onPolicy.value, 4), color: CHART.control, mark: 'line' as const }]
                  : []),
              ],
              note: here[0] ? `${here[0].cell.n.toLocaleString('en')} impressions at this position.` : undefined,
            };
          }
          return {
            tooltip,
            svg: (
              <>
                <YAxis scale={y} left={margins.left} right={right} format={fmt} label="Success per impression" />
                <XBandAxis scale={x} y={bottom} format={(k) => k} label="Position in the slate" labelWidth={20} />
                {hover && <Bar x={x(hover)} width={x.bandwidth} y={margins.top} height={bottom - margins.top} className="chart-hover-band" />}
                {positions.map((pos) => {
                  const on = rows.find((r) => r.position === pos && r.onPolicy)?.onPolicy;
                  return on ? (
                    <Line
                      key={`on-${pos}`}
                      from={{ x: x(String(pos)) - 3, y: y(on.value) }}
                      to={{ x: x(String(pos)) + x.bandwidth + 3, y: y(on.value) }}
                      className="chart-control-mean"
                    />
                  ) : null;
                })}
                {rows.map((r) => {
                  const ri = runs.indexOf(r.run);
                  const cx = px(r.position, ri);
                  const c = color.get(r.run.id)!;
                  return (
                    <Group key={`${r.run.id}-${r.position}`}>
                      <Whisker at={cx} from={y(r.cell.ci.lower)} to={y(r.cell.ci.upper)} color={c} />
                      <Circle
                        cx={cx}
                        cy={y(r.cell.value)}
                        r={4}
                        className="chart-point"
                        style={{ fill: c }}
                        data-testid="chart-point"
                        data-x={r.position}
                        data-y={r.cell.value}
                        data-lower={r.cell.ci.lower}
                        data-upper={r.cell.ci.upper}
                        data-run-id={r.run.id}
                      />
                    </Group>
                  );
                })}
                {keys.map((k) => (
                  <BandHit key={k} scale={x} band={k} top={margins.top} bottom={bottom} label={`Position ${k}`} onHover={setHover} />
                ))}
              </>
            ),
          };
        }}
      />
      <div className="chart-foot">
        <Legend
          items={[
            ...runs.map((r) => ({ key: r.id, label: clip(opeRunLabel(r), 40), title: r.label, color: color.get(r.id)! })),
            { label: 'Logged (on-policy)', color: CHART.control, mark: 'dash' as const },
          ]}
        />
        <span className="muted small">Positions with few impressions have wide intervals; IPS can exceed 1 there.</span>
      </div>
    </>
  );
}
