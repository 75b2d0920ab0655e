import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Icon } from './Icon';

export function PageHeader({
  title,
  subtitle,
  actions,
  back,
  meta,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  back?: { to: string; label: string };
  meta?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div className="page-header-main">
        {back && (
          <Link to={back.to} className="back-link">
            <Icon name="back" size={14} /> {back.label}
          </Link>
        )}
        <div className="page-title-row">
          <h1 data-testid="page-title">{title}</h1>
          {meta}
        </div>
        {subtitle && <p className="page-subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}
