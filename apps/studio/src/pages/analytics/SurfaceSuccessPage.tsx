import { Group } from '@visx/group';
import { Area, Bar, Circle, LinePath } from '@visx/shape';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { fetchSurfaceSuccess } from '../../api/analytics';
import type { SurfaceSuccess } from '../../api/types';
import { BandHit, ChartBox, Whisker, XBandAxis, YAxis, clip, type TooltipData } from '../../components/charts/Chart';
import { bandScale, bucketKey, bucketLabel, bucketRange, bucketTitle, formatPct, linearScale, pctDigits } from '../../components/charts/scale';
import { CsvButton } from '../../components/CsvButton';
import { PageHeader } from '../../components/PageHeader';
import { LoadingState, Spinner } from '../../components/Spinner';
import type { CsvColumn } from '../../lib/csv';
import { plural } from '../../lib/format';
import { keys, useApiQuery, useDocumentTitle } from '../../lib/hooks';
import { successEventLabel } from '../surfaces/placementText';
import { AnalyticsNav, AnalyticsStatus, RefreshButton, ChartEmpty, Segmented, SurfaceSelect, intParam, useSurfaceChoice } from './analyticsParts';
import { describePolicyVersion, policyColors } from './analyticsText';
import { TableScroll } from '../../components/TableScroll';

const WINDOWS = [7, 14, 30, 90];
const DAY = 86_400_000;

const CSV: CsvColumn<SurfaceSuccess>[] = [
  { header: 'day_utc', value: (r) => r.day.slice(0, 10) },
  { header: 'policy_version', value: (r) => r.policyVersion },
  { header: 'impressions', value: (r) => r.impressions },
  { header: 'successes', value: (r) => r.successes },
  { header: 'rate', value: (r) => r.rate },
  { header: 'lower_95', value: (r) => r.lower },
  { header: 'upper_95', value: (r) => r.upper },
];

interface Series {
  version: string;
  color: string;
  impressions: number;
  successes: number;
  points: SurfaceSuccess[];
}

