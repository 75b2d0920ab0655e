import { Fragment, useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { toApiError } from '../../api/client';
import type { WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from '../../api/types';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  fetchWebhookDeliveries,
  fetchWebhookEndpoints,
  fetchWebhookEventTypes,
  redeliverWebhook,
  updateWebhookEndpoint,
} from '../../api/webhooks';
import { Badge, type Tone } from '../../components/Badge';
import { Banner, ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { SecretReveal } from '../../components/CopyButton';
import { EmptyState } from '../../components/EmptyState';
import { Field, TextField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { Icon } from '../../components/Icon';
import { JsonView } from '../../components/JsonView';
import { Modal } from '../../components/Modal';
import { PageHeader } from '../../components/PageHeader';
import { SkeletonRows, Spinner } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { Time } from '../../components/Time';
import { keys, useApiQuery, useDocumentTitle, useSubmit } from '../../lib/hooks';
import { browserZone, formatInZone } from '../../lib/time';

const DELIVERY_TONE: Record<WebhookDeliveryStatus, Tone> = { DELIVERED: 'success', FAILED: 'danger', RETRYING: 'warning', PENDING: 'info' };

const CODE_SAMPLE = `const ts = headers['x-marquee-timestamp'];
const sig = headers['x-marquee-signature'];
const mac = crypto
  .createHmac('sha256', secret)
  .update(\`\${ts}.\${rawBody}\`)
  .digest('hex');
const ok = safeEqual(sig, 'v1=' + mac)
  && Date.now() / 1000 - ts < 300;`;

/** How a receiver checks that a request came from Marquee; on the page and again when the secret is shown. */
function SignatureHelp({ compact }: { compact?: boolean }) {
  const text = (
    <div className="signature-text">
      <p>Every request carries these headers:</p>
      <ul className="help-list">
        <li>
          <code>x-marquee-timestamp</code>: Unix seconds
        </li>
        <li>
          <code>x-marquee-signature</code>: <code>v1=&lt;hex&gt;</code>
        </li>
        <li>
          <code>x-marquee-event-id</code>: the same on every retry, to deduplicate
        </li>
      </ul>
      <p>
        The hex is HMAC-SHA256 with the endpoint's secret over <code>{'${x-marquee-timestamp}.${rawBody}'}</code>. Recompute it from the raw body (before JSON
        parsing), compare in constant time, and refuse timestamps older than 5 minutes.
      </p>
      {!compact && (
        <p className="muted small">
          Answer 2xx within 10 s. Anything else is retried with exponential backoff, at least 5 times. A webhook never delays or blocks a launch.
        </p>
      )}
    </div>
  );
  if (compact) {
    return (
      <details className="signature-details">
        <summary>How to verify a signature</summary>
        {text}
        <pre className="json-view code-sample">{CODE_SAMPLE}</pre>
      </details>
    );
  }
  return (
    <section className="card" id="verify" data-testid="signature-help">
      <div className="card-header">
        <h2>How to verify a signature</h2>
        <span className="muted small">In your receiver, before trusting the body</span>
      </div>
      <div className="card-body signature-help">
        {text}
        <pre className="json-view code-sample">{CODE_SAMPLE}</pre>
      </div>
    </section>
  );
}

function EndpointDialog({ eventTypes, onClose, onCreated }: { eventTypes: string[]; onClose(): void; onCreated(ep: WebhookEndpoint): void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const { busy, error, submit: send } = useSubmit();
  const [created, setCreated] = useState<{ endpoint: WebhookEndpoint; secret: string } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await send(async () => {
      const r = await createWebhookEndpoint({ url: url.trim(), description: description.trim() || null, events });
      setCreated(r);
      onCreated(r.endpoint);
    });
  };

  if (created) {
    return (
      <Modal
        title="Endpoint added"
        onClose={onClose}
        testId="webhook-secret-dialog"
        footer={
          <Button variant="primary" onClick={onClose} data-testid="done">
            I have stored the secret
          </Button>
        }
      >
        <div className="form-stack">
          <Banner tone="warning" title="Copy the signing secret now">
            This is the only time Marquee shows it. Your receiver needs it to check that requests really come from Marquee. If you lose it, delete the endpoint
            and add it again.
          </Banner>
          <SecretReveal
            label={`Signing secret for ${created.endpoint.url}`}
            secret={created.secret}
            testId="webhook-secret"
            warning="Keep it in your receiver's secret store, never in source control."
          />
          <SignatureHelp compact />
        </div>
      </Modal>
    );
  }

  const problems = error?.problemMap() ?? {};
  return (
    <FormDialog
      title="New webhook endpoint"
      testId="create-webhook-dialog"
      busy={busy}
      onClose={onClose}
      onSubmit={submit}
      formId="webhook-form"
      submitLabel="Add endpoint"
      submitTestId="create-webhook-submit"
      error={error}
      placed={['url', 'events']}
    >
      <TextField
        label="URL"
        id="webhook-url"
        requirement="required"
        error={problems.url}
        hint="Your receiver's full address. Marquee POSTs JSON to it."
        inputClassName="input mono"
        type="url"
        placeholder="https://example.com/hooks/marquee"
        value={url}
        onChange={setUrl}
      />
      <Field label="Description" htmlFor="webhook-description" requirement="optional" hint='Who owns it, e.g. "Slack relay (growth team)".'>
        <input
          id="webhook-description"
          className="input"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          data-testid="webhook-description"
        />
      </Field>
      <Field label="Events" error={problems.events} hint="Leave all unchecked to receive every event, including types added later.">
        <div className="event-checks">
          {eventTypes.map((t) => (
            <label key={t} className="check">
              <input
                type="checkbox"
                checked={events.includes(t)}
                onChange={(e) => setEvents((ev) => (e.target.checked ? [...ev, t] : ev.filter((x) => x !== t)))}
                data-testid={`webhook-event-${t}`}
              />
              <code>{t}</code>
            </label>
          ))}
        </div>
      </Field>
    </FormDialog>
  );
}

function DeliveryRow({ d, endpoint, onUpdated }: { d: WebhookDelivery; endpoint: WebhookEndpoint | undefined; onUpdated(d: WebhookDelivery): void }) {
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const zone = browserZone();
  const last = d.attemptLog[d.attemptLog.length - 1];

  const again = async () => {
    setBusy(true);
    try {
      onUpdated(await redeliverWebhook(d.id));
      toast.success(`Sending ${d.eventType} again, with the same event id.`);
    } catch (e) {
      toast.error(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Fragment>
      <tr className={`audit-row ${open ? 'is-open' : ''}`} data-testid="delivery-row" data-status={d.status}>
        <td className="expand-col">
          <button
            type="button"
            className="icon-btn"
            aria-expanded={open}
            aria-label={open ? 'Hide attempts' : 'Show attempts and payload'}
            onClick={() => setOpen((o) => !o)}
            data-testid="delivery-expand"
          >
            <Icon name={open ? 'down' : 'chevronRight'} size={14} />
          </button>
        </td>
        <td>
          <code>{d.eventType}</code>
          <div className="row-sub truncate">
            <Time iso={d.createdAt} />
            {endpoint ? ` · ${endpoint.url}` : ''}
          </div>
        </td>
        <td className="nowrap">
          <Badge tone={DELIVERY_TONE[d.status] ?? 'neutral'}>{d.status.toLowerCase()}</Badge>
          <div className="row-sub">{d.attempts === 1 ? '1 try' : `${d.attempts} tries`}</div>
        </td>
        <td className="small">
          {d.lastStatusCode ? <span className={d.lastStatusCode < 300 ? 'text-success' : 'text-danger'}>HTTP {d.lastStatusCode}</span> : null}
          {d.lastError && (
            <div className="text-danger truncate delivery-error" title={d.lastError}>
              {d.lastError}
            </div>
          )}
          {!d.lastStatusCode && !d.lastError && <span className="muted">{last ? '—' : 'not tried yet'}</span>}
        </td>
        <td className="actions-col">
          <Button size="sm" icon="send" loading={busy} disabled={d.status === 'PENDING'} onClick={() => void again()} data-testid="redeliver">
            Send again
          </Button>
        </td>
      </tr>
      {open && (
        <tr className="audit-detail" data-testid="delivery-detail">
          <td />
          <td colSpan={4}>
            <div className="audit-json">
              <div>
                <div className="field-label">Attempts</div>
                {d.attemptLog.length === 0 ? (
                  <p className="muted small">No attempt yet.</p>
                ) : (
                  <table className="table attempt-table">
                    <thead>
                      <tr>
                        <th>#</th>
                        <th>Time</th>
                        <th>Result</th>
                        <th className="num">Took</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.attemptLog.map((a, i) => (
                        <tr key={i}>
                          <td>{i + 1}</td>
                          <td className="nowrap">{formatInZone(a.at, zone, { weekday: false, seconds: true })}</td>
                          <td>
                            {a.statusCode ? <span className={a.statusCode < 300 ? 'text-success' : 'text-danger'}>HTTP {a.statusCode}</span> : null}{' '}
                            {a.error && <span className="text-danger">{a.error}</span>}
                          </td>
                          <td className="num">{a.durationMs} ms</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                <p className="muted small delivery-ids">
                  Event id <code>{d.eventId}</code>
                </p>
              </div>
              <div>
                <div className="field-label">Payload</div>
                <JsonView value={d.payload} />
              </div>
            </div>
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** Admin: webhook endpoints, their one-time secrets, and the delivery log with "send again". */
export function WebhooksPage() {
  useDocumentTitle('Webhooks');
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const endpointId = params.get('endpoint');
  const endpoints = useApiQuery([...keys.webhooks, 'endpoints'], fetchWebhookEndpoints);
  const eventTypes = useApiQuery([...keys.webhooks, 'event-types'], fetchWebhookEventTypes);
  // Closely while a delivery is still pending or retrying, so its outcome shows within seconds.
  const deliveries = useApiQuery([...keys.webhooks, 'deliveries', endpointId], () => fetchWebhookDeliveries(endpointId, 50), {
    refetchInterval: (list) => ((list ?? []).some((d) => d.status === 'PENDING' || d.status === 'RETRYING') ? 3000 : 15_000),
  });
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<WebhookEndpoint | null>(null);
  const [toggling, setToggling] = useState<string | null>(null);

  const selected = endpoints.data?.find((e) => e.id === endpointId);
  useEffect(() => {
    if (endpointId && endpoints.data && !selected) setParams({}, { replace: true });
  }, [endpointId, endpoints.data, selected, setParams]);

  const toggle = async (ep: WebhookEndpoint) => {
    setToggling(ep.id);
    try {
      const next = await updateWebhookEndpoint(ep.id, { enabled: !ep.enabled });
      endpoints.setData((list) => (list ?? []).map((x) => (x.id === next.id ? next : x)));
      toast.success(next.enabled ? `${next.url} receives events again.` : `${next.url} is paused: it receives nothing until you enable it.`);
    } catch (e) {
      toast.error(toApiError(e).message);
    } finally {
      setToggling(null);
    }
  };

  return (
    <div className="page page-wide">
      <PageHeader
        title="Webhooks"
        subtitle={
          <>
            Signed HTTP callbacks when releases launch, fail or roll back, and when items are published or unpublished.{' '}
            <a href="#verify">How to verify a signature</a>
          </>
        }
        actions={
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)} disabled={!eventTypes.data} data-testid="new-webhook">
            New endpoint
          </Button>
        }
      />
      {endpoints.error && <ErrorBanner error={endpoints.error} onRetry={() => void endpoints.reload()} />}
      <div className="webhooks-main">
        <section className="card table-card">
          <div className="card-header">
            <h2>Endpoints</h2>
            <span className="muted small">Select one to see only its deliveries</span>
          </div>
          <table className="table table-hover" data-testid="webhooks-table">
            <thead>
              <tr>
                <th>Endpoint</th>
                <th>Events</th>
                <th>Enabled</th>
                <th>Added</th>
                <th className="actions-col" />
              </tr>
            </thead>
            <tbody>
              {!endpoints.data && endpoints.loading && <SkeletonRows rows={2} cols={5} />}
              {endpoints.data?.map((ep) => (
                <tr
                  key={ep.id}
                  className={`row-link ${ep.id === endpointId ? 'is-selected' : ''} ${ep.enabled ? '' : 'is-muted'}`}
                  data-testid="webhook-row"
                  data-id={ep.id}
                  onClick={(e) => {
                    if (!(e.target as HTMLElement).closest('button, input, label'))
                      setParams(ep.id === endpointId ? {} : { endpoint: ep.id }, { replace: true });
                  }}
                >
                  <td className="title-cell">
                    <span className="row-title mono small endpoint-url" title={ep.url}>
                      {ep.url}
                    </span>
                    {ep.description && <span className="row-sub">{ep.description}</span>}
                  </td>
                  <td>
                    {ep.events.length === 0 ? (
                      <span className="muted small">All events</span>
                    ) : (
                      <span className="event-chips">
                        {ep.events.map((t) => (
                          <code key={t}>{t}</code>
                        ))}
                      </span>
                    )}
                  </td>
                  <td>
                    <label className="switch" title={ep.enabled ? 'Pause deliveries' : 'Resume deliveries'}>
                      <input
                        type="checkbox"
                        role="switch"
                        checked={ep.enabled}
                        disabled={toggling === ep.id}
                        onChange={() => void toggle(ep)}
                        aria-label={`${ep.enabled ? 'Disable' : 'Enable'} ${ep.url}`}
                        data-testid="webhook-enabled"
                      />
                      <span className="switch-track" aria-hidden="true" />
                    </label>
                  </td>
                  <td className="nowrap">
                    <Time iso={ep.createdAt} />
                  </td>
                  <td className="actions-col">
                    <button
                      type="button"
                      className="icon-btn icon-btn-danger"
                      aria-label={`Delete ${ep.url}`}
                      title="Delete endpoint"
                      onClick={() => setDeleting(ep)}
                      data-testid="delete-webhook"
                    >
                      <Icon name="trash" size={15} />
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {endpoints.data?.length === 0 && (
            <EmptyState
              icon="zap"
              title="No endpoints yet"
              actions={
                <Button variant="primary" onClick={() => setCreating(true)} disabled={!eventTypes.data}>
                  Add an endpoint
                </Button>
              }
            >
              Add a URL to be told when releases launch, fail or roll back: a chat relay, a cache purge, an analytics pipeline.
            </EmptyState>
          )}
        </section>

        <section className="card table-card" data-testid="deliveries">
          <div className="card-header">
            <h2>Delivery log</h2>
            <div className="row-end">
              {deliveries.loading && deliveries.data && <Spinner size={14} />}
              {selected ? (
                <span className="tag">
                  {selected.url}
                  <button type="button" aria-label="Show all endpoints" onClick={() => setParams({}, { replace: true })}>
                    <Icon name="x" size={12} />
                  </button>
                </span>
              ) : (
                <span className="muted small">All endpoints, newest first</span>
              )}
            </div>
          </div>
          {deliveries.error && (
            <div className="card-body">
              <ErrorBanner error={deliveries.error} onRetry={() => void deliveries.reload()} />
            </div>
          )}
          <table className="table delivery-table" data-testid="deliveries-table">
            <thead>
              <tr>
                <th className="expand-col" />
                <th>Event</th>
                <th>Status</th>
                <th>Last response</th>
                <th className="actions-col" />
              </tr>
            </thead>
            <tbody>
              {!deliveries.data && deliveries.loading && <SkeletonRows rows={3} cols={5} />}
              {deliveries.data?.map((d) => (
                <DeliveryRow
                  key={d.id}
                  d={d}
                  endpoint={selected ? undefined : endpoints.data?.find((e) => e.id === d.endpointId)}
                  onUpdated={(u) => deliveries.setData((list) => (list ?? []).map((x) => (x.id === u.id ? u : x)))}
                />
              ))}
            </tbody>
          </table>
          {deliveries.data?.length === 0 && (
            <EmptyState icon="send" title="No deliveries yet">
              Each launch, failure or rollback sends one event per endpoint, plus one per published or unpublished item.
            </EmptyState>
          )}
        </section>
        <SignatureHelp />
      </div>

      {creating && eventTypes.data && (
        <EndpointDialog
          eventTypes={eventTypes.data}
          onClose={() => setCreating(false)}
          onCreated={(ep) => endpoints.setData((list) => [ep, ...(list ?? [])])}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this endpoint?"
          confirmLabel="Delete endpoint"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await deleteWebhookEndpoint(deleting.id);
            endpoints.setData((list) => (list ?? []).filter((x) => x.id !== deleting.id));
            if (endpointId === deleting.id) setParams({}, { replace: true });
            toast.success(`Deleted ${deleting.url}.`);
          }}
        >
          <p>
            <code>{deleting.url}</code> stops receiving events at once, and its delivery log is deleted with it, queued retries included. To pause it and keep
            the log, switch it off instead.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
