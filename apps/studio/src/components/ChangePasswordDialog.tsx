import { useState, type FormEvent } from 'react';
import * as authApi from '../api/auth';
import { useAuth, useCurrentUser } from '../auth/AuthContext';
import { Field } from './Field';
import { useToast } from './Toast';
import { FormDialog } from './FormDialog';
import { useSubmit } from '../lib/hooks';

const MIN = 12;

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
      <Field label="Current password" htmlFor="currentPassword" error={local.currentPassword}>
        <input
          id="currentPassword"
          className="input"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          aria-invalid={!!local.currentPassword}
        />
      </Field>
      <Field label="New password" htmlFor="newPassword" error={local.newPassword} hint={`At least ${MIN} characters. Other sessions are signed out.`}>
        <input
          id="newPassword"
          className="input"
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          aria-invalid={!!local.newPassword}
        />
      </Field>
      <Field label="Repeat new password" htmlFor="confirm" error={local.confirm}>
        <input
          id="confirm"
          className="input"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          aria-invalid={!!local.confirm}
        />
      </Field>
    </FormDialog>
  );
}
