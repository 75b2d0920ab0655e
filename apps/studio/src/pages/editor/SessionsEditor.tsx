import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { searchItems } from '../../api/catalog';
import type { ContentKind, ItemSummary } from '../../api/types';
import { StateBadge } from '../../components/Badge';
import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import { useDebounced } from '../../lib/hooks';
import type { SessionRef } from './form';

const SESSION_KINDS = ['meditation', 'talk', 'music'];

interface Props {
  sessions: SessionRef[];
  onChange(next: SessionRef[]): void;
  selfId: string | null;
  kinds: ContentKind[];
  errors: Record<string, string>;
  readOnly: boolean;
}

/** A course's ordered sessions: pick items by search, reorder with the arrows. */
export function SessionsEditor({ sessions, onChange, selfId, kinds, errors, readOnly }: Props) {
  const [query, setQuery] = useState('');
  const q = useDebounced(query, 250);
  const [results, setResults] = useState<ItemSummary[] | null>(null);
  const [searching, setSearching] = useState(false);

  useEffect(() => {
    if (!q.trim()) {
      setResults(null);
      return;
    }
    const ctrl = new AbortController();
    setSearching(true);
    searchItems({ text: q, kinds: SESSION_KINDS }, 'TITLE_ASC', 8, null, ctrl.signal)
      .then((c) => setResults(c.edges.map((e) => e.node)))
      .catch(() => !ctrl.signal.aborted && setResults([]))
      .finally(() => !ctrl.signal.aborted && setSearching(false));
    return () => ctrl.abort();
  }, [q]);

  const move = (i: number, d: -1 | 1) => {
    const next = [...sessions];
    const [s] = next.splice(i, 1);
    next.splice(i + d, 0, s);
    onChange(next);
  };
  const add = (it: ItemSummary) => {
    if (!sessions.some((s) => s.id === it.id)) onChange([...sessions, { id: it.id, slug: it.slug, title: it.title, kind: it.kind }]);
    setQuery('');
    setResults(null);
  };
  const kindLabel = (k: string) => kinds.find((x) => x.key === k)?.label ?? k;

  return (
    <div className="sessions" id="f-sessions" tabIndex={-1} data-testid="sessions-editor">
      {sessions.length === 0 ? (
        <p className="muted sessions-empty">No sessions yet. A course needs at least one before it can launch.</p>
      ) : (
        <ol className="session-list">
          {sessions.map((s, i) => {
            const err = errors[`sessions[${i}]`];
            return (
              <li key={s.id} className={`session-row ${err ? 'has-error' : ''}`} data-testid="session-row">
                <span className="session-index">{i + 1}</span>
                <div className="session-main">
                  <div className="session-title">
                    {s.missing ? <span className="text-danger">Unknown item</span> : <Link to={`/content/${s.id}`}>{s.title}</Link>}
                  </div>
                  <div className="muted small">
                    <code>{s.slug}</code> · {kindLabel(s.kind)}
                  </div>
                  {err && <p className="field-error">{err}</p>}
                </div>
                {!readOnly && (
                  <div className="session-actions">
                    <button type="button" className="icon-btn" aria-label="Move up" disabled={i === 0} onClick={() => move(i, -1)}>
                      <Icon name="up" />
                    </button>
                    <button type="button" className="icon-btn" aria-label="Move down" disabled={i === sessions.length - 1} onClick={() => move(i, 1)}>
                      <Icon name="down" />
                    </button>
                    <button
                      type="button"
                      className="icon-btn icon-btn-danger"
                      aria-label="Remove session"
                      onClick={() => onChange(sessions.filter((x) => x.id !== s.id))}
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
      {errors.sessions && <p className="field-error">{errors.sessions}</p>}
      {!readOnly && (
        <div className="session-picker">
          <div className="search-box">
            <Icon name="search" />
            <input
              className="input"
              placeholder="Add a session: search meditations, talks and music…"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              data-testid="session-search"
            />
            {searching && <Spinner size={14} />}
          </div>
          {results && (
            <ul className="picker-results" data-testid="session-results">
              {results.length === 0 && <li className="muted picker-empty">No matching meditations, talks or music.</li>}
              {results.map((r) => {
                const taken = sessions.some((s) => s.id === r.id) || r.id === selfId;
                return (
                  <li key={r.id}>
                    <button type="button" disabled={taken} onClick={() => add(r)}>
                      <span className="picker-title">{r.title}</span>
                      <span className="muted small">
                        {kindLabel(r.kind)} · <code>{r.slug}</code>
                      </span>
                      <StateBadge state={r.state} />
                      {taken && <span className="muted small">added</span>}
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
