import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import * as authApi from '../api/auth';
import { onUnauthenticated } from '../api/client';
import type { User } from '../api/types';

interface AuthState {
  /** undefined while the first `me` is in flight. */
  user: User | null | undefined;
  /** Set when the session ended under the user's feet (shown on the login page). */
  sessionEnded: boolean;
  login(email: string, password: string): Promise<User>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

/** The signed-in user lives in the query cache under this key: `me` is fetched once, and sign-in and sign-out write it. */
const ME = ['me'] as const;

/** `me`, or null when no one is signed in (the API answers UNAUTHENTICATED, or cannot be reached). */
async function fetchMeOrNull(): Promise<User | null> {
  try {
    return await authApi.fetchMe();
  } catch {
    return null;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const me = useQuery({ queryKey: ME, queryFn: fetchMeOrNull, staleTime: Infinity });
  const user = me.data;
  const [sessionEnded, setSessionEnded] = useState(false);

  useEffect(
    () =>
      onUnauthenticated(() => {
        if (client.getQueryData<User | null>(ME)) setSessionEnded(true);
        client.setQueryData<User | null>(ME, null);
      }),
    [client],
  );

  const login = useCallback(
    async (email: string, password: string) => {
      const u = await authApi.login(email, password);
      setSessionEnded(false);
      // Nothing fetched for an earlier session (perhaps another account, with another role) is shown to this one.
      // (`me` itself is kept: its observer here would lose it.)
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== ME[0] });
      client.setQueryData<User | null>(ME, u);
      return u;
    },
    [client],
  );

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      setSessionEnded(false);
      client.setQueryData<User | null>(ME, null);
    }
  }, [client]);

  const value = useMemo(() => ({ user, sessionEnded, login, logout }), [user, sessionEnded, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}

/** The signed-in user; only call this below <RequireAuth>. */
export function useCurrentUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useCurrentUser needs a signed-in user');
  return user;
}

export function canWrite(user: User | null | undefined): boolean {
  return !!user && user.role !== 'ANALYST';
}

export function isAdmin(user: User | null | undefined): boolean {
  return user?.role === 'ADMIN';
}
