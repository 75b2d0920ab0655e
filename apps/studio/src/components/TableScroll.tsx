import type { ReactNode } from 'react';

/**
 * A wide table's horizontal scroll box. It takes keyboard focus and is a named region, so someone without a mouse can
 * scroll it with the arrow keys and a screen reader says what it holds (axe: scrollable-region-focusable).
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
