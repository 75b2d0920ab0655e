import type { ReactNode } from 'react';
import type { ApiError } from '../api/client';
import { Icon } from './Icon';

interface BannerProps {
  tone?: 'error' | 'warning' | 'info' | 'success';
  title?: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  testId?: string;
  onDismiss?(): void;
}

export function Banner({ tone = 'info', title, children, actions, testId, onDismiss }: BannerProps) {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'error' ? 'alert' : 'status'} data-testid={testId}>
      <Icon name={tone === 'success' ? 'check' : tone === 'info' ? 'info' : 'alert'} size={18} className="banner-icon" />
      <div className="banner-content">
        {title && <div className="banner-title">{title}</div>}
        {children && <div className="banner-text">{children}</div>}
      </div>
      {actions && <div className="banner-actions">{actions}</div>}
      {onDismiss && (
        <button type="button" className="icon-btn" aria-label="Dismiss" onClick={onDismiss}>
          <Icon name="x" size={14} />
        </button>
      )}
    </div>
  );
}

/** The message of an API error, with the field problems that have no input of their own listed under it. */
export function ErrorBanner({
  error,
  unplaced = [],
  onRetry,
  onDismiss,
}: {
  error: ApiError;
  unplaced?: { field: string; message: string }[];
  onRetry?(): void;
  onDismiss?(): void;
}) {
  const title =
    error.code === 'FORBIDDEN'
      ? 'Not allowed'
      : error.code === 'NETWORK_ERROR'
        ? 'Connection problem'
        : error.code === 'RATE_LIMITED'
          ? 'Slow down'
          : undefined;
  return (
    <Banner
      tone="error"
      title={title}
      testId="error-banner"
      onDismiss={onDismiss}
      actions={
        onRetry ? (
          <button type="button" className="btn btn-secondary btn-sm" onClick={onRetry}>
            Try again
          </button>
        ) : undefined
      }
    >
      <span data-testid="error-message">{error.message}</span>
      {unplaced.length > 0 && (
        <ul className="problem-list">
          {unplaced.map((p) => (
            <li key={p.field}>
              <code>{p.field}</code> {p.message}
            </li>
          ))}
        </ul>
      )}
    </Banner>
  );
}
