import { useState } from 'react';
import { fetchUsers, resetUserPassword, setUserDisabled, updateUser } from '../../api/admin';
import { toApiError } from '../../api/client';
import { ROLES, type Role, type User } from '../../api/types';
import { useCurrentUser } from '../../auth/AuthContext';
import { Badge } from '../../components/Badge';
import { ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { SecretReveal } from '../../components/CopyButton';
import { EmptyState } from '../../components/EmptyState';
import { Modal } from '../../components/Modal';
import { PageHeader } from '../../components/PageHeader';
import { SkeletonRows } from '../../components/Spinner';
import { useToast } from '../../components/Toast';
import { Time } from '../../components/Time';
import { keys, useApiQuery, useDocumentTitle } from '../../lib/hooks';
import { CreateUserDialog } from './CreateUserDialog';
import { ROLE_HELP, roleLabel } from './roles';

type Pending = { kind: 'disable' | 'enable' | 'reset'; user: User } | null;

export function AccountsPage() {
  useDocumentTitle('Accounts');
  const me = useCurrentUser();
  const toast = useToast();
  const users = useApiQuery(keys.users, fetchUsers);
  const [creating, setCreating] = useState(false);
  const [pending, setPending] = useState<Pending>(null);
  const [newPassword, setNewPassword] = useState<{ user: User; password: string } | null>(null);
  const [roleBusy, setRoleBusy] = useState<string | null>(null);

  const replace = (u: User) => users.setData((list) => (list ?? []).map((x) => (x.id === u.id ? u : x)));

  const changeRole = async (u: User, role: Role) => {
    setRoleBusy(u.id);
    try {
      replace(await updateUser(u.id, { role }));
      toast.success(`${u.displayName} is now ${role === 'ADMIN' || role === 'ANALYST' ? 'an' : 'a'} ${roleLabel(role)}.`);
    } catch (e) {
      toast.error(toApiError(e).message);
    } finally {
      setRoleBusy(null);
    }
  };

  const active = users.data?.filter((u) => !u.disabledAt).length ?? 0;

  return (
    <div className="page">
      <PageHeader
        title="Accounts"
        subtitle={
          users.data ? `${active} active of ${users.data.length} accounts. Roles decide what each person can change.` : 'People who can sign in to the Studio.'
        }
        actions={
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)} data-testid="new-user">
            New account
          </Button>
        }
      />
      {users.error && <ErrorBanner error={users.error} onRetry={() => void users.reload()} />}
      <section className="card table-card">
        <table className="table table-hover" data-testid="users-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Role</th>
              <th>Status</th>
              <th>Last sign-in</th>
              <th>Created</th>
              <th className="actions-col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {!users.data && users.loading && <SkeletonRows rows={4} cols={6} />}
            {users.data?.map((u) => {
              const self = u.id === me.id;
              return (
                <tr key={u.id} data-testid="user-row" data-email={u.email} className={u.disabledAt ? 'is-muted' : ''}>
                  <td>
                    <div className="row-title">
                      {u.displayName} {self && <span className="muted small">(you)</span>}
                    </div>
                    <div className="muted small">{u.email}</div>
                  </td>
                  <td>
                    <select
                      className="input select input-sm"
                      value={u.role}
                      disabled={self || roleBusy === u.id}
                      title={self ? 'You cannot change your own role.' : ROLE_HELP[u.role]}
                      aria-label={`Role of ${u.displayName}`}
                      onChange={(e) => void changeRole(u, e.target.value as Role)}
                      data-testid="user-role-select"
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {roleLabel(r)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{u.disabledAt ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Active</Badge>}</td>
                  <td className="nowrap">{u.lastLoginAt ? <Time iso={u.lastLoginAt} /> : <span className="muted">Never</span>}</td>
                  <td className="nowrap">
                    <Time iso={u.createdAt} />
                  </td>
                  <td className="actions-col">
                    <div className="row-actions">
                      <Button size="sm" onClick={() => setPending({ kind: 'reset', user: u })} disabled={!!u.disabledAt} data-testid="reset-password">
                        Reset password
                      </Button>
                      {!self &&
                        (u.disabledAt ? (
                          <Button size="sm" onClick={() => setPending({ kind: 'enable', user: u })} data-testid="enable-user">
                            Enable
                          </Button>
                        ) : (
                          <Button size="sm" variant="danger" onClick={() => setPending({ kind: 'disable', user: u })} data-testid="disable-user">
                            Disable
                          </Button>
                        ))}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {users.data?.length === 0 && <EmptyState icon="users" title="No accounts" />}
      </section>

      {creating && <CreateUserDialog onClose={() => setCreating(false)} onCreated={(u) => users.setData((list) => [...(list ?? []), u])} />}

      {pending?.kind === 'disable' && (
        <ConfirmDialog
          title={`Disable ${pending.user.displayName}?`}
          confirmLabel="Disable account"
          danger
          onClose={() => setPending(null)}
          onConfirm={async () => {
            replace(await setUserDisabled(pending.user.id, true));
            toast.success(`${pending.user.displayName} is disabled and signed out.`);
          }}
        >
          They are signed out everywhere at once and cannot sign in until an admin enables the account again. Their content and history stay.
        </ConfirmDialog>
      )}
      {pending?.kind === 'enable' && (
        <ConfirmDialog
          title={`Enable ${pending.user.displayName}?`}
          confirmLabel="Enable account"
          onClose={() => setPending(null)}
          onConfirm={async () => {
            replace(await setUserDisabled(pending.user.id, false));
            toast.success(`${pending.user.displayName} can sign in again.`);
          }}
        >
          They can sign in again with their existing password, as {roleLabel(pending.user.role)}.
        </ConfirmDialog>
      )}
      {pending?.kind === 'reset' && (
        <ConfirmDialog
          title={`Reset the password of ${pending.user.displayName}?`}
          confirmLabel="Reset password"
          danger
          onClose={() => setPending(null)}
          onConfirm={async () => {
            const password = await resetUserPassword(pending.user.id);
            setNewPassword({ user: pending.user, password });
          }}
        >
          Marquee generates a new password and signs {pending.user.id === me.id ? 'you' : 'them'} out everywhere. The old password stops working at once.
        </ConfirmDialog>
      )}
      {newPassword && (
        <Modal
          title="New password"
          size="sm"
          onClose={() => setNewPassword(null)}
          testId="new-password-dialog"
          footer={
            <Button variant="primary" onClick={() => setNewPassword(null)}>
              Done
            </Button>
          }
        >
          <SecretReveal
            label={`Password for ${newPassword.user.email}`}
            secret={newPassword.password}
            testId="reset-password-value"
            warning="Shown only once. Send it over a safe channel; they can change it after signing in."
          />
        </Modal>
      )}
    </div>
  );
}
