import { useState, type FormEvent } from 'react';
import { createUser } from '../../api/admin';
import { toApiError, type ApiError } from '../../api/client';
import { ROLES, type Role, type User } from '../../api/types';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { SecretReveal } from '../../components/CopyButton';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { ROLE_HELP, roleLabel } from './roles';

export function CreateUserDialog({ onClose, onCreated }: { onClose(): void; onCreated(u: User): void }) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('EDITOR');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<{ user: User; temporaryPassword: string | null } | null>(null);
  const problems = error?.problemMap() ?? {};

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await createUser({ email: email.trim(), displayName: displayName.trim(), role, password: password || null });
      setCreated(r);
      onCreated(r.user);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <Modal
        title="Account created"
        onClose={onClose}
        size="sm"
        testId="user-created-dialog"
        footer={
          <Button variant="primary" onClick={onClose} data-testid="done">
            Done
          </Button>
        }
      >
        <div className="form-stack">
          <p>
            <strong>{created.user.displayName}</strong> ({created.user.email}) can now sign in as {roleLabel(created.user.role)}.
          </p>
          {created.temporaryPassword ? (
            <SecretReveal
              label="Temporary password"
              secret={created.temporaryPassword}
              testId="temporary-password"
              warning="This password is shown only once. Send it to them over a safe channel; they can change it after signing in."
            />
          ) : (
            <p className="muted">They sign in with the password you set.</p>
          )}
        </div>
      </Modal>
    );
  }

  return (
    <Modal
      title="New account"
      onClose={onClose}
      busy={busy}
      size="sm"
      testId="create-user-dialog"
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="create-user-form" loading={busy} data-testid="create-user-submit">
            Create account
          </Button>
        </>
      }
    >
      <form id="create-user-form" className="form-stack" onSubmit={submit} noValidate>
        {error && <ErrorBanner error={error} />}
        <Field label="Email" htmlFor="cu-email" error={problems.email}>
          <input
            id="cu-email"
            className={`input ${problems.email ? 'is-invalid' : ''}`}
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            data-testid="user-email"
          />
        </Field>
        <Field label="Name" htmlFor="cu-name" error={problems.displayName}>
          <input
            id="cu-name"
            className={`input ${problems.displayName ? 'is-invalid' : ''}`}
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            data-testid="user-name-input"
          />
        </Field>
        <Field label="Role" htmlFor="cu-role" error={problems.role} hint={ROLE_HELP[role]}>
          <select id="cu-role" className="input select" value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="user-role">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Password"
          htmlFor="cu-password"
          requirement="optional"
          error={problems.password}
          hint="Leave empty to generate a temporary password, shown once."
        >
          <input
            id="cu-password"
            className={`input ${problems.password ? 'is-invalid' : ''}`}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
      </form>
    </Modal>
  );
}
