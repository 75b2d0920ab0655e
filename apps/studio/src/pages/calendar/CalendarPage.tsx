import { useEffect, useMemo, useRef, type CSSProperties } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { fetchReleases } from '../../api/launch';
import type { ReleaseState, ReleaseSummary } from '../../api/types';
import { releaseStatusLabel } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { Spinner } from '../../components/Spinner';
import { keys, useApiQuery, useDocumentTitle, useNow } from '../../lib/hooks';
import {
  addDays,
  browserZone,
  dayKey,
  dayOf,
  formatDay,
  formatInZone,
  formatTimeInZone,
  localDateTimeIn,
  parseDayKey,
  sameDay,
  startOfDayInstant,
  startOfWeek,
  weekdayIndex,
  zoneCity,
  type Day,
} from '../../lib/time';

type View = 'month' | 'week';

const HOUR_PX = 40;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
/** Releases that no longer apply do not conflict with anything. */
const INACTIVE: ReleaseState[] = ['CANCELLED', 'ROLLED_BACK'];

/** "1 AM" … "11 PM", like the times on the chips. */
function hourLabel(h: number): string {
  return `${h % 12 === 0 ? 12 : h % 12} ${h < 12 ? 'AM' : 'PM'}`;
}

/** The moment a release sits on in the calendar: when it launched, else when it is (or was) scheduled. */
function instantOf(r: ReleaseSummary): string | null {
  return r.launchedAt ?? r.scheduledAt;
}

export interface Conflict {
  itemId: string;
  title: string;
  releases: ReleaseSummary[];
}

/** The same item in two or more live-or-upcoming releases of the visible range: whichever launches later wins. */
function findConflicts(releases: ReleaseSummary[]): Conflict[] {
  const byItem = new Map<string, Conflict>();
  for (const r of releases) {
    if (INACTIVE.includes(r.state)) continue;
    for (const a of r.actions) {
      const c = byItem.get(a.itemId) ?? { itemId: a.itemId, title: a.item.title, releases: [] };
      if (!c.releases.includes(r)) c.releases.push(r);
      byItem.set(a.itemId, c);
    }
  }
  return [...byItem.values()]
    .filter((c) => c.releases.length > 1)
    .map((c) => ({ ...c, releases: [...c.releases].sort((a, b) => (instantOf(a) ?? '').localeCompare(instantOf(b) ?? '')) }));
}

function Chip({ r, zone, conflict, style, tall }: { r: ReleaseSummary; zone: string; conflict: boolean; style?: CSSProperties; tall?: boolean }) {
  const at = instantOf(r)!;
  return (
    <Link
      to={`/releases/${r.id}`}
      className={`cal-chip status-${r.state.toLowerCase()} ${conflict ? 'has-conflict' : ''} ${tall ? 'is-tall' : ''}`}
      style={style}
      title={`${r.name} · ${releaseStatusLabel(r.state)} · ${formatInZone(at, zone)}${r.timeZone && r.timeZone !== zone ? ` (${formatInZone(at, r.timeZone)} ${r.timeZone})` : ''} · ${r.actions.length} item(s)${conflict ? ' · shares an item with another release' : ''}`}
      data-testid="calendar-release"
      data-id={r.id}
      data-status={r.state}
      data-conflict={conflict ? 'true' : undefined}
    >
      {conflict && <Icon name="alert" size={12} className="cal-chip-alert" />}
      <span className="cal-chip-time">{formatTimeInZone(at, zone)}</span>
      <span className="cal-chip-name">{r.name}</span>
    </Link>
  );
}

