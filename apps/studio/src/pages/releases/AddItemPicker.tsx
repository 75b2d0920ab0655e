import { useState } from 'react';
import { Link } from 'react-router-dom';
import { addToRelease, searchPickableItems, type PickableItem } from '../../api/launch';
import type { ReleaseActionKind, ReleaseDetail, ReviewDecision } from '../../api/types';
import { StateBadge } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { SearchPicker, usePickerSearch } from '../../components/SearchPicker';
import { useSubmit } from '../../lib/hooks';

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
  // Search again after each addition too: states and versions change.
  const picker = usePickerSearch(searchPickableItems, release.actions.length);
  const { results, resultsFor, error } = picker;
  // The head and the empty message name the query the rows answer, which lags the box while a search runs.
  const shown = (resultsFor ?? picker.q).trim();
  const inRelease = new Set(release.actions.map((a) => a.itemId));

  return (
    <SearchPicker
      picker={picker}
      className="release-picker"
      placeholder="Add items: search by title or slug…"
      label="Search items to add"
      testId="release-item-search"
    >
      <div className="picker-panel" data-testid="release-item-results" data-results-for={resultsFor ?? undefined} aria-busy={picker.searching}>
        <div className="picker-panel-head muted small">
          {shown ? `Items matching "${shown}"` : 'Recently updated items'} · publishing pins an approved version; unpublishing takes a live item down.
        </div>
        {error && <ErrorBanner error={error} onRetry={picker.retry} />}
        {results && results.length === 0 && <p className="muted picker-empty">No items match "{shown}".</p>}
        {results && results.length > 0 && (
          <ul className="pick-list">
            {results.map((it) => (
              <PickRow key={it.id} it={it} inRelease={inRelease.has(it.id)} releaseId={release.id} onAdded={onAdded} />
            ))}
          </ul>
        )}
        {!results && !error && <div className="picker-empty muted">Searching…</div>}
      </div>
    </SearchPicker>
  );
}
