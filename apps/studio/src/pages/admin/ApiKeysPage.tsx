import { useState, type FormEvent } from 'react';
import { createApiKey, fetchApiKeys, revokeApiKey } from '../../api/admin';
import type { ApiKey } from '../../api/types';
import { Badge } from '../../components/Badge';
import { Banner, ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { SecretReveal } from '../../components/CopyButton';
import { EmptyState } from '../../components/EmptyState';
import { Field } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { Modal } from '../../components/Modal';
import { PageHeader } from '../../components/PageHeader';
import { SkeletonRows } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { Time } from '../../components/Time';
import { keys as queryKeys, useApiQuery, useDocumentTitle, useSubmit } from '../../lib/hooks';

function CreateKeyDialog({ onClose, onCreated }: { onClose(): void; onCreated(k: ApiKey): void }) {
  const [name, setName] = useState('');
  const { busy, error, submit: send } = useSubmit();
  const [secret, setSecret] = useState<{ key: ApiKey; secret: string } | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await send(async () => {
      const r = await createApiKey(name.trim());
      setSecret({ key: r.apiKey, secret: r.secret });
      onCreated(r.apiKey);
    });
  };

  if (secret) {
    return (
      <Modal
        title={`API key "${secret.key.name}" created`}
        onClose={onClose}
        testId="api-key-created-dialog"
        footer={
          <Button variant="primary" onClick={onClose} data-testid="done">
            I have copied it
          </Button>
        }
      >
        <div className="form-stack">
          <Banner tone="warning" title="Copy the key now">
            This is the only time Marquee shows it. Marquee keeps only a hash; if you lose it, revoke it and create a new one.
          </Banner>
          <SecretReveal
            label="API key"
            secret={secret.secret}
            testId="api-key-secret"
            warning="Send it as the x-api-key header from your client app. Keep it out of source control."
          />
        </div>
      </Modal>
    );
  }

  return (
    <FormDialog
      title="New API key"
      testId="create-api-key-dialog"
      size="sm"
      busy={busy}
      onClose={onClose}
      onSubmit={submit}
      formId="create-key-form"
      submitLabel="Create key"
      submitTestId="create-api-key-submit"
      error={error}
      placed={['name']}
    >
      <Field label="Name" htmlFor="key-name" error={error?.problemMap().name} hint='Which client uses it, e.g. "iOS app" or "Web player".'>
        <input id="key-name" className="input" value={name} onChange={(e) => setName(e.target.value)} data-testid="api-key-name" />
      </Field>
    </FormDialog>
  );
}

export function ApiKeysPage() {
  useDocumentTitle('API keys');
  const toast = useToast();
  const keys = useApiQuery(queryKeys.apiKeys, fetchApiKeys);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const activeCount = keys.data?.filter((k) => !k.revokedAt).length ?? 0;

  return (
    <div className="page">
      <PageHeader
        title="API keys"
        subtitle={
          keys.data
            ? `${activeCount} active ${activeCount === 1 ? 'key' : 'keys'}. Client apps send a key to fetch feeds and report events.`
            : 'Keys for client apps.'
        }
        actions={
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)} data-testid="new-api-key">
            New API key
          </Button>
        }
      />
      {keys.error && <ErrorBanner error={keys.error} onRetry={() => void keys.reload()} />}
      <section className="card table-card">
        <table className="table table-hover" data-testid="api-keys-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Status</th>
              <th>Created</th>
              <th>Last used</th>
              <th className="actions-col" />
            </tr>
          </thead>
          <tbody>
            {!keys.data && keys.loading && <SkeletonRows rows={3} cols={6} />}
            {keys.data?.map((k) => (
              <tr key={k.id} data-testid="api-key-row" className={k.revokedAt ? 'is-muted' : ''}>
                <td className="row-title">{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>
                  {k.revokedAt ? (
                    <Badge tone="danger" title={`Revoked ${new Date(k.revokedAt).toLocaleString()}`}>
                      Revoked
                    </Badge>
                  ) : (
                    <Badge tone="success">Active</Badge>
                  )}
                </td>
                <td className="nowrap">
                  <Time iso={k.createdAt} />
                </td>
                <td className="nowrap">{k.lastUsedAt ? <Time iso={k.lastUsedAt} /> : <span className="muted">Never</span>}</td>
                <td className="actions-col">
                  {!k.revokedAt && (
                    <Button size="sm" variant="danger" onClick={() => setRevoking(k)} data-testid="revoke-api-key">
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {keys.data?.length === 0 && (
          <EmptyState
            icon="key"
            title="No API keys yet"
            actions={
              <Button variant="primary" onClick={() => setCreating(true)}>
                Create the first key
              </Button>
            }
          >
            Each client app (iOS, Android, web) needs a key to call the feed API.
          </EmptyState>
        )}
      </section>

      {creating && <CreateKeyDialog onClose={() => setCreating(false)} onCreated={(k) => keys.setData((list) => [k, ...(list ?? [])])} />}
      {revoking && (
        <ConfirmDialog
          title={`Revoke "${revoking.name}"?`}
          confirmLabel="Revoke key"
          danger
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            const k = await revokeApiKey(revoking.id);
            keys.setData((list) => (list ?? []).map((x) => (x.id === k.id ? k : x)));
            toast.success(`"${k.name}" is revoked.`);
          }}
        >
          Apps using <code>{revoking.prefix}…</code> start getting 401 errors within seconds, on every API process. This cannot be undone; create a new key to
          restore access.
        </ConfirmDialog>
      )}
    </div>
  );
}
