import { keys, useApiQuery } from '../../lib/hooks';
import { Link } from 'react-router-dom';
import { fetchItemReleases, rollbackRelease } from '../../api/launch';
import type { ReleaseDetail } from '../../api/types';
import { Banner } from '../../components/Banner';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { browserZone, formatInZone } from '../../lib/time';

interface Props {
  release: ReleaseDetail;
  /** Version id → number, to name the versions items return to. */
  versionNumbers: Record<string, number>;
  onClose(): void;
  onRolledBack(r: ReleaseDetail): void;
}

type Later = Record<string, { id: string; name: string; launchedAt: string | null }[]>;

/**
 * Says exactly what a rollback does to each item before doing it. When a later release has changed some of the
 * items, it names those releases and does not offer the rollback; a refusal that races in stays in the dialog.
 */
export function RollbackDialog({ release, versionNumbers, onClose, onRolledBack }: Props) {
  const actions = [...release.actions].sort((a, b) => (b.appliedOrder ?? 0) - (a.appliedOrder ?? 0));
  const blocked = release.actions.filter((a) => release.rollbackBlockers.includes(a.itemId));
  const zone = browserZone();
  // The later launched releases that changed a blocked item, named so the editor knows what to roll back first.
  const blockedIds = blocked.map((a) => a.itemId);
  const releases = useApiQuery([...keys.releases, 'later-than', release.id, blockedIds], () => fetchItemReleases(blockedIds), {
    enabled: blockedIds.length > 0,
  }).data;
  const later: Later = Object.fromEntries(
    Object.entries(releases ?? {}).map(([itemId, it]) => [
      itemId,
      it.releases.filter((r) => r.id !== release.id && r.state === 'LAUNCHED' && r.launchedAt && release.launchedAt && r.launchedAt > release.launchedAt),
    ]),
  );

  return (
    <ConfirmDialog
      title={`Roll back "${release.name}"?`}
      confirmLabel="Roll back release"
      danger
      confirmDisabled={blocked.length > 0}
      testId="rollback-dialog"
      onClose={onClose}
      onConfirm={async () => onRolledBack(await rollbackRelease(release.id))}
    >
      {blocked.length > 0 ? (
        <>
          <Banner tone="warning" title="This release can no longer be rolled back" testId="rollback-blockers">
            Later releases changed {blocked.length === 1 ? 'one of its items' : 'some of its items'}; going back to before this launch would overwrite them.
          </Banner>
          <ul className="rollback-list is-blocked" data-testid="rollback-blocked-items">
            {blocked.map((a) => (
              <li key={a.id}>
                <strong>{a.item.title}</strong>
                <span className="rollback-change">
                  {(later[a.itemId] ?? []).length
                    ? later[a.itemId].map((r, i) => (
                        <span key={r.id}>
                          {i > 0 && ', '}
                          changed by <Link to={`/releases/${r.id}`}>{r.name}</Link>{' '}
                          {r.launchedAt ? `(${formatInZone(r.launchedAt, zone, { weekday: false })})` : ''}
                        </span>
                      ))
                    : 'changed by a later release'}
                </span>
              </li>
            ))}
          </ul>
          <p className="muted small">Roll those releases back first, newest first, or publish the versions you want in a new release.</p>
        </>
      ) : (
        <>
          <p>Every item goes back to exactly what it was before this release launched, all in one transaction:</p>
          <ul className="rollback-list" data-testid="rollback-plan">
            {actions.map((a) => {
              const prior = a.priorLiveVersionId ? versionNumbers[a.priorLiveVersionId] : null;
              const current = a.item.liveVersion?.number ?? null;
              return (
                <li key={a.id} data-testid="rollback-plan-item">
                  <strong>{a.item.title}</strong>
                  <span className="rollback-change">
                    {current ? `live v${current}` : 'not live'} → {a.priorLiveVersionId ? <strong>back to v{prior ?? '?'}</strong> : <strong>not live</strong>}
                  </span>
                </li>
              );
            })}
          </ul>
          <p className="muted small">Drafts saved since the launch stay as they are. Webhooks receive release.rolled_back, and the audit log records it.</p>
        </>
      )}
    </ConfirmDialog>
  );
}
