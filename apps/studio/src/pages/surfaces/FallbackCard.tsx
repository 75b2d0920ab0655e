import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { setSurfaceFallback } from '../../api/placement';
import type { ItemSummary, Surface } from '../../api/types';
import { StateBadge } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { useToast } from '../../components/Toast';
import { ItemSearchPicker } from './ItemSearchPicker';
import { useSubmit } from '../../lib/hooks';

const MAX_ITEMS = 200;

interface Props {
  surface: Surface;
  items: Record<string, ItemSummary>;
  canEdit: boolean;
  kindLabel(kind: string): string;
  onSaved(s: Surface): void;
  onItem(item: ItemSummary): void;
}

/** The editorial order served when the engine cannot answer: add by search, reorder with the arrows, save. */
export function FallbackCard({ surface, items, canEdit, kindLabel, onSaved, onItem }: Props) {
  const toast = useToast();
  const [order, setOrder] = useState<string[]>(surface.fallbackOrder);
  const { busy, error, submit: send, clearError } = useSubmit();

  useEffect(() => setOrder(surface.fallbackOrder), [surface.fallbackOrder]);

  const dirty = order.join(',') !== surface.fallbackOrder.join(',');
  const move = (i: number, d: -1 | 1) => {
    const next = [...order];
    const [id] = next.splice(i, 1);
    next.splice(i + d, 0, id);
    setOrder(next);
  };

  const save = async () => {
    await send(async () => {
      const s = await setSurfaceFallback(surface.key, order);
      onSaved(s);
      toast.success(`Saved the fallback order of "${surface.name}" (${order.length} ${order.length === 1 ? 'item' : 'items'}).`);
    });
  };

  return (
    <section className="card" data-testid="fallback-card" data-dirty={dirty}>
      <div className="card-header">
        <h2>Editorial fallback order</h2>
        {canEdit && dirty ? (
          <div className="row-actions">
            <span className="unsaved">Unsaved order</span>
            <Button size="sm" variant="ghost" onClick={() => setOrder(surface.fallbackOrder)} disabled={busy}>
              Discard
            </Button>
            <Button size="sm" variant="primary" loading={busy} onClick={() => void save()} data-testid="fallback-save">
              Save order
            </Button>
          </div>
        ) : (
          <span className="muted small">{order.length ? `${order.length} ${order.length === 1 ? 'item' : 'items'} first` : 'Newest live items first'}</span>
        )}
      </div>
      <div className="card-body form-stack">
        <p className="card-intro">
          The feed never fails and is never empty. When the engine cannot answer in time (the database is slow or down), clients get this order instead, with
          reason <em>Fallback</em>. The items below come first, in this order; the surface's other live items follow, newest first. Items that are not live, or
          not right for the user, are skipped.
        </p>
        {error && <ErrorBanner error={error} unplaced={error.problems} onDismiss={() => clearError()} />}
        {order.length === 0 ? (
          <p className="muted fallback-empty" data-testid="fallback-empty">
            No editorial order yet: the fallback serves the surface's live items, newest first.
          </p>
        ) : (
          <ol className="session-list fallback-list" data-testid="fallback-list">
            {order.map((id, i) => {
              const it = items[id];
              return (
                <li key={id} className="session-row" data-testid="fallback-row" data-item-id={id}>
                  <span className="session-index">{i + 1}</span>
                  <div className="session-main">
                    <div className="session-title">{it ? <Link to={`/content/${id}`}>{it.title}</Link> : <span className="muted">Unknown item</span>}</div>
                    {it && (
                      <div className="muted small">
                        {kindLabel(it.kind)} · <code className="slug-inline">{it.slug}</code>
                        {!it.liveVersion && <span className="text-warning"> · not live: skipped</span>}
                      </div>
                    )}
                  </div>
                  {it && <StateBadge state={it.state} />}
                  {canEdit && (
                    <div className="session-actions">
                      <button type="button" className="icon-btn" aria-label="Move up" disabled={i === 0} onClick={() => move(i, -1)} data-testid="fallback-up">
                        <Icon name="up" />
                      </button>
                      <button
                        type="button"
                        className="icon-btn"
                        aria-label="Move down"
                        disabled={i === order.length - 1}
                        onClick={() => move(i, 1)}
                        data-testid="fallback-down"
                      >
                        <Icon name="down" />
                      </button>
                      <button
                        type="button"
                        className="icon-btn icon-btn-danger"
                        aria-label="Remove from the fallback order"
                        onClick={() => setOrder(order.filter((x) => x !== id))}
                        data-testid="fallback-remove"
                      >
                        <Icon name="x" />
                      </button>
                    </div>
                  )}
                </li>
              );
            })}
          </ol>
        )}
        {canEdit && (
          <ItemSearchPicker
            placeholder={order.length >= MAX_ITEMS ? `The order holds at most ${MAX_ITEMS} items` : 'Add an item: search by title or slug…'}
            disabled={order.length >= MAX_ITEMS}
            taken={new Set(order)}
            takenLabel="in the order"
            kindLabel={kindLabel}
            onPick={(it) => {
              onItem(it);
              setOrder((o) => (o.includes(it.id) ? o : [...o, it.id]));
            }}
            testId="fallback-search"
          />
        )}
      </div>
    </section>
  );
}
