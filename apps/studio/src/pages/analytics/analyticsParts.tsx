import type { ReactNode } from 'react';
import { NavLink, useSearchParams } from 'react-router-dom';
import { fetchSurfaces } from '../../api/placement';
import type { Surface } from '../../api/types';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Field } from '../../components/Field';
import { Icon, type IconName } from '../../components/Icon';
import { ANALYTICS_NAV } from '../../components/nav';
import { keys, useApiQuery, type QueryState } from '../../lib/hooks';

/** Pieces the analytics pages share: the surface and window pickers (kept in the URL) and a chart's empty state. */

export interface SurfaceChoice {
  surfaces: QueryState<Surface[]>;
  /** The chosen surface's key: the URL's, or the first surface. Null until surfaces load (or when there are none). */
  key: string | null;
  surface: Surface | undefined;
  params: URLSearchParams;
  /** Sets (or, with '' / null, removes) URL parameters, keeping the others. */
  update(patch: Record<string, string | number | null | undefined>): void;
}

const REMEMBERED = 'marquee.analytics.surface';

function remembered(): string | null {
  try {
    return localStorage.getItem(REMEMBERED);
  } catch {
    return null;
  }
}

/** The surface an analytics page shows: the URL's, else the one last chosen on any analytics page, else the first. */
export function useSurfaceChoice(): SurfaceChoice {
  const [params, setParams] = useSearchParams();
  const surfaces = useApiQuery(keys.surfaces, fetchSurfaces);
  const wanted = params.get('surface') ?? remembered();
  const surface = surfaces.data?.find((s) => s.key === wanted) ?? surfaces.data?.[0];
  const update = (patch: Record<string, string | number | null | undefined>) => {
    if (typeof patch.surface === 'string' && patch.surface) {
      try {
        localStorage.setItem(REMEMBERED, patch.surface);
      } catch {
        // Private windows may refuse storage; the URL still carries the choice.
      }
    }
    // From the address as it is now, not as this render saw it: two quick changes (pick a surface, then "per hour")
    // must both stick, and the second must not rebuild the query from before the first.
    const next = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === undefined || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    setParams(next, { replace: true });
  };
  return { surfaces, key: surface?.key ?? null, surface, params, update };
}

export function SurfaceSelect({ choice, testId = 'analytics-surface' }: { choice: SurfaceChoice; testId?: string }) {
  const list = choice.surfaces.data ?? [];
  return (
    <label className="inline-field">
      <span className="inline-field-label">Surface</span>
      <select
        className="input select input-sm"
        value={choice.key ?? ''}
        onChange={(e) => choice.update({ surface: e.target.value })}
        data-testid={testId}
        disabled={!list.length}
      >
        {!list.length && <option value="">{choice.surfaces.loading ? 'Loading…' : 'No surfaces'}</option>}
        {list.map((s) => (
          <option key={s.key} value={s.key}>
            {s.name} ({s.key})
          </option>
        ))}
      </select>
    </label>
  );
}

export interface SegmentOption<K extends string | number> {
  key: K;
  label: ReactNode;
  testId?: string;
  title?: string;
}

/** A row of mutually exclusive choices (radio buttons styled as a segmented control). */
export function Segmented<K extends string | number>({
  options,
  value,
  onChange,
  label,
  name,
}: {
  options: SegmentOption<K>[];
  value: K;
  onChange(k: K): void;
  label: string;
  name: string;
}) {
  return (
    <div className="segmented segmented-sm" role="radiogroup" aria-label={label}>
      {options.map((o) => (
        <label key={String(o.key)} className={`segment ${o.key === value ? 'is-active' : ''}`} title={o.title}>
          <input type="radio" name={name} checked={o.key === value} onChange={() => onChange(o.key)} data-testid={o.testId} />
          {o.label}
        </label>
      ))}
    </div>
  );
}

/** Reads a whole number from the URL, falling back when it is missing or not one of `allowed`. */
export function intParam(params: URLSearchParams, name: string, allowed: number[], fallback: number): number {
  const v = Number(params.get(name));
  return allowed.includes(v) ? v : fallback;
}

