import { AxisBottom, AxisLeft } from '@visx/axis';
import { GridColumns, GridRows } from '@visx/grid';
import { Group } from '@visx/group';
import { Bar, Line } from '@visx/shape';
import { useLayoutEffect, useRef, useState, type CSSProperties, type ReactNode, type RefObject } from 'react';
import type { BandScale, LinearScale } from './scale';

/**
 * Building blocks of the Studio's charts, drawn in SVG with visx: a box that measures its width, axes with ticks and
 * labels, a legend and a hover tooltip. Each chart composes them; data points are real SVG elements with data
 * attributes, so tests (and people with devtools) can read the numbers behind them.
 */

interface TooltipRow {
  label: string;
  value: string;
  color?: string;
  /** Swatch shape in the tooltip. */
  mark?: 'dot' | 'bar' | 'line';
}

export interface TooltipData {
  /** Anchor in the chart's pixel space. */
  x: number;
  y: number;
  title: string;
  rows: TooltipRow[];
  note?: string;
  /** Below the anchor (so it does not hide a row), rather than beside it. */
  below?: boolean;
}

/** The element's content width, kept up to date as the layout changes. */
function useWidth<T extends HTMLElement>(fallback = 640): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(240, Math.floor(el.clientWidth)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

interface ChartBoxProps {
  height: number;
  /** What the chart shows, for screen readers. */
  label: string;
  testId?: string;
  render(width: number): { svg: ReactNode; tooltip?: TooltipData | null };
  onLeave?(): void;
  className?: string;
  /** Extra data attributes on the figure (e.g. the number of points). */
  data?: Record<string, string | number>;
}

export function ChartBox({ height, label, testId, render, onLeave, className, data }: ChartBoxProps) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const { svg, tooltip } = render(width);
  const dataAttrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, String(v)]));
  return (
    <div ref={ref} className={`chart ${className ?? ''}`} data-testid={testId} {...dataAttrs} onMouseLeave={onLeave}>
      {/* A group, not an img: an img's children are presentational, and these charts hold focusable points a keyboard
          user tabs through (each with its own label), which axe rightly calls nested-interactive under role="img". */}
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="group" aria-roledescription="chart" aria-label={label} className="chart-svg">
        {svg}
      </svg>
      {tooltip && <ChartTooltip data={tooltip} width={width} height={height} />}
    </div>
  );
}

/** The widest a tooltip gets; it is placed so this much fits. */
const TOOLTIP_WIDTH = 360;

function ChartTooltip({ data, width, height }: { data: TooltipData; width: number; height: number }) {
  const style: CSSProperties = { maxWidth: TOOLTIP_WIDTH };
  if (data.below) {
    style.left = Math.min(Math.max(4, data.x - 40), Math.max(4, width - TOOLTIP_WIDTH));
    style.top = data.y + 14;
  } else {
    // Beside the anchor: to its right, or to its left when it would not fit.
    if (data.x + 16 + TOOLTIP_WIDTH > width) style.right = Math.max(4, width - data.x + 16);
    else style.left = data.x + 16;
    style.top = Math.min(Math.max(4, data.y - 24), Math.max(4, height - 60));
  }
  return (
    <div className="chart-tooltip" style={style} role="status" data-testid="chart-tooltip">
      <div className="chart-tooltip-title">{data.title}</div>
      {data.rows.map((r, i) => (
        <div className="chart-tooltip-row" key={`${r.label}-${i}`}>
          {r.color && <span className={`legend-mark mark-${r.mark ?? 'dot'}`} style={{ background: r.color }} />}
          <span className="chart-tooltip-label">{r.label}</span>
          <span className="chart-tooltip-value">{r.value}</span>
        </div>
      ))}
      {data.note && <div className="chart-tooltip-note">{data.note}</div>}
    </div>
  );
}

/** What visx's grids hand a custom renderer: one line per tick, in the order of the tick values. */
interface GridLines {
  lines: { from: { x?: number; y?: number }; to: { x?: number; y?: number }; index: number }[];
}

/** Grid lines at the ticks, the one at zero drawn as the baseline. */
function gridLines(ticks: number[]) {
  return ({ lines }: GridLines) =>
    lines.map(({ from, to, index }) => <Line key={index} from={from} to={to} className={ticks[index] === 0 ? 'chart-baseline' : 'chart-grid'} />);
}

/** visx's Text defaults to 10px Arial in #222; the stylesheet sets the charts' own font, size and colour instead. */
const STYLED_TEXT = { fontFamily: undefined, fontSize: undefined, fill: undefined };
/** Tick labels left of the plot, centred on their tick: baseline 0.32em (half the cap height given) below it, as d3 does. */
const LEFT_TICK_LABEL = { ...STYLED_TEXT, className: 'chart-tick', textAnchor: 'end', dx: 0, dy: 0, verticalAnchor: 'middle', capHeight: '0.64em' } as const;
/** Ticks under the plot, 4px long: visx puts a label's baseline the tick length plus 10px below the axis; ours sit at 16px. */
const BOTTOM_TICKS = { tickLength: 4, tickLabelProps: { ...STYLED_TEXT, className: 'chart-tick', textAnchor: 'middle', dy: 16 - 4 - 10 } } as const;
/** An axis title in the stylesheet's font, size and colour. */
const TITLE = { labelClassName: 'chart-axis-label', labelProps: STYLED_TEXT };

