import { useEffect, useMemo, useState } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { resolveScheduleTime, scheduleRelease } from '../../api/launch';
import { useTimeZones } from '../../lib/reference-data';
import type { ReleaseDetail, ScheduleResolution } from '../../api/types';
import { Banner, ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { Spinner } from '../../components/Spinner';
import { ZonedTimes } from '../../components/ZonedTimes';
import { ZonePicker } from '../../components/ZonePicker';
import { useDebounced, useSubmit } from '../../lib/hooks';
import { browserZone, formatCountdown, formatInZone, localDateTimeIn } from '../../lib/time';

interface Props {
  release: ReleaseDetail;
  onClose(): void;
  onScheduled(r: ReleaseDetail): void;
}

/** The next full hour at least 30 minutes away, as wall-clock time in the zone. */
function suggestedLocal(zone: string): string {
  const hour = 3_600_000;
  const t = Math.ceil((Date.now() + hour / 2) / hour) * hour;
  return localDateTimeIn(t, zone, false);
}

/**
 * Pick a wall-clock time and an IANA zone. The server resolves it as you type: one instant (shown in your zone, the
 * release's zone and UTC), a DST gap (refused, with the reason), or a DST overlap (choose which of the two).
 */
export function ScheduleDialog({ release, onClose, onScheduled }: Props) {
  const editorZone = browserZone();
  const rescheduling = release.state === 'SCHEDULED';
  const timeZones = useTimeZones();
  const zones = timeZones.data ?? [];
  const zonesError = timeZones.error;
  const [zone, setZone] = useState(rescheduling && release.timeZone ? release.timeZone : editorZone);
  const [local, setLocal] = useState(
    rescheduling && release.localTime ? release.localTime : suggestedLocal(rescheduling && release.timeZone ? release.timeZone : editorZone),
  );
  const [resolution, setResolution] = useState<ScheduleResolution | null>(null);
  const [resolving, setResolving] = useState(false);
  const [resolveError, setResolveError] = useState<ApiError | null>(null);
  const [offset, setOffset] = useState<number | null>(null);
  const { busy, error, submit: send, clearError } = useSubmit();
  const [now, setNow] = useState(Date.now());
  const key = useDebounced(`${zone}|${local}`, 250);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    const [z, l] = key.split('|');
    setOffset(null);
    if (!l) {
      setResolution(null);
      return;
    }
    const ctrl = new AbortController();
    setResolving(true);
    setResolveError(null);
    resolveScheduleTime(l, z, ctrl.signal)
      .then((r) => {
        setResolution(r);
        clearError();
      })
      .catch((e) => !ctrl.signal.aborted && setResolveError(toApiError(e)))
      .finally(() => !ctrl.signal.aborted && setResolving(false));
    return () => ctrl.abort();
  }, [key, clearError]);

  const settled = key === `${zone}|${local}` && !resolving;
  const chosen = resolution?.kind === 'AMBIGUOUS' ? resolution.options.find((o) => o.offsetMinutes === offset) : undefined;
  const instant = resolution?.kind === 'OK' ? resolution.instant : (chosen?.instant ?? null);
  const inPast = instant ? new Date(instant).getTime() < now + 5000 : false;
  const canSubmit = settled && !!instant;

  const suggestions = useMemo(
    () => [
      { zone: editorZone, note: 'your zone' },
      ...(release.timeZone && release.timeZone !== editorZone ? [{ zone: release.timeZone, note: 'current' }] : []),
      { zone: 'UTC', note: '' },
    ],
    [editorZone, release.timeZone],
  );

  const submit = async () => {
    if (!canSubmit) return;
    await send(async () => {
      const r = await scheduleRelease(release.id, { localDateTime: local, timeZone: zone, offsetMinutes: resolution?.kind === 'AMBIGUOUS' ? offset : null });
      onScheduled(r);
      onClose();
    });
  };

  return (
    <Modal
      title={rescheduling ? `Reschedule "${release.name}"` : `Schedule "${release.name}"`}
      onClose={onClose}
      size="lg"
      busy={busy}
      testId="schedule-dialog"
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button variant="primary" icon="calendar" loading={busy} disabled={!canSubmit} onClick={() => void submit()} data-testid="schedule-submit">
            {rescheduling ? 'Reschedule' : 'Schedule'}
          </Button>
        </>
      }
    >
      <div className="form-stack">
        {error && <ErrorBanner error={error} />}
        {zonesError && <ErrorBanner error={zonesError} />}
        <div className="schedule-inputs">
          <Field label="Time zone" htmlFor="schedule-zone" hint="The zone the release is scheduled in. Search a city, e.g. “Los Angeles”.">
            <ZonePicker id="schedule-zone" value={zone} zones={zones} onChange={setZone} suggested={suggestions} />
          </Field>
          <Field
            label="Date and time"
            htmlFor="schedule-local"
            hint={`Wall-clock time in ${zone}.`}
            error={resolution?.kind === 'INVALID' && settled ? (resolution.message ?? 'Not a valid time.') : undefined}
          >
            <input
              id="schedule-local"
              type="datetime-local"
              step={1}
              className="input"
              value={local}
              onChange={(e) => setLocal(e.target.value)}
              aria-invalid={resolution?.kind === 'INVALID' && settled}
              data-testid="schedule-local"
            />
          </Field>
        </div>

        <div className="schedule-result" data-testid="schedule-resolution" data-kind={settled ? (resolution?.kind ?? '') : 'pending'}>
          {resolveError && <ErrorBanner error={resolveError} />}
          {!resolution && !resolveError && (
            <div className="loading-inline muted">
              <Spinner size={14} /> Working out the moment…
            </div>
          )}
          {resolution?.kind === 'GAP' && (
            <Banner tone="error" title="This time does not exist" testId="schedule-gap">
              {resolution.message}
            </Banner>
          )}
          {resolution?.kind === 'AMBIGUOUS' && (
            <div className="form-stack">
              <Banner tone="warning" title="This time happens twice" testId="schedule-ambiguous">
                {resolution.message}
              </Banner>
              <fieldset className="offset-options" data-testid="offset-options">
                <legend className="field-label">Which one?</legend>
                {resolution.options.map((o, i) => (
                  <label key={o.offsetMinutes} className={`offset-option ${offset === o.offsetMinutes ? 'is-selected' : ''}`}>
                    <input
                      type="radio"
                      name="offset"
                      checked={offset === o.offsetMinutes}
                      onChange={() => setOffset(o.offsetMinutes)}
                      data-testid={`offset-option-${o.offsetMinutes}`}
                    />
                    <span>
                      <strong>{i === 0 ? 'The first time' : 'The second time'}</strong>{' '}
                      <span className="muted">({i === 0 ? 'before the clocks go back' : 'after the clocks go back'})</span>
                      <span className="offset-detail">
                        {o.label} · {formatInZone(o.instant, 'UTC', { weekday: false })} UTC
                      </span>
                    </span>
                  </label>
                ))}
              </fieldset>
            </div>
          )}
          {instant && (
            <div className={`schedule-moment ${resolving ? 'is-stale' : ''}`}>
              <div className="schedule-moment-head">
                <span className="field-label">Launches at</span>
                <span className={`countdown ${inPast ? 'text-danger' : ''}`} data-testid="schedule-countdown">
                  {inPast ? 'This moment has passed or is less than 5 s away' : formatCountdown(instant, now)}
                </span>
              </div>
              <ZonedTimes instant={instant} releaseZone={zone} editorZone={editorZone} />
            </div>
          )}
        </div>
      </div>
    </Modal>
  );
}
