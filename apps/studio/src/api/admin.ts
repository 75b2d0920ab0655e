import { gql } from './client';
import { graphql } from './generated';
import type { ApiKey, Role, User } from './types';

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const UserFields = graphql(`
  fragment UserFields on User {
    id
    email
    displayName
    role
    createdAt
    lastLoginAt
    disabledAt
  }
`);

/** @public Read by graphql-codegen from this file, not imported: pages use its generated type. */
export const ApiKeyFields = graphql(`
  fragment ApiKeyFields on ApiKey {
    id
    name
    prefix
    createdAt
    lastUsedAt
    revokedAt
  }
`);

const UsersQuery = graphql(`
  query Users {
    users {
      ...UserFields
    }
  }
`);

const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      temporaryPassword
      user {
        ...UserFields
      }
    }
  }
`);

const UpdateUserMutation = graphql(`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      ...UserFields
    }
  }
`);

const SetDisabledMutation = graphql(`
  mutation SetDisabled($id: ID!, $disabled: Boolean!) {
    setUserDisabled(id: $id, disabled: $disabled) {
      ...UserFields
    }
  }
`);

const ResetPasswordMutation = graphql(`
  mutation ResetPassword($id: ID!) {
    resetUserPassword(id: $id)
  }
`);

const ApiKeysQuery = graphql(`
  query ApiKeys {
    apiKeys {
      ...ApiKeyFields
    }
  }
`);

const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($name: String!) {
    createApiKey(name: $name) {
      secret
      apiKey {
        ...ApiKeyFields
      }
    }
  }
`);

const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      ...ApiKeyFields
    }
  }
`);

export async function fetchUsers(): Promise<User[]> {
  return (await gql(UsersQuery)).users;
}

export async function createUser(input: {
  email: string;
  displayName: string;
  role: Role;
  password?: string | null;
}): Promise<{ user: User; temporaryPassword: string | null }> {
  return (await gql(CreateUserMutation, { input })).createUser;
}

export async function updateUser(id: string, input: { displayName?: string; role?: Role }): Promise<User> {
  return (await gql(UpdateUserMutation, { id, input })).updateUser;
}

export async function setUserDisabled(id: string, disabled: boolean): Promise<User> {
  return (await gql(SetDisabledMutation, { id, disabled })).setUserDisabled;
}

export async function resetUserPassword(id: string): Promise<string> {
  return (await gql(ResetPasswordMutation, { id })).resetUserPassword;
}

export async function fetchApiKeys(): Promise<ApiKey[]> {
  return (await gql(ApiKeysQuery)).apiKeys;
}

export async function createApiKey(name: string): Promise<{ apiKey: ApiKey; secret: string }> {
  return (await gql(CreateApiKeyMutation, { name })).createApiKey;
}

export async function revokeApiKey(id: string): Promise<ApiKey> {
  return (await gql(RevokeApiKeyMutation, { id })).revokeApiKey;
}
