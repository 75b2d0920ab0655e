import { Link } from 'react-router-dom';
import type { ContentTest, RateEstimate } from '../../api/types';
import { Badge } from '../../components/Badge';
import { SkeletonRows } from '../../components/Spinner';
import type { CsvColumn } from '../../lib/csv';
import { browserZone, formatInZone } from '../../lib/time';
import { decisionReasonLabel, formatShare, testStatusText } from '../surfaces/placementText';

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** "Nov 27" in the zone (the year too when it is not this year). */
function formatDay(iso: string, zone: string): string {
  const d = new Date(iso);
  const sameYear = d.getFullYear() === new Date().getFullYear();
  const key = `${zone}|${sameYear}`;
  let f = dayFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, month: 'short', day: 'numeric', year: sameYear ? undefined : 'numeric' });
    dayFormats.set(key, f);
  }
  return f.format(d);
}

function pct(x: number): string {
  return formatShare(x, x < 0.1 ? 1 : 0);
}

/** Two 90% intervals on one scale: the test item's (accent) above the control's (grey). */
function IntervalPlot({ rate, control }: { rate: RateEstimate; control: RateEstimate }) {
  const top = Math.max(rate.upper, control.upper, 0.0001) * 1.1;
  const at = (x: number) => `${Math.min(100, Math.max(0, (x / top) * 100))}%`;
  const row = (r: RateEstimate, cls: string) => (
    <div className={`interval-row ${cls}`}>
      <span className="interval-range" style={{ left: at(r.lower), width: `calc(${at(r.upper)} - ${at(r.lower)})` }} />
      <span className="interval-mean" style={{ left: at(r.mean) }} />
    </div>
  );
  return (
    <div
      className="interval-plot"
      aria-hidden="true"
      title={`Test ${pct(rate.lower)}–${pct(rate.upper)}; control ${pct(control.lower)}–${pct(control.upper)} (90% intervals)`}
    >
      {row(rate, 'is-test')}
      {row(control, 'is-control')}
    </div>
  );
}