function MonthGrid({
  days,
  month,
  byDay,
  zone,
  conflicted,
  today,
  onMore,
}: {
  days: Day[];
  month: number;
  byDay: Map<string, ReleaseSummary[]>;
  zone: string;
  conflicted: Set<string>;
  today: Day;
  onMore(d: Day): void;
}) {
  return (
    <div className="cal-month" data-testid="calendar-month">
      {WEEKDAYS.map((w) => (
        <div key={w} className="cal-weekday">
          {w}
        </div>
      ))}
      {days.map((d) => {
        const list = byDay.get(dayKey(d)) ?? [];
        const shown = list.length > 3 ? list.slice(0, 2) : list;
        return (
          <div
            key={dayKey(d)}
            className={`cal-cell ${d.m !== month ? 'is-outside' : ''} ${sameDay(d, today) ? 'is-today' : ''} ${weekdayIndex(d) >= 5 ? 'is-weekend' : ''}`}
            data-testid="calendar-day"
            data-day={dayKey(d)}
          >
            <span className="cal-daynum">{d.d}</span>
            <div className="cal-chips">
              {shown.map((r) => (
                <Chip key={r.id} r={r} zone={zone} conflict={conflicted.has(r.id)} tall />
              ))}
              {list.length > shown.length && (
                <button type="button" className="cal-more" onClick={() => onMore(d)}>
                  +{list.length - shown.length} more
                </button>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}

function WeekGrid({
  days,
  byDay,
  zone,
  conflicted,
  today,
  now,
}: {
  days: Day[];
  byDay: Map<string, ReleaseSummary[]>;
  zone: string;
  conflicted: Set<string>;
  today: Day;
  now: number;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const firstHour = useMemo(() => {
    let min = 8;
    for (const d of days)
      for (const r of byDay.get(dayKey(d)) ?? []) {
        const h = Number(localDateTimeIn(instantOf(r)!, zone).slice(11, 13));
        min = Math.min(min, h);
      }
    return Math.max(0, min - 1);
  }, [days, byDay, zone]);

  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = firstHour * HOUR_PX;
  }, [firstHour, days]);

  const minutesOf = (iso: string) => {
    const t = localDateTimeIn(iso, zone);
    return Number(t.slice(11, 13)) * 60 + Number(t.slice(14, 16));
  };

  return (
    <div className="cal-week" data-testid="calendar-week">
      <div className="cal-week-head">
        <div className="cal-gutter" />
        {days.map((d) => (
          <div key={dayKey(d)} className={`cal-week-day ${sameDay(d, today) ? 'is-today' : ''}`}>
            <span className="muted small">{WEEKDAYS[weekdayIndex(d)]}</span>
            <span className="cal-week-num">{d.d}</span>
          </div>
        ))}
      </div>
      <div className="cal-week-body" ref={scroller}>
        <div className="cal-week-grid" style={{ height: 24 * HOUR_PX }}>
          <div className="cal-gutter">
            {Array.from({ length: 24 }, (_, h) => (
              <span key={h} className="cal-hour" style={{ top: h * HOUR_PX }}>
                {h === 0 ? '' : hourLabel(h)}
              </span>
            ))}
          </div>
          {days.map((d) => {
            const list = (byDay.get(dayKey(d)) ?? []).map((r) => ({ r, min: minutesOf(instantOf(r)!) })).sort((a, b) => a.min - b.min);
            // Side by side when closer than an hour, so nothing hides behind anything else.
            const clusters: { r: ReleaseSummary; min: number }[][] = [];
            for (const e of list) {
              const last = clusters[clusters.length - 1];
              if (last && e.min - last[0].min < 60) last.push(e);
              else clusters.push([e]);
            }
            return (
              <div key={dayKey(d)} className={`cal-week-col ${sameDay(d, today) ? 'is-today' : ''}`} data-testid="calendar-day" data-day={dayKey(d)}>
                {sameDay(d, today) && <div className="cal-now" style={{ top: (minutesOf(new Date(now).toISOString()) * HOUR_PX) / 60 }} />}
                {clusters.flatMap((c) =>
                  c.map((e, i) => (
                    <Chip
                      key={e.r.id}
                      r={e.r}
                      zone={zone}
                      conflict={conflicted.has(e.r.id)}
                      tall
                      style={{
                        position: 'absolute',
                        top: (e.min * HOUR_PX) / 60,
                        left: `calc(${(i * 100) / c.length}% + 2px)`,
                        width: `calc(${100 / c.length}% - 4px)`,
                      }}
                    />
                  )),
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** Releases on their launch moments, month or week, in the editor's zone; shared items are flagged as conflicts. */
export function CalendarPage() {
  useDocumentTitle('Calendar');
  const navigate = useNavigate();
  const zone = browserZone();
  const [params, setParams] = useSearchParams();
  const view: View = params.get('view') === 'week' ? 'week' : 'month';
  const now = useNow(60_000);
  const today = dayOf(now, zone);
  const anchor = parseDayKey(params.get('date')) ?? today;

  const anchorKey = dayKey(anchor);
  const days = useMemo(() => {
    const anchor = parseDayKey(anchorKey)!;
    if (view === 'week') {
      const start = startOfWeek(anchor);
      return Array.from({ length: 7 }, (_, i) => addDays(start, i));
    }
    const first = { y: anchor.y, m: anchor.m, d: 1 };
    const start = startOfWeek(first);
    const out: Day[] = [];
    for (let d = start; out.length < 42; d = addDays(d, 1)) {
      if (out.length % 7 === 0 && out.length >= 28 && (d.m !== anchor.m || d.y !== anchor.y)) break;
      out.push(d);
    }
    return out;
  }, [view, anchorKey]);

  const from = startOfDayInstant(days[0], zone).toISOString();
  const to = startOfDayInstant(addDays(days[days.length - 1], 1), zone).toISOString();
  const releases = useApiQuery([...keys.releases, { from, to }], () => fetchReleases({ from, to }), { refetchInterval: 30_000 });
  const drafts = useApiQuery([...keys.releases, 'draft'], () => fetchReleases({ states: ['DRAFT'] }));

  const placed = useMemo(() => (releases.data ?? []).filter((r) => instantOf(r) && instantOf(r)! >= from && instantOf(r)! < to), [releases.data, from, to]);
  const byDay = useMemo(() => {
    const m = new Map<string, ReleaseSummary[]>();
    for (const r of [...placed].sort((a, b) => instantOf(a)!.localeCompare(instantOf(b)!))) {
      const k = dayKey(dayOf(instantOf(r)!, zone));
      m.set(k, [...(m.get(k) ?? []), r]);
    }
    return m;
  }, [placed, zone]);
  const conflicts = useMemo(() => findConflicts(placed), [placed]);
  const conflicted = useMemo(() => new Set(conflicts.flatMap((c) => c.releases.map((r) => r.id))), [conflicts]);

  const go = (next: { view?: View; date?: Day }) => {
    const p = new URLSearchParams(params);
    if (next.view) {
      if (next.view === 'week') p.set('view', 'week');
      else p.delete('view');
    }
    if (next.date) p.set('date', dayKey(next.date));
    setParams(p, { replace: true });
  };
  const step = (dir: -1 | 1) => {
    if (view === 'week') go({ date: addDays(anchor, dir * 7) });
    else {
      const m = anchor.m + dir;
      go({ date: { y: anchor.y + (m < 1 ? -1 : m > 12 ? 1 : 0), m: ((m + 11) % 12) + 1, d: 1 } });
    }
  };

  const title =
    view === 'month'
      ? formatDay(anchor, { month: 'long', year: 'numeric' })
      : `${formatDay(days[0], { month: 'short', day: 'numeric' })} – ${formatDay(days[6], { month: days[0].m === days[6].m ? undefined : 'short', day: 'numeric', year: 'numeric' })}`;

  return (
    <div className="page page-wide page-calendar">
      <PageHeader
        title="Launch calendar"
        subtitle={
          <>
            Releases at their scheduled or launch moment, in your zone: <strong>{zone}</strong>.
          </>
        }
        actions={
          <Link to="/releases" className="btn btn-secondary">
            <Icon name="package" /> All releases
          </Link>
        }
      />

      <div className="cal-toolbar">
        <div className="cal-nav">
          <button
            type="button"
            className="icon-btn"
            aria-label={view === 'week' ? 'Previous week' : 'Previous month'}
            onClick={() => step(-1)}
            data-testid="calendar-prev"
          >
            <Icon name="back" />
          </button>
          <button
            type="button"
            className="icon-btn"
            aria-label={view === 'week' ? 'Next week' : 'Next month'}
            onClick={() => step(1)}
            data-testid="calendar-next"
          >
            <Icon name="chevronRight" />
          </button>
          <Button size="sm" onClick={() => go({ date: today })} data-testid="calendar-today">
            Today
          </Button>
          <h2 className="cal-title" data-testid="calendar-title">
            {title}
          </h2>
          {releases.loading && <Spinner size={14} />}
        </div>
        {conflicts.length > 0 && (
          <a href="#conflicts" className="conflict-pill" data-testid="calendar-conflict-count">
            <Icon name="alert" size={14} /> {conflicts.length} {conflicts.length === 1 ? 'conflict' : 'conflicts'}
          </a>
        )}
        <div className="segmented" role="radiogroup" aria-label="View">
          {(['month', 'week'] as View[]).map((v) => (
            <label key={v} className={`segment ${view === v ? 'is-active' : ''}`}>
              <input type="radio" name="cal-view" checked={view === v} onChange={() => go({ view: v })} data-testid={`calendar-view-${v}`} />
              {v === 'month' ? 'Month' : 'Week'}
            </label>
          ))}
        </div>
      </div>

      {releases.error && <ErrorBanner error={releases.error} onRetry={() => void releases.reload()} />}
      <div className="card cal-card">
        {view === 'month' ? (
          <MonthGrid
            days={days}
            month={anchor.m}
            byDay={byDay}
            zone={zone}
            conflicted={conflicted}
            today={today}
            onMore={(d) => go({ view: 'week', date: d })}
          />
        ) : (
          <WeekGrid days={days} byDay={byDay} zone={zone} conflicted={conflicted} today={today} now={now} />
        )}
        <div className="cal-footer">
          <div className="cal-legend" aria-label="Legend">
            {(['SCHEDULED', 'LAUNCHED', 'FAILED', 'ROLLED_BACK', 'CANCELLED'] as ReleaseState[]).map((st) => (
              <span key={st} className={`cal-legend-item status-${st.toLowerCase()}`}>
                <span className="cal-legend-swatch" /> {releaseStatusLabel(st)}
              </span>
            ))}
            <span className="cal-legend-item has-conflict">
              <span className="cal-legend-swatch" /> Shares an item with another release
            </span>
          </div>
          <span className="muted small">
            {placed.length === 0 ? `Nothing scheduled or launched this ${view}.` : `${placed.length} ${placed.length === 1 ? 'release' : 'releases'} in view`}
          </span>
        </div>
      </div>

      <div className="cal-panels">
        <section className="card" id="conflicts" data-testid="calendar-conflicts">
          <div className="card-header">
            <h2>Conflicts in view</h2>
            <span className="muted small">The same item in two or more releases</span>
          </div>
          {conflicts.length === 0 ? (
            <EmptyState icon="check" title="No conflicts">
              No item is in more than one release in this {view}.
            </EmptyState>
          ) : (
            <ul className="conflict-list">
              {conflicts.map((c) => (
                <li key={c.itemId} data-testid="calendar-conflict" data-item-id={c.itemId}>
                  <Link to={`/content/${c.itemId}`} className="row-title">
                    {c.title}
                  </Link>
                  <ol className="conflict-releases">
                    {c.releases.map((r, i) => (
                      <li key={r.id}>
                        <span className={`cal-dot status-${r.state.toLowerCase()}`} />
                        <Link to={`/releases/${r.id}`}>{r.name}</Link>
                        <span className="muted small">
                          {releaseStatusLabel(r.state).toLowerCase()} · {formatInZone(instantOf(r)!, zone, { weekday: true })}
                          {i === c.releases.length - 1 ? ' · wins' : ''}
                        </span>
                      </li>
                    ))}
                  </ol>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" data-testid="calendar-drafts">
          <div className="card-header">
            <h2>Drafts</h2>
            <span className="muted small">Not on the calendar until scheduled</span>
          </div>
          {drafts.data && drafts.data.length === 0 && <EmptyState icon="calendar" title="No drafts" />}
          {drafts.data && drafts.data.length > 0 && (
            <ul className="draft-list">
              {drafts.data.map((r) => (
                <li key={r.id}>
                  <button type="button" className="draft-row" onClick={() => navigate(`/releases/${r.id}`)}>
                    <span className="row-title">{r.name}</span>
                    <span className="muted small">
                      {r.actions.length} {r.actions.length === 1 ? 'item' : 'items'}
                      {r.timeZone ? ` · last zone ${zoneCity(r.timeZone)}` : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
