import { useState, type FormEvent } from 'react';
import * as authApi from '../api/auth';
import { useAuth, useCurrentUser } from '../auth/AuthContext';
import { Field } from './Field';
import { useToast } from './Toast';
import { FormDialog } from './FormDialog';
import { useSubmit } from '../lib/hooks';

const MIN = 12;

function PasswordField({
  id,
  label,
  autoComplete = 'new-password',
  value,
  onChange,
  error,
  hint,
}: {
  id: string;
  label: string;
  autoComplete?: string;
  value: string;
  onChange(v: string): void;
  error?: string;
  hint?: string;
}) {
  return (
    <Field label={label} htmlFor={id} error={error} hint={hint}>
      <input
        id={id}
        className="input"
        type="password"
        autoComplete={autoComplete}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!!error}
      />
    </Field>
  );
}

export function ChangePasswordDialog({ onClose }: { onClose(): void }) {
  const user = useCurrentUser();
  const { login } = useAuth();
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, error, submit: send } = useSubmit();
  const [local, setLocal] = useState<Record<string, string>>({});

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!current) problems.currentPassword = 'Enter your current password.';
    if (next.length < MIN) problems.newPassword = `Use at least ${MIN} characters.`;
    else if (next === current) problems.newPassword = 'Choose a password different from the current one.';
    if (confirm !== next) problems.confirm = 'The two new passwords differ.';
    setLocal(problems);
    if (Object.keys(problems).length) return;
    const err = await send(async () => {
      await authApi.changePassword(current, next);
      // Changing the password ends every session, this one included: sign in again with the new password.
      await login(user.email, next).catch(() => undefined);
      toast.success('Password changed. Other sessions were signed out.');
      onClose();
    });
    if (err) setLocal(err.problemMap());
  };

  return (
    <FormDialog
      title="Change password"
      testId="change-password-dialog"
      size="sm"
      busy={busy}
      onClose={onClose}
      onSubmit={submit}
      formId="change-password-form"
      submitLabel="Change password"
      submitTestId="change-password-submit"
      error={error}
      placed={['currentPassword', 'newPassword', 'confirm']}
    >
      <PasswordField
        id="currentPassword"
        label="Current password"
        autoComplete="current-password"
        value={current}
        onChange={setCurrent}
        error={local.currentPassword}
      />
      <PasswordField
        id="newPassword"
        label="New password"
        value={next}
        onChange={setNext}
        error={local.newPassword}
        hint={`At least ${MIN} characters. Other sessions are signed out.`}
      />
      <PasswordField id="confirm" label="Repeat new password" value={confirm} onChange={setConfirm} error={local.confirm} />
    </FormDialog>
  );
}
