import { Group } from '@visx/group';
import { Bar, Circle, Line, LinePath } from '@visx/shape';
import { useState } from 'react';
import type { ContentTest, ContentTestDay } from '../../api/types';
import { BandHit, ChartBox, Legend, Whisker, XBandAxis, XLinearAxis, YAxis, clip, type TooltipData } from '../../components/charts/Chart';
import { CHART } from '../../components/charts/palette';
import { bandScale, bucketKey, bucketLabel, bucketRange, bucketTitle, formatCount, formatPct, linearScale, pctDigits } from '../../components/charts/scale';
import { formatShare, testStatusText } from '../surfaces/placementText';

const STATUS_COLOR: Record<string, string> = {
  RUNNING: CHART.accent,
  GRADUATED: CHART.success,
  UNDERPERFORMING: CHART.danger,
  INCONCLUSIVE: CHART.warning,
};

function testColor(status: string): string {
  return STATUS_COLOR[status] ?? CHART.accent;
}

function interval(r: { mean: number; lower: number; upper: number }, d = 1): string {
  return `${formatPct(r.mean, d)} (${formatPct(r.lower, d)}–${formatPct(r.upper, d)})`;
}

const ROW = 32;
const MAX_ROWS = 14;

/**
 * A forest plot of content tests on one surface: each test's success rate with its 90% interval (dot and whiskers),
 * against the control's interval as a shaded band. The selected test is highlighted; clicking a row selects it.
 */
