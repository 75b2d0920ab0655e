import { useState, type FormEvent } from 'react';
import { createUser } from '../../api/admin';
import { ROLES, type Role, type User } from '../../api/types';
import { Button } from '../../components/Button';
import { SecretReveal } from '../../components/CopyButton';
import { Field } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { Modal } from '../../components/Modal';
import { useSubmit } from '../../lib/hooks';
import { ROLE_HELP, roleLabel } from './roles';

export function CreateUserDialog({ onClose, onCreated }: { onClose(): void; onCreated(u: User): void }) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('EDITOR');
  const [password, setPassword] = useState('');
  const { busy, error, submit: send } = useSubmit();
  const [created, setCreated] = useState<{ user: User; temporaryPassword: string | null } | null>(null);
  const problems = error?.problemMap() ?? {};

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await send(async () => {
      const r = await createUser({ email: email.trim(), displayName: displayName.trim(), role, password: password || null });
      setCreated(r);
      onCreated(r.user);
    });
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
    <FormDialog
      title="New account"
      testId="create-user-dialog"
      size="sm"
      busy={busy}
      onClose={onClose}
      onSubmit={submit}
      formId="create-user-form"
      submitLabel="Create account"
      submitTestId="create-user-submit"
      error={error}
      placed={['email', 'displayName', 'role', 'password']}
    >
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
    </FormDialog>
  );
}
