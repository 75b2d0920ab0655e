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
  refresh(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [sessionEnded, setSessionEnded] = useState(false);

  const refresh = useCallback(async () => {
    try {
      setUser(await authApi.fetchMe());
    } catch {
      setUser(null);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(
    () =>
      onUnauthenticated(() => {
        setUser((u) => {
          if (u) setSessionEnded(true);
          return null;
        });
      }),
    [],
  );

  const login = useCallback(async (email: string, password: string) => {
    const u = await authApi.login(email, password);
    setSessionEnded(false);
    setUser(u);
    return u;
  }, []);

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      setSessionEnded(false);
      setUser(null);
    }
  }, []);

  const value = useMemo(() => ({ user, sessionEnded, login, logout, refresh }), [user, sessionEnded, login, logout, refresh]);
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
