import { gql } from './client';
import type { ApiKey, Role, User } from './types';

const USER = 'id email displayName role createdAt lastLoginAt disabledAt';
const KEY = 'id name prefix createdAt lastUsedAt revokedAt';

export async function fetchUsers(): Promise<User[]> {
  return (await gql<{ users: User[] }>(`query Users { users { ${USER} } }`)).users;
}

export async function createUser(input: { email: string; displayName: string; role: Role; password?: string | null }): Promise<{ user: User; temporaryPassword: string | null }> {
  const d = await gql<{ createUser: { user: User; temporaryPassword: string | null } }>(
    `mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { temporaryPassword user { ${USER} } } }`,
    { input },
  );
  return d.createUser;
}

export async function updateUser(id: string, input: { displayName?: string; role?: Role }): Promise<User> {
  return (await gql<{ updateUser: User }>(`mutation UpdateUser($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { ${USER} } }`, { id, input })).updateUser;
}

export async function setUserDisabled(id: string, disabled: boolean): Promise<User> {
  return (await gql<{ setUserDisabled: User }>(`mutation SetDisabled($id: ID!, $disabled: Boolean!) { setUserDisabled(id: $id, disabled: $disabled) { ${USER} } }`, { id, disabled }))
    .setUserDisabled;
}

export async function resetUserPassword(id: string): Promise<string> {
  return (await gql<{ resetUserPassword: string }>('mutation ResetPassword($id: ID!) { resetUserPassword(id: $id) }', { id })).resetUserPassword;
}

export async function fetchApiKeys(): Promise<ApiKey[]> {
  return (await gql<{ apiKeys: ApiKey[] }>(`query ApiKeys { apiKeys { ${KEY} } }`)).apiKeys;
}

export async function createApiKey(name: string): Promise<{ apiKey: ApiKey; secret: string }> {
  return (await gql<{ createApiKey: { apiKey: ApiKey; secret: string } }>(`mutation CreateApiKey($name: String!) { createApiKey(name: $name) { secret apiKey { ${KEY} } } }`, { name }))
    .createApiKey;
}

export async function revokeApiKey(id: string): Promise<ApiKey> {
  return (await gql<{ revokeApiKey: ApiKey }>(`mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { ${KEY} } }`, { id })).revokeApiKey;
}
