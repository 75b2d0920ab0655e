import { gql } from './client';
import { graphql } from './generated';
import type { User } from './types';

const MeQuery = graphql(`
  query Me {
    me {
      ...UserFields
    }
  }
`);

const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      user {
        ...UserFields
      }
    }
  }
`);

const LogoutMutation = graphql(`
  mutation Logout {
    logout
  }
`);

const ChangePasswordMutation = graphql(`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)
  }
`);

export async function fetchMe(): Promise<User | null> {
  return (await gql(MeQuery, {}, { quietAuth: true })).me;
}

export async function login(email: string, password: string): Promise<User> {
  return (await gql(LoginMutation, { email, password }, { quietAuth: true })).login.user;
}

export async function logout(): Promise<void> {
  await gql(LogoutMutation, {}, { quietAuth: true });
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await gql(ChangePasswordMutation, { currentPassword, newPassword });
}