/** Horizontal grid lines with tick labels on the left, and the axis title turned on its side. */
export function YAxis({ scale, left, right, format, label }: { scale: LinearScale; left: number; right: number; format(v: number): string; label?: string }) {
  return (
    <Group className="chart-axis chart-y-axis" aria-hidden="true">
      <GridRows scale={scale.visx} tickValues={scale.ticks} left={left} width={right - left}>
        {gridLines(scale.ticks)}
      </GridRows>
      <AxisLeft
        scale={scale.visx}
        tickValues={scale.ticks}
        left={left}
        hideAxisLine
        hideTicks
        tickLength={8}
        tickFormat={(v) => format(Number(v))}
        tickLabelProps={LEFT_TICK_LABEL}
        label={label}
        {...TITLE}
        // The title 52px left of the axis, or 12px from the chart's edge when the margin is narrower.
        labelOffset={Math.min(52, left - 12) - 8}
      />
    </Group>
  );
}

/** Labels under the bands of a band scale, thinned out so they never overlap. */
export function XBandAxis({
  scale,
  y,
  format,
  label,
  labelWidth = 52,
  ticks,
}: {
  scale: BandScale;
  y: number;
  format(key: string): string;
  label?: string;
  labelWidth?: number;
  /** Which keys get a label when only one in `every` fits (default: every `every`-th). */
  ticks?(every: number): (key: string) => boolean;
}) {
  const every = Math.max(1, Math.ceil(labelWidth / Math.max(1, scale.step)));
  const show = every > 1 && ticks ? ticks(every) : (_k: string, i: number) => i % every === 0;
  return (
    <Group className="chart-axis chart-x-axis" aria-hidden="true">
      <AxisBottom
        scale={scale.visx}
        top={y}
        tickValues={scale.keys.filter(show)}
        tickFormat={(k) => format(String(k))}
        {...BOTTOM_TICKS}
        tickLineProps={{ className: 'chart-tick-mark', strokeLinecap: 'butt' }}
        axisLineClassName="chart-baseline"
        label={label}
        {...TITLE}
        // The title's baseline 34px under the axis: tick length, offset and 10px.
        labelOffset={20}
      />
    </Group>
  );
}

/** Vertical grid lines with tick labels under the plot, for a linear x axis. */
export function XLinearAxis({
  scale,
  top,
  bottom,
  format,
  label,
}: {
  scale: LinearScale;
  top: number;
  bottom: number;
  format(v: number): string;
  label?: string;
}) {
  return (
    <Group className="chart-axis chart-x-axis" aria-hidden="true">
      <GridColumns scale={scale.visx} tickValues={scale.ticks} top={top} height={bottom - top}>
        {gridLines(scale.ticks)}
      </GridColumns>
      <AxisBottom
        scale={scale.visx}
        top={bottom}
        tickValues={scale.ticks}
        tickFormat={(v) => format(Number(v))}
        hideAxisLine
        hideTicks
        {...BOTTOM_TICKS}
        label={label}
        {...TITLE}
        // The title's baseline 36px under the axis: tick length, offset and 10px.
        labelOffset={22}
      />
    </Group>
  );
}

/**
 * An interval as a whisker in the series' colour: from `from` to `to` (pixels) along the value axis, at `at` across
 * it, with end caps `cap` pixels either side when asked for.
 */
export function Whisker({
  at,
  from,
  to,
  cap = 0,
  horizontal = false,
  color,
  thin = false,
}: {
  at: number;
  from: number;
  to: number;
  cap?: number;
  horizontal?: boolean;
  color: string;
  thin?: boolean;
}) {
  const point = (along: number, across: number) => (horizontal ? { x: along, y: across } : { x: across, y: along });
  const props = { className: thin ? 'chart-whisker chart-whisker-thin' : 'chart-whisker', style: { stroke: color } };
  return (
    <>
      <Line from={point(from, at)} to={point(to, at)} {...props} />
      {cap > 0 && <Line from={point(from, at - cap)} to={point(from, at + cap)} {...props} />}
      {cap > 0 && <Line from={point(to, at - cap)} to={point(to, at + cap)} {...props} />}
    </>
  );
}

/**
 * The hover and focus target of a band: its whole step (the band and half the gap either side), the plot's full
 * height. A band with a `label` is a labelled image a keyboard user tabs to; one without data can be left out of
 * the tab order.
 */
export function BandHit({
  scale,
  band,
  top,
  bottom,
  label,
  focusable = true,
  onHover,
}: {
  scale: BandScale;
  band: string;
  top: number;
  bottom: number;
  label?: string;
  focusable?: boolean;
  onHover(band: string | null): void;
}) {
  return (
    <Bar
      x={scale(band) - (scale.step - scale.bandwidth) / 2}
      width={scale.step}
      y={top}
      height={bottom - top}
      className="chart-hit"
      tabIndex={focusable ? 0 : -1}
      role={label ? 'img' : undefined}
      aria-label={label}
      onMouseEnter={() => onHover(band)}
      onFocus={() => onHover(band)}
      onBlur={() => onHover(null)}
    />
  );
}

export interface LegendItem {
  label: ReactNode;
  color: string;
  mark?: 'dot' | 'bar' | 'line' | 'dash' | 'band';
  title?: string;
  key?: string;
}

export function Legend({ items, testId = 'chart-legend' }: { items: LegendItem[]; testId?: string }) {
  return (
    <ul className="chart-legend" data-testid={testId}>
      {items.map((it, i) => (
        <li key={it.key ?? i} title={it.title}>
          <span className={`legend-mark mark-${it.mark ?? 'dot'}`} style={it.mark === 'dash' ? { borderColor: it.color } : { background: it.color }} />
          <span className="legend-label">{it.label}</span>
        </li>
      ))}
    </ul>
  );
}

/** Cut a label to fit about `max` characters. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}
