import { Group } from '@visx/group';
import { Bar, Line, LinePath } from '@visx/shape';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { fetchExplorationSpend, type Granularity } from '../../api/analytics';
import type { ExplorationSpend } from '../../api/types';
import { Badge } from '../../components/Badge';
import { BandHit, ChartBox, Legend, XBandAxis, YAxis, type TooltipData } from '../../components/charts/Chart';
import { CHART } from '../../components/charts/palette';
import { bandScale, bucketKey, bucketLabel, bucketRange, bucketTitle, formatPct, hourTicks, linearScale, pctDigits } from '../../components/charts/scale';
import { CsvButton } from '../../components/CsvButton';
import { PageHeader } from '../../components/PageHeader';
import { LoadingState, Spinner } from '../../components/Spinner';
import type { CsvColumn } from '../../lib/csv';
import { plural } from '../../lib/format';
import { keys, useApiQuery, useDocumentTitle } from '../../lib/hooks';
import { formatShare } from '../surfaces/placementText';
import { AnalyticsNav, AnalyticsStatus, RefreshButton, ChartEmpty, Segmented, SurfaceSelect, intParam, useSurfaceChoice } from './analyticsParts';
import { TableScroll } from '../../components/TableScroll';

const DAY_WINDOWS = [7, 14, 30, 90];
const HOUR_WINDOWS = [1, 2, 7];
/** Spend within this much of the budget counts as on budget (pacing is per request, so buckets wobble). */
const TOLERANCE = 0.005;

const CSV: CsvColumn<ExplorationSpend & { unit: Granularity }>[] = [
  { header: 'bucket_utc', value: (r) => r.bucket },
  { header: 'granularity', value: (r) => r.unit },
  { header: 'served_slots', value: (r) => r.servedSlots },
  { header: 'test_slots', value: (r) => r.testSlots },
  { header: 'random_slots', value: (r) => r.randomSlots },
  { header: 'test_share', value: (r) => (r.servedSlots ? r.testSlots / r.servedSlots : 0) },
  { header: 'random_share', value: (r) => (r.servedSlots ? r.randomSlots / r.servedSlots : 0) },
  { header: 'exploration_share', value: (r) => r.share },
  { header: 'budget', value: (r) => r.budget },
  { header: 'over_budget', value: (r) => r.share > r.budget + TOLERANCE },
];

