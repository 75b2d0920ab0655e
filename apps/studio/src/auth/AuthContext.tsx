import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import * as authApi from '../api/auth';
import { ApiError, onUnauthenticated } from '../api/client';
import type { User } from '../api/types';

interface AuthState {
  /** undefined while the first `me` is in flight. */
  user: User | null | undefined;
  /** What the login page says when the session ended under the user's feet; null when it did not. */
  sessionEnded: string | null;
  login(email: string, password: string): Promise<User>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

/** The signed-in user lives in the query cache under this key: `me` is fetched once, and sign-in and sign-out write it. */
const ME = ['me'] as const;

const SESSION_ENDED = 'Your session ended. Sign in again to continue where you were.';

/** The server's own words when the session ended for being unused ("…after 60 minutes without activity…"). */
function idleMessage(e: unknown): string | null {
  return e instanceof ApiError && e.code === 'UNAUTHENTICATED' && e.extensions.reason === 'SESSION_IDLE' ? e.message : null;
}

/**
 * `me`, or null when no one is signed in (the API answers UNAUTHENTICATED, or cannot be reached). A session cookie that
 * ended for being unused is reported through `onIdle`, so a reload of an idle tab still says why.
 */
async function fetchMeOrNull(onIdle: (message: string) => void): Promise<User | null> {
  try {
    return await authApi.fetchMe();
  } catch (e) {
    const idle = idleMessage(e);
    if (idle) onIdle(idle);
    return null;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [sessionEnded, setSessionEnded] = useState<string | null>(null);
  const me = useQuery({ queryKey: ME, queryFn: () => fetchMeOrNull(setSessionEnded), staleTime: Infinity });
  const user = me.data;

  useEffect(
    () =>
      onUnauthenticated((e) => {
        if (client.getQueryData<User | null>(ME)) setSessionEnded(idleMessage(e) ?? SESSION_ENDED);
        client.setQueryData<User | null>(ME, null);
      }),
    [client],
  );

  const login = useCallback(
    async (email: string, password: string) => {
      const u = await authApi.login(email, password);
      setSessionEnded(null);
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
      setSessionEnded(null);
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
