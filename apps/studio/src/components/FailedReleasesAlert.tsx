import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { fetchFailedReleases } from '../api/launch';
import { keys, useApiQuery } from '../lib/hooks';
import { Banner } from './Banner';

const POLL_MS = 30_000;
const DISMISSED_KEY = 'marquee.dismissedFailedReleases';

function readDismissed(): string[] {
  try {
    return JSON.parse(sessionStorage.getItem(DISMISSED_KEY) ?? '[]') as string[];
  } catch {
    return [];
  }
}

/**
 * Editors are alerted in the Studio when a launch fails: a banner above every page while any release is failed,
 * linking to it. Dismissing hides those releases for this browser session; a new failure shows again.
 */
export function FailedReleasesAlert() {
  const location = useLocation();
  // A failed poll keeps the last answer: the banner is a hint, not the place to report a blip.
  const query = useApiQuery([...keys.releases, 'failed'], fetchFailedReleases, { refetchInterval: POLL_MS });
  const failed = query.data ?? [];
  const [dismissed, setDismissed] = useState<string[]>(readDismissed);

  // Again on every navigation, so the banner goes away as soon as a failed release is fixed or cancelled.
  const { reload } = query;
  useEffect(() => {
    void reload();
  }, [reload, location.pathname]);

  const visible = failed.filter((r) => !dismissed.includes(r.id));
  if (!visible.length) return null;
  // On the failed release's own page the page says it already.
  if (visible.length === 1 && location.pathname === `/releases/${visible[0].id}`) return null;

  const dismiss = () => {
    const next = [...new Set([...dismissed, ...visible.map((r) => r.id)])];
    sessionStorage.setItem(DISMISSED_KEY, JSON.stringify(next));
    setDismissed(next);
  };

  return (
    <div className="app-alert" data-testid="failed-release-alert">
      <Banner
        tone="error"
        title={visible.length === 1 ? `Release "${visible[0].name}" failed at launch` : `${visible.length} releases failed at launch`}
        onDismiss={dismiss}
        actions={
          visible.length === 1 ? (
            <Link to={`/releases/${visible[0].id}`} className="btn btn-secondary btn-sm" data-testid="failed-release-link">
              Open release
            </Link>
          ) : (
            <Link to="/releases?status=failed" className="btn btn-secondary btn-sm" data-testid="failed-release-link">
              See failed releases
            </Link>
          )
        }
      >
        Nothing was published. Fix what blocked {visible.length === 1 ? 'it' : 'them'}, then reschedule or launch again.
      </Banner>
    </div>
  );
}