/** Analytics → Exploration spend: the share of served slots content tests and the random floor used, against the budget. */
export function ExplorationSpendPage() {
  useDocumentTitle('Exploration spend');
  const choice = useSurfaceChoice();
  const unit: Granularity = choice.params.get('by') === 'hour' ? 'hour' : 'day';
  const days = unit === 'hour' ? intParam(choice.params, 'days', HOUR_WINDOWS, 1) : intParam(choice.params, 'days', DAY_WINDOWS, 14);
  const spend = useApiQuery([...keys.analytics, 'spend', choice.key, days, unit], () => fetchExplorationSpend(choice.key!, days, unit), {
    enabled: !!choice.key,
    refetchInterval: 30_000,
  });
  const loadedAt = spend.updatedAt || Date.now();

  const rows = spend.data ?? [];
  const surface = choice.surface;
  const served = rows.reduce((a, r) => a + r.servedSlots, 0);
  const test = rows.reduce((a, r) => a + r.testSlots, 0);
  const random = rows.reduce((a, r) => a + r.randomSlots, 0);
  const budget = surface?.explorationBudget ?? rows[rows.length - 1]?.budget ?? 0;
  const share = served ? (test + random) / served : 0;
  const over = rows.filter((r) => r.share > r.budget + TOLERANCE).length;
  const tableRows = [...rows].reverse().map((r) => ({ ...r, unit }));

  return (
    <div className="page page-wide page-analytics" data-testid="spend-page">
      <AnalyticsNav />
      <PageHeader
        title="Exploration spend"
        subtitle="The share of served slots that content tests and the uniform-random floor used, against the surface's exploration budget."
        actions={
          surface && (
            <Link to={`/surfaces/${surface.key}`} className="btn btn-secondary">
              Surface settings
            </Link>
          )
        }
      />
      <div className="analytics-toolbar">
        <SurfaceSelect choice={choice} />
        <Segmented<Granularity>
          name="granularity"
          label="Granularity"
          value={unit}
          onChange={(g) => choice.update({ by: g === 'day' ? null : g, days: null })}
          options={[
            { key: 'day', label: 'Per day', testId: 'spend-by-day' },
            { key: 'hour', label: 'Per hour', testId: 'spend-by-hour' },
          ]}
        />
        <Segmented<number>
          name="window"
          label="Window"
          value={days}
          onChange={(d) => choice.update({ days: d })}
          options={(unit === 'hour' ? HOUR_WINDOWS : DAY_WINDOWS).map((d) => ({
            key: d,
            label: d === 1 ? '24 hours' : `${d} days`,
            testId: `spend-days-${d}`,
          }))}
        />
        {spend.loading && spend.data && <Spinner size={14} />}
        <RefreshButton query={spend} />
      </div>
      <AnalyticsStatus choice={choice} query={spend} perSurface="Exploration is spent per surface." />

      {surface && (
        <section className="card chart-card" data-testid="spend-card">
          <div className="card-header">
            <div className="card-header-main">
              <h2>
                {surface.name}{' '}
                <span className="muted small">
                  per {unit}, last {days === 1 ? '24 hours' : `${days} days`} (UTC)
                </span>
              </h2>
            </div>
            {spend.data && rows.length > 0 && (
              <div className="spend-summary" data-testid="spend-summary">
                <span>
                  <strong>{formatShare(share, 1)}</strong> <span className="muted">of {served.toLocaleString('en')} slots explored</span>
                </span>
                <span className="muted">
                  tests {formatShare(served ? test / served : 0, 1)} · random {formatShare(served ? random / served : 0, 1)} · budget {formatShare(budget, 1)}
                </span>
                {over > 0 ? <Badge tone="danger">{plural(over, unit)} over budget</Badge> : <Badge tone="success">Within budget</Badge>}
              </div>
            )}
          </div>
          <div className="card-body">
            {!spend.data && spend.loading && <LoadingState label="Loading spend…" />}
            {spend.data && rows.length === 0 && (
              <ChartEmpty testId="spend-empty" title="No data yet">
                No feeds were served on "{surface.name}" in this window. Run traffic (client apps fetch the feed for this surface), then come back: slots appear
                here within seconds.
              </ChartEmpty>
            )}
            {rows.length > 0 && <SpendChart rows={rows} unit={unit} days={days} now={loadedAt} budget={budget} floor={surface.randomFloor} />}
          </div>
        </section>
      )}

      {surface && rows.length > 0 && (
        <section className="card table-card" data-testid="spend-table-card">
          <div className="table-toolbar">
            <span className="muted small">{plural(rows.length, unit)} with traffic, newest first</span>
            <div className="filter-spacer" />
            <CsvButton rows={tableRows} columns={CSV} name={['exploration-spend', surface.key, `by-${unit}`, `${days}d`]} testId="spend-csv" />
          </div>
          <TableScroll label="Exploration spend per period">
            <table className="table spend-table" data-testid="spend-table">
              <thead>
                <tr>
                  <th>{unit === 'day' ? 'Day (UTC)' : 'Hour (UTC)'}</th>
                  <th className="num">Served slots</th>
                  <th className="num">Test slots</th>
                  <th className="num">Random slots</th>
                  <th className="num">Explored</th>
                  <th className="num">Budget</th>
                  <th>Against budget</th>
                </tr>
              </thead>
              <tbody>
                {tableRows.map((r) => {
                  const overBy = r.share - r.budget;
                  return (
                    <tr key={r.bucket} data-testid="spend-row" data-bucket={r.bucket}>
                      <td className="nowrap">{bucketTitle(bucketKey(r.bucket), unit).replace(' (UTC)', '').replace(' UTC', '')}</td>
                      <td className="num">{r.servedSlots.toLocaleString('en')}</td>
                      <td className="num">
                        {r.testSlots.toLocaleString('en')}{' '}
                        <span className="muted small">{formatShare(r.servedSlots ? r.testSlots / r.servedSlots : 0, 1)}</span>
                      </td>
                      <td className="num">
                        {r.randomSlots.toLocaleString('en')}{' '}
                        <span className="muted small">{formatShare(r.servedSlots ? r.randomSlots / r.servedSlots : 0, 1)}</span>
                      </td>
                      <td className="num">
                        <strong>{formatShare(r.share, 1)}</strong>
                      </td>
                      <td className="num">{formatShare(r.budget, 1)}</td>
                      <td className="nowrap">
                        {overBy > TOLERANCE ? (
                          <Badge tone="danger">{formatShare(overBy, 1)} over</Badge>
                        ) : (
                          <span className="muted small">{formatShare(Math.max(0, -overBy), 1)} left</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
        </section>
      )}
    </div>
  );
}

const HOUR = 3_600_000;

/** Stacked bars per bucket (random floor below, tests above) as a share of served slots; the budget as a line. */
function SpendChart({
  rows,
  unit,
  days,
  now,
  budget,
  floor,
}: {
  rows: ExplorationSpend[];
  unit: Granularity;
  days: number;
  now: number;
  budget: number;
  floor: number;
}) {
  const [hover, setHover] = useState<string | null>(null);
  const keys = bucketRange(now - days * 24 * HOUR, now, unit).map((t) => bucketKey(t));
  const byKey = new Map(rows.map((r) => [bucketKey(r.bucket), r]));
  const margins = { top: 16, right: 16, bottom: 48, left: 64 };
  const height = 280;
  return (
    <>
      <ChartBox
        height={height}
        label={`Exploration spend per ${unit} against a budget of ${formatShare(budget)}`}
        testId="spend-chart"
        data={{ points: rows.length }}
        onLeave={() => setHover(null)}
        render={(width) => {
          const right = width - margins.right;
          const bottom = height - margins.bottom;
          const x = bandScale(keys, [margins.left, right], keys.length > 60 ? 0.15 : 0.3, 0.1);
          const top = Math.max(budget * 1.25, ...rows.map((r) => r.share * 1.08), floor, 0.01);
          const y = linearScale(0, top, [bottom, margins.top], 5);
          const digits = pctDigits(y.ticks[1] - y.ticks[0]);
          const bw = Math.max(1, Math.min(40, x.bandwidth));
          // The budget as a step line over every bucket (its value where there was traffic, the surface's otherwise).
          const budgetSteps = keys.flatMap((k, i) => {
            const b = y(byKey.get(k)?.budget ?? budget);
            const x0 = i === 0 ? margins.left : x(k) - (x.step - x.bandwidth) / 2;
            const x1 = i === keys.length - 1 ? right : x(k) + x.bandwidth + (x.step - x.bandwidth) / 2;
            return [
              { x: x0, y: b },
              { x: x1, y: b },
            ];
          });
          const h = hover ? byKey.get(hover) : undefined;
          let tooltip: TooltipData | null = null;
          if (hover) {
            tooltip = {
              x: x.mid(hover),
              y: h ? y(h.share) : y(budget),
              title: bucketTitle(hover, unit),
              rows: h
                ? [
                    { label: 'Served slots', value: h.servedSlots.toLocaleString('en') },
                    {
                      label: 'Content tests',
                      value: `${h.testSlots.toLocaleString('en')} (${formatPct(h.servedSlots ? h.testSlots / h.servedSlots : 0, 1)})`,
                      color: CHART.test,
                      mark: 'bar',
                    },
                    {
                      label: 'Random floor',
                      value: `${h.randomSlots.toLocaleString('en')} (${formatPct(h.servedSlots ? h.randomSlots / h.servedSlots : 0, 1)})`,
                      color: CHART.floor,
                      mark: 'bar',
                    },
                    { label: 'Explored / budget', value: `${formatPct(h.share, 1)} / ${formatPct(h.budget, 1)}`, color: CHART.budget, mark: 'line' },
                  ]
                : [{ label: 'No feeds served', value: '—' }],
            };
          }
          return {
            tooltip,
            svg: (
              <>
                <YAxis scale={y} left={margins.left} right={right} format={(v) => formatPct(v, digits)} label="Share of served slots" />
                <XBandAxis
                  scale={x}
                  y={bottom}
                  format={(k) => bucketLabel(k, unit)}
                  label={unit === 'day' ? 'Day (UTC)' : 'Hour (UTC)'}
                  labelWidth={unit === 'day' ? 52 : 48}
                  ticks={unit === 'hour' ? hourTicks : undefined}
                />
                {floor > 0 && (
                  <Group data-testid="floor-line">
                    <Line from={{ x: margins.left, y: y(floor) }} to={{ x: right, y: y(floor) }} className="chart-ref-line" style={{ stroke: CHART.floor }} />
                  </Group>
                )}
                {keys.map((k) => {
                  const r = byKey.get(k);
                  if (!r || !r.servedSlots) return null;
                  const rs = r.randomSlots / r.servedSlots;
                  const ts = r.testSlots / r.servedSlots;
                  const x0 = x.mid(k) - bw / 2;
                  return (
                    <Group key={k} className={hover === k ? 'is-hover' : ''}>
                      <Bar
                        x={x0}
                        width={bw}
                        y={y(rs)}
                        height={y(0) - y(rs)}
                        className="chart-bar"
                        style={{ fill: CHART.floor }}
                        data-testid="chart-bar"
                        data-series="random"
                        data-x={Date.parse(k)}
                        data-y={rs}
                      />
                      <Bar
                        x={x0}
                        width={bw}
                        y={y(rs + ts)}
                        height={y(rs) - y(rs + ts)}
                        className="chart-bar"
                        style={{ fill: CHART.test }}
                        data-testid="chart-bar"
                        data-series="tests"
                        data-x={Date.parse(k)}
                        data-y={ts}
                      />
                      {hover === k && <Bar x={x0 - 1} width={bw + 2} y={y(rs + ts) - 1} height={y(0) - y(rs + ts) + 1} className="chart-bar-outline" />}
                    </Group>
                  );
                })}
                <LinePath data={budgetSteps} x={(p) => p.x} y={(p) => p.y} className="chart-budget-line" data-testid="budget-line" data-y={budget} />
                <text x={right - 4} y={y(budget) - 7} textAnchor="end" className="chart-annotation">
                  budget {formatPct(budget, 1)}
                </text>
                {keys.map((k) => (
                  <BandHit
                    key={k}
                    scale={x}
                    band={k}
                    top={margins.top}
                    bottom={bottom}
                    focusable={byKey.has(k)}
                    label={byKey.has(k) ? `${bucketTitle(k, unit)}: ${formatPct(byKey.get(k)!.share, 1)} explored` : undefined}
                    onHover={setHover}
                  />
                ))}
              </>
            ),
          };
        }}
      />
      <div className="chart-foot">
        <Legend
          items={[
            { label: 'Content tests', color: CHART.test, mark: 'bar' },
            { label: 'Random floor', color: CHART.floor, mark: 'bar' },
            { label: `Budget (${formatShare(budget)})`, color: CHART.budget, mark: 'dash' },
            { label: `Random floor target (${formatShare(floor)})`, color: CHART.floor, mark: 'dash' },
          ]}
        />
      </div>
    </>
  );
}