/** A rate difference in percentage points, signed: "+1.2 pp". */
function signedPp(x: number): string {
  const v = x * 100;
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toLocaleString('en', { maximumFractionDigits: 1 })} pp`;
}

function probTone(p: number): string {
  if (p >= 0.9) return 'text-success';
  if (p <= 0.05) return 'text-danger';
  return '';
}

interface Props {
  tests: ContentTest[] | undefined;
  loading: boolean;
  /** Show which surface each test runs on (the analytics page; the surface page already says). */
  showSurface?: boolean;
  surfaceNames?: Record<string, string>;
  /** The test whose charts show (the analytics page); rows become selectable when `onSelect` is given. */
  selectedId?: string | null;
  onSelect?(id: string): void;
}

/** What the CSV export of a content-test table holds: everything the table shows, in full precision. */
export function contentTestCsvColumns(surfaceNames: Record<string, string> = {}): CsvColumn<ContentTest>[] {
  return [
    { header: 'surface', value: (t) => t.surfaceKey },
    { header: 'surface_name', value: (t) => surfaceNames[t.surfaceKey] ?? t.surfaceKey },
    { header: 'item_id', value: (t) => t.itemId },
    { header: 'item_title', value: (t) => t.item.title },
    { header: 'item_slug', value: (t) => t.item.slug },
    { header: 'item_kind', value: (t) => t.item.kind },
    { header: 'status', value: (t) => t.status },
    { header: 'impressions', value: (t) => t.impressions },
    { header: 'quota', value: (t) => t.quota },
    { header: 'successes', value: (t) => t.successes },
    { header: 'exposure', value: (t) => t.exposure },
    { header: 'rate_mean', value: (t) => t.rate.mean },
    { header: 'rate_lower_90', value: (t) => t.rate.lower },
    { header: 'rate_upper_90', value: (t) => t.rate.upper },
    { header: 'control_mean', value: (t) => t.controlRate.mean },
    { header: 'control_lower_90', value: (t) => t.controlRate.lower },
    { header: 'control_upper_90', value: (t) => t.controlRate.upper },
    { header: 'prob_beats_control', value: (t) => t.probBeatsControl },
    { header: 'started_at', value: (t) => t.startedAt },
    { header: 'ends_by', value: (t) => t.endsBy },
    { header: 'max_days', value: (t) => t.maxDays },
    { header: 'decision_reason', value: (t) => t.decisionReason },
    { header: 'decided_at', value: (t) => t.decidedAt },
    { header: 'estimate_rate_difference', value: (t) => t.evidence.estimate },
    { header: 'always_valid_lower', value: (t) => t.evidence.lower },
    { header: 'always_valid_upper', value: (t) => t.evidence.upper },
    { header: 'always_valid_p', value: (t) => t.evidence.alwaysValidP },
    { header: 'control_impressions', value: (t) => t.evidence.controlImpressions },
    { header: 'queue_position', value: (t) => t.queuePosition },
    { header: 'rule', value: (t) => t.rule },
  ];
}

/** One row per content test: progress to quota, success rate against control with intervals, the decision. */
export function ContentTestsTable({ tests, loading, showSurface, surfaceNames = {}, selectedId, onSelect }: Props) {
  const zone = browserZone();
  const cols = showSurface ? 7 : 6;
  return (
    <table
      className={`table tests-table ${showSurface ? 'with-surface' : ''} ${onSelect ? 'table-hover is-selectable' : ''}`}
      data-testid="content-tests-table"
    >
      <thead>
        <tr>
          <th>Item</th>
          {showSurface && <th>Surface</th>}
          <th>Impressions / quota</th>
          <th title="Successes per position-debiased exposure, with 90% intervals">Success rate vs control</th>
          <th className="num" title="Probability that the item's success rate beats the control's, position-debiased">
            P(beats control)
          </th>
          <th>Started</th>
          <th>Decision</th>
        </tr>
      </thead>
      <tbody className={loading && tests ? 'is-stale' : ''}>
        {!tests && loading && <SkeletonRows cols={cols} rows={4} />}
        {tests?.map((t) => {
          const st = testStatusText(t.status);
          const progress = t.quota > 0 ? Math.min(1, t.impressions / t.quota) : 0;
          const running = t.status === 'RUNNING';
          return (
            <tr
              key={t.id}
              data-testid="content-test-row"
              data-status={t.status}
              data-item-id={t.itemId}
              data-test-id={t.id}
              className={`${onSelect ? 'row-link' : ''} ${selectedId === t.id ? 'is-selected' : ''}`}
              aria-selected={onSelect ? selectedId === t.id : undefined}
              tabIndex={onSelect ? 0 : undefined}
              onClick={
                onSelect
                  ? (e) => {
                      if (!(e.target as HTMLElement).closest('a')) onSelect(t.id);
                    }
                  : undefined
              }
              onKeyDown={
                onSelect
                  ? (e) => {
                      if ((e.key === 'Enter' || e.key === ' ') && e.target === e.currentTarget) {
                        e.preventDefault();
                        onSelect(t.id);
                      }
                    }
                  : undefined
              }
            >
              <td className="title-cell">
                <Link to={`/content/${t.itemId}`} className="row-title truncate">
                  {t.item.title}
                </Link>
                <span className="row-sub truncate">
                  {t.item.kind.replace(/_/g, ' ')} · <code className="slug-inline">{t.item.slug}</code>
                </span>
              </td>
              {showSurface && (
                <td>
                  <Link to={`/surfaces/${t.surfaceKey}?tab=tests`}>{surfaceNames[t.surfaceKey] ?? t.surfaceKey}</Link>
                  <span className="row-sub">
                    <code className="slug-inline">{t.surfaceKey}</code>
                  </span>
                </td>
              )}
              <td className="quota-cell">
                <div className="quota-text">
                  <strong>{t.impressions.toLocaleString('en')}</strong> <span className="muted">/ {t.quota.toLocaleString('en')}</span>
                  <span className="muted small quota-pct">{Math.round(progress * 100)}%</span>
                </div>
                <div
                  className="progress"
                  role="progressbar"
                  aria-valuemin={0}
                  aria-valuemax={t.quota}
                  aria-valuenow={t.impressions}
                  aria-label="Impressions towards the quota"
                >
                  <div className={`progress-bar ${t.status === 'UNDERPERFORMING' ? 'is-failed' : ''}`} style={{ width: `${progress * 100}%` }} />
                </div>
                <span className="row-sub">{t.successes.toLocaleString('en')} successes</span>
              </td>
              <td className="rate-cell">
                <IntervalPlot rate={t.rate} control={t.controlRate} />
                <div className="rate-text small">
                  <span className="rate-test">
                    <strong>{pct(t.rate.mean)}</strong>{' '}
                    <span className="muted">
                      {pct(t.rate.lower)}–{pct(t.rate.upper)}
                    </span>
                  </span>
                  <span className="rate-control muted">
                    control {pct(t.controlRate.mean)}{' '}
                    <span>
                      {pct(t.controlRate.lower)}–{pct(t.controlRate.upper)}
                    </span>
                  </span>
                </div>
              </td>
              <td className={`num prob-cell ${probTone(t.probBeatsControl)}`} data-testid="prob-beats">
                {formatShare(t.probBeatsControl, 0)}
                <span
                  className="row-sub muted"
                  data-testid="evidence"
                  title={`${t.rule}. Difference of debiased success rates, with its always-valid interval; the test decides when the always-valid p reaches alpha. Control: ${t.evidence.controlImpressions.toLocaleString('en')} floor impressions since the test started.`}
                >
                  δ {signedPp(t.evidence.estimate)} ({signedPp(t.evidence.lower)} to {signedPp(t.evidence.upper)}) · p{' '}
                  {t.evidence.alwaysValidP < 0.001 ? '<0.001' : t.evidence.alwaysValidP.toFixed(3)}
                </span>
              </td>
              <td className="nowrap small" title={`Started ${formatInZone(t.startedAt, zone)}; ends by ${formatInZone(t.endsBy, zone)} at the latest`}>
                <div>{formatDay(t.startedAt, zone)}</div>
                <div className="muted">
                  {running ? 'ends by' : 'deadline'} {formatDay(t.endsBy, zone)}
                </div>
              </td>
              <td className="decision-cell">
                <Badge tone={st.tone} title={st.help} testId="test-status">
                  {st.label}
                </Badge>
                <span className="row-sub">
                  {running
                    ? `${t.queuePosition === null ? '' : t.queuePosition < 4 ? 'Served now · ' : `Waiting, #${t.queuePosition - 3} in line · `}Decides when the evidence is clear, at its quota or after ${t.maxDays} days`
                    : `${decisionReasonLabel(t.decisionReason)}${t.decidedAt ? `, ${formatDay(t.decidedAt, zone)}` : ''}`}
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** How to read the table; under it on both pages. */
export function ContentTestsFootnote() {
  return (
    <div className="tests-footnote small" data-testid="tests-footnote">
      <span className="interval-key">
        <span className="interval-plot is-key" aria-hidden="true">
          <span className="interval-row is-test">
            <span className="interval-range" style={{ left: '15%', width: '55%' }} />
            <span className="interval-mean" style={{ left: '42%' }} />
          </span>
        </span>
        the item
      </span>
      <span className="interval-key">
        <span className="interval-plot is-key" aria-hidden="true">
          <span className="interval-row is-control">
            <span className="interval-range" style={{ left: '25%', width: '30%' }} />
            <span className="interval-mean" style={{ left: '40%' }} />
          </span>
        </span>
        control
      </span>
      <span className="muted">
        Success rates are per examined impression (corrected for position), with 90% intervals. Each test's control is established items in random-floor slots
        at the positions tests use, since the test started. A sequential test (mSPRT) decides as soon as the always-valid p of the rate difference δ reaches
        alpha (graduated if δ is above 0, underperforming if below); a close call runs to its quota and ends inconclusive. The oldest running tests get the test
        slots first.
      </span>
    </div>
  );
}