/** Analytics → Surface success: success per impression by day, one line per policy version, with 95% intervals. */
export function SurfaceSuccessPage() {
  useDocumentTitle('Surface success');
  const choice = useSurfaceChoice();
  const days = intParam(choice.params, 'days', WINDOWS, 14);
  const data = useApiQuery([...keys.analytics, 'success', choice.key, days], () => fetchSurfaceSuccess(choice.key!, days), {
    enabled: !!choice.key,
    refetchInterval: 60_000,
  });
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const surface = choice.surface;
  const rows = useMemo(() => data.data ?? [], [data.data]);

  const series = useMemo<Series[]>(() => {
    const by = new Map<string, SurfaceSuccess[]>();
    for (const r of rows) by.set(r.policyVersion, [...(by.get(r.policyVersion) ?? []), r]);
    // Most impressions first; the fallback last.
    const versions = [...by.keys()].sort((a, b) => {
      const fa = a.startsWith('fallback/') ? 1 : 0;
      const fb = b.startsWith('fallback/') ? 1 : 0;
      if (fa !== fb) return fa - fb;
      const n = (v: string) => by.get(v)!.reduce((s, r) => s + r.impressions, 0);
      return n(b) - n(a);
    });
    const colors = policyColors(versions);
    return versions.map((v) => {
      const points = by.get(v)!.sort((a, b) => Date.parse(a.day) - Date.parse(b.day));
      return {
        version: v,
        color: colors.get(v)!,
        points,
        impressions: points.reduce((s, r) => s + r.impressions, 0),
        successes: points.reduce((s, r) => s + r.successes, 0),
      };
    });
  }, [rows]);
  const tableRows = useMemo(() => [...rows].sort((a, b) => Date.parse(b.day) - Date.parse(a.day) || b.impressions - a.impressions), [rows]);

  const toggle = (v: string) =>
    setHidden((h) => {
      const n = new Set(h);
      if (n.has(v)) n.delete(v);
      else n.add(v);
      return n;
    });

  return (
    <div className="page page-wide page-analytics" data-testid="success-page">
      <AnalyticsNav />
      <PageHeader
        title="Surface success"
        subtitle="Success per impression, day by day, for each policy version that served the surface — so a new model or a settings change shows as its own line."
      />
      <div className="analytics-toolbar">
        <SurfaceSelect choice={choice} />
        <Segmented<number>
          name="window"
          label="Window"
          value={days}
          onChange={(d) => choice.update({ days: d })}
          options={WINDOWS.map((d) => ({ key: d, label: `${d} days`, testId: `success-days-${d}` }))}
        />
        {data.loading && data.data && <Spinner size={14} />}
        <RefreshButton query={data} />
      </div>
      <AnalyticsStatus choice={choice} query={data} perSurface="Success is measured per surface." />

      {surface && (
        <section className="card chart-card" data-testid="success-card">
          <div className="card-header">
            <h2>
              {surface.name}{' '}
              <span className="muted small">
                success = {successEventLabel(surface.successEvent).toLowerCase()} after an impression · last {days} days (UTC)
              </span>
            </h2>
            <Link to={`/audit-log?action=model.`} className="btn btn-ghost btn-sm">
              Model changes
            </Link>
          </div>
          <div className="card-body">
            {!data.data && data.loading && <LoadingState label="Loading success rates…" />}
            {data.data && rows.length === 0 && (
              <ChartEmpty testId="success-empty" title="No data yet">
                No impressions were reported on "{surface.name}" in the last {days} days. Run traffic — client apps fetch the feed and report IMPRESSION and{' '}
                {successEventLabel(surface.successEvent).toLowerCase()} events — or wait for events.
              </ChartEmpty>
            )}
            {rows.length > 0 && (
              <>
                <SuccessChart series={series.filter((s) => !hidden.has(s.version))} days={days} />
                <ul className="policy-legend" data-testid="success-legend">
                  {series.map((s) => {
                    const d = describePolicyVersion(s.version);
                    const off = hidden.has(s.version);
                    return (
                      <li key={s.version}>
                        <button
                          type="button"
                          className={`policy-chip ${off ? 'is-off' : ''}`}
                          aria-pressed={!off}
                          onClick={() => toggle(s.version)}
                          title={`${s.version} — click to ${off ? 'show' : 'hide'}`}
                          data-testid="policy-chip"
                        >
                          <span className="legend-mark mark-line" style={{ background: s.color }} />
                          <span className="policy-chip-text">
                            <span className="policy-chip-title">{d.title}</span>
                            <span className="policy-chip-detail">
                              {d.detail} · {formatPct(s.impressions ? s.successes / s.impressions : 0, 1)} of {s.impressions.toLocaleString('en')}
                            </span>
                          </span>
                        </button>
                      </li>
                    );
                  })}
                </ul>
                <p className="muted small chart-note">Lines join days; the shaded band and whiskers are 95% intervals. Click a policy to hide or show it.</p>
              </>
            )}
          </div>
        </section>
      )}

      {surface && rows.length > 0 && (
        <section className="card table-card" data-testid="success-table-card">
          <div className="table-toolbar">
            <span className="muted small">
              {plural(rows.length, 'row')} · {plural(series.length, 'policy version')}
            </span>
            <div className="filter-spacer" />
            <CsvButton rows={tableRows} columns={CSV} name={['surface-success', surface.key, `${days}d`]} testId="success-csv" />
          </div>
          <TableScroll label="Success rate per day and policy version">
            <table className="table success-table" data-testid="success-table">
              <thead>
                <tr>
                  <th>Day (UTC)</th>
                  <th>Policy version</th>
                  <th className="num">Impressions</th>
                  <th className="num">Successes</th>
                  <th className="num">Success rate</th>
                  <th className="num">95% interval</th>
                </tr>
              </thead>
              <tbody>
                {tableRows.map((r) => {
                  const s = series.find((x) => x.version === r.policyVersion);
                  const d = describePolicyVersion(r.policyVersion);
                  return (
                    <tr key={`${r.day}-${r.policyVersion}`} data-testid="success-row">
                      <td className="nowrap">{bucketTitle(bucketKey(r.day), 'day').replace(' (UTC)', '')}</td>
                      <td className="policy-cell">
                        <span className="legend-mark mark-line" style={{ background: s?.color }} /> <span className="row-title">{d.title}</span>
                        <code className="slug" title={r.policyVersion}>
                          {r.policyVersion}
                        </code>
                      </td>
                      <td className="num">{r.impressions.toLocaleString('en')}</td>
                      <td className="num">{r.successes.toLocaleString('en')}</td>
                      <td className="num">
                        <strong>{formatPct(r.rate, 1)}</strong>
                      </td>
                      <td className="num muted">
                        {formatPct(r.lower, 1)}–{formatPct(r.upper, 1)}
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

/** One line per policy version over the days, with its 95% interval as a band (and whiskers at each point). */
function SuccessChart({ series, days }: { series: Series[]; days: number }) {
  const [hover, setHover] = useState<string | null>(null);
  const now = Date.now();
  const last = Math.max(now, ...series.flatMap((s) => s.points.map((p) => Date.parse(p.day))));
  // The API's window starts `days` before now, so it can reach into one more (partial) day.
  const keys = bucketRange(last - days * DAY, last, 'day').map((t) => bucketKey(t));
  const margins = { top: 16, right: 20, bottom: 48, left: 64 };
  const height = 300;
  const pointCount = series.reduce((a, s) => a + s.points.length, 0);
  return (
    <ChartBox
      height={height}
      label={`Success rate per day of ${series.length} policy versions, with 95% intervals`}
      testId="success-chart"
      data={{ points: pointCount }}
      onLeave={() => setHover(null)}
      render={(width) => {
        const right = width - margins.right;
        const bottom = height - margins.bottom;
        const x = bandScale(keys, [margins.left, right], 0.2, 0.1);
        const hi = Math.max(0.01, ...series.flatMap((s) => s.points.map((p) => p.upper)));
        const y = linearScale(0, hi, [bottom, margins.top], 5);
        const digits = pctDigits(y.ticks[1] - y.ticks[0]);
        // Points of different versions on the same day sit side by side, not on top of each other.
        const spread = Math.min(12, x.bandwidth / Math.max(2, series.length + 1));
        const px = (s: number, day: string) => x.mid(bucketKey(day)) + (s - (series.length - 1) / 2) * spread;
        let tooltip: TooltipData | null = null;
        if (hover) {
          const rows = series.flatMap((s) => s.points.filter((p) => bucketKey(p.day) === hover).map((p) => ({ s, p })));
          tooltip = {
            x: x.mid(hover),
            y: rows.length ? y(Math.max(...rows.map((r) => r.p.rate))) : margins.top + 20,
            title: bucketTitle(hover, 'day'),
            rows: rows.length
              ? rows.map(({ s, p }) => ({
                  label: clip(describePolicyVersion(s.version).title, 24),
                  value: `${formatPct(p.rate, 1)} (${formatPct(p.lower, 1)}–${formatPct(p.upper, 1)}), n ${p.impressions.toLocaleString('en')}`,
                  color: s.color,
                  mark: 'line' as const,
                }))
              : [{ label: 'No impressions', value: '—' }],
          };
        }
        // What a screen reader hears on a day's focusable area: the tooltip's figures, in words.
        const dayLabel = (k: string) => {
          const rows = series.flatMap((s) => s.points.filter((p) => bucketKey(p.day) === k).map((p) => ({ s, p })));
          const figures = rows.map(
            ({ s, p }) => `${describePolicyVersion(s.version).title} ${formatPct(p.rate, 1)} (95% ${formatPct(p.lower, 1)} to ${formatPct(p.upper, 1)})`,
          );
          return `${bucketTitle(k, 'day')}: ${figures.length ? figures.join('; ') : 'no impressions'}`;
        };
        return {
          tooltip,
          svg: (
            <>
              <YAxis scale={y} left={margins.left} right={right} format={(v) => formatPct(v, digits)} label="Success per impression" />
              <XBandAxis scale={x} y={bottom} format={(k) => bucketLabel(k, 'day')} label="Day (UTC)" />
              {hover && <Bar x={x(hover)} width={x.bandwidth} y={margins.top} height={bottom - margins.top} className="chart-hover-band" />}
              {series.map((s, si) => {
                const at = new Map(s.points.map((p) => [bucketKey(p.day), p]));
                // One point per day of the window; a day without data breaks the line and its band.
                const daily = { data: keys, defined: (k: string) => at.has(k), x: (k: string) => px(si, k) };
                return (
                  <Group key={s.version} data-testid="success-series" data-version={s.version}>
                    <Area {...daily} y0={(k) => y(at.get(k)!.lower)} y1={(k) => y(at.get(k)!.upper)} className="chart-band" style={{ fill: s.color }} />
                    <LinePath {...daily} y={(k) => y(at.get(k)!.rate)} className="chart-line" style={{ stroke: s.color }} />
                    {s.points.map((p) => (
                      <Group key={p.day}>
                        <Whisker at={px(si, p.day)} from={y(p.lower)} to={y(p.upper)} color={s.color} thin />
                        <Circle
                          cx={px(si, p.day)}
                          cy={y(p.rate)}
                          r={hover === bucketKey(p.day) ? 5.5 : 4}
                          className="chart-point"
                          style={{ fill: s.color }}
                          data-testid="chart-point"
                          data-series={s.version}
                          data-x={Date.parse(p.day)}
                          data-y={p.rate}
                          data-lower={p.lower}
                          data-upper={p.upper}
                          data-n={p.impressions}
                        />
                      </Group>
                    ))}
                  </Group>
                );
              })}
              {keys.map((k) => (
                <BandHit
                  key={k}
                  scale={x}
                  band={k}
                  top={margins.top}
                  bottom={bottom}
                  focusable={series.some((s) => s.points.some((p) => bucketKey(p.day) === k))}
                  label={dayLabel(k)}
                  onHover={setHover}
                />
              ))}
            </>
          ),
        };
      }}
    />
  );
}
