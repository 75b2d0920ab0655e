import type { Role } from '../api/types';
import type { IconName } from './Icon';

export interface NavEntry {
  to: string;
  label: string;
  icon: IconName;
  testId: string;
  /** Who sees the entry; everyone when absent. */
  roles?: Role[];
  /** Planned sections stay listed here so the sidebar's shape does not change when they ship. */
  planned?: boolean;
}

export interface NavGroup {
  label?: string;
  entries: NavEntry[];
}

/**
 * The sidebar, in one place. Planned entries are declared but not shown until their pages exist.
 */
const NAV: NavGroup[] = [
  {
    entries: [
      { to: '/content', label: 'Content', icon: 'content', testId: 'nav-content' },
      { to: '/review', label: 'Review', icon: 'review', testId: 'nav-review' },
      { to: '/releases', label: 'Releases', icon: 'package', testId: 'nav-releases' },
      { to: '/calendar', label: 'Calendar', icon: 'calendar', testId: 'nav-calendar' },
      { to: '/import', label: 'Import', icon: 'import', testId: 'nav-import', roles: ['ADMIN', 'EDITOR', 'REVIEWER'] },
    ],
  },
  {
    label: 'Operations',
    entries: [
      { to: '/scheduler', label: 'Scheduler health', icon: 'activity', testId: 'nav-scheduler' },
      { to: '/audit-log', label: 'Audit log', icon: 'list', testId: 'nav-audit-log' },
    ],
  },
  {
    label: 'Insights',
    entries: [
      { to: '/surfaces', label: 'Surfaces', icon: 'layers', testId: 'nav-surfaces' },
      { to: '/preview', label: 'Feed preview', icon: 'eye', testId: 'nav-preview' },
      { to: '/analytics', label: 'Analytics', icon: 'chart', testId: 'nav-analytics' },
    ],
  },
  {
    label: 'Admin',
    entries: [
      { to: '/admin/accounts', label: 'Accounts', icon: 'users', testId: 'nav-accounts', roles: ['ADMIN'] },
      { to: '/admin/api-keys', label: 'API keys', icon: 'key', testId: 'nav-api-keys', roles: ['ADMIN'] },
      { to: '/admin/webhooks', label: 'Webhooks', icon: 'zap', testId: 'nav-webhooks', roles: ['ADMIN'] },
    ],
  },
];

export function visibleNav(role: Role): NavGroup[] {
  return NAV.map((g) => ({ ...g, entries: g.entries.filter((e) => !e.planned && (!e.roles || e.roles.includes(role))) })).filter((g) => g.entries.length > 0);
}

/** The analytics section's pages, shown as tabs at the top of each (the sidebar has one Analytics entry). */
export const ANALYTICS_NAV: NavEntry[] = [
  { to: '/analytics/content-tests', label: 'Content tests', icon: 'flask', testId: 'nav-content-tests' },
  { to: '/analytics/exploration', label: 'Exploration spend', icon: 'pie', testId: 'nav-exploration' },
  { to: '/analytics/success', label: 'Surface success', icon: 'trending', testId: 'nav-surface-success' },
  { to: '/analytics/evaluation', label: 'Offline evaluation', icon: 'target', testId: 'nav-evaluation' },
  { to: '/analytics/models', label: 'Models', icon: 'cpu', testId: 'nav-models' },
];
