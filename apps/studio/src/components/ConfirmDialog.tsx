import type { ReactNode } from 'react';
import { ErrorBanner } from './Banner';
import { Button } from './Button';
import { Modal } from './Modal';
import { useSubmit } from '../lib/hooks';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm(): Promise<void>;
  onClose(): void;
  testId?: string;
  /** Keep the confirm button disabled (the dialog explains why). */
  confirmDisabled?: boolean;
}

/** Asks before a consequential action; stays open with the error if the action fails. */
export function ConfirmDialog({ title, children, confirmLabel, danger, onConfirm, onClose, testId = 'confirm-dialog', confirmDisabled }: ConfirmDialogProps) {
  const { busy, error, submit: send } = useSubmit();
  return (
    <Modal
      title={title}
      onClose={onClose}
      size="sm"
      busy={busy}
      testId={testId}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button
            variant={danger ? 'danger' : 'primary'}
            loading={busy}
            disabled={confirmDisabled}
            data-testid="confirm-button"
            data-autofocus
            onClick={async () => {
              await send(async () => {
                await onConfirm();
                onClose();
              });
            }}
          >
            {confirmLabel}
          </Button>
        </>
      }
    >
      {error && <ErrorBanner error={error} />}
      <div className="confirm-text">{children}</div>
    </Modal>
  );
}
