import { useLayoutEffect, useRef, useState, type CSSProperties, type ReactNode, type RefObject } from 'react';
import type { BandScale, LinearScale } from './scale';

/**
 * Building blocks of the Studio's charts, drawn as plain SVG: a box that measures its width, axes with ticks and
 * labels, a legend and a hover tooltip. Each chart composes them; data points are real SVG elements with data
 * attributes, so tests (and people with devtools) can read the numbers behind them.
 */

export interface TooltipRow {
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

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** The element's content width, kept up to date as the layout changes. */
export function useWidth<T extends HTMLElement>(fallback = 640): [RefObject<T | null>, number] {
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

/** Horizontal grid lines with tick labels on the left, and the axis title turned on its side. */
export function YAxis({
  scale,
  left,
  right,
  format,
  label,
  margins,
}: {
  scale: LinearScale;
  left: number;
  right: number;
  format(v: number): string;
  label?: string;
  margins: Margins;
}) {
  const [top, bottom] = [scale.range[1], scale.range[0]];
  return (
    <g className="chart-axis chart-y-axis" aria-hidden="true">
      {scale.ticks.map((t) => (
        <g key={t} transform={`translate(0, ${scale(t)})`}>
          <line x1={left} x2={right} className={t === 0 ? 'chart-baseline' : 'chart-grid'} />
          <text x={left - 8} dy="0.32em" textAnchor="end" className="chart-tick">
            {format(t)}
          </text>
        </g>
      ))}
      {label && (
        <text transform={`translate(${Math.max(12, margins.left - 52)}, ${(top + bottom) / 2}) rotate(-90)`} textAnchor="middle" className="chart-axis-label">
          {label}
        </text>
      )}
    </g>
  );
}

/** Labels under the bands of a band scale, thinned out so they never overlap. */
export function XBandAxis({
  scale,
  y,
  format,
  label,
  labelWidth = 52,
  right,
  ticks,
}: {
  scale: BandScale;
  y: number;
  format(key: string): string;
  label?: string;
  labelWidth?: number;
  right: number;
  /** Which keys get a label when only one in `every` fits (default: every `every`-th). */
  ticks?(every: number): (key: string) => boolean;
}) {
  const every = Math.max(1, Math.ceil(labelWidth / Math.max(1, scale.step)));
  const show = every > 1 && ticks ? ticks(every) : (_k: string, i: number) => i % every === 0;
  const left = scale.range[0];
  return (
    <g className="chart-axis chart-x-axis" aria-hidden="true">
      <line x1={left} x2={right} y1={y} y2={y} className="chart-baseline" />
      {scale.keys.map((k, i) =>
        show(k, i) ? (
          <g key={k} transform={`translate(${scale.mid(k)}, ${y})`}>
            <line y1={0} y2={4} className="chart-tick-mark" />
            <text y={16} textAnchor="middle" className="chart-tick">
              {format(k)}
            </text>
          </g>
        ) : null,
      )}
      {label && (
        <text x={(left + right) / 2} y={y + 34} textAnchor="middle" className="chart-axis-label">
          {label}
        </text>
      )}
    </g>
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
  const [l, r] = scale.range;
  return (
    <g className="chart-axis chart-x-axis" aria-hidden="true">
      {scale.ticks.map((t) => (
        <g key={t} transform={`translate(${scale(t)}, 0)`}>
          <line y1={top} y2={bottom} className={t === 0 ? 'chart-baseline' : 'chart-grid'} />
          <text y={bottom + 16} textAnchor="middle" className="chart-tick">
            {format(t)}
          </text>
        </g>
      ))}
      {label && (
        <text x={(l + r) / 2} y={bottom + 36} textAnchor="middle" className="chart-axis-label">
          {label}
        </text>
      )}
    </g>
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