export function TestIntervalChart({ tests, selectedId, onSelect }: { tests: ContentTest[]; selectedId: string | null; onSelect(id: string): void }) {
  const [hover, setHover] = useState<string | null>(null);
  // The selected test always shows, even when the surface has more tests than fit.
  const shown =
    tests.length <= MAX_ROWS ? tests : [...tests.filter((t) => t.id === selectedId), ...tests.filter((t) => t.id !== selectedId)].slice(0, MAX_ROWS);
  const control = tests[0]?.controlRate;
  const margins = { top: 34, right: 60, bottom: 48, left: 0 };
  const height = margins.top + shown.length * ROW + margins.bottom;

  return (
    <>
      <ChartBox
        height={height}
        label={`Success rate of ${shown.length} content tests against the control, with 90% intervals`}
        testId="test-interval-chart"
        data={{ points: shown.length }}
        onLeave={() => setHover(null)}
        render={(width) => {
          const left = Math.min(240, Math.max(140, Math.round(width * 0.34)));
          const m = { ...margins, left };
          const right = width - m.right;
          const hi = Math.max(control?.upper ?? 0, ...shown.map((t) => t.rate.upper), 0.01);
          const x = linearScale(0, hi, [left, right], width < 520 ? 4 : 6);
          const digits = pctDigits(x.ticks[1] - x.ticks[0]);
          const bottom = m.top + shown.length * ROW;
          const chars = Math.floor((left - 20) / 7.4);
          let tooltip: TooltipData | null = null;
          const hovered = shown.findIndex((t) => t.id === hover);
          if (hovered >= 0) {
            const t = shown[hovered];
            tooltip = {
              below: true,
              x: x(t.rate.mean),
              y: m.top + hovered * ROW + ROW / 2,
              title: t.item.title,
              rows: [
                { label: 'Success rate', value: interval(t.rate), color: testColor(t.status) },
                { label: 'Control', value: interval(t.controlRate), color: CHART.control },
                { label: 'P(beats control)', value: formatShare(t.probBeatsControl, 1) },
                { label: 'Impressions', value: `${t.impressions.toLocaleString('en')} / ${t.quota.toLocaleString('en')}` },
                { label: 'Status', value: testStatusText(t.status).label },
              ],
              note: 'Means with 90% intervals, per examined impression.',
            };
          }
          return {
            tooltip,
            svg: (
              <>
                <XLinearAxis scale={x} top={m.top - 6} bottom={bottom} format={(v) => formatPct(v, digits)} label="Success rate per examined impression" />
                {control && (
                  <Group className="chart-control" data-testid="control-band" data-lower={control.lower} data-upper={control.upper} data-mean={control.mean}>
                    <Bar
                      x={x(control.lower)}
                      width={Math.max(2, x(control.upper) - x(control.lower))}
                      y={m.top - 6}
                      height={bottom - m.top + 6}
                      className="chart-control-band"
                    />
                    <Line from={{ x: x(control.mean), y: m.top - 6 }} to={{ x: x(control.mean), y: bottom }} className="chart-control-mean" />
                    <text x={Math.min(Math.max(x(control.mean), left + 60), right - 60)} y={m.top - 12} textAnchor="middle" className="chart-annotation">
                      control {formatPct(control.mean, 1)}
                    </text>
                  </Group>
                )}
                <text x={width - 8} y={m.top - 12} textAnchor="end" className="chart-col-head">
                  P(beats)
                </text>
                {shown.map((t, i) => {
                  const y = m.top + i * ROW + ROW / 2;
                  const selected = t.id === selectedId;
                  const color = testColor(t.status);
                  const p = t.probBeatsControl;
                  return (
                    <Group
                      key={t.id}
                      className={`forest-row ${selected ? 'is-selected' : ''} ${hover === t.id ? 'is-hover' : ''}`}
                      data-testid="forest-row"
                      data-test-id={t.id}
                    >
                      {selected && <Bar x={0} y={y - ROW / 2} width={width} height={ROW} className="forest-row-bg" />}
                      <text x={left - 12} y={y} dy="0.32em" textAnchor="end" className="forest-label">
                        <title>{t.item.title}</title>
                        {clip(t.item.title, chars)}
                      </text>
                      <Whisker horizontal at={y} from={x(t.rate.lower)} to={x(t.rate.upper)} cap={5} color={color} />
                      <Circle
                        cx={x(t.rate.mean)}
                        cy={y}
                        r={selected ? 6.5 : 5}
                        className="chart-point"
                        style={{ fill: color }}
                        data-testid="chart-point"
                        data-x={t.rate.mean}
                        data-y={i}
                        data-lower={t.rate.lower}
                        data-upper={t.rate.upper}
                        data-test-id={t.id}
                      />
                      <text x={width - 8} y={y} dy="0.32em" textAnchor="end" className={`forest-prob ${p >= 0.9 ? 'is-good' : p <= 0.05 ? 'is-bad' : ''}`}>
                        {formatShare(p, 0)}
                      </text>
                      <Bar
                        x={0}
                        y={y - ROW / 2}
                        width={width}
                        height={ROW}
                        className="chart-hit"
                        tabIndex={0}
                        role="button"
                        aria-label={`${t.item.title}: ${interval(t.rate)} against control ${interval(t.controlRate)}`}
                        onMouseEnter={() => setHover(t.id)}
                        onFocus={() => setHover(t.id)}
                        onBlur={() => setHover(null)}
                        onClick={() => onSelect(t.id)}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter' || e.key === ' ') {
                            e.preventDefault();
                            onSelect(t.id);
                          }
                        }}
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
            { label: 'Running', color: STATUS_COLOR.RUNNING },
            { label: 'Graduated', color: STATUS_COLOR.GRADUATED },
            { label: 'Underperforming', color: STATUS_COLOR.UNDERPERFORMING },
            { label: 'Inconclusive', color: STATUS_COLOR.INCONCLUSIVE },
            { label: 'Control, 90% interval', color: CHART.controlBand, mark: 'band' },
          ]}
        />
        {tests.length > shown.length && (
          <span className="muted small">
            Showing {shown.length} of {tests.length} tests on this surface.
          </span>
        )}
      </div>
    </>
  );
}

/** One content test's impressions per day (bars, with successes darker) and in total against its quota (line). */
export function TestTimelineChart({ test, days, now = Date.now() }: { test: ContentTest; days: ContentTestDay[]; now?: number }) {
  const [hover, setHover] = useState<string | null>(null);
  const end = Math.max(...days.map((d) => Date.parse(d.day)), test.decidedAt ? Date.parse(test.decidedAt) : Math.min(now, Date.parse(test.endsBy)));
  const start = Math.min(Date.parse(test.startedAt), ...days.map((d) => Date.parse(d.day)));
  const keys = bucketRange(start, end, 'day').map((t) => bucketKey(t));
  const byDay = new Map(days.map((d) => [bucketKey(d.day), d]));
  let total = 0;
  const series = keys.map((k) => {
    const d = byDay.get(k);
    total += d?.impressions ?? 0;
    return { key: k, impressions: d?.impressions ?? 0, successes: d?.successes ?? 0, cumulative: total };
  });
  const margins = { top: 18, right: 18, bottom: 46, left: 66 };
  const height = 250;

  return (
    <>
      <ChartBox
        height={height}
        label={`Impressions per day of "${test.item.title}", and in total against its quota of ${test.quota}`}
        testId="test-timeline-chart"
        data={{ points: series.length }}
        onLeave={() => setHover(null)}
        render={(width) => {
          const right = width - margins.right;
          const bottom = height - margins.bottom;
          const x = bandScale(keys, [margins.left, right], 0.25, 0.15);
          const y = linearScale(0, Math.max(test.quota, total, 1), [bottom, margins.top], 5);
          const bw = Math.min(48, x.bandwidth);
          const h = series.find((s) => s.key === hover);
          const tooltip: TooltipData | null = h
            ? {
                x: x.mid(h.key),
                y: y(h.cumulative),
                title: bucketTitle(h.key, 'day'),
                rows: [
                  { label: 'Impressions that day', value: h.impressions.toLocaleString('en'), color: CHART.accentSoft, mark: 'bar' },
                  { label: 'Successes that day', value: h.successes.toLocaleString('en'), color: CHART.accent, mark: 'bar' },
                  {
                    label: 'Impressions so far',
                    value: `${h.cumulative.toLocaleString('en')} of ${test.quota.toLocaleString('en')}`,
                    color: CHART.accent,
                    mark: 'line',
                  },
                ],
              }
            : null;
          return {
            tooltip,
            svg: (
              <>
                <YAxis scale={y} left={margins.left} right={right} format={formatCount} label="Impressions" />
                <XBandAxis scale={x} y={bottom} format={(k) => bucketLabel(k, 'day')} label="Day (UTC)" />
                <Group className="chart-quota" data-testid="quota-line" data-y={test.quota}>
                  <Line from={{ x: margins.left, y: y(test.quota) }} to={{ x: right, y: y(test.quota) }} className="chart-ref-line" />
                  <text x={right - 4} y={y(test.quota) - 6} textAnchor="end" className="chart-annotation">
                    quota {test.quota.toLocaleString('en')}
                  </text>
                </Group>
                {series.map((s) => (
                  <Group key={s.key}>
                    <Bar
                      x={x.mid(s.key) - bw / 2}
                      width={bw}
                      y={y(s.impressions)}
                      height={bottom - y(s.impressions)}
                      className="chart-bar"
                      style={{ fill: CHART.accentFaint }}
                      data-testid="chart-bar"
                      data-x={Date.parse(s.key)}
                      data-y={s.impressions}
                    />
                    <Bar
                      x={x.mid(s.key) - bw / 2}
                      width={bw}
                      y={y(s.successes)}
                      height={bottom - y(s.successes)}
                      className="chart-bar"
                      style={{ fill: CHART.accentSoft }}
                    />
                  </Group>
                ))}
                <LinePath data={series} x={(s) => x.mid(s.key)} y={(s) => y(s.cumulative)} className="chart-line" style={{ stroke: CHART.accent }} />
                {series.map((s) => (
                  <Circle
                    key={s.key}
                    cx={x.mid(s.key)}
                    cy={y(s.cumulative)}
                    r={hover === s.key ? 5.5 : 4}
                    className="chart-point"
                    style={{ fill: CHART.accent }}
                    data-testid="chart-point"
                    data-x={Date.parse(s.key)}
                    data-y={s.cumulative}
                    data-day={s.key.slice(0, 10)}
                    data-impressions={s.impressions}
                    data-successes={s.successes}
                  />
                ))}
                {series.map((s) => (
                  <BandHit
                    key={s.key}
                    scale={x}
                    band={s.key}
                    top={margins.top}
                    bottom={bottom}
                    label={`${bucketTitle(s.key, 'day')}: ${s.impressions} impressions, ${s.successes} successes, ${s.cumulative} so far`}
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
            { label: 'Impressions per day', color: CHART.accentFaint, mark: 'bar' },
            { label: 'Successes per day', color: CHART.accentSoft, mark: 'bar' },
            { label: 'Impressions so far', color: CHART.accent, mark: 'line' },
            { label: 'Quota', color: CHART.muted, mark: 'dash' },
          ]}
        />
        {total !== test.impressions && (
          <span className="muted small" data-testid="timeline-note">
            Every impression of the item on this surface since the test started ({total.toLocaleString('en')}); the test counts those in its exploration slots (
            {test.impressions.toLocaleString('en')}).
          </span>
        )}
      </div>
    </>
  );
}
