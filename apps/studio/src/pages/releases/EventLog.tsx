import type { ReleaseEvent } from '../../api/types';
import { Badge } from '../../components/Badge';
import { EmptyState } from '../../components/EmptyState';
import { JsonView } from '../../components/JsonView';
import { browserZone, formatInZone } from '../../lib/time';
import { eventLabel, eventTone } from './releaseText';

/** The execution log: every step of the release, oldest first, with the details the worker recorded. */
export function EventLog({ events }: { events: ReleaseEvent[] }) {
  const zone = browserZone();
  return (
    <section className="card" data-testid="event-log">
      <div className="card-header">
        <h2>Execution log</h2>
        <span className="muted small">Times in your zone ({zone})</span>
      </div>
      {events.length === 0 ? (
        <EmptyState icon="list" title="Nothing has happened yet" />
      ) : (
        <ol className="timeline">
          {events.map((e, i) => (
            <li key={`${e.at}-${i}`} className={`timeline-item tone-${eventTone(e.kind)}`} data-testid="event" data-kind={e.kind}>
              <span className="timeline-dot" aria-hidden="true" />
              <div className="timeline-body">
                <div className="timeline-head">
                  <Badge tone={eventTone(e.kind)}>{eventLabel(e.kind)}</Badge>
                  <time className="muted small" dateTime={e.at}>
                    {formatInZone(e.at, zone, { seconds: true })}
                  </time>
                </div>
                <p className="timeline-message">{e.message}</p>
                {e.details !== null && e.details !== undefined && (
                  <details className="timeline-details">
                    <summary>Details</summary>
                    <JsonView value={e.details} />
                  </details>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
