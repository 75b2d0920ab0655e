import { useEffect, useState } from 'react';
import { fetchDiff, fetchVersions, restoreVersion } from '../../api/catalog';
import type { FieldChange, ItemDetail } from '../../api/types';
import { Badge } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { LoadingState } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { Time } from '../../components/Time';
import { keys, useApiQuery } from '../../lib/hooks';
import { DiffTable } from './DiffTable';

interface Props {
  item: ItemDetail;
  canRestore: boolean;
  onRestored(item: ItemDetail): void;
}

/** Every version, a diff between any two, and "restore as draft". */
export function VersionHistory({ item, canRestore, onRestored }: Props) {
  const toast = useToast();
  const latest = item.latestVersionNumber;
  const live = item.liveVersion?.number ?? null;
  const versions = useApiQuery([...keys.items, item.id, 'versions', latest], () => fetchVersions(item.id));
  const [from, setFrom] = useState(Math.max(1, latest - 1));
  const [to, setTo] = useState(latest);
  const [restoring, setRestoring] = useState<number | null>(null);
  // A diff of one version with itself is empty without asking; another pair is fetched (and cached) per pair.
  const diffQuery = useApiQuery([...keys.items, item.id, 'diff', from, to], () => fetchDiff(item.id, from, to), {
    enabled: from !== to,
    keepPrevious: false,
  });
  const diff: FieldChange[] | null = from === to ? [] : (diffQuery.data ?? null);
  const diffError = from === to ? null : diffQuery.error;

  useEffect(() => {
    setFrom(Math.max(1, latest - 1));
    setTo(latest);
  }, [latest]);

  if (versions.error) return <ErrorBanner error={versions.error} onRetry={versions.reload} />;
  if (!versions.data) return <LoadingState label="Loading versions…" />;

  return (
    <div className="history" data-testid="version-history">
      <section className="card">
        <div className="card-header">
          <h2>Versions</h2>
          <span className="muted small">Every save is kept. Pick two versions to compare.</span>
        </div>
        <table className="table table-hover" data-testid="versions-table">
          <thead>
            <tr>
              <th className="radio-col" title="Compare from">
                From
              </th>
              <th className="radio-col" title="Compare to">
                To
              </th>
              <th>Version</th>
              <th>Author</th>
              <th>Saved</th>
              <th>Note</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {versions.data.map((v) => (
              <tr key={v.id} data-testid="version-row" data-version={v.number} className={v.number === from || v.number === to ? 'is-selected' : ''}>
                <td className="radio-col">
                  <input
                    type="radio"
                    name="diff-from"
                    aria-label={`Compare from v${v.number}`}
                    checked={from === v.number}
                    onChange={() => setFrom(v.number)}
                    data-testid={`diff-from-${v.number}`}
                  />
                </td>
                <td className="radio-col">
                  <input
                    type="radio"
                    name="diff-to"
                    aria-label={`Compare to v${v.number}`}
                    checked={to === v.number}
                    onChange={() => setTo(v.number)}
                    data-testid={`diff-to-${v.number}`}
                  />
                </td>
                <td className="nowrap">
                  <strong>v{v.number}</strong> {v.number === latest && <Badge tone="accent">latest</Badge>}{' '}
                  {v.number === live && <Badge tone="success">live</Badge>}
                </td>
                <td>{v.author?.displayName ?? <span className="muted">System</span>}</td>
                <td className="nowrap">
                  <Time iso={v.createdAt} />
                </td>
                <td data-testid="version-note">
                  {v.restoredFrom ? (
                    <Badge tone="info" testId="restored-from">
                      restored from v{v.restoredFrom}
                    </Badge>
                  ) : (
                    (v.note ?? <span className="muted">—</span>)
                  )}
                </td>
                <td className="actions-col">
                  {canRestore && v.number !== latest && (
                    <Button size="sm" icon="history" onClick={() => setRestoring(v.number)} data-testid={`restore-version-${v.number}`}>
                      Restore as draft
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card" data-testid="version-diff">
        <div className="card-header">
          <h2>
            Changes from v{from} to v{to}
          </h2>
          {diff && diff.length > 0 && <span className="muted small">{diff.length === 1 ? '1 field changed' : `${diff.length} fields changed`}</span>}
        </div>
        {diffError ? (
          <div className="card-body">
            <ErrorBanner error={diffError} />
          </div>
        ) : versions.data.length === 1 ? (
          <EmptyState icon="history" title="Only one version so far">
            Each save creates a new version. Once there are two, their differences show here.
          </EmptyState>
        ) : diff === null ? (
          <LoadingState label="Comparing…" />
        ) : diff.length === 0 ? (
          <EmptyState icon="check" title={from === to ? 'Pick two different versions' : 'No differences'}>
            {from === to ? 'Choose a "from" and a "to" version in the list above.' : `v${from} and v${to} have the same content.`}
          </EmptyState>
        ) : (
          <DiffTable changes={diff} />
        )}
      </section>

      {restoring !== null && (
        <ConfirmDialog
          title={`Restore version ${restoring} as a draft?`}
          confirmLabel="Restore as draft"
          testId="restore-dialog"
          onClose={() => setRestoring(null)}
          onConfirm={async () => {
            const updated = await restoreVersion(item.id, restoring);
            toast.success(`Restored v${restoring} as draft v${updated.latestVersionNumber}.`);
            onRestored(updated);
          }}
        >
          <p>
            This copies the content of <strong>v{restoring}</strong> into a new version, <strong>v{latest + 1}</strong>, which becomes the latest draft.
          </p>
          <p>
            <strong>Nothing is published.</strong>{' '}
            {live
              ? `The live version stays v${live} until a release launches another one.`
              : 'The item stays unpublished; launching still goes through review and a release.'}{' '}
            Versions 1 to {latest} stay in the history.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
