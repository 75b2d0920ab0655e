import type { ReactNode } from 'react';

export interface TabDef<K extends string> {
  key: K;
  label: ReactNode;
  testId?: string;
}

export function Tabs<K extends string>({ tabs, active, onChange, extra, className }: { tabs: TabDef<K>[]; active: K; onChange(k: K): void; extra?: ReactNode; className?: string }) {
  return (
    <div className={`tabs ${className ?? ''}`} role="tablist">
      {tabs.map((t) => (
        <button
          key={t.key}
          type="button"
          role="tab"
          aria-selected={t.key === active}
          className={`tab ${t.key === active ? 'is-active' : ''}`}
          onClick={() => onChange(t.key)}
          data-testid={t.testId}
        >
          {t.label}
        </button>
      ))}
      {extra}
    </div>
  );
}