/** What a chart shows when it has nothing to draw yet: says why, and what makes data appear. */
export function ChartEmpty({
  title,
  children,
  icon = 'chart',
  testId = 'chart-empty',
}: {
  title: string;
  children?: ReactNode;
  icon?: IconName;
  testId?: string;
}) {
  return (
    <div className="chart-empty" data-testid={testId}>
      <span className="chart-empty-icon">
        <Icon name={icon} size={18} />
      </span>
      <div>
        <div className="chart-empty-title">{title}</div>
        {children && <p className="muted small">{children}</p>}
      </div>
    </div>
  );
}

/** Tabs across the analytics pages, above each page's title. */
export function AnalyticsNav() {
  return (
    <nav className="section-nav" aria-label="Analytics">
      {ANALYTICS_NAV.map((e) => (
        <NavLink key={e.to} to={e.to} className={({ isActive }) => `section-link ${isActive ? 'is-active' : ''}`} data-testid={e.testId}>
          <Icon name={e.icon} size={15} />
          {e.label}
        </NavLink>
      ))}
    </nav>
  );
}

/** The end of an analytics page's filter bar: a spacer, then Refresh for the page's data. */
/** A worker run's progress (0 to 1); a sliver shows from the start, so a queued run does not look empty. */
export function RunProgress({
  progress,
  label,
  className,
  testId,
  inline,
}: {
  progress: number;
  label: string;
  className: string;
  testId: string;
  inline?: boolean;
}) {
  const Tag = inline ? 'span' : 'div';
  return (
    <Tag
      className={`progress ${className}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(progress * 100)}
      aria-label={label}
      data-testid={testId}
    >
      <Tag className="progress-bar is-running" style={{ width: `${Math.max(3, progress * 100)}%` }} />
    </Tag>
  );
}

/** Why a "logs from the last N days" entry cannot be sent (a whole number from 1 to 90), or undefined. */
export function logDaysProblem(days: string): string | undefined {
  const d = Number(days);
  return !/^\d+$/.test(days.trim()) || d < 1 || d > 90 ? 'A whole number of days from 1 to 90.' : undefined;
}

/** How many days of logs a training or evaluation run reads; `id` is also the input's test id. */
export function LogDaysField({ id, value, onChange, error, hint }: { id: string; value: string; onChange(days: string): void; error?: string; hint: string }) {
  return (
    <Field label="Logs from the last" htmlFor={id} error={error} hint={hint}>
      <div className="unit-input">
        <input id={id} className="input" inputMode="numeric" value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={!!error} data-testid={id} />
        <span className="muted">days</span>
      </div>
    </Field>
  );
}

export function RefreshButton({ query }: { query: Pick<QueryState<unknown>, 'reload'> }) {
  return (
    <>
      <div className="filter-spacer" />
      <Button size="sm" variant="ghost" icon="refresh" onClick={() => void query.reload()}>
        Refresh
      </Button>
    </>
  );
}

/**
 * Under an analytics page's filter bar: what went wrong loading the surfaces or the page's data (each with a retry),
 * or, when there are no surfaces at all, where to create one. `perSurface` says what the page measures per surface.
 */
export function AnalyticsStatus({
  choice,
  query,
  perSurface,
}: {
  choice: SurfaceChoice;
  query: Pick<QueryState<unknown>, 'error' | 'reload'>;
  perSurface: string;
}) {
  return (
    <>
      {choice.surfaces.error && <ErrorBanner error={choice.surfaces.error} onRetry={() => void choice.surfaces.reload()} />}
      {query.error && <ErrorBanner error={query.error} onRetry={() => void query.reload()} />}
      {choice.surfaces.data && choice.surfaces.data.length === 0 && (
        <EmptyState icon="layers" title="No surfaces yet" testId="no-surfaces" level={2}>
          {perSurface} An admin creates surfaces under Insights → Surfaces.
        </EmptyState>
      )}
    </>
  );
}
