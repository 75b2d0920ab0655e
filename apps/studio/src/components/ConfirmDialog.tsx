import { useState, type ReactNode } from 'react';
import { toApiError, type ApiError } from '../api/client';
import { ErrorBanner } from './Banner';
import { Button } from './Button';
import { Modal } from './Modal';

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
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
              setBusy(true);
              setError(null);
              try {
                await onConfirm();
                onClose();
              } catch (e) {
                setError(toApiError(e));
                setBusy(false);
              }
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
