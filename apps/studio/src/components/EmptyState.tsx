import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

export function EmptyState({
  icon = 'inbox',
  title,
  children,
  actions,
  testId = 'empty-state',
  level = 3,
}: {
  icon?: IconName;
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
  testId?: string;
  /** The title's heading level: 3 inside a card under its h2; 2 where the empty state stands right under the page's h1. */
  level?: 2 | 3;
}) {
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <div className="empty-state" data-testid={testId}>
      <div className="empty-icon">
        <Icon name={icon} size={22} />
      </div>
      <Heading className="empty-state-title">{title}</Heading>
      {children && <p>{children}</p>}
      {actions && <div className="empty-actions">{actions}</div>}
    </div>
  );
}
