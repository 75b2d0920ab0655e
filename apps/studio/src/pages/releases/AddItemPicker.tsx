import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { toApiError, type ApiError } from '../../api/client';
import { addToRelease, searchPickableItems, type PickableItem } from '../../api/launch';
import type { ReleaseActionKind, ReleaseDetail, ReviewDecision } from '../../api/types';
import { StateBadge } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import { useDebounced, useSubmit } from '../../lib/hooks';

interface Choice {
  value: string;
  label: string;
  action: ReleaseActionKind;
  version: number | null;
}

/** Approved versions, newest first: a version counts as approved when its latest review decision is APPROVED. */
function approvedVersions(it: PickableItem): number[] {
  const latest = new Map<number, ReviewDecision>();
  for (const r of [...it.reviews].sort((a, b) => b.at.localeCompare(a.at))) if (!latest.has(r.versionNumber)) latest.set(r.versionNumber, r.decision);
  return [...latest.entries()]
    .filter(([, d]) => d === 'APPROVED')
    .map(([v]) => v)
    .sort((a, b) => b - a);
}

function choicesFor(it: PickableItem): Choice[] {
  const out: Choice[] = approvedVersions(it).map((v, i) => ({
    value: `publish:${v}`,
    label: `Publish v${v}${i === 0 ? ' (latest approved)' : ''}${it.liveVersion?.number === v ? ' · already live' : ''}`,
    action: 'PUBLISH',
    version: v,
  }));
  if (it.liveVersion) out.push({ value: 'unpublish', label: `Unpublish (live v${it.liveVersion.number})`, action: 'UNPUBLISH', version: null });
  return out;
}

function unavailable(it: PickableItem, inRelease: boolean, choices: Choice[]): string | null {
  if (inRelease) return 'In this release';
  if (it.state === 'RETIRED' && !it.liveVersion) return 'Retired';
  if (!choices.length) return it.state === 'IN_REVIEW' ? 'Waiting for review' : 'No approved version';
  return null;
}

function PickRow({
  it,
  inRelease,
  releaseId,
  onAdded,
}: {
  it: PickableItem;
  inRelease: boolean;
  releaseId: string;
  onAdded(r: ReleaseDetail, label: string): void;
}) {
  const choices = choicesFor(it);
  const [choice, setChoice] = useState(choices[0]?.value ?? '');
  const { busy, error, submit: send } = useSubmit();
  const blocked = unavailable(it, inRelease, choices);
  const picked = choices.find((c) => c.value === choice) ?? choices[0];

  const add = async () => {
    if (!picked) return;
    await send(async () => {
      const r = await addToRelease(releaseId, it.id, picked.action, picked.version);
      onAdded(r, picked.action === 'PUBLISH' ? `Added "${it.title}" v${picked.version}.` : `Added "${it.title}" to unpublish.`);
    });
  };

  return (
    <li className="pick-row" data-testid="pick-row" data-slug={it.slug}>
      <div className="pick-main">
        <Link to={`/content/${it.id}`} className="row-title" target="_blank" rel="noreferrer">
          {it.title}
        </Link>
        <div className="muted small">
          <code className="slug-inline">{it.slug}</code> · v{it.latestVersionNumber}
          {it.liveVersion ? ` · live v${it.liveVersion.number}` : ' · not live'}
        </div>
        {error && <p className="field-error">{error.message}</p>}
      </div>
      <StateBadge state={it.state} />
      {blocked ? (
        <span className="pick-blocked muted small" data-testid="pick-unavailable">
          {blocked}
        </span>
      ) : (
        <div className="pick-actions">
          <select
            className="input select input-sm"
            aria-label={`What to do with ${it.title}`}
            value={picked?.value}
            onChange={(e) => setChoice(e.target.value)}
            data-testid="pick-choice"
          >
            {choices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          <Button size="sm" variant="primary" icon="plus" loading={busy} onClick={() => void add()} data-testid="pick-add">
            Add
          </Button>
        </div>
      )}
    </li>
  );
}

/** Search the catalogue and add items: publish an approved version (the latest by default) or unpublish a live item. */
export function AddItemPicker({ release, onAdded }: { release: ReleaseDetail; onAdded(r: ReleaseDetail, message: string): void }) {
  const [query, setQuery] = useState('');
  const q = useDebounced(query, 250);
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<PickableItem[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const ctrl = new AbortController();
    setSearching(true);
    setError(null);
    searchPickableItems(q, ctrl.signal)
      .then(setResults)
      .catch((e) => !ctrl.signal.aborted && setError(toApiError(e)))
      .finally(() => !ctrl.signal.aborted && setSearching(false));
    return () => ctrl.abort();
    // Search again after each addition too: states and versions change.
  }, [q, open, release.actions.length]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const inRelease = new Set(release.actions.map((a) => a.itemId));

  return (
    <div
      className="release-picker"
      ref={rootRef}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <div className="search-box">
        <Icon name="search" />
        <input
          className="input"
          placeholder="Add items: search by title or slug…"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          aria-label="Search items to add"
          data-testid="release-item-search"
        />
        {searching && <Spinner size={14} />}
      </div>
      {open && (
        <div className="picker-panel" data-testid="release-item-results">
          <div className="picker-panel-head muted small">
            {q.trim() ? `Items matching "${q.trim()}"` : 'Recently updated items'} · publishing pins an approved version; unpublishing takes a live item down.
          </div>
          {error && <ErrorBanner error={error} />}
          {results && results.length === 0 && <p className="muted picker-empty">No items match "{q}".</p>}
          {results && results.length > 0 && (
            <ul className="pick-list">
              {results.map((it) => (
                <PickRow key={it.id} it={it} inRelease={inRelease.has(it.id)} releaseId={release.id} onAdded={onAdded} />
              ))}
            </ul>
          )}
          {!results && !error && <div className="picker-empty muted">Searching…</div>}
        </div>
      )}
    </div>
  );
}
