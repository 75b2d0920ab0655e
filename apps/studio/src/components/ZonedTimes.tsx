import { browserZone, formatInZone, offsetLabel, zoneAbbreviation } from '../lib/time';

interface ZonedTimesProps {
  /** The UTC instant. */
  instant: string;
  /** The zone the release is scheduled in. */
  releaseZone: string;
  /** The editor's zone; the browser's by default. */
  editorZone?: string;
  compact?: boolean;
  testId?: string;
}

/** "PST · UTC−08:00", or just the offset where English has no abbreviation for the zone. */
function zoneSuffix(instant: string, zone: string): string {
  const abbr = zoneAbbreviation(instant, zone);
  const offset = offsetLabel(instant, zone);
  return /^(GMT|UTC)/.test(abbr) ? offset : `${abbr} · ${offset}`;
}

/** One moment in the three zones that matter: the editor's, the release's, and UTC. */
export function ZonedTimes({ instant, releaseZone, editorZone = browserZone(), compact, testId = 'zoned-times' }: ZonedTimesProps) {
  const rows = [
    { key: 'editor', label: 'Your time', zone: editorZone },
    { key: 'release', label: 'Release zone', zone: releaseZone },
    { key: 'utc', label: 'UTC', zone: 'UTC' },
  ];
  return (
    <dl className={`zoned-times ${compact ? 'is-compact' : ''}`} data-testid={testId} data-instant={instant}>
      {rows.map((r) => (
        <div className="zoned-row" key={r.key} data-testid={`time-${r.key}`} data-zone={r.zone}>
          <dt>
            <span className="zoned-label">{r.label}</span>
            {r.key !== 'utc' && (
              <span className="zoned-zone" title={r.zone}>
                {r.zone}
              </span>
            )}
          </dt>
          <dd>
            <span className="zoned-value">{formatInZone(instant, r.zone)}</span>
            <span className="zoned-offset">{r.key === 'utc' ? 'UTC' : zoneSuffix(instant, r.zone)}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}
