import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import type { Role } from '../api/types';
import { EmptyState } from '../components/EmptyState';
import { LoadingState } from '../components/Spinner';
import { useAuth } from './AuthContext';

/** Sends anonymous visitors to the login page, remembering where they were going. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (user === undefined) {
    return (
      <div className="boot">
        <LoadingState label="Opening the Studio…" />
      </div>
    );
  }
  if (!user) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return <>{children}</>;
}

/** Pages for some roles only (Accounts, API keys): others see why, not a broken page. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { user } = useAuth();
  if (!user || !roles.includes(user.role)) {
    return (
      <div className="page">
        <EmptyState icon="lock" title="You don't have access to this page" testId="forbidden">
          This page is for {roles.map((r) => r.toLowerCase()).join(' and ')} accounts. Ask an admin if you need it.
        </EmptyState>
      </div>
    );
  }
  return <>{children}</>;
}
