import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, type ReactNode } from 'react';
import { Icon } from './Icon';

interface ModalProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  testId?: string;
  /** Keep the dialog open on Escape / backdrop click (e.g. while a request runs). */
  busy?: boolean;
}

const FIRST_FIELD = '[data-autofocus], input:not([disabled]), select, textarea, button.btn-primary';

/**
 * A modal dialog on Radix: focus moves in on open, is trapped inside, and goes back on close; Escape and the backdrop
 * close it; the rest of the page is hidden from screen readers meanwhile. The backdrop is our own element rather than
 * Radix's Overlay, whose scroll lock injects a <style> element that the Studio's CSP (style-src 'self') refuses; the
 * page is kept from scrolling by the `modal-open` class instead.
 */
export function Modal({ title, onClose, children, footer, size = 'md', testId, busy }: ModalProps) {
  useEffect(() => {
    document.body.classList.add('modal-open');
    return () => document.body.classList.remove('modal-open');
  }, []);

  return (
    <Dialog.Root
      open
      onOpenChange={(open) => {
        if (!open && !busy) onClose();
      }}
    >
      <Dialog.Portal>
        <div className="modal-backdrop">
          <Dialog.Content
            className={`modal modal-${size}`}
            data-testid={testId}
            aria-describedby={undefined}
            onOpenAutoFocus={(e) => {
              // The first field (or the marked button) rather than the close button in the header.
              const first = (e.currentTarget as HTMLElement | null)?.querySelector<HTMLElement>(FIRST_FIELD);
              if (first) {
                e.preventDefault();
                first.focus();
              }
            }}
            onEscapeKeyDown={(e) => {
              // An Escape in an open combobox closes its list, not the dialog.
              const target = e.target as HTMLElement | null;
              if (busy || target?.getAttribute('aria-expanded') === 'true') e.preventDefault();
            }}
            onPointerDownOutside={(e) => {
              if (busy) e.preventDefault();
            }}
          >
            <header className="modal-header">
              <Dialog.Title>{title}</Dialog.Title>
              <button type="button" className="icon-btn" aria-label="Close" onClick={onClose} disabled={busy}>
                <Icon name="x" />
              </button>
            </header>
            <div className="modal-body">{children}</div>
            {footer && <footer className="modal-footer">{footer}</footer>}
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
