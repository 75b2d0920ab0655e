import { Suspense, useState } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useAuth, useCurrentUser } from '../auth/AuthContext';
import { RoleBadge } from './Badge';
import { LoadingState } from './Spinner';
import { ChangePasswordDialog } from './ChangePasswordDialog';
import { FailedReleasesAlert } from './FailedReleasesAlert';
import { Icon } from './Icon';
import { visibleNav } from './nav';
import { useToast } from './Toast';

export function Logo() {
  return (
    <span className="logo">
      <svg width="24" height="24" viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="var(--accent)" />
        <path d="M8 23V9h3.2l4.8 7.4L20.8 9H24v14h-3.2v-8.6L16 21.6l-4.8-7.2V23z" fill="#fff" />
      </svg>
      <span className="logo-text">
        Marquee <span className="logo-sub">Studio</span>
      </span>
    </span>
  );
}

function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((w) => w[0]?.toUpperCase())
      .join('') || '?'
  );
}

export function Layout() {
  const user = useCurrentUser();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const toast = useToast();
  const [changing, setChanging] = useState(false);

  return (
    <div className="app-shell">
      <aside className="sidebar" data-testid="sidebar">
        <div className="sidebar-brand">
          <Logo />
        </div>
        <nav className="sidebar-nav" aria-label="Main">
          {visibleNav(user.role).map((g, i) => (
            <div className="nav-group" key={g.label ?? i}>
              {g.label && <div className="nav-group-label">{g.label}</div>}
              {g.entries.map((e) => (
                <NavLink key={e.to} to={e.to} className={({ isActive }) => `nav-link ${isActive ? 'is-active' : ''}`} data-testid={e.testId}>
                  <Icon name={e.icon} />
                  <span>{e.label}</span>
                </NavLink>
              ))}
            </div>
          ))}
        </nav>
        <div className="sidebar-user" data-testid="user-menu">
          <div className="user-row">
            <span className="avatar" aria-hidden="true">
              {initials(user.displayName)}
            </span>
            <div className="user-meta">
              <div className="user-name" data-testid="user-name" title={user.email}>
                {user.displayName}
              </div>
              <div className="user-email" title={user.email}>
                {user.email}
              </div>
            </div>
            <RoleBadge role={user.role} />
          </div>
          <div className="user-actions">
            <button type="button" className="link-btn" onClick={() => setChanging(true)} data-testid="change-password">
              <Icon name="lock" size={14} /> Change password
            </button>
            <button
              type="button"
              className="link-btn"
              data-testid="sign-out"
              onClick={async () => {
                await logout().catch(() => undefined);
                toast.show('You are signed out.');
                navigate('/login', { replace: true });
              }}
            >
              <Icon name="logout" size={14} /> Sign out
            </button>
          </div>
        </div>
      </aside>
      <main className="main" id="main">
        <FailedReleasesAlert />
        <Suspense fallback={<LoadingState />}>
          <Outlet />
        </Suspense>
      </main>
      {changing && <ChangePasswordDialog onClose={() => setChanging(false)} />}
    </div>
  );
}
