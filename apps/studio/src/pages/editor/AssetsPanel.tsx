import { useEffect, useState } from 'react';
import { fetchAssets, recheckAssets } from '../../api/catalog';
import { toApiError } from '../../api/client';
import type { AssetCheckStatus, AssetRole, AssetStatus } from '../../api/types';
import { Badge, type Tone } from '../../components/Badge';
import { Button } from '../../components/Button';
import { useToast } from '../../components/Toast';
import { Time } from '../../components/Time';
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../lib/hooks';

const TONE: Record<AssetCheckStatus, Tone> = { OK: 'success', UNREACHABLE: 'danger', PENDING: 'warning' };
const ROLE: Record<AssetRole, string> = { AUDIO: 'Audio', VIDEO: 'Video', ARTWORK: 'Artwork' };

/** Media of the latest version and the result of its last check; polls while any check is pending. */
export function AssetsPanel({
  itemId,
  assets,
  onAssets,
  canRecheck,
}: {
  itemId: string;
  assets: AssetStatus[];
  onAssets(a: AssetStatus[]): void;
  canRecheck: boolean;
}) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [polls, setPolls] = useState(0);
  /** After "Re-check": the check time each URL had, so it shows as pending until the worker writes a new result. */
  const [before, setBefore] = useState<Record<string, string | null> | null>(null);

  const shown = assets.map((a): AssetStatus =>
    before && a.url in before && before[a.url] === a.checkedAt ? { ...a, status: 'PENDING', error: null, httpStatus: null } : a,
  );
  const pending = shown.some((a) => a.status === 'PENDING');

  // Every 1.5 s while a check is pending, for at most 40 polls (a minute); a failed poll just polls again.
  const poll = useQuery({
    queryKey: [...keys.items, itemId, 'assets'],
    queryFn: () => fetchAssets(itemId),
    enabled: pending && polls < 40,
    refetchInterval: 1500,
    retry: true,
  });
  const polled = poll.data;
  const polledAt = poll.dataUpdatedAt;
  useEffect(() => {
    if (!polled) return;
    setPolls((n) => n + 1);
    onAssets(polled);
    // Once per answer (a new fetch time), not whenever the parent passes a new callback.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [polled, polledAt]);

  const recheck = async () => {
    setBusy(true);
    try {
      const current = await recheckAssets(itemId);
      setBefore(Object.fromEntries(current.map((a) => [a.url, a.checkedAt])));
      setPolls(0);
      onAssets(current);
      toast.show('Checking the media again…');
    } catch (e) {
      toast.error(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card side-card" data-testid="assets-panel">
      <div className="card-header">
        <h2>Media checks</h2>
        {canRecheck && assets.length > 0 && (
          <Button size="sm" icon="refresh" onClick={recheck} loading={busy || (pending && !!before && polls < 40)} data-testid="recheck-assets">
            Re-check
          </Button>
        )}
      </div>
      <div className="card-body">
        {shown.length === 0 ? (
          <p className="muted small">No media URLs in the latest version.</p>
        ) : (
          <ul className="asset-list">
            {shown.map((a) => (
              <li key={`${a.role}-${a.url}`} className="asset-row" data-testid="asset-row" data-status={a.status}>
                <div className="asset-head">
                  <span className="asset-role">{ROLE[a.role] ?? a.role}</span>
                  <Badge tone={TONE[a.status] ?? 'neutral'} testId="asset-status">
                    {a.status.toLowerCase()}
                    {a.httpStatus ? ` · ${a.httpStatus}` : ''}
                  </Badge>
                </div>
                <a className="asset-url" href={a.url} target="_blank" rel="noreferrer" title={a.url}>
                  {a.url}
                </a>
                {a.error && <p className="asset-error">{a.error}</p>}
                <div className="muted small">
                  {a.status === 'PENDING' ? (
                    'Waiting for the check…'
                  ) : (
                    <>
                      Checked <Time iso={a.checkedAt} />
                    </>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
