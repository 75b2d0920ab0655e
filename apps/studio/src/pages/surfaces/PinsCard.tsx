import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { pinItem, unpinItem } from '../../api/placement';
import type { ItemSummary, Surface, SurfacePin } from '../../api/types';
import { Badge, StateBadge } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { Field, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { useToast } from '../../components/Toast';
import { browserZone, formatCountdown, formatInZone } from '../../lib/time';
import { ItemSearchPicker } from './ItemSearchPicker';
import { useSubmit } from '../../lib/hooks';

type PinStatus = 'active' | 'upcoming' | 'ended';

export function pinStatus(p: SurfacePin, now = Date.now()): PinStatus {
  if (p.endsAt && new Date(p.endsAt).getTime() <= now) return 'ended';
  if (new Date(p.startsAt).getTime() > now) return 'upcoming';
  return 'active';
}

/** A datetime-local value (the browser's zone) as an ISO instant; '' → null, unparseable → undefined. */
function localToIso(local: string): string | null | undefined {
  if (!local.trim()) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

interface Props {
  surface: Surface;
  items: Record<string, ItemSummary>;
  canEdit: boolean;
  kindLabel(kind: string): string;
  onChanged(): Promise<void>;
  onItem(item: ItemSummary): void;
}

/** Pins hold an item at a position for a time window: a form to add one, and the current, future and past pins. */
export function PinsCard({ surface, items, canEdit, kindLabel, onChanged, onItem }: Props) {
  const toast = useToast();
  const zone = browserZone();
  const [item, setItem] = useState<ItemSummary | null>(null);
  const [position, setPosition] = useState('1');
  const [starts, setStarts] = useState('');
  const [ends, setEnds] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const { busy, error, submit: send, clearError } = useSubmit();
  const [removing, setRemoving] = useState<SurfacePin | null>(null);
  const [showEnded, setShowEnded] = useState(false);

  const now = Date.now();
  const sorted = [...surface.pins].sort((a, b) => a.position - b.position || a.startsAt.localeCompare(b.startsAt));
  const current = sorted.filter((p) => pinStatus(p, now) !== 'ended');
  const ended = sorted.filter((p) => pinStatus(p, now) === 'ended');
  const shown = showEnded ? [...current, ...ended] : current;
  const problems = { ...(error?.problemMap() ?? {}), ...local };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const startsAt = localToIso(starts);
    const endsAt = localToIso(ends);
    if (!item) errs.itemId = 'Search and choose the item to pin.';
    if (startsAt === undefined) errs.startsAt = 'Not a date and time.';
    if (endsAt === undefined) errs.endsAt = 'Not a date and time.';
    if (endsAt && new Date(endsAt).getTime() <= (startsAt ? new Date(startsAt).getTime() : Date.now()))
      errs.endsAt = startsAt ? 'Must be after the start.' : 'Must be in the future.';
    setLocal(errs);
    if (Object.keys(errs).length || !item) return;
    await send(async () => {
      await pinItem(surface.key, { itemId: item.id, position: Number(position), startsAt: startsAt ?? null, endsAt: endsAt ?? null });
      onItem(item);
      toast.success(`Pinned "${item.title}" at position ${position}.`);
      setItem(null);
      setStarts('');
      setEnds('');
      await onChanged();
    });
  };

  const windowText = (p: SurfacePin) => {
    const from = formatInZone(p.startsAt, zone, { weekday: false, seconds: false });
    return p.endsAt ? `${from} → ${formatInZone(p.endsAt, zone, { weekday: false, seconds: false })}` : `${from} → until removed`;
  };

  return (
    <section className="card" data-testid="pins-card">
      <div className="card-header">
        <h2>Pins</h2>
        <span className="muted small">Times in your zone, {zone}</span>
      </div>
      <div className="card-body form-stack pins-body">
        <p className="card-intro">
          A pin holds an item at one position for a time window, whatever the engine would have chosen (reason <em>Pinned</em>, propensity 100%). A pin is
          skipped, never an error, while its item is not live or not right for the user.
        </p>
        {canEdit && (
          <form className="pin-form" onSubmit={submit} noValidate data-testid="pin-form">
            {error && !error.problems.length && <ErrorBanner error={error} onDismiss={() => clearError()} />}
            <div className="pin-grid">
              <Field label="Item" error={problems.itemId}>
                {item ? (
                  <div className="picked-item input" data-testid="pin-item">
                    <span className="truncate">{item.title}</span>
                    <StateBadge state={item.state} />
                    <button type="button" className="icon-btn" aria-label="Choose another item" onClick={() => setItem(null)}>
                      <Icon name="x" size={14} />
                    </button>
                  </div>
                ) : (
                  <ItemSearchPicker placeholder="Search an item to pin…" onPick={setItem} kindLabel={kindLabel} testId="pin-search" />
                )}
              </Field>
              <Field label="Position" htmlFor="pin-position" error={problems.position}>
                <select id="pin-position" className="input select" value={position} onChange={(e) => setPosition(e.target.value)} data-testid="pin-position">
                  {Array.from({ length: surface.slots }, (_, i) => (
                    <option key={i + 1} value={i + 1}>
                      {i + 1}
                    </option>
                  ))}
                </select>
              </Field>
              <TextField label="From" id="pin-starts" error={problems.startsAt} hint="Empty: now" type="datetime-local" value={starts} onChange={setStarts} />
              <TextField
                label="Until"
                id="pin-ends"
                error={problems.endsAt}
                hint="Empty: until removed"
                type="datetime-local"
                value={ends}
                onChange={setEnds}
              />
              <div className="pin-submit">
                <Button type="submit" variant="primary" icon="pin" loading={busy} data-testid="pin-submit">
                  Pin
                </Button>
              </div>
            </div>
            {item && !item.liveVersion && <p className="muted small">“{item.title}” is not live yet: the pin takes effect once it is.</p>}
          </form>
        )}
      </div>
      {current.length === 0 && ended.length === 0 ? (
        <EmptyState icon="pin" title="No pins" testId="pins-empty">
          {canEdit
            ? 'The engine places every position. Pin an item above to hold a position for a campaign or an announcement.'
            : 'The engine places every position.'}
        </EmptyState>
      ) : (
        <>
          <table className="table pins-table" data-testid="pins-table">
            <thead>
              <tr>
                <th className="pos-head">Position</th>
                <th>Item</th>
                <th>Window</th>
                <th>Status</th>
                {canEdit && <th className="actions-col" />}
              </tr>
            </thead>
            <tbody>
              {shown.map((p) => {
                const it = items[p.itemId];
                const st = pinStatus(p, now);
                return (
                  <tr key={p.id} className={st === 'ended' ? 'is-muted' : ''} data-testid="pin-row" data-status={st} data-position={p.position}>
                    <td className="pin-position">{p.position}</td>
                    <td className="title-cell">
                      {it ? (
                        <>
                          <Link to={`/content/${p.itemId}`} className="row-title">
                            {it.title}
                          </Link>
                          <span className="row-sub">
                            {kindLabel(it.kind)} · <code className="slug-inline">{it.slug}</code>
                            {!it.liveVersion && <span className="text-warning"> · not live: skipped until it is</span>}
                          </span>
                        </>
                      ) : (
                        <span className="muted">Unknown item</span>
                      )}
                    </td>
                    <td className="nowrap small">{windowText(p)}</td>
                    <td className="nowrap">
                      {st === 'active' && <Badge tone="success">Active</Badge>}
                      {st === 'upcoming' && (
                        <Badge tone="purple" title={formatInZone(p.startsAt, zone)}>
                          Starts {formatCountdown(p.startsAt, now)}
                        </Badge>
                      )}
                      {st === 'ended' && <Badge tone="neutral">Ended</Badge>}
                    </td>
                    {canEdit && (
                      <td className="actions-col">
                        <button
                          type="button"
                          className="icon-btn icon-btn-danger"
                          aria-label={`Remove the pin at position ${p.position}`}
                          onClick={() => setRemoving(p)}
                          data-testid="unpin"
                        >
                          <Icon name="trash" size={15} />
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {ended.length > 0 && (
            <div className="table-footer">
              <button type="button" className="link-btn small" onClick={() => setShowEnded((s) => !s)} data-testid="toggle-ended-pins">
                {showEnded ? 'Hide ended pins' : `Show ${ended.length} ended ${ended.length === 1 ? 'pin' : 'pins'}`}
              </button>
            </div>
          )}
        </>
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove the pin at position ${removing.position}?`}
          confirmLabel="Remove pin"
          danger
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await unpinItem(removing.id);
            toast.success('Pin removed.');
            await onChanged();
          }}
        >
          <p>
            {items[removing.itemId] ? `“${items[removing.itemId].title}”` : 'The item'} stops being held at position {removing.position}; the engine places that
            position again from the next refresh, within seconds.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
