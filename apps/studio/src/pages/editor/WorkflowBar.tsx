import { Link } from 'react-router-dom';
import { fetchReviewActors } from '../../api/audit';
import { fetchItemWorkflow, submitForReview } from '../../api/launch';
import type { ItemDetail, ItemState, ItemWorkflow } from '../../api/types';
import { useCurrentUser } from '../../auth/AuthContext';
import { ReleaseStatusBadge, StateBadge } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { useToast } from '../../components/Toast';
import { Time } from '../../components/Time';
import { keys, useApiQuery, useSubmit } from '../../lib/hooks';
import { browserZone, formatInZone } from '../../lib/time';

interface Props {
  item: ItemDetail;
  dirty: boolean;
  readOnly: boolean;
  onState(state: ItemState): void;
}

function stepText(w: ItemWorkflow): string {
  const v = `v${w.latestVersionNumber}`;
  switch (w.state) {
    case 'DRAFT':
      return `${v} is a draft. Submit it for review when it is ready.`;
    case 'IN_REVIEW':
      return `${v} is waiting for a reviewer.`;
    case 'APPROVED':
      return `${v} is approved and can go into a release.`;
    case 'SCHEDULED':
      return `${v} is in a scheduled release.`;
    case 'LIVE':
      return `${v} is live.`;
    case 'RETIRED':
      return 'Unpublished. Edit it to start a new draft.';
    default:
      return '';
  }
}

/** Where the item stands in the launch workflow, which versions are live, approved and being worked on, and the next step. */
export function WorkflowBar({ item, dirty, readOnly, onState }: Props) {
  const user = useCurrentUser();
  const toast = useToast();
  // Keyed by the item's latest version and state, so a save or a review elsewhere reads them again.
  const version = [...keys.items, item.id, 'workflow', item.latestVersionNumber, item.state];
  const workflow = useApiQuery(version, () => fetchItemWorkflow(item.id));
  const wf: ItemWorkflow | null = workflow.data ?? null;
  const actors = useApiQuery([...version, 'review-actors'], () => fetchReviewActors({ entityId: item.id }, 50)).data ?? {};
  const { busy, error, submit: send, clearError } = useSubmit();
  const reviewer = user.role === 'ADMIN' || user.role === 'REVIEWER';

  const submit = async () => {
    await send(async () => {
      const w = await submitForReview(item.id, item.latestVersionNumber);
      workflow.setData(w);
      onState(w.state);
      toast.success(`Submitted v${item.latestVersionNumber} for review.`);
    });
  };

  if (!wf) return <div className="workflow-bar is-loading" aria-hidden="true" />;

  const latestReview = wf.reviews.find((r) => r.decision !== 'SUBMITTED');
  const reviewOfLatest = latestReview && latestReview.versionNumber === wf.latestVersionNumber ? latestReview : null;
  const pendingRelease = wf.releases.find((r) => r.state === 'SCHEDULED');
  const zone = browserZone();

  return (
    <>
      <section className="workflow-bar" data-testid="workflow-bar" data-state={wf.state}>
        <div className="workflow-main">
          <div className="workflow-line">
            <StateBadge state={wf.state} />
            <span className="workflow-step">{stepText(wf)}</span>
          </div>
          <div className="workflow-versions">
            <span className="wf-version" data-testid="wf-working">
              <span className="wf-label">Working</span> v{wf.latestVersionNumber}
            </span>
            <span className={`wf-version ${wf.approvedVersion ? 'is-approved' : 'is-none'}`} data-testid="wf-approved">
              <span className="wf-label">Approved</span> {wf.approvedVersion ? `v${wf.approvedVersion.number}` : 'none'}
            </span>
            <span className={`wf-version ${wf.liveVersion ? 'is-live' : 'is-none'}`} data-testid="wf-live">
              <span className="wf-label">Live</span> {wf.liveVersion ? `v${wf.liveVersion.number}` : 'none'}
            </span>
            {wf.releases.length > 0 && (
              <span className="wf-releases">
                <span className="wf-label">Releases</span>
                {wf.releases.slice(0, 3).map((r) => (
                  <Link
                    key={r.id}
                    to={`/releases/${r.id}`}
                    className="wf-release"
                    title={r.scheduledAt ? formatInZone(r.launchedAt ?? r.scheduledAt, zone) : undefined}
                  >
                    {r.name} <ReleaseStatusBadge status={r.state} testId="wf-release-status" />
                  </Link>
                ))}
                {wf.releases.length > 3 && <span className="muted small">+{wf.releases.length - 3}</span>}
              </span>
            )}
          </div>
          {reviewOfLatest && reviewOfLatest.decision === 'REJECTED' && (
            <div className="wf-review is-rejected" data-testid="wf-rejection">
              <Icon name="alert" size={14} />
              <span>
                <strong>Rejected</strong> v{reviewOfLatest.versionNumber}
                {actors[`${item.id}:rejected:${reviewOfLatest.versionNumber}`]
                  ? ` by ${actors[`${item.id}:rejected:${reviewOfLatest.versionNumber}`]}`
                  : ''}{' '}
                <Time iso={reviewOfLatest.at} />: “{reviewOfLatest.comment}”. Edit and save, then submit again.
              </span>
            </div>
          )}
          {latestReview && latestReview.decision === 'APPROVED' && (
            <div className="wf-review is-approved" data-testid="wf-approval">
              <Icon name="check" size={14} />
              <span>
                <strong>Approved</strong> v{latestReview.versionNumber}
                {actors[`${item.id}:approved:${latestReview.versionNumber}`] ? ` by ${actors[`${item.id}:approved:${latestReview.versionNumber}`]}` : ''}{' '}
                <Time iso={latestReview.at} />
                {latestReview.comment ? `: “${latestReview.comment}”` : ''}
              </span>
            </div>
          )}
        </div>
        <div className="workflow-actions">
          {!readOnly && wf.state === 'DRAFT' && (
            <Button
              variant="primary"
              icon="send"
              loading={busy}
              disabled={dirty}
              title={dirty ? 'Save your changes first: review applies to a saved version.' : undefined}
              onClick={() => void submit()}
              data-testid="submit-for-review"
            >
              Submit v{item.latestVersionNumber} for review
            </Button>
          )}
          {wf.state === 'IN_REVIEW' &&
            (reviewer ? (
              <Link to={`/review?item=${item.id}`} className="btn btn-primary" data-testid="open-review">
                <Icon name="review" /> Review v{wf.latestVersionNumber}
              </Link>
            ) : (
              <span className="muted small">A reviewer approves or rejects it.</span>
            ))}
          {!readOnly && wf.state === 'APPROVED' && !pendingRelease && (
            <Link to="/releases" className="btn btn-secondary" data-testid="go-releases">
              <Icon name="package" /> Add to a release
            </Link>
          )}
        </div>
      </section>
      {error && <ErrorBanner error={error} unplaced={error.problems} onDismiss={() => clearError()} />}
    </>
  );
}
