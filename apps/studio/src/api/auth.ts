import { gql } from './client';
import type { User } from './types';

const USER = 'id email displayName role createdAt lastLoginAt disabledAt';

export async function fetchMe(): Promise<User | null> {
  const d = await gql<{ me: User | null }>(`query Me { me { ${USER} } }`, {}, { quietAuth: true });
  return d.me;
}

export async function login(email: string, password: string): Promise<User> {
  const d = await gql<{ login: { user: User } }>(
    `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { user { ${USER} } } }`,
    { email, password },
    { quietAuth: true },
  );
  return d.login.user;
}

export async function logout(): Promise<void> {
  await gql<{ logout: boolean }>('mutation Logout { logout }', {}, { quietAuth: true });
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await gql<{ changePassword: boolean }>(
    'mutation ChangePassword($currentPassword: String!, $newPassword: String!) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword) }',
    { currentPassword, newPassword },
  );
}
