import * as RadixTabs from '@radix-ui/react-tabs';
import type { ReactNode } from 'react';

interface TabDef<K extends string> {
  key: K;
  label: ReactNode;
  testId?: string;
}

interface TabsProps<K extends string> {
  tabs: TabDef<K>[];
  active: K;
  onChange(k: K): void;
  /** Beside the tabs (outside the tab list, which holds only tabs). */
  extra?: ReactNode;
  className?: string;
  /** The active tab's panel; without it the tabs switch what the page shows below them, and name no panel. */
  children?: ReactNode;
}

/** Tabs on Radix: arrow keys move between them (Home and End too), and the focused one is selected. */
export function Tabs<K extends string>({ tabs, active, onChange, extra, className, children }: TabsProps<K>) {
  return (
    <RadixTabs.Root value={active} onValueChange={(v) => onChange(v as K)} activationMode="automatic">
      <RadixTabs.List className={`tabs ${className ?? ''}`} loop>
        {tabs.map((t) => (
          <RadixTabs.Trigger
            key={t.key}
            value={t.key}
            className={`tab ${t.key === active ? 'is-active' : ''}`}
            data-testid={t.testId}
            // With no panel element, pointing at one would name an element that does not exist.
            {...(children === undefined ? { 'aria-controls': undefined } : {})}
          >
            {t.label}
          </RadixTabs.Trigger>
        ))}
      </RadixTabs.List>
      {extra}
      {children !== undefined && <RadixTabs.Content value={active}>{children}</RadixTabs.Content>}
    </RadixTabs.Root>
  );
}
